//! `ScopedArena<T, N>` (issue 12): a bounded arena that recycles itself without `&mut`.
//!
//! Checked here, each with values read back and per-value drop counts: allocation in the
//! scope's epoch and `Full` handing the value back; the reset by the last scope of an epoch to
//! leave (the current epoch included, full or not), observed right after that scope's drop
//! returns; the switch to the other epoch when the current one is full, only if the other one
//! is empty with no scope in it; forgotten scopes (their epoch never recycles, the arena's drop
//! drops what is left); a panicking destructor during a reset; a scope entered from inside a
//! reset (a destructor) never entering the epoch being reset; a `static` arena shared by four
//! threads with no slot ever held by two live scopes at once and every value dropped exactly
//! once; the statistics through a scope; the `Send`/`Sync` bounds.
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

/// Values read back through their references; nothing is dropped while a scope of the epoch is
/// inside; the last scope to leave drops each value exactly once, before its drop returns, and
/// counts one recycled epoch.
#[test]
fn last_scope_to_leave_drops_every_value_once() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 4> = ScopedArena::new();
    let outer = arena.scope();
    let a = outer.alloc(Counted::new(&log, 0)).ok().unwrap();
    {
        let inner = arena.scope();
        assert_eq!((outer.epoch(), inner.epoch()), (0, 0));
        let b = inner.alloc(Counted::new(&log, 1)).ok().unwrap();
        let c = inner.alloc(Counted::new(&log, 2)).ok().unwrap();
        b.payload += 1;
        c.payload += 2;
        assert_eq!((b.id, b.payload, c.id, c.payload), (1, 11, 2, 22));
        assert_eq!(inner.len(), 3, "both scopes allocate in one epoch");
        a.payload += 5;
    } // not the last scope of epoch 0: nothing is dropped
    assert_eq!(log.counts(3), [0, 0, 0]);
    assert_eq!(arena.recycled(), 0);
    assert_eq!(
        (a.id, a.payload),
        (0, 5),
        "a value outlives another scope's leave"
    );
    let d = outer.alloc(Counted::new(&log, 3)).ok().unwrap();
    assert_eq!(d.payload, 30);
    assert!(outer.is_full());
    drop(outer);
    assert_eq!(
        log.counts(4),
        [1, 1, 1, 1],
        "dropped once, before the drop returned"
    );
    assert_eq!(arena.recycled(), 1);

    // The epoch is empty again and still the current one.
    let next = arena.scope();
    assert_eq!(next.epoch(), 0);
    assert_eq!((next.len(), next.remaining()), (0, 4));
    assert_eq!(next.high_water(), 4);
    drop(next);
    assert_eq!(
        arena.recycled(),
        2,
        "an unused scope also recycles its epoch"
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
    assert_eq!(scope.failed_allocs(), 1);
    assert_eq!(scope.len(), 2);
    drop(scope);
    assert_eq!(log.counts(3), [1, 1, 1]);
}

/// One scope after another always finds the whole epoch free: `N` values each time, all
/// dropped by the time the scope's drop returns.
#[test]
fn scopes_one_after_another_always_find_room() {
    const N: usize = 8;
    let rounds = if cfg!(miri) { 20 } else { 1000 };
    let log = Log::new();
    let arena: ScopedArena<Counted, N> = ScopedArena::new();
    let mut id = 0;
    for round in 0..rounds {
        let scope = arena.scope();
        assert_eq!(scope.epoch(), 0, "an epoch that is not full stays current");
        assert_eq!(scope.remaining(), N);
        let first = id;
        for _ in 0..N {
            let r = scope.alloc(Counted::new(&log, id)).ok().unwrap();
            assert_eq!(r.payload, id as u64 * 10);
            id += 1;
        }
        assert!(scope.is_full());
        drop(scope);
        assert!(
            (first..id).all(|i| log.drops(i) == 1),
            "round {round}: a value not dropped exactly once"
        );
        assert_eq!(arena.recycled(), round as u64 + 1);
    }
    assert_eq!(log.counts(id), vec![1; id]);
}

