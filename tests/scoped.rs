//! `ScopedArena<T, N>` (issues 12 and 19): a bounded arena that recycles itself without
//! `&mut`, in segments.
//!
//! Checked here, each with values read back and per-value drop counts: allocation in the
//! scope's segment and `Full` handing the value back; the reset by the last scope of a segment
//! to leave, observed right after that scope's drop returns; the contract (a scope's `alloc` is
//! `Full` only when its segment is full and no segment is free; with the other scopes holding
//! fewer than `S` segments nothing is refused, and the `S`-th held segment is exactly where
//! refusals start); continuing in a free segment mid-request, holding both, and values
//! outliving their scope until their segment's last scope leaves; a stalled scope held across
//! thousands of other scopes, pinning one segment; batches across segments; forgotten scopes
//! (their segments never recycle, the arena's drop drops what is left); panicking destructors
//! during a reset (also of a scope in two segments) and in batches; a scope entered from inside
//! a reset (a destructor) never entering the segment being reset, and `try_scope` returning
//! `None` there rather than waiting; a `static` arena shared by four threads with no slot ever
//! held by two live scopes at once and every value dropped exactly once; one scope shared by
//! four threads that continue together; the statistics; the `Send`/`Sync` bounds.
//!
//! Iteration and thread counts shrink under Miri.

use std::cell::Cell;
use std::collections::HashSet;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use atomicarena::{Scope, ScopedArena};

// ---- a value that counts its drops -------------------------------------------------------------

/// Drop counts per value id, shared by the values of one test.
#[derive(Default)]
struct Log {
    drops: Mutex<Vec<usize>>,
}

impl Log {
    fn new() -> Arc<Self> {
        Arc::default()
    }

    /// How often the value `id` was dropped.
    fn drops(&self, id: usize) -> usize {
        self.drops.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    /// Drop counts of ids `0..n`.
    fn counts(&self, n: usize) -> Vec<usize> {
        (0..n).map(|id| self.drops(id)).collect()
    }

    fn record(&self, id: usize) {
        let mut drops = self.drops.lock().unwrap();
        if drops.len() <= id {
            drops.resize(id + 1, 0);
        }
        drops[id] += 1;
    }
}

/// A value with an id and a payload; its drop is counted in its `Log`, and it panics in its
/// drop (after counting) when `panics` is set.
struct Counted {
    id: usize,
    payload: u64,
    panics: bool,
    log: Arc<Log>,
}

impl Counted {
    fn new(log: &Arc<Log>, id: usize) -> Self {
        Counted {
            id,
            payload: id as u64 * 10,
            panics: false,
            log: log.clone(),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.log.record(self.id);
        if self.panics {
            panic!("planned panic in the drop of value {}", self.id);
        }
    }
}

// ---- single-threaded behaviour -----------------------------------------------------------------

/// Values read back through their references; nothing is dropped while a scope of the segment
/// is inside; the last scope to leave drops each value exactly once, before its drop returns,
/// and counts one recycled segment.
#[test]
fn last_scope_to_leave_drops_every_value_once() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 4> = ScopedArena::new();
    assert_eq!(ScopedArena::<Counted, 4>::SEGMENTS, 1);
    let outer = arena.scope();
    let a = outer.alloc(Counted::new(&log, 0)).ok().unwrap();
    {
        let inner = arena.scope();
        assert_eq!((outer.segment(), inner.segment()), (0, 0));
        let b = inner.alloc(Counted::new(&log, 1)).ok().unwrap();
        let c = inner.alloc(Counted::new(&log, 2)).ok().unwrap();
        b.payload += 1;
        c.payload += 2;
        assert_eq!((b.id, b.payload, c.id, c.payload), (1, 11, 2, 22));
        assert_eq!(inner.len(), 3, "both scopes allocate in one segment");
        a.payload += 5;
    } // not the last scope of segment 0: nothing is dropped
    assert_eq!(log.counts(3), [0, 0, 0]);
    assert_eq!(arena.recycled(), 0);
    assert_eq!(
        (a.id, a.payload),
        (0, 5),
        "a value outlives another scope's leave"
    );
    let d = outer.alloc(Counted::new(&log, 3)).ok().unwrap();
    assert_eq!(d.payload, 30);
    assert_eq!(outer.remaining(), 0);
    drop(outer);
    assert_eq!(
        log.counts(4),
        [1, 1, 1, 1],
        "dropped once, before the drop returned"
    );
    assert_eq!(arena.recycled(), 1);

