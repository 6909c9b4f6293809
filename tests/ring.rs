//! Behaviour of `Ring<T, N>`: overwrite order, stale handles, `peek`, `iter`, `reset`, drop
//! counting, pinned slots, concurrency (with self-checking values), ZSTs and auto traits.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use atomicarena::{Handle, Ref, Ring, RingIter};

/// A value that counts its drops in a shared table, one counter per id.
struct Tracked {
    id: usize,
    drops: Arc<Vec<AtomicUsize>>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Ordering::Relaxed);
    }
}

fn drop_table(n: usize) -> Arc<Vec<AtomicUsize>> {
    Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect())
}

fn counts(table: &[AtomicUsize]) -> Vec<usize> {
    table.iter().map(|c| c.load(Ordering::Relaxed)).collect()
}

fn values<T: Copy, const N: usize>(ring: &Ring<T, N>) -> Vec<T> {
    ring.iter().map(|(_, v)| *v).collect()
}

#[test]
fn overwrite_order_and_stale_handles() {
    let ring: Ring<u32, 4> = Ring::new();
    let handles: Vec<Handle<u32>> = (0..10).map(|i| ring.push(i)).collect();
    // The last four survive, the first six were overwritten in push order.
    for (i, &h) in handles.iter().enumerate() {
        let got = ring.get(h).map(|r| *r);
        if i < 6 {
            assert_eq!(got, None, "handle {i} should be stale");
        } else {
            assert_eq!(got, Some(i as u32));
        }
    }
    assert_eq!(values(&ring), [6, 7, 8, 9]);
    assert_eq!(ring.len(), 4);
    assert_eq!(ring.read(handles[9]), Some(9));
    assert_eq!(ring.read(handles[5]), None);
    // Handles are sequence numbers, in push order, from 1 (0 is `Handle::START`).
    assert!(handles.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(handles[0].sequence(), 1);
    assert_eq!(handles[3].sequence(), 4);
}

#[test]
fn stale_handle_never_reads_the_new_value_in_its_slot() {
    let ring: Ring<String, 1> = Ring::new();
    let a = ring.push("a".into());
    let b = ring.push("b".into()); // same slot, next lap
    assert_eq!(ring.get(a).as_deref().map(String::as_str), None);
    assert_eq!(ring.get(b).as_deref().map(String::as_str), Some("b"));
    // Many laps later, still stale.
    for i in 0..1000 {
        ring.push(i.to_string());
    }
    assert!(ring.get(a).is_none() && ring.get(b).is_none());
}

#[test]
fn peek_is_modulo_n() {
    let ring: Ring<char, 3> = Ring::new();
    assert!(ring.peek(0).is_none());
    let ha = ring.push('a');
    assert!(ring.peek(1).is_none());
    let (h, v) = ring.peek(0).unwrap();
    assert_eq!((h, *v), (ha, 'a'));
    drop(v);
    for c in ['b', 'c', 'd', 'e'] {
        ring.push(c);
    }
    // slots: 0 = 'd', 1 = 'e', 2 = 'c'
    let at = |i: usize| ring.peek(i).map(|(_, v)| *v);
    assert_eq!([at(0), at(1), at(2)], [Some('d'), Some('e'), Some('c')]);
    assert_eq!(
        [at(3), at(4), at(5), at(3 * 1000 + 2)],
        [Some('d'), Some('e'), Some('c'), Some('c')]
    );
    assert_eq!(at(usize::MAX), at(usize::MAX % 3));
    // The handle from peek is the value's own.
    let (h, v) = ring.peek(7).unwrap();
    assert_eq!(ring.get(h).as_deref(), Some(&*v));
    assert_eq!(h.sequence(), 5, "'e', the fifth push");
}

#[test]
fn iter_is_oldest_to_newest() {
    let ring: Ring<u64, 5> = Ring::new();
    assert_eq!(ring.iter().count(), 0);
    for i in 0..3 {
        ring.push(i);
    }
    assert_eq!(values(&ring), [0, 1, 2]);
    for i in 3..13 {
        ring.push(i);
    }
    assert_eq!(values(&ring), [8, 9, 10, 11, 12]);
    // Handles come with their values and in increasing order.
    let items: Vec<(Handle<u64>, u64)> = (&ring).into_iter().map(|(h, v)| (h, *v)).collect();
    for w in items.windows(2) {
        assert!(w[0].0 < w[1].0);
    }
    for (h, v) in items {
        assert_eq!(ring.read(h), Some(v));
        assert_eq!(h.sequence(), v + 1, "value `i` is push number `i + 1`");
    }
    // Holding the items pins their slots: pushes must skip them all and drop the value.
    let held: Vec<_> = ring.iter().collect();
    let lost = ring.push(99);
    assert!(ring.get(lost).is_none());
    assert_eq!(
        held.iter().map(|(_, v)| **v).collect::<Vec<_>>(),
        [8, 9, 10, 11, 12]
    );
}

#[test]
fn latest_tracks_the_newest_value() {
    let ring: Ring<u8, 3> = Ring::new();
    assert_eq!(ring.latest(), None);
    let mut last = None;
    for i in 0..10 {
        last = Some(ring.push(i));
        assert_eq!(ring.latest(), last);
    }
    assert_eq!(ring.read(last.unwrap()), Some(9));
}

#[test]
fn reset_makes_every_old_handle_stale() {
    let drops = drop_table(8);
    let mut ring: Ring<Tracked, 4> = Ring::new();
    let old: Vec<_> = (0..6)
        .map(|id| {
            ring.push(Tracked {
                id,
                drops: drops.clone(),
            })
        })
        .collect();
    // Forgetting a Ref leaves a pin behind; reset must clear it and still drop the value.
    std::mem::forget(ring.get(old[5]).unwrap());
    ring.reset();
    assert_eq!(counts(&drops), [1, 1, 1, 1, 1, 1, 0, 0]);
    assert!(ring.is_empty());
    assert_eq!(ring.iter().count(), 0);
    assert_eq!(ring.latest(), None);
    assert!((0..4).all(|i| ring.peek(i).is_none()));
    for &h in &old {
        assert!(ring.get(h).is_none());
    }
    // New pushes get new handles; the old ones stay stale even when slots are refilled.
    let new: Vec<_> = (6..8)
        .map(|id| {
            ring.push(Tracked {
                id,
                drops: drops.clone(),
            })
        })
        .collect();
    assert!(new.iter().all(|h| !old.contains(h)));
    for &h in &old {
        assert!(ring.get(h).is_none());
    }
    assert_eq!(ring.iter().map(|(_, v)| v.id).collect::<Vec<_>>(), [6, 7]);
    assert_eq!(ring.len(), 2);
    drop(ring);
    assert_eq!(counts(&drops), [1; 8]);
}

#[test]
fn each_value_is_dropped_exactly_once() {
    const PUSHES: usize = 50;
    let drops = drop_table(PUSHES);
    let ring: Ring<Tracked, 8> = Ring::new();
    for id in 0..PUSHES {
        ring.push(Tracked {
            id,
            drops: drops.clone(),
        });
        // Everything older than the last 8 was dropped exactly once, nothing else.
        let expect: Vec<usize> = (0..PUSHES).map(|j| usize::from(j + 8 <= id)).collect();
        assert_eq!(counts(&drops), expect, "after push {id}");
    }
    drop(ring);
    assert_eq!(counts(&drops), vec![1; PUSHES]);
}

#[test]
fn pinned_slot_is_skipped_not_waited_on() {
    const N: usize = 4;
    let drops = drop_table(1 + 11 * N);
    let ring: Ring<Tracked, N> = Ring::new();
    let h = ring.push(Tracked {
        id: 0,
        drops: drops.clone(),
    });
    let pinned = ring.get(h).unwrap();
    let mut last = h;
    for id in 1..=10 * N {
        last = ring.push(Tracked {
            id,
            drops: drops.clone(),
        });
    }
    // Returned, and the pinned value is intact and still reachable by its handle.
    assert_eq!(pinned.id, 0);
    assert_eq!(ring.get(h).map(|r| r.id), Some(0));
    assert_eq!(counts(&drops)[0], 0);
    // The other slots hold the newest values; iter shows the survivor first (the oldest).
    let ids: Vec<usize> = ring.iter().map(|(_, v)| v.id).collect();
    assert_eq!(ids, [0, 38, 39, 40]);
    assert_eq!(ring.latest(), Some(last));
    // Unpinned, the slot is overwritten again.
    drop(pinned);
    for id in 10 * N + 1..=11 * N {
        ring.push(Tracked {
            id,
            drops: drops.clone(),
        });
    }
    assert!(ring.get(h).is_none());
    assert_eq!(counts(&drops)[0], 1);
    drop(ring);
    assert_eq!(counts(&drops), vec![1; 1 + 11 * N]);
}

#[test]
fn forgotten_ref_pins_forever_and_stays_sound() {
    let drops = drop_table(64);
    let ring: Ring<Tracked, 2> = Ring::new();
    let h = ring.push(Tracked {
        id: 0,
        drops: drops.clone(),
    });
    std::mem::forget(ring.get(h).unwrap());
    for id in 1..64 {
        ring.push(Tracked {
            id,
            drops: drops.clone(),
        });
    }
    assert_eq!(ring.get(h).map(|r| r.id), Some(0));
    assert_eq!(counts(&drops)[0], 0);
    drop(ring); // `&mut`: the forgotten pin is no borrow any more; the value is dropped once
    assert_eq!(counts(&drops), vec![1; 64]);
}

#[test]
fn all_slots_pinned_push_returns_a_stale_handle_and_drops_the_value() {
    const N: usize = 3;
    let drops = drop_table(N + 1);
    let ring: Ring<Tracked, N> = Ring::new();
    let handles: Vec<_> = (0..N)
        .map(|id| {
            ring.push(Tracked {
                id,
                drops: drops.clone(),
            })
        })
        .collect();
    let guards: Vec<Ref<'_, Tracked>> = handles.iter().map(|&h| ring.get(h).unwrap()).collect();
    let lost = ring.push(Tracked {
        id: N,
        drops: drops.clone(),
    });
    assert_eq!(counts(&drops), [0, 0, 0, 1], "the value is dropped at once");
    assert!(ring.get(lost).is_none());
    assert!(handles.iter().all(|&h| ring.get(h).is_some()));
    assert_eq!(guards.iter().map(|g| g.id).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(ring.latest(), Some(handles[N - 1]));
    drop(guards);
    // Still stale after the pins are gone and the slots are reused.
    for id in 0..N {
        ring.push(Tracked {
            id,
            drops: drops.clone(),
        });
    }
    assert!(ring.get(lost).is_none());
}

#[test]
fn many_refs_to_one_slot() {
    let ring: Ring<u32, 2> = Ring::new();
    let h = ring.push(5);
    // Under Miri 100: each live `Ref` adds a shared tag to the slot's borrow stack, which later
    // accesses walk, so the cost grows faster than the count (1,000 took 98 s of Stacked
    // Borrows, 100 take 14 s); 100 are still many pins on one slot (the pin count saturates
    // only at 2^20 - 1).
    let many = if cfg!(miri) { 100 } else { 1000 };
    let refs: Vec<_> = (0..many).map(|_| ring.get(h).unwrap()).collect();
    ring.push(6);
    ring.push(7); // skips the pinned slot
    assert!(refs.iter().all(|r| **r == 5));
    drop(refs);
    ring.push(8);
    ring.push(9);
    assert!(ring.get(h).is_none());
}

#[test]
fn ref_traits() {
    let ring: Ring<String, 2> = Ring::new();
    let h = ring.push("hi".into());
    let r = ring.get(h).unwrap();
    assert_eq!(format!("{r} {r:?}"), "hi \"hi\"");
    assert_eq!(r.len(), 2);
    // A Ref is Send when T: Sync: read it on another thread, drop it there.
    thread::scope(|s| {
        s.spawn(move || assert_eq!(*r, "hi"));
    });
    ring.push("a".into());
    ring.push("b".into());
    assert!(
        ring.get(h).is_none(),
        "the Ref dropped on the other thread unpinned the slot"
    );
}

#[test]
fn handle_traits_need_no_bounds_on_t() {
    struct Opaque;
    let ring: Ring<Opaque, 2> = Ring::new();
    let a = ring.push(Opaque);
    let b = ring.push(Opaque);
    let c = a;
    assert_eq!(a, c);
    assert_ne!(a, b);
    assert!(a < b);
    assert_eq!(HashSet::from([a, b, c]).len(), 2);
    assert_eq!(format!("{b:?}"), "Handle(2)");
}

#[test]
fn debug_default_capacity() {
    let ring: Ring<u8, 7> = Ring::default();
    ring.push(1);
    assert_eq!(ring.capacity(), 7);
    assert_eq!(Ring::<u8, 7>::CAPACITY, 7);
    assert_eq!(
        format!("{ring:?}"),
        "Ring { len: 1, capacity: 7, next_seq: 2, skipped: 0, .. }"
    );
    assert!(format!("{:?}", ring.iter()).starts_with("RingIter"));
}

/// A ring big enough that consecutive sequence numbers are spread over the slot array (to
/// keep threads off each other's cache lines): slots are still "`i mod N`" to the user, and
/// every slot is used.
#[test]
fn peek_and_iter_on_a_spread_ring() {
    let ring: Ring<u64, 64> = Ring::new();
    for i in 0..200 {
        ring.push(i);
    }
    assert_eq!(ring.len(), 64);
    assert_eq!(values(&ring), (136..200).collect::<Vec<u64>>());
    for i in 0..64 {
        let (h, v) = ring.peek(i).unwrap();
        assert_eq!(*v % 64, i as u64, "peek({i}) = {}", *v);
        assert_eq!(h.sequence(), *v + 1);
    }
    let ring: Ring<[u8; 100], 100> = Ring::new();
    let handles: Vec<_> = (0..150u8).map(|i| ring.push([i; 100])).collect();
    assert_eq!(ring.iter().count(), 100);
    for (i, &h) in handles.iter().enumerate() {
        assert_eq!(ring.read(h).map(|v| v[99]), (i >= 50).then_some(i as u8));
    }
}

#[test]
fn new_boxed_is_empty_and_works() {
    let ring = Ring::<[u64; 4], 10_000>::new_boxed();
    assert!(ring.is_empty());
    assert!(ring.peek(9_999).is_none());
    let h = ring.push([1, 2, 3, 4]);
    assert_eq!(ring.read(h), Some([1, 2, 3, 4]));
    assert_eq!(ring.iter().count(), 1);
}

#[test]
fn zero_sized_values() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    struct Zst;
    impl Drop for Zst {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::Relaxed);
        }
    }
    let ring: Ring<Zst, 3> = Ring::new();
    let hs: Vec<_> = (0..5).map(|_| ring.push(Zst)).collect();
    assert_eq!(DROPS.load(Ordering::Relaxed), 2);
    assert!(ring.get(hs[1]).is_none() && ring.get(hs[2]).is_some());
    assert_eq!(ring.iter().count(), 3);
    drop(ring);
    assert_eq!(DROPS.load(Ordering::Relaxed), 5);

    let units: Ring<(), 2> = Ring::new();
    let h = units.push(());
    assert_eq!(units.read(h), Some(()));
}

