//! Model of the bounded arena, `Arena<T, N>`, with its per-thread [`Local`] handles.
//!
//! [`run`] applies a sequence of [`Op`]s twice, to two real arenas, each next to a plain
//! reference model:
//!
//! * `Arena<Val, 12>`: `Val` counts its drops (per id), its `Clone` and `Default` can
//!   panic on purpose, and every value has a unique id, so the model checks that each value is
//!   dropped exactly once (on reset, drain or the arena's drop), never twice, and never when a
//!   forgotten handle leaked it.
//! * `Arena<Cp, 576>`: `Cp` is `Copy`, for `alloc_slice_copy` (on the arena and through a
//!   handle). 576 slots make the adaptive chunk of [`Arena::local`] visible: `min(1024, N / 32)`
//!   is 18, so the chunks are 16, 18, 18, ... (at 12 slots they are all 1).
//! * `Arena<Cp, 4096>` (not under Miri): large enough for the shared path's per-thread chunks
//!   (`stripes.rs`). Used from one thread it must hand out the same slots, in the same order,
//!   with the same statistics as an arena without them, so the same model applies; the one
//!   difference the model knows is that its table adds 16 words for handles after the 4
//!   inline ones.
//!
//! [`run_in_turn`] applies the same sequences with every operation on a freshly spawned
//! thread, joined before the next: the same model must hold, slot for slot.
//!
//! The model keeps one entry per claimed slot (the cursor): a value, a hole, a free slot kept
//! in a *word* (`words.rs`), or, inside a live handle's chunk, a value not committed yet or a
//! slot not used yet; and the words themselves, in the order claims visit them (empty, owned
//! by a handle, or holding a free range). From the documentation of `cursor.rs`, `words.rs` and
//! `local.rs` it predicts exactly:
//!
//! * single claims: the cursor, then the front of the first word with a free range, else
//!   `Full`;
//! * batches: every free range that ends at the cursor goes back to it (repeatedly, so chains
//!   go back), then the cursor, then the front of the first word with enough free slots;
//! * handles: at its first refill a handle owns the first empty word, or failing that takes
//!   over the first word's free range as its first chunk, or has no word and claims one slot at
//!   a time; a refill gives the tails back, then claims up to its chunk size from the cursor
//!   (first chunk `min(16, max)`, doubling up to `max`), then from the front of a word; on
//!   drop it commits its values, gives its unused tail back if it ends at the cursor and
//!   otherwise publishes it in its word as a free range (a handle with no word leaves it as
//!   holes); a forgotten handle leaks the values it stored since its last refill (never
//!   iterated, never dropped), leaves its chunk as holes, and its word owned until the next
//!   `&mut` operation;
//! * `&mut` operations give the tails back and empty the forgotten handles' words; free ranges
//!   stay free (skipped by iteration, `get_mut`, drain), `fill_default` fills them, reset and
//!   a finished drain empty every word;
//! * statistics: `len` counts values only (a live handle's chunk counts as holes until
//!   committed), `remaining` the slots above the cursor and in the words' free ranges,
//!   `high_water` the largest `len` of a round (a drain records it before it drains).
//!
//! In particular, iteration and drain after dropped and forgotten handles must show exactly
//! the values stored this round, minus what a forgotten handle leaked.
//!
//! After every step `run` compares, with a message naming the arena, the step and the
//! operation: every reference handed out (its value, and its address, which must be the slot
//! the model predicts), the values in slot order (`iter_mut`, `get_mut`, `drain`,
//! `fill_default`), how often each value was dropped, how many values were created (clones,
//! defaults and iterator items included), and every statistic (`len`, `is_empty`,
//! `remaining`, `is_full`, `capacity`, `bytes_used`, `high_water`, `failed_allocs`, and each
//! handle's `chunk_remaining`).
//!
//! Handles borrow the arena, so `run` applies the operations in phases: a run of operations
//! that need only `&Arena` (allocations, handles) shares the arena, with up to two handles
//! alive; before an operation that needs `&mut Arena` (reset, drain, iteration, `get_mut`,
//! `fill_default`), the handles still alive are dropped, handle A first, as a user would have
//! to. References handed out in a phase are re-read after each of its steps, so a slot that is
//! written twice shows up at once.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::ops::Range;
use std::panic;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use arbitrary::Arbitrary;
use atomicarena::{ArenaIn, Full, Heap, HeapArena, Inline, Local, Storage};

use crate::support::{self, catch_planned, planned_panic};

/// Capacity of the arena of drop-tracked values.
const SMALL: usize = 12;
/// Capacity of the arena of `Copy` values (large enough for adaptive chunks to grow).
const LARGE: usize = 576;
/// Capacity of a third arena of `Copy` values, large enough to have per-thread chunks on its
/// shared path (`stripes.rs`): used from one thread, it must behave exactly like the others.
const STRIPED: usize = 4096;
/// Payload of a value made by `Default`.
const DEFAULT_PAYLOAD: u32 = 0xDEF;

/// One of the two handles `run` can keep alive at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Which {
    /// The first handle (dropped first when a phase ends).
    A,
    /// The second handle.
    B,
}

impl Which {
    fn index(self) -> usize {
        match self {
            Which::A => 0,
            Which::B => 1,
        }
    }
}

/// How a [`Op::Drain`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum DrainEnd {
    /// Every value is taken.
    All,
    /// The drain is dropped after taking this many values.
    DropAfter(u8),
    /// The drain is `mem::forget`-ten after taking this many values.
    ForgetAfter(u8),
}

/// One operation on the arena. Every value is valid: sizes and indices are reduced inside
/// [`run`] (a length `len` claims `len % (N + 3)` slots, so some batches do not fit).
///
/// New values get fresh ids and payloads chosen by `run`, so operations carry none.
#[derive(Debug, Clone, PartialEq, Eq, Arbitrary)]
pub enum Op {
    /// `arena.alloc(value)`.
    Alloc,
    /// `arena.alloc_with(f)`, where `f` panics if `panic` (leaving a hole).
    AllocWith {
        /// Whether the constructor panics.
        panic: bool,
    },
    /// `arena.alloc_slice_copy(src)` (for the non-`Copy` element: `alloc_slice_clone` with a
    /// `Clone` that does not panic).
    AllocSliceCopy {
        /// Length of `src`.
        len: u8,
    },
    /// `arena.alloc_slice_clone(src)`; with the non-`Copy` element, clone number `panic_at`
    /// (counting from 0) panics.
    AllocSliceClone {
        /// Length of `src`.
        len: u8,
        /// Which clone panics, if any.
        panic_at: Option<u8>,
    },
    /// `arena.alloc_iter(iter)` with an iterator whose `len()` says `len` but that yields
    /// `yields` items (shorter or longer), and panics when asked for item `panic_at`.
    AllocIter {
        /// What `ExactSizeIterator::len` claims.
        len: u8,
        /// How many items the iterator really has.
        yields: u8,
        /// Which `next` call panics, if any.
        panic_at: Option<u8>,
    },
    /// `arena.fill_default()`; default number `panic_at` (counting from 0) panics.
    FillDefault {
        /// Which `T::default()` call panics, if any.
        panic_at: Option<u16>,
    },
    /// `arena.reset()`.
    Reset,
    /// `arena.reset()`, `n % 512` times (the hole tags wrap after 255 rounds).
    Resets(u16),
    /// `arena.drain()`, ended as said.
    Drain(DrainEnd),
    /// `arena.iter_mut()`, changing every value.
    IterMut,
    /// `arena.get_mut(index % (N + 2))`, setting a new payload if `set`.
    GetMut {
        /// The slot (reduced modulo `N + 2`).
        index: u16,
        /// Whether to write through the reference.
        set: bool,
    },
    /// Makes a handle (`arena.local()` if `chunk` is `None`, else `local_with_chunk(chunk)`),
    /// dropping the one that was there.
    NewLocal {
        /// Which handle.
        handle: Which,
        /// Fixed chunk size (clamped to `1..=N` by the arena), or adaptive.
        chunk: Option<u8>,
    },
    /// `local.alloc(value)` (making the handle with `arena.local()` if there is none).
    LocalAlloc(Which),
    /// `count` calls of `local.alloc(value)` in one step (how a handle reaches its later,
    /// larger chunks).
    LocalAllocs {
        /// Which handle.
        handle: Which,
        /// How many values.
        count: u8,
    },
    /// `local.alloc_with(f)`, where `f` panics if `panic`.
    LocalAllocWith {
        /// Which handle.
        handle: Which,
        /// Whether the constructor panics.
        panic: bool,
    },
    /// `local.alloc_slice_copy(src)` (the `Copy` element only; for the other it only makes the
    /// handle).
    LocalSliceCopy {
        /// Which handle.
        handle: Which,
        /// Length of `src`.
        len: u8,
    },
    /// Drops the handle (if there is one).
    DropLocal(Which),
    /// `mem::forget`s the handle (if there is one).
    ForgetLocal(Which),
}