/// When the current epoch is full, a new scope enters the other epoch only if it is empty with
/// no scope in it (a never-used epoch counts); otherwise it stays in the full epoch and gets
/// `Full`. A non-current epoch is recycled by its last leaver, full or not.
#[test]
fn a_full_epoch_switches_to_the_other_when_free() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 1> = ScopedArena::new();
    let s0 = arena.scope();
    assert_eq!(s0.epoch(), 0);
    s0.alloc(Counted::new(&log, 0)).ok().unwrap();
    // Epoch 0 is full; epoch 1 was never used.
    let s1 = arena.scope();
    assert_eq!(
        s1.epoch(),
        1,
        "a full epoch sends new scopes to the free one"
    );
    assert_eq!(s1.alloc(Counted::new(&log, 1)).ok().unwrap().id, 1);
    // Epoch 1 is now current and full; epoch 0 still has s0 in it.
    let s2 = arena.scope();
    assert_eq!(s2.epoch(), 1, "the other epoch has a scope inside: stay");
    let back = s2.alloc(Counted::new(&log, 2)).err().unwrap().into_inner();
    assert_eq!(back.id, 2);
    drop(back);
    assert_eq!(arena.recycled(), 0);
    // The last scope of epoch 0 (not current, full) leaves: epoch 0 is reset.
    drop(s0);
    assert_eq!(log.counts(3), [1, 0, 1]);
    assert_eq!(arena.recycled(), 1);
    // Epoch 1 is current and full, epoch 0 is free again: a new scope switches back.
    let s3 = arena.scope();
    assert_eq!(s3.epoch(), 0);
    assert_eq!(s3.remaining(), 1);
    s3.alloc(Counted::new(&log, 3)).ok().unwrap();
    drop(s2);
    assert_eq!(log.drops(1), 0, "s1 is still inside epoch 1");
    drop(s1);
    assert_eq!(log.counts(4), [1, 1, 1, 0]);
    assert_eq!(arena.recycled(), 2);
    drop(s3);
    assert_eq!(log.counts(4), [1, 1, 1, 1]);
    assert_eq!(arena.recycled(), 3);
}

/// The switch looks at the current epoch's fill, not at the other epoch: a current epoch with
/// room keeps new scopes even while the other is free. And a scope that switches leaves the
/// full epoch it first entered (it holds no place there).
#[test]
fn an_epoch_with_room_keeps_new_scopes() {
    let arena: ScopedArena<u32, 2> = ScopedArena::new();
    let s0 = arena.scope();
    *s0.alloc(1).unwrap() += 1;
    let s1 = arena.scope();
    assert_eq!(s1.epoch(), 0);
    s1.alloc(3).unwrap();
    let s2 = arena.scope(); // epoch 0 full: switch
    assert_eq!(s2.epoch(), 1);
    drop(s1);
    drop(s0); // the last of epoch 0: the switching scope must not still count there
    assert_eq!(arena.recycled(), 1);
    let s3 = arena.scope();
    assert_eq!(s3.epoch(), 1, "epoch 1 is current and has room");
    drop((s2, s3));
    assert_eq!(arena.recycled(), 2);
}

/// A forgotten scope keeps its epoch from recycling, nothing else: the other epoch takes the
/// traffic, a full forgotten epoch makes new scopes fail with `Full` once the other one is full
/// too, and the arena's drop drops the forgotten epoch's values exactly once.
#[test]
fn a_forgotten_scope_only_keeps_its_epoch() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 2> = ScopedArena::new();
    let lost = arena.scope();
    lost.alloc(Counted::new(&log, 0)).ok().unwrap();
    lost.alloc(Counted::new(&log, 1)).ok().unwrap();
    mem::forget(lost);
    let mut id = 2;
    for _ in 0..5 {
        let scope = arena.scope();
        assert_eq!(
            scope.epoch(),
            1,
            "epoch 0 is full and can never be recycled"
        );
        scope.alloc(Counted::new(&log, id)).ok().unwrap();
        id += 1;
        drop(scope);
        assert_eq!(log.drops(id - 1), 1);
    }
    assert_eq!(arena.recycled(), 5);
    assert_eq!(
        log.counts(2),
        [0, 0],
        "the forgotten scope's values are kept"
    );
    // Fill epoch 1 with a scope inside: a new scope has nowhere to go.
    let holder = arena.scope();
    holder.alloc(Counted::new(&log, id)).ok().unwrap();
    holder.alloc(Counted::new(&log, id + 1)).ok().unwrap();
    let stuck = arena.scope();
    assert_eq!(stuck.epoch(), 1);
    let back = stuck.alloc(Counted::new(&log, id + 2)).err().unwrap();
    drop(back);
    drop((stuck, holder));
    id += 3;
    assert_eq!(log.counts(id)[2..], vec![1; id - 2][..]);
    drop(arena);
    assert_eq!(
        log.counts(id),
        vec![1; id],
        "the arena's drop drops what is left, once"
    );
}

