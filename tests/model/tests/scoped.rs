//! Model-based test of `ScopedArena<T, N>`: random operation sequences (and a few fixed ones)
//! run through `atomicarena_model::scoped`, which checks the arena against its reference model
//! after every step. Runs under Miri with fewer, shorter sequences:
//! `MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -p atomicarena-model --test scoped`.

use atomicarena_model::scoped::{run, run_counted, Coverage, Op, CAPACITIES};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Longest random sequence.
const MAX_OPS: usize = if cfg!(miri) { 12 } else { 64 };

/// Scope indices: mostly small (taken modulo the open scopes), sometimes any.
fn scope() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0u8..4, 1 => any::<u8>()]
}

/// One operation, weighted so that epochs fill (and switch) and scopes leave in any order.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Enter),
        8 => (scope(), any::<u32>()).prop_map(|(scope, value)| Op::Alloc { scope, value }),
        3 => (scope(), any::<u8>(), any::<u32>())
            .prop_map(|(scope, n, value)| Op::AllocMany { scope, n, value }),
        1 => (scope(), any::<u32>())
            .prop_map(|(scope, value)| Op::AllocPanicking { scope, value }),
        6 => scope().prop_map(|scope| Op::Leave { scope }),
        1 => scope().prop_map(|scope| Op::Forget { scope }),
        1 => Just(Op::CheckStats),
    ]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    vec(op(), 1..MAX_OPS)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random sequences: the arena agrees with the model after every step.
    #[test]
    fn scoped_matches_model(ops in ops()) {
        run(&ops);
    }
}

/// The strategy reaches every interesting case, at every capacity, in a batch of sequences:
/// switches, scopes staying in a full epoch, refusals, resets of a non-current epoch, panicking
/// resets, out-of-order leaves, forgotten scopes and values left to the arena's drop.
#[test]
#[cfg_attr(
    miri,
    ignore = "nothing to add to `scoped_matches_model` with the few cases Miri can afford"
)]
fn strategy_reaches_the_interesting_cases() {
    let batch = 128;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut total = [Coverage::default(); 2];
    for _ in 0..batch {
        let ops = ops().new_tree(&mut runner).unwrap().current();
        for (t, c) in total.iter_mut().zip(run_counted(&ops)) {
            t.capacity = c.capacity;
            t.entered += c.entered;
            t.switches += c.switches;
            t.stayed_in_full += c.stayed_in_full;
            t.refused += c.refused;
            t.resets += c.resets;
            t.resets_not_current += c.resets_not_current;
            t.panicked_resets += c.panicked_resets;
            t.out_of_order_leaves += c.out_of_order_leaves;
            t.forgotten += c.forgotten;
            t.dropped_by_arena += c.dropped_by_arena;
        }
    }
    for (t, cap) in total.iter().zip(CAPACITIES) {
        assert_eq!(t.capacity, cap);
        let counts = [
            t.switches,
            t.stayed_in_full,
            t.refused,
            t.resets,
            t.resets_not_current,
            t.panicked_resets,
            t.out_of_order_leaves,
            t.forgotten,
            t.dropped_by_arena,
        ];
        assert!(counts.iter().all(|&n| n > 0), "a case never reached: {t:?}");
    }
}

use Op::*;

/// Epoch 0 full with its scope open: new scopes go to epoch 1, then stay there when it is full
/// too (refused); epoch 0, no longer current, is reset when its scope leaves; the next scope
/// switches back.
#[test]
fn switch_stay_and_switch_back() {
    run(&[
        Enter,
        AllocMany {
            scope: 0,
            n: 3,
            value: 1,
        },
        Enter, // N = 1 and 3: epoch 0 is full, epoch 1 free
        AllocMany {
            scope: 1,
            n: 3,
            value: 10,
        },
        Enter, // both full, epoch 0 busy: stays in epoch 1
        Alloc {
            scope: 2,
            value: 20,
        },
        Leave { scope: 0 }, // epoch 0 reset while not current
        Enter,              // back to epoch 0
        Alloc {
            scope: 2,
            value: 30,
        },
        CheckStats,
        Leave { scope: 1 },
        Leave { scope: 0 },
        Leave { scope: 0 },
    ]);
}

/// A forgotten scope keeps its epoch (values kept until the arena drops), with a panicking
/// destructor among them; leaves in any order around it.
#[test]
fn forgotten_scope_with_a_panicking_value() {
    run(&[
        Enter,
        Enter,
        AllocPanicking { scope: 0, value: 5 },
        Alloc { scope: 1, value: 6 },
        Forget { scope: 0 },
        Enter,
        Alloc { scope: 1, value: 7 },
        Leave { scope: 0 },
        Leave { scope: 0 },
        Enter,
        Alloc { scope: 0, value: 8 },
        CheckStats,
    ]);
}

/// A panicking destructor in a reset: the leave panics, every value is dropped once, the epoch
/// is usable again.
#[test]
fn panicking_reset() {
    run(&[
        Enter,
        Alloc { scope: 0, value: 1 },
        AllocPanicking { scope: 0, value: 2 },
        Alloc { scope: 0, value: 3 },
        Leave { scope: 0 },
        Enter,
        AllocMany {
            scope: 0,
            n: 4,
            value: 4,
        },
        Leave { scope: 0 },
        CheckStats,
    ]);
}

/// Any `Op` that `arbitrary` decodes from any bytes is valid input (what the fuzz target
/// relies on), decoded one by one until the bytes run out.
#[test]
fn arbitrary_ops_are_valid_input() {
    use arbitrary::{Arbitrary, Unstructured};
    let (inputs, len) = if cfg!(miri) { (2, 100) } else { (24, 600) };
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..inputs {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                // xorshift64
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let mut u = Unstructured::new(&bytes);
        let mut ops = Vec::new();
        while !u.is_empty() {
            ops.push(Op::arbitrary(&mut u).unwrap());
        }
        run(&ops);
    }
}
