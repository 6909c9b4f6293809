//! `ScopedArena`: a bounded arena that recycles itself, with no `&mut`, for `static`s.
//!
//! One storage of `N` slots, cut into `S` *segments* (`S = ScopedArena::SEGMENTS`, at most
//! 16), each with its own cursor and state word. A [`Scope`] is inside one or more segments and
//! allocates in one of them, its *current* segment; the references it hands out borrow the
//! scope. The last scope to leave a segment resets it before its drop returns, so the
//! segment's values are dropped exactly once and the segment is empty again.
//!
//! # Protocol
//!
//! Each segment has one state word: `2 × (scopes inside)`, plus the `RESETTING` bit while its
//! last leaver resets it, and a cursor: the slots of the segment claimed this round.
//!
//! * **Enter** (`ScopedArena::try_scope`): going round the ring from the arena's hint, the
//!   first segment whose cursor shows room, entered by a compare-and-swap from `s` to `s + 2`
//!   that requires `RESETTING` clear: so no scope is ever inside a segment being reset. If no
//!   segment shows room, the first one not being reset (its allocations then continue, below).
//! * **Continue** (`Scope::alloc` and the batches, slow path): a scope whose current segment
//!   has no room takes a *free* segment, one whose state is `0` (no scope inside, not being
//!   reset: then it is empty, because every segment starts empty and is reset by its last
//!   leaver), by a compare-and-swap from `0` to `2`. It is then inside both (or more), and its
//!   current segment is the new one. No free segment: `Full`. Threads that share one scope
//!   move it one at a time (the `MOVING` bit of the scope's `held` word): the others wait for
//!   that thread's few atomic operations and then use the new segment, so a shared scope never
//!   leaves a segment with room behind and never takes two free segments at once.
//! * **Leave** (the scope's drop), for every segment the scope is inside: a compare-and-swap
//!   from `s` to `s - 2`, except for the last scope (`s == 2`), which swaps `2` for
//!   `RESETTING`: leaving and starting the reset are one atomic step, so no scope can slip in
//!   between. The leaver then has the segment to itself: it drops the segment's values, rewinds
//!   its cursor, and stores `0`.
//!
//! The arena's `current` is a hint that picks where the search starts; no invariant depends on
//! it.
//!
//! # Orderings
//!
//! Every read-modify-write of a state word is `AcqRel` (or `Acquire` when entering), and the
//! reset ends with a `Release` store of `0`. The state word's modification order carries
//! everything: a scope's writes to its values happen before the release of its leave, which
//! the last leaver's `AcqRel` swap acquires (a release sequence of read-modify-writes), so the
//! reset sees every value; the reset's writes (the dropped values, the rewound cursor) happen
//! before its `Release` store of `0`, which the next enterer's `Acquire` compare-and-swap reads,
//! so the next scope sees an empty, rewound segment. A scope shared between threads publishes
//! its current segment with a `Release` store after entering it, and every claim reads it with
//! `Acquire`, so a claim through that scope also comes after the segment's last reset.
//!
//! Claims themselves are read-modify-writes of the segment's cursor: no slot is handed out
//! twice in a round, whatever the orderings (as in `cursor.rs`).

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr;
use core::slice;

use crossbeam_utils::CachePadded;

use crate::__private::Storage as Checks;
use crate::arena::Arena;
use crate::error::Full;
#[cfg(all(feature = "alloc", loom))]
use crate::storage::HeapArray;
#[cfg(feature = "alloc")]
use crate::storage::{self, CapacityError, Heap, OnAllocFailure};
use crate::storage::{Array, Inline, Storage};
use crate::sync::{AtomicU64, AtomicUsize, Ordering, TrackedCell};

/// The bit of a scope's `held` word while one of the threads sharing the scope moves it to a
/// free segment (the segments are the low `MAX_SEGMENTS` bits).
const MOVING: usize = 1 << (usize::BITS - 1);
/// The state bit of a segment whose last leaver is resetting it.
const RESETTING: usize = 1;
/// One scope inside a segment, in its state word.
const ONE: usize = 2;
/// At most this many scopes inside a segment at once (forgotten ones included): far more than
/// any program has threads, and far from overflowing the state word.
const MAX_STATE: usize = usize::MAX / 4;

/// The most segments an arena has (a scope's segments are bits of one word).
const MAX_SEGMENTS: usize = 16;
/// The fewest slots a segment has, unless the whole arena is smaller (then it is one
/// segment). Two under loom, so that the models can have several segments of two slots.
const MIN_SEGMENT: usize = if cfg!(loom) { 2 } else { 16 };

/// The mark of a claimed slot that holds no value (a constructor or an iterator panicked, or an
/// iterator yielded fewer items than it promised). Written only when `T` needs dropping (no
/// one reads marks otherwise), and cleared by the segment's reset.
const HOLE: u8 = 1;
/// The mark of every other slot.
const CLEAR: u8 = 0;

/// The number of segments of an arena of `n` slots: `n / 16`, at least 1 and at most 16.
const fn segments(n: usize) -> usize {
    let s = n / MIN_SEGMENT;
    if s < 1 {
        1
    } else if s > MAX_SEGMENTS {
        MAX_SEGMENTS
    } else {
        s
    }
}

/// A bounded arena that recycles itself without `&mut`: a `static` arena for servers and
/// engines, where [`Arena::reset`] (which needs `&mut self`) cannot be called.
///
/// [`scope`](ScopedArena::scope) enters the arena; [`Scope::alloc`] stores a value and returns a
/// `&mut T` that lives as long as the scope. The `N` slots are cut into
/// [`SEGMENTS`](ScopedArena::SEGMENTS) segments (`S`: `N / 16`, at least 1 and at most 16, of
/// `N / S` slots each, rounded). A scope allocates in one segment at a time; when the last scope
/// inside a segment leaves, the segment is reset (its values dropped) before that scope's drop
/// returns. So scopes used one after another always find room, and a scope that stalls (its
/// thread preempted, or waiting on I/O) keeps only the segments it is inside from recycling.
///
/// * A new scope enters the first segment, going round from the last one used, that has room
///   and is not being reset.
/// * A scope whose segment fills mid-request continues in a *free* segment (no scope inside,
///   so empty), holding both until it leaves.
/// * A segment resets when its last scope leaves.
///
/// # The guarantee
///
/// **A scope's `alloc` returns `Full` only when the scope's current segment is full and no
/// segment is free** (every one has a scope inside or is being reset) when it looks. A batch of
/// `k` values likewise, with "has fewer than `k` free slots" for "is full"; a batch of more
/// than a segment's capacity ([`segment_capacity`](ScopedArena::segment_capacity)) never fits.
///
/// So a stalled scope pins the segments it is inside and nothing else: the one it entered,
/// plus one for each time its segment filled while it was allocating (for a request of fewer
/// values than a segment holds: one, or two when its segment filled mid-request). While the
/// live scopes hold fewer than `S` segments in all (counting those being reset by a scope
/// that is leaving), some segment is free, and no allocation of a value is refused. The
/// `request_handler` example runs 4 threads with requests of up to 13 values on 4,096 slots
/// (16 segments of 256): 4 live scopes usually hold 4 to 8 segments, and 200,000 requests
/// see no refusal.
///
/// `scope` itself never fails: if no segment has room, the scope enters a full one, and its
/// first allocation continues in a free segment or returns `Full`. It waits (spinning
/// briefly, then yielding) only while every segment is being reset at once;
/// [`try_scope`](ScopedArena::try_scope) returns `None` then, and never waits.
///
/// # Memory, and how long values live
///
/// The arena is `N` slots, plus one byte per slot (hole marks) and 2 KiB of segment headers
/// (16 cache-padded lines, whatever `S`): half of what the two epochs of `N` slots of
/// earlier versions took.
///
/// A value lives at least as long as its scope, and is dropped when the last scope inside its
/// segment leaves: at the latest when all the scopes that were inside the segment when it
/// filled have left (a full segment takes no new scope while another segment has room). So at
/// most `N` values are alive at once, and a finished scope's values wait only for the other
/// scopes of their segment (at most `N / S` values wait for one stalled scope's segment),
/// never for the whole arena.
///
/// Allocation is lock-free: one atomic operation on the segment's cursor. Apart from `scope`
/// (above), only threads that share one `&Scope` ever wait, for each other, while one of them
/// moves the scope to a free segment (a few atomic operations).
/// [`mem::forget`](core::mem::forget)ting a scope keeps its segments from ever recycling
/// (sound: their values are then dropped with the arena).
///
/// ```
/// use atomicarena::ScopedArena;
///
/// struct Request { id: u32, path: String }
///
/// static REQUESTS: ScopedArena<Request, 1024> = ScopedArena::new();
///
/// fn handle(id: u32, line: &str) -> usize {
///     let scope = REQUESTS.scope(); // enter a segment with room
///     let r = scope
///         .alloc(Request { id, path: line.to_owned() })
///         // `Full` needs all 16 segments held; 4 scopes of one value each hold one, or two
///         // when their segment filled under them.
///         .unwrap_or_else(|_| unreachable!("refused with a segment free"));
///     r.path.push('/');
///     assert_eq!(r.id, id);
///     r.path.len()
/// } // the last scope of the segment to leave resets it: the request is dropped
///
/// std::thread::scope(|s| {
///     for t in 0..4 {
///         s.spawn(move || {
///             for i in 0..1000 {
///                 assert_eq!(handle(t * 1000 + i, "/index"), 7);
///             }
///         });
///     }
/// });
/// assert!(REQUESTS.recycled() >= 1);
/// assert_eq!(REQUESTS.failed_allocs(), 0);
/// ```
pub type ScopedArena<T, const N: usize> = ScopedArenaIn<T, Inline<N>>;