    let next = arena.scope();
    assert_eq!(next.segment(), 0);
    assert_eq!((next.len(), next.remaining()), (0, 4));
    drop(next);
    assert_eq!(
        arena.recycled(),
        2,
        "an unused scope also recycles its segment"
    );
    drop(arena);
    assert_eq!(
        log.counts(4),
        [1, 1, 1, 1],
        "the arena's drop drops nothing twice"
    );
}

/// `Full` hands the value back (not dropped, not stored) and counts a failed allocation; the
/// scope can still use what it has.
#[test]
fn full_hands_the_value_back() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 2> = ScopedArena::new();
    let scope = arena.scope();
    let a = scope.alloc(Counted::new(&log, 0)).ok().unwrap();
    let b = scope.alloc(Counted::new(&log, 1)).ok().unwrap();
    let back = match scope.alloc(Counted::new(&log, 2)) {
        Ok(_) => panic!("a third value fit in two slots"),
        Err(full) => full.into_inner(),
    };
    assert_eq!((back.id, back.payload), (2, 20));
    assert_eq!(
        log.drops(2),
        0,
        "the refused value is handed back, not dropped"
    );
    drop(back);
    assert_eq!(log.drops(2), 1);
    assert_eq!((a.id, b.id), (0, 1));
    assert_eq!(arena.failed_allocs(), 1);
    assert_eq!(scope.len(), 2);
    drop(scope);
    assert_eq!(log.counts(3), [1, 1, 1]);
}

/// One scope after another always finds a whole segment free: each one's values are all
/// dropped by the time its drop returns, and it filled a segment and continued in the next.
#[test]
fn scopes_one_after_another_always_find_room() {
    const N: usize = 64; // 4 segments of 16
    let rounds = if cfg!(miri) { 10 } else { 1000 };
    let log = Log::new();
    let arena: ScopedArena<Counted, N> = ScopedArena::new();
    let mut id = 0;
    for round in 0..rounds {
        let scope = arena.scope();
        assert_eq!(
            scope.remaining(),
            16,
            "round {round}: entered a used segment"
        );
        let first = id;
        for _ in 0..20 {
            let r = scope.alloc(Counted::new(&log, id)).ok().unwrap();
            assert_eq!(r.payload, id as u64 * 10);
            id += 1;
        }
        assert_eq!(scope.segments_held(), 2, "16 in one segment, 4 in the next");
        drop(scope);
        assert!(
            (first..id).all(|i| log.drops(i) == 1),
            "round {round}: a value not dropped exactly once"
        );
        assert_eq!(arena.recycled(), 2 * (round as u64 + 1));
    }
    assert_eq!(arena.failed_allocs(), 0);
    assert_eq!(log.counts(id), vec![1; id]);
}

/// A scope whose segment fills continues in a free one and holds both; a new scope enters the
/// segment that has room (the new one); values outlive their scope until the last scope of
/// their segment leaves.
#[test]
fn a_full_segment_continues_in_a_free_one() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 32> = ScopedArena::new(); // 2 segments of 16
    let a = arena.scope();
    let mut mine = Vec::new();
    for id in 0..17 {
        mine.push(a.alloc(Counted::new(&log, id)).ok().unwrap());
    }
    assert_eq!((a.segment(), a.segments_held()), (1, 2));
    let b = arena.scope();
    assert_eq!(b.segment(), 1, "segment 0 is full: enter the one with room");
    b.alloc(Counted::new(&log, 17)).ok().unwrap();
    for (id, v) in mine.iter().enumerate() {
        assert_eq!((v.id, v.payload), (id, id as u64 * 10));
    }
    drop(mine);
    drop(a);
    // Segment 0 was a's alone: reset. Segment 1 still has b inside: a's 17th value waits.
    assert_eq!(log.counts(16), vec![1; 16]);
    assert_eq!(log.counts(18)[16..], [0, 0]);
    assert_eq!(arena.recycled(), 1);
    drop(b);
    assert_eq!(log.counts(18), vec![1; 18]);
    assert_eq!(arena.recycled(), 2);
}