#[test]
fn panicking_destructor_on_overwrite_keeps_the_ring_consistent() {
    struct Bomb(u32);
    impl Drop for Bomb {
        fn drop(&mut self) {
            if self.0 == 1 && !thread::panicking() {
                panic!("boom");
            }
        }
    }
    let ring: Ring<Bomb, 1> = Ring::new();
    ring.push(Bomb(1));
    let r = catch_unwind(AssertUnwindSafe(|| ring.push(Bomb(2))));
    assert!(r.is_err());
    // The new value is in place; the old one was dropped (once, panicking).
    assert_eq!(ring.peek(0).map(|(_, v)| v.0), Some(2));
    let h = ring.push(Bomb(3));
    assert_eq!(ring.get(h).map(|v| v.0), Some(3));
}

#[test]
fn panicking_destructor_in_reset_still_drops_the_rest() {
    let drops = drop_table(4);
    struct Mixed(#[allow(dead_code)] Option<Tracked>, bool);
    impl Drop for Mixed {
        fn drop(&mut self) {
            if self.1 {
                panic!("boom");
            }
        }
    }
    let mut ring: Ring<Mixed, 4> = Ring::new();
    for id in 0..4 {
        ring.push(Mixed(
            Some(Tracked {
                id,
                drops: drops.clone(),
            }),
            id == 1,
        ));
    }
    assert!(catch_unwind(AssertUnwindSafe(|| ring.reset())).is_err());
    // Every value was dropped exactly once (its fields too, even the panicking one's).
    assert_eq!(counts(&drops), [1, 1, 1, 1]);
    assert!(ring.iter().count() == 0 && (0..4).all(|i| ring.peek(i).is_none()));
    ring.push(Mixed(None, false));
    assert_eq!(ring.iter().count(), 1);
}

#[test]
fn panicking_clone_in_read_unpins() {
    struct Fragile;
    impl Clone for Fragile {
        fn clone(&self) -> Self {
            panic!("no clones");
        }
    }
    let ring: Ring<Fragile, 1> = Ring::new();
    let h = ring.push(Fragile);
    assert!(catch_unwind(AssertUnwindSafe(|| ring.read(h))).is_err());
    // Unpinned: the next push overwrites the slot instead of skipping it.
    let h2 = ring.push(Fragile);
    assert!(ring.get(h).is_none() && ring.get(h2).is_some());
}

/// A value that checks itself: `b == !a` and `a` is a function of `id`, so a torn or
/// half-written value is noticed.
#[derive(Clone, Copy, Debug)]
struct Checked {
    id: u64,
    a: u64,
    b: u64,
}

impl Checked {
    fn new(id: u64) -> Self {
        let a = id.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        Checked { id, a, b: !a }
    }

    fn check(&self) {
        assert_eq!(self.b, !self.a, "torn value {self:?}");
        assert_eq!(self.a, Checked::new(self.id).a, "torn value {self:?}");
    }
}

#[test]
fn stress_two_writers_and_a_reader() {
    stress::<8>(if cfg!(miri) { 64 } else { 100_000 });
}

/// With 64 slots the ring spreads consecutive sequence numbers over the slot array (see
/// `peek_and_iter_on_a_spread_ring`): the same checks must hold.
#[test]
fn stress_two_writers_and_a_reader_64_slots() {
    stress::<64>(if cfg!(miri) { 64 } else { 100_000 });
}

fn stress<const N: usize>(per_writer: u64) {
    let ring: Ring<Checked, N> = Ring::new();
    let done = AtomicBool::new(false);
    let writers_left = AtomicUsize::new(2);

    let (records, observed) = thread::scope(|s| {
        let writers: Vec<_> = (0..2u64)
            .map(|w| {
                let (ring, done, writers_left) = (&ring, &done, &writers_left);
                s.spawn(move || {
                    let mut rec = Vec::with_capacity(per_writer as usize);
                    for i in 0..per_writer {
                        let id = (w << 32) | i;
                        let h = ring.push(Checked::new(id));
                        rec.push((h, id));
                        // Our own handle reads back our value or nothing.
                        if let Some(r) = ring.get(h) {
                            r.check();
                            assert_eq!(r.id, id);
                        }
                    }
                    if writers_left.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.store(true, Ordering::Release);
                    }
                    rec
                })
            })
            .collect();
        let reader = s.spawn(|| {
            let mut seen: Vec<(Handle<Checked>, u64)> = Vec::new();
            let mut rounds = 0u64;
            while !done.load(Ordering::Acquire) || rounds < 4 {
                rounds += 1;
                for i in 0..N {
                    if let Some((h, r)) = ring.peek(i) {
                        r.check();
                        seen.push((h, r.id));
                    }
                }
                let mut prev = None;
                for (h, r) in ring.iter() {
                    r.check();
                    assert!(prev < Some(h), "iter out of order");
                    prev = Some(h);
                    seen.push((h, r.id));
                }
                if let Some(h) = ring.latest() {
                    if let Some(r) = ring.get(h) {
                        // Hold the pin a while: the value must not change under us.
                        let copy = *r;
                        for _ in 0..50 {
                            std::hint::spin_loop();
                        }
                        thread::yield_now();
                        assert_eq!((r.id, r.a, r.b), (copy.id, copy.a, copy.b));
                        r.check();
                        seen.push((h, r.id));
                    }
                }
            }
            seen
        });
        let records: Vec<_> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (records, reader.join().unwrap())
    });

    // Every push got its own sequence number.
    let by_handle: HashMap<Handle<Checked>, u64> = records.iter().copied().collect();
    assert_eq!(
        by_handle.len(),
        records.len(),
        "two pushes got the same handle"
    );
    // Every value the reader saw came with the handle of the push that wrote it.
    assert!(!observed.is_empty());
    for (h, id) in &observed {
        assert_eq!(
            by_handle.get(h),
            Some(id),
            "handle {h:?} read another push's value"
        );
    }
    // Afterwards, every handle reads back its own value or nothing; the survivors are the
    // newest values (at most N of them).
    let mut live = 0;
    for (h, id) in &records {
        if let Some(r) = ring.get(*h) {
            r.check();
            assert_eq!(r.id, *id);
            live += 1;
        }
    }
    assert!(
        live <= N && live == ring.len(),
        "live {live}, len {}",
        ring.len()
    );
    let newest = records
        .iter()
        .map(|(h, _)| *h)
        .filter(|&h| ring.get(h).is_some())
        .max();
    assert_eq!(ring.latest(), newest);
}

