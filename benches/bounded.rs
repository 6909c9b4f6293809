//! The bounded `Arena<T, N>` against its peers, in one criterion run.
//!
//! Groups (throughput is per element, so `benches/ratios.py` prints ns per element and
//! atomicarena / peer ratios; function names starting with `atomicarena` are ours):
//!
//! * `alloc_u64_1t`, `alloc_32b_1t`: fill an empty container with 1,000,000 values (a `u64`, a
//!   32-byte record), one call per value, on one thread. Ours: shared `Arena::alloc`
//!   (`atomicarena`) and `Arena::local().alloc` (`atomicarena_local`, handle made and dropped
//!   inside the timed region). Peers: bumpalo `Bump::alloc`, typed-arena `Arena::alloc`,
//!   boxcar `Vec::push`, `Box::new` (kept in a preallocated `Vec<Box<T>>`), `Vec::push` into a
//!   preallocated `Vec` (not shareable: the cost of a plain store), and `floor`: a bare
//!   `fetch_add` on a padded cursor plus a store, the least any shared cursor can cost.
//! * `alloc_u64_2t`, `alloc_32b_2t`, `alloc_u64_8t`: 1,000,000 values in all into one shared
//!   container, from 2 threads × 500,000 (`u64`, the 32-byte record) and from 8 threads ×
//!   125,000 `u64` (oversubscribed on a 2-core machine). The time is the wall time from a
//!   common start to the last thread's finish, over 1,000,000 elements: every worker reads the
//!   clock itself after the start line and after its last allocation, and the run spans the
//!   earliest start to the latest end (`start_line.rs`). Ours: shared `alloc`
//!   (`atomicarena`) and one `local()` handle per thread, made and dropped inside the timed
//!   region (`atomicarena_local`). Peers: `vec_per_thread` (each thread pushes into its own
//!   preallocated `Vec`: the floor with no sharing), bumpalo-herd (`Herd::get` once per
//!   thread, then `Member::alloc`), crossbeam `ArrayQueue::push`, orx-concurrent-bag
//!   `ConcurrentBag::push` (on a `FixedVec` of 1,000,000: pre-sized), boxcar `Vec::push`,
//!   blink-alloc (one `SyncBlinkAlloc`; each thread wraps its own `LocalBlinkAlloc` from
//!   `SyncBlinkAlloc::local` in a `Blink` and keeps each value with `Blink::put`), `floor` (the
//!   shared padded cursor), and in `alloc_u64_2t` also `Mutex<typed_arena::Arena>`.
//! * `batch`: 1,000 batches of 1,000 `u64` (`alloc_slice_copy`) against
//!   `Vec::extend_from_slice` into a preallocated `Vec` and bumpalo `alloc_slice_copy`.
//! * `reset_u64_1M`, `reset_u64_16M`: one `reset` of a full 1,000,000-slot (16,000,000-slot)
//!   `u64` arena made with `new_boxed`, each reset timed alone (the refill is untimed),
//!   against `Vec::clear` and bumpalo `Bump::reset` of the same 8 MB (128 MB), and in the 1M
//!   group `timer_only` (an empty timed region: what reading the clock costs).
//! * `reset_string_100k`: `reset` of 100,000 `String`s against `Vec<String>::clear` and
//!   dropping a `typed_arena::Arena<String>`.
//!
//! Fairness: every container is emptied (or rebuilt) *outside* the timed region with
//! `iter_custom`, so each timed fill starts empty with its memory already allocated where the
//! API allows it (bumpalo-herd and blink-alloc cannot be pre-sized: their chunks are grown by
//! warm-up rounds when the container is built, and a `reset` keeps them); nothing allocates
//! inside a timed region except `Box::new`, whose job it is. Every returned reference (or
//! index) goes through `black_box`.
//!
//! Instruction counts: `bounded --icount-list` lists the single-thread cases (and, as
//! `alloc_u64_2t_seq/*`, some two-thread cases run one half after the other on one thread)
//! and `bounded --icount <group/function>` runs one of them, its timed part inside the
//! `#[inline(never)]` function `measured`, and prints how many elements that was. Under
//! `valgrind --tool=callgrind --toggle-collect='*measured*'` that gives instructions per
//! element; `python3 benches/ratios.py --icount` does all of it.
//!
//! Run (see BENCHMARKS.md): `cargo bench -p atomicarena-benches -- --warm-up-time 1
//! --measurement-time 3`, then `python3 benches/ratios.py`; one group alone:
//! `cargo bench -p atomicarena-benches --bench bounded -- <group>`.

mod start_line;
mod values;

use std::cell::UnsafeCell;
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use atomicarena::Arena;
use blink_alloc::{Blink, SyncBlinkAlloc};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use crossbeam_queue::ArrayQueue;
use orx_concurrent_bag::{ConcurrentBag, FixedVec};
use values::Rec32;

/// Elements per timed fill (and slots in the arenas of the fill groups).
const N: usize = 1_000_000;
/// Slots of the multi-thread arenas: `N` plus room for the unused tails of per-thread chunks
/// (at most 1,024 slots each, one or two per thread) that were not at the cursor's end when
/// their handle dropped; 16 chunks covers 8 threads.
const N_MT: usize = N + 16 * 1024;
/// Slots of `reset_u64_16M`.
const N_16M: usize = 16_000_000;
/// Values per batch in `batch`.
const BATCH: usize = 1_000;
/// Strings in `reset_string_100k`.
const STRINGS: usize = 100_000;
/// Resets per criterion iteration in `reset_u64_1M`, each refilled untimed and timed alone.
const RESETS: u64 = 64;
/// Resets per criterion iteration in `reset_u64_16M` (each refill copies 128 MB).
const RESETS_16M: u64 = 8;
/// Resets per criterion iteration in the 16M groups of 32-byte values filled one `alloc` at a
/// time (each refill writes 512 MB: 16M claims).
const RESETS_32B_16M: u64 = 4;

