//! binary-trees (the Computer Language Benchmarks Game) at depth 16 on 2 threads:
//! `Rounds` against bumpalo and typed-arena (issue 19, item 9).
//!
//! One run is the iterated part of the program (`examples/binary_trees.rs`): for each depth
//! `d` in `4, 6, ..., 16`, `2^(16 - d + 4)` full trees of depth `d` (`2^(d + 1) - 1` nodes)
//! are built bottom-up, checked (a recursive node count) and thrown away; the iterations of
//! each depth are split between 2 threads. That is 14,680,064 nodes per run; throughput is per
//! node, so `benches/ratios.py` prints ns per node. Each thread has its own container, built
//! before the timed region:
//!
//! * `atomicarena_round_local`: a `Rounds<NodeOf, 131_071>` built with `new_boxed`, one
//!   `round_local` per tree (`RoundLocal::alloc` per node: a plain bump, no atomics);
//! * `atomicarena`: the same `Rounds`, one `round` per tree (the shared
//!   `DroplessArena::alloc` per node, an O(1) reset after each tree);
//! * `atomicarena_local`: the same, with a `local()` handle per round (`Local::alloc`);
//! * `atomicarena_chunk`: the same, with a `local_with_chunk(nodes)` handle per round: the
//!   whole tree's slots claimed with one atomic operation;
//! * `bumpalo`: a `Bump` per thread (its memory warmed up to one depth-16 tree), `reset` after
//!   each tree;
//! * `typed_arena`: a `typed_arena::Arena::with_capacity(nodes)` per tree, dropped after it.
//!
//! The time is the wall time from a common start line to the last thread's end
//! (`start_line.rs`). Every run's checks are compared with the expected total.
//!
//! Instruction counts: `binary_trees --icount <function> <depth>` runs one thread's share of
//! the iterated trees for `depth` once, inside `#[inline(never)] fn measured`; under
//! `valgrind --tool=callgrind --toggle-collect='*measured*'` that gives instructions per node
//! (the node count is printed).
//!
//! Paired runs (the kinds interleaved, a ratio to bumpalo per repetition; for a noisy
//! machine): `binary_trees --paired <repetitions>` on the bench binary.
//!
//! Run: `cargo bench -p atomicarena-benches --bench binary_trees -- --warm-up-time 1
//! --measurement-time 5`.

mod start_line;

use std::hint::black_box;
use std::sync::Mutex;
use std::time::Duration;

use atomicarena::{DroplessArena, ForLifetime, RoundLocal, Rounds};
use bumpalo::Bump;
use criterion::{Criterion, Throughput};

/// The Game's default depth for this comparison.
const DEPTH: u32 = 16;
/// The smallest iterated depth.
const MIN_DEPTH: u32 = 4;
/// Threads sharing the iterations of each depth.
const THREADS: usize = 2;
/// Nodes of a depth-`DEPTH` tree: the capacity of each thread's `Rounds`.
const CAP: usize = nodes(DEPTH);

/// A tree node: two children, or none.
struct Node<'a> {
    left: Option<&'a Node<'a>>,
    right: Option<&'a Node<'a>>,
}

/// `Node<'_>` for any round's lifetime.
struct NodeOf;
impl ForLifetime for NodeOf {
    type Of<'a> = Node<'a>;
}

/// Nodes in a full tree of `depth`.
const fn nodes(depth: u32) -> usize {
    (1 << (depth + 1)) - 1
}

/// Trees of depth `d` per run (all threads).
fn iterations(max_depth: u32, d: u32) -> u32 {
    1 << (max_depth - d + MIN_DEPTH)
}

/// Nodes per run, all threads.
fn nodes_per_run(max_depth: u32) -> u64 {
    (MIN_DEPTH..=max_depth)
        .step_by(2)
        .map(|d| u64::from(iterations(max_depth, d)) * nodes(d) as u64)
        .sum()
}

/// The number of nodes of the tree under `node`.
fn check(node: &Node<'_>) -> u64 {
    1 + node.left.map_or(0, check) + node.right.map_or(0, check)
}

