//! Model of the ring: `Ring<T, N>` against the list of its pushes.
//!
//! The reference model is the sequence of pushes, each with its sequence number, its value and
//! whether it is still in the ring, plus, per slot, the push it holds and how many pins (live or
//! `mem::forget`-ten [`Ref`]s) it has. A push follows the documented policy for pinned slots:
//! it takes the next sequence number `seq` (from 0, the ring's `head`; its handle's number is
//! `seq + 1`, since users count pushes from 1 and 0 is `Handle::START`), lands on slot
//! `seq % N`, skips the slot if it is pinned
//! (taking the next number), and after `max(N, 4)` fruitless attempts drops its value at once
//! and returns the (already stale) handle of its last attempt. `reset` drops every value and
//! starts the next push at `(head / N + 2) * N`: its docs promise one whole lap past the last
//! number handed out, up to `2N` numbers skipped, and the model pins the exact number down.
//! Single-threaded, a slot is never busy nor overtaken, so pins are the only reason to skip.
//!
//! After every step, `run` checks the ring against the model (the message names the capacity,
//! the step and the operation): `get` and `read` of *every* handle ever returned (the value of
//! a live push, `None` for one that was overwritten, given up or reset, forever), `iter`'s exact
//! items and order, `since` from `Handle::START` (everything, as `iter`), from the handle of
//! every push in the ring, of the push before each (often stale) and of the newest push (the
//! live pushes numbered after the handle, in order), `get(Handle::START)` (always `None`),
//! `skipped` (every number a push took without storing, over the run: resets keep it and do not
//! add to it), `latest`, `len`, `peek` of every slot (and of indices past `N`), the values
//! behind the `Ref`s it holds, and the drop count of every value (once when overwritten, reset
//! or given up, zero while in the ring) and of every clone that `read` made. Handles from
//! different calls (`push`, `peek`, `iter`, `latest`) are compared with `==` and looked up by
//! hash where the model says they name the same push. The ring is dropped at the end, with
//! forgotten pins still in it, and every value must then have been dropped exactly once.
//!
//! `since` is also given handles from another ring (a one-slot ring that the run pushes into
//! until its numbers reach the one wanted; number 0 is `Handle::START`), numbered behind, at and
//! past the ring's next number,
//! and held `since` iterators are advanced across pushes like `iter`'s.
//!
//! Each run drives three rings with the same operations: `N = 1` (every push overwrites; a
//! pinned ring gives up after 4 attempts, more than `N`), `N = 4`, and `N = 7`, whose slots are
//! spread through the array with a stride of 3 (see `Elem`), so that `peek` and `iter` go
//! through the slot permutation.
//!
//! `Ref`s borrow the ring while pushes go on through `&self`: a run is a series of *sessions*,
//! each borrowing the ring, holding up to [`MAX_HELD`] `Ref`s and at most one iterator. A
//! `Reset` ends the session (its `Ref`s are dropped, its iterator too; forgotten ones keep their
//! pins), calls `reset(&mut self)`, and starts the next one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::mem;

use arbitrary::Arbitrary;
use atomicarena::{Handle, Heap, HeapRing, Inline, Ref, Ring, RingIn, RingIter, Storage};

use crate::support::{catch_planned, planned_panic, quiet_planned_panics};

/// One step of a run. Every value is valid input: indices are taken modulo whatever they
/// index, and an operation that needs a handle or a held `Ref` when there is none does nothing
/// (but the checks still run).
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    /// `push` a value with this payload; the handle joins the list of handles.
    Push(u32),
    /// `n % 9` pushes in a row, with payloads `base`, `base + 1`, …
    PushMany(u8, u32),
    /// `get` with the handle of push `i % pushes` (every handle is also checked after each
    /// step; this one is looked at before the checks).
    Get(u8),
    /// `read` with the handle of push `i % pushes`.
    Read(u8),
    /// `read` with the handle of push `i % pushes`, with a `Clone` that panics: the guard that
    /// `read` took must be dropped (the slot unpinned) while unwinding.
    ReadPanicking(u8),
    /// `peek(i)` (any index: the ring takes it modulo `N`).
    Peek(u16),
    /// `latest()`, and `get` with it.
    Latest,
    /// `iter()` run to the end.
    Iter,
    /// Hold the `Ref` from `get` with the handle of push `i % pushes`, if the value is there.
    HoldGet(u8),
    /// Hold the `Ref` from `peek(i)`, if the slot holds a value.
    HoldPeek(u16),
    /// Hold the `Ref` of `latest()`, if the ring holds a value.
    HoldLatest,
    /// Release every held `Ref`, then hold every item of `iter()` (pins every full slot).
    HoldAll,
    /// Start a new held iterator (dropping the previous one).
    IterStart,
    /// Advance the held iterator (starting one if there is none), holding the item's `Ref` if
    /// `true`. Pushes may happen between calls: the iterator yields, in order, values pushed
    /// before it was made that are still there when it gets to them.
    IterNext(bool),
    /// `since` with the handle of push `i % pushes`, run to the end: the live pushes numbered
    /// after it, in order.
    Since(u8),
    /// `since` with a handle from another ring, numbered `v % (head + 2N + 1)`: behind, at or
    /// past the ring's next number (then nothing), or from before a reset.
    SinceForeign(u16),
    /// Start a new held iterator with `since` and the handle of push `i % pushes` (dropping the
    /// previous one); `IterNext` advances it.
    SinceStart(u8),
    /// Drop held `Ref` number `i % held`.
    Release(u8),
    /// `mem::forget` held `Ref` number `i % held`: its slot stays pinned until `Reset`.
    Forget(u8),
    /// End the session (drop held `Ref`s and the iterator) and `reset` the ring.
    Reset,
}

