//! `Rounds`: a reusable `DroplessArena` of values that borrow each other (issue 19, item 9).
//!
//! Values read back inside each round, cyclic graphs built and walked across many rounds, the
//! statistics of each round starting from zero, a panicking round that still resets, and
//! several threads allocating into one round. Runs under Miri (smaller sizes there).

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use atomicarena::{DroplessArena, ForLifetime, Rounds};

/// A graph node: a value and up to two edges to other nodes of the same round.
struct Node<'a> {
    id: u32,
    left: Cell<Option<&'a Node<'a>>>,
    right: Cell<Option<&'a Node<'a>>>,
}

struct NodeOf;
impl ForLifetime for NodeOf {
    type Of<'a> = Node<'a>;
}

struct U64Of;
impl ForLifetime for U64Of {
    type Of<'a> = u64;
}

const ROUNDS: u32 = if cfg!(miri) { 6 } else { 500 };
const NODES: usize = if cfg!(miri) { 40 } else { 1_000 };

fn node<'a>(arena: &'a DroplessArena<Node<'a>, NODES>, id: u32) -> &'a Node<'a> {
    arena
        .alloc(Node {
            id,
            left: Cell::new(None),
            right: Cell::new(None),
        })
        .unwrap()
}

#[test]
fn values_read_back_in_every_round() {
    let mut rounds: Rounds<U64Of, 64> = Rounds::new();
    for r in 0..ROUNDS as u64 {
        let sum = rounds.round(|arena| {
            let values: Vec<&u64> = (0..64)
                .map(|i| &*arena.alloc(r * 1000 + i).unwrap())
                .collect();
            assert!(arena.is_full());
            for (i, v) in values.iter().enumerate() {
                assert_eq!(**v, r * 1000 + i as u64);
            }
            values.iter().copied().sum::<u64>()
        });
        assert_eq!(sum, 64 * r * 1000 + (0..64).sum::<u64>());
    }
    assert_eq!(rounds.high_water(), 64);
    assert_eq!(rounds.failed_allocs(), 0);
}

/// A ring of `n` nodes (each `right` points to the next, the last to the first, a cycle), with
/// `left` edges to the node `n / 2` further on (more cycles), walked in both directions.
#[test]
fn cyclic_graphs_across_many_rounds() {
    let mut rounds = Rounds::<NodeOf, NODES>::new_boxed();
    for r in 0..ROUNDS {
        let n = NODES - (r as usize % 7); // a different size per round
        let (walk_sum, left_sum, len) = rounds.round(|arena| {
            let nodes: Vec<&Node<'_>> = (0..n as u32)
                .map(|i| node(arena, r * 100_000 + i))
                .collect();
            for (i, a) in nodes.iter().enumerate() {
                a.right.set(Some(nodes[(i + 1) % n]));
                a.left.set(Some(nodes[(i + n / 2) % n]));
            }
            // Around the ring twice: every node twice.
            let (mut at, mut walk_sum) = (nodes[0], 0u64);
            for _ in 0..2 * n {
                walk_sum += u64::from(at.id);
                at = at.right.get().unwrap();
            }
            assert_eq!(at.id, nodes[0].id, "back where it started");
            // Each node's `left` target, read through the node.
            let left_sum: u64 = nodes
                .iter()
                .map(|a| u64::from(a.left.get().unwrap().id))
                .sum();
            (walk_sum, left_sum, arena.len())
        });
        let ids: u64 = (0..n as u64).map(|i| u64::from(r) * 100_000 + i).sum();
        assert_eq!(walk_sum, 2 * ids);
        assert_eq!(left_sum, ids, "`left` is a permutation of the nodes");
        assert_eq!(len, n);
    }
    assert_eq!(rounds.high_water(), NODES);
}

#[test]
fn each_round_starts_empty_with_full_capacity() {
    let mut rounds: Rounds<U64Of, 8> = Rounds::new();
    for r in 0..(ROUNDS as usize).max(8) {
        let k = r % 8 + 1;
        rounds.round(|arena| {
            assert_eq!(arena.len(), 0);
            assert_eq!(arena.remaining(), 8);
            assert!(arena.is_empty());
            for i in 0..k {
                arena.alloc(i as u64).unwrap();
            }
            assert_eq!(arena.len(), k);
            assert_eq!(arena.remaining(), 8 - k);
            assert_eq!(arena.bytes_used(), 8 * k);
        });
    }
    assert_eq!(rounds.high_water(), 8);
    assert_eq!(rounds.capacity(), 8);
    assert_eq!(Rounds::<U64Of, 8>::CAPACITY, 8);
    // Failures are counted over all rounds.
    for _ in 0..3 {
        rounds.round(|arena| {
            arena.alloc_slice_copy(&[0; 8]).unwrap();
            assert!(arena.alloc(9).is_err());
        });
    }
    assert_eq!(rounds.failed_allocs(), 3);
    let shown = format!("{rounds:?}");
    assert!(shown.starts_with("Rounds {"), "{shown}");
    assert!(shown.contains("len: 0"), "{shown}");
}