/// A [`ScopedArena`] with a capacity chosen at run time: its slots are allocated on the heap
/// once, by [`with_capacity`](HeapScopedArena::with_capacity) or
/// [`try_with_capacity`](HeapScopedArena::try_with_capacity), and cut into segments as the
/// inline kind's are (`capacity / 16`, at least 1 and at most 16; see
/// [`segments`](ScopedArenaIn::segments)). Everything else is [`ScopedArena`]'s (the same
/// code). It cannot be a `static`; share it with `&`, an `Arc`, or `Box::leak`.
///
/// ```
/// let requests = atomicarena::HeapScopedArena::<u64>::with_capacity(4096);
/// std::thread::scope(|s| {
///     for t in 0..2 {
///         let requests = &requests;
///         s.spawn(move || {
///             for i in 0..1000 {
///                 let scope = requests.scope();
///                 assert_eq!(*scope.alloc(t * 1000 + i).unwrap(), t * 1000 + i);
///             }
///         });
///     }
/// });
/// assert_eq!(requests.failed_allocs(), 0);
/// ```
#[cfg(feature = "alloc")]
pub type HeapScopedArena<T> = ScopedArenaIn<T, Heap>;

/// The scoped arena, generic over where its slots live: [`ScopedArenaIn<T, S>`](ScopedArena) is
/// `ScopedArenaIn<T, Inline<N>>` and [`HeapScopedArena<T>`](HeapScopedArena) is
/// `ScopedArenaIn<T, Heap>`. Every method is written once, here; see [`ScopedArena`] for the
/// kind's contract.
///
/// ```
/// fn store<S: atomicarena::Storage>(arena: &atomicarena::ScopedArenaIn<u32, S>) -> u32 {
///     *arena.scope().alloc(3).unwrap()
/// }
/// assert_eq!(store(&atomicarena::HeapScopedArena::with_capacity(16)), 3);
/// ```
pub struct ScopedArenaIn<T, S: Storage> {
    /// The segments' headers; only the first [`SEGMENTS`](ScopedArena::SEGMENTS) are used.
    segments: [CachePadded<Segment>; MAX_SEGMENTS],
    /// The segment where the search for one with room starts (`< SEGMENTS`). A hint only (see
    /// the module docs).
    current: AtomicUsize,
    /// Allocations (single or batch) that found no room, over the arena's life.
    failed: AtomicUsize,
    /// `HOLE` for a claimed slot that holds no value (only when `T` needs dropping); `CLEAR`
    /// otherwise. Written by the slot's owner, read and cleared by the reset.
    marks: S::Array<TrackedCell<u8>>,
    /// loom only: a tracked cell per slot standing for its value, touched wherever the value
    /// is written, read or dropped, so that a slot handed out twice is a reported data race.
    #[cfg(loom)]
    owners: S::Array<TrackedCell<()>>,
    /// The values; layout of `[T; N]`, so that a batch is contiguous.
    slots: S::Array<UnsafeCell<MaybeUninit<T>>>,
    /// The arena owns `T`s and drops them (for dropck).
    _owns: PhantomData<T>,
}

/// One segment's header.
struct Segment {
    /// `ONE × scopes inside`, plus `RESETTING` (see the module docs).
    state: AtomicUsize,
    /// Resets of this segment that returned, over the arena's life. Written only by the
    /// segment's last leaver, which has it to itself (a load and a store, no read-modify-write).
    resets: AtomicU64,
    /// Slots of the segment claimed this round (from its first slot). Above the segment's
    /// length only transiently: a failing single claim adds one and takes it back. Rewound to
    /// 0 by the reset, while `RESETTING` keeps every scope out.
    cursor: AtomicUsize,
}

// SAFETY: through `&ScopedArena`, threads move `T`s into the segments (`alloc`) and get
// `&mut T` to slots only they can reach (each slot is claimed by one read-modify-write of its
// segment's cursor per round); the last leaver of a segment, on any thread, drops all of its
// values. That is moving `T`s between threads: `T: Send` is required and enough. No `&T` is
// shared between threads by the arena.
unsafe impl<T: Send, S: Storage> Sync for ScopedArenaIn<T, S> {}

// SAFETY: moving the arena moves its `T`s: `T: Send` is required and enough (written out for
// generic `S`, as for `ArenaIn`).
unsafe impl<T: Send, S: Storage> Send for ScopedArenaIn<T, S> {}

impl<T, const N: usize> ScopedArena<T, N> {
    /// The number of slots, `N`, shared by all segments.
    ///
    /// ```
    /// assert_eq!(atomicarena::ScopedArena::<u64, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// The number of segments `S`: `N / 16`, at least 1 and at most 16.
    ///
    /// ```
    /// use atomicarena::ScopedArena;
    ///
    /// assert_eq!(ScopedArena::<u64, 8>::SEGMENTS, 1);
    /// assert_eq!(ScopedArena::<u64, 64>::SEGMENTS, 4);
    /// assert_eq!(ScopedArena::<u64, 4096>::SEGMENTS, 16);
    /// ```
    pub const SEGMENTS: usize = segments(N);

