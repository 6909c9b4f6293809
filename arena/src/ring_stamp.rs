//! The ring's per-slot stamps (see `ring.rs`): the state machine of a slot (claim, publish,
//! pin, unpin) and the scans over all stamps (`latest`, the order of `iter`, `reset`).
//!
//! None of it depends on the element type: a slot is `Slot<T> { stamp: Stamp, value }`
//! (`repr(C)`, the stamp first), and the scans see the slots through [`Stamps`], which knows
//! only their address, their size and the ring's capacity and stride. So this code is compiled
//! once for the whole program instead of once per ring type (compile time, see
//! `benches/compile_time.py`); the hot paths (`claim`, `publish`, `pin`, `unpin`) are
//! `#[inline(always)]` in optimised builds and end up in `push` and `get` exactly as before (in
//! unoptimised builds, `debug_assertions`, they are plain `#[inline]`: one shared copy).

use core::marker::PhantomData;

use crossbeam_utils::Backoff;

use crate::sync::{AtomicU64, Ordering};

/// Bits of [`Stamp::state`] that count pins (live `Ref`s) on the slot.
pub(crate) const PIN_BITS: u32 = 20;
/// Mask of the pin count. A count that reaches it *saturates*: the slot is then pinned until
/// `reset`/`Drop`, and further pins and unpins leave the count alone. Reached by about a million
/// `Ref`s to one slot at once, live or `mem::forget`-ten; after that the slot is lost to writers
/// until the ring is reset (sound, and documented on `Ring::get`).
pub(crate) const PIN_MASK: u64 = (1 << PIN_BITS) - 1;
/// A writer is between its claim and its publication.
pub(crate) const BUSY: u64 = 1 << PIN_BITS;
/// Where the lap tag starts.
pub(crate) const TAG_SHIFT: u32 = PIN_BITS + 1;
/// Bits of the lap tag.
pub(crate) const TAG_BITS: u32 = 64 - TAG_SHIFT;
/// Mask of a lap tag (after shifting down).
pub(crate) const TAG_MASK: u64 = (1 << TAG_BITS) - 1;

/// The tag of lap `lap` (`seq / N` for sequence number `seq` in a ring of `N` slots):
/// `(lap + 1) mod 2^43`, so that tag 0 is "never written" in a zeroed ring.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn lap_tag_of(lap: u64) -> u64 {
    lap.wrapping_add(1) & TAG_MASK
}

/// The lap tag of sequence number `seq` in a ring of `n` slots.
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn lap_tag(seq: u64, n: usize) -> u64 {
    lap_tag_of(seq / n as u64)
}

/// `true` if lap tag `own` is strictly newer than `cur` (modulo 2^43, within half the range).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
pub(crate) fn is_newer(own: u64, cur: u64) -> bool {
    let d = own.wrapping_sub(cur) & TAG_MASK;
    d != 0 && d < 1 << (TAG_BITS - 1)
}

/// The stamp of one slot of the ring: everything about the slot but its value.
pub(crate) struct Stamp {
    /// The stamp: every claim, pin, unpin and publication is one atomic operation on it.
    ///
    /// ```text
    ///  63                              21   20    19                  0
    /// +----------------------------------+------+---------------------+
    /// |  tag = (lap + 1) mod 2^43        | BUSY |  pins (20 bits)     |
    /// +----------------------------------+------+---------------------+
    /// ```
    ///
    /// * `tag`: the lap of the last value published here, plus one (0: never written since the
    ///   ring was built; after `reset`, the lap that `reset` skipped). Only increases (modulo
    ///   2^43): a writer claims the slot only for a newer lap, so writers of different laps on
    ///   one slot are ordered by their laps, and a writer overtaken by a newer lap skips instead
    ///   of going back in time. The tag is a fast filter for stale handles; the exact check is
    ///   [`Stamp::seq`].
    /// * `BUSY`: a writer has claimed the slot and is replacing its value. Set by a CAS that
    ///   requires `pins == 0` and `BUSY` clear; cleared by the writer's publication, which also
    ///   stores the new tag. While it is set nothing else changes the word.
    /// * `pins`: live [`Ref`]s to the value. Incremented by a CAS that requires `BUSY` clear and
    ///   the expected tag; decremented when a `Ref` drops. Saturates at `PIN_MASK` (see there).
    ///
    /// All zeros is an empty, never-written slot.
    pub(crate) state: AtomicU64,
    /// `seq + 1` of the value in `value`, or 0 if the slot holds no value. Written only by the
    /// writer holding `BUSY` (before it publishes) and under `&mut`; read exactly under a pin,
    /// and as a hint (re-checked under a pin) by `iter` and `latest`.
    pub(crate) seq: AtomicU64,
}

