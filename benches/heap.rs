//! Heap storage against inline storage on the same work (issue 18, item 4: "same speed"): every
//! group runs one operation on an inline kind (`Inline<N>`, from `new_boxed`, as a large inline
//! kind must be made) and on its heap twin (`Heap`, from `with_capacity(N)`, the value itself,
//! not boxed: as a user holds it), with the same capacity, the same element type and the same
//! loop. The functions of every group are `inline` and `heap`.
//!
//! Groups (throughput per element, as in `bounded.rs`: `benches/ratios.py` and
//! `benches/heap_table.py` print ns per element; the reset groups count resets):
//!
//! * `storage_alloc_u64_1t`, `storage_alloc_32b_1t`: fill an empty arena of 1,000,000 slots
//!   with shared `alloc`, one call per value (the striped path: 4,096 slots or more), a `u64`
//!   and the 32-byte record of `values.rs`, one thread.
//! * `storage_alloc_u64_1t_1024`: the same in an arena of 1,024 slots (below 4,096: one
//!   shared cursor, no stripes), 1,024 values per fill.
//! * `storage_alloc_u64_2t`, `storage_alloc_32b_2t`: 2 threads × 500,000 values into one arena
//!   (1,000,000 + 16 × 1,024 slots, as `bounded.rs`), wall time from a common start line to the
//!   last thread's end (`start_line.rs`) over 1,000,000.
//! * `storage_local_u64_1t`, `storage_local_32b_1t`: 1,000,000 values through one
//!   `local()` handle, made and dropped inside the timed region; `storage_local_u64_2t`: one
//!   handle per thread, 2 × 500,000.
//! * `storage_batch`: 1,000 batches of 1,000 `u64` (`alloc_slice_copy`), 1,000,000 slots.
//! * `storage_ring_push_1t`: a ring of 1,024 32-byte values, reset, then 1,000,000
//!   `push`es on one thread (`ring.rs`'s 1-thread case). `storage_ring_push_1t_1000`: the same
//!   with 1,000 slots, a capacity that is not a power of two (an inline ring divides by a
//!   constant either way; 1,024 lets it shift and mask).
//! * `storage_pool_take_4096`, `storage_pool_take_1024`: a pool of 4,096 (striped) and of
//!   1,024 (one cursor) `Packet`s (a `Vec<u8>` and a `u64`, reset field by field), every slot
//!   taken once per round with `take`, its `seq` written; the round's `reset` is untimed.
//!   From the second round on every value is recycled.
//! * `storage_reset_u64_1M`: one `reset` of a full 1,000,000-slot `u64` arena filled by one
//!   batch copy; `storage_reset_32b_1M`: of a full 1,000,000-slot arena of 32-byte values
//!   filled by shared `alloc` (the striped path) from one thread; `storage_reset_pool_4096`:
//!   the `reset` of a full pool of 4,096 `Packet`s (each value's fields reset). Each reset is
//!   timed alone, after an untimed refill (64 per criterion iteration, as in `bounded.rs`).
//!
//! Every timed fill starts empty (emptied outside the timed region with `iter_custom`), values
//! are built from the loop index inside the timed loop, and every returned reference or handle
//! goes through `black_box`.
//!
//! Instruction counts: `heap --icount-list` lists the cases (the 1-thread groups, and the
//! 2-thread ones as `..._2t_seq`: both halves run one after the other on one thread) and `heap
//! --icount <group/function>` runs one: once unmeasured, then its timed part inside the
//! `#[inline(never)]` function `measured`, and prints how many elements that was, as
//! `bounded.rs` does. `python3 benches/heap_table.py --icount` runs them all under `valgrind
//! --tool=callgrind --toggle-collect='*measured*'` and prints heap against inline.
//!
//! Run: `cargo bench -p atomicarena-benches --bench heap -- --warm-up-time 1
//! --measurement-time 3`, then `python3 benches/heap_table.py --icount` (see its doc).

mod start_line;
mod values;

use std::hint::black_box;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use atomicarena::{
    Arena, ArenaIn, FieldReset, Heap, HeapArena, HeapPool, HeapRing, Inline, Pool, PoolIn, Ring,
    RingIn, Storage,
};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use values::Rec32;

