//! The shared bump cursor of the bounded arena and the pool.
//!
//! One `AtomicUsize` on its own cache line counts the slots claimed from the cursor this
//! round. A single claim is one `fetch_add(1)`; a batch is a compare-and-swap loop that never
//! moves the cursor past `N`. Every claim is a read-modify-write of this one location, so claims
//! form a single modification order and no index is handed out twice (invariant 1) whatever
//! the orderings.
//!
//! Slots also leave the cursor in *chunks*: the per-thread chunks of the shared path
//! (`stripes.rs`, with `std`, for cursors of at least `stripes::MIN_CAPACITY` slots) and the
//! chunks of the per-thread handles (`local.rs`). The part of a chunk that is not used yet is
//! kept in a *word* (`words.rs`) where every claim can find it: a few words inline here, and,
//! for striped cursors, one per stripe and some more for handles in the stripes' table. So
//! **no slot is ever stranded**:
//!
//! * a single claim takes from the cursor (or its thread's stripe) and, when the cursor is
//!   exhausted, from any word: it is `Full` only when no slot is free anywhere;
//! * a batch and a handle's refill first give back every word's tail that ends where the
//!   cursor stands (repeatedly, so a chain of them goes back), then claim from the cursor, then
//!   from a word's range;
//! * a thread whose stripe is empty first *adopts* the stripe that holds the tail at the
//!   cursor's end (the latest chunk), then claims a chunk from the cursor: used from one thread
//!   at a time, slots are handed out in the same order as by a cursor without stripes.
//!
//! The cursor also counts *holes* (`holes`): slots claimed but holding no value, left by a
//! panicking constructor, a lying iterator, a drain, or a handle's chunk until the handle
//! commits it (so a forgotten handle's chunk stays counted). With nothing in flight,
//! `len + remaining + holes == N` exactly, where `len` counts the values handed out.
//!
//! # Compile time
//!
//! The runtime's generic types are instantiated once per element type in the user's crate, so
//! the code that does not depend on `T` lives in non-generic functions (here, in `ring_stamp.rs`
//! and in `local.rs`'s `Chunk`), which take the capacity `N` and the arena's hole marks as
//! values; the generic methods are thin wrappers (see `benches/compile_time.py` and
//! BENCHMARKS.md). The crate's small helpers are `#[inline(always)]` only when optimising
//! (`cfg(not(debug_assertions))`); in unoptimised builds they are plain `#[inline]`, one shared
//! copy instead of one inlined copy per caller.

use core::ops::{Deref, DerefMut, Range};

use crossbeam_utils::CachePadded;

use crate::error::Full;
#[cfg(atomicarena_stripes)]
use crate::stripes::{self, Stripes, Table};
use crate::sync::{AtomicBool, AtomicUsize, Ordering, TrackedCell};
use crate::words::{self, Taken, EMPTY};

/// A mark that is no round's hole tag (tags are `1..=255`).
pub(crate) const CLEAR: u8 = 0;

/// Words kept inline in every cursor (for per-thread handles), in the padding of the cursor's
/// own cache line: a small arena never grows for them.
const PARK: usize = if cfg!(loom) { 2 } else { 4 };
/// The first stripe word's number, and the first of the table's handle words.
#[cfg(atomicarena_stripes)]
const STRIPE_BASE: usize = PARK;
#[cfg(atomicarena_stripes)]
const LOCAL_BASE: usize = PARK + stripes::STRIPES;
/// Words in all (inline, then the table's stripes, then its handle words).
#[cfg(atomicarena_stripes)]
const WORDS: usize = LOCAL_BASE + stripes::LOCAL_WORDS;
#[cfg(not(atomicarena_stripes))]
const WORDS: usize = PARK;
const _: () = assert!(
    WORDS <= 32,
    "a word's bit must fit in `used` on every target"
);

/// Claims slot indices `0..N` for one round; rewound under `&mut self`.
///
/// A thin wrapper: the work is done by [`CursorCore`], whose methods take the capacity `n` as a
/// value, so that they are compiled once for the whole program (per capacity only where they
/// are inlined), not once per arena type. The owner passes `n`: the constant `N` of an inline
/// kind (which folds away), the length of a heap kind's arrays (see `storage.rs`). The
/// wrapper's methods are always inlined; the fields are reached through `Deref`.
#[repr(transparent)]
pub(crate) struct Cursor(CursorCore);

/// The cursor's own cache line: the cursor, and what is read with it.
#[repr(C)]
struct Hot {
    /// Number of slots claimed from the cursor this round (values, holes, and the free ranges
    /// kept in words). Above `N` only transiently: a failing single claim adds one and takes it
    /// back, so the excess is at most the number of threads inside a failing claim and the
    /// counter cannot wrap (`N <= isize::MAX`).
    next: AtomicUsize,
    /// Bit `k`: word `k` may be non-empty this round (set before a thread makes it non-empty,
    /// cleared only under `&mut self`), so that `&mut` operations and statistics visit only
    /// the words in use.
    used: AtomicUsize,
    /// `1 +` the stripe that claimed the latest chunk from the cursor (0: none): where a tail
    /// that ends at the cursor is most likely to be. A hint: every use checks it.
    last: AtomicUsize,
    /// The inline words (see `words.rs`).
    park: [AtomicUsize; PARK],
}

