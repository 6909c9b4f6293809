//! The bounded arena: a fixed array of slots and one atomic cursor.
//!
//! # Algorithm
//!
//! A bump allocator over an inline array, made safe to share:
//!
//! * `cursor` (see `cursor.rs`) counts the slots handed out this round. [`Arena::alloc`]
//!   claims index `i` with a single `fetch_add(1)`; batches claim a contiguous range with a
//!   compare-and-swap loop that never moves the cursor past `N`. Because every claim is one
//!   read-modify-write of one location, no index is handed out twice in a round
//!   (invariant 1), whatever the orderings.
//! * A round ends only under `&mut self` ([`Arena::reset`], [`Arena::drain`], `Drop`), so a
//!   `&mut T` handed out from `&self` can never alias another reference.
//! * Next to each slot lives a one-byte *mark* that records **holes**: a claimed slot that
//!   holds no value, because its constructor, `Clone` or iterator panicked, an iterator yielded
//!   fewer items than it promised, or a [`Local`](crate::Local) handle was forgotten with part
//!   of its chunk unused. A claimed slot (`i < len`) holds a value exactly when its mark is
//!   *not* this round's hole tag, so reset, drop and iteration skip holes and nothing ever reads
//!   uninitialised memory (invariant 2). Slots at or above the cursor never carry the tag.
//! * Only the paths that can leave a hole write marks, and they do so from their cold unwind
//!   or tail paths; `alloc` and `alloc_slice_copy` touch nothing but the cursor and the values,
//!   the same work as the Go arena. A [`Local`](crate::Local) handle marks its whole chunk as
//!   holes when it claims it and clears the marks of the slots it used when it refills or is
//!   dropped, so a forgotten handle leaves holes (and leaks its values), never a slot that
//!   looks initialised but is not.
//! * Rewinding bumps the round tag instead of touching the marks, so [`Arena::reset`] is O(1)
//!   when `T` has no drop glue. Tags are `1..=255`. Before a tag comes back, every mark that
//!   could carry it must be cleared. Marks carrying a tag are written only by the paths that
//!   leave holes (and under `&mut self`), which also set the `dirty` flag. When a round ends
//!   dirty and no sweep is pending, a sweep is scheduled 255 resets later, just before that
//!   round's tag returns; the sweep clears every mark below the high-water mark (marks are only
//!   ever written for claimed slots), which also covers every dirty round since. So a reset
//!   does constant work unless holes were made, and at most one sweep of the used marks per
//!   255 resets when they were. When `T` needs dropping, reset visits each claimed slot once
//!   anyway.
//! * With `std`, arenas of at least 4,096 slots give each allocating thread a chunk of its own
//!   (see `cursor.rs` and `stripes.rs`). The unused part of every chunk (threads' chunks,
//!   handles' tails) lives in a *word* where any claim can take it (`words.rs`); under
//!   `&mut self` (`Arena::settle`) the tails at the cursor's end go back to it, and every other
//!   free range below the cursor is marked with the round's tag (so iteration, reset and drop
//!   skip it) while it stays in its word, free: a claim that takes a slot of a marked range
//!   clears its mark.
//!
//! The values are stored contiguously (`[UnsafeCell<MaybeUninit<T>>; N]` has the layout of
//! `[T; N]`), which is what lets a batch be one `memcpy` and come back as `&mut [T]`. The marks
//! live in their own array so they do not break that contiguity.
//!
//! Under loom, a loom-tracked `owners` cell per slot stands for the value, touched wherever
//! the value is written or read, so a slot handed out twice is reported as a data race.

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr;
use core::slice;

use crate::__private::Storage as Checks;
use crate::cursor::{Cursor, CursorCore, CLEAR};
use crate::error::Full;
#[cfg(all(feature = "alloc", loom))]
use crate::storage::HeapArray;
#[cfg(feature = "alloc")]
use crate::storage::{self, CapacityError, Heap, OnAllocFailure};
use crate::storage::{Array, Inline, Storage};
use crate::sync::TrackedCell;

/// A bounded, lock-free arena of up to `N` values of type `T`, stored inline.
///
/// Any number of threads can [`alloc`](Arena::alloc) through a shared reference; each call
/// claims one slot with one atomic operation and returns a `&mut T` that nobody else can reach.
/// When all `N` slots are taken, `alloc` gives the value back in [`Full`]. Values live until
/// [`reset`](Arena::reset) (which needs `&mut self`, so no reference can outlive it) or until
/// the arena is dropped; each is dropped exactly once.
///
/// The storage is an inline array, so `Arena::new` is a `const fn` and an arena can be a
/// `static` with no heap at all. For large capacities use [`Arena::new_boxed`], which builds the
/// arena directly on the heap.
///
/// ```
/// use atomicarena::Arena;
///
/// static NAMES: Arena<&str, 4> = Arena::new();
///
/// let a: &'static mut &str = NAMES.alloc("ada").unwrap();
/// *a = "Ada";
/// std::thread::scope(|s| {
///     s.spawn(|| NAMES.alloc("grace").unwrap());
///     s.spawn(|| NAMES.alloc("barbara").unwrap());
/// });
/// assert_eq!(NAMES.len(), 3);
/// assert_eq!(NAMES.remaining(), 1);
/// ```
///
/// Statistics: [`len`](Arena::len) counts the values handed out this round and
/// [`remaining`](Arena::remaining) the slots a claim can still get; the slots that are neither
/// are *holes*, left only by a panicking constructor, `Clone` or iterator, an iterator that
/// yields fewer items than it promised, a [`drain`](Arena::drain), and a forgotten
/// [`Local`](crate::Local) (its last chunk). With no call in flight and no handle alive,
/// `len() + remaining() + holes == N`. [`high_water`](Arena::high_water) is the largest `len` of
/// any round; [`failed_allocs`](Arena::failed_allocs) counts, over the arena's whole life, the
/// calls that found no room.
///
/// # Exact capacity
///
/// No slot is ever stranded: a slot that was not handed out stays claimable for the rest of
/// the round, wherever it is (above the shared cursor, in a thread's chunk, in the unused tail
/// of a dropped [`Local`](crate::Local)), and no `&mut self` method (`iter_mut`, `get_mut`,
/// `drain`, `fill_default`) turns a free slot into a hole. So:
///
/// * a single claim ([`alloc`](Arena::alloc), [`alloc_with`](Arena::alloc_with)) is `Full`
///   only when no slot is free anywhere;
/// * a batch of `k` is `Full` only when no `k` contiguous free slots exist once every free tail
///   that ends where the cursor stands has been given back to it (the batch does that first,
///   whichever thread's chunk holds the tail);
/// * a [`Local`](crate::Local) is `Full` only when no slot is free anywhere (it takes the rest
///   of other threads' chunks as its own);
/// * used from one thread at a time (threads joined, or otherwise synchronised in turn), every
///   result is that of an arena without per-thread chunks: the same slots in the same order,
///   the same statistics, the same batches fit.
///
/// Under concurrency, `Full` means that no free slot was found when the claim looked: a slot
/// that another thread is giving back at that very moment may be missed (it is in flight).
///
/// # Many threads
///
/// With the `std` feature, an arena of at least 4,096 slots (and at most 2^31 − 1) gives
/// each allocating thread a chunk of its own: [`alloc`](Arena::alloc) takes the next slot of
/// the thread's chunk with one compare-and-swap on a cache line that no other thread writes,
/// and claims a new chunk of `N / 512` slots (1 to 256) from the shared cursor when it runs
/// out, so threads do not move a shared cache line per allocation. A thread whose chunk runs
/// out while another thread's chunk ends where the cursor stands continues with the front of
/// that chunk (that is what makes threads used in turn continue where the last one stopped).
/// There are 8 chunks; a ninth thread shares one (still correct, a little slower). The cost is
/// one pointer in the arena and a 1 KiB table on the heap, allocated by the first such
/// allocation (or the first [`local`](Arena::local)); smaller arenas, and `no_std` builds, use
/// one shared cursor and never allocate. Everything in [Exact capacity](Arena#exact-capacity)
/// holds for the chunks: their unused slots are free for any claim.
pub type Arena<T, const N: usize> = ArenaIn<T, Inline<N>>;