#[test]
fn a_panicking_round_still_resets() {
    let mut rounds = Rounds::<NodeOf, NODES>::new_boxed();
    for r in 0..3 {
        let caught = catch_unwind(AssertUnwindSafe(|| {
            rounds.round(|arena| {
                let a = node(arena, 1);
                let b = node(arena, 2);
                a.right.set(Some(b));
                b.right.set(Some(a));
                for i in 0..10 {
                    node(arena, i);
                }
                assert_eq!(arena.len(), 12);
                panic!("round {r} fails");
            })
        }));
        assert!(caught.is_err());
        // The next round starts empty, and its values are its own.
        let (len, id) = rounds.round(|arena| {
            let len = arena.len();
            let c = node(arena, 7);
            (len, c.id)
        });
        assert_eq!((len, id), (0, 7));
    }
    // A panic inside a `local()` handle's round, too.
    let caught = catch_unwind(AssertUnwindSafe(|| {
        rounds.round(|arena| {
            let mut local = arena.local();
            for i in 0..5 {
                local
                    .alloc(Node {
                        id: i,
                        left: Cell::new(None),
                        right: Cell::new(None),
                    })
                    .unwrap();
            }
            panic!("with a live handle");
        })
    }));
    assert!(caught.is_err());
    assert_eq!(
        rounds.round(|arena| (arena.len(), arena.remaining())),
        (0, NODES)
    );
}

/// Several threads allocate into one round (scoped threads, joined before the round ends), and
/// link nodes made by other threads.
#[test]
fn threads_allocate_into_one_round() {
    const THREADS: u32 = 4;
    const PER: u32 = if cfg!(miri) { 8 } else { 200 };
    const CAP: usize = (THREADS * PER) as usize;
    struct LinkOf;
    impl ForLifetime for LinkOf {
        type Of<'a> = Link<'a>;
    }
    struct Link<'a> {
        id: u32,
        next: Option<&'a Link<'a>>,
    }

    let mut rounds = Rounds::<LinkOf, CAP>::new_boxed();
    for r in 0..if cfg!(miri) { 2 } else { 20 } {
        let totals = rounds.round(|arena| {
            let chains: Vec<&Link<'_>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..THREADS)
                    .map(|t| {
                        s.spawn(move || {
                            let mut head: Option<&Link<'_>> = None;
                            for i in 0..PER {
                                let id = r * 10_000 + t * PER + i;
                                head = Some(&*arena.alloc(Link { id, next: head }).unwrap());
                            }
                            head.unwrap()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(arena.len(), CAP);
            assert!(arena.is_full());
            // Walk every thread's chain on this thread.
            chains
                .iter()
                .map(|&head| {
                    let (mut at, mut sum, mut n) = (Some(head), 0u64, 0);
                    while let Some(l) = at {
                        sum += u64::from(l.id);
                        n += 1;
                        at = l.next;
                    }
                    assert_eq!(n, PER);
                    sum
                })
                .sum::<u64>()
        });
        let expected: u64 = (0..THREADS * PER).map(|i| u64::from(r * 10_000 + i)).sum();
        assert_eq!(totals, expected);
    }
}

/// A striped arena (at least 4,096 slots gives each thread a chunk of its own with `std`):
/// rounds reset the threads' chunks too.
#[test]
fn striped_rounds_reset_every_chunk() {
    const CAP: usize = 4_096;
    let mut rounds = Rounds::<U64Of, CAP>::new_boxed();
    let per = if cfg!(miri) { 50 } else { 1_000 };
    for _ in 0..if cfg!(miri) { 2 } else { 10 } {
        let len = rounds.round(|arena| {
            std::thread::scope(|s| {
                for t in 0..2u64 {
                    s.spawn(move || {
                        for i in 0..per {
                            assert_eq!(*arena.alloc(t * 1_000_000 + i).unwrap(), t * 1_000_000 + i);
                        }
                    });
                }
            });
            arena.len()
        });
        assert_eq!(len, 2 * per as usize);
        assert_eq!(rounds.round(|arena| arena.remaining()), CAP);
    }
}

/// `Rounds` is `Send` and `Sync` whatever it stores (it holds no value between rounds), even
/// for a type that is neither (`Node` holds `Cell`s and references to `Node`s, so it is neither
/// `Sync` nor `Send`); the lent arena follows `DroplessArena`'s own bound inside the round.
#[test]
fn rounds_move_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}

    let mut rounds = Rounds::<NodeOf, NODES>::new_boxed();
    send_sync(&rounds);
    rounds.round(|arena| {
        node(arena, 1);
    });
    let moved = std::thread::spawn(move || {
        let ids = rounds.round(|arena| {
            let a = node(arena, 2);
            let b = node(arena, 3);
            a.right.set(Some(b));
            b.right.set(Some(a));
            (
                a.right.get().unwrap().id,
                b.right.get().unwrap().id,
                arena.len(),
            )
        });
        assert_eq!(ids, (3, 2, 2));
        rounds
    })
    .join()
    .unwrap();
    assert_eq!(moved.high_water(), 2);
}

/// `round_local`: one thread, no atomics; the same graphs, and the arena stays usable by
/// `round` in between (its cursor never moved).
#[test]
fn round_local_builds_cyclic_graphs_and_alternates_with_round() {
    let mut rounds = Rounds::<NodeOf, NODES>::new_boxed();
    for r in 0..ROUNDS {
        let n = NODES - (r as usize % 5);
        let (sum, len) = rounds.round_local(|nodes| {
            let all: Vec<&Node<'_>> = (0..n as u32)
                .map(|i| {
                    &*nodes
                        .alloc(Node {
                            id: r + i,
                            left: Cell::new(None),
                            right: Cell::new(None),
                        })
                        .unwrap()
                })
                .collect();
            for (i, a) in all.iter().enumerate() {
                a.right.set(Some(all[(i + 1) % n]));
                a.left.set(Some(all[(i + n - 1) % n]));
            }
            assert_eq!(nodes.remaining(), NODES - n);
            if n == NODES {
                let back = nodes.alloc(Node {
                    id: 0,
                    left: Cell::new(None),
                    right: Cell::new(None),
                });
                let Err(full) = back else {
                    panic!("a full round hands the value back")
                };
                assert_eq!(full.into_inner().id, 0);
            }
            // Around the ring forwards and backwards.
            let (mut at, mut sum) = (all[0], 0u64);
            for _ in 0..n {
                sum += u64::from(at.id);
                at = at.right.get().unwrap();
            }
            for _ in 0..n {
                at = at.left.get().unwrap();
                sum += u64::from(at.id);
            }
            (sum, nodes.len())
        });
        let ids: u64 = (0..n as u64).map(|i| u64::from(r) + i).sum();
        assert_eq!((sum, len), (2 * ids, n));
        // A shared round in between starts empty at full capacity.
        let (len, remaining, id) = rounds.round(|arena| {
            let (len, remaining) = (arena.len(), arena.remaining());
            (len, remaining, node(arena, 9).id)
        });
        assert_eq!((len, remaining, id), (0, NODES, 9));
    }
    assert_eq!(rounds.high_water(), NODES);
    assert_eq!(rounds.failed_allocs(), 0);
}

#[test]
fn a_panicking_round_local_still_ends() {
    let mut rounds: Rounds<U64Of, 8> = Rounds::new();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        rounds.round_local(|v| {
            for i in 0..5 {
                v.alloc(i).unwrap();
            }
            panic!("fails");
        })
    }));
    assert!(caught.is_err());
    assert_eq!(
        rounds.high_water(),
        5,
        "the round's len is recorded on unwind too"
    );
    let values = rounds.round_local(|v| {
        assert!(v.is_empty());
        let all: Vec<u64> = (10..18).map(|i| *v.alloc(i).unwrap()).collect();
        assert_eq!(format!("{v:?}"), "RoundLocal { len: 8, capacity: 8 }");
        all
    });
    assert_eq!(values, (10..18).collect::<Vec<u64>>());
    assert_eq!(rounds.round(|arena| arena.len()), 0);
}