/// The contract: `alloc` is `Full` only when the scope's segment is full and no segment is free
/// (here: the only other segment is held by another scope); once a segment is free again, the
/// same scope continues there.
#[test]
fn full_only_when_the_segment_is_full_and_none_is_free() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 32> = ScopedArena::new(); // 2 segments of 16
    let a = arena.scope();
    let b = arena.scope();
    assert_eq!((a.segment(), b.segment()), (0, 0));
    for id in 0..16 {
        a.alloc(Counted::new(&log, id)).ok().unwrap();
    }
    a.alloc(Counted::new(&log, 16)).ok().unwrap(); // continues in segment 1
    assert_eq!(a.segment(), 1);
    // b's segment is full and segment 1 is held by a: refused.
    assert_eq!(b.remaining(), 0);
    let back = b.alloc(Counted::new(&log, 17)).err().unwrap().into_inner();
    assert_eq!(back.id, 17);
    drop(back);
    assert!(
        b.alloc_with(|| unreachable!("not called when Full"))
            .is_err(),
        "the same for every claim"
    );
    assert_eq!(arena.failed_allocs(), 2);
    // a leaves: segment 0 still has b (no reset), segment 1 is reset and free.
    drop(a);
    assert_eq!(log.counts(17), [vec![0; 16], vec![1]].concat());
    let v = b.alloc(Counted::new(&log, 18)).ok().unwrap();
    assert_eq!((v.id, b.segment(), b.segments_held()), (18, 1, 2));
    drop(b);
    assert_eq!(log.counts(19), vec![1; 19]);
}

/// With `S - 1` stalled scopes each holding one (full) segment, thousands of scopes of 1 to 13
/// values come and go in the one segment left and none is refused; the stalled values stay
/// intact. One more stalled scope holding that last segment, and the next request is refused:
/// the boundary of the guarantee is exact.
#[test]
fn fewer_than_s_held_segments_never_refuse() {
    const N: usize = if cfg!(miri) { 64 } else { 4096 };
    const S: usize = ScopedArena::<u64, N>::SEGMENTS;
    let requests = if cfg!(miri) { 30 } else { 20_000 };
    let arena: ScopedArena<u64, N> = ScopedArena::new();
    let seg = arena.segment_capacity(0);
    let mut stalled = Vec::new();
    for k in 0..S - 1 {
        let scope = arena.scope();
        assert_eq!(scope.segment(), k);
        let first = scope.alloc(k as u64).unwrap() as *const u64;
        for _ in 1..seg {
            scope.alloc(0).unwrap();
        }
        stalled.push((scope, first));
    }
    for r in 0..requests {
        let scope = arena.scope();
        assert_eq!(scope.segment(), S - 1);
        let n = 1 + r % 13;
        let mine: Vec<&mut u64> = (0..n)
            .map(|i| scope.alloc((r * 13 + i) as u64).unwrap())
            .collect();
        for (i, v) in mine.iter().enumerate() {
            assert_eq!(**v, (r * 13 + i) as u64);
        }
    }
    assert_eq!(arena.failed_allocs(), 0);
    assert_eq!(arena.recycled(), requests as u64);
    for (k, (scope, first)) in stalled.iter().enumerate() {
        assert_eq!(scope.segments_held(), 1);
        // SAFETY: `first` came from `alloc` through `scope`, which is still alive.
        assert_eq!(unsafe { **first }, k as u64, "a stalled value changed");
    }
    // The last segment held too: now every segment is held, and a full one refuses.
    let last = arena.scope();
    for _ in 0..seg {
        last.alloc(1).unwrap();
    }
    assert_eq!(last.alloc(2).unwrap_err().into_inner(), 2);
    let newcomer = arena.scope(); // no segment has room: enters a full one
    assert_eq!(newcomer.alloc(3).unwrap_err().into_inner(), 3);
    assert_eq!(arena.failed_allocs(), 2);
    // One stalled scope leaves: its segment is free, and the newcomer continues there.
    let (gone, _) = stalled.remove(3 % (S - 1));
    let freed = gone.segment();
    drop(gone);
    assert_eq!(*newcomer.alloc(4).unwrap(), 4);
    assert_eq!(newcomer.segment(), freed);
}

/// A stalled scope pins only its segment: one request-sized scope held while 10,000 scopes of
/// 1 to 13 values come and go. Its segment fills with their values (which then wait for it),
/// the scope that fills it continues elsewhere, and everything else recycles; every value is
/// dropped exactly once, the stalled scope's when it leaves.
#[test]
fn a_stalled_scope_held_across_many_scopes() {
    const N: usize = if cfg!(miri) { 64 } else { 4096 };
    let requests = if cfg!(miri) { 40 } else { 10_000 };
    let log = Log::new();
    let arena: ScopedArena<Counted, N> = ScopedArena::new();
    let stalled = arena.scope();
    let held = stalled.alloc(Counted::new(&log, 0)).ok().unwrap();
    let mut id = 1;
    let mut continued = 0;
    for r in 0..requests {
        let scope = arena.scope();
        // 6, 7, 8, …, 13, 1, 2, …: a segment of 16 (Miri) fills mid-request at the third.
        let n = 1 + (r + 5) % 13;
        let mut mine = Vec::new();
        for _ in 0..n {
            mine.push(scope.alloc(Counted::new(&log, id)).ok().unwrap());
            id += 1;
        }
        for v in &mine {
            assert_eq!(v.payload, v.id as u64 * 10);
        }
        if scope.segments_held() > 1 {
            continued += 1;
        }
    }
    assert_eq!(arena.failed_allocs(), 0, "a stalled scope made others fail");
    assert!(continued >= 1, "segment 0 never filled");
    assert_eq!((held.id, held.payload), (0, 0));
    assert_eq!(
        stalled.segments_held(),
        1,
        "the stalled scope pins one segment"
    );
    // What waits for the stalled scope: the values in its segment, at most a segment's worth.
    let waiting = (0..id).filter(|&i| log.drops(i) == 0).count();
    assert!(
        waiting <= arena.segment_capacity(0),
        "{waiting} values wait for the stalled scope"
    );
    drop(stalled);
    assert_eq!(log.counts(id), vec![1; id]);
}