    /// Creates an empty arena. A `const fn`: the arena can be a `static`.
    ///
    /// ```
    /// static NUMBERS: atomicarena::ScopedArena<u64, 64> = atomicarena::ScopedArena::new();
    /// assert_eq!(*NUMBERS.scope().alloc(7).unwrap(), 7);
    /// ```
    #[must_use]
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        let () = <Arena<T, N> as Checks>::CHECKS;
        ScopedArena {
            segments: [const { CachePadded::new(Segment::new()) }; MAX_SEGMENTS],
            current: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            marks: [const { TrackedCell::new(CLEAR) }; N],
            slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
            _owns: PhantomData,
        }
    }

    /// Creates an empty arena (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        let () = <Arena<T, N> as Checks>::CHECKS;
        ScopedArena {
            segments: core::array::from_fn(|_| CachePadded::new(Segment::new())),
            current: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            marks: core::array::from_fn(|_| TrackedCell::new(CLEAR)),
            owners: core::array::from_fn(|_| TrackedCell::new(())),
            slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
            _owns: PhantomData,
        }
    }

    /// Creates an empty arena directly on the heap, with no temporary on the stack.
    ///
    /// ```
    /// let big = atomicarena::ScopedArena::<u64, 1_000_000>::new_boxed();
    /// assert_eq!(big.scope().remaining(), 62_500); // one of its 16 segments
    /// ```
    #[must_use]
    #[cfg(feature = "alloc")]
    pub fn new_boxed() -> alloc::boxed::Box<Self> {
        let () = <Arena<T, N> as Checks>::CHECKS;
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
impl<T> HeapScopedArena<T> {
    /// Creates an empty arena of `capacity` slots, allocated on the heap now and never again.
    ///
    /// # Panics
    ///
    /// As [`HeapArena::with_capacity`](crate::HeapArena::with_capacity): a capacity of 0, or
    /// storage over `isize::MAX` bytes; `handle_alloc_error` when the allocator fails.
    ///
    /// ```
    /// let arena = atomicarena::HeapScopedArena::<u64>::with_capacity(1_000_000);
    /// assert_eq!(arena.segments(), 16);
    /// assert_eq!(arena.scope().remaining(), 62_500); // one of its 16 segments
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::build(capacity, OnAllocFailure::Abort)
            .unwrap_or_else(|e| storage::capacity_panic("HeapScopedArena", e))
    }

    /// Creates an empty arena of `capacity` slots, or says why it cannot.
    ///
    /// # Errors
    ///
    /// As [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity).
    ///
    /// ```
    /// let err = atomicarena::HeapScopedArena::<u8>::try_with_capacity(0).unwrap_err();
    /// assert_eq!(err, atomicarena::CapacityError::Zero);
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Self::build(capacity, OnAllocFailure::Return)
    }

    fn build(n: usize, on_failure: OnAllocFailure) -> Result<Self, CapacityError> {
        const { assert!(CLEAR == 0, "heap marks start zeroed") };
        let (marks, slots) = storage::bytes_and_values(n, on_failure)?;
        Ok(ScopedArenaIn {
            #[cfg(not(loom))]
            segments: [const { CachePadded::new(Segment::new()) }; MAX_SEGMENTS],
            #[cfg(loom)]
            segments: core::array::from_fn(|_| CachePadded::new(Segment::new())),
            current: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            marks,
            #[cfg(loom)]
            owners: HeapArray::from_fn(n, || TrackedCell::new(())),
            slots,
            _owns: PhantomData,
        })
    }
}

