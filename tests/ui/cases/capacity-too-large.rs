use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = usize::MAX / 2)]
struct Quad([u64; 4]);

fn main() {}
