//! The per-thread fast path, `Arena::local`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::Arena;

#[test]
fn local_allocs_read_back_and_outlive_the_handle() {
    let arena: Arena<u64, 100> = Arena::new();
    let mut refs = Vec::new();
    {
        let mut local = arena.local();
        for i in 0..50 {
            refs.push(local.alloc(i).unwrap());
        }
    }
    for (i, r) in refs.iter_mut().enumerate() {
        assert_eq!(**r, i as u64);
        **r += 1000;
    }
    // The handle gave its unused tail back: exactly 50 slots are claimed.
    assert_eq!(arena.len(), 50);
    let mut arena = arena;
    let all: Vec<u64> = arena.iter_mut().map(|v| *v).collect();
    assert_eq!(all, (1000..1050).collect::<Vec<_>>());
}

#[test]
fn local_fills_to_capacity_exactly_and_hands_back_on_full() {
    let arena: Arena<u32, 37> = Arena::new();
    let mut local = arena.local();
    for i in 0..37 {
        local.alloc(i).unwrap();
    }
    assert_eq!(local.alloc(99).unwrap_err().into_inner(), 99);
    assert!(local.alloc_with(|| unreachable!()).is_err());
    drop(local);
    assert!(arena.is_full());
    assert_eq!(arena.failed_allocs(), 2);
}

#[test]
fn interleaved_shared_alloc_publishes_the_tail() {
    let mut arena: Arena<u32, 64> = Arena::new();
    let mut local = arena.local_with_chunk(8);
    local.alloc(1).unwrap(); // claims 0..8
    arena.alloc(2).unwrap(); // slot 8: the chunk is no longer at the cursor's end
    local.alloc(3).unwrap();
    drop(local); // cannot give 2..8 back: they stay free, in the handle's word
    assert_eq!(arena.len(), 3, "three values");
    assert_eq!(arena.remaining(), 61, "nothing is stranded");
    let seen: Vec<u32> = arena.iter_mut().map(|v| *v).collect();
    assert_eq!(seen, [1, 3, 2]);
    assert_eq!(arena.get_mut(4), None, "a free slot is no value");
    // `iter_mut` did not turn the free slots into holes: once the cursor is exhausted, single
    // allocations take them, and the arena fills to exactly 64.
    let mut made = 3;
    while arena.alloc(100 + made).is_ok() {
        made += 1;
    }
    assert_eq!(made, 64);
    assert_eq!((arena.len(), arena.remaining()), (64, 0));
    let mut all: Vec<u32> = arena.iter_mut().map(|v| *v).collect();
    all.sort_unstable();
    assert_eq!(all.len(), 64);
    all.dedup();
    assert_eq!(all.len(), 64, "every slot holds one value");
}

#[test]
fn fill_default_fills_a_published_tail() {
    let mut arena: Arena<u32, 64> = Arena::new();
    let mut local = arena.local_with_chunk(8);
    local.alloc(1).unwrap();
    arena.alloc(2).unwrap();
    local.alloc(3).unwrap();
    drop(local);
    assert_eq!(&arena.fill_default()[..10], [1, 3, 0, 0, 0, 0, 0, 0, 2, 0]);
    assert_eq!((arena.len(), arena.remaining()), (64, 0));
}

#[test]
fn two_locals_and_shared_alloc_never_share_a_slot() {
    const N: usize = if cfg!(miri) { 200 } else { 60_000 };
    let mut arena = Arena::<(usize, usize), N>::new_boxed();
    std::thread::scope(|s| {
        for t in 0..3usize {
            let arena = &*arena;
            s.spawn(move || {
                let mut i = 0;
                if t == 2 {
                    // One thread uses the shared path, the others their own handles.
                    while arena.alloc((t, i)).is_ok() {
                        i += 1;
                    }
                } else {
                    let mut local = arena.local();
                    while local.alloc((t, i)).is_ok() {
                        i += 1;
                    }
                }
            });
        }
    });
    assert!(arena.is_full());
    let values: Vec<(usize, usize)> = arena.iter_mut().map(|v| *v).collect();
    let distinct: HashSet<_> = values.iter().collect();
    assert_eq!(distinct.len(), values.len(), "no slot written twice");
    // Each thread's values are 0..count with no gap: nothing was lost or duplicated.
    for t in 0..3 {
        let mut mine: Vec<usize> = values.iter().filter(|v| v.0 == t).map(|v| v.1).collect();
        mine.sort_unstable();
        assert!(mine.iter().enumerate().all(|(k, &v)| k == v));
    }
}

#[test]
fn local_batches_inside_and_outside_the_chunk() {
    let arena: Arena<u8, 64> = Arena::new();
    let mut local = arena.local_with_chunk(4);
    local.alloc(0).unwrap();
    let small = local.alloc_slice_copy(&[1, 2, 3]).unwrap(); // fits in the chunk
    assert_eq!(small, [1, 2, 3]);
    assert_eq!(local.chunk_remaining(), 0);
    let big = local.alloc_slice_copy(&[9; 10]).unwrap(); // straight from the arena
    assert_eq!(big, [9; 10]);
    assert!(local.alloc_slice_copy(&[0; 100]).is_err());
    drop(local);
    assert_eq!(arena.len(), 14);
}

