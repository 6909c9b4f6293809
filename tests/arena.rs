//! Integration tests of the bounded [`atomicarena::Arena`], used directly (not through the
//! derive).
//!
//! The first group ports the Go `AtomicArena` suite (alloc and read back, error when full,
//! reset and reuse, concurrent fill, `AppendSlice` all-or-nothing, `MakeSlice`); the rest checks
//! the soundness invariants of DESIGN.md: no slot handed out twice (threads, distinct addresses
//! and values), holes left by panics never read, every value dropped exactly once (drop logs),
//! lying iterators, the 255-round tag wrap, ZSTs, huge heap arenas, `Send`/`Sync`.
//!
//! Everything runs under Miri (`cargo +nightly miri test --test arena`) with smaller sizes. The
//! model-based property tests live in the `atomicarena-model` package (`tests/model/`).

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt::Debug;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread;

use atomicarena::{Arena, Drain, Full, IterMut};

// ---- helpers ------------------------------------------------------------------------------

/// Prefix of every panic these tests raise on purpose; the panic hook keeps them quiet.
const EXPECTED: &str = "expected test panic";

/// Runs `f`, catching a panic. Panics whose message starts with [`EXPECTED`] are not printed;
/// any other panic (a real failure) still goes to the default hook.
fn catch<R>(f: impl FnOnce() -> R) -> thread::Result<R> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if !msg.is_some_and(|m| m.starts_with(EXPECTED)) {
                default(info);
            }
        }));
    });
    panic::catch_unwind(AssertUnwindSafe(f))
}

/// Records the id of every [`Tracked`] value dropped, so a test can check "exactly once".
#[derive(Clone, Default)]
struct DropLog(Arc<Mutex<Vec<u64>>>);

impl DropLog {
    fn new() -> Self {
        Self::default()
    }

    fn tracked(&self, id: u64) -> Tracked {
        Tracked {
            id,
            log: self.clone(),
            panic_on_drop: false,
        }
    }

    /// The ids dropped so far, sorted (duplicates kept: a double drop shows up twice).
    fn dropped(&self) -> Vec<u64> {
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        v.sort_unstable();
        v
    }
}

/// A value whose drop is logged; optionally panics in `drop`.
#[derive(Debug)]
struct Tracked {
    id: u64,
    log: DropLog,
    panic_on_drop: bool,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.log
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.id);
        if self.panic_on_drop {
            panic!("{EXPECTED}: drop of {}", self.id);
        }
    }
}

impl std::fmt::Debug for DropLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DropLog")
    }
}

/// An iterator that reports `claimed` as its exact length whatever it really yields.
struct Liar<I> {
    inner: I,
    claimed: usize,
}

impl<I: Iterator> Iterator for Liar<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.claimed, Some(self.claimed))
    }
}

impl<I: Iterator> ExactSizeIterator for Liar<I> {
    fn len(&self) -> usize {
        self.claimed
    }
}

fn ids<'a>(values: impl IntoIterator<Item = &'a mut Tracked>) -> Vec<u64> {
    values.into_iter().map(|t| t.id).collect()
}

fn addr<T>(r: &T) -> usize {
    std::ptr::from_ref(r).addr()
}

/// Asserts that `addrs` are `count` distinct slots of `size` bytes forming one contiguous run:
/// together with `count == N` this says every slot was handed out exactly once.
fn assert_one_contiguous_run(mut addrs: Vec<usize>, size: usize, count: usize) {
    assert_eq!(addrs.len(), count);
    addrs.sort_unstable();
    for w in addrs.windows(2) {
        assert_eq!(
            w[1] - w[0],
            size,
            "slots {:#x} and {:#x} are not neighbours",
            w[0],
            w[1]
        );
    }
}

// ---- Go suite: basics ---------------------------------------------------------------------

#[test]
fn alloc_int_reads_back() {
    let arena: Arena<i64, 8> = Arena::new();
    let a = arena.alloc(42).unwrap();
    let b = arena.alloc(-7).unwrap();
    assert_eq!((*a, *b), (42, -7));
    *a += 1;
    assert_eq!((*a, *b), (43, -7));
    assert_ne!(addr(a), addr(b));
    assert_eq!(arena.len(), 2);
    assert_eq!(arena.remaining(), 6);
    assert_eq!(arena.bytes_used(), 2 * mem::size_of::<i64>());
    assert!(!arena.is_empty() && !arena.is_full());
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Particle {
    pos: [f32; 3],
    vel: [f32; 3],
    name: String,
    trail: Vec<u16>,
}

#[test]
fn alloc_struct_reads_back() {
    let arena: Arena<Particle, 4> = Arena::new();
    let p = arena
        .alloc(Particle {
            pos: [1.0, 2.0, 3.0],
            name: "p0".into(),
            ..Particle::default()
        })
        .unwrap();
    let q = arena
        .alloc_with(|| Particle {
            vel: [0.5; 3],
            ..Particle::default()
        })
        .unwrap();
    p.trail.extend([1, 2, 3]);
    q.name.push('q');
    assert_eq!(p.pos, [1.0, 2.0, 3.0]);
    assert_eq!(p.name, "p0");
    assert_eq!(p.trail, [1, 2, 3]);
    assert_eq!(q.vel, [0.5; 3]);
    assert_eq!(q.name, "q");
    let mut arena = arena;
    let names: Vec<String> = arena.iter_mut().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["p0", "q"]);
    assert_eq!(arena.bytes_used(), 2 * mem::size_of::<Particle>());
}

#[test]
fn full_hands_the_value_back() {
    let log = DropLog::new();
    let arena: Arena<Tracked, 2> = Arena::new();
    arena.alloc(log.tracked(1)).unwrap();
    arena.alloc(log.tracked(2)).unwrap();
    assert!(arena.is_full());
    assert_eq!(arena.failed_allocs(), 0);

    let err: Full<Tracked> = arena.alloc(log.tracked(3)).unwrap_err();
    assert_eq!(err.to_string(), "arena is full");
    assert_eq!(format!("{err:?}"), "Full(..)");
    assert_eq!(arena.failed_allocs(), 1);
    assert!(
        log.dropped().is_empty(),
        "the arena must not drop a value it handed back"
    );
    let back = err.into_inner();
    assert_eq!(back.id, 3);
    drop(back);
    assert_eq!(log.dropped(), [3]);

    let ran = Cell::new(false);
    let err = arena
        .alloc_with(|| {
            ran.set(true);
            log.tracked(4)
        })
        .unwrap_err();
    assert!(!ran.get(), "alloc_with must not run its closure when full");
    assert_eq!(err.to_string(), "arena is full");
    assert_eq!(arena.failed_allocs(), 2);
    assert_eq!(arena.len(), 2);

    drop(arena);
    assert_eq!(log.dropped(), [1, 2, 3]);
}

