//! The pool runtime used directly (`atomicarena::Pool`), with hand-written `FieldReset`s.
//! The derive's generated resets are tested in `derive_pool.rs`.

use std::collections::HashSet;
use std::error::Error;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use atomicarena::{FieldReset, Pool};

#[derive(Default)]
struct Packet {
    payload: Vec<u8>,
    seq: u64,
}

impl FieldReset for Packet {
    fn reset_fields(&mut self) {
        self.payload.clear();
        self.seq = 0;
    }
}

#[test]
fn reset_keeps_buffers_and_pointers() {
    let mut pool: Pool<Packet, 4> = Pool::new();
    let mut ptrs = Vec::new();
    for i in 0..4u8 {
        let p = pool.take().unwrap();
        assert!(p.payload.is_empty(), "first use is T::default(), reset");
        p.payload.extend(std::iter::repeat_n(i, 1500));
        p.seq = u64::from(i) + 1;
        ptrs.push((p.payload.as_ptr(), p.payload.capacity()));
    }
    assert!(pool.take().is_err(), "the round is full");
    pool.reset();
    assert_eq!(pool.len(), 0);
    for (ptr, cap) in ptrs {
        let p = pool.take().unwrap();
        assert!(p.payload.is_empty());
        assert_eq!(p.seq, 0);
        assert_eq!(p.payload.capacity(), cap);
        assert_eq!(p.payload.as_ptr(), ptr, "the same buffer comes back");
    }
}

#[test]
fn take_fails_when_round_full_and_counts() {
    let pool: Pool<u32, 2> = Pool::new();
    assert_eq!(*pool.take().unwrap(), 0);
    *pool.take().unwrap() = 9;
    assert!(pool.take().is_err());
    assert_eq!(pool.alloc(5).unwrap_err().into_inner(), 5);
    assert_eq!(pool.failed_allocs(), 2);
    assert!(pool.is_full());
    assert_eq!(pool.remaining(), 0);
    assert_eq!(pool.bytes_used(), 8);
}

static LIVE: AtomicUsize = AtomicUsize::new(0);
static DROPS: AtomicUsize = AtomicUsize::new(0);
// Tests counting drops share the two counters: run them one at a time.
static COUNTING: Mutex<()> = Mutex::new(());

struct Counted {
    id: usize,
    resets: usize,
}

impl Counted {
    fn new(id: usize) -> Self {
        LIVE.fetch_add(1, Ordering::SeqCst);
        Counted { id, resets: 0 }
    }
}

impl Default for Counted {
    fn default() -> Self {
        Counted::new(usize::MAX)
    }
}