/// At most this many `Ref`s are held at once by a session (`HoldAll` may hold one per slot).
pub const MAX_HELD: usize = 8;

/// The capacities every run drives, in order.
pub const CAPACITIES: [usize; 3] = [1, 4, 7];

/// What one capacity's run went through (so that tests can check that their strategies reach
/// the interesting cases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// `N`.
    pub capacity: usize,
    /// Pushes made.
    pub pushes: u64,
    /// Sequence numbers skipped because their slot was pinned.
    pub skipped: u64,
    /// Pushes that found no unpinned slot and dropped their value.
    pub gave_up: u64,
    /// `get`s with a handle whose value had been in the ring and is gone (overwritten, reset).
    pub stale_gets: u64,
    /// `Ref`s forgotten.
    pub forgotten: u64,
    /// Resets.
    pub resets: u64,
    /// Items of held iterators that were yielded after a push made while the iterator lived.
    pub interleaved_items: u64,
    /// Reads whose `Clone` panicked.
    pub panicked_clones: u64,
    /// `Since` and `SinceStart` with the handle of a push no longer in the ring (or never in
    /// it) while the ring held values numbered after it.
    pub since_stale: u64,
    /// `SinceForeign` with a number at or past the ring's next one (it must yield nothing).
    pub since_ahead: u64,
    /// `SinceForeign` with a number behind the ring's next one, when the ring held values
    /// numbered after it.
    pub since_foreign: u64,
}

/// Applies `ops` to a `Ring<_, N>` for every `N` in [`CAPACITIES`] and to the model, and panics
/// at the first disagreement. What the fuzz target calls.
pub fn run(ops: &[Op]) {
    run_counted(ops);
}

/// [`run`], returning what each capacity's run went through, in the order of [`CAPACITIES`].
pub fn run_counted(ops: &[Op]) -> [Coverage; 3] {
    quiet_planned_panics();
    [run_on::<1>(ops), run_on::<4>(ops), run_on::<7>(ops)]
}

// ---- the element ------------------------------------------------------------------------------

thread_local! {
    /// Set by `ReadPanicking`: the next `Elem::clone` panics with [`crate::support::Planned`].
    static PANIC_NEXT_CLONE: Cell<bool> = const { Cell::new(false) };
}

/// Drop-count ids of the clones that `read` makes: the push's id with this bit set.
const CLONE: u64 = 1 << 63;

/// Ids of the values pushed into the other ring (to get its handles): not counted.
const FOREIGN: u64 = 1 << 62;

thread_local! {
    /// How often each value of the current run was dropped, by id: `[originals, clones]`.
    static DROPS: RefCell<[Vec<usize>; 2]> = const { RefCell::new([Vec::new(), Vec::new()]) };
}

/// The drop counts of one run (on this thread).
///
/// Not `support::DropLog`: a value there holds an `Rc` to the log, so a value that the ring
/// dropped twice would also release its `Rc` twice and corrupt the heap (the test process then
/// aborts before any assertion can say what happened). `Elem` owns nothing, so a second drop
/// only counts twice, and the next check reports it. The ids are dense, so a `Vec` does (a
/// `HashMap` costs a SipHash per drop and look-up, milliseconds under Miri).
struct Drops(());

impl Drops {
    /// Starts counting afresh for a new run.
    fn start() -> Self {
        DROPS.with(|d| *d.borrow_mut() = [Vec::new(), Vec::new()]);
        Drops(())
    }