impl Stamp {
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Stamp {
            state: AtomicU64::new(0),
            seq: AtomicU64::new(0),
        }
    }

    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Stamp {
            state: AtomicU64::new(0),
            seq: AtomicU64::new(0),
        }
    }

    /// Tries to claim the slot for a write of lap tag `tag`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn claim(&self, tag: u64) -> Result<(), Skip> {
        // Fast path: guess the steady state, the previous lap with no pins and no writer (or,
        // in the first lap, a never-written slot), and try to set BUSY straight away.
        // Orderings as in the loop below.
        let guess = (tag.wrapping_sub(1) & TAG_MASK) << TAG_SHIFT;
        let mut state = match self.state.compare_exchange(
            guess,
            guess | BUSY,
            Ordering::Acquire,
            Ordering::Relaxed,
        ) {
            Ok(_) => return Ok(()),
            Err(now) => now,
        };
        let backoff = Backoff::new();
        loop {
            if state & PIN_MASK != 0 {
                return Err(Skip::Pinned);
            }
            if state & BUSY != 0 {
                return Err(Skip::Busy);
            }
            if !is_newer(tag, state >> TAG_SHIFT) {
                return Err(Skip::Overtaken);
            }
            // Set BUSY, keeping the tag (readers seeing BUSY with their tag know that their
            // value is going away).
            //
            // Acquire on success: pairs with the Release publication of the previous writer
            // (its value and `seq` are visible, so we may move the value out and drop it) and
            // with the Release unpin of every reader of that value (their reads happen-before
            // our overwrite). Both reach us through the release sequence of the word: every
            // change to it is a read-modify-write except the publication that heads it.
            // Relaxed on failure: we only look at the new value and try again.
            match self.state.compare_exchange_weak(
                state,
                state | BUSY,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(()),
                Err(now) => {
                    state = now;
                    backoff.spin();
                }
            }
        }
    }

    /// Publishes the value the caller just wrote into the slot it claimed: stores its
    /// sequence number `seq` and clears `BUSY` with lap tag `tag`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn publish(&self, seq: u64, tag: u64) {
        // Relaxed: readers look at `seq` only after pinning, and their pin (Acquire) reads from
        // the Release publication below, which comes after this store in our program order.
        self.seq.store(seq + 1, Ordering::Relaxed);
        // Publish: clear BUSY, store our tag; no pins can exist (pins need BUSY clear), and the
        // word did not change since our claim, so a plain store loses nothing.
        // Release: pairs with the Acquire of the next pin (readers then see the value and
        // `seq`) and of the next claim (the next writer sees them too).
        self.state.store(tag << TAG_SHIFT, Ordering::Release);
    }

    /// Pins the slot if it holds lap tag `tag` and no writer is busy in it. On `true`, the
    /// caller must check `seq` and eventually `unpin` (usually through a [`Ref`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn pin(&self, tag: Option<u64>) -> bool {
        let backoff = Backoff::new();
        // Acquire: in the saturated case below we pin without writing, so this load must be
        // the one that synchronises with the publication (its release sequence contains the
        // pins that saturated the count).
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & BUSY != 0 {
                return false;
            }
            if tag.is_some_and(|tag| state >> TAG_SHIFT != tag) {
                return false;
            }
            if state & PIN_MASK == PIN_MASK {
                // Saturated: pinned until `&mut self`, nothing to count.
                return true;
            }
            // Acquire on success: pairs with the Release publication of the writer of the value
            // (through the word's release sequence), so the value and `seq` are visible.
            // Acquire on failure: the next iteration may take the saturated exit above.
            match self.state.compare_exchange_weak(
                state,
                state + 1,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => return true,
                Err(now) => {
                    state = now;
                    backoff.spin();
                }
            }
        }
    }

    /// Undoes one `pin`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn unpin(&self) {
        let backoff = Backoff::new();
        // Relaxed: only a guess; the compare-and-swap validates it.
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            debug_assert!(state & PIN_MASK != 0 && state & BUSY == 0);
            if state & PIN_MASK == PIN_MASK {
                // Saturated: the slot stays pinned until `&mut self`.
                return;
            }
            // Release on success: pairs with the Acquire claim of the next writer, so our reads
            // of the value happen-before it is moved out and overwritten.
            match self.state.compare_exchange_weak(
                state,
                state - 1,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(now) => {
                    state = now;
                    backoff.spin();
                }
            }
        }
    }

    /// `seq + 1` of the value, 0 if empty. Exact under a pin, a hint otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn stamp(&self) -> u64 {
        // Relaxed: under a pin, the pin's Acquire already ordered the writer's store before
        // us; without one it is only a hint that the caller re-checks under a pin.
        self.seq.load(Ordering::Relaxed)
    }
}

