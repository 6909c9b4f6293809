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

/// One operation, weighted so that segments fill (and scopes continue) and scopes leave in any
/// order.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => Just(Op::Enter),
        1 => Just(Op::TryEnter),
        2 => (scope(), any::<u32>()).prop_map(|(scope, value)| Op::Fill { scope, value }),
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
/// scopes entering past the hint, continuing, refused, entering a full segment (one segment),
/// resets, panicking resets, leaves of scopes in several segments (several segments),
/// out-of-order leaves, forgotten scopes and values left to the arena's drop.
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
            t.moved_on += c.moved_on;
            t.entered_full += c.entered_full;
            t.continued += c.continued;
            t.refused += c.refused;
            t.resets += c.resets;
            t.panicked_resets += c.panicked_resets;
            t.multi_segment_leaves += c.multi_segment_leaves;
            t.out_of_order_leaves += c.out_of_order_leaves;
            t.forgotten += c.forgotten;
            t.dropped_by_arena += c.dropped_by_arena;
        }
    }
    for (t, cap) in total.iter().zip(CAPACITIES) {
        assert_eq!(t.capacity, cap);
        let mut counts = vec![
            t.refused,
            t.resets,
            t.panicked_resets,
            t.out_of_order_leaves,
            t.forgotten,
            t.dropped_by_arena,
        ];
        if cap == CAPACITIES[0] {
            // One segment: no scope continues or moves on; new scopes enter it full.
            assert_eq!((t.moved_on, t.continued, t.multi_segment_leaves), (0, 0, 0));
            counts.push(t.entered_full);
        } else {
            counts.extend([
                t.moved_on,
                t.continued,
                t.multi_segment_leaves,
                t.entered_full,
            ]);
        }
        assert!(counts.iter().all(|&n| n > 0), "a case never reached: {t:?}");
    }
}

use Op::*;

/// Segment 0 filled by scope 0, which continues in segment 1 (N = 49); scope 1 entered
/// segment 0 earlier and is refused once segment 0 is full and the only other free segment is
/// taken by scope 2; the leaves reset what their last scope leaves (N = 16: one segment, the
/// same operations refuse more).
#[test]
fn continue_refuse_and_reset() {
    run(&[
        Enter,
        Enter,
        Fill { scope: 0, value: 1 }, // N = 49: continues in segment 1
        Enter,                       // segment 1 has room
        Fill {
            scope: 2,
            value: 100,
        }, // segment 1 full: continues in segment 2
        Alloc {
            scope: 1,
            value: 200,
        }, // segment 0 full, none free: refused
        CheckStats,
        Leave { scope: 0 }, // segment 1 still has scope 2; segment 0 has scope 1
        Alloc {
            scope: 0,
            value: 300,
        }, // scope 1 (now index 0): still refused, nothing free
        Leave { scope: 1 }, // scope 2 leaves segments 1 and 2: both reset
        Alloc {
            scope: 0,
            value: 400,
        }, // scope 1 continues in a free segment
        CheckStats,
        Leave { scope: 0 },
    ]);
}

/// A forgotten scope keeps its segment (values kept until the arena drops), with a panicking
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

/// A panicking destructor in a reset: the leave panics, every value is dropped once, the
/// segment is usable again; also for a scope in two segments (the other one is still left).
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
        Enter,
        AllocPanicking { scope: 0, value: 9 },
        Fill {
            scope: 0,
            value: 10,
        },
        Fill {
            scope: 0,
            value: 40,
        },
        Leave { scope: 0 },
        Enter,
        Fill {
            scope: 0,
            value: 70,
        },
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