/// A value type for the benchmarks: built from a counter, cheap to build.
trait Item: Copy + Send + Sync + 'static {
    fn make(i: u64) -> Self;
}

impl Item for u64 {
    #[inline(always)]
    fn make(i: u64) -> Self {
        i
    }
}

// The 32-byte struct of issue 16's scenarios (`values.rs`, shared with the ring bench).
impl Item for Rec32 {
    #[inline(always)]
    fn make(i: u64) -> Self {
        values::rec32(i)
    }
}

/// Keeps `T` alone on its cache lines (crossbeam's `CachePadded`, which this package does not
/// depend on).
#[repr(align(128))]
struct Padded<T>(T);

/// The floor for a shared bump cursor: one `fetch_add` and one store, nothing else.
struct Floor<T> {
    next: Padded<AtomicUsize>,
    buf: Box<[UnsafeCell<MaybeUninit<T>>]>,
}

// SAFETY: each index is handed out once between `clear`s (one `fetch_add` per claim), so
// every slot is reached by one thread only, as in the arena; `T: Send` lets values move.
unsafe impl<T: Send> Sync for Floor<T> {}

impl<T> Floor<T> {
    fn new(cap: usize) -> Self {
        Floor {
            next: Padded(AtomicUsize::new(0)),
            buf: (0..cap)
                .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
                .collect(),
        }
    }

    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // each slot is handed out once per round
    fn alloc(&self, v: T) -> Option<&mut T> {
        // Relaxed: uniqueness comes from the read-modify-write, as in the arena's cursor.
        let i = self.next.0.fetch_add(1, Ordering::Relaxed);
        let cell = self.buf.get(i)?;
        // SAFETY: index `i` was handed out to this call alone this round (see `Sync`), so no
        // other reference to the slot exists; `MaybeUninit::write` initialises it.
        Some(unsafe { (*cell.get()).write(v) })
    }

    /// Forgets the values (`T: Copy` here) and rewinds.
    fn clear(&mut self) {
        *self.next.0.get_mut() = 0;
    }
}

// ---- cases ----------------------------------------------------------------------------------

/// One function of a single-thread group: a container, emptied untimed, filled (or reset)
/// timed.
trait Case<T> {
    /// The function's name in its criterion group.
    const NAME: &'static str;
    /// Elements one `run` handles: criterion's throughput, the divisor of instruction counts.
    const ELEMS: u64 = N as u64;
    /// `run`s per instruction count (each after an untimed `prepare`).
    const ICOUNT_RUNS: u64 = 1;
    type State;
    fn new() -> Self::State;
    /// Untimed: empties (or refills) the container.
    fn prepare(s: &mut Self::State);
    /// Timed: the work measured.
    fn run(s: &mut Self::State);
}

/// One function of a multi-thread group: `run(state, t, per)` runs on every thread `t` at
/// once, each allocating `per` values.
trait CaseMt<T> {
    const NAME: &'static str;
    type State: Sync;
    /// Builds the container for `threads` threads (with any warm-up it needs).
    fn new(threads: usize) -> Self::State;
    /// Untimed: empties the container.
    fn prepare(s: &mut Self::State);
    /// Timed, on thread `thread` of the group's threads, all at once.
    fn run(s: &Self::State, thread: usize, per: usize);
}

struct Shared;
impl<T: Item> Case<T> for Shared {
    const NAME: &'static str = "atomicarena";
    type State = Box<Arena<T, N>>;
    fn new() -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(a.alloc(T::make(i)).unwrap());
        }
    }
}

struct Local;
impl<T: Item> Case<T> for Local {
    const NAME: &'static str = "atomicarena_local";
    type State = Box<Arena<T, N>>;
    fn new() -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        let mut local = a.local();
        for i in 0..N as u64 {
            black_box(local.alloc(T::make(i)).unwrap());
        }
    }
}

struct LocalWith;
impl<T: Item> Case<T> for LocalWith {
    const NAME: &'static str = "atomicarena_local_with";
    type State = Box<Arena<T, N>>;
    fn new() -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        let mut local = a.local();
        for i in 0..N as u64 {
            black_box(local.alloc_with(|| T::make(i)).unwrap());
        }
    }
}

struct SharedWith;
impl<T: Item> Case<T> for SharedWith {
    const NAME: &'static str = "atomicarena_with";
    type State = Box<Arena<T, N>>;
    fn new() -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(a.alloc_with(|| T::make(i)).unwrap());
        }
    }
}

struct FloorCase;
impl<T: Item> Case<T> for FloorCase {
    const NAME: &'static str = "floor";
    type State = Floor<T>;
    fn new() -> Self::State {
        Floor::new(N)
    }
    fn prepare(f: &mut Self::State) {
        f.clear();
    }
    fn run(f: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(f.alloc(T::make(i)).unwrap());
        }
    }
}

struct Bumpalo;
impl<T: Item> Case<T> for Bumpalo {
    const NAME: &'static str = "bumpalo";
    type State = bumpalo::Bump;
    fn new() -> Self::State {
        bumpalo::Bump::with_capacity(N * std::mem::size_of::<T>())
    }
    fn prepare(b: &mut Self::State) {
        b.reset(); // keeps the (one) chunk
    }
    fn run(b: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(b.alloc(T::make(i)));
        }
    }
}

struct TypedArena;
impl<T: Item> Case<T> for TypedArena {
    const NAME: &'static str = "typed_arena";
    type State = Option<typed_arena::Arena<T>>;
    fn new() -> Self::State {
        None
    }
    fn prepare(a: &mut Self::State) {
        // typed-arena has no reset: a fresh arena with room for all N, built untimed.
        *a = None;
        *a = Some(typed_arena::Arena::with_capacity(N));
    }
    fn run(a: &mut Self::State) {
        let a = a.as_ref().unwrap();
        for i in 0..N as u64 {
            black_box(a.alloc(T::make(i)));
        }
    }
}

