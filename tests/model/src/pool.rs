//! Model of [`Pool`]: a bump cursor over `N` slots whose values survive from one round to the
//! next, and the [`PoolLocal`] handles that claim chunks of it.
//!
//! The reference model keeps, per slot, the value it holds (none before first use, or after
//! `clear`, a panicking reset or a panicking `Default`) and whether the slot was handed out
//! this round; per claimed slot (the cursor), whether `len` counts it, it is a hole (a live or
//! forgotten handle's chunk) or free in a *word* (`words.rs`); the cursor's 4 inline words; the
//! high-water mark, the failure count and, per handle, its chunk, word and next chunk size.
//! Claims, refills, the give-back of tails at the cursor's end and the publication of a
//! dropped handle's unused tail follow the same rules as in the arena's model (see
//! `arena.rs`).
//!
//! Every value is a `V` with a unique id whose drop is logged ([`DropLog`]). Its
//! `reset_fields` follows the [`Mode`] the test gave it: keep the payload (so a value from an
//! earlier round stays recognisable), wipe it, or panic ([`support::planned_panic`]).
//! `V::default()` panics when the operation asks for it. After every step `run` compares the
//! statistics, the drops (each value exactly once, at the step the model says) and the number
//! of `default`/`reset_fields` calls; `take` compares the recycled value it gets, and
//! `iter_mut` the exact list of values, in slot order.
//!
//! Handles borrow the pool, so `run` cuts the sequence into segments: the `&self` operations
//! between two `&mut self` ones (`reset`, `clear`, `iter_mut`, dropping the pool) run with the
//! handles and the references handed out so far alive; the handles still alive are dropped
//! (in creation order) when the segment ends.

use std::cell::RefCell;
use std::fmt;
use std::mem;

use arbitrary::Arbitrary;
use atomicarena::{FieldReset, Full, Heap, HeapPool, Inline, PoolIn, PoolLocal, Storage};

use crate::support::{self, DropLog, Tracked};

/// What a value's `reset_fields` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Mode {
    /// Keeps the payload: the value is recognisable in the next round.
    Keep,
    /// Sets the payload to 0.
    Wipe,
    /// Panics with [`support::Planned`].
    Panic,
}

/// One operation on the pool. Every value is valid: indices are taken modulo what exists and
/// counts are clamped inside [`run`].
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    /// `pool.take()`; the value then gets `payload` and `mode`. If the slot holds no value,
    /// `V::default()` runs, and panics when `default_panics`.
    Take {
        /// Written into the value taken.
        payload: u32,
        /// Its reset behaviour from now on.
        mode: Mode,
        /// Whether `V::default()` panics (if it is called).
        default_panics: bool,
    },
    /// `pool.alloc(V { payload, mode })`.
    Alloc {
        /// The new value's payload.
        payload: u32,
        /// Its reset behaviour.
        mode: Mode,
    },
    /// `count` (at most `N + 1`) `take`s or `alloc`s in a row, payloads `1000 + k`.
    Fill {
        /// How many.
        count: u8,
        /// `alloc` rather than `take`.
        alloc: bool,
        /// The values' reset behaviour.
        mode: Mode,
    },
    /// Reads a reference handed out earlier this round (the `which`-th, modulo) and writes
    /// `payload` through it.
    Touch {
        /// Which reference.
        which: u8,
        /// The payload written.
        payload: u32,
    },
    /// `pool.local()` (at most four handles are alive at once).
    LocalNew,
    /// `take` through a live handle (one is made if none is alive).
    LocalTake {
        /// Which handle, modulo the live ones.
        handle: u8,
        /// As for [`Op::Take`].
        payload: u32,
        /// As for [`Op::Take`].
        mode: Mode,
        /// As for [`Op::Take`].
        default_panics: bool,
    },
    /// `alloc` through a live handle (one is made if none is alive).
    LocalAlloc {
        /// Which handle, modulo the live ones.
        handle: u8,
        /// As for [`Op::Alloc`].
        payload: u32,
        /// As for [`Op::Alloc`].
        mode: Mode,
    },
    /// Drops a live handle (none: nothing happens).
    LocalDrop {
        /// Which handle, modulo the live ones.
        handle: u8,
    },
    /// `mem::forget`s a live handle (none: nothing happens).
    LocalForget {
        /// Which handle, modulo the live ones.
        handle: u8,
    },
    /// `pool.reset()` (ends the live handles first).
    Reset,
    /// `pool.clear()` (ends the live handles first).
    Clear,
    /// `pool.iter_mut()`: compares the values and adds 1 to each payload.
    IterMut,
    /// Drops the pool and starts over with a new one.
    DropPool,
}

