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
