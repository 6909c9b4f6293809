//! `atomicarena::Pool` against its reference model (`atomicarena_model::pool`): random
//! operation sequences (proptest) and fixed regressions.
//!
//! Under Miri: `MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -p
//! atomicarena-model --test pool` (fewer, shorter sequences).

use arbitrary::{Arbitrary, Unstructured};
use atomicarena::{FieldReset, Pool};
use atomicarena_model::pool::{run, run_with, Mode, Op};
use proptest::collection::vec;
use proptest::prelude::*;

// ---- strategies ----------------------------------------------------------------------------

/// Mostly values that keep their payload over a reset (so a stale value is recognisable),
/// some wiped, a few whose reset panics.
fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        6 => Just(Mode::Keep),
        3 => Just(Mode::Wipe),
        1 => Just(Mode::Panic),
    ]
}

/// Never 0, so a wiped payload differs from a kept one.
fn payload() -> impl Strategy<Value = u32> {
    1..1_000u32
}

fn default_panics() -> impl Strategy<Value = bool> {
    prop::bool::weighted(0.1)
}

/// Short fills for `Pool<_, 8>`, long ones (up to and past 64) for `Pool<_, 64>`.
fn fill_count() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..=10u8, 2 => 56..=70u8]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (payload(), mode(), default_panics()).prop_map(|(payload, mode, default_panics)| {
            Op::Take { payload, mode, default_panics }
        }),
        5 => (payload(), mode()).prop_map(|(payload, mode)| Op::Alloc { payload, mode }),
        2 => (fill_count(), any::<bool>(), mode())
            .prop_map(|(count, alloc, mode)| Op::Fill { count, alloc, mode }),
        3 => (any::<u8>(), payload()).prop_map(|(which, payload)| Op::Touch { which, payload }),
        2 => Just(Op::LocalNew),
        6 => (0..4u8, payload(), mode(), default_panics()).prop_map(
            |(handle, payload, mode, default_panics)| Op::LocalTake {
                handle,
                payload,
                mode,
                default_panics,
            }
        ),
        5 => (0..4u8, payload(), mode())
            .prop_map(|(handle, payload, mode)| Op::LocalAlloc { handle, payload, mode }),
        3 => (0..4u8).prop_map(|handle| Op::LocalDrop { handle }),
        1 => (0..4u8).prop_map(|handle| Op::LocalForget { handle }),
        3 => Just(Op::Reset),
        1 => Just(Op::Clear),
        3 => Just(Op::IterMut),
        1 => Just(Op::DropPool),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    vec(op(), 1..if cfg!(miri) { 30 } else { 150 })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random sequences against `Pool<_, 8>` and `Pool<_, 64>`.
    #[test]
    fn pool_matches_model(ops in ops()) {
        run(&ops);
    }
}

