// Three kinds at once: one error naming all three.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, ring, pool, scoped)]
struct Job {
    id: u32,
}

fn main() {}
