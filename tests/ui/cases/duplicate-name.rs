use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
#[arena(capacity = 16)]
struct Implicit;

#[derive(ArenaAlloc)]
#[arena(name = Spares, capacity = 8)]
#[arena(name = Spares, capacity = 16)]
struct Explicit;

#[derive(ArenaAlloc)]
#[arena(name = Itself, capacity = 8)]
struct Itself;

fn main() {}