/// Why a writer passed over a slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Skip {
    /// A live (or forgotten) `Ref` pins it.
    Pinned,
    /// Another push is writing it.
    Busy,
    /// It already holds a lap at least as new as ours.
    Overtaken,
}

/// The stamps of a ring's `n` slots, seen without their values: the slots' address, their
/// size in bytes, and the stride that spreads consecutive sequence numbers (`Ring::STRIDE`).
#[derive(Clone, Copy)]
pub(crate) struct Stamps<'a> {
    /// The first slot.
    base: *const u8,
    /// `size_of::<Slot<T>>()`.
    size: usize,
    /// The capacity `N`.
    n: usize,
    /// `Ring::STRIDE`.
    stride: usize,
    /// Borrows the ring's slots.
    _slots: PhantomData<&'a Stamp>,
}

impl<'a> Stamps<'a> {
    /// # Safety
    ///
    /// `base` points to `n >= 1` consecutive slots of `size` bytes each, each starting with a
    /// [`Stamp`] (`Slot<T>` is `repr(C)` with its stamp first), all of them borrowed for `'a`;
    /// `stride` is 1 or coprime with `n` and less than `n`, and `n <= u32::MAX` unless
    /// `stride == 1`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) unsafe fn new(base: *const u8, size: usize, n: usize, stride: usize) -> Self {
        Stamps {
            base,
            size,
            n,
            stride,
            _slots: PhantomData,
        }
    }

    /// The position in the array of the slot of logical index `i < n` (see `Ring::slot_at`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn physical(&self, i: usize) -> usize {
        debug_assert!(i < self.n);
        // `i < n <= u32::MAX` and `stride < n` whenever `stride != 1`: the product fits.
        let physical = if self.stride == 1 {
            i
        } else {
            (i as u64 * self.stride as u64 % self.n as u64) as usize
        };
        debug_assert!(physical < self.n);
        physical
    }

    /// The stamp of the slot at position `physical < n` of the array.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn at(&self, physical: usize) -> &'a Stamp {
        debug_assert!(physical < self.n);
        // SAFETY: `physical < n`, so the slot lies in the borrowed array (`new`'s contract),
        // and its first field is a `Stamp`, which is only ever accessed through shared
        // references (atomics).
        unsafe { &*self.base.add(physical * self.size).cast::<Stamp>() }
    }

    /// The stamp of the slot of sequence number `seq`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn of(&self, seq: u64) -> &'a Stamp {
        self.at(self.physical((seq % self.n as u64) as usize))
    }

    /// Every stamp, in array order.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn all(self) -> impl Iterator<Item = &'a Stamp> {
        (0..self.n).map(move |p| self.at(p))
    }

    /// `Ring::get_seq` for `RingIter`: pins the slot of `seq` if it holds exactly that push's
    /// value, and returns its position; the caller owns the pin (a `Ref`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn pin_seq(self, seq: u64) -> Option<usize> {
        let physical = self.physical((seq % self.n as u64) as usize);
        let stamp = self.at(physical);
        if !stamp.pin(Some(lap_tag(seq, self.n))) {
            return None;
        }
        // Exact check under the pin: the full sequence number, non-zero (not empty).
        let s = stamp.stamp();
        if s != 0 && s == seq.wrapping_add(1) {
            Some(physical)
        } else {
            stamp.unpin();
            None
        }
    }

    /// `Ring::peek`: pins the slot of logical index `i < n` if it holds a value, and returns
    /// the value's sequence number and the slot's position; the caller owns the pin.
    #[inline(never)]
    pub(crate) fn pin_at(self, i: usize) -> Option<(u64, usize)> {
        let physical = self.physical(i);
        let stamp = self.at(physical);
        // Early out on an empty slot without pinning it (a hint; the check below is exact).
        if stamp.stamp() == 0 || !stamp.pin(None) {
            return None;
        }
        match stamp.stamp() {
            0 => {
                // Not reached: a stamp goes back to 0 only under `&mut` of the ring.
                stamp.unpin();
                None
            }
            s => Some((s - 1, physical)),
        }
    }

    /// `Ring::latest`: the newest published sequence number, given `end`, the head.
    #[inline(never)]
    pub(crate) fn latest(self, end: u64) -> Option<u64> {
        // Relaxed throughout: we return a number, not a value; `get` re-checks it under a pin.
        // Usually one of the last `N` sequence numbers is published: look there first.
        for seq in (end.saturating_sub(self.n as u64)..end).rev() {
            let stamp = self.of(seq);
            let state = stamp.state.load(Ordering::Relaxed);
            if state & BUSY == 0
                && state >> TAG_SHIFT == lap_tag(seq, self.n)
                && stamp.stamp() == seq.wrapping_add(1)
            {
                return Some(seq);
            }
        }
        // Every recent push was skipped or is in flight: the newest is an older survivor.
        let mut newest = 0;
        for stamp in self.all() {
            newest = newest.max(stamp.stamp());
        }
        newest.checked_sub(1)
    }

    /// `RingIter::next`: the next value of the walk `pos`, pinned (the caller owns the pin, a
    /// `Ref`): its sequence number and its slot's position.
    #[inline(never)]
    pub(crate) fn iter_next(self, pos: &mut IterPos) -> Option<(u64, usize)> {
        // Phase 1: values older than the window, in order, by repeated selection.
        while !pos.old_done {
            let window_stamp = pos.window.wrapping_add(1);
            match self.oldest_between(pos.old_after, window_stamp) {
                None => pos.old_done = true,
                Some(stamp) => {
                    pos.old_after = stamp;
                    if let Some(physical) = self.pin_seq(stamp - 1) {
                        return Some((stamp - 1, physical));
                    }
                }
            }
        }
        // Phase 2: the last `N` sequence numbers, in order.
        while let Some(seq) = self.next_published(pos.next, pos.end) {
            pos.next = seq + 1;
            if let Some(physical) = self.pin_seq(seq) {
                return Some((seq, physical));
            }
        }
        pos.next = pos.end;
        None
    }

    /// Phase 1 of `RingIter`: the smallest stamp (`seq + 1`) in `after + 1..below`, if any.
    fn oldest_between(self, after: u64, below: u64) -> Option<u64> {
        let mut oldest = None;
        for stamp in self.all() {
            let s = stamp.stamp();
            if s > after && s < below && oldest.is_none_or(|o| s < o) {
                oldest = Some(s);
            }
        }
        oldest
    }

    /// Phase 2 of `RingIter`: the first sequence number in `from..end` whose slot holds it
    /// (a hint, re-checked under a pin).
    fn next_published(self, from: u64, end: u64) -> Option<u64> {
        (from..end).find(|&seq| self.of(seq).stamp() == seq.wrapping_add(1))
    }

    /// `Ring::reset` under `&mut` of the ring: every slot gets lap tag `tag`, no pins and not
    /// busy; when `clear_seqs`, every slot is also marked empty (its value needs no drop).
    #[inline(never)]
    pub(crate) fn reset(self, tag: u64, clear_seqs: bool) {
        for stamp in self.all() {
            // Relaxed: the caller holds `&mut` to the ring, so no other thread can see these
            // stores before the borrow ends (plain stores; loom's atomics have no `get_mut`).
            // No `Ref` is alive (a forgotten one's borrow has ended) and no push is in flight,
            // so pins and BUSY can go.
            stamp.state.store(tag << TAG_SHIFT, Ordering::Relaxed);
            if clear_seqs {
                stamp.seq.store(0, Ordering::Relaxed);
            }
        }
    }
}