struct Boxcar;
impl<T: Item> Case<T> for Boxcar {
    const NAME: &'static str = "boxcar";
    type State = boxcar::Vec<T>;
    fn new() -> Self::State {
        boxcar::Vec::with_capacity(N)
    }
    fn prepare(v: &mut Self::State) {
        v.clear(); // keeps the buckets
    }
    fn run(v: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(v.push(T::make(i)));
        }
    }
}

struct BoxNew;
impl<T: Item> Case<T> for BoxNew {
    const NAME: &'static str = "box_new";
    type State = Vec<Box<T>>;
    fn new() -> Self::State {
        Vec::with_capacity(N)
    }
    fn prepare(v: &mut Self::State) {
        v.clear(); // frees the boxes of the last run, untimed
    }
    fn run(v: &mut Self::State) {
        for i in 0..N as u64 {
            v.push(black_box(Box::new(T::make(i))));
        }
    }
}

struct VecPush;
impl<T: Item> Case<T> for VecPush {
    const NAME: &'static str = "vec_push";
    type State = Vec<T>;
    fn new() -> Self::State {
        Vec::with_capacity(N)
    }
    fn prepare(v: &mut Self::State) {
        v.clear();
    }
    fn run(v: &mut Self::State) {
        for i in 0..N as u64 {
            v.push(T::make(i));
            black_box(v.last_mut());
        }
    }
}

/// crossbeam `ArrayQueue::push` on one thread (issue 16's one-thread peers): a bounded
/// queue of `N`, drained untimed.
impl<T: Item> Case<T> for ArrayQueuePush {
    const NAME: &'static str = "array_queue";
    type State = ArrayQueue<T>;
    fn new() -> Self::State {
        ArrayQueue::new(N)
    }
    fn prepare(q: &mut Self::State) {
        while q.pop().is_some() {}
    }
    fn run(q: &mut Self::State) {
        for i in 0..N as u64 {
            // `push` hands the value back when the queue is full; it never is here.
            assert!(black_box(q.push(T::make(i))).is_ok());
        }
    }
}

/// orx-concurrent-bag `ConcurrentBag::push` on one thread, on a `FixedVec` of `N`.
impl<T: Item> Case<T> for OrxBag {
    const NAME: &'static str = "orx_concurrent_bag";
    type State = ConcurrentBag<T, FixedVec<T>>;
    fn new() -> Self::State {
        ConcurrentBag::with_fixed_capacity(N)
    }
    fn prepare(b: &mut Self::State) {
        b.clear();
    }
    fn run(b: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(b.push(T::make(i))); // the value's index: the bag hands out no reference
        }
    }
}

// -- alloc_u64_2t, alloc_32b_2t, alloc_u64_8t

impl<T: Item> CaseMt<T> for Shared {
    const NAME: &'static str = "atomicarena";
    type State = Box<Arena<T, N_MT>>;
    fn new(_: usize) -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            black_box(a.alloc(T::make(i)).unwrap());
        }
    }
}

impl<T: Item> CaseMt<T> for Local {
    const NAME: &'static str = "atomicarena_local";
    type State = Box<Arena<T, N_MT>>;
    fn new(_: usize) -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &Self::State, _: usize, per: usize) {
        let mut local = a.local();
        for i in 0..per as u64 {
            black_box(local.alloc(T::make(i)).unwrap());
        }
    }
}

impl<T: Item> CaseMt<T> for FloorCase {
    const NAME: &'static str = "floor";
    type State = Floor<T>;
    fn new(_: usize) -> Self::State {
        Floor::new(N)
    }
    fn prepare(f: &mut Self::State) {
        f.clear();
    }
    fn run(f: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            black_box(f.alloc(T::make(i)).unwrap());
        }
    }
}

impl<T: Item> CaseMt<T> for Boxcar {
    const NAME: &'static str = "boxcar";
    type State = boxcar::Vec<T>;
    fn new(_: usize) -> Self::State {
        boxcar::Vec::with_capacity(N)
    }
    fn prepare(v: &mut Self::State) {
        v.clear();
    }
    fn run(v: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            black_box(v.push(T::make(i)));
        }
    }
}

struct MutexTypedArena;
impl<T: Item> CaseMt<T> for MutexTypedArena {
    const NAME: &'static str = "mutex_typed_arena";
    type State = Mutex<typed_arena::Arena<T>>;
    fn new(_: usize) -> Self::State {
        Mutex::new(typed_arena::Arena::new())
    }
    fn prepare(a: &mut Self::State) {
        *a = Mutex::new(typed_arena::Arena::new()); // drop the old one first
        *a = Mutex::new(typed_arena::Arena::with_capacity(N));
    }
    fn run(a: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            black_box(a.lock().unwrap().alloc(T::make(i)));
        }
    }
}

struct ArrayQueuePush;
impl<T: Item> CaseMt<T> for ArrayQueuePush {
    const NAME: &'static str = "array_queue";
    type State = ArrayQueue<T>;
    fn new(_: usize) -> Self::State {
        ArrayQueue::new(N)
    }
    fn prepare(q: &mut Self::State) {
        while q.pop().is_some() {} // empties it in place: no fresh pages in the timed region
    }
    fn run(q: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            // `push` hands the value back when the queue is full; it never is here.
            assert!(black_box(q.push(T::make(i))).is_ok());
        }
    }
}

