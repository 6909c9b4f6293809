//! Striped sub-cursors for the shared path: what lets `Arena::alloc(&self)` and
//! `Pool::take`/`alloc` scale across threads (`std` only; arenas of at least
//! [`MIN_CAPACITY`] slots and few enough for a word, see `words.rs`).
//!
//! # Algorithm
//!
//! The JVM's thread-local allocation buffers, Go's per-P `mcache` and bumpalo-herd's
//! per-thread `Bump` give each thread a private piece of the shared heap, claimed from it with
//! one atomic operation per piece. Here:
//!
//! * A cursor with stripes has a lazily allocated table of [`STRIPES`] cache-padded *stripes*.
//!   A stripe is a word (`words.rs`): a chunk `next..end` of slot indices, claimed from the
//!   shared cursor with one read-modify-write. Every thread maps to one stripe (a thread-local
//!   index, assigned round-robin on first use), so with up to [`STRIPES`] threads each thread
//!   has a stripe and a cache line of its own.
//! * A single claim is one compare-and-swap `next -> next + 1` on the thread's stripe. It is a
//!   read-modify-write, but of a line that no other thread writes, so it never waits for
//!   another core: the shared cursor's line moves once per chunk, not once per allocation.
//!   Because every change to a stripe is a read-modify-write of its one word, any thread may
//!   take slots from any stripe: threads that share a stripe (more threads than stripes) are
//!   merely slower, and a thread that finds the cursor exhausted takes what is left in the
//!   other stripes and words.
//! * Refilling locks the stripe for the duration of one claim (the word is `OWNED`); a thread
//!   that finds it locked does not wait, it claims from the shared cursor directly.
//! * A thread whose stripe is empty first looks at the stripe that claimed the latest chunk
//!   (`last`, a hint in the cursor): if that chunk's unused tail ends where the cursor stands,
//!   the thread *adopts* that stripe (its thread-local index moves there) and continues from
//!   its tail instead of claiming a new chunk. Used from one thread at a time, this makes a
//!   thread continue exactly where the previous one stopped, so slots come in the same order as
//!   from a cursor without stripes. Under concurrency the adopting thread soon sees the other
//!   thread's changes on the shared line (a compare-and-swap that fails because the word
//!   changed): it then moves to the next stripe and adopts no other one until it refills twice
//!   in a row ([`moved_on`]), so that active threads spread over stripes again.
//! * The chunks live in the arena, so under `&mut self` the arena knows every unused slot
//!   exactly, and a batch or a handle gives back every stripe's tail that ends at the cursor
//!   before it claims (`cursor.rs`). Nothing is ever stranded.
//!
//! The table also holds the words of per-thread handles beyond the cursor's inline ones
//! ([`LOCAL_WORDS`], two in each stripe's cache line).
//!
//! # Soundness
//!
//! Invariant 1 (a slot handed out once per round): chunks are claimed from the shared cursor by
//! read-modify-writes, so they never overlap; a chunk is published in one stripe word, and
//! every slot taken from it is taken by a successful compare-and-swap that moves `next` past it
//! (one modification order per word), or by removing the tail under the same discipline
//! (`words.rs`). No ordering beyond that is needed for the indices, for the reasons given in
//! `cursor.rs` (`claim_one_quiet`).

use core::ptr;
use std::boxed::Box;
use std::cell::Cell;

use crossbeam_utils::CachePadded;

use crate::sync::{AtomicPtr, AtomicUsize, Ordering};
use crate::words::EMPTY;

/// Stripes per cursor: how many threads get a chunk (and a cache line) of their own.
pub(crate) const STRIPES: usize = if cfg!(loom) { 2 } else { 8 };

/// Words for per-thread handles in a cursor's table (besides the cursor's inline ones): two in
/// each stripe's cache line, after the stripe's word.
pub(crate) const LOCAL_WORDS: usize = 2 * STRIPES;

/// Cursors of fewer slots have no stripes: they never allocate a table and use the single
/// shared cursor, as `no_std` builds do. (Under Miri, 64: so that tests at Miri sizes, where
/// every access retags the whole slot array, still reach the striped path.)
pub(crate) const MIN_CAPACITY: usize = if cfg!(loom) {
    4
} else if cfg!(miri) {
    64
} else {
    4096
};

