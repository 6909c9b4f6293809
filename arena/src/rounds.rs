//! `Rounds`: a [`DroplessArena`] of values that borrow each other, reused round after round.
//!
//! A `DroplessArena<Node<'a>, N>` names the nodes' lifetime in its type, so it can never be
//! `reset` while it exists: every `&'a Node<'a>` it handed out borrows the arena for as long as
//! the arena lives. [`Rounds`] owns the storage with the lifetime left open (through
//! [`ForLifetime`]), and lends it for one fresh lifetime at a time: [`Rounds::round`] calls a
//! closure that must work for *every* lifetime `'a` (`for<'a>`), so nothing it stores can
//! outlive the call, and resets the arena (O(1): the type has no drop glue) when the closure
//! returns or unwinds. The storage is allocated once, by [`Rounds::new`] or
//! [`Rounds::new_boxed`].

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem;

use crate::__private::Storage as Checks;
use crate::arena::ArenaIn;
use crate::dropless::{DroplessArena, DroplessArenaIn};
use crate::error::Full;
#[cfg(feature = "alloc")]
use crate::storage::{CapacityError, Heap};
use crate::storage::{Inline, Storage};

/// A type constructor over one lifetime: the family `Of<'a>` of the types that a [`Rounds`]
/// stores, one type per round's lifetime.
///
/// Implement it on a marker type (often a unit struct) for a type with one lifetime parameter:
///
/// ```
/// use atomicarena::ForLifetime;
///
/// struct Node<'a> {
///     value: u32,
///     next: Option<&'a Node<'a>>,
/// }
///
/// /// `Node<'_>` for any lifetime.
/// struct NodeOf;
/// impl ForLifetime for NodeOf {
///     type Of<'a> = Node<'a>;
/// }
///
/// let _: <NodeOf as ForLifetime>::Of<'static> = Node { value: 1, next: None };
/// ```
///
/// The values of a round can borrow the round's arena and `'static` data (see [`Rounds`]). A
/// lifetime parameter on the marker (`WordOf<'src>` with `type Of<'a> = Word<'a, 'src>`) is
/// refused by the compiler as soon as the type refers to itself (`&'a Word<'a, 'src>` needs
/// `'src: 'a`, which `type Of<'a>;` cannot require without also requiring `F: 'static`): refer
/// to longer-lived data by index, or make it `'static`.
pub trait ForLifetime {
    /// The stored type, for the round's lifetime `'a`.
    type Of<'a>;
}