/// Batches are contiguous in one segment: one that does not fit in the rest of the segment
/// continues in a free one; one larger than a segment never fits.
#[test]
fn batches_stay_in_one_segment() {
    let arena: ScopedArena<u32, 32> = ScopedArena::new(); // 2 segments of 16
    let scope = arena.scope();
    let a = scope.alloc_slice_copy(&[1; 10]).unwrap();
    let b = scope.alloc_iter(0..10).unwrap(); // 6 left in segment 0: continue
    assert_eq!(scope.segments_held(), 2);
    assert_eq!(b, (0..10).collect::<Vec<_>>().as_slice());
    a[0] = 7;
    assert_eq!(a[..2], [7, 1]);
    assert!(scope.alloc_slice_copy(&[0; 17]).is_err());
    assert!(scope.alloc_slice_copy(&[]).unwrap().is_empty());
    let c = scope.alloc_slice_clone(&[5, 6]).unwrap();
    assert_eq!(c, [5, 6]);
    assert_eq!(arena.failed_allocs(), 1);
}

/// A constructor, a `clone` or an iterator that panics leaves holes that the reset skips: every
/// value made is dropped exactly once, the refused ones never stored.
#[test]
fn panics_in_constructors_leave_holes() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 16> = ScopedArena::new();
    let scope = arena.scope();
    scope.alloc(Counted::new(&log, 0)).ok().unwrap();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = scope.alloc_with(|| panic!("constructor"));
    }));
    assert!(caught.is_err());
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let values = (1..5).map(|id| {
            if id == 3 {
                panic!("iterator");
            }
            Counted::new(&log, id)
        });
        let _ = scope.alloc_iter(values);
    }));
    assert!(caught.is_err());
    assert_eq!(
        log.counts(3),
        [0, 1, 1],
        "a panicking batch drops what it took"
    );
    // An iterator that yields fewer than it promised: a shorter slice, holes for the rest.
    struct Liar<I>(I, usize);
    impl<I: Iterator> Iterator for Liar<I> {
        type Item = I::Item;
        fn next(&mut self) -> Option<I::Item> {
            self.0.next()
        }
    }
    impl<I: Iterator> ExactSizeIterator for Liar<I> {
        fn len(&self) -> usize {
            self.1
        }
    }
    let liar = Liar((5..7).map(|id| Counted::new(&log, id)), 4);
    let short = scope.alloc_iter(liar).ok().unwrap();
    assert_eq!(short.iter().map(|v| v.id).collect::<Vec<_>>(), [5, 6]);
    let w = scope.alloc_with(|| Counted::new(&log, 7)).ok().unwrap();
    assert_eq!(w.id, 7);
    assert_eq!(scope.len(), 1 + 1 + 4 + 4 + 1, "values and holes");
    drop(scope);
    // 3 and 4 were never made (the iterator panicked before making 3).
    assert_eq!(log.counts(8), [1, 1, 1, 0, 0, 1, 1, 1]);
}

/// A forgotten scope keeps its segment from recycling, nothing else: the other segments take
/// the traffic, and the arena's drop drops the forgotten segment's values exactly once.
#[test]
fn a_forgotten_scope_only_keeps_its_segment() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 32> = ScopedArena::new(); // 2 segments of 16
    let lost = arena.scope();
    for id in 0..16 {
        lost.alloc(Counted::new(&log, id)).ok().unwrap();
    }
    mem::forget(lost);
    let mut id = 16;
    for _ in 0..5 {
        let scope = arena.scope();
        assert_eq!(scope.segment(), 1, "segment 0 is full and never recycles");
        scope.alloc(Counted::new(&log, id)).ok().unwrap();
        id += 1;
        drop(scope);
        assert_eq!(log.drops(id - 1), 1);
    }
    assert_eq!(arena.recycled(), 5);
    assert_eq!(
        log.counts(16),
        vec![0; 16],
        "the forgotten scope's values are kept"
    );
    // A scope filling segment 1 has nowhere to continue.
    let holder = arena.scope();
    for _ in 0..16 {
        holder.alloc(Counted::new(&log, id)).ok().unwrap();
        id += 1;
    }
    drop(holder.alloc(Counted::new(&log, id)).err().unwrap());
    id += 1;
    drop(holder);
    assert_eq!(log.counts(id)[16..], vec![1; id - 16][..]);
    drop(arena);
    assert_eq!(
        log.counts(id),
        vec![1; id],
        "the arena's drop drops what is left, once"
    );
}