impl<T, S: Storage> ScopedArenaIn<T, S> {
    /// The number of slots, shared by all segments: `N`, or the capacity a
    /// [`HeapScopedArena`] was built with.
    ///
    /// ```
    /// let arena = atomicarena::HeapScopedArena::<u8>::with_capacity(100);
    /// assert_eq!(arena.capacity(), 100);
    /// ```
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.cap()
    }

    /// The number of slots of segment `segment` (`< segments()`): `N / S`, plus one for the
    /// first `N % S` segments. A batch larger than this never fits in that segment.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 100> = atomicarena::ScopedArena::new();
    /// assert_eq!(atomicarena::ScopedArena::<u8, 100>::SEGMENTS, 6);
    /// assert_eq!(arena.segment_capacity(0), 17); // 100 = 4 × 17 + 2 × 16
    /// assert_eq!(arena.segment_capacity(5), 16);
    /// ```
    ///
    /// # Panics
    ///
    /// If `segment >= segments()`.
    #[must_use]
    pub fn segment_capacity(&self, segment: usize) -> usize {
        assert!(segment < self.segments(), "no segment {segment}");
        self.bounds(segment).1
    }

    /// The number of segments: [`SEGMENTS`](ScopedArena::SEGMENTS) for a [`ScopedArena`]
    /// (`N / 16`, at least 1 and at most 16), the same rule for the capacity of a
    /// [`HeapScopedArena`].
    ///
    /// ```
    /// let arena = atomicarena::HeapScopedArena::<u64>::with_capacity(64);
    /// assert_eq!(arena.segments(), 4);
    /// let inline: atomicarena::ScopedArena<u64, 64> = atomicarena::ScopedArena::new();
    /// assert_eq!(inline.segments(), atomicarena::ScopedArena::<u64, 64>::SEGMENTS);
    /// ```
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    #[must_use]
    pub fn segments(&self) -> usize {
        if S::HEAP {
            segments(self.cap())
        } else {
            const { segments(S::INLINE_CAP) }
        }
    }

    /// The number of slots: `N` inline (a constant), the arrays' length on the heap.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn cap(&self) -> usize {
        self.marks.as_slice().len()
    }

    /// Enters the arena: allocations through the returned [`Scope`] live as long as the scope.
    ///
    /// The scope enters the first segment, going round from the last one used, that has room
    /// and is not being reset; if none has room, the first one not being reset (its first
    /// allocation then continues in a free segment, or returns `Full` if none is free). If
    /// every segment is being reset at that moment, this waits, spinning, for a reset to end
    /// ([`try_scope`](ScopedArena::try_scope) does not).
    ///
    /// # Panics
    ///
    /// If `usize::MAX / 4` scopes are inside one segment at once (only possible by forgetting
    /// scopes in a loop).
    ///
    /// A destructor of `T` should not enter the same arena when it has one segment: during
    /// that segment's reset it would wait forever for the reset to end.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<String, 2> = atomicarena::ScopedArena::new();
    /// for i in 0..10 {
    ///     let scope = arena.scope();
    ///     scope.alloc(i.to_string()).unwrap();
    ///     scope.alloc("and more".into()).unwrap(); // each scope finds both slots free
    /// }
    /// assert_eq!(arena.recycled(), 10);
    /// ```
    #[inline]
    pub fn scope(&self) -> Scope<'_, T, S> {
        match self.try_scope() {
            Some(scope) => scope,
            None => self.scope_waiting(),
        }
    }

    /// `scope` when every segment was being reset: wait for one reset to end.
    #[cold]
    #[inline(never)]
    fn scope_waiting(&self) -> Scope<'_, T, S> {
        let mut spins = 0u32;
        loop {
            spins = spins.wrapping_add(1);
            wait(spins);
            if let Some(scope) = self.try_scope() {
                return scope;
            }
        }
    }

    /// Enters the arena like [`scope`](ScopedArena::scope), but never waits: `None` when every
    /// segment is being reset at that moment (by its last scope, dropping its values).
    ///
    /// `Some` does not promise room: see [the guarantee](ScopedArena#the-guarantee).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u32, 64> = atomicarena::ScopedArena::new();
    /// let scope = arena.try_scope().expect("no segment is being reset");
    /// assert_eq!(*scope.alloc(5).unwrap(), 5);
    /// ```
    #[must_use = "dropping the scope at once leaves the arena again: keep it while you allocate"]
    #[inline]
    pub fn try_scope(&self) -> Option<Scope<'_, T, S>> {
        // Relaxed: `current` only picks where to start; the state word's CAS orders the
        // accesses to the segment (see the module docs).
        let start = self.current.load(Ordering::Relaxed);
        // Always `< SEGMENTS` (only such values are stored); checked cheaply all the same.
        let start = if start < self.segments() { start } else { 0 };
        // The common case, inlined: the hint has room. Its cursor, read before entering, is a
        // hint too: the CAS on the state word decides, and a scope that finds its segment full
        // later continues.
        if self.has_room(start) && self.try_enter(start) {
            return Some(Scope::new(self, start));
        }
        self.try_scope_slow(start)
    }

    /// `try_scope` when the hint had no room or was being reset: go round the ring.
    #[cold]
    #[inline(never)]
    fn try_scope_slow(&self, start: usize) -> Option<Scope<'_, T, S>> {
        let s = self.segments();
        // The first segment with room.
        let mut k = next(start, s);
        for _ in 1..s {
            if self.has_room(k) && self.try_enter(k) {
                // Relaxed: a hint.
                self.current.store(k, Ordering::Relaxed);
                return Some(Scope::new(self, k));
            }
            k = next(k, s);
        }
        // None has room: the first not being reset.
        for _ in 0..s {
            if self.try_enter(k) {
                return Some(Scope::new(self, k));
            }
            k = next(k, s);
        }
        None
    }

    /// The number of segments reset by their last scope over the arena's life (a reset that a
    /// panicking destructor interrupted empties the segment all the same, but is not counted).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 4> = atomicarena::ScopedArena::new();
    /// let outer = arena.scope();
    /// drop(arena.scope()); // not the last scope of its segment
    /// assert_eq!(arena.recycled(), 0);
    /// drop(outer); // the last one: the segment is reset
    /// assert_eq!(arena.recycled(), 1);
    /// ```
    #[must_use]
    pub fn recycled(&self) -> u64 {
        self.segments[..self.segments()]
            .iter()
            // Relaxed: a statistic; it orders nothing.
            .map(|segment| segment.resets.load(Ordering::Relaxed))
            .sum()
    }

    /// How many allocations (single or batch, through any scope) returned `Full`, over the
    /// arena's life.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 1> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// scope.alloc(1).unwrap();
    /// assert!(scope.alloc(2).is_err()); // one segment, full
    /// assert_eq!(arena.failed_allocs(), 1);
    /// ```
    #[must_use]
    pub fn failed_allocs(&self) -> usize {
        // Relaxed: a statistic.
        self.failed.load(Ordering::Relaxed)
    }

    // ---- internals ----------------------------------------------------------------------

    /// The first slot and the number of slots of segment `k`. No overflow for any `N`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn bounds(&self, k: usize) -> (usize, usize) {
        let (n, s) = (self.cap(), self.segments());
        let (base, extra) = (n / s, n % s);
        let start = base * k + if k < extra { k } else { extra };
        (start, base + (k < extra) as usize)
    }

    /// Whether segment `k`'s cursor shows room (a hint: read from outside the segment).
    fn has_room(&self, k: usize) -> bool {
        // Relaxed: a hint; entering decides.
        self.segments[k].cursor.load(Ordering::Relaxed) < self.bounds(k).1
    }

    /// Enters segment `k` unless it is being reset.
    fn try_enter(&self, k: usize) -> bool {
        let state = &self.segments[k].state;
        // Relaxed: a first guess; the CAS below re-reads with `Acquire`.
        let mut s = state.load(Ordering::Relaxed);
        loop {
            if s & RESETTING != 0 {
                return false;
            }
            assert!(
                s < MAX_STATE,
                "atomicarena: too many scopes inside one segment"
            );
            // Acquire: pairs with the `Release` store that ended the segment's last reset (and
            // with the release sequence of later enters and leaves): the segment is rewound.
            match state.compare_exchange_weak(s, s + ONE, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
    }

    /// Enters a free segment (no scope inside, not being reset, hence empty), going round from
    /// the hint, and makes it the hint. `None` if no segment is free.
    fn enter_free(&self) -> Option<usize> {
        let s = self.segments();
        // Relaxed: a hint.
        let mut k = self.current.load(Ordering::Relaxed) % s;
        for _ in 0..s {
            let state = &self.segments[k].state;
            // Relaxed load first: a busy segment's line is not taken for a CAS that would fail.
            // Acquire CAS: as in `try_enter`.
            if state.load(Ordering::Relaxed) == 0
                && state
                    .compare_exchange(0, ONE, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                // Relaxed: a hint.
                self.current.store(k, Ordering::Relaxed);
                return Some(k);
            }
            k = next(k, s);
        }
        None
    }

    /// Claims one slot of segment `k`, which the caller is inside: its index in the storage.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one(&self, k: usize) -> Option<usize> {
        let (start, len) = self.bounds(k);
        debug_assert!(k < self.segments());
        // SAFETY: `k < SEGMENTS <= MAX_SEGMENTS`: a scope's segment is always one of the arena's.
        let cursor = &unsafe { self.segments.get_unchecked(k) }.cursor;
        // Relaxed: uniqueness comes from the read-modify-write (one modification order); the
        // claim comes after the segment's last rewind because the caller entered it with an
        // `Acquire` CAS, or read its scope's current segment with `Acquire` (module docs).
        let i = cursor.fetch_add(1, Ordering::Relaxed);
        if i < len {
            Some(start + i)
        } else {
            undo_failed_one(cursor);
            None
        }
    }

    /// Claims `n >= 1` contiguous slots of segment `k`, which the caller is inside, all or
    /// nothing: the first one's index in the storage.
    fn claim(&self, k: usize, n: usize) -> Option<usize> {
        let (start, len) = self.bounds(k);
        let cursor = &self.segments[k].cursor;
        // Relaxed throughout, as in `claim_one`.
        let mut cur = cursor.load(Ordering::Relaxed);
        loop {
            if cur > len || len - cur < n {
                return None;
            }
            match cursor.compare_exchange_weak(cur, cur + n, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(start + cur),
                Err(now) => cur = now,
            }
        }
    }

    /// Pointer to slot `i`'s value, derived from the whole array so that ranges can be used.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn slot_ptr(&self, i: usize) -> *mut T {
        debug_assert!(i <= self.cap());
        // `UnsafeCell<MaybeUninit<T>>` has the layout of `T`; `raw_get` keeps the write
        // permission of the cells. `i <= N`, so `wrapping_add` never wraps.
        UnsafeCell::raw_get(self.slots.as_slice().as_ptr())
            .cast::<T>()
            .wrapping_add(i)
    }

    /// Writes `value` into slot `i`.
    ///
    /// # Safety
    ///
    /// Slot `i < N` was claimed by the caller this round and not written yet, and the caller
    /// stays inside its segment for `'s`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    #[allow(clippy::mut_from_ref)] // the caller owns the slot (see # Safety)
    unsafe fn write(&self, i: usize, value: T) -> &mut T {
        debug_assert!(i < self.cap());
        let p = self.slot_ptr(i);
        // SAFETY: the caller owns slot `i` (in bounds) and it holds no value.
        unsafe { p.write(value) };
        self.touch_owners(i..i + 1);
        // SAFETY: just initialised; exclusive to the caller until its segment resets, which
        // cannot happen while the caller is inside it.
        unsafe { &mut *p }
    }

    /// loom only: records a write to the values in `range` (a no-op otherwise).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn touch_owners(&self, range: core::ops::Range<usize>) {
        #[cfg(loom)]
        for owner in &self.owners.as_slice()[range] {
            owner.with_mut(|_| ());
        }
        #[cfg(not(loom))]
        let _ = range;
    }

    /// The segment that slot `i < N` belongs to.
    fn segment_of(&self, i: usize) -> usize {
        let (n, s) = (self.cap(), self.segments());
        let (base, extra) = (n / s, n % s);
        let long = extra * (base + 1); // the first `extra` segments have `base + 1` slots
        if i < long {
            i / (base + 1)
        } else {
            extra + (i - long) / base
        }
    }

    /// Sets the marks of `range` (claimed by the caller) to `mark`. Only when `T` needs
    /// dropping: nothing else reads marks.
    fn set_marks(&self, range: core::ops::Range<usize>, mark: u8) {
        if mem::needs_drop::<T>() {
            for m in &self.marks.as_slice()[range] {
                // SAFETY: the caller owns these slots and their marks until the segment's
                // reset, which the state word orders after this write (module docs).
                m.with_mut(|m| unsafe { *m = mark });
            }
        }
    }

    /// Marks `range` (claimed by the caller, holding no value) as holes, so that the reset
    /// skips them. Only when `T` needs dropping: nothing else reads marks.
    #[cold]
    fn mark_holes(&self, range: core::ops::Range<usize>) {
        if mem::needs_drop::<T>() && !range.is_empty() {
            // Acquire: a `ScopeLocal` that gave these slots back cleared their marks before its
            // `Release` compare-and-swap of the cursor; our claim read that value or a later
            // one (every write to a cursor between resets is a read-modify-write, so in its
            // release sequence), and so does this load, which orders those writes before ours.
            let k = self.segment_of(range.start);
            let _ = self.segments[k].cursor.load(Ordering::Acquire);
            for mark in &self.marks.as_slice()[range] {
                // SAFETY: the caller owns these slots and their marks until the segment's
                // reset, which the state word orders after this write (module docs).
                mark.with_mut(|m| unsafe { *m = HOLE });
            }
        }
    }

    /// Counts an allocation that returned `Full`.
    #[cold]
    fn record_failure(&self) {
        // Relaxed: a statistic.
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Leaves segment `k`; the last scope to leave resets it.
    #[inline]
    fn leave(&self, k: usize) {
        let state = &self.segments[k].state;
        // Relaxed: a first guess; the CAS below orders.
        let mut s = state.load(Ordering::Relaxed);
        loop {
            debug_assert!(
                s >= ONE && s & RESETTING == 0,
                "leaving a segment not entered"
            );
            let last = s == ONE;
            let next = if last { RESETTING } else { s - ONE };
            // AcqRel. Release: this scope's writes to its values happen before the reset
            // (whoever does it acquires this RMW through the release sequence). Acquire: the
            // last leaver sees every other scope's values before it drops them.
            match state.compare_exchange_weak(s, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) if last => break,
                Ok(_) => return,
                Err(now) => s = now,
            }
        }
        // The last leaver: `RESETTING` is set, no scope is inside and none can enter.
        if mem::needs_drop::<T>() {
            self.reset(k);
        } else {
            // Nothing to drop (nothing can panic): the reset is three stores, inlined.
            self.reopen(k);
        }
    }

    /// Ends the reset of segment `k` (see `reset`): counts it, rewinds the cursor, and stores
    /// `0` so that the segment can be entered again.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn reopen(&self, k: usize) {
        let segment = &self.segments[k];
        // Relaxed: a statistic. The last leaver is its only writer (the state word orders the
        // resets one after another), so no read-modify-write is needed.
        let resets = segment.resets.load(Ordering::Relaxed);
        segment.resets.store(resets + 1, Ordering::Relaxed);
        // Relaxed: published by the `Release` store below.
        segment.cursor.store(0, Ordering::Relaxed);
        // Release: the reset happens before the next enter's `Acquire` CAS.
        segment.state.store(0, Ordering::Release);
    }

    /// Resets segment `k`: drops its values, rewinds its cursor, reopens it. Out of line: the
    /// leave that does not reset stays small.
    ///
    /// The caller swapped the segment's last `ONE` for `RESETTING`: no scope is inside, none
    /// can enter, and the references its scopes handed out ended with them.
    #[inline(never)]
    fn reset(&self, k: usize) {
        /// Ends the reset even if a value's destructor panics: by then the `Dropper` has
        /// dropped the rest and cleared every mark, so the segment is empty and may be entered
        /// again once its cursor is rewound.
        struct Reopen<'a>(&'a Segment);
        impl Drop for Reopen<'_> {
            fn drop(&mut self) {
                // Relaxed: published by the `Release` store below.
                self.0.cursor.store(0, Ordering::Relaxed);
                // Release: the reset happens before the next enter's `Acquire` CAS.
                self.0.state.store(0, Ordering::Release);
            }
        }
        let _reopen = Reopen(&self.segments[k]);
        if mem::needs_drop::<T>() {
            Dropper {
                arena: self,
                segment: k,
                last: k + 1,
                next: 0,
            }
            .run();
        }
        // Relaxed: a statistic. The last leaver is its only writer (the state word orders the
        // resets one after another), so no read-modify-write is needed.
        let resets = &self.segments[k].resets;
        resets.store(resets.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

/// The segment after `k` in a ring of `s`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn next(k: usize, s: usize) -> usize {
    if k + 1 == s {
        0
    } else {
        k + 1
    }
}