impl Op {
    /// Whether the operation needs only `&Pool` (so it runs with handles alive).
    fn is_shared(&self) -> bool {
        !matches!(self, Op::Reset | Op::Clear | Op::IterMut | Op::DropPool)
    }
}

/// Runs `ops` against a `Pool<_, 8>` (handles claim one slot at a time) and then against a
/// `Pool<_, 64>` (chunks of two), comparing each with the model; panics at the first
/// difference, naming the capacity, the step and what differed.
pub fn run(ops: &[Op]) {
    run_with::<8>(ops);
    run_with::<64>(ops);
}

/// [`run`] with one capacity `N`, in both storages: `Pool<_, N>` and `HeapPool` of `N` slots,
/// through the same model.
///
/// Under Miri (which runs every case of every model at its slow pace) the heap storage runs
/// for the smallest capacity only: the storages share every line of the pool's logic, and
/// `tests/heap.rs` checks the heap pool under Miri on its own.
pub fn run_with<const N: usize>(ops: &[Op]) {
    run_in::<N, Inline<N>>(ops);
    if !cfg!(miri) || N == 8 {
        run_in::<N, Heap>(ops);
    }
}

/// Builds the pool of a storage: `Pool::new()` inline, `HeapPool::with_capacity(n)`.
trait Make: Storage {
    fn make(n: usize) -> PoolIn<V, Self>;
}

impl<const N: usize> Make for Inline<N> {
    fn make(n: usize) -> PoolIn<V, Self> {
        assert_eq!(n, N);
        PoolIn::new()
    }
}

impl Make for Heap {
    fn make(n: usize) -> PoolIn<V, Self> {
        HeapPool::with_capacity(n)
    }
}

/// [`run_with`] in one storage `S`.
fn run_in<const N: usize, S: Make>(ops: &[Op]) {
    support::quiet_planned_panics();
    let log = Ctx::install();
    let mut model = Model::<N>::new();
    let mut pool: PoolIn<V, S> = S::make(N);
    let mut at = 0;
    while let Some(op) = ops.get(at) {
        if op.is_shared() {
            at = shared_segment(&pool, &mut model, &log, ops, at);
            continue;
        }
        let step = Step {
            n: N,
            at,
            op: Some(op),
        };
        match op {
            Op::Reset => {
                let (panics, calls) = model.reset();
                let before = Ctx::resets();
                let got = support::catch_planned(|| pool.reset());
                assert_eq!(got.is_err(), panics, "{step}: reset panicked");
                assert_eq!(Ctx::resets() - before, calls, "{step}: reset_fields calls");
            }
            Op::Clear => {
                model.clear();
                pool.clear();
            }
            Op::IterMut => {
                let want: Vec<Val> = model.iter_mut().collect();
                let got: Vec<Val> = pool
                    .iter_mut()
                    .map(|v| {
                        let seen = Val::of(v);
                        v.t.payload = v.t.payload.wrapping_add(1);
                        seen
                    })
                    .collect();
                assert_eq!(
                    got, want,
                    "{step}: iter_mut yields the values handed out this round"
                );
            }
            Op::DropPool => {
                model.drop_all();
                pool = S::make(N);
                model.start_over();
            }
            _ => unreachable!("shared operations run in `shared_segment`"),
        }
        model.check(&pool, &log, &step);
        at += 1;
    }
    drop(pool);
    model.drop_all();
    let step = Step {
        n: N,
        at: usize::MAX,
        op: None,
    };
    model.check_drops(&log, &step);
    assert_eq!(
        log.total() as u64,
        model.next_id,
        "{step}: every value ever made was dropped"
    );
    log.assert_none_twice();
}

/// Names a step in failure messages; formatted only when an assertion fails.
struct Step<'a> {
    n: usize,
    at: usize,
    op: Option<&'a Op>,
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            Some(op) => write!(f, "Pool<_, {}> step {} ({op:?})", self.n, self.at),
            None if self.at == usize::MAX => write!(f, "Pool<_, {}> the end", self.n),
            None => write!(
                f,
                "Pool<_, {}> before step {}: live handles dropped",
                self.n, self.at
            ),
        }
    }
}

