//! Loom models of the bounded arena's lock-free core: the cursor's single claims
//! (`fetch_add`), batch claims (compare-and-swap loop) and the failure path (add, then take
//! back).
//!
//! Under `cfg(loom)` the cursor's atomics and the per-slot marks come from loom, so loom
//! explores every interleaving (up to the preemption bound) and reports a slot handed out twice
//! as concurrent writes to the same mark cell. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom
//! ```
#![cfg(loom)]

use atomicarena::{Arena, ArenaIn, HeapArena, Storage};
use loom::sync::Arc;
use loom::thread;

/// Takes the arena back from its `Arc` once every other owner is gone (after `join`).
fn unwrap<T>(arena: Arc<T>) -> T {
    match Arc::try_unwrap(arena) {
        Ok(arena) => arena,
        Err(_) => panic!("the arena is still shared"),
    }
}

/// The values left in the arena, in slot order.
fn values<S: Storage>(arena: &mut ArenaIn<usize, S>) -> Vec<usize> {
    arena.iter_mut().map(|v| *v).collect()
}

/// Two threads `alloc` one value each into an empty arena of capacity `N` (inline, or on the
/// heap with `heap`): exactly `min(N, 2)` succeed, and every success is read back after `join`.
fn two_single_allocs<const N: usize>(heap: bool) {
    if heap {
        two_single_allocs_in::<N, _>(|| HeapArena::with_capacity(N));
    } else {
        two_single_allocs_in::<N, _>(Arena::<usize, N>::new);
    }
}

fn two_single_allocs_in<const N: usize, S: Storage>(make: fn() -> ArenaIn<usize, S>) {
    loom::model(move || {
        let arena = Arc::new(make());
        let other = arena.clone();
        let t = thread::spawn(move || match other.alloc(1) {
            Ok(r) => {
                assert_eq!(*r, 1);
                *r = 10;
                true
            }
            Err(full) => {
                assert_eq!(full.into_inner(), 1);
                false
            }
        });
        let main_ok = match arena.alloc(2) {
            Ok(r) => {
                assert_eq!(*r, 2);
                *r = 20;
                true
            }
            Err(full) => {
                assert_eq!(full.into_inner(), 2);
                false
            }
        };
        let t_ok = t.join().unwrap();

        let mut arena = unwrap(arena);
        assert_eq!(usize::from(t_ok) + usize::from(main_ok), N.min(2));
        assert_eq!(arena.len(), N.min(2));
        assert_eq!(arena.failed_allocs(), 2 - N.min(2));
        let mut got = values(&mut arena);
        got.sort_unstable();
        let want: Vec<usize> = [(t_ok, 10), (main_ok, 20)]
            .iter()
            .filter(|(ok, _)| *ok)
            .map(|&(_, v)| v)
            .collect();
        assert_eq!(got, want);
    });
}

#[test]
fn two_single_allocs_capacity_1() {
    two_single_allocs::<1>(false);
}

#[test]
fn two_single_allocs_capacity_2() {
    two_single_allocs::<2>(false);
}

/// The same protocol on a heap arena (the claims are the same code; the slots are reached
/// through the heap arrays' pointer).
#[test]
fn two_single_allocs_heap_capacity_1() {
    two_single_allocs::<1>(true);
}

#[test]
fn two_single_allocs_heap_capacity_2() {
    two_single_allocs::<2>(true);
}

/// Asserts that `batch` occurs as one contiguous run in `slots`.
fn assert_contiguous(slots: &[usize], batch: &[usize]) {
    assert!(
        slots.windows(batch.len()).any(|w| w == batch),
        "{batch:?} not contiguous in {slots:?}"
    );
}

/// A batch of 2 and a single alloc race a batch of 3 in an arena of 4: both batches cannot
/// fit, the single always fits, and exactly one batch wins, contiguously.
#[test]
fn batch_races_single_and_batch() {
    batch_races_single_and_batch_in(Arena::<usize, 4>::new);
}

/// `batch_races_single_and_batch` on a heap arena of 4.
#[test]
fn batch_races_single_and_batch_heap() {
    batch_races_single_and_batch_in(|| HeapArena::with_capacity(4));
}