/// Undoes a failed single claim, so that failures never walk a cursor towards a wrap.
#[cold]
#[inline(never)]
fn undo_failed_one(cursor: &AtomicUsize) {
    // Relaxed: only the count matters. The cursor was at or past the segment's end when we
    // added one, and while it is past it only failed claims (each taking back its own one)
    // lower it, so this never frees a slot.
    cursor.fetch_sub(1, Ordering::Relaxed);
}

/// Drops the values of the claimed slots of segments `segment..last` (skipping holes),
/// clearing every mark. If a destructor panics, its drop goes on with the rest (as `Vec`'s
/// does); a second panic while unwinding aborts, as for `Vec`.
struct Dropper<'a, T, S: Storage> {
    arena: &'a ScopedArenaIn<T, S>,
    segment: usize,
    last: usize,
    /// The next slot of `segment` (from its start) to look at.
    next: usize,
}

impl<T, S: Storage> Dropper<'_, T, S> {
    // Not inlined: called from here and from the guard's drop, one copy of the loop.
    #[inline(never)]
    fn run(&mut self) {
        while self.segment < self.last {
            let (start, len) = self.arena.bounds(self.segment);
            // Relaxed: the caller has the segment to itself (a reset, ordered by the state
            // word, or the arena's drop, under `&mut`).
            let claimed = self.arena.segments[self.segment]
                .cursor
                .load(Ordering::Relaxed)
                .min(len);
            while self.next < claimed {
                let i = start + self.next;
                self.next += 1;
                // SAFETY: the caller has the segment to itself (see above).
                let was = self.arena.marks.as_slice()[i]
                    .with_mut(|m| unsafe { mem::replace(&mut *m, CLEAR) });
                if was != HOLE {
                    self.arena.touch_owners(i..i + 1);
                    // SAFETY: a claimed slot that is not a hole holds a value; `next` moved
                    // past it first, so even a panicking destructor never sees it dropped
                    // twice; no reference to it is alive (its scope left).
                    unsafe { ptr::drop_in_place(self.arena.slot_ptr(i)) };
                }
            }
            self.segment += 1;
            self.next = 0;
        }
    }
}

impl<T, S: Storage> Drop for Dropper<'_, T, S> {
    fn drop(&mut self) {
        // Reached with work left only when a destructor panicked in `run`.
        self.run();
    }
}

impl Segment {
    #[cfg(not(loom))]
    const fn new() -> Self {
        Segment {
            state: AtomicUsize::new(0),
            resets: AtomicU64::new(0),
            cursor: AtomicUsize::new(0),
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        Segment {
            state: AtomicUsize::new(0),
            resets: AtomicU64::new(0),
            cursor: AtomicUsize::new(0),
        }
    }
}

/// Waits for a reset in progress on another thread.
fn wait(spins: u32) {
    #[cfg(loom)]
    {
        let _ = spins;
        loom::thread::yield_now();
    }
    #[cfg(all(not(loom), feature = "std"))]
    if spins < 64 {
        core::hint::spin_loop();
    } else {
        std::thread::yield_now();
    }
    #[cfg(all(not(loom), not(feature = "std")))]
    {
        let _ = spins;
        core::hint::spin_loop();
    }
}

impl<T, S: Storage> Drop for ScopedArenaIn<T, S> {
    /// Drops what is left: the values of segments that forgotten scopes kept from recycling.
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            Dropper {
                arena: self,
                segment: 0,
                last: self.segments(),
                next: 0,
            }
            .run();
        }
    }
}

impl<T, const N: usize> Default for ScopedArena<T, N> {
    /// Same as [`ScopedArena::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<T, S: Storage> fmt::Debug for ScopedArenaIn<T, S> {
    /// Shows the capacity, the segments, [`recycled`](ScopedArena::recycled) and
    /// [`failed_allocs`](ScopedArena::failed_allocs) (the values belong to their scopes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(S::pick("ScopedArena", "HeapScopedArena"))
            .field("capacity", &self.cap())
            .field("segments", &self.segments())
            .field("recycled", &self.recycled())
            .field("failed_allocs", &self.failed_allocs())
            .finish_non_exhaustive()
    }
}

