use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
enum Shape {
    Circle,
    Square,
}

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
union Bits {
    int: u32,
    float: f32,
}

// The fallback still generates the arenas: these uses add no errors of their own.
fn uses() {
    let shapes = ShapeArena::new();
    shapes.alloc(Shape::Circle).ok();
    let _ = BitsArena::CAPACITY;
}

fn main() {}
