//! Model of `ScopedArena<T, N>`, single-threaded: scopes entered, used, left in any order and
//! forgotten, against a plain model of the two epochs.
//!
//! The reference model keeps, per epoch, the number of scopes inside (forgotten ones included),
//! the values stored this round (by id, in allocation order), `high_water`, `failed_allocs` and
//! whether a value with a panicking destructor is among them; plus the current epoch and
//! `recycled`. From the issue and the docs it predicts:
//!
//! * **Enter** (`scope()`): the current epoch, unless it is full and the other one has no scope
//!   inside (then empty: every epoch starts empty and its last leaver resets it), in which case
//!   the other one, which becomes current. The model asserts its own invariant that an epoch
//!   with no scope inside holds no value.
//! * **Alloc**: stored while the scope's epoch has room, `Full` with the same value handed back
//!   otherwise (`failed_allocs` + 1).
//! * **Leave**: the last scope of an epoch (current or not, full or not) resets it before its
//!   drop returns: each of its values dropped exactly once, `len` back to 0, `high_water` kept,
//!   `recycled` + 1. A value whose destructor panics makes the scope's drop panic after every
//!   value was dropped; the epoch is empty and enterable again, and `recycled` is then *not*
//!   incremented (what the implementation does: its count follows a reset that returned).
//! * **Forget**: the epoch keeps the scope forever: never reset, its values dropped with the
//!   arena.
//!
//! After every step, `run` checks (the message names the capacity, the step and the
//! operation): the epoch of every open scope, every value stored through an open scope, read
//! back through the pointer `alloc` returned (id, payload, and the payload written through the
//! `&mut` afterwards), every statistic through every open scope (`len`, `is_empty`,
//! `remaining`, `is_full`, `capacity`, `bytes_used`, `high_water`, `failed_allocs`),
//! `recycled()`, and the drop count of every value made so far (stored or refused) together
//! with the payload it had when dropped. At the end, the open scopes are left in order and the
//! arena dropped: every value must then have been dropped exactly once.
//!
//! Each run drives two arenas with the same operations: `N = 1` (every allocation fills the
//! epoch, so scopes switch epochs often) and `N = 3`.

use std::cell::RefCell;
use std::fmt;
use std::mem;

use arbitrary::Arbitrary;
use atomicarena::{Scope, ScopedArena};

use crate::support::{catch_planned, planned_panic, quiet_planned_panics};

/// One step of a run. Every value is valid input: `scope` indices are taken modulo the number
/// of open scopes, and an operation on a scope when none is open does nothing (the checks
/// still run).
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    /// `scope()`: a new open scope (nothing when [`MAX_OPEN`] are open).
    Enter,
    /// `alloc` a value with this payload through open scope `scope % open`.
    Alloc {
        /// Which open scope.
        scope: u8,
        /// The value's payload.
        value: u32,
    },
    /// `n % 5` allocations in a row through open scope `scope % open` (payloads `value`,
    /// `value + 1`, …).
    AllocMany {
        /// Which open scope.
        scope: u8,
        /// How many (modulo 5).
        n: u8,
        /// The first payload.
        value: u32,
    },
    /// `alloc` a value whose destructor panics (with [`crate::support::Planned`]) through open
    /// scope `scope % open`; a plain `Alloc` while the arena holds such a value already (a
    /// second panic while unwinding from the first would abort).
    AllocPanicking {
        /// Which open scope.
        scope: u8,
        /// The value's payload.
        value: u32,
    },
    /// Drop open scope `scope % open` (any one, not only the newest).
    Leave {
        /// Which open scope.
        scope: u8,
    },
    /// `mem::forget` open scope `scope % open`.
    Forget {
        /// Which open scope.
        scope: u8,
    },
    /// Check the `Debug` output of the arena and of each open scope, and `CAPACITY`.
    CheckStats,
}

/// At most this many scopes are open at once.
pub const MAX_OPEN: usize = 4;

/// The capacities every run drives, in order.
pub const CAPACITIES: [usize; 2] = [1, 3];

/// What one capacity's run went through (so that tests can check that their strategies reach
/// the interesting cases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// `N`.
    pub capacity: usize,
    /// Scopes entered.
    pub entered: u64,
    /// Scopes that entered the other epoch because the current one was full.
    pub switches: u64,
    /// Scopes that found the current epoch full and stayed (the other one was busy).
    pub stayed_in_full: u64,
    /// Allocations refused with `Full`.
    pub refused: u64,
    /// Resets by a last leaver (panicking ones included).
    pub resets: u64,
    /// Resets of an epoch that was not the current one.
    pub resets_not_current: u64,
    /// Resets whose destructor panicked.
    pub panicked_resets: u64,
    /// Scopes left other than the most recently entered open one.
    pub out_of_order_leaves: u64,
    /// Scopes forgotten.
    pub forgotten: u64,
    /// Values left in the arena for its drop (forgotten epochs).
    pub dropped_by_arena: u64,
}

