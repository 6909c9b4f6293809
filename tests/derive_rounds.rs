//! `#[arena(capacity = N, rounds)]`: the generated `{Type}Rounds` wraps
//! `atomicarena::Rounds<{Type}Rounds, N>` (the generated type is its own `ForLifetime` marker),
//! lends a fresh `DroplessArena` of the type per round, and is reused round after round: values
//! read back in each round (cyclic graphs included), every round starting empty at full
//! capacity, a panicking round that still empties, `round_local`, and the generated API (`new`,
//! `new_boxed`, `CAPACITY`, `Default`, `Debug`, `Deref`); enums, `rounds = N`, an expression
//! capacity and `name = ...` too. Runs under Miri (smaller sizes there).
#![forbid(unsafe_code)]
#![deny(warnings)]

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use atomicarena::{ArenaAlloc, DroplessArena, ForLifetime, Rounds};

/// A graph node: a value and an edge to another node of the same round.
#[derive(ArenaAlloc)]
#[arena(capacity = 64, rounds)] // -> `NodeRounds`
struct Node<'a> {
    id: u32,
    next: Cell<Option<&'a Node<'a>>>,
}

const SLOTS: usize = 4;

/// An expression tree, with `rounds = N` and a second, named arena of another kind.
#[derive(ArenaAlloc)]
#[arena(rounds = SLOTS * 2)] // -> `ExprRounds`
#[arena(name = ExprStore, capacity = 4, no_drop)]
enum Expr<'e> {
    Num(i64),
    Add(&'e Expr<'e>, &'e Expr<'e>),
}

fn eval(e: &Expr) -> i64 {
    match *e {
        Expr::Num(n) => n,
        Expr::Add(a, b) => eval(a) + eval(b),
    }
}

/// A named `rounds` arena whose values borrow `'static` data as well as each other.
#[derive(ArenaAlloc)]
#[arena(name = Words, capacity = 3, rounds, no_drop)]
struct Word<'w> {
    text: &'static str,
    prev: Option<&'w Word<'w>>,
}

const ROUNDS: u32 = if cfg!(miri) { 5 } else { 300 };

#[test]
fn a_ring_of_nodes_per_round_reads_back_and_the_storage_is_reused() {
    let mut rounds = NodeRounds::new_boxed();
    for round in 1..=ROUNDS {
        // A cycle of 64 nodes (the whole capacity), walked twice around.
        let sum = rounds.round(|arena| {
            assert_eq!((arena.len(), arena.remaining()), (0, 64)); // every round starts empty
            let first: &Node = arena
                .alloc(Node {
                    id: round,
                    next: Cell::new(None),
                })
                .unwrap();
            let mut last = first;
            for i in 1..64 {
                let node = &*arena
                    .alloc(Node {
                        id: round + i,
                        next: Cell::new(None),
                    })
                    .unwrap();
                last.next.set(Some(node));
                last = node;
            }
            last.next.set(Some(first)); // closes the cycle
            assert!(arena
                .alloc(Node {
                    id: 0,
                    next: Cell::new(None)
                })
                .is_err()); // full
            let (mut node, mut sum) = (first, 0u64);
            for _ in 0..128 {
                sum += u64::from(node.id);
                node = node.next.get().unwrap();
            }
            assert_eq!(node.id, round); // back at the start
            sum
        });
        let once: u64 = (0..64).map(|i| u64::from(round + i)).sum();
        assert_eq!(sum, 2 * once);
    }
    assert_eq!(rounds.high_water(), 64);
    assert_eq!(rounds.failed_allocs(), ROUNDS as usize);
}

#[test]
fn the_generated_type_is_the_for_lifetime_marker_of_its_own_rounds() {
    // `NodeRounds: ForLifetime` with `Of<'a> = Node<'a>`, and it derefs to
    // `Rounds<NodeRounds, 64>`: the whole runtime API.
    fn of<'a>(node: <NodeRounds as ForLifetime>::Of<'a>) -> Node<'a> {
        node
    }
    let node = of(Node {
        id: 7,
        next: Cell::new(None),
    });
    assert_eq!(node.id, 7);
    let mut rounds = NodeRounds::new();
    let runtime: &mut Rounds<NodeRounds, 64> = &mut rounds;
    assert_eq!(runtime.capacity(), 64);
    let arena_len = runtime.round(|arena: &DroplessArena<Node<'_>, 64>| {
        arena
            .alloc(Node {
                id: 1,
                next: Cell::new(None),
            })
            .unwrap();
        arena.len()
    });
    assert_eq!(arena_len, 1);
    assert_eq!(NodeRounds::CAPACITY, 64);
    assert_eq!(Rounds::<NodeRounds, 64>::CAPACITY, 64);
}

