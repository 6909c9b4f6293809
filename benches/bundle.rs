//! `#[derive(Arenas)]` bundles (issue 12) against the same arenas used directly: what the
//! dispatch by type costs.
//!
//! Groups (throughput per element, so `benches/ratios.py` prints ns per element and the ratio
//! bundle / direct; the bundle's function is `atomicarena`, the direct one `separate_arenas`):
//!
//! * `bundle_alloc_u64`: 1,000,000 `u64`s, one `alloc` each, into an emptied container, on
//!   one thread.
//! * `bundle_alloc_mixed`: 1,000,000 rounds of three `alloc`s, a `u64`, a `(u32, u32)` and a
//!   16-byte `Node` of a type whose arena `#[derive(ArenaAlloc)]` generates: 3,000,000
//!   elements.
//! * `bundle_slice_copy`: 1,000 batches of 1,000 `u64` (`alloc_slice_copy`), per element.
//!
//! Ours: a bundle `Mixed { words: Arena<u64, N>, pairs: Arena<(u32, u32), N>, nodes:
//! NodeArena }` from `Mixed::new_boxed()`, through `bundle.alloc(v)` /
//! `bundle.alloc_slice_copy(s)`. Peer (`separate_arenas`): the three arenas as a program
//! without bundles would hold them, each from its own `new_boxed()`, called directly
//! (`words.alloc(v)`). Both sides use the shared `Arena::alloc` path, so the ratio is the
//! bundle's overhead alone; the target is none (at most 1.05, for noise).
//!
//! Fairness as in `bounded.rs`: every container is reset *outside* the timed region
//! (`iter_custom`), so each timed fill starts empty with its memory already touched by the
//! previous fills (the first fill of each side is criterion's warm-up); every returned
//! reference goes through `black_box`.
//!
//! Instruction counts: `bundle --icount-list` lists the cases and `bundle --icount
//! <group/function>` runs one, its timed part inside the `#[inline(never)]` function
//! `measured`, as in `bounded.rs` (`python3 benches/ratios.py --icount` runs them all under
//! callgrind).
//!
//! `cargo bench -p atomicarena-benches --bench bundle -- --warm-up-time 1 --measurement-time 3`
//! (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

use atomicarena::{Arena, ArenaAlloc, Arenas};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};

/// Values per type per timed fill (and slots of every arena).
const N: usize = 1_000_000;
/// Values per batch in `bundle_slice_copy`.
const BATCH: usize = 1_000;

/// A 16-byte record stored in an arena that the derive generates (`NodeArena`).
#[derive(ArenaAlloc, Clone, Copy)]
#[arena(capacity = N)]
#[allow(dead_code)] // written, never read: only its size matters
struct Node {
    id: u64,
    left: u32,
    right: u32,
}

/// The bundle: one arena per type, `alloc` sent by the value's type.
#[derive(Arenas)]
struct Mixed {
    words: Arena<u64, N>,
    pairs: Arena<(u32, u32), N>,
    nodes: NodeArena,
}

/// The same three arenas without a bundle: what a program holds otherwise.
struct Separate {
    words: Box<Arena<u64, N>>,
    pairs: Box<Arena<(u32, u32), N>>,
    nodes: Box<NodeArena>,
}

impl Separate {
    fn new_boxed() -> Self {
        Separate {
            words: Arena::new_boxed(),
            pairs: Arena::new_boxed(),
            nodes: NodeArena::new_boxed(),
        }
    }

    fn reset(&mut self) {
        self.words.reset();
        self.pairs.reset();
        self.nodes.reset();
    }
}

#[inline(always)]
fn pair(i: u64) -> (u32, u32) {
    (i as u32, (i >> 1) as u32)
}

#[inline(always)]
fn node(i: u64) -> Node {
    Node {
        id: i,
        left: i as u32,
        right: !(i as u32),
    }
}

/// The 1,000 values every batch copies.
fn batch_src() -> Vec<u64> {
    (0..BATCH as u64).collect()
}

// ---- timing ---------------------------------------------------------------------------------

/// Runs `prepare` untimed and `run` timed, `runs` times; returns the timed total.
fn timed<S>(runs: u64, s: &mut S, prepare: fn(&mut S), run: fn(&mut S)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        prepare(s);
        let start = Instant::now();
        run(s);
        total += start.elapsed();
    }
    total
}

/// Adds a function to `g`: its state from `new`, emptied by `prepare` (untimed) and filled by
/// `run` (timed), once per criterion iteration.
fn bench<S>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    new: fn() -> S,
    prepare: fn(&mut S),
    run: fn(&mut S),
) {
    g.bench_function(name, |b| {
        let mut s = new();
        b.iter_custom(|iters| timed(iters, &mut s, prepare, run))
    });
}

/// The settings of bounded.rs's fill groups: one iteration is a whole fill (milliseconds),
/// so flat sampling with 30 samples.
fn flat(g: &mut BenchmarkGroup<'_, WallTime>, elems: usize) {
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .throughput(Throughput::Elements(elems as u64));
}

// ---- cases ----------------------------------------------------------------------------------

/// A bundle and its batch source, or the separate arenas and theirs.
type BundleState = (Box<Mixed>, Vec<u64>);
type SeparateState = (Separate, Vec<u64>);

fn new_bundle() -> BundleState {
    (Mixed::new_boxed(), batch_src())
}

fn new_separate() -> SeparateState {
    (Separate::new_boxed(), batch_src())
}

fn reset_bundle((b, _): &mut BundleState) {
    b.reset();
}

fn reset_separate((s, _): &mut SeparateState) {
    s.reset();
}