#[test]
fn concurrent_drops_are_exactly_once() {
    let per_writer = if cfg!(miri) { 32 } else { 20_000 };
    let drops = drop_table(2 * per_writer);
    let ring: Ring<Tracked, 4> = Ring::new();
    thread::scope(|s| {
        for w in 0..2 {
            let (ring, drops) = (&ring, &drops);
            s.spawn(move || {
                for i in 0..per_writer {
                    ring.push(Tracked {
                        id: w * per_writer + i,
                        drops: drops.clone(),
                    });
                }
            });
        }
        s.spawn(|| {
            for i in 0..per_writer {
                if let Some((_, r)) = ring.peek(i) {
                    assert!(r.id < 2 * per_writer);
                }
            }
        });
    });
    let live: Vec<usize> = ring.iter().map(|(_, v)| v.id).collect();
    for (id, &c) in counts(&drops).iter().enumerate() {
        let expect = usize::from(!live.contains(&id));
        assert_eq!(c, expect, "value {id} dropped {c} times");
    }
    drop(ring);
    assert!(counts(&drops).iter().all(|&c| c == 1));
}

// ---- auto traits -----------------------------------------------------------------------

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}

/// `assert_not_sync!(T)` compiles only if `T: !Sync` (two blanket impls make the call
/// ambiguous otherwise; the trick of `static_assertions::assert_not_impl_any`).
macro_rules! assert_not {
    ($trait:path, $ty:ty) => {{
        trait Ambiguous<A> {
            fn some_item() {}
        }
        impl<T: ?Sized> Ambiguous<()> for T {}
        #[allow(dead_code)]
        struct Invalid;
        impl<T: ?Sized + $trait> Ambiguous<Invalid> for T {}
        let _ = <$ty as Ambiguous<_>>::some_item;
    }};
}