#[test]
fn enums_expression_capacities_and_round_local() {
    assert_eq!(ExprRounds::CAPACITY, 8);
    let mut rounds = ExprRounds::default();
    for n in 0..ROUNDS {
        let n = i64::from(n);
        // One thread: no atomic operation per value.
        let value = rounds.round_local(|arena| {
            let a = &*arena.alloc(Expr::Num(n)).unwrap();
            let b = &*arena.alloc(Expr::Num(2)).unwrap();
            let mut sum = &*arena.alloc(Expr::Add(a, b)).unwrap();
            while arena.remaining() > 0 {
                sum = arena.alloc(Expr::Add(sum, b)).unwrap();
            }
            assert_eq!(arena.len(), 8);
            eval(sum)
        });
        assert_eq!(value, n + 2 * 6); // n + 2, then 5 more `+ 2`
    }
    assert_eq!(rounds.high_water(), 8);
    // The other attribute of the same type is an ordinary `no_drop` arena.
    let store = ExprStore::new();
    let two = &*store.alloc(Expr::Num(2)).unwrap();
    assert_eq!(eval(store.alloc(Expr::Add(two, two)).unwrap()), 4);
}

#[test]
fn a_panicking_round_still_empties_the_arena() {
    let mut words = Words::new();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        words.round(|arena| {
            arena
                .alloc(Word {
                    text: "lost",
                    prev: None,
                })
                .unwrap();
            panic!("in the round");
        })
    }));
    assert!(caught.is_err());
    let texts = words.round(|arena| {
        assert_eq!(arena.len(), 0); // the panicking round was emptied
        let a = &*arena
            .alloc(Word {
                text: "a",
                prev: None,
            })
            .unwrap();
        let b = &*arena
            .alloc(Word {
                text: "b",
                prev: Some(a),
            })
            .unwrap();
        let c = &*arena
            .alloc(Word {
                text: "c",
                prev: Some(b),
            })
            .unwrap();
        let mut texts = Vec::new();
        let mut word = Some(c);
        while let Some(w) = word {
            texts.push(w.text);
            word = w.prev;
        }
        texts
    });
    assert_eq!(texts, ["c", "b", "a"]);
    assert_eq!(Words::CAPACITY, 3);
}

#[test]
fn several_threads_fill_one_round() {
    // `Expr<'_>` is `Send + Sync` (a `Node` with its `Cell` is not), so the round's arena can
    // be shared by scoped threads.
    let mut rounds = ExprRounds::new_boxed();
    for round in 0..if cfg!(miri) { 2 } else { 50 } {
        let total = rounds.round(|arena| {
            let sums: Vec<i64> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4i64)
                    .map(|t| {
                        s.spawn(move || {
                            let a = &*arena.alloc(Expr::Num(round + t)).unwrap();
                            eval(arena.alloc(Expr::Add(a, a)).unwrap())
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(arena.len(), 8);
            sums.iter().sum::<i64>()
        });
        assert_eq!(total, (0..4).map(|t| 2 * (round + t)).sum::<i64>());
    }
}

#[test]
fn debug_names_the_generated_type() {
    let mut rounds = NodeRounds::new();
    rounds.round(|arena| {
        arena
            .alloc(Node {
                id: 1,
                next: Cell::new(None),
            })
            .unwrap();
    });
    let debug = format!("{rounds:?}");
    assert!(debug.starts_with("NodeRounds {"), "{debug}");
    assert!(debug.contains("high_water: 1"), "{debug}");
    let words = format!("{:?}", Words::default());
    assert!(words.starts_with("Words {"), "{words}");
}
