//! Striped sub-cursors for the shared path: what lets `Arena::alloc(&self)` and
//! `Pool::take`/`alloc` scale across threads (`std` only; arenas of at least
//! [`MIN_CAPACITY`] and at most `u32::MAX` slots).
//!
//! # Algorithm
//!
//! The JVM's thread-local allocation buffers, Go's per-P `mcache` and bumpalo-herd's
//! per-thread `Bump` give each thread a private piece of the shared heap, claimed from it with
//! one atomic operation per piece. Here:
//!
//! * A cursor with stripes has a lazily allocated table of [`STRIPES`] cache-padded *stripes*.
//!   A stripe is a sub-cursor: one `AtomicU64` holding a chunk `next..end` of slot indices
//!   (two 32-bit halves), claimed from the shared cursor with one read-modify-write
//!   ([`Cursor::claim_up_to`](crate::cursor::Cursor)). Every thread maps to one stripe (a
//!   thread-local index, assigned round-robin on first use), so with up to [`STRIPES`] threads
//!   each thread has a stripe and a cache line of its own.
//! * A single claim is one compare-and-swap `next -> next + 1` on the thread's stripe. It is a
//!   read-modify-write, but of a line that no other thread writes, so it never waits for
//!   another core: the shared cursor's line moves once per chunk, not once per allocation.
//!   Because every change to a stripe is a read-modify-write of its one word, any thread may
//!   take slots from any stripe: threads that share a stripe (more threads than stripes) are
//!   merely slower, and a thread that finds its stripe and the cursor empty takes what is left
//!   in the other stripes. So `Full` means what it means without stripes: no slot was left in
//!   the cursor or in any chunk when the claim looked.
//! * Refilling locks the stripe for the duration of one cursor claim (the word holds `LOCKED`,
//!   `next > end`); a thread that finds it locked does not wait, it claims from the shared
//!   cursor directly. Nothing ever waits on another thread.
//! * The chunks live in the arena, so under `&mut self` the arena knows every unused slot
//!   exactly: the stripes' `next..end`. [`Stripes::settle`] returns those tails (the caller
//!   gives back the one at the cursor's end and marks the others as holes) and empties every
//!   stripe. Before a batch or a per-thread handle claims from the cursor, the calling thread
//!   gives its stripe's tail back when it is at the cursor's end ([`Stripes::take_own_tail`]),
//!   so that used from one thread at a time an arena with stripes hands out exactly the slots
//!   an arena without them would, in the same order.
//!
//! # Soundness
//!
//! Invariant 1 (a slot handed out once per round): chunks are claimed from the shared cursor by
//! read-modify-writes, so they never overlap; a chunk is published in one stripe word, and
//! every slot taken from it is taken by a successful compare-and-swap that moves `next` past it
//! (one modification order per word), or by removing the tail under the same discipline. No
//! ordering beyond that is needed, for the reasons given in `cursor.rs` (`claim_one`).

use core::ops::Range;
use core::ptr;
use std::boxed::Box;
use std::cell::Cell;

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

/// Stripes per cursor: how many threads get a chunk (and a cache line) of their own.
pub(crate) const STRIPES: usize = if cfg!(loom) { 2 } else { 8 };

/// Cursors of fewer slots have no stripes: they never allocate a table and use the single
/// shared cursor, as `no_std` builds do.
pub(crate) const MIN_CAPACITY: usize = if cfg!(loom) { 4 } else { 4096 };

/// Whether a cursor of `n` slots uses stripes: at least [`MIN_CAPACITY`], and indices that fit
/// in a stripe word's 32-bit halves.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn enabled(n: usize) -> bool {
    n >= MIN_CAPACITY && n as u64 <= u32::MAX as u64
}

/// Slots a stripe claims at once for a cursor of `n` slots: `n / 512`, at least 1 and at most
/// 256, so that all stripes together hold at most `n / 64` claimed-but-unused slots.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn chunk_len(n: usize) -> usize {
    if cfg!(loom) {
        return 2;
    }
    let c = n / (64 * STRIPES);
    if c < 1 {
        1
    } else if c > 256 {
        256
    } else {
        c
    }
}

/// A stripe word: `end` in the high half, `next` in the low half; `next..end` are the unused
/// slots of the chunk. `next == end` is an empty stripe; `next > end` occurs only as `LOCKED`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
const fn pack(next: usize, end: usize) -> u64 {
    ((end as u64) << 32) | next as u64
}

#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
const fn unpack(word: u64) -> (usize, usize) {
    ((word & 0xFFFF_FFFF) as usize, (word >> 32) as usize)
}

/// A stripe being refilled (`next > end`: no slot to take).
const LOCKED: u64 = pack(1, 0);

