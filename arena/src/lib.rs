//! Typed, fixed-capacity, lock-free arenas with inline storage.
//!
//! `atomicarena` turns a plain struct into a family of arenas with one derive. The bounded
//! [`Arena`] hands out `&mut T` from `&self`, from any thread, with one atomic operation per
//! allocation, and gives the value back in [`Full`] when it has no room left.
//!
//! ```
//! use atomicarena::ArenaAlloc;
//!
//! #[derive(ArenaAlloc, Debug, Default)]
//! #[arena(capacity = 1024)] // generates `ParticleArena`
//! pub struct Particle {
//!     pos: [f32; 3],
//!     vel: [f32; 3],
//! }
//!
//! static PARTICLES: ParticleArena = ParticleArena::new(); // inline storage, no heap
//!
//! let p: &'static mut Particle = PARTICLES.alloc(Particle::default()).unwrap();
//! p.vel = [1.0, 0.0, 0.0];
//! assert_eq!(PARTICLES.len(), 1);
//! assert_eq!(ParticleArena::CAPACITY, 1024);
//! ```
//!
//! # Features
//!
//! | feature  | default | what it adds |
//! |----------|---------|--------------|
//! | `std`    | yes     | implies `alloc`; nothing else yet (the crate is `no_std` at heart) |
//! | `alloc`  | via std | `new_boxed()` constructors that build an arena on the heap |
//! | `derive` | yes     | re-exports `#[derive(ArenaAlloc)]` |
//!
//! # Soundness
//!
//! The invariants the code keeps, each stated where it is relied on:
//!
//! 1. A slot index is handed out at most once per round; a round ends only under `&mut self`.
//! 2. No path reads uninitialised memory: a constructor, `Clone` or iterator that panics after
//!    a slot was claimed leaves a *hole* that reset, drop and iteration skip.
//! 3. Every value is dropped exactly once.
//! 4. `Arena<T, N>: Sync` exactly when `T: Send` (values move between threads, no `&T` is
//!    shared).
//!
//! The test suite runs under Miri, and the lock-free core under loom.
#![no_std]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod arena;
mod cursor;
mod error;
mod local;
mod pool;
mod reset;
#[cfg(target_has_atomic = "64")]
mod ring;
#[cfg(atomicarena_stripes)]
mod stripes;
mod sync;
mod zeroable;

pub use crate::arena::{Arena, Drain, IterMut};
pub use crate::error::Full;
pub use crate::local::{Local, PoolLocal};
pub use crate::pool::Pool;
pub use crate::reset::FieldReset;
#[cfg(target_has_atomic = "64")]
pub use crate::ring::{Handle, Ref, Ring, RingIter};

/// Derives named arena types for a struct; see the [crate docs](crate) and the README.
#[cfg(feature = "derive")]
pub use atomicarena_derive::ArenaAlloc;

