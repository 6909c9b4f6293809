//! Model of `ScopedArena<T, N>`, single-threaded: scopes entered, used, left in any order and
//! forgotten, against a plain model of the segments.
//!
//! The reference model keeps, per segment, its capacity (`N / S`, the first `N % S` one more),
//! the number of scopes inside (forgotten ones included), the values stored this round (by id,
//! in allocation order), its completed resets and whether a value with a panicking destructor
//! is among them; per open scope, the segments it holds and the one it allocates in; and the
//! arena's hint and failed allocations. From the issue and the docs it predicts:
//!
//! * **Enter** (`scope()`, `try_scope()`): going round the ring from the hint, the first segment
//!   with room (which becomes the hint if it is not the hint already); if none has room, the
//!   hint itself. The model asserts its own invariant that a segment with no scope inside holds
//!   no value.
//! * **Alloc**: stored while the scope's segment has room. Otherwise the scope *continues*:
//!   going round from the hint, the first free segment (no scope inside) is entered, becomes
//!   the scope's segment and the hint, and takes the value. No free segment: `Full` with the
//!   same value handed back (`failed_allocs` + 1). This is the contract: `Full` only when the
//!   scope's segment is full and no segment is free.
//! * **Leave**: the scope leaves every segment it holds (lowest index first); the last scope of
//!   a segment resets it before the drop returns: each of its values dropped exactly once, the
//!   segment empty, `recycled` + 1. A value whose destructor panics makes the scope's drop panic
//!   after every value was dropped and every other segment left; the segment is empty and
//!   enterable again, and that reset is *not* counted in `recycled`.
//! * **Forget**: the segments keep the scope forever: never reset, their values dropped with the
//!   arena.
//!
//! After every step, `run` checks (the message names the capacity, the step and the
//! operation): the segment and the number of segments held of every open scope, every value
//! stored through an open scope, read back through the pointer `alloc` returned (id, payload,
//! and the payload written through the `&mut` afterwards), `len`, `is_empty` and `remaining`
//! through every open scope, `recycled()`, `failed_allocs()`, and the drop count of every value
//! made so far (stored or refused) together with the payload it had when dropped. At the end,
//! the open scopes are left in order and the arena dropped: every value must then have been
//! dropped exactly once.
//!
//! Each run drives two arenas with the same operations: `N = 16` (one segment: the whole arena
//! fills) and `N = 49` (three segments of 17, 16 and 16: scopes continue, hold several
//! segments, and find none free).

use std::cell::RefCell;
use std::fmt;
use std::mem;

use arbitrary::Arbitrary;
use atomicarena::{Heap, HeapScopedArena, Inline, Scope, ScopedArena, ScopedArenaIn, Storage};

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
    /// `alloc` through open scope `scope % open` until its segment is full (the last one
    /// continues in a free segment, or is refused), so that segments fill often.
    Fill {
        /// Which open scope.
        scope: u8,
        /// The first payload.
        value: u32,
    },
    /// `try_scope()`: like `Enter` (it never returns `None` on one thread, where no reset is
    /// in progress when it is called).
    TryEnter,
    /// Check the `Debug` output of the arena and of each open scope, `CAPACITY`, `SEGMENTS` and
    /// `segment_capacity`.
    CheckStats,
}

/// At most this many scopes are open at once.
pub const MAX_OPEN: usize = 4;

/// The capacities every run drives, in order.
pub const CAPACITIES: [usize; 2] = [16, 49];

