//! Loom models of `ScopedArena`'s protocol: enter, leave, the reset by the last leaver and
//! the switch to the other epoch.
//!
//! Under `cfg(loom)` the epochs' state words, the `current` hint and the arenas' cursors come
//! from loom, and each epoch's `Arena` sits in a loom-tracked cell: a scope that entered an
//! epoch while its last leaver was resetting it (a `&Arena` next to the leaver's `&mut Arena`)
//! is reported by loom as a concurrent access, and a slot handed out twice as concurrent writes
//! to its mark. On top of that the models check, in every interleaving: each value is read back
//! intact, after the other thread's leave, for as long as its scope lives (an epoch reset under
//! a scope would drop it and overwrite its slot); no value is dropped while its scope lives;
//! every value is dropped exactly once by the time all scopes left (not by the arena's drop);
//! `recycled()` counts each last leave. Run with:
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

/// One request: enter, allocate value `id`, write it, let the other thread run (its leave and
/// reset may come here), read it back and check it was not dropped, leave. Returns whether the
/// value was stored and the epoch the scope was in. A refused value is handed back and dropped
/// here.
fn request<const N: usize>(
    arena: &ScopedArena<Val, N>,
    drops: &std::sync::Arc<Drops>,
    id: usize,
) -> (bool, usize) {
    let scope = arena.scope();
    let epoch = scope.epoch();
    let stored = match scope.alloc(Val::new(drops, id)) {
        Ok(v) => {
            v.check = !v.check;
            thread::yield_now();
            assert_eq!(v.check, id, "value {id} changed under its scope");
            v.check = !id;
            assert_eq!(drops.of(id), 0, "value {id} dropped under its scope");
            true
        }
        Err(full) => {
            let v = full.into_inner();
            assert_eq!(v.id, id);
            assert_eq!(scope.remaining(), 0, "Full with room left");
            false
        }
    };
    drop(scope);
    (stored, epoch)
}

/// (a) Two threads each enter, allocate one value and leave, on an arena of `N` slots per
/// epoch. Every value is dropped exactly once by the time both scopes left; with two slots
/// both values always fit; with one, a refusal only happens when both scopes shared one epoch.
fn two_requests<const N: usize>() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, N>::new());
        let drops = Drops::new();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, 1))
        };
        let (mine, my_epoch) = request(&arena, &drops, 0);
        let (theirs, their_epoch) = t.join().unwrap();
        // Stored or refused, every value made was dropped once, and before the arena's drop.
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        if N >= 2 {
            assert!(mine && theirs, "two values always fit in two slots");
        } else if !(mine && theirs) {
            assert_eq!(my_epoch, their_epoch, "a refusal with the other epoch free");
        }
        let recycled = arena.recycled();
        assert!((1..=2).contains(&recycled), "recycled {recycled}");
        // Both epochs are empty again.
        let scope = arena.scope();
        assert_eq!(scope.len(), 0);
        drop(scope);
        drop(arena);
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
    });
}

#[test]
fn two_requests_capacity_1() {
    two_requests::<1>();
}

#[test]
fn two_requests_capacity_2() {
    two_requests::<2>();
}

/// (b) A scope holds the current epoch, full, while another thread enters: the newcomer must
/// land in the other epoch (never used, so empty) and find room; the first epoch's value is
/// untouched by the newcomer's leave.
#[test]
fn full_epoch_sends_a_newcomer_to_the_other() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 1>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        let v = holder.alloc(Val::new(&drops, 0)).ok().unwrap();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || {
                let scope = arena.scope();
                assert_eq!(scope.epoch(), 1, "entered the full epoch");
                assert!(scope.alloc(Val::new(&drops, 1)).is_ok());
                scope.epoch()
            })
        };
        thread::yield_now();
        assert_eq!(v.check, !0, "the held value was touched");
        assert_eq!(drops.of(0), 0);
        let _ = t.join().unwrap();
        assert_eq!(
            drops.of(1),
            1,
            "the newcomer's epoch was reset by its leave"
        );
        assert_eq!(drops.of(0), 0);
        assert_eq!(arena.recycled(), 1);
        drop(holder);
        assert_eq!(drops.of(0), 1);
        assert_eq!(arena.recycled(), 2);
    });
}