/// The stripes of one cursor, on the heap (so that small arenas never carry them).
struct Table {
    words: [CachePadded<AtomicU64>; STRIPES],
}

/// The striped part of a cursor: a pointer to the lazily allocated table.
pub(crate) struct Stripes {
    /// Null until the first striped claim; installed once by a compare-and-swap; freed on drop.
    table: AtomicPtr<Table>,
}

// ---- which stripe a thread uses ----------------------------------------------------------------

#[cfg(not(loom))]
static NEXT_INDEX: AtomicUsize = AtomicUsize::new(0);

#[cfg(loom)]
loom::lazy_static! {
    static ref NEXT_INDEX: AtomicUsize = AtomicUsize::new(0);
}

/// Not yet assigned.
const NO_INDEX: usize = usize::MAX;

#[cfg(not(loom))]
std::thread_local! {
    static INDEX: Cell<usize> = const { Cell::new(NO_INDEX) };
}

#[cfg(loom)]
loom::thread_local! {
    static INDEX: Cell<usize> = Cell::new(NO_INDEX);
}

/// The calling thread's stripe index: assigned round-robin on first use, the same for every
/// arena. Stripe 0 when thread-local storage is gone (the thread is being destroyed).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn my_index() -> usize {
    INDEX
        .try_with(|i| {
            let mut idx = i.get();
            if idx == NO_INDEX {
                // Relaxed: the counter only spreads threads over stripes; it orders nothing.
                idx = NEXT_INDEX.fetch_add(1, Ordering::Relaxed) % STRIPES;
                i.set(idx);
            }
            idx
        })
        .unwrap_or(0)
}

// ---- the stripes --------------------------------------------------------------------------------