/// What one capacity's run went through (so that tests can check that their strategies reach
/// the interesting cases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// `N`.
    pub capacity: usize,
    /// Scopes entered.
    pub entered: u64,
    /// Scopes that entered a segment other than the hint (the hint had no room).
    pub moved_on: u64,
    /// Scopes that entered a full segment (no segment had room).
    pub entered_full: u64,
    /// Allocations that continued in a free segment.
    pub continued: u64,
    /// Allocations refused with `Full`.
    pub refused: u64,
    /// Resets by a last leaver (panicking ones included).
    pub resets: u64,
    /// Resets whose destructor panicked.
    pub panicked_resets: u64,
    /// Scopes left while holding two segments or more.
    pub multi_segment_leaves: u64,
    /// Scopes left other than the most recently entered open one.
    pub out_of_order_leaves: u64,
    /// Scopes forgotten.
    pub forgotten: u64,
    /// Values left in the arena for its drop (forgotten segments).
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
    [run_on::<16>(ops), run_on::<49>(ops)]
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
struct SegmentModel {
    /// Its slots.
    cap: usize,
    /// Scopes inside, forgotten ones included.
    inside: usize,
    /// Ids of the values stored this round.
    values: Vec<u64>,
    /// Resets that returned.
    resets: u64,
    /// A value among `values` panics when dropped.
    panicky: bool,
}

impl SegmentModel {
    fn has_room(&self) -> bool {
        self.values.len() < self.cap
    }
}

/// One value made by the run (stored or refused), as the model sees it.
struct Made {
    /// The payload it must have now (and when dropped).
    payload: u32,
    /// How often it must have been dropped by now: 0 or 1.
    drops: usize,
}

/// An open scope, as the model sees it.
#[derive(Clone, Default)]
struct ScopeModel {
    /// The segments it is inside.
    held: Vec<usize>,
    /// The one it allocates in.
    current: usize,
}

struct Model {
    segments: Vec<SegmentModel>,
    hint: usize,
    failed: usize,
    /// Every value made, by id.
    made: Vec<Made>,
}

impl Model {
    fn new(n: usize) -> Self {
        let s = (n / 16).clamp(1, 16);
        let segments = (0..s)
            .map(|k| SegmentModel {
                cap: n / s + usize::from(k < n % s),
                ..SegmentModel::default()
            })
            .collect();
        Model {
            segments,
            hint: 0,
            failed: 0,
            made: Vec::new(),
        }
    }

    /// The segment a new scope enters; counts the scope there.
    fn enter(&mut self, cov: &mut Coverage) -> ScopeModel {
        let s = self.segments.len();
        let start = self.hint;
        let k = (0..s)
            .map(|j| (start + j) % s)
            .find(|&k| self.segments[k].has_room());
        let k = match k {
            Some(k) => {
                if k != start {
                    cov.moved_on += 1;
                    self.hint = k;
                }
                k
            }
            None => {
                cov.entered_full += 1;
                start
            }
        };
        self.segments[k].inside += 1;
        ScopeModel {
            held: vec![k],
            current: k,
        }
    }

    /// Where an allocation through `scope` goes: its segment, or a free one it continues in
    /// (entered, held, and the hint). `None`: refused.
    fn place(&mut self, scope: &mut ScopeModel, cov: &mut Coverage) -> Option<usize> {
        if self.segments[scope.current].has_room() {
            return Some(scope.current);
        }
        let s = self.segments.len();
        let free = (0..s)
            .map(|j| (self.hint + j) % s)
            .find(|&k| self.segments[k].inside == 0)?;
        let segment = &mut self.segments[free];
        assert!(
            segment.values.is_empty(),
            "model: a segment with no scope inside holds values"
        );
        segment.inside = 1;
        self.hint = free;
        scope.held.push(free);
        scope.current = free;
        cov.continued += 1;
        Some(free)
    }

    /// `scope` leaves every segment it holds; returns whether its drop must panic.
    fn leave(&mut self, scope: &ScopeModel, cov: &mut Coverage) -> bool {
        if scope.held.len() > 1 {
            cov.multi_segment_leaves += 1;
        }
        let mut held = scope.held.clone();
        held.sort_unstable();
        let mut panicked = false;
        for k in held {
            let segment = &mut self.segments[k];
            segment.inside -= 1;
            if segment.inside > 0 {
                continue;
            }
            cov.resets += 1;
            for id in segment.values.drain(..) {
                self.made[id as usize].drops += 1;
            }
            if mem::take(&mut segment.panicky) {
                cov.panicked_resets += 1;
                panicked = true;
            } else {
                segment.resets += 1;
            }
        }
        panicked
    }

