// A round empties its arena without dropping the values (a `DroplessArena`), so `rounds` on a
// type with drop glue is one error, on `rounds`, at `cargo check` (a `const _` item of the
// derive), and none at the uses.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, rounds)]
struct Word<'a> {
    text: String,
    next: Option<&'a Word<'a>>,
}

fn uses() {
    let mut rounds = WordRounds::new();
    rounds.round(|arena| arena.len());
}

fn main() {}