/// A destructor that panics during the reset: the panic comes out of the scope's drop, every
/// other value (before and after it) is still dropped exactly once, and the segment is empty
/// and usable again.
#[test]
fn a_panicking_drop_during_the_reset() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 4> = ScopedArena::new();
    let scope = arena.scope();
    for id in 0..4 {
        let v = scope.alloc(Counted::new(&log, id)).ok().unwrap();
        v.panics = id == 1;
    }
    let caught = panic::catch_unwind(AssertUnwindSafe(|| drop(scope)));
    assert!(
        caught.is_err(),
        "the destructor's panic reaches the scope's drop"
    );
    assert_eq!(
        log.counts(4),
        [1, 1, 1, 1],
        "values after the panicking one are dropped too"
    );

    let scope = arena.scope();
    assert_eq!(scope.segment(), 0, "the segment reopened");
    assert_eq!((scope.len(), scope.remaining()), (0, 4));
    for id in 4..8 {
        assert_eq!(scope.alloc(Counted::new(&log, id)).ok().unwrap().id, id);
    }
    let before = arena.recycled();
    drop(scope);
    assert_eq!(arena.recycled(), before + 1);
    assert_eq!(log.counts(8), [1; 8]);
}

/// A scope inside two segments whose first reset panics still leaves (and resets) the second:
/// no segment keeps a scope that no longer exists.
#[test]
fn a_panicking_reset_still_leaves_the_other_segments() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 32> = ScopedArena::new();
    let scope = arena.scope();
    for id in 0..20 {
        scope.alloc(Counted::new(&log, id)).ok().unwrap().panics = id == 3;
    }
    assert_eq!(scope.segments_held(), 2);
    let caught = panic::catch_unwind(AssertUnwindSafe(|| drop(scope)));
    assert!(caught.is_err());
    assert_eq!(log.counts(20), vec![1; 20]);
    // Both segments are free: a scope can fill both again.
    let scope = arena.scope();
    for id in 20..52 {
        scope.alloc(Counted::new(&log, id)).ok().unwrap();
    }
    drop(scope);
    assert_eq!(log.counts(52), vec![1; 52]);
}

/// The arena's own drop, with a panicking destructor among what is left: every other value is
/// still dropped once.
#[test]
fn a_panicking_drop_when_the_arena_drops() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 32> = ScopedArena::new();
    let scope = arena.scope();
    for id in 0..20 {
        scope.alloc(Counted::new(&log, id)).ok().unwrap().panics = id == 0;
    }
    mem::forget(scope);
    let caught = panic::catch_unwind(AssertUnwindSafe(|| drop(arena)));
    assert!(caught.is_err());
    assert_eq!(log.counts(20), vec![1; 20]);
}

// ---- a scope entered from inside a reset -------------------------------------------------------

/// A value whose drop enters a scope of `REENTRANT` and allocates there: the scope must not
/// enter the segment being reset (it is not empty yet), and takes the free one.
struct Reenters {
    id: usize,
}

static REENTRANT: ScopedArena<Reenters, 32> = ScopedArena::new();
static REENTERED: Mutex<Vec<(usize, usize, usize)>> = Mutex::new(Vec::new());
static REENTRANT_DROPS: AtomicUsize = AtomicUsize::new(0);

impl Drop for Reenters {
    fn drop(&mut self) {
        REENTRANT_DROPS.fetch_add(1, Ordering::Relaxed);
        if self.id == 0 {
            let scope = REENTRANT.scope();
            let len = scope.len();
            scope.alloc(Reenters { id: 100 }).ok().unwrap();
            REENTERED
                .lock()
                .unwrap()
                .push((scope.segment(), len, scope.len()));
        }
    }
}

