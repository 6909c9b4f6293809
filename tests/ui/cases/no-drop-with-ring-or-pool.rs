use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, ring, no_drop)]
#[arena(name = ReadingPool, capacity = 8, pool, no_drop)]
struct Reading {
    value: f64,
}

fn main() {}