fn batch_races_single_and_batch_in<S: Storage>(make: fn() -> ArenaIn<usize, S>) {
    loom::model(move || {
        let arena = Arc::new(make());
        let a = arena.clone();
        let pair = thread::spawn(move || match a.alloc_slice_copy(&[10, 11]) {
            Ok(s) => {
                assert_eq!(s, [10, 11]);
                true
            }
            Err(_) => false,
        });
        let b = arena.clone();
        let single = thread::spawn(move || b.alloc(20).map(|r| *r).ok());
        let triple = match arena.alloc_slice_copy(&[30, 31, 32]) {
            Ok(s) => {
                assert_eq!(s, [30, 31, 32]);
                true
            }
            Err(_) => false,
        };
        let pair = pair.join().unwrap();
        let single = single.join().unwrap();

        let mut arena = unwrap(arena);
        assert_eq!(single, Some(20), "there is always room for the single");
        assert!(
            pair != triple,
            "exactly one batch fits (pair {pair}, triple {triple})"
        );
        assert_eq!(arena.failed_allocs(), 1);
        let slots = values(&mut arena);
        let used = 1 + if pair { 2 } else { 3 };
        assert_eq!(arena.len(), used);
        assert_eq!(slots.len(), used);
        assert!(slots.contains(&20));
        if pair {
            assert_contiguous(&slots, &[10, 11]);
        } else {
            assert_contiguous(&slots, &[30, 31, 32]);
        }
    });
}

/// Two batches of 2 and a single race for 4 slots: the batches never overlap and whatever
/// failed really did not fit when it was tried (the cursor only grows).
#[test]
fn two_batches_and_a_single() {
    loom::model(|| {
        const N: usize = 4;
        let arena = Arc::new(Arena::<usize, N>::new());
        let a = arena.clone();
        let first = thread::spawn(move || a.alloc_slice_copy(&[10, 11]).is_ok());
        let b = arena.clone();
        let second = thread::spawn(move || b.alloc_slice_copy(&[20, 21]).is_ok());
        let single = arena.alloc(30).is_ok();
        let first = first.join().unwrap();
        let second = second.join().unwrap();

        let mut arena = unwrap(arena);
        let slots = values(&mut arena);
        let used = 2 * usize::from(first) + 2 * usize::from(second) + usize::from(single);
        assert_eq!(arena.len(), used);
        assert_eq!(slots.len(), used);
        let failures = [first, second, single].iter().filter(|ok| !**ok).count();
        assert_eq!(arena.failed_allocs(), failures);
        // Either both batches fit (and the single did not), or the single and one batch did.
        assert!(used == 4 || used == 3, "{slots:?}");
        if first {
            assert_contiguous(&slots, &[10, 11]);
        }
        if second {
            assert_contiguous(&slots, &[20, 21]);
        }
        if !first || !second {
            assert!(arena.len() > N - 2, "a batch of 2 failed with 2 slots free");
        }
    });
}

/// On a full arena, two failing single allocs race a failing batch of one: a failed single adds
/// one to the cursor and takes it back, and must never let the cursor drop below `N` (or the
/// batch would get a slot that is taken). Every failure is counted; the values are intact.
#[test]
fn failures_on_a_full_arena() {
    loom::model(|| {
        const N: usize = 2;
        let arena = Arc::new(Arena::<usize, N>::new());
        arena.alloc(1).unwrap();
        arena.alloc(2).unwrap();
        let a = arena.clone();
        let t1 = thread::spawn(move || {
            assert_eq!(a.alloc(3).unwrap_err().into_inner(), 3);
            assert!(a.is_full());
            assert_eq!(a.remaining(), 0);
        });
        let b = arena.clone();
        let t2 = thread::spawn(move || {
            assert!(b.alloc_slice_copy(&[4]).is_err());
            assert_eq!(b.len(), N);
        });
        assert_eq!(arena.alloc(5).unwrap_err().into_inner(), 5);
        t1.join().unwrap();
        t2.join().unwrap();

        let mut arena = unwrap(arena);
        assert_eq!(arena.failed_allocs(), 3);
        assert_eq!(arena.len(), N);
        assert_eq!(values(&mut arena), [1, 2]);
        assert!(arena.alloc(6).is_err());
        assert_eq!(arena.len(), N);
    });
}

/// The last free slot, raced by two singles and a batch of one: exactly one wins, the two
/// losers' add-and-take-back never frees a slot twice, and both failures are counted.
#[test]
fn last_slot_raced_by_singles_and_a_batch() {
    loom::model(|| {
        const N: usize = 2;
        let arena = Arc::new(Arena::<usize, N>::new());
        arena.alloc(1).unwrap();
        let a = arena.clone();
        let t1 = thread::spawn(move || a.alloc(10).is_ok());
        let b = arena.clone();
        let t2 = thread::spawn(move || b.alloc(20).is_ok());
        let main = arena.alloc_slice_copy(&[30]).is_ok();
        let t1 = t1.join().unwrap();
        let t2 = t2.join().unwrap();

        let mut arena = unwrap(arena);
        let winners = [(t1, 10), (t2, 20), (main, 30)];
        assert_eq!(
            winners.iter().filter(|(ok, _)| *ok).count(),
            1,
            "{winners:?}"
        );
        let winner = winners.iter().find(|(ok, _)| *ok).unwrap().1;
        assert_eq!(values(&mut arena), [1, winner]);
        assert_eq!(arena.failed_allocs(), 2);
        assert!(arena.is_full());
    });
}
