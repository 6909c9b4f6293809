//! The per-thread fast path: claim a chunk of slots with one atomic operation, then bump
//! inside it with plain arithmetic.
//!
//! A [`Local`] owns the chunk `start..end` it claimed from the arena's cursor. Its slots are
//! claimed exactly like any other (one read-modify-write of the cursor, invariant 1), so the
//! handle may write them without atomics. When it claims a chunk it marks the whole chunk as
//! holes (see `arena.rs`); `alloc` is then a plain write and a bump of `next`, and the marks
//! of the used part `start..next` are cleared in one pass when the handle refills or is
//! dropped. On drop the unused tail `next..end` goes back to the arena if it is still at the
//! cursor's end, and otherwise stays holes, which reset, drop and iteration skip.
//!
//! Forgetting a `Local` is therefore never unsound: its whole last chunk stays marked as holes,
//! so nothing uninitialised is ever read. The values it stored since its last refill are
//! leaked (never dropped, never iterated), as `mem::forget` of a `Vec::drain` leaks.

use core::fmt;
use core::ops::Range;
use core::slice;

use crate::arena::Arena;
use crate::cursor::{self, CursorCore};
use crate::error::Full;
use crate::sync::TrackedCell;

/// Largest chunk an adaptive [`Local`] claims at once.
const MAX_CHUNK: usize = 1024;
/// First chunk of an adaptive [`Local`].
const FIRST_CHUNK: usize = 16;

impl<T, const N: usize> Arena<T, N> {
    /// A per-thread allocation handle: it claims chunks of slots with one atomic operation and
    /// allocates inside them with no atomics at all.
    ///
    /// The chunk size adapts: the first chunk has 16 slots and each refill doubles it, up to
    /// 1,024 slots or `N / 32`, whichever is smaller (at least 1). Larger chunks mean fewer
    /// atomic operations; the price is that, while a handle is alive, its unused slots are
    /// claimed (other threads may see the arena full up to a chunk early), values from
    /// different handles interleave in slot order by chunk, not by time, and slots of a chunk
    /// that is no longer at the cursor's end when the handle drops stay empty for the round
    /// (counted by [`len`](Arena::len), skipped by everything else). Use
    /// [`local_with_chunk`](Arena::local_with_chunk) to fix the size.
    ///
    /// ```
    /// use atomicarena::Arena;
    ///
    /// let arena = Arena::<u64, 10_000>::new_boxed();
    /// std::thread::scope(|s| {
    ///     for t in 0..2u64 {
    ///         let arena = &*arena;
    ///         s.spawn(move || {
    ///             let mut local = arena.local();
    ///             for i in 0..1000 {
    ///                 let v: &mut u64 = local.alloc(t * 1000 + i).unwrap();
    ///                 *v += 1;
    ///             }
    ///         });
    ///     }
    /// });
    /// let mut arena = arena;
    /// assert_eq!(arena.iter_mut().count(), 2000);
    /// ```
    pub fn local(&self) -> Local<'_, T, N> {
        let max = (N / 32).clamp(1, MAX_CHUNK);
        Local {
            arena: self,
            start: 0,
            chunk: Chunk::new(FIRST_CHUNK.min(max), max),
        }
    }

    /// A per-thread handle like [`local`](Arena::local) that always claims `chunk` slots at
    /// a time (fewer only at the end of capacity). `chunk` is clamped to `1..=N`.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u32, 64> = atomicarena::Arena::new();
    /// let mut local = arena.local_with_chunk(8);
    /// local.alloc(1).unwrap();
    /// assert_eq!(arena.len(), 8); // the whole chunk is claimed
    /// drop(local);
    /// assert_eq!(arena.len(), 1); // the unused 7 went back
    /// ```
    pub fn local_with_chunk(&self, chunk: usize) -> Local<'_, T, N> {
        let chunk = chunk.clamp(1, N.max(1));
        Local {
            arena: self,
            start: 0,
            chunk: Chunk::new(chunk, chunk),
        }
    }
}

