use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, ring, pool)]
struct Both {
    id: u32,
}

fn main() {}