impl Op {
    /// Whether the operation needs `&mut Arena` (so no handle can be alive).
    fn needs_mut(&self) -> bool {
        matches!(
            self,
            Op::FillDefault { .. }
                | Op::Reset
                | Op::Resets(_)
                | Op::Drain(_)
                | Op::IterMut
                | Op::GetMut { .. }
        )
    }
}

/// Applies `ops` to a real `Arena<Val, 12>`, `Arena<Cp, 576>` and `Arena<Cp, 4096>`, each next
/// to the reference model, and panics at the first disagreement (see the module docs).
///
/// Each arena runs in both storages, through the same harness: inline (`Arena<T, N>`) and on
/// the heap (`HeapArena<T>` with the same capacity).
pub fn run(ops: &[Op]) {
    support::quiet_planned_panics();
    Harness::<Val, Inline<SMALL>>::new("Arena<Val, 12>", SMALL).run(ops, false);
    Harness::<Val, Heap>::new("HeapArena<Val>(12)", SMALL).run(ops, false);
    Harness::<Cp, Inline<LARGE>>::new("Arena<Cp, 576>", LARGE).run(ops, false);
    // Too slow under Miri, which retags the whole arena on every access.
    if !cfg!(miri) {
        Harness::<Cp, Heap>::new("HeapArena<Cp>(576)", LARGE).run(ops, false);
        Harness::<Cp, Inline<STRIPED>>::new("Arena<Cp, 4096>", STRIPED).run(ops, false);
        Harness::<Cp, Heap>::new("HeapArena<Cp>(4096)", STRIPED).run(ops, false);
    }
}

/// [`run`] with the operations applied by several threads in turn: each operation (with the
/// checks after it) runs on a freshly spawned thread, joined before the next one starts;
/// handles and references handed out move from thread to thread, and the `&mut` checks after
/// a phase run on a thread of their own.
/// Used from one thread at a time, an arena must behave exactly as used from one thread (the
/// issue's contract): the same model applies, to the same slots. On the striped arena every
/// phase's thread gets a stripe of its own (threads are assigned stripes round-robin), so the
/// stripes' tails left by finished threads are what the next thread continues from.
pub fn run_in_turn(ops: &[Op]) {
    support::quiet_planned_panics();
    Harness::<Val, Inline<SMALL>>::new("Arena<Val, 12>, threads in turn", SMALL).run(ops, true);
    Harness::<Val, Heap>::new("HeapArena<Val>(12), threads in turn", SMALL).run(ops, true);
    Harness::<Cp, Inline<LARGE>>::new("Arena<Cp, 576>, threads in turn", LARGE).run(ops, true);
    if !cfg!(miri) {
        Harness::<Cp, Heap>::new("HeapArena<Cp>(576), threads in turn", LARGE).run(ops, true);
        Harness::<Cp, Inline<STRIPED>>::new("Arena<Cp, 4096>, threads in turn", STRIPED)
            .run(ops, true);
        Harness::<Cp, Heap>::new("HeapArena<Cp>(4096), threads in turn", STRIPED).run(ops, true);
    }
}

// ---- element types ------------------------------------------------------------------------

/// State of the element types for one harness run: the id counter, the drop counts and the
/// fuses that make `Clone` or `Default` panic on purpose. Each thread reaches it through
/// [`CTX`]; the threads of a run in turn ([`run_in_turn`]) share their harness's.
///
/// Drops are counted here by id rather than in `support::DropLog`, whose `Tracked` values
/// hold an `Rc` to the log: a value leaked on purpose (by a forgotten handle) would keep the
/// log alive and Miri would report the leak.
#[derive(Default)]
struct Ctx {
    /// How often each value (by id) was dropped.
    drops: Vec<u32>,
    next_id: u64,
    /// `Some(k)`: the next `k` clones succeed, the one after panics.
    clone_fuse: Option<usize>,
    /// `Some(k)`: the next `k` defaults succeed, the one after panics.
    default_fuse: Option<usize>,
}

/// A run's [`Ctx`], shared by the threads that apply its operations.
type SharedCtx = Arc<Mutex<Ctx>>;

thread_local! {
    /// The calling thread's run (made on first use).
    static CTX: RefCell<Option<SharedCtx>> = const { RefCell::new(None) };
}

/// The calling thread's run context.
fn shared_ctx() -> SharedCtx {
    CTX.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(SharedCtx::default)
            .clone()
    })
}

/// Makes `ctx` the calling thread's run context.
fn install_ctx(ctx: SharedCtx) {
    CTX.with(|c| *c.borrow_mut() = Some(ctx));
}

/// Runs `f` on the calling thread's run context (a failed check elsewhere may have poisoned
/// the lock: the data is still what the checks need).
fn with_ctx<R>(f: impl FnOnce(&mut Ctx) -> R) -> R {
    let ctx = shared_ctx();
    let mut guard = ctx.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Takes the next id.
fn take_id() -> u64 {
    with_ctx(|c| {
        let id = c.next_id;
        c.next_id += 1;
        c.drops.push(0);
        id
    })
}

/// Burns one unit of a fuse; panics (planned) if it was at zero.
fn burn(fuse: fn(&mut Ctx) -> &mut Option<usize>) {
    let fire = with_ctx(|c| {
        let fuse = fuse(c);
        match *fuse {
            Some(0) => {
                *fuse = None;
                true
            }
            Some(k) => {
                *fuse = Some(k - 1);
                false
            }
            None => false,
        }
    });
    if fire {
        planned_panic();
    }
}

/// The payload `run` gives a new value with this id.
fn payload_for(id: u64) -> u32 {
    0x4000_0000 ^ id as u32
}

/// How `IterMut` and `GetMut` change a payload.
fn bump(payload: u32) -> u32 {
    payload.wrapping_add(0x0001_0000)
}

/// What the model compares: `(id, payload)`.
type Key = (u64, u32);

fn key<E: Elem>(e: &E) -> Key {
    (e.id(), e.payload())
}

/// What the harness needs from an element type.
trait Elem: Sized + Default + Clone + fmt::Debug + Send + Sync {
    /// Drops are counted; `Clone` makes a new id and obeys the clone fuse.
    /// Otherwise (a `Copy` type) a clone keeps the id and never panics.
    const TRACKED: bool;
    /// `Local::alloc_slice_copy` exists for this type.
    const COPY: bool;
    /// A new value: the next id, payload `payload_for(id)`.
    fn fresh() -> Self;
    fn id(&self) -> u64;
    fn payload(&self) -> u32;
    fn set_payload(&mut self, payload: u32);
    /// `Arena::alloc_slice_copy`, or `alloc_slice_clone` for a type that is not `Copy`.
    #[allow(clippy::mut_from_ref)] // the arena's own signature
    fn slice_copy<'a, S: Storage>(
        arena: &'a ArenaIn<Self, S>,
        src: &[Self],
    ) -> Result<&'a mut [Self], Full<()>>;
    /// `Local::alloc_slice_copy`, if `COPY`.
    fn local_slice_copy<'a, S: Storage>(
        local: &mut Local<'a, Self, S>,
        src: &[Self],
    ) -> Option<Result<&'a mut [Self], Full<()>>>;
}

