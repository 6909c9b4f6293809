//! Loom models of `ScopedArena`'s protocol: enter, continue, leave, and the reset by the last
//! leaver.
//!
//! Under `cfg(loom)` the segments' state words and cursors, the arena's hint and a scope's
//! `current` and `held` words come from loom, segments have two slots (one for an arena of
//! one), and every value's slot has a loom-tracked cell that its write, and its drop by the
//! reset, touch: a segment reset while a scope is still inside it, or a slot handed out twice,
//! is reported by loom as a concurrent access. On top of that the models check, in every
//! interleaving: each value is read back intact, after the other thread's leave, for as long
//! as its scope lives (a segment reset under a scope would drop it and overwrite its slot); no
//! value is dropped while its scope lives; every value is dropped exactly once by the time all
//! scopes left (not by the arena's drop); a refusal only from a full segment; and where no
//! refusal is possible (a free segment always exists), none happens. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_scoped
//! ```
#![cfg(loom)]

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::ScopedArena;
use loom::sync::Arc;
use loom::thread;

/// Drop counts by value id. Plain `std` atomics: loom runs the model's threads one at a time
/// on one OS thread, and the counts are read after `join`.
struct Drops([AtomicUsize; 8]);

impl Drops {
    fn new() -> std::sync::Arc<Self> {
        std::sync::Arc::new(Drops(Default::default()))
    }

    fn of(&self, id: usize) -> usize {
        self.0[id].load(Ordering::Relaxed)
    }
}

/// A value with a check word (its id, inverted) that its drop verifies, counting the drop.
/// `panics`: the drop panics after counting.
struct Val {
    id: usize,
    check: usize,
    panics: bool,
    drops: std::sync::Arc<Drops>,
}

impl Val {
    fn new(drops: &std::sync::Arc<Drops>, id: usize) -> Self {
        Val {
            id,
            check: !id,
            panics: false,
            drops: drops.clone(),
        }
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        assert_eq!(self.check, !self.id, "value {} dropped corrupted", self.id);
        self.drops.0[self.id].fetch_add(1, Ordering::Relaxed);
        if self.panics {
            panic!("planned panic in the drop of value {}", self.id);
        }
    }
}

/// One request: enter, allocate values `ids`, write them, let the other thread run (its leave
/// and reset may come here), read them back and check they were not dropped, leave. Returns
/// how many values were stored. A refused value is handed back and dropped here.
fn request<const N: usize>(
    arena: &ScopedArena<Val, N>,
    drops: &std::sync::Arc<Drops>,
    ids: &[usize],
) -> usize {
    let scope = arena.scope();
    let mut mine = Vec::new();
    for &id in ids {
        match scope.alloc(Val::new(drops, id)) {
            Ok(v) => {
                v.check = !v.check;
                mine.push(v);
            }
            Err(full) => {
                let v = full.into_inner();
                assert_eq!(v.id, id);
                assert_eq!(scope.remaining(), 0, "Full with room left");
            }
        }
        thread::yield_now();
    }
    for v in &mut mine {
        assert_eq!(v.check, v.id, "value {} changed under its scope", v.id);
        v.check = !v.id;
        assert_eq!(drops.of(v.id), 0, "value {} dropped under its scope", v.id);
    }
    let stored = mine.len();
    drop(mine);
    drop(scope);
    stored
}

/// (a) Two threads each enter, allocate one value and leave. One segment of one slot: a
/// refusal only when both scopes shared it. Two segments of two: never refused. Every value
/// is dropped exactly once by the time both scopes left.
fn two_requests<const N: usize>() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, N>::new());
        let drops = Drops::new();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, &[1]))
        };
        let mine = request(&arena, &drops, &[0]);
        let theirs = t.join().unwrap();
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        if N >= 4 {
            assert_eq!(mine + theirs, 2, "refused with a segment free");
        }
        let recycled = arena.recycled();
        assert!((1..=2).contains(&recycled), "recycled {recycled}");
        let scope = arena.scope();
        assert_eq!(scope.len(), 0);
        drop(scope);
        drop(arena);
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
    });
}

#[test]
fn two_requests_one_segment_of_1() {
    two_requests::<1>();
}

#[test]
fn two_requests_two_segments_of_2() {
    two_requests::<4>();
}

/// (b) A scope holds segment 0, full, while another thread enters: the newcomer must land in
/// segment 1 and find room; the held values are untouched by the newcomer's leave.
#[test]
fn a_full_segment_sends_a_newcomer_to_the_next() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 4>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        let v = holder.alloc(Val::new(&drops, 0)).ok().unwrap();
        holder.alloc(Val::new(&drops, 1)).ok().unwrap();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || {
                let scope = arena.scope();
                assert_eq!(scope.segment(), 1, "entered the full segment");
                assert!(scope.alloc(Val::new(&drops, 2)).is_ok());
            })
        };
        thread::yield_now();
        assert_eq!(v.check, !0, "the held value was touched");
        t.join().unwrap();
        assert_eq!(
            drops.of(2),
            1,
            "the newcomer's segment was reset by its leave"
        );
        assert_eq!((drops.of(0), drops.of(1)), (0, 0));
        drop(holder);
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        assert_eq!(arena.recycled(), 2);
    });
}

