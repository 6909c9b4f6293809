use atomicarena::{Arena, ArenaAlloc, Arenas};

// Written alike: the derive sees it, and reports the second field.
#[derive(Arenas)]
struct Spans {
    starts: Arena<u32, 16>,
    ends: Arena<u32, 16>,
}

#[derive(ArenaAlloc, Clone, Copy)]
#[arena(capacity = 16)]
struct Id(u64);

// Written differently (`Id` twice, through a generated type and the runtime type): the
// compiler sees it, on both fields.
#[derive(Arenas)]
struct Ids {
    ids: IdArena,
    more_ids: Arena<Id, 64>,
    names: Arena<&'static str, 8>,
}

fn main() {
    let spans = Spans::new();
    spans.alloc(1_u32).unwrap(); // no follow-on error: `starts` stores `u32`
    let ids = Ids::new();
    ids.alloc("x").unwrap();
}
