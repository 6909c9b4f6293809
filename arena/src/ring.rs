//! The ring: a wrap-around arena with generation-checked handles and read guards.
//!
//! # Algorithm
//!
//! A bump cursor modulo the capacity (the Go seed's ring) made safe to share, with per-slot
//! *stamps* in the style of crossbeam-queue's `ArrayQueue` (itself Dmitry Vyukov's bounded
//! MPMC queue, <https://www.1024cores.net/home/lock-free-algorithms/queues/bounded-mpmc-queue>):
//!
//! * `head` (a `CachePadded<AtomicU64>`) hands out 64-bit *sequence numbers* with one
//!   `fetch_add(1)` (on targets without native 64-bit atomics, `AtomicU64` is portable-atomic's
//!   lock-based emulation: see `sync.rs`; the algorithm and its orderings are the same).
//!   Sequence `s` belongs to slot `s % N`, lap `s / N`. A [`Handle`] is `s + 1` (the slot's
//!   stamp of the value, `Stamp::seq`): users see numbers from 1, which leaves 0 for
//!   [`Handle::START`], older than every push, while `head` still starts at 0, so that an
//!   all-zero ring is an empty one.
//! * Each slot has a one-word stamp (see `Stamp::state` in `ring_stamp.rs`) holding the lap tag of its value, a
//!   writer-busy bit and a reader pin count, so that every decision about a slot is one
//!   compare-and-swap: a writer *claims* the slot only when no reader pins it, no writer is busy
//!   in it and the slot holds an older lap; a reader *pins* it only when no writer is busy and
//!   the lap tag is the handle's. Claims and pins exclude each other, so a writer never changes
//!   a value that a [`Ref`] can see and a reader never sees a half-written value.
//! * Next to the stamp, `Stamp::seq` holds the full 64-bit sequence number of the value, read
//!   under a pin, so that a handle matches only the exact push that made it: no aliasing, even
//!   on 32-bit targets, within any realistic time (2^64 pushes is 584 years at one push per
//!   nanosecond).
//! * Consecutive sequence numbers live `STRIDE` slots apart in the array (a permutation of the
//!   slots), so threads pushing at once do not write to the same cache lines. To the user,
//!   slot `i` is still "the value whose internal number `s` is `i` modulo `N`" ([`Ring::peek`]),
//!   whose handle is numbered `s + 1`.
//!
//! A push is two read-modify-writes: the `fetch_add` and the claim. Claiming with the slot's
//! compare-and-swap alone and keeping `head` as a hint moved on by plain stores (as
//! `ArrayQueue` claims with its tail CAS) would save one, but such a hint can move backwards
//! when two pushes race on it, and a later push from the same thread could then take a smaller
//! sequence number than its previous push, breaking the order of [`Ring::iter`]. The
//! `fetch_add` keeps sequence numbers in the order in which pushes happen.
//!
//! # Policy for pinned slots
//!
//! A writer never waits. If its slot is pinned by a live [`Ref`], is being written by another
//! push (from another lap), or already holds a newer lap (this push was overtaken), the writer
//! *skips* it: it takes the next sequence number and tries that slot. The skipped slot keeps its
//! value, which therefore outlives values pushed after it; [`Ring::iter`] still shows it first,
//! since it is the oldest. After `max(N, 4)` fruitless attempts (every slot pinned, say) the push
//! gives up: the value is dropped at once and the returned handle is already stale, exactly as if
//! the value had been written and immediately overwritten. Nothing blocks and nothing fails
//! "for lack of room". The numbers a push took without storing are added to `skipped` (one
//! relaxed `fetch_add`, on these paths only), so a reader can tell them from values it missed.
//!
//! # Tailing
//!
//! `since(h)` is `iter` started at `h`'s successor: the handle is a sequence number plus one,
//! that is its successor's sequence number, so the values after it are at the numbers from
//! there on (from 0 for [`Handle::START`]), and a reader less than a lap behind looks at
//! just the numbers handed out since `h`. Only a stale `h` (older than the last `N` numbers)
//! needs `iter`'s scan of the slots for values kept past their turn by pins, restricted to
//! those numbered after `h`.
//!
//! # Soundness
//!
//! * Invariant 2 (no uninitialised read): a slot's value is readable exactly when its `seq` is
//!   non-zero; `seq` is written by the claiming writer after the value, and readers look at it
//!   only under a pin, which the writer's `Release` publication orders after the value write.
//! * Invariant 3 (drop once): a value is dropped by the one writer that claims its slot next
//!   (after the claim, outside the critical section), by `reset`, or by `Drop`, and `seq` is
//!   zeroed (or replaced) before the drop. A push that gives up drops its own value.
//! * A `mem::forget`-ten [`Ref`] leaves its pin behind: the slot is skipped by every writer until
//!   `reset` or `Drop`, which run under `&mut self` and may drop the value normally, since `&mut`
//!   proves that no `Ref` (whose borrow of the ring has ended) can still reach it.
//! * `Ring<T, N>: Sync` needs `T: Send + Sync`: pushes move `T`s in from any thread and drop
//!   them on whichever thread overwrites them (`Send`), and readers on many threads share `&T`
//!   (`Sync`).

use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr;

use crossbeam_utils::{Backoff, CachePadded};

use crate::__private::Storage as Checks;
use crate::ring_stamp::{lap_tag_of, IterPos, Skip, Stamp, Stamps, TAG_MASK};
#[cfg(all(feature = "alloc", not(loom)))]
use crate::storage::Init;
#[cfg(feature = "alloc")]
use crate::storage::{self, CapacityError, Heap, HeapArray, OnAllocFailure};
use crate::storage::{Array, Inline, Storage};
use crate::sync::{AtomicU64, AtomicUsize, Ordering, TrackedCell};

/// Runs `f` on the value of an atomic we hold `&mut` to (loom's atomics have no `get_mut`).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn with_mut_u64<R>(a: &mut AtomicU64, f: impl FnOnce(&mut u64) -> R) -> R {
    #[cfg(not(loom))]
    {
        f(a.get_mut())
    }
    #[cfg(loom)]
    {
        a.with_mut(f)
    }
}

/// One slot of the ring: its stamp (`ring_stamp.rs`), then its value. `repr(C)` with the stamp
/// first, so that the stamp scans (`Stamps`) can see the slots without knowing `T`.
#[repr(C)]
struct Slot<T> {
    /// The slot's state and the sequence number of its value (see [`Stamp`]). The slot
    /// dereferences to it.
    stamp: Stamp,
    /// The value: initialised exactly when `seq != 0`.
    value: TrackedCell<MaybeUninit<T>>,
}

impl<T> core::ops::Deref for Slot<T> {
    type Target = Stamp;

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref(&self) -> &Stamp {
        &self.stamp
    }
}

impl<T> core::ops::DerefMut for Slot<T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref_mut(&mut self) -> &mut Stamp {
        &mut self.stamp
    }
}

