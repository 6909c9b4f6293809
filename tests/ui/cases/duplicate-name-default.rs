// `name = PearArena` on one type, next to a type `Pear` whose default name is `PearArena`: the
// first error is rustc's "defined multiple times", on `Pear` (the default name carries the
// type's span), with `name = PearArena` labelled as the previous definition. The follow-on
// errors are those of `duplicate-name-two-derives` (one per trait impl and inherent item of
// the second derive, and type errors in its bodies), which no macro can suppress. Fix: another
// `name = ...`.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(name = PearArena, capacity = 4)]
struct Apple(u32);

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
struct Pear(u64);

fn main() {}
