//! Free-range words: where a cursor keeps the slots that were claimed from it but not handed
//! out, so that no slot is ever stranded.
//!
//! A slot leaves the shared cursor in a *chunk*: the per-thread chunks of `alloc(&self)`
//! (`stripes.rs`) and the chunks of the per-thread handles (`local.rs`). The part of a chunk
//! that is not used yet lives in a *word*, one `AtomicUsize` holding a range `next..end` of
//! slot indices, where any claim can find it:
//!
//! * a thread's stripe is a word; single claims take its next slot with one compare-and-swap;
//! * a handle ([`Local`](crate::Local), [`PoolLocal`](crate::PoolLocal)) *owns* a word while it
//!   is alive (its chunk is private to it then), and when it drops, the unused tail of its
//!   chunk that cannot go back to the cursor is published in that word for every claim to take;
//! * a tail that ends where the cursor stands goes back to the cursor
//!   ([`CursorCore::give_back_word`](crate::cursor)) before a batch or a handle claims, so that
//!   contiguous free slots are found contiguous.
//!
//! So a slot is always in exactly one of these places: above the cursor, in a word's range, in
//! a live handle's chunk, handed out (a value), or a hole (a panicking constructor, a forgotten
//! handle or drain). The statistics are counted from that partition.
//!
//! # Encoding
//!
//! `next` in the low `HALF` bits, `end` in the next `HALF` bits, and the [`MARKED`] bit at the
//! top. `next < end`: a free range. `next == end`: empty ([`EMPTY`] is the all-zero word, so a
//! zeroed arena is valid). `next > end`: [`OWNED`] by one thread (a live handle, or a stripe
//! being refilled); nobody else touches the range then. Words exist only for cursors of at most
//! `MASK` slots ([`enabled`]): 2^31 − 1 on 64-bit targets, 32,767 on 32-bit ones.
//!
//! `MARKED` says that the range's slots carry the round's hole tag (`arena.rs`): true for the
//! tail of a handle (its whole chunk is marked until used) and for a range that survived a
//! `&mut self` operation (which marks every free range below the cursor so that iteration skips
//! it). A claim that takes slots from a marked range clears their marks before it writes a
//! value. An unmarked free range below the cursor is fine at `&self` time: marks are read only
//! under `&mut self`, and `settle` marks every range first.
//!
//! # Soundness
//!
//! Invariant 1 (a slot handed out once per round): every change of a word is a
//! read-modify-write of that one word, except the stores of the thread that owns it (`OWNED`)
//! and stores under `&mut self`. A range is published by its owner, and every slot taken from
//! it is taken by a successful compare-and-swap that moves `next` past it, so each slot of a
//! range is taken once. Orderings are stated where they are used: the indices need none; marks
//! written by one thread and cleared by another need the Release publication of a marked range
//! and an Acquire take.

use core::ops::Range;

use crate::sync::{AtomicUsize, Ordering};

/// Bits of each half of a word.
const HALF: u32 = (usize::BITS - 1) / 2;
/// The largest index a half holds.
const MASK: usize = (1 << HALF) - 1;
/// The range's slots carry the round's hole tag (see the module docs).
pub(crate) const MARKED: usize = 1 << (usize::BITS - 1);
/// An empty word.
pub(crate) const EMPTY: usize = 0;
/// A word owned by one thread (`next = 1 > end = 0`).
pub(crate) const OWNED: usize = 1;

/// Whether a cursor of `n` slots can keep ranges in words.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn enabled(n: usize) -> bool {
    n <= MASK
}

/// The word of the free range `r` (`r.end <= MASK`).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn pack(r: Range<usize>, marked: bool) -> usize {
    debug_assert!(r.start <= r.end && r.end <= MASK);
    (if marked { MARKED } else { 0 }) | (r.end << HALF) | r.start
}

/// `(next, end, marked)`.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn unpack(w: usize) -> (usize, usize, bool) {
    (w & MASK, (w >> HALF) & MASK, w & MARKED != 0)
}

/// The free range of a word as read, if it has one (not empty, not owned).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn free_range(w: usize) -> Option<(Range<usize>, bool)> {
    let (next, end, marked) = unpack(w);
    if next < end {
        Some((next..end, marked))
    } else {
        None
    }
}

