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
mod reset;
mod sync;
mod zeroable;

pub use crate::arena::{Arena, Drain, IterMut};
pub use crate::error::Full;
pub use crate::reset::FieldReset;

/// Derives named arena types for a struct; see the [crate docs](crate) and the README.
#[cfg(feature = "derive")]
pub use atomicarena_derive::ArenaAlloc;

/// What the derive's generated code needs. Not public API: no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::arena::Arena;
    pub use crate::reset::FieldReset;
    pub use crate::zeroable::Zeroable;
    #[cfg(feature = "alloc")]
    pub use crate::zeroable::new_boxed_zeroed;
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
}

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
