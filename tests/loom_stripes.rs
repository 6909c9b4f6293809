//! Loom models of the striped shared path (`arena/src/stripes.rs`): single allocations that
//! come from per-thread chunks, chunks refilled from the shared cursor, what is left in other
//! threads' chunks taken when the cursor is exhausted, a thread's chunk tail given back before
//! its batch, and `settle` under `&mut`.
//!
//! Under `cfg(loom)` an arena of at least 4 slots has 2 stripes and chunks of 2 slots, so these
//! small models reach every part of the protocol. Each slot's value is a loom-tracked cell, so
//! a slot handed out twice is reported as concurrent writes. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_stripes
//! ```
#![cfg(loom)]

use atomicarena::{Arena, Pool};
use loom::sync::Arc;
use loom::thread;

fn unwrap<T>(arena: Arc<T>) -> T {
    match Arc::try_unwrap(arena) {
        Ok(arena) => arena,
        Err(_) => panic!("the arena is still shared"),
    }
}

/// Two threads allocate until `Full` in an arena of 4 (chunks of 2): together they store
/// exactly 4 values, even when one thread's chunk still holds a slot the other needs (it is
/// taken from the other stripe). Nothing is stranded, and `len`, `remaining` and `is_full` are
/// exact after `join`, before and after `settle`.
#[test]
fn fill_until_full_takes_what_other_chunks_hold() {
    loom::model(|| {
        const N: usize = 4;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut mine = Vec::new();
            let mut i = 0;
            while let Ok(r) = other.alloc(100 + i) {
                mine.push(*r);
                i += 1;
            }
            mine
        });
        let mut mine = Vec::new();
        let mut i = 0;
        while let Ok(r) = arena.alloc(200 + i) {
            mine.push(*r);
            i += 1;
        }
        let theirs = t.join().unwrap();
        assert_eq!(mine.len() + theirs.len(), N, "{mine:?} {theirs:?}");

        let mut arena = unwrap(arena);
        assert_eq!(arena.len(), N);
        assert_eq!(arena.remaining(), 0);
        assert!(arena.is_full());
        assert_eq!(arena.failed_allocs(), 2);
        let mut got: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
        got.sort_unstable();
        let mut want = [mine, theirs].concat();
        want.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(arena.len(), N);
    });
}

/// One thread allocates two values while the other allocates one and then a batch of 2 in an
/// arena of 8. Whatever the interleaving: every value is stored once, the batch is contiguous,
/// `len` counts the 5 values exactly (chunk slots that could not be given back are not
/// counted), and `remaining` is what a further allocation can still get.
#[test]
fn batch_gives_back_its_threads_chunk_tail() {
    loom::model(|| {
        const N: usize = 8;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            other.alloc(10).unwrap();
            other.alloc(11).unwrap();
        });
        arena.alloc(20).unwrap();
        let batch = arena.alloc_slice_copy(&[30, 31]).unwrap();
        assert_eq!(batch, [30, 31]);
        t.join().unwrap();

        let mut arena = unwrap(arena);
        assert_eq!(arena.len(), 5);
        let free = arena.remaining();
        let got: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
        assert_eq!(got.len(), 5);
        assert!(got.windows(2).any(|w| w == [30, 31]), "{got:?}");
        assert_eq!(arena.len(), 5, "settle keeps `len` exact");
        assert_eq!(arena.remaining(), free, "settle keeps `remaining` exact");
        // What `remaining` promised is really there.
        for k in 0..free {
            assert!(arena.alloc(40 + k).is_ok());
        }
        assert!(arena.alloc(99).is_err());
    });
}

/// Three threads share two stripes: a stripe used by two threads at once never hands a slot
/// out twice, and a stripe being refilled by one thread sends the other to the shared cursor.
#[test]
fn threads_sharing_a_stripe() {
    loom::model(|| {
        const N: usize = 6;
        let arena = Arc::new(Arena::<usize, N>::new());
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let a = arena.clone();
                thread::spawn(move || a.alloc(10 * (t + 1)).is_ok())
            })
            .collect();
        let main = arena.alloc(30).is_ok();
        let oks: Vec<bool> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(main && oks.iter().all(|ok| *ok));
        let mut arena = unwrap(arena);
        let mut got: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
        got.sort_unstable();
        assert_eq!(got, [10, 20, 30]);
        assert_eq!(arena.len(), 3);
    });
}

/// The pool's `take` goes through the same stripes: two threads take until the round is
/// full, every slot once, and the next round recycles each value.
#[test]
fn pool_take_from_stripes() {
    loom::model(|| {
        const N: usize = 4;
        let pool = Arc::new(Pool::<usize, N>::new());
        let other = pool.clone();
        let t = thread::spawn(move || {
            let mut n = 0;
            while let Ok(v) = other.take() {
                *v = 1;
                n += 1;
            }
            n
        });
        let mut n = 0;
        while let Ok(v) = pool.take() {
            *v = 2;
            n += 1;
        }
        let theirs = t.join().unwrap();
        assert_eq!(n + theirs, N);
        let mut pool = unwrap(pool);
        assert_eq!(pool.len(), N);
        assert_eq!(pool.iter_mut().count(), N);
    });
}
