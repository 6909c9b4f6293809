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
///
/// For a generic type whose constructors evaluate compile-time checks (every arena kind's
/// `Storage::CHECKS`), "freshly constructed" covers the instantiations that pass them: whoever
/// builds a zeroed value (the crate-private `new_boxed_zeroed`, behind the `unsafe`
/// `__private::new_boxed_as` and `__private::new_boxed_bundle`) evaluates those checks first.
///
/// A derive must bound its `unsafe impl` of this trait on this very trait (`where Field:
/// Zeroable`), reached through the same path as the trait it implements: then a user-chosen
/// `crate = "..."` path that re-exports this trait cannot make the compiler accept an impl for
/// a type whose fields are not `Zeroable` (a field holding a reference, say).
pub unsafe trait Zeroable {}

/// Allocates a zeroed `Box<T>`: the empty `T`, built in place on the heap.
///
/// Written with `alloc_zeroed` rather than `Box::new_zeroed`, which is stable only since Rust
/// 1.92 (the workspace's `rust-version` is 1.85).
#[cfg(feature = "alloc")]
#[must_use]
pub fn new_boxed_zeroed<T: Zeroable>() -> alloc::boxed::Box<T> {
    use alloc::alloc::{alloc_zeroed, handle_alloc_error, Layout};
    use alloc::boxed::Box;

    // No `T` value may appear in this function, not even in a branch never taken: an
    // unoptimised build reserves stack for it, which overflows for huge arenas.
    let layout = Layout::new::<T>();
    let ptr = if layout.size() == 0 {
        // A zero-sized `Box` owns no allocation; its pointer only has to be aligned.
        core::ptr::NonNull::<T>::dangling().as_ptr()
    } else {
        // SAFETY: `layout` has a non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) }.cast::<T>();
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        ptr
    };
    // SAFETY: `ptr` was allocated by the global allocator with `T`'s layout (what `Box` frees
    // it with), or is dangling and aligned for a zero-sized `T` (which `Box` never frees). Its
    // bytes are all zero (or there are none), a valid `T` because `T: Zeroable`.
    unsafe { Box::from_raw(ptr) }
}