/// A per-thread allocation handle into an [`Arena`], from [`Arena::local`].
///
/// Its methods take `&mut self`: each thread makes its own handle (it is `Send`, so it can also
/// be moved to another thread). The references it returns live as long as the arena borrow
/// (`'a`), not as long as the handle.
///
/// ```
/// use atomicarena::Arena;
///
/// let arena: Arena<String, 100> = Arena::new();
/// let kept: &mut String = {
///     let mut local = arena.local();
///     local.alloc("outlives the handle".to_string()).unwrap()
/// };
/// kept.push('!');
/// assert_eq!(kept, "outlives the handle!");
/// ```
#[must_use = "a `Local` dropped at once allocates nothing (it only gives back slots it reserved): keep it in a variable and call `alloc` on it"]
pub struct Local<'a, T, const N: usize> {
    arena: &'a Arena<T, N>,
    /// First slot of the current chunk whose hole mark is not cleared yet; `start..chunk.next`
    /// hold values, `chunk.next..chunk.end` are free. All of `start..chunk.end` is marked as
    /// holes.
    start: usize,
    /// The current chunk.
    chunk: Chunk,
}

impl<'a, T, const N: usize> Local<'a, T, N> {
    /// Stores `value` in the handle's chunk (claiming a new chunk when it is used up) and
    /// returns a reference that lives as long as the arena borrow. When the arena is full the
    /// value comes back in [`Full`].
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when the chunk is used up and the arena
    /// has no slot left.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u8, 2> = atomicarena::Arena::new();
    /// let mut local = arena.local();
    /// let a = local.alloc(1).unwrap();
    /// let b = local.alloc(2).unwrap();
    /// assert_eq!((*a, *b), (1, 2));
    /// assert_eq!(local.alloc(3).unwrap_err().into_inner(), 3);
    /// ```
    #[inline]
    pub fn alloc(&mut self, value: T) -> Result<&'a mut T, Full<T>> {
        match self.next_slot() {
            // SAFETY: `next_slot` returned a slot of this handle's chunk (`< N`), claimed from
            // the cursor and handed out by this handle once.
            Some(i) => Ok(unsafe { self.arena.write(i, value) }),
            None => Err(Full(value)),
        }
    }

    /// Builds a value with `f` in the handle's chunk; `f` runs only when a slot is available.
    /// If `f` panics, the slot stays empty (a hole).
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when the chunk is used up and the arena has no slot left; `f` is not
    /// called then.
    ///
    /// ```
    /// let arena: atomicarena::Arena<Vec<u8>, 4> = atomicarena::Arena::new();
    /// let mut local = arena.local();
    /// assert_eq!(local.alloc_with(|| vec![1, 2]).unwrap().len(), 2);
    /// ```
    #[inline]
    pub fn alloc_with<F: FnOnce() -> T>(&mut self, f: F) -> Result<&'a mut T, Full<()>> {
        if self.chunk.is_empty() {
            let arena = self.arena;
            self.chunk
                .refill_marked(&mut self.start, &arena.raw.cursor, &arena.raw.marks)
                .ok_or(Full(()))?;
        }
        // The chunk moves on only after `f` returned: if `f` panics, the slot stays free in the
        // chunk (and marked as a hole), never counted as used.
        let value = f();
        let i = self.chunk.take_one();
        // SAFETY: as in `alloc`.
        Ok(unsafe { self.arena.write(i, value) })
    }

    /// Copies `src` into contiguous slots, all or nothing: inside the current chunk when it
    /// fits there, otherwise straight from the arena like [`Arena::alloc_slice_copy`].
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `src.len()` contiguous slots are free neither in the chunk nor in
    /// the arena; nothing is taken then.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u16, 64> = atomicarena::Arena::new();
    /// let mut local = arena.local();
    /// let s = local.alloc_slice_copy(&[1, 2, 3]).unwrap();
    /// assert_eq!(s, [1, 2, 3]);
    /// ```
    pub fn alloc_slice_copy(&mut self, src: &[T]) -> Result<&'a mut [T], Full<()>>
    where
        T: Copy,
    {
        let Some(start) = self.chunk.take(src.len()) else {
            return self.arena.alloc_slice_copy(src);
        };
        let dst = self.arena.slot_ptr(start);
        // SAFETY: `start..start + src.len()` lies in this handle's chunk (checked above), was
        // claimed from the cursor and is handed out once; `T: Copy`.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
        self.arena.touch_owners(start..start + src.len());
        // SAFETY: initialised just now (their hole marks are cleared at the next refill or on
        // drop); exclusive to the caller for the round.
        Ok(unsafe { slice::from_raw_parts_mut(dst, src.len()) })
    }

    /// Slots left in the handle's current chunk.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u8, 64> = atomicarena::Arena::new();
    /// let mut local = arena.local_with_chunk(4);
    /// local.alloc(0).unwrap();
    /// assert_eq!(local.chunk_remaining(), 3);
    /// ```
    #[must_use]
    pub fn chunk_remaining(&self) -> usize {
        self.chunk.remaining()
    }

    /// The next slot index of this handle, claiming a chunk if needed (`Chunk::next_marked`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_slot(&mut self) -> Option<usize> {
        let arena = self.arena;
        self.chunk
            .next_marked(&mut self.start, &arena.raw.cursor, &arena.raw.marks)
    }
}

