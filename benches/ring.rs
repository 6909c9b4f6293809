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
//! function) and writes them to `<criterion dir>/ring-reps.json`: its time in ns per element,
//! and the workers' overlap (`start_line::overlap`: the share of the repetition during which
//! both threads were pushing; near 0, they ran one after the other). `benches/ratios.py`
//! reports the median, min and max over repetitions, the max/min spread (issue 16: "not
//! bimodal"), and the times of the repetitions that ran side by side and one after the other.
//!
//! Instruction counts: `ring --icount-list` lists the 1-thread cases and `ring --icount
//! <case>` runs one: 1,000,000 pushes after a reset, once unmeasured, then once inside the
//! `#[inline(never)]` function `measured`, as in `bounded.rs`.
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

/// `runs` repetitions of `TOTAL` pushes split over `threads` threads, each after an untimed
/// reset; for each, the wall time (`start_line::wall`) and the workers' overlap
/// (`start_line::overlap`). The workers leave a spinning start line, or with `barrier` a
/// `std::sync::Barrier`.
fn timed(sink: &mut impl Sink, threads: usize, barrier: bool, runs: u64) -> Vec<(Duration, f64)> {
    let per = (TOTAL / threads) as u64;
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        sink.empty();
        let sink = &*sink;
        let spans = start_line::spans(threads, barrier, |t| {
            let base = t as u64 * per;
            for i in base..base + per {
                sink.push_one(values::rec32(i));
            }
        });
        times.push((start_line::wall(&spans), start_line::overlap(&spans)));
    }
    times
}

/// Every repetition of the measurement samples: group → function → (ns per element, overlap
/// of the workers).
type Reps = BTreeMap<String, BTreeMap<String, Vec<(f64, f64)>>>;

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
                    let ns: Vec<String> = ts.iter().map(|t| format!("{:.4}", t.0)).collect();
                    let both: Vec<String> = ts.iter().map(|t| format!("{:.3}", t.1)).collect();
                    format!(
                        "\"{f}\": {{\"ns\": [{}], \"overlap\": [{}]}}",
                        ns.join(", "),
                        both.join(", ")
                    )
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
    for (name, threads, barrier) in [
        ("push/1-thread", 1, false),
        ("push/2-thread", 2, false),
        ("push/2-thread-barrier", 2, true),
    ] {
        let mut group = c.benchmark_group(name);
        // One iteration is a million pushes (10 to 100 ms): flat sampling, as in `bounded`.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(SAMPLES)
            .throughput(Throughput::Elements(TOTAL as u64));
        // Each call of a routine: the repetitions of one criterion sample.
        let calls_ring = RefCell::new(Vec::<Vec<(Duration, f64)>>::new());
        let calls_queue = RefCell::new(Vec::<Vec<(Duration, f64)>>::new());
        group.bench_function("Ring::push", |b| {
            b.iter_custom(|n| {
                let times = timed(&mut *ring, threads, barrier, n);
                let total = times.iter().map(|t| t.0).sum();
                calls_ring.borrow_mut().push(times);
                total
            })
        });
        group.bench_function("ArrayQueue::force_push", |b| {
            b.iter_custom(|n| {
                let times = timed(&mut queue, threads, barrier, n);
                let total = times.iter().map(|t| t.0).sum();
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
                .map(|&(t, both)| (t.as_nanos() as f64 / TOTAL as f64, both))
                .collect();
            reps.entry(name.to_string())
                .or_default()
                .insert(function.to_string(), times);
        }
    }
}

/// The region callgrind counts (`--toggle-collect='*measured*'`, as in `bounded.rs`).
#[inline(never)]
fn measured(f: impl FnOnce()) {
    f();
}

/// `--icount <case>`: one unmeasured run of `TOTAL` pushes on this thread after a reset, then
/// one measured; prints the elements measured. Cases: the 1-thread group's two functions.
fn icount(case: &str) {
    fn run(sink: &mut impl Sink) {
        for round in 0..2 {
            sink.empty();
            let sink = &*sink;
            let pushes = || {
                for i in 0..TOTAL as u64 {
                    sink.push_one(values::rec32(i));
                }
            };
            if round == 0 {
                pushes(); // unmeasured, as criterion's warm-up
            } else {
                measured(pushes);
            }
        }
    }
    match case {
        "push/1-thread/Ring::push" => run(&mut *Ring::<Rec32, CAP>::new_boxed()),
        "push/1-thread/ArrayQueue::force_push" => run(&mut ArrayQueue::<Rec32>::new(CAP)),
        _ => panic!("unknown case {case}; see --icount-list"),
    }
    println!("elements {TOTAL}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--icount-list") {
        println!("push/1-thread/Ring::push");
        println!("push/1-thread/ArrayQueue::force_push");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--icount") {
        icount(args.get(i + 1).expect("--icount <group/function>"));
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut reps = Reps::new();
    push(&mut c, &mut reps);
    c.final_summary();
    if !reps.is_empty() {
        write_reps(&reps);
    }
}