#[test]
fn full_converts_into_box_dyn_error() {
    fn store(arena: &Arena<u8, 1>, v: u8) -> Result<u8, Box<dyn std::error::Error>> {
        Ok(*arena.alloc(v)?)
    }
    let arena = Arena::new();
    assert_eq!(store(&arena, 5).unwrap(), 5);
    assert_eq!(store(&arena, 6).unwrap_err().to_string(), "arena is full");
    assert_eq!(Full::new(9).into_inner(), 9);
}

// A capacity of 0 is a compile-time error (`Arena::new`'s `compile_fail` doctest), as in the
// derive and in every other kind: an arena that can never hold a value is always a mistake.

#[test]
fn reset_then_reuse() {
    let mut arena: Arena<u32, 4> = Arena::new();
    for round in 0..3u32 {
        for i in 0..4 {
            assert_eq!(*arena.alloc(round * 10 + i).unwrap(), round * 10 + i);
        }
        assert!(arena.alloc(99).is_err());
        let vals: Vec<u32> = arena.iter_mut().map(|v| *v).collect();
        assert_eq!(vals, (0..4).map(|i| round * 10 + i).collect::<Vec<_>>());
        arena.reset();
        assert!(arena.is_empty());
        assert_eq!(arena.remaining(), 4);
    }
    assert_eq!(arena.high_water(), 4);
    assert_eq!(
        arena.failed_allocs(),
        3,
        "failures are counted over the arena's life"
    );
}

#[test]
fn reset_clears_values() {
    let mut arena: Arena<String, 4> = Arena::new();
    arena.alloc("old-0".into()).unwrap();
    arena.alloc("old-1".into()).unwrap();
    arena.alloc("old-2".into()).unwrap();
    arena.reset();
    assert_eq!(arena.get_mut(0), None);
    assert_eq!(arena.iter_mut().count(), 0);
    assert_eq!(arena.drain().count(), 0);
    arena.alloc("new-0".into()).unwrap();
    assert_eq!(arena.get_mut(0).map(|s| s.as_str()), Some("new-0"));
    assert_eq!(
        arena.get_mut(1),
        None,
        "slot 1 held a value last round only"
    );
    assert_eq!(
        arena.iter_mut().map(|s| s.clone()).collect::<Vec<_>>(),
        ["new-0"]
    );
    assert_eq!(arena.high_water(), 3);
}

#[test]
fn statistics() {
    let mut arena: Arena<u16, 8> = Arena::new();
    assert_eq!(Arena::<u16, 8>::CAPACITY, 8);
    assert_eq!(arena.capacity(), 8);
    arena.alloc_slice_copy(&[1, 2, 3, 4, 5]).unwrap();
    assert_eq!(arena.bytes_used(), 10);
    assert_eq!(
        arena.high_water(),
        5,
        "high water includes the current round"
    );
    arena.reset();
    arena.alloc(1).unwrap();
    assert_eq!(
        (arena.len(), arena.high_water(), arena.remaining()),
        (1, 5, 7)
    );
    assert!(arena.alloc_slice_copy(&[0; 8]).is_err());
    assert_eq!(arena.failed_allocs(), 1);
}

// ---- Go suite: concurrency ----------------------------------------------------------------

const THREADS: usize = if cfg!(miri) { 4 } else { 10 };
const CAP_10K: usize = if cfg!(miri) { 48 } else { 10_000 };
const CAP_40K: usize = if cfg!(miri) { 96 } else { 40_000 };

