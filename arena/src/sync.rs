//! The one place the runtime takes its atomics and cells from.
//!
//! Under `cfg(loom)` everything comes from [loom] so that the model checker sees every atomic
//! operation and every access to a tracked cell; otherwise it comes from `core`. The rest of the
//! crate imports only from here (the pattern of crossbeam-utils and sharded-slab).
//!
//! `AtomicU64` (the ring's sequence numbers and slot stamps) comes from `core` on every target
//! with native 64-bit atomics. On targets without them (`thumbv7em-none-eabihf` and the other
//! 32-bit microcontrollers, `cfg(not(target_has_atomic = "64"))`) it comes from
//! [portable-atomic], whose default implementation there is a global table of seqlocks built on
//! the target's 32-bit compare-and-swap: the same API, and every operation runs under the lock
//! of its address, so it is at least as strongly ordered as the `Ordering` it is given and every
//! `Ordering` argument in the crate keeps its meaning; but it is not lock-free. The crate enables
//! no `unsafe-assume-*` option of portable-atomic; a firmware that knows it is single-core
//! enables one in its own build (see the crate docs, "`no_std` and embedded targets"). Nothing else in the
//! crate needs more than pointer-sized atomics: the per-thread chunks of the shared path
//! (`stripes.rs`) use a native `AtomicU64` and exist only where the target has one.
//!
//! [portable-atomic]: https://docs.rs/portable-atomic
//!
//! [`TrackedCell`] mirrors loom's `UnsafeCell` API (`with`/`with_mut`). Outside loom it is a
//! plain `core::cell::UnsafeCell` and its closures compile to a pointer access; under loom it
//! records every access, so a slot handed out twice is reported as a data race.

#[cfg(all(loom, atomicarena_stripes))]
pub(crate) use loom::sync::atomic::AtomicPtr;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};

#[cfg(all(not(loom), atomicarena_stripes))]
pub(crate) use core::sync::atomic::AtomicPtr;
#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The one stand-alone fence (`Arena::mark_holes`); under ThreadSanitizer, which does not model
/// fences, the runtime uses an acquire load instead (see `build.rs`).
#[cfg(all(not(loom), not(atomicarena_tsan)))]
pub(crate) use core::sync::atomic::fence;

#[cfg(all(not(loom), target_has_atomic = "64"))]
pub(crate) use core::sync::atomic::AtomicU64;

/// Emulated with locks where the target has no 64-bit atomics (see the module docs).
#[cfg(all(not(loom), not(target_has_atomic = "64")))]
pub(crate) use portable_atomic::AtomicU64;

#[cfg(loom)]
#[allow(unused_imports)]
pub(crate) use loom::hint::spin_loop;

#[cfg(not(loom))]
#[allow(unused_imports)]
pub(crate) use core::hint::spin_loop;

/// A cell whose accesses loom tracks (a plain `UnsafeCell` outside loom).
#[cfg(not(loom))]
#[repr(transparent)]
pub(crate) struct TrackedCell<T>(core::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> TrackedCell<T> {
    pub(crate) const fn new(v: T) -> Self {
        Self(core::cell::UnsafeCell::new(v))
    }

    /// Runs `f` with a const pointer to the contents.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Runs `f` with a mutable pointer to the contents.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }
}

#[cfg(loom)]
pub(crate) struct TrackedCell<T>(loom::cell::UnsafeCell<T>);

#[cfg(loom)]
impl<T> TrackedCell<T> {
    pub(crate) fn new(v: T) -> Self {
        Self(loom::cell::UnsafeCell::new(v))
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        self.0.with(f)
    }

    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        self.0.with_mut(f)
    }

    pub(crate) fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` proves no other access to the cell exists.
        self.0.with_mut(|p| unsafe { &mut *p })
    }
}
