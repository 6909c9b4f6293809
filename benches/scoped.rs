//! `ScopedArena` (issue 12) per request against the obvious alternatives: a `Box` per value and
//! a `Vec` per request.
//!
//! A *request* allocates `K` = 8 values of 64 bytes, touches each (a write and a read), and
//! ends, which frees them. Throughput is counted in requests, so `benches/ratios.py` prints ns
//! per request and the ratio atomicarena / peer.
//!
//! * `scoped_request_pod`: values of plain data (`Pod`, eight `u64`s, no drop glue).
//! * `scoped_request_string`: values holding a `String` (`Req`, 64 bytes with the `String`),
//!   built with `String::from` (one small heap allocation per value, on every side), dropped
//!   when the request ends.
//! * `scoped_request_2t`: `scoped_request_pod` on 2 threads sharing one arena, 100,000 requests
//!   in all; wall time from a common start line to the last thread's finish
//!   (`start_line.rs`), per request.
//!
//! Ours (`atomicarena`): `ARENA.scope()` on a `static ScopedArena`, `K` × `Scope::alloc`, the
//! scope dropped at the end of the request (the last leaver of its segment resets it: the
//! values are dropped there). `atomicarena_local` (plain-data groups): the same with one
//! `scope.local_with_chunk(K)` per request, so one atomic claim per request instead of one per
//! value. Peers: `box_new` (`K` × `Box::new`, dropped at the end of the request), `vec` (a
//! `Vec::with_capacity(K)` per request, filled and dropped), and, for plain data only,
//! `bumpalo` (a `Bump` kept per thread, reset after each request; bumpalo runs no destructor,
//! so it is left out of the `String` group, where it would leak).
//!
//! The arenas are sized so that a request never finds its segment full on one thread (each
//! request leaves it empty; 64 slots are 4 segments of 16). On two threads (1,024 slots, 16
//! segments of 64) a segment recycles when both threads are out of it; a thread preempted
//! inside a scope holds its segment (or two), and the other continues in free ones. A request
//! whose allocation fails is retried from a new scope, and the retries are counted and printed
//! after each function (`N of M requests retried`): they are part of the time measured.
//!
//! Instruction counts: `scoped --icount-list` lists the single-thread cases and `scoped
//! --icount <group/function>` runs one, `REQS` requests inside the `#[inline(never)]` function
//! `measured` after as many unmeasured, as in `bounded.rs`.
//!
//! `cargo bench -p atomicarena-benches --bench scoped -- --warm-up-time 1 --measurement-time 3`
//! (see BENCHMARKS.md).

mod start_line;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use atomicarena::ScopedArena;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};

/// Values per request.
const K: usize = 8;
/// Requests per timed run, single thread.
const REQS: u64 = 10_000;
/// Requests per timed run in all, two threads (50,000 each).
const REQS_2T: u64 = 100_000;
/// Slots, single thread (4 segments of 16): a request uses `K` and leaves its segment empty.
const SLOTS_1T: usize = 64;
/// Slots, two threads (16 segments of 64, 8 requests' worth each).
const SLOTS_2T: usize = 1024;

/// A request's value of plain data: 64 bytes, no drop glue.
#[derive(Clone, Copy)]
struct Pod {
    id: u64,
    data: [u64; 7],
}

/// A request's value that owns a heap string: 64 bytes with the `String`.
struct Req {
    id: u64,
    path: String,
    headers: [u32; 8],
}

const _: () = assert!(size_of::<Pod>() == 64 && size_of::<Req>() == 64);

/// What a request does with its values.
trait Value: Send + 'static {
    /// The `i`-th value of request `r`.
    fn make(r: u64, i: usize) -> Self;
    /// Touches the value (a write), and returns something read from it.
    fn touch(&mut self) -> u64;
}

impl Value for Pod {
    #[inline(always)]
    fn make(r: u64, i: usize) -> Self {
        let id = r * K as u64 + i as u64;
        Pod { id, data: [id; 7] }
    }
    #[inline(always)]
    fn touch(&mut self) -> u64 {
        self.data[0] += 1;
        self.id + self.data[0] + self.data[6]
    }
}

impl Value for Req {
    #[inline(always)]
    fn make(r: u64, i: usize) -> Self {
        Req {
            id: r * K as u64 + i as u64,
            path: String::from("/index.html"),
            headers: [i as u32; 8],
        }
    }
    #[inline(always)]
    fn touch(&mut self) -> u64 {
        self.headers[0] += 1;
        self.id + self.path.len() as u64 + u64::from(self.headers[0])
    }
}

static POD_1T: ScopedArena<Pod, SLOTS_1T> = ScopedArena::new();
static REQ_1T: ScopedArena<Req, SLOTS_1T> = ScopedArena::new();
static POD_LOCAL_1T: ScopedArena<Pod, SLOTS_1T> = ScopedArena::new();
static POD_2T: ScopedArena<Pod, SLOTS_2T> = ScopedArena::new();
static POD_LOCAL_2T: ScopedArena<Pod, SLOTS_2T> = ScopedArena::new();