#[test]
fn ten_threads_fill_10k_exactly() {
    let arena = Arena::<(usize, usize), CAP_10K>::new_boxed();
    // Each thread allocs `(thread id, sequence number)` until `Full` and keeps its references.
    let per_thread: Vec<Vec<&mut (usize, usize)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let arena = &*arena;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        match arena.alloc((t, mine.len())) {
                            Ok(r) => mine.push(r),
                            Err(full) => {
                                assert_eq!(full.into_inner(), (t, mine.len()));
                                return mine;
                            }
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let total: usize = per_thread.iter().map(Vec::len).sum();
    assert_eq!(total, CAP_10K, "successes must equal the capacity exactly");
    let mut addrs = Vec::with_capacity(total);
    for (t, refs) in per_thread.iter().enumerate() {
        for (seq, r) in refs.iter().enumerate() {
            assert_eq!(**r, (t, seq), "a value changed after its thread wrote it");
            addrs.push(addr(&**r));
        }
    }
    assert_one_contiguous_run(addrs, mem::size_of::<(usize, usize)>(), CAP_10K);
    drop(per_thread);

    assert!(arena.is_full());
    assert_eq!(
        arena.failed_allocs(),
        THREADS,
        "each thread fails exactly once"
    );
    let mut arena = arena;
    let pairs: Vec<(usize, usize)> = arena.iter_mut().map(|v| *v).collect();
    let distinct: HashSet<_> = pairs.iter().copied().collect();
    assert_eq!(pairs.len(), CAP_10K);
    assert_eq!(
        distinct.len(),
        CAP_10K,
        "a (thread, seq) pair appears twice"
    );
}

#[test]
fn threads_fill_40k_exactly_with_batches_and_singles() {
    // Even threads alloc one at a time; odd threads reserve batches of `t` slots with
    // `alloc_slice_copy` until a batch does not fit, then finish with singles.
    let threads = if cfg!(miri) { 4 } else { 8 };
    let arena = Arena::<(u32, u32), CAP_40K>::new_boxed();
    let per_thread: Vec<Vec<usize>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let arena = &*arena;
                s.spawn(move || {
                    let t = t as u32;
                    let mut seq = 0u32;
                    let mut addrs = Vec::new();
                    if t % 2 == 1 {
                        loop {
                            let batch: Vec<(u32, u32)> = (seq..seq + t).map(|i| (t, i)).collect();
                            match arena.alloc_slice_copy(&batch) {
                                Ok(s) => {
                                    assert_eq!(s, &batch[..]);
                                    addrs.extend(s.iter().map(addr));
                                    seq += t;
                                }
                                Err(_) => break,
                            }
                        }
                    }
                    while let Ok(r) = arena.alloc((t, seq)) {
                        addrs.push(addr(&*r));
                        seq += 1;
                    }
                    addrs
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let addrs: Vec<usize> = per_thread.into_iter().flatten().collect();
    assert_one_contiguous_run(addrs, mem::size_of::<(u32, u32)>(), CAP_40K);
    assert!(arena.is_full());
    let batch_threads = threads / 2;
    assert_eq!(arena.failed_allocs(), threads + batch_threads);

    // Every thread's sequence numbers are exactly 0..count, each once.
    let mut arena = arena;
    let mut seen: Vec<Vec<u32>> = vec![Vec::new(); threads];
    for &mut (t, i) in arena.iter_mut() {
        seen[t as usize].push(i);
    }
    for mut seqs in seen {
        seqs.sort_unstable();
        assert!(
            seqs.iter().copied().eq(0..seqs.len() as u32),
            "duplicate or missing value"
        );
    }
}

/// Fewer slots than the smallest arena with per-thread chunks (4,096; 64 under Miri), so that
/// threads share one cursor and hand out one contiguous run.
const SHARED_SLOTS: usize = if cfg!(miri) { 48 } else { 1024 };
static SHARED: Arena<(u32, u32), SHARED_SLOTS> = Arena::new();

#[test]
fn static_arena_from_threads() {
    let (threads, per) = if cfg!(miri) { (3, 8) } else { (4, 250) };
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            thread::spawn(move || {
                (0..per)
                    .map(|i| SHARED.alloc((t, i)).unwrap())
                    .collect::<Vec<&'static mut _>>()
            })
        })
        .collect();
    let refs: Vec<Vec<&'static mut (u32, u32)>> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut addrs = Vec::new();
    for (t, mine) in refs.iter().enumerate() {
        for (i, r) in mine.iter().enumerate() {
            assert_eq!(**r, (t as u32, i as u32));
            addrs.push(addr(&**r));
        }
    }
    assert_one_contiguous_run(
        addrs,
        mem::size_of::<(u32, u32)>(),
        (threads * per) as usize,
    );
    assert_eq!(SHARED.len(), (threads * per) as usize);
    assert_eq!(SHARED.failed_allocs(), 0);
}

#[test]
fn threads_each_value_dropped_once() {
    // More attempts than slots: the losers get their value back in `Full` and drop it
    // themselves; the arena drops the winners. Every id is dropped exactly once overall.
    let (threads, per) = if cfg!(miri) { (3, 6) } else { (4, 300) };
    const CAP: usize = if cfg!(miri) { 12 } else { 1000 };
    let log = DropLog::new();
    let arena: Box<Arena<Tracked, CAP>> = Arena::new_boxed();
    let failures: usize = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (arena, log) = (&*arena, log.clone());
                s.spawn(move || {
                    let mut failures = 0;
                    for i in 0..per {
                        let id = (t * per + i) as u64;
                        match arena.alloc(log.tracked(id)) {
                            Ok(v) => assert_eq!(v.id, id),
                            Err(full) => {
                                assert_eq!(full.into_inner().id, id);
                                failures += 1;
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(failures, threads * per - CAP);
    assert_eq!(arena.failed_allocs(), failures);
    assert_eq!(
        log.dropped().len(),
        failures,
        "only the rejected values are dropped yet"
    );
    drop(arena);
    let all: Vec<u64> = (0..(threads * per) as u64).collect();
    assert_eq!(log.dropped(), all);
}

// ---- Go suite: batches (AppendSlice / AllocSlice / MakeSlice) -----------------------------

#[test]
fn batches_are_all_or_nothing() {
    let arena: Arena<u32, 8> = Arena::new();
    let first = arena.alloc_slice_copy(&[1, 2, 3, 4, 5]).unwrap();
    assert_eq!(first, [1, 2, 3, 4, 5]);

    assert!(arena.alloc_slice_copy(&[6, 7, 8, 9]).is_err());
    assert_eq!(arena.len(), 5);
    assert!(arena.alloc_slice_clone(&[6, 7, 8, 9]).is_err());
    assert_eq!(arena.len(), 5);
    assert!(arena.alloc_iter([6, 7, 8, 9]).is_err());
    assert_eq!(arena.len(), 5);
    assert!(
        arena.alloc_iter(0..u32::MAX).is_err(),
        "a huge batch must fail, not wrap"
    );
    assert_eq!(arena.len(), 5);
    assert_eq!(arena.failed_allocs(), 4);

    // Empty batches always succeed and take nothing.
    assert!(arena.alloc_slice_copy(&[]).unwrap().is_empty());
    assert!(arena.alloc_slice_clone(&[]).unwrap().is_empty());
    assert!(arena.alloc_iter(std::iter::empty()).unwrap().is_empty());
    assert_eq!(arena.len(), 5);

    // An exact fit succeeds, is contiguous with the first batch, and fills the arena.
    let second = arena.alloc_iter([6, 7, 8]).unwrap();
    assert_eq!(second, [6, 7, 8]);
    assert_eq!(addr(&second[0]), addr(&first[4]) + mem::size_of::<u32>());
    first[0] = 100;
    second[2] = 800;
    assert!(arena.is_full());
    assert!(arena.alloc_slice_copy(&[9]).is_err());
    assert!(
        arena.alloc_slice_copy(&[]).is_ok(),
        "an empty batch fits a full arena"
    );

    let mut arena = arena;
    let vals: Vec<u32> = arena.iter_mut().map(|v| *v).collect();
    assert_eq!(vals, [100, 2, 3, 4, 5, 6, 7, 800]);
}

#[derive(Debug)]
struct CountedClone<'a> {
    id: u64,
    clones: &'a Cell<usize>,
}

impl Clone for CountedClone<'_> {
    fn clone(&self) -> Self {
        self.clones.set(self.clones.get() + 1);
        CountedClone {
            id: self.id,
            clones: self.clones,
        }
    }
}

#[test]
fn failed_batches_take_nothing_and_drop_nothing_of_the_arena() {
    let clones = Cell::new(0);
    let arena: Arena<CountedClone<'_>, 4> = Arena::new();
    let src: Vec<CountedClone<'_>> = (0..5)
        .map(|id| CountedClone {
            id,
            clones: &clones,
        })
        .collect();
    assert!(arena.alloc_slice_clone(&src).is_err());
    assert_eq!(
        clones.get(),
        0,
        "a batch that does not fit must not clone anything"
    );
    let ok = arena.alloc_slice_clone(&src[..3]).unwrap();
    assert_eq!(clones.get(), 3);
    assert_eq!(ok.iter().map(|c| c.id).collect::<Vec<_>>(), [0, 1, 2]);

    // A failed `alloc_iter` hands nothing to the arena: the iterator (and its items) are
    // dropped by the caller's side, once.
    let log = DropLog::new();
    let arena: Arena<Tracked, 4> = Arena::new();
    arena.alloc(log.tracked(0)).unwrap();
    let items: Vec<Tracked> = (1..=4).map(|id| log.tracked(id)).collect();
    assert!(arena.alloc_iter(items).is_err());
    assert_eq!(log.dropped(), [1, 2, 3, 4]);
    assert_eq!(arena.len(), 1);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);
}

#[test]
fn fill_default_is_make_slice() {
    let mut arena: Arena<u64, 6> = Arena::new();
    arena.alloc(7).unwrap();
    arena.alloc_slice_copy(&[8, 9]).unwrap();
    let all = arena.fill_default();
    assert_eq!(all, [7, 8, 9, 0, 0, 0]);
    all[5] = 5;
    assert!(arena.is_full());
    assert_eq!(arena.get_mut(5), Some(&mut 5));
    assert!(arena.alloc(1).is_err());
    // A full arena: fill_default changes nothing.
    assert_eq!(arena.fill_default(), [7, 8, 9, 0, 0, 5]);
}

// ---- drop accounting ----------------------------------------------------------------------

#[test]
fn values_are_dropped_once_on_reset_and_on_drop() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    for id in 0..5 {
        arena.alloc(log.tracked(id)).unwrap();
    }
    assert!(log.dropped().is_empty());
    arena.reset();
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);
    arena.reset();
    assert_eq!(
        log.dropped(),
        [0, 1, 2, 3, 4],
        "a second reset must not drop again"
    );
    for id in 5..8 {
        arena.alloc(log.tracked(id)).unwrap();
    }
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn values_are_dropped_once_on_drain() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    for id in 0..4 {
        arena.alloc(log.tracked(id)).unwrap();
    }
    let drain = arena.drain();
    assert_eq!(format!("{drain:?}"), "Drain { remaining_slots: 4 }");
    assert_eq!(drain.size_hint(), (0, Some(4)));
    let taken: Vec<Tracked> = drain.collect();
    assert_eq!(taken.iter().map(|t| t.id).collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert!(
        log.dropped().is_empty(),
        "drained values belong to the caller"
    );
    assert!(arena.is_empty());
    drop(taken);
    assert_eq!(log.dropped(), [0, 1, 2, 3]);
    arena.alloc(log.tracked(4)).unwrap();
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);
}

#[test]
fn values_are_dropped_once_on_partial_drain() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    for id in 0..5 {
        arena.alloc(log.tracked(id)).unwrap();
    }
    let mut drain = arena.drain();
    let a = drain.next().unwrap();
    let b = drain.next().unwrap();
    assert_eq!((a.id, b.id), (0, 1));
    drop(drain); // drops 2, 3, 4 and empties the arena
    assert_eq!(log.dropped(), [2, 3, 4]);
    assert!(arena.is_empty());
    assert_eq!(arena.high_water(), 5);
    drop((a, b));
    arena.alloc(log.tracked(5)).unwrap();
    assert_eq!(ids(&mut arena), [5]);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn forgotten_drain_leaves_the_rest_to_the_arena() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    for id in 0..4 {
        arena.alloc(log.tracked(id)).unwrap();
    }
    let mut drain = arena.drain();
    let first = drain.next().unwrap();
    mem::forget(drain);
    // Slot 0 is now a hole; the others still belong to the arena.
    assert_eq!(arena.len(), 3);
    assert_eq!(arena.remaining(), 4);
    assert!(arena.get_mut(0).is_none());
    assert_eq!(ids(&mut arena), [1, 2, 3]);
    assert!(log.dropped().is_empty());
    drop(first);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3]);
}

