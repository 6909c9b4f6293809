use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(heap = true)]
struct Particle {
    pos: [f32; 3],
}

#[derive(ArenaAlloc)]
#[arena(heap, pool, heap)]
#[derive(Default)]
struct Job {
    id: u32,
}

#[derive(ArenaAlloc)]
#[arena(heap, no_drop)]
struct Line {
    text: String,
}

// A heap type has no `new`, `new_boxed` or `CAPACITY`: its capacity is chosen at run time.
fn uses() {
    let _ = ParticleHeapArena::with_capacity(8);
    let _ = JobHeapPool::with_capacity(8);
    let _ = LineHeapDroplessArena::new();
    let _ = LineHeapDroplessArena::CAPACITY;
}

fn main() {}
