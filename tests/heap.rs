//! The heap kinds (issue 18): a capacity chosen at run time, the inline kind's behaviour.
//!
//! The property models (`tests/model`) run every kind in both storages through the same model;
//! these tests check what is particular to the heap: construction and its errors, zero-sized
//! values, the per-thread chunks of a large heap arena, drop counts, and that the values
//! really live in the heap arrays (addresses are contiguous, in slot order).

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use atomicarena::{CapacityError, HeapArena, HeapDroplessArena};

/// Counts its drops in a shared counter.
struct Counted<'a>(&'a AtomicUsize, u64);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn with_capacity_gives_that_many_slots_and_full_hands_the_value_back() {
    for n in [1, 2, 7, 100] {
        let arena = HeapArena::<u64>::with_capacity(n);
        assert_eq!(arena.capacity(), n);
        assert_eq!((arena.len(), arena.remaining()), (0, n));
        let refs: Vec<&mut u64> = (0..n as u64).map(|i| arena.alloc(i).unwrap()).collect();
        assert_eq!(arena.alloc(99).unwrap_err().into_inner(), 99);
        assert_eq!(arena.failed_allocs(), 1);
        // Slot order, contiguous: the values are in one array.
        for (i, r) in refs.iter().enumerate() {
            assert_eq!(**r, i as u64);
            let d = (&**r as *const u64 as usize) - (&*refs[0] as *const u64 as usize);
            assert_eq!(d, i * 8);
        }
        assert_eq!(
            (arena.len(), arena.remaining(), arena.bytes_used()),
            (n, 0, n * 8)
        );
    }
}

