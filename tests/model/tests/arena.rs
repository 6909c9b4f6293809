//! Model-based test of `Arena<T, N>` and its `Local` handles: random operation sequences from
//! proptest, and fixed sequences for the interesting handle cases, all checked by
//! `atomicarena_model::arena::run` (see its module docs for what it compares after each step).

use atomicarena_model::arena::{run, run_in_turn, DrainEnd, Op, Which};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;

fn which() -> impl Strategy<Value = Which> {
    prop_oneof![Just(Which::A), Just(Which::B)]
}

/// Batch lengths: mostly small (they are taken modulo `N + 3` in `run`, so 12..=14 do not fit
/// the small arena), sometimes up to 255 (which fill much of the large one).
fn len() -> impl Strategy<Value = u8> {
    prop_oneof![6 => 0u8..8, 2 => 8u8..15, 1 => any::<u8>()]
}

fn drain_end() -> impl Strategy<Value = DrainEnd> {
    prop_oneof![
        Just(DrainEnd::All),
        (0u8..6).prop_map(DrainEnd::DropAfter),
        (0u8..6).prop_map(DrainEnd::ForgetAfter),
    ]
}

/// Operations that need only `&Arena`, not through a handle.
fn arena_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Alloc),
        2 => any::<bool>().prop_map(|panic| Op::AllocWith { panic }),
        2 => len().prop_map(|len| Op::AllocSliceCopy { len }),
        2 => (len(), option::weighted(0.4, 0u8..6))
            .prop_map(|(len, panic_at)| Op::AllocSliceClone { len, panic_at }),
        3 => (len(), 0u8..10, option::weighted(0.3, 0u8..8))
            .prop_map(|(len, yields, panic_at)| Op::AllocIter { len, yields, panic_at }),
    ]
}

/// Operations that need `&mut Arena` (they end the handles still alive).
fn exclusive_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => option::weighted(0.5, 0u16..14).prop_map(|panic_at| Op::FillDefault { panic_at }),
        2 => Just(Op::Reset),
        1 => prop_oneof![0u16..3, 250u16..262, any::<u16>()].prop_map(Op::Resets),
        2 => drain_end().prop_map(Op::Drain),
        1 => Just(Op::IterMut),
        2 => (prop_oneof![0u16..16, any::<u16>()], any::<bool>())
            .prop_map(|(index, set)| Op::GetMut { index, set }),
    ]
}

/// Operations on the handles.
fn handle_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (which(), option::weighted(0.6, 0u8..14))
            .prop_map(|(handle, chunk)| Op::NewLocal { handle, chunk }),
        8 => which().prop_map(Op::LocalAlloc),
        2 => (which(), 0u8..40).prop_map(|(handle, count)| Op::LocalAllocs { handle, count }),
        2 => (which(), any::<bool>())
            .prop_map(|(handle, panic)| Op::LocalAllocWith { handle, panic }),
        3 => (which(), len()).prop_map(|(handle, len)| Op::LocalSliceCopy { handle, len }),
        2 => which().prop_map(Op::DropLocal),
        2 => which().prop_map(Op::ForgetLocal),
    ]
}

/// Grouped so that no `prop_oneof!` has more than 10 arms: beyond that it builds a `Union`
/// of boxed strategies, which is much slower to generate from.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![15 => arena_op(), 9 => exclusive_op(), 24 => handle_op()]
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Under Miri every case runs the arena in both storages (`run`): 4 cases, as many
        // harness runs as 6 were with one storage.
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: None,
        // Every `prop_oneof!` alternative seeds an RNG of its own; with the default ChaCha
        // that is most of the run time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// Random operation sequences agree with the model at every step.
    #[test]
    fn arena_matches_model(ops in vec(op(), 1..if cfg!(miri) { 24 } else { 80 })) {
        run(&ops);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 1 } else { 128 },
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// The same, with each phase of the sequence applied by a freshly spawned thread, joined
    /// before the next phase: used from several threads in turn, every arena (the striped one
    /// included) must behave exactly as used from one.
    #[test]
    fn arena_used_by_threads_in_turn_matches_model(
        ops in vec(op(), 1..if cfg!(miri) { 24 } else { 80 })
    ) {
        run_in_turn(&ops);
    }
}

