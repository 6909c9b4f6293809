//! `DroplessArena`: the bounded arena without a destructor. Values borrow each other (cycles
//! included), the bounded API works through `Deref`, and the arena is shared across threads.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::{Arena, DroplessArena};

/// A graph node pointing at other nodes of the same arena.
struct Node<'a> {
    id: u32,
    edges: Cell<[Option<&'a Node<'a>>; 2]>,
}

impl<'a> Node<'a> {
    fn new(id: u32) -> Self {
        Node {
            id,
            edges: Cell::new([None, None]),
        }
    }
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    // `T: Send` is enough for `Sync`, as for `Arena`.
    send_sync::<DroplessArena<Cell<u8>, 4>>();
};

#[test]
fn values_point_at_each_other_with_cycles() {
    let arena: DroplessArena<Node<'_>, 64> = DroplessArena::new();
    // A ring of 10 nodes, each also pointing at the node 3 ahead.
    let nodes: Vec<&Node<'_>> = (0..10)
        .map(|i| &*arena.alloc(Node::new(i)).unwrap())
        .collect();
    for (i, node) in nodes.iter().enumerate() {
        node.edges
            .set([Some(nodes[(i + 1) % 10]), Some(nodes[(i + 3) % 10])]);
    }
    // Walk 25 steps along the first edge: back where it started after every 10.
    let mut at = nodes[0];
    for _ in 0..25 {
        at = at.edges.get()[0].unwrap();
    }
    assert_eq!(at.id, 5);
    let mut at = nodes[0];
    for _ in 0..4 {
        at = at.edges.get()[1].unwrap();
    }
    assert_eq!(at.id, 2);
    assert_eq!(arena.len(), 10);
    assert_eq!(arena.remaining(), 54);
    assert_eq!(arena.bytes_used(), 10 * std::mem::size_of::<Node<'_>>());
}

#[test]
fn the_bounded_api_through_deref() {
    let mut arena: DroplessArena<u32, 8> = DroplessArena::default();
    assert_eq!(DroplessArena::<u32, 8>::CAPACITY, 8);
    assert_eq!(*arena.alloc(1).unwrap(), 1);
    assert_eq!(arena.alloc_slice_copy(&[2, 3, 4]).unwrap(), [2, 3, 4]);
    assert_eq!(arena.alloc_iter(5..8).unwrap(), [5, 6, 7]);
    {
        let mut local = arena.local();
        *local.alloc(8).unwrap() += 100;
        assert_eq!(local.alloc(9).unwrap_err().into_inner(), 9);
    }
    assert!(arena.is_full());
    assert_eq!(arena.failed_allocs(), 1);
    for v in &mut arena {
        *v *= 2;
    }
    assert_eq!(
        arena.iter_mut().map(|v| *v).collect::<Vec<_>>(),
        [2, 4, 6, 8, 10, 12, 14, 216]
    );
    assert_eq!(
        format!("{arena:?}"),
        "DroplessArena { len: 8, capacity: 8, high_water: 8, failed_allocs: 1, .. }"
    );
    arena.reset();
    assert!(arena.is_empty());
    assert_eq!(arena.high_water(), 8);
    assert_eq!(*arena.alloc(42).unwrap(), 42);
    assert_eq!(arena.drain().collect::<Vec<_>>(), [42]);
}

#[test]
fn swapping_an_arena_in_and_out_keeps_every_value() {
    let mut dropless: DroplessArena<u64, 4> = DroplessArena::new();
    dropless.alloc(1).unwrap();
    let mut plain: Arena<u64, 4> = Arena::new();
    plain.alloc(2).unwrap();
    plain.alloc(3).unwrap();
    std::mem::swap(&mut *dropless, &mut plain);
    assert_eq!(dropless.iter_mut().map(|v| *v).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(plain.iter_mut().map(|v| *v).collect::<Vec<_>>(), [1]);
}

#[test]
fn static_arena_shared_by_threads_hands_out_each_slot_once() {
    static NODES: DroplessArena<(u32, u32), 4096> = DroplessArena::new();
    static FAILED: AtomicUsize = AtomicUsize::new(0);
    let threads = if cfg!(miri) { 2 } else { 4 };
    let per_thread = if cfg!(miri) { 20 } else { 1100 };
    let addrs: Vec<Vec<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..per_thread {
                        match NODES.alloc((t, i)) {
                            Ok(v) => {
                                assert_eq!(*v, (t, i));
                                mine.push(v as *mut (u32, u32) as usize);
                            }
                            Err(_) => {
                                FAILED.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<usize> = addrs.concat();
    let unique: HashSet<usize> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "a slot was handed out twice");
    let asked = threads as usize * per_thread as usize;
    let failed = FAILED.load(Ordering::Relaxed);
    assert_eq!(all.len() + failed, asked);
    assert_eq!(failed, asked.saturating_sub(4096));
    assert_eq!(NODES.len(), all.len());
}
