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
/// shared cursor, as `no_std` builds do.
pub(crate) const MIN_CAPACITY: usize = if cfg!(loom) { 4 } else { 4096 };

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
    let c = n / (64 * STRIPES);
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

/// The calling thread's stripe index: assigned round-robin on first use, the same for every
/// arena. Stripe 0 when thread-local storage is gone (the thread is being destroyed).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn my_index() -> usize {
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
