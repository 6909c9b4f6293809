//! `DroplessArena`: the bounded arena without a destructor, for values that borrow each other.
//!
//! Rust's drop check rejects a value that borrows another value of the same container when the
//! container has a `Drop` impl: the impl might read the borrowed value after it was freed
//! (E0597). std's collections escape with the unstable `#[may_dangle]`; on stable the only way
//! out is a container with no `Drop` impl at all. A `DroplessArena` is exactly that: the storage
//! of an [`Arena`] (its `Raw` part, whose only drop glue is the cursor's stripe table, which
//! does not mention `T`) without `Arena`'s destructor. It is allowed only for types without
//! drop glue, checked at compile time, so nothing it never drops could leak.
//!
//! It dereferences to [`Arena`]: the two types have the same layout (both are
//! `repr(transparent)` over `Raw<T, N>`; `Arena`'s other field is a `PhantomData`), so
//! `&DroplessArena<T, N>` is a valid `&Arena<T, N>`, and the whole bounded API comes with no
//! forwarding code. Moving an `Arena` in or out through `&mut` is harmless: for a `T` without
//! drop glue, `Arena`'s destructor does nothing to the values, and the stripe table travels
//! with the storage that owns it.

use core::fmt;
use core::mem;
use core::ops::{Deref, DerefMut};

use crate::__private::Storage as Checks;
use crate::arena::{Arena, ArenaIn, IterMut, Raw};
#[cfg(feature = "alloc")]
use crate::storage::{self, CapacityError, Heap, OnAllocFailure};
use crate::storage::{Inline, Storage};

/// A bounded arena of values without drop glue, with no destructor: values may borrow each
/// other (graphs, trees, ASTs with cycles), which the borrow checker refuses for an
/// [`Arena`] because it has a `Drop` impl.
///
/// It has the whole API of [`Arena`] (it dereferences to it): `alloc` from any thread, the
/// batch constructors, `local()`, `reset`, the statistics. It never drops its values, which is
/// why `T` must have no drop glue (no field that owns memory or has a destructor: `&'a str`
/// rather than `String`): a `DroplessArena` of such a `T` is a compile-time error, and nothing
/// can leak. rustc's own arena for such types has the same name.
///
/// The derive generates one with `#[arena(capacity = N, no_drop)]`.
///
/// ```
/// use atomicarena::DroplessArena;
///
/// // A graph whose nodes point at each other, cycles included.
/// struct Node<'a> {
///     name: &'static str,
///     next: std::cell::Cell<Option<&'a Node<'a>>>,
/// }
///
/// let arena: DroplessArena<Node<'_>, 16> = DroplessArena::new();
/// let a = &*arena.alloc(Node { name: "a", next: Default::default() }).unwrap();
/// let b = &*arena.alloc(Node { name: "b", next: Default::default() }).unwrap();
/// a.next.set(Some(b));
/// b.next.set(Some(a)); // a cycle
/// assert_eq!(a.next.get().unwrap().next.get().unwrap().name, "a");
/// assert_eq!(arena.len(), 2);
/// ```
///
/// The same graph in an [`Arena`] does not compile (`arena` dropped while still borrowed):
///
/// ```compile_fail,E0597
/// struct Node<'a> {
///     next: std::cell::Cell<Option<&'a Node<'a>>>,
/// }
///
/// let arena: atomicarena::Arena<Node<'_>, 16> = atomicarena::Arena::new();
/// let a = &*arena.alloc(Node { next: Default::default() }).unwrap();
/// let b = &*arena.alloc(Node { next: Default::default() }).unwrap();
/// a.next.set(Some(b));
/// ```
///
/// A type with drop glue is refused when the arena is built:
///
/// ```compile_fail,E0080
/// let arena: atomicarena::DroplessArena<String, 16> = atomicarena::DroplessArena::new();
/// ```
pub type DroplessArena<T, const N: usize> = DroplessArenaIn<T, Inline<N>>;

