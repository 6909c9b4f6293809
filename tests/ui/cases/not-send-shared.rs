use std::rc::Rc;

use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
struct Shared {
    count: Rc<u8>,
}

// Several threads could `alloc` (move an `Rc` in) through a static: not allowed.
static SHARED: SharedArena = SharedArena::new();

fn scoped() {
    let arena = SharedArena::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            arena.alloc(Shared { count: Rc::new(1) }).ok();
        });
    });
}

fn main() {}