/// `Local::refill`'s cold part: commits the used slots `used` (clears their hole marks: they
/// hold values) and claims a chunk of up to `want` slots, all marked as holes until used and
/// committed, so that a forgotten handle leaves nothing that looks initialised. `None` when the
/// arena is full. On the arena's cursor and hole marks (one per slot: `marks.len()` is the
/// capacity), so that it exists once, whatever the element type.
#[cold]
#[inline(never)]
fn refill_marked(
    cursor: &CursorCore,
    marks: &[TrackedCell<u8>],
    used: Range<usize>,
    want: usize,
) -> Option<Range<usize>> {
    cursor::clear_marks(marks, used);
    let chunk = cursor.claim_up_to(marks.len(), want, Some(marks))?;
    cursor.mark_holes(marks, chunk.clone());
    Some(chunk)
}

impl<T, const N: usize> Drop for Local<'_, T, N> {
    #[inline]
    fn drop(&mut self) {
        let arena = self.arena;
        drop_marked(&arena.raw.cursor, &arena.raw.marks, self.start, &self.chunk);
    }
}

/// `Local`'s drop, on the arena's cursor and hole marks: commits the used slots
/// `start..chunk.next` and gives the unused ones back (or leaves them as holes).
#[inline(never)]
fn drop_marked(cursor: &CursorCore, marks: &[TrackedCell<u8>], start: usize, chunk: &Chunk) {
    cursor::clear_marks(marks, start..chunk.next);
    let unused = chunk.unused();
    if unused.is_empty() {
        return;
    }
    // Slots at or above the cursor must not carry the hole tag: clear the marks before
    // giving the slots back (the Release exchange publishes the clearing), and make them
    // holes again if someone claimed after us and they must stay ours.
    cursor::clear_marks(marks, unused.clone());
    if !cursor.give_back(unused.clone()) {
        cursor.mark_holes(marks, unused);
    }
}

/// The chunk of a per-thread handle ([`Local`], [`PoolLocal`]): the free slots `next..end`,
/// claimed from the cursor, and the size of the next claim, which doubles from the first up to
/// `max`. (The automatic per-thread chunks of `alloc(&self)` are the atomic form of the same
/// thing, see `stripes.rs`.)
#[derive(Debug)]
struct Chunk {
    next: usize,
    end: usize,
    /// Size of the next claim.
    len: usize,
    /// Largest claim to grow to.
    max: usize,
}