#[test]
fn try_with_capacity_reports_each_error_without_aborting() {
    assert_eq!(
        HeapArena::<u64>::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert_eq!(
        HeapArena::<u64>::try_with_capacity(usize::MAX).unwrap_err(),
        CapacityError::TooLarge {
            capacity: usize::MAX
        }
    );
    // Just over isize::MAX bytes with the mark: too large, before any allocation.
    let n = isize::MAX as usize / 9 + 1;
    assert!(matches!(
        HeapArena::<u64>::try_with_capacity(n),
        Err(CapacityError::TooLarge { .. })
    ));
    // Zero-sized values still need their marks: usize::MAX one-byte marks do not fit.
    assert!(matches!(
        HeapArena::<()>::try_with_capacity(usize::MAX),
        Err(CapacityError::TooLarge { .. })
    ));
    let e = HeapDroplessArena::<u8>::try_with_capacity(0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a capacity of 0 slots: every kind needs at least one"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("0 slots"));
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot model an allocation failure of this size")]
fn try_with_capacity_returns_alloc_failed_when_the_allocator_refuses() {
    // 2^62 bytes of values fit in isize::MAX, but no allocator has them.
    let n = 1usize << 59;
    match HeapArena::<u64>::try_with_capacity(n) {
        Err(CapacityError::AllocFailed { capacity, bytes }) => {
            assert_eq!(capacity, n);
            assert!(bytes >= n);
        }
        other => panic!(
            "expected AllocFailed, got {:?}",
            other.map(|a| a.capacity())
        ),
    }
}

#[test]
#[should_panic(expected = "atomicarena: HeapArena::with_capacity: a capacity of 0 slots")]
fn with_capacity_zero_panics_with_the_reason() {
    let _ = HeapArena::<u64>::with_capacity(0);
}

#[test]
#[should_panic(expected = "exceeds isize::MAX bytes")]
fn with_capacity_too_large_panics_with_the_reason() {
    let _ = HeapDroplessArena::<u64>::with_capacity(usize::MAX);
}

#[test]
fn zero_sized_values() {
    let mut arena = HeapArena::<()>::with_capacity(5);
    for _ in 0..5 {
        arena.alloc(()).unwrap();
    }
    assert!(arena.alloc(()).is_err());
    assert_eq!(arena.iter_mut().count(), 5);
    arena.reset();
    assert_eq!(arena.alloc_slice_copy(&[(), ()]).unwrap().len(), 2);
    assert_eq!((arena.len(), arena.bytes_used()), (2, 0));
}

#[test]
fn drops_every_value_once_on_reset_drain_and_drop() {
    let drops = AtomicUsize::new(0);
    {
        let mut arena = HeapArena::with_capacity(10);
        for i in 0..10 {
            arena.alloc(Counted(&drops, i)).unwrap();
        }
        arena.reset();
        assert_eq!(drops.load(Ordering::Relaxed), 10);
        for i in 0..4 {
            arena.alloc(Counted(&drops, i)).unwrap();
        }
        let ids: Vec<u64> = arena.drain().take(2).map(|c| c.1).collect();
        assert_eq!(ids, [0, 1]);
        assert_eq!(drops.load(Ordering::Relaxed), 14); // 2 taken and dropped, 2 by the drain
        for i in 0..3 {
            arena.alloc(Counted(&drops, i)).unwrap();
        }
    }
    assert_eq!(drops.load(Ordering::Relaxed), 17);
}

#[test]
fn a_dropless_heap_arena_holds_values_that_borrow_each_other() {
    struct Node<'a> {
        id: u32,
        next: Cell<Option<&'a Node<'a>>>,
    }
    let n: usize = "3".parse().unwrap();
    let arena = HeapDroplessArena::<Node<'_>>::with_capacity(n);
    let nodes: Vec<&Node<'_>> = (0..3)
        .map(|id| {
            &*arena
                .alloc(Node {
                    id,
                    next: Cell::new(None),
                })
                .unwrap()
        })
        .collect();
    for (i, node) in nodes.iter().enumerate() {
        node.next.set(Some(nodes[(i + 1) % 3]));
    }
    assert_eq!(nodes[2].next.get().unwrap().next.get().unwrap().id, 1);
    assert!(format!("{arena:?}").starts_with("HeapDroplessArena {"));
}

#[test]
fn threads_share_a_heap_arena_and_get_distinct_slots() {
    // 8,192 slots: the per-thread chunks (from 4,096) are on, as inline.
    let n = if cfg!(miri) { 256 } else { 8192 };
    let threads = 4;
    let arena = HeapArena::<usize>::with_capacity(n);
    let per = n / threads;
    let addrs: Vec<Vec<usize>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let arena = &arena;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    // Singles, batches and handles (8 values each, then dropped), mixed; a few
                    // slots are left for the main thread, since under concurrency a live
                    // handle's chunk is not free for others.
                    while mine.len() < per - 16 {
                        let v = t * per + mine.len();
                        match mine.len() % 3 {
                            0 => mine.push(arena.alloc(v).unwrap() as *mut usize as usize),
                            1 => mine
                                .push(arena.alloc_slice_copy(&[v]).unwrap().as_mut_ptr() as usize),
                            _ => {
                                let mut local = arena.local();
                                for k in 0..8 {
                                    mine.push(local.alloc(v + k).unwrap() as *mut usize as usize);
                                }
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<usize> = addrs.into_iter().flatten().collect();
    // The threads are joined: every slot they did not use is free, wherever it is (the
    // stripes' tails, the handles' tails), and singles take them all.
    while let Ok(r) = arena.alloc(0) {
        all.push(r as *mut usize as usize);
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "every slot handed out once");
    assert_eq!((arena.len(), arena.remaining()), (n, 0));
    assert!(arena.alloc(0).is_err());
}

#[test]
fn a_large_heap_arena_costs_nothing_until_used() {
    // 10^8 slots of u64 (900 MB of storage): built at once, only the used pages are touched.
    if cfg!(miri) {
        return;
    }
    let arena = HeapArena::<u64>::with_capacity(100_000_000);
    for i in 0..1000 {
        arena.alloc(i).unwrap();
    }
    assert_eq!(arena.len(), 1000);
    assert_eq!(arena.remaining(), 100_000_000 - 1000);
}

#[test]
fn debug_names_the_heap_kind() {
    let arena = HeapArena::<u8>::with_capacity(3);
    arena.alloc(1).unwrap();
    assert_eq!(
        format!("{arena:?}"),
        "HeapArena { len: 1, capacity: 3, high_water: 1, failed_allocs: 0, .. }"
    );
}

#[test]
fn alloc_str_and_alloc_extend_on_the_heap() {
    let arena = HeapArena::<u8>::with_capacity(16);
    assert_eq!(arena.alloc_str("héllo").unwrap(), "héllo");
    let odd = arena
        .alloc_extend((0..20u8).filter(|x| x % 2 == 1))
        .unwrap();
    assert_eq!(odd, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]); // exactly the 10 slots left
    assert!(arena.is_full());
}

#[test]
fn a_heap_pool_recycles_values_and_keeps_their_buffers() {
    use atomicarena::HeapPool;

    let n: usize = "3".parse().unwrap();
    let mut pool = HeapPool::<Vec<u8>>::with_capacity(n);
    let mut addrs = Vec::new();
    for round in 0..3u8 {
        for k in 0..3u8 {
            let buf = pool.take().unwrap();
            assert!(buf.is_empty(), "round {round}: reset value");
            buf.extend_from_slice(&[round, k, 0, 0, 0, 0, 0, 0, 0, 0]);
            if round == 0 {
                addrs.push(buf.as_ptr() as usize);
            } else {
                // The same slot, the same buffer: kept by the reset.
                assert_eq!(buf.as_ptr() as usize, addrs[usize::from(k)]);
            }
        }
        assert!(pool.take().is_err());
        assert_eq!((pool.len(), pool.remaining()), (3, 0));
        pool.reset();
    }
    let mut local = pool.local();
    local.take().unwrap().push(1);
    drop(local);
    assert_eq!(pool.len(), 1);
    assert_eq!(
        format!("{pool:?}"),
        "HeapPool { len: 1, capacity: 3, high_water: 3, failed_allocs: 3, .. }"
    );
    assert!(matches!(
        HeapPool::<u64>::try_with_capacity(usize::MAX / 2),
        Err(CapacityError::TooLarge { .. })
    ));
}

#[test]
fn heap_pool_values_are_reset_from_the_first_take() {
    #[derive(Default)]
    struct Conn {
        ttl: u8,
        log: Vec<u8>,
    }
    impl atomicarena::FieldReset for Conn {
        fn reset_fields(&mut self) {
            self.ttl = 64;
            self.log.clear();
        }
    }
    let pool = atomicarena::HeapPool::<Conn>::with_capacity(2);
    let c = pool.take().unwrap();
    assert_eq!((c.ttl, c.log.len()), (64, 0));
}

#[test]
fn a_one_slot_heap_ring_keeps_the_newest_value() {
    use atomicarena::{Handle, HeapRing};

    let mut ring = HeapRing::<String>::with_capacity(1);
    let a = ring.push("a".into());
    assert_eq!(ring.get(a).as_deref().map(String::as_str), Some("a"));
    let b = ring.push("b".into());
    assert!(ring.get(a).is_none(), "overwritten");
    assert_eq!(ring.get(b).as_deref().map(String::as_str), Some("b"));
    {
        // A pinned slot is skipped: with one slot, the push gives up and drops its value.
        let pin = ring.get(b).unwrap();
        let c = ring.push("c".into());
        assert!(ring.get(c).is_none());
        assert_eq!(&*pin, "b");
    }
    assert!(ring.skipped() >= 1);
    let seen: Vec<String> = ring.since(Handle::START).map(|(_, v)| v.clone()).collect();
    assert_eq!(seen, ["b"]);
    ring.reset();
    assert!(ring.is_empty() && ring.get(b).is_none());
    assert!(format!("{ring:?}").starts_with("HeapRing { len: 0, capacity: 1,"));
}

#[test]
fn a_heap_ring_of_zero_sized_values_and_many_threads() {
    use atomicarena::HeapRing;

    let ring = HeapRing::<()>::with_capacity(3);
    let hs: Vec<_> = (0..5).map(|_| ring.push(())).collect();
    assert!(ring.get(hs[1]).is_none() && ring.get(hs[4]).is_some());
    assert_eq!(ring.len(), 3);

    // Threads push; every handle is unique and the newest `n` values are readable.
    let n = if cfg!(miri) { 8 } else { 1000 };
    let per = if cfg!(miri) { 10 } else { 5000 };
    let ring = HeapRing::<u64>::with_capacity(n);
    let mut handles: Vec<u64> = thread::scope(|s| {
        let joins: Vec<_> = (0..3u64)
            .map(|t| {
                let ring = &ring;
                s.spawn(move || {
                    (0..per as u64)
                        .map(|i| ring.push(t << 32 | i).sequence())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        joins.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    handles.sort_unstable();
    handles.dedup();
    assert_eq!(handles.len(), 3 * per);
    assert_eq!(ring.len(), n);
    assert_eq!(ring.iter().count(), n);
}

#[test]
fn a_heap_scoped_arena_recycles_its_segments() {
    use atomicarena::HeapScopedArena;

    let drops = AtomicUsize::new(0);
    let n: usize = "100".parse().unwrap();
    let arena = HeapScopedArena::<Counted<'_>>::with_capacity(n);
    assert_eq!((arena.capacity(), arena.segments()), (100, 6));
    assert_eq!(arena.segment_capacity(0), 17); // 100 = 4 × 17 + 2 × 16
    for round in 0..20u64 {
        let scope = arena.scope();
        for i in 0..10 {
            assert_eq!(
                scope.alloc(Counted(&drops, round * 10 + i)).unwrap().1,
                round * 10 + i
            );
        }
    }
    // Each scope's values were dropped when it left (the last leaver resets the segment).
    assert_eq!(drops.load(Ordering::Relaxed), 200);
    assert_eq!(arena.failed_allocs(), 0);
    assert!(arena.recycled() >= 20);
    assert!(format!("{arena:?}").starts_with("HeapScopedArena { capacity: 100, segments: 6,"));
    // A value larger than a segment: Full.
    let scope = arena.scope();
    let batch: Vec<u8> = vec![0; 18];
    let bytes = HeapScopedArena::<u8>::with_capacity(100);
    assert!(bytes.scope().alloc_slice_copy(&batch).is_err());
    drop(scope);
}

#[test]
fn heap_rounds_reuse_one_storage_for_cyclic_graphs() {
    use atomicarena::{ForLifetime, HeapRounds};

    struct Node<'a> {
        id: u32,
        next: Cell<Option<&'a Node<'a>>>,
    }
    struct NodeOf;
    impl ForLifetime for NodeOf {
        type Of<'a> = Node<'a>;
    }
    let mut rounds = HeapRounds::<NodeOf>::with_capacity(8);
    for round in 0..5u32 {
        let (len, around) = rounds.round(|arena| {
            let nodes: Vec<&Node<'_>> = (0..8)
                .map(|i| {
                    &*arena
                        .alloc(Node {
                            id: round * 10 + i,
                            next: Cell::new(None),
                        })
                        .unwrap()
                })
                .collect();
            for (i, n) in nodes.iter().enumerate() {
                n.next.set(Some(nodes[(i + 1) % 8])); // one cycle through all
            }
            let mut at = nodes[0];
            for _ in 0..8 {
                at = at.next.get().unwrap();
            }
            assert!(arena
                .alloc(Node {
                    id: 0,
                    next: Cell::new(None)
                })
                .is_err());
            (arena.len(), at.id)
        });
        assert_eq!((len, around), (8, round * 10));
        let count = rounds.round_local(|nodes| {
            let a = nodes
                .alloc(Node {
                    id: 1,
                    next: Cell::new(None),
                })
                .unwrap();
            let b = &*nodes
                .alloc(Node {
                    id: 2,
                    next: Cell::new(None),
                })
                .unwrap();
            a.next.set(Some(b));
            nodes.len()
        });
        assert_eq!(count, 2);
    }
    assert_eq!(rounds.high_water(), 8);
    assert_eq!(rounds.failed_allocs(), 5);
    assert!(format!("{rounds:?}").starts_with("HeapRounds {"));
}