/// The state of a [`Cursor`], and its logic with the capacity `n` passed as a value.
///
/// `repr(C)`: the cursor's line (padded), the other fields together right after it, so that a
/// reset touches a few neighbouring lines of the arena's header.
#[repr(C)]
pub(crate) struct CursorCore {
    hot: CachePadded<Hot>,
    /// Claims that found no room, over the cursor's life. Touched only on the failure path.
    failed: AtomicUsize,
    /// Holes of this round (see the module docs). Touched only on cold paths (a handle's
    /// refill and drop, panics).
    holes: AtomicUsize,
    /// Per-thread chunks for single claims (used only when `stripes::enabled(n)`).
    #[cfg(atomicarena_stripes)]
    stripes: Stripes,
    // The owner's per-round bookkeeping lives here too, next to the fields above, so that the
    // arena's whole header is two cache lines (`next`'s, and this one).
    /// Largest `len` of any finished round. Written only under `&mut`.
    pub(crate) high_water: usize,
    /// Largest number of claimed slots (values, holes, free ranges in words) of any finished
    /// round: only slots below it were ever handed out, or had a mark written. Written only
    /// under `&mut`.
    pub(crate) claimed_hi: usize,
    /// The arena's round counter `0..=254`; its hole tag is `round + 1`, so the all-zero bit
    /// pattern is a valid empty arena (see `new_boxed`). Written only under `&mut`. (Unused by
    /// the pool.)
    pub(crate) round: u8,
    /// Set when one of the arena's marks was given this round's tag (a hole was made). Read
    /// under `&mut`. (Unused by the pool.)
    pub(crate) dirty: AtomicBool,
    /// Resets left until the arena's marks must be swept (a dirty round's tag is about to
    /// return); 0 when no sweep is pending. Written only under `&mut`. (Unused by the pool.)
    pub(crate) sweep_in: u8,
}

impl Deref for Cursor {
    type Target = CursorCore;

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref(&self) -> &CursorCore {
        &self.0
    }
}

impl DerefMut for Cursor {
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref_mut(&mut self) -> &mut CursorCore {
        &mut self.0
    }
}

/// The wrapper: every method passes the capacity `n` to the core. The hot ones (`claim_one`) are inlined
/// into their callers in optimised builds; in unoptimised builds (`debug_assertions`) they are
/// plain `#[inline]`, so that each arena type calls one shared copy instead of carrying its
/// own (compile time, see `benches/compile_time.py`).
impl Cursor {
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Cursor(CursorCore::new())
    }

    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Cursor(CursorCore::new())
    }

    /// Claims one slot: `Some(i)` with `i < N`, claimed by the caller alone this round. From
    /// the calling thread's chunk when the cursor has stripes, otherwise from the shared cursor;
    /// then from any word. `marks` are the arena's hole marks (`None` for a pool): a slot taken
    /// from a marked range gets its mark cleared.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim_one(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        self.0.claim_one(n, marks)
    }

    /// The common case of `claim_one` alone: `Some(i)` when the calling thread's stripe (or,
    /// without stripes, the shared cursor) had a free, unmarked slot and no other thread was in
    /// the way; `None` means "call `claim_one`" (which then does everything, from the start).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim_one_fast(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        self.0.claim_one_fast(n, marks)
    }

    /// `claim_one_fast` for a run-time `n`: tests the stripe table first.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim_one_fast_by_table(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        self.0.claim_one_fast_by_table(n, marks)
    }

    /// `CursorCore::reserve_rest` for this capacity.
    #[inline]
    pub(crate) fn reserve_rest(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<Range<usize>> {
        self.0.reserve_rest(n, marks)
    }

    /// `claim_one`, not inlined: the slow path of `Arena::alloc`, after `claim_one_fast`.
    #[cold]
    #[inline(never)]
    pub(crate) fn claim_one_outlined(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        self.0.claim_one(n, marks)
    }

    /// Claims `len >= 1` contiguous slots, all or nothing; returns the first index, whose
    /// marks are clear. Never moves the cursor past `N`.
    #[inline]
    pub(crate) fn claim(
        &self,
        n: usize,
        len: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Result<usize, Full<()>> {
        self.0.claim(n, len, marks)
    }

    /// Slots handed out this round (see [`CursorCore::len`]).
    #[inline]
    pub(crate) fn len(&self, n: usize) -> usize {
        self.0.len(n)
    }

    /// Slots claimed from the cursor this round (see [`CursorCore::claimed`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claimed(&self, n: usize) -> usize {
        self.0.claimed(n)
    }

    /// Slots that a claim can still get this round (see [`CursorCore::free`]).
    #[inline]
    pub(crate) fn free(&self, n: usize) -> usize {
        self.0.free(n)
    }

    /// Under `&mut`: gives back the tails at the cursor's end, frees the words of forgotten
    /// handles, and (for an arena) marks every free range below the cursor with the round's
    /// hole tag, so that iteration skips it; the ranges stay claimable. See
    /// [`CursorCore::settle`].
    /// Returns whether a forgotten handle's word was found (its chunk is counted as holes).
    #[inline]
    pub(crate) fn settle(&mut self, n: usize, marks: Option<&mut [TrackedCell<u8>]>) -> bool {
        self.0.words_in_use() && self.0.settle(n, marks)
    }

    /// Starts a new round (`len == 0`) or takes every slot (`len == n`, `fill_default`) under
    /// `&mut`: the words are emptied and the holes forgotten.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn rewind(&mut self, n: usize, len: usize) {
        debug_assert!(len == 0 || len == n);
        self.0.rewind(len);
    }

    /// Ends the round's statistics under `&mut`: `high_water` and `claimed_hi` take this
    /// round's `len` and claimed slots, and the cursor rewinds to 0. Returns the number of
    /// slots claimed this round (where its values and holes are).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn end_round(&mut self, n: usize) -> usize {
        self.0.end_round(n)
    }

    /// Formats the statistics of the arena or pool that owns the cursor, as its `Debug`:
    /// `Name { len, capacity, high_water, failed_allocs, .. }`.
    #[inline]
    pub(crate) fn fmt_stats(
        &self,
        n: usize,
        name: &str,
        f: &mut core::fmt::Formatter<'_>,
    ) -> core::fmt::Result {
        self.0.fmt_stats(n, name, f)
    }
}