/// Applies `ops` to a `ScopedArena<_, N>` for every `N` in [`CAPACITIES`] and to the model, and
/// panics at the first disagreement. What the fuzz target calls.
pub fn run(ops: &[Op]) {
    run_counted(ops);
}

/// [`run`], returning what each capacity's run went through, in the order of [`CAPACITIES`].
pub fn run_counted(ops: &[Op]) -> [Coverage; 2] {
    quiet_planned_panics();
    [run_on::<1>(ops), run_on::<3>(ops)]
}

// ---- the element ------------------------------------------------------------------------------

thread_local! {
    /// Per value id (dense, per run): how often it was dropped, and its payload at the last drop.
    static DROPS: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
}

/// The drop log of one run, on this thread. Not `support::DropLog`: a value dropped twice would
/// release an `Rc` twice there and corrupt the heap before any check could report it; `Elem`
/// owns nothing, so a second drop only counts twice.
struct Drops(());

impl Drops {
    fn start() -> Self {
        DROPS.with(|d| d.borrow_mut().clear());
        Drops(())
    }

    /// (drops, payload at the last drop) of value `id`.
    fn of(&self, id: u64) -> (usize, u32) {
        DROPS.with(|d| d.borrow().get(id as usize).copied().unwrap_or((0, 0)))
    }

    fn record(id: u64, payload: u32) {
        DROPS.with(|d| {
            let mut d = d.borrow_mut();
            let i = id as usize;
            if d.len() <= i {
                d.resize(i + 1, (0, 0));
            }
            d[i].0 += 1;
            d[i].1 = payload;
        });
    }
}

/// The arena's element: a unique id, a payload, a seal that a torn value or a value from
/// another allocation would break, and whether its destructor panics (after counting).
struct Elem {
    id: u64,
    payload: u32,
    seal: u64,
    panics: bool,
}

fn seal(id: u64) -> u64 {
    id.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

impl Elem {
    fn new(id: u64, payload: u32, panics: bool) -> Self {
        Elem {
            id,
            payload,
            seal: seal(id),
            panics,
        }
    }
}

impl fmt::Debug for Elem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Elem({}, {}, panics: {})",
            self.id, self.payload, self.panics
        )
    }
}

impl Drop for Elem {
    fn drop(&mut self) {
        assert_eq!(self.seal, seal(self.id), "dropped a torn value {self:?}");
        Drops::record(self.id, self.payload);
        if self.panics {
            planned_panic();
        }
    }
}

/// What `alloc`'s caller writes through the `&mut` it gets: the model then expects this payload
/// when reading the value back and when it is dropped.
fn touched(payload: u32) -> u32 {
    payload.rotate_left(7) ^ 0x5A5A_5A5A
}

// ---- the model --------------------------------------------------------------------------------

#[derive(Default)]
struct EpochModel {
    /// Scopes inside, forgotten ones included.
    inside: usize,
    /// Ids of the values stored this round.
    values: Vec<u64>,
    high_water: usize,
    failed: usize,
    /// A value among `values` panics when dropped.
    panicky: bool,
}

/// One value made by the run (stored or refused), as the model sees it.
struct Made {
    /// The payload it must have now (and when dropped).
    payload: u32,
    /// How often it must have been dropped by now: 0 or 1.
    drops: usize,
}

struct Model {
    cap: usize,
    epochs: [EpochModel; 2],
    current: usize,
    recycled: u64,
    /// Every value made, by id.
    made: Vec<Made>,
}

impl Model {
    /// The epoch a new scope enters; counts the scope there.
    fn enter(&mut self, cov: &mut Coverage) -> usize {
        let e = self.current;
        let other = e ^ 1;
        self.epochs[e].inside += 1;
        if self.epochs[e].values.len() == self.cap {
            if self.epochs[other].inside == 0 {
                assert!(
                    self.epochs[other].values.is_empty(),
                    "model: an epoch with no scope inside holds values"
                );
                self.epochs[other].inside += 1;
                self.current = other;
                cov.switches += 1;
                // Never the last scope of `e` here (the one leaving was just counted in), but
                // the model does not rely on it.
                let panicked = self.leave(e, cov);
                assert!(!panicked, "model: a switch reset a panicking epoch");
                return other;
            }
            cov.stayed_in_full += 1;
        }
        e
    }