/// A bounded, lock-free arena like [`Arena`], with a capacity chosen at run time: its slots are
/// allocated on the heap once, by [`with_capacity`](HeapArena::with_capacity) or
/// [`try_with_capacity`](HeapArena::try_with_capacity), and never again.
///
/// Everything else is [`Arena`]'s, with the same code: every method, the same errors and
/// statistics, the same `Send`/`Sync` rules, per-thread chunks from 4,096 slots. What
/// differs is that the capacity is a value: the arrays' address and length are loaded, and
/// whether the arena has per-thread chunks is decided at run time (about 2 instructions more
/// per `alloc`, 1.05× an inline arena's; see [Which kind to pick](crate#which-kind-to-pick)). A `static`
/// cannot hold one (it needs the heap at run time); use [`Arena`] there, or a `OnceLock`.
///
/// ```
/// use atomicarena::HeapArena;
///
/// let n: usize = "1000".parse().unwrap(); // say, from a config file
/// let names: HeapArena<String> = HeapArena::with_capacity(n);
/// std::thread::scope(|s| {
///     s.spawn(|| names.alloc("ada".to_string()).unwrap());
///     s.spawn(|| names.alloc("grace".to_string()).unwrap());
/// });
/// assert_eq!(names.len(), 2);
/// assert_eq!(names.remaining(), 998);
/// ```
#[cfg(feature = "alloc")]
pub type HeapArena<T> = ArenaIn<T, Heap>;

/// The bounded arena, generic over where its slots live: [`Arena<T, N>`](Arena) is
/// `ArenaIn<T, Inline<N>>` and [`HeapArena<T>`](HeapArena) is `ArenaIn<T, Heap>`. Every method
/// is written once, here; see [`Arena`] for the kind's contract.
///
/// ```
/// use atomicarena::{ArenaIn, Storage};
///
/// // One function for both storages.
/// fn fill<S: Storage>(arena: &ArenaIn<u32, S>) {
///     while arena.alloc(7).is_ok() {}
/// }
/// let inline: atomicarena::Arena<u32, 8> = atomicarena::Arena::new();
/// let heap = atomicarena::HeapArena::with_capacity(8);
/// fill(&inline);
/// fill(&heap);
/// assert_eq!(inline.len(), heap.len());
/// ```
// `repr(transparent)` over `Raw` (the other field is a `PhantomData`): `DroplessArena`'s
// `Deref` relies on it. `Raw`'s own layout is explained on it.
#[repr(transparent)]
pub struct ArenaIn<T, S: Storage> {
    /// The storage and the cursor; everything but the destructor, shared with
    /// [`DroplessArena`](crate::DroplessArena).
    pub(crate) raw: Raw<T, S>,
    /// The arena owns `T`s and drops them (for dropck).
    _owns: PhantomData<T>,
}

/// The storage of a bounded arena, with no destructor of its own: the values are dropped by
/// [`Arena`]'s `Drop` (a [`DroplessArena`](crate::DroplessArena), whose `T` has no drop glue,
/// has none). Its fields' own drop glue (the cursor's stripe table, a heap storage's arrays)
/// runs in both.
///
/// `repr(C)`: the marks, then the values, then the header (the cursor, which also keeps the
/// statistics and the round's hole tag, see `cursor.rs`). Inline, the header sits right after
/// the last slot, in two neighbouring cache lines: a reset touches nothing else. On the heap
/// the arrays are two pointers (with their length, the capacity) right before the header.
#[repr(C)]
pub(crate) struct Raw<T, S: Storage> {
    /// For a claimed slot `i < len`: `marks[i] == round + 1` exactly when the slot is a hole.
    /// Slots `>= len` never carry this round's tag. Written by the owner of slot `i` (or under
    /// `&mut self`); read under `&mut self`. Kept and read by the cursor's hole-mark code
    /// (`cursor.rs`), which does not depend on `T`. Its length is the capacity.
    pub(crate) marks: S::Array<TrackedCell<u8>>,
    /// loom only: a tracked cell per slot standing for its value (see the module docs).
    #[cfg(loom)]
    owners: S::Array<TrackedCell<()>>,
    /// The values; layout of `[T; N]`. `MaybeUninit`: no drop glue of `T` here.
    slots: S::Array<UnsafeCell<MaybeUninit<T>>>,
    /// Claims slots for this round; counts failures (see `cursor.rs`).
    pub(crate) cursor: Cursor,
}

impl<T, const N: usize> Raw<T, Inline<N>> {
    /// The empty storage.
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Raw {
            cursor: Cursor::new(),
            marks: [const { TrackedCell::new(CLEAR) }; N],
            slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
        }
    }

    /// The empty storage (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Raw {
            cursor: Cursor::new(),
            marks: core::array::from_fn(|_| TrackedCell::new(CLEAR)),
            owners: core::array::from_fn(|_| TrackedCell::new(())),
            slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
        }
    }
}