impl FieldReset for Counted {
    fn reset_fields(&mut self) {
        self.resets += 1;
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
        DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

fn counters() -> (usize, usize) {
    (LIVE.load(Ordering::SeqCst), DROPS.load(Ordering::SeqCst))
}

#[test]
fn values_dropped_once_on_drop_never_on_reset() {
    let _g = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (live0, drops0) = counters();
    {
        let mut pool: Pool<Counted, 8> = Pool::new();
        for round in 0..5 {
            for _ in 0..3 + round % 2 {
                pool.take().unwrap();
            }
            pool.reset();
            assert_eq!(counters().1, drops0, "reset never drops");
        }
        assert_eq!(counters().0, live0 + 4, "4 slots ever initialised");
        // Overwriting drops the recycled value once.
        pool.alloc(Counted::new(1)).unwrap();
        assert_eq!(counters().1, drops0 + 1);
        let resets: Vec<usize> = pool.iter_mut().map(|c| c.resets).collect();
        assert_eq!(resets, [0]);
        pool.reset();
        let c = pool.take().unwrap();
        assert_eq!((c.id, c.resets), (1, 1));
    }
    assert_eq!(
        counters(),
        (live0, drops0 + 5),
        "4 defaults + 1 alloc, each dropped once"
    );
}

#[test]
fn clear_drops_everything_once() {
    let _g = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (live0, drops0) = counters();
    let mut pool: Pool<Counted, 4> = Pool::new();
    pool.take().unwrap();
    pool.take().unwrap();
    pool.reset();
    pool.take().unwrap(); // recycled
    pool.clear();
    assert_eq!(counters(), (live0, drops0 + 2));
    assert!(pool.is_empty());
    assert_eq!(
        pool.take().unwrap().resets,
        1,
        "a fresh value after clear: `default()`, reset once"
    );
    drop(pool);
    assert_eq!(counters(), (live0, drops0 + 3));
}

/// Round 0 hands out what every later round does: a slot's first value is `T::default()` with
/// `reset_fields` applied (issue 19), once.
#[test]
fn a_fresh_slot_is_default_reset_once() {
    let _g = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (live0, drops0) = counters();
    let mut pool: Pool<Counted, 2> = Pool::new();
    let c = pool.take().unwrap();
    assert_eq!((c.id, c.resets), (usize::MAX, 1));
    pool.reset();
    let c = pool.take().unwrap();
    assert_eq!(
        (c.id, c.resets),
        (usize::MAX, 2),
        "recycled: one more reset"
    );
    let c = pool.take().unwrap();
    assert_eq!((c.id, c.resets), (usize::MAX, 1), "first used in round 1");
    assert_eq!(
        counters(),
        (live0 + 2, drops0),
        "nothing made or dropped in between"
    );
    drop(pool);
    assert_eq!(counters(), (live0, drops0 + 2));
}

/// A scalar resets to its default: the runtime's `FieldReset` for the primitive types.
#[test]
fn scalars_reset_to_their_default() {
    #[derive(Default, PartialEq, Debug)]
    struct Row(u8, i64, f64, bool, char, u128);
    impl FieldReset for Row {
        fn reset_fields(&mut self) {
            self.0.reset_fields();
            self.1.reset_fields();
            self.2.reset_fields();
            self.3.reset_fields();
            self.4.reset_fields();
            self.5.reset_fields();
        }
    }
    let mut pool: Pool<Row, 2> = Pool::new();
    *pool.take().unwrap() = Row(1, -2, 3.5, true, 'x', 6);
    pool.alloc(Row(9, 9, 9.0, true, 'y', 9)).unwrap();
    pool.reset();
    assert_eq!(*pool.take().unwrap(), Row::default());
    assert_eq!(*pool.take().unwrap(), Row::default());

    let mut ints: Pool<u32, 1> = Pool::new();
    *ints.take().unwrap() = 7;
    ints.reset();
    assert_eq!(*ints.take().unwrap(), 0);
}

/// If the reset of a slot's first value panics, the value is dropped and the slot stays empty:
/// skipped by `iter_mut`, built again by the next `take`.
#[test]
fn panicking_reset_of_a_fresh_value_leaves_an_empty_slot() {
    use std::sync::atomic::AtomicBool;
    static EXPLODE: AtomicBool = AtomicBool::new(false);
    #[derive(Default)]
    struct Touchy(Counted);
    impl FieldReset for Touchy {
        fn reset_fields(&mut self) {
            assert!(!EXPLODE.load(Ordering::SeqCst), "this reset explodes");
            self.0.resets += 1;
        }
    }
    let _g = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let (live0, drops0) = counters();
    let mut pool: Pool<Touchy, 2> = Pool::new();
    EXPLODE.store(true, Ordering::SeqCst);
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.take().unwrap();
    }));
    EXPLODE.store(false, Ordering::SeqCst);
    assert!(r.is_err());
    assert_eq!(
        counters(),
        (live0, drops0 + 1),
        "the new value was dropped once"
    );
    assert_eq!(
        (pool.len(), pool.remaining()),
        (0, 1),
        "the slot is a hole: neither a value nor free"
    );
    assert_eq!(pool.iter_mut().count(), 0, "but holds nothing");
    pool.reset();
    assert_eq!(pool.take().unwrap().0.resets, 1, "built again, reset once");
    drop(pool);
    assert_eq!(counters(), (live0, drops0 + 2));
}