impl Chunk {
    const fn new(first: usize, max: usize) -> Self {
        Chunk {
            next: 0,
            end: 0,
            len: first,
            max,
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn is_empty(&self) -> bool {
        self.next == self.end
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn remaining(&self) -> usize {
        self.end - self.next
    }

    /// The next free slot; the chunk must not be empty.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn take_one(&mut self) -> usize {
        debug_assert!(!self.is_empty());
        let i = self.next;
        self.next += 1;
        i
    }

    /// The first of `n` contiguous free slots, if the chunk has them.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn take(&mut self, n: usize) -> Option<usize> {
        if n > self.remaining() {
            return None;
        }
        let i = self.next;
        self.next += n;
        Some(i)
    }

    /// Starts using a freshly claimed chunk; the next claim will be twice as large (up to
    /// `max`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn fill(&mut self, chunk: Range<usize>) {
        (self.next, self.end) = (chunk.start, chunk.end);
        self.len = (self.len * 2).min(self.max);
    }

    fn unused(&self) -> Range<usize> {
        self.next..self.end
    }

    /// The next slot of a [`Local`]'s chunk, claiming a new chunk when it is used up (see
    /// `refill_marked`). `start` is the handle's first slot whose hole mark is not cleared
    /// yet. Takes the arena's parts, so that it is compiled once whatever the element type.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_marked(
        &mut self,
        start: &mut usize,
        cursor: &CursorCore,
        marks: &[TrackedCell<u8>],
    ) -> Option<usize> {
        if self.is_empty() {
            self.refill_marked(start, cursor, marks)?;
        }
        Some(self.take_one())
    }

    /// Claims the next chunk of a [`Local`] (the old one is used up). `None` when the arena is
    /// full.
    ///
    /// The work is done by `refill_marked`, which takes and returns plain values: the handle's
    /// address never escapes from its hot loop, so its fields can stay in registers.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn refill_marked(
        &mut self,
        start: &mut usize,
        cursor: &CursorCore,
        marks: &[TrackedCell<u8>],
    ) -> Option<()> {
        let used = *start..self.next;
        // The used slots are committed by `refill_marked` whether or not a chunk comes back.
        *start = self.next;
        let chunk = refill_marked(cursor, marks, used, self.len)?;
        *start = chunk.start;
        self.fill(chunk);
        Some(())
    }

    /// The next slot of a [`PoolLocal`]'s chunk, claiming a new chunk from `cursor` (of `n`
    /// slots) when it is used up. A stripe tail that cannot go back first stays unused for
    /// the round (pool slots need no hole marks).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_unmarked(&mut self, cursor: &CursorCore, n: usize) -> Option<usize> {
        if self.is_empty() {
            // By value, as for `Local` (`claim_up_to` is not inlined).
            let chunk = cursor.claim_up_to(n, self.len, None)?;
            self.fill(chunk);
        }
        Some(self.take_one())
    }
}

impl<T, const N: usize> fmt::Debug for Local<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local")
            .field("chunk", &(self.start..self.chunk.end))
            .field("next", &self.chunk.next)
            .field("next_chunk_len", &self.chunk.len)
            .finish()
    }
}

impl<T, const N: usize> crate::Pool<T, N> {
    /// A per-thread handle into the pool, like [`Arena::local`]: it claims chunks of slots with
    /// one atomic operation and hands them out with no atomics. Chunks adapt as for
    /// [`Arena::local`]. Unused slots go back when the handle drops (if still at the cursor's
    /// end); otherwise they stay unused for the round (counted by [`len`](crate::Pool::len),
    /// like the slots of a forgotten handle): a recycled value in such a slot keeps its reset
    /// state, is not yielded by [`iter_mut`](crate::Pool::iter_mut) and is not reset again.
    /// Forgetting the handle is sound: a slot is marked as handed out only once its value is in
    /// place.
    ///
    /// ```
    /// let pool: atomicarena::Pool<Vec<u8>, 64> = atomicarena::Pool::new();
    /// let mut local = pool.local();
    /// let buf = local.take().unwrap();
    /// buf.extend_from_slice(b"hello");
    /// drop(local);
    /// assert_eq!(pool.len(), 1);
    /// ```
    pub fn local(&self) -> PoolLocal<'_, T, N> {
        let max = (N / 32).clamp(1, MAX_CHUNK);
        PoolLocal {
            pool: self,
            chunk: Chunk::new(FIRST_CHUNK.min(max), max),
        }
    }
}