/// Runs the `&self` operations from `ops[at]` up to the next `&mut self` one, with handles and
/// handed-out references alive; drops the remaining handles in order; returns where it stopped.
fn shared_segment<'p, const N: usize, S: Storage>(
    pool: &'p PoolIn<V, S>,
    model: &mut Model<N>,
    log: &DropLog,
    ops: &[Op],
    mut at: usize,
) -> usize {
    const MAX_HANDLES: usize = 4;
    let mut handles: Vec<(PoolLocal<'p, V, S>, ModelHandle)> = Vec::new();
    // References handed out this round, with the slot the model says they point to.
    let mut refs: Vec<(usize, &'p mut V)> = Vec::new();
    while let Some(op) = ops.get(at).filter(|op| op.is_shared()) {
        let step = Step {
            n: N,
            at,
            op: Some(op),
        };
        match *op {
            Op::Take {
                payload,
                mode,
                default_panics,
            } => {
                let slot = model.claim_one();
                let got = take_via(model, slot, default_panics, &step, || pool.take());
                refs.extend(model.handed(slot, got, default_panics, payload, mode, &step));
            }
            Op::Alloc { payload, mode } => {
                let value = model.new_value(payload, mode);
                let slot = model.claim_one();
                let got = pool.alloc(value);
                refs.extend(model.allocated(slot, got, payload, mode, &step));
            }
            Op::Fill { count, alloc, mode } => {
                for k in 0..usize::from(count).min(N + 1) {
                    let payload = 1000 + k as u32;
                    let slot = model.claim_one();
                    let r = if alloc {
                        let value = model.new_value(payload, mode);
                        model.allocated(slot, pool.alloc(value), payload, mode, &step)
                    } else {
                        let got = take_via(model, slot, false, &step, || pool.take());
                        model.handed(slot, got, false, payload, mode, &step)
                    };
                    refs.extend(r);
                }
            }
            Op::Touch { which, payload } => {
                if !refs.is_empty() {
                    let k = usize::from(which) % refs.len();
                    let (slot, r) = &mut refs[k];
                    assert!(model.handed[*slot], "{step}: slot {slot} was handed out");
                    let want = model.vals[*slot].as_mut();
                    assert_eq!(
                        Some(Val::of(r)),
                        want.as_deref().copied(),
                        "{step}: the reference to slot {slot} still sees its value"
                    );
                    r.t.payload = payload;
                    if let Some(v) = want {
                        v.payload = payload;
                    }
                }
            }
            Op::LocalNew => {
                if handles.len() < MAX_HANDLES {
                    handles.push((pool.local(), ModelHandle::new::<N>()));
                }
            }
            Op::LocalTake {
                handle,
                payload,
                mode,
                default_panics,
            } => {
                if handles.is_empty() {
                    handles.push((pool.local(), ModelHandle::new::<N>()));
                }
                let k = usize::from(handle) % handles.len();
                let (local, mh) = &mut handles[k];
                let slot = model.next_slot(mh);
                let got = take_via(model, slot, default_panics, &step, || local.take());
                let panicked = got.is_err();
                refs.extend(model.handed(slot, got, default_panics, payload, mode, &step));
                if let (true, Some(i)) = (panicked, slot) {
                    // `PoolLocal::take` unwound: it committed the slots before `i`, and `i`
                    // (a hole) stays out of its commits.
                    model.commit_before(mh, i);
                }
            }
            Op::LocalAlloc {
                handle,
                payload,
                mode,
            } => {
                if handles.is_empty() {
                    handles.push((pool.local(), ModelHandle::new::<N>()));
                }
                let k = usize::from(handle) % handles.len();
                let (local, mh) = &mut handles[k];
                let value = model.new_value(payload, mode);
                let slot = model.next_slot(mh);
                let got = local.alloc(value);
                refs.extend(model.allocated(slot, got, payload, mode, &step));
            }
            Op::LocalDrop { handle } => {
                if !handles.is_empty() {
                    let (local, mut mh) = handles.remove(usize::from(handle) % handles.len());
                    drop(local);
                    model.give_back(&mut mh);
                }
            }
            Op::LocalForget { handle } => {
                if !handles.is_empty() {
                    let (local, mh) = handles.remove(usize::from(handle) % handles.len());
                    mem::forget(local);
                    model.forget(&mh);
                }
            }
            Op::Reset | Op::Clear | Op::IterMut | Op::DropPool => unreachable!("not shared"),
        }
        model.check(pool, log, &step);
        at += 1;
    }
    if !handles.is_empty() {
        for (local, mut mh) in handles {
            drop(local);
            model.give_back(&mut mh);
        }
        model.check(pool, log, &Step { n: N, at, op: None });
    }
    at
}

/// Calls `take` (through the pool or a handle) with `V::default()` set to panic or not, and
/// checks that `default` ran exactly when the model says the slot holds no value.
fn take_via<'p, const N: usize>(
    model: &Model<N>,
    slot: Option<usize>,
    default_panics: bool,
    step: &Step<'_>,
    take: impl FnOnce() -> Result<&'p mut V, Full<()>>,
) -> Result<Result<&'p mut V, Full<()>>, ()> {
    let calls_default = slot.is_some_and(|i| model.vals[i].is_none());
    let before = Ctx::defaults();
    Ctx::set_default_panics(default_panics);
    let got = support::catch_planned(take);
    Ctx::set_default_panics(false);
    assert_eq!(
        Ctx::defaults() - before,
        usize::from(calls_default),
        "{step}: V::default() calls (slot {slot:?})"
    );
    got
}

