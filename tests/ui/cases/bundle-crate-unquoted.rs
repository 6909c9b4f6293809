// `#[arenas(crate = atomicarena)]`: the same tailored message as `ArenaAlloc`'s.
use atomicarena::Arenas;

#[derive(Arenas)]
#[arenas(crate = atomicarena)]
struct Frame {
    numbers: atomicarena::Arena<u64, 16>,
}

fn main() {}