/// A reusable arena of values that borrow each other: a [`DroplessArena`] of `F::Of<'a>` lent
/// for one fresh lifetime `'a` per [`round`](Rounds::round), and emptied in O(1) after each.
///
/// A `DroplessArena<Node<'a>, N>` can never be reset: its nodes' lifetime is part of its type,
/// and every node borrowed from it keeps it borrowed until it is dropped. So a program that
/// builds and throws away graphs (binary-trees, a compiler's per-function IR, a per-request
/// parse tree) would need a fresh arena per graph. A `Rounds` is allocated once and lends its
/// arena to one closure at a time, for a lifetime that exists only during that call:
///
/// * the closure takes `&'a DroplessArena<F::Of<'a>, N>` for **every** `'a` (`for<'a>`), so it
///   can store in the arena only values valid for any `'a`: references into the arena itself,
///   and `'static` data;
/// * its result `R` is chosen by the caller, outside `'a`, so it cannot hold a reference into
///   the round (the borrow checker refuses a closure that returns one, or stores one anywhere
///   that outlives the call);
/// * when the closure returns or unwinds, the arena is reset: O(1), since `F::Of<'a>` has no
///   drop glue (checked at compile time, as for every `DroplessArena`). The next round starts
///   empty, at full capacity.
///
/// Inside the round the whole bounded API is there: `alloc` from any number of threads
/// (scoped threads), `local()` handles, batches, statistics.
///
/// ```
/// use std::cell::Cell;
/// use atomicarena::{ForLifetime, Rounds};
///
/// struct Node<'a> {
///     value: u32,
///     next: Cell<Option<&'a Node<'a>>>,
/// }
/// struct NodeOf;
/// impl ForLifetime for NodeOf {
///     type Of<'a> = Node<'a>;
/// }
///
/// let mut rounds: Rounds<NodeOf, 64> = Rounds::new();
/// for n in 1..=100u32 {
///     // A ring of 3 nodes (a cycle), summed by walking it twice.
///     let sum = rounds.round(|arena| {
///         let a = &*arena.alloc(Node { value: n, next: Cell::new(None) }).unwrap();
///         let b = &*arena.alloc(Node { value: 2 * n, next: Cell::new(Some(a)) }).unwrap();
///         let c = &*arena.alloc(Node { value: 3 * n, next: Cell::new(Some(b)) }).unwrap();
///         a.next.set(Some(c));
///         let (mut node, mut sum) = (a, 0);
///         for _ in 0..6 {
///             sum += node.value;
///             node = node.next.get().unwrap();
///         }
///         assert_eq!(arena.len(), 3);
///         sum
///     });
///     assert_eq!(sum, 12 * n);
/// }
/// assert_eq!(rounds.high_water(), 3);
/// ```
///
/// A reference into the round cannot escape it, neither returned:
///
/// ```compile_fail
/// use atomicarena::{ForLifetime, Rounds};
/// struct U32Of;
/// impl ForLifetime for U32Of {
///     type Of<'a> = u32;
/// }
///
/// let mut rounds: Rounds<U32Of, 4> = Rounds::new();
/// let escaped: &u32 = rounds.round(|arena| &*arena.alloc(1).unwrap());
/// rounds.round(|arena| *arena.alloc(2).unwrap() = 3); // would overwrite `*escaped`
/// assert_eq!(*escaped, 1);
/// ```
///
/// nor stored in a container that outlives the round:
///
/// ```compile_fail,E0521
/// use atomicarena::{ForLifetime, Rounds};
/// struct U32Of;
/// impl ForLifetime for U32Of {
///     type Of<'a> = u32;
/// }
///
/// let mut rounds: Rounds<U32Of, 4> = Rounds::new();
/// let mut kept: Vec<&u32> = Vec::new();
/// rounds.round(|arena| kept.push(&*arena.alloc(1).unwrap()));
/// rounds.round(|arena| *arena.alloc(2).unwrap() = 3); // would overwrite `*kept[0]`
/// assert_eq!(*kept[0], 1);
/// ```
///
/// And a round cannot store a borrow of something that dies before the round ends:
///
/// ```compile_fail,E0597
/// use atomicarena::{ForLifetime, Rounds};
/// struct RefOf;
/// impl ForLifetime for RefOf {
///     type Of<'a> = &'a u32;
/// }
///
/// let mut rounds: Rounds<RefOf, 4> = Rounds::new();
/// rounds.round(|arena| {
///     let short = 5;
///     let r = arena.alloc(&short).unwrap(); // `short` does not live long enough
///     **r
/// });
/// ```
///
/// # Statistics
///
/// Inside a round, the lent arena has the bounded arena's statistics for that round. Between
/// rounds the arena is always empty, so `Rounds` offers only the ones that span rounds:
/// [`capacity`](Rounds::capacity), [`high_water`](Rounds::high_water) (the largest `len` of any
/// round) and [`failed_allocs`](Rounds::failed_allocs).
///
/// # Threads
///
/// `Rounds` is `Send` and `Sync` whatever `F` is: outside a round it holds no value, and a
/// shared `&Rounds` reads only counters. During a round it is borrowed mutably by
/// [`round`](Rounds::round), and the lent `&DroplessArena<F::Of<'a>, N>` goes to other threads
/// exactly when `DroplessArena` allows it (`F::Of<'a>: Send`).
// `repr(transparent)`: `new_boxed` builds it zeroed like the arena it wraps (and a generated
// wrapper, once the derive has a `rounds` option, can be transparent over it in turn).
pub type Rounds<F, const N: usize> = RoundsIn<F, Inline<N>>;