// ---- the value -----------------------------------------------------------------------------

/// The element type: an id'd payload whose drop is logged, and how to reset it.
#[derive(Debug)]
struct V {
    t: Tracked,
    mode: Mode,
    /// How often `reset_fields` ran on this value.
    resets: u32,
}

/// What `run` plants for the code under test: the log, the next id, whether `V::default()`
/// panics, and call counts.
#[derive(Default)]
struct Ctx {
    log: DropLog,
    next_id: u64,
    default_panics: bool,
    defaults: usize,
    resets: usize,
}

thread_local! {
    static CTX: RefCell<Ctx> = RefCell::new(Ctx::default());
}

impl Ctx {
    /// Starts a run on this thread: a new log, ids from 0. Returns the log.
    fn install() -> DropLog {
        CTX.with(|c| {
            *c.borrow_mut() = Ctx::default();
            c.borrow().log.clone()
        })
    }

    fn set_default_panics(on: bool) {
        CTX.with(|c| c.borrow_mut().default_panics = on);
    }

    fn defaults() -> usize {
        CTX.with(|c| c.borrow().defaults)
    }

    fn resets() -> usize {
        CTX.with(|c| c.borrow().resets)
    }

    fn make(payload: u32, mode: Mode) -> V {
        let t = CTX.with(|c| {
            let mut c = c.borrow_mut();
            let id = c.next_id;
            c.next_id += 1;
            c.log.track(id, payload)
        });
        V { t, mode, resets: 0 }
    }
}

impl Default for V {
    fn default() -> Self {
        let panics = CTX.with(|c| {
            let mut c = c.borrow_mut();
            c.defaults += 1;
            c.default_panics
        });
        if panics {
            support::planned_panic();
        }
        Ctx::make(0, Mode::Keep)
    }
}

impl FieldReset for V {
    fn reset_fields(&mut self) {
        CTX.with(|c| c.borrow_mut().resets += 1);
        match self.mode {
            Mode::Keep => {}
            Mode::Wipe => self.t.payload = 0,
            Mode::Panic => support::planned_panic(),
        }
        self.resets += 1;
    }
}

// ---- the model -----------------------------------------------------------------------------

/// What the model knows of a value; compared with [`Val::of`] the real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Val {
    id: u64,
    payload: u32,
    mode: Mode,
    resets: u32,
}

impl Val {
    fn of(v: &V) -> Val {
        Val {
            id: v.t.id,
            payload: v.t.payload,
            mode: v.mode,
            resets: v.resets,
        }
    }
}

/// A claimed slot (below the cursor), as the model counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cl {
    /// Handed out by a call, or by a handle that committed it: counted by `len`.
    Used,
    /// Handed out by a live handle, not committed yet (refill or drop): counted as a hole.
    Pending,
    /// In a live handle's chunk, not used yet: counted as a hole.
    Reserved,
    /// Claimed, counted as a hole: a forgotten handle's chunk, the tail of a handle with no
    /// word, a `take` whose `V::default()` panicked.
    Hole,
    /// In a word's free range: claimable, counted by `remaining`.
    Free,
}

