// `rounds` is a kind of its own: with `ring`, `pool` or `scoped` it is one error, on the second
// kind written; `rounds = true` is a flag given a value.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, ring, rounds)]
struct Logged<'a>(&'a u32);

#[derive(ArenaAlloc, Default)]
#[arena(rounds = 4, pool)]
struct Pooled<'a>(Option<&'a u32>);

#[derive(ArenaAlloc)]
#[arena(capacity = 4, rounds = true)]
struct Flagged<'a>(&'a u32);

fn main() {}
