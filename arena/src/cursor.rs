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

use crossbeam_utils::CachePadded;

use crate::error::Full;
#[cfg(atomicarena_stripes)]
use crate::stripes::{self, Stripes};
use crate::sync::{AtomicBool, AtomicUsize, Ordering};

/// Claims slot indices `0..N` for one round; rewound under `&mut self`.
///
/// `repr(C)`: `next` alone on its (padded) cache line, the other fields together right after
/// it, so that a reset touches a few neighbouring lines of the arena's header.
#[repr(C)]
pub(crate) struct Cursor<const N: usize> {
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

impl<const N: usize> Cursor<N> {
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Cursor {
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
    pub(crate) fn new() -> Self {
        Cursor {
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

    /// Claims one slot: `Some(i)` with `i < N`, claimed by the caller alone this round. From
    /// the calling thread's chunk when the cursor has stripes, otherwise from the shared cursor.
    #[inline(always)]
    pub(crate) fn claim_one(&self) -> Option<usize> {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(N) {
            let chunk = || self.claim_up_to_quiet(stripes::chunk_len(N));
            return match self.stripes.claim_one(chunk) {
                Ok(Some(i)) => Some(i),
                Ok(None) => {
                    self.record_failure();
                    None
                }
                // The thread's stripe is being refilled by another thread: the shared cursor,
                // then whatever is left in the stripes.
                Err(()) => self
                    .claim_one_quiet()
                    .or_else(|| self.stripes.steal())
                    .or_else(|| {
                        self.record_failure();
                        None
                    }),
            };
        }
        self.claim_one_shared()
    }

    /// Claims one slot from the shared cursor, counting a failure.
    #[inline(always)]
    fn claim_one_shared(&self) -> Option<usize> {
        let claimed = self.claim_one_quiet();
        if claimed.is_none() {
            self.record_failure();
        }
        claimed
    }

    /// Claims one slot from the shared cursor without counting a failure.
    #[inline(always)]
    fn claim_one_quiet(&self) -> Option<usize> {
        // Relaxed is enough: uniqueness comes from the read-modify-write itself (one
        // modification order on one location). The slot's contents need no ordering through
        // the cursor: the claimer writes them and publishes them itself (by sending the
        // `&mut T`), and a new round starts only under `&mut self`, which happens-after every
        // `&self` use of the last round.
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i < N {
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
    /// module docs). If the cursor moved on meanwhile, the removed tail belongs to the caller
    /// and goes to `hole` (claimed, never handed out). A no-op without stripes.
    #[inline]
    fn give_back_own(&self, hole: impl FnOnce(core::ops::Range<usize>)) {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(N) {
            // Relaxed: a hint; `give_back` checks it again with a compare-and-swap.
            let at_end = |end| end == self.next.load(Ordering::Relaxed);
            if let Some(tail) = self.stripes.take_own_tail(at_end) {
                if !self.give_back(tail.clone()) {
                    // Relaxed: a statistic.
                    self.stranded.fetch_add(tail.len(), Ordering::Relaxed);
                    hole(tail);
                }
            }
        }
        let _ = hole;
    }

    /// Claims `len >= 1` contiguous slots, all or nothing; returns the first index. Never
    /// moves the cursor past `N`. First gives the calling thread's stripe tail back (see
    /// `give_back_own`, whose `hole` this is).
    pub(crate) fn claim(
        &self,
        len: usize,
        hole: impl FnOnce(core::ops::Range<usize>),
    ) -> Result<usize, Full<()>> {
        self.give_back_own(hole);
        // Relaxed throughout, for the reasons given in `claim_one`: uniqueness comes from the
        // compare-and-swap being a read-modify-write of the cursor.
        let mut cur = self.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur > N || len > N - cur {
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

    /// Claims between 1 and `want` contiguous slots (fewer only near the end of capacity);
    /// returns the range. One compare-and-swap when uncontended. `want >= 1`.
    /// First gives the calling thread's stripe tail back (see `give_back_own`, whose `hole`
    /// this is).
    pub(crate) fn claim_up_to(
        &self,
        want: usize,
        hole: impl FnOnce(core::ops::Range<usize>),
    ) -> Option<core::ops::Range<usize>> {
        self.give_back_own(hole);
        let claimed = self.claim_up_to_quiet(want);
        if claimed.is_none() {
            self.record_failure();
        }
        claimed
    }

    /// `claim_up_to` without giving back a stripe tail first or counting a failure.
    fn claim_up_to_quiet(&self, want: usize) -> Option<core::ops::Range<usize>> {
        debug_assert!(want >= 1);
        // Relaxed throughout, for the reasons given in `claim_one`. (A `Local` then marks the
        // chunk as holes; `Arena::mark_holes` has the Acquire fence for that.)
        let mut cur = self.next.load(Ordering::Relaxed);
        let backoff = crossbeam_utils::Backoff::new();
        loop {
            if cur >= N {
                return None;
            }
            let end = cur + want.min(N - cur);
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
    pub(crate) fn give_back(&self, unused: core::ops::Range<usize>) -> bool {
        // The exchange succeeds only if the cursor is exactly at our range's end, so no slot
        // claimed by anyone else is ever given back.
        // Release on success: the caller cleared these slots' marks just before; whoever
        // claims them next and writes their marks (a hole) does so after an Acquire fence
        // (`Arena::mark_holes`), which pairs with this. Relaxed on failure: nothing is handed
        // over.
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
    /// the Acquire fence of `Arena::mark_holes`, which TSan does not model. Pairs with the
    /// Release exchange of `give_back`.
    #[cfg(atomicarena_tsan)]
    pub(crate) fn acquire(&self) {
        let _ = self.next.load(Ordering::Acquire);
    }

    /// Slots claimed this round and handed out, or left as holes: the claimed slots minus the
    /// unused part of the threads' chunks. Exact when no claim is in flight; a snapshot
    /// otherwise.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        let claimed = self.next.load(Ordering::Relaxed).min(N);
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(N) {
            let lost = self.stripes.unused() + self.stranded.load(Ordering::Relaxed);
            return claimed.saturating_sub(lost);
        }
        claimed
    }

    /// Slots claimed this round, in chunks or not (`0..claimed()` is where values and holes
    /// are). Exact under `&mut self` after `settle`; a snapshot otherwise.
    #[inline]
    pub(crate) fn claimed(&self) -> usize {
        // Relaxed: a statistic, or under `&mut self`.
        self.next.load(Ordering::Relaxed).min(N)
    }

    /// Slots that a claim can still get this round: those above the cursor and those unused
    /// in the threads' chunks (any thread may take them). A snapshot under concurrency.
    #[inline]
    pub(crate) fn free(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        let above = N - self.next.load(Ordering::Relaxed).min(N);
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(N) {
            return (above + self.stripes.unused()).min(N);
        }
        above
    }

    /// Whether `settle` has anything to do (a thread ever took a chunk). Under `&mut`.
    #[inline(always)]
    pub(crate) fn needs_settle(&mut self) -> bool {
        #[cfg(atomicarena_stripes)]
        if stripes::enabled(N) {
            return self.stripes.is_used();
        }
        false
    }

    /// Ends the stripes' round under `&mut` (a no-op without stripes): every unused chunk tail
    /// at the cursor's end goes back to the cursor, and `hole` is called with each other one
    /// (claimed, never handed out: the arena marks them as holes). Afterwards the cursor counts
    /// exactly the slots handed out or left as holes, as a plain cursor would.
    pub(crate) fn settle(&mut self, mut hole: impl FnMut(core::ops::Range<usize>)) {
        // The common case (no thread ever took a chunk) touches nothing but the table pointer:
        // a reset after a batch fill stays a handful of instructions and cache lines.
        #[cfg(atomicarena_stripes)]
        if self.needs_settle() {
            let tails = self.stripes.settle();
            let mut len = self.next.load(Ordering::Relaxed).min(N);
            let mut stranded = self.stranded.load(Ordering::Relaxed);
            for tail in tails.iter() {
                if tail.end == len {
                    len = tail.start;
                } else {
                    stranded += tail.len();
                    hole(tail);
                }
            }
            self.set_len(len);
            self.stranded.store(stranded, Ordering::Relaxed);
        }
        let _ = &mut hole;
    }

    /// Claims that found no room, over the cursor's life.
    #[inline]
    pub(crate) fn failed(&self) -> usize {
        // Relaxed: a statistic; it orders nothing.
        self.failed.load(Ordering::Relaxed)
    }

    /// Starts a new round (`len == 0`) or takes every slot (`len == N`, `fill_default`) under
    /// `&mut`: no slot is stranded afterwards. Call after `settle`.
    #[inline]
    pub(crate) fn rewind(&mut self, len: usize) {
        debug_assert!(len == 0 || len == N);
        self.set_len(len);
        #[cfg(atomicarena_stripes)]
        self.stranded.store(0, Ordering::Relaxed);
    }

    /// Sets the number of claimed slots; `&mut self` means no claim is in flight.
    #[inline]
    fn set_len(&mut self, len: usize) {
        debug_assert!(len <= N);
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