/// [`Rounds`] with a capacity chosen at run time: the storage is allocated on the heap once,
/// by [`with_capacity`](HeapRounds::with_capacity) or
/// [`try_with_capacity`](HeapRounds::try_with_capacity), and each round gets a
/// [`HeapDroplessArena`](crate::HeapDroplessArena). Everything else is [`Rounds`]'s.
///
/// ```
/// use std::cell::Cell;
///
/// struct Node<'a> {
///     next: Cell<Option<&'a Node<'a>>>,
/// }
/// struct NodeOf;
/// impl atomicarena::ForLifetime for NodeOf {
///     type Of<'a> = Node<'a>;
/// }
/// let depth: u32 = "10".parse().unwrap(); // from the command line, say
/// let mut rounds = atomicarena::HeapRounds::<NodeOf>::with_capacity(1 << (depth + 1));
/// for _ in 0..3 {
///     let n = rounds.round(|arena| {
///         let a = &*arena.alloc(Node { next: Cell::new(None) }).unwrap();
///         let b = &*arena.alloc(Node { next: Cell::new(Some(a)) }).unwrap();
///         a.next.set(Some(b)); // a cycle
///         arena.len()
///     });
///     assert_eq!(n, 2);
/// }
/// ```
#[cfg(feature = "alloc")]
pub type HeapRounds<F> = RoundsIn<F, Heap>;

/// The rounds, generic over where their slots live: [`Rounds<F, N>`](Rounds) is
/// `RoundsIn<F, Inline<N>>` and [`HeapRounds<F>`](HeapRounds) is `RoundsIn<F, Heap>`. Every
/// method is written once, here; see [`Rounds`] for the contract.
///
/// ```
/// struct U8Of;
/// impl atomicarena::ForLifetime for U8Of {
///     type Of<'a> = u8;
/// }
/// fn sum<S: atomicarena::Storage>(r: &mut atomicarena::RoundsIn<U8Of, S>) -> u32 {
///     r.round(|a| a.alloc_slice_copy(&[1, 2, 3]).unwrap().iter().map(|&x| u32::from(x)).sum())
/// }
/// assert_eq!(sum(&mut atomicarena::HeapRounds::with_capacity(3)), 6);
/// ```
#[repr(transparent)]
pub struct RoundsIn<F: ForLifetime, S: Storage> {
    /// The storage, typed for `'static` only because a field must name some lifetime: between
    /// rounds it holds no value, and during a round it is used only through a reference cast to
    /// the round's lifetime (see `round`). No `F::Of<'static>` value is ever stored in it.
    arena: DroplessArenaIn<F::Of<'static>, S>,
}

// SAFETY: outside a round, a `Rounds` holds no value of any `F::Of<'_>` (every round ends with
// a reset, on return and on unwind, and the constructors build it empty), so moving it to
// another thread moves only the storage and the cursor, which are `Send` for any element type
// (checked below with `u8`). During a round it is mutably borrowed and cannot move.
unsafe impl<F: ForLifetime, S: Storage> Send for RoundsIn<F, S> {}

// SAFETY: a shared `&Rounds` gives access to nothing but the cursor's counters (`capacity`,
// `high_water`, `failed_allocs`, `Debug`), which are `Sync` for any element type (checked
// below); every access to the values goes through `round(&mut self)`, and the arena it lends
// is shared between threads only under `DroplessArena`'s own bound (`F::Of<'a>: Send`).
unsafe impl<F: ForLifetime, S: Storage> Sync for RoundsIn<F, S> {}

/// The parts of a `DroplessArena` that do not depend on `T` (storage bookkeeping, cursor,
/// stripe table) are `Send + Sync`: what the impls above rely on. Checked with both cursor
/// flavours (with and without per-thread stripes).
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<DroplessArena<u8, 4>>();
    send_sync::<DroplessArena<u8, 8192>>();
    #[cfg(feature = "alloc")]
    send_sync::<crate::HeapDroplessArena<u8>>();
};

