//! `Ring::push` against crossbeam's `ArrayQueue::force_push` (its ring-buffer mode), both with
//! capacity 1024 and 32-byte values, on one thread and on two threads pushing at once.
//!
//! Both structures are full before timing starts, so every push overwrites the oldest value:
//! the steady state of a ring. Times are per pushed element (two threads share the `iters`).
//!
//! Run with `cargo bench --bench ring -- --warm-up-time 1 --measurement-time 3`.
#![allow(missing_docs)] // `criterion_group!` generates an undocumented `pub fn`

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use atomicarena::Ring;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use crossbeam_queue::ArrayQueue;

const CAP: usize = 1024;
type Value = [u64; 4]; // 32 bytes

fn value(i: u64) -> Value {
    [i, i ^ 1, i ^ 2, i ^ 3]
}

/// Anything we can push into in a loop.
trait Sink: Sync {
    fn push_one(&self, v: Value);
}

impl Sink for Ring<Value, CAP> {
    #[inline]
    fn push_one(&self, v: Value) {
        black_box(self.push(v));
    }
}

impl Sink for ArrayQueue<Value> {
    #[inline]
    fn push_one(&self, v: Value) {
        black_box(self.force_push(v));
    }
}

/// Time for `iters` pushes split over `threads` threads that start together.
fn run(sink: &impl Sink, threads: u64, iters: u64) -> Duration {
    if threads == 1 {
        let start = Instant::now();
        for i in 0..iters {
            sink.push_one(value(black_box(i)));
        }
        return start.elapsed();
    }
    // Each worker times its own pushes from a common start line; the result spans the
    // earliest start to the latest end, so a descheduled main thread cannot shorten it.
    let barrier = Barrier::new(threads as usize);
    let per_thread = iters.div_ceil(threads);
    let spans: Vec<(Instant, Instant)> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for i in 0..per_thread {
                        sink.push_one(value(black_box(i)));
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let first = spans.iter().map(|s| s.0).min().unwrap();
    let last = spans.iter().map(|s| s.1).max().unwrap();
    last - first
}

fn push(c: &mut Criterion) {
    let ring = Ring::<Value, CAP>::new_boxed();
    let queue = ArrayQueue::<Value>::new(CAP);
    for i in 0..CAP as u64 {
        ring.push(value(i));
        queue.force_push(value(i));
    }
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("push/{threads}-thread"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("Ring::push", |b| b.iter_custom(|n| run(&*ring, threads, n)));
        group.bench_function("ArrayQueue::force_push", |b| {
            b.iter_custom(|n| run(&queue, threads, n))
        });
        group.finish();
    }
}

criterion_group!(benches, push);
criterion_main!(benches);