/// Requests retried because an allocation was refused (two threads only; printed per function).
static RETRIED: AtomicU64 = AtomicU64::new(0);

// ---- one request, each way ------------------------------------------------------------------

/// Touches every value of a request and sums what it read.
#[inline(always)]
fn touch_all<'v, T: Value>(values: impl Iterator<Item = &'v mut T>) -> u64 {
    values.map(Value::touch).sum()
}

/// A request in a scope of `arena`: `K` × `Scope::alloc`, touched, dropped with the scope.
#[inline(always)]
fn scoped<T: Value, const M: usize>(arena: &ScopedArena<T, M>, r: u64) -> u64 {
    loop {
        let scope = arena.scope();
        let mut values: [Option<&mut T>; K] = Default::default();
        let mut full = false;
        for (i, v) in values.iter_mut().enumerate() {
            match scope.alloc(T::make(r, i)) {
                Ok(x) => *v = Some(black_box(x)),
                Err(_) => {
                    full = true;
                    break;
                }
            }
        }
        if !full {
            return touch_all(values.iter_mut().flatten().map(|v| &mut **v));
        }
        RETRIED.fetch_add(1, Ordering::Relaxed);
    }
}

/// A request in a scope of `arena` through one `local_with_chunk(K)` handle: one claim of `K`
/// slots per request.
#[inline(always)]
fn scoped_local<T: Value, const M: usize>(arena: &ScopedArena<T, M>, r: u64) -> u64 {
    loop {
        let scope = arena.scope();
        let mut local = scope.local_with_chunk(K);
        let mut values: [Option<&mut T>; K] = Default::default();
        let mut full = false;
        for (i, v) in values.iter_mut().enumerate() {
            match local.alloc(T::make(r, i)) {
                Ok(x) => *v = Some(black_box(x)),
                Err(_) => {
                    full = true;
                    break;
                }
            }
        }
        drop(local);
        if !full {
            return touch_all(values.iter_mut().flatten().map(|v| &mut **v));
        }
        RETRIED.fetch_add(1, Ordering::Relaxed);
    }
}

/// A request with a `Box` per value.
#[inline(always)]
fn boxed<T: Value>(r: u64) -> u64 {
    let mut values: [Box<T>; K] = std::array::from_fn(|i| black_box(Box::new(T::make(r, i))));
    touch_all(values.iter_mut().map(|v| &mut **v))
}

/// A request with a `Vec` of its own.
#[inline(always)]
fn vec<T: Value>(r: u64) -> u64 {
    let mut values = Vec::with_capacity(K);
    for i in 0..K {
        values.push(T::make(r, i));
        black_box(values.last_mut());
    }
    touch_all(values.iter_mut())
}

/// A request in a `Bump`, reset when it ends (plain data only: bumpalo runs no destructor).
#[inline(always)]
fn bump(b: &mut bumpalo::Bump, r: u64) -> u64 {
    let sum = {
        let mut values: [&mut Pod; K] =
            std::array::from_fn(|i| black_box(b.alloc(Pod::make(r, i))));
        touch_all(values.iter_mut().map(|v| &mut **v))
    };
    b.reset();
    sum
}

// ---- timing ---------------------------------------------------------------------------------

/// Adds a single-thread function to `g`: each criterion iteration is `REQS` requests.
fn bench_1t(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, mut request: impl FnMut(u64) -> u64) {
    g.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for r in 0..iters * REQS {
                black_box(request(r));
            }
            start.elapsed()
        })
    });
}

/// Adds a two-thread function to `g`: each criterion iteration is `REQS_2T` requests, half on
/// each thread, timed from a common start line (`start_line.rs`). `run(thread, requests)`
/// serves `requests` requests on thread `thread`.
/// Prints how many of the function's requests were retried (see the module docs).
fn bench_2t(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, run: impl Fn(usize, u64) + Sync) {
    RETRIED.store(0, Ordering::Relaxed);
    let mut requests = 0;
    g.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                total += start_line::run_threads(2, |t| run(t, REQS_2T / 2));
                requests += REQS_2T;
            }
            total
        })
    });
    let retried = RETRIED.load(Ordering::Relaxed);
    if name.starts_with("atomicarena") {
        eprintln!("scoped_request_2t/{name}: {retried} of {requests} requests retried (refused)");
    }
}

// ---- groups ---------------------------------------------------------------------------------

fn scoped_request_pod(c: &mut Criterion) {
    let mut g = c.benchmark_group("scoped_request_pod");
    g.throughput(Throughput::Elements(REQS));
    bench_1t(&mut g, "atomicarena", |r| scoped(&POD_1T, r));
    bench_1t(&mut g, "atomicarena_local", |r| {
        scoped_local(&POD_LOCAL_1T, r)
    });
    bench_1t(&mut g, "box_new", boxed::<Pod>);
    bench_1t(&mut g, "vec", vec::<Pod>);
    let mut b = bumpalo::Bump::with_capacity(K * size_of::<Pod>());
    bench_1t(&mut g, "bumpalo", |r| bump(&mut b, r));
    g.finish();
}