struct OrxBag;
impl<T: Item> CaseMt<T> for OrxBag {
    const NAME: &'static str = "orx_concurrent_bag";
    /// Pre-sized: a `FixedVec` holds all `N` values without growing.
    type State = ConcurrentBag<T, FixedVec<T>>;
    fn new(_: usize) -> Self::State {
        ConcurrentBag::with_fixed_capacity(N)
    }
    fn prepare(b: &mut Self::State) {
        b.clear(); // keeps the buffer
    }
    fn run(b: &Self::State, _: usize, per: usize) {
        for i in 0..per as u64 {
            black_box(b.push(T::make(i))); // the value's index: the bag hands out no reference
        }
    }
}

struct BumpaloHerd;
impl<T: Item> CaseMt<T> for BumpaloHerd {
    const NAME: &'static str = "bumpalo_herd";
    type State = bumpalo_herd::Herd;
    fn new(threads: usize) -> Self::State {
        // The herd cannot be pre-sized: grow one `Bump` per thread by filling it, three times
        // (a `reset` keeps each bump's last, largest chunk).
        let mut herd = bumpalo_herd::Herd::new();
        for _ in 0..3 {
            let members: Vec<_> = (0..threads).map(|_| herd.get()).collect();
            for m in &members {
                for i in 0..(N / threads) as u64 {
                    m.alloc(T::make(i));
                }
            }
            drop(members);
            herd.reset();
        }
        herd
    }
    fn prepare(h: &mut Self::State) {
        h.reset();
    }
    fn run(h: &Self::State, _: usize, per: usize) {
        let member = h.get();
        for i in 0..per as u64 {
            black_box(member.alloc(T::make(i)));
        }
    }
}

struct BlinkAlloc;
impl<T: Item> CaseMt<T> for BlinkAlloc {
    const NAME: &'static str = "blink_alloc";
    type State = SyncBlinkAlloc;
    fn new(threads: usize) -> Self::State {
        // blink-alloc cannot be pre-sized either: three warm-up rounds teach the shared
        // allocator the local chunk size and grow its own chunk (a `reset` keeps the last).
        let mut sync = SyncBlinkAlloc::new();
        for _ in 0..3 {
            let blinks: Vec<_> = (0..threads).map(|_| Blink::new_in(sync.local())).collect();
            for b in &blinks {
                for i in 0..(N / threads) as u64 {
                    b.put(T::make(i));
                }
            }
            drop(blinks);
            sync.reset();
        }
        sync
    }
    fn prepare(s: &mut Self::State) {
        s.reset();
    }
    fn run(s: &Self::State, _: usize, per: usize) {
        // The idiomatic typed use: a thread-local proxy in a `Blink`, which keeps each value
        // until the blink is dropped (`put` records no drop for a type without drop glue).
        let blink = Blink::new_in(s.local());
        for i in 0..per as u64 {
            black_box(blink.put(T::make(i)));
        }
    }
}

struct VecPerThread;
impl<T: Item> CaseMt<T> for VecPerThread {
    const NAME: &'static str = "vec_per_thread";
    /// One `Vec` per thread; each thread locks its own once (uncontended).
    type State = Vec<Mutex<Vec<T>>>;
    fn new(threads: usize) -> Self::State {
        (0..threads)
            .map(|_| Mutex::new(Vec::with_capacity(N / threads)))
            .collect()
    }
    fn prepare(vs: &mut Self::State) {
        for v in vs {
            v.get_mut().unwrap().clear();
        }
    }
    fn run(vs: &Self::State, t: usize, per: usize) {
        let mut v = vs[t].lock().unwrap();
        for i in 0..per as u64 {
            v.push(T::make(i));
            black_box(v.last_mut());
        }
    }
}

// -- batch

/// The 1,000 values every batch copies.
fn batch_src() -> Vec<u64> {
    (0..BATCH as u64).collect()
}

struct BatchArena;
impl Case<u64> for BatchArena {
    const NAME: &'static str = "atomicarena";
    type State = (Box<Arena<u64, N>>, Vec<u64>);
    fn new() -> Self::State {
        (Arena::new_boxed(), batch_src())
    }
    fn prepare((a, _): &mut Self::State) {
        a.reset();
    }
    fn run((a, src): &mut Self::State) {
        for _ in 0..N / BATCH {
            black_box(a.alloc_slice_copy(black_box(src)).unwrap());
        }
    }
}

struct BatchVec;
impl Case<u64> for BatchVec {
    const NAME: &'static str = "vec_extend";
    type State = (Vec<u64>, Vec<u64>);
    fn new() -> Self::State {
        (Vec::with_capacity(N), batch_src())
    }
    fn prepare((v, _): &mut Self::State) {
        v.clear();
    }
    fn run((v, src): &mut Self::State) {
        for _ in 0..N / BATCH {
            v.extend_from_slice(black_box(src));
            black_box(&mut *v);
        }
    }
}

struct BatchBump;
impl Case<u64> for BatchBump {
    const NAME: &'static str = "bumpalo";
    type State = (bumpalo::Bump, Vec<u64>);
    fn new() -> Self::State {
        (bumpalo::Bump::with_capacity(N * 8), batch_src())
    }
    fn prepare((b, _): &mut Self::State) {
        b.reset();
    }
    fn run((b, src): &mut Self::State) {
        for _ in 0..N / BATCH {
            black_box(b.alloc_slice_copy(black_box(src)));
        }
    }
}

// -- reset_u64_1M, reset_u64_16M: `prepare` refills all `M` slots (an 8 MB / 128 MB copy),
// `run` is one reset.

/// The `M` values a reset case refills with.
fn big_src<const M: usize>() -> Vec<u64> {
    (0..M as u64).collect()
}

/// Instruction-count runs of a peer's reset: a whole cycle of the arena's 255 round tags at
/// 1M; fewer at 16M, where each untimed refill copies 128 MB under valgrind and the peers'
/// resets do the same work every time.
const fn peer_icount_runs(m: usize) -> u64 {
    if m > N {
        16
    } else {
        255
    }
}