/// A fixed sequence, from one thread and from threads in turn.
fn check(ops: &[Op]) {
    run(ops);
    // Under Miri (a thread per operation is slow there) the in-turn run is the property test's.
    if !cfg!(miri) {
        run_in_turn(ops);
    }
}

use Op::*;
use Which::{A, B};

// Short forms for the fixed sequences (rustfmt spreads struct variants over many lines).
fn new_local(handle: Which, chunk: u8) -> Op {
    NewLocal {
        handle,
        chunk: Some(chunk),
    }
}
fn local_with(handle: Which, panic: bool) -> Op {
    LocalAllocWith { handle, panic }
}
fn local_copy(handle: Which, len: u8) -> Op {
    LocalSliceCopy { handle, len }
}
fn local_allocs(handle: Which, count: u8) -> Op {
    LocalAllocs { handle, count }
}
fn iter(len: u8, yields: u8, panic_at: Option<u8>) -> Op {
    AllocIter {
        len,
        yields,
        panic_at,
    }
}

/// Two handles with chunks of 3, interleaved with shared allocations: A's tail is published in
/// its word (free, claimable once the cursor is exhausted), B's goes back; iteration shows the
/// values in slot order, by chunk. (Slots as in the 12-slot arena.)
#[test]
fn interleaved_handles_publish_or_give_back_their_tails() {
    check(&[
        new_local(A, 3),
        new_local(B, 3),
        LocalAlloc(A), // A claims 0..3
        LocalAlloc(B), // B claims 3..6
        Alloc,         // slot 6
        LocalAlloc(A), // slot 1
        LocalAlloc(B), // slot 4
        DropLocal(A),  // 2 is published in A's word: not at the cursor's end
        LocalAlloc(B), // slot 5
        LocalAlloc(B), // refill: 7..10
        DropLocal(B),  // 8..10 go back
        IterMut,
        Alloc, // slot 8
        GetMut {
            index: 2,
            set: true,
        }, // free: no value
        AllocSliceCopy { len: 3 }, // 9..12
        Alloc, // slot 2, from A's word
        Alloc, // Full
        Drain(DrainEnd::All),
    ]);
}

/// Dropping the later handle first gives its unused chunk back, after which the earlier
/// handle's tail is at the cursor's end and goes back too; in the opposite order the earlier
/// tail is published in its word, and goes back to the cursor once the later one did, at the
/// next batch, refill or `&mut` operation.
#[test]
fn handles_dropped_in_reverse_give_both_tails_back() {
    check(&[
        new_local(A, 4),
        new_local(B, 4),
        LocalAlloc(A),       // A: 0..4
        local_with(B, true), // B: 4..8, nothing stored
        DropLocal(B),        // 4..8 go back
        DropLocal(A),        // then 1..4 too: len 1
        Alloc,               // slot 1
        IterMut,
        new_local(A, 4),
        new_local(B, 4),
        LocalAlloc(A),       // A: 2..6
        local_with(B, true), // B: 6..10
        DropLocal(A),        // 3..6 published in A's word (B's chunk follows)
        DropLocal(B),        // 6..10 go back
        IterMut,             // 3..6 go back too: len 3
        Alloc,               // slot 3
    ]);
}

/// The Pool bug class: after a forgotten handle (and a dropped one), iteration and drain show
/// exactly the values stored this round, minus the forgotten handle's uncommitted ones, which
/// are never dropped.
#[test]
fn forgotten_handle_leaks_exactly_its_uncommitted_values() {
    check(&[
        new_local(A, 2),
        LocalAlloc(A),
        LocalAlloc(A),
        LocalAlloc(A), // refill: 0..2 committed
        new_local(B, 3),
        LocalAlloc(B),
        local_copy(B, 2),
        Alloc,
        ForgetLocal(A), // slot 2 leaks, 3 is a hole
        DropLocal(B),
        IterMut,
        Drain(DrainEnd::DropAfter(2)),
        Alloc,
        LocalAlloc(A),
        ForgetLocal(A),
        Reset,
        Alloc,
        Drain(DrainEnd::All),
    ]);
}

/// A refill that finds the arena full still commits the values of the used-up chunk: a
/// handle forgotten afterwards leaks nothing.
#[test]
fn failed_refill_commits_before_a_forget() {
    check(&[
        AllocSliceCopy { len: 10 },
        new_local(A, 2),
        LocalAlloc(A),
        LocalAlloc(A),
        LocalAlloc(A), // arena full: Full, but 10..12 are committed
        local_with(A, false),
        ForgetLocal(A),
        Drain(DrainEnd::All),
    ]);
}