    fn recycled(&self) -> u64 {
        self.segments.iter().map(|s| s.resets).sum()
    }
}

// ---- the run ----------------------------------------------------------------------------------

/// An open scope, the model's view of it, and the values stored through it: id and the
/// pointer `alloc` returned (read only while the scope is open).
struct Open<'a, S: Storage> {
    scope: Scope<'a, Elem, S>,
    model: ScopeModel,
    values: Vec<(u64, *const Elem)>,
}

/// Builds the arena of a storage: `ScopedArena::new()` inline, `HeapScopedArena::with_capacity(n)`.
trait Make: Storage {
    fn make(n: usize) -> ScopedArenaIn<Elem, Self>;
}

impl<const N: usize> Make for Inline<N> {
    fn make(n: usize) -> ScopedArenaIn<Elem, Self> {
        assert_eq!(n, N);
        assert_eq!(ScopedArena::<Elem, N>::CAPACITY, N);
        ScopedArena::new()
    }
}

impl Make for Heap {
    fn make(n: usize) -> ScopedArenaIn<Elem, Self> {
        HeapScopedArena::with_capacity(n)
    }
}

/// Runs `ops` on an arena of `N` slots in both storages, inline and on the heap, through the
/// same model; returns the inline run's coverage.
///
/// Under Miri the heap storage runs for 16 slots only (the storages share every line of the
/// arena's logic; `tests/heap.rs` checks a heap scoped arena under Miri on its own).
fn run_on<const N: usize>(ops: &[Op]) -> Coverage {
    let cov = run_in::<N, Inline<N>>(ops);
    if !cfg!(miri) || N == 16 {
        run_in::<N, Heap>(ops);
    }
    cov
}