// ---- panics: holes, partial batches, panicking destructors --------------------------------

#[test]
fn panicking_alloc_with_leaves_a_hole() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 4> = Arena::new();
    arena.alloc(log.tracked(0)).unwrap();
    let captured = log.tracked(100);
    let r = catch(|| {
        arena
            .alloc_with(|| {
                let _keep = &captured;
                panic!("{EXPECTED}: constructor")
            })
            .map(|_| ())
    });
    assert!(r.is_err());
    arena.alloc(log.tracked(2)).unwrap();

    assert_eq!(arena.len(), 2, "a hole is no value");
    assert_eq!(arena.remaining(), 1, "the hole's slot is used up");
    assert!(arena.get_mut(1).is_none(), "a hole must never be read");
    assert_eq!(arena.get_mut(2).map(|t| t.id), Some(2));
    assert_eq!(ids(arena.iter_mut()), [0, 2]);
    assert!(log.dropped().is_empty());

    arena.reset();
    assert_eq!(log.dropped(), [0, 2]);
    arena.alloc(log.tracked(3)).unwrap();
    arena.alloc(log.tracked(4)).unwrap();
    assert_eq!(
        ids(&mut arena),
        [3, 4],
        "slot 1 holds a value again in the new round"
    );
    drop(arena);
    drop(captured);
    assert_eq!(log.dropped(), [0, 2, 3, 4, 100]);
}