/// Elements per timed fill, and slots of the 1-thread arenas.
const N: usize = 1_000_000;
/// Slots of the 2-thread arenas: `N` plus room for unused chunk tails (as in `bounded.rs`).
const N_MT: usize = N + 16 * 1024;
/// A capacity below the striped path's 4,096.
const SMALL: usize = 1024;
/// Slots of the striped pool.
const POOL: usize = 4096;
/// Slots of the ring (as in `ring.rs`).
const RING: usize = 1024;
/// Slots of a ring whose capacity is not a power of two.
const RING_ODD: usize = 1000;
/// Values per batch in `storage_batch`.
const BATCH: usize = 1_000;
/// Resets per criterion iteration in the reset groups, each timed alone.
const RESETS: u64 = 64;

/// A value type: built from a counter, cheap to build (as in `bounded.rs`).
trait Item: Copy + Send + Sync + 'static {
    fn make(i: u64) -> Self;
}

impl Item for u64 {
    #[inline(always)]
    fn make(i: u64) -> Self {
        i
    }
}

impl Item for Rec32 {
    #[inline(always)]
    fn make(i: u64) -> Self {
        values::rec32(i)
    }
}

/// A pool's value: a buffer kept from round to round and a sequence number (`pool.rs`'s
/// packet, its payload left empty: the bench times the `take`, not a copy).
#[derive(Default)]
struct Packet {
    payload: Vec<u8>,
    seq: u64,
}

impl FieldReset for Packet {
    fn reset_fields(&mut self) {
        self.payload.clear();
        self.seq = 0;
    }
}

// ---- the two storages -----------------------------------------------------------------------

/// A heap kind held by value, as `with_capacity` returns it; dereferences to the kind, so that
/// the cases read alike for both storages (a `Box` of an inline kind does too).
struct Own<K>(K);

impl<K> Deref for Own<K> {
    type Target = K;
    #[inline(always)]
    fn deref(&self) -> &K {
        &self.0
    }
}

impl<K> DerefMut for Own<K> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut K {
        &mut self.0
    }
}

/// One storage at capacity `CAP`, and how to make each kind in it.
trait Flavor: 'static {
    /// The function's name in its criterion group: `inline` or `heap`.
    const NAME: &'static str;
    /// The capacity of every kind made.
    const CAP: usize;
    type S: Storage;
    type Arena<T: Send + Sync>: DerefMut<Target = ArenaIn<T, Self::S>> + Sync;
    type Ring<T: Send + Sync>: DerefMut<Target = RingIn<T, Self::S>> + Sync;
    type Pool<T: Send + Sync>: DerefMut<Target = PoolIn<T, Self::S>> + Sync;
    fn arena<T: Send + Sync>() -> Self::Arena<T>;
    fn ring<T: Send + Sync>() -> Self::Ring<T>;
    fn pool<T: Send + Sync>() -> Self::Pool<T>;
}

/// `Inline<CAP>`, boxed (`new_boxed`).
struct InlineF<const CAP: usize>;

impl<const CAP: usize> Flavor for InlineF<CAP> {
    const NAME: &'static str = "inline";
    const CAP: usize = CAP;
    type S = Inline<CAP>;
    type Arena<T: Send + Sync> = Box<Arena<T, CAP>>;
    type Ring<T: Send + Sync> = Box<Ring<T, CAP>>;
    type Pool<T: Send + Sync> = Box<Pool<T, CAP>>;
    fn arena<T: Send + Sync>() -> Self::Arena<T> {
        Arena::new_boxed()
    }
    fn ring<T: Send + Sync>() -> Self::Ring<T> {
        Ring::new_boxed()
    }
    fn pool<T: Send + Sync>() -> Self::Pool<T> {
        Pool::new_boxed()
    }
}

/// `Heap` with capacity `CAP` (`with_capacity(CAP)`), held by value.
struct HeapF<const CAP: usize>;

impl<const CAP: usize> Flavor for HeapF<CAP> {
    const NAME: &'static str = "heap";
    const CAP: usize = CAP;
    type S = Heap;
    type Arena<T: Send + Sync> = Own<HeapArena<T>>;
    type Ring<T: Send + Sync> = Own<HeapRing<T>>;
    type Pool<T: Send + Sync> = Own<HeapPool<T>>;
    fn arena<T: Send + Sync>() -> Self::Arena<T> {
        Own(HeapArena::with_capacity(CAP))
    }
    fn ring<T: Send + Sync>() -> Self::Ring<T> {
        Own(HeapRing::with_capacity(CAP))
    }
    fn pool<T: Send + Sync>() -> Self::Pool<T> {
        Own(HeapPool::with_capacity(CAP))
    }
}

