//! The field-wise reset that a pool applies between rounds.

/// Puts a value back into its "fresh" state while keeping what is worth keeping (buffers,
/// capacity), so a [pool](crate) can hand it out again without allocating.
///
/// `#[derive(ArenaAlloc)]` implements it for every struct with a `pool` attribute, one field at
/// a time: `#[arena(clear)]` calls `.clear()`, `#[arena(reset = EXPR)]` assigns `EXPR`,
/// `#[arena(reset_with = path)]` calls `path(&mut field)`, `#[arena(keep)]` leaves the field,
/// `#[arena(nested)]` calls `FieldReset::reset_fields` on it, and a field with no option is set
/// to `Default::default()`. Implement it by hand for types you do not derive on.
///
/// The runtime implements it for `Vec`, `String` and `VecDeque` (feature `alloc`) and for
/// `HashMap` and `HashSet` (feature `std`) as `clear()`, so a `Pool<Vec<u8>, N>` recycles
/// buffers with no derive at all, and for the scalar types (`bool`, `char`, the integers and
/// floats, `()`) as assigning their default (`false`, `'\0'`, 0), as the derive does for an
/// unannotated field.
///
/// A [`Pool`](crate::Pool) also applies it to the `T::default()` that fills a slot the first
/// time the slot is used, so that the first round's values are in the same state as every later
/// round's.
///
/// ```
/// use atomicarena::FieldReset;
///
/// struct Scratch {
///     buf: Vec<u8>,
///     uses: u32,
/// }
///
/// impl FieldReset for Scratch {
///     fn reset_fields(&mut self) {
///         self.buf.clear(); // keeps the allocation
///         self.uses = 0;
///     }
/// }
///
/// let mut s = Scratch { buf: Vec::with_capacity(64), uses: 3 };
/// s.buf.push(1);
/// s.reset_fields();
/// assert!(s.buf.is_empty() && s.buf.capacity() >= 64 && s.uses == 0);
/// ```
pub trait FieldReset {
    /// Resets `self` field by field for the next round.
    fn reset_fields(&mut self);
}

/// Collections reset by `clear()`, which keeps their allocation.
macro_rules! reset_by_clear {
    ($($(#[$cfg:meta])* [$($gen:tt)*] $ty:ty;)*) => {$(
        $(#[$cfg])*
        impl<$($gen)*> FieldReset for $ty {
            /// Calls `clear()`: the contents go, the allocation stays.
            fn reset_fields(&mut self) {
                self.clear();
            }
        }
    )*};
}

reset_by_clear! {
    #[cfg(feature = "alloc")] [T] alloc::vec::Vec<T>;
    #[cfg(feature = "alloc")] [] alloc::string::String;
    #[cfg(feature = "alloc")] [T] alloc::collections::VecDeque<T>;
    #[cfg(feature = "std")] [K, V, S] std::collections::HashMap<K, V, S>;
    #[cfg(feature = "std")] [T, S] std::collections::HashSet<T, S>;
}

/// Scalars reset to their default, as an unannotated field of a derived pool type does.
macro_rules! reset_to_default {
    ($($ty:ty),* $(,)?) => {$(
        impl FieldReset for $ty {
            /// Assigns the type's default (`0`, `false`, `'\0'`).
            fn reset_fields(&mut self) {
                *self = <$ty>::default();
            }
        }
    )*};
}

reset_to_default! {
    (), bool, char, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64,
}
