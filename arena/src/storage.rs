//! Where a kind keeps its slots: inline in the value ([`Inline<N>`], a capacity fixed at compile
//! time) or in arrays allocated on the heap once, at construction ([`Heap`], a capacity chosen at
//! run time).
//!
//! Every kind is written once, generic over its storage `S: Storage`: the claim, reset, stamp,
//! pool and scope logic reads the capacity as a value (`Array::len` of its arrays, which for
//! `[E; N]` is the constant `N` and folds away) and reaches the slots through a slice. The two
//! storages differ only in what is in the value: `[E; N]` inline, or a pointer and a length.
//!
//! What a heap kind costs more: the arrays' address and length are loads (from the value's
//! header, next to the cursor), and what an inline kind decides from its constant `N` at
//! compile time, a heap kind decides at run time: whether the arena has per-thread chunks (a
//! heap arena asks its stripe table, which exists exactly when it has them), and a ring's slot
//! and lap for a sequence number (a shift and a mask, kept at construction, for a power-of-two
//! capacity; one division otherwise). The hot paths are inlined into the caller, so that the
//! capacity's loads happen once per call. Measured in instructions per operation against the
//! inline kind of the same capacity (`python3 benches/heap_table.py --icount`): `alloc` 1.05×
//! (4,096+ slots, 1 and 2 threads), a batch 1.00×, `reset` 1.02×, `Pool::take` 1.09× (4,096
//! slots) and `Pool::reset` 1.00×, `local()` 1.05× to 1.21×, `Ring::push` 1.19× to 1.28×; on
//! small arenas (1,024 slots, no per-thread chunks), where the inline path is 10 to 18
//! instructions, the run-time test shows most: `alloc` 1.9×, `Pool::take` 1.28×.
//!
//! The public names are aliases: `Arena<T, N>` is [`ArenaIn<T, Inline<N>>`](crate::ArenaIn),
//! `HeapArena<T>` is `ArenaIn<T, Heap>`, and likewise for every kind.

use core::fmt;

/// Where a kind keeps its slots: [`Inline<N>`] or [`Heap`]. Sealed: the runtime's two are the
/// only ones.
///
/// Kinds are generic over it (`ArenaIn<T, S>`), and the crate root names each instantiation:
/// `Arena<T, N>` is `ArenaIn<T, Inline<N>>` and `HeapArena<T>` is `ArenaIn<T, Heap>`.
///
/// ```
/// use atomicarena::{Arena, ArenaIn, HeapArena, Inline};
///
/// fn len_of<S: atomicarena::Storage>(arena: &ArenaIn<u32, S>) -> usize {
///     arena.len() // one function for both storages
/// }
/// let inline: Arena<u32, 4> = ArenaIn::<u32, Inline<4>>::new();
/// let heap = HeapArena::<u32>::with_capacity(4);
/// inline.alloc(1).unwrap();
/// assert_eq!((len_of(&inline), len_of(&heap)), (1, 0));
/// ```
pub trait Storage: sealed::Sealed + Sized + Send + Sync + 'static {
    /// An array of `E`: `[E; N]`, or a heap array.
    #[doc(hidden)]
    type Array<E>: Array<E>;
    /// `true` for [`Heap`]: picks the kind's name in `Debug` output.
    #[doc(hidden)]
    const HEAP: bool;
    /// `N` for [`Inline<N>`], 0 for [`Heap`]: lets code generic over `S` use compile-time
    /// constants of an inline capacity (a ring's stride).
    #[doc(hidden)]
    const INLINE_CAP: usize;

    /// `inline` or `heap`, whichever names the kind in this storage (`Debug` output).
    #[doc(hidden)]
    fn pick(inline: &'static str, heap: &'static str) -> &'static str {
        if Self::HEAP {
            heap
        } else {
            inline
        }
    }
}

/// Inline storage of `N` slots: the arrays are part of the value, so the kind has a `const fn
/// new`, can be a `static`, and needs no heap.
///
/// ```
/// static LOG: atomicarena::ArenaIn<u32, atomicarena::Inline<16>> = atomicarena::Arena::new();
/// assert_eq!(LOG.capacity(), 16);
/// ```
pub enum Inline<const N: usize> {}

/// Heap storage: the arrays are allocated once, at construction (`with_capacity`), with a
/// capacity chosen at run time. Nothing is allocated afterwards.
///
/// ```
/// let n = 1000; // from a config file, the command line, …
/// let arena = atomicarena::HeapArena::<u64>::with_capacity(n);
/// assert_eq!(arena.capacity(), 1000);
/// ```
#[cfg(feature = "alloc")]
pub enum Heap {}