impl<T> Slot<T> {
    #[cfg(not(loom))]
    const fn new() -> Self {
        Slot {
            stamp: Stamp::new(),
            value: TrackedCell::new(MaybeUninit::uninit()),
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        Slot {
            stamp: Stamp::new(),
            value: TrackedCell::new(MaybeUninit::uninit()),
        }
    }

    /// Replaces the value (if any) by `value`, stamped `seq`, and publishes it. Returns whether
    /// the slot was empty, and the old value if it needs dropping (the caller drops it, outside
    /// the critical section, so a panicking destructor cannot leave the slot busy).
    ///
    /// # Safety
    ///
    /// The caller claimed the slot (`claim` returned `Ok`) and has not published since, and
    /// `seq < u64::MAX` (so `seq + 1` is a non-zero stamp).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    unsafe fn write(&self, seq: u64, tag: u64, value: T) -> (bool, Option<T>) {
        // Relaxed: we own the slot; the previous writer's store happens-before our claim.
        let old_seq = self.seq.load(Ordering::Relaxed);
        let old = self.value.with_mut(|p| {
            let old = if mem::needs_drop::<T>() && old_seq != 0 {
                // SAFETY: `old_seq != 0`, so the slot holds a value (invariant 2); we own it
                // (BUSY), no `Ref` reaches it (pins were 0 at the claim and cannot grow while
                // BUSY), and moving it out leaves the memory to be overwritten right below.
                Some(unsafe { ptr::read(p).assume_init() })
            } else {
                None
            };
            // SAFETY: we own the slot; the old value (if any) was moved out above or has no
            // drop glue, so overwriting it leaks nothing and drops nothing twice.
            unsafe { ptr::write(p, MaybeUninit::new(value)) };
            old
        });
        self.stamp.publish(seq, tag);
        (old_seq == 0, old)
    }
}

/// A wrap-around ring of `N` values of type `T`, stored inline, with generation-checked
/// handles.
///
/// [`push`](Ring::push) never fails for lack of room: it overwrites (and drops) the oldest value
/// and returns a [`Handle`]. [`get`](Ring::get) turns a handle back into a read guard
/// ([`Ref`]) while the value is still there, and returns `None` once it was overwritten or the
/// ring was reset: never another value, never a torn one. [`peek`](Ring::peek) looks at slot
/// `i mod N` (the Go `PtrAt`), [`iter`](Ring::iter) walks the live values from oldest to
/// newest, and [`since`](Ring::since) those pushed after a handle (a log's tail). Every
/// operation takes `&self` and is lock-free; only [`reset`](Ring::reset) needs `&mut self`.
///
/// ```
/// use atomicarena::Ring;
///
/// static LOG: Ring<String, 3> = Ring::new();
///
/// let first = LOG.push("boot".to_string());
/// std::thread::scope(|s| {
///     s.spawn(|| LOG.push("disk ok".to_string()));
///     s.spawn(|| LOG.push("net ok".to_string()));
/// });
/// assert_eq!(LOG.get(first).as_deref().map(String::as_str), Some("boot"));
///
/// LOG.push("ready".to_string()); // the ring is full: "boot" is overwritten and dropped
/// assert!(LOG.get(first).is_none());
/// assert_eq!(LOG.len(), 3);
/// assert_eq!(LOG.iter().last().map(|(_, v)| v.clone()), Some("ready".to_string()));
/// ```
///
/// # Pinned slots
///
/// A slot whose value is held by a live [`Ref`] is never overwritten and never waited for: a
/// push that lands on it takes the next sequence number and moves on (so the pinned value
/// outlives newer ones, and `iter` still shows it first, as the oldest). A push that finds no
/// usable slot in `max(N, 4)` attempts (every slot pinned, say) drops its value at once and
/// returns a handle that is already stale, as if the value had been overwritten immediately.
///
/// ```
/// use atomicarena::Ring;
///
/// let ring: Ring<u32, 2> = Ring::new();
/// let a = ring.push(1);
/// let pinned = ring.get(a).unwrap();
/// for i in 2..20 {
///     ring.push(i); // skips the pinned slot
/// }
/// assert_eq!(*pinned, 1);
/// let b = ring.get(ring.latest().unwrap()).unwrap();
/// assert_eq!(*b, 19);
/// let lost = ring.push(20); // both slots pinned: 20 is dropped at once
/// assert!(ring.get(lost).is_none());
/// ```
///
/// A `mem::forget`-ten `Ref` pins its slot until [`reset`](Ring::reset) or drop.
///
/// # Sequence numbers
///
/// Every push takes the next 64-bit sequence number, from 1 (a push that skips slots takes
/// several, and `reset` moves on to a fresh lap); 0 is [`Handle::START`], which comes before
/// every push and names none. A handle names exactly one push, on any target: numbers
/// would repeat only after 2^64 of them (584 years at one per nanosecond). The numbers that
/// pushes took without storing a value are counted by [`skipped`](Ring::skipped), which
/// explains the gaps between consecutive handles. Handles are only meaningful with the ring
/// that made them; used with another ring they name whatever that ring stored under the same
/// number (still a whole, initialised value), and [`since`](Ring::since) yields that ring's
/// values numbered after it.
///
/// # Targets without 64-bit atomics
///
/// The ring exists on every target the crate builds for, with the same sequence numbers and the
/// same behaviour. Where the target has no native 64-bit atomics (`thumbv7em-none-eabihf` and
/// other 32-bit microcontrollers), its 64-bit atomics are emulated by
/// [portable-atomic](https://docs.rs/portable-atomic) with a global table of spinning locks:
/// the ring is then not lock-free, and a ring shared between an interrupt handler and the code
/// it interrupts can deadlock, unless the firmware enables portable-atomic's
/// `unsafe-assume-single-core` (or `unsafe-assume-privileged`) feature. See the
/// [crate docs](crate#no_std-and-embedded-targets).
///
/// The storage is an inline array, so `Ring::new` is a `const fn` and a ring can be a `static`.
/// For large capacities use [`Ring::new_boxed`].
pub type Ring<T, const N: usize> = RingIn<T, Inline<N>>;

/// A [`Ring`] with a capacity chosen at run time: its slots are allocated on the heap once, by
/// [`with_capacity`](HeapRing::with_capacity) or [`try_with_capacity`](HeapRing::try_with_capacity).
/// Everything else is [`Ring`]'s (the same code): `push`, handles, `get`, `iter`, `since`, pins.
///
/// ```
/// let n: usize = std::env::var("RING_SLOTS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
/// let ring = atomicarena::HeapRing::<u32>::with_capacity(n);
/// let first = ring.push(1);
/// for i in 2..=4 {
///     ring.push(i);
/// }
/// assert!(ring.get(first).is_none()); // overwritten: the ring holds the last 3
/// assert_eq!(ring.iter().map(|(_, v)| *v).collect::<Vec<_>>(), [2, 3, 4]);
/// ```
#[cfg(feature = "alloc")]
pub type HeapRing<T> = RingIn<T, Heap>;