#[test]
fn holes_are_skipped_by_drop_and_drain() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 4> = Arena::new();
    arena.alloc(log.tracked(0)).unwrap();
    assert!(catch(|| arena
        .alloc_with(|| -> Tracked { panic!("{EXPECTED}") })
        .map(|_| ()))
    .is_err());
    arena.alloc(log.tracked(2)).unwrap();
    let drained: Vec<u64> = arena.drain().map(|t| t.id).collect();
    assert_eq!(drained, [0, 2]);
    assert_eq!(log.dropped(), [0, 2]);

    arena.alloc(log.tracked(3)).unwrap();
    assert!(catch(|| arena
        .alloc_with(|| -> Tracked { panic!("{EXPECTED}") })
        .map(|_| ()))
    .is_err());
    drop(arena);
    assert_eq!(log.dropped(), [0, 2, 3]);
}

/// Clones itself until `budget` runs out, then panics.
struct PanicClone {
    inner: Tracked,
    budget: Rc<Cell<usize>>,
}

impl Clone for PanicClone {
    fn clone(&self) -> Self {
        let left = self.budget.get();
        if left == 0 {
            panic!("{EXPECTED}: clone of {}", self.inner.id);
        }
        self.budget.set(left - 1);
        PanicClone {
            inner: self.inner.log.tracked(self.inner.id + 100),
            budget: self.budget.clone(),
        }
    }
}

#[test]
fn clone_panicking_on_the_third_element() {
    let log = DropLog::new();
    let budget = Rc::new(Cell::new(2));
    let src: Vec<PanicClone> = (0..5)
        .map(|id| PanicClone {
            inner: log.tracked(id),
            budget: budget.clone(),
        })
        .collect();
    let mut arena: Arena<PanicClone, 8> = Arena::new();
    arena
        .alloc(PanicClone {
            inner: log.tracked(50),
            budget: budget.clone(),
        })
        .unwrap();

    assert!(catch(|| arena.alloc_slice_clone(&src).map(|_| ())).is_err());
    // The two clones that were made are dropped at once, exactly once.
    assert_eq!(log.dropped(), [100, 101]);
    // Len accounting: the five claimed slots stay claimed for the round, as holes: neither
    // values (`len`) nor free (`remaining`).
    assert_eq!(arena.len(), 1);
    assert_eq!(arena.remaining(), 2);
    assert!((1..6).all(|i| arena.get_mut(i).is_none()));
    assert_eq!(
        arena.iter_mut().map(|p| p.inner.id).collect::<Vec<_>>(),
        [50]
    );

    // The next allocation lands after the holes.
    budget.set(10);
    let two = arena.alloc_slice_clone(&src[..2]).unwrap();
    assert_eq!(
        two.iter().map(|p| p.inner.id).collect::<Vec<_>>(),
        [100, 101]
    );
    assert!(arena.is_full());
    drop(arena);
    assert_eq!(log.dropped(), [50, 100, 100, 101, 101]);
    drop(src);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4, 50, 100, 100, 101, 101]);
}

#[test]
fn iterator_panicking_midway() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    let items = Liar {
        inner: (0..4).map(|id| {
            if id == 2 {
                panic!("{EXPECTED}: iterator");
            }
            log.tracked(id)
        }),
        claimed: 4,
    };
    assert!(catch(|| arena.alloc_iter(items).map(|_| ())).is_err());
    assert_eq!(
        log.dropped(),
        [0, 1],
        "the items written before the panic are dropped once"
    );
    assert_eq!(
        arena.len(),
        0,
        "the batch's four slots are holes, not values"
    );
    assert_eq!(arena.remaining(), 4);
    assert_eq!(arena.iter_mut().count(), 0);
    arena.alloc(log.tracked(9)).unwrap();
    assert_eq!(ids(&mut arena), [9]);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 9]);
}

fn arena_with_panicking_destructor(log: &DropLog) -> Arena<Tracked, 8> {
    let arena = Arena::new();
    for id in 0..5 {
        let mut t = log.tracked(id);
        t.panic_on_drop = id == 2;
        arena.alloc(t).unwrap();
    }
    arena
}

#[test]
fn destructor_panicking_during_reset() {
    let log = DropLog::new();
    let mut arena = arena_with_panicking_destructor(&log);
    assert!(catch(|| arena.reset()).is_err());
    assert_eq!(
        log.dropped(),
        [0, 1, 2, 3, 4],
        "the others are still dropped, once"
    );
    assert!(arena.is_empty());
    assert_eq!(arena.iter_mut().count(), 0);
    arena.alloc(log.tracked(5)).unwrap();
    assert_eq!(ids(&mut arena), [5]);
    arena.reset();
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4, 5]);
}

#[test]
fn destructor_panicking_during_drop() {
    let log = DropLog::new();
    let arena = arena_with_panicking_destructor(&log);
    assert!(catch(move || drop(arena)).is_err());
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);
}

#[test]
fn destructor_panicking_during_drain() {
    let log = DropLog::new();
    let mut arena = arena_with_panicking_destructor(&log);
    assert!(catch(|| {
        let mut drain = arena.drain();
        let first = drain.next().unwrap();
        assert_eq!(first.id, 0);
        drop(drain); // drops 1, 2 (panics), 3, 4
    })
    .is_err());
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);
    // The drain could not finish its reset: the slots are holes, never read again.
    assert!((0..arena.len()).all(|i| arena.get_mut(i).is_none()));
    assert_eq!(arena.iter_mut().count(), 0);
    arena.reset();
    assert!(arena.is_empty());
    arena.alloc(log.tracked(6)).unwrap();
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4, 6]);
}

#[test]
fn lying_iterator_yielding_fewer() {
    let log = DropLog::new();
    let mut arena: Arena<Tracked, 8> = Arena::new();
    let items = Liar {
        inner: (0..2).map(|id| log.tracked(id)),
        claimed: 5,
    };
    let got = arena.alloc_iter(items).unwrap();
    assert_eq!(
        ids(got.iter_mut()),
        [0, 1],
        "the slice holds only what was yielded"
    );
    assert_eq!(arena.len(), 2, "two values; three holes");
    assert_eq!(arena.remaining(), 3, "the three holes are used up");
    let next = arena.alloc(log.tracked(7)).unwrap();
    assert_eq!(next.id, 7);
    assert!((2..5).all(|i| arena.get_mut(i).is_none()));
    assert_eq!(arena.get_mut(5).map(|t| t.id), Some(7));
    assert_eq!(ids(&mut arena), [0, 1, 7]);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 7]);
}