/// (b') The same, with the holder leaving while the newcomer enters: whatever the order, the
/// newcomer finds room (in epoch 1, or in epoch 0 once reset) and never enters epoch 0 while it
/// is being reset; if it entered epoch 0 while still full, it moves to epoch 1 and may be the
/// one that resets epoch 0. Both values are dropped once; two last leaves in all.
#[test]
fn holder_leaves_while_a_newcomer_enters() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 1>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        holder.alloc(Val::new(&drops, 0)).ok().unwrap();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, 1))
        };
        drop(holder);
        let (stored, _) = t.join().unwrap();
        assert!(stored, "the newcomer always finds room");
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        assert_eq!(arena.recycled(), 2);
    });
}

/// (c) A leave racing an enter on the same epoch (which has room): the newcomer either joins
/// the holder in epoch 0 (then the holder's leave is not the last one and resets nothing), or
/// comes after the holder's reset, or, arriving during it, takes epoch 1; never epoch 0 while
/// it is being reset (loom flags the tracked cell). Its value is read back intact and both
/// values are dropped once.
#[test]
fn leave_races_enter_on_one_epoch() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 2>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        holder.alloc(Val::new(&drops, 0)).ok().unwrap();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || request(&arena, &drops, 1))
        };
        drop(holder);
        let (stored, _) = t.join().unwrap();
        assert!(stored);
        assert_eq!((drops.of(0), drops.of(1)), (1, 1));
        let recycled = arena.recycled();
        assert!((1..=2).contains(&recycled), "recycled {recycled}");
    });
}

/// (d) Two threads, two requests each, one slot per epoch: scopes one after another on one
/// thread always leave the epoch empty behind them; every value is dropped once.
#[test]
fn two_threads_two_requests_each() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 1>::new());
        let drops = Drops::new();
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || {
                request(&arena, &drops, 2);
                request(&arena, &drops, 3);
            })
        };
        request(&arena, &drops, 0);
        request(&arena, &drops, 1);
        t.join().unwrap();
        assert_eq!((0..4).map(|id| drops.of(id)).collect::<Vec<_>>(), [1; 4]);
        let scope = arena.scope();
        assert_eq!(scope.remaining(), 1);
    });
}

/// (e) A value whose destructor panics, reset by a scope that switched epochs inside
/// `scope()`: the newcomer entered the full epoch 0 while the holder was still in it, the
/// holder left, and the newcomer, moving to epoch 1, was the last to leave epoch 0, so it
/// resets it there and the panic comes out of `scope()`. Epoch 1 must not keep a scope that
/// no longer exists: afterwards a scope there must recycle it when it leaves.
///
/// It failed before `scope()` built the `Scope` for the other epoch before leaving the full one:
/// the panic then left the other epoch with a phantom scope forever (never recycled again).
#[test]
fn panicking_reset_during_a_switch() {
    loom::model(|| {
        let arena = Arc::new(ScopedArena::<Val, 1>::new());
        let drops = Drops::new();
        let holder = arena.scope();
        holder.alloc(Val::new(&drops, 0)).ok().unwrap().panics = true;
        let t = {
            let (arena, drops) = (arena.clone(), drops.clone());
            thread::spawn(move || {
                let entered = panic::catch_unwind(AssertUnwindSafe(|| {
                    let scope = arena.scope();
                    scope.alloc(Val::new(&drops, 1)).is_ok()
                }));
                entered.is_err()
            })
        };
        let held = panic::catch_unwind(AssertUnwindSafe(|| drop(holder)));
        let switched_and_panicked = t.join().unwrap();
        // Exactly one of the two threads reset epoch 0 and saw the panic.
        assert!(held.is_err() != switched_and_panicked);
        assert_eq!(drops.of(0), 1);
        // Every scope left: both epochs must be free, so two scopes one after another each
        // find an empty epoch and recycle it.
        for id in [2, 3] {
            let scope = arena.scope();
            assert_eq!(scope.len(), 0, "an epoch kept values with no scope inside");
            scope.alloc(Val::new(&drops, id)).ok().unwrap();
            drop(scope);
            assert_eq!(
                drops.of(id),
                1,
                "the last scope to leave did not reset its epoch"
            );
        }
    });
}