/// The ring, generic over where its slots live: [`Ring<T, N>`](Ring) is `RingIn<T, Inline<N>>`
/// and [`HeapRing<T>`](HeapRing) is `RingIn<T, Heap>`. Every method is written once, here; see
/// [`Ring`] for the kind's contract.
///
/// ```
/// fn newest<S: atomicarena::Storage>(ring: &atomicarena::RingIn<u32, S>) -> Option<u32> {
///     ring.iter().last().map(|(_, v)| *v)
/// }
/// let ring = atomicarena::HeapRing::with_capacity(2);
/// ring.push(5);
/// assert_eq!(newest(&ring), Some(5));
/// ```
pub struct RingIn<T, S: Storage> {
    /// The next sequence number to hand out. Only grows (`fetch_add`; `reset` moves it on to a
    /// fresh lap), so handles from before a reset stay stale forever.
    head: CachePadded<AtomicU64>,
    /// Number of slots holding a value: incremented by the push that fills an empty slot (so
    /// only during the first lap of a round), zeroed by `reset`. Never above `N`.
    len: AtomicUsize,
    /// Sequence numbers taken by pushes that stored no value under them (see [`Ring::skipped`]).
    /// Added to only on the skip paths of `push`, never on its common path; kept by `reset`.
    /// Not padded: it may share a cache line with `len` or a slot, but it is written only when
    /// a push skips, which is rare and already costs a failed claim on a contended slot.
    skipped: AtomicU64,
    /// The slots; `slot_at(i)` (and `Stamps::physical(i)`) holds sequence numbers `s` with
    /// `s % N == i` (see `STRIDE`).
    slots: S::Array<Slot<T>>,
    /// The stride of a heap ring (computed at construction); an inline ring uses its constant
    /// and leaves this 0 (also when built zeroed).
    stride: usize,
    /// A heap ring whose capacity is a power of two: its log2 (sequence numbers are split with
    /// a shift and a mask instead of divisions); `NOT_POW2` otherwise. Unused (0) inline, where
    /// the capacity is a constant and the compiler does the same.
    shift: u32,
    /// The ring owns `T`s and drops them (for dropck).
    _owns: PhantomData<T>,
}

// SAFETY: `&Ring` lets any thread move a `T` in (`push`) and drop the `T` it overwrites, which
// may come from another thread: `T: Send`. It also lets many threads hold `&T` to one value at
// once (`Ref`): `T: Sync`. Everything else is atomics.
unsafe impl<T: Send + Sync, S: Storage> Sync for RingIn<T, S> {}

// SAFETY: moving a ring moves its `T`s: `T: Send` is required and enough (written out for
// generic `S`, as for `ArenaIn`; everything else is atomics).
unsafe impl<T: Send, S: Storage> Send for RingIn<T, S> {}

/// `RingIn::shift` of a heap ring whose capacity is not a power of two.
const NOT_POW2: u32 = u32::MAX;

/// Distance, in a ring's slot array of `n` slots of `slot_size` bytes, between the slots of
/// consecutive sequence numbers (see `RingIn::stride`): at least 128 bytes and coprime with `n`;
/// 1 for tiny rings and for rings of more than 2^32 slots.
const fn stride_for(n: usize, slot_size: usize) -> usize {
    const fn gcd(mut a: usize, mut b: usize) -> usize {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }
    let want = if slot_size == 0 {
        128
    } else {
        128usize.div_ceil(slot_size)
    };
    if n <= 2 * want || n > u32::MAX as usize {
        1
    } else {
        let mut stride = want;
        while gcd(stride, n) != 1 {
            stride += 1; // ends by `n - 1` at the latest
        }
        stride
    }
}

impl<T, const N: usize> Ring<T, N> {
    /// The number of slots, `N`.
    ///
    /// ```
    /// assert_eq!(atomicarena::Ring::<u64, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// Creates an empty ring. A `const fn`: the ring can live in a `static`.
    ///
    /// The ring is built where it is returned, which for a local variable is the stack; for
    /// capacities beyond a few kilobytes, prefer a `static` or [`Ring::new_boxed`].
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// static EVENTS: Ring<u32, 1024> = Ring::new();
    /// let local: Ring<u32, 16> = Ring::new();
    /// assert!(EVENTS.is_empty() && local.is_empty());
    /// ```
    #[cfg(not(loom))]
    #[must_use]
    pub const fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        Ring {
            head: CachePadded::new(AtomicU64::new(0)),
            len: AtomicUsize::new(0),
            skipped: AtomicU64::new(0),
            slots: [const { Slot::new() }; N],
            stride: 0, // not read: an inline ring's stride is a constant (`stride()`)
            shift: 0,  // not read either (`split`)
            _owns: PhantomData,
        }
    }

    /// Creates an empty ring (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        Ring {
            head: CachePadded::new(AtomicU64::new(0)),
            len: AtomicUsize::new(0),
            skipped: AtomicU64::new(0),
            slots: core::array::from_fn(|_| Slot::new()),
            stride: 0, // not read: an inline ring's stride is a constant (`stride()`)
            shift: 0,  // not read either (`split`)
            _owns: PhantomData,
        }
    }

    /// Creates an empty ring directly on the heap, with no temporary on the stack, so that
    /// capacities of millions of slots work on any thread.
    ///
    /// The memory comes zeroed from the allocator (the all-zero bytes are an empty ring).
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let big = Ring::<[u8; 64], 1_000_000>::new_boxed();
    /// let h = big.push([7; 64]);
    /// assert_eq!(big.get(h).unwrap()[63], 7);
    /// assert_eq!(big.capacity(), 1_000_000);
    /// ```
    #[cfg(feature = "alloc")]
    #[must_use]
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
impl<T> HeapRing<T> {
    /// Creates an empty ring of `capacity` slots, allocated on the heap now and never again
    /// (zeroed memory: untouched slots cost no page).
    ///
    /// # Panics
    ///
    /// As [`HeapArena::with_capacity`](crate::HeapArena::with_capacity): a capacity of 0, or
    /// storage over `isize::MAX` bytes; `handle_alloc_error` when the allocator fails.
    ///
    /// ```
    /// let ring = atomicarena::HeapRing::<[u8; 64]>::with_capacity(1_000_000);
    /// let h = ring.push([7; 64]);
    /// assert_eq!(ring.get(h).unwrap()[63], 7);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        Self::build(capacity, OnAllocFailure::Abort)
            .unwrap_or_else(|e| storage::capacity_panic("HeapRing", e))
    }

    /// Creates an empty ring of `capacity` slots, or says why it cannot.
    ///
    /// # Errors
    ///
    /// As [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity).
    ///
    /// ```
    /// let err = atomicarena::HeapRing::<u8>::try_with_capacity(0).unwrap_err();
    /// assert_eq!(err, atomicarena::CapacityError::Zero);
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Self::build(capacity, OnAllocFailure::Return)
    }

    fn build(n: usize, on_failure: OnAllocFailure) -> Result<Self, CapacityError> {
        storage::check_capacity(n, mem::size_of::<Slot<T>>())?;
        // SAFETY: the all-zero `Slot` is an empty slot (see the `Zeroable` impl of `Ring`).
        #[cfg(not(loom))]
        let slots = unsafe { HeapArray::new(n, Init::Zeroed, on_failure) }?;
        #[cfg(loom)]
        let slots = {
            let _ = on_failure;
            HeapArray::from_fn(n, Slot::new)
        };
        Ok(RingIn {
            head: CachePadded::new(AtomicU64::new(0)),
            len: AtomicUsize::new(0),
            skipped: AtomicU64::new(0),
            slots,
            stride: stride_for(n, mem::size_of::<Slot<T>>()),
            shift: if n.is_power_of_two() {
                n.trailing_zeros()
            } else {
                NOT_POW2
            },
            _owns: PhantomData,
        })
    }
}

