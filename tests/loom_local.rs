//! Loom models of the per-thread fast path (`Arena::local`): a handle's chunk claim and
//! give-back racing plain `alloc` and another handle. A slot handed out twice shows up as
//! concurrent writes to one loom-tracked mark cell. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_local
//! ```
#![cfg(loom)]

use atomicarena::Arena;
use loom::sync::Arc;
use loom::thread;

fn unwrap<T>(arena: Arc<T>) -> T {
    match Arc::try_unwrap(arena) {
        Ok(arena) => arena,
        Err(_) => panic!("the arena is still shared"),
    }
}

/// A handle claims a chunk of 2, uses 1 and gives the rest back, while another thread
/// `alloc`s twice. Every success is read back; successes never exceed capacity; the given-back
/// slot is either reused by the other thread or stays a hole, never both.
#[test]
fn local_chunk_against_shared_alloc() {
    loom::model(|| {
        let arena = Arc::new(Arena::<usize, 3>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut n = 0;
            for v in [10, 11] {
                if other.alloc(v).is_ok() {
                    n += 1;
                }
            }
            n
        });
        let mine = {
            let mut local = arena.local_with_chunk(2);
            let r = local.alloc(1).map(|r| *r).ok();
            r
        };
        let shared = t.join().unwrap();
        let mut arena = unwrap(arena);
        let mut values: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
        values.sort_unstable();
        let expect_len = usize::from(mine.is_some()) + shared;
        assert_eq!(values.len(), expect_len);
        assert!(expect_len <= 3);
        if mine.is_some() {
            assert!(values.contains(&1));
        }
        // Capacity 3, at most 3 wanted: only a stranded chunk tail can make someone fail.
        assert!(arena.len() <= 3);
    });
}

/// Two handles with chunks of 2 on an arena of 3: the chunks never overlap, and near the end
/// a handle takes the shorter chunk that is left.
#[test]
fn two_locals() {
    loom::model(|| {
        let arena = Arc::new(Arena::<usize, 3>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut local = other.local_with_chunk(2);
            let a = local.alloc(20).is_ok();
            let b = local.alloc(21).is_ok();
            usize::from(a) + usize::from(b)
        });
        let mut local = arena.local_with_chunk(2);
        let a = local.alloc(10).is_ok();
        drop(local);
        let theirs = t.join().unwrap();
        let mut arena = unwrap(arena);
        let mut values: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
        values.sort_unstable();
        assert_eq!(values.len(), usize::from(a) + theirs);
        assert!(a, "the first chunk claim always finds room");
        assert!(theirs >= 1, "the other handle gets at least the last slot");
    });
}