struct ResetArena<const M: usize>;
impl<const M: usize> Case<u64> for ResetArena<M> {
    const NAME: &'static str = "atomicarena";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = 255; // a whole cycle of round tags
    type State = (Box<Arena<u64, M>>, Vec<u64>);
    fn new() -> Self::State {
        (Arena::new_boxed(), big_src::<M>())
    }
    fn prepare((a, src): &mut Self::State) {
        a.alloc_slice_copy(src).unwrap();
        debug_assert!(a.is_full());
    }
    fn run((a, _): &mut Self::State) {
        black_box(&mut **a).reset();
    }
}

struct ResetVec<const M: usize>;
impl<const M: usize> Case<u64> for ResetVec<M> {
    const NAME: &'static str = "vec_clear";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = peer_icount_runs(M);
    type State = (Vec<u64>, Vec<u64>);
    fn new() -> Self::State {
        (Vec::with_capacity(M), big_src::<M>())
    }
    fn prepare((v, src): &mut Self::State) {
        v.extend_from_slice(src);
    }
    fn run((v, _): &mut Self::State) {
        black_box(&mut *v).clear();
        black_box(v);
    }
}

struct ResetBump<const M: usize>;
impl<const M: usize> Case<u64> for ResetBump<M> {
    const NAME: &'static str = "bumpalo";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = peer_icount_runs(M);
    type State = (bumpalo::Bump, Vec<u64>);
    fn new() -> Self::State {
        (bumpalo::Bump::with_capacity(M * 8), big_src::<M>())
    }
    fn prepare((b, src): &mut Self::State) {
        black_box(b.alloc_slice_copy(src));
    }
    fn run((b, _): &mut Self::State) {
        black_box(&mut *b).reset();
    }
}

// -- reset_32b_{1M,16M}_{1t,2t}: issue 16's reset after a striped fill. `prepare` fills all
// `M` slots with 32-byte values one call at a time, the arena with the shared `alloc` (the
// striped path) from `THREADS` threads at once; `run` is one reset, on the bench's thread.

/// Fills `a` with `alloc` from `threads` threads at once, `M / threads` values each (the
/// striped path, as a program's workers would); returns how many claims succeeded. A `Full`
/// ends that thread's share: with exact capacity (issue 16) every claim succeeds, and a
/// shortfall is printed by the caller rather than aborting the run.
fn fill_striped<const M: usize>(a: &Arena<Rec32, M>, threads: usize) -> usize {
    let per = (M / threads) as u64;
    let fill = |t: u64| {
        let mut n = 0;
        for i in t * per..(t + 1) * per {
            match a.alloc(values::rec32(i)) {
                Ok(r) => {
                    black_box(r);
                    n += 1;
                }
                Err(_) => break,
            }
        }
        n
    };
    if threads == 1 {
        return fill(0);
    }
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads as u64)
            .map(|t| s.spawn(move || fill(t)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

struct ResetStriped<const M: usize, const THREADS: usize>;
impl<const M: usize, const THREADS: usize> Case<Rec32> for ResetStriped<M, THREADS> {
    const NAME: &'static str = "atomicarena";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = striped_icount_runs(M);
    /// The arena and whether a short fill was reported already.
    type State = (Box<Arena<Rec32, M>>, bool);
    fn new() -> Self::State {
        (Arena::new_boxed(), false)
    }
    fn prepare((a, warned): &mut Self::State) {
        let filled = fill_striped(a, THREADS);
        if filled != M && !*warned {
            *warned = true;
            eprintln!("reset_32b: {THREADS}-thread fill of {M} slots stored {filled} values");
        }
    }
    fn run((a, _): &mut Self::State) {
        black_box(&mut **a).reset();
    }
}

/// Instruction-count runs of the striped-fill resets: each untimed refill is `M` claims under
/// valgrind (about half a second per million).
const fn striped_icount_runs(m: usize) -> u64 {
    if m > N {
        2
    } else {
        16
    }
}

struct ResetVec32<const M: usize>;
impl<const M: usize> Case<Rec32> for ResetVec32<M> {
    const NAME: &'static str = "vec_clear";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = striped_icount_runs(M);
    type State = Vec<Rec32>;
    fn new() -> Self::State {
        Vec::with_capacity(M)
    }
    fn prepare(v: &mut Self::State) {
        for i in 0..M as u64 {
            v.push(values::rec32(i));
        }
    }
    fn run(v: &mut Self::State) {
        black_box(&mut *v).clear();
        black_box(v);
    }
}

struct ResetBump32<const M: usize>;
impl<const M: usize> Case<Rec32> for ResetBump32<M> {
    const NAME: &'static str = "bumpalo";
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = striped_icount_runs(M);
    type State = bumpalo::Bump;
    fn new() -> Self::State {
        bumpalo::Bump::with_capacity(M * std::mem::size_of::<Rec32>())
    }
    fn prepare(b: &mut Self::State) {
        for i in 0..M as u64 {
            black_box(b.alloc(values::rec32(i)));
        }
    }
    fn run(b: &mut Self::State) {
        black_box(&mut *b).reset();
    }
}

/// An empty timed region after the same one-value-at-a-time fill as `ResetVec32` (a `Vec` of
/// `M` 32-byte values written by `push`): what reading the clock costs once a fill has filled
/// the caches with dirty lines (the floor under every function of the `reset_32b` groups).
struct TimerAfterFill<const M: usize>;
impl<const M: usize> Case<Rec32> for TimerAfterFill<M> {
    const NAME: &'static str = "timer_only";
    const ELEMS: u64 = 1;
    type State = Vec<Rec32>;
    fn new() -> Self::State {
        Vec::with_capacity(M)
    }
    fn prepare(v: &mut Self::State) {
        v.clear();
        for i in 0..M as u64 {
            v.push(values::rec32(i));
        }
        black_box(&mut *v);
    }
    fn run(_: &mut Self::State) {}
}

/// An empty timed region: what reading the clock twice costs.
struct TimerOnly;
impl Case<u64> for TimerOnly {
    const NAME: &'static str = "timer_only";
    const ELEMS: u64 = 1;
    type State = ();
    fn new() {}
    fn prepare(_: &mut ()) {}
    fn run(_: &mut ()) {}
}

// -- reset_string_100k

fn string(i: usize) -> String {
    format!("string number {i}")
}

struct StringsArena;
impl Case<String> for StringsArena {
    const NAME: &'static str = "atomicarena";
    const ELEMS: u64 = STRINGS as u64;
    type State = Box<Arena<String, STRINGS>>;
    fn new() -> Self::State {
        Arena::new_boxed()
    }
    fn prepare(a: &mut Self::State) {
        for i in 0..STRINGS {
            a.alloc(string(i)).unwrap();
        }
    }
    fn run(a: &mut Self::State) {
        a.reset();
    }
}

struct StringsVec;
impl Case<String> for StringsVec {
    const NAME: &'static str = "vec_clear";
    const ELEMS: u64 = STRINGS as u64;
    type State = Vec<String>;
    fn new() -> Self::State {
        Vec::with_capacity(STRINGS)
    }
    fn prepare(v: &mut Self::State) {
        v.extend((0..STRINGS).map(string));
    }
    fn run(v: &mut Self::State) {
        v.clear();
    }
}

struct StringsTypedArena;
impl Case<String> for StringsTypedArena {
    const NAME: &'static str = "typed_arena_drop";
    const ELEMS: u64 = STRINGS as u64;
    type State = Option<typed_arena::Arena<String>>;
    fn new() -> Self::State {
        None
    }
    fn prepare(a: &mut Self::State) {
        let arena = typed_arena::Arena::with_capacity(STRINGS);
        for i in 0..STRINGS {
            arena.alloc(string(i));
        }
        *a = Some(arena);
    }
    fn run(a: &mut Self::State) {
        drop(a.take()); // typed-arena has no reset: dropping it drops the strings
    }
}

// ---- timing ---------------------------------------------------------------------------------

/// Runs `C::prepare` untimed and then `C::run` timed, `runs` times; returns the timed total.
fn timed<T, C: Case<T>>(runs: u64, s: &mut C::State) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        C::prepare(s);
        let start = Instant::now();
        C::run(s);
        total += start.elapsed();
    }
    total
}

