//! `ScopedArena`: a bounded arena that recycles itself, with no `&mut`, for `static`s.
//!
//! Two epochs, each a whole [`Arena`]. A [`Scope`] enters one epoch and allocates only there;
//! the references it hands out borrow the scope. The last scope to leave an epoch resets it
//! before its drop returns, so the epoch's values are dropped exactly once and the epoch is
//! empty again for the next scope.
//!
//! # Protocol
//!
//! Each epoch has one state word: `2 × (scopes inside)`, plus the `RESETTING` bit while its last
//! leaver resets it.
//!
//! * **Enter** (`try_enter`): a compare-and-swap from `s` to `s + 2`, only while `RESETTING`
//!   is clear. So no scope is ever inside an epoch that is being reset.
//! * **Leave** (`leave`): a compare-and-swap from `s` to `s - 2`, except for the last scope
//!   (`s == 2`), which swaps `2` for `RESETTING`: leaving and starting the reset are one atomic
//!   step, so no scope can slip in between. The leaver then has the epoch to itself: it takes
//!   `&mut Arena` (which is what `Arena::reset` needs), resets it, and stores `0`.
//! * **Switch**: a scope that finds the current epoch full, or being reset, enters the other
//!   epoch if its state is `0` (no scope inside, not resetting: then it is empty, because every
//!   epoch starts empty and is reset by its last leaver), and makes it current. `current` is a
//!   hint that picks the epoch to try first; no invariant depends on it.
//!
//! Orderings: every read-modify-write of a state word is `AcqRel` (or `Acquire` when entering),
//! and the reset ends with a `Release` store of `0`. The state word's modification order then
//! carries everything: a scope's writes to its values happen before the release of its leave,
//! which the last leaver's `AcqRel` swap acquires (a release sequence of RMWs), so the reset
//! sees every value; the reset's writes happen before its `Release` store of `0`, which the
//! next enterer's `Acquire` CAS reads, so the next scope sees an empty, rewound epoch.

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;

use crossbeam_utils::CachePadded;

use crate::arena::Arena;
use crate::error::Full;
use crate::sync::{AtomicU64, AtomicUsize, Ordering, TrackedCell};

/// The state bit of an epoch whose last leaver is resetting it.
const RESETTING: usize = 1;
/// One scope inside an epoch, in its state word.
const ONE: usize = 2;
/// At most this many scopes inside an epoch at once (forgotten ones included): far more than
/// any program has threads, and far from overflowing the state word.
const MAX_STATE: usize = usize::MAX / 4;

/// A bounded arena that recycles itself without `&mut`: a `static` arena for servers and
/// engines, where [`Arena::reset`] (which needs `&mut self`) cannot be called.
///
/// [`scope`](ScopedArena::scope) enters the current *epoch*; [`Scope::alloc`] stores a value
/// there and returns a `&mut T` that lives as long as the scope. When the last scope of an
/// epoch leaves, that epoch is reset (its values dropped) before the scope's drop returns: so
/// scopes used one after another always find room, and the values of a request, a frame or a
/// task are dropped when the last of them is done.
///
/// There are **two epochs of `N` slots** (the memory of two `Arena<T, N>`s): when the current
/// epoch is full, a new scope enters the other one if it is empty with no scope in it, so that
/// continuous traffic keeps flowing while the old epoch drains. An epoch being reset is never
/// entered: a new scope takes the other epoch if it is free, and otherwise waits (spinning
/// briefly) until the reset, which drops that epoch's values, is over.
///
/// Nothing else ever waits, and allocation is the lock-free [`Arena::alloc`] of the scope's
/// epoch. No success rate is promised under preemption: a thread preempted inside a scope holds
/// its epoch, and [`mem::forget`](core::mem::forget)ting a scope keeps its epoch from ever
/// recycling (sound: its values are then dropped with the arena).
///
/// ```
/// use atomicarena::ScopedArena;
///
/// struct Request { id: u32, path: String }
///
/// static REQUESTS: ScopedArena<Request, 1024> = ScopedArena::new();
///
/// fn handle(id: u32, line: &str) -> usize {
///     let mut request = Request { id, path: line.to_owned() };
///     loop {
///         let scope = REQUESTS.scope(); // enter the current epoch
///         match scope.alloc(request) {
///             Ok(r) => {
///                 r.path.push('/');
///                 return r.path.len();
///             } // the last scope of the epoch to leave resets it: the request is dropped
///             // Both epochs full and held by other threads' scopes (a thread preempted in
///             // its scope holds its epoch): take the request back, leave, try again.
///             Err(full) => request = full.into_inner(),
///         }
///         drop(scope);
///         std::thread::yield_now();
///     }
/// }
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
/// ```
///
/// Each [`Scope::alloc`] is one atomic operation on the epoch's cursor. A scope that stores
/// many values can take them in chunks instead, with the per-thread handle of its epoch's
/// arena (`scope.local()`, see [`Arena::local`]): one atomic operation per chunk.
///
/// Statistics are those of [`Arena`], per epoch, through a scope (it dereferences to its
/// epoch's `Arena`): `scope.len()`, `scope.remaining()`, `scope.failed_allocs()`, … The
/// arena itself only counts [`recycled`](ScopedArena::recycled) epochs: its epochs can be reset
/// at any moment by another thread, so they are read only from inside.
pub struct ScopedArena<T, const N: usize> {
    epochs: [Epoch<T, N>; 2],
    /// The epoch that new scopes try first (0 or 1). A hint only (see the module docs).
    current: AtomicUsize,
    /// Epochs reset by their last leaver, over the arena's life.
    recycled: AtomicU64,
}

