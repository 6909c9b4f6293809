use atomicarena::Arenas;

#[derive(Arenas)]
enum Both {
    A(atomicarena::Arena<u8, 4>),
}

#[derive(Arenas)]
struct Empty {}

#[derive(Arenas)]
#[arenas(crat = "atomicarena")]
struct Typo {
    bytes: atomicarena::Arena<u8, 4>,
}

fn main() {}