#[test]
fn a_scope_entered_during_a_reset_takes_another_segment() {
    let scope = REENTRANT.scope();
    assert_eq!(scope.segment(), 0);
    scope.alloc(Reenters { id: 0 }).ok().unwrap();
    scope.alloc(Reenters { id: 1 }).ok().unwrap();
    drop(scope); // the reset of segment 0 drops value 0, which enters a scope
                 // Inside segment 1, which was empty; its own leave reset it (dropping value 100).
    assert_eq!(*REENTERED.lock().unwrap(), [(1, 0, 1)]);
    assert_eq!(REENTRANT_DROPS.load(Ordering::Relaxed), 3);
    assert_eq!(REENTRANT.recycled(), 2);
    let scope = REENTRANT.scope();
    assert_eq!((scope.segment(), scope.len()), (1, 0));
}

/// A value whose drop calls `try_scope` on its own one-segment arena: the only segment is
/// being reset, so `try_scope` returns `None` at once (where `scope` would wait).
struct TriesScope;

static ONE_SEGMENT: ScopedArena<TriesScope, 4> = ScopedArena::new();
static TRIED: Mutex<Vec<bool>> = Mutex::new(Vec::new());

impl Drop for TriesScope {
    fn drop(&mut self) {
        TRIED
            .lock()
            .unwrap()
            .push(ONE_SEGMENT.try_scope().is_some());
    }
}

#[test]
fn try_scope_never_waits() {
    let scope = ONE_SEGMENT.try_scope().unwrap();
    scope.alloc(TriesScope).ok().unwrap();
    drop(scope);
    assert_eq!(*TRIED.lock().unwrap(), [false]);
    let scope = ONE_SEGMENT.try_scope().expect("the reset is over");
    assert_eq!(scope.len(), 0);
}

// ---- statistics, constructors ------------------------------------------------------------------

/// Statistics through a scope are those of its current segment; the arena counts recycled
/// segments and failed allocations over its life.
#[test]
fn statistics() {
    let arena: ScopedArena<u64, 100> = ScopedArena::new();
    assert_eq!(ScopedArena::<u64, 100>::SEGMENTS, 6);
    assert_eq!(
        (0..6)
            .map(|k| arena.segment_capacity(k))
            .collect::<Vec<_>>(),
        [17, 17, 17, 17, 16, 16]
    );
    let scope = arena.scope();
    assert!(scope.is_empty());
    let xs = scope.alloc_slice_copy(&[1, 2, 3]).unwrap();
    xs[1] = 20;
    assert_eq!(xs, [1, 20, 3]);
    assert_eq!((scope.len(), scope.remaining()), (3, 14));
    assert!(
        scope.alloc_slice_copy(&[0; 18]).is_err(),
        "longer than any segment"
    );
    assert_eq!(arena.failed_allocs(), 1);
    let dbg = format!("{scope:?}");
    assert!(
        dbg.contains("segment: 0") && dbg.contains("segments_held: 1"),
        "{dbg}"
    );
    drop(scope);
    let dbg = format!("{arena:?}");
    assert!(
        dbg.contains("capacity: 100") && dbg.contains("segments: 6") && dbg.contains("recycled: 1"),
        "{dbg}"
    );
}

/// `const fn new()` in a `static`, `new_boxed()`, `Default`, `CAPACITY`; a boxed arena large
/// enough that it could not be built on the stack.
#[test]
fn constructors() {
    static NUMBERS: ScopedArena<String, 8> = ScopedArena::new();
    assert_eq!(ScopedArena::<String, 8>::CAPACITY, 8);
    {
        let scope = NUMBERS.scope();
        scope.alloc("seven".to_owned()).unwrap().push('!');
        assert_eq!(scope.len(), 1);
    }
    assert_eq!(NUMBERS.recycled(), 1);

    // Miri retags the whole slot array on every access: a small one there.
    const BIG: usize = if cfg!(miri) { 64 } else { 1 << 20 };
    let boxed: Box<ScopedArena<u64, BIG>> = ScopedArena::new_boxed();
    let scope = boxed.scope();
    let seg = BIG / ScopedArena::<u64, BIG>::SEGMENTS;
    assert_eq!(scope.remaining(), seg);
    let all: Vec<&mut u64> = (0..BIG as u64).map(|i| scope.alloc(i).unwrap()).collect();
    assert!(all.iter().enumerate().all(|(i, v)| **v == i as u64));
    assert_eq!(scope.segments_held(), ScopedArena::<u64, BIG>::SEGMENTS);
    assert!(scope.alloc(0).is_err());
    drop(all);
    drop(scope);
    assert_eq!(boxed.recycled(), ScopedArena::<u64, BIG>::SEGMENTS as u64);
    assert_eq!(boxed.scope().len(), 0);

    let default: ScopedArena<Vec<u8>, 2> = ScopedArena::default();
    assert_eq!(default.scope().alloc(vec![1, 2]).unwrap().len(), 2);
}