impl<F: ForLifetime, const N: usize> Rounds<F, N> {
    /// The number of slots each round gets, `N`.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// assert_eq!(atomicarena::Rounds::<U8Of, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// Creates the rounds' storage, empty. A `const fn`, like [`DroplessArena::new`]; the
    /// storage is inline, so for large `N` prefer [`Rounds::new_boxed`].
    ///
    /// Fails to compile when `F::Of<'a>` has drop glue, or `N` is 0 or too large (the checks of
    /// `DroplessArena`).
    ///
    /// ```
    /// use atomicarena::{ForLifetime, Rounds};
    ///
    /// struct StrOf;
    /// impl ForLifetime for StrOf {
    ///     type Of<'a> = &'a str;
    /// }
    /// let mut rounds: Rounds<StrOf, 4> = Rounds::new();
    /// let n = rounds.round(|arena| {
    ///     let s = arena.alloc("hello").unwrap();
    ///     s.len()
    /// });
    /// assert_eq!(n, 5);
    /// ```
    ///
    /// A type with drop glue is refused:
    ///
    /// ```compile_fail,E0080
    /// struct StringOf;
    /// impl atomicarena::ForLifetime for StringOf {
    ///     type Of<'a> = String;
    /// }
    /// let rounds: atomicarena::Rounds<StringOf, 4> = atomicarena::Rounds::new();
    /// ```
    #[must_use]
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Rounds {
            arena: DroplessArena::new(),
        }
    }

    /// Creates the rounds' storage, empty (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        Rounds {
            arena: DroplessArena::new(),
        }
    }

    /// Creates the rounds' storage directly on the heap, with no temporary on the stack (see
    /// [`DroplessArena::new_boxed`]): the one allocation of all the rounds.
    ///
    /// ```
    /// use atomicarena::{ForLifetime, Rounds};
    ///
    /// struct PairOf;
    /// impl ForLifetime for PairOf {
    ///     type Of<'a> = (u64, Option<&'a u64>);
    /// }
    /// let mut rounds = Rounds::<PairOf, 1_000_000>::new_boxed();
    /// for _ in 0..3 {
    ///     let n = rounds.round(|arena| {
    ///         for i in 0..1_000 {
    ///             arena.alloc((i, None)).unwrap();
    ///         }
    ///         arena.len()
    ///     });
    ///     assert_eq!(n, 1_000);
    /// }
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
impl<F: ForLifetime> HeapRounds<F> {
    /// Creates the rounds' storage of `capacity` slots on the heap: the one allocation of all
    /// the rounds. Fails to compile when `F::Of<'a>` has drop glue.
    ///
    /// # Panics
    ///
    /// As [`HeapArena::with_capacity`](crate::HeapArena::with_capacity).
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let rounds = atomicarena::HeapRounds::<U8Of>::with_capacity(100);
    /// assert_eq!(rounds.capacity(), 100);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        RoundsIn {
            arena: crate::HeapDroplessArena::with_capacity(capacity),
        }
    }

    /// Creates the rounds' storage of `capacity` slots on the heap, or says why it cannot.
    ///
    /// # Errors
    ///
    /// As [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity).
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// assert!(atomicarena::HeapRounds::<U8Of>::try_with_capacity(0).is_err());
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Ok(RoundsIn {
            arena: crate::HeapDroplessArena::try_with_capacity(capacity)?,
        })
    }
}

