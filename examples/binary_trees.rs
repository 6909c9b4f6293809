//! The Computer Language Benchmarks Game's *binary-trees*, on [`Rounds`]: trees of nodes that
//! borrow each other, built and thrown away millions of times, in arenas allocated once.
//!
//! ```text
//! cargo run --release --example binary_trees -- 21
//! ```
//!
//! The output is the reference programs' (the depth is the first argument, 16 by default;
//! `→` stands for a tab):
//!
//! ```text
//! stretch tree of depth 17→ check: 262143
//! 65536→ trees of depth 4→ check: 2031616
//! ...
//! long lived tree of depth 16→ check: 131071
//! ```
//!
//! * A *stretch* tree of depth `max + 1` is built, checked and thrown away.
//! * A *long-lived* tree of depth `max` is built and kept until the end.
//! * For each depth `d` in `4, 6, ..., max`, `2^(max - d + 4)` trees of depth `d` are built,
//!   checked (a node count) and thrown away. The iterations of each depth are split between 2
//!   scoped threads, each with its own [`Rounds`] built once on the heap: one round per tree, so
//!   a tree's nodes are all thrown away at once in O(1), and the next tree reuses the same
//!   slots. Each tree is built by one thread, so the rounds are
//!   [`round_local`](Rounds::round_local) ones: `alloc` bumps a counter, with no atomic
//!   operation ([`Rounds::round`] lends the shared arena instead, for trees that several
//!   threads fill together; it costs an atomic claim per node).
//!
//! Capacities are compile-time constants: `run` is instantiated for each supported depth
//! (through a `match`), with arenas of exactly `2^(max + 1) - 1` nodes for the trees (and
//! `2^(max + 2) - 1` for the stretch tree). Depths 0 to 21 are supported (21 is the Game's; the
//! three arenas then take about 290 MB of address space, touched only as far as used); a
//! larger depth is refused with a message. As in the reference programs, depths below 6 run as
//! 6.

use std::process::ExitCode;

use atomicarena::{ForLifetime, RoundLocal, Rounds};

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

/// The smallest depth of the iterated trees.
const MIN_DEPTH: u32 = 4;
/// The largest depth this program supports (see the module docs).
const MAX_SUPPORTED: u32 = 21;

/// Nodes in a full tree of `depth`: `2^(depth + 1) - 1`.
const fn nodes(depth: u32) -> usize {
    (1 << (depth + 1)) - 1
}

/// Builds a full tree of `depth` in `arena`, children first.
fn bottom_up_tree<'a, S: atomicarena::Storage>(
    arena: &'a RoundLocal<'a, Node<'a>, S>,
    depth: u32,
) -> &'a Node<'a> {
    let node = if depth > 0 {
        Node {
            left: Some(bottom_up_tree(arena, depth - 1)),
            right: Some(bottom_up_tree(arena, depth - 1)),
        }
    } else {
        Node {
            left: None,
            right: None,
        }
    };
    arena
        .alloc(node)
        .unwrap_or_else(|_| unreachable!("the arena is sized for the tree"))
}

/// The number of nodes of the tree under `node`.
fn check(node: &Node<'_>) -> u32 {
    1 + node.left.map_or(0, check) + node.right.map_or(0, check)
}

/// Builds and checks `count` trees of `depth`, one round each, and sums their checks.
fn trees<const N: usize>(rounds: &mut Rounds<NodeOf, N>, depth: u32, count: u32) -> u32 {
    (0..count)
        .map(|_| rounds.round_local(|arena| check(bottom_up_tree(arena, depth))))
        .sum()
}

/// The whole program for `max_depth`, with arenas of `N = nodes(max_depth)` slots for the
/// long-lived and the iterated trees and `S = nodes(max_depth + 1)` for the stretch tree.
fn run<const N: usize, const S: usize>(max_depth: u32) {
    assert!(N == nodes(max_depth) && S == nodes(max_depth + 1));

    let mut stretch = Rounds::<NodeOf, S>::new_boxed();
    let stretch_check = stretch.round_local(|arena| check(bottom_up_tree(arena, max_depth + 1)));
    drop(stretch);
    println!(
        "stretch tree of depth {}\t check: {}",
        max_depth + 1,
        stretch_check
    );

    let mut long_lived = Rounds::<NodeOf, N>::new_boxed();
    let mut workers = [
        Rounds::<NodeOf, N>::new_boxed(),
        Rounds::<NodeOf, N>::new_boxed(),
    ];
    long_lived.round_local(|arena| {
        let long_lived_tree = bottom_up_tree(arena, max_depth);

        let depths: Vec<u32> = (MIN_DEPTH..=max_depth).step_by(2).collect();
        // Each worker takes its half of every depth's iterations (the first one the extra
        // one, if the count is odd: never here, counts are powers of 2 of at least 2^4).
        let halves: Vec<Vec<u32>> = std::thread::scope(|s| {
            let handles: Vec<_> = workers
                .iter_mut()
                .enumerate()
                .map(|(w, rounds)| {
                    let depths = &depths;
                    s.spawn(move || {
                        depths
                            .iter()
                            .map(|&d| {
                                let iterations = 1u32 << (max_depth - d + MIN_DEPTH);
                                let mine = iterations / 2 + (iterations % 2) * u32::from(w == 0);
                                trees(rounds, d, mine)
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (i, &d) in depths.iter().enumerate() {
            let iterations = 1u32 << (max_depth - d + MIN_DEPTH);
            let total: u32 = halves.iter().map(|h| h[i]).sum();
            println!("{iterations}\t trees of depth {d}\t check: {total}");
        }

        println!(
            "long lived tree of depth {}\t check: {}",
            max_depth,
            check(long_lived_tree)
        );
    });
}

/// `run` for a depth known at run time: one arm per supported depth.
fn run_depth(max_depth: u32) -> Result<(), String> {
    macro_rules! arms {
        ($($d:literal)*) => {
            match max_depth {
                $($d => run::<{ nodes($d) }, { nodes($d + 1) }>($d),)*
                _ => return Err(format!(
                    "depth {max_depth} is not supported: this program's arenas are sized at \
                     compile time for depths up to {MAX_SUPPORTED} (add an arm to `run_depth` \
                     for more)"
                )),
            }
        };
    }
    arms!(6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21);
    Ok(())
}

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let n: u32 = match arg.as_deref().map(str::parse) {
        None => 16,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("binary_trees: the depth must be a number: {e}");
            return ExitCode::FAILURE;
        }
    };
    // As in the reference programs: at least MIN_DEPTH + 2.
    let max_depth = n.max(MIN_DEPTH + 2);
    match run_depth(max_depth) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("binary_trees: {message}");
            ExitCode::FAILURE
        }
    }
}