/// A word of the cursor (`words.rs`): the pool's 4 inline words, in the order claims visit
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    Empty,
    /// Owned by a handle (alive, or forgotten until the next `&mut` operation).
    Owned,
    /// A free range (never empty).
    Free(std::ops::Range<usize>),
}

/// The word of a handle (`local.rs`'s `WordState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HWord {
    Unasked,
    NoWord,
    Owned(usize),
}

/// A handle's chunk `next..end`, its first slot not committed yet, its word and the size of
/// its next chunk.
struct ModelHandle {
    start: usize,
    next: usize,
    end: usize,
    chunk: usize,
    max_chunk: usize,
    word: HWord,
}

impl ModelHandle {
    /// As documented for `Pool::local`: first chunk 16 slots, doubling up to 1,024 or `N / 32`,
    /// whichever is smaller, and at least 1.
    fn new<const N: usize>() -> Self {
        let max_chunk = (N / 32).clamp(1, 1024);
        ModelHandle {
            start: 0,
            next: 0,
            end: 0,
            chunk: 16.min(max_chunk),
            max_chunk,
            word: HWord::Unasked,
        }
    }
}

struct Model<const N: usize> {
    /// The value each slot holds.
    vals: Vec<Option<Val>>,
    /// Whether the slot was handed out this round (by `take` or `alloc`, whatever happened).
    handed: Vec<bool>,
    /// One entry per slot claimed this round: `cl.len()` is the cursor.
    cl: Vec<Cl>,
    /// The cursor's inline words.
    words: Vec<Word>,
    /// Largest `len` of the finished rounds.
    high_water: usize,
    failed: usize,
    /// Id of the next value made (by `V::default()` or by the test).
    next_id: u64,
    /// Values dropped so far, and how many of them the last check saw.
    dropped: Vec<u64>,
    checked_drops: usize,
}

impl<const N: usize> Model<N> {
    fn new() -> Self {
        Model {
            vals: vec![None; N],
            handed: vec![false; N],
            cl: Vec::new(),
            // The runtime's words: 4 inline; 16 more in the table of a striped pool (from
            // `stripes::MIN_CAPACITY` slots: 4,096, and 64 under Miri).
            words: vec![
                Word::Empty;
                if N >= if cfg!(miri) { 64 } else { 4096 } {
                    20
                } else {
                    4
                }
            ],
            high_water: 0,
            failed: 0,
            next_id: 0,
            dropped: Vec::new(),
            checked_drops: 0,
        }
    }

    fn cursor(&self) -> usize {
        self.cl.len()
    }

    /// `len()`: the slots handed out this round and committed.
    fn len(&self) -> usize {
        self.cl.iter().filter(|c| **c == Cl::Used).count()
    }

    /// `remaining()`: above the cursor, and in the words' free ranges.
    fn remaining(&self) -> usize {
        N - self.cursor() + self.cl.iter().filter(|c| **c == Cl::Free).count()
    }

    fn fill(&mut self, r: std::ops::Range<usize>, to: Cl) {
        self.cl[r].fill(to);
    }

    /// `words::take_front` on the first word whose range qualifies.
    fn take_front(&mut self, want: usize, exact: bool) -> Option<std::ops::Range<usize>> {
        let w = self.words.iter_mut().find(|w| match w {
            Word::Free(r) => !exact || r.len() >= want,
            _ => false,
        })?;
        let Word::Free(r) = w.clone() else {
            unreachable!()
        };
        let taken = r.start..r.start + want.min(r.len());
        *w = if taken.end == r.end {
            Word::Empty
        } else {
            Word::Free(taken.end..r.end)
        };
        Some(taken)
    }

    /// Every word's range that ends at the cursor goes back to it, until none does.
    fn give_back_tails(&mut self) {
        loop {
            let cursor = self.cursor();
            let Some(w) = self
                .words
                .iter_mut()
                .find(|w| matches!(w, Word::Free(r) if r.end == cursor))
            else {
                return;
            };
            let Word::Free(r) = mem::replace(w, Word::Empty) else {
                unreachable!()
            };
            self.cl.truncate(r.start);
        }
    }