impl<F: ForLifetime, S: Storage> RoundsIn<F, S> {
    /// Lends the arena to `f` for one fresh lifetime `'a`, then empties it, and returns what
    /// `f` returned.
    ///
    /// The arena is reset when `f` returns and also when it panics (the panic then continues):
    /// either way the next round starts empty. The reset is O(1) (no value has drop glue).
    ///
    /// `f` must accept the arena for every lifetime `'a`, so `R` cannot borrow from it, and
    /// `f` cannot store a reference into the arena anywhere that outlives the call (see the
    /// examples on [`Rounds`]).
    ///
    /// ```
    /// use atomicarena::{ForLifetime, Rounds};
    ///
    /// struct U64Of;
    /// impl ForLifetime for U64Of {
    ///     type Of<'a> = u64;
    /// }
    /// let mut rounds: Rounds<U64Of, 1024> = Rounds::new();
    /// let total = rounds.round(|arena| {
    ///     // Several threads allocate into the same round.
    ///     std::thread::scope(|s| {
    ///         for t in 0..4 {
    ///             s.spawn(move || {
    ///                 for i in 0..100 {
    ///                     arena.alloc(t * 100 + i).unwrap();
    ///                 }
    ///             });
    ///         }
    ///     });
    ///     arena.len()
    /// });
    /// assert_eq!(total, 400);
    /// assert_eq!(rounds.round(|arena| arena.len()), 0); // the next round starts empty
    /// ```
    #[inline]
    pub fn round<R>(
        &mut self,
        f: impl for<'a> FnOnce(&'a DroplessArenaIn<F::Of<'a>, S>) -> R,
    ) -> R {
        /// Resets the arena when the round ends, whether `f` returned or unwound.
        struct EndRound<'r, T, S: Storage>(&'r mut DroplessArenaIn<T, S>);
        impl<T, S: Storage> Drop for EndRound<'_, T, S> {
            #[inline]
            fn drop(&mut self) {
                // O(1): `T` has no drop glue (`DroplessArena`'s constructor checked it), so
                // nothing is read or dropped, the cursor rewinds.
                self.0.reset();
            }
        }

        let end = EndRound(&mut self.arena);
        // SAFETY: see `relabel`. The borrow of `end.0` it returns is passed to `f` and ends
        // with the call (`R` cannot name `'a`), before `end` drops and resets the arena.
        let arena = unsafe { relabel::<F, S>(&*end.0) };
        f(arena)
        // `end` drops here: the arena is reset (also when `f` unwinds).
    }

    /// Like [`round`](Rounds::round), for a round that allocates from one thread only: lends
    /// a [`RoundLocal`], whose `alloc` is a plain bump of a counter (no atomic operation, no
    /// per-thread chunk), then empties the arena.
    ///
    /// Why a second method: `round` lends the shared arena, whose `alloc` must be safe from
    /// many threads at once (an atomic claim per value, or a per-thread chunk), which costs
    /// more than a tree of small nodes is worth (see `benches/binary_trees.rs`). Since a round
    /// holds `&mut self`, nothing else can touch the storage meanwhile, and a handle that is
    /// neither `Send` nor `Sync` can bump with a `Cell`. The slots are written without moving
    /// the arena's cursor, so there is nothing to reset afterwards: the round only updates
    /// [`high_water`](Rounds::high_water). An `alloc` that finds no room is not counted in
    /// [`failed_allocs`](Rounds::failed_allocs) (which counts the failures of `round`s).
    ///
    /// ```
    /// use atomicarena::{ForLifetime, Rounds};
    ///
    /// struct Node<'a> {
    ///     left: Option<&'a Node<'a>>,
    ///     right: Option<&'a Node<'a>>,
    /// }
    /// struct NodeOf;
    /// impl ForLifetime for NodeOf {
    ///     type Of<'a> = Node<'a>;
    /// }
    ///
    /// fn tree<'a>(nodes: &'a atomicarena::RoundLocal<'a, Node<'a>, atomicarena::Inline<127>>, depth: u32) -> &'a Node<'a> {
    ///     let (left, right) = if depth > 0 {
    ///         (Some(tree(nodes, depth - 1)), Some(tree(nodes, depth - 1)))
    ///     } else {
    ///         (None, None)
    ///     };
    ///     nodes.alloc(Node { left, right }).unwrap()
    /// }
    /// fn check(node: &Node<'_>) -> u32 {
    ///     1 + node.left.map_or(0, check) + node.right.map_or(0, check)
    /// }
    ///
    /// let mut rounds = Rounds::<NodeOf, 127>::new_boxed();
    /// for depth in 0..=6 {
    ///     assert_eq!(rounds.round_local(|nodes| check(tree(nodes, depth))), (1 << (depth + 1)) - 1);
    /// }
    /// assert_eq!(rounds.high_water(), 127);
    /// ```
    ///
    /// The handle cannot go to another thread:
    ///
    /// ```compile_fail,E0277
    /// use atomicarena::{ForLifetime, Rounds};
    /// struct U64Of;
    /// impl ForLifetime for U64Of {
    ///     type Of<'a> = u64;
    /// }
    /// let mut rounds: Rounds<U64Of, 8> = Rounds::new();
    /// rounds.round_local(|nodes| {
    ///     std::thread::scope(|s| {
    ///         s.spawn(|| nodes.alloc(1).map(|_| ()));
    ///     });
    /// });
    /// ```
    #[inline]
    pub fn round_local<R>(
        &mut self,
        f: impl for<'a> FnOnce(&'a RoundLocal<'a, F::Of<'a>, S>) -> R,
    ) -> R {
        /// Records the round's `len` in `high_water` when the round ends, whether `f` returned
        /// or unwound.
        struct EndRound<'r, T, S: Storage> {
            arena: &'r mut DroplessArenaIn<T, S>,
            used: usize,
        }
        impl<T, S: Storage> Drop for EndRound<'_, T, S> {
            #[inline]
            fn drop(&mut self) {
                let cursor = &mut self.arena.raw.cursor;
                cursor.high_water = cursor.high_water.max(self.used);
            }
        }

        let mut end = EndRound {
            arena: &mut self.arena,
            used: 0,
        };
        // The cursor of an arena between rounds stands at 0 (every round ends with a reset,
        // and `round_local` never moves it): every slot is free, and stays free for the arena.
        debug_assert_eq!(end.arena.len(), 0);
        // SAFETY: see `relabel`; the `RoundLocal` is lent to `f` only, and dropped (its
        // borrow of `end.arena` ended) before `end` is touched again. It writes slots without
        // claiming them from the cursor: nothing else can claim them meanwhile (`&mut self`,
        // and the `RoundLocal` is neither `Send` nor `Sync`, so no other thread uses it), and
        // since the cursor stays at 0 the arena never reads them (slots at or above the
        // cursor are free, whatever their bytes; no value has drop glue).
        let arena = unsafe { relabel::<F, S>(&*end.arena) };
        let local = RoundLocal::new(arena);
        let r = {
            // Keep the count even if `f` unwinds: `local` is read by this guard's drop, which
            // runs before `end`'s (reverse declaration order).
            struct Count<'l, 'a, T, S: Storage>(&'l RoundLocal<'a, T, S>, &'l mut usize);
            impl<T, S: Storage> Drop for Count<'_, '_, T, S> {
                #[inline]
                fn drop(&mut self) {
                    *self.1 = self.0.len();
                }
            }
            let _count = Count(&local, &mut end.used);
            f(&local)
        };
        r
        // `end` drops here: `high_water` takes the round's `len`.
    }

    /// The number of slots each round gets, `N`.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let rounds: atomicarena::Rounds<U8Of, 16> = atomicarena::Rounds::new();
    /// assert_eq!(rounds.capacity(), 16);
    /// ```
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.arena.capacity()
    }

    /// The largest number of values of any round so far.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let mut rounds: atomicarena::Rounds<U8Of, 16> = atomicarena::Rounds::new();
    /// rounds.round(|arena| arena.alloc_slice_copy(&[1, 2, 3]).map(|_| ()));
    /// rounds.round(|arena| arena.alloc(4).map(|_| ()));
    /// assert_eq!(rounds.high_water(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn high_water(&self) -> usize {
        self.arena.high_water()
    }

    /// How many allocation calls found no room, over all the rounds.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let mut rounds: atomicarena::Rounds<U8Of, 1> = atomicarena::Rounds::new();
    /// for _ in 0..3 {
    ///     rounds.round(|arena| {
    ///         arena.alloc(1).unwrap();
    ///         assert!(arena.alloc(2).is_err());
    ///     });
    /// }
    /// assert_eq!(rounds.failed_allocs(), 3);
    /// ```
    #[inline]
    #[must_use]
    pub fn failed_allocs(&self) -> usize {
        self.arena.failed_allocs()
    }
}

