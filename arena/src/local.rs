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
use core::mem;
use core::ops::Range;
use core::slice;

use crate::arena::ArenaIn;
use crate::cursor::{self, CursorCore};
use crate::error::Full;
use crate::storage::{Array, Storage};
use crate::sync::{AtomicUsize, TrackedCell};
use crate::words;

/// Largest chunk an adaptive [`Local`] claims at once.
const MAX_CHUNK: usize = 1024;
/// First chunk of an adaptive [`Local`].
const FIRST_CHUNK: usize = 16;

impl<T, S: Storage> ArenaIn<T, S> {
    /// A per-thread allocation handle: it claims chunks of slots with one atomic operation and
    /// allocates inside them with no atomics at all.
    ///
    /// The chunk size adapts: the first chunk has 16 slots and each refill doubles it, up to
    /// 1,024 slots or `N / 32`, whichever is smaller (at least 1). Larger chunks mean fewer
    /// atomic operations; the price is that, while a handle is alive, its unused slots are
    /// claimed (other threads may see the arena full up to a chunk early) and counted neither
    /// in [`len`](crate::Arena::len) nor in [`remaining`](crate::Arena::remaining), and values from different
    /// handles interleave in slot order by chunk, not by time. When the handle drops, the
    /// unused slots of its chunk are free again for any claim: given back to the arena's cursor
    /// if they end where it stands, otherwise kept in a small *word* of the arena that every
    /// claim looks at once the cursor is exhausted. An arena has 4 such words (20 with
    /// per-thread chunks, from 4,096 slots); a handle created while all are held by live
    /// handles claims one slot at a time instead (correct, slower). A forgotten handle leaves
    /// its last chunk as holes. Use [`local_with_chunk`](crate::Arena::local_with_chunk) to fix the
    /// size.
    ///
    /// Arenas of more than 2^31 − 1 slots (32,767 on 32-bit targets) have no words: there, a
    /// tail that cannot go back stays a hole for the round.
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
    pub fn local(&self) -> Local<'_, T, S> {
        let max = (self.cap() / 32).clamp(1, MAX_CHUNK);
        Local {
            arena: self,
            base: self.slot_ptr(0),
            start: 0,
            chunk: Chunk::new(FIRST_CHUNK.min(max), max),
            word: WordState::Unasked,
        }
    }

    /// A per-thread handle like [`local`](crate::Arena::local) that always claims `chunk` slots at
    /// a time (fewer only at the end of capacity). `chunk` is clamped to `1..=N`.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u32, 64> = atomicarena::Arena::new();
    /// let mut local = arena.local_with_chunk(8);
    /// local.alloc(1).unwrap();
    /// assert_eq!(arena.remaining(), 56); // the whole chunk is claimed
    /// drop(local);
    /// assert_eq!(arena.remaining(), 63); // the unused 7 went back
    /// assert_eq!(arena.len(), 1);
    /// ```
    pub fn local_with_chunk(&self, chunk: usize) -> Local<'_, T, S> {
        let chunk = chunk.clamp(1, self.cap());
        Local {
            arena: self,
            base: self.slot_ptr(0),
            start: 0,
            chunk: Chunk::new(chunk, chunk),
            word: WordState::Unasked,
        }
    }
}

/// A per-thread allocation handle into an [`Arena`](crate::Arena), from [`Arena::local`](crate::Arena::local).
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
pub struct Local<'a, T, S: Storage> {
    arena: &'a ArenaIn<T, S>,
    /// Slot 0's address (`ArenaIn::slot_ptr(0)`, with the cells' write permission), kept so
    /// that `alloc` does not reach through the arena for it (a heap arena's slots are behind a
    /// pointer).
    base: *mut T,
    /// First slot of the current chunk whose hole mark is not cleared yet; `start..chunk.next`
    /// hold values, `chunk.next..chunk.end` are free. All of `start..chunk.end` is marked as
    /// holes.
    start: usize,
    /// The current chunk.
    chunk: Chunk,
    /// The word where the handle leaves its unused tail when it drops (see `words.rs`).
    word: WordState<'a>,
}