// SAFETY: the all-zero bytes are segments with state 0 (no scope inside, not resetting) and
// cursor 0 (empty) and no resets counted, `current` and `failed` 0, every mark `CLEAR` (0), and slots
// that are `MaybeUninit` (any bytes are valid); `CachePadded` and `TrackedCell` add only
// padding or are `repr(transparent)`: exactly `ScopedArena::new()`.
#[cfg(not(loom))]
unsafe impl<T, const N: usize> crate::zeroable::Zeroable for ScopedArena<T, N> {}

/// A scope inside a [`ScopedArena`], from [`ScopedArena::scope`]: the values it allocates live
/// as long as it does.
///
/// It is inside one segment, or more once a segment it allocates in fills (see
/// [the guarantee](ScopedArena#the-guarantee)); when it is dropped it leaves them all, and
/// each segment whose last scope it was is reset (its values dropped) before the drop returns.
/// A `&Scope` can be shared between threads, which then allocate through it at once.
///
/// ```
/// let arena: atomicarena::ScopedArena<u32, 64> = atomicarena::ScopedArena::new();
/// let scope = arena.scope();
/// let xs = scope.alloc_slice_copy(&[1, 2, 3]).unwrap();
/// xs[0] = 10;
/// assert_eq!(xs, [10, 2, 3]);
/// assert_eq!(scope.len(), 3);
/// ```
///
/// A reference cannot outlive its scope:
///
/// ```compile_fail,E0597
/// let arena: atomicarena::ScopedArena<u32, 8> = atomicarena::ScopedArena::new();
/// let r;
/// {
///     let scope = arena.scope();
///     r = scope.alloc(1).unwrap();
/// }
/// *r += 1;
/// ```
///
/// A scope dropped at once (entered and left again, which may reset a segment) is flagged by
/// the `unused_must_use` lint:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let arena: atomicarena::ScopedArena<u32, 8> = atomicarena::ScopedArena::new();
/// arena.scope();
/// ```
#[must_use = "a scope dropped at once leaves the arena again (and may reset a segment): \
              bind it with `let scope = …` and allocate through it"]
pub struct Scope<'a, T, S: Storage> {
    owner: &'a ScopedArenaIn<T, S>,
    /// The segment allocations go to; published with `Release` when it changes, read with
    /// `Acquire` (module docs).
    current: AtomicUsize,
    /// Bit `k`: the scope is inside segment `k` (holds one `ONE` of its state); `MOVING` while
    /// one of the threads sharing the scope moves it to a free segment (one at a time, so that
    /// two threads never both leave a segment with room behind).
    held: AtomicUsize,
}

impl<'a, T, S: Storage> Scope<'a, T, S> {
    fn new(owner: &'a ScopedArenaIn<T, S>, k: usize) -> Self {
        Scope {
            owner,
            current: AtomicUsize::new(k),
            held: AtomicUsize::new(1 << k),
        }
    }

    /// Stores `value` in a free slot of this scope's segment; the reference lives as long as
    /// the scope. One atomic operation on the segment's cursor. If the segment is full, the
    /// scope continues in a free segment.
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when the scope's segment is full and no
    /// segment is free (see [the guarantee](ScopedArena#the-guarantee)).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<String, 1> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// scope.alloc("a".to_string()).unwrap().push('!');
    /// let back = scope.alloc("b".to_string()).unwrap_err().into_inner();
    /// assert_eq!(back, "b");
    /// ```
    #[inline]
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    pub fn alloc(&self, value: T) -> Result<&mut T, Full<T>> {
        // Read once: the compiler cannot keep a field across the atomic operation.
        let owner = self.owner;
        // Acquire: see the module docs (a scope shared between threads).
        let k = self.current.load(Ordering::Acquire);
        let i = match owner.claim_one(k) {
            Some(i) => i,
            // The slow path does not take the value, so that the fast path writes it straight
            // into its slot (no copy through the stack).
            None => match self.claim_one_slow(k) {
                Some(i) => i,
                None => return Err(Full(value)),
            },
        };
        // SAFETY: `claim_one` gave us slot `i` of the scope's segment alone this round, and
        // this scope stays inside that segment for as long as the reference lives (it borrows
        // `self`).
        Ok(unsafe { owner.write(i, value) })
    }

    /// A single claim when segment `seen` was full: continue. Counts a failure.
    #[cold]
    #[inline(never)]
    fn claim_one_slow(&self, seen: usize) -> Option<usize> {
        let claimed = self.claim_with(seen, 1, |k| self.owner.claim_one(k));
        if claimed.is_none() {
            self.owner.record_failure();
        }
        claimed
    }

    /// Claims `n` contiguous slots: from the current segment, else from a segment this scope
    /// continues in. Counts no failure (the callers do).
    #[inline]
    fn claim_n(&self, n: usize) -> Option<usize> {
        // Acquire: as in `alloc`.
        let k = self.current.load(Ordering::Acquire);
        match self.owner.claim(k, n) {
            Some(i) => Some(i),
            None => self.claim_with(k, n, |k| self.owner.claim(k, n)),
        }
    }

    /// `claim_n`, counting a failure.
    fn claim_n_or_fail(&self, n: usize) -> Result<usize, Full<()>> {
        self.claim_n(n).ok_or_else(|| {
            self.owner.record_failure();
            Full(())
        })
    }