/// One epoch: its state word and its arena.
struct Epoch<T, const N: usize> {
    /// `ONE × scopes inside`, plus `RESETTING` (see the module docs).
    state: CachePadded<AtomicUsize>,
    /// Shared (`&Arena`) by the scopes inside; `&mut Arena` only for the last leaver, while
    /// `RESETTING` keeps every other thread out.
    arena: TrackedCell<Arena<T, N>>,
}

// SAFETY: through `&ScopedArena`, threads move `T`s into the epochs (`alloc`) and get `&mut T`
// to slots only they can reach (the `Arena` invariant); the last leaver of an epoch, on any
// thread, drops all of its values. That is moving `T`s between threads: `T: Send` is required
// and enough. No `&T` is shared between threads by the arena.
unsafe impl<T: Send, const N: usize> Sync for ScopedArena<T, N> {}

impl<T, const N: usize> ScopedArena<T, N> {
    /// The number of slots of each of the two epochs, `N`.
    ///
    /// ```
    /// assert_eq!(atomicarena::ScopedArena::<u64, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// Creates an empty arena. A `const fn`: the arena can be a `static`.
    ///
    /// ```
    /// static NUMBERS: atomicarena::ScopedArena<u64, 64> = atomicarena::ScopedArena::new();
    /// assert_eq!(*NUMBERS.scope().alloc(7).unwrap(), 7);
    /// ```
    #[must_use]
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        ScopedArena {
            epochs: [Epoch::new(), Epoch::new()],
            current: AtomicUsize::new(0),
            recycled: AtomicU64::new(0),
        }
    }

    /// Creates an empty arena (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        ScopedArena {
            epochs: [Epoch::new(), Epoch::new()],
            current: AtomicUsize::new(0),
            recycled: AtomicU64::new(0),
        }
    }

    /// Creates an empty arena directly on the heap, with no temporary on the stack.
    ///
    /// ```
    /// let big = atomicarena::ScopedArena::<u64, 1_000_000>::new_boxed();
    /// assert_eq!(big.scope().remaining(), 1_000_000);
    /// ```
    #[must_use]
    #[cfg(feature = "alloc")]
    pub fn new_boxed() -> alloc::boxed::Box<Self> {
        let () = <Arena<T, N> as crate::__private::Storage>::CHECKS;
        #[cfg(not(loom))]
        {
            crate::zeroable::new_boxed_zeroed()
        }
        #[cfg(loom)]
        {
            alloc::boxed::Box::new(Self::new())
        }
    }

    /// Enters the current epoch: allocations through the returned [`Scope`] go there, and
    /// live as long as the scope.
    ///
    /// If the current epoch is full, or being reset, and the other one is empty with no scope
    /// in it, the scope enters the other one (which becomes current). If the current epoch is
    /// being reset and the other one is busy, this waits, spinning, for the reset to end.
    ///
    /// # Panics
    ///
    /// If `usize::MAX / 4` scopes are inside one epoch at once (only possible by forgetting
    /// scopes in a loop), or if leaving the full epoch makes this call its last scope and a
    /// value's destructor panics during its reset (the panic is passed on; both epochs stay
    /// usable).
    ///
    /// A destructor of `T` should not enter the same arena: during a reset it may wait forever
    /// for that reset to end when the other epoch is busy.
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
    pub fn scope(&self) -> Scope<'_, T, N> {
        let mut spins = 0u32;
        loop {
            // Relaxed: `current` only picks the epoch to try; the state word's CAS orders the
            // accesses to the epoch (see the module docs).
            let e = self.current.load(Ordering::Relaxed) & 1;
            let other = e ^ 1;
            if self.try_enter(e) {
                // Inside `e`: it cannot be reset under us, so reading its cursor is sound.
                if !self.arena(e).is_full() || !self.try_enter_free(other) {
                    return Scope::new(self, e);
                }
                // `e` is full and `other` is empty and now ours: move there, and leave `e`
                // (resetting it if we were its last scope).
                // The scope of `other` exists before we leave `e`: if a destructor panics in the
                // reset of `e`, unwinding drops it, and so leaves `other` too (otherwise `other`
                // would keep a scope that no longer exists, and never recycle again).
                let scope = Scope::new(self, other);
                self.make_current(e, other);
                self.leave(e);
                return scope;
            }
            // `e` is being reset by its last leaver.
            if self.try_enter_free(other) {
                self.make_current(e, other);
                return Scope::new(self, other);
            }
            spins = spins.wrapping_add(1);
            wait(spins);
        }
    }

    /// The number of epochs reset by their last scope over the arena's life (a reset that a
    /// panicking destructor interrupted empties the epoch all the same, but is not counted).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 4> = atomicarena::ScopedArena::new();
    /// let outer = arena.scope();
    /// drop(arena.scope()); // not the last scope of its epoch
    /// assert_eq!(arena.recycled(), 0);
    /// drop(outer); // the last one: the epoch is reset
    /// assert_eq!(arena.recycled(), 1);
    /// ```
    #[must_use]
    pub fn recycled(&self) -> u64 {
        // Relaxed: a statistic; it orders nothing.
        self.recycled.load(Ordering::Relaxed)
    }

    /// The arena of epoch `e`, shared.
    ///
    /// Callers must be inside `e` (they hold one of its `ONE`s): then its last leaver cannot
    /// be resetting it, and no `&mut` to it exists.
    fn arena(&self, e: usize) -> &Arena<T, N> {
        // SAFETY: the caller is inside epoch `e` (see above), so the only references to its
        // arena are shared ones, until the caller leaves; `Scope` ties this borrow to itself.
        self.epochs[e].arena.with(|p| unsafe { &*p })
    }

    /// Enters epoch `e` unless it is being reset.
    fn try_enter(&self, e: usize) -> bool {
        let state = &self.epochs[e].state;
        // Relaxed: a first guess; the CAS below re-reads with `Acquire`.
        let mut s = state.load(Ordering::Relaxed);
        loop {
            if s & RESETTING != 0 {
                return false;
            }
            assert!(
                s < MAX_STATE,
                "atomicarena: too many scopes inside one epoch"
            );
            // Acquire: pairs with the `Release` store that ended the epoch's last reset (and
            // with the release sequence of later enters and leaves): the epoch is rewound.
            match state.compare_exchange_weak(s, s + ONE, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
    }

    /// Enters epoch `e` only if no scope is inside and it is not being reset, i.e. it is
    /// empty (see the module docs).
    fn try_enter_free(&self, e: usize) -> bool {
        // Acquire: as in `try_enter`.
        self.epochs[e]
            .state
            .compare_exchange(0, ONE, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Makes `to` the current epoch, unless another thread moved `current` already.
    fn make_current(&self, from: usize, to: usize) {
        // Relaxed: a hint (see `scope`).
        let _ = self
            .current
            .compare_exchange(from, to, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Leaves epoch `e`; the last scope to leave resets it.
    fn leave(&self, e: usize) {
        let state = &self.epochs[e].state;
        // Relaxed: a first guess; the CAS below orders.
        let mut s = state.load(Ordering::Relaxed);
        loop {
            debug_assert!(
                s >= ONE && s & RESETTING == 0,
                "leaving an epoch not entered"
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
        /// Ends the reset even if a value's destructor panics: the arena's own reset guard has
        /// ended its round by then, so the epoch is empty and may be entered again.
        struct Reopen<'a>(&'a AtomicUsize);
        impl Drop for Reopen<'_> {
            fn drop(&mut self) {
                // Release: the reset happens before the next enter's `Acquire` CAS.
                self.0.store(0, Ordering::Release);
            }
        }
        let _reopen = Reopen(state);
        // SAFETY: `RESETTING` keeps every other thread out of epoch `e` and no scope is inside
        // (we swapped `ONE` for it), so no other reference to this arena exists, and the
        // references its scopes handed out ended with their scopes.
        let arena = self.epochs[e].arena.with_mut(|p| unsafe { &mut *p });
        arena.reset();
        // Relaxed: a statistic.
        self.recycled.fetch_add(1, Ordering::Relaxed);
    }
}

impl<T, const N: usize> Epoch<T, N> {
    #[cfg(not(loom))]
    const fn new() -> Self {
        Epoch {
            state: CachePadded::new(AtomicUsize::new(0)),
            arena: TrackedCell::new(Arena::new()),
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        Epoch {
            state: CachePadded::new(AtomicUsize::new(0)),
            arena: TrackedCell::new(Arena::new()),
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

impl<T, const N: usize> Default for ScopedArena<T, N> {
    /// Same as [`ScopedArena::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> fmt::Debug for ScopedArena<T, N> {
    /// Shows the capacity and [`recycled`](ScopedArena::recycled) (the epochs are read only
    /// from inside a scope).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedArena")
            .field("capacity", &N)
            .field("recycled", &self.recycled())
            .finish_non_exhaustive()
    }
}

// SAFETY: the all-zero bytes are two epochs with state 0 (no scope inside) and an all-zero
// `Arena` each (the empty arena, see its `Zeroable` impl; `TrackedCell` and `CachePadded` are
// `repr(transparent)`/padding around their contents), `current` 0 and `recycled` 0: exactly
// `ScopedArena::new()`.
#[cfg(not(loom))]
unsafe impl<T, const N: usize> crate::zeroable::Zeroable for ScopedArena<T, N> {}

/// One scope inside an epoch of a [`ScopedArena`], from [`ScopedArena::scope`].
///
/// It dereferences to its epoch's [`Arena`], for the whole `&self` API (`alloc_with`, the batch
/// constructors, `local()`, the statistics); every reference handed out borrows the scope.
/// When the last scope of the epoch is dropped, the epoch is reset.
///
/// ```
/// let arena: atomicarena::ScopedArena<u32, 8> = atomicarena::ScopedArena::new();
/// let scope = arena.scope();
/// let xs = scope.alloc_slice_copy(&[1, 2, 3]).unwrap();
/// xs[0] = 10;
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
pub struct Scope<'a, T, const N: usize> {
    owner: &'a ScopedArena<T, N>,
    /// The epoch this scope is inside (holds one `ONE` of its state).
    epoch: usize,
    /// Like `&Arena<T, N>`.
    _arena: PhantomData<&'a Arena<T, N>>,
}

impl<'a, T, const N: usize> Scope<'a, T, N> {
    fn new(owner: &'a ScopedArena<T, N>, epoch: usize) -> Self {
        Scope {
            owner,
            epoch,
            _arena: PhantomData,
        }
    }

    /// Stores `value` in a free slot of this scope's epoch; the reference lives as long as the
    /// scope (see [`Arena::alloc`]).
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when the epoch has no slot left.
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
        (**self).alloc(value)
    }

    /// The epoch this scope is inside, 0 or 1 (for tests and statistics).
    ///
    /// ```
    /// let arena: atomicarena::ScopedArena<u8, 1> = atomicarena::ScopedArena::new();
    /// let first = arena.scope();
    /// first.alloc(1).unwrap(); // epoch 0 is full now
    /// let second = arena.scope(); // so this one enters epoch 1
    /// assert_eq!((first.epoch(), second.epoch()), (0, 1));
    /// ```
    #[must_use]
    pub fn epoch(&self) -> usize {
        self.epoch
    }
}

impl<T, const N: usize> Deref for Scope<'_, T, N> {
    type Target = Arena<T, N>;

    /// The epoch's arena.
    #[inline]
    fn deref(&self) -> &Arena<T, N> {
        self.owner.arena(self.epoch)
    }
}

impl<T, const N: usize> Drop for Scope<'_, T, N> {
    fn drop(&mut self) {
        self.owner.leave(self.epoch);
    }
}

impl<T, const N: usize> fmt::Debug for Scope<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("epoch", &self.epoch)
            .field("arena", &**self)
            .finish()
    }
}