// SAFETY: a `Local` holds `&ArenaIn` (and `base`, a pointer into the same arena's slots,
// used only as that reference would be): it is `Send` and `Sync` exactly when `&ArenaIn` is,
// that is when `ArenaIn: Sync`, which needs `T: Send` (see there). Written out because the
// raw pointer opts out of both; the other fields (the chunk, the word) are plain data and
// references to atomics.
unsafe impl<T: Send, S: Storage> Send for Local<'_, T, S> {}
// SAFETY: as above; every method that touches the slots takes `&mut self`.
unsafe impl<T: Send, S: Storage> Sync for Local<'_, T, S> {}

impl<'a, T, S: Storage> Local<'a, T, S> {
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
        if self.chunk.is_empty() {
            // Out of line, and by value: the handle's address never escapes the caller's
            // loop, and no call takes `value` (both paths meet at the one write below), so
            // both stay in registers there.
            let (start, word, chunk, ok) = refill_by_value(
                &self.arena.raw.cursor,
                self.arena.cap(),
                self.arena.raw.marks.as_slice(),
                self.start,
                self.word,
                self.chunk,
            );
            (self.start, self.word, self.chunk) = (start, word, chunk);
            if !ok {
                return Err(Full(value));
            }
        }
        let i = self.chunk.take_one();
        // SAFETY: `i` is the next slot of this handle's chunk (`< N`), claimed from the cursor
        // and handed out by this handle once.
        Ok(unsafe { self.write(i, value) })
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
                .refill(
                    &mut self.start,
                    &mut self.word,
                    &arena.raw.cursor,
                    self.arena.cap(),
                    Some(arena.raw.marks.as_slice()),
                )
                .ok_or(Full(()))?;
        }
        // The chunk moves on only after `f` returned: if `f` panics, the slot stays free in the
        // chunk (and marked as a hole), never counted as used.
        let value = f();
        let i = self.chunk.take_one();
        // SAFETY: as in `alloc`.
        Ok(unsafe { self.write(i, value) })
    }

    /// Copies `src` into contiguous slots, all or nothing: inside the current chunk when it
    /// fits there, otherwise straight from the arena like [`Arena::alloc_slice_copy`](crate::Arena::alloc_slice_copy).
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
        let dst = self.base.wrapping_add(start);
        // SAFETY: `start..start + src.len()` lies in this handle's chunk (checked above), was
        // claimed from the cursor and is handed out once; `T: Copy`.
        unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
        self.arena.touch_owners(start..start + src.len());
        // SAFETY: initialised just now (their hole marks are cleared at the next refill or on
        // drop); exclusive to the caller for the round.
        Ok(unsafe { slice::from_raw_parts_mut(dst, src.len()) })
    }

    /// Writes `value` into slot `i` (through `base`) and returns it for the arena borrow.
    ///
    /// # Safety
    ///
    /// `i < capacity`, and slot `i` was claimed by this handle this round and not written yet.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    unsafe fn write(&self, i: usize, value: T) -> &'a mut T {
        debug_assert!(i < self.arena.cap());
        let p = self.base.wrapping_add(i);
        // SAFETY: slot `i` is in bounds and ours (the caller); `base` has the cells' write
        // permission for the whole array (`slot_ptr`), for as long as the arena borrow `'a`.
        unsafe { p.write(value) };
        self.arena.touch_owners(i..i + 1);
        // SAFETY: just initialised; exclusive to the caller for the round.
        unsafe { &mut *p }
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
}