    /// A scope of epoch `e` leaves; returns whether its drop must panic.
    fn leave(&mut self, e: usize, cov: &mut Coverage) -> bool {
        let epoch = &mut self.epochs[e];
        epoch.inside -= 1;
        if epoch.inside > 0 {
            return false;
        }
        cov.resets += 1;
        if e != self.current {
            cov.resets_not_current += 1;
        }
        epoch.high_water = epoch.high_water.max(epoch.values.len());
        for id in epoch.values.drain(..) {
            self.made[id as usize].drops += 1;
        }
        let panicked = mem::take(&mut epoch.panicky);
        if panicked {
            cov.panicked_resets += 1;
        } else {
            self.recycled += 1;
        }
        panicked
    }
}

// ---- the run ----------------------------------------------------------------------------------

/// An open scope and the values stored through it: id and the pointer `alloc` returned (read
/// only while the scope is open).
struct Open<'a, const N: usize> {
    scope: Scope<'a, Elem, N>,
    /// The epoch the model says the scope is in.
    epoch: usize,
    values: Vec<(u64, *const Elem)>,
}

fn run_on<const N: usize>(ops: &[Op]) -> Coverage {
    let drops = Drops::start();
    let arena: ScopedArena<Elem, N> = ScopedArena::new();
    let mut model = Model {
        cap: N,
        epochs: Default::default(),
        current: 0,
        recycled: 0,
        made: Vec::new(),
    };
    let mut cov = Coverage {
        capacity: N,
        ..Coverage::default()
    };
    let mut open: Vec<Open<'_, N>> = Vec::new();

    for (step, op) in ops.iter().enumerate() {
        let at = format!("N = {N}, step {step} ({op:?})");
        match *op {
            Op::Enter => {
                if open.len() < MAX_OPEN {
                    let epoch = model.enter(&mut cov);
                    cov.entered += 1;
                    let scope = arena.scope();
                    assert_eq!(scope.epoch(), epoch, "{at}: entered the wrong epoch");
                    open.push(Open {
                        scope,
                        epoch,
                        values: Vec::new(),
                    });
                }
            }
            Op::Alloc { scope, value } => {
                if let Some(i) = pick(&open, scope) {
                    alloc(&mut open[i], &mut model, &mut cov, value, false, &at);
                }
            }
            Op::AllocMany { scope, n, value } => {
                if let Some(i) = pick(&open, scope) {
                    for k in 0..u32::from(n % 5) {
                        alloc(
                            &mut open[i],
                            &mut model,
                            &mut cov,
                            value.wrapping_add(k),
                            false,
                            &at,
                        );
                    }
                }
            }
            Op::AllocPanicking { scope, value } => {
                if let Some(i) = pick(&open, scope) {
                    // One panicking value in the whole arena at a time: two in one reset, or
                    // one in each epoch when the arena drops them, would panic while
                    // unwinding (an abort).
                    let panics = !model.epochs.iter().any(|e| e.panicky);
                    alloc(&mut open[i], &mut model, &mut cov, value, panics, &at);
                }
            }
            Op::Leave { scope } => {
                if let Some(i) = pick(&open, scope) {
                    if i + 1 != open.len() {
                        cov.out_of_order_leaves += 1;
                    }
                    let o = open.remove(i);
                    let must_panic = model.leave(o.epoch, &mut cov);
                    let left = catch_planned(|| drop(o));
                    assert_eq!(
                        left.is_err(),
                        must_panic,
                        "{at}: the scope's drop panicked (or not) against the model"
                    );
                }
            }
            Op::Forget { scope } => {
                if let Some(i) = pick(&open, scope) {
                    cov.forgotten += 1;
                    // The epoch keeps the scope: the model's `inside` is unchanged.
                    mem::forget(open.remove(i).scope);
                }
            }
            Op::CheckStats => {
                assert_eq!(ScopedArena::<Elem, N>::CAPACITY, N, "{at}");
                let dbg = format!("{arena:?}");
                assert!(
                    dbg.contains(&format!("capacity: {N}"))
                        && dbg.contains(&format!("recycled: {}", model.recycled)),
                    "{at}: {dbg}"
                );
                for o in &open {
                    let dbg = format!("{:?}", o.scope);
                    assert!(dbg.contains(&format!("epoch: {}", o.epoch)), "{at}: {dbg}");
                }
            }
        }
        check(&arena, &open, &model, &drops, &at);
    }

    // Leave what is open, oldest first, then drop the arena: every value dropped exactly once.
    for o in open.drain(..) {
        let must_panic = model.leave(o.epoch, &mut cov);
        let left = catch_planned(|| drop(o));
        assert_eq!(left.is_err(), must_panic, "N = {N}, end: leaving");
    }
    drop(open);
    check(&arena, &[], &model, &drops, &format!("N = {N}, end"));
    let left_over: Vec<u64> = model.epochs.iter().flat_map(|e| e.values.clone()).collect();
    cov.dropped_by_arena = left_over.len() as u64;
    let panicky = model.epochs.iter().any(|e| e.panicky);
    let dropped = catch_planned(|| drop(arena));
    assert_eq!(
        dropped.is_err(),
        panicky,
        "N = {N}: the arena's drop panicked (or not) against the model"
    );
    for id in left_over {
        model.made[id as usize].drops += 1;
    }
    for (id, m) in model.made.iter().enumerate() {
        assert_eq!(m.drops, 1, "model: value {id} not accounted for");
        let (n, payload) = drops.of(id as u64);
        assert_eq!(
            (n, payload),
            (1, m.payload),
            "N = {N}, after the arena's drop: value {id} (drops, payload)"
        );
    }
    cov
}