fn u64_bundle((b, _): &mut BundleState) {
    for i in 0..N as u64 {
        black_box(b.alloc(i).unwrap());
    }
}

fn u64_separate((s, _): &mut SeparateState) {
    for i in 0..N as u64 {
        black_box(s.words.alloc(i).unwrap());
    }
}

fn mixed_bundle((b, _): &mut BundleState) {
    for i in 0..N as u64 {
        black_box(b.alloc(i).unwrap());
        black_box(b.alloc(pair(i)).unwrap());
        black_box(b.alloc(node(i)).unwrap());
    }
}

fn mixed_separate((s, _): &mut SeparateState) {
    for i in 0..N as u64 {
        black_box(s.words.alloc(i).unwrap());
        black_box(s.pairs.alloc(pair(i)).unwrap());
        black_box(s.nodes.alloc(node(i)).unwrap());
    }
}

fn slice_bundle((b, src): &mut BundleState) {
    for _ in 0..N / BATCH {
        black_box(b.alloc_slice_copy(black_box(&src[..])).unwrap());
    }
}

fn slice_separate((s, src): &mut SeparateState) {
    for _ in 0..N / BATCH {
        black_box(s.words.alloc_slice_copy(black_box(&src[..])).unwrap());
    }
}

// ---- groups ---------------------------------------------------------------------------------

/// A group: its name, elements per run, the bundle's run and the separate arenas' run.
type Group = (
    &'static str,
    usize,
    fn(&mut BundleState),
    fn(&mut SeparateState),
);

/// The groups, in run order.
const GROUPS: [Group; 3] = [
    ("bundle_alloc_u64", N, u64_bundle, u64_separate),
    ("bundle_alloc_mixed", 3 * N, mixed_bundle, mixed_separate),
    ("bundle_slice_copy", N, slice_bundle, slice_separate),
];

/// A group of two functions: the bundle's `run` and the separate arenas' `run`.
fn group(
    c: &mut Criterion,
    name: &str,
    elems: usize,
    bundle: fn(&mut BundleState),
    separate: fn(&mut SeparateState),
) {
    let mut g = c.benchmark_group(name);
    flat(&mut g, elems);
    bench(&mut g, "atomicarena", new_bundle, reset_bundle, bundle);
    bench(
        &mut g,
        "separate_arenas",
        new_separate,
        reset_separate,
        separate,
    );
    g.finish();
}

// ---- instruction counts ---------------------------------------------------------------------

/// The region callgrind counts (`--toggle-collect='*measured*'`).
#[inline(never)]
fn measured(f: impl FnOnce()) {
    f();
}

/// One run unmeasured (as criterion warms up), then one measured after an untimed `prepare`.
fn icount<S>(new: fn() -> S, prepare: fn(&mut S), run: fn(&mut S)) {
    let mut s = new();
    prepare(&mut s);
    run(&mut s);
    prepare(&mut s);
    measured(|| run(&mut s));
}

/// A case of `--icount`: `group/function`, its elements, and the run.
type IcountCase = (String, usize, Box<dyn Fn()>);

/// The cases `--icount` knows, named `group/function` as in criterion.
fn icount_cases() -> Vec<IcountCase> {
    let mut all: Vec<IcountCase> = Vec::new();
    for (group, elems, bundle, separate) in GROUPS {
        all.push((
            format!("{group}/atomicarena"),
            elems,
            Box::new(move || icount(new_bundle, reset_bundle, bundle)),
        ));
        all.push((
            format!("{group}/separate_arenas"),
            elems,
            Box::new(move || icount(new_separate, reset_separate, separate)),
        ));
    }
    all
}

/// Checks, once before the groups run, that both sides store what the groups measure: each
/// value in its own arena, read back.
fn check() {
    let mut b = Mixed::new_boxed();
    let mut s = Separate::new_boxed();
    for round in 0..2 {
        for i in 0..10u64 {
            assert_eq!(*b.alloc(i).unwrap(), i);
            assert_eq!(*b.alloc(pair(i)).unwrap(), pair(i));
            assert_eq!(b.alloc(node(i)).unwrap().id, i);
            assert_eq!(*s.words.alloc(i).unwrap(), i);
            assert_eq!(*s.pairs.alloc(pair(i)).unwrap(), pair(i));
            assert_eq!(s.nodes.alloc(node(i)).unwrap().id, i);
        }
        assert_eq!(b.alloc_slice_copy(&batch_src()).unwrap()[999], 999);
        assert_eq!(
            (b.words.len(), b.pairs.len(), b.nodes.len()),
            (1010, 10, 10)
        );
        assert_eq!(b.len(), 1030, "round {round}");
        b.reset();
        s.reset();
        assert_eq!((b.len(), s.words.len(), s.nodes.len()), (0, 0, 0));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--icount-list") {
        for (name, _, _) in icount_cases() {
            println!("{name}");
        }
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--icount") {
        let want = args.get(i + 1).expect("--icount <group/function>");
        let (_, elems, run) = icount_cases()
            .into_iter()
            .find(|(name, _, _)| name == want)
            .unwrap_or_else(|| panic!("unknown case {want}; see --icount-list"));
        run();
        println!("elements {elems}");
        return;
    }
    check();
    let mut c = Criterion::default().configure_from_args();
    group(&mut c, "bundle_alloc_u64", N, u64_bundle, u64_separate);
    group(
        &mut c,
        "bundle_alloc_mixed",
        3 * N,
        mixed_bundle,
        mixed_separate,
    );
    group(&mut c, "bundle_slice_copy", N, slice_bundle, slice_separate);
    c.final_summary();
}