static DROPS: AtomicUsize = AtomicUsize::new(0);

struct Counted(u32);

impl Drop for Counted {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Forgetting a handle leaves its last chunk marked as holes: reset, drop, `iter_mut` and
/// `fill_default` must skip it (Miri checks that nothing uninitialised is read). The values it
/// stored in that chunk leak (never dropped); values of earlier, committed chunks do not.
#[test]
fn forgotten_local_is_sound() {
    let before = DROPS.load(Ordering::SeqCst);
    let dropped = || DROPS.load(Ordering::SeqCst) - before;
    let mut arena: Arena<Counted, 32> = Arena::new();
    let mut local = arena.local_with_chunk(4);
    for i in 0..6 {
        local.alloc(Counted(i)).unwrap(); // chunk 0..4 is full and committed; 4..8 is live
    }
    std::mem::forget(local);
    assert_eq!(arena.len(), 4, "the committed values");
    assert_eq!(
        arena.remaining(),
        24,
        "the forgotten chunk is holes: neither values nor free"
    );
    assert_eq!(
        arena.iter_mut().map(|c| c.0).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(arena.get_mut(4).map(|c| c.0), None, "uncommitted: a hole");
    arena.reset();
    assert_eq!(
        dropped(),
        4,
        "the committed four are dropped once; 4 and 5 leak"
    );

    let mut local = arena.local_with_chunk(8);
    local.alloc(Counted(9)).unwrap();
    std::mem::forget(local);
    arena.alloc(Counted(10)).unwrap();
    assert_eq!(arena.iter_mut().map(|c| c.0).collect::<Vec<_>>(), [10]);
    drop(arena);
    assert_eq!(dropped(), 5);

    let mut small: Arena<u16, 16> = Arena::new();
    let mut l2 = small.local_with_chunk(8);
    l2.alloc(5).unwrap();
    std::mem::forget(l2);
    // `fill_default` fills the forgotten chunk too (overwriting the leaked 5).
    assert_eq!(small.fill_default(), [0; 16]);
}

#[test]
fn adaptive_chunks_grow_but_stay_bounded() {
    // Under Miri every access through the arena retags the whole slot array, so an allocation
    // costs O(N): keep it small. At 2,048 slots the chunks still grow 16, 32, 64 and then stay
    // at their N / 32 cap for most of the 300 more allocations (8,192 slots and 600 more took
    // 157 s of Miri, Stacked and Tree Borrows each).
    const N: usize = if cfg!(miri) { 2 * 1024 } else { 1_000_000 };
    let more = if cfg!(miri) { 300 } else { 5000 };
    let arena = Arena::<u8, N>::new_boxed();
    let mut local = arena.local();
    local.alloc(0).unwrap();
    // While the handle lives, its chunk is claimed: not free, and no values until committed.
    assert_eq!(arena.remaining(), N - 16, "first chunk");
    for _ in 0..15 {
        local.alloc(0).unwrap();
    }
    local.alloc(0).unwrap();
    assert_eq!(arena.remaining(), N - 16 - 32, "second chunk doubles");
    for _ in 0..more {
        local.alloc(0).unwrap();
    }
    // Chunks of 16, 32, ..., up to min(1024, N / 32): never more than 1,024 at once.
    assert!(local.chunk_remaining() < 1024);
    assert!(N - arena.remaining() <= more + 17 + 1024);
    drop(local);
    assert_eq!(arena.len(), more + 17);
}

/// Handles given back on drop and claimed again at once by another thread: the giver clears
/// the slots' hole marks before its Release exchange, the next claimer writes them after its
/// Acquire (a fence; an acquire load under ThreadSanitizer). Run under TSan and Miri, this is
/// the test that would report a race if the two were not ordered. Every value made by a
/// dropped handle survives, exactly once.
#[test]
fn handles_given_back_and_reclaimed_across_threads() {
    const N: usize = if cfg!(miri) { 256 } else { 1 << 16 };
    const ROUNDS: usize = if cfg!(miri) { 20 } else { 2_000 };
    let mut arena = Arena::<(usize, usize), N>::new_boxed();
    std::thread::scope(|s| {
        for t in 0..2usize {
            let arena = &*arena;
            s.spawn(move || {
                for r in 0..ROUNDS {
                    // A short-lived handle: it claims a chunk, uses 1 or 2 slots and gives the
                    // rest back if nobody claimed after it.
                    let mut local = arena.local_with_chunk(8);
                    for k in 0..1 + (r % 2) {
                        if local.alloc((t, r * 2 + k)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    let values: Vec<(usize, usize)> = arena.iter_mut().map(|v| *v).collect();
    let distinct: HashSet<_> = values.iter().collect();
    assert_eq!(distinct.len(), values.len(), "no slot written twice");
    if !arena.is_full() {
        // Nothing ran out: every value of every round is there.
        assert_eq!(values.len(), 2 * (ROUNDS / 2 * 3 + ROUNDS % 2));
    }
}