/// The index of open scope `i % open`, if any is open.
fn pick<T>(open: &[T], i: u8) -> Option<usize> {
    (!open.is_empty()).then(|| usize::from(i) % open.len())
}

/// One `alloc` through `o`, checked against the model's prediction.
fn alloc<const N: usize>(
    o: &mut Open<'_, N>,
    model: &mut Model,
    cov: &mut Coverage,
    payload: u32,
    panics: bool,
    at: &str,
) {
    let id = model.made.len() as u64;
    model.made.push(Made { payload, drops: 0 });
    let epoch = &mut model.epochs[o.epoch];
    let fits = epoch.values.len() < N;
    match o.scope.alloc(Elem::new(id, payload, panics)) {
        Ok(r) => {
            assert!(fits, "{at}: stored value {id} in a full epoch");
            assert_eq!((r.id, r.payload, r.panics), (id, payload, panics), "{at}");
            r.payload = touched(payload);
            model.made[id as usize].payload = touched(payload);
            epoch.values.push(id);
            epoch.panicky |= panics;
            o.values.push((id, &*r as *const Elem));
        }
        Err(full) => {
            assert!(!fits, "{at}: Full with room in the epoch");
            cov.refused += 1;
            epoch.failed += 1;
            let mut back = full.into_inner();
            assert_eq!((back.id, back.payload), (id, payload), "{at}: handed back");
            back.panics = false;
            drop(back);
            model.made[id as usize].drops = 1;
        }
    }
}

/// Compares everything observable with the model (see the module docs).
fn check<const N: usize>(
    arena: &ScopedArena<Elem, N>,
    open: &[Open<'_, N>],
    model: &Model,
    drops: &Drops,
    at: &str,
) {
    assert_eq!(arena.recycled(), model.recycled, "{at}: recycled");
    for (k, o) in open.iter().enumerate() {
        let s = &o.scope;
        let e = &model.epochs[o.epoch];
        assert_eq!(s.epoch(), o.epoch, "{at}: scope {k}'s epoch");
        let len = e.values.len();
        let got = (
            s.len(),
            s.is_empty(),
            s.remaining(),
            s.is_full(),
            s.capacity(),
            s.bytes_used(),
            s.high_water(),
            s.failed_allocs(),
        );
        let want = (
            len,
            len == 0,
            N - len,
            len == N,
            N,
            len * mem::size_of::<Elem>(),
            e.high_water.max(len),
            e.failed,
        );
        assert_eq!(
            got, want,
            "{at}: scope {k} (epoch {}): (len, is_empty, remaining, is_full, capacity, \
             bytes_used, high_water, failed_allocs)",
            o.epoch
        );
        for &(id, p) in &o.values {
            // SAFETY: `p` came from `alloc` through `o.scope`, which is still open: its epoch
            // cannot be reset while it is inside, so the value is alive and nothing else
            // refers to its slot (the `&mut` it came from is no longer used).
            let v = unsafe { &*p };
            assert_eq!(v.seal, seal(v.id), "{at}: torn value {v:?}");
            assert_eq!(
                (v.id, v.payload),
                (id, model.made[id as usize].payload),
                "{at}: scope {k}'s value {id} read back"
            );
        }
    }
    for (id, m) in model.made.iter().enumerate() {
        let (n, payload) = drops.of(id as u64);
        assert_eq!(n, m.drops, "{at}: drops of value {id}");
        if n > 0 {
            assert_eq!(
                payload, m.payload,
                "{at}: value {id}'s payload when dropped"
            );
        }
    }
}