/// A per-thread handle into a [`Pool`](crate::Pool), from [`Pool::local`](crate::Pool::local).
///
/// ```
/// let pool: atomicarena::Pool<String, 8> = atomicarena::Pool::new();
/// let mut local = pool.local();
/// let s = local.alloc("kept".to_string()).unwrap();
/// drop(local);
/// assert_eq!(s, "kept"); // references live as long as the pool borrow
/// ```
#[must_use = "a `PoolLocal` dropped at once hands out nothing (it only gives back slots it reserved): keep it in a variable and call `take` or `alloc` on it"]
pub struct PoolLocal<'a, T, const N: usize> {
    pool: &'a crate::Pool<T, N>,
    /// The current chunk.
    chunk: Chunk,
}

impl<'a, T, const N: usize> PoolLocal<'a, T, N> {
    /// Like [`Pool::take`](crate::Pool::take), from the handle's chunk.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when the chunk is used up and the pool has no slot left this round.
    ///
    /// ```
    /// let pool: atomicarena::Pool<u32, 2> = atomicarena::Pool::new();
    /// let mut local = pool.local();
    /// assert_eq!(*local.take().unwrap(), 0);
    /// ```
    #[inline]
    pub fn take(&mut self) -> Result<&'a mut T, Full<()>>
    where
        T: Default + crate::FieldReset,
    {
        let i = self.next_slot().ok_or(Full::pool(()))?;
        // SAFETY: `i` lies in this handle's chunk (`< N`), claimed from the cursor and handed
        // out by this handle once.
        Ok(unsafe { self.pool.take_slot(i) })
    }

    /// Like [`Pool::alloc`](crate::Pool::alloc), from the handle's chunk.
    ///
    /// # Errors
    ///
    /// `Err(Full(value))`, with the value handed back, when the chunk is used up and the pool
    /// has no slot left this round.
    ///
    /// ```
    /// let pool: atomicarena::Pool<u32, 1> = atomicarena::Pool::new();
    /// let mut local = pool.local();
    /// assert_eq!(*local.alloc(5).unwrap(), 5);
    /// assert_eq!(local.alloc(6).unwrap_err().into_inner(), 6);
    /// ```
    #[inline]
    pub fn alloc(&mut self, value: T) -> Result<&'a mut T, Full<T>> {
        match self.next_slot() {
            // SAFETY: as in `take`.
            Some(i) => Ok(unsafe { self.pool.put_slot(i, value) }),
            None => Err(Full::pool(value)),
        }
    }

    /// The next slot index of this handle, claiming a chunk if needed
    /// (`Chunk::next_unmarked`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_slot(&mut self) -> Option<usize> {
        self.chunk.next_unmarked(&self.pool.cursor, N)
    }
}

impl<T, const N: usize> Drop for PoolLocal<'_, T, N> {
    fn drop(&mut self) {
        // Unused slots go back if nobody claimed after them. Pool slots carry no hole marks:
        // a slot's state says whether it holds a value and whether it was handed out this
        // round, whoever claims it next.
        self.pool.cursor.give_back(self.chunk.unused());
    }
}

impl<T, const N: usize> fmt::Debug for PoolLocal<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolLocal")
            .field("chunk", &self.chunk.unused())
            .finish()
    }
}