#[test]
fn lying_iterator_yielding_more() {
    let log = DropLog::new();
    let arena: Arena<Tracked, 8> = Arena::new();
    let items: Vec<Tracked> = (0..5).map(|id| log.tracked(id)).collect();
    let got = arena
        .alloc_iter(Liar {
            inner: items.into_iter(),
            claimed: 2,
        })
        .unwrap();
    assert_eq!(
        ids(got.iter_mut()),
        [0, 1],
        "only the claimed number of items is taken"
    );
    assert_eq!(
        log.dropped(),
        [2, 3, 4],
        "the rest stay with (and die with) the iterator"
    );
    assert_eq!(arena.len(), 2);
    drop(arena);
    assert_eq!(log.dropped(), [0, 1, 2, 3, 4]);

    // A liar whose claim does not fit takes nothing at all.
    let arena: Arena<u8, 4> = Arena::new();
    assert!(arena
        .alloc_iter(Liar {
            inner: 0..1,
            claimed: 5
        })
        .is_err());
    assert_eq!(arena.len(), 0);
}

#[test]
fn fill_default_after_holes() {
    let log = DropLog::new();
    let mut arena: Arena<Option<Tracked>, 8> = Arena::new();
    arena.alloc(Some(log.tracked(0))).unwrap(); // slot 0
    assert!(catch(|| arena.alloc_with(|| panic!("{EXPECTED}")).map(|_| ())).is_err()); // 1
    arena.alloc(Some(log.tracked(2))).unwrap(); // slot 2
                                                // Slots 3..6: an iterator writes a value into slot 3, then panics: slot 3 holds the
                                                // bytes of a dropped value, which `fill_default` must overwrite without dropping again.
    let items = Liar {
        inner: (3..6).map(|id| {
            if id == 4 {
                panic!("{EXPECTED}: iterator");
            }
            Some(log.tracked(id))
        }),
        claimed: 3,
    };
    assert!(catch(|| arena.alloc_iter(items).map(|_| ())).is_err());
    assert_eq!(log.dropped(), [3]);
    // Slot 6: a lying iterator leaves it a hole.
    arena
        .alloc_iter(Liar {
            inner: std::iter::empty(),
            claimed: 1,
        })
        .unwrap();
    // Two values; five holes (slots 1, 3, 4, 5, 6) are no values; slot 7 is free.
    assert_eq!(arena.len(), 2);
    assert_eq!(arena.remaining(), 1);

    let all = arena.fill_default();
    let seen: Vec<Option<u64>> = all.iter().map(|o| o.as_ref().map(|t| t.id)).collect();
    assert_eq!(seen, [Some(0), None, Some(2), None, None, None, None, None]);
    assert!(arena.is_full());
    assert_eq!(arena.iter_mut().count(), 8);
    drop(arena);
    assert_eq!(log.dropped(), [0, 2, 3]);
}

#[derive(Debug)]
struct PanickyDefault(u32);

thread_local! {
    static DEFAULTS_LEFT: Cell<u32> = const { Cell::new(0) };
}

impl Default for PanickyDefault {
    fn default() -> Self {
        let left = DEFAULTS_LEFT.get();
        if left == 0 {
            panic!("{EXPECTED}: default");
        }
        DEFAULTS_LEFT.set(left - 1);
        PanickyDefault(1000 + left)
    }
}

#[test]
fn fill_default_panicking_keeps_the_arena_sound() {
    let mut arena: Arena<PanickyDefault, 6> = Arena::new();
    arena.alloc(PanickyDefault(1)).unwrap();
    DEFAULTS_LEFT.set(2);
    assert!(catch(|| arena.fill_default().len()).is_err());
    assert_eq!(arena.len(), 3, "three values");
    assert_eq!(arena.remaining(), 0, "fill_default claims every slot first");
    let vals: Vec<u32> = arena.iter_mut().map(|v| v.0).collect();
    assert_eq!(vals, [1, 1002, 1001]);
    assert!((3..6).all(|i| arena.get_mut(i).is_none()));
    DEFAULTS_LEFT.set(10);
    let all = arena.fill_default();
    assert_eq!(
        all.iter().map(|v| v.0).collect::<Vec<_>>(),
        [1, 1002, 1001, 1010, 1009, 1008]
    );
}

// ---- the 255-round tag wrap ---------------------------------------------------------------

/// Allocates `k` values (from `base`) followed by `N - k` holes, via a lying iterator.
fn fill_prefix<const N: usize>(arena: &Arena<u64, N>, k: usize, base: u64) {
    let got = arena
        .alloc_iter(Liar {
            inner: (0..k as u64).map(|i| base + i),
            claimed: N,
        })
        .unwrap();
    assert_eq!(got.len(), k);
}

fn check_prefix<const N: usize>(arena: &mut Arena<u64, N>, k: usize, base: u64, round: usize) {
    assert_eq!(arena.len(), k, "round {round}: values");
    assert_eq!(arena.remaining(), 0, "round {round}: the holes are used up");
    for i in 0..N {
        match arena.get_mut(i) {
            Some(v) => {
                assert!(
                    i < k,
                    "round {round}: hole {i} looks initialised (holds {v})"
                );
                assert_eq!(*v, base + i as u64, "round {round}");
            }
            None => assert!(i >= k, "round {round}: value {i} lost"),
        }
    }
    assert_eq!(arena.iter_mut().count(), k, "round {round}");
}