#[cfg(feature = "alloc")]
impl<T> Raw<T, Heap> {
    /// The empty storage of `n` slots, on the heap. `handle_alloc_error` when the allocator
    /// fails and `on_failure` is `Abort`.
    pub(crate) fn with_capacity(
        n: usize,
        on_failure: OnAllocFailure,
    ) -> Result<Self, CapacityError> {
        const { assert!(CLEAR == 0, "heap marks start zeroed") };
        let (marks, slots) = storage::bytes_and_values(n, on_failure)?;
        Ok(Raw {
            cursor: Cursor::new(),
            marks,
            #[cfg(loom)]
            owners: HeapArray::from_fn(n, || TrackedCell::new(())),
            slots,
        })
    }
}

impl<T, S: Storage> Raw<T, S> {
    /// The number of slots: `N` inline (a constant), the arrays' length on the heap.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn cap(&self) -> usize {
        self.marks.as_slice().len()
    }
}

// SAFETY: sharing `&Arena` lets other threads move `T`s in (`alloc`) and get `&mut T` to them,
// each slot reachable from exactly one thread (invariant 1); under `&mut self` one thread
// touches every value, possibly created elsewhere. That is moving `T` between threads, so
// `T: Send` is required and sufficient; no `&T` is ever shared, so `T: Sync` is not needed.
unsafe impl<T: Send, S: Storage> Sync for ArenaIn<T, S> {}

// SAFETY: moving an arena moves its `T`s (and the cursor, whose stripe table is `Send`):
// `T: Send` is required and enough. Written out rather than automatic so that it holds for
// every storage `S` in generic code, where the arrays' own `Send` is not visible: both
// storages' arrays (`[E; N]`, `HeapArray<E>`) are `Send` exactly when their elements are.
unsafe impl<T: Send, S: Storage> Send for ArenaIn<T, S> {}

impl<T, const N: usize> Arena<T, N> {
    /// The number of slots, `N`.
    ///
    /// ```
    /// assert_eq!(atomicarena::Arena::<u64, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// Creates an empty arena. A `const fn`: the arena can live in a `static`.
    ///
    /// The arena is built where it is returned, which for a local variable is the stack; for
    /// capacities beyond a few kilobytes, prefer a `static` or [`Arena::new_boxed`].
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// static LOG: Arena<u32, 1024> = Arena::new();
    /// let local: Arena<u32, 16> = Arena::new();
    /// assert!(LOG.is_empty() && local.is_empty());
    /// ```
    ///
    /// A capacity of 0, or storage over `isize::MAX` bytes, fails to compile (the same checks
    /// in every kind):
    ///
    /// ```compile_fail,E0080
    /// let empty: atomicarena::Arena<u32, 0> = atomicarena::Arena::new();
    /// ```
    #[must_use]
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        Arena {
            raw: Raw::new(),
            _owns: PhantomData,
        }
    }

    /// Creates an empty arena (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        Arena {
            raw: Raw::new(),
            _owns: PhantomData,
        }
    }

    /// Creates an empty arena directly on the heap, with no temporary on the stack, so that
    /// capacities of millions of slots work on any thread.
    ///
    /// The memory comes zeroed from the allocator (the all-zero bytes are an empty arena), so
    /// untouched slots cost no page faults on systems that map zeroed pages lazily.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let big = Arena::<u64, 4_000_000>::new_boxed();
    /// assert_eq!(big.capacity(), 4_000_000);
    /// ```
    #[must_use]
    #[cfg(feature = "alloc")]
    pub fn new_boxed() -> alloc::boxed::Box<Self> {
        let () = <Self as Checks>::CHECKS;
        #[cfg(not(loom))]
        {
            crate::zeroable::new_boxed_zeroed()
        }
        #[cfg(loom)]
        {
            alloc::boxed::Box::new(Self::new())
        }
    }
}

#[cfg(feature = "alloc")]
impl<T> HeapArena<T> {
    /// Creates an empty arena of `capacity` slots, allocated on the heap now and never again.
    ///
    /// The memory of the marks comes zeroed from the allocator and that of the values is not
    /// touched, so an arena of 10⁸ slots costs no page until its slots are used (on systems
    /// that map fresh pages lazily).
    ///
    /// # Panics
    ///
    /// When `capacity` is 0, or the storage (`capacity × (size_of::<T>() + 1)` bytes) exceeds
    /// `isize::MAX` bytes; the message names the problem. When the allocator fails, it calls
    /// [`handle_alloc_error`](alloc::alloc::handle_alloc_error), as `Vec` does. Use
    /// [`try_with_capacity`](HeapArena::try_with_capacity) to get an error instead.
    ///
    /// ```
    /// let arena = atomicarena::HeapArena::<u64>::with_capacity(100_000_000);
    /// arena.alloc(1).unwrap();
    /// assert_eq!(arena.capacity(), 100_000_000);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        match Raw::with_capacity(capacity, OnAllocFailure::Abort) {
            Ok(raw) => ArenaIn {
                raw,
                _owns: PhantomData,
            },
            Err(e) => storage::capacity_panic("HeapArena", e),
        }
    }

    /// Creates an empty arena of `capacity` slots, or says why it cannot.
    ///
    /// # Errors
    ///
    /// [`CapacityError::Zero`] for a capacity of 0, [`CapacityError::TooLarge`] when the
    /// storage would exceed `isize::MAX` bytes, [`CapacityError::AllocFailed`] when the
    /// allocator fails. Nothing is allocated (or all is freed) then.
    ///
    /// ```
    /// use atomicarena::{CapacityError, HeapArena};
    ///
    /// let arena = HeapArena::<u32>::try_with_capacity(64).unwrap();
    /// assert_eq!(arena.capacity(), 64);
    /// assert_eq!(HeapArena::<u32>::try_with_capacity(0).unwrap_err(), CapacityError::Zero);
    /// assert!(HeapArena::<u32>::try_with_capacity(usize::MAX).is_err());
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Ok(ArenaIn {
            raw: Raw::with_capacity(capacity, OnAllocFailure::Return)?,
            _owns: PhantomData,
        })
    }
}