// ---- cases ----------------------------------------------------------------------------------

/// One function of a single-thread group: a kind, emptied (or refilled) untimed, worked on
/// timed (as in `bounded.rs`).
trait Case {
    /// The function's name in its group.
    const NAME: &'static str;
    /// Elements one `run` handles: criterion's throughput, the divisor of instruction counts.
    const ELEMS: u64;
    /// `run`s per instruction count (each after an untimed `prepare`).
    const ICOUNT_RUNS: u64 = 1;
    type State;
    fn new() -> Self::State;
    /// Untimed: empties (or refills) the kind.
    fn prepare(s: &mut Self::State);
    /// Timed: the work measured.
    fn run(s: &mut Self::State);
}

/// One function of a multi-thread group: `run(state, per)` runs on every thread at once, each
/// doing `per` operations.
trait CaseMt {
    const NAME: &'static str;
    type State: Sync;
    fn new() -> Self::State;
    /// Untimed: empties the kind.
    fn prepare(s: &mut Self::State);
    /// Timed, on every thread of the group at once.
    fn run(s: &Self::State, per: usize);
}

/// Shared `alloc`, one value per call, `F::CAP` values (every slot).
struct Alloc<F, T>(PhantomData<(F, T)>);

impl<F: Flavor, T: Item> Case for Alloc<F, T> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = F::CAP as u64;
    type State = F::Arena<T>;
    fn new() -> Self::State {
        F::arena()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        for i in 0..F::CAP as u64 {
            black_box(a.alloc(T::make(i)).unwrap());
        }
    }
}

impl<F: Flavor, T: Item> CaseMt for Alloc<F, T> {
    const NAME: &'static str = F::NAME;
    type State = F::Arena<T>;
    fn new() -> Self::State {
        F::arena()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &Self::State, per: usize) {
        for i in 0..per as u64 {
            black_box(a.alloc(T::make(i)).unwrap());
        }
    }
}

/// `local()`, made and dropped inside the timed region: `F::CAP` values (every slot) on one
/// thread, `per` on each thread of a multi-thread group.
struct LocalAlloc<F, T>(PhantomData<(F, T)>);

impl<F: Flavor, T: Item> Case for LocalAlloc<F, T> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = F::CAP as u64;
    type State = F::Arena<T>;
    fn new() -> Self::State {
        F::arena()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &mut Self::State) {
        let mut local = a.local();
        for i in 0..F::CAP as u64 {
            black_box(local.alloc(T::make(i)).unwrap());
        }
    }
}

impl<F: Flavor, T: Item> CaseMt for LocalAlloc<F, T> {
    const NAME: &'static str = F::NAME;
    type State = F::Arena<T>;
    fn new() -> Self::State {
        F::arena()
    }
    fn prepare(a: &mut Self::State) {
        a.reset();
    }
    fn run(a: &Self::State, per: usize) {
        let mut local = a.local();
        for i in 0..per as u64 {
            black_box(local.alloc(T::make(i)).unwrap());
        }
    }
}

/// `F::CAP / BATCH` batches of `BATCH` `u64` (`alloc_slice_copy`).
struct Batch<F>(PhantomData<F>);

impl<F: Flavor> Case for Batch<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = (F::CAP / BATCH * BATCH) as u64;
    type State = (F::Arena<u64>, Vec<u64>);
    fn new() -> Self::State {
        (F::arena(), (0..BATCH as u64).collect())
    }
    fn prepare((a, _): &mut Self::State) {
        a.reset();
    }
    fn run((a, src): &mut Self::State) {
        for _ in 0..F::CAP / BATCH {
            black_box(a.alloc_slice_copy(black_box(src)).unwrap());
        }
    }
}

/// `N` pushes of 32-byte values into a ring of `F::CAP`, after a reset.
struct RingPush<F>(PhantomData<F>);