impl<T, S: Storage> RingIn<T, S> {
    /// Stores `value` in the next slot, overwriting (and dropping) the oldest value, and
    /// returns its handle.
    ///
    /// Lock-free and never fails for lack of room. Slots pinned by a [`Ref`] are skipped; if
    /// every attempt finds its slot pinned or busy (see [`Ring`]'s docs), the value is dropped
    /// at once and the returned handle is already stale. The old value is dropped after the new
    /// one is in place; if its destructor panics, the panic propagates and the new value stays
    /// in the ring.
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<&str, 2> = Ring::new();
    /// let a = ring.push("a");
    /// let b = ring.push("b");
    /// let c = ring.push("c"); // overwrites "a"
    /// assert_eq!(ring.get(a).as_deref(), None);
    /// assert_eq!(ring.get(b).as_deref(), Some(&"b"));
    /// assert_eq!(ring.get(c).as_deref(), Some(&"c"));
    /// ```
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn push(&self, value: T) -> Handle<T> {
        let backoff = Backoff::new();
        let mut attempts = 0;
        loop {
            // Take the next sequence number. Relaxed: uniqueness comes from the read-modify-
            // write itself; the value is published through the slot's stamp, not the head.
            let seq = self.head.fetch_add(1, Ordering::Relaxed);
            // Deconstruct it: slot and lap tag.
            let (tag, slot) = self.split(seq);
            // Never publish `u64::MAX` (its stamp `seq + 1` would read as "empty"); reached only
            // after 2^64 pushes, so it is simply skipped.
            let claimed = if seq == u64::MAX {
                Err(Skip::Overtaken)
            } else {
                slot.claim(tag)
            };
            match claimed {
                Ok(()) => {
                    if attempts != 0 {
                        // Before the publication in `write`: see `count_skips`.
                        self.count_skips(attempts);
                    }
                    // SAFETY: we claimed the slot just now, and `seq < u64::MAX`.
                    let (was_empty, old) = unsafe { slot.write(seq, tag, value) };
                    if was_empty {
                        // Relaxed: a statistic; it orders nothing.
                        self.len.fetch_add(1, Ordering::Relaxed);
                    }
                    drop(old);
                    return Handle::of_seq(seq);
                }
                // Try moving on: take the next sequence number (and slot).
                Err(Skip::Busy) => backoff.spin(),
                Err(Skip::Pinned | Skip::Overtaken) => {}
            }
            attempts += 1;
            if attempts >= self.attempts() {
                // Give up: as if written and overwritten at once. `seq` was taken by us alone
                // and never published, so the handle is stale forever. Every number we took
                // stored nothing.
                self.count_skips(attempts);
                drop(value);
                return Handle::of_seq(seq);
            }
        }
    }

