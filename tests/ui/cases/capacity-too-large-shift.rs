use atomicarena::ArenaAlloc;

// The capacity is a `usize`: `1 << 60` is the "does not fit in memory" error, not a shift
// overflow of an `i32`.
#[derive(ArenaAlloc)]
#[arena(capacity = 1 << 60)]
struct Quad([u64; 4]);

fn main() {}
