//! Loom models of the free-range words (`arena/src/words.rs`, issue 16): a handle's tail
//! published in its word and taken by other claims, a word's tail given back to the cursor
//! while its stripe's thread takes from it, a stripe refilled from the front of another
//! stripe's tail, and handles racing for words.
//!
//! Under `cfg(loom)` a cursor has 2 inline words; an arena of at least 4 slots has 2 stripes
//! with chunks of 2 slots and 4 handle words in its table, so these small models reach every
//! step. Each slot's value and each hole mark is a loom-tracked cell: a slot handed out twice,
//! or a mark cleared by one thread without being ordered after the thread that wrote it, is
//! reported as a data race. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_words
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

/// Checks, after every thread is joined, that the arena holds exactly `values` (in any order),
/// that `len + remaining == N`, and that filling it from one thread then stores exactly the
/// `remaining` slots: nothing was stranded.
fn check_and_fill<const N: usize>(mut arena: Arena<usize, N>, mut values: Vec<usize>) {
    let mut got: Vec<usize> = arena.iter_mut().map(|v| *v).collect();
    got.sort_unstable();
    values.sort_unstable();
    assert_eq!(got, values);
    assert_eq!(arena.len(), values.len());
    assert_eq!(arena.len() + arena.remaining(), N, "nothing stranded");
    let free = arena.remaining();
    let mut more = 0;
    while arena.alloc(1000 + more).is_ok() {
        more += 1;
    }
    assert_eq!(more, free, "every free slot is claimable");
    assert_eq!(arena.iter_mut().count(), N);
}

/// A handle on another thread drops after a single claim moved the cursor past its chunk: its
/// unused tail is published (marked as holes) in its word, and the main thread's claims take
/// it once the cursor is exhausted, clearing the marks (ordered after the handle's writes by
/// the word's Release publication and the taker's Acquire). Arena of 3: no stripes.
#[test]
fn handle_tail_published_and_taken() {
    loom::model(|| {
        const N: usize = 3;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut local = other.local_with_chunk(2);
            let v = *local.alloc(10).unwrap();
            drop(local);
            v
        });
        let mut mine = Vec::new();
        for i in 0..2 {
            if let Ok(r) = arena.alloc(20 + i) {
                mine.push(*r);
            }
        }
        let theirs = t.join().unwrap();
        // The main thread gets its first slot whatever the order; its second may find the
        // arena full while the handle is alive (its chunk is reserved then, as documented).
        // Once the handle has dropped, its tail is free: `check_and_fill` takes it.
        assert!(!mine.is_empty());
        check_and_fill(unwrap(arena), [mine, vec![theirs]].concat());
    });
}

/// A thread takes single slots from its stripe while the main thread's batch gives that
/// stripe's tail back to the cursor (it ends at the cursor's end): the give-back locks the
/// word for one cursor exchange, so no slot is both taken and given back.
#[test]
fn batch_gives_back_a_tail_its_thread_is_taking_from() {
    loom::model(|| {
        const N: usize = 6;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut mine = Vec::new();
            for i in 0..2 {
                mine.push(*other.alloc(10 + i).unwrap());
            }
            mine
        });
        let batch = arena.alloc_slice_copy(&[20, 21, 22]).map(|s| s.to_vec());
        let theirs = t.join().unwrap();
        let batch = batch.expect("3 contiguous slots are always free among 6");
        check_and_fill(unwrap(arena), [batch, theirs].concat());
    });
}

/// The main thread's stripe is empty while the other thread's chunk ends at the cursor: the
/// main thread refills from the front of that tail (threads used in turn continue where the
/// last one stopped) while the other thread keeps taking from it.
#[test]
fn refill_from_the_front_of_another_stripes_tail() {
    loom::model(|| {
        const N: usize = 6;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let t = thread::spawn(move || {
            let mut mine = Vec::new();
            for i in 0..2 {
                mine.push(*other.alloc(10 + i).unwrap());
            }
            mine
        });
        let mut mine = Vec::new();
        for i in 0..2 {
            mine.push(*arena.alloc(20 + i).unwrap());
        }
        let theirs = t.join().unwrap();
        check_and_fill(unwrap(arena), [mine, theirs].concat());
    });
}

/// Two threads each use a handle and a single claim, so that handles' tails may be published
/// behind the other thread's claims; both handles race for the 2 inline words. Afterwards
/// every free slot is claimable. Arena of 3 (no stripes, 2 inline words).
#[test]
fn two_handles_own_words_and_publish_tails() {
    loom::model(|| {
        const N: usize = 3;
        let arena = Arc::new(Arena::<usize, N>::new());
        let other = arena.clone();
        let work = |arena: &Arena<usize, N>, base: usize| {
            let mut got = Vec::new();
            let mut local = arena.local_with_chunk(2);
            if let Ok(r) = local.alloc(base) {
                got.push(*r);
            }
            drop(local);
            if let Ok(r) = arena.alloc(base + 1) {
                got.push(*r);
            }
            got
        };
        let t = thread::spawn(move || work(&other, 10));
        let mine = work(&arena, 20);
        let theirs = t.join().unwrap();
        check_and_fill(unwrap(arena), [mine, theirs].concat());
    });
}

/// A pool's handle publishes its tail (pool slots have no hole marks) while another thread
/// takes: afterwards every free slot is claimable and `len` counts what was handed out.
#[test]
fn pool_handle_tail_published_and_taken() {
    loom::model(|| {
        const N: usize = 3;
        let pool = Arc::new(Pool::<usize, N>::new());
        let other = pool.clone();
        let t = thread::spawn(move || {
            let mut local = other.local();
            let got = local.alloc(10).is_ok();
            drop(local);
            usize::from(got)
        });
        let mut mine = 0;
        for i in 0..2 {
            mine += usize::from(pool.alloc(20 + i).is_ok());
        }
        let theirs = t.join().unwrap();
        let mut pool = unwrap(pool);
        assert_eq!(mine, 2);
        assert_eq!(pool.len(), mine + theirs);
        assert_eq!(pool.len() + pool.remaining(), N);
        while pool.alloc(99).is_ok() {}
        assert_eq!(pool.len(), N);
        assert_eq!(pool.iter_mut().count(), N);
    });
}