impl<'a, S: Storage> Local<'a, u8, S> {
    /// Copies `s` into contiguous slots like [`Arena::alloc_str`](crate::Arena::alloc_str), inside the handle's chunk
    /// when it fits there.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` when `s.len()` contiguous bytes are free neither in the chunk nor in the
    /// arena; nothing is taken then.
    ///
    /// ```
    /// let arena: atomicarena::Arena<u8, 256> = atomicarena::Arena::new();
    /// let mut local = arena.local();
    /// let s: &mut str = local.alloc_str("héllo").unwrap();
    /// assert_eq!(s, "héllo");
    /// ```
    pub fn alloc_str(&mut self, s: &str) -> Result<&'a mut str, Full<()>> {
        let bytes = self.alloc_slice_copy(s.as_bytes())?;
        // SAFETY: `bytes` is an exact copy of `s`, valid UTF-8; it is ours alone for the round.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }
}

/// `Local::alloc`'s refill of a used-up chunk, by value (see `Local::alloc`); `false` when no
/// slot is free. On the arena's parts, so that it exists once, whatever the element type.
#[cold]
#[inline(never)]
fn refill_by_value<'a>(
    cursor: &'a CursorCore,
    n: usize,
    marks: &[TrackedCell<u8>],
    mut start: usize,
    mut word: WordState<'a>,
    mut chunk: Chunk,
) -> (usize, WordState<'a>, Chunk, bool) {
    let ok = chunk
        .refill(&mut start, &mut word, cursor, n, Some(marks))
        .is_some();
    (start, word, chunk, ok)
}

/// Where a per-thread handle leaves the unused tail of its chunk when it drops: a word it owns
/// while it is alive (see `words.rs`), asked for at its first refill.
#[derive(Clone, Copy)]
enum WordState<'a> {
    /// Not asked for yet.
    Unasked,
    /// None was free (every handle word is owned by a live handle), or the arena is too large
    /// for words: see `refill`.
    NoWord,
    /// Owned by this handle.
    Owned(&'a AtomicUsize),
}

/// A handle's refill, its cold part: commits the used slots `used` (for an arena, clears their
/// hole marks: they hold values), makes sure the handle has a word, and claims a chunk of up to
/// `want` slots. For an arena the chunk is all marked as holes until used and committed (and
/// counted as holes), so that a forgotten handle leaves nothing that looks initialised. `None`
/// when no slot is free. Takes and returns plain values (the handle's address never escapes
/// from its hot loop, so its fields can stay in registers), on the cursor and the hole marks,
/// so that it exists once, whatever the element type.
#[cold]
#[inline(never)]
fn refill<'a>(
    cursor: &'a CursorCore,
    n: usize,
    marks: Option<&[TrackedCell<u8>]>,
    used: Range<usize>,
    want: usize,
    mut word: WordState<'a>,
) -> (WordState<'a>, Option<Range<usize>>) {
    commit(cursor, marks, used);
    let mut taken = None;
    if let WordState::Unasked = word {
        word = match cursor.own_word(n) {
            Some((w, range)) => {
                taken = range;
                WordState::Owned(w)
            }
            None => WordState::NoWord,
        };
    }
    // A handle with no word to leave a tail in claims one slot at a time, which it uses at
    // once: it never holds a tail that could be stranded. (Arenas too large for words keep
    // their chunks; their tails that cannot go back stay holes, see `Arena::local`.)
    let want = if matches!(word, WordState::NoWord) && words::enabled(n) {
        1
    } else {
        want
    };
    let got = match taken {
        Some(range) => Some(range),
        None => cursor.claim_chunk(n, want, marks),
    };
    let Some((chunk, marked)) = got else {
        return (word, None);
    };
    if let Some(marks) = marks {
        if !marked {
            cursor.mark_holes(marks, chunk.clone());
        }
    }
    cursor.add_holes(chunk.len());
    (word, Some(chunk))
}

/// Commits a handle's used slots: they hold values (for an arena, their hole marks are
/// cleared) and are no longer counted as holes.
fn commit(cursor: &CursorCore, marks: Option<&[TrackedCell<u8>]>, used: Range<usize>) {
    if let Some(marks) = marks {
        cursor::clear_marks(marks, used.clone());
    }
    cursor.sub_holes(used.len());
}

