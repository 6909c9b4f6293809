// `rounds` needs a type whose one parameter is a lifetime (the round's): one error per type, on
// `rounds`, saying what to do. The uses below add none (the fallback's `NoBorrowRounds` and
// `TwoRounds` name the type with the round's lifetime in every place; a type with a type
// parameter gets no stub, and is not used here).
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, rounds)]
struct NoBorrow(u32);

#[derive(ArenaAlloc)]
#[arena(capacity = 4, rounds)]
struct Two<'a, 'b>(&'a u32, &'b u32);

#[derive(ArenaAlloc)]
#[arena(capacity = 4, rounds)]
struct Typed<'a, T>(&'a T);

fn uses() {
    let mut one = NoBorrowRounds::new();
    one.round(|arena| arena.alloc(NoBorrow(1)).is_ok());
    let mut two = TwoRounds::new_boxed();
    two.round(|arena| arena.alloc(Two(&1, &2)).is_ok());
}

fn main() {}