/// Runs `C::prepare` untimed, then `C::run` on `threads` threads that leave a common start
/// line together, each allocating `N / threads` values; returns the sum over `runs` of the
/// wall time from the earliest start to the latest finish (read by the workers themselves).
fn timed_mt<T, C: CaseMt<T>>(threads: usize, runs: u64, state: &mut C::State) -> Duration {
    let per = N / threads;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        C::prepare(state);
        let shared: &C::State = state;
        total += start_line::run_threads(threads, |t| C::run(shared, t, per));
    }
    total
}

/// Adds `C` to `g`; each criterion iteration is `reps` runs.
fn bench<T, C: Case<T>>(g: &mut BenchmarkGroup<'_, WallTime>, reps: u64) {
    g.bench_function(C::NAME, |b| {
        let mut s = C::new();
        b.iter_custom(|iters| timed::<T, C>(iters * reps, &mut s))
    });
}

/// Adds `C` on `threads` threads to `g`; each criterion iteration is one run of `N` values.
fn bench_mt<T, C: CaseMt<T>>(g: &mut BenchmarkGroup<'_, WallTime>, threads: usize) {
    g.bench_function(C::NAME, |b| {
        let mut s = C::new(threads);
        b.iter_custom(|iters| timed_mt::<T, C>(threads, iters, &mut s))
    });
}

/// Settings of the fill groups: one timed iteration fills 1,000,000 elements (1 to 100 ms),
/// so criterion's default linear sampling (at least 5,050 iterations) would overrun the
/// measurement time many times over; flat sampling with 30 samples fits in it, and gives the
/// minimum (the least disturbed sample on a shared machine) some meaning.
fn flat(g: &mut BenchmarkGroup<'_, WallTime>, elems: usize) {
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .throughput(Throughput::Elements(elems as u64));
}

// ---- groups ---------------------------------------------------------------------------------

fn alloc_1t<T: Item>(c: &mut Criterion, name: &str) {
    let mut g = c.benchmark_group(name);
    flat(&mut g, N);
    bench::<T, Shared>(&mut g, 1);
    bench::<T, Local>(&mut g, 1);
    bench::<T, LocalWith>(&mut g, 1);
    bench::<T, SharedWith>(&mut g, 1);
    bench::<T, FloorCase>(&mut g, 1);
    bench::<T, Bumpalo>(&mut g, 1);
    bench::<T, TypedArena>(&mut g, 1);
    bench::<T, Boxcar>(&mut g, 1);
    bench::<T, BoxNew>(&mut g, 1);
    bench::<T, VecPush>(&mut g, 1);
    bench::<T, OrxBag>(&mut g, 1);
    bench::<T, ArrayQueuePush>(&mut g, 1);
    g.finish();
}

