//! The error a full arena returns.

use core::fmt;

/// The arena had no room: the value you tried to store comes back inside.
///
/// `Full<T>` is returned by [`Arena::alloc`](crate::Arena::alloc) (carrying the value, so
/// nothing is lost or dropped behind your back) and, as `Full<()>`, by the batch and closure
/// constructors, which never took anything. It implements [`Display`](fmt::Display) and
/// [`Error`](core::error::Error), so `?` turns it into `Box<dyn Error>`. Its message names the
/// kind that was full: "pool is full" from a [`Pool`](crate::Pool) (or its
/// [`PoolLocal`](crate::PoolLocal)), "arena is full" from every other kind (and from
/// [`Full::new`]).
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
///
/// `Box<dyn Error>` holds only `'static` errors, so a `Full<T>` whose `T` borrows (an AST node
/// that points into its arena, say) cannot go through `?` as it is: drop the value with
/// [`without_value`](Full::without_value) first.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Full<T> {
    /// The value that did not fit (`()` when none was taken).
    value: T,
    /// What was full, for the message.
    kind: Kind,
}

/// The kind of storage that was full: the subject of [`Full`]'s message.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Kind {
    /// `Arena`, `DroplessArena`, `ScopedArena`, a bundle: "arena is full".
    Arena,
    /// `Pool`: "pool is full".
    Pool,
}

/// `Full(value)`: the error of the arena kinds, spelled like a tuple struct's constructor so
/// that the runtime's call sites read as they did when `Full` was `Full(T)`. A function, not
/// a constructor: `Full` has a second, private field (its [`Kind`]).
#[allow(non_snake_case)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn Full<T>(value: T) -> Full<T> {
    Full {
        value,
        kind: Kind::Arena,
    }
}

impl<T> Full<T> {
    /// Wraps a value that did not fit (its message says "arena is full").
    ///
    /// ```
    /// let err = atomicarena::Full::new(7);
    /// assert_eq!(err.into_inner(), 7);
    /// ```
    #[must_use]
    pub const fn new(value: T) -> Self {
        Full(value)
    }

    /// The error of a pool: "pool is full".
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) const fn pool(value: T) -> Self {
        Full {
            value,
            kind: Kind::Pool,
        }
    }

    /// Gives back the value that did not fit.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u8, 1> = atomicarena::Arena::new();
    /// arena.alloc(1).unwrap();
    /// assert_eq!(arena.alloc(42).unwrap_err().into_inner(), 42);
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Drops the value that did not fit and keeps the error: the same message (the same kind
    /// was full), as a `Full<()>`.
    ///
    /// `Full<()>` is `'static`, so `.map_err(Full::without_value)?` sends the error of an
    /// arena of borrowing values into a `Box<dyn Error>` (which needs `'static`), where
    /// `Full<T>` itself cannot go.
    ///
    /// ```
    /// use std::error::Error;
    ///
    /// use atomicarena::{DroplessArena, Full};
    ///
    /// // A value that borrows from the arena that holds it: `Full<Expr<'a>>` is not `'static`.
    /// enum Expr<'a> {
    ///     Num(i64),
    ///     Neg(&'a Expr<'a>),
    /// }
    ///
    /// fn negate<'a>(
    ///     arena: &'a DroplessArena<Expr<'a>, 2>,
    ///     times: usize,
    /// ) -> Result<&'a Expr<'a>, Box<dyn Error>> {
    ///     let mut e: &Expr = arena.alloc(Expr::Num(7)).map_err(Full::without_value)?;
    ///     for _ in 0..times {
    ///         e = arena.alloc(Expr::Neg(e)).map_err(Full::without_value)?;
    ///     }
    ///     Ok(e)
    /// }
    ///
    /// let arena = DroplessArena::new();
    /// assert!(matches!(negate(&arena, 1), Ok(Expr::Neg(Expr::Num(7)))));
    /// let small = DroplessArena::new();
    /// let err = negate(&small, 2).err().unwrap(); // 3 values, 2 slots
    /// assert_eq!(err.to_string(), "arena is full");
    ///
    /// // The kind stays: a pool's error says so.
    /// let pool: atomicarena::Pool<String, 1> = atomicarena::Pool::new();
    /// pool.take().unwrap();
    /// let err: Full<()> = pool.alloc("no room".to_string()).unwrap_err().without_value();
    /// assert_eq!(err.to_string(), "pool is full");
    /// ```
    ///
    /// Without it, `?` does not compile: the error borrows the arena.
    ///
    /// ```compile_fail
    /// # use std::error::Error;
    /// # use atomicarena::DroplessArena;
    /// # enum Expr<'a> { Num(i64), Neg(&'a Expr<'a>) }
    /// fn num<'a>(arena: &'a DroplessArena<Expr<'a>, 2>) -> Result<&'a Expr<'a>, Box<dyn Error>> {
    ///     Ok(arena.alloc(Expr::Num(7))?) // `Full<Expr<'a>>` into `Box<dyn Error + 'static>`
    /// }
    /// ```
    pub fn without_value(self) -> Full<()> {
        Full {
            value: (),
            kind: self.kind,
        }
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
    /// "arena is full", or "pool is full" from a pool.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            Kind::Arena => "arena is full",
            Kind::Pool => "pool is full",
        })
    }
}

impl<T> core::error::Error for Full<T> {}
