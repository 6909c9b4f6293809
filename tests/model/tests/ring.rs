//! Model-based test of `Ring<T, N>`: random operation sequences (and a few fixed ones) run
//! through `atomicarena_model::ring`, which checks the ring against its reference model after
//! every step. Runs under Miri with fewer, shorter sequences:
//! `MIRIFLAGS=-Zmiri-strict-provenance cargo +nightly miri test -p atomicarena-model --test ring`.

use atomicarena_model::ring::{run, run_counted, Coverage, Op, CAPACITIES, ELEM_SIZE};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Longest random sequence.
const MAX_OPS: usize = if cfg!(miri) { 10 } else { 64 };

/// Most pushes in one `PushMany`.
const MAX_BATCH: u8 = if cfg!(miri) { 4 } else { 8 };

/// One operation, weighted towards pushes and pins so that skips and give-ups happen often.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => any::<u32>().prop_map(Op::Push),
        4 => (0..=MAX_BATCH, any::<u32>()).prop_map(|(n, base)| Op::PushMany(n, base)),
        2 => any::<u8>().prop_map(Op::Get),
        1 => any::<u8>().prop_map(Op::Read),
        1 => any::<u8>().prop_map(Op::ReadPanicking),
        1 => prop_oneof![0u16..16, any::<u16>()].prop_map(Op::Peek),
        1 => Just(Op::Latest),
        1 => Just(Op::Iter),
        3 => any::<u8>().prop_map(Op::HoldGet),
        3 => (0u16..16).prop_map(Op::HoldPeek),
        2 => Just(Op::HoldLatest),
        1 => Just(Op::HoldAll),
        1 => Just(Op::IterStart),
        3 => any::<bool>().prop_map(Op::IterNext),
        2 => any::<u8>().prop_map(Op::Since),
        1 => prop_oneof![0u16..64, any::<u16>()].prop_map(Op::SinceForeign),
        1 => any::<u8>().prop_map(Op::SinceStart),
        3 => any::<u8>().prop_map(Op::Release),
        1 => any::<u8>().prop_map(Op::Forget),
        1 => Just(Op::Reset),
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

    /// Random sequences: the ring agrees with the model after every step.
    #[test]
    fn ring_matches_model(ops in ops()) {
        run(&ops);
    }
}

/// The strategy reaches what the model is about: across a few dozen sequences (fixed seed),
/// every capacity sees skipped pinned slots, given-up pushes, stale gets, forgotten `Ref`s,
/// resets, iterator items yielded after interleaved pushes, panicking clones, and `since` with
/// stale handles and with another ring's handles behind and past the ring's numbers.
#[test]
#[cfg_attr(
    miri,
    ignore = "nothing to add to `ring_matches_model` with the few cases Miri can afford"
)]
fn strategy_reaches_skips_and_give_ups() {
    let cases = 48;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut total = CAPACITIES.map(|capacity| Coverage {
        capacity,
        ..Coverage::default()
    });
    for _ in 0..cases {
        let ops = ops().new_tree(&mut runner).unwrap().current();
        for (t, c) in total.iter_mut().zip(run_counted(&ops)) {
            assert_eq!(t.capacity, c.capacity);
            t.pushes += c.pushes;
            t.skipped += c.skipped;
            t.gave_up += c.gave_up;
            t.stale_gets += c.stale_gets;
            t.forgotten += c.forgotten;
            t.resets += c.resets;
            t.interleaved_items += c.interleaved_items;
            t.panicked_clones += c.panicked_clones;
            t.since_stale += c.since_stale;
            t.since_ahead += c.since_ahead;
            t.since_foreign += c.since_foreign;
        }
    }
    for t in total {
        eprintln!("{t:?}");
        assert!(
            t.skipped > 0
                && t.gave_up > 0
                && t.stale_gets > 0
                && t.forgotten > 0
                && t.resets > 0
                && t.interleaved_items > 0
                && t.panicked_clones > 0
                && t.since_stale > 0
                && t.since_ahead > 0
                && t.since_foreign > 0,
            "{t:?}"
        );
    }
}

/// `Elem` is 32 bytes, so `Ring<Elem, 7>` spreads its slots with a stride of 3 (see the model's
/// docs); if it changes, the 7-slot ring may lose the stride and the model its coverage of it.
#[test]
#[cfg(target_pointer_width = "64")]
fn elem_keeps_the_stride_of_the_7_slot_ring() {
    assert_eq!(ELEM_SIZE, 32);
}