/// A panicking constructor through a handle leaves the slot unused in the chunk: it goes back
/// on drop (or is published in the handle's word when the chunk is no longer at the cursor's
/// end), or stays a hole when the handle is forgotten.
#[test]
fn panicking_constructor_in_a_handle() {
    check(&[
        new_local(A, 3),
        local_with(A, true),
        local_with(A, false),
        DropLocal(A),
        local_with(B, true),
        Alloc,
        ForgetLocal(B),
        AllocWith { panic: true },
        FillDefault { panic_at: Some(1) },
        Drain(DrainEnd::ForgetAfter(1)),
        Reset,
    ]);
}

/// Adaptive chunks (comments for the large arena: 16, then 18 = `576 / 32`), with batches
/// inside the chunk and straight from the arena. (In the small arena every chunk is 1.)
#[test]
fn adaptive_chunks_and_batches_through_a_handle() {
    check(&[
        LocalAlloc(A),        // A = arena.local(): claims 0..16
        local_copy(A, 14),    // inside the chunk: 1..15
        LocalAlloc(A),        // 15
        LocalAlloc(A),        // refill: 16..34
        local_copy(A, 20),    // 17 left in the chunk: 34..54 from the arena
        local_copy(A, 3),     // back inside the chunk: 17..20
        local_allocs(B, 40),  // B: 54..70, 70..88, 88..106; values 54..94
        DropLocal(A),         // 20..34 published in A's word
        local_allocs(A, 19),  // a new A: 106..122, 122..140; values 106..125
        ForgetLocal(A),       // 122..125 leak, 125..140 are holes
        Drain(DrainEnd::All), // B dropped first: 94..106 published in B's word
    ]);
}

/// Holes left in one round must not hide values after the hole tags wrap (255 rounds).
#[test]
fn holes_survive_tag_wrap() {
    check(&[
        AllocWith { panic: true },
        iter(5, 2, None),
        new_local(A, 3),
        LocalAlloc(A),
        ForgetLocal(A),
        IterMut,
        Resets(254),
        Alloc,
        AllocSliceCopy { len: 9 },
        IterMut,
        Resets(1),
        AllocSliceClone {
            len: 11,
            panic_at: None,
        },
        Drain(DrainEnd::All),
        Resets(300),
        iter(12, 20, None),
        IterMut,
    ]);
}

/// Batches that panic midway or whose iterator lies, next to a full arena.
#[test]
fn panicking_and_lying_batches() {
    check(&[
        AllocSliceClone {
            len: 4,
            panic_at: Some(2),
        },
        iter(3, 9, None),
        iter(4, 1, None),
        iter(2, 2, Some(2)),
        iter(13, 0, None),
        IterMut,
        FillDefault { panic_at: None },
        Alloc,
        LocalAlloc(A),
        Drain(DrainEnd::DropAfter(3)),
    ]);
}

/// Extreme operands are valid input: sizes and indices are reduced, chunk sizes clamped
/// (`local_with_chunk(0)` claims 1 slot, `local_with_chunk(255)` the whole arena).
#[test]
fn extreme_operands() {
    check(&[
        new_local(A, 0),
        local_allocs(A, 255),
        new_local(B, 255),
        LocalAlloc(B),
        local_copy(B, 255),
        AllocSliceClone {
            len: 255,
            panic_at: Some(255),
        },
        iter(255, 255, Some(255)),
        GetMut {
            index: u16::MAX,
            set: true,
        },
        FillDefault {
            panic_at: Some(u16::MAX),
        },
        Resets(u16::MAX),
        Drain(DrainEnd::ForgetAfter(255)),
        Drain(DrainEnd::DropAfter(255)),
        local_allocs(B, 255),
        ForgetLocal(B),
        Drain(DrainEnd::All),
    ]);
}