/// `arena`, typed for the lifetime of the borrow instead of `'static`.
///
/// # Safety
///
/// The caller passes the result (or a [`RoundLocal`] around it) only to a closure generic over
/// `'a` (`for<'a> FnOnce(&'a DroplessArena<F::Of<'a>, N>) -> R`, or the same with `&'a
/// RoundLocal<'a, F::Of<'a>, N>`), `arena` holds no value (it is between rounds: its cursor
/// stands at 0), and after the call the arena again holds no value before it is used for
/// another lifetime (`round` resets it; `round_local` never moved its cursor).
///
/// Why that is sound:
///
/// * **Layout.** `DroplessArena<F::Of<'static>, N>` and `DroplessArena<F::Of<'a>, N>` differ
///   only in a lifetime. Lifetimes are erased before layout is computed (and before
///   monomorphisation), so the two types have the same size, alignment, field offsets and
///   validity; the cast changes no byte's meaning.
/// * **What is stored.** The arena is empty when lent, and `f` must work for every `'a`, so the
///   only `F::Of<'a>` values it can build are valid for any `'a`: references into this same
///   arena (alive exactly as long as the round), `'static` data, and data borrowed for a
///   lifetime that `F` itself names, if any (`Rounds<F, N>` names it too, so it outlives the
///   `Rounds` and hence the round). A
///   borrow of a local of `f`, or of anything shorter than the round, does not type-check,
///   because `'a` may be longer than it.
/// * **Nothing escapes.** `R` is fixed by the caller of `round`, outside `'a`, so it cannot
///   contain `'a`; and `f` cannot put a `'a` reference in a place that outlives the call (the
///   captured environment's types do not mention `'a` either). `'a`'s only implied bound is
///   `F::Of<'a>: 'a` (from the argument type), which lets nothing out. Threads spawned in the
///   round are scoped (a `'static` thread cannot take `'a`), so they end within it.
/// * **Reset.** When `f` returns or unwinds, the arena is reset (under the `&mut` the caller
///   holds again), or its cursor never moved (`round_local`): either way it stands at 0 and no
///   value of the round stays reachable. The values
///   are never read or dropped after the round, so the dangling references some of them hold
///   are never used: `F::Of<'a>` has no drop glue (`DroplessArena`'s constructor refused the
///   type otherwise; drop glue, like layout, does not depend on lifetimes), and its stale bytes
///   stay behind `MaybeUninit` until overwritten.
/// * **Threads.** The relabelled reference is shared across threads only if
///   `DroplessArena<F::Of<'a>, N>: Sync`, which the compiler checks for the round's own `'a`.
#[inline(always)]
unsafe fn relabel<'a, F: ForLifetime, S: Storage>(
    arena: &'a DroplessArenaIn<F::Of<'static>, S>,
) -> &'a DroplessArenaIn<F::Of<'a>, S> {
    // SAFETY: the same type up to a lifetime (same layout); the caller's contract above keeps
    // every value stored through it inside the round.
    unsafe {
        &*(arena as *const DroplessArenaIn<F::Of<'static>, S>)
            .cast::<DroplessArenaIn<F::Of<'a>, S>>()
    }
}

/// A one-thread view of a round's arena, lent by [`Rounds::round_local`]: `alloc` bumps a
/// counter, with no atomic operation. Neither `Send` nor `Sync`.
///
/// ```
/// struct U64Of;
/// impl atomicarena::ForLifetime for U64Of {
///     type Of<'a> = u64;
/// }
/// let mut rounds: atomicarena::Rounds<U64Of, 2> = atomicarena::Rounds::new();
/// rounds.round_local(|nodes| {
///     let a = nodes.alloc(1).unwrap();
///     let b = nodes.alloc(2).unwrap();
///     *a += *b;
///     assert_eq!(*a, 3);
///     assert_eq!(nodes.alloc(4).unwrap_err().into_inner(), 4); // full
///     assert_eq!((nodes.len(), nodes.remaining()), (2, 0));
/// });
/// ```
pub struct RoundLocal<'a, T, S: Storage> {
    /// The round's arena (its storage; its cursor is not used).
    arena: &'a ArenaIn<T, S>,
    /// Slot 0's address (`ArenaIn::slot_ptr(0)`, with the cells' write permission).
    base: *mut T,
    /// The next free slot: `base` plus `len × STEP` bytes, so that `alloc` is a plain pointer
    /// bump (no index to scale, no arena to reload). Derived from `base`.
    next: Cell<*mut T>,
    /// `base` plus `capacity × STEP` bytes: one past the last slot.
    end: *mut T,
    /// Neither `Send` nor `Sync`: `Cell` makes it `!Sync` (which `alloc` relies on), and this
    /// makes it `!Send` as well (it is only ever lent by reference, so it never needs to move).
    _not_send: PhantomData<*const ()>,
}