/// `ScopedArena<T, N>` is `Sync` and `Send` exactly when `T: Send` (a `T` that is `Send` but
/// not `Sync` is fine: no `&T` is shared), and so is a `Scope`. A non-`Send` `T` makes both
/// neither (checked with an impl that is ambiguous only when the trait is implemented).
#[test]
fn send_and_sync() {
    fn sync<T: Sync>() {}
    fn send<T: Send>() {}
    sync::<ScopedArena<String, 4>>();
    send::<ScopedArena<String, 4>>();
    sync::<ScopedArena<Cell<u8>, 4>>();
    send::<ScopedArena<Cell<u8>, 4>>();
    sync::<Scope<'static, String, atomicarena::Inline<4>>>();
    send::<Scope<'static, String, atomicarena::Inline<4>>>();
    sync::<Scope<'static, Cell<u8>, atomicarena::Inline<4>>>();

    // `<X as NotSync<_>>::check` resolves only if `X: !Sync` (otherwise two impls apply).
    trait NotSync<A> {
        fn check() {}
    }
    impl<T: ?Sized> NotSync<()> for T {}
    impl<T: ?Sized + Sync> NotSync<u8> for T {}
    trait NotSend<A> {
        fn check() {}
    }
    impl<T: ?Sized> NotSend<()> for T {}
    impl<T: ?Sized + Send> NotSend<u8> for T {}
    <ScopedArena<Rc<u8>, 4> as NotSync<_>>::check();
    <ScopedArena<Rc<u8>, 4> as NotSend<_>>::check();
    <Scope<'static, Rc<u8>, atomicarena::Inline<4>> as NotSync<_>>::check();
    <Scope<'static, Rc<u8>, atomicarena::Inline<4>> as NotSend<_>>::check();
}

// ---- threads -----------------------------------------------------------------------------------

/// Per-id drop counts of the threaded tests (ids are dense).
struct Drops(Vec<AtomicU8>);

impl Drops {
    fn new(n: usize) -> Self {
        Drops((0..n).map(|_| AtomicU8::new(0)).collect())
    }
}

/// A request's value in the threaded tests: who made it and a check word; its drop is counted
/// per id.
struct Req {
    id: usize,
    check: u64,
    drops: &'static Drops,
}

impl Drop for Req {
    fn drop(&mut self) {
        assert_eq!(self.check, !(self.id as u64), "value {} corrupted", self.id);
        self.drops.0[self.id].fetch_add(1, Ordering::Relaxed);
    }
}

/// The number of values of request `r` of thread `t` in `hammer`: 1 to `per`.
fn values_of(t: usize, r: usize, per: usize) -> usize {
    1 + (t + r) % per
}

/// Runs `threads × requests` requests of 1 to `per` values each against `arena`: each request
/// enters a scope, allocates, records the addresses of its slots in a set of slots held by
/// live scopes (an address already there is a slot handed to two live scopes), reads every
/// value back, unregisters its slots and leaves. Returns (stored, refused) counts, after
/// checking that every value made was dropped exactly once.
fn hammer<const N: usize>(
    arena: &'static ScopedArena<Req, N>,
    threads: usize,
    requests: usize,
    per: usize,
) -> (usize, usize) {
    let total = threads * requests * per;
    let drops: &'static Drops = Box::leak(Box::new(Drops::new(total)));
    let live: Arc<Mutex<HashSet<usize>>> = Arc::default();
    let stored = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    thread::scope(|s| {
        for t in 0..threads {
            let (live, stored, refused) = (&live, &stored, &refused);
            s.spawn(move || {
                for r in 0..requests {
                    let scope = arena.scope();
                    let mut mine: Vec<&mut Req> = Vec::new();
                    for k in 0..values_of(t, r, per) {
                        let id = (t * requests + r) * per + k;
                        let value = Req {
                            id,
                            check: !(id as u64),
                            drops,
                        };
                        match scope.alloc(value) {
                            Ok(v) => mine.push(v),
                            Err(full) => {
                                // The contract: `Full` only when the scope's segment is full
                                // (and no segment was free).
                                assert_eq!(scope.remaining(), 0, "Full with room left");
                                refused.fetch_add(1, Ordering::Relaxed);
                                drop(full.into_inner());
                            }
                        }
                    }
                    stored.fetch_add(mine.len(), Ordering::Relaxed);
                    {
                        let mut set = live.lock().unwrap();
                        for v in &mine {
                            let addr = &**v as *const Req as usize;
                            assert!(set.insert(addr), "slot {addr:#x} held by two live scopes");
                        }
                    }
                    thread::yield_now();
                    for v in &mut mine {
                        assert_eq!(
                            v.check,
                            !(v.id as u64),
                            "value {} changed under its scope",
                            v.id
                        );
                        v.check = !v.check;
                        v.check = !v.check;
                    }
                    {
                        let mut set = live.lock().unwrap();
                        for v in &mine {
                            assert!(set.remove(&(&**v as *const Req as usize)));
                        }
                    }
                    drop(mine);
                    drop(scope);
                }
            });
        }
    });
    // Made: id `(t × requests + r) × per + k` for `k < values_of(t, r, per)`.
    let made = |id: usize| {
        let (req, k) = (id / per, id % per);
        k < values_of(req / requests, req % requests, per)
    };
    let wrong: Vec<(usize, u8)> = (0..total)
        .map(|id| (id, drops.0[id].load(Ordering::Relaxed)))
        .filter(|&(id, n)| n != u8::from(made(id)))
        .take(10)
        .collect();
    assert!(
        wrong.is_empty(),
        "values not dropped exactly once (id, drops): {wrong:?}"
    );
    let (stored, refused) = (stored.into_inner(), refused.into_inner());
    assert_eq!(stored + refused, (0..total).filter(|&id| made(id)).count());
    // Every scope left, so every segment was reset by its last leaver.
    let scope = arena.scope();
    assert_eq!(
        (scope.len(), scope.remaining()),
        (0, arena.segment_capacity(scope.segment()))
    );
    (stored, refused)
}