    /// How often the value `id` (or, with `CLONE`, the clones of `id`) was dropped.
    fn drops(&self, id: u64) -> usize {
        DROPS.with(|d| {
            let counts = d.borrow();
            let of = &counts[usize::from(id & CLONE != 0)];
            of.get((id & !CLONE) as usize).copied().unwrap_or(0)
        })
    }

    fn record(id: u64) {
        if id & FOREIGN != 0 {
            return;
        }
        DROPS.with(|d| {
            let mut counts = d.borrow_mut();
            let of = &mut counts[usize::from(id & CLONE != 0)];
            let i = (id & !CLONE) as usize;
            if of.len() <= i {
                of.resize(i + 1, 0);
            }
            of[i] += 1;
        });
    }
}

/// The ring's element: the id of its push (with `CLONE` for a clone that `read` made), a
/// payload, and a seal (twice, the second time inverted) that a torn value or a value from
/// the wrong push would break. Counts its drops in [`Drops`].
///
/// 32 bytes on 64-bit targets, so a slot is 48 bytes, the ring spreads consecutive slots
/// `ceil(128 / 48) = 3` apart when `N > 6`, and `Ring<Elem, 7>` has stride 3 (the test
/// `elem_keeps_the_stride_of_the_7_slot_ring` in `tests/ring.rs` pins the size).
#[derive(Debug)]
struct Elem {
    id: u64,
    payload: u32,
    seal: u64,
    inverted: u64,
}

/// The seal of push `id` with `payload`.
fn seal(id: u64, payload: u32) -> u64 {
    id.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ u64::from(payload)
}

impl Elem {
    fn new(id: u64, payload: u32) -> Self {
        Elem {
            id,
            payload,
            seal: seal(id, payload),
            inverted: !seal(id, payload),
        }
    }

    /// The push this value (or the value it was cloned from) came from, and its payload,
    /// after checking the seal.
    fn seen(&self, at: &str) -> (u64, u32) {
        let id = self.id & !CLONE;
        assert!(
            self.seal == seal(id, self.payload) && self.inverted == !self.seal,
            "{at}: torn value {self:?}"
        );
        (id, self.payload)
    }
}

impl Drop for Elem {
    fn drop(&mut self) {
        Drops::record(self.id);
    }
}

impl Clone for Elem {
    fn clone(&self) -> Self {
        if PANIC_NEXT_CLONE.with(|p| p.replace(false)) {
            planned_panic();
        }
        Elem {
            id: self.id | CLONE,
            ..*self
        }
    }
}

/// Size check for the stride comment on [`Elem`]; `tests/ring.rs` asserts it.
pub const ELEM_SIZE: usize = mem::size_of::<Elem>();

// ---- the model --------------------------------------------------------------------------------

/// One push, as the model sees it.
struct Push {
    /// Its sequence number as the ring's `head` counts (from 0): it lands on slot `seq % N`.
    seq: u64,
    /// The handle that `push` returned (its sequence number is `seq + 1`).
    handle: Handle<Elem>,
    /// The drop-count id (the push's index in `Model::pushes`).
    id: u64,
    payload: u32,
    /// In the ring now. A push that is not is dropped (exactly once), until the ring is.
    live: bool,
    /// It was in the ring at some point (it did not give up).
    stored: bool,
}

/// The reference model of a `RingIn<Elem, S>`.
struct Model<const N: usize> {
    /// The next sequence number.
    head: u64,
    /// Every push, in order (so in sequence-number order).
    pushes: Vec<Push>,
    /// Handle to index in `pushes`.
    by_handle: HashMap<Handle<Elem>, usize>,
    /// The push held by slot `i` (logical index: sequence numbers `s` with `s % N == i`).
    slots: [Option<usize>; N],
    /// Live and forgotten `Ref`s per slot.
    pins: [usize; N],
    /// Numbers taken by pushes that stored nothing under them, over the run (`skipped()`).
    skipped: u64,
    /// Another ring, for handles that this ring did not make (`SinceForeign`). One slot and no
    /// pins: its `k`-th push (from 0) takes number `k + 1`.
    other: Ring<Elem, 1>,
    /// The other ring's handles, by number.
    foreign: Vec<Handle<Elem>>,
}

impl<const N: usize> Model<N> {
    /// Attempts before a push gives up: `max(N, 4)`.
    const ATTEMPTS: usize = if N < 4 { 4 } else { N };

    fn new() -> Self {
        Model {
            head: 0,
            pushes: Vec::new(),
            by_handle: HashMap::new(),
            slots: [None; N],
            pins: [0; N],
            skipped: 0,
            other: Ring::new(),
            foreign: Vec::new(),
        }
    }

