//! Building arenas on the heap without a stack temporary.
//!
//! Every arena type's empty state is the all-zero bit pattern (its `new()` writes only zeros
//! and `MaybeUninit` slots), so the heap constructor asks the allocator for zeroed memory and
//! takes it as the value: no `Self` ever exists on the stack, and a 4,000,000-slot arena builds
//! on a thread with a small stack.

/// Types whose all-zero bit pattern is a valid value, equal to their empty state.
///
/// # Safety
///
/// Implement only for types for which `core::mem::zeroed::<Self>()` is a valid value that
/// behaves exactly as a freshly constructed, empty one.
pub unsafe trait Zeroable {}

// SAFETY: `ManuallyDrop<T>` has the layout and validity of `T`.
unsafe impl<T: Zeroable> Zeroable for core::mem::ManuallyDrop<T> {}

/// Allocates a zeroed `Box<T>`: the empty `T`, built in place on the heap.
#[cfg(feature = "alloc")]
pub fn new_boxed_zeroed<T: Zeroable>() -> alloc::boxed::Box<T> {
    let zeroed = alloc::boxed::Box::<T>::new_zeroed();
    // SAFETY: `T: Zeroable`, so zeroed memory is a valid (empty) `T`.
    unsafe { zeroed.assume_init() }
}