/// (c) Continue, racing: two scopes share segment 0 (two slots); each allocates two values,
/// so one of them fills segment 0 and continues in segment 1 while the other may too: whoever
/// finds segment 1 taken is refused (its segment full, none free). The protocol under test:
/// the continue's compare-and-swap on a free segment against the other's, the leaves of two
/// segments, and the resets by whichever scope leaves each segment last.
#[test]
fn two_scopes_continue_at_once() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 4>::new());
        let drops = Drops::new();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, &[2, 3]))
        };
        let mine = request(&arena, &drops, &[0, 1]);
        let theirs = t.join().unwrap();
        // Four values, four slots: at most one refusal... or none.
        assert!(mine + theirs >= 3, "stored {mine} + {theirs}");
        assert_eq!((0..4).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
        // Both segments are free again: one scope fills both.
        let scope = arena.scope();
        for id in 4..8 {
            scope.alloc(Val::new(&drops, id)).ok().unwrap();
        }
        assert_eq!(scope.segments_held(), 2);
        drop(scope);
        assert_eq!((4..8).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
    });
}

/// (d) A leave racing an enter on one segment with room: the newcomer either joins the holder
/// (then the holder's leave resets nothing), or comes after the holder's reset, or, arriving
/// during it, waits for it (the only segment); never enters the segment while it is being
/// reset (loom flags the tracked cells). Its value is read back intact, both are dropped once.
#[test]
fn a_leave_races_an_enter_on_one_segment() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 2>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        holder.alloc(Val::new(&drops, 0)).ok().unwrap();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, &[1]))
        };
        drop(holder);
        assert_eq!(t.join().unwrap(), 1);
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        let recycled = arena.recycled();
        assert!((1..=2).contains(&recycled), "recycled {recycled}");
    });
}

/// (e) Two threads, two one-value requests each, two segments of two: scopes one after
/// another on a thread never find both segments held, so nothing is refused; every value is
/// dropped once.
#[test]
fn two_threads_two_requests_each() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 4>::new());
        let drops = Drops::new();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, &[2]) + request(&arena, &drops, &[3]))
        };
        let mine = request(&arena, &drops, &[0]) + request(&arena, &drops, &[1]);
        assert_eq!(mine + t.join().unwrap(), 4, "refused with a segment free");
        assert_eq!((0..4).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
    });
}

/// (f) One scope shared by two threads that fill it together: three values in segments of
/// two, so one of the threads moves the scope on while the other may want to, too. Only one
/// moves it (the other waits and uses the new segment): nothing is refused, the scope holds
/// exactly two segments, and both are reset when it leaves.
#[test]
fn a_shared_scope_moves_on_once() {
    loom::model(|| {
        // Leaked so that the scope is `'static` and can be shared through an `Arc` (loom has
        // no scoped threads); the scope's leave resets everything, the arena's drop is moot.
        let arena: &'static ScopedArena<Val, 4> = Box::leak(Box::new(ScopedArena::new()));
        let drops = Drops::new();
        let scope = Arc::new(arena.scope());
        scope.alloc(Val::new(&drops, 0)).ok().unwrap();
        let t = {
            let (scope, drops) = (scope.clone(), drops.clone());
            thread::spawn(move || scope.alloc(Val::new(&drops, 1)).is_ok())
        };
        let mine = scope.alloc(Val::new(&drops, 2)).is_ok();
        let theirs = t.join().unwrap();
        assert!(
            mine && theirs,
            "a shared scope refused with room in its segments"
        );
        let scope = Arc::try_unwrap(scope).ok().unwrap();
        assert_eq!(scope.segments_held(), 2);
        drop(scope);
        assert_eq!((0..3).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 3]);
        assert_eq!(arena.recycled(), 2);
    });
}

/// (g) A value whose destructor panics, in the first of two segments held by a scope that
/// leaves while another thread's scope is inside the second: the panic comes out of the
/// leave, and the second segment must not keep a scope that no longer exists (afterwards one
/// scope fills and recycles both segments).
#[test]
fn a_panicking_reset_still_leaves_the_other_segment() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 4>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        holder.alloc(Val::new(&drops, 0)).ok().unwrap().panics = true;
        holder.alloc(Val::new(&drops, 1)).ok().unwrap();
        holder.alloc(Val::new(&drops, 2)).ok().unwrap(); // continues in segment 1
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, &[3]))
        };
        let left = panic::catch_unwind(AssertUnwindSafe(|| drop(holder)));
        assert!(
            left.is_err(),
            "the destructor's panic reaches the scope's drop"
        );
        assert_eq!(t.join().unwrap(), 1);
        assert_eq!((0..4).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
        let scope = arena.scope();
        for id in 4..8 {
            scope.alloc(Val::new(&drops, id)).ok().unwrap();
        }
        drop(scope);
        assert_eq!((4..8).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
    });
}