/// A value that counts its drops (in `Ctx`), and whose `Clone` and `Default` panic when
/// their fuse says so.
struct Val {
    id: u64,
    payload: u32,
}

impl Val {
    fn with_payload(payload: impl FnOnce(u64) -> u32) -> Self {
        let id = take_id();
        Val {
            id,
            payload: payload(id),
        }
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        // `try_with`: nothing to record once the thread is being torn down.
        let ctx = CTX.try_with(|c| c.borrow().clone()).ok().flatten();
        if let Some(ctx) = ctx {
            let mut c = ctx.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(d) = c.drops.get_mut(self.id as usize) {
                *d += 1;
            }
        }
    }
}

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Val#{}({:#x})", self.id, self.payload)
    }
}

impl Clone for Val {
    fn clone(&self) -> Self {
        burn(|c| &mut c.clone_fuse);
        let payload = self.payload;
        Val::with_payload(|_| payload)
    }
}

impl Default for Val {
    fn default() -> Self {
        burn(|c| &mut c.default_fuse);
        Val::with_payload(|_| DEFAULT_PAYLOAD)
    }
}

impl Elem for Val {
    const TRACKED: bool = true;
    const COPY: bool = false;

    fn fresh() -> Self {
        Val::with_payload(payload_for)
    }
    fn id(&self) -> u64 {
        self.id
    }
    fn payload(&self) -> u32 {
        self.payload
    }
    fn set_payload(&mut self, payload: u32) {
        self.payload = payload;
    }
    #[allow(clippy::mut_from_ref)] // the arena's own signature
    fn slice_copy<'a, S: Storage>(
        arena: &'a ArenaIn<Self, S>,
        src: &[Self],
    ) -> Result<&'a mut [Self], Full<()>> {
        arena.alloc_slice_clone(src)
    }
    fn local_slice_copy<'a, S: Storage>(
        _: &mut Local<'a, Self, S>,
        _: &[Self],
    ) -> Option<Result<&'a mut [Self], Full<()>>> {
        None
    }
}

/// A `Copy` value (no drop to count) whose `Default` panics when its fuse says so.
#[derive(Debug, Clone, Copy)]
struct Cp {
    id: u32,
    payload: u32,
}

impl Default for Cp {
    fn default() -> Self {
        burn(|c| &mut c.default_fuse);
        Cp {
            id: take_id() as u32,
            payload: DEFAULT_PAYLOAD,
        }
    }
}

impl Elem for Cp {
    const TRACKED: bool = false;
    const COPY: bool = true;

    fn fresh() -> Self {
        let id = take_id();
        Cp {
            id: id as u32,
            payload: payload_for(id),
        }
    }
    fn id(&self) -> u64 {
        u64::from(self.id)
    }
    fn payload(&self) -> u32 {
        self.payload
    }
    fn set_payload(&mut self, payload: u32) {
        self.payload = payload;
    }
    #[allow(clippy::mut_from_ref)] // the arena's own signature
    fn slice_copy<'a, S: Storage>(
        arena: &'a ArenaIn<Self, S>,
        src: &[Self],
    ) -> Result<&'a mut [Self], Full<()>> {
        arena.alloc_slice_copy(src)
    }
    fn local_slice_copy<'a, S: Storage>(
        local: &mut Local<'a, Self, S>,
        src: &[Self],
    ) -> Option<Result<&'a mut [Self], Full<()>>> {
        Some(local.alloc_slice_copy(src))
    }
}

/// An iterator whose `len()` says `claim` but that has `yields` items (made when pulled), and
/// panics when asked for item `panic_at`.
struct Liar<E> {
    claim: usize,
    yields: usize,
    panic_at: Option<usize>,
    pulled: usize,
    _e: PhantomData<E>,
}

impl<E: Elem> Iterator for Liar<E> {
    type Item = E;

    fn next(&mut self) -> Option<E> {
        if self.panic_at == Some(self.pulled) {
            planned_panic();
        }
        if self.pulled >= self.yields {
            return None;
        }
        self.pulled += 1;
        Some(E::fresh())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.claim.saturating_sub(self.pulled);
        (n, Some(n))
    }
}

impl<E: Elem> ExactSizeIterator for Liar<E> {}

// ---- the reference model ------------------------------------------------------------------

/// A claimed slot (below the cursor), as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Holds this value.
    Value(Key),
    /// Written by a live handle and not committed yet: the arena sees a hole until the handle
    /// refills or drops; if the handle is forgotten, the value leaks.
    Pending(Key),
    /// In a live handle's chunk, not used yet.
    Reserved,
    /// Claimed, holds nothing.
    Hole,
    /// In a word's free range: claimable by any claim, counted by `remaining`.
    Free,
}

/// A word of the cursor (`words.rs`), as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// Holds nothing.
    Empty,
    /// Owned by a handle (alive, or forgotten until the next `&mut` operation).
    Owned,
    /// A free range (never empty).
    Free(Range<usize>),
}

/// The word of a handle (`local.rs`'s `WordState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HWord {
    /// Not asked for yet (no refill so far).
    Unasked,
    /// None was to be had: the handle claims one slot at a time.
    NoWord,
    /// Owns word `k`.
    Owned(usize),
}

/// The model of a live handle: the fields `local.rs` documents.
#[derive(Debug, Clone, Copy)]
struct MLocal {
    /// First slot not committed yet; `start..next` are `Pending`.
    start: usize,
    /// Next free slot of the chunk; `next..end` are `Reserved`.
    next: usize,
    end: usize,
    /// Size of the next chunk to claim.
    chunk: usize,
    max_chunk: usize,
    word: HWord,
}

/// What the model predicts an allocation returns.
#[derive(Debug, PartialEq, Eq)]
enum Pred {
    /// Success: the values, from this slot on (empty: the start does not matter).
    Stored(usize, Vec<Key>),
    /// `Full`: nothing taken.
    Full,
    /// A planned panic unwound out of the call.
    Panicked,
}