impl<T, S: Storage> ArenaIn<T, S> {
    /// Stores `value` in a free slot and returns a mutable reference to it.
    ///
    /// Lock-free: one atomic operation (on the shared cursor, or for arenas of 4,096 slots or
    /// more on the calling thread's chunk, see [Many threads](Arena#many-threads)), then a
    /// plain write. Callable from any number of threads at once. When the arena has no slot
    /// left the value comes back in [`Full`], untouched.
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when no slot is left this round.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<Vec<u8>, 2> = Arena::new();
    /// let a = arena.alloc(vec![1, 2]).unwrap();
    /// let b = arena.alloc(vec![3]).unwrap();
    /// a.push(9);
    /// b.clear();
    /// assert_eq!(*a, [1, 2, 9]);
    /// let back = arena.alloc(vec![7]).unwrap_err().into_inner();
    /// assert_eq!(back, [7]);
    /// ```
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc(&self, value: T) -> Result<&mut T, Full<T>> {
        // The common case alone, so that nothing keeps `value` alive across a call: it goes
        // from the caller's registers straight into the slot (a large `T` built in place is
        // not spilled to the stack and read back).
        // No call takes `value`: the slow claim is out of line and returns an index, so both
        // paths meet at the one write.
        let fast = if S::HEAP {
            self.raw
                .cursor
                .claim_one_fast_by_table(self.cap(), Some(self.raw.marks.as_slice()))
        } else {
            self.raw
                .cursor
                .claim_one_fast(self.cap(), Some(self.raw.marks.as_slice()))
        };
        let claimed = match fast {
            Some(i) => Some(i),
            None => self
                .raw
                .cursor
                .claim_one_outlined(self.cap(), Some(self.raw.marks.as_slice())),
        };
        match claimed {
            // SAFETY: `claim_one_fast` or `claim_one` returned `i < N`, claimed by this call
            // alone this round, its mark clear.
            Some(i) => Ok(unsafe { self.write(i, value) }),
            None => Err(Full(value)),
        }
    }

    /// Runs `f` to build a value in a free slot, and returns a reference to it.
    ///
    /// `f` runs only once a slot has been claimed, so a full arena costs nothing but the
    /// failed claim. If `f` panics, the claimed slot stays empty (a *hole*: neither a value
    /// nor free) and is skipped by iteration, reset and drop.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when no slot is left this round; `f` is not called then.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<[u64; 64], 1> = Arena::new();
    /// let table = arena.alloc_with(|| std::array::from_fn(|i| i as u64 * 2)).unwrap();
    /// assert_eq!(table[10], 20);
    /// assert!(arena.alloc_with(|| unreachable!("not called when full")).is_err());
    /// ```
    #[inline]
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_with<F: FnOnce() -> T>(&self, f: F) -> Result<&mut T, Full<()>> {
        let i = self
            .raw
            .cursor
            .claim_one(self.cap(), Some(self.raw.marks.as_slice()))
            .ok_or(Full(()))?;
        // If `f` panics, slot `i` is marked as a hole (invariant 2).
        let guard = HoleOnUnwind {
            cursor: &self.raw.cursor,
            marks: self.raw.marks.as_slice(),
            range: i..i + 1,
        };
        let value = f();
        mem::forget(guard);
        // SAFETY: `claim_one` returned `i < N`, claimed by this call alone this round.
        Ok(unsafe { self.write(i, value) })
    }

    /// Copies `src` into contiguous slots with one `memcpy`, all or nothing.
    ///
    /// If `src.len()` slots are not free together, nothing is taken and `Full(())` comes back
    /// (the Go `AppendSlice` contract). An empty `src` always succeeds.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `src.len()` contiguous slots are not free; nothing is taken then.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<u32, 5> = Arena::new();
    /// let s = arena.alloc_slice_copy(&[1, 2, 3]).unwrap();
    /// s[0] = 10;
    /// assert_eq!(s, [10, 2, 3]);
    /// assert!(arena.alloc_slice_copy(&[4, 5, 6]).is_err()); // 3 do not fit in the 2 left
    /// assert_eq!(arena.len(), 3);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_slice_copy(&self, src: &[T]) -> Result<&mut [T], Full<()>>
    where
        T: Copy,
    {
        if src.is_empty() {
            return Ok(&mut []);
        }
        let start =
            self.raw
                .cursor
                .claim(self.cap(), src.len(), Some(self.raw.marks.as_slice()))?;
        let dst = self.slot_ptr(start);
        // SAFETY: `claim` gave this call `start..start + src.len()` (within `0..N`) alone;
        // `src` is a live `&[T]` and cannot overlap slots nobody else can reach. `T: Copy`, so
        // a bitwise copy is a valid duplicate.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
        self.touch_owners(start..start + src.len());
        // SAFETY: the range was just initialised (its marks are not this round's tag, as for
        // every slot the cursor had not reached), and is ours for the round.
        Ok(unsafe { slice::from_raw_parts_mut(dst, src.len()) })
    }

    /// Clones `src` into contiguous slots, all or nothing.
    ///
    /// If a `clone` panics, the values cloned so far are dropped at once and the claimed slots
    /// stay empty (holes); nothing of the batch is visible afterwards.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `src.len()` contiguous slots are not free; nothing is taken and
    /// nothing is cloned then.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<String, 4> = Arena::new();
    /// let words = ["to".to_string(), "be".to_string()];
    /// let copy = arena.alloc_slice_clone(&words).unwrap();
    /// copy[1].push('e');
    /// assert_eq!(copy, ["to", "bee"]);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_slice_clone(&self, src: &[T]) -> Result<&mut [T], Full<()>>
    where
        T: Clone,
    {
        self.alloc_exact(src.len(), src.iter().cloned())
    }