impl Stripes {
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Stripes {
            table: AtomicPtr::new(ptr::null_mut()),
        }
    }

    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Stripes {
            table: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Claims one slot from the calling thread's stripe, refilling it from the shared cursor
    /// with `claim_chunk` when it is empty, then from the other stripes. `None` only when the
    /// cursor and every stripe were found empty. `Err(())` when the stripe is being refilled by
    /// another thread: the caller claims from the shared cursor instead.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim_one(
        &self,
        claim_chunk: impl FnOnce() -> Option<Range<usize>>,
    ) -> Result<Option<usize>, ()> {
        let table = self.table_or_new();
        let word = &table.words[my_index()];
        match take_one(word) {
            Taken::Slot(i) => Ok(Some(i)),
            Taken::Locked => Err(()),
            Taken::Empty(seen) => Self::refill_or_steal(table, word, seen, claim_chunk),
        }
    }

    /// The thread's stripe is empty (`seen`): refill it, or take from the other stripes.
    #[cold]
    #[inline(never)]
    fn refill_or_steal(
        table: &Table,
        word: &AtomicU64,
        seen: u64,
        claim_chunk: impl FnOnce() -> Option<Range<usize>>,
    ) -> Result<Option<usize>, ()> {
        // Lock the empty stripe so that one thread refills it. Relaxed: the lock protects no
        // data, only makes one thread claim the chunk (the word's modification order).
        if word
            .compare_exchange(seen, LOCKED, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            // Refilled or locked meanwhile: let the caller retry through the shared cursor.
            return Err(());
        }
        match claim_chunk() {
            Some(chunk) => {
                // The first slot is ours; the rest is published for any thread. Relaxed: the
                // slots' indices are all that is published (see `cursor.rs`).
                word.store(pack(chunk.start + 1, chunk.end), Ordering::Relaxed);
                Ok(Some(chunk.start))
            }
            None => {
                // The cursor is exhausted: unlock, then take what is left in other stripes.
                word.store(seen, Ordering::Relaxed);
                Ok(steal_from(table))
            }
        }
    }

    /// Takes one slot from any stripe (the calling thread's is being refilled by another).
    #[cold]
    pub(crate) fn steal(&self) -> Option<usize> {
        steal_from(self.table()?)
    }

    /// Removes the unused tail of the calling thread's stripe if `at_end(tail)` says it ends at
    /// the cursor's end, and returns it; the caller gives it back (or, if that fails, owns it
    /// and must account for it). `None` if the stripe is empty, locked, or its tail is not at
    /// the cursor's end.
    pub(crate) fn take_own_tail(&self, at_end: impl Fn(usize) -> bool) -> Option<Range<usize>> {
        let table = self.table()?;
        let word = &table.words[my_index()];
        // Relaxed: indices only (see `claim_one`).
        let mut cur = word.load(Ordering::Relaxed);
        loop {
            let (next, end) = unpack(cur);
            if next >= end || !at_end(end) {
                return None;
            }
            match word.compare_exchange_weak(
                cur,
                pack(next, next),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(next..end),
                Err(now) => cur = now,
            }
        }
    }

    /// The table, if allocated.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn table(&self) -> Option<&Table> {
        // Acquire: pairs with the Release compare-and-swap that installed the table, so that
        // its initialised (empty) words are visible.
        let p = self.table.load(Ordering::Acquire);
        // SAFETY: a non-null pointer is this cursor's live table (freed only on drop, which
        // needs `&mut self`).
        unsafe { p.as_ref() }
    }

    /// The table, allocated and installed if needed.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn table_or_new(&self) -> &Table {
        match self.table() {
            Some(t) => t,
            None => self.install_table(),
        }
    }

    #[cold]
    #[inline(never)]
    fn install_table(&self) -> &Table {
        let fresh = Box::into_raw(Box::new(Table {
            words: core::array::from_fn(|_| CachePadded::new(AtomicU64::new(pack(0, 0)))),
        }));
        // Release on success publishes the table's contents (pairs with Acquire in `table`);
        // Acquire on failure: we use the winner's table.
        match self.table.compare_exchange(
            ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            // SAFETY: just installed; freed only on drop.
            Ok(_) => unsafe { &*fresh },
            Err(winner) => {
                // SAFETY: `fresh` was never shared, so we free it; the winner's table is live
                // until drop.
                unsafe {
                    drop(Box::from_raw(fresh));
                    &*winner
                }
            }
        }
    }

    /// Slots claimed by stripes and not handed out yet (a snapshot while threads allocate;
    /// exact when none does).
    pub(crate) fn unused(&self) -> usize {
        let Some(table) = self.table() else {
            return 0;
        };
        table
            .words
            .iter()
            .map(|w| {
                // Relaxed: a statistic.
                let (next, end) = unpack(w.load(Ordering::Relaxed));
                end.saturating_sub(next)
            })
            .sum()
    }

    /// Whether a table was ever allocated (`settle` has nothing to do otherwise). Under `&mut`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn is_used(&mut self) -> bool {
        // `&mut self`: a plain read (loom's atomics have no `get_mut`).
        !self.table.load(Ordering::Relaxed).is_null()
    }

    /// Under `&mut`: empties every stripe and returns the unused tails, highest first, so that
    /// the caller can give back those at the cursor's end and mark the others as holes.
    #[cold]
    #[inline(never)]
    pub(crate) fn settle(&mut self) -> Tails {
        let mut tails = Tails {
            ranges: [const { 0..0 }; STRIPES],
            len: 0,
        };
        // `&mut self`: no other thread can reach the table. Relaxed loads and stores are plain
        // accesses here (loom's atomics have no `get_mut`).
        let p = self.table.load(Ordering::Relaxed);
        // SAFETY: `&mut self`, and a non-null pointer is our live table.
        let Some(table) = (unsafe { p.as_ref() }) else {
            return tails;
        };
        for w in table.words.iter() {
            let (next, end) = unpack(w.load(Ordering::Relaxed));
            if next < end {
                tails.ranges[tails.len] = next..end;
                tails.len += 1;
            }
            w.store(pack(0, 0), Ordering::Relaxed);
        }
        tails.ranges[..tails.len].sort_unstable_by_key(|r| core::cmp::Reverse(r.end));
        tails
    }
}

/// What `take_one` found.
enum Taken {
    Slot(usize),
    /// Empty; the word as seen.
    Empty(u64),
    Locked,
}

/// Takes the next slot of a stripe with one compare-and-swap (retried only if another thread
/// changed the word in between).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn take_one(word: &AtomicU64) -> Taken {
    // Relaxed: uniqueness comes from the compare-and-swap; the index is all we need.
    let mut cur = word.load(Ordering::Relaxed);
    loop {
        let (next, end) = unpack(cur);
        if next >= end {
            return if cur == LOCKED {
                Taken::Locked
            } else {
                Taken::Empty(cur)
            };
        }
        match word.compare_exchange_weak(cur, cur + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Taken::Slot(next),
            Err(now) => cur = now,
        }
    }
}

/// Takes one slot from the first stripe of `table` that has one.
fn steal_from(table: &Table) -> Option<usize> {
    table.words.iter().find_map(|w| match take_one(w) {
        Taken::Slot(i) => Some(i),
        _ => None,
    })
}

/// The unused chunk tails found by `settle`, highest first.
pub(crate) struct Tails {
    ranges: [Range<usize>; STRIPES],
    len: usize,
}

impl Tails {
    pub(crate) fn iter(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.ranges[..self.len].iter().cloned()
    }
}

impl Drop for Stripes {
    fn drop(&mut self) {
        let p = self.table.load(Ordering::Relaxed);
        if !p.is_null() {
            // SAFETY: `&mut self`; the table was allocated by `Box` in `install_table` and is
            // freed only here.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}