    /// The slow path of every claim: segment `seen` had no room for `n` slots. Tries the
    /// scope's current segment if another thread moved it on, then free segments, one after
    /// another (each one it enters stays held until the scope leaves). `None` (not counted as
    /// a failure here) when no segment is free, or when `n` exceeds a segment's capacity.
    #[cold]
    #[inline(never)]
    fn claim_with(
        &self,
        mut seen: usize,
        n: usize,
        claim: impl Fn(usize) -> Option<usize>,
    ) -> Option<usize> {
        let owner = self.owner;
        // A segment whose capacity is at least `n`; all are within one slot of each other.
        let fits = (0..owner.segments()).any(|k| owner.bounds(k).1 >= n);
        let mut spins = 0u32;
        loop {
            // Acquire: as in `alloc`.
            let k = self.current.load(Ordering::Acquire);
            if k != seen {
                // Another thread sharing this scope moved it on.
                if let Some(i) = claim(k) {
                    return Some(i);
                }
                seen = k;
                continue;
            }
            // Become the one thread that moves this scope on. Acquire: pairs with the `Release`
            // that ends another mover's turn, so its `current` is visible below.
            if self.held.fetch_or(MOVING, Ordering::Acquire) & MOVING != 0 {
                // Another thread sharing this scope is moving it: a few atomic operations.
                spins = spins.wrapping_add(1);
                wait(spins);
                continue;
            }
            /// Ends this thread's turn as the mover, also on unwind.
            struct Moved<'b>(&'b AtomicUsize);
            impl Drop for Moved<'_> {
                fn drop(&mut self) {
                    // Release: publishes `current` and the held bit to the next mover.
                    self.0.fetch_and(!MOVING, Ordering::Release);
                }
            }
            let turn = Moved(&self.held);
            // Acquire: as in `alloc`. A mover that finished just before us moved it already.
            if self.current.load(Ordering::Acquire) != seen {
                continue;
            }
            // No free segment (or none large enough): `None`.
            let f = if fits { owner.enter_free() } else { None }?;
            // Relaxed: read by the drop under `&mut self` (ordered by the borrow), and by the
            // next mover after our `Release` below.
            self.held.fetch_or(1 << f, Ordering::Relaxed);
            // Release: publishes our `Acquire` entering of `f` to the threads that share this
            // scope and read `current` with `Acquire` (module docs).
            self.current.store(f, Ordering::Release);
            drop(turn);
            if let Some(i) = claim(f) {
                return Some(i);
            }
            // Filled by other scopes before our claim (or, for a batch, too small): go on.
            seen = f;
        }
    }

    /// Runs `f` to build a value in a free slot, and returns a reference to it.
    ///
    /// `f` runs only once a slot has been claimed. If `f` panics, the slot stays empty (a
    /// hole, skipped by the reset).
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` under the conditions of [`alloc`](Scope::alloc); `f` is not called then.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<[u64; 8], 16> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let table = scope.alloc_with(|| std::array::from_fn(|i| i as u64 * 2)).unwrap();
    /// assert_eq!(table[3], 6);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    pub fn alloc_with<F: FnOnce() -> T>(&self, f: F) -> Result<&mut T, Full<()>> {
        // Acquire: as in `alloc`.
        let k = self.current.load(Ordering::Acquire);
        let i = match self.owner.claim_one(k) {
            Some(i) => i,
            None => self.claim_one_slow(k).ok_or(Full(()))?,
        };
        /// Marks the slot as a hole if `f` panics.
        struct Hole<'b, T, S: Storage>(&'b ScopedArenaIn<T, S>, usize);
        impl<T, S: Storage> Drop for Hole<'_, T, S> {
            fn drop(&mut self) {
                self.0.mark_holes(self.1..self.1 + 1);
            }
        }
        let guard = Hole(self.owner, i);
        let value = f();
        mem::forget(guard);
        // SAFETY: as in `alloc`.
        Ok(unsafe { self.owner.write(i, value) })
    }

    /// Copies `src` into contiguous slots of one segment with one `memcpy`, all or nothing.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when the scope's segment has fewer than `src.len()` free slots and no
    /// segment is free, or when `src` is longer than a segment
    /// ([`segment_capacity`](ScopedArena::segment_capacity)); nothing is taken then. An empty
    /// `src` always succeeds.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 32> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope(); // two segments of 16
    /// assert_eq!(scope.alloc_slice_copy(b"hello").unwrap(), b"hello");
    /// assert!(scope.alloc_slice_copy(&[0; 17]).is_err()); // longer than a segment
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    pub fn alloc_slice_copy(&self, src: &[T]) -> Result<&mut [T], Full<()>>
    where
        T: Copy,
    {
        if src.is_empty() {
            return Ok(&mut []);
        }
        let start = self.claim_n_or_fail(src.len())?;
        let dst = self.owner.slot_ptr(start);
        // SAFETY: `claim_n` gave this call `start..start + src.len()` (within one segment)
        // alone; `src` cannot overlap slots nobody else can reach. `T: Copy`.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
        self.owner.touch_owners(start..start + src.len());
        // SAFETY: just initialised, ours while the scope is inside the segment.
        Ok(unsafe { slice::from_raw_parts_mut(dst, src.len()) })
    }

    /// Clones `src` into contiguous slots of one segment, all or nothing. If a `clone`
    /// panics, the values cloned so far are dropped and the slots stay empty (holes).
    ///
    /// # Errors
    ///
    /// As [`alloc_slice_copy`](Scope::alloc_slice_copy); nothing is cloned then.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<String, 16> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let copy = scope.alloc_slice_clone(&["to".to_string(), "be".to_string()]).unwrap();
    /// copy[1].push('e');
    /// assert_eq!(copy, ["to", "bee"]);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    pub fn alloc_slice_clone(&self, src: &[T]) -> Result<&mut [T], Full<()>>
    where
        T: Clone,
    {
        self.alloc_exact(src.len(), src.iter().cloned())
    }

    /// Moves the items of an exact-size iterator into contiguous slots of one segment, all or
    /// nothing. An iterator that yields fewer items than its `len` gives a shorter slice (the
    /// unused slots stay empty); a panicking one drops what it had yielded.
    ///
    /// # Errors
    ///
    /// As [`alloc_slice_copy`](Scope::alloc_slice_copy), with `len()`; no item is pulled then.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u32, 64> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let squares = scope.alloc_iter((1..5).map(|x| x * x)).unwrap();
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// ```
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    pub fn alloc_iter<I>(&self, iter: I) -> Result<&mut [T], Full<()>>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let iter = iter.into_iter();
        self.alloc_exact(iter.len(), iter)
    }

    /// Claims `len` contiguous slots and fills them from `iter`, which may yield fewer.
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    fn alloc_exact(&self, len: usize, iter: impl Iterator<Item = T>) -> Result<&mut [T], Full<()>> {
        if len == 0 {
            return Ok(&mut []);
        }
        let start = self.claim_n_or_fail(len)?;
        let owner = self.owner;
        let dst = owner.slot_ptr(start);
        /// If `iter` panics: drops the values written so far and marks the range as holes.
        struct Partial<'b, T, S: Storage> {
            owner: &'b ScopedArenaIn<T, S>,
            start: usize,
            len: usize,
            written: usize,
        }
        impl<T, S: Storage> Drop for Partial<'_, T, S> {
            fn drop(&mut self) {
                // Holes first: even if a destructor below panics, no slot of the batch looks
                // initialised afterwards.
                self.owner.mark_holes(self.start..self.start + self.len);
                let dst = self.owner.slot_ptr(self.start);
                // SAFETY: exactly the first `written` slots of the batch were initialised,
                // and the batch was never returned, so nothing else will drop them.
                unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(dst, self.written)) };
            }
        }
        let mut guard = Partial {
            owner,
            start,
            len,
            written: 0,
        };
        for value in iter.take(len) {
            // SAFETY: `written < len` (`take`), and the range was claimed by this call alone.
            unsafe { dst.add(guard.written).write(value) };
            guard.written += 1;
        }
        let written = guard.written;
        mem::forget(guard);
        owner.touch_owners(start..start + written);
        if written < len {
            owner.mark_holes(start + written..start + len);
        }
        // SAFETY: the first `written` slots were initialised above and are ours while the
        // scope is inside their segment.
        Ok(unsafe { slice::from_raw_parts_mut(dst, written) })
    }

    /// The segment this scope allocates in now (`< SEGMENTS`; for tests and statistics).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 32> = atomicarena::ScopedArena::new();
    /// let first = arena.scope();
    /// for i in 0..17 {
    ///     first.alloc(i).unwrap(); // the 17th continues in segment 1
    /// }
    /// assert_eq!((first.segment(), first.segments_held()), (1, 2));
    /// ```
    #[must_use]
    pub fn segment(&self) -> usize {
        // Relaxed: a statistic.
        self.current.load(Ordering::Relaxed)
    }

    /// The number of segments this scope is inside (and keeps from recycling until it leaves).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 4> = atomicarena::ScopedArena::new();
    /// assert_eq!(arena.scope().segments_held(), 1);
    /// ```
    #[must_use]
    pub fn segments_held(&self) -> usize {
        // Relaxed: a statistic.
        (self.held.load(Ordering::Relaxed) & !MOVING).count_ones() as usize
    }

    /// Slots used this round in the scope's current segment, by every scope inside it (values,
    /// and holes left by panics). A snapshot under concurrency.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 16> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// scope.alloc(1).unwrap();
    /// assert_eq!(scope.len(), 1);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        let k = self.segment();
        // Relaxed: a statistic.
        let used = self.owner.segments[k].cursor.load(Ordering::Relaxed);
        used.min(self.owner.bounds(k).1)
    }

    /// `true` when nothing was allocated in the scope's current segment this round.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 16> = atomicarena::ScopedArena::new();
    /// assert!(arena.scope().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Free slots in the scope's current segment (a snapshot under concurrency). When it is 0
    /// the next allocation continues in a free segment.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 16> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// scope.alloc(1).unwrap();
    /// assert_eq!(scope.remaining(), 15);
    /// ```
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.owner.bounds(self.segment()).1 - self.len()
    }
}