    /// A read guard on the value of `handle`, or `None` if it was overwritten or the ring was
    /// reset since.
    ///
    /// While the guard lives the value is never overwritten (pushes skip its slot). `None`
    /// also when a push is replacing the value at this very moment: it is on its way out.
    /// A slot counts up to 2^20 − 1 pins; past that (a million guards to one value at once, or
    /// forgotten ones) it stays pinned until [`reset`](Ring::reset) or drop.
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<Vec<u8>, 4> = Ring::new();
    /// let h = ring.push(vec![1, 2, 3]);
    /// let v = ring.get(h).unwrap();
    /// assert_eq!(v.len(), 3);
    /// ```
    ///
    /// [`Handle::START`] names no push: `get(Handle::START)` is `None`.
    #[inline]
    #[must_use]
    pub fn get(&self, handle: Handle<T>) -> Option<Ref<'_, T>> {
        self.get_seq(handle.number.checked_sub(1)?)
    }

    /// A clone of the value of `handle`, or `None` if it was overwritten or the ring was reset.
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<String, 1> = Ring::new();
    /// let h = ring.push("x".into());
    /// assert_eq!(ring.read(h), Some("x".to_string()));
    /// ring.push("y".into());
    /// assert_eq!(ring.read(h), None);
    /// ```
    #[inline]
    #[must_use]
    pub fn read(&self, handle: Handle<T>) -> Option<T>
    where
        T: Clone,
    {
        self.get(handle).map(|r| T::clone(&r))
    }

    /// The value now in slot `index mod N` with its handle (the Go `PtrAt`), or `None` if that
    /// slot is empty or a push is writing it at this moment. Pushes fill the slots in order,
    /// from slot 0, lap after lap: slot `i` holds the values numbered `i + 1`, `i + 1 + N`, ….
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<char, 3> = Ring::new();
    /// for c in ['a', 'b', 'c', 'd'] {
    ///     ring.push(c);
    /// }
    /// let (h, v) = ring.peek(0).unwrap(); // 'd' overwrote 'a' in slot 0
    /// assert_eq!(*v, 'd');
    /// assert_eq!(ring.peek(4).map(|(_, v)| *v), Some('b')); // 4 mod 3 == 1
    /// assert_eq!(ring.get(h).as_deref(), Some(&'d'));
    /// ```
    #[must_use]
    pub fn peek(&self, index: usize) -> Option<(Handle<T>, Ref<'_, T>)> {
        // Pins the slot if it holds a value (`Stamps::pin_at`).
        let (seq, physical) = self.stamps().pin_at(index % self.capacity())?;
        let slot = self.slot_at_physical(physical);
        Some((Handle::of_seq(seq), Ref { slot }))
    }

    /// The live values from oldest to newest, each with its handle.
    ///
    /// The iterator walks the sequence numbers handed out before the call, in order, and
    /// yields the values still in the ring when it gets to them: a value overwritten in the
    /// meantime is skipped, and values pushed after the call are not shown. Values kept past
    /// their turn by a pin (see [`Ring`]) are the oldest and come first. Each item holds a
    /// [`Ref`], so collecting them pins their slots.
    ///
    /// Cost: O(N), plus O(N) for each value older than the last `N` sequence numbers (values
    /// kept by pins or by pushes still in flight).
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<u32, 3> = Ring::new();
    /// for i in 1..=5 {
    ///     ring.push(i);
    /// }
    /// let values: Vec<u32> = ring.iter().map(|(_, v)| *v).collect();
    /// assert_eq!(values, [3, 4, 5]);
    /// ```
    #[must_use]
    pub fn iter(&self) -> RingIter<'_, T, S> {
        // Relaxed: a snapshot of how far sequence numbers went; values are read under pins.
        let end = self.head.load(Ordering::Relaxed);
        RingIter {
            ring: self,
            pos: IterPos::new(end, self.capacity()),
        }
    }

    /// The values pushed after `handle` that are still in the ring, oldest first, each with its
    /// handle: a log's tail. The same items as [`iter`](Ring::iter) (a [`RingIter`] over the
    /// same snapshot), restricted to sequence numbers greater than `handle`'s.
    ///
    /// A reader that starts before anything was pushed, or wants everything still there,
    /// starts from [`Handle::START`], which is older than every push: `since(Handle::START)`
    /// yields what `iter` yields, and then its last handle is the next call's start.
    ///
    /// A reader that follows the ring calls `since` again with the last handle it was given:
    /// each call costs O(numbers handed out since that handle), not O(N), as long as the reader
    /// is less than a lap behind. When `handle` is older than the last `N` sequence numbers
    /// (stale: its value was overwritten), `since` still yields everything after it that is
    /// still there, at the cost of [`iter`](Ring::iter): O(N), plus O(N) per value kept past
    /// its turn by a pin.
    ///
    /// * `handle`'s own value is never yielded, nor anything older: a value kept by a pin past
    ///   its turn is yielded only if it was pushed after `handle`.
    /// * Like `iter`, the iterator yields only numbers handed out before the call, each value
    ///   as it is when the iterator reaches it (a value overwritten in the meantime is left
    ///   out). Values pushed later need another call.
    /// * A handle is a sequence number and names no ring. Whatever `handle` is, `since` yields
    ///   only this ring's values, each under the handle of the push that stored it, never a
    ///   torn or half-written one. A handle from before a [`reset`](Ring::reset) comes before
    ///   every number handed out since (`reset` only moves the numbers on), so it yields every
    ///   value pushed since the reset. A handle whose number this ring has not handed out yet
    ///   (another ring's, say) yields nothing, until the ring's own numbers pass it: `since`
    ///   depends only on the number, as the ring cannot tell another ring's handles from its
    ///   own.
    ///
    /// Between two handles `a < b` that a reader is given in turn, the `b - a - 1` numbers in
    /// between were each: a value overwritten before the reader got to it (a *miss*), a number
    /// that stored no value ([`skipped`](Ring::skipped) counts those), a number that `reset`
    /// jumped over, or, with several writers, a push still writing when the iterator passed
    /// its number (the next `since(b)` starts after it, so the reader never sees that value).
    /// A single writer's pushes are never in flight behind a published one.
    ///
    /// ```
    /// use atomicarena::{Handle, Ring};
    ///
    /// let ring: Ring<u32, 4> = Ring::new();
    /// let first = ring.push(1);
    /// ring.push(2);
    /// ring.push(3);
    ///
    /// // Follow the tail: each call yields what came after the last handle seen.
    /// let mut last: Handle<u32> = first;
    /// let mut seen = Vec::new();
    /// for (h, v) in ring.since(last) {
    ///     seen.push(*v);
    ///     last = h;
    /// }
    /// assert_eq!(seen, [2, 3]);
    /// assert_eq!(ring.since(last).count(), 0); // nothing new
    /// ring.push(4);
    /// assert_eq!(ring.since(last).map(|(_, v)| *v).collect::<Vec<_>>(), [4]);
    ///
    /// // A stale handle: everything after it that is still in the ring.
    /// for i in 5..=10 {
    ///     ring.push(i);
    /// }
    /// assert!(ring.get(first).is_none());
    /// let tail: Vec<(u64, u32)> = ring.since(first).map(|(h, v)| (h.sequence(), *v)).collect();
    /// assert_eq!(tail, [(7, 7), (8, 8), (9, 9), (10, 10)]);
    /// assert_eq!(ring.since(Handle::START).count(), 4); // everything there is
    ///
    /// // A handle this ring has not reached yet (another ring's) yields nothing.
    /// let other: Ring<u32, 4> = Ring::new();
    /// let ahead = (0..20).map(|i| other.push(i)).last().unwrap();
    /// assert_eq!(ring.since(ahead).count(), 0);
    /// ```
    #[must_use]
    pub fn since(&self, handle: Handle<T>) -> RingIter<'_, T, S> {
        // Relaxed: a snapshot of how far sequence numbers went, as in `iter`; values are read
        // under pins.
        let end = self.head.load(Ordering::Relaxed);
        RingIter {
            ring: self,
            // A handle is its successor's sequence number (see `Handle`).
            pos: IterPos::since(end, self.capacity(), handle.number),
        }
    }

    /// The handle of the newest value in the ring, or `None` if it is empty.
    ///
    /// A snapshot: a concurrent push may overwrite that value at any time.
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let ring: Ring<u8, 4> = Ring::new();
    /// assert_eq!(ring.latest(), None);
    /// ring.push(1);
    /// let h = ring.push(2);
    /// assert_eq!(ring.latest(), Some(h));
    /// ```
    #[must_use]
    pub fn latest(&self) -> Option<Handle<T>> {
        // Relaxed: we return a number, not a value; `get` re-checks it under a pin.
        let end = self.head.load(Ordering::Relaxed);
        self.stamps().latest(end).map(Handle::of_seq)
    }

    /// The number of slots holding a value (at most `N`).
    ///
    /// ```
    /// let ring: atomicarena::Ring<u8, 2> = atomicarena::Ring::new();
    /// for i in 0..5 {
    ///     ring.push(i);
    /// }
    /// assert_eq!(ring.len(), 2);
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        self.len.load(Ordering::Relaxed)
    }

    /// The number of sequence numbers, over the ring's life, taken by pushes that stored no
    /// value under them: a number whose slot was pinned by a [`Ref`], being written by another
    /// push or already holding a newer value was skipped (the push went on to the next one),
    /// and a push that gave up (see [`Ring`]) stored nothing under any of its numbers.
    ///
    /// It explains gaps in handles: every number below the next one to be handed out is a
    /// value stored (still there or overwritten since), a number counted here, a number that
    /// [`reset`](Ring::reset) jumped over (not counted), or a push still in progress. `reset`
    /// keeps the count (it counts over the ring's life, like the sequence numbers themselves).
    ///
    /// A snapshot while other threads push: a push adds its skips before it publishes its
    /// value, so a reader that has seen the value (through `get`, `iter`, `since`, …) or has
    /// joined the pushing thread sees them counted.
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let mut ring: Ring<u32, 2> = Ring::new();
    /// let a = ring.push(1); // number 1, slot 0
    /// let pinned = ring.get(a).unwrap();
    /// ring.push(2); // number 2, slot 1
    /// let c = ring.push(3); // number 3 lands on the pinned slot 0: skipped; 4 stores 3
    /// assert_eq!((c.sequence(), ring.skipped()), (4, 1));
    ///
    /// let both = ring.get(c).unwrap(); // now both slots are pinned
    /// let lost = ring.push(4); // gives up after max(N, 4) = 4 numbers: 5, 6, 7, 8
    /// assert_eq!((lost.sequence(), ring.skipped()), (8, 5));
    /// assert!(ring.get(lost).is_none());
    /// drop((pinned, both));
    ///
    /// // 8 numbers were handed out: 3 values stored and 5 skipped.
    /// assert_eq!(ring.push(5).sequence(), 9);
    /// ring.reset(); // the numbers `reset` jumps over are not counted, and the count stays
    /// assert_eq!(ring.skipped(), 5);
    /// ```
    #[inline]
    #[must_use]
    pub fn skipped(&self) -> u64 {
        // Relaxed: a statistic (see `count_skips` for what a reader is guaranteed to see).
        self.skipped.load(Ordering::Relaxed)
    }

    /// `true` when no slot holds a value.
    ///
    /// ```
    /// let ring: atomicarena::Ring<u8, 2> = atomicarena::Ring::new();
    /// assert!(ring.is_empty());
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of slots: `N` for a [`Ring`], the capacity it was built with for a
    /// [`HeapRing`].
    ///
    /// ```
    /// let ring: atomicarena::Ring<u8, 2> = atomicarena::Ring::new();
    /// assert_eq!(ring.capacity(), 2);
    /// assert_eq!(atomicarena::HeapRing::<u8>::with_capacity(5).capacity(), 5);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.slots.as_slice().len()
    }

    /// Distance, in the slot array, between the slots of consecutive sequence numbers: at least
    /// 128 bytes (two cache lines, the unit of the adjacent-line prefetcher) and coprime with
    /// the capacity, so `i -> i * stride % capacity` is a permutation. Threads pushing at once
    /// take consecutive sequence numbers; without the spread they would write to the same cache
    /// lines (false sharing), which costs a third of the throughput with two threads. 1 for tiny
    /// rings, and for rings of more than 2^32 slots (where `i * stride` could overflow a `u64`).
    /// A constant for an inline ring; computed once, at construction, for a heap ring.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn stride(&self) -> usize {
        if S::HEAP {
            self.stride
        } else {
            const { stride_for(S::INLINE_CAP, mem::size_of::<Slot<T>>()) }
        }
    }

    /// Sequence number `seq` as its lap tag and its slot (see the module docs): `seq / n` and
    /// `seq % n`, computed once. Inline the capacity is a constant (shifts, or a multiplication
    /// by the inverse); on the heap a power-of-two capacity uses the shift kept at construction,
    /// any other one division.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn split(&self, seq: u64) -> (u64, &Slot<T>) {
        let n = self.capacity() as u64;
        let (lap, i) = if S::HEAP && self.shift != NOT_POW2 {
            (seq >> self.shift, seq & (n - 1))
        } else {
            let lap = seq / n;
            (lap, seq - lap * n)
        };
        (lap_tag_of(lap), self.slot_at(i as usize))
    }

    /// Pushes try at most this many sequence numbers before giving up (see the type docs).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn attempts(&self) -> usize {
        self.capacity().max(4)
    }

    /// Drops every value and empties the ring. Handles from before stay stale forever, and pins
    /// left by `mem::forget`-ten [`Ref`]s are cleared.
    ///
    /// Sequence numbers keep counting: the next push starts one whole lap past the last number
    /// handed out (up to `2N` numbers are skipped), so that no old handle matches any slot's
    /// lap tag any more and a `get` with one is refused without even pinning the slot.
    ///
    /// Values are dropped in slot order; if a destructor panics, the rest are still dropped
    /// before the panic continues. O(N).
    ///
    /// ```
    /// use atomicarena::Ring;
    ///
    /// let mut ring: Ring<String, 4> = Ring::new();
    /// let h = ring.push("old".into());
    /// ring.reset();
    /// assert!(ring.is_empty() && ring.get(h).is_none());
    /// let h2 = ring.push("new".into());
    /// assert!(h2 > h);
    /// assert!(ring.get(h).is_none() && ring.get(h2).is_some());
    /// ```
    pub fn reset(&mut self) {
        // Skip to a fresh lap: no handle was issued for lap `lap(head) + 1` (sequence numbers
        // stop below `head`), and new pushes start at lap `lap(head) + 2`. Tagging every slot
        // with the skipped lap makes old handles (laps up to `lap(head)`) mismatch and new
        // pushes (later laps) newer, whatever was in the slot before.
        let n = self.capacity() as u64;
        let lap = with_mut_u64(&mut self.head, |head| {
            let lap = *head / n;
            *head = lap.wrapping_add(2).wrapping_mul(n);
            lap
        });
        let tag = lap.wrapping_add(2) & TAG_MASK; // `tag_of` lap + 1
                                                  // `&mut self`: no `Ref` is alive (a forgotten one's borrow has ended) and no push is in
                                                  // flight, so pins and BUSY can go. Values without drop glue are forgotten right there
                                                  // (their slots marked empty); others are dropped below.
        self.stamps().reset(tag, !mem::needs_drop::<T>());
        // Relaxed: `&mut self` makes a plain store equivalent (loom's atomics have no
        // `get_mut`).
        self.len.store(0, Ordering::Relaxed);
        if mem::needs_drop::<T>() {
            self.drop_values();
        }
    }

    // ---- internals ----------------------------------------------------------------------

    /// The slots' stamps, seen without `T` (for the code in `ring_stamp.rs`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn stamps(&self) -> Stamps<'_> {
        // An inline ring of 0 slots fails to compile here too, not only in the constructors
        // (a `Ring` built zeroed by a hidden helper would otherwise skip their checks). A
        // constant: free at run time.
        const {
            assert!(
                S::HEAP || S::INLINE_CAP > 0,
                "atomicarena: a Ring needs a capacity of at least 1"
            )
        };
        // SAFETY: `self.slots` is `capacity >= 1` consecutive `Slot<T>`s (inline: checked just
        // above; heap: by `check_capacity` at construction), `repr(C)` with the stamp first,
        // borrowed for the returned lifetime; `stride()` is 1 or coprime with and less than the
        // capacity, and 1 when it exceeds `u32::MAX` (`stride_for`).
        unsafe {
            Stamps::new(
                self.slots.as_slice().as_ptr().cast::<u8>(),
                mem::size_of::<Slot<T>>(),
                self.capacity(),
                self.stride(),
            )
        }
    }

    /// Adds `n` sequence numbers to [`Ring::skipped`]. Called only on the skip paths of `push`
    /// (after a successful claim that followed skips, or on giving up), so the common push
    /// does no extra atomic operation.
    #[cold]
    #[inline(never)]
    fn count_skips(&self, n: usize) {
        // Relaxed: a statistic; it pairs with no other operation itself. A push counts its
        // skips before it publishes its value (the Release store in `Slot::write`, which comes
        // later in the same thread), so a reader whose pin acquired that value, or a thread
        // that joined the pusher, then reads a count that includes them (coherence), with the
        // Relaxed load of `skipped()`.
        self.skipped.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The slot of logical index `i < N` (sequence numbers `s` with `s % N == i`), spread by
    /// `STRIDE`.
    #[inline(always)]
    fn slot_at(&self, i: usize) -> &Slot<T> {
        let (n, stride) = (self.capacity(), self.stride());
        debug_assert!(i < n);
        // `i < n <= u32::MAX` and `stride < n` whenever `stride != 1`: the product fits.
        let physical = if stride == 1 {
            i
        } else if S::HEAP && self.shift != NOT_POW2 {
            // `n` is a power of two that divides 2^usize::BITS: the wrapped product's low bits
            // are the product's.
            i.wrapping_mul(stride) & (n - 1)
        } else {
            (i as u64 * stride as u64 % n as u64) as usize
        };
        debug_assert!(physical < n);
        // SAFETY: `physical < n` (a remainder of a division by `n`, the product masked by
        // `n - 1`, or `i < n`).
        unsafe { self.slots.as_slice().get_unchecked(physical) }
    }

    /// A guard on the value of sequence number `seq`, if it is still in the ring.
    #[inline]
    fn get_seq(&self, seq: u64) -> Option<Ref<'_, T>> {
        let (tag, slot) = self.split(seq);
        if !slot.pin(Some(tag)) {
            return None;
        }
        let guard = Ref { slot };
        // Exact check under the pin: the full sequence number, non-zero (not empty).
        let stamp = slot.stamp();
        if stamp != 0 && stamp == seq.wrapping_add(1) {
            Some(guard)
        } else {
            None // dropping the guard unpins
        }
    }

    /// The slot at position `physical < N` of the array (from `Stamps`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn slot_at_physical(&self, physical: usize) -> &Slot<T> {
        debug_assert!(physical < self.capacity());
        // SAFETY: `physical < capacity`: `Stamps` returns only positions it computed from an
        // index below the capacity.
        unsafe { self.slots.as_slice().get_unchecked(physical) }
    }

    /// Drops every value (under `&mut self`), zeroing each `seq` before its drop. If a
    /// destructor panics, the rest are still dropped while unwinding (as `Vec` does). Only
    /// when `T` needs dropping (`reset` marks the slots of other types empty itself).
    fn drop_values(&mut self) {
        debug_assert!(mem::needs_drop::<T>());
        struct Dropper<'a, T> {
            slots: core::slice::IterMut<'a, Slot<T>>,
        }
        impl<T> Dropper<'_, T> {
            // Not inlined: called from here and from the guard's drop, one copy of the loop.
            #[inline(never)]
            fn run(&mut self) {
                for slot in self.slots.by_ref() {
                    let full = with_mut_u64(&mut slot.seq, |s| mem::replace(s, 0) != 0);
                    if full {
                        // SAFETY: `seq` was non-zero, so the slot held a value (invariant 2);
                        // `seq` is zeroed first, so even a panicking destructor never sees it
                        // dropped twice (invariant 3). `&mut` means no `Ref` reaches it.
                        unsafe { slot.value.get_mut().assume_init_drop() };
                    }
                }
            }
        }
        impl<T> Drop for Dropper<'_, T> {
            fn drop(&mut self) {
                // Reached with work left only when a destructor panicked in `run`.
                self.run();
            }
        }
        Dropper {
            slots: self.slots.as_mut_slice().iter_mut(),
        }
        .run();
    }
}