/// `threads` threads × `N / threads` values of `T` into one container.
fn alloc_mt<T: Item>(c: &mut Criterion, name: &str, threads: usize) {
    let mut g = c.benchmark_group(name);
    flat(&mut g, N);
    bench_mt::<T, Shared>(&mut g, threads);
    bench_mt::<T, Local>(&mut g, threads);
    bench_mt::<T, VecPerThread>(&mut g, threads);
    bench_mt::<T, BumpaloHerd>(&mut g, threads);
    bench_mt::<T, BlinkAlloc>(&mut g, threads);
    bench_mt::<T, ArrayQueuePush>(&mut g, threads);
    bench_mt::<T, OrxBag>(&mut g, threads);
    bench_mt::<T, Boxcar>(&mut g, threads);
    bench_mt::<T, FloorCase>(&mut g, threads);
    if name == "alloc_u64_2t" {
        // Kept from the first version of the group; with more threads a lock convoy on two
        // cores would make it the longest function of the run and tell nothing new.
        bench_mt::<T, MutexTypedArena>(&mut g, threads);
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch");
    flat(&mut g, N);
    bench::<u64, BatchArena>(&mut g, 1);
    bench::<u64, BatchVec>(&mut g, 1);
    bench::<u64, BatchBump>(&mut g, 1);
    g.finish();
}

fn reset(c: &mut Criterion) {
    // One reset takes well under a microsecond but needs a full arena, refilled untimed (an
    // 8 MB copy, about a millisecond). Criterion sizes warm-up and samples by the *timed*
    // time, which would mean thousands of untimed refills; so one iteration is `RESETS`
    // resets, each timed alone, and warm-up and measurement are one iteration each (group
    // settings win over the command line): 11 iterations in all, 10 samples. Criterion warns
    // that it cannot complete 10 samples in that time; that is intended. The throughput is
    // counted in resets: `ns/elem` in ratios.py is the time of one reset, one clock read-out
    // included (see `timer_only`).
    let mut g = c.benchmark_group("reset_u64_1M");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1))
        .throughput(Throughput::Elements(RESETS));
    bench::<u64, ResetArena<N>>(&mut g, RESETS);
    bench::<u64, ResetVec<N>>(&mut g, RESETS);
    bench::<u64, ResetBump<N>>(&mut g, RESETS);
    bench::<u64, TimerOnly>(&mut g, RESETS);
    g.finish();

    // The same at 16,000,000 slots (a 128 MB arena from `new_boxed`): a reset whose work does
    // not depend on the capacity takes as long here as at 1M. Each refill copies 128 MB
    // (tens of milliseconds), so an iteration is `RESETS_16M` resets: 88 refills per function.
    let mut g = c.benchmark_group("reset_u64_16M");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1))
        .throughput(Throughput::Elements(RESETS_16M));
    bench::<u64, ResetArena<N_16M>>(&mut g, RESETS_16M);
    bench::<u64, ResetVec<N_16M>>(&mut g, RESETS_16M);
    bench::<u64, ResetBump<N_16M>>(&mut g, RESETS_16M);
    g.finish();

    // Issue 16: reset after a fill through the striped `alloc`, 32-byte values, filled from
    // one thread and from two, at 1M and 16M slots. The peers are filled one value at a time
    // on the bench's thread (`Vec::push`, `Bump::alloc`); only the arena can be filled by
    // two threads at once. Same settings as above: 11 iterations, each `RESETS` (at 16M
    // `RESETS_32B_16M`) resets timed alone.
    for (name, resets) in [
        ("reset_32b_1M_1t", RESETS),
        ("reset_32b_1M_2t", RESETS),
        ("reset_32b_16M_1t", RESETS_32B_16M),
        ("reset_32b_16M_2t", RESETS_32B_16M),
    ] {
        let mut g = c.benchmark_group(name);
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_nanos(1))
            .measurement_time(Duration::from_nanos(1))
            .throughput(Throughput::Elements(resets));
        match name {
            "reset_32b_1M_1t" => bench::<Rec32, ResetStriped<N, 1>>(&mut g, resets),
            "reset_32b_1M_2t" => bench::<Rec32, ResetStriped<N, 2>>(&mut g, resets),
            "reset_32b_16M_1t" => bench::<Rec32, ResetStriped<N_16M, 1>>(&mut g, resets),
            _ => bench::<Rec32, ResetStriped<N_16M, 2>>(&mut g, resets),
        }
        if name.contains("_1M_") {
            bench::<Rec32, ResetVec32<N>>(&mut g, resets);
            bench::<Rec32, ResetBump32<N>>(&mut g, resets);
            if name.ends_with("_1t") {
                bench::<Rec32, TimerAfterFill<N>>(&mut g, resets);
            }
        } else {
            bench::<Rec32, ResetVec32<N_16M>>(&mut g, resets);
            bench::<Rec32, ResetBump32<N_16M>>(&mut g, resets);
        }
        g.finish();
    }

    // Dropping 100,000 strings takes about a millisecond; building them, a few more. One
    // second of measurement is a few hundred rounds.
    let mut g = c.benchmark_group("reset_string_100k");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(STRINGS as u64));
    bench::<String, StringsArena>(&mut g, 1);
    bench::<String, StringsVec>(&mut g, 1);
    bench::<String, StringsTypedArena>(&mut g, 1);
    g.finish();
}

// ---- instruction counts ---------------------------------------------------------------------

/// The region callgrind counts (`--toggle-collect='*measured*'`).
#[inline(never)]
fn measured(f: impl FnOnce()) {
    f();
}

/// Runs `C` once unmeasured, then `ICOUNT_RUNS` times with its `run` inside `measured`;
/// returns the elements measured.
fn icount<T, C: Case<T>>() -> u64 {
    let mut s = C::new();
    // One unmeasured run first, as criterion warms up: malloc's free lists are then those of
    // a steady state (what `Box::new` reuses), not a fresh heap.
    C::prepare(&mut s);
    C::run(&mut s);
    for _ in 0..C::ICOUNT_RUNS {
        C::prepare(&mut s);
        measured(|| C::run(&mut s));
    }
    C::ICOUNT_RUNS * C::ELEMS
}

