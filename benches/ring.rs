//! `Ring::push` against crossbeam's `ArrayQueue::force_push` (its ring-buffer mode), the
//! scenario of issue 16's independent harness: a ring of 1,024 32-byte values (`values.rs`:
//! `{ pos: [f32; 3], vel: [f32; 3], id: u64 }`, built from the loop index inside the timed
//! loop), emptied (`reset`; the queue is drained with `pop`) before each repetition, then
//! 1,000,000 pushes in all, each thread pushing its share (1 thread × 1,000,000, 2 threads ×
//! 500,000), every returned handle through `black_box`.
//!
//! The first 1,024 pushes of a run fill empty slots and every later one overwrites the oldest
//! value. Each repetition spawns its threads (scoped), which wait at a start line; every
//! worker (also the one of the 1-thread group) reads the clock itself after the start line and
//! after its last push, and the repetition spans the earliest start to the latest end
//! (`start_line.rs`); the reset and the thread spawns are outside it. Times are per pushed
//! element (throughput 1,000,000 per iteration).
//!
//! Groups:
//!
//! * `push/1-thread`, `push/2-thread`: the start line spins (the workers leave it within
//!   nanoseconds of each other). Functions `Ring::push` and `ArrayQueue::force_push`.
//! * `push/2-thread-barrier`: the same, but the workers wait at a `std::sync::Barrier`, as the
//!   harness of issue 16 does. A futex barrier wakes its sleepers tens of microseconds after
//!   the last arrival, so the last thread to arrive runs alone meanwhile.
//!
//! Repetitions: criterion's samples may each hold several repetitions (their mean); the bench
//! also records every repetition of the measurement samples (the last 30 calls of each
//! function) and writes them, in ns per element, to `<criterion dir>/ring-reps.json`, from
//! which `benches/ratios.py` reports the median, min and max over repetitions and the max/min
//! spread (issue 16: "not bimodal").
//!
//! Run with `cargo bench -p atomicarena-benches --bench ring -- --warm-up-time 1
//! --measurement-time 3` (or all benches, see BENCHMARKS.md).

mod start_line;
mod values;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use atomicarena::Ring;
use criterion::{Criterion, SamplingMode, Throughput};
use crossbeam_queue::ArrayQueue;
use values::Rec32;

/// Capacity of both rings.
const CAP: usize = 1024;
/// Pushes per run, over all threads.
const TOTAL: usize = 1_000_000;
/// Criterion samples per function: the last `SAMPLES` calls of a function's routine are its
/// measurement (the earlier ones are warm-up).
const SAMPLES: usize = 30;

/// A ring under test: emptied untimed, pushed into from several threads at once.
trait Sink: Sync {
    /// Untimed: empties the ring.
    fn empty(&mut self);
    fn push_one(&self, v: Rec32);
}

impl Sink for Ring<Rec32, CAP> {
    fn empty(&mut self) {
        self.reset();
    }
    #[inline]
    fn push_one(&self, v: Rec32) {
        black_box(self.push(v));
    }
}

impl Sink for ArrayQueue<Rec32> {
    fn empty(&mut self) {
        while self.pop().is_some() {}
    }
    #[inline]
    fn push_one(&self, v: Rec32) {
        black_box(self.force_push(v));
    }
}

/// How the workers of a repetition start.
#[derive(Clone, Copy)]
enum Start {
    /// `start_line::run_threads`: a spinning start line.
    Spin,
    /// `start_line::run_threads_barrier`: a `std::sync::Barrier`, as issue 16's harness.
    Barrier,
}

/// `runs` repetitions of `TOTAL` pushes split over `threads` threads, each after an untimed
/// reset; the wall time of each.
fn timed(sink: &mut impl Sink, threads: usize, start: Start, runs: u64) -> Vec<Duration> {
    let per = (TOTAL / threads) as u64;
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        sink.empty();
        let sink = &*sink;
        let work = |t: usize| {
            let base = t as u64 * per;
            for i in base..base + per {
                sink.push_one(values::rec32(i));
            }
        };
        times.push(match start {
            Start::Spin => start_line::run_threads(threads, work),
            Start::Barrier => start_line::run_threads_barrier(threads, work),
        });
    }
    times
}

/// Every repetition of the measurement samples, ns per element: group → function → times.
type Reps = BTreeMap<String, BTreeMap<String, Vec<f64>>>;

/// The directory criterion writes to (as `bounded.rs` finds it).
fn criterion_dir() -> PathBuf {
    std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|d| PathBuf::from(d).join("criterion"))
        })
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/criterion"))
        })
}

/// Writes `reps` as JSON to `<criterion dir>/ring-reps.json`. Best effort.
fn write_reps(reps: &Reps) {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let groups: Vec<String> = reps
        .iter()
        .map(|(g, fs)| {
            let fs: Vec<String> = fs
                .iter()
                .map(|(f, ts)| {
                    let ts: Vec<String> = ts.iter().map(|t| format!("{t:.4}")).collect();
                    format!("\"{f}\": [{}]", ts.join(", "))
                })
                .collect();
            format!("\"{g}\": {{{}}}", fs.join(", "))
        })
        .collect();
    let json = format!(
        "{{\"time\": {secs}, \"groups\": {{{}}}}}\n",
        groups.join(", ")
    );
    let dir = criterion_dir();
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("ring-reps.json"), json);
    }
}

fn push(c: &mut Criterion, reps: &mut Reps) {
    let mut ring = Ring::<Rec32, CAP>::new_boxed();
    let mut queue = ArrayQueue::<Rec32>::new(CAP);
    for (name, threads, start) in [
        ("push/1-thread", 1, Start::Spin),
        ("push/2-thread", 2, Start::Spin),
        ("push/2-thread-barrier", 2, Start::Barrier),
    ] {
        let mut group = c.benchmark_group(name);
        // One iteration is a million pushes (10 to 100 ms): flat sampling, as in `bounded`.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(SAMPLES)
            .throughput(Throughput::Elements(TOTAL as u64));
        // Each call of a routine: the repetitions of one criterion sample.
        let calls_ring = RefCell::new(Vec::<Vec<Duration>>::new());
        let calls_queue = RefCell::new(Vec::<Vec<Duration>>::new());
        group.bench_function("Ring::push", |b| {
            b.iter_custom(|n| {
                let times = timed(&mut *ring, threads, start, n);
                let total = times.iter().sum();
                calls_ring.borrow_mut().push(times);
                total
            })
        });
        group.bench_function("ArrayQueue::force_push", |b| {
            b.iter_custom(|n| {
                let times = timed(&mut queue, threads, start, n);
                let total = times.iter().sum();
                calls_queue.borrow_mut().push(times);
                total
            })
        });
        group.finish();
        for (function, calls) in [
            ("Ring::push", calls_ring.into_inner()),
            ("ArrayQueue::force_push", calls_queue.into_inner()),
        ] {
            // A function left out by a filter, or run once by `--test`: nothing to record.
            if calls.len() < SAMPLES {
                continue;
            }
            let times = calls[calls.len() - SAMPLES..]
                .iter()
                .flatten()
                .map(|t| t.as_nanos() as f64 / TOTAL as f64)
                .collect();
            reps.entry(name.to_string())
                .or_default()
                .insert(function.to_string(), times);
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let mut reps = Reps::new();
    push(&mut c, &mut reps);
    c.final_summary();
    if !reps.is_empty() {
        write_reps(&reps);
    }
}