impl CursorCore {
    #[cfg(not(loom))]
    const fn new() -> Self {
        CursorCore {
            hot: CachePadded::new(Hot {
                next: AtomicUsize::new(0),
                used: AtomicUsize::new(0),
                last: AtomicUsize::new(0),
                park: [const { AtomicUsize::new(EMPTY) }; PARK],
            }),
            failed: AtomicUsize::new(0),
            holes: AtomicUsize::new(0),
            #[cfg(atomicarena_stripes)]
            stripes: Stripes::new(),
            high_water: 0,
            claimed_hi: 0,
            round: 0,
            dirty: AtomicBool::new(false),
            sweep_in: 0,
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        CursorCore {
            hot: CachePadded::new(Hot {
                next: AtomicUsize::new(0),
                used: AtomicUsize::new(0),
                last: AtomicUsize::new(0),
                park: core::array::from_fn(|_| AtomicUsize::new(EMPTY)),
            }),
            failed: AtomicUsize::new(0),
            holes: AtomicUsize::new(0),
            #[cfg(atomicarena_stripes)]
            stripes: Stripes::new(),
            high_water: 0,
            claimed_hi: 0,
            round: 0,
            dirty: AtomicBool::new(false),
            sweep_in: 0,
        }
    }

    // ---- the words ---------------------------------------------------------------------------

    /// Word `k` (`k < WORDS`), if it exists (the table's words exist once it is allocated).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn word(&self, k: usize) -> Option<&AtomicUsize> {
        if k < PARK {
            return Some(&self.hot.park[k]);
        }
        #[cfg(atomicarena_stripes)]
        {
            let table = self.stripes.table()?;
            if k < LOCAL_BASE {
                return Some(table.stripe(k - STRIPE_BASE));
            }
            table.local(k - LOCAL_BASE)
        }
        #[cfg(not(atomicarena_stripes))]
        None
    }