    /// A handle numbered `number` that this ring did not make: `Handle::START` for 0, else the
    /// other ring's (pushing into it until it gets there).
    fn foreign(&mut self, number: u64) -> Handle<Elem> {
        if number == 0 {
            return Handle::START;
        }
        while (self.foreign.len() as u64) < number {
            let k = self.foreign.len() as u64;
            let h = self.other.push(Elem::new(FOREIGN | k, 0));
            assert_eq!(h.sequence(), k + 1, "the other ring never skips");
            self.foreign.push(h);
        }
        self.foreign[number as usize - 1]
    }

    /// What `since` with a handle numbered `number` must yield: the pushes in the ring numbered
    /// after it (`seq + 1 > number`), in order; every push in the ring for `Handle::START`.
    fn since(&self, number: u64) -> Vec<usize> {
        (0..self.pushes.len())
            .filter(|&k| self.pushes[k].live && self.pushes[k].seq + 1 > number)
            .collect()
    }

    fn slot_of(seq: u64) -> usize {
        (seq % N as u64) as usize
    }

    /// Where the next push goes: its sequence number, its slot (`None`: it gives up), and how
    /// many sequence numbers it skips.
    fn plan_push(&self) -> (u64, Option<usize>, u64) {
        let attempts = Self::ATTEMPTS as u64;
        for (skipped, seq) in (self.head..self.head + attempts).enumerate() {
            let slot = Self::slot_of(seq);
            if self.pins[slot] == 0 {
                return (seq, Some(slot), skipped as u64);
            }
        }
        // Every attempt found its slot pinned: the handle is the last number taken.
        (self.head + attempts - 1, None, attempts)
    }

    /// The push that the handle names, checking that the handle is one that `push` returned.
    fn push_of(&self, h: Handle<Elem>, at: &str) -> &Push {
        let Some(&i) = self.by_handle.get(&h) else {
            panic!("{at}: {h:?} is no handle that push returned");
        };
        let p = &self.pushes[i];
        assert_eq!(p.handle, h, "{at}: handle lookup by hash");
        assert_eq!(h.sequence(), p.seq + 1, "{at}: sequence of {h:?}");
        p
    }

    /// What `get` must see for push `i`: its id and payload while it is in the ring.
    fn expect(&self, i: usize) -> Option<(u64, u32)> {
        let p = &self.pushes[i];
        p.live.then_some((p.id, p.payload))
    }

    /// The push in the ring with the largest sequence number.
    fn latest(&self) -> Option<&Push> {
        self.pushes.iter().rev().find(|p| p.live)
    }

    /// Resets the ring (`skipped` stays: it counts over the ring's life).
    fn reset(&mut self) {
        self.head = (self.head / N as u64 + 2) * N as u64;
        for p in &mut self.pushes {
            p.live = false;
        }
        self.slots = [None; N];
        self.pins = [0; N];
    }
}

// ---- sessions: what borrows the ring ----------------------------------------------------------

/// A `Ref` the session holds, with the push the model says it shows.
struct Held<'r> {
    push: usize,
    r: Ref<'r, Elem>,
}

/// An iterator the session holds across steps: from `iter`, or from `since`.
struct HeldIter<'r, const N: usize, S: Storage> {
    it: RingIter<'r, Elem, S>,
    /// The model's `head` when it was made: it yields only sequence numbers below.
    end: u64,
    /// From `since(h)`: it yields only sequence numbers above `h`'s.
    after: Option<u64>,
    /// The pushes in the ring when it was made (numbered after `after`).
    live_at_start: Vec<usize>,
    /// The pushes yielded so far (in increasing order).
    yielded: Vec<usize>,
    /// Pushes made since it was made.
    pushes_since: u64,
}

/// One borrow of the ring: pushes, reads, held `Ref`s and a held iterator.
struct Session<'r, const N: usize, S: Storage> {
    ring: &'r RingIn<Elem, S>,
    held: Vec<Held<'r>>,
    iter: Option<HeldIter<'r, N, S>>,
}

/// What the ring handed back, in a comparable form: handle, id, payload.
type Seen = (Handle<Elem>, (u64, u32));

impl<'r, const N: usize, S: Storage> Session<'r, N, S> {
    /// The handle of push `i % pushes`, if there was a push.
    fn handle(m: &Model<N>, i: u8) -> Option<(usize, Handle<Elem>)> {
        if m.pushes.is_empty() {
            return None;
        }
        let k = usize::from(i) % m.pushes.len();
        Some((k, m.pushes[k].handle))
    }