    /// Moves the items of an exact-size iterator into contiguous slots, all or nothing.
    ///
    /// The iterator's [`len`](ExactSizeIterator::len) decides how many slots are claimed.
    /// An iterator that lies stays sound: if it yields fewer items, the returned slice is
    /// shorter and the unused claimed slots stay empty (holes); if it would yield more, the
    /// extra items are never pulled. A panicking iterator drops what it had yielded.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `len()` contiguous slots are not free; nothing is taken and no item
    /// is pulled from the iterator then.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<u32, 100> = Arena::new();
    /// let squares = arena.alloc_iter((1..11).map(|x| x * x)).unwrap();
    /// assert_eq!(squares.iter().sum::<u32>(), 385);
    /// assert!(arena.alloc_iter(0..1000).is_err()); // does not fit: nothing taken
    /// assert_eq!(arena.len(), 10);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_iter<I>(&self, iter: I) -> Result<&mut [T], Full<()>>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let iter = iter.into_iter();
        self.alloc_exact(iter.len(), iter)
    }

    /// Moves every item of an iterator of any length into contiguous slots, all or nothing
    /// (typed-arena's `alloc_extend`; [`alloc_iter`](Arena::alloc_iter) is cheaper when the
    /// length is known).
    ///
    /// It uses the room at the cursor's end: the free tails that end there are given back first
    /// (as for every batch), then, from the first item on, it reserves **all** the slots the
    /// cursor has left, fills them, and gives back the rest. Free slots elsewhere (the tails of
    /// threads' chunks and of handles that are not at the cursor's end) are not used. While it
    /// runs, other threads find only those elsewhere: use it from one thread, or expect `Full`
    /// in the others meanwhile.
    ///
    /// If the items do not fit, nothing is stored: the items already taken from the iterator
    /// (and the one that did not fit) are dropped at once, the rest of the iterator is not
    /// pulled, and every reserved slot is free again. If the iterator panics, the items taken
    /// so far are dropped and every reserved slot is free again. No hole is ever left.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when the items do not fit in the room at the cursor's end.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena: Arena<u32, 16> = Arena::new();
    /// let odd = arena.alloc_extend((0..20).filter(|x| x % 2 == 1)).unwrap();
    /// assert_eq!(odd, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    /// assert_eq!(arena.remaining(), 6);
    /// assert!(arena.alloc_extend((0..7).chain(0..0)).is_err()); // 7 do not fit
    /// assert_eq!(arena.remaining(), 6); // and nothing was taken
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_extend<I>(&self, iter: I) -> Result<&mut [T], Full<()>>
    where
        I: IntoIterator<Item = T>,
    {
        let mut iter = iter.into_iter();
        let Some(first) = iter.next() else {
            return Ok(&mut []);
        };
        let Some(range) = self
            .raw
            .cursor
            .reserve_rest(self.cap(), Some(self.raw.marks.as_slice()))
        else {
            return Err(Full(()));
        };
        /// Drops the values written so far and frees the reserved range (on a panic, and when
        /// the items do not fit).
        struct Reserved<'a, T, S: Storage> {
            arena: &'a ArenaIn<T, S>,
            range: core::ops::Range<usize>,
            written: usize,
        }
        impl<T, S: Storage> Drop for Reserved<'_, T, S> {
            fn drop(&mut self) {
                /// Frees the range once the values are dropped (even if a destructor panics):
                /// from then on, other claims may take its slots.
                struct Free<'b>(&'b CursorCore, core::ops::Range<usize>);
                impl Drop for Free<'_> {
                    fn drop(&mut self) {
                        self.0.return_rest(self.1.clone());
                    }
                }
                let _free = Free(&self.arena.raw.cursor, self.range.clone());
                let dst = self.arena.slot_ptr(self.range.start);
                // SAFETY: exactly the first `written` slots of the range were initialised by
                // `alloc_extend` and never handed out, so nothing else drops them; the range is
                // still ours (it is freed after this).
                unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(dst, self.written)) };
            }
        }
        let dst = self.slot_ptr(range.start);
        // SAFETY: `range` was reserved by this call alone and is non-empty; the slot is ours.
        unsafe { dst.write(first) };
        let mut guard = Reserved {
            arena: self,
            range,
            written: 1,
        };
        for value in iter {
            if guard.written == guard.range.len() {
                // Does not fit: `value` and (by the guard) everything taken so far are dropped,
                // and the range is freed.
                drop(value);
                return Err(Full(()));
            }
            // SAFETY: `written < range.len()`, and the range is ours: the slot holds nothing.
            unsafe { dst.add(guard.written).write(value) };
            guard.written += 1;
        }
        let (range, written) = (guard.range.clone(), guard.written);
        mem::forget(guard);
        self.touch_owners(range.start..range.start + written);
        // The unused rest goes back to the cursor (it ends there: the cursor is at `N`).
        self.raw
            .cursor
            .return_rest(range.start + written..range.end);
        // SAFETY: the first `written` slots of the range were initialised above (their marks
        // are clear, as for every slot the cursor had not reached) and belong to this call for
        // the round.
        Ok(unsafe { slice::from_raw_parts_mut(dst, written) })
    }

    /// Claims `len` contiguous slots and fills them from `iter`, which may yield fewer.
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    fn alloc_exact(&self, len: usize, iter: impl Iterator<Item = T>) -> Result<&mut [T], Full<()>> {
        if len == 0 {
            return Ok(&mut []);
        }
        let start = self
            .raw
            .cursor
            .claim(self.cap(), len, Some(self.raw.marks.as_slice()))?;
        let dst = self.slot_ptr(start);
        // If `iter` panics: drops the values written so far and marks the range as holes.
        let mut guard = PartialBatch {
            arena: self,
            start,
            len,
            written: 0,
        };
        for value in iter.take(len) {
            // SAFETY: `guard.written < len` (`take`), and `start..start + len` was claimed by
            // this call alone, so the slot is ours and holds nothing.
            unsafe { dst.add(guard.written).write(value) };
            guard.written += 1;
        }
        let written = guard.written;
        mem::forget(guard);
        self.touch_owners(start..start + written);
        if written < len {
            // The iterator yielded fewer items than it promised: the tail is holes.
            self.mark_holes(start + written..start + len);
            self.raw.cursor.add_holes(len - written);
        }
        // SAFETY: the first `written` slots of the range were initialised above (their marks
        // are clear) and belong to this call for the round.
        Ok(unsafe { slice::from_raw_parts_mut(dst, written) })
    }

    /// Fills every free slot (and every hole) with `T::default()` and returns all `N` values in
    /// slot order (the Go `MakeSlice`). The arena is full afterwards.
    ///
    /// If `T::default()` panics, the slots filled so far keep their values and the rest stay
    /// empty; the arena stays sound.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let mut arena: Arena<u32, 4> = Arena::new();
    /// arena.alloc(7).unwrap();
    /// let all = arena.fill_default();
    /// assert_eq!(all, [7, 0, 0, 0]);
    /// assert!(arena.is_full());
    /// ```
    pub fn fill_default(&mut self) -> &mut [T]
    where
        T: Default,
    {
        self.settle();
        let n = self.cap();
        let tag = self.tag();
        // Claim everything first, as holes (the free ranges in words are marked as holes by
        // `settle`): if `T::default()` panics, unfilled slots stay holes, counted as such.
        self.raw.cursor.set_dirty();
        let claimed = self.raw.cursor.claimed(self.cap());
        for mark in &mut self.raw.marks.as_mut_slice()[claimed..] {
            *mark.get_mut() = tag;
        }
        let empty = n - self.raw.cursor.len(n);
        self.raw.cursor.rewind(n, n);
        self.raw.cursor.add_holes_mut(empty);
        for i in 0..n {
            if *self.raw.marks.as_mut_slice()[i].get_mut() == tag {
                // SAFETY: `&mut self`; the slot is a hole, so it holds no value to overwrite.
                unsafe { self.slot_ptr(i).write(T::default()) };
                *self.raw.marks.as_mut_slice()[i].get_mut() = CLEAR;
                self.raw.cursor.sub_holes_mut(1);
            }
        }
        // SAFETY: no slot in `0..N` is a hole any more, so all are initialised; `&mut self`
        // makes the slice exclusive for its lifetime.
        unsafe { slice::from_raw_parts_mut(self.slot_ptr(0), n) }
    }

    /// Drops every value and empties the arena for the next round.
    ///
    /// O(1) in the number of values when `T` has no drop glue: it rewinds the cursor and clears
    /// one 255th of the one-byte-per-slot hole marks (N/255 bytes, about 4 KB for a million
    /// slots), never more. Otherwise each value is dropped once, in slot order; if a destructor
    /// panics, the remaining values are still dropped before the panic continues.
    ///
    /// The `&mut self` receiver is what makes this sound: no reference returned by `alloc` can
    /// be alive across a reset.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let mut arena: Arena<String, 2> = Arena::new();
    /// arena.alloc("a".into()).unwrap();
    /// arena.alloc("b".into()).unwrap();
    /// assert!(arena.is_full());
    /// arena.reset();
    /// assert!(arena.is_empty());
    /// assert_eq!(arena.high_water(), 2);
    /// ```
    #[inline]
    pub fn reset(&mut self) {
        // The common case, inlined: nothing to drop. It touches the two header lines (and the
        // words in use, if any) and nothing else (no stack frame of its own either).
        if !mem::needs_drop::<T>() {
            self.raw.cursor.end_round(self.cap());
            self.raw.cursor.next_round(self.raw.marks.as_mut_slice());
            return;
        }
        self.reset_slow();
    }

    /// `reset` with values to drop.
    #[inline(never)]
    fn reset_slow(&mut self) {
        self.settle();
        let tag = self.tag();
        let claimed = self.raw.cursor.end_round(self.cap());
        // The round must end even if a destructor panics: the dropped slots are marked as
        // holes of this round, and slots at or above the (rewound) cursor must not carry the
        // current tag.
        struct EndRound<'a, T, S: Storage>(&'a mut ArenaIn<T, S>);
        impl<T, S: Storage> Drop for EndRound<'_, T, S> {
            fn drop(&mut self) {
                self.0
                    .raw
                    .cursor
                    .next_round_outlined(self.0.raw.marks.as_mut_slice());
            }
        }
        let end = EndRound(self);
        if mem::needs_drop::<T>() {
            end.0.drop_values(0, claimed, tag);
        }
    }

    /// Moves every value out, in slot order, and leaves the arena empty.
    ///
    /// Values the iterator did not yield are dropped when it is dropped. Forgetting the
    /// iterator leaves the values it did not yield in the arena (the next `reset` or the
    /// arena's drop drops them) and the yielded ones as holes: none is exposed or dropped twice.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let mut arena: Arena<String, 4> = Arena::new();
    /// arena.alloc("x".into()).unwrap();
    /// arena.alloc("y".into()).unwrap();
    /// let all: Vec<String> = arena.drain().collect();
    /// assert_eq!(all, ["x", "y"]);
    /// assert!(arena.is_empty());
    /// ```
    pub fn drain(&mut self) -> Drain<'_, T, S> {
        self.settle();
        // The values are about to leave one by one: this round's `len` peaks now.
        self.raw.cursor.high_water = self
            .raw
            .cursor
            .high_water
            .max(self.raw.cursor.len(self.cap()));
        // The drain marks the values it moves out as holes.
        self.raw.cursor.set_dirty();
        let len = self.raw.cursor.claimed(self.cap());
        let tag = self.tag();
        Drain {
            arena: self,
            next: 0,
            len,
            tag,
        }
    }

    /// Iterates mutably over the values, in slot order, skipping holes.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let mut arena: Arena<u32, 8> = Arena::new();
    /// arena.alloc_slice_copy(&[1, 2, 3]).unwrap();
    /// for v in arena.iter_mut() {
    ///     *v *= 10;
    /// }
    /// assert_eq!(arena.iter_mut().map(|v| *v).collect::<Vec<_>>(), [10, 20, 30]);
    /// ```
    pub fn iter_mut(&mut self) -> IterMut<'_, T> {
        self.settle();
        let len = self.raw.cursor.claimed(self.cap());
        let tag = self.tag();
        // SAFETY: a claimed slot that is not a hole holds a value; `&mut self` is exclusive for
        // the borrow.
        unsafe {
            IterMut::new(
                &mut self.raw.slots.as_mut_slice()[..len],
                &mut self.raw.marks.as_mut_slice()[..len],
                tag,
                false,
            )
        }
    }

    /// The value in slot `index` (allocation order), or `None` if that slot is free or a hole.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let mut arena: Arena<char, 4> = Arena::new();
    /// arena.alloc('a').unwrap();
    /// arena.alloc('b').unwrap();
    /// *arena.get_mut(1).unwrap() = 'B';
    /// assert_eq!(arena.get_mut(1), Some(&mut 'B'));
    /// assert_eq!(arena.get_mut(2), None);
    /// ```
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.settle();
        if index >= self.raw.cursor.claimed(self.cap()) {
            return None;
        }
        let tag = self.tag();
        let (mark, slot) = (
            self.raw.marks.as_mut_slice()[index].get_mut(),
            &mut self.raw.slots.as_mut_slice()[index],
        );
        if *mark != tag {
            // SAFETY: a claimed slot (`index < len`) that is not a hole holds a value
            // (invariant 2).
            Some(unsafe { slot.get_mut().assume_init_mut() })
        } else {
            None
        }
    }

    crate::cursor::statistics!(
        Arena,
        reset,
        "values handed out (holes are not counted: see [Exact capacity](Arena#exact-capacity))",
        raw.cursor
    );

    // ---- internals ----------------------------------------------------------------------

    /// The number of slots (see `Raw::cap`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn cap(&self) -> usize {
        self.raw.cap()
    }

    /// This round's hole tag.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn tag(&self) -> u8 {
        self.raw.cursor.tag()
    }

    /// Pointer to slot `i`'s value, derived from the whole array so that ranges can be used.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn slot_ptr(&self, i: usize) -> *mut T {
        debug_assert!(i <= self.cap());
        // `UnsafeCell<MaybeUninit<T>>` has the layout of `T`, so the array is a `[T; N]`;
        // `raw_get` keeps the write permission of the cells. `wrapping_add` keeps this safe;
        // `i <= N` means it never actually wraps.
        UnsafeCell::raw_get(self.raw.slots.as_slice().as_ptr())
            .cast::<T>()
            .wrapping_add(i)
    }

    /// Writes `value` into slot `i` and marks it.
    ///
    /// # Safety
    ///
    /// `i < N`, and slot `i` was claimed by the caller this round and not written yet.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    #[allow(clippy::mut_from_ref)] // the caller owns the slot (see # Safety)
    pub(crate) unsafe fn write(&self, i: usize, value: T) -> &mut T {
        debug_assert!(i < self.cap());
        let p = self.slot_ptr(i);
        // SAFETY: the caller owns slot `i` (in bounds) and it holds no value.
        unsafe { p.write(value) };
        self.touch_owners(i..i + 1);
        // SAFETY: just initialised; exclusive to the caller for the round.
        unsafe { &mut *p }
    }

    /// loom only: records a write to the values in `range` (a no-op otherwise).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn touch_owners(&self, range: core::ops::Range<usize>) {
        #[cfg(loom)]
        for owner in &self.raw.owners.as_slice()[range] {
            owner.with_mut(|_| ());
        }
        #[cfg(not(loom))]
        let _ = range;
    }

    /// Marks `range` as holes of this round. The caller owns the range (claimed this round).
    /// (The work is done by the cursor, once for every `T`.)
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn mark_holes(&self, range: core::ops::Range<usize>) {
        self.raw.cursor.mark_holes(self.raw.marks.as_slice(), range);
    }

    /// Drops the values in the claimed slots `from..to` (skipping holes of round `tag`),
    /// marking each as a hole first. If a destructor panics, the rest are still dropped while
    /// unwinding (as `Vec` does).
    fn drop_values(&mut self, from: usize, to: usize, tag: u8) {
        // Every dropped slot is marked with `tag`.
        self.raw.cursor.set_dirty();
        struct Dropper<'a, T, S: Storage> {
            arena: &'a mut ArenaIn<T, S>,
            next: usize,
            to: usize,
            tag: u8,
        }
        impl<T, S: Storage> Dropper<'_, T, S> {
            // Not inlined: called from here and from the guard's drop, one copy of the loop.
            #[inline(never)]
            fn run(&mut self) {
                while self.next < self.to {
                    let i = self.next;
                    self.next += 1;
                    let mark = self.arena.raw.marks.as_mut_slice()[i].get_mut();
                    if *mark != self.tag {
                        *mark = self.tag;
                        // SAFETY: a claimed slot that was not a hole holds a value; it is
                        // marked a hole first, so even a panicking destructor never sees it
                        // dropped twice (invariant 3).
                        unsafe {
                            self.arena.raw.slots.as_mut_slice()[i]
                                .get_mut()
                                .assume_init_drop()
                        };
                    }
                }
            }
        }
        impl<T, S: Storage> Drop for Dropper<'_, T, S> {
            fn drop(&mut self) {
                // Reached with work left only when a destructor panicked in `run`.
                self.run();
            }
        }
        let mut dropper = Dropper {
            arena: self,
            next: from,
            to,
            tag,
        };
        dropper.run();
    }

    /// Ends the round of the per-thread chunks (see `stripes.rs`) under `&mut self`: their
    /// unused tails go back to the cursor when at its end, and become holes otherwise. After
    /// it, `len` is the cursor and every claimed slot is a value or a marked hole. Called first
    /// by every `&mut self` method that looks at slots; a no-op without stripes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn settle(&mut self) {
        self.raw
            .cursor
            .settle(self.cap(), Some(self.raw.marks.as_mut_slice()));
    }
}

