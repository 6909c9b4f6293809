use atomicarena::ArenaAlloc;

#[derive(Default)]
struct Stats {
    hits: u32,
}

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, pool)]
struct Session {
    #[arena(nested)]
    stats: Stats,
}

fn main() {}