    /// `get` with push `k`'s handle, checked; the guard if the value is there.
    fn get(&self, m: &Model<N>, k: usize, cov: &mut Coverage, at: &str) -> Option<Ref<'r, Elem>> {
        let p = &m.pushes[k];
        let r = self.ring.get(p.handle);
        assert_eq!(
            r.as_ref().map(|r| r.seen(at)),
            m.expect(k),
            "{at}: get({:?}) (push {k})",
            p.handle
        );
        if r.is_none() && p.stored {
            cov.stale_gets += 1;
        }
        r
    }

    fn hold(&mut self, m: &mut Model<N>, push: usize, r: Ref<'r, Elem>) {
        if self.held.len() == MAX_HELD {
            self.release(m, 0);
        }
        m.pins[Model::<N>::slot_of(m.pushes[push].seq)] += 1;
        self.held.push(Held { push, r });
    }

    fn release(&mut self, m: &mut Model<N>, i: usize) {
        let h = self.held.remove(i);
        m.pins[Model::<N>::slot_of(m.pushes[h.push].seq)] -= 1;
        drop(h.r);
    }

    fn release_all(&mut self, m: &mut Model<N>) {
        while !self.held.is_empty() {
            self.release(m, self.held.len() - 1);
        }
        self.iter = None;
    }

    fn push(&mut self, m: &mut Model<N>, payload: u32, cov: &mut Coverage, at: &str) {
        let k = m.pushes.len();
        let id = k as u64;
        let (seq, slot, skipped) = m.plan_push();
        let h = self.ring.push(Elem::new(id, payload));
        assert_eq!(
            h.sequence(),
            seq + 1,
            "{at}: push {k} took the wrong sequence number (model: skips {skipped}, {})",
            if slot.is_some() { "stores" } else { "gives up" }
        );
        if let Some(prev) = m.pushes.last() {
            assert!(prev.handle < h, "{at}: handles must increase");
        }
        assert!(
            m.by_handle.insert(h, k).is_none(),
            "{at}: {h:?} equals the handle of an earlier push"
        );
        m.head = seq + 1;
        if let Some(s) = slot {
            if let Some(old) = m.slots[s].replace(k) {
                m.pushes[old].live = false;
            }
        } else {
            cov.gave_up += 1;
        }
        cov.pushes += 1;
        cov.skipped += skipped;
        m.skipped += skipped;
        m.pushes.push(Push {
            seq,
            handle: h,
            id,
            payload,
            live: slot.is_some(),
            stored: slot.is_some(),
        });
        if let Some(it) = &mut self.iter {
            it.pushes_since += 1;
        }
    }

    fn iter_start(&mut self, m: &Model<N>) {
        self.iter = Some(HeldIter {
            it: self.ring.iter(),
            end: m.head,
            after: None,
            live_at_start: (0..m.pushes.len()).filter(|&k| m.pushes[k].live).collect(),
            yielded: Vec::new(),
            pushes_since: 0,
        });
    }

    /// Holds `since` with push `k`'s handle as the session's iterator.
    fn since_start(&mut self, m: &Model<N>, k: usize, cov: &mut Coverage) {
        let p = &m.pushes[k];
        let live_at_start = m.since(p.handle.sequence());
        if !p.live && !live_at_start.is_empty() {
            cov.since_stale += 1;
        }
        self.iter = Some(HeldIter {
            it: self.ring.since(p.handle),
            end: m.head,
            after: Some(p.seq),
            live_at_start,
            yielded: Vec::new(),
            pushes_since: 0,
        });
    }

    fn iter_next(&mut self, m: &mut Model<N>, hold: bool, cov: &mut Coverage, at: &str) {
        if self.iter.is_none() {
            self.iter_start(m);
        }
        let it = self.iter.as_mut().expect("started above");
        match it.it.next() {
            Some((h, r)) => {
                let p = m.push_of(h, at);
                let k = p.id as usize;
                assert!(
                    p.live,
                    "{at}: the iterator yielded {h:?}, which is not in the ring"
                );
                assert!(
                    p.seq < it.end,
                    "{at}: the iterator yielded {h:?}, pushed after it was made (end {})",
                    it.end
                );
                if let Some(after) = it.after {
                    assert!(
                        p.seq > after,
                        "{at}: since(Handle({})) yielded {h:?}, which is not after it",
                        after + 1
                    );
                }
                if let Some(&last) = it.yielded.last() {
                    assert!(
                        m.pushes[last].seq < p.seq,
                        "{at}: the iterator yielded {h:?} after {:?}",
                        m.pushes[last].handle
                    );
                }
                assert_eq!(r.seen(at), (p.id, p.payload), "{at}: iterator item {h:?}");
                it.yielded.push(k);
                if it.pushes_since > 0 {
                    cov.interleaved_items += 1;
                }
                if hold {
                    self.hold(m, k, r);
                }
            }
            None => {
                // Everything in the ring when it was made (after its handle, for `since`) and
                // still there now was yielded.
                for &k in &it.live_at_start {
                    assert!(
                        !m.pushes[k].live || it.yielded.contains(&k),
                        "{at}: the iterator missed {:?}, in the ring all along (yielded {:?})",
                        m.pushes[k].handle,
                        it.yielded
                    );
                }
                self.iter = None;
            }
        }
    }

    /// Applies one operation (all but `Reset`).
    fn apply(&mut self, m: &mut Model<N>, log: &Drops, op: &Op, cov: &mut Coverage, at: &str) {
        match *op {
            Op::Push(v) => self.push(m, v, cov, at),
            Op::PushMany(n, base) => {
                for j in 0..u32::from(n % 9) {
                    self.push(m, base.wrapping_add(j), cov, at);
                }
            }
            Op::Get(i) => {
                if let Some((k, _)) = Self::handle(m, i) {
                    drop(self.get(m, k, cov, at));
                }
            }
            Op::Read(i) => {
                if let Some((k, h)) = Self::handle(m, i) {
                    let v = self.ring.read(h);
                    assert_eq!(
                        v.as_ref().map(|v| v.seen(at)),
                        m.expect(k),
                        "{at}: read({h:?})"
                    );
                }
            }
            Op::ReadPanicking(i) => {
                if let Some((k, h)) = Self::handle(m, i) {
                    let clones = log.drops(m.pushes[k].id | CLONE);
                    PANIC_NEXT_CLONE.with(|p| p.set(true));
                    let got = catch_planned(|| self.ring.read(h).map(|v| v.seen(at)));
                    // Not cloned (so the flag is still set) when the value is gone.
                    PANIC_NEXT_CLONE.with(|p| p.set(false));
                    match m.expect(k) {
                        Some(_) => {
                            assert_eq!(got, Err(()), "{at}: the clone in read({h:?}) panics");
                            cov.panicked_clones += 1;
                        }
                        None => assert_eq!(got, Ok(None), "{at}: read({h:?}) of a stale handle"),
                    }
                    assert_eq!(
                        log.drops(m.pushes[k].id | CLONE),
                        clones,
                        "{at}: a clone that panicked was never made"
                    );
                }
            }
            Op::Peek(i) => check_peek(self.ring, m, usize::from(i), at),
            Op::Latest => {
                let got = self.ring.latest();
                assert_eq!(got, m.latest().map(|p| p.handle), "{at}: latest()");
                if let Some(h) = got {
                    let k = m.push_of(h, at).id as usize;
                    drop(self.get(m, k, cov, at));
                }
            }
            Op::Iter => check_iter(self.ring, m, at),
            Op::HoldGet(i) => {
                if let Some((k, _)) = Self::handle(m, i) {
                    if let Some(r) = self.get(m, k, cov, at) {
                        self.hold(m, k, r);
                    }
                }
            }
            Op::HoldPeek(i) => {
                let i = usize::from(i);
                let got = self.ring.peek(i);
                let want = m.slots[i % N];
                assert_eq!(
                    got.as_ref().map(|(h, r)| (*h, r.seen(at))),
                    want.map(|k| (m.pushes[k].handle, (m.pushes[k].id, m.pushes[k].payload))),
                    "{at}: peek({i})"
                );
                if let (Some((_, r)), Some(k)) = (got, want) {
                    self.hold(m, k, r);
                }
            }
            Op::HoldLatest => {
                let got = self.ring.latest();
                assert_eq!(got, m.latest().map(|p| p.handle), "{at}: latest()");
                if let Some(h) = got {
                    let k = m.push_of(h, at).id as usize;
                    let r = self.get(m, k, cov, at).expect("checked against the model");
                    self.hold(m, k, r);
                }
            }
            Op::HoldAll => {
                while !self.held.is_empty() {
                    self.release(m, 0);
                }
                let items: Vec<(Handle<Elem>, Ref<'r, Elem>)> = self.ring.iter().collect();
                let want: Vec<usize> = (0..m.pushes.len()).filter(|&k| m.pushes[k].live).collect();
                assert_eq!(
                    items
                        .iter()
                        .map(|(h, r)| (*h, r.seen(at)))
                        .collect::<Vec<_>>(),
                    want.iter()
                        .map(|&k| (m.pushes[k].handle, (m.pushes[k].id, m.pushes[k].payload)))
                        .collect::<Vec<_>>(),
                    "{at}: iter()"
                );
                for ((_, r), k) in items.into_iter().zip(want) {
                    self.hold(m, k, r);
                }
            }
            Op::IterStart => self.iter_start(m),
            Op::IterNext(hold) => self.iter_next(m, hold, cov, at),
            Op::Since(i) => {
                if let Some((k, h)) = Self::handle(m, i) {
                    if !m.pushes[k].live && !m.since(h.sequence()).is_empty() {
                        cov.since_stale += 1;
                    }
                    check_since(self.ring, m, h, at);
                }
            }
            Op::SinceForeign(v) => {
                // Handle numbers 0 (`Handle::START`) to `2N` past the next push's (`head + 1`).
                let number = u64::from(v) % (m.head + 2 * N as u64 + 2);
                let h = m.foreign(number);
                if number > m.head {
                    cov.since_ahead += 1;
                } else if !m.since(number).is_empty() {
                    cov.since_foreign += 1;
                }
                check_since(self.ring, m, h, at);
            }
            Op::SinceStart(i) => {
                if let Some((k, _)) = Self::handle(m, i) {
                    self.since_start(m, k, cov);
                }
            }
            Op::Release(i) => {
                if !self.held.is_empty() {
                    self.release(m, usize::from(i) % self.held.len());
                }
            }
            Op::Forget(i) => {
                if !self.held.is_empty() {
                    // The model keeps the pin: the slot stays pinned until reset.
                    let h = self.held.remove(usize::from(i) % self.held.len());
                    mem::forget(h.r);
                    cov.forgotten += 1;
                }
            }
            Op::Reset => unreachable!("a reset ends the session"),
        }
    }
}

