use atomicarena::ArenaAlloc;

// An enum has bounded, `no_drop` and ring arenas, but no pool: a pool resets its values field
// by field.
#[derive(ArenaAlloc, Default)]
#[arena(capacity = 4)]
#[arena(capacity = 4, pool)]
enum Shape {
    #[default]
    Circle,
    Square,
}

// The fallback still generates both arenas: these uses add no errors of their own.
fn uses() {
    ShapeArena::new().alloc(Shape::Square).ok();
    let _ = ShapePool::new().take();
}

fn main() {}
