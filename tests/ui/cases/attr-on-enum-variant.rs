// `#[arena(...)]` on an enum variant, or on a field of one, does nothing there: one error each,
// saying where the attribute goes.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
enum Shape {
    #[arena(capacity = 4)]
    Circle(f32),
    Rect {
        #[arena(clear)]
        corners: Vec<(f32, f32)>,
    },
}

// The arena is still generated: its uses add no errors.
fn uses() {
    let _ = ShapeArena::new().alloc(Shape::Circle(1.0));
}

fn main() {}