    /// Records that word `k` may be non-empty this round (before the caller makes it so).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn mark_used(&self, k: usize) {
        let bit = 1 << k;
        // Relaxed: a hint for `&mut` operations (ordered by the borrow) and for statistics.
        // Loaded first so that the line is written once per word and round.
        if self.hot.used.load(Ordering::Relaxed) & bit == 0 {
            self.hot.used.fetch_or(bit, Ordering::Relaxed);
        }
    }

    /// Runs `f` on every word that may be non-empty.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn for_used_words(&self, mut f: impl FnMut(usize, &AtomicUsize)) {
        // Relaxed: see `mark_used`.
        let mut used = self.hot.used.load(Ordering::Relaxed);
        while used != 0 {
            let k = used.trailing_zeros() as usize;
            used &= used - 1;
            if let Some(w) = self.word(k) {
                f(k, w);
            }
        }
    }

    /// Whether any word may be non-empty. Under `&mut`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn words_in_use(&mut self) -> bool {
        // `&mut self`: a plain read.
        self.hot.used.load(Ordering::Relaxed) != 0
    }

    /// Free slots in the words (a snapshot under concurrency).
    fn words_free(&self) -> usize {
        let mut free = 0;
        self.for_used_words(|_, w| free += words::free_len(w));
        free
    }

    /// Clears the mark of slot `i`, just taken from a marked range. The take was Acquire
    /// (`words::TAKE`), which orders the marks' writing (before the range's Release
    /// publication) before our clearing.
    #[cold]
    #[inline(never)]
    fn unmark_one(&self, marks: Option<&[TrackedCell<u8>]>, i: usize) {
        if let Some(marks) = marks {
            clear_marks(marks, i..i + 1);
        }
    }

    /// Takes up to `want` slots (exactly `want` with `exact`) from the front of any word's
    /// free range. `None` when no word has them (or words are not used for `n` slots).
    #[cold]
    #[inline(never)]
    fn take_front_anywhere(
        &self,
        n: usize,
        want: usize,
        exact: bool,
    ) -> Option<(Range<usize>, bool)> {
        if !words::enabled(n) {
            return None;
        }
        (0..WORDS).find_map(|k| words::take_front(self.word(k)?, want, exact))
    }

    /// Gives the free range of word `w` back to the cursor if it ends where the cursor stands;
    /// returns whether it did. The range is locked first (the word is `OWNED` for the length of
    /// one cursor exchange), so that nobody takes from it while it goes back.
    fn give_back_word(&self, w: &AtomicUsize, marks: Option<&[TrackedCell<u8>]>) -> bool {
        // Acquire: as in `words::take_front` (we may clear the range's marks).
        let cur = w.load(Ordering::Acquire);
        let Some((range, marked)) = words::free_range(cur) else {
            return false;
        };
        // Relaxed: a hint, checked again by the exchange below.
        if range.end != self.hot.next.load(Ordering::Relaxed) {
            return false;
        }
        if w.compare_exchange(cur, words::OWNED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        // The range is ours now. Slots at or above the cursor never carry the hole tag: clear
        // them before they go back.
        if marked {
            if let Some(marks) = marks {
                clear_marks(marks, range.clone());
            }
        }
        if self.give_back(range.clone()) {
            // Relaxed: the slots were handed over by the cursor's Release exchange.
            w.store(EMPTY, Ordering::Relaxed);
            true
        } else {
            // Someone claimed after the range: it stays in the word, unmarked now (allowed at
            // `&self` time, see `words.rs`). Release: publishes the cleared marks, as a range's
            // publication always does.
            w.store(words::pack(range, false), Ordering::Release);
            false
        }
    }

    /// Gives back every word's free range that ends where the cursor stands, until none does
    /// (each one that goes back may bring the next one to the cursor's end).
    #[inline(never)]
    fn give_back_tails(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) {
        if !words::enabled(n) {
            return;
        }
        loop {
            let mut any = false;
            self.for_used_words(|_, w| any |= self.give_back_word(w, marks));
            if !any {
                return;
            }
        }
    }

    /// A word for a per-thread handle, owned by the caller until it stores a range or `EMPTY`
    /// in it: an empty one, or failing that one whose free range the caller takes (returned).
    /// `None` when words are not used for `n` slots or every handle word is owned.
    #[cold]
    #[allow(clippy::type_complexity)]
    pub(crate) fn own_word(
        &self,
        n: usize,
    ) -> Option<(&AtomicUsize, Option<(Range<usize>, bool)>)> {
        if !words::enabled(n) {
            return None;
        }
        // The inline words first (an empty one, else one whose range we take over), as in a
        // cursor without a table; then, for striped cursors, the table's handle words the same
        // way. So a thread used alone gets the same words, and the same slots, as without
        // stripes, as long as fewer than `PARK` handles are alive at once.
        let inline = (0..PARK)
            .map(|k| (k, false))
            .chain((0..PARK).map(|k| (k, true)));
        #[cfg(atomicarena_stripes)]
        let table: &[usize] = if stripes::enabled(n) {
            let _ = self.stripes.table_or_new();
            &[LOCAL_BASE, WORDS]
        } else {
            &[0, 0]
        };
        #[cfg(not(atomicarena_stripes))]
        let table: &[usize] = &[0, 0];
        let in_table = (table[0]..table[1])
            .map(|k| (k, false))
            .chain((table[0]..table[1]).map(|k| (k, true)));
        for (k, take_range) in inline.chain(in_table) {
            let Some(w) = self.word(k) else { continue };
            if let Some(taken) = words::own(w, take_range) {
                // Before the word holds anything that `&mut` operations must see (it is owned,
                // its range not yet published): the bit is read only then, or as a hint.
                self.mark_used(k);
                return Some((w, taken));
            }
        }
        None
    }

    // ---- claims ------------------------------------------------------------------------------

    /// `Cursor::claim_one` for a cursor of `n` slots.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            return self.claim_one_striped(n, marks);
        }
        match self.claim_one_quiet(n) {
            Some(i) => Some(i),
            None => self.claim_one_leftover(n, marks),
        }
    }

    /// `Cursor::claim_one_fast`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_fast(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            let table = self.stripes.table()?;
            return match words::take_one(table.stripe(stripes::my_index())) {
                Taken::Slot(i, false) => Some(i),
                // Nothing taken: `claim_one` refills, or claims around a locked stripe.
                Taken::Empty(_) | Taken::Owned => None,
                // A slot was taken: keep it (a marked one is unmarked; contention moves the
                // thread on).
                other => self.taken_slowly(n, other, marks),
            };
        }
        let _ = marks;
        self.claim_one_quiet(n)
    }

    /// `claim_one_fast`, testing the table first: it exists only when `stripes::enabled(n)`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_fast_by_table(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        #[cfg(atomicarena_stripes)]
        {
            if let Some(table) = self.stripes.table() {
                return match words::take_one(table.stripe(stripes::my_index())) {
                    Taken::Slot(i, false) => Some(i),
                    Taken::Empty(_) | Taken::Owned => None,
                    other => self.taken_slowly(n, other, marks),
                };
            }
            if stripes::enabled(n) {
                return None;
            }
        }
        let _ = marks;
        self.claim_one_quiet(n)
    }

    /// `claim_one` for a cursor with stripes: from the calling thread's stripe.
    #[cfg(atomicarena_stripes)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_striped(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        let table = self.stripes.table_or_new();
        let idx = stripes::my_index();
        match words::take_one(table.stripe(idx)) {
            Taken::Slot(i, false) => Some(i),
            Taken::Empty(seen) => self.refill_stripe(n, table, idx, seen, marks),
            other => self.taken_slowly(n, other, marks),
        }
    }

    /// The rare outcomes of a stripe take: a marked slot, a slot taken under contention (the
    /// thread moves to another stripe), or a stripe being refilled by another thread that maps
    /// to it.
    #[cfg(atomicarena_stripes)]
    #[cold]
    #[inline(never)]
    fn taken_slowly(
        &self,
        n: usize,
        taken: Taken,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        let (i, marked) = match taken {
            Taken::Slot(i, marked) => (i, marked),
            Taken::Contended(i, marked) => {
                stripes::moved_on();
                (i, marked)
            }
            Taken::Empty(_) | Taken::Owned => return self.claim_one_unstriped(n, marks),
        };
        if marked {
            self.unmark_one(marks, i);
        }
        Some(i)
    }

    /// The thread's stripe is empty (`seen`). If another stripe claimed the latest chunk and
    /// its tail ends where the cursor stands, the thread *adopts* that stripe and continues
    /// there (so that threads used in turn continue exactly where the last one stopped, as
    /// without stripes; a thread that then meets contention moves on, see `stripes::moved_on`).
    /// Otherwise it locks its stripe, fills it with a chunk of the cursor and takes the chunk's
    /// first slot; when the cursor is exhausted, one slot from any word.
    #[cfg(atomicarena_stripes)]
    #[cold]
    #[inline(never)]
    fn refill_stripe(
        &self,
        n: usize,
        table: &Table,
        idx: usize,
        seen: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<usize> {
        // Relaxed: `last` is a hint; every use of it is checked.
        let last = self.hot.last.load(Ordering::Relaxed);
        if last == idx + 1 {
            // We claimed the latest chunk too: nobody else is refilling.
            stripes::may_adopt_again();
        } else if last != 0 && stripes::may_adopt() {
            let other = table.stripe(last - 1);
            // Relaxed: a hint, as in `give_back_word`; the take itself is checked.
            let at_end = words::free_range(other.load(Ordering::Relaxed))
                .is_some_and(|(r, _)| r.end == self.hot.next.load(Ordering::Relaxed));
            if at_end {
                stripes::adopt(last - 1);
                match words::take_one(other) {
                    Taken::Slot(i, marked) | Taken::Contended(i, marked) => {
                        if marked {
                            self.unmark_one(marks, i);
                        }
                        return Some(i);
                    }
                    Taken::Empty(_) | Taken::Owned => {}
                }
            }
        }
        let word = table.stripe(idx);
        // Lock the empty stripe so that one thread refills it. Relaxed: the lock protects no
        // data, only makes one thread fill it (the word's modification order).
        if word
            .compare_exchange(seen, words::OWNED, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return self.claim_one_unstriped(n, marks);
        }
        let Some(range) = self.claim_up_to_quiet(n, stripes::chunk_len(n)) else {
            // The cursor is exhausted: unlock (Relaxed: nothing was published) and take one slot
            // from any word, as a claim without stripes does, so that a thread used alone gets
            // the same slots with stripes as without.
            word.store(EMPTY, Ordering::Relaxed);
            return self.claim_one_leftover(n, marks);
        };
        self.hot.last.store(idx + 1, Ordering::Relaxed);
        self.mark_used(STRIPE_BASE + idx);
        // Release: passes on what our Acquire claim of the chunk took over (slots given back
        // after being written, see `claim_one_quiet`) to whoever takes from the stripe (an
        // Acquire take, `words::TAKE`).
        word.store(
            words::pack(range.start + 1..range.end, false),
            Ordering::Release,
        );
        Some(range.start)
    }

    /// A single claim that does not use the thread's stripe (another thread is refilling it).
    #[cfg(atomicarena_stripes)]
    #[cold]
    #[inline(never)]
    fn claim_one_unstriped(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        match self.claim_one_quiet(n) {
            Some(i) => Some(i),
            None => self.claim_one_leftover(n, marks),
        }
    }

    /// The cursor is exhausted: one slot from any word, or a failure.
    #[cold]
    #[inline(never)]
    fn claim_one_leftover(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) -> Option<usize> {
        if words::enabled(n) {
            for k in 0..WORDS {
                let Some(w) = self.word(k) else { continue };
                if let Taken::Slot(i, marked) | Taken::Contended(i, marked) = words::take_one(w) {
                    if marked {
                        self.unmark_one(marks, i);
                    }
                    return Some(i);
                }
            }
        }
        self.record_failure();
        None
    }

    /// Claims one slot from the shared cursor; `None` when it is exhausted.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_quiet(&self, n: usize) -> Option<usize> {
        // Uniqueness comes from the read-modify-write itself (one modification order on one
        // location). Acquire: a slot given back to the cursor (`give_back`, Release) may have
        // been written by the thread that gave it back (`Arena::alloc_extend` whose items did
        // not fit); our write of the slot must happen after that one. (Free on x86, where
        // every locked instruction is a full barrier.) A new round starts only under
        // `&mut self`, which happens-after every `&self` use of the last round.
        let i = self.hot.next.fetch_add(1, Ordering::Acquire);
        if i < n {
            Some(i)
        } else {
            self.undo_failed_one();
            None
        }
    }

    /// Undoes a failed single claim, so failures can never walk the cursor towards a wrap.
    #[cold]
    #[inline(never)]
    fn undo_failed_one(&self) {
        // Relaxed: only the count matters. The cursor was `>= N` when we added one, and while
        // it is above `N` only failed claims (each taking back its own one) lower it, so this
        // never brings it below `N`: no slot is freed twice.
        self.hot.next.fetch_sub(1, Ordering::Relaxed);
    }

    #[cold]
    fn record_failure(&self) {
        // Relaxed: a statistic; it orders nothing.
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// `Cursor::claim` for a cursor of `n` slots: the tails at the cursor's end go back, then
    /// the cursor, then a word's range that has `len` slots.
    #[inline]
    fn claim(
        &self,
        n: usize,
        len: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Result<usize, Full<()>> {
        self.give_back_tails(n, marks);
        if let Some(start) = self.claim_exact_quiet(n, len) {
            return Ok(start);
        }
        match self.take_front_anywhere(n, len, true) {
            Some((range, marked)) => {
                if marked {
                    if let Some(marks) = marks {
                        clear_marks(marks, range.clone());
                    }
                }
                Ok(range.start)
            }
            None => {
                self.record_failure();
                Err(Full(()))
            }
        }
    }

    /// Claims exactly `len` contiguous slots from the cursor.
    fn claim_exact_quiet(&self, n: usize, len: usize) -> Option<usize> {
        // Relaxed throughout, for the reasons given in `claim_one_quiet`: uniqueness comes from
        // the compare-and-swap being a read-modify-write of the cursor.
        let mut cur = self.hot.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur > n || len > n - cur {
                return None;
            }
            // Acquire on success: as in `claim_one_quiet` (slots given back may have been
            // written).
            match self.hot.next.compare_exchange_weak(
                cur,
                cur + len,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(cur),
                Err(now) => {
                    cur = now;
                    backoff.spin();
                }
            }
        }
    }

    /// A chunk of between 1 and `want` contiguous slots for a per-thread handle of a cursor of
    /// `n` slots: the tails at the cursor's end go back, then the cursor, then the front of any
    /// word's range. Returns the range and whether its marks carry the hole tag. `want >= 1`.
    #[inline(never)]
    pub(crate) fn claim_chunk(
        &self,
        n: usize,
        want: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<(Range<usize>, bool)> {
        self.give_back_tails(n, marks);
        if let Some(range) = self.claim_up_to_quiet(n, want) {
            return Some((range, false));
        }
        let got = self.take_front_anywhere(n, want, false);
        if got.is_none() {
            self.record_failure();
        }
        got
    }

    /// Claims between 1 and `want` contiguous slots of the cursor (fewer only near the end of
    /// capacity); `None` when it is exhausted.
    fn claim_up_to_quiet(&self, n: usize, want: usize) -> Option<Range<usize>> {
        debug_assert!(want >= 1);
        // Relaxed throughout, for the reasons given in `claim_one_quiet`. (A `Local` then marks
        // the chunk as holes; `mark_holes` has the Acquire fence for that.)
        let mut cur = self.hot.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur >= n {
                return None;
            }
            let end = cur + want.min(n - cur);
            // Acquire on success: as in `claim_one_quiet`.
            match self.hot.next.compare_exchange_weak(
                cur,
                end,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(cur..end),
                Err(now) => {
                    cur = now;
                    backoff.spin();
                }
            }
        }
    }

    /// Gives back the unused tail `unused.start..unused.end` of a claimed range if it is still
    /// at the cursor's end (nobody claimed after it); returns whether it did. Otherwise the
    /// slots stay claimed by the caller. Their marks must be clear.
    pub(crate) fn give_back(&self, unused: Range<usize>) -> bool {
        // The exchange succeeds only if the cursor is exactly at our range's end, so no slot
        // claimed by anyone else is ever given back.
        // Release on success: the caller cleared these slots' marks just before; whoever
        // claims them next and writes their marks (a hole) does so after an Acquire fence
        // (`mark_holes`), which pairs with this. Relaxed on failure: nothing is handed over.
        unused.start < unused.end
            && self
                .hot
                .next
                .compare_exchange(
                    unused.end,
                    unused.start,
                    Ordering::Release,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    /// Reserves every slot the cursor has left (after giving back the tails that end at it),
    /// for `Arena::alloc_extend`; `None` (a failure counted) when none is left. The range ends
    /// at `n`: nobody can claim from the cursor after it, so `return_rest` always succeeds.
    pub(crate) fn reserve_rest(
        &self,
        n: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<Range<usize>> {
        self.give_back_tails(n, marks);
        let got = self.claim_up_to_quiet(n, n);
        if got.is_none() {
            self.record_failure();
        }
        got
    }

    /// Gives back the end `rest` of a range from `reserve_rest` (it ends at the cursor, which
    /// only failing single claims move, and only for a moment: see `claim_one_quiet`). Its
    /// marks are clear (never written). An empty `rest` is a no-op.
    pub(crate) fn return_rest(&self, rest: Range<usize>) {
        let backoff = crossbeam_utils::Backoff::new();
        while !rest.is_empty() && !self.give_back(rest.clone()) {
            // A failing single claim added one and is about to take it back.
            backoff.snooze();
        }
    }

    /// Whether the cursor stands at `end` (a hint for a handle about to give its tail back).
    pub(crate) fn is_at(&self, end: usize) -> bool {
        // Relaxed: a hint; `give_back` checks it with an exchange.
        self.hot.next.load(Ordering::Relaxed) == end
    }

    /// Publishes the free range `range` in word `w`, which the caller owns: the unused tail of
    /// a handle's chunk that could not go back to the cursor. `marked`: its slots carry the
    /// hole tag.
    pub(crate) fn publish(&self, w: &AtomicUsize, range: Range<usize>, marked: bool) {
        // Release: publishes the marks (see `unmark_one`). The word's `used` bit was set when
        // it was owned.
        w.store(words::pack(range, marked), Ordering::Release);
    }

    /// Releases word `w`, owned by the caller, empty.
    pub(crate) fn release(&self, w: &AtomicUsize) {
        // Relaxed: nothing is published.
        w.store(EMPTY, Ordering::Relaxed);
    }

    /// Counts `k` slots as holes (claimed, holding no value).
    #[inline]
    pub(crate) fn add_holes(&self, k: usize) {
        if k > 0 {
            // Relaxed: a statistic.
            self.holes.fetch_add(k, Ordering::Relaxed);
        }
    }

    /// Counts `k` holes as no longer holes (values now, or free again).
    #[inline]
    pub(crate) fn sub_holes(&self, k: usize) {
        if k > 0 {
            // Relaxed: a statistic.
            self.holes.fetch_sub(k, Ordering::Relaxed);
        }
    }

    /// Under ThreadSanitizer (see `build.rs`): an Acquire load of the cursor that stands in for
    /// the Acquire fence of `mark_holes`, which TSan does not model. Pairs with the Release
    /// exchange of `give_back`.
    #[cfg(atomicarena_tsan)]
    fn acquire(&self) {
        let _ = self.hot.next.load(Ordering::Acquire);
    }

    // ---- statistics and rounds ---------------------------------------------------------------

    /// Values handed out this round: the claimed slots minus the free ranges in words and the
    /// holes. Exact when nothing is in flight (no claim running, no handle alive); a snapshot
    /// otherwise.
    #[inline]
    pub(crate) fn len(&self, n: usize) -> usize {
        // Relaxed: statistics; they order nothing.
        let claimed = self.hot.next.load(Ordering::Relaxed).min(n);
        let holes = self.holes.load(Ordering::Relaxed);
        claimed.saturating_sub(self.words_free() + holes)
    }

    /// Slots claimed from the cursor this round (`0..claimed()` is where values, holes and the
    /// words' free ranges are). Exact under `&mut self`; a snapshot otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claimed(&self, n: usize) -> usize {
        // Relaxed: a statistic, or under `&mut self`.
        self.hot.next.load(Ordering::Relaxed).min(n)
    }

    /// Slots that a claim can still get this round: those above the cursor and those in the
    /// words' free ranges. A snapshot under concurrency.
    #[inline]
    pub(crate) fn free(&self, n: usize) -> usize {
        // Relaxed: a statistic; it orders nothing.
        let above = n - self.hot.next.load(Ordering::Relaxed).min(n);
        (above + self.words_free()).min(n)
    }

    /// Under `&mut` (call only when a word is in use): every word's tail at the cursor's end
    /// goes back; a word still owned belongs to a forgotten handle (its chunk is counted as
    /// holes) and is emptied; for an arena (`marks`), every free range left below the cursor is
    /// marked with the round's hole tag so that iteration, reset and drop skip it, and stays in
    /// its word, claimable for the rest of the round.
    /// Returns whether a forgotten handle's word was found.
    #[cold]
    #[inline(never)]
    fn settle(&mut self, n: usize, mut marks: Option<&mut [TrackedCell<u8>]>) -> bool {
        self.give_back_tails(n, marks.as_deref());
        let tag = self.tag();
        let mut keep = 0;
        let mut dirty = false;
        let mut forgotten = false;
        self.for_used_words(|k, w| {
            // `&mut self`: plain accesses (loom's atomics have no `get_mut`).
            let cur = w.load(Ordering::Relaxed);
            forgotten |= words::is_owned(cur);
            match words::free_range(cur) {
                None => w.store(EMPTY, Ordering::Relaxed),
                Some((range, marked)) => {
                    keep |= 1 << k;
                    if !marked {
                        if let Some(marks) = marks.as_deref_mut() {
                            for mark in &mut marks[range.clone()] {
                                *mark.get_mut() = tag;
                            }
                            dirty = true;
                            w.store(words::pack(range, true), Ordering::Relaxed);
                        }
                    }
                }
            }
        });
        if dirty {
            self.set_dirty();
        }
        self.hot.used.store(keep, Ordering::Relaxed);
        forgotten
    }

    /// Under `&mut`, after `settle`: sets the holes so that `len` is `values` (a pool counts
    /// its values after a forgotten handle, whose chunk holds values it handed out).
    pub(crate) fn set_values(&mut self, n: usize, values: usize) {
        let holes = self.claimed(n) - self.words_free() - values;
        // `&mut self`: a plain store.
        self.holes.store(holes, Ordering::Relaxed);
    }

    /// Claims that found no room, over the cursor's life.
    #[inline]
    pub(crate) fn failed(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        self.failed.load(Ordering::Relaxed)
    }

    /// `Cursor::rewind`: every slot below `len` is taken (values or holes of the arena), every
    /// word is emptied.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn rewind(&mut self, len: usize) -> usize {
        let free = if self.words_in_use() {
            self.take_words()
        } else {
            0
        };
        self.set_len(len);
        // `&mut self`: plain stores (loom's atomics have no `get_mut`).
        self.holes.store(0, Ordering::Relaxed);
        self.hot.last.store(0, Ordering::Relaxed);
        free
    }

    /// `Cursor::end_round`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn end_round(&mut self, n: usize) -> usize {
        let claimed = self.claimed(n);
        // Read before `rewind` forgets them; the words' free slots come back from the same
        // pass that empties them.
        // `&mut self`: a plain load (loom's atomics have no `get_mut`).
        let holes = self.holes.load(Ordering::Relaxed);
        let free = self.rewind(0);
        self.high_water = self.high_water.max(claimed.saturating_sub(free + holes));
        self.claimed_hi = self.claimed_hi.max(claimed);
        claimed
    }

    /// Empties every word in use and returns how many free slots they held. Under `&mut`.
    #[cold]
    #[inline(never)]
    fn take_words(&mut self) -> usize {
        let mut free = 0;
        self.for_used_words(|_, w| {
            free += words::free_len(w);
            w.store(EMPTY, Ordering::Relaxed);
        });
        self.hot.used.store(0, Ordering::Relaxed);
        free
    }

    /// Sets the number of claimed slots (at most the capacity); `&mut self` means no claim
    /// is in flight.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn set_len(&mut self, len: usize) {
        #[cfg(not(loom))]
        {
            *self.hot.next.get_mut() = len;
        }
        #[cfg(loom)]
        {
            // loom's atomics have no `get_mut`; `&mut self` makes a plain store equivalent.
            self.hot.next.store(len, Ordering::Relaxed);
        }
    }

    /// Counts `k` more holes under `&mut` (a drain moved values out).
    #[inline]
    pub(crate) fn add_holes_mut(&mut self, k: usize) {
        #[cfg(not(loom))]
        {
            *self.holes.get_mut() += k;
        }
        #[cfg(loom)]
        {
            let h = self.holes.load(Ordering::Relaxed);
            self.holes.store(h + k, Ordering::Relaxed);
        }
    }

    /// Counts `k` holes less under `&mut` (`fill_default` filled them).
    #[inline]
    pub(crate) fn sub_holes_mut(&mut self, k: usize) {
        #[cfg(not(loom))]
        {
            *self.holes.get_mut() -= k;
        }
        #[cfg(loom)]
        {
            let h = self.holes.load(Ordering::Relaxed);
            self.holes.store(h - k, Ordering::Relaxed);
        }
    }

    /// `Cursor::fmt_stats`.
    #[inline(never)]
    fn fmt_stats(
        &self,
        n: usize,
        name: &str,
        f: &mut core::fmt::Formatter<'_>,
    ) -> core::fmt::Result {
        let len = self.len(n);
        f.debug_struct(name)
            .field("len", &len)
            .field("capacity", &n)
            .field("high_water", &self.high_water.max(len))
            .field("failed_allocs", &self.failed())
            .finish_non_exhaustive()
    }

    // ---- the arena's hole marks (see `arena.rs`) ----------------------------------------------
    //
    // One byte per slot, in the arena next to its values; the cursor keeps the round's tag,
    // the `dirty` flag and the sweep schedule. Here rather than in the arena so that this code
    // exists once, whatever the element type.

    /// This round's hole tag.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn tag(&self) -> u8 {
        self.round + 1
    }

    /// Marks `range` of `marks` as holes of this round. The caller owns the range (claimed
    /// this round).
    #[cold]
    #[inline(never)]
    pub(crate) fn mark_holes(&self, marks: &[TrackedCell<u8>], range: Range<usize>) {
        // Acquire: a `Local` that gave these slots back cleared their marks before its Release
        // exchange (`give_back`); our claim read that value (or a later one in its release
        // sequence), so this fence orders those writes before ours.
        #[cfg(not(atomicarena_tsan))]
        crate::sync::fence(Ordering::Acquire);
        // ThreadSanitizer does not model fences (see build.rs): an Acquire load of the cursor
        // instead. It reads our claim's value or a later one; every write to the cursor between
        // `&mut self` points is a read-modify-write, so that value is in the release sequence
        // of the giver's exchange too, and the load synchronises with it as the fence does.
        #[cfg(atomicarena_tsan)]
        self.acquire();
        // Relaxed: read only under `&mut self`, which the borrow orders after us. Loaded first
        // so that the flag's cache line is written once per round, not once per hole.
        if !self.dirty.load(Ordering::Relaxed) {
            self.dirty.store(true, Ordering::Relaxed);
        }
        let tag = self.tag();
        for mark in &marks[range] {
            // SAFETY: the caller owns these slots and their marks for the round; earlier
            // writers are ordered before us by the fence above or by `&mut self`.
            mark.with_mut(|m| unsafe { *m = tag });
        }
    }

    /// Starts a new round of the arena that owns `marks` with a fresh hole tag (see
    /// `arena.rs`). If the round that ends made holes and no sweep is pending, a sweep is
    /// scheduled for 255 resets later, the last reset before this round's tag comes back; a
    /// due sweep clears every mark below the high-water mark, which covers every round since
    /// the last sweep. Otherwise O(1). Call after `end_round` (it reads `claimed_hi`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn next_round(&mut self, marks: &mut [TrackedCell<u8>]) {
        let dirty = self.take_dirty();
        if dirty || self.sweep_in > 0 {
            self.count_down_to_sweep(marks, dirty);
        }
        self.round = if self.round == 254 { 0 } else { self.round + 1 };
    }

    /// `next_round`, not inlined: for the slow path of `reset`, so that it is compiled once.
    #[inline(never)]
    pub(crate) fn next_round_outlined(&mut self, marks: &mut [TrackedCell<u8>]) {
        self.next_round(marks);
    }

    /// The part of `next_round` that runs only once holes were made: schedule a sweep, count
    /// down to it, sweep.
    #[cold]
    #[inline(never)]
    fn count_down_to_sweep(&mut self, marks: &mut [TrackedCell<u8>], dirty: bool) {
        if dirty && self.sweep_in == 0 {
            self.sweep_in = 255;
        }
        if self.sweep_in > 0 {
            self.sweep_in -= 1;
            if self.sweep_in == 0 {
                // Marks are written only for claimed slots, and `claimed_hi` bounds every
                // round's claims (it is updated before this call).
                let hi = self.claimed_hi.min(marks.len());
                for mark in &mut marks[..hi] {
                    *mark.get_mut() = CLEAR;
                }
            }
        }
    }

    /// Records under `&mut self` that a mark is about to be given this round's tag.
    #[inline]
    pub(crate) fn set_dirty(&mut self) {
        #[cfg(not(loom))]
        {
            *self.dirty.get_mut() = true;
        }
        #[cfg(loom)]
        self.dirty.store(true, Ordering::Relaxed);
    }

    /// Reads and clears the `dirty` flag under `&mut self`.
    #[inline]
    fn take_dirty(&mut self) -> bool {
        #[cfg(not(loom))]
        {
            core::mem::take(self.dirty.get_mut())
        }
        #[cfg(loom)]
        {
            self.dirty.swap(false, Ordering::Relaxed)
        }
    }
}