/// Operations decoded by `arbitrary` (as the fuzz target decodes them) from pseudo-random bytes:
/// any `Op` is valid input (indices and counts out of range, many panicking resets).
#[test]
fn arbitrary_ops_are_valid_input() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..if cfg!(miri) { 3 } else { 100 } {
        let bytes: Vec<u8> = (0..if cfg!(miri) { 150 } else { 1_000 })
            .map(|_| {
                // xorshift64
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        // One `Op` after the other (a decoded `Vec` would stop early on random bytes).
        let mut u = Unstructured::new(&bytes);
        let mut ops = Vec::new();
        while !u.is_empty() {
            ops.push(Op::arbitrary(&mut u).unwrap());
        }
        run(&ops);
    }
}

// ---- fixed regressions ---------------------------------------------------------------------

/// A value whose `FieldReset` keeps it, so a value from an earlier round is recognisable.
#[derive(Debug, Default, PartialEq)]
struct Kept(u32);

impl FieldReset for Kept {
    fn reset_fields(&mut self) {}
}

/// A full round of `Kept(100 + i)`, then reset: every slot holds a value from last round.
fn pool_with_last_round() -> Pool<Kept, 64> {
    let mut pool: Pool<Kept, 64> = Pool::new();
    for i in 0..64 {
        pool.alloc(Kept(100 + i)).unwrap();
    }
    pool.reset();
    pool
}

/// A handle drops with part of its chunk unused and no longer at the cursor's end: that slot
/// (1) is published as a free range, and its value from the last round (101) is not this
/// round's. It is not counted by `len`, it is by `remaining`, and once the cursor is exhausted
/// a `take` gets it (with last round's value).
#[test]
fn iter_mut_skips_the_free_slot_of_a_dropped_local() {
    let mut pool = pool_with_last_round();
    {
        let mut l = pool.local();
        l.take().unwrap().0 = 1;
        pool.alloc(Kept(2)).unwrap();
    }
    pool.alloc(Kept(4)).unwrap();
    let seen: Vec<u32> = pool.iter_mut().map(|v| v.0).collect();
    assert_eq!(seen, [1, 2, 4]);
    assert_eq!(pool.len(), 3, "the free slot is not counted");
    assert_eq!(pool.remaining(), 61, "the free slot is claimable");
    for i in 4..64 {
        assert_eq!(pool.take().unwrap().0, 100 + i, "slot {i} from the cursor");
    }
    assert_eq!(pool.take().unwrap().0, 101, "slot 1, from the word");
    assert!(pool.take().is_err());
    assert_eq!((pool.len(), pool.remaining()), (64, 0));
}

/// The same with the handle forgotten: the rest of its chunk is a hole for the round (not
/// counted by `len` nor by `remaining`).
#[test]
fn iter_mut_skips_the_hole_of_a_forgotten_local() {
    let mut pool = pool_with_last_round();
    {
        let mut l = pool.local();
        l.take().unwrap().0 = 1;
        pool.alloc(Kept(2)).unwrap();
        std::mem::forget(l);
    }
    pool.alloc(Kept(4)).unwrap();
    let seen: Vec<u32> = pool.iter_mut().map(|v| v.0).collect();
    assert_eq!(seen, [1, 2, 4]);
    assert_eq!(pool.len(), 3);
    assert_eq!(pool.remaining(), 60);
}

fn local_take(handle: u8, payload: u32) -> Op {
    Op::LocalTake {
        handle,
        payload,
        mode: Mode::Keep,
        default_panics: false,
    }
}

fn alloc(payload: u32) -> Op {
    Op::Alloc {
        payload,
        mode: Mode::Keep,
    }
}

/// The stranded-slot scenarios through the model, with the next round checked too.
#[test]
fn model_stranded_slots() {
    let last_round = [
        Op::Fill {
            count: 64,
            alloc: true,
            mode: Mode::Keep,
        },
        Op::Reset,
    ];
    for end in [Op::LocalDrop { handle: 0 }, Op::LocalForget { handle: 0 }] {
        let mut ops = last_round.to_vec();
        ops.extend([local_take(0, 1), alloc(2), end, alloc(4), Op::IterMut]);
        ops.extend([
            Op::Reset,
            Op::Fill {
                count: 5,
                alloc: false,
                mode: Mode::Wipe,
            },
        ]);
        ops.extend([Op::IterMut, Op::Reset, Op::IterMut]);
        run_with::<64>(&ops);
    }
}

/// A panicking reset drops that value and the rest of the round; values before it are reset.
/// The emptied slots start from `V::default()` again.
#[test]
fn model_panicking_reset_and_default() {
    let ops = [
        alloc(1),
        Op::Alloc {
            payload: 2,
            mode: Mode::Wipe,
        },
        Op::Alloc {
            payload: 3,
            mode: Mode::Panic,
        },
        alloc(4),
        Op::Reset,
        Op::Take {
            payload: 5,
            mode: Mode::Keep,
            default_panics: false,
        },
        Op::Take {
            payload: 6,
            mode: Mode::Keep,
            default_panics: false,
        },
        Op::Take {
            payload: 7,
            mode: Mode::Keep,
            default_panics: true,
        },
        Op::Touch {
            which: 1,
            payload: 8,
        },
        Op::IterMut,
        Op::Reset,
        Op::Fill {
            count: 9,
            alloc: false,
            mode: Mode::Keep,
        },
        Op::IterMut,
        Op::Clear,
        Op::IterMut,
    ];
    run(&ops);
}

/// Handles interleaved with each other and with the pool, until the round is full; handles
/// alive at a `reset` are dropped first.
#[test]
fn model_interleaved_handles_to_full() {
    let mut ops = vec![Op::LocalNew, Op::LocalNew];
    for k in 0..40u32 {
        ops.push(local_take((k % 3) as u8, k + 1));
        ops.push(Op::LocalAlloc {
            handle: (k % 2) as u8,
            payload: 100 + k,
            mode: Mode::Wipe,
        });
        if k % 5 == 0 {
            ops.push(alloc(200 + k));
        }
        if k % 7 == 0 {
            ops.push(Op::LocalDrop { handle: 1 });
        }
    }
    ops.extend([
        Op::IterMut,
        Op::Reset,
        Op::LocalNew,
        local_take(0, 9),
        Op::IterMut,
    ]);
    ops.extend([Op::DropPool, alloc(1), Op::IterMut]);
    run(&ops);
}

/// With 1,024 slots a handle's chunks grow: 16, then 32 (`N / 32`).
#[test]
fn model_growing_chunks() {
    let mut ops: Vec<Op> = (0..50).map(|k| local_take(0, k + 1)).collect();
    ops.extend([
        alloc(1),
        Op::LocalDrop { handle: 0 },
        Op::IterMut,
        Op::Reset,
    ]);
    ops.extend((0..3).map(|k| local_take(0, k + 1)));
    ops.push(Op::IterMut);
    run_with::<1024>(&ops);
}