/// A handle's drop: commits the used slots, gives the unused ones back to the cursor if they
/// end where it stands, and otherwise publishes them in the handle's word for any claim to
/// take; only a handle with no word leaves them as holes (counted as such).
#[inline(never)]
fn release(
    cursor: &CursorCore,
    marks: Option<&[TrackedCell<u8>]>,
    used: Range<usize>,
    unused: Range<usize>,
    word: WordState<'_>,
) {
    commit(cursor, marks, used);
    let mut left = None;
    if !unused.is_empty() {
        // The unused slots still carry the hole tag (arena).
        let mut marked = marks.is_some();
        if cursor.is_at(unused.end) {
            // Slots at or above the cursor must not carry the hole tag: clear the marks before
            // giving the slots back (the Release exchange publishes the clearing).
            if let Some(marks) = marks {
                cursor::clear_marks(marks, unused.clone());
                marked = false;
            }
            if cursor.give_back(unused.clone()) {
                cursor.sub_holes(unused.len());
            } else {
                left = Some((unused, marked));
            }
        } else {
            left = Some((unused, marked));
        }
    }
    match (word, left) {
        (WordState::Owned(w), Some((range, marked))) => {
            cursor.sub_holes(range.len());
            cursor.publish(w, range, marked);
        }
        (WordState::Owned(w), None) => cursor.release(w),
        (_, Some((range, marked))) => {
            // No word: the slots stay holes (still counted). Their marks must say so.
            if let Some(marks) = marks {
                if !marked {
                    cursor.mark_holes(marks, range);
                }
            }
        }
        (_, None) => {}
    }
}

impl<T, S: Storage> Drop for Local<'_, T, S> {
    #[inline]
    fn drop(&mut self) {
        let arena = self.arena;
        release(
            &arena.raw.cursor,
            Some(arena.raw.marks.as_slice()),
            self.start..self.chunk.next,
            self.chunk.unused(),
            self.word,
        );
    }
}

/// The chunk of a per-thread handle ([`Local`], [`PoolLocal`]): the free slots `next..end`,
/// claimed from the cursor, and the size of the next claim, which doubles from the first up to
/// `max`. (The automatic per-thread chunks of `alloc(&self)` are the atomic form of the same
/// thing, see `stripes.rs`.)
#[derive(Debug, Clone, Copy)]
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

    /// The next slot of a handle's chunk, claiming a new chunk when it is used up (see
    /// `refill`). `start` is the handle's first slot not committed yet.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_slot<'a>(
        &mut self,
        start: &mut usize,
        word: &mut WordState<'a>,
        cursor: &'a CursorCore,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        if self.is_empty() {
            self.refill(start, word, cursor, n, marks)?;
        }
        Some(self.take_one())
    }

    /// Claims the next chunk of a handle (the old one is used up). `None` when no slot is free.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn refill<'a>(
        &mut self,
        start: &mut usize,
        word: &mut WordState<'a>,
        cursor: &'a CursorCore,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<()> {
        let used = *start..self.next;
        // The used slots are committed by `refill` whether or not a chunk comes back.
        *start = self.next;
        let (w, chunk) = refill(cursor, n, marks, used, self.len, *word);
        *word = w;
        let chunk = chunk?;
        *start = chunk.start;
        self.fill(chunk);
        Some(())
    }
}

impl<T, S: Storage> fmt::Debug for Local<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Local")
            .field("chunk", &(self.start..self.chunk.end))
            .field("next", &self.chunk.next)
            .field("next_chunk_len", &self.chunk.len)
            .finish()
    }
}