/// Marks a claimed slot as a hole if the constructor running for it panics. On the arena's
/// parts, so that it is one type whatever `T`.
struct HoleOnUnwind<'a> {
    cursor: &'a CursorCore,
    marks: &'a [TrackedCell<u8>],
    range: core::ops::Range<usize>,
}

impl Drop for HoleOnUnwind<'_> {
    fn drop(&mut self) {
        self.cursor.mark_holes(self.marks, self.range.clone());
        self.cursor.add_holes(self.range.len());
    }
}

/// If a batch's iterator panics: drops the `written` values of the batch and marks its whole
/// range as holes, so nothing of it is visible afterwards.
struct PartialBatch<'a, T, S: Storage> {
    arena: &'a ArenaIn<T, S>,
    start: usize,
    len: usize,
    written: usize,
}

impl<T, S: Storage> Drop for PartialBatch<'_, T, S> {
    fn drop(&mut self) {
        // Holes first: even if a destructor below panics, no slot of the batch looks
        // initialised afterwards.
        self.arena.mark_holes(self.start..self.start + self.len);
        self.arena.raw.cursor.add_holes(self.len);
        let dst = self.arena.slot_ptr(self.start);
        // SAFETY: exactly the first `written` slots of the batch were initialised by it, and
        // the batch was never returned, so nothing else will drop them.
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(dst, self.written)) };
    }
}