/// Whether a word is owned by a thread.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) const fn is_owned(w: usize) -> bool {
    let (next, end, _) = unpack(w);
    next > end
}

/// What [`take_one`] found.
pub(crate) enum Taken {
    /// A slot, and whether its mark carries the hole tag (the caller clears it).
    Slot(usize, bool),
    /// A slot, as `Slot`, taken after another thread changed the word under us (contention).
    Contended(usize, bool),
    /// No slot; the word as seen (empty), for a stripe's refill.
    #[cfg_attr(not(atomicarena_stripes), allow(dead_code))]
    Empty(usize),
    /// Owned by another thread.
    Owned,
}

/// The ordering of a successful [`take_one`]: Acquire. A range is published with a Release
/// store (or reached through read-modify-writes after one), and its slots may have been written
/// before (a marked tail's hole marks; slots that a batch wrote and gave back before a refill
/// claimed them, see `CursorCore::claim_one_quiet`): the taker's writes must come after those.
/// (Free on x86, where every locked instruction is a full barrier.)
const TAKE: Ordering = Ordering::Acquire;

/// Takes the next slot of a word's range with one compare-and-swap (retried only when another
/// thread changed the word in between).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn take_one(word: &AtomicUsize) -> Taken {
    // Relaxed: see `TAKE`.
    let mut cur = word.load(Ordering::Relaxed);
    let mut contended = false;
    loop {
        let (next, end, marked) = unpack(cur);
        if next >= end {
            return if next > end {
                Taken::Owned
            } else {
                Taken::Empty(cur)
            };
        }
        // `next + 1 <= end <= MASK`: the increment stays in the low half.
        match word.compare_exchange_weak(cur, cur + 1, TAKE, Ordering::Relaxed) {
            Ok(_) if contended => return Taken::Contended(next, marked),
            Ok(_) => return Taken::Slot(next, marked),
            Err(now) => {
                // A spurious failure (`now == cur`) is no sign of another thread.
                contended |= now != cur;
                cur = now;
            }
        }
    }
}

/// Takes the first `k` slots of the word's range if it has `k`, or (`exact == false`) up to
/// `k` of them; returns them and whether they are marked. One compare-and-swap, retried while
/// the word changes and still qualifies. `k >= 1`.
pub(crate) fn take_front(
    word: &AtomicUsize,
    k: usize,
    exact: bool,
) -> Option<(Range<usize>, bool)> {
    debug_assert!(k >= 1);
    // Acquire (load and success): the marks of a marked range were written by the thread that
    // published it with a Release store; the taker clears or keeps them after this.
    let mut cur = word.load(Ordering::Acquire);
    loop {
        let (range, marked) = free_range(cur)?;
        let t = if range.len() >= k {
            k
        } else if exact {
            return None;
        } else {
            range.len()
        };
        let taken = range.start..range.start + t;
        match word.compare_exchange_weak(
            cur,
            pack(taken.end..range.end, marked),
            Ordering::Acquire,
            Ordering::Acquire,
        ) {
            Ok(_) => return Some((taken, marked)),
            Err(now) => cur = now,
        }
    }
}

/// Takes a word that is empty (or, with `take_range`, one that holds a free range, which the
/// caller then owns) and makes it [`OWNED`]. `Some(None)`: an empty word; `Some(Some(range))`:
/// the range it held.
#[allow(clippy::type_complexity)]
pub(crate) fn own(word: &AtomicUsize, take_range: bool) -> Option<Option<(Range<usize>, bool)>> {
    // Relaxed load; Acquire on success, for the marks of a range we take (as `take_front`).
    let cur = word.load(Ordering::Relaxed);
    let found = free_range(cur);
    if is_owned(cur) || (found.is_some() && !take_range) {
        return None;
    }
    word.compare_exchange(cur, OWNED, Ordering::Acquire, Ordering::Relaxed)
        .ok()
        .map(|_| found)
}

/// A word's free slots (a snapshot under concurrency).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn free_len(word: &AtomicUsize) -> usize {
    // Relaxed: a statistic.
    free_range(word.load(Ordering::Relaxed)).map_or(0, |(r, _)| r.len())
}
