// A bundle field that is a reference to an arena, or a box of one: one error each, on the field.
use atomicarena::{Arena, Arenas};

#[derive(Arenas)]
struct Borrowed<'a> {
    numbers: &'a Arena<u64, 16>,
    names: Arena<&'static str, 4>,
}

#[derive(Arenas)]
struct Boxed {
    numbers: Box<Arena<u64, 16>>,
}

fn uses(b: &Borrowed<'_>) {
    b.alloc("x").unwrap();
    let _ = Boxed::new_boxed();
}

fn main() {}