/// `RoundLocal` bumps a pointer; for a zero-sized type it only counts: exactly `N` values fit
/// in every round, in both storages.
#[test]
fn round_local_of_zero_sized_values_holds_exactly_the_capacity() {
    struct UnitOf;
    impl atomicarena::ForLifetime for UnitOf {
        type Of<'a> = [u64; 0]; // zero-sized, aligned to 8
    }
    let mut inline: Rounds<UnitOf, 3> = Rounds::new();
    let mut heap = atomicarena::HeapRounds::<UnitOf>::with_capacity(5);
    for _ in 0..3 {
        let got = inline.round_local(|v| {
            while v.alloc([]).is_ok() {}
            (v.len(), v.remaining())
        });
        assert_eq!(got, (3, 0));
        let got = heap.round_local(|v| {
            let r: &mut [u64; 0] = v.alloc([]).unwrap();
            assert_eq!(r as *mut [u64; 0] as usize % 8, 0, "aligned");
            while v.alloc([]).is_ok() {}
            (v.len(), v.remaining())
        });
        assert_eq!(got, (5, 0));
    }
    assert_eq!((inline.high_water(), heap.high_water()), (3, 5));
}

/// Values read back through `RoundLocal` on a heap storage, filled to the last slot.
#[test]
fn round_local_fills_a_heap_round_to_the_last_slot() {
    struct U64Of;
    impl atomicarena::ForLifetime for U64Of {
        type Of<'a> = u64;
    }
    let mut rounds = atomicarena::HeapRounds::<U64Of>::with_capacity(100);
    for round in 0..3u64 {
        let sum = rounds.round_local(|v| {
            let refs: Vec<&mut u64> = (0..100)
                .map(|i| v.alloc(round * 1000 + i).unwrap())
                .collect();
            assert_eq!(v.alloc(7).unwrap_err().into_inner(), 7);
            refs.iter().map(|r| **r).sum::<u64>()
        });
        assert_eq!(sum, (0..100).map(|i| round * 1000 + i).sum::<u64>());
    }
}