impl<F: Flavor> Case for RingPush<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = N as u64;
    type State = F::Ring<Rec32>;
    fn new() -> Self::State {
        F::ring()
    }
    fn prepare(r: &mut Self::State) {
        r.reset();
    }
    fn run(r: &mut Self::State) {
        for i in 0..N as u64 {
            black_box(r.push(values::rec32(i)));
        }
    }
}

/// A round of `F::CAP` `take`s from a pool of `Packet`s, each writing its `seq`; the reset
/// that ends the round is untimed.
struct PoolTake<F>(PhantomData<F>);

impl<F: Flavor> Case for PoolTake<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = F::CAP as u64;
    type State = F::Pool<Packet>;
    fn new() -> Self::State {
        F::pool()
    }
    fn prepare(p: &mut Self::State) {
        p.reset();
    }
    fn run(p: &mut Self::State) {
        for i in 0..F::CAP as u64 {
            let v = p.take().unwrap();
            v.seq = i;
            black_box(v);
        }
    }
}

/// Instruction-count runs of a reset whose refill is cheap under valgrind: a whole cycle of
/// the arena's 255 round tags.
const RESET_ICOUNT_RUNS: u64 = 255;

/// One `reset` of a full `u64` arena filled by one batch copy.
struct ResetBatchFilled<F>(PhantomData<F>);

impl<F: Flavor> Case for ResetBatchFilled<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = RESET_ICOUNT_RUNS;
    type State = (F::Arena<u64>, Vec<u64>);
    fn new() -> Self::State {
        (F::arena(), (0..F::CAP as u64).collect())
    }
    fn prepare((a, src): &mut Self::State) {
        a.alloc_slice_copy(src).unwrap();
        debug_assert!(a.is_full());
    }
    fn run((a, _): &mut Self::State) {
        black_box(&mut **a).reset();
    }
}

/// One `reset` of a full arena of 32-byte values filled by shared `alloc` on this thread.
struct ResetStriped<F>(PhantomData<F>);

impl<F: Flavor> Case for ResetStriped<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = 1;
    /// Each refill is `F::CAP` claims under valgrind (about half a second per million).
    const ICOUNT_RUNS: u64 = 16;
    type State = F::Arena<Rec32>;
    fn new() -> Self::State {
        F::arena()
    }
    fn prepare(a: &mut Self::State) {
        for i in 0..F::CAP as u64 {
            black_box(a.alloc(values::rec32(i)).unwrap());
        }
    }
    fn run(a: &mut Self::State) {
        black_box(&mut **a).reset();
    }
}

/// One `reset` of a pool whose every slot was taken this round.
struct ResetPool<F>(PhantomData<F>);

impl<F: Flavor> Case for ResetPool<F> {
    const NAME: &'static str = F::NAME;
    const ELEMS: u64 = 1;
    const ICOUNT_RUNS: u64 = RESET_ICOUNT_RUNS;
    type State = F::Pool<Packet>;
    fn new() -> Self::State {
        F::pool()
    }
    fn prepare(p: &mut Self::State) {
        for i in 0..F::CAP as u64 {
            p.take().unwrap().seq = i;
        }
    }
    fn run(p: &mut Self::State) {
        black_box(&mut **p).reset();
    }
}

// ---- timing (as in `bounded.rs`) ------------------------------------------------------------

/// Runs `C::prepare` untimed and then `C::run` timed, `runs` times; returns the timed total.
fn timed<C: Case>(runs: u64, s: &mut C::State) -> Duration {
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
/// line together, `N / threads` each; returns the sum over `runs` of the wall times.
fn timed_mt<C: CaseMt>(threads: usize, runs: u64, state: &mut C::State) -> Duration {
    let per = N / threads;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        C::prepare(state);
        let shared: &C::State = state;
        total += start_line::run_threads(threads, |_| C::run(shared, per));
    }
    total
}

/// Adds `C` to `g`; each criterion iteration is `reps` runs.
fn bench<C: Case>(g: &mut BenchmarkGroup<'_, WallTime>, reps: u64) {
    g.bench_function(C::NAME, |b| {
        let mut s = C::new();
        b.iter_custom(|iters| timed::<C>(iters * reps, &mut s))
    });
}