/// A forgotten scope in an epoch that still has room: later scopes keep using that epoch (it
/// is current) until it is full, then move to the other one, which recycles as usual.
#[test]
fn a_forgotten_scope_in_an_epoch_with_room() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 3> = ScopedArena::new();
    mem::forget(arena.scope());
    for id in 0..3 {
        let scope = arena.scope();
        assert_eq!(scope.epoch(), 0);
        scope.alloc(Counted::new(&log, id)).ok().unwrap();
    }
    assert_eq!(arena.recycled(), 0);
    assert_eq!(log.counts(3), [0, 0, 0], "epoch 0 is never reset");
    for id in 3..6 {
        let scope = arena.scope();
        assert_eq!(scope.epoch(), 1);
        scope.alloc(Counted::new(&log, id)).ok().unwrap();
        drop(scope);
        assert_eq!(log.drops(id), 1);
    }
    assert_eq!(arena.recycled(), 3);
    drop(arena);
    assert_eq!(log.counts(6), [1; 6]);
}

/// A destructor that panics during the reset: the panic comes out of the scope's drop, every
/// other value (before and after it) is still dropped exactly once, and the epoch is empty and
/// usable again.
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
    assert_eq!(scope.epoch(), 0, "the epoch reopened");
    assert_eq!((scope.len(), scope.remaining()), (0, 4));
    for id in 4..8 {
        assert_eq!(scope.alloc(Counted::new(&log, id)).ok().unwrap().id, id);
    }
    let before = arena.recycled();
    drop(scope);
    assert_eq!(arena.recycled(), before + 1);
    assert_eq!(log.counts(8), [1; 8]);
}

/// The arena's own drop, with a panicking destructor among what is left: every other value is
/// still dropped once.
#[test]
fn a_panicking_drop_when_the_arena_drops() {
    let log = Log::new();
    let arena: ScopedArena<Counted, 3> = ScopedArena::new();
    let scope = arena.scope();
    for id in 0..3 {
        scope.alloc(Counted::new(&log, id)).ok().unwrap().panics = id == 0;
    }
    mem::forget(scope);
    let caught = panic::catch_unwind(AssertUnwindSafe(|| drop(arena)));
    assert!(caught.is_err());
    assert_eq!(log.counts(3), [1, 1, 1]);
}

// ---- a scope entered from inside a reset -------------------------------------------------------

/// A value whose drop enters a scope of `REENTRANT` and allocates there: the scope must not
/// enter the epoch being reset (it is not empty yet), and takes the free one.
struct Reenters {
    id: usize,
}

static REENTRANT: ScopedArena<Reenters, 2> = ScopedArena::new();
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
                .push((scope.epoch(), len, scope.len()));
        }
    }
}

#[test]
fn a_scope_entered_during_a_reset_takes_the_other_epoch() {
    let scope = REENTRANT.scope();
    assert_eq!(scope.epoch(), 0);
    scope.alloc(Reenters { id: 0 }).ok().unwrap();
    scope.alloc(Reenters { id: 1 }).ok().unwrap();
    drop(scope); // the reset of epoch 0 drops value 0, which enters a scope
                 // Inside epoch 1, which was empty; its own leave reset it (dropping value 100).
    assert_eq!(*REENTERED.lock().unwrap(), [(1, 0, 1)]);
    assert_eq!(REENTRANT_DROPS.load(Ordering::Relaxed), 3);
    assert_eq!(REENTRANT.recycled(), 2);
    // Epoch 1 is current now, both are free.
    let scope = REENTRANT.scope();
    assert_eq!((scope.epoch(), scope.len()), (1, 0));
}

// ---- statistics, constructors ------------------------------------------------------------------

