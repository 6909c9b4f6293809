//! The common start of the multi-thread benchmarks (`bounded`, `ring` and `scoped` include this
//! file).
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
#[allow(dead_code)] // the ring bench uses `spans`
pub fn run_threads(threads: usize, work: impl Fn(usize) + Sync) -> Duration {
    wall(&spans(threads, false, work))
}

/// Runs `work(thread)` on `threads` new (scoped) threads and returns each worker's span
/// (clock read after the start line, clock read after `work`). The start line spins as in
/// [`run_threads`], or, with `barrier`, is a `std::sync::Barrier` (a futex: the last to arrive
/// returns at once, the sleepers are woken after it), as issue 16's independent harness does.
pub fn spans(
    threads: usize,
    barrier: bool,
    work: impl Fn(usize) + Sync,
) -> Vec<(Instant, Instant)> {
    let arrived = &AtomicUsize::new(0);
    let futex = &Barrier::new(threads);
    let work = &work;
    thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    if barrier {
                        futex.wait();
                    } else {
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
                    }
                    let start = Instant::now();
                    work(t);
                    (start, Instant::now())
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    })
}

/// The wall time of a run: earliest start to latest end.
pub fn wall(spans: &[(Instant, Instant)]) -> Duration {
    let first = spans.iter().map(|s| s.0).min().unwrap();
    let last = spans.iter().map(|s| s.1).max().unwrap();
    last - first
}

/// How much of a run all workers were running at once: the time from the latest start to the
/// earliest end (0 if some worker ended before another started) over the wall time. Near 1:
/// the workers ran side by side; near 0: one after the other (for instance on one core).
#[allow(dead_code)] // only the ring bench reports it
pub fn overlap(spans: &[(Instant, Instant)]) -> f64 {
    let latest_start = spans.iter().map(|s| s.0).max().unwrap();
    let earliest_end = spans.iter().map(|s| s.1).min().unwrap();
    let both = earliest_end.saturating_duration_since(latest_start);
    both.as_secs_f64() / wall(spans).as_secs_f64().max(f64::MIN_POSITIVE)
}