impl<'a, T, S: Storage> RoundLocal<'a, T, S> {
    /// Bytes `next` grows by per value: the size of `T`, or 1 for a zero-sized `T` (then `next`
    /// only counts, and every value is written at `base`).
    const STEP: usize = if mem::size_of::<T>() == 0 {
        1
    } else {
        mem::size_of::<T>()
    };

    /// The handle of a round: every slot of `arena` free.
    fn new(arena: &'a ArenaIn<T, S>) -> Self {
        let base = arena.slot_ptr(0);
        RoundLocal {
            arena,
            base,
            next: Cell::new(base),
            // `wrapping`: for a zero-sized `T` the "addresses" are only a count. Otherwise one
            // past the slot array, whose size fits in `isize::MAX` bytes.
            end: base.wrapping_byte_add(arena.cap() * Self::STEP),
            _not_send: PhantomData,
        }
    }

    /// Stores `value` in the next free slot and returns a reference to it for the whole round.
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when the `N` slots are used.
    ///
    /// ```
    /// struct StrOf;
    /// impl atomicarena::ForLifetime for StrOf {
    ///     type Of<'a> = &'a str;
    /// }
    /// let mut rounds: atomicarena::Rounds<StrOf, 4> = atomicarena::Rounds::new();
    /// let n = rounds.round_local(|words| {
    ///     let w = words.alloc("hi").unwrap();
    ///     w.len()
    /// });
    /// assert_eq!(n, 2);
    /// ```
    #[inline]
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round (below)
    pub fn alloc(&self, value: T) -> Result<&'a mut T, Full<T>> {
        let next = self.next.get();
        if next == self.end {
            return Err(Full(value));
        }
        // `next` moves by `STEP` bytes from `base` to `end`, never past it.
        self.next.set(next.wrapping_byte_add(Self::STEP));
        let p = if mem::size_of::<T>() == 0 {
            self.base
        } else {
            next // a slot of the array: `base <= next < end`
        };
        // SAFETY: the slot at `p` (index `(next - base) / STEP < capacity`) is handed out once this
        // round: `next` only grows, this handle is the only one (lent by `round_local` under
        // `&mut Rounds`) and is used from one thread (`!Sync`), and the arena's own cursor, at
        // 0, claims nothing meanwhile (nobody else holds the arena). The slot holds no value of
        // this round; `base` carries the cells' write permission (`slot_ptr`).
        unsafe { p.write(value) };
        let i = self.len() - 1;
        self.arena.touch_owners(i..i + 1);
        // SAFETY: just initialised; exclusive to the caller for the round (above).
        Ok(unsafe { &mut *p })
    }

    /// The number of values stored this round.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let mut rounds: atomicarena::Rounds<U8Of, 4> = atomicarena::Rounds::new();
    /// rounds.round_local(|v| {
    ///     v.alloc(1).unwrap();
    ///     assert_eq!(v.len(), 1);
    /// });
    /// ```
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        (self.next.get().addr() - self.base.addr()) / Self::STEP
    }

    /// `true` when nothing was stored this round.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let mut rounds: atomicarena::Rounds<U8Of, 4> = atomicarena::Rounds::new();
    /// rounds.round_local(|v| assert!(v.is_empty()));
    /// ```
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of slots left this round.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let mut rounds: atomicarena::Rounds<U8Of, 4> = atomicarena::Rounds::new();
    /// rounds.round_local(|v| {
    ///     v.alloc(1).unwrap();
    ///     assert_eq!(v.remaining(), 3);
    /// });
    /// ```
    #[inline]
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.arena.cap() - self.len()
    }
}

