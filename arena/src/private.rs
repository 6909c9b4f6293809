//! What the derive's generated code needs, and the checks the kinds share with it. Not public
//! API: no semver guarantees. Reached as `atomicarena::__private`.

pub use crate::arena::Arena;
pub use crate::dropless::DroplessArena;
pub use crate::pool::Pool;
pub use crate::reset::FieldReset;
pub use crate::ring::Ring;
pub use crate::rounds::{ForLifetime, Rounds};
pub use crate::scoped::ScopedArena;
pub use crate::zeroable::Zeroable;
#[cfg(feature = "alloc")]
pub use crate::{
    CapacityError, HeapArena, HeapDroplessArena, HeapPool, HeapRing, HeapRounds, HeapScopedArena,
};
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

/// What every runtime kind (`Arena`, `DroplessArena`, `Ring`, `Pool`) tells the derive and
/// its own constructors about its storage: the one place where the compile-time checks of a
/// kind are written.
pub trait Storage {
    /// The number of slots, `N`.
    const SLOTS: usize;
    /// Bytes of storage per slot: the value and its bookkeeping.
    const SLOT_BYTES: usize;
    /// The kind's compile-time checks (at least one slot, the storage fits in memory, and
    /// for `DroplessArena` no drop glue), evaluated by every constructor: `let () =
    /// <Self as Storage>::CHECKS;` fails the build on the first use of a bad instantiation.
    const CHECKS: ();
}

/// Whether the storage of `R` fits in `isize::MAX` bytes (the largest object Rust allows,
/// which also bounds the cursors): the one definition of the check, used by the kinds'
/// `CHECKS` and by the derive's eager `const _` checks spanned on the user's `capacity`.
#[must_use]
pub const fn fits<R: Storage>() -> bool {
    R::SLOT_BYTES == 0 || R::SLOTS <= isize::MAX as usize / R::SLOT_BYTES
}

/// Compile-time proof that `W` has the layout of `R` (the derive's wrappers are
/// `repr(transparent)` over their runtime kind).
#[cfg(feature = "alloc")]
struct SameLayout<R, W>(core::marker::PhantomData<(R, W)>);
#[cfg(feature = "alloc")]
impl<R, W> SameLayout<R, W> {
    const CHECK: () = assert!(
        core::mem::size_of::<R>() == core::mem::size_of::<W>()
            && core::mem::align_of::<R>() == core::mem::align_of::<W>(),
        "atomicarena: a generated arena type must be `repr(transparent)` over its runtime kind"
    );
}

/// The runtime's `new_boxed` for a generated wrapper `W` of the kind `R`: evaluates `R`'s
/// compile-time checks (so an oversized or empty arena is reported by the runtime's message,
/// not by a layout error in `core`), then builds the empty `W` in place on the heap.
///
/// # Safety
///
/// `W` is a `repr(transparent)` wrapper of `R` (the derive's generated types are, by
/// construction): only then are `R`'s checks the ones that `W`'s all-zero value needs.
/// Another `W` of the same layout would be built without its own kind's checks.
#[cfg(feature = "alloc")]
#[must_use]
pub unsafe fn new_boxed_as<R: Storage + Zeroable, W: Zeroable>() -> Box<W> {
    let () = R::CHECKS;
    let () = SameLayout::<R, W>::CHECK;
    crate::zeroable::new_boxed_zeroed::<W>()
}

/// Formats `value` with its `Debug`, but with its leading type name replaced by `name`: the
/// generated arena types print as `ParticleArena { len: .., .. }`, not as the runtime type
/// they wrap. Flags (`{:#?}`) are passed on.
#[doc(hidden)]
#[inline]
pub fn fmt_renamed<T: core::fmt::Debug + ?Sized>(
    f: &mut core::fmt::Formatter<'_>,
    name: &str,
    value: &T,
) -> core::fmt::Result {
    /// `value` as a `dyn Debug` (`T` may be unsized), so that the renaming below is
    /// compiled once, not once per generated type.
    struct AsDyn<'a, T: ?Sized>(&'a T);
    impl<T: core::fmt::Debug + ?Sized> core::fmt::Debug for AsDyn<'_, T> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            self.0.fmt(f)
        }
    }
    fmt_renamed_dyn(f, name, &AsDyn(value))
}

/// `fmt_renamed`'s work.
fn fmt_renamed_dyn(
    f: &mut core::fmt::Formatter<'_>,
    name: &str,
    value: &dyn core::fmt::Debug,
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
    note = "give the field a reset option: `#[arena(reset = EXPR)]`, `#[arena(reset_with = path)]`, `#[arena(clear)]`, `#[arena(nested)]` or `#[arena(keep)]`; or implement `Default` for `{Self}` (for a type parameter: add the bound `{Self}: Default` to the type)"
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
    note = "derive `ArenaAlloc` for `{Self}` with a `pool` attribute, or implement `atomicarena::FieldReset` for it by hand (for a type parameter: add the bound `{Self}: atomicarena::FieldReset` to the type); or give the field another option: `#[arena(reset = EXPR)]`, `#[arena(reset_with = path)]`, `#[arena(clear)]` or `#[arena(keep)]`"
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

#[cfg(all(feature = "alloc", not(loom)))]
pub use crate::bundle::new_boxed_bundle;
#[cfg(not(loom))]
pub use crate::bundle::{BoundedArena, FieldProblem, Fields, Holds, Idx, RawArena, Unstorable};
pub use crate::error::Full;