#[test]
fn tag_wrap_no_drop_glue() {
    const N: usize = 6;
    let mut arena: Arena<u64, N> = Arena::new();
    // Phase 1: a stale mark written in round r must mean nothing in round r + 255, which has the
    // same tag. So slots are touched only in rounds of phases 10, 20 and 30 (mod 255), every
    // other round claims nothing (a mark written in round r survives untouched until r + 255),
    // and the kind of content flips between cycles: holes then values (phase 10: a stale hole
    // mark must not hide a value), values then holes (phase 20: a stale value must not show
    // through a hole), a partial prefix then a full one (phase 30).
    let n = N as u64;
    for round in 0..1100 {
        let (cycle, phase) = (round / 255, round % 255);
        let k = match (phase, cycle % 2) {
            (10, 0) | (20, 1) => Some(0),
            (10, 1) | (20, 0) | (30, 1) => Some(N),
            (30, 0) => Some(2),
            _ => None,
        };
        let base = round as u64 * n;
        match k {
            Some(k) => {
                fill_prefix(&arena, k, base);
                check_prefix(&mut arena, k, base, round);
            }
            None => {
                assert!(arena.is_empty());
                assert_eq!(arena.iter_mut().count(), 0);
            }
        }
        arena.reset();
    }
    // Phase 2: varying prefixes, with empty rounds in between.
    for round in 0..600 {
        let k = round % (N + 1);
        let base = round as u64 * 1000;
        if round % 5 == 4 {
            assert!(arena.is_empty());
        } else {
            fill_prefix(&arena, k, base);
            check_prefix(&mut arena, k, base, round);
        }
        arena.reset();
    }
}

#[test]
fn tag_wrap_with_drop_glue_and_panics() {
    const N: usize = 4;
    let log = DropLog::new();
    let mut arena: Arena<Tracked, N> = Arena::new();
    let rounds = if cfg!(miri) { 300 } else { 600 };
    let mut expected_drops = Vec::new();
    for round in 0..rounds as u64 {
        // Slot 0: a value; slot 1: a hole from a panicking constructor (every 3rd round) or a
        // value; slots 2..: a value in even rounds, else untouched.
        let id = round * 10;
        arena.alloc(log.tracked(id)).unwrap();
        expected_drops.push(id);
        if round % 3 == 0 {
            assert!(catch(|| arena
                .alloc_with(|| -> Tracked { panic!("{EXPECTED}") })
                .map(|_| ()))
            .is_err());
        } else {
            arena.alloc(log.tracked(id + 1)).unwrap();
            expected_drops.push(id + 1);
        }
        if round % 2 == 0 {
            arena.alloc(log.tracked(id + 2)).unwrap();
            expected_drops.push(id + 2);
        }
        let mut want = vec![id];
        if round % 3 != 0 {
            want.push(id + 1);
        }
        if round % 2 == 0 {
            want.push(id + 2);
        }
        assert_eq!(ids(&mut arena), want, "round {round}");
        if round % 7 == 0 {
            assert_eq!(arena.drain().map(|t| t.id).collect::<Vec<_>>(), want);
        } else {
            arena.reset();
        }
    }
    expected_drops.sort_unstable();
    assert_eq!(log.dropped(), expected_drops);

    // Sparse rounds: values in rounds 7 and 262 (same tag), holes in round 300 and values in
    // round 555 (same tag); nothing is claimed in between, so marks written by dropping round
    // 7's values (or by round 300's holes) survive untouched to the round that reuses the tag.
    let log = DropLog::new();
    let mut arena: Arena<Tracked, N> = Arena::new();
    let mut expected_drops = Vec::new();
    for round in 0..600u64 {
        if matches!(round, 7 | 262 | 555) {
            for i in 0..N as u64 {
                arena.alloc(log.tracked(round * 10 + i)).unwrap();
                expected_drops.push(round * 10 + i);
            }
            assert_eq!(
                ids(&mut arena).len(),
                N,
                "round {round}: a value looks like a hole"
            );
        } else if round == 300 {
            for _ in 0..N {
                assert!(catch(|| arena
                    .alloc_with(|| -> Tracked { panic!("{EXPECTED}") })
                    .map(|_| ()))
                .is_err());
            }
            assert_eq!(
                ids(&mut arena),
                [],
                "round {round}: a hole looks like a value"
            );
        } else {
            assert!(arena.is_empty());
        }
        arena.reset();
    }
    drop(arena);
    expected_drops.sort_unstable();
    assert_eq!(log.dropped(), expected_drops);
}

// ---- zero-sized types ---------------------------------------------------------------------

#[test]
fn zst_unit() {
    let mut arena: Arena<(), 3> = Arena::new();
    for _ in 0..3 {
        arena.alloc(()).unwrap();
    }
    arena.alloc(()).unwrap_err().into_inner();
    assert_eq!((arena.len(), arena.bytes_used()), (3, 0));
    assert_eq!(arena.iter_mut().count(), 3);
    arena.reset();
    assert_eq!(arena.alloc_slice_copy(&[(), ()]).unwrap().len(), 2);
    assert!(arena.alloc_slice_copy(&[(), ()]).is_err());
    assert_eq!(arena.fill_default().len(), 3);
    assert_eq!(arena.drain().count(), 3);
    assert!(arena.is_empty());
}

static ZST_DROPS: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Default)]
struct ZstDrop;