/// Words a handle can own, in the order every claim visits them: the cursor's 4 inline words,
/// and for a striped arena (`stripes.rs`) the table's 16 handle words after them. (The
/// stripes' own words sit between the two in the runtime; used from one thread at a time, a
/// stripe's range is the part of the cursor the model has not handed out yet, so the model
/// keeps it above its cursor.)
fn words_for(n: usize) -> usize {
    // The runtime's `stripes::MIN_CAPACITY`: 4,096, and 64 under Miri.
    let striped = if cfg!(miri) { 64 } else { STRIPED };
    if n >= striped {
        4 + 16
    } else {
        4
    }
}

struct Model {
    n: usize,
    /// Drops are counted (`Elem::TRACKED`).
    tracked: bool,
    /// One entry per claimed slot: `slots.len()` is the cursor.
    slots: Vec<Slot>,
    /// The words, in the order claims visit them (see [`words_for`]).
    words: Vec<Word>,
    /// Largest `len` of the finished rounds (and of a drain's start).
    high: usize,
    failed: usize,
    next_id: u64,
    /// How often each value (by id) must have been dropped so far.
    drops: Vec<u8>,
    handles: [Option<MLocal>; 2],
}

impl Model {
    fn new(n: usize, tracked: bool) -> Self {
        Model {
            n,
            tracked,
            slots: Vec::new(),
            words: vec![Word::Empty; words_for(n)],
            high: 0,
            failed: 0,
            next_id: 0,
            drops: Vec::new(),
            handles: [None, None],
        }
    }

    /// The cursor: slots claimed from it this round.
    fn cursor(&self) -> usize {
        self.slots.len()
    }