/// Where a `RingIter` is in its walk over the sequence numbers handed out before it was made:
/// first the values older than the last `N` numbers (kept by pins), oldest first, then the
/// last `N` numbers in order.
#[derive(Clone, Copy)]
pub(crate) struct IterPos {
    /// Sequence numbers handed out before the iterator was made: `..end`.
    pub(crate) end: u64,
    /// Start of the last `N` of them; older values (pin survivors) come first.
    window: u64,
    /// Phase 1: yield old values with `seq + 1 > old_after`, smallest first.
    old_after: u64,
    /// Phase 1 is over.
    old_done: bool,
    /// Phase 2: the next sequence number in `window..end` to look at.
    next: u64,
}

impl IterPos {
    /// The walk of a ring of `n` slots whose head was `end`.
    #[inline]
    pub(crate) fn new(end: u64, n: usize) -> Self {
        let window = end.saturating_sub(n as u64);
        IterPos {
            end,
            window,
            old_after: 0,
            old_done: false,
            next: window,
        }
    }

    /// The walk of `Ring::since(handle)` for a ring of `n` slots whose head was `end`: the
    /// values numbered `first` or later that are still in the ring. `first` is the handle's
    /// user-facing number, which is its push's sequence number plus one: the successor's (0,
    /// everything, for `Handle::START`).
    #[inline]
    pub(crate) fn since(end: u64, n: usize, first: u64) -> Self {
        let window = end.saturating_sub(n as u64);
        IterPos {
            end,
            window,
            // Phase 1: stamps (`seq + 1`) above `first`, i.e. numbers after the handle's; none
            // when the handle is within the last `N` numbers (the recent case, O(new values)).
            old_after: first,
            old_done: first >= window,
            // Phase 2 starts at the handle's successor, or at the window if that is later;
            // never past `end` (a handle this ring has not reached yet yields nothing).
            next: first.clamp(window, end),
        }
    }

    /// `RingIter::size_hint` for a ring of `n` slots.
    #[inline]
    pub(crate) fn size_hint(&self, n: usize) -> (usize, Option<usize>) {
        // Phase 1 yields at most one value per slot; phase 2 at most one per number left.
        let old = if self.old_done { 0 } else { n };
        (0, old.checked_add((self.end - self.next) as usize))
    }
}

/// `Ring`'s `Debug`: its statistics (compiled once, whatever `T`).
#[inline(never)]
pub(crate) fn fmt_ring(
    f: &mut core::fmt::Formatter<'_>,
    name: &str,
    len: usize,
    n: usize,
    next_seq: u64,
    skipped: u64,
) -> core::fmt::Result {
    f.debug_struct(name)
        .field("len", &len)
        .field("capacity", &n)
        .field("next_seq", &next_seq)
        .field("skipped", &skipped)
        .finish_non_exhaustive()
}