/// Statistics through a scope are those of its epoch's `Arena`: `len`, `remaining`,
/// `bytes_used` per round, `high_water` and `failed_allocs` over the epoch's life.
#[test]
fn statistics_are_the_epochs() {
    let arena: ScopedArena<u64, 4> = ScopedArena::new();
    let scope = arena.scope();
    assert!(scope.is_empty());
    assert_eq!(scope.capacity(), 4);
    let xs = scope.alloc_slice_copy(&[1, 2, 3]).unwrap();
    xs[1] = 20;
    assert_eq!(xs, [1, 20, 3]);
    assert_eq!(
        (scope.len(), scope.remaining(), scope.bytes_used()),
        (3, 1, 24)
    );
    assert!(scope.alloc_slice_copy(&[4, 5]).is_err(), "all or nothing");
    assert_eq!(*scope.alloc_with(|| 9).unwrap(), 9);
    assert!(scope.alloc(10).is_err());
    assert_eq!(scope.failed_allocs(), 2);
    assert!(scope.is_full());
    drop(scope);
    let scope = arena.scope();
    assert_eq!(
        (scope.len(), scope.remaining(), scope.bytes_used()),
        (0, 4, 0)
    );
    assert_eq!(scope.high_water(), 4);
    assert_eq!(scope.failed_allocs(), 2, "over the epoch's life");
    let dbg = format!("{scope:?}");
    assert!(dbg.contains("epoch: 0"), "{dbg}");
    drop(scope);
    let dbg = format!("{arena:?}");
    assert!(
        dbg.contains("capacity: 4") && dbg.contains("recycled: 2"),
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
    assert_eq!(scope.remaining(), BIG);
    for i in 0..BIG as u64 {
        assert_eq!(*scope.alloc(i).unwrap(), i);
    }
    assert!(scope.is_full());
    drop(scope);
    assert_eq!(boxed.recycled(), 1);
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
    sync::<Scope<'static, String, 4>>();
    send::<Scope<'static, String, 4>>();
    sync::<Scope<'static, Cell<u8>, 4>>();

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
    <Scope<'static, Rc<u8>, 4> as NotSync<_>>::check();
    <Scope<'static, Rc<u8>, 4> as NotSend<_>>::check();
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

/// Runs `threads × requests` requests of `per` values each against `arena`: each request
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
                    for k in 0..per {
                        let id = (t * requests + r) * per + k;
                        let value = Req {
                            id,
                            check: !(id as u64),
                            drops,
                        };
                        match scope.alloc(value) {
                            Ok(v) => mine.push(v),
                            Err(full) => {
                                // A scope stays in its epoch: once that is full (other
                                // scopes filled it), its allocations fail; never before.
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
    let counts: Vec<u8> = drops.0.iter().map(|d| d.load(Ordering::Relaxed)).collect();
    let wrong: Vec<(usize, u8)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n != 1)
        .map(|(id, &n)| (id, n))
        .take(10)
        .collect();
    assert!(
        wrong.is_empty(),
        "values not dropped exactly once (id, drops): {wrong:?}"
    );
    let (stored, refused) = (stored.into_inner(), refused.into_inner());
    assert_eq!(stored + refused, total);
    // Every scope left, so both epochs were reset by their last leaver.
    let scope = arena.scope();
    assert_eq!((scope.len(), scope.remaining()), (0, N));
    (stored, refused)
}

static SMALL: ScopedArena<Req, 8> = ScopedArena::new();

/// Four threads, a `static` arena of 2 × 8 slots, 3 values per request: epochs fill, switch
/// and drain all the time. No slot is held by two live scopes, every value read back intact,
/// every value made (stored or refused) dropped exactly once by the time all scopes left.
#[test]
fn static_arena_four_threads_small() {
    let requests = if cfg!(miri) { 12 } else { 4000 };
    let (stored, refused) = hammer(&SMALL, 4, requests, 3);
    assert!(
        refused == 0 || stored >= 8,
        "Full before an epoch was ever full"
    );
    assert!(SMALL.recycled() >= 1);
    eprintln!(
        "small: {stored} stored, {refused} refused, {} epochs recycled",
        SMALL.recycled()
    );
}

/// Large enough (4096 slots) for the arena's per-thread chunks on the shared path: an epoch
/// reset by whichever thread leaves last must take back the chunks of every thread. Scopes of
/// four threads overlap, so an epoch may fill before it empties (then a request that entered
/// it just before gets `Full`): refusals are allowed, but only from a full epoch (checked in
/// `hammer`), and the first refusal comes after
/// at least `N` values were stored. (No success rate is promised: a preempted thread holds its
/// epoch.)
#[test]
fn static_arena_four_threads_striped() {
    const N: usize = if cfg!(miri) { 32 } else { 4096 };
    static STRIPED: ScopedArena<Req, N> = ScopedArena::new();
    let requests = if cfg!(miri) { 8 } else { 3000 };
    let (stored, refused) = hammer(&STRIPED, 4, requests, 3);
    assert!(
        refused == 0 || stored >= N,
        "Full before an epoch was ever full"
    );
    assert!(STRIPED.recycled() >= 1);
    eprintln!(
        "striped: {stored} stored, {refused} refused, {} epochs recycled",
        STRIPED.recycled()
    );
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
    assert!(scope.is_full());
    assert_eq!(log.counts(N), vec![0; N]);
    thread::scope(|s| {
        s.spawn(move || drop(scope));
    });
    assert_eq!(log.counts(N), vec![1; N]);
    assert_eq!(arena.recycled(), 1);
}