impl Drop for ZstDrop {
    fn drop(&mut self) {
        ZST_DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn zst_with_drop_is_dropped_exactly_once() {
    let drops = || ZST_DROPS.load(Ordering::Relaxed);
    let mut arena: Arena<ZstDrop, 7> = Arena::new();
    for _ in 0..3 {
        arena.alloc(ZstDrop).unwrap();
    }
    assert_eq!(drops(), 0);
    arena.reset();
    assert_eq!(drops(), 3);

    arena.alloc_iter((0..5).map(|_| ZstDrop)).unwrap();
    assert!(catch(|| arena
        .alloc_with(|| -> ZstDrop { panic!("{EXPECTED}") })
        .map(|_| ()))
    .is_err());
    arena.alloc_with(|| ZstDrop).unwrap();
    let back = arena.alloc(ZstDrop).unwrap_err().into_inner();
    assert_eq!(drops(), 3, "a value in Full is not dropped by the arena");
    drop(back);
    assert_eq!(drops(), 4);
    assert_eq!(arena.iter_mut().count(), 6, "the hole is skipped");

    let mut drain = arena.drain();
    let first = drain.next().unwrap();
    drop(drain);
    assert_eq!(drops(), 9);
    drop(first);
    assert_eq!(drops(), 10);

    arena.alloc(ZstDrop).unwrap();
    assert_eq!(arena.fill_default().len(), 7);
    drop(arena);
    assert_eq!(drops(), 17);
}

// ---- generic element types ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(align(64))]
struct Aligned64(u8);

/// Exercises an arena of any `T` in generic code: alloc, batches, Full, iteration, drain.
fn exercise<T: Clone + PartialEq + Debug, const N: usize>(make: impl Fn(usize) -> T) {
    let mut arena = Arena::<T, N>::new();
    let mut expected = Vec::new();
    for i in 0..N / 2 {
        let r = arena.alloc(make(i)).unwrap();
        assert_eq!(*r, make(i));
        assert_eq!(addr(r) % mem::align_of::<T>(), 0, "misaligned slot");
        expected.push(make(i));
    }
    let rest: Vec<T> = (N / 2..N).map(&make).collect();
    assert_eq!(arena.alloc_slice_clone(&rest).unwrap(), &rest[..]);
    expected.extend(rest);
    assert!(arena.is_full());
    assert_eq!(arena.alloc(make(N)).unwrap_err().into_inner(), make(N));
    assert_eq!(
        arena.iter_mut().map(|v| v.clone()).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(arena.drain().collect::<Vec<_>>(), expected);
    assert!(arena.is_empty());
    assert_eq!(arena.alloc_iter(expected.clone()).unwrap(), &expected[..]);
}

#[test]
fn generic_element_types() {
    exercise::<String, 6>(|i| i.to_string().repeat(i));
    exercise::<Vec<u16>, 4>(|i| vec![i as u16; i]);
    exercise::<Box<u64>, 4>(|i| Box::new(i as u64));
    exercise::<Rc<str>, 4>(|i| Rc::from(format!("rc{i}")));
    exercise::<(u8, u128), 5>(|i| (i as u8, u128::MAX - i as u128));
    exercise::<Aligned64, 3>(|i| Aligned64(i as u8));
    exercise::<&'static str, 4>(|i| ["a", "b", "c", "d", "e"][i]);
    exercise::<[u8; 0], 3>(|_| []);
    exercise::<Option<Box<[u8]>>, 4>(|i| (i % 2 == 1).then(|| vec![i as u8; i].into()));
}

/// A user's own generic container around an arena.
struct Registry<T, const N: usize> {
    arena: Arena<T, N>,
}

impl<T: Send, const N: usize> Registry<T, N> {
    fn register_all(&self, items: impl IntoIterator<Item = T>) -> usize {
        items
            .into_iter()
            .map(|v| self.arena.alloc(v).is_ok())
            .filter(|&ok| ok)
            .count()
    }
}

#[test]
fn generic_wrapper() {
    let reg = Registry::<String, 3> {
        arena: Arena::new(),
    };
    assert_eq!(reg.register_all(["a", "b", "c", "d"].map(String::from)), 3);
    assert_eq!(reg.arena.failed_allocs(), 1);
}

// ---- huge arenas on the heap --------------------------------------------------------------

#[test]
fn huge_new_boxed_on_a_small_stack() {
    const BIG: usize = if cfg!(miri) { 4096 } else { 4_000_000 };
    let handle = thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut arena = Arena::<u64, BIG>::new_boxed();
            assert!(arena.is_empty());
            assert_eq!(arena.capacity(), BIG);
            *arena.alloc(7).unwrap() += 1;
            let chunk: Vec<u64> = (100..1100).collect();
            arena.alloc_slice_copy(&chunk).unwrap();
            let last = arena.alloc_iter((0..BIG - 1002).map(|i| i as u64)).unwrap();
            assert_eq!(last.len(), BIG - 1002);
            let all = arena.fill_default();
            assert_eq!(all.len(), BIG);
            assert_eq!(all[0], 8);
            assert_eq!(all[1..1001], chunk[..]);
            assert_eq!(all[BIG - 2], (BIG - 1003) as u64);
            assert_eq!(all[BIG - 1], 0, "the one free slot got the default");
            assert!(arena.alloc(1).is_err());
            arena.reset();
            assert!(arena.is_empty());
            assert_eq!(arena.high_water(), BIG);
            assert_eq!(arena.get_mut(0), None);
        })
        .unwrap();
    handle.join().unwrap();
}

// ---- auto traits and Debug ----------------------------------------------------------------

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<Arena<u8, 4>>();
    send_sync::<Arena<String, 0>>();
    // `T: Send` is enough for `Sync`: the arena never shares a `&T` between threads.
    send_sync::<Arena<Cell<u8>, 4>>();
    send_sync::<Box<Arena<Vec<u8>, 4>>>();
    send_sync::<Full<String>>();
    send::<IterMut<'static, String>>();
    send::<Drain<'static, String, atomicarena::Inline<4>>>();
};

#[test]
fn debug_output() {
    let arena: Arena<String, 4> = Arena::new();
    arena.alloc("x".into()).unwrap();
    arena.alloc_slice_clone(&["y".into(), "z".into()]).unwrap();
    assert!(arena.alloc_slice_clone(&["a".into(), "b".into()]).is_err());
    assert_eq!(
        format!("{arena:?}"),
        "Arena { len: 3, capacity: 4, high_water: 3, failed_allocs: 1, .. }"
    );
    let mut arena = arena;
    assert_eq!(format!("{:?}", arena.iter_mut()), "IterMut { .. }");
    assert_eq!(
        format!("{:?}", arena.drain()),
        "Drain { remaining_slots: 3 }"
    );
    assert_eq!(format!("{:?}", Full::new(1)), "Full(..)");
    assert_eq!(format!("{}", Full::new(())), "arena is full");
}

#[test]
fn iteration_is_in_slot_order() {
    let mut arena: Arena<u8, 8> = Arena::new();
    arena.alloc(1).unwrap();
    arena.alloc_slice_copy(&[2, 3]).unwrap();
    arena.alloc_iter([4, 5]).unwrap();
    arena.alloc_with(|| 6).unwrap();
    for v in &mut arena {
        *v *= 10;
    }
    assert_eq!(
        arena.iter_mut().map(|v| *v).collect::<Vec<_>>(),
        [10, 20, 30, 40, 50, 60]
    );
    assert_eq!(arena.get_mut(3), Some(&mut 40));
    assert_eq!(arena.get_mut(6), None);
    assert_eq!(arena.get_mut(usize::MAX), None);
}
