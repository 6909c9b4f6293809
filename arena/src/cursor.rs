//! The shared bump cursor of the bounded arena and the pool.
//!
//! One `CachePadded<AtomicUsize>` counts the slots claimed this round. A single claim is one
//! `fetch_add(1)`; a batch is a compare-and-swap loop that never moves the cursor past `N`.
//! Every claim is a read-modify-write of this one location, so claims form a single
//! modification order and no index is handed out twice (invariant 1) whatever the orderings.
//!
//! With `std`, cursors of at least `stripes::MIN_CAPACITY` slots also have *stripes*
//! (`stripes.rs`): single claims then come from a chunk owned by the calling thread, claimed
//! from the shared cursor once per chunk. The cursor then counts the slots of those chunks too;
//! [`Cursor::len`] subtracts their unused part, and [`Cursor::settle`] (under `&mut`) gives it
//! back or reports it as holes. Before any other claim a thread gives its chunk's unused tail
//! back if it is at the cursor's end, so that used from one thread at a time a cursor with
//! stripes hands out exactly the slots a plain one would.
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
use crate::stripes::{self, Stripes};
use crate::sync::{AtomicBool, AtomicUsize, Ordering, TrackedCell};

/// A mark that is no round's hole tag (tags are `1..=255`).
pub(crate) const CLEAR: u8 = 0;

/// Claims slot indices `0..N` for one round; rewound under `&mut self`.
///
/// A thin wrapper: the work is done by [`CursorCore`], whose methods take `N` as a value, so
/// that they are compiled once for the whole program (per capacity only where they are
/// inlined), not once per arena type. The wrapper's methods pass `N` and are always inlined;
/// the fields are reached through `Deref`.
#[repr(transparent)]
pub(crate) struct Cursor<const N: usize>(CursorCore);

/// The state of a [`Cursor`], and its logic with the capacity `n` passed as a value.
///
/// `repr(C)`: `next` alone on its (padded) cache line, the other fields together right after
/// it, so that a reset touches a few neighbouring lines of the arena's header.
#[repr(C)]
pub(crate) struct CursorCore {
    /// Number of slots claimed this round. Above `N` only transiently: a failing single claim
    /// adds one and takes it back, so the excess is at most the number of threads inside a
    /// failing claim and the counter cannot wrap (`N <= isize::MAX`).
    next: CachePadded<AtomicUsize>,
    /// Claims that found no room, over the cursor's life. Touched only on the failure path.
    failed: AtomicUsize,
    /// Per-thread chunks for single claims (used only when `stripes::enabled(N)`).
    #[cfg(atomicarena_stripes)]
    stripes: Stripes,
    /// Slots of stripe chunks that were claimed, never handed out and could not go back to
    /// the cursor this round (another claim came after them). They are holes, and they are
    /// not counted by `len`: statistics count values (and holes left by panics, as without
    /// stripes), not slots lost to chunking. Zero whenever the cursor is used from one thread
    /// at a time.
    #[cfg(atomicarena_stripes)]
    stranded: AtomicUsize,
    // The owner's per-round bookkeeping lives here too, next to the fields above, so that the
    // arena's whole header is two cache lines (`next`'s, and this one).
    /// Largest `len` of any finished round. Written only under `&mut`.
    pub(crate) high_water: usize,
    /// Largest number of claimed slots (values, holes, stranded chunk slots) of any finished
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

impl<const N: usize> Deref for Cursor<N> {
    type Target = CursorCore;

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref(&self) -> &CursorCore {
        &self.0
    }
}

impl<const N: usize> DerefMut for Cursor<N> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn deref_mut(&mut self) -> &mut CursorCore {
        &mut self.0
    }
}