/// What the derive's generated code needs. Not public API: no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::arena::Arena;
    pub use crate::pool::Pool;
    pub use crate::reset::FieldReset;
    #[cfg(target_has_atomic = "64")]
    pub use crate::ring::Ring;
    #[cfg(feature = "alloc")]
    pub use crate::zeroable::new_boxed_zeroed;
    pub use crate::zeroable::Zeroable;
    pub use core;

    /// `Box`, for `new_boxed()` in generated code.
    #[cfg(feature = "alloc")]
    pub use alloc::boxed::Box;

    /// Expands its input only when the runtime was built with the `alloc` feature, so that
    /// generated code can offer `new_boxed()` exactly when the runtime can.
    #[cfg(feature = "alloc")]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __if_alloc {
        ($($tt:tt)*) => { $($tt)* };
    }
    /// See the `alloc` version.
    #[cfg(not(feature = "alloc"))]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __if_alloc {
        ($($tt:tt)*) => {};
    }
    pub use crate::__if_alloc as if_alloc;

    /// Compile-time proof that a type is `Zeroable` (used next to generated `unsafe impl`s).
    pub const fn assert_zeroable<T: Zeroable + ?Sized>() {}
    /// Compile-time proof that a type is `Send` (used by generated checks).
    pub const fn assert_send<T: Send + ?Sized>() {}

    /// Whether `capacity` slots of `T` fit in `isize::MAX` bytes: the derive's eager version of
    /// `Arena::FITS` (the same formula: the value and its one-byte mark per slot), checked in a
    /// `const _` spanned on the user's `capacity` so the error comes before any use.
    #[doc(hidden)]
    pub const fn capacity_fits<T>(capacity: usize) -> bool {
        capacity <= isize::MAX as usize / (core::mem::size_of::<T>() + 1)
    }

    /// Formats `value` with its `Debug`, but with its leading type name replaced by `name`: the
    /// generated arena types print as `ParticleArena { len: .., .. }`, not as the runtime type
    /// they wrap. Flags (`{:#?}`) are passed on.
    #[doc(hidden)]
    pub fn fmt_renamed<T: core::fmt::Debug + ?Sized>(
        f: &mut core::fmt::Formatter<'_>,
        name: &str,
        value: &T,
    ) -> core::fmt::Result {
        use core::fmt::Write;

        /// Drops the identifier the output starts with, writes `name` in its place, and passes
        /// everything after it through.
        struct Rename<'a, 'b> {
            out: &'a mut core::fmt::Formatter<'b>,
            name: &'a str,
            /// Still inside the leading identifier (it may come in several pieces).
            in_name: bool,
        }
        impl Write for Rename<'_, '_> {
            fn write_str(&mut self, mut s: &str) -> core::fmt::Result {
                if self.in_name {
                    let end = s
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(s.len());
                    s = &s[end..];
                    if s.is_empty() {
                        return Ok(());
                    }
                    self.in_name = false;
                    self.out.write_str(self.name)?;
                }
                self.out.write_str(s)
            }
        }

        let alternate = f.alternate();
        let mut w = Rename {
            out: f,
            name,
            in_name: true,
        };
        if alternate {
            write!(w, "{value:#?}")?;
        } else {
            write!(w, "{value:?}")?;
        }
        if w.in_name {
            // The whole output was the name (a unit-like `Debug`).
            w.out.write_str(name)?;
        }
        Ok(())
    }

    /// The bound on a pool field with no reset option: it is reset to `Default::default()`.
    /// A trait of its own only to carry the message, pointed at the field by the derive.
    #[doc(hidden)]
    #[diagnostic::on_unimplemented(
        message = "pool field of type `{Self}` has no reset option and `{Self}` does not implement `Default`",
        label = "a pool resets this field to `Default::default()` between rounds",
        note = "give the field a reset option: `#[arena(reset = EXPR)]`, `#[arena(reset_with = path)]`, `#[arena(clear)]`, `#[arena(nested)]` or `#[arena(keep)]`; or implement `Default` for `{Self}`"
    )]
    pub trait PoolFieldDefault {
        /// `Default::default()`.
        fn pool_field_default() -> Self;
    }
    impl<T: Default> PoolFieldDefault for T {
        #[inline]
        fn pool_field_default() -> Self {
            T::default()
        }
    }

    /// Resets a pool field that has no option: `*field = Default::default()`.
    #[doc(hidden)]
    #[inline]
    pub fn reset_to_default<T: PoolFieldDefault>(field: &mut T) {
        *field = T::pool_field_default();
    }

    /// The bound on an `#[arena(nested)]` pool field: `FieldReset`, with a message that says
    /// how to get it.
    #[doc(hidden)]
    #[diagnostic::on_unimplemented(
        message = "`#[arena(nested)]` field of type `{Self}` needs `{Self}: FieldReset`",
        label = "`nested` resets this field with `FieldReset::reset_fields`",
        note = "derive `ArenaAlloc` for `{Self}` with a `pool` attribute, or implement `atomicarena::FieldReset` for it by hand; or give the field another option: `#[arena(reset = EXPR)]`, `#[arena(reset_with = path)]`, `#[arena(clear)]` or `#[arena(keep)]`"
    )]
    pub trait PoolFieldNested {
        /// `FieldReset::reset_fields`.
        fn pool_field_reset(&mut self);
    }
    impl<T: FieldReset + ?Sized> PoolFieldNested for T {
        #[inline]
        fn pool_field_reset(&mut self) {
            self.reset_fields();
        }
    }

    /// Resets an `#[arena(nested)]` pool field: `FieldReset::reset_fields(field)`.
    #[doc(hidden)]
    #[inline]
    pub fn reset_nested<T: PoolFieldNested + ?Sized>(field: &mut T) {
        field.pool_field_reset();
    }
}

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