impl<T, S: Storage> crate::PoolIn<T, S> {
    /// A per-thread handle into the pool, like [`Arena::local`](crate::Arena::local): it claims chunks of slots with
    /// one atomic operation and hands them out with no atomics. Chunks adapt as for
    /// [`Arena::local`](crate::Arena::local). Unused slots are free again when the handle drops, for any claim (see
    /// [`Arena::local`](crate::Arena::local)); a recycled value in such a slot keeps its reset state until a claim
    /// hands it out. Forgetting the handle is sound: a slot is marked as handed out only once
    /// its value is in place; the unused rest of its chunk stays a hole for the round, and the
    /// values it handed out are counted by [`len`](crate::Pool::len) from the next `&mut self`
    /// operation on.
    ///
    /// ```
    /// let pool: atomicarena::Pool<Vec<u8>, 64> = atomicarena::Pool::new();
    /// let mut local = pool.local();
    /// let buf = local.take().unwrap();
    /// buf.extend_from_slice(b"hello");
    /// drop(local);
    /// assert_eq!(pool.len(), 1);
    /// ```
    pub fn local(&self) -> PoolLocal<'_, T, S> {
        let max = (self.cap() / 32).clamp(1, MAX_CHUNK);
        PoolLocal {
            pool: self,
            start: 0,
            chunk: Chunk::new(FIRST_CHUNK.min(max), max),
            word: WordState::Unasked,
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
pub struct PoolLocal<'a, T, S: Storage> {
    pool: &'a crate::PoolIn<T, S>,
    /// First slot of the current chunk not committed yet (see `Local`).
    start: usize,
    /// The current chunk.
    chunk: Chunk,
    /// See `Local`.
    word: WordState<'a>,
}

impl<'a, T, S: Storage> PoolLocal<'a, T, S> {
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
        let skip = SkipOnPanic {
            cursor: &self.pool.cursor,
            start: &mut self.start,
            slot: i,
        };
        // SAFETY: `i` lies in this handle's chunk (`< N`), claimed from the cursor and handed
        // out by this handle once.
        let r = unsafe { self.pool.take_slot(i, false) };
        mem::forget(skip);
        Ok(r)
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
            Some(i) => {
                let skip = SkipOnPanic {
                    cursor: &self.pool.cursor,
                    start: &mut self.start,
                    slot: i,
                };
                // SAFETY: as in `take`.
                let r = unsafe { self.pool.put_slot(i, value, false) };
                mem::forget(skip);
                Ok(r)
            }
            None => Err(Full::pool(value)),
        }
    }

    /// The next slot index of this handle, claiming a chunk if needed
    /// (`Chunk::next_unmarked`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn next_slot(&mut self) -> Option<usize> {
        let pool = self.pool;
        self.chunk.next_slot(
            &mut self.start,
            &mut self.word,
            &pool.cursor,
            pool.cap(),
            None,
        )
    }
}

/// If a `PoolLocal`'s `T::default()`, reset or old value's destructor panics: the slots of the
/// chunk before `slot` are committed, and `slot` stays out of the next commit, so it stays
/// counted as a hole (it holds no value) while the handle's other slots are counted as usual.
struct SkipOnPanic<'x> {
    cursor: &'x CursorCore,
    start: &'x mut usize,
    slot: usize,
}

impl Drop for SkipOnPanic<'_> {
    fn drop(&mut self) {
        self.cursor.sub_holes(self.slot - *self.start);
        *self.start = self.slot + 1;
    }
}

impl<T, S: Storage> Drop for PoolLocal<'_, T, S> {
    fn drop(&mut self) {
        // Pool slots carry no hole marks: a slot's state says whether it holds a value and
        // whether it was handed out this round, whoever claims it next.
        release(
            &self.pool.cursor,
            None,
            self.start..self.chunk.next,
            self.chunk.unused(),
            self.word,
        );
    }
}

impl<T, S: Storage> fmt::Debug for PoolLocal<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolLocal")
            .field("chunk", &self.chunk.unused())
            .finish()
    }
}
