//! The common start of the multi-thread benchmarks (`bounded` and `ring` include this file).
//!
//! Each worker reads the clock itself, after the start line and before its first operation,
//! and again after its last; the time of a run is the **earliest start to the latest end**.
//! Nothing is timed on the spawning thread: a spawner descheduled while the workers run could
//! otherwise start its clock late (or stop it early) and report an impossible time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `work(thread)` on `threads` new threads that leave a common start line together and
/// returns the wall time from the first worker's start to the last worker's end.
///
/// The start line spins (yielding now and then) instead of sleeping on a futex as
/// `std::sync::Barrier` does: a woken sleeper starts tens of microseconds late, and the first
/// thread would run alone meanwhile. With more threads than cores (`alloc_u64_8t`) the
/// yields let the threads that have not arrived yet run.
pub fn run_threads(threads: usize, work: impl Fn(usize) + Sync) -> Duration {
    let arrived = &AtomicUsize::new(0);
    let work = &work;
    let spans: Vec<(Instant, Instant)> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    arrived.fetch_add(1, Ordering::AcqRel);
                    let mut spins = 0u32;
                    while arrived.load(Ordering::Acquire) < threads {
                        spins += 1;
                        if spins & 1023 == 0 {
                            thread::yield_now(); // few cores, shared: let the others run
                        } else {
                            std::hint::spin_loop();
                        }
                    }
                    let start = Instant::now();
                    work(t);
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

/// As [`run_threads`], but the workers wait at a `std::sync::Barrier` (a futex: the last to
/// arrive returns at once, the sleepers are woken after it), as issue 16's independent harness
/// does. Only the ring bench uses it, to compare the two start lines.
#[allow(dead_code)] // `bounded` includes this file too
pub fn run_threads_barrier(threads: usize, work: impl Fn(usize) + Sync) -> Duration {
    let barrier = &Barrier::new(threads);
    let work = &work;
    let spans: Vec<(Instant, Instant)> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    work(t);
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