impl<T, S: Storage> Drop for RingIn<T, S> {
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            self.drop_values();
        }
    }
}

/// The ring's compile-time checks, evaluated by every constructor (`let () = <Self as
/// Storage>::CHECKS;`) and by the derive's eager checks.
#[doc(hidden)]
impl<T, const N: usize> Checks for Ring<T, N> {
    const SLOTS: usize = N;
    /// The value, its stamp and its sequence number.
    const SLOT_BYTES: usize = mem::size_of::<Slot<T>>();
    const CHECKS: () = {
        assert!(N > 0, "atomicarena: a Ring needs a capacity of at least 1");
        assert!(
            crate::__private::fits::<Self>(),
            "atomicarena: capacity × size_of::<T>() (plus 16 bytes per slot) exceeds isize::MAX bytes; lower the capacity"
        );
    };
}

impl<T, const N: usize> Default for Ring<T, N> {
    /// Same as [`Ring::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<T, S: Storage> fmt::Debug for RingIn<T, S> {
    /// Shows the statistics, not the values (use [`Ring::iter`] for those).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a statistic; it orders nothing. Shown as users number pushes (from 1).
        let next_seq = self.head.load(Ordering::Relaxed).wrapping_add(1);
        crate::ring_stamp::fmt_ring(
            f,
            S::pick("Ring", "HeapRing"),
            self.len(),
            self.capacity(),
            next_seq,
            self.skipped(),
        )
    }
}