/// A [`DroplessArena`] with a capacity chosen at run time: its slots are allocated on the heap
/// once, by [`with_capacity`](HeapDroplessArena::with_capacity) or
/// [`try_with_capacity`](HeapDroplessArena::try_with_capacity). It dereferences to
/// [`HeapArena`](crate::HeapArena), as `DroplessArena` does to `Arena`.
///
/// ```
/// struct Node<'a> {
///     next: std::cell::Cell<Option<&'a Node<'a>>>,
/// }
///
/// let arena = atomicarena::HeapDroplessArena::<Node<'_>>::with_capacity(16);
/// let a = &*arena.alloc(Node { next: Default::default() }).unwrap();
/// let b = &*arena.alloc(Node { next: Default::default() }).unwrap();
/// a.next.set(Some(b));
/// b.next.set(Some(a));
/// assert_eq!(arena.len(), 2);
/// ```
#[cfg(feature = "alloc")]
pub type HeapDroplessArena<T> = DroplessArenaIn<T, Heap>;

/// The arena without a destructor, generic over where its slots live:
/// [`DroplessArena<T, N>`](DroplessArena) is `DroplessArenaIn<T, Inline<N>>` and
/// [`HeapDroplessArena<T>`](HeapDroplessArena) is `DroplessArenaIn<T, Heap>`. It dereferences
/// to [`ArenaIn<T, S>`](ArenaIn).
///
/// ```
/// let arena: atomicarena::DroplessArena<&str, 4> = atomicarena::DroplessArena::new();
/// let _: &atomicarena::ArenaIn<&str, atomicarena::Inline<4>> = &arena;
/// ```
#[repr(transparent)]
pub struct DroplessArenaIn<T, S: Storage> {
    /// `Arena`'s storage, without `Arena`'s destructor; the layout of `ArenaIn<T, S>`.
    raw: Raw<T, S>,
}

// SAFETY: sharing `&DroplessArena` is sharing `&Arena` (see `Deref`), which is `Sync` exactly
// for `T: Send` (see the `Sync` impl of `Arena`).
unsafe impl<T: Send, S: Storage> Sync for DroplessArenaIn<T, S> {}

// SAFETY: as the `Send` impl of `ArenaIn`, whose layout and contents this is.
unsafe impl<T: Send, S: Storage> Send for DroplessArenaIn<T, S> {}

impl<T, const N: usize> DroplessArena<T, N> {
    /// The number of slots, `N`.
    ///
    /// ```
    /// assert_eq!(atomicarena::DroplessArena::<u64, 128>::CAPACITY, 128);
    /// ```
    pub const CAPACITY: usize = N;

    /// Creates an empty arena. A `const fn`: the arena can live in a `static`.
    ///
    /// Fails to compile when `T` has drop glue (use [`Arena`] for such types).
    ///
    /// ```
    /// use atomicarena::DroplessArena;
    ///
    /// static WORDS: DroplessArena<&str, 64> = DroplessArena::new();
    /// let w = WORDS.alloc("hello").unwrap();
    /// assert_eq!(*w, "hello");
    /// ```
    #[must_use]
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        DroplessArena { raw: Raw::new() }
    }

    /// Creates an empty arena (loom build: loom's atomics are not `const`).
    #[cfg(loom)]
    pub fn new() -> Self {
        let () = <Self as Checks>::CHECKS;
        DroplessArena { raw: Raw::new() }
    }

    /// Creates an empty arena directly on the heap, with no temporary on the stack, so that
    /// capacities of millions of slots work on any thread (see [`Arena::new_boxed`]).
    ///
    /// ```
    /// let big = atomicarena::DroplessArena::<u64, 1_000_000>::new_boxed();
    /// assert_eq!(big.capacity(), 1_000_000);
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
impl<T> HeapDroplessArena<T> {
    /// Fails to compile when `T` has drop glue (as `DroplessArena::new` does).
    const NO_DROP: () = assert!(
        !mem::needs_drop::<T>(),
        "atomicarena: a HeapDroplessArena never drops its values, and this `T` has drop glue \
         (a field owns memory or has a destructor): its values would leak. Use `HeapArena<T>`, \
         or make `T` free of drop glue (e.g. `&'a str` instead of `String`)"
    );