/// The wrapper: every method passes `N` to the core. The hot ones (`claim_one`) are inlined
/// into their callers in optimised builds; in unoptimised builds (`debug_assertions`) they are
/// plain `#[inline]`, so that each arena type calls one shared copy instead of carrying its
/// own (compile time, see `benches/compile_time.py`).
impl<const N: usize> Cursor<N> {
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Cursor(CursorCore::new())
    }

    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Cursor(CursorCore::new())
    }

    /// Claims one slot: `Some(i)` with `i < N`, claimed by the caller alone this round. From
    /// the calling thread's chunk when the cursor has stripes, otherwise from the shared cursor.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim_one(&self) -> Option<usize> {
        self.0.claim_one(N)
    }

    /// Claims `len >= 1` contiguous slots, all or nothing; returns the first index. Never
    /// moves the cursor past `N`. First gives the calling thread's stripe tail back (see
    /// [`CursorCore::give_back_own`]; `marks` are the arena's hole marks, `None` for a pool).
    #[inline]
    pub(crate) fn claim(
        &self,
        len: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Result<usize, Full<()>> {
        self.0.claim(N, len, marks)
    }

    /// Slots claimed this round and handed out, or left as holes (see [`CursorCore::len`]).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.0.len(N)
    }

    /// Slots claimed this round, in chunks or not (see [`CursorCore::claimed`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claimed(&self) -> usize {
        self.0.claimed(N)
    }

    /// Slots that a claim can still get this round (see [`CursorCore::free`]).
    #[inline]
    pub(crate) fn free(&self) -> usize {
        self.0.free(N)
    }

    /// Whether `settle` has anything to do (a thread ever took a chunk). Under `&mut`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn needs_settle(&mut self) -> bool {
        self.0.needs_settle(N)
    }

    /// Ends the stripes' round under `&mut` (see [`CursorCore::settle`]).
    #[inline]
    pub(crate) fn settle(&mut self, marks: Option<&mut [TrackedCell<u8>]>) {
        if self.needs_settle() {
            self.0.settle(N, marks);
        }
    }

    /// Starts a new round (`len == 0`) or takes every slot (`len == N`, `fill_default`) under
    /// `&mut`: no slot is stranded afterwards. Call after `settle`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn rewind(&mut self, len: usize) {
        debug_assert!(len == 0 || len == N);
        self.0.rewind(len);
    }

    /// Ends the round's statistics under `&mut`, after `settle`: `high_water` and
    /// `claimed_hi` take this round's `len` and claimed slots, and the cursor rewinds to 0.
    /// Returns the number of slots claimed this round (where its values and holes are).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn end_round(&mut self) -> usize {
        self.0.end_round(N)
    }

    /// Formats the statistics of the arena or pool that owns the cursor, as its `Debug`:
    /// `Name { len, capacity, high_water, failed_allocs, .. }`.
    #[inline]
    pub(crate) fn fmt_stats(
        &self,
        name: &str,
        f: &mut core::fmt::Formatter<'_>,
    ) -> core::fmt::Result {
        self.0.fmt_stats(N, name, f)
    }
}

impl CursorCore {
    #[cfg(not(loom))]
    const fn new() -> Self {
        CursorCore {
            next: CachePadded::new(AtomicUsize::new(0)),
            failed: AtomicUsize::new(0),
            #[cfg(atomicarena_stripes)]
            stripes: Stripes::new(),
            #[cfg(atomicarena_stripes)]
            stranded: AtomicUsize::new(0),
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
            next: CachePadded::new(AtomicUsize::new(0)),
            failed: AtomicUsize::new(0),
            #[cfg(atomicarena_stripes)]
            stripes: Stripes::new(),
            #[cfg(atomicarena_stripes)]
            stranded: AtomicUsize::new(0),
            high_water: 0,
            claimed_hi: 0,
            round: 0,
            dirty: AtomicBool::new(false),
            sweep_in: 0,
        }
    }