impl<T, S: Storage> fmt::Debug for RoundLocal<'_, T, S> {
    /// Shows `len` and `capacity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoundLocal")
            .field("len", &self.len())
            .field("capacity", &self.arena.cap())
            .finish()
    }
}

#[doc(hidden)]
impl<F: ForLifetime, const N: usize> Checks for Rounds<F, N> {
    const SLOTS: usize = N;
    const SLOT_BYTES: usize = <DroplessArena<F::Of<'static>, N> as Checks>::SLOT_BYTES;
    const CHECKS: () = <DroplessArena<F::Of<'static>, N> as Checks>::CHECKS;
}

impl<F: ForLifetime, const N: usize> Default for Rounds<F, N> {
    /// Same as [`Rounds::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<F: ForLifetime, S: Storage> fmt::Debug for RoundsIn<F, S> {
    /// Shows the statistics of the (empty) arena between rounds: its `high_water` and
    /// `failed_allocs` span all rounds.
    ///
    /// ```
    /// struct U8Of;
    /// impl atomicarena::ForLifetime for U8Of {
    ///     type Of<'a> = u8;
    /// }
    /// let rounds: atomicarena::Rounds<U8Of, 4> = atomicarena::Rounds::new();
    /// assert!(format!("{rounds:?}").starts_with("Rounds {"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::__private::fmt_renamed(f, S::pick("Rounds", "HeapRounds"), &self.arena)
    }
}

// SAFETY: `Rounds` is `repr(transparent)` over a `DroplessArena`, whose all-zero bytes are its
// empty state (see its `Zeroable` impl): the all-zero `Rounds` is `Rounds::new()`.
#[cfg(not(loom))]
unsafe impl<F: ForLifetime, const N: usize> crate::zeroable::Zeroable for Rounds<F, N> {}
