use atomicarena::{ArenaAlloc, Arenas};

#[derive(ArenaAlloc)]
#[arena(capacity = 16, ring)]
struct Event(u32);

#[derive(Arenas)]
struct Frame {
    numbers: atomicarena::Arena<u64, 16>,
    count: usize,
    events: EventRing,
}

fn main() {}