fn scoped_request_string(c: &mut Criterion) {
    let mut g = c.benchmark_group("scoped_request_string");
    g.throughput(Throughput::Elements(REQS));
    bench_1t(&mut g, "atomicarena", |r| scoped(&REQ_1T, r));
    bench_1t(&mut g, "box_new", boxed::<Req>);
    bench_1t(&mut g, "vec", vec::<Req>);
    g.finish();
}

fn scoped_request_2t(c: &mut Criterion) {
    let mut g = c.benchmark_group("scoped_request_2t");
    // One iteration is 100,000 requests (milliseconds): flat sampling, as bounded.rs's
    // multi-thread groups.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .throughput(Throughput::Elements(REQS_2T));
    bench_2t(&mut g, "atomicarena", |_, n| {
        for r in 0..n {
            black_box(scoped(&POD_2T, r));
        }
    });
    bench_2t(&mut g, "atomicarena_local", |_, n| {
        for r in 0..n {
            black_box(scoped_local(&POD_LOCAL_2T, r));
        }
    });
    bench_2t(&mut g, "box_new", |_, n| {
        for r in 0..n {
            black_box(boxed::<Pod>(r));
        }
    });
    bench_2t(&mut g, "vec", |_, n| {
        for r in 0..n {
            black_box(vec::<Pod>(r));
        }
    });
    // One `Bump` per thread, locked once per run by its own thread (uncontended).
    let bumps: Vec<Mutex<bumpalo::Bump>> = (0..2)
        .map(|_| Mutex::new(bumpalo::Bump::with_capacity(K * size_of::<Pod>())))
        .collect();
    bench_2t(&mut g, "bumpalo", |t, n| {
        let mut b = bumps[t].lock().unwrap();
        for r in 0..n {
            black_box(bump(&mut b, r));
        }
    });
    g.finish();
}

/// Checks, once before the groups run, that every way of serving a request reads back the
/// same values, and that each request's segment is reset when the request ends.
fn check() {
    let expect: u64 = (0..3).map(vec::<Pod>).sum();
    let mut b = bumpalo::Bump::new();
    let ways = [
        (0..3).map(|r| scoped(&POD_1T, r)).sum::<u64>(),
        (0..3).map(|r| scoped_local(&POD_LOCAL_1T, r)).sum(),
        (0..3).map(boxed::<Pod>).sum(),
        (0..3).map(|r| bump(&mut b, r)).sum(),
    ];
    assert_eq!(ways, [expect; 4]);
    assert_eq!(
        (0..3).map(|r| scoped(&REQ_1T, r)).sum::<u64>(),
        (0..3).map(vec::<Req>).sum::<u64>()
    );
    assert_eq!(POD_1T.recycled(), 3);
    assert_eq!(REQ_1T.recycled(), 3);
    // A request's segment is empty again when it ends: the next scope finds it all free.
    let scope = REQ_1T.scope();
    assert_eq!(scope.remaining(), REQ_1T.segment_capacity(scope.segment()));
}

// ---- instruction counts ---------------------------------------------------------------------

/// The region callgrind counts (`--toggle-collect='*measured*'`).
#[inline(never)]
fn measured(f: impl FnOnce()) {
    f();
}

/// `REQS` requests unmeasured (as criterion warms up: malloc's free lists, the segments), then
/// `REQS` measured.
fn icount(mut request: impl FnMut(u64) -> u64) {
    for r in 0..REQS {
        black_box(request(r));
    }
    measured(|| {
        for r in 0..REQS {
            black_box(request(r));
        }
    });
}

/// The single-thread cases `--icount` knows, named `group/function` as in criterion.
fn icount_cases() -> Vec<(&'static str, fn())> {
    vec![
        ("scoped_request_pod/atomicarena", || {
            icount(|r| scoped(&POD_1T, r))
        }),
        ("scoped_request_pod/atomicarena_local", || {
            icount(|r| scoped_local(&POD_LOCAL_1T, r))
        }),
        ("scoped_request_pod/box_new", || icount(boxed::<Pod>)),
        ("scoped_request_pod/vec", || icount(vec::<Pod>)),
        ("scoped_request_pod/bumpalo", || {
            let mut b = bumpalo::Bump::with_capacity(K * size_of::<Pod>());
            icount(|r| bump(&mut b, r));
        }),
        ("scoped_request_string/atomicarena", || {
            icount(|r| scoped(&REQ_1T, r))
        }),
        ("scoped_request_string/box_new", || icount(boxed::<Req>)),
        ("scoped_request_string/vec", || icount(vec::<Req>)),
    ]
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
        run();
        println!("elements {REQS}");
        return;
    }
    check();
    let mut c = Criterion::default().configure_from_args();
    scoped_request_pod(&mut c);
    scoped_request_string(&mut c);
    scoped_request_2t(&mut c);
    c.final_summary();
}