// ---- checks -----------------------------------------------------------------------------------

/// `peek(i)` against the model's slot `i % N`.
fn check_peek<const N: usize, S: Storage>(
    ring: &RingIn<Elem, S>,
    m: &Model<N>,
    i: usize,
    at: &str,
) {
    let got: Option<Seen> = ring.peek(i).map(|(h, r)| (h, r.seen(at)));
    let want = m.slots[i % N].map(|k| {
        let p = &m.pushes[k];
        (p.handle, (p.id, p.payload))
    });
    assert_eq!(got, want, "{at}: peek({i}) (slot {})", i % N);
}

/// `iter()` against the pushes in the ring, in order.
fn check_iter<const N: usize, S: Storage>(ring: &RingIn<Elem, S>, m: &Model<N>, at: &str) {
    let got: Vec<Seen> = ring.iter().map(|(h, r)| (h, r.seen(at))).collect();
    let want: Vec<Seen> = m
        .pushes
        .iter()
        .filter(|p| p.live)
        .map(|p| (p.handle, (p.id, p.payload)))
        .collect();
    assert_eq!(got, want, "{at}: iter()");
}

/// `since(h)` against the pushes in the ring numbered after `h`, in order.
fn check_since<const N: usize, S: Storage>(
    ring: &RingIn<Elem, S>,
    m: &Model<N>,
    h: Handle<Elem>,
    at: &str,
) {
    let got: Vec<Seen> = ring.since(h).map(|(h, r)| (h, r.seen(at))).collect();
    let want: Vec<Seen> = m
        .since(h.sequence())
        .into_iter()
        .map(|k| {
            let p = &m.pushes[k];
            (p.handle, (p.id, p.payload))
        })
        .collect();
    assert_eq!(got, want, "{at}: since({h:?})");
}

