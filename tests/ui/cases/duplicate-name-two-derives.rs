// Two derives in one module generate the same name: here `name = Store` twice (the same holds
// for `name = BArena` next to `#[derive(ArenaAlloc)] struct B`, whose default name is `BArena`).
// The first error is rustc's "defined multiple times", on the second `name = Store` (the
// generated struct carries the span of its name), with the first one labelled.
//
// rustc adds errors that no macro can suppress: a derive cannot see the other derive, and both
// implement their traits for the one type that the name `Store` resolves to (the first). So one
// E0119 per trait impl (`Deref`, `DerefMut`, `IntoIterator`, `BoundedArena`, `Default`, `Debug`,
// `Zeroable`), one E0592 per inherent item (`CAPACITY`, `new`, `new_boxed`), and type errors in
// the second derive's method bodies, written for its own struct. The private `use` of the
// runtime that each derive emits is named after the deriving type too, so it adds nothing.
// Fix: another `name = ...` for one of them.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(name = Store, capacity = 4)]
struct Apple(u32);

#[derive(ArenaAlloc)]
#[arena(name = Store, capacity = 8)]
struct Pear(u64);

fn main() {}
