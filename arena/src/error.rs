//! The error a full arena returns.

use core::fmt;

/// The arena had no room: the value you tried to store comes back inside.
///
/// `Full<T>` is returned by [`Arena::alloc`](crate::Arena::alloc) (carrying the value, so
/// nothing is lost or dropped behind your back) and, as `Full<()>`, by the batch and closure
/// constructors, which never took anything. It implements [`Display`](fmt::Display) and
/// [`Error`](core::error::Error), so `?` turns it into `Box<dyn Error>`.
///
/// ```
/// use atomicarena::{Arena, Full};
///
/// let arena: Arena<String, 1> = Arena::new();
/// arena.alloc("first".to_string()).unwrap();
/// let err: Full<String> = arena.alloc("second".to_string()).unwrap_err();
/// assert_eq!(err.to_string(), "arena is full");
/// assert_eq!(err.into_inner(), "second");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Full<T>(pub(crate) T);

impl<T> Full<T> {
    /// Wraps a value that did not fit.
    ///
    /// ```
    /// let err = atomicarena::Full::new(7);
    /// assert_eq!(err.into_inner(), 7);
    /// ```
    #[must_use]
    pub const fn new(value: T) -> Self {
        Full(value)
    }

    /// Gives back the value that did not fit.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u8, 1> = atomicarena::Arena::new();
    /// arena.alloc(1).unwrap();
    /// assert_eq!(arena.alloc(42).unwrap_err().into_inner(), 42);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

// No `T: Debug` bound, like `std::sync::mpsc::SendError`: the interesting part is that the
// arena was full, and this keeps `Full<T>: Error` for every `T`.
impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("arena is full")
    }
}

impl<T> core::error::Error for Full<T> {}