    /// Under `&mut` (`Pool::settle`): the tails at the cursor's end go back, the words of
    /// forgotten handles are emptied. If there was one, the runtime recounts: a slot is then
    /// counted by `len` exactly when it holds a value handed out this round (`LIVE`), so a
    /// forgotten handle's handed-out values count again (a `take` whose `V::default()`
    /// panicked stays a hole).
    fn settle(&mut self) {
        self.give_back_tails();
        let mut forgotten = false;
        for w in &mut self.words {
            if *w == Word::Owned {
                forgotten = true;
                *w = Word::Empty;
            }
        }
        if forgotten {
            for i in 0..self.cursor() {
                if self.cl[i] != Cl::Free {
                    let live = self.handed[i] && self.vals[i].is_some();
                    self.cl[i] = if live { Cl::Used } else { Cl::Hole };
                }
            }
        }
    }

    /// The end of a round (after `settle`): `high_water` takes its `len`, the words empty.
    fn end_round(&mut self) -> usize {
        self.high_water = self.high_water.max(self.len());
        self.words.fill(Word::Empty);
        let claimed = self.cursor();
        self.cl.clear();
        claimed
    }

    /// A new pool: everything but the ids and the drops.
    fn start_over(&mut self) {
        assert!(self.vals.iter().all(Option::is_none));
        self.handed.fill(false);
        self.cl.clear();
        self.words.fill(Word::Empty);
        (self.high_water, self.failed) = (0, 0);
    }

    /// The test makes a value (with the next id), as `Ctx::make` does.
    fn new_value(&mut self, payload: u32, mode: Mode) -> V {
        let v = Ctx::make(payload, mode);
        assert_eq!(v.t.id, self.next_id, "ids are made in the model's order");
        self.next_id += 1;
        v
    }

    /// A single claim: the cursor, else the front of the first word with a free range.
    fn claim_one(&mut self) -> Option<usize> {
        if self.cursor() < N {
            self.cl.push(Cl::Used);
            Some(self.cursor() - 1)
        } else if let Some(r) = self.take_front(1, true) {
            self.fill(r.clone(), Cl::Used);
            Some(r.start)
        } else {
            self.failed += 1;
            None
        }
    }

    /// A handle's take of slot `i` panicked: the slots before it are committed, and `i`, a
    /// hole, is skipped (`SkipOnPanic` in `local.rs`).
    fn commit_before(&mut self, h: &mut ModelHandle, i: usize) {
        h.next = i;
        self.commit(h);
        assert_eq!(self.cl[i], Cl::Hole, "model error: slot {i}");
        (h.start, h.next) = (i + 1, i + 1);
    }

    /// A handle's used slots are committed (counted by `len`).
    fn commit(&mut self, h: &mut ModelHandle) {
        for i in h.start..h.next {
            match self.cl[i] {
                Cl::Pending => self.cl[i] = Cl::Used,
                // A `take` whose `V::default()` panicked: a hole, committed or not.
                Cl::Hole => {}
                other => panic!("model error: slot {i} is {other:?}"),
            }
        }
        h.start = h.next;
    }

    /// `CursorCore::own_word`: the first empty word, else the first word with a free range
    /// (which becomes the handle's chunk), else none.
    fn own_word(&mut self) -> (HWord, Option<std::ops::Range<usize>>) {
        // As `CursorCore::own_word`: the inline words (an empty one, else one with a range to
        // take over), then the table's the same way.
        let n = self.words.len();
        for group in [0..4.min(n), 4.min(n)..n] {
            if let Some(k) = group.clone().find(|&k| self.words[k] == Word::Empty) {
                self.words[k] = Word::Owned;
                return (HWord::Owned(k), None);
            }
            if let Some(k) = group
                .clone()
                .find(|&k| matches!(self.words[k], Word::Free(_)))
            {
                let Word::Free(r) = mem::replace(&mut self.words[k], Word::Owned) else {
                    unreachable!()
                };
                return (HWord::Owned(k), Some(r));
            }
        }
        (HWord::NoWord, None)
    }