/// Everything the ring shows against the model.
fn check<const N: usize, S: Storage>(
    ring: &RingIn<Elem, S>,
    m: &Model<N>,
    held: &[Held<'_>],
    log: &Drops,
    at: &str,
) {
    // Every handle ever returned: the value while it is there, `None` for good once it is not.
    // And every value's drop count: none while in the ring, one after. (Under Miri, where
    // each ring operation costs milliseconds, `read` only of live handles: with a stale one it
    // is `get` again.)
    for (k, p) in m.pushes.iter().enumerate() {
        let want = m.expect(k);
        assert_eq!(
            ring.get(p.handle).map(|r| r.seen(at)),
            want,
            "{at}: get({:?}) (push {k})",
            p.handle
        );
        if p.live || !cfg!(miri) {
            let clones = log.drops(p.id | CLONE);
            let read = ring.read(p.handle);
            assert_eq!(
                read.as_ref().map(|v| v.seen(at)),
                want,
                "{at}: read({:?}) (push {k})",
                p.handle
            );
            drop(read);
            assert_eq!(
                log.drops(p.id | CLONE),
                clones + usize::from(p.live),
                "{at}: drops of the clone that read({:?}) made",
                p.handle
            );
        }
        assert_eq!(
            log.drops(p.id),
            usize::from(!p.live),
            "{at}: drops of push {k} ({:?}, {})",
            p.handle,
            if p.live { "in the ring" } else { "gone" }
        );
    }
    check_iter(ring, m, at);
    // `Handle::START` comes before every push: `since` yields everything, `get` nothing.
    check_since(ring, m, Handle::START, at);
    assert!(
        ring.get(Handle::START).is_none(),
        "{at}: get(Handle::START)"
    );
    // `since` from each push in the ring, from the push before each (often stale: overwritten
    // or given up; a pinned survivor's successor comes well after it) and from the newest.
    // Under Miri, only from the push before the oldest in the ring, and from the newest.
    let mut probes: Vec<usize> = Vec::new();
    for (k, p) in m.pushes.iter().enumerate() {
        if p.live && (!cfg!(miri) || probes.is_empty()) {
            probes.extend(k.checked_sub(1));
            if !cfg!(miri) {
                probes.push(k);
            }
        }
    }
    probes.extend(m.pushes.len().checked_sub(1));
    for k in probes {
        check_since(ring, m, m.pushes[k].handle, at);
    }
    assert_eq!(ring.skipped(), m.skipped, "{at}: skipped()");
    assert_eq!(
        ring.latest(),
        m.latest().map(|p| p.handle),
        "{at}: latest()"
    );
    let len = m.slots.iter().flatten().count();
    assert_eq!(
        (ring.len(), ring.is_empty()),
        (len, len == 0),
        "{at}: len()"
    );
    // Every slot, and (not under Miri) every slot again through an index past `N`.
    let past = if cfg!(miri) { 0 } else { N };
    for i in (0..N + past).chain([usize::MAX]) {
        check_peek(ring, m, i, at);
    }
    for h in held {
        let p = &m.pushes[h.push];
        assert!(p.live, "{at}: model: a held value is in the ring");
        assert_eq!(
            h.r.seen(at),
            (p.id, p.payload),
            "{at}: the held Ref of {:?}",
            p.handle
        );
    }
}

// ---- the driver -------------------------------------------------------------------------------

/// Builds the ring of a storage: `Ring::new()` inline, `HeapRing::with_capacity(n)`.
trait Make: Storage {
    fn make(n: usize) -> RingIn<Elem, Self>;
}

impl<const N: usize> Make for Inline<N> {
    fn make(n: usize) -> RingIn<Elem, Self> {
        assert_eq!(n, N);
        Ring::new()
    }
}

impl Make for Heap {
    fn make(n: usize) -> RingIn<Elem, Self> {
        HeapRing::with_capacity(n)
    }
}

/// Runs `ops` on a ring of `N` slots in both storages, inline and on the heap, through the
/// same model; returns the inline run's coverage (the heap run goes through the same steps).
///
/// Under Miri the heap storage runs for the 1-slot ring only (the storages share every line of
/// the ring's logic; `tests/heap.rs` checks heap rings under Miri on their own).
fn run_on<const N: usize>(ops: &[Op]) -> Coverage {
    let cov = run_in::<N, Inline<N>>(ops);
    if !cfg!(miri) || N == 1 {
        run_in::<N, Heap>(ops);
    }
    cov
}

fn run_in<const N: usize, S: Make>(ops: &[Op]) -> Coverage {
    let mut cov = Coverage {
        capacity: N,
        ..Coverage::default()
    };
    let log = Drops::start();
    let mut m = Model::<N>::new();
    let mut ring: RingIn<Elem, S> = S::make(N);
    let mut step = 0;
    loop {
        {
            let mut s = Session {
                ring: &ring,
                held: Vec::new(),
                iter: None,
            };
            while let Some(op) = ops.get(step).filter(|op| !matches!(op, Op::Reset)) {
                let at = format!("N={N} step {step} {op:?}");
                s.apply(&mut m, &log, op, &mut cov, &at);
                check(s.ring, &m, &s.held, &log, &at);
                step += 1;
            }
            s.release_all(&mut m);
            let at = format!("N={N} before step {step} (session over, Refs dropped)");
            check(s.ring, &m, &[], &log, &at);
        }
        if step == ops.len() {
            break;
        }
        let at = format!("N={N} step {step} Reset");
        ring.reset();
        m.reset();
        cov.resets += 1;
        check(&ring, &m, &[], &log, &at);
        step += 1;
    }
    // Dropping the ring (with any forgotten pins still in it) drops what it holds, once.
    drop(ring);
    for p in &m.pushes {
        assert_eq!(
            log.drops(p.id),
            1,
            "N={N} after the ring's drop: drops of push {} ({:?})",
            p.id,
            p.handle
        );
    }
    cov
}