    /// `Cursor::claim_one` for a cursor of `n` slots.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one(&self, n: usize) -> Option<usize> {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            return self.claim_one_striped(n);
        }
        self.claim_one_shared(n)
    }

    /// `claim_one` for a cursor with stripes: from the calling thread's chunk.
    #[cfg(atomicarena_stripes)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_striped(&self, n: usize) -> Option<usize> {
        let chunk = move || self.claim_up_to_quiet(n, stripes::chunk_len(n));
        match self.stripes.claim_one(chunk) {
            Ok(Some(i)) => Some(i),
            Ok(None) => {
                self.record_failure();
                None
            }
            // The thread's stripe is being refilled by another thread: the shared cursor,
            // then whatever is left in the stripes.
            Err(()) => self
                .claim_one_quiet(n)
                .or_else(|| self.stripes.steal())
                .or_else(|| {
                    self.record_failure();
                    None
                }),
        }
    }

    /// Claims one slot from the shared cursor, counting a failure.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_shared(&self, n: usize) -> Option<usize> {
        let claimed = self.claim_one_quiet(n);
        if claimed.is_none() {
            self.record_failure();
        }
        claimed
    }

    /// Claims one slot from the shared cursor without counting a failure.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn claim_one_quiet(&self, n: usize) -> Option<usize> {
        // Relaxed is enough: uniqueness comes from the read-modify-write itself (one
        // modification order on one location). The slot's contents need no ordering through
        // the cursor: the claimer writes them and publishes them itself (by sending the
        // `&mut T`), and a new round starts only under `&mut self`, which happens-after every
        // `&self` use of the last round.
        let i = self.next.fetch_add(1, Ordering::Relaxed);
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
        self.next.fetch_sub(1, Ordering::Relaxed);
    }

    #[cold]
    fn record_failure(&self) {
        // Relaxed: a statistic; it orders nothing.
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Gives the calling thread's stripe tail back if it is at the cursor's end (see the
    /// module docs). If the cursor moved on meanwhile, the removed tail belongs to the caller:
    /// it is counted as stranded and, for an arena, marked as holes in `marks` (claimed, never
    /// handed out). A no-op without stripes.
    #[inline]
    fn give_back_own(&self, n: usize, marks: Option<&[TrackedCell<u8>]>) {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            self.give_back_own_striped(marks);
        }
        let _ = (n, marks);
    }

    /// `give_back_own` for a cursor with stripes.
    #[cfg(atomicarena_stripes)]
    #[inline(never)]
    fn give_back_own_striped(&self, marks: Option<&[TrackedCell<u8>]>) {
        // Relaxed: a hint; `give_back` checks it again with a compare-and-swap.
        let at_end = |end| end == self.next.load(Ordering::Relaxed);
        if let Some(tail) = self.stripes.take_own_tail(at_end) {
            if !self.give_back(tail.clone()) {
                // Relaxed: a statistic.
                self.stranded.fetch_add(tail.len(), Ordering::Relaxed);
                if let Some(marks) = marks {
                    self.mark_holes(marks, tail);
                }
            }
        }
    }

    /// `Cursor::claim` for a cursor of `n` slots.
    #[inline]
    fn claim(
        &self,
        n: usize,
        len: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Result<usize, Full<()>> {
        self.give_back_own(n, marks);
        // Relaxed throughout, for the reasons given in `claim_one`: uniqueness comes from the
        // compare-and-swap being a read-modify-write of the cursor.
        let mut cur = self.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur > n || len > n - cur {
                self.record_failure();
                return Err(Full(()));
            }
            match self.next.compare_exchange_weak(
                cur,
                cur + len,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(cur),
                Err(now) => {
                    cur = now;
                    backoff.spin();
                }
            }
        }
    }

    /// Claims between 1 and `want` contiguous slots of a cursor of `n` slots (fewer only near
    /// the end of capacity); returns the range. One compare-and-swap when uncontended.
    /// `want >= 1`. First gives the calling thread's stripe tail back (as `claim`).
    #[inline(never)]
    pub(crate) fn claim_up_to(
        &self,
        n: usize,
        want: usize,
        marks: Option<&[TrackedCell<u8>]>,
    ) -> Option<Range<usize>> {
        self.give_back_own(n, marks);
        let claimed = self.claim_up_to_quiet(n, want);
        if claimed.is_none() {
            self.record_failure();
        }
        claimed
    }

    /// `claim_up_to` without giving back a stripe tail first or counting a failure.
    fn claim_up_to_quiet(&self, n: usize, want: usize) -> Option<Range<usize>> {
        debug_assert!(want >= 1);
        // Relaxed throughout, for the reasons given in `claim_one`. (A `Local` then marks the
        // chunk as holes; `mark_holes` has the Acquire fence for that.)
        let mut cur = self.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur >= n {
                return None;
            }
            let end = cur + want.min(n - cur);
            match self
                .next
                .compare_exchange_weak(cur, end, Ordering::Relaxed, Ordering::Relaxed)
            {
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
    /// slots stay claimed by the caller.
    pub(crate) fn give_back(&self, unused: Range<usize>) -> bool {
        // The exchange succeeds only if the cursor is exactly at our range's end, so no slot
        // claimed by anyone else is ever given back.
        // Release on success: the caller cleared these slots' marks just before; whoever
        // claims them next and writes their marks (a hole) does so after an Acquire fence
        // (`mark_holes`), which pairs with this. Relaxed on failure: nothing is handed over.
        unused.start < unused.end
            && self
                .next
                .compare_exchange(
                    unused.end,
                    unused.start,
                    Ordering::Release,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    /// Under ThreadSanitizer (see `build.rs`): an Acquire load of the cursor that stands in for
    /// the Acquire fence of `mark_holes`, which TSan does not model. Pairs with the Release
    /// exchange of `give_back`.
    #[cfg(atomicarena_tsan)]
    fn acquire(&self) {
        let _ = self.next.load(Ordering::Acquire);
    }

    /// Slots claimed this round and handed out, or left as holes: the claimed slots minus the
    /// unused part of the threads' chunks. Exact when no claim is in flight; a snapshot
    /// otherwise.
    #[inline]
    pub(crate) fn len(&self, n: usize) -> usize {
        // Relaxed: a statistic; it orders nothing.
        let claimed = self.next.load(Ordering::Relaxed).min(n);
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            let lost = self.stripes.unused() + self.stranded.load(Ordering::Relaxed);
            return claimed.saturating_sub(lost);
        }
        claimed
    }

    /// Slots claimed this round, in chunks or not (`0..claimed()` is where values and holes
    /// are). Exact under `&mut self` after `settle`; a snapshot otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claimed(&self, n: usize) -> usize {
        // Relaxed: a statistic, or under `&mut self`.
        self.next.load(Ordering::Relaxed).min(n)
    }

    /// Slots that a claim can still get this round: those above the cursor and those unused
    /// in the threads' chunks (any thread may take them). A snapshot under concurrency.
    #[inline]
    pub(crate) fn free(&self, n: usize) -> usize {
        // Relaxed: a statistic; it orders nothing.
        let above = n - self.next.load(Ordering::Relaxed).min(n);
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            return (above + self.stripes.unused()).min(n);
        }
        above
    }

    /// Whether `settle` has anything to do (a thread ever took a chunk). Under `&mut`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn needs_settle(&mut self, n: usize) -> bool {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(n) {
            return self.stripes.is_used();
        }
        let _ = n;
        false
    }

    /// Ends the stripes' round under `&mut` (call only when `needs_settle`): every unused
    /// chunk tail at the cursor's end goes back to the cursor, and each other one (claimed,
    /// never handed out) is counted as stranded and, for an arena, marked as a hole of this
    /// round in `marks`. Afterwards the cursor counts exactly the slots handed out or left as
    /// holes, as a plain cursor would.
    #[cold]
    #[inline(never)]
    fn settle(&mut self, n: usize, mut marks: Option<&mut [TrackedCell<u8>]>) {
        #[cfg(atomicarena_stripes)]
        {
            let tails = self.stripes.settle();
            let mut len = self.claimed(n);
            let mut stranded = self.stranded.load(Ordering::Relaxed);
            let tag = self.tag();
            for tail in tails.iter() {
                if tail.end == len {
                    len = tail.start;
                } else {
                    stranded += tail.len();
                    if let Some(marks) = marks.as_deref_mut() {
                        for mark in &mut marks[tail] {
                            *mark.get_mut() = tag;
                        }
                        self.set_dirty();
                    }
                }
            }
            self.set_len(len);
            self.stranded.store(stranded, Ordering::Relaxed);
        }
        let _ = (n, &mut marks);
    }

    /// Claims that found no room, over the cursor's life.
    #[inline]
    pub(crate) fn failed(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        self.failed.load(Ordering::Relaxed)
    }

    /// `Cursor::rewind`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn rewind(&mut self, len: usize) {
        self.set_len(len);
        #[cfg(atomicarena_stripes)]
        self.stranded.store(0, Ordering::Relaxed);
    }

    /// `Cursor::end_round`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn end_round(&mut self, n: usize) -> usize {
        self.high_water = self.high_water.max(self.len(n));
        let claimed = self.claimed(n);
        self.claimed_hi = self.claimed_hi.max(claimed);
        self.rewind(0);
        claimed
    }

    /// Sets the number of claimed slots (at most the capacity); `&mut self` means no claim
    /// is in flight.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn set_len(&mut self, len: usize) {
        #[cfg(not(loom))]
        {
            *self.next.get_mut() = len;
        }
        #[cfg(loom)]
        {
            // loom's atomics have no `get_mut`; `&mut self` makes a plain store equivalent.
            self.next.store(len, Ordering::Relaxed);
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
        #[doc = concat!("The number of slots used this round: ", $used, ". Slots that threads'")]
        /// chunks hold but have not used yet are not counted.
        ///
        /// Exact when no allocation is in flight; under concurrent allocation, a snapshot that
        /// may already be out of date.
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert_eq!(a.len(), 1);
        /// ```
        #[inline]
        #[must_use]
        pub fn len(&self) -> usize {
            self.$($cursor).+.len()
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

        /// The number of slots, `N`.
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// assert_eq!(a.capacity(), 4);
        /// ```
        #[inline]
        #[must_use]
        pub const fn capacity(&self) -> usize {
            N
        }

        /// The number of slots an allocation can still get this round: those no thread has
        /// claimed, and those unused in threads' chunks (a snapshot under concurrency).
        ///
        /// ```
        #[doc = concat!("let a: atomicarena::", stringify!($kind), "<u8, 4> = atomicarena::", stringify!($kind), "::new();")]
        /// a.alloc(1).unwrap();
        /// assert_eq!(a.remaining(), 3);
        /// ```
        #[inline]
        #[must_use]
        pub fn remaining(&self) -> usize {
            self.$($cursor).+.free()
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
