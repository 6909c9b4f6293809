// A one-field bundle asked for a type it does not store: the documented message (no "expected
// `u32`, found `&str`"), and for a primitive a type that exists.
use atomicarena::{Arena, Arenas};

#[derive(Arenas)]
struct Numbers {
    numbers: Arena<u32, 16>,
}

fn main() {
    let numbers = Numbers::new();
    numbers.alloc(1_u32).unwrap();
    numbers.alloc("x").unwrap();
}