impl<T, S: Storage> Drop for ArenaIn<T, S> {
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            self.settle();
            let (claimed, tag) = (self.raw.cursor.claimed(self.cap()), self.tag());
            self.drop_values(0, claimed, tag);
        }
    }
}

#[doc(hidden)]
impl<T, const N: usize> Checks for Arena<T, N> {
    const SLOTS: usize = N;
    const SLOT_BYTES: usize = mem::size_of::<T>() + 1; // the value and its mark
    const CHECKS: () = {
        assert!(
            N > 0,
            "atomicarena: an Arena needs a capacity of at least 1"
        );
        assert!(
            crate::__private::fits::<Self>(),
            "atomicarena: capacity × (size_of::<T>() + 1) exceeds isize::MAX bytes; lower the capacity"
        );
    };
}

impl<T, const N: usize> Default for Arena<T, N> {
    /// Same as [`Arena::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<T, S: Storage> fmt::Debug for ArenaIn<T, S> {
    /// Shows the statistics, not the values (they belong to whoever holds their `&mut T`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw
            .cursor
            .fmt_stats(self.cap(), S::pick("Arena", "HeapArena"), f)
    }
}

impl<'a, T, S: Storage> IntoIterator for &'a mut ArenaIn<T, S> {
    type Item = &'a mut T;
    type IntoIter = IterMut<'a, T>;

    fn into_iter(self) -> IterMut<'a, T> {
        self.iter_mut()
    }
}