/// Adds `C` on `threads` threads to `g`; each criterion iteration is one run of `N` values.
fn bench_mt<C: CaseMt>(g: &mut BenchmarkGroup<'_, WallTime>, threads: usize) {
    g.bench_function(C::NAME, |b| {
        let mut s = C::new();
        b.iter_custom(|iters| timed_mt::<C>(threads, iters, &mut s))
    });
}

/// A group of `I` (inline) and `H` (heap), one run per iteration of `elems` elements: flat
/// sampling, 30 samples (one iteration is 1 to 30 ms; `bounded.rs`'s fill groups).
fn pair<I: Case, H: Case>(c: &mut Criterion, name: &str) {
    assert_eq!(
        I::ELEMS,
        H::ELEMS,
        "{name}: both functions do the same work"
    );
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .throughput(Throughput::Elements(I::ELEMS));
    bench::<I>(&mut g, 1);
    bench::<H>(&mut g, 1);
    g.finish();
}

/// A group of `I` and `H` on `threads` threads, `N` elements in all.
fn pair_mt<I: CaseMt, H: CaseMt>(c: &mut Criterion, name: &str, threads: usize) {
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .throughput(Throughput::Elements(N as u64));
    bench_mt::<I>(&mut g, threads);
    bench_mt::<H>(&mut g, threads);
    g.finish();
}

/// A reset group: one iteration is `RESETS` resets, each timed alone after an untimed refill;
/// warm-up and measurement are one iteration each, 10 samples (as `bounded.rs`'s reset
/// groups; criterion warns that it cannot complete them in that time, which is intended).
fn pair_reset<I: Case, H: Case>(c: &mut Criterion, name: &str) {
    let mut g = c.benchmark_group(name);
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_nanos(1))
        .measurement_time(Duration::from_nanos(1))
        .throughput(Throughput::Elements(RESETS));
    bench::<I>(&mut g, RESETS);
    bench::<H>(&mut g, RESETS);
    g.finish();
}

// The flavors of each capacity.
type I1M = InlineF<N>;
type H1M = HeapF<N>;
type IMt = InlineF<N_MT>;
type HMt = HeapF<N_MT>;
type ISmall = InlineF<SMALL>;
type HSmall = HeapF<SMALL>;
type IPool = InlineF<POOL>;
type HPool = HeapF<POOL>;
type IRing = InlineF<RING>;
type HRing = HeapF<RING>;
type IRingOdd = InlineF<RING_ODD>;
type HRingOdd = HeapF<RING_ODD>;

fn groups(c: &mut Criterion) {
    pair::<Alloc<I1M, u64>, Alloc<H1M, u64>>(c, "storage_alloc_u64_1t");
    pair::<Alloc<I1M, Rec32>, Alloc<H1M, Rec32>>(c, "storage_alloc_32b_1t");
    pair::<Alloc<ISmall, u64>, Alloc<HSmall, u64>>(c, "storage_alloc_u64_1t_1024");
    pair_mt::<Alloc<IMt, u64>, Alloc<HMt, u64>>(c, "storage_alloc_u64_2t", 2);
    pair_mt::<Alloc<IMt, Rec32>, Alloc<HMt, Rec32>>(c, "storage_alloc_32b_2t", 2);
    pair::<LocalAlloc<I1M, u64>, LocalAlloc<H1M, u64>>(c, "storage_local_u64_1t");
    pair::<LocalAlloc<I1M, Rec32>, LocalAlloc<H1M, Rec32>>(c, "storage_local_32b_1t");
    pair_mt::<LocalAlloc<IMt, u64>, LocalAlloc<HMt, u64>>(c, "storage_local_u64_2t", 2);
    pair::<Batch<I1M>, Batch<H1M>>(c, "storage_batch");
    pair::<RingPush<IRing>, RingPush<HRing>>(c, "storage_ring_push_1t");
    pair::<RingPush<IRingOdd>, RingPush<HRingOdd>>(c, "storage_ring_push_1t_1000");
    pair::<PoolTake<IPool>, PoolTake<HPool>>(c, "storage_pool_take_4096");
    pair::<PoolTake<ISmall>, PoolTake<HSmall>>(c, "storage_pool_take_1024");
    pair_reset::<ResetBatchFilled<I1M>, ResetBatchFilled<H1M>>(c, "storage_reset_u64_1M");
    pair_reset::<ResetStriped<I1M>, ResetStriped<H1M>>(c, "storage_reset_32b_1M");
    pair_reset::<ResetPool<IPool>, ResetPool<HPool>>(c, "storage_reset_pool_4096");
}