#[test]
fn send_and_sync_bounds() {
    // Ring: Sync needs T: Send + Sync; Send needs T: Send.
    assert_send::<Ring<u32, 4>>();
    assert_sync::<Ring<u32, 4>>();
    assert_send::<Ring<Cell<u32>, 4>>(); // Send, not Sync
    assert_not!(Sync, Ring<Cell<u32>, 4>);
    assert_not!(Send, Ring<Rc<u32>, 4>);
    assert_not!(Sync, Ring<Rc<u32>, 4>);
    assert_not!(Sync, Ring<std::sync::MutexGuard<'static, u32>, 4>); // Sync but not Send
                                                                     // Ref: like &T.
    assert_send::<Ref<'static, u32>>();
    assert_sync::<Ref<'static, u32>>();
    assert_not!(Send, Ref<'static, Cell<u32>>);
    assert_not!(Sync, Ref<'static, Cell<u32>>);
    // Handle: a number, whatever T.
    assert_send::<Handle<Rc<u32>>>();
    assert_sync::<Handle<Rc<u32>>>();
    // The iterator follows the ring.
    assert_send::<RingIter<'static, u32, atomicarena::Inline<4>>>();
    assert_not!(Send, RingIter<'static, Cell<u32>, atomicarena::Inline<4>>);
}

// ---- since and skipped ------------------------------------------------------------------

/// `(sequence, value)` of every item, in order.
fn seq_values<T: Copy, S: atomicarena::Storage>(it: RingIter<'_, T, S>) -> Vec<(u64, T)> {
    it.map(|(h, v)| (h.sequence(), *v)).collect()
}

#[test]
fn since_yields_what_came_after_a_handle_across_wraps() {
    let ring: Ring<u32, 4> = Ring::new();
    let hs: Vec<Handle<u32>> = (0..11).map(|i| ring.push(i)).collect();
    // In the ring: numbers 8..=11 (value + 1 == number). Every handle, live or stale, gets
    // the live values numbered after it.
    for (k, &h) in hs.iter().enumerate() {
        let want: Vec<(u64, u32)> = (k.max(6) + 1..11)
            .map(|i| (i as u64 + 1, i as u32))
            .collect();
        assert_eq!(seq_values(ring.since(h)), want, "since({h:?})");
        // The handles are the pushes' own.
        for (h2, v) in ring.since(h) {
            assert_eq!(h2, hs[*v as usize]);
        }
    }
    assert_eq!(ring.since(hs[10]).count(), 0, "nothing after the newest");
    assert_eq!(ring.skipped(), 0);
    // After more pushes, a reader that kept its last handle sees exactly the new ones.
    let last = hs[10];
    let new: Vec<Handle<u32>> = (11..14).map(|i| ring.push(i)).collect();
    let got: Vec<(Handle<u32>, u32)> = ring.since(last).map(|(h, v)| (h, *v)).collect();
    assert_eq!(got, [(new[0], 11), (new[1], 12), (new[2], 13)]);
    // `since` is `iter` cut at the handle.
    let all: Vec<(u64, u32)> = seq_values(ring.iter());
    assert_eq!(all, [(11, 10), (12, 11), (13, 12), (14, 13)]);
    assert_eq!(seq_values(ring.since(hs[9])), all);
    assert_eq!(seq_values(ring.since(hs[10])), all[1..]);
}

/// `Handle::START` is older than every push: `since` from it is `iter`, on an empty ring, a
/// fresh one, one that wrapped, one with a pinned survivor and one that was reset; `get` with
/// it is `None`, and no push returns it.
#[test]
fn since_start_yields_everything_and_get_start_is_none() {
    let mut ring: Ring<u32, 4> = Ring::new();
    assert_eq!(Handle::<u32>::START.sequence(), 0);
    assert_eq!(format!("{:?}", Handle::<u32>::START), "Handle(0)");
    assert_eq!(ring.since(Handle::START).count(), 0, "empty ring");
    assert!(ring.get(Handle::START).is_none() && ring.read(Handle::START).is_none());

    let first = ring.push(10);
    assert!(Handle::START < first && first.sequence() == 1);
    assert_eq!(seq_values(ring.since(Handle::START)), [(1, 10)]);
    assert!(ring.get(Handle::START).is_none());

    // Wrapped: the survivors, oldest first, exactly as `iter`.
    let hs: Vec<Handle<u32>> = (11..20).map(|i| ring.push(i)).collect();
    assert!(hs.iter().all(|&h| h > Handle::START));
    assert_eq!(
        seq_values(ring.since(Handle::START)),
        [(7, 16), (8, 17), (9, 18), (10, 19)]
    );
    assert_eq!(
        seq_values(ring.since(Handle::START)),
        seq_values(ring.iter())
    );

    // A value kept by a pin past its turn is older than the window and still comes first.
    let pinned = ring.get(hs[5]).unwrap(); // number 7, value 16
    for i in 20..26 {
        ring.push(i);
    }
    let all = seq_values(ring.iter());
    assert_eq!(all[0], (7, 16));
    assert_eq!(seq_values(ring.since(Handle::START)), all);
    drop(pinned);
    assert!(ring.get(Handle::START).is_none());

    // After a reset: what was pushed since.
    ring.reset();
    assert_eq!(ring.since(Handle::START).count(), 0);
    ring.push(30);
    ring.push(31);
    let after: Vec<u32> = ring.since(Handle::START).map(|(_, v)| *v).collect();
    assert_eq!(after, [30, 31]);
    assert!(ring.get(Handle::START).is_none());
}

/// A tail reader that starts at `Handle::START` on an empty ring, as `flight_recorder` does,
/// needs no special first call: it sees every value once, in order.
#[test]
fn a_tail_from_start_sees_every_value_once() {
    let ring: Ring<u32, 8> = Ring::new();
    let mut last = Handle::START;
    let mut seen = Vec::new();
    let follow = |last: &mut Handle<u32>, seen: &mut Vec<u32>| {
        for (h, v) in ring.since(*last) {
            assert!(h > *last);
            seen.push(*v);
            *last = h;
        }
    };
    follow(&mut last, &mut seen);
    assert!(seen.is_empty() && last == Handle::START);
    for round in 0..5u32 {
        for i in 0..round + 1 {
            ring.push(round * 10 + i);
        }
        follow(&mut last, &mut seen);
    }
    assert_eq!(
        seen,
        [0, 10, 11, 20, 21, 22, 30, 31, 32, 33, 40, 41, 42, 43, 44]
    );
    assert_eq!(last, ring.latest().unwrap());
}

/// A ring made with `new_boxed` (all-zero bytes) is the same empty ring: its first push is
/// number 1, after `Handle::START`.
#[test]
fn a_zeroed_ring_numbers_from_one() {
    let ring = Ring::<u64, 4096>::new_boxed();
    assert_eq!(ring.since(Handle::START).count(), 0);
    let h = ring.push(5);
    assert_eq!(h.sequence(), 1);
    assert_eq!(seq_values(ring.since(Handle::START)), [(1, 5)]);
    assert!(ring.get(Handle::START).is_none());
}

/// A recent handle: the iterator plans to look at the numbers after it only, not at the whole
/// ring (its upper bound is the count of those numbers); a tail-follower pays for what is new.
#[test]
fn since_from_a_recent_handle_looks_only_at_newer_numbers() {
    if cfg!(miri) {
        recent_since::<64>();
    } else {
        recent_since::<1024>();
    }
}

fn recent_since<const N: usize>() {
    let ring: Ring<u64, N> = Ring::new();
    let p = 2 * N as u64 - 48;
    let hs: Vec<Handle<u64>> = (0..p).map(|i| ring.push(i)).collect();
    let it = ring.since(hs[p as usize - 5]);
    assert_eq!(it.size_hint(), (0, Some(4)));
    let want: Vec<(u64, u64)> = (p - 4..p).map(|i| (i + 1, i)).collect();
    assert_eq!(seq_values(it), want);
    assert_eq!(ring.since(hs[p as usize - 1]).size_hint(), (0, Some(0)));
    // A stale handle (older than the last N numbers) falls back to `iter`'s scan.
    let stale = ring.since(hs[10]);
    assert_eq!(stale.size_hint(), (0, Some(2 * N)));
    assert_eq!(seq_values(stale), seq_values(ring.iter()));
    assert_eq!(ring.since(hs[10]).count(), N);
}

#[test]
fn since_with_a_stale_handle_leaves_out_pinned_survivors_older_than_it() {
    let ring: Ring<u32, 4> = Ring::new();
    let mut hs: Vec<Handle<u32>> = (0..2).map(|i| ring.push(i)).collect();
    let pinned = ring.get(hs[1]).unwrap(); // number 2, slot 1
    hs.extend((2..14).map(|i| ring.push(i)));
    // Numbers 6, 10 and 14 landed on the pinned slot and were skipped: values 2..=13 took
    // numbers 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17.
    let seqs: Vec<u64> = hs.iter().map(|h| h.sequence()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17]);
    assert_eq!(ring.skipped(), 3);
    assert_eq!(*pinned, 1);
    let survivor_first = [(2, 1), (15, 11), (16, 12), (17, 13)];
    assert_eq!(seq_values(ring.iter()), survivor_first);
    // Older than the survivor: the survivor comes first, as in `iter`.
    assert_eq!(seq_values(ring.since(hs[0])), survivor_first);
    // The survivor's own handle, and stale handles newer than it: without it.
    for &h in &hs[1..11] {
        assert_eq!(
            seq_values(ring.since(h)),
            survivor_first[1..],
            "since({h:?})"
        );
    }
    assert_eq!(seq_values(ring.since(hs[11])), [(16, 12), (17, 13)]);
    // Yielding pins the values again: holding the items keeps them.
    let held: Vec<_> = ring.since(hs[0]).collect();
    drop(pinned);
    ring.push(100); // every slot is held: gives up after 4 numbers (18..=21)
    assert_eq!(ring.skipped(), 3 + 4);
    assert_eq!(
        held.iter().map(|(_, v)| **v).collect::<Vec<_>>(),
        [1, 11, 12, 13]
    );
    drop(held);
    let h = ring.push(101); // number 22, slot 1: the survivor goes
    assert_eq!(h.sequence(), 22);
    assert_eq!(
        seq_values(ring.since(hs[0])),
        [(15, 11), (16, 12), (17, 13), (22, 101)]
    );
}

#[test]
fn since_with_a_handle_from_before_reset_yields_only_new_values() {
    let drops = drop_table(6);
    let mut ring: Ring<Tracked, 4> = Ring::new();
    let tracked = |id| Tracked {
        id,
        drops: drops.clone(),
    };
    let old: Vec<_> = (0..3).map(|id| ring.push(tracked(id))).collect();
    std::mem::forget(ring.get(old[1]).unwrap()); // a forgotten pin, cleared by reset
    ring.reset();
    assert_eq!(counts(&drops), [1, 1, 1, 0, 0, 0]);
    for &h in &old {
        assert_eq!(ring.since(h).count(), 0, "since({h:?}) after reset");
    }
    // Numbers go on from a fresh lap (9); every old handle comes before them.
    let new: Vec<_> = (3..6).map(|id| ring.push(tracked(id))).collect();
    assert_eq!(
        new.iter().map(|h| h.sequence()).collect::<Vec<_>>(),
        [9, 10, 11]
    );
    for &h in &old {
        let got: Vec<(Handle<Tracked>, usize)> = ring.since(h).map(|(h, v)| (h, v.id)).collect();
        assert_eq!(got, [(new[0], 3), (new[1], 4), (new[2], 5)], "since({h:?})");
    }
    assert_eq!(
        ring.since(new[0]).map(|(_, v)| v.id).collect::<Vec<_>>(),
        [4, 5]
    );
    // The jump of `reset` is not counted as skipped.
    assert_eq!(ring.skipped(), 0);
    drop(ring);
    assert_eq!(counts(&drops), [1; 6]);
}

#[test]
fn since_with_another_rings_handle_yields_only_this_rings_values() {
    let mine: Ring<u32, 4> = Ring::new();
    let theirs: Ring<u32, 4> = Ring::new();
    let my: Vec<Handle<u32>> = (0..3).map(|i| mine.push(100 + i)).collect();
    let their: Vec<Handle<u32>> = (0..10).map(|i| theirs.push(200 + i)).collect();
    // Behind my numbers: my values after that number, under my handles.
    let got: Vec<(Handle<u32>, u32)> = mine.since(their[0]).map(|(h, v)| (h, *v)).collect();
    assert_eq!(got, [(my[1], 101), (my[2], 102)]);
    // Ahead of my numbers: nothing (not everything), with no work planned.
    assert_eq!(mine.since(their[9]).size_hint(), (0, Some(0)));
    assert_eq!(mine.since(their[9]).count(), 0);
    assert_eq!(mine.since(their[3]).count(), 0);
    // Once my numbers pass it, the values numbered after it.
    let more: Vec<Handle<u32>> = (3..12).map(|i| mine.push(100 + i)).collect();
    let got: Vec<(Handle<u32>, u32)> = mine.since(their[9]).map(|(h, v)| (h, *v)).collect();
    assert_eq!(got, [(more[7], 110), (more[8], 111)]);
    assert_eq!(their[9].sequence(), 10);
    assert_eq!(more[7].sequence(), 11);
}

#[test]
fn skipped_counts_each_number_that_stored_nothing() {
    const N: usize = 8;
    let mut ring: Ring<u32, N> = Ring::new();
    let h0 = ring.push(0);
    let pin = ring.get(h0).unwrap();
    // 40 more values: every number that lands on slot 0 (9, 17, 25, 33, 41) is skipped.
    let hs: Vec<Handle<u32>> = (1..=40).map(|i| ring.push(i)).collect();
    assert_eq!(ring.skipped(), 5);
    assert_eq!(
        hs[39].sequence(),
        46,
        "40 values + 5 skipped numbers after number 1"
    );
    let gaps: u64 = hs
        .windows(2)
        .map(|w| w[1].sequence() - w[0].sequence() - 1)
        .sum();
    assert_eq!(gaps + hs[0].sequence() - h0.sequence() - 1, 5);
    // Every slot held: a push gives up after max(N, 4) = 8 numbers, all counted.
    let held: Vec<_> = ring.iter().collect();
    assert_eq!(held.len(), N);
    let lost = ring.push(99);
    assert_eq!((lost.sequence(), ring.skipped()), (46 + 8, 5 + 8));
    assert!(ring.get(lost).is_none());
    drop(held);
    drop(pin);
    // Nothing pinned: no skips.
    let h = ring.push(7);
    assert_eq!((h.sequence(), ring.skipped()), (55, 13));
    // `reset` jumps to a fresh lap (numbers 56..=64 are not counted) and keeps the count.
    ring.reset();
    assert_eq!(ring.skipped(), 13);
    assert_eq!(ring.push(1).sequence(), 65);
    assert_eq!(ring.skipped(), 13);

    // One slot: a give-up takes max(1, 4) = 4 numbers.
    let one: Ring<u32, 1> = Ring::new();
    let a = one.push(1);
    let pin = one.get(a).unwrap();
    let b = one.push(2);
    let c = one.push(3);
    assert_eq!((b.sequence(), c.sequence(), one.skipped()), (5, 9, 8));
    drop(pin);
    assert_eq!((one.push(4).sequence(), one.skipped()), (10, 8));
}

/// A writer pushes while a reader follows it with `since(last)`: the reader sees each value at
/// most once, in order, under its own handle, and once the writer is done it has caught up.
/// Every number the writer took is accounted for: values seen, values missed (overwritten
/// before the reader got to them) and numbers skipped (counted by `skipped`).
#[test]
fn since_follows_a_writer_and_skipped_explains_the_gaps() {
    const N: usize = 16;
    let pushes: u64 = if cfg!(miri) { 300 } else { 30_000 };
    let ring: Ring<Checked, N> = Ring::new();
    let done = AtomicBool::new(false);
    let h0 = ring.push(Checked::new(0));
    let (records, seen) = thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut rec = Vec::with_capacity(pushes as usize);
            for id in 1..pushes {
                let h = ring.push(Checked::new(id));
                // The only writer: right after the push, the value is there unless it gave up.
                rec.push((h, ring.get(h).is_some()));
            }
            done.store(true, Ordering::Release);
            rec
        });
        let reader = s.spawn(|| {
            let mut seen: Vec<(Handle<Checked>, u64)> = Vec::new();
            let mut last = h0;
            let mut last_id = 0;
            let mut follow = |seen: &mut Vec<(Handle<Checked>, u64)>| {
                for (h, v) in ring.since(last) {
                    v.check();
                    assert!(h > last, "{h:?} after {last:?}");
                    assert!(v.id > last_id, "value {} after value {last_id}", v.id);
                    if seen.len() & 15 == 0 {
                        // Every 16th value, hold the pin a while: the writer skips this slot.
                        for _ in 0..200 {
                            std::hint::spin_loop();
                        }
                    }
                    seen.push((h, v.id));
                    (last, last_id) = (h, v.id);
                }
            };
            while !done.load(Ordering::Acquire) {
                follow(&mut seen);
            }
            follow(&mut seen); // catch up with everything the writer did
            seen
        });
        (writer.join().unwrap(), reader.join().unwrap())
    });
    // The writer's own view: the handle of value `id` is `records[id - 1].0`.
    let stored: u64 = 1 + records.iter().filter(|r| r.1).count() as u64;
    // Numbers count from 1: the last one taken is how many were taken.
    let taken = records.last().unwrap().0.sequence();
    assert_eq!(
        taken,
        stored + ring.skipped(),
        "numbers taken = values stored + numbers skipped"
    );
    // Everything the reader saw is a stored value under its own handle.
    for &(h, id) in &seen {
        let (rh, was_stored) = records[id as usize - 1];
        assert_eq!(rh, h, "value {id} came with another push's handle");
        assert!(was_stored, "value {id} was seen but its push gave up");
    }
    // Caught up: the last value seen is the last one stored.
    let last_stored = records.iter().rev().find(|r| r.1).map(|r| r.0);
    assert_eq!(seen.last().map(|s| s.0), last_stored);
    // The gaps between the handles seen: skipped numbers, or values missed.
    let last_seen = seen.last().unwrap().0.sequence();
    let gaps = last_seen - h0.sequence() - seen.len() as u64;
    let skipped_after = taken - last_seen; // only give-ups come after the last value
    let missed = stored - 1 - seen.len() as u64;
    assert_eq!(
        gaps,
        missed + ring.skipped() - skipped_after,
        "gaps not explained by skipped numbers are the values missed"
    );
    eprintln!(
        "{pushes} pushes: {} seen, {missed} missed, {} numbers skipped",
        seen.len(),
        ring.skipped()
    );
}