/// Mutable iterator over an arena's or a pool's values, from [`Arena::iter_mut`] and
/// [`Pool::iter_mut`](crate::Pool::iter_mut).
///
/// ```
/// let mut arena: atomicarena::Arena<i32, 4> = atomicarena::Arena::new();
/// arena.alloc(-1).unwrap();
/// let it: atomicarena::IterMut<'_, i32> = arena.iter_mut();
/// assert_eq!(it.count(), 1);
/// ```
pub struct IterMut<'a, T> {
    /// The first slot (`UnsafeCell<MaybeUninit<T>>` has the layout of `T`).
    slots: *mut T,
    /// Borrows the slots mutably for `'a`.
    _slots: PhantomData<&'a mut [T]>,
    /// The slots' marks, one per slot.
    marks: &'a mut [TrackedCell<u8>],
    /// The next slot to look at.
    next: usize,
    /// The mark (an arena's hole tag, or a pool's `LIVE` state) that decides which slots hold
    /// values to yield.
    tag: u8,
    /// `false`: yield the slots whose mark is not `tag` (an arena skips holes); `true`: yield
    /// the slots whose mark is `tag` (a pool yields `LIVE` slots).
    yield_tagged: bool,
}

impl<'a, T> IterMut<'a, T> {
    /// The iterator over `slots`, yielding those whose mark is `tag` (`yield_tagged`) or is not.
    /// One small loop over the marks, with no iterator adapters to instantiate for each `T`
    /// (compile time).
    ///
    /// # Safety
    ///
    /// Every slot whose mark says "yield" holds an initialised value, and the caller has
    /// exclusive access to the slots for `'a`. (`slots` and `marks` have the same length;
    /// checked.)
    #[inline]
    pub(crate) unsafe fn new(
        slots: &'a mut [UnsafeCell<MaybeUninit<T>>],
        marks: &'a mut [TrackedCell<u8>],
        tag: u8,
        yield_tagged: bool,
    ) -> Self {
        assert_eq!(slots.len(), marks.len());
        IterMut {
            // `raw_get` keeps the write permission of the cells.
            slots: UnsafeCell::raw_get(slots.as_mut_ptr()).cast::<T>(),
            _slots: PhantomData,
            marks,
            next: 0,
            tag,
            yield_tagged,
        }
    }
}

impl<'a, T> Iterator for IterMut<'a, T> {
    type Item = &'a mut T;

    #[inline]
    fn next(&mut self) -> Option<&'a mut T> {
        while let Some(mark) = self.marks.get_mut(self.next) {
            let i = self.next;
            self.next += 1;
            if (*mark.get_mut() == self.tag) == self.yield_tagged {
                // SAFETY: `i < marks.len() == slots.len()`; a claimed arena slot that is not a
                // hole, and a `LIVE` pool slot, hold a value (the contract of `IterMut::new`);
                // the iterator borrows the storage mutably for `'a` and yields each slot once.
                return Some(unsafe { &mut *self.slots.add(i) });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.marks.len() - self.next))
    }
}

// SAFETY: an `IterMut` hands out `&mut T` (moving it to another thread moves access to `T`s:
// `T: Send`), like the `slice::IterMut` it stands for; it is not `Sync` (nor was it: its marks
// are cells).
unsafe impl<T: Send> Send for IterMut<'_, T> {}

impl<T> fmt::Debug for IterMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterMut").finish_non_exhaustive()
    }
}

/// Draining iterator over an arena's values, from [`Arena::drain`].
///
/// ```
/// let mut arena: atomicarena::Arena<u8, 4> = atomicarena::Arena::new();
/// arena.alloc_slice_copy(&[1, 2, 3]).unwrap();
/// let mut drain = arena.drain();
/// assert_eq!(drain.next(), Some(1));
/// drop(drain); // drops 2 and 3, empties the arena
/// assert!(arena.is_empty());
/// ```
#[must_use = "a `Drain` dropped at once drops every value and empties the arena, like `reset`: iterate it to move the values out, or call `reset` to say so"]
pub struct Drain<'a, T, S: Storage> {
    arena: &'a mut ArenaIn<T, S>,
    next: usize,
    len: usize,
    tag: u8,
}

impl<T, S: Storage> Iterator for Drain<'_, T, S> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        while self.next < self.len {
            let i = self.next;
            self.next += 1;
            let mark = self.arena.raw.marks.as_mut_slice()[i].get_mut();
            if *mark != self.tag {
                // Make it a hole first: whatever happens next, this value is never read again.
                *mark = self.tag;
                self.arena.raw.cursor.add_holes_mut(1);
                // SAFETY: a claimed slot that was not a hole holds a value; it is moved out
                // exactly once.
                return Some(unsafe {
                    self.arena.raw.slots.as_mut_slice()[i]
                        .get_mut()
                        .assume_init_read()
                });
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.len - self.next))
    }
}

impl<T, S: Storage> Drop for Drain<'_, T, S> {
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            self.arena.drop_values(self.next, self.len, self.tag);
        }
        // Reached only if no destructor panicked; otherwise every claimed slot is a hole
        // already, which is sound.
        self.arena.reset();
    }
}

impl<T, S: Storage> fmt::Debug for Drain<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drain")
            .field("remaining_slots", &(self.len - self.next))
            .finish()
    }
}

// SAFETY: every field of an empty arena is zero: the cursor's atomics hold 0 (its stripe table
// pointer is null, its words are `EMPTY`, which is 0, its `used` mask, `last` hint and holes are
// 0), its `high_water`, `claimed_hi`, `round` and `sweep_in` are 0 and `dirty` is
// false, every mark is `CLEAR` (0), and the slots are `MaybeUninit`, for which any bytes are
// valid. So the all-zero bytes are exactly `Arena::new()` (what `new_boxed` relies on).
#[cfg(not(loom))]
unsafe impl<T, const N: usize> crate::zeroable::Zeroable for Arena<T, N> {}

impl<S: Storage> ArenaIn<u8, S> {
    /// Copies `s` into contiguous slots (one `memcpy`, no second UTF-8 check) and returns it
    /// as a `&mut str` that lives as long as the arena borrow: an interner's arena of bytes.
    /// All or nothing, like [`alloc_slice_copy`](Arena::alloc_slice_copy); an empty `s` always
    /// succeeds.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `s.len()` contiguous bytes are not free; nothing is taken then.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let names: Arena<u8, 64> = Arena::new();
    /// let ada = names.alloc_str("Ada").unwrap();
    /// ada.make_ascii_uppercase();
    /// assert_eq!(ada, "ADA");
    /// assert_eq!(names.len(), 3);
    /// assert!(names.alloc_str(&"x".repeat(62)).is_err());
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (invariant 1)
    pub fn alloc_str(&self, s: &str) -> Result<&mut str, Full<()>> {
        let bytes = self.alloc_slice_copy(s.as_bytes())?;
        // SAFETY: `bytes` is an exact copy of `s`, valid UTF-8; it is ours alone for the round.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }
}