impl<'a, T, S: Storage> IntoIterator for &'a RingIn<T, S> {
    type Item = (Handle<T>, Ref<'a, T>);
    type IntoIter = RingIter<'a, T, S>;

    fn into_iter(self) -> RingIter<'a, T, S> {
        self.iter()
    }
}

// SAFETY: (`Zeroable`) every field of an empty ring is zero: the head, `len`, `skipped`, every
// slot's state (tag 0: never written, no pins, not busy) and `seq` (0: empty); the values are
// `MaybeUninit`, for which any bytes are valid. The atomics have the in-memory representation
// of their integers, also portable-atomic's `AtomicU64` (documented; its locks live in a global
// table, not in the value), so all-zero bytes are the value 0.
#[cfg(not(loom))]
unsafe impl<T, const N: usize> crate::zeroable::Zeroable for Ring<T, N> {}

/// Names one push into a [`Ring`]: its 64-bit sequence number, counted from 1.
///
/// `Copy`, comparable and hashable whatever `T` is. Handles order by sequence number, which is
/// the order in which their pushes took their slots. Turn a handle back into the value with
/// [`Ring::get`]; once the value is overwritten (or the ring reset) the handle is *stale* and
/// `get` returns `None` forever.
///
/// [`Handle::START`] (number 0) names no push and is older than every push: a log reader
/// starts its tail there ([`Ring::since`]).
///
/// ```
/// use atomicarena::{Handle, Ring};
/// use std::collections::HashSet;
///
/// struct NotCopy;
/// let ring: Ring<NotCopy, 4> = Ring::new();
/// let a: Handle<NotCopy> = ring.push(NotCopy);
/// let b = ring.push(NotCopy);
/// let copy = a;
/// assert!(a == copy && a != b && a < b);
/// assert_eq!(HashSet::from([a, b, copy]).len(), 2);
/// assert_eq!(format!("{a:?}"), "Handle(1)");
/// ```
pub struct Handle<T> {
    /// The push's sequence number as users see it: the ring's internal number `s` (which
    /// `head` handed out, from 0) plus one, so that 0 is free for [`Handle::START`]. It equals
    /// the stamp (`Stamp::seq`) of the push's value, and the internal number of the push after
    /// it.
    number: u64,
    /// `fn() -> T`: the handle owns no `T`, so it is `Send + Sync` and covariant whatever `T`.
    _type: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    /// A handle older than every push into any ring: sequence number 0, which no push takes
    /// (the first push of a ring is number 1).
    ///
    /// [`Ring::since`]`(Handle::START)` yields every value in the ring, oldest first, so a
    /// tail reader needs no `Option<Handle>` to start with; [`Ring::get`]`(Handle::START)` is
    /// `None`, as for any handle whose value is not in the ring.
    ///
    /// ```
    /// use atomicarena::{Handle, Ring};
    ///
    /// let ring: Ring<&str, 4> = Ring::new();
    /// let mut last = Handle::START; // the reader starts before the first push
    /// assert_eq!(ring.since(last).count(), 0);
    ///
    /// ring.push("boot");
    /// ring.push("ready");
    /// let mut seen = Vec::new();
    /// for (h, line) in ring.since(last) {
    ///     seen.push(*line);
    ///     last = h;
    /// }
    /// assert_eq!(seen, ["boot", "ready"]);
    /// assert!(ring.get(Handle::START).is_none());
    /// assert!(Handle::START < last && Handle::<u8>::START.sequence() == 0);
    /// ```
    pub const START: Self = Handle {
        number: 0,
        _type: PhantomData,
    };