    /// `len()`: the values handed out this round (a live handle's chunk counts as holes).
    fn len(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Value(_)))
            .count()
    }

    /// `remaining()`: the slots above the cursor and those in the words' free ranges.
    fn remaining(&self) -> usize {
        let free = self.slots.iter().filter(|s| **s == Slot::Free).count();
        self.n - self.cursor() + free
    }

    /// Model self-check: the `Free` slots are exactly the words' ranges.
    fn check_words(&self) {
        let mut free = vec![false; self.cursor()];
        for w in &self.words {
            if let Word::Free(r) = w {
                assert!(
                    !r.is_empty() && r.end <= self.cursor(),
                    "model error: {w:?}"
                );
                for i in r.clone() {
                    assert!(!free[i], "model error: slot {i} in two words");
                    free[i] = true;
                }
            }
        }
        for (i, s) in self.slots.iter().enumerate() {
            assert_eq!(*s == Slot::Free, free[i], "model error: slot {i} is {s:?}");
        }
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.drops.push(0);
        id
    }

    /// The key of a fresh value (`Elem::fresh`).
    fn fresh(&mut self) -> Key {
        let id = self.new_id();
        (id, payload_for(id))
    }

    /// The key of a clone of `of`.
    fn clone_of(&mut self, of: Key) -> Key {
        if self.tracked {
            (self.new_id(), of.1)
        } else {
            of
        }
    }

    fn dropped(&mut self, id: u64) {
        if self.tracked {
            let d = &mut self.drops[id as usize];
            assert_eq!(*d, 0, "model error: value {id} dropped twice");
            *d = 1;
        }
    }

    /// The values in slot order.
    fn values(&self) -> Vec<Key> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Value(k) => Some(*k),
                _ => None,
            })
            .collect()
    }

    fn set(&mut self, from: usize, keys: &[Key]) {
        for (slot, k) in self.slots[from..].iter_mut().zip(keys) {
            *slot = Slot::Value(*k);
        }
    }

    /// Marks `range` (taken from a word or the cursor) as `to`.
    fn fill(&mut self, range: Range<usize>, to: Slot) {
        for slot in &mut self.slots[range] {
            *slot = to;
        }
    }

    /// `words::take_front` on the first word (in order) whose range qualifies: its first
    /// `want` slots (`exact`), or up to `want` of them.
    fn take_front(&mut self, want: usize, exact: bool) -> Option<Range<usize>> {
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

    /// `give_back_tails`: every word's range that ends at the cursor goes back to it, until
    /// none does.
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
            self.slots.truncate(r.start);
        }
    }

    /// `Cursor::claim_one`: one slot (a hole until written) from the cursor, else the front of
    /// the first word with a free range, else a failure.
    fn claim_one(&mut self) -> Option<usize> {
        if self.cursor() < self.n {
            self.slots.push(Slot::Hole);
            Some(self.cursor() - 1)
        } else if let Some(r) = self.take_front(1, true) {
            self.fill(r.clone(), Slot::Hole);
            Some(r.start)
        } else {
            self.failed += 1;
            None
        }
    }

    /// `Cursor::claim`: `len >= 1` contiguous slots, all or nothing: the tails at the
    /// cursor's end go back, then the cursor, then the first word with `len` free slots.
    fn claim(&mut self, len: usize) -> Option<usize> {
        self.give_back_tails();
        let start = self.cursor();
        if len <= self.n - start {
            self.slots.resize(start + len, Slot::Hole);
            return Some(start);
        }
        match self.take_front(len, true) {
            Some(r) => {
                self.fill(r.clone(), Slot::Hole);
                Some(r.start)
            }
            None => {
                self.failed += 1;
                None
            }
        }
    }

    /// `Cursor::claim_chunk`: the tails at the cursor's end go back, then `1..=want` slots of
    /// the cursor (fewer only at the end of capacity), else up to `want` from the front of the
    /// first word with a free range.
    fn claim_chunk(&mut self, want: usize) -> Option<Range<usize>> {
        self.give_back_tails();
        let start = self.cursor();
        if start < self.n {
            let end = start + want.min(self.n - start);
            self.slots.resize(end, Slot::Reserved);
            return Some(start..end);
        }
        match self.take_front(want, false) {
            Some(r) => {
                self.fill(r.clone(), Slot::Reserved);
                Some(r)
            }
            None => {
                self.failed += 1;
                None
            }
        }
    }

    /// Under `&mut` (`settle`): the tails at the cursor's end go back, the words of forgotten
    /// handles are emptied; the other free ranges stay free.
    fn settle(&mut self) {
        assert!(self.handles.iter().all(Option::is_none), "model error");
        self.give_back_tails();
        for w in &mut self.words {
            if *w == Word::Owned {
                *w = Word::Empty;
            }
        }
    }

    /// A batch of `len` values made one by one (`make(i)` is value `i`, or `None` to stop
    /// early; `Err` for a planned panic), as `alloc_exact` does: all or nothing, a short
    /// batch leaves its tail as holes, a panic drops what was made and leaves the whole range
    /// as holes.
    fn batch(
        &mut self,
        len: usize,
        mut make: impl FnMut(&mut Self, usize) -> Result<Option<Key>, ()>,
    ) -> Pred {
        if len == 0 {
            return Pred::Stored(0, Vec::new());
        }
        let Some(start) = self.claim(len) else {
            return Pred::Full;
        };
        let mut made = Vec::new();
        for i in 0..len {
            match make(self, i) {
                Ok(Some(k)) => made.push(k),
                Ok(None) => break,
                Err(()) => {
                    for k in made {
                        self.dropped(k.0);
                    }
                    return Pred::Panicked;
                }
            }
        }
        self.set(start, &made);
        Pred::Stored(start, made)
    }

    /// The end of a round: `high_water` takes its `len`, the values are dropped, every word
    /// is emptied.
    fn reset(&mut self) {
        self.high = self.high.max(self.len());
        for slot in mem::take(&mut self.slots) {
            if let Slot::Value(k) = slot {
                self.dropped(k.0);
            }
        }
        self.words.fill(Word::Empty);
    }

    /// `Arena::local` / `local_with_chunk`, as documented.
    fn new_local(&mut self, h: usize, chunk: Option<u8>) {
        assert!(self.handles[h].is_none());
        let (chunk, max_chunk) = match chunk {
            None => {
                let max = (self.n / 32).clamp(1, 1024);
                (16.min(max), max)
            }
            Some(k) => {
                let k = usize::from(k).clamp(1, self.n.max(1));
                (k, k)
            }
        };
        self.handles[h] = Some(MLocal {
            start: 0,
            next: 0,
            end: 0,
            chunk,
            max_chunk,
            word: HWord::Unasked,
        });
    }

    fn handle(&self, h: usize) -> MLocal {
        self.handles[h].expect("model error: no such handle")
    }

    /// The values a handle wrote since its last commit become values of the arena.
    fn commit(&mut self, h: usize) {
        let mut l = self.handle(h);
        for i in l.start..l.next {
            match self.slots[i] {
                Slot::Pending(k) => self.slots[i] = Slot::Value(k),
                other => panic!("model error: used slot {i} of handle {h} is {other:?}"),
            }
        }
        l.start = l.next;
        self.handles[h] = Some(l);
    }

    /// `CursorCore::own_word`: among the 4 inline words, the first empty one, else the first
    /// with a free range (returned: it becomes the handle's first chunk); then the same among
    /// the table's handle words (striped arenas only); else none.
    fn own_word(&mut self) -> (HWord, Option<Range<usize>>) {
        let groups = [
            0..4.min(self.words.len()),
            4.min(self.words.len())..self.words.len(),
        ];
        for group in groups {
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

    /// A handle's refill: commit, own a word at the first refill, then claim the next chunk
    /// (which doubles, up to the max; one slot at a time for a handle with no word).
    fn refill(&mut self, h: usize) -> bool {
        self.commit(h);
        let mut l = self.handle(h);
        let mut taken = None;
        if l.word == HWord::Unasked {
            (l.word, taken) = self.own_word();
            self.handles[h] = Some(l);
        }
        let want = if l.word == HWord::NoWord { 1 } else { l.chunk };
        let got = match taken {
            Some(r) => {
                self.fill(r.clone(), Slot::Reserved);
                Some(r)
            }
            None => self.claim_chunk(want),
        };
        let Some(r) = got else {
            return false;
        };
        (l.start, l.next, l.end) = (r.start, r.start, r.end);
        l.chunk = (l.chunk * 2).min(l.max_chunk);
        self.handles[h] = Some(l);
        true
    }

    /// The next slot of a handle (refilling if its chunk is used up), written with `key`.
    fn local_store(&mut self, h: usize, key: Key) -> Option<usize> {
        if self.handle(h).next == self.handle(h).end && !self.refill(h) {
            return None;
        }
        let mut l = self.handle(h);
        let i = l.next;
        l.next += 1;
        self.handles[h] = Some(l);
        self.slots[i] = Slot::Pending(key);
        Some(i)
    }

    /// `Local::alloc_with`: refill first if needed; the constructor runs only then.
    fn local_alloc_with(&mut self, h: usize, panic: bool) -> Pred {
        if self.handle(h).next == self.handle(h).end && !self.refill(h) {
            return Pred::Full;
        }
        if panic {
            return Pred::Panicked;
        }
        let k = self.fresh();
        let i = self.local_store(h, k).expect("model error: no slot");
        Pred::Stored(i, vec![k])
    }

    /// `Local::alloc_slice_copy`: inside the chunk if it fits, else from the arena.
    fn local_slice_copy(&mut self, h: usize, src: &[Key]) -> Pred {
        let mut l = self.handle(h);
        if src.len() > l.end - l.next {
            return self.batch(src.len(), |_, i| Ok(Some(src[i])));
        }
        let start = l.next;
        for (i, k) in src.iter().enumerate() {
            self.slots[start + i] = Slot::Pending(*k);
        }
        l.next += src.len();
        self.handles[h] = Some(l);
        Pred::Stored(start, src.to_vec())
    }

    /// Dropping a handle: commit; give the unused tail back if it ends at the cursor, else
    /// publish it in the handle's word as a free range (a handle with no word leaves it as
    /// holes); release the word.
    fn drop_local(&mut self, h: usize) {
        self.commit(h);
        let l = self.handles[h].take().expect("model error: no such handle");
        for i in l.next..l.end {
            assert_eq!(self.slots[i], Slot::Reserved, "model error: slot {i}");
        }
        let unused = l.next..l.end;
        let left = if unused.is_empty() {
            None
        } else if self.cursor() == unused.end {
            self.slots.truncate(unused.start);
            None
        } else {
            Some(unused)
        };
        match (l.word, left) {
            (HWord::Owned(k), Some(r)) => {
                self.fill(r.clone(), Slot::Free);
                self.words[k] = Word::Free(r);
            }
            (HWord::Owned(k), None) => self.words[k] = Word::Empty,
            (_, Some(r)) => self.fill(r, Slot::Hole),
            (_, None) => {}
        }
    }

    /// Forgetting a handle: its uncommitted values leak (holes, never dropped), its unused
    /// slots are holes; everything stays claimed, and its word stays owned until the next
    /// `&mut` operation.
    fn forget_local(&mut self, h: usize) {
        let l = self.handles[h].take().expect("model error: no such handle");
        for slot in &mut self.slots[l.start..l.end] {
            assert!(
                matches!(slot, Slot::Pending(_) | Slot::Reserved),
                "model error: {slot:?} in a live chunk"
            );
            *slot = Slot::Hole;
        }
    }
}

// ---- the harness --------------------------------------------------------------------------

/// Where a check failed, for the messages (formatted only on failure).
#[derive(Clone, Copy)]
struct At<'o> {
    arena: &'static str,
    step: usize,
    op: Option<&'o Op>,
    when: &'static str,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, step {}", self.arena, self.step)?;
        if let Some(op) = self.op {
            write!(f, " {op:?}")?;
        }
        write!(f, " ({})", self.when)
    }
}

/// What a real call returned, reduced to what the model predicts.
fn seen<E: Elem>(r: &Result<Result<&mut [E], Full<()>>, ()>) -> Result<Result<Vec<Key>, ()>, ()> {
    match r {
        Ok(Ok(s)) => Ok(Ok(s.iter().map(key).collect())),
        Ok(Err(_)) => Ok(Err(())),
        Err(()) => Err(()),
    }
}

fn predicted(p: &Pred) -> Result<Result<Vec<Key>, ()>, ()> {
    match p {
        Pred::Stored(_, keys) => Ok(Ok(keys.clone())),
        Pred::Full => Ok(Err(())),
        Pred::Panicked => Err(()),
    }
}

/// References handed out in the current phase, with the value each must still hold.
type Held<'a, E> = Vec<(&'a mut E, Key)>;

struct Harness<E, S: Storage> {
    name: &'static str,
    /// The arena's capacity.
    n: usize,
    m: Model,
    /// Address of slot 0, learned from the first reference handed out.
    base: Option<usize>,
    /// Each operation runs on a fresh thread (see [`run_in_turn`]).
    in_turn: bool,
    _e: PhantomData<(E, S)>,
}