/// Runs both halves of the two-thread `C` one after the other on this thread (uncontended),
/// once unmeasured and once measured.
fn icount_2t_seq<C: CaseMt<u64>>() -> u64 {
    let per = N / 2;
    let mut s = C::new(2);
    C::prepare(&mut s);
    C::run(&s, 0, per);
    C::run(&s, 1, per);
    C::prepare(&mut s);
    measured(|| {
        C::run(&s, 0, per);
        C::run(&s, 1, per);
    });
    2 * per as u64
}

type IcountCase = (String, fn() -> u64);

fn case<T, C: Case<T>>(group: &str) -> IcountCase {
    (format!("{group}/{}", C::NAME), icount::<T, C>)
}

fn case_2t<C: CaseMt<u64>>() -> IcountCase {
    (format!("alloc_u64_2t_seq/{}", C::NAME), icount_2t_seq::<C>)
}

/// The cases `--icount` knows, named `group/function` as in criterion (`alloc_u64_2t_seq`:
/// two-thread cases of `alloc_u64_2t` run sequentially on one thread; bumpalo-herd is not
/// among them: run one after the other, both halves would share one `Bump`).
fn icount_cases() -> Vec<IcountCase> {
    fn fills<T: Item>(group: &str) -> Vec<IcountCase> {
        vec![
            case::<T, Shared>(group),
            case::<T, Local>(group),
            case::<T, FloorCase>(group),
            case::<T, Bumpalo>(group),
            case::<T, TypedArena>(group),
            case::<T, Boxcar>(group),
            case::<T, BoxNew>(group),
            case::<T, VecPush>(group),
            case::<T, OrxBag>(group),
            case::<T, ArrayQueuePush>(group),
        ]
    }
    let mut all = fills::<u64>("alloc_u64_1t");
    all.extend(fills::<Rec32>("alloc_32b_1t"));
    all.extend([
        case_2t::<ArrayQueuePush>(),
        case_2t::<MutexTypedArena>(),
        case_2t::<OrxBag>(),
        case_2t::<BlinkAlloc>(),
        case::<u64, BatchArena>("batch"),
        case::<u64, BatchVec>("batch"),
        case::<u64, BatchBump>("batch"),
        case::<u64, ResetArena<N>>("reset_u64_1M"),
        case::<u64, ResetVec<N>>("reset_u64_1M"),
        case::<u64, ResetBump<N>>("reset_u64_1M"),
        case::<u64, ResetArena<N_16M>>("reset_u64_16M"),
        case::<u64, ResetVec<N_16M>>("reset_u64_16M"),
        case::<u64, ResetBump<N_16M>>("reset_u64_16M"),
        case::<Rec32, ResetStriped<N, 1>>("reset_32b_1M_1t"),
        case::<Rec32, ResetStriped<N, 2>>("reset_32b_1M_2t"),
        case::<Rec32, ResetVec32<N>>("reset_32b_1M_1t"),
        case::<Rec32, ResetBump32<N>>("reset_32b_1M_1t"),
        case::<Rec32, ResetStriped<N_16M, 1>>("reset_32b_16M_1t"),
        case::<Rec32, ResetStriped<N_16M, 2>>("reset_32b_16M_2t"),
        case::<Rec32, ResetVec32<N_16M>>("reset_32b_16M_1t"),
        case::<Rec32, ResetBump32<N_16M>>("reset_32b_16M_1t"),
    ]);
    all
}

// ---- main -----------------------------------------------------------------------------------

/// The load average now, as a JSON object.
fn load_now() -> String {
    let now = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{{\"time\": {secs}, \"loadavg\": \"{}\"}}", now.trim())
}

/// Writes the load average at the start (`start`, from `load_now`) and end of the run next to
/// criterion's results (`<criterion dir>/bounded-load.json`), for BENCHMARKS.md. Best effort.
fn record_load(start: &str) {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|d| PathBuf::from(d).join("criterion"))
        })
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/criterion"))
        });
    let json = format!("{{\"start\": {start}, \"end\": {}}}\n", load_now());
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("bounded-load.json"), json);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--icount-list") {
        for (name, _) in icount_cases() {
            println!("{name}");
        }
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--icount") {
        let want = args.get(i + 1).expect("--icount <group/function>");
        let (_, run) = icount_cases()
            .into_iter()
            .find(|(name, _)| name == want)
            .unwrap_or_else(|| panic!("unknown case {want}; see --icount-list"));
        println!("elements {}", run());
        return;
    }

    // A filtered run (`cargo bench --bench bounded -- alloc_u64_1t`) keeps the load record of
    // the last full run, which ratios.py uses to tell stale results from fresh ones.
    let filtered = args.iter().enumerate().skip(1).any(|(i, a)| {
        let prev = args[i - 1].as_str();
        let prev_takes_value = prev.starts_with("--")
            && !matches!(
                prev,
                "--bench"
                    | "--test"
                    | "--list"
                    | "--exact"
                    | "--verbose"
                    | "--quiet"
                    | "--noplot"
                    | "--quick"
                    | "--discard-baseline"
                    | "--ignored"
                    | "--nocapture"
            );
        !a.starts_with('-') && (i == 1 || !prev_takes_value)
    });
    let start = load_now();
    let mut c = Criterion::default().configure_from_args();
    alloc_1t::<u64>(&mut c, "alloc_u64_1t");
    alloc_1t::<Rec32>(&mut c, "alloc_32b_1t");
    alloc_mt::<u64>(&mut c, "alloc_u64_2t", 2);
    alloc_mt::<Rec32>(&mut c, "alloc_32b_2t", 2);
    alloc_mt::<u64>(&mut c, "alloc_u64_8t", 8);
    batch(&mut c);
    reset(&mut c);
    c.final_summary();
    if !filtered {
        record_load(&start);
    }
}