/// Clears the marks of `range` (no longer holes: initialised, or about to be given back).
/// The caller owns the range.
pub(crate) fn clear_marks(marks: &[TrackedCell<u8>], range: Range<usize>) {
    for mark in &marks[range] {
        // SAFETY: the caller owns these slots and their marks for the round.
        mark.with_mut(|m| unsafe { *m = CLEAR });
    }
}

/// The statistics methods of a kind that counts its slots with a [`Cursor`] in its `cursor`
/// field (`Arena` and `Pool`): one definition, one set of docs. `$kind` names the type in the
/// examples, `$end` is the `&mut self` method that ends a round there (for `high_water`'s
/// example), and `$used` says what a used slot is for this kind.
macro_rules! statistics {
    ($kind:ident, $end:ident, $used:literal, $($cursor:ident).+) => {
        #[doc = concat!("The number of slots used this round: ", $used, ". Free slots are not")]
        /// counted, wherever they are (threads' chunks, handles' tails), and neither are the
        /// slots of a live per-thread handle's chunk that it has not committed yet.
        ///
        /// Exact when no allocation is in flight and no handle is alive; under concurrent
        /// allocation, a snapshot that may already be out of date.
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert_eq!(a.len(), 1);
        /// ```
        #[inline]
        #[must_use]
        pub fn len(&self) -> usize {
            self.$($cursor).+.len(self.cap())
        }

        /// `true` when no slot was used this round.
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// assert!(a.is_empty());
        /// ```
        #[inline]
        #[must_use]
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }

        /// The number of slots: `N` for the inline kind, the capacity it was built with for the
        /// heap kind.
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// assert_eq!(a.capacity(), 4);
        #[doc = concat!("let h = atomicarena::Heap", stringify!($kind), "::<u8>::with_capacity(7);")]
        /// assert_eq!(h.capacity(), 7);
        /// ```
        #[inline]
        #[must_use]
        pub fn capacity(&self) -> usize {
            self.cap()
        }

        /// The number of slots an allocation can still get this round: those no thread has
        /// claimed, and the free slots of threads' chunks and of dropped handles' tails, which
        /// every claim can take (a snapshot under concurrency).
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert_eq!(a.remaining(), 3);
        /// ```
        #[inline]
        #[must_use]
        pub fn remaining(&self) -> usize {
            self.$($cursor).+.free(self.cap())
        }

        #[doc = concat!("`true` when no slot is left this round ([`remaining`](", stringify!($kind), "::remaining) is 0).")]
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 1> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert!(a.is_full());
        /// ```
        #[inline]
        #[must_use]
        pub fn is_full(&self) -> bool {
            self.remaining() == 0
        }

        /// Bytes of slot storage used this round, `len() * size_of::<T>()` (the Go arena's
        /// offset; heap memory owned by the values is not counted).
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u64, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// a.alloc(2).unwrap();
        /// assert_eq!(a.bytes_used(), 16);
        /// ```
        #[inline]
        #[must_use]
        pub fn bytes_used(&self) -> usize {
            self.len() * core::mem::size_of::<T>()
        }

        #[doc = concat!("The largest [`len`](", stringify!($kind), "::len) of any round so far, the current one included.")]
        ///
        /// ```
        #[doc = concat!("let mut a: atomicarena::", stringify!($kind), "<u8, 8> = atomicarena::", stringify!($kind), "::new();")]
        /// for v in 0..5 {
        ///     a.alloc(v).unwrap();
        /// }
        #[doc = concat!("a.", stringify!($end), "();")]
        /// a.alloc(1).unwrap();
        /// assert_eq!(a.high_water(), 5);
        /// ```
        #[inline]
        #[must_use]
        pub fn high_water(&self) -> usize {
            self.$($cursor).+.high_water.max(self.len())
        }

        /// How many allocation calls found no room, over the whole life of the value (a new
        /// round does not clear it).
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 1> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert!(a.alloc(2).is_err());
        /// assert_eq!(a.failed_allocs(), 1);
        /// ```
        #[inline]
        #[must_use]
        pub fn failed_allocs(&self) -> usize {
            self.$($cursor).+.failed()
        }
    };
}
pub(crate) use statistics;
