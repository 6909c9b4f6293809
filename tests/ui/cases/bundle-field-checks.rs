// A bundle field that no constructor could build is an error at `cargo check` (trybuild's
// compile-fail cases are built with `cargo check`), on the field, when its type does not name
// the bundle's type parameters: one `const _` item per field asserts the runtime's checks. In a
// generic bundle a field such as `Arena<T, 0>` is checked per instantiation, when a
// constructor is compiled (`cargo build`).
use atomicarena::{ArenaAlloc, Arenas};

#[derive(ArenaAlloc)]
#[arena(capacity = 4, no_drop)]
struct Word<T>(T);

#[derive(Arenas)]
struct Bundle<'a> {
    empty: atomicarena::Arena<u32, 0>,
    leaks: atomicarena::DroplessArena<String, 4>,
    huge: atomicarena::Arena<u64, { usize::MAX / 4 }>,
    words: WordArena<Vec<u8>>,
    fine: atomicarena::Arena<&'a str, 4>,
}

fn main() {}