    /// A handle's refill: commit; own a word at the first refill; the tails at the cursor's
    /// end go back; up to `want` slots of the cursor, else up to `want` from the front of the
    /// first word with a free range (`want` is 1 for a handle with no word).
    fn refill(&mut self, h: &mut ModelHandle) -> bool {
        self.commit(h);
        let mut taken = None;
        if h.word == HWord::Unasked {
            (h.word, taken) = self.own_word();
        }
        let want = if h.word == HWord::NoWord { 1 } else { h.chunk };
        let got = match taken {
            Some(r) => Some(r),
            None => {
                self.give_back_tails();
                let start = self.cursor();
                if start < N {
                    let end = start + want.min(N - start);
                    self.cl.resize(end, Cl::Reserved);
                    Some(start..end)
                } else {
                    self.take_front(want, false)
                }
            }
        };
        let Some(r) = got else {
            self.failed += 1;
            return false;
        };
        self.fill(r.clone(), Cl::Reserved);
        (h.start, h.next, h.end) = (r.start, r.start, r.end);
        h.chunk = (h.chunk * 2).min(h.max_chunk);
        true
    }

    fn next_slot(&mut self, h: &mut ModelHandle) -> Option<usize> {
        if h.next == h.end && !self.refill(h) {
            return None;
        }
        self.cl[h.next] = Cl::Pending;
        h.next += 1;
        Some(h.next - 1)
    }

    /// A dropped handle commits, gives its unused slots back if they are still at the
    /// cursor's end, and otherwise publishes them in its word (a handle with no word leaves
    /// them as holes).
    fn give_back(&mut self, h: &mut ModelHandle) {
        self.commit(h);
        let unused = h.next..h.end;
        let left = if unused.is_empty() {
            None
        } else if self.cursor() == unused.end {
            self.cl.truncate(unused.start);
            None
        } else {
            Some(unused)
        };
        match (h.word, left) {
            (HWord::Owned(k), Some(r)) => {
                self.fill(r.clone(), Cl::Free);
                self.words[k] = Word::Free(r);
            }
            (HWord::Owned(k), None) => self.words[k] = Word::Empty,
            (_, Some(r)) => self.fill(r, Cl::Hole),
            (_, None) => {}
        }
    }

    /// A forgotten handle: its chunk since the last commit is counted as holes (its word
    /// stays owned until the next `&mut` operation).
    fn forget(&mut self, h: &ModelHandle) {
        self.fill(h.start..h.end, Cl::Hole);
    }

    fn drop_val(&mut self, i: usize) {
        if let Some(v) = self.vals[i].take() {
            self.dropped.push(v.id);
        }
    }