/// Any `Op` that `arbitrary` decodes from any bytes is valid input (what the fuzz target
/// relies on). Ops are decoded one by one until the bytes run out: random bytes through
/// `Vec::arbitrary_take_rest` would stop after about two, since every element is preceded by
/// a "continue" bit.
#[test]
fn arbitrary_ops_are_valid_input() {
    use arbitrary::{Arbitrary, Unstructured};
    // One input under Miri (about 150 CPU-s each there; it checks that arbitrary bytes decode
    // to valid operations, which native runs cover with 24).
    let (inputs, len) = if cfg!(miri) { (1, 100) } else { (24, 600) };
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

/// Once the cursor is exhausted, a single claim takes the front of the first word with a free
/// range, and a batch of `k` the front of the first word with `k` free slots; `Full` only when
/// nothing fits. (Slots as in the 12-slot arena.)
#[test]
fn exhausted_cursor_takes_from_the_words() {
    check(&[
        new_local(A, 4),
        new_local(B, 4),
        LocalAlloc(A),             // A: 0..4, word 0
        LocalAlloc(B),             // B: 4..8, word 1
        Alloc,                     // slot 8
        DropLocal(A),              // 1..4 in word 0
        DropLocal(B),              // 5..8 in word 1: remaining 9
        AllocSliceCopy { len: 4 }, // Full: 3 at the cursor, 3 in each word
        AllocSliceCopy { len: 3 }, // 9..12
        Alloc,                     // slot 1, from word 0
        AllocSliceCopy { len: 3 }, // word 0 has 2 left: 5..8 from word 1
        Alloc,                     // slot 2
        Alloc,                     // slot 3
        Alloc,                     // Full
        iter(1, 1, None),          // Full
        IterMut,
    ]);
}

/// A handle that finds no empty word takes the first word's free range as its first chunk;
/// its refills take the front of the next word with a free range once the cursor is
/// exhausted. (Slots as in the 12-slot arena.)
#[test]
fn handle_takes_a_free_range_as_its_first_chunk() {
    let mut ops = Vec::new();
    for _ in 0..4 {
        // A new A owns the next empty word, claims 2 slots, uses 1; a shared allocation
        // follows, so its tail is published: 1, 4, 7, 10 end up in words 0..4.
        ops.extend([new_local(A, 2), LocalAlloc(A), Alloc, DropLocal(A)]);
    }
    ops.extend([
        new_local(B, 2),
        LocalAlloc(B), // no empty word: B takes word 0 and its range: slot 1
        LocalAlloc(B), // refill: the front of word 1: slot 4
        DropLocal(B),
        Alloc, // slot 7
        Alloc, // slot 10
        Alloc, // Full
        IterMut,
    ]);
    check(&ops);
}

/// With every word owned (here by forgotten handles, until the next `&mut` operation), a
/// handle has no word: it claims one slot at a time, so it never holds a tail. (Slots as in
/// the 12-slot arena; the striped arena has 16 more words.)
#[test]
fn handle_with_no_word_claims_one_slot_at_a_time() {
    let mut ops = Vec::new();
    for _ in 0..4 {
        ops.extend([new_local(A, 1), LocalAlloc(A), ForgetLocal(A)]); // slots 0..4 leak
    }
    ops.extend([
        new_local(B, 3),
        LocalAlloc(B), // no word: slot 4 alone
        LocalAlloc(B), // slot 5 alone
        Alloc,         // slot 6
        DropLocal(B),  // nothing unused
        IterMut,       // the forgotten handles' words are emptied
        new_local(A, 3),
        LocalAlloc(A), // word 0 again: 7..10
        DropLocal(A),  // 8..10 go back
    ]);
    check(&ops);
}

/// Tails that chain to the cursor's end go back one after the other (the give-back repeats
/// until none does), so a batch finds the free slots contiguous again. (Slots as in the
/// 12-slot arena.)
#[test]
fn give_back_cascade_restores_contiguous_room() {
    check(&[
        new_local(A, 3),
        new_local(B, 3),
        LocalAlloc(A),       // A: 0..3, word 0
        local_with(B, true), // B: 3..6, word 1, nothing stored
        DropLocal(A),        // 1..3 in word 0
        new_local(A, 3),
        local_with(A, true),        // A: 6..9, word 2, nothing stored
        DropLocal(B),               // 3..6 in word 1
        DropLocal(A),               // 6..9 go back: word 1 now ends at the cursor, then word 0
        AllocSliceCopy { len: 11 }, // 1..12, after the cascade
        Alloc,                      // Full
    ]);
}