/// Runs `f` on a freshly spawned thread that shares the run's context and is joined at once
/// (`in_turn`), or on the calling thread. A failed check on the spawned thread fails the run
/// here.
fn on_thread<R: Send>(in_turn: bool, f: impl FnOnce() -> R + Send) -> R {
    if !in_turn {
        return f();
    }
    let ctx = shared_ctx();
    thread::scope(|s| {
        s.spawn(move || {
            install_ctx(ctx);
            f()
        })
        .join()
    })
    .unwrap_or_else(|payload| panic::resume_unwind(payload))
}

/// Builds the arena of a storage: `Arena::new()` inline, `HeapArena::with_capacity(n)`.
trait Make<E>: Storage {
    fn make(n: usize) -> ArenaIn<E, Self>;
}

impl<E, const N: usize> Make<E> for Inline<N> {
    fn make(n: usize) -> ArenaIn<E, Self> {
        assert_eq!(n, N);
        ArenaIn::new()
    }
}

impl<E> Make<E> for Heap {
    fn make(n: usize) -> ArenaIn<E, Self> {
        HeapArena::with_capacity(n)
    }
}

impl<E: Elem, S: Make<E>> Harness<E, S> {
    fn new(name: &'static str, n: usize) -> Self {
        install_ctx(SharedCtx::default());
        Harness {
            name,
            n,
            m: Model::new(n, E::TRACKED),
            base: None,
            in_turn: false,
            _e: PhantomData,
        }
    }

    fn at<'o>(&self, step: usize, op: Option<&'o Op>, when: &'static str) -> At<'o> {
        At {
            arena: self.name,
            step,
            op,
            when,
        }
    }

    /// Applies `ops` phase by phase, each on a fresh thread if `in_turn` (see
    /// [`run_in_turn`]).
    fn run(mut self, ops: &[Op], in_turn: bool) {
        // If a check fails, the arena is leaked rather than dropped while unwinding: after a
        // bug its slots may hold garbage, whose destructor would crash the test binary before
        // the failure is reported (or shrunk).
        let mut arena: ManuallyDrop<ArenaIn<E, S>> = ManuallyDrop::new(S::make(self.n));
        self.check_values(&mut arena, self.at(0, None, "new arena"));
        let mut k = 0;
        self.in_turn = in_turn;
        while k < ops.len() {
            k = self.phase(&mut arena, ops, k);
        }
        let at = self.at(ops.len(), None, "arena dropped");
        drop(ManuallyDrop::into_inner(arena));
        for slot in mem::take(&mut self.m.slots) {
            if let Slot::Value(k) = slot {
                self.m.dropped(k.0);
            }
        }
        self.check_drops(at);
    }

    /// Applies the phase that starts at `ops[k]` (one `&mut` operation, or the `&Arena`
    /// operations up to the next one) and checks everything after it; returns where the next
    /// phase starts.
    fn phase(&mut self, arena: &mut ArenaIn<E, S>, ops: &[Op], k: usize) -> usize {
        let in_turn = self.in_turn;
        if ops[k].needs_mut() {
            let at = self.at(k, Some(&ops[k]), "after");
            on_thread(in_turn, || {
                self.exclusive_step(arena, &ops[k], at);
                self.check_values(arena, at);
            });
            k + 1
        } else {
            let end = self.shared_phase(arena, ops, k);
            let at = self.at(end, ops.get(end), "handles dropped before it");
            on_thread(in_turn, || self.check_values(arena, at));
            end
        }
    }

    // ---- checks ----

    fn check_stats(&self, arena: &ArenaIn<E, S>, at: At<'_>) {
        let (len, remaining) = (self.m.len(), self.m.remaining());
        assert_eq!(arena.len(), len, "{at}: len");
        assert_eq!(arena.is_empty(), len == 0, "{at}: is_empty");
        assert_eq!(arena.remaining(), remaining, "{at}: remaining");
        assert_eq!(arena.is_full(), remaining == 0, "{at}: is_full");
        assert_eq!(arena.capacity(), self.n, "{at}: capacity");
        assert_eq!(
            arena.bytes_used(),
            len * mem::size_of::<E>(),
            "{at}: bytes_used"
        );
        assert_eq!(arena.high_water(), self.m.high.max(len), "{at}: high_water");
        assert_eq!(arena.failed_allocs(), self.m.failed, "{at}: failed_allocs");
    }

    /// Values created (by `run`, clones, defaults, iterators) and drops, per value.
    fn check_drops(&self, at: At<'_>) {
        let made = with_ctx(|c| c.next_id);
        assert_eq!(made, self.m.next_id, "{at}: number of values created");
        if E::TRACKED {
            with_ctx(|c| {
                let drops = &c.drops;
                assert_eq!(drops.len(), self.m.drops.len(), "model error: ids");
                for (id, (&got, &want)) in drops.iter().zip(&self.m.drops).enumerate() {
                    assert_eq!(got, u32::from(want), "{at}: drops of value {id}");
                }
            });
        }
    }

    /// Everything, under `&mut`: no handle can be alive.
    fn check_values(&mut self, arena: &mut ArenaIn<E, S>, at: At<'_>) {
        // `iter_mut` and `get_mut` settle the arena first.
        self.m.settle();
        self.m.check_words();
        for (i, s) in self.m.slots.iter().enumerate() {
            assert!(
                matches!(s, Slot::Value(_) | Slot::Hole | Slot::Free),
                "model error: slot {i} is {s:?} with no handle alive"
            );
        }
        self.check_stats(arena, at);
        let got: Vec<Key> = arena.iter_mut().map(|v| key(v)).collect();
        assert_eq!(got, self.m.values(), "{at}: iter_mut (slot order)");
        // Under Miri every `get_mut` retags the whole arena: there, check the first slots and
        // the first free one (iteration above covers every value).
        let len = self.m.cursor();
        let indices = (0..=len).filter(|&i| !cfg!(miri) || i < 16 || i == len);
        for i in indices {
            let want = match self.m.slots.get(i) {
                Some(Slot::Value(k)) => Some(*k),
                _ => None,
            };
            assert_eq!(arena.get_mut(i).map(|v| key(v)), want, "{at}: get_mut({i})");
        }
        assert!(arena.get_mut(usize::MAX).is_none(), "{at}: get_mut(MAX)");
        self.check_drops(at);
    }

    /// After each step of a shared phase.
    fn check_shared(
        &self,
        arena: &ArenaIn<E, S>,
        locals: &[Option<Local<'_, E, S>>; 2],
        held: &Held<'_, E>,
        at: At<'_>,
    ) {
        self.check_stats(arena, at);
        for (h, (real, model)) in locals.iter().zip(&self.m.handles).enumerate() {
            assert_eq!(real.is_some(), model.is_some(), "model error: handle {h}");
            if let (Some(real), Some(model)) = (real, model) {
                assert_eq!(
                    real.chunk_remaining(),
                    model.end - model.next,
                    "{at}: chunk_remaining of handle {h}"
                );
            }
        }
        for (r, k) in held {
            assert_eq!(
                key(&**r),
                *k,
                "{at}: a reference handed out earlier changed"
            );
        }
        self.check_drops(at);
    }

    /// The reference to slot `i` must point there.
    fn check_addr(&mut self, p: *const E, i: usize, at: At<'_>) {
        let size = mem::size_of::<E>();
        let addr = p.addr();
        match self.base {
            None => self.base = Some(addr - i * size),
            Some(base) => assert_eq!(
                addr,
                base + i * size,
                "{at}: reference is not to slot {i} (it is {}.{})",
                addr.wrapping_sub(base) / size,
                addr.wrapping_sub(base) % size
            ),
        }
    }

    /// Compares a batch call with the model's prediction, and keeps its references.
    fn compare_batch<'a>(
        &mut self,
        real: Result<Result<&'a mut [E], Full<()>>, ()>,
        pred: Pred,
        held: &mut Held<'a, E>,
        at: At<'_>,
    ) {
        assert_eq!(
            seen(&real),
            predicted(&pred),
            "{at}: result (Ok(Ok(values)), Ok(Err(Full)) or Err(panicked))"
        );
        if let (Ok(Ok(s)), Pred::Stored(start, keys)) = (real, pred) {
            if !s.is_empty() {
                self.check_addr(s.as_ptr(), start, at);
            }
            held.extend(s.iter_mut().zip(keys));
        }
    }