impl<T, S: Storage> Drop for Scope<'_, T, S> {
    /// Leaves every segment the scope is inside, resetting those whose last scope it was. If a
    /// destructor panics during a reset, the scope still leaves its other segments, and the
    /// panic is passed on.
    fn drop(&mut self) {
        /// The segments not left yet; left on unwind too.
        struct Rest<'b, T, S: Storage> {
            owner: &'b ScopedArenaIn<T, S>,
            held: usize,
        }
        impl<T, S: Storage> Rest<'_, T, S> {
            fn leave_all(&mut self) {
                while self.held != 0 {
                    let k = self.held.trailing_zeros() as usize;
                    self.held &= self.held - 1;
                    self.owner.leave(k);
                }
            }
        }
        impl<T, S: Storage> Drop for Rest<'_, T, S> {
            fn drop(&mut self) {
                // Work left only if a reset panicked in `leave_all`.
                self.leave_all();
            }
        }
        // Relaxed: `&mut self`; every thread that shared the scope is done with it.
        let held = self.held.load(Ordering::Relaxed) & !MOVING;
        if held & (held - 1) == 0 {
            // The common case: one segment.
            self.owner.leave(held.trailing_zeros() as usize);
            return;
        }
        Rest {
            owner: self.owner,
            held,
        }
        .leave_all();
    }
}

impl<T, S: Storage> fmt::Debug for Scope<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("segment", &self.segment())
            .field("segments_held", &self.segments_held())
            .field("len", &self.len())
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// Largest chunk an adaptive [`ScopeLocal`] claims at once.
const MAX_CHUNK: usize = 1024;
/// First chunk of an adaptive [`ScopeLocal`].
const FIRST_CHUNK: usize = 16;

impl<'a, T, S: Storage> Scope<'a, T, S> {
    /// A per-thread allocation handle for this scope: it claims chunks of slots of the scope's
    /// segment with one atomic operation each and allocates inside them with a plain write.
    ///
    /// The chunk size adapts: 16 slots first, doubling at each refill up to a quarter of a
    /// segment (at most 1,024). While the handle lives, its unused slots are claimed (other
    /// scopes may find the segment full a chunk early); when it drops, they go back to the
    /// segment if no claim came after them, and otherwise stay empty until the segment
    /// resets. When no chunk fits, the handle allocates one value at a time like
    /// [`Scope::alloc`], with the same guarantee.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u64, 1024> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let mut local = scope.local();
    /// let values: Vec<&mut u64> = (0..100).map(|i| local.alloc(i).unwrap()).collect();
    /// assert_eq!(*values[99], 99);
    /// ```
    pub fn local(&self) -> ScopeLocal<'_, 'a, T, S> {
        let max = (self.owner.bounds(self.owner.segments() - 1).1 / 4).clamp(1, MAX_CHUNK);
        ScopeLocal::new(self, FIRST_CHUNK.min(max), max)
    }

    /// A per-thread handle like [`local`](Scope::local) that always claims `chunk` slots at a
    /// time: one atomic operation per request when `chunk` is the number of values it stores.
    /// `chunk` is clamped to `1..=` the smallest segment's capacity.
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u32, 64> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let mut local = scope.local_with_chunk(8);
    /// local.alloc(1).unwrap();
    /// assert_eq!(scope.len(), 8); // the whole chunk is claimed
    /// drop(local);
    /// assert_eq!(scope.len(), 1); // the unused 7 went back
    /// ```
    pub fn local_with_chunk(&self, chunk: usize) -> ScopeLocal<'_, 'a, T, S> {
        let smallest = self.owner.bounds(self.owner.segments() - 1).1;
        let chunk = chunk.clamp(1, smallest);
        ScopeLocal::new(self, chunk, chunk)
    }
}

/// A per-thread allocation handle into a [`Scope`], from [`Scope::local`] and
/// [`Scope::local_with_chunk`]: the values it stores live as long as the scope (`'s`), not as
/// long as the handle.
///
/// Forgetting it is sound: the slots it claimed and did not use stay empty (holes) until their
/// segment resets, and the values it stored are dropped by that reset as usual.
///
/// ```
/// let arena: atomicarena::ScopedArena<String, 64> = atomicarena::ScopedArena::new();
/// let scope = arena.scope();
/// let kept: &mut String = {
///     let mut local = scope.local();
///     local.alloc("outlives the handle".to_string()).unwrap()
/// };
/// kept.push('!');
/// assert_eq!(kept, "outlives the handle!");
/// ```
#[must_use = "a handle dropped at once gives its chunk back: keep it and allocate through it"]
pub struct ScopeLocal<'s, 'a, T, S: Storage> {
    scope: &'s Scope<'a, T, S>,
    /// The unused part of the current chunk (storage indices); `next == end` when empty. The
    /// used part's marks are `CLEAR`, the unused part's `HOLE` (when `T` needs dropping).
    next: usize,
    end: usize,
    /// Slots to claim at the next refill, and the most.
    chunk: usize,
    max: usize,
}

impl<'s, 'a, T, S: Storage> ScopeLocal<'s, 'a, T, S> {
    fn new(scope: &'s Scope<'a, T, S>, chunk: usize, max: usize) -> Self {
        ScopeLocal {
            scope,
            next: 0,
            end: 0,
            chunk,
            max,
        }
    }

    /// Stores `value` in the handle's chunk (claiming a new one when it is used up) and returns
    /// a reference that lives as long as the scope.
    ///
    /// # Errors
    ///
    /// `Err(Full(value))` under the conditions of [`Scope::alloc`].
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 16> = atomicarena::ScopedArena::new();
    /// let scope = arena.scope();
    /// let mut local = scope.local_with_chunk(16);
    /// for i in 0..16 {
    ///     local.alloc(i).unwrap();
    /// }
    /// assert_eq!(local.alloc(16).unwrap_err().into_inner(), 16);
    /// ```
    #[inline]
    pub fn alloc(&mut self, value: T) -> Result<&'s mut T, Full<T>> {
        if self.next < self.end {
            let i = self.next;
            self.next += 1;
            let owner = self.scope.owner;
            owner.set_marks(i..i + 1, CLEAR);
            // SAFETY: slot `i` is in this handle's chunk, claimed by it alone, and not written
            // yet (`next` moved past it); the scope stays inside its segment for `'s`.
            return Ok(unsafe { owner.write(i, value) });
        }
        self.refill(value)
    }

    /// The chunk is used up: claim a new one, or allocate this value alone.
    #[cold]
    #[inline(never)]
    fn refill(&mut self, value: T) -> Result<&'s mut T, Full<T>> {
        let owner = self.scope.owner;
        match self.scope.claim_n(self.chunk) {
            Some(start) => {
                let end = start + self.chunk;
                // The whole chunk is holes until used: a forgotten handle leaves no slot that
                // looks initialised.
                owner.set_marks(start + 1..end, HOLE);
                (self.next, self.end) = (start + 1, end);
                self.chunk = (self.chunk * 2).min(self.max);
                // SAFETY: `start` is the first slot of a chunk claimed by this handle alone.
                Ok(unsafe { owner.write(start, value) })
            }
            None => self.scope.alloc(value),
        }
    }
}

impl<T, S: Storage> Drop for ScopeLocal<'_, '_, T, S> {
    /// Gives the unused slots back to the segment if no claim came after them; otherwise they
    /// stay holes until the segment resets.
    fn drop(&mut self) {
        if self.next == self.end {
            return;
        }
        let owner = self.scope.owner;
        let k = owner.segment_of(self.next);
        let start = owner.bounds(k).0;
        // Cleared before they are given back: a later claimer expects clear marks.
        owner.set_marks(self.next..self.end, CLEAR);
        // Release: publishes the cleared marks to the next claimer of these slots (its
        // `mark_holes` reads the cursor with `Acquire`). Relaxed on failure: nothing given.
        let given = owner.segments[k]
            .cursor
            .compare_exchange(
                self.end - start,
                self.next - start,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_ok();
        if !given {
            owner.set_marks(self.next..self.end, HOLE);
        }
    }
}

impl<T, S: Storage> fmt::Debug for ScopeLocal<'_, '_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeLocal")
            .field("chunk_remaining", &(self.end - self.next))
            .finish_non_exhaustive()
    }
}