// ---- instruction counts ---------------------------------------------------------------------

/// The region callgrind counts (`--toggle-collect='*measured*'`).
#[inline(never)]
fn measured(f: impl FnOnce()) {
    f();
}

/// Runs `C` once unmeasured, then `ICOUNT_RUNS` times with its `run` inside `measured`;
/// returns the elements measured.
fn icount<C: Case>() -> u64 {
    let mut s = C::new();
    C::prepare(&mut s);
    C::run(&mut s);
    for _ in 0..C::ICOUNT_RUNS {
        C::prepare(&mut s);
        measured(|| C::run(&mut s));
    }
    C::ICOUNT_RUNS * C::ELEMS
}

/// Runs both halves of the two-thread `C` one after the other on this thread, once unmeasured
/// and once measured.
fn icount_2t_seq<C: CaseMt>() -> u64 {
    let per = N / 2;
    let mut s = C::new();
    C::prepare(&mut s);
    C::run(&s, per);
    C::run(&s, per);
    C::prepare(&mut s);
    measured(|| {
        C::run(&s, per);
        C::run(&s, per);
    });
    2 * per as u64
}

type IcountCase = (String, fn() -> u64);

/// The two functions of a single-thread group.
fn cases<I: Case, H: Case>(group: &str) -> [IcountCase; 2] {
    [
        (format!("{group}/{}", I::NAME), icount::<I>),
        (format!("{group}/{}", H::NAME), icount::<H>),
    ]
}

/// The two functions of a two-thread group, run sequentially (`{group}_seq`).
fn cases_2t<I: CaseMt, H: CaseMt>(group: &str) -> [IcountCase; 2] {
    [
        (format!("{group}_seq/{}", I::NAME), icount_2t_seq::<I>),
        (format!("{group}_seq/{}", H::NAME), icount_2t_seq::<H>),
    ]
}

/// Every case `--icount` knows, in report order.
fn icount_cases() -> Vec<IcountCase> {
    [
        cases::<Alloc<I1M, u64>, Alloc<H1M, u64>>("storage_alloc_u64_1t"),
        cases::<Alloc<I1M, Rec32>, Alloc<H1M, Rec32>>("storage_alloc_32b_1t"),
        cases::<Alloc<ISmall, u64>, Alloc<HSmall, u64>>("storage_alloc_u64_1t_1024"),
        cases_2t::<Alloc<IMt, u64>, Alloc<HMt, u64>>("storage_alloc_u64_2t"),
        cases_2t::<Alloc<IMt, Rec32>, Alloc<HMt, Rec32>>("storage_alloc_32b_2t"),
        cases::<LocalAlloc<I1M, u64>, LocalAlloc<H1M, u64>>("storage_local_u64_1t"),
        cases::<LocalAlloc<I1M, Rec32>, LocalAlloc<H1M, Rec32>>("storage_local_32b_1t"),
        cases_2t::<LocalAlloc<IMt, u64>, LocalAlloc<HMt, u64>>("storage_local_u64_2t"),
        cases::<Batch<I1M>, Batch<H1M>>("storage_batch"),
        cases::<RingPush<IRing>, RingPush<HRing>>("storage_ring_push_1t"),
        cases::<RingPush<IRingOdd>, RingPush<HRingOdd>>("storage_ring_push_1t_1000"),
        cases::<PoolTake<IPool>, PoolTake<HPool>>("storage_pool_take_4096"),
        cases::<PoolTake<ISmall>, PoolTake<HSmall>>("storage_pool_take_1024"),
        cases::<ResetBatchFilled<I1M>, ResetBatchFilled<H1M>>("storage_reset_u64_1M"),
        cases::<ResetStriped<I1M>, ResetStriped<H1M>>("storage_reset_32b_1M"),
        cases::<ResetPool<IPool>, ResetPool<HPool>>("storage_reset_pool_4096"),
    ]
    .into_iter()
    .flatten()
    .collect()
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
    let mut c = Criterion::default().configure_from_args();
    groups(&mut c);
    c.final_summary();
}