fn run_in<const N: usize, S: Make>(ops: &[Op]) -> Coverage {
    let drops = Drops::start();
    let arena: ScopedArenaIn<Elem, S> = S::make(N);
    let mut model = Model::new(N);
    assert_eq!(arena.segments(), model.segments.len());
    let mut cov = Coverage {
        capacity: N,
        ..Coverage::default()
    };
    let mut open: Vec<Open<'_, S>> = Vec::new();

    for (step, op) in ops.iter().enumerate() {
        let at = format!("N = {N}, step {step} ({op:?})");
        match *op {
            Op::Enter | Op::TryEnter => {
                if open.len() < MAX_OPEN {
                    let m = model.enter(&mut cov);
                    cov.entered += 1;
                    let scope = match op {
                        Op::Enter => arena.scope(),
                        _ => arena.try_scope().expect("no reset in progress"),
                    };
                    assert_eq!(
                        scope.segment(),
                        m.current,
                        "{at}: entered the wrong segment"
                    );
                    open.push(Open {
                        scope,
                        model: m,
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
            Op::Fill { scope, value } => {
                if let Some(i) = pick(&open, scope) {
                    let o = &mut open[i];
                    let room = {
                        let seg = &model.segments[o.model.current];
                        seg.cap - seg.values.len()
                    };
                    for k in 0..=room as u32 {
                        alloc(o, &mut model, &mut cov, value.wrapping_add(k), false, &at);
                    }
                }
            }
            Op::AllocPanicking { scope, value } => {
                if let Some(i) = pick(&open, scope) {
                    // One panicking value in the whole arena at a time: two in one leave, or in
                    // the arena's drop, would panic while unwinding (an abort).
                    let panics = !model.segments.iter().any(|e| e.panicky);
                    alloc(&mut open[i], &mut model, &mut cov, value, panics, &at);
                }
            }
            Op::Leave { scope } => {
                if let Some(i) = pick(&open, scope) {
                    if i + 1 != open.len() {
                        cov.out_of_order_leaves += 1;
                    }
                    let o = open.remove(i);
                    let must_panic = model.leave(&o.model, &mut cov);
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
                    // The segments keep the scope: the model's `inside` is unchanged.
                    mem::forget(open.remove(i).scope);
                }
            }
            Op::CheckStats => {
                assert_eq!(arena.capacity(), N, "{at}");
                for (k, seg) in model.segments.iter().enumerate() {
                    assert_eq!(arena.segment_capacity(k), seg.cap, "{at}: segment {k}");
                }
                let dbg = format!("{arena:?}");
                assert!(
                    dbg.contains(&format!("capacity: {N}"))
                        && dbg.contains(&format!("segments: {}", model.segments.len()))
                        && dbg.contains(&format!("recycled: {}", model.recycled()))
                        && dbg.contains(&format!("failed_allocs: {}", model.failed)),
                    "{at}: {dbg}"
                );
                for o in &open {
                    let dbg = format!("{:?}", o.scope);
                    assert!(
                        dbg.contains(&format!("segment: {}", o.model.current))
                            && dbg.contains(&format!("segments_held: {}", o.model.held.len())),
                        "{at}: {dbg}"
                    );
                }
            }
        }
        check(&arena, &open, &model, &drops, &at);
    }

    // Leave what is open, oldest first, then drop the arena: every value dropped exactly once.
    for o in open.drain(..) {
        let must_panic = model.leave(&o.model, &mut cov);
        let left = catch_planned(|| drop(o));
        assert_eq!(left.is_err(), must_panic, "N = {N}, end: leaving");
    }
    drop(open);
    check(&arena, &[], &model, &drops, &format!("N = {N}, end"));
    let left_over: Vec<u64> = model
        .segments
        .iter()
        .flat_map(|e| e.values.clone())
        .collect();
    cov.dropped_by_arena = left_over.len() as u64;
    let panicky = model.segments.iter().any(|e| e.panicky);
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
fn alloc<S: Storage>(
    o: &mut Open<'_, S>,
    model: &mut Model,
    cov: &mut Coverage,
    payload: u32,
    panics: bool,
    at: &str,
) {
    let id = model.made.len() as u64;
    model.made.push(Made { payload, drops: 0 });
    let place = model.place(&mut o.model, cov);
    match o.scope.alloc(Elem::new(id, payload, panics)) {
        Ok(r) => {
            let Some(k) = place else {
                panic!("{at}: stored value {id} with the segment full and none free")
            };
            assert_eq!((r.id, r.payload, r.panics), (id, payload, panics), "{at}");
            r.payload = touched(payload);
            model.made[id as usize].payload = touched(payload);
            let segment = &mut model.segments[k];
            segment.values.push(id);
            segment.panicky |= panics;
            o.values.push((id, &*r as *const Elem));
        }
        Err(full) => {
            assert!(place.is_none(), "{at}: Full with room or a free segment");
            cov.refused += 1;
            model.failed += 1;
            let mut back = full.into_inner();
            assert_eq!((back.id, back.payload), (id, payload), "{at}: handed back");
            back.panics = false;
            drop(back);
            model.made[id as usize].drops = 1;
        }
    }
}

/// Compares everything observable with the model (see the module docs).
fn check<S: Storage>(
    arena: &ScopedArenaIn<Elem, S>,
    open: &[Open<'_, S>],
    model: &Model,
    drops: &Drops,
    at: &str,
) {
    assert_eq!(arena.recycled(), model.recycled(), "{at}: recycled");
    assert_eq!(arena.failed_allocs(), model.failed, "{at}: failed_allocs");
    for (k, o) in open.iter().enumerate() {
        let s = &o.scope;
        let seg = &model.segments[o.model.current];
        let len = seg.values.len();
        let got = (
            s.segment(),
            s.segments_held(),
            s.len(),
            s.is_empty(),
            s.remaining(),
        );
        let want = (
            o.model.current,
            o.model.held.len(),
            len,
            len == 0,
            seg.cap - len,
        );
        assert_eq!(
            got, want,
            "{at}: scope {k}: (segment, segments_held, len, is_empty, remaining)"
        );
        for &(id, p) in &o.values {
            // SAFETY: `p` came from `alloc` through `o.scope`, which is still open: its
            // segments cannot be reset while it is inside, so the value is alive and nothing
            // else refers to its slot (the `&mut` it came from is no longer used).
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