    /// A single value's outcome: `real` is `Ok(Some(r))`, `Ok(None)` for `Full` or `Err` for
    /// a panic.
    fn compare_one<'a>(
        &mut self,
        real: Result<Option<&'a mut E>, ()>,
        pred: Pred,
        held: &mut Held<'a, E>,
        at: At<'_>,
    ) {
        let got = match &real {
            Ok(Some(r)) => Ok(Ok(vec![key(&**r)])),
            Ok(None) => Ok(Err(())),
            Err(()) => Err(()),
        };
        assert_eq!(got, predicted(&pred), "{at}: result");
        if let (Ok(Some(r)), Pred::Stored(i, keys)) = (real, pred) {
            self.check_addr(&*r, i, at);
            held.push((r, keys[0]));
        }
    }

    /// A `Full<E>` handed the value back: it must be the one passed in; it is dropped here.
    fn handed_back(&mut self, v: E, k: Key, at: At<'_>) {
        let v = ManuallyDrop::new(v); // leaked if the check fails (see `run`)
        assert_eq!(key(&*v), k, "{at}: the value inside Full");
        drop(ManuallyDrop::into_inner(v));
        self.m.dropped(k.0);
    }

    /// `src.len()` fresh values for a batch.
    fn sources(&mut self, len: usize) -> (Vec<E>, Vec<Key>) {
        let src: Vec<E> = (0..len).map(|_| E::fresh()).collect();
        let keys = (0..len).map(|_| self.m.fresh()).collect();
        (src, keys)
    }

    fn drop_sources(&mut self, src: Vec<E>, keys: &[Key]) {
        drop(src);
        for k in keys {
            self.m.dropped(k.0);
        }
    }

    // ---- shared phases ----

    /// Applies the operations from `k` on that need only `&Arena`, with up to two handles
    /// alive; drops the handles still alive at the end (A first). Returns where it stopped.
    fn shared_phase<'a>(&mut self, arena: &'a ArenaIn<E, S>, ops: &[Op], mut k: usize) -> usize {
        let mut locals: [Option<Local<'a, E, S>>; 2] = [None, None];
        let mut held: Held<'a, E> = Vec::new();
        let in_turn = self.in_turn;
        while let Some(op) = ops.get(k).filter(|op| !op.needs_mut()) {
            let at = self.at(k, Some(op), "after");
            let (locals, held) = (&mut locals, &mut held);
            on_thread(in_turn, || {
                self.shared_step(arena, locals, held, op, at);
                self.check_shared(arena, locals, held, at);
            });
            k += 1;
        }
        let at = self.at(k, ops.get(k), "dropping the handles still alive before it");
        on_thread(in_turn, || {
            for (h, local) in locals.iter_mut().enumerate() {
                if let Some(local) = local.take() {
                    drop(local);
                    self.m.drop_local(h);
                }
            }
            self.check_shared(arena, &locals, &held, at);
        });
        k
    }

    fn shared_step<'a>(
        &mut self,
        arena: &'a ArenaIn<E, S>,
        locals: &mut [Option<Local<'a, E, S>>; 2],
        held: &mut Held<'a, E>,
        op: &Op,
        at: At<'_>,
    ) {
        let n = self.n;
        let modulo = |len: u8| usize::from(len) % (n + 3);
        match *op {
            Op::Alloc => {
                let v = E::fresh();
                let k = self.m.fresh();
                let pred = match self.m.claim_one() {
                    Some(i) => {
                        self.m.slots[i] = Slot::Value(k);
                        Pred::Stored(i, vec![k])
                    }
                    None => Pred::Full,
                };
                let real = match arena.alloc(v) {
                    Ok(r) => Ok(Some(r)),
                    Err(full) => {
                        self.handed_back(full.into_inner(), k, at);
                        Ok(None)
                    }
                };
                self.compare_one(real, pred, held, at);
            }
            Op::AllocWith { panic } => {
                let pred = match self.m.claim_one() {
                    None => Pred::Full,
                    Some(_) if panic => Pred::Panicked,
                    Some(i) => {
                        let k = self.m.fresh();
                        self.m.slots[i] = Slot::Value(k);
                        Pred::Stored(i, vec![k])
                    }
                };
                let real = catch_planned(|| {
                    arena.alloc_with(|| if panic { planned_panic() } else { E::fresh() })
                });
                self.compare_one(real.map(Result::ok), pred, held, at);
            }
            Op::AllocSliceCopy { len } => {
                let (src, keys) = self.sources(modulo(len));
                let pred = self
                    .m
                    .batch(keys.len(), |m, i| Ok(Some(m.clone_of(keys[i]))));
                let real = E::slice_copy(arena, &src);
                self.compare_batch(Ok(real), pred, held, at);
                self.drop_sources(src, &keys);
            }
            Op::AllocSliceClone { len, panic_at } => {
                let (src, keys) = self.sources(modulo(len));
                let panic_at = panic_at.map(usize::from).filter(|_| E::TRACKED);
                let pred = self.m.batch(keys.len(), |m, i| {
                    if panic_at == Some(i) {
                        Err(())
                    } else {
                        Ok(Some(m.clone_of(keys[i])))
                    }
                });
                with_ctx(|c| c.clone_fuse = panic_at);
                let real = catch_planned(|| arena.alloc_slice_clone(&src));
                with_ctx(|c| c.clone_fuse = None);
                self.compare_batch(real, pred, held, at);
                self.drop_sources(src, &keys);
            }
            Op::AllocIter {
                len,
                yields,
                panic_at,
            } => {
                let claim = modulo(len);
                let (yields, panic_at) = (usize::from(yields), panic_at.map(usize::from));
                let pred = self.m.batch(claim, |m, i| {
                    if panic_at == Some(i) {
                        Err(())
                    } else if i >= yields {
                        Ok(None)
                    } else {
                        Ok(Some(m.fresh()))
                    }
                });
                let liar = Liar::<E> {
                    claim,
                    yields,
                    panic_at,
                    pulled: 0,
                    _e: PhantomData,
                };
                let real = catch_planned(|| arena.alloc_iter(liar));
                self.compare_batch(real, pred, held, at);
            }
            Op::NewLocal { handle, chunk } => {
                let h = handle.index();
                if let Some(old) = locals[h].take() {
                    drop(old);
                    self.m.drop_local(h);
                }
                locals[h] = Some(match chunk {
                    None => arena.local(),
                    Some(c) => arena.local_with_chunk(usize::from(c)),
                });
                self.m.new_local(h, chunk);
            }
            Op::LocalAlloc(handle) => self.local_alloc(arena, locals, held, handle, at),
            Op::LocalAllocs { handle, count } => {
                // The statistics after each value; the rest once, after the step.
                for _ in 0..count {
                    self.local_alloc(arena, locals, held, handle, at);
                    self.check_stats(arena, at);
                }
            }
            Op::LocalAllocWith { handle, panic } => {
                let (h, local) = self.local(arena, locals, handle);
                let pred = self.m.local_alloc_with(h, panic);
                let real = catch_planned(|| {
                    local.alloc_with(|| if panic { planned_panic() } else { E::fresh() })
                });
                self.compare_one(real.map(Result::ok), pred, held, at);
            }
            Op::LocalSliceCopy { handle, len } => {
                let (h, local) = self.local(arena, locals, handle);
                if E::COPY {
                    let (src, keys) = self.sources(modulo(len));
                    let pred = self.m.local_slice_copy(h, &keys);
                    let real = E::local_slice_copy(local, &src).expect("a Copy element");
                    self.compare_batch(Ok(real), pred, held, at);
                    drop(src); // `Copy`: nothing is dropped
                }
            }
            Op::DropLocal(handle) => {
                if let Some(local) = locals[handle.index()].take() {
                    drop(local);
                    self.m.drop_local(handle.index());
                }
            }
            Op::ForgetLocal(handle) => {
                if let Some(local) = locals[handle.index()].take() {
                    mem::forget(local);
                    self.m.forget_local(handle.index());
                }
            }
            Op::FillDefault { .. }
            | Op::Reset
            | Op::Resets(_)
            | Op::Drain(_)
            | Op::IterMut
            | Op::GetMut { .. } => unreachable!("needs &mut Arena"),
        }
    }

    /// `local.alloc(value)`.
    fn local_alloc<'a>(
        &mut self,
        arena: &'a ArenaIn<E, S>,
        locals: &mut [Option<Local<'a, E, S>>; 2],
        held: &mut Held<'a, E>,
        handle: Which,
        at: At<'_>,
    ) {
        let (h, local) = self.local(arena, locals, handle);
        let v = E::fresh();
        let k = self.m.fresh();
        let pred = match self.m.local_store(h, k) {
            Some(i) => Pred::Stored(i, vec![k]),
            None => Pred::Full,
        };
        let real = match local.alloc(v) {
            Ok(r) => Ok(Some(r)),
            Err(full) => {
                self.handed_back(full.into_inner(), k, at);
                Ok(None)
            }
        };
        self.compare_one(real, pred, held, at);
    }

    /// The handle, made with `arena.local()` if there is none.
    fn local<'l, 'a>(
        &mut self,
        arena: &'a ArenaIn<E, S>,
        locals: &'l mut [Option<Local<'a, E, S>>; 2],
        handle: Which,
    ) -> (usize, &'l mut Local<'a, E, S>) {
        let h = handle.index();
        if locals[h].is_none() {
            self.m.new_local(h, None);
        }
        (h, locals[h].get_or_insert_with(|| arena.local()))
    }

    // ---- operations that need `&mut Arena` ----

    fn exclusive_step(&mut self, arena: &mut ArenaIn<E, S>, op: &Op, at: At<'_>) {
        match *op {
            Op::FillDefault { panic_at } => {
                let panic_at = panic_at.map(usize::from);
                // Model: every slot that holds no value (holes, free ranges, above the
                // cursor) is claimed as a hole and the words are emptied, then the holes are
                // filled in slot order until a default panics.
                self.m.settle();
                self.m.slots.resize(self.n, Slot::Hole);
                for slot in &mut self.m.slots {
                    if *slot == Slot::Free {
                        *slot = Slot::Hole;
                    }
                }
                self.m.words.fill(Word::Empty);
                let mut made = 0;
                let mut want = Ok(());
                for i in 0..self.n {
                    if self.m.slots[i] == Slot::Hole {
                        if panic_at == Some(made) {
                            want = Err(());
                            break;
                        }
                        made += 1;
                        let id = self.m.new_id();
                        self.m.slots[i] = Slot::Value((id, DEFAULT_PAYLOAD));
                    }
                }
                let want = want.map(|()| self.m.values());
                with_ctx(|c| c.default_fuse = panic_at);
                let got: Result<Vec<Key>, ()> =
                    catch_planned(|| arena.fill_default().iter().map(key).collect());
                with_ctx(|c| c.default_fuse = None);
                assert_eq!(got, want, "{at}: fill_default's slice (Err: panicked)");
            }
            Op::Reset => {
                arena.reset();
                self.m.reset();
            }
            Op::Resets(n) => {
                for _ in 0..usize::from(n) % 512 {
                    arena.reset();
                    self.m.reset();
                }
            }
            Op::Drain(end) => {
                // The drain settles the arena, and its `len` peaks now.
                self.m.settle();
                self.m.high = self.m.high.max(self.m.len());
                let values = self.m.values();
                let mut drain = arena.drain();
                let got: Vec<E> = match end {
                    DrainEnd::All => drain.by_ref().collect(),
                    DrainEnd::DropAfter(k) | DrainEnd::ForgetAfter(k) => {
                        drain.by_ref().take(usize::from(k)).collect()
                    }
                };
                if let DrainEnd::ForgetAfter(_) = end {
                    mem::forget(drain);
                } else {
                    drop(drain);
                }
                let got = ManuallyDrop::new(got); // leaked if the check fails (see `run`)
                let keys: Vec<Key> = got.iter().map(key).collect();
                let taken = match end {
                    DrainEnd::All => values.len(),
                    DrainEnd::DropAfter(k) | DrainEnd::ForgetAfter(k) => {
                        values.len().min(usize::from(k))
                    }
                };
                assert_eq!(keys, values[..taken], "{at}: values drained (slot order)");
                drop(ManuallyDrop::into_inner(got));
                // The values taken were dropped here (and are holes in the arena now).
                for k in &keys {
                    self.m.dropped(k.0);
                }
                let mut left = taken;
                for slot in &mut self.m.slots {
                    if left == 0 {
                        break;
                    }
                    if let Slot::Value(_) = slot {
                        *slot = Slot::Hole;
                        left -= 1;
                    }
                }
                if !matches!(end, DrainEnd::ForgetAfter(_)) {
                    // The rest are dropped with the drain, which resets the arena. A
                    // forgotten drain leaves them to the next reset.
                    self.m.reset();
                }
            }
            Op::IterMut => {
                self.m.settle();
                let mut got = Vec::new();
                for v in arena.iter_mut() {
                    got.push(key(v));
                    v.set_payload(bump(v.payload()));
                }
                assert_eq!(got, self.m.values(), "{at}: iter_mut (slot order)");
                for slot in &mut self.m.slots {
                    if let Slot::Value(k) = slot {
                        k.1 = bump(k.1);
                    }
                }
            }
            Op::GetMut { index, set } => {
                let i = usize::from(index) % (self.n + 2);
                self.m.settle();
                let slot = self.m.slots.get_mut(i);
                let want = match &slot {
                    Some(Slot::Value(k)) => Some(*k),
                    _ => None,
                };
                let r = arena.get_mut(i);
                assert_eq!(r.as_ref().map(|v| key(&**v)), want, "{at}: get_mut({i})");
                if let (true, Some(r), Some(Slot::Value(k))) = (set, r, slot) {
                    r.set_payload(bump(r.payload()));
                    k.1 = bump(k.1);
                }
            }
            _ => unreachable!("needs only &Arena"),
        }
    }
}