    /// The handle of the push that took internal sequence number `seq` (from `head`).
    ///
    /// Only `seq == u64::MAX`, which is never stored (see `push`), wraps to [`Handle::START`]:
    /// its value is not in the ring either way.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn of_seq(seq: u64) -> Self {
        Handle {
            number: seq.wrapping_add(1),
            _type: PhantomData,
        }
    }

    /// The push's sequence number: pushes into one ring take increasing numbers from 1 (a push
    /// that skipped slots took the numbers in between too); 0 is [`Handle::START`].
    ///
    /// ```
    /// let ring: atomicarena::Ring<u8, 4> = atomicarena::Ring::new();
    /// assert_eq!(ring.push(1).sequence(), 1);
    /// assert_eq!(ring.push(2).sequence(), 2);
    /// ```
    #[inline]
    #[must_use]
    pub const fn sequence(self) -> u64 {
        self.number
    }
}

impl<T> Clone for Handle<T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Handle<T> {}

impl<T> PartialEq for Handle<T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl<T> Eq for Handle<T> {}

impl<T> PartialOrd for Handle<T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Handle<T> {
    #[inline]
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.number.cmp(&other.number)
    }
}

impl<T> Hash for Handle<T> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.number.hash(state);
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.number).finish()
    }
}

/// A read guard on a value in a [`Ring`], from [`Ring::get`], [`Ring::peek`] or
/// [`Ring::iter`]. Dereferences to `&T`.
///
/// While it lives, its slot is *pinned*: pushes skip it, so the value stays exactly as it was.
/// Dropping the guard unpins the slot. Forgetting it (`mem::forget`) is sound: the slot stays
/// pinned until [`Ring::reset`] or the ring's drop.
///
/// `Send` and `Sync` when `T: Sync`, like `&T`.
///
/// ```
/// use atomicarena::{Ref, Ring};
///
/// let ring: Ring<(u32, &str), 2> = Ring::new();
/// let h = ring.push((7, "seven"));
/// let r: Ref<'_, (u32, &str)> = ring.get(h).unwrap();
/// assert_eq!(r.1, "seven");
/// assert_eq!(format!("{r:?}"), r#"(7, "seven")"#);
/// ```
#[must_use = "a `Ref` dropped at once reads nothing and unpins its slot again: keep it to read the value (`ring.get(h).is_some()` only tells whether the value is still there)"]
pub struct Ref<'a, T> {
    /// The pinned slot; its `seq` is non-zero and stays so while we live.
    slot: &'a Slot<T>,
}

// SAFETY: a `Ref` gives `&T` (so `T: Sync`, like `&T: Send`) and unpins with an atomic
// operation on drop, which any thread may do.
unsafe impl<T: Sync> Send for Ref<'_, T> {}
// SAFETY: sharing a `Ref` shares `&T`: `T: Sync`.
unsafe impl<T: Sync> Sync for Ref<'_, T> {}

impl<T> core::ops::Deref for Ref<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the slot is pinned and its `seq` was non-zero when we pinned it, so it holds
        // an initialised value (invariant 2), which no writer changes while the pin lasts (a
        // claim needs `pins == 0`); the pin's Acquire ordered the value's write before us.
        self.slot.value.with(|p| unsafe { &*p.cast::<T>() })
    }
}

impl<T> Drop for Ref<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.slot.unpin();
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Iterator over a ring's live values, oldest first, from [`Ring::iter`] (all of them) and
/// [`Ring::since`] (those pushed after a handle).
///
/// ```
/// let ring: atomicarena::Ring<u8, 4> = atomicarena::Ring::new();
/// ring.push(1);
/// let mut it: atomicarena::RingIter<'_, u8, atomicarena::Inline<4>> = ring.iter();
/// let (h, v) = it.next().unwrap();
/// assert_eq!((h.sequence(), *v), (1, 1));
/// assert!(it.next().is_none());
/// ```
pub struct RingIter<'a, T, S: Storage> {
    ring: &'a RingIn<T, S>,
    /// Where the walk over the sequence numbers is (see `IterPos`).
    pos: IterPos,
}

impl<'a, T, S: Storage> Iterator for RingIter<'a, T, S> {
    type Item = (Handle<T>, Ref<'a, T>);

    fn next(&mut self) -> Option<Self::Item> {
        // The walk and the pin do not depend on `T` (`Stamps::iter_next`).
        let (seq, physical) = self.ring.stamps().iter_next(&mut self.pos)?;
        let slot = self.ring.slot_at_physical(physical);
        Some((Handle::of_seq(seq), Ref { slot }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.pos.size_hint(self.ring.capacity())
    }
}

impl<T, S: Storage> fmt::Debug for RingIter<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingIter")
            .field("end", &self.pos.end)
            .finish_non_exhaustive()
    }
}
