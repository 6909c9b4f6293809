//! `Ring::push` against crossbeam's `ArrayQueue::force_push` (its ring-buffer mode), the
//! scenario of the independent harness: a ring of 1,024 32-byte values, emptied (`reset`;
//! the queue is drained with `pop`) before each run, then 1,000,000 pushes in all, each
//! thread pushing its share (1 thread × 1,000,000, 2 threads × 500,000).
//!
//! The first 1,024 pushes of a run fill empty slots and every later one overwrites the oldest
//! value. The time of a run is the wall time from a common start to the last thread's finish:
//! every worker (also the one of the 1-thread group) reads the clock itself after the start
//! line and after its last push, and the run spans the earliest start to the latest end
//! (`start_line.rs`); the reset and the thread spawns are outside it. Times are per pushed
//! element (throughput 1,000,000 per iteration).
//!
//! Groups `push/1-thread` and `push/2-thread`, functions `Ring::push` and
//! `ArrayQueue::force_push`. Run with `cargo bench -p atomicarena-benches --bench ring --
//! --warm-up-time 1 --measurement-time 3` (or all benches, see BENCHMARKS.md).

mod start_line;

use std::hint::black_box;
use std::time::Duration;

use atomicarena::Ring;
use criterion::{Criterion, SamplingMode, Throughput};
use crossbeam_queue::ArrayQueue;

/// Capacity of both rings.
const CAP: usize = 1024;
/// Pushes per run, over all threads.
const TOTAL: usize = 1_000_000;
/// 32 bytes.
type Value = [u64; 4];

fn value(i: u64) -> Value {
    [i, i ^ 1, i ^ 2, i ^ 3]
}

/// A ring under test: emptied untimed, pushed into from several threads at once.
trait Sink: Sync {
    /// Untimed: empties the ring.
    fn empty(&mut self);
    fn push_one(&self, v: Value);
}

impl Sink for Ring<Value, CAP> {
    fn empty(&mut self) {
        self.reset();
    }
    #[inline]
    fn push_one(&self, v: Value) {
        black_box(self.push(v));
    }
}

impl Sink for ArrayQueue<Value> {
    fn empty(&mut self) {
        while self.pop().is_some() {}
    }
    #[inline]
    fn push_one(&self, v: Value) {
        black_box(self.force_push(v));
    }
}

/// `runs` runs of `TOTAL` pushes split over `threads` threads, each after an untimed reset;
/// the sum of their wall times.
fn timed(sink: &mut impl Sink, threads: usize, runs: u64) -> Duration {
    let per = (TOTAL / threads) as u64;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        sink.empty();
        let sink = &*sink;
        total += start_line::run_threads(threads, |t| {
            let base = t as u64 * per;
            for i in base..base + per {
                sink.push_one(value(black_box(i)));
            }
        });
    }
    total
}

fn push(c: &mut Criterion) {
    let mut ring = Ring::<Value, CAP>::new_boxed();
    let mut queue = ArrayQueue::<Value>::new(CAP);
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("push/{threads}-thread"));
        // One iteration is a million pushes (10 to 100 ms): flat sampling, as in `bounded`.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(30)
            .throughput(Throughput::Elements(TOTAL as u64));
        group.bench_function("Ring::push", |b| {
            b.iter_custom(|n| timed(&mut *ring, threads, n))
        });
        group.bench_function("ArrayQueue::force_push", |b| {
            b.iter_custom(|n| timed(&mut queue, threads, n))
        });
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    push(&mut c);
    c.final_summary();
}