/// Whether a cursor of `n` slots uses stripes: at least [`MIN_CAPACITY`], and indices that fit
/// in a word (`words::enabled`).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn enabled(n: usize) -> bool {
    n >= MIN_CAPACITY && crate::words::enabled(n)
}

/// Slots a stripe claims at once for a cursor of `n` slots: `n / 512`, at least 1 and at most
/// 256, so that all stripes together hold at most `n / 64` claimed-but-unused slots.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn chunk_len(n: usize) -> usize {
    if cfg!(loom) {
        return 2;
    }
    // Under Miri, whose tests use arenas of a few hundred slots, chunks of several slots all
    // the same, so that their tails are exercised.
    let c = if cfg!(miri) {
        n / 32
    } else {
        n / (64 * STRIPES)
    };
    if c < 1 {
        1
    } else if c > 256 {
        256
    } else {
        c
    }
}

/// The words of one cursor's table, on the heap (so that small arenas never carry them), one
/// cache line per stripe: the stripe's word, then two of the [`LOCAL_WORDS`] words for
/// per-thread handles (`local()`), which a handle owns while it is alive and where it leaves its
/// unused tail (see `words.rs`). A handle writes its word once per chunk, so sharing the line
/// with a stripe costs that stripe a miss per handle chunk at most. 1 KiB on x86-64.
pub(crate) struct Table {
    lines: [CachePadded<[AtomicUsize; 3]>; STRIPES],
}

impl Table {
    /// The stripe word of index `i` (`i < STRIPES`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn stripe(&self, i: usize) -> &AtomicUsize {
        &self.lines[i][0]
    }

    /// The handle word of index `j`, if `j < LOCAL_WORDS`.
    #[inline]
    pub(crate) fn local(&self, j: usize) -> Option<&AtomicUsize> {
        Some(&self.lines.get(j / 2)?[1 + j % 2])
    }
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

/// The bit of a thread's `INDEX` that says it saw contention on a stripe it shared (see
/// [`moved_on`]): it does not adopt another thread's stripe at its refills until it refills
/// twice in a row (no other thread refilled in between).
const NO_ADOPT: usize = 1 << (usize::BITS - 1);

/// The calling thread's stripe index: assigned round-robin on first use, the same for every
/// arena. Stripe 0 when thread-local storage is gone (the thread is being destroyed).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn my_index() -> usize {
    INDEX
        .try_with(|i| {
            let mut idx = i.get();
            if idx == NO_INDEX {
                idx = fresh_index();
                i.set(idx);
            }
            idx
        })
        .unwrap_or(0)
        & !NO_ADOPT
}

/// A new stripe index, round-robin.
#[cold]
fn fresh_index() -> usize {
    // Relaxed: the counter only spreads threads over stripes; it orders nothing.
    NEXT_INDEX.fetch_add(1, Ordering::Relaxed) % STRIPES
}

/// Whether the calling thread may adopt another thread's stripe at a refill.
pub(crate) fn may_adopt() -> bool {
    INDEX.try_with(|i| i.get() & NO_ADOPT == 0).unwrap_or(false)
}

/// The calling thread continues on stripe `idx` (whose tail is at the cursor's end).
pub(crate) fn adopt(idx: usize) {
    let _ = INDEX.try_with(|i| i.set(idx));
}

/// The calling thread refilled twice in a row: it may adopt again.
pub(crate) fn may_adopt_again() {
    let _ = INDEX.try_with(|i| i.set(i.get() & !NO_ADOPT));
}

/// The calling thread found its stripe changed by another thread between two of its own
/// accesses: it moves to the next stripe (round-robin) and adopts no other stripe for a while,
/// so that threads that allocate at the same time spread over stripes.
#[cold]
#[inline(never)]
pub(crate) fn moved_on() {
    let _ = INDEX.try_with(|i| i.set(fresh_index() | NO_ADOPT));
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

    /// The table, if allocated.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn table(&self) -> Option<&Table> {
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
    pub(crate) fn table_or_new(&self) -> &Table {
        match self.table() {
            Some(t) => t,
            None => self.install_table(),
        }
    }

    #[cold]
    #[inline(never)]
    fn install_table(&self) -> &Table {
        let fresh = Box::into_raw(Box::new(Table {
            lines: core::array::from_fn(|_| {
                CachePadded::new(core::array::from_fn(|_| AtomicUsize::new(EMPTY)))
            }),
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