mod sealed {
    pub trait Sealed {}
    impl<const N: usize> Sealed for super::Inline<N> {}
    #[cfg(feature = "alloc")]
    impl Sealed for super::Heap {}
}

impl<const N: usize> Storage for Inline<N> {
    type Array<E> = [E; N];
    const HEAP: bool = false;
    const INLINE_CAP: usize = N;
}

#[cfg(feature = "alloc")]
impl Storage for Heap {
    type Array<E> = HeapArray<E>;
    const HEAP: bool = true;
    const INLINE_CAP: usize = 0;
}

/// What a kind needs of an array of its storage: a slice of it. Not public API.
#[doc(hidden)]
pub trait Array<E> {
    /// The elements.
    fn as_slice(&self) -> &[E];
    /// The elements, mutably.
    fn as_mut_slice(&mut self) -> &mut [E];
}

impl<E, const N: usize> Array<E> for [E; N] {
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn as_slice(&self) -> &[E] {
        self
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn as_mut_slice(&mut self) -> &mut [E] {
        self
    }
}

/// Why a heap kind could not be built with the capacity asked for: from
/// `try_with_capacity` (for example [`HeapArena::try_with_capacity`](crate::HeapArena::try_with_capacity)).
///
/// ```
/// use atomicarena::{CapacityError, HeapArena};
///
/// assert_eq!(HeapArena::<u64>::try_with_capacity(0).unwrap_err(), CapacityError::Zero);
/// let err = HeapArena::<u64>::try_with_capacity(usize::MAX).unwrap_err();
/// assert!(matches!(err, CapacityError::TooLarge { .. }));
/// assert!(err.to_string().contains("isize::MAX"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CapacityError {
    /// A capacity of 0 was asked for: every kind needs at least one slot.
    Zero,
    /// The storage for `capacity` slots would exceed `isize::MAX` bytes, the largest object
    /// Rust allows.
    TooLarge {
        /// The capacity asked for.
        capacity: usize,
    },
    /// The allocator could not provide `bytes` bytes.
    AllocFailed {
        /// The capacity asked for.
        capacity: usize,
        /// The size of the allocation that failed.
        bytes: usize,
    },
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CapacityError::Zero => {
                f.write_str("a capacity of 0 slots: every kind needs at least one")
            }
            CapacityError::TooLarge { capacity } => write!(
                f,
                "the storage for {capacity} slots exceeds isize::MAX bytes; lower the capacity"
            ),
            CapacityError::AllocFailed { capacity, bytes } => write!(
                f,
                "the allocator could not provide {bytes} bytes for {capacity} slots"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CapacityError {}

/// Checks a heap capacity before anything is allocated: at least one slot, and the kind's
/// storage (`slot_bytes` per slot, values and bookkeeping) within `isize::MAX` bytes. The same
/// rules as the inline kinds' compile-time `CHECKS`.
#[cfg(feature = "alloc")]
pub(crate) const fn check_capacity(n: usize, slot_bytes: usize) -> Result<(), CapacityError> {
    if n == 0 {
        Err(CapacityError::Zero)
    } else if slot_bytes != 0 && n > isize::MAX as usize / slot_bytes {
        Err(CapacityError::TooLarge { capacity: n })
    } else {
        Ok(())
    }
}

/// What `with_capacity` does with an error that is not an allocation failure (those call
/// `handle_alloc_error` before they get here): panics, naming the kind and the problem.
#[cfg(feature = "alloc")]
#[track_caller]
#[cold]
pub(crate) fn capacity_panic(kind: &str, e: CapacityError) -> ! {
    panic!("atomicarena: {kind}::with_capacity: {e}")
}

/// The two heap arrays of a kind that keeps one byte per slot next to its values (the
/// arena's and the scoped arena's hole marks, the pool's states), for `n` slots, after the
/// same capacity checks as the inline kinds: the bytes zeroed, which is every such kind's
/// empty byte (`CLEAR`, `EMPTY`: each caller asserts it), and the values uninitialised.
#[cfg(feature = "alloc")]
#[allow(clippy::type_complexity)]
pub(crate) fn bytes_and_values<T>(
    n: usize,
    on_failure: OnAllocFailure,
) -> Result<
    (
        HeapArray<crate::sync::TrackedCell<u8>>,
        HeapArray<core::cell::UnsafeCell<core::mem::MaybeUninit<T>>>,
    ),
    CapacityError,
> {
    check_capacity(n, core::mem::size_of::<T>() + 1)?;
    // SAFETY: a zero byte in a cell is a valid `TrackedCell<u8>` outside loom (a `u8` in an
    // `UnsafeCell`), and it is the empty byte of every caller.
    #[cfg(not(loom))]
    let bytes = unsafe { HeapArray::new(n, Init::Zeroed, on_failure) }?;
    #[cfg(loom)]
    let bytes = HeapArray::from_fn(n, || crate::sync::TrackedCell::new(0));
    // SAFETY: a `MaybeUninit` in a cell is valid whatever its bytes.
    let values = unsafe { HeapArray::new(n, Init::Uninit, on_failure) }?;
    Ok((bytes, values))
}

/// What a heap constructor does when the allocator fails.
#[cfg(feature = "alloc")]
#[derive(Clone, Copy)]
pub(crate) enum OnAllocFailure {
    /// `handle_alloc_error` (`with_capacity`).
    Abort,
    /// `CapacityError::AllocFailed` (`try_with_capacity`).
    Return,
}

#[cfg(feature = "alloc")]
pub use heap::HeapArray;
#[cfg(feature = "alloc")]
pub(crate) use heap::Init;

#[cfg(feature = "alloc")]
mod heap {
    use core::marker::PhantomData;
    use core::ptr::NonNull;

    use alloc::alloc::{alloc, alloc_zeroed, dealloc, handle_alloc_error, Layout};

    use super::{Array, CapacityError, OnAllocFailure};

    /// An array of `E` in one heap allocation, made at construction; what [`Heap`](super::Heap)
    /// storage holds instead of `[E; N]`. Frees the allocation on drop. Not public API.
    ///
    /// It has no `Drop` impl of its own, and mentions `E` only in a `PhantomData`: the drop
    /// check then treats it as it treats `[E; N]`, so a `HeapDroplessArena` of values that
    /// borrow each other compiles as a `DroplessArena` does. The freeing is done by the
    /// non-generic `Alloc`, through a function pointer made for `E`, which drops the elements
    /// first. That hides `E`'s drop glue from the drop check, which is sound because every `E`
    /// the runtime stores this way has no drop glue that could reach borrowed data: the values'
    /// cells (`UnsafeCell<MaybeUninit<T>>`, no drop glue at all), marks and stamps (integers in
    /// cells), and under loom loom's own cells (whose drop glue touches only loom's state).
    #[doc(hidden)]
    pub struct HeapArray<E> {
        alloc: Alloc,
        /// The array owns its `E`s (for the drop check: as `[E; N]` would).
        _owns: PhantomData<E>,
    }

    /// The allocation of a `HeapArray`, with what frees it.
    struct Alloc {
        /// The first element (dangling and aligned when the allocation is empty).
        ptr: NonNull<u8>,
        /// The number of elements.
        len: usize,
        /// Drops the `len` elements at `ptr` and frees the allocation: `free::<E>`.
        free: unsafe fn(NonNull<u8>, usize),
    }

    /// Drops `len` elements of type `E` at `ptr` and frees their allocation.
    ///
    /// # Safety
    ///
    /// `ptr` and `len` are those of a live `HeapArray<E>` (its elements initialised), which is
    /// not used afterwards.
    unsafe fn free<E>(ptr: NonNull<u8>, len: usize) {
        let elems = core::ptr::slice_from_raw_parts_mut(ptr.as_ptr().cast::<E>(), len);
        // SAFETY: the elements are initialised and owned by the array, dropped once here.
        unsafe { core::ptr::drop_in_place(elems) };
        let layout = Layout::array::<E>(len).expect("the layout was valid at construction");
        if layout.size() != 0 {
            // SAFETY: allocated with this layout by `try_new` (or by a `Box<[E]>` under loom,
            // which uses the global allocator with the same layout) and not freed before.
            unsafe { dealloc(ptr.as_ptr(), layout) };
        }
    }

    impl Drop for Alloc {
        fn drop(&mut self) {
            // SAFETY: `free` is `free::<E>` for the `E` of the array that owns this, and the
            // array is being dropped.
            unsafe { (self.free)(self.ptr, self.len) }
        }
    }

    impl<E> HeapArray<E> {
        /// Wraps `len` initialised elements at `ptr`, allocated for `Layout::array::<E>(len)`.
        fn from_raw(ptr: NonNull<E>, len: usize) -> Self {
            HeapArray {
                alloc: Alloc {
                    ptr: ptr.cast(),
                    len,
                    free: free::<E>,
                },
                _owns: PhantomData,
            }
        }
    }

    // SAFETY: a `HeapArray<E>` owns its elements as a `Box<[E]>` does: sending it sends the
    // `E`s, sharing it shares `&E`s.
    unsafe impl<E: Send> Send for HeapArray<E> {}
    // SAFETY: as above.
    unsafe impl<E: Sync> Sync for HeapArray<E> {}

    /// How the elements of a new array start.
    #[derive(Clone, Copy)]
    #[cfg_attr(loom, allow(dead_code))] // loom's cells are built by `from_fn`
    pub(crate) enum Init {
        /// All bytes zero (`alloc_zeroed`: fresh pages are not touched until used).
        Zeroed,
        /// Uninitialised (`alloc`).
        Uninit,
    }

    impl<E> HeapArray<E> {
        /// The layout of `len` elements, or the error when it exceeds `isize::MAX` bytes.
        fn layout(len: usize) -> Result<Layout, CapacityError> {
            Layout::array::<E>(len).map_err(|_| CapacityError::TooLarge { capacity: len })
        }

        /// A new array of `len` elements, their bytes as `init` says.
        ///
        /// # Safety
        ///
        /// Those bytes are a valid `E` each: all-zero bytes for `Init::Zeroed` (the kind's
        /// empty state), any bytes for `Init::Uninit` (`E` is a `MaybeUninit` in a cell).
        pub(crate) unsafe fn try_new(len: usize, init: Init) -> Result<Self, CapacityError> {
            let layout = Self::layout(len)?;
            let ptr = if layout.size() == 0 {
                NonNull::dangling()
            } else {
                // SAFETY: `layout` has a non-zero size.
                let raw = unsafe {
                    match init {
                        Init::Zeroed => alloc_zeroed(layout),
                        Init::Uninit => alloc(layout),
                    }
                };
                NonNull::new(raw.cast::<E>()).ok_or(CapacityError::AllocFailed {
                    capacity: len,
                    bytes: layout.size(),
                })?
            };
            Ok(Self::from_raw(ptr, len))
        }

        /// `try_new`; when the allocator fails and `on_failure` is `Abort`, calls
        /// `handle_alloc_error` (as `Vec` does). Other errors are returned.
        ///
        /// # Safety
        ///
        /// As for `try_new`.
        pub(crate) unsafe fn new(
            len: usize,
            init: Init,
            on_failure: OnAllocFailure,
        ) -> Result<Self, CapacityError> {
            // SAFETY: the caller's promise.
            match unsafe { Self::try_new(len, init) } {
                Err(CapacityError::AllocFailed { .. })
                    if matches!(on_failure, OnAllocFailure::Abort) =>
                {
                    // The layout was valid: the failure came after it.
                    handle_alloc_error(Layout::array::<E>(len).unwrap_or(Layout::new::<u8>()))
                }
                other => other,
            }
        }

        /// An array of `len` elements made by `f` (for element types whose empty state is
        /// not all-zero bytes: loom's cells).
        #[cfg(loom)]
        pub(crate) fn from_fn(len: usize, mut f: impl FnMut() -> E) -> Self {
            let v: alloc::vec::Vec<E> = (0..len).map(|_| f()).collect();
            let boxed = alloc::boxed::Box::into_raw(v.into_boxed_slice());
            // SAFETY: `Box::into_raw` is never null.
            Self::from_raw(unsafe { NonNull::new_unchecked(boxed.cast::<E>()) }, len)
        }
    }

    impl<E> Array<E> for HeapArray<E> {
        #[cfg_attr(not(debug_assertions), inline(always))]
        #[cfg_attr(debug_assertions, inline)]
        fn as_slice(&self) -> &[E] {
            // SAFETY: `ptr` points to `len` initialised elements (by `try_new`'s contract) that
            // the array owns; the borrow of `self` keeps them alive and shared.
            unsafe {
                core::slice::from_raw_parts(self.alloc.ptr.as_ptr().cast::<E>(), self.alloc.len)
            }
        }

        #[cfg_attr(not(debug_assertions), inline(always))]
        #[cfg_attr(debug_assertions, inline)]
        fn as_mut_slice(&mut self) -> &mut [E] {
            // SAFETY: as in `as_slice`; `&mut self` makes the borrow unique.
            unsafe {
                core::slice::from_raw_parts_mut(self.alloc.ptr.as_ptr().cast::<E>(), self.alloc.len)
            }
        }
    }
}