/// A pinned slot is skipped, not overwritten: the pinned value survives laps of pushes,
/// `iter` shows it first, and it is overwritten once released. With several pins, and a pin
/// taken through `peek`.
#[test]
fn regression_pinned_slot_is_skipped() {
    let ops = [
        Op::Push(10),
        Op::HoldGet(0),
        Op::PushMany(8, 100),
        Op::Push(11),
        Op::HoldPeek(2),
        Op::PushMany(8, 200),
        Op::Iter,
        Op::Latest,
        Op::Release(0),
        Op::PushMany(8, 300),
        Op::Get(0),
        Op::Release(0),
        Op::PushMany(8, 400),
    ];
    for c in run_counted(&ops) {
        // With one slot, every push while it is pinned gives up: 8 + 1 + 8 + 8 of them.
        let gave_up = if c.capacity == 1 { 25 } else { 0 };
        assert_eq!((c.gave_up, c.skipped > 0), (gave_up, true), "{c:?}");
    }
}

/// Every slot pinned: a push gives up, drops its value at once and returns a stale handle,
/// which stays stale after the pins go and the slots are reused, and after a reset. Forgotten
/// pins hold until the reset; the ring is dropped with forgotten pins in it.
#[test]
fn regression_give_up() {
    let ops = [
        Op::PushMany(7, 1),
        Op::HoldAll,
        Op::Push(50),
        Op::Get(7),
        Op::Read(7),
        Op::Forget(0),
        Op::Forget(0),
        Op::Release(0),
        Op::PushMany(8, 60),
        Op::HoldAll,
        Op::PushMany(3, 70),
        Op::Reset,
        Op::PushMany(8, 80),
        Op::HoldAll,
        Op::Forget(0),
        Op::Push(90),
        Op::Get(24),
    ];
    for c in run_counted(&ops) {
        // One slot: a single pin blocks every push (1 + 8 + 3 + 1 give up) and the second
        // `Forget` finds nothing held. Otherwise: `Push(50)`, `PushMany(3, 70)`, `Push(90)`.
        let (gave_up, forgotten) = if c.capacity == 1 { (13, 2) } else { (5, 3) };
        assert_eq!(
            (c.gave_up, c.forgotten, c.resets, c.skipped > 0),
            (gave_up, forgotten, 1, true),
            "{c:?}"
        );
    }
}

/// An iterator held across pushes yields, in order, the values pushed before it that are still
/// there when it gets to them, and not the ones pushed after; with pin survivors first.
#[test]
fn regression_iterator_across_pushes() {
    let ops = [
        Op::PushMany(5, 1),
        Op::HoldGet(1),
        Op::PushMany(4, 10),
        Op::IterStart,
        Op::IterNext(true),
        Op::Push(20),
        Op::IterNext(false),
        Op::PushMany(3, 30),
        Op::IterNext(true),
        Op::IterNext(false),
        Op::IterNext(false),
        Op::IterNext(false),
        Op::IterNext(false),
        Op::IterNext(false),
    ];
    for c in run_counted(&ops) {
        // With one slot, the held item pins the ring and the pushes after it give up.
        assert_eq!(c.interleaved_items > 0, c.capacity > 1, "{c:?}");
    }
}

/// A `Clone` that panics inside `read` leaves the slot unpinned (the next lap overwrites it).
#[test]
fn regression_panicking_clone_unpins() {
    let ops = [
        Op::Push(1),
        Op::ReadPanicking(0),
        Op::PushMany(8, 2),
        Op::Get(0),
    ];
    for c in run_counted(&ops) {
        assert_eq!((c.panicked_clones, c.skipped), (1, 0), "{c:?}");
    }
}

/// `since` tails the ring: from stale handles (past pinned survivors older than them), across
/// pushes that skip a pinned slot (counted by `skipped`), held across pushes, after a reset
/// (handles from before come before every new number; the reset's jump is not counted) and
/// with another ring's handles.
#[test]
fn regression_since_and_skipped() {
    let ops = [
        Op::PushMany(3, 1),
        Op::HoldGet(2),
        Op::PushMany(8, 10),
        Op::Since(0),
        Op::Since(2),
        Op::SinceStart(5),
        Op::Push(20),
        Op::IterNext(true),
        Op::PushMany(4, 30),
        Op::IterNext(false),
        Op::IterNext(false),
        Op::SinceForeign(3),
        Op::SinceForeign(60000),
        Op::Reset,
        Op::PushMany(2, 40),
        Op::Since(0),
        Op::SinceForeign(2),
        Op::SinceForeign(u16::MAX),
    ];
    for c in run_counted(&ops) {
        // One slot: the pin makes every later push of the session give up (8 + 1 + 4).
        let gave_up = if c.capacity == 1 { 13 } else { 0 };
        assert_eq!(
            (c.gave_up, c.resets, c.skipped > 0, c.since_stale > 0),
            (gave_up, 1, true, true),
            "{c:?}"
        );
    }
}