static SMALL: ScopedArena<Req, 32> = ScopedArena::new();

/// Four threads, a `static` arena of 2 segments of 16 slots, 3 values per request: segments
/// fill, scopes continue and segments drain all the time, and with two segments for four
/// threads some requests are refused (the contract allows it: every segment held). No slot is
/// held by two live scopes, every value read back intact, every value made (stored or
/// refused) dropped exactly once by the time all scopes left.
#[test]
fn static_arena_four_threads_small() {
    let requests = if cfg!(miri) { 12 } else { 4000 };
    let (stored, refused) = hammer(&SMALL, 4, requests, 3);
    assert!(SMALL.recycled() >= 1);
    assert_eq!(SMALL.failed_allocs(), refused);
    eprintln!(
        "small: {stored} stored, {refused} refused, {} segments recycled",
        SMALL.recycled()
    );
}

/// The workload in a test: four threads, requests of 1 to 13 values, 4,096 slots in 16
/// segments; each thread yields inside its scope (so scopes overlap and stall). Four scopes
/// hold at most 8 segments unless a continuation segment also fills under a scope, so
/// refusals are not expected, and are printed; the test asserts the contract (`Full` only
/// from a full segment, in `hammer`) and the drop counts.
#[test]
fn static_arena_four_threads_requests_of_up_to_13() {
    const N: usize = if cfg!(miri) { 64 } else { 4096 };
    static REQS: ScopedArena<Req, N> = ScopedArena::new();
    let requests = if cfg!(miri) { 8 } else { 3000 };
    let (stored, refused) = hammer(&REQS, 4, requests, 13);
    assert!(REQS.recycled() >= 1);
    eprintln!(
        "requests of 13: {stored} stored, {refused} refused, {} segments recycled",
        REQS.recycled()
    );
    if !cfg!(miri) {
        assert_eq!(refused, 0, "4 threads on 16 segments refused an allocation");
    }
}

/// Scopes sent to and shared between threads: one scope, `&Scope` on four threads allocating
/// at once; then the scope is moved to another thread and dropped there (the reset runs there).
#[test]
fn concurrent_allocs_through_one_shared_scope() {
    const N: usize = 64;
    let log = Log::new();
    let arena: ScopedArena<Counted, N> = ScopedArena::new();
    let scope = arena.scope();
    let per = N / 4;
    thread::scope(|s| {
        for t in 0..4 {
            let (scope, log) = (&scope, &log);
            s.spawn(move || {
                let mut mine = Vec::new();
                for k in 0..per {
                    mine.push(scope.alloc(Counted::new(log, t * per + k)).ok().unwrap());
                }
                for (k, v) in mine.iter().enumerate() {
                    assert_eq!(v.id, t * per + k);
                }
            });
        }
    });
    // Four threads filled the four segments together, continuing through the one scope.
    assert_eq!(scope.segments_held(), 4);
    assert_eq!(arena.failed_allocs(), 0);
    assert_eq!(log.counts(N), vec![0; N]);
    thread::scope(|s| {
        s.spawn(move || drop(scope));
    });
    assert_eq!(log.counts(N), vec![1; N]);
    assert_eq!(arena.recycled(), 4);
}