    /// Checks what a `take` of `slot` gave, gives the value `payload` and `mode` (in the pool
    /// and in the model) and returns the reference.
    fn handed<'p>(
        &mut self,
        slot: Option<usize>,
        got: Result<Result<&'p mut V, Full<()>>, ()>,
        default_panics: bool,
        payload: u32,
        mode: Mode,
        step: &Step<'_>,
    ) -> Option<(usize, &'p mut V)> {
        let Some(i) = slot else {
            assert!(
                matches!(got, Ok(Err(_))),
                "{step}: take on a full round is Full"
            );
            return None;
        };
        self.handed[i] = true;
        let want = match self.vals[i] {
            Some(v) => v,
            None => {
                if default_panics {
                    // `take_via` checked that `V::default()` ran, so it panicked: the slot is
                    // a hole (claimed, holding no value), whoever claimed it.
                    assert!(got.is_err(), "{step}: take of empty slot {i} panicked");
                    self.cl[i] = Cl::Hole;
                    return None;
                }
                // A slot's first value is `V::default()` with `reset_fields` applied once
                // (its mode is `Keep`, so the reset never panics).
                let fresh = Val {
                    id: self.next_id,
                    payload: 0,
                    mode: Mode::Keep,
                    resets: 1,
                };
                self.next_id += 1;
                self.vals[i] = Some(fresh);
                return self.handed(Some(i), got, false, payload, mode, step);
            }
        };
        let r = match got {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => panic!("{step}: take found the round full, slot {i} was free"),
            Err(()) => panic!("{step}: take of slot {i} (holding {want:?}) panicked"),
        };
        assert_eq!(Val::of(r), want, "{step}: take of slot {i}");
        r.t.payload = payload;
        r.mode = mode;
        self.vals[i] = Some(Val {
            payload,
            mode,
            ..want
        });
        Some((i, r))
    }

    /// Checks what an `alloc` into `slot` gave; the old value of the slot is dropped.
    fn allocated<'p>(
        &mut self,
        slot: Option<usize>,
        got: Result<&'p mut V, Full<V>>,
        payload: u32,
        mode: Mode,
        step: &Step<'_>,
    ) -> Option<(usize, &'p mut V)> {
        let id = self.next_id - 1; // the value just made
        match (slot, got) {
            (None, Err(full)) => {
                let v = full.into_inner();
                assert_eq!(
                    v.t.id, id,
                    "{step}: alloc on a full round gives the value back"
                );
                drop(v);
                self.dropped.push(id);
                None
            }
            (Some(i), Ok(r)) => {
                self.drop_val(i);
                let want = Val {
                    id,
                    payload,
                    mode,
                    resets: 0,
                };
                assert_eq!(Val::of(r), want, "{step}: alloc into slot {i}");
                self.vals[i] = Some(want);
                self.handed[i] = true;
                Some((i, r))
            }
            (slot, got) => panic!(
                "{step}: alloc: the model expected slot {slot:?}, the pool said full: {}",
                got.is_err()
            ),
        }
    }

    /// `reset`: returns whether it panics and how many `reset_fields` calls it makes.
    ///
    /// Each value handed out this round is reset once, in slot order. Slots claimed by a
    /// handle and not used (stranded) keep their value as it is. At the first panicking reset,
    /// that value and every value in the rest of the round's slots are dropped.
    fn reset(&mut self) -> (bool, usize) {
        self.settle();
        let len = self.end_round();
        let mut calls = 0;
        let mut panicked = false;
        for i in 0..len {
            if panicked {
                self.drop_val(i);
                continue;
            }
            if !self.handed[i] {
                continue;
            }
            if let Some(v) = &mut self.vals[i] {
                calls += 1;
                match v.mode {
                    Mode::Panic => {
                        panicked = true;
                        self.drop_val(i);
                    }
                    Mode::Keep => v.resets += 1,
                    Mode::Wipe => {
                        v.payload = 0;
                        v.resets += 1;
                    }
                }
            }
        }
        self.handed.fill(false);
        (panicked, calls)
    }

    fn clear(&mut self) {
        self.settle();
        self.end_round();
        self.drop_all();
    }

    fn drop_all(&mut self) {
        for i in 0..N {
            self.drop_val(i);
        }
        self.handed.fill(false);
    }

    /// The values `iter_mut` yields, in slot order; adds 1 to each payload as `run` does.
    fn iter_mut(&mut self) -> impl Iterator<Item = Val> + '_ {
        self.settle();
        self.vals
            .iter_mut()
            .zip(&self.handed)
            .filter(|(_, handed)| **handed)
            .filter_map(|(v, _)| {
                let v = v.as_mut()?;
                let seen = *v;
                v.payload = v.payload.wrapping_add(1);
                Some(seen)
            })
    }

    /// Every statistic, and the drops since the last check.
    fn check<S: Storage>(&mut self, pool: &PoolIn<V, S>, log: &DropLog, step: &Step<'_>) {
        let (len, remaining) = (self.len(), self.remaining());
        assert_eq!(pool.len(), len, "{step}: len");
        assert_eq!(pool.is_empty(), len == 0, "{step}: is_empty");
        assert_eq!(pool.remaining(), remaining, "{step}: remaining");
        assert_eq!(pool.is_full(), remaining == 0, "{step}: is_full");
        assert_eq!(
            pool.bytes_used(),
            len * mem::size_of::<V>(),
            "{step}: bytes_used"
        );
        assert_eq!(
            pool.high_water(),
            self.high_water.max(len),
            "{step}: high_water"
        );
        assert_eq!(pool.failed_allocs(), self.failed, "{step}: failed_allocs");
        assert_eq!(pool.capacity(), N);
        self.check_drops(log, step);
    }

    /// The values the model dropped since the last check were each dropped once, and no other
    /// value was dropped (the totals agree).
    fn check_drops(&mut self, log: &DropLog, step: &Step<'_>) {
        for &id in &self.dropped[self.checked_drops..] {
            assert_eq!(log.drops(id), 1, "{step}: drops of value {id}");
        }
        self.checked_drops = self.dropped.len();
        assert_eq!(
            log.total(),
            self.dropped.len(),
            "{step}: values dropped in all (the model dropped {:?})",
            self.dropped
        );
    }
}