    /// Creates an empty arena of `capacity` slots on the heap (see
    /// [`HeapArena::with_capacity`](crate::HeapArena::with_capacity), whose panics it shares).
    /// Fails to compile when `T` has drop glue.
    ///
    /// ```
    /// let words = atomicarena::HeapDroplessArena::<&str>::with_capacity(64);
    /// assert_eq!(*words.alloc("hello").unwrap(), "hello");
    /// ```
    ///
    /// ```compile_fail,E0080
    /// let arena = atomicarena::HeapDroplessArena::<String>::with_capacity(16);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(capacity: usize) -> Self {
        let () = Self::NO_DROP;
        match Raw::with_capacity(capacity, OnAllocFailure::Abort) {
            Ok(raw) => DroplessArenaIn { raw },
            Err(e) => storage::capacity_panic("HeapDroplessArena", e),
        }
    }

    /// Creates an empty arena of `capacity` slots on the heap, or says why it cannot (see
    /// [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity)).
    ///
    /// # Errors
    ///
    /// As [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity).
    ///
    /// ```
    /// let arena = atomicarena::HeapDroplessArena::<u8>::try_with_capacity(0);
    /// assert_eq!(arena.unwrap_err(), atomicarena::CapacityError::Zero);
    /// ```
    pub fn try_with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        let () = Self::NO_DROP;
        Ok(DroplessArenaIn {
            raw: Raw::with_capacity(capacity, OnAllocFailure::Return)?,
        })
    }
}

#[doc(hidden)]
impl<T, const N: usize> Checks for DroplessArena<T, N> {
    const SLOTS: usize = N;
    const SLOT_BYTES: usize = <Arena<T, N> as Checks>::SLOT_BYTES;
    const CHECKS: () = {
        let () = <Arena<T, N> as Checks>::CHECKS;
        assert!(
            !mem::needs_drop::<T>(),
            "atomicarena: a DroplessArena never drops its values, and this `T` has drop glue \
             (a field owns memory or has a destructor): its values would leak. Use `Arena<T, N>`, \
             or make `T` free of drop glue (e.g. `&'a str` instead of `String`)"
        );
    };
}

impl<T, S: Storage> Deref for DroplessArenaIn<T, S> {
    type Target = ArenaIn<T, S>;

    /// The bounded arena's API.
    #[inline]
    fn deref(&self) -> &ArenaIn<T, S> {
        // SAFETY: `ArenaIn<T, S>` is `repr(transparent)` over `Raw<T, S>` (its other field is a
        // `PhantomData`), and so is `Self`: the two have the same layout and validity, and the
        // borrow keeps `self`'s lifetime.
        unsafe { &*(self as *const Self).cast::<ArenaIn<T, S>>() }
    }
}

impl<T, S: Storage> DerefMut for DroplessArenaIn<T, S> {
    /// The bounded arena's `&mut self` API (`reset`, `iter_mut`, `drain`, …).
    ///
    /// Swapping an `Arena` in or out through this reference is allowed and harmless: `T` has
    /// no drop glue (checked by every constructor), so whichever of the two types drops the
    /// storage in the end drops nothing but the storage's own table.
    #[inline]
    fn deref_mut(&mut self) -> &mut ArenaIn<T, S> {
        // SAFETY: as in `deref`; the borrow is unique because `self` is.
        unsafe { &mut *(self as *mut Self).cast::<ArenaIn<T, S>>() }
    }
}

impl<T, const N: usize> Default for DroplessArena<T, N> {
    /// Same as [`DroplessArena::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<T, S: Storage> fmt::Debug for DroplessArenaIn<T, S> {
    /// Shows the statistics, as [`Arena`]'s `Debug` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::__private::fmt_renamed(f, S::pick("DroplessArena", "HeapDroplessArena"), &**self)
    }
}

impl<'a, T, S: Storage> IntoIterator for &'a mut DroplessArenaIn<T, S> {
    type Item = &'a mut T;
    type IntoIter = IterMut<'a, T>;

    /// Same as [`Arena::iter_mut`].
    fn into_iter(self) -> IterMut<'a, T> {
        self.iter_mut()
    }
}

// SAFETY: the all-zero bytes are `Raw::new()` (see the `Zeroable` impl of `Arena`, whose only
// other field is a `PhantomData`), which is `DroplessArena::new()`.
#[cfg(not(loom))]
unsafe impl<T, const N: usize> crate::zeroable::Zeroable for DroplessArena<T, N> {}
