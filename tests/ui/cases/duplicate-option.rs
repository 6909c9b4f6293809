use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, capacity = 16)]
struct Twice;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, no_drop, no_drop)]
struct Flag;

fn main() {}