#[test]
fn panicking_default_leaves_an_empty_slot() {
    #[derive(Debug)]
    struct Fussy(u8);
    impl Default for Fussy {
        fn default() -> Self {
            panic!("no default today")
        }
    }
    impl FieldReset for Fussy {
        fn reset_fields(&mut self) {
            self.0 = 0;
        }
    }
    let mut pool: Pool<Fussy, 3> = Pool::new();
    pool.alloc(Fussy(1)).unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.take().unwrap();
    }));
    assert!(r.is_err());
    pool.alloc(Fussy(3)).unwrap();
    let seen: Vec<u8> = pool.iter_mut().map(|f| f.0).collect();
    assert_eq!(seen, [1, 3], "the hole is skipped");
    assert_eq!(
        (pool.len(), pool.remaining()),
        (2, 0),
        "two values and a hole"
    );
    pool.reset();
    // Slot 1 is still empty: `take` must build it, and it panics again; `alloc` fills it.
    pool.alloc(Fussy(7)).unwrap();
    pool.alloc(Fussy(8)).unwrap();
    let seen: Vec<u8> = pool.iter_mut().map(|f| f.0).collect();
    assert_eq!(seen, [7, 8]);
}

#[test]
fn panicking_reset_drops_the_rest() {
    let _g = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    #[derive(Default)]
    struct Bomb(#[allow(dead_code)] Counted, bool);
    impl FieldReset for Bomb {
        fn reset_fields(&mut self) {
            assert!(!self.1, "this one explodes on reset");
        }
    }
    let (live0, drops0) = counters();
    let mut pool: Pool<Bomb, 4> = Pool::new();
    pool.take().unwrap();
    pool.take().unwrap().1 = true;
    pool.take().unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| pool.reset()));
    assert!(r.is_err());
    assert_eq!(
        counters(),
        (live0 + 1, drops0 + 2),
        "the bomb and the one after it dropped"
    );
    assert!(pool.is_empty());
    // Slot 0 was reset and kept; slots 1 and 2 start over from `default`.
    for _ in 0..3 {
        assert!(!pool.take().unwrap().1);
    }
    drop(pool);
    assert_eq!(counters(), (live0, drops0 + 5));
}

#[test]
fn threads_take_distinct_slots() {
    const N: usize = if cfg!(miri) { 64 } else { 20_000 };
    let mut pool: Box<Pool<Pair, N>> = Pool::new_boxed();
    for round in 0..2 {
        std::thread::scope(|s| {
            for t in 0..4 {
                let pool = &*pool;
                s.spawn(move || {
                    let mut i = 0;
                    while let Ok(v) = pool.take() {
                        assert_eq!(*v, Pair(0, 0), "recycled values were reset");
                        *v = Pair(t + 1, i);
                        i += 1;
                    }
                });
            }
        });
        assert_eq!(pool.len(), N);
        let seen: HashSet<Pair> = pool.iter_mut().map(|v| *v).collect();
        assert_eq!(seen.len(), N, "round {round}: no slot handed out twice");
        pool.reset();
    }
}

#[derive(Default, Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Pair(usize, usize);

impl FieldReset for Pair {
    fn reset_fields(&mut self) {
        *self = Pair(0, 0);
    }
}

#[test]
fn statics_and_debug() {
    static SCRATCH: Pool<String, 8> = Pool::new();
    SCRATCH.take().unwrap().push_str("hi");
    assert_eq!(SCRATCH.len(), 1);
    assert_eq!(
        format!("{:?}", SCRATCH),
        "Pool { len: 1, capacity: 8, high_water: 1, failed_allocs: 0, .. }"
    );
    fn assert_sync<T: Sync>() {}
    assert_sync::<Pool<String, 8>>();
}

#[test]
fn pool_locals_take_distinct_slots_and_recycle() {
    const N: usize = if cfg!(miri) { 64 } else { 20_000 };
    let mut pool: Box<Pool<Pair, N>> = Pool::new_boxed();
    for round in 0..2 {
        std::thread::scope(|s| {
            for t in 0..2 {
                let pool = &*pool;
                s.spawn(move || {
                    let mut local = pool.local();
                    let mut i = 0;
                    while let Ok(v) = local.take() {
                        assert_eq!(*v, Pair(0, 0), "recycled values were reset");
                        *v = Pair(t + 1, i);
                        i += 1;
                    }
                });
            }
        });
        assert!(pool.is_full());
        let seen: HashSet<Pair> = pool.iter_mut().map(|v| *v).collect();
        assert_eq!(seen.len(), N, "round {round}: no slot handed out twice");
        pool.reset();
    }
    // A forgotten handle strands its chunk for the round; nothing else happens.
    let mut local = pool.local();
    *local.take().unwrap() = Pair(7, 7);
    std::mem::forget(local);
    assert_eq!(pool.iter_mut().filter(|v| **v == Pair(7, 7)).count(), 1);
    pool.reset();
    assert!(pool.iter_mut().all(|v| *v == Pair(0, 0)));
}