fn tree_rounds<'a>(arena: &'a DroplessArena<Node<'a>, CAP>, depth: u32) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(tree_rounds(arena, depth - 1)),
            right: Some(tree_rounds(arena, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    arena
        .alloc(node)
        .unwrap_or_else(|_| unreachable!("sized for the tree"))
}

fn tree_local<'a>(
    local: &mut atomicarena::Local<'a, Node<'a>, atomicarena::Inline<CAP>>,
    depth: u32,
) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(tree_local(local, depth - 1)),
            right: Some(tree_local(local, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    local
        .alloc(node)
        .unwrap_or_else(|_| unreachable!("sized for the tree"))
}

fn tree_one_thread<'a>(
    nodes: &'a RoundLocal<'a, Node<'a>, atomicarena::Inline<CAP>>,
    depth: u32,
) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(tree_one_thread(nodes, depth - 1)),
            right: Some(tree_one_thread(nodes, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    nodes
        .alloc(node)
        .unwrap_or_else(|_| unreachable!("sized for the tree"))
}

fn tree_bump<'a>(bump: &'a Bump, depth: u32) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(tree_bump(bump, depth - 1)),
            right: Some(tree_bump(bump, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    bump.alloc(node)
}

fn tree_typed<'a>(arena: &'a typed_arena::Arena<Node<'a>>, depth: u32) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(tree_typed(arena, depth - 1)),
            right: Some(tree_typed(arena, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    arena.alloc(node)
}

/// One thread's container, reused across runs.
enum Worker {
    Rounds(Box<Rounds<NodeOf, CAP>>),
    RoundsLocal(Box<Rounds<NodeOf, CAP>>),
    RoundsChunk(Box<Rounds<NodeOf, CAP>>),
    RoundsOneThread(Box<Rounds<NodeOf, CAP>>),
    Bump(Bump),
    Typed,
}

impl Worker {
    fn new(kind: &str) -> Self {
        match kind {
            "atomicarena" => Worker::Rounds(Rounds::new_boxed()),
            "atomicarena_local" => Worker::RoundsLocal(Rounds::new_boxed()),
            "atomicarena_chunk" => Worker::RoundsChunk(Rounds::new_boxed()),
            "atomicarena_round_local" => Worker::RoundsOneThread(Rounds::new_boxed()),
            "bumpalo" => {
                let mut bump = Bump::new();
                // Warm up: the chunk that a depth-16 tree needs, kept by `reset`.
                black_box(check(tree_bump(&bump, DEPTH)));
                bump.reset();
                Worker::Bump(bump)
            }
            "typed_arena" => Worker::Typed,
            _ => unreachable!("{kind}"),
        }
    }

    /// Builds, checks and throws away `count` trees of `depth`; returns the checks' sum.
    fn trees(&mut self, depth: u32, count: u32) -> u64 {
        let mut sum = 0;
        match self {
            Worker::Rounds(rounds) => {
                for _ in 0..count {
                    sum += rounds.round(|arena| check(tree_rounds(arena, depth)));
                }
            }
            Worker::RoundsLocal(rounds) => {
                for _ in 0..count {
                    sum += rounds.round(|arena| {
                        let mut local = arena.local();
                        check(tree_local(&mut local, depth))
                    });
                }
            }
            Worker::RoundsChunk(rounds) => {
                for _ in 0..count {
                    sum += rounds.round(|arena| {
                        let mut local = arena.local_with_chunk(nodes(depth));
                        check(tree_local(&mut local, depth))
                    });
                }
            }
            Worker::RoundsOneThread(rounds) => {
                for _ in 0..count {
                    sum += rounds.round_local(|nodes| check(tree_one_thread(nodes, depth)));
                }
            }
            Worker::Bump(bump) => {
                for _ in 0..count {
                    sum += check(tree_bump(bump, depth));
                    bump.reset();
                }
            }
            Worker::Typed => {
                for _ in 0..count {
                    let arena = typed_arena::Arena::with_capacity(nodes(depth));
                    sum += check(tree_typed(&arena, depth));
                }
            }
        }
        sum
    }

    /// One thread's share (`1 / THREADS`) of every depth's iterations.
    fn share(&mut self, max_depth: u32) -> u64 {
        (MIN_DEPTH..=max_depth)
            .step_by(2)
            .map(|d| self.trees(d, iterations(max_depth, d) / THREADS as u32))
            .sum()
    }
}

const KINDS: [&str; 6] = [
    "atomicarena_round_local",
    "atomicarena",
    "atomicarena_local",
    "atomicarena_chunk",
    "bumpalo",
    "typed_arena",
];

fn binary_trees(c: &mut Criterion) {
    let mut group = c.benchmark_group("binary_trees_d16_2t");
    let per_run = nodes_per_run(DEPTH);
    group.throughput(Throughput::Elements(per_run));
    group.sample_size(10);
    for kind in KINDS {
        let workers: Vec<Mutex<Worker>> = (0..THREADS)
            .map(|_| Mutex::new(Worker::new(kind)))
            .collect();
        group.bench_function(kind, |b| {
            b.iter_custom(|runs| {
                let mut total = Duration::ZERO;
                for _ in 0..runs {
                    let sums: Vec<Mutex<u64>> = (0..THREADS).map(|_| Mutex::new(0)).collect();
                    total += start_line::run_threads(THREADS, |t| {
                        let mut worker = workers[t].lock().unwrap();
                        *sums[t].lock().unwrap() = worker.share(DEPTH);
                    });
                    let sum: u64 = sums.iter().map(|s| *s.lock().unwrap()).sum();
                    assert_eq!(sum, per_run, "{kind}: every node checked");
                }
                total
            });
        });
    }
    group.finish();
}

/// The timed part of `--icount`: one thread's share, once.
#[inline(never)]
fn measured(worker: &mut Worker, depth: u32) -> u64 {
    worker.share(depth)
}

/// `--paired <reps>`: the whole 2-thread run at depth 16, once per kind per repetition, the
/// kinds interleaved, so that each repetition gives each kind the same machine; prints per
/// kind the median, min and max ns per node, and per kind the median, min and max of its
/// per-repetition ratio to bumpalo (robust to load that drifts between repetitions).
fn paired(reps: usize) {
    let per_run = nodes_per_run(DEPTH);
    let workers: Vec<Vec<Mutex<Worker>>> = KINDS
        .iter()
        .map(|kind| {
            (0..THREADS)
                .map(|_| Mutex::new(Worker::new(kind)))
                .collect()
        })
        .collect();
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
    for _ in 0..reps {
        for (k, workers) in workers.iter().enumerate() {
            let t = start_line::run_threads(THREADS, |t| {
                let sum = workers[t].lock().unwrap().share(DEPTH);
                black_box(sum);
            });
            ns[k].push(t.as_nanos() as f64 / per_run as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let bump = KINDS.iter().position(|&k| k == "bumpalo").unwrap();
    for (k, kind) in KINDS.iter().enumerate() {
        let mut ratios: Vec<f64> = ns[k].iter().zip(&ns[bump]).map(|(a, b)| a / b).collect();
        let (m, lo, hi) = median(&mut ns[k].clone());
        let (rm, rlo, rhi) = median(&mut ratios);
        println!(
            "{kind:<24} ns/node median {m:.2} (min {lo:.2}, max {hi:.2})   / bumpalo: median {rm:.3} (min {rlo:.3}, max {rhi:.3})"
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--icount") {
        let kind = args.get(i + 1).expect("--icount <function> <depth>");
        let depth: u32 = args.get(i + 2).map_or(10, |d| d.parse().expect("a depth"));
        assert!(depth <= DEPTH, "at most {DEPTH}");
        let mut worker = Worker::new(kind);
        let sum = black_box(measured(&mut worker, depth));
        println!("{kind}: {sum} nodes in the measured part (depth {depth}, one thread's share)");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--paired") {
        let reps: usize = args.get(i + 1).map_or(21, |r| r.parse().expect("a count"));
        paired(reps);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    binary_trees(&mut c);
    c.final_summary();
}