/// A value whose `FieldReset` keeps it, so a value from an earlier round is recognisable.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
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

/// Regression (issue 8): a `PoolLocal` that drops with part of its chunk unused and no longer
/// at the cursor's end strands those slots; `iter_mut` used to yield their values from the
/// previous round (`[1, 2, 4, 101]`).
#[test]
fn iter_mut_skips_slots_stranded_by_a_dropped_local() {
    let mut pool = pool_with_last_round();
    {
        let mut l = pool.local();
        l.take().unwrap().0 = 1;
        pool.alloc(Kept(2)).unwrap(); // the handle's chunk is no longer at the cursor's end
    }
    pool.alloc(Kept(4)).unwrap();
    let seen: Vec<u32> = pool.iter_mut().map(|v| v.0).collect();
    assert_eq!(seen, [1, 2, 4]);
    // The handle's unused slot is free again (not stranded); its old value is neither shown
    // nor reset twice, and it is handed out again next round with the value it kept.
    assert_eq!((pool.len(), pool.remaining()), (3, 61));
    pool.reset();
    let next: Vec<u32> = (0..4).map(|_| pool.take().unwrap().0).collect();
    assert_eq!(next, [1, 101, 2, 4]);
}

/// The same with the handle forgotten: the unused rest of its chunk is stranded.
#[test]
fn iter_mut_skips_slots_stranded_by_a_forgotten_local() {
    let mut pool = pool_with_last_round();
    let mut l = pool.local(); // 64 slots: chunks of 2
    l.take().unwrap().0 = 1;
    std::mem::forget(l);
    pool.alloc(Kept(2)).unwrap();
    let seen: Vec<u32> = pool.iter_mut().map(|v| v.0).collect();
    assert_eq!(seen, [1, 2]);
    // Two values; the forgotten handle's unused slot is a hole (neither a value nor free).
    assert_eq!((pool.len(), pool.remaining()), (2, 61));
}

/// A pool's `Full` says "pool is full", from `take` and `alloc`, through the pool or a handle,
/// and keeps saying it without its value (issue 19).
#[test]
fn a_full_pool_says_so() {
    let pool: Pool<String, 1> = Pool::new();
    pool.take().unwrap();
    assert_eq!(pool.take().unwrap_err().to_string(), "pool is full");
    let err = pool.alloc("late".to_string()).unwrap_err();
    assert_eq!(err.to_string(), "pool is full");
    assert_eq!(format!("{err:?}"), "Full(..)");
    let bare = err.clone().without_value();
    assert_eq!(bare.to_string(), "pool is full");
    assert_eq!(err.into_inner(), "late");

    let pool: Pool<String, 64> = Pool::new();
    let mut local = pool.local();
    while local.take().is_ok() {}
    assert_eq!(local.take().unwrap_err().to_string(), "pool is full");
    assert_eq!(
        local.alloc(String::new()).unwrap_err().to_string(),
        "pool is full"
    );
    // The other kinds say "arena is full", as `Full::new` does.
    assert_eq!(atomicarena::Full::new(()).to_string(), "arena is full");
    assert_ne!(
        bare,
        atomicarena::Full::new(()),
        "the kind is part of the error"
    );
}

/// `.map_err(Full::without_value)?` takes the error of a pool of borrowed values (`Full<&str>`,
/// not `'static`) into `Box<dyn Error>`.
#[test]
fn without_value_lets_borrowed_errors_through_question_mark() {
    fn keep<'a>(pool: &Pool<&'a str, 2>, words: &[&'a str]) -> Result<usize, Box<dyn Error>> {
        for &w in words {
            pool.alloc(w).map_err(atomicarena::Full::without_value)?;
        }
        Ok(pool.len())
    }
    let text = String::from("one two three");
    let words: Vec<&str> = text.split(' ').collect();
    let pool: Pool<&str, 2> = Pool::new();
    assert_eq!(keep(&pool, &words[..2]).unwrap(), 2);
    let err = keep(&pool, &words[2..]).unwrap_err();
    assert_eq!(err.to_string(), "pool is full");
    assert!(err.downcast_ref::<atomicarena::Full<()>>().is_some());
}
