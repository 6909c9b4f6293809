//! Loom models of the ring's stamp protocol.
//!
//! Run with `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_ring`.
//! The values are read through the ring's tracked cells, so a reader that could see a value
//! while a writer replaces it (or before it was written) is reported as a data race, and a
//! handle that reads another push's value fails an assertion.
#![cfg(loom)]

use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::{Handle, Ring};
use loom::sync::Arc;
use loom::thread;

/// Runs a loom model and reports how many interleavings it explored.
fn model(name: &str, f: impl Fn() + Send + Sync + 'static) {
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let start = std::time::Instant::now();
    loom::model(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        f();
    });
    eprintln!(
        "{name}: {} interleavings in {:.1?}",
        runs.load(Ordering::Relaxed),
        start.elapsed()
    );
}

/// Drop counters, one per value id (plain std atomics: bookkeeping, not part of the model).
type Drops = std::sync::Arc<Vec<AtomicUsize>>;

fn drops(n: usize) -> Drops {
    std::sync::Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect())
}

fn assert_each_dropped_once(d: &Drops) {
    for (id, c) in d.iter().enumerate() {
        assert_eq!(
            c.load(Ordering::Relaxed),
            1,
            "value {id} dropped a wrong number of times"
        );
    }
}

/// A value that knows its id, checks itself, and counts its drop.
struct Val {
    id: usize,
    check: usize,
    drops: Drops,
}

impl Val {
    fn new(id: usize, drops: &Drops) -> Self {
        Val {
            id,
            check: !id,
            drops: drops.clone(),
        }
    }

    /// Reads the value (through the ring's tracked cell) and checks it is push `id`'s.
    fn expect(&self, id: usize) {
        assert_eq!(
            (self.id, self.check),
            (id, !id),
            "a handle read another push's value"
        );
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Ordering::Relaxed);
    }
}

/// Checks a handle against the push it came from: its value or nothing.
fn check<const N: usize>(ring: &Ring<Val, N>, h: Handle<Val>, id: usize) -> bool {
    match ring.get(h) {
        Some(r) => {
            r.expect(id);
            true
        }
        None => false,
    }
}

/// Pushes value `id` and reads it straight back: `(handle, id, published)`, where `published`
/// says whether the value was seen in the ring (it may be overwritten by then, or the push may
/// have given up).
fn push_seen<const N: usize>(
    ring: &Ring<Val, N>,
    id: usize,
    d: &Drops,
) -> (Handle<Val>, usize, bool) {
    let h = ring.push(Val::new(id, d));
    (h, id, check(ring, h, id))
}

/// A slot only moves forward: a value still in the ring is never older than a value that was
/// seen in the same slot (`seq % N`).
fn assert_slots_keep_newest<const N: usize>(
    ring: &Ring<Val, N>,
    pushes: &[(Handle<Val>, usize, bool)],
) {
    for &(h, id, _) in pushes {
        if check(ring, h, id) {
            let n = N as u64;
            let newer_seen = pushes
                .iter()
                .any(|&(p, _, seen)| seen && p.sequence() % n == h.sequence() % n && p > h);
            assert!(
                !newer_seen,
                "{h:?} is back in its slot after a newer value was seen there"
            );
        }
    }
}

/// Two writers on the single slot of a `Ring<_, 1>`: their sequence numbers are laps 0 and 1
/// of the same slot. Each reads its own handle back; the survivor is one of them.
#[test]
fn two_writers_one_slot_different_laps() {
    model("two_writers_one_slot_different_laps", || {
        let d = drops(2);
        let ring = Arc::new(Ring::<Val, 1>::new());
        let t = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || {
                let h = ring.push(Val::new(1, &d));
                check(&ring, h, 1);
                h
            })
        };
        let h0 = ring.push(Val::new(0, &d));
        check(&ring, h0, 0);
        let h1 = t.join().unwrap();
        assert_ne!(h0, h1);
        let live = usize::from(check(&ring, h0, 0)) + usize::from(check(&ring, h1, 1));
        assert!(
            live <= 1 && live == ring.len(),
            "live {live}, len {}",
            ring.len()
        );
        if let Some((h, r)) = ring.peek(0) {
            r.expect(if h == h0 { 0 } else { 1 });
        }
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// `Ring<_, 2>`, one writer pushing twice against another pushing once: a slow writer of lap 0
/// can be overtaken on slot 0 by the same slot's lap 1, and must skip rather than go back.
#[test]
fn overtaken_writer_skips() {
    model("overtaken_writer_skips", || {
        let d = drops(3);
        let ring = Arc::new(Ring::<Val, 2>::new());
        let t = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || push_seen(&ring, 2, &d))
        };
        let p0 = push_seen(&ring, 0, &d);
        let p1 = push_seen(&ring, 1, &d);
        let p2 = t.join().unwrap();
        assert_slots_keep_newest(&ring, &[p0, p1, p2]);
        let [(h0, ..), (h1, ..), (h2, ..)] = [p0, p1, p2];
        let hs = [(h0, 0), (h1, 1), (h2, 2)];
        assert!(h0 != h1 && h1 != h2 && h0 != h2);
        let live: usize = hs
            .iter()
            .map(|&(h, id)| usize::from(check(&ring, h, id)))
            .sum();
        assert_eq!(live, ring.len());
        let mut prev = None;
        for (h, r) in ring.iter() {
            assert!(prev < Some(h));
            prev = Some(h);
            let id = hs
                .iter()
                .find(|&&(hh, _)| hh == h)
                .expect("unknown handle")
                .1;
            r.expect(id);
        }
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// A reader pins the one slot while a writer pushes: the writer must return, the pinned value
/// must stay intact, and the reader sees push 0's value or nothing.
#[test]
fn writer_against_pinning_reader() {
    model("writer_against_pinning_reader", || {
        let d = drops(2);
        let ring = Arc::new(Ring::<Val, 1>::new());
        let h0 = ring.push(Val::new(0, &d));
        let reader = {
            let ring = ring.clone();
            thread::spawn(move || {
                if let Some(r) = ring.get(h0) {
                    r.expect(0);
                    // Read again: loom runs the writer in between. (No `yield_now` here: it
                    // would make loom put off the reader and miss interleavings.)
                    r.expect(0); // still intact while pinned
                }
                if let Some((h, r)) = ring.peek(0) {
                    r.expect(if h == h0 { 0 } else { 1 });
                }
            })
        };
        let h1 = ring.push(Val::new(1, &d));
        check(&ring, h1, 1);
        reader.join().unwrap();
        // Exactly one survives: push 1 either replaced push 0 or gave up on its pinned slot.
        let live0 = check(&ring, h0, 0);
        let live1 = check(&ring, h1, 1);
        assert!(live0 != live1, "live0 {live0}, live1 {live1}");
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// A forgotten `Ref` pins its slot for good: the writer gives up (value dropped, handle stale)
/// and `reset` under `&mut` drops the pinned value exactly once.
#[test]
fn forgotten_ref_then_reset() {
    model("forgotten_ref_then_reset", || {
        let d = drops(2);
        let mut ring = Arc::new(Ring::<Val, 1>::new());
        let h0 = ring.push(Val::new(0, &d));
        let reader = {
            let ring = ring.clone();
            thread::spawn(move || {
                if let Some(r) = ring.get(h0) {
                    std::mem::forget(r);
                    true
                } else {
                    false
                }
            })
        };
        let h1 = ring.push(Val::new(1, &d));
        let forgot = reader.join().unwrap();
        if forgot && check(&ring, h0, 0) {
            // The pin was in place before the push looked: it must have given up.
            assert!(!check(&ring, h1, 1));
        }
        Arc::get_mut(&mut ring).unwrap().reset();
        assert!(ring.get(h0).is_none() && ring.get(h1).is_none() && ring.is_empty());
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// After `reset`, handles from before stay stale while new pushes refill the slots from two
/// threads, and readers only ever see the new values.
#[test]
fn reset_against_stale_handles() {
    model("reset_against_stale_handles", || {
        let d = drops(4);
        let mut ring = Arc::new(Ring::<Val, 2>::new());
        let old = [ring.push(Val::new(0, &d)), ring.push(Val::new(1, &d))];
        Arc::get_mut(&mut ring).unwrap().reset();
        assert_eq!(
            d[0].load(Ordering::Relaxed) + d[1].load(Ordering::Relaxed),
            2
        );
        let t = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || {
                let h = ring.push(Val::new(2, &d));
                for (i, &o) in old.iter().enumerate() {
                    assert!(!check(&ring, o, i), "stale handle {o:?} came back");
                }
                h
            })
        };
        let h3 = ring.push(Val::new(3, &d));
        for i in 0..2 {
            if let Some((h, r)) = ring.peek(i) {
                assert!(!old.contains(&h));
                r.expect(r.id); // whole, and 2 or 3 (checked below)
                assert!(r.id >= 2);
            }
        }
        let h2 = t.join().unwrap();
        assert!(check(&ring, h2, 2) && check(&ring, h3, 3));
        assert!(old.iter().all(|&o| ring.get(o).is_none()));
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// Two writers (three pushes into two slots) against a reader walking `iter`:
/// every value the reader sees is whole and comes with the handle of the push that wrote it.
#[test]
fn writers_against_iterating_reader() {
    model("writers_against_iterating_reader", || {
        let d = drops(3);
        let ring = Arc::new(Ring::<Val, 2>::new());
        let a = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || {
                [
                    (ring.push(Val::new(0, &d)), 0),
                    (ring.push(Val::new(1, &d)), 1),
                ]
            })
        };
        let b = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || (ring.push(Val::new(2, &d)), 2))
        };
        let mut seen = Vec::new();
        let mut prev = None;
        for (h, r) in ring.iter() {
            assert!(prev < Some(h), "iter out of order");
            prev = Some(h);
            r.expect(r.id);
            seen.push((h, r.id));
        }
        let [a0, a1] = a.join().unwrap();
        let b0 = b.join().unwrap();
        let pushes = [a0, a1, b0];
        for (h, id) in seen {
            assert!(
                pushes.contains(&(h, id)),
                "{h:?} came with value {id}, not its own"
            );
        }
        let live: usize = pushes
            .iter()
            .map(|&(h, id)| usize::from(check(&ring, h, id)))
            .sum();
        assert_eq!(live, ring.len());
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// A reader following `latest` while two writers push into one slot: whatever handle `latest`
/// gives, `get` reads that push's value or nothing.
#[test]
fn latest_against_writers() {
    model("latest_against_writers", || {
        let d = drops(3);
        let ring = Arc::new(Ring::<Val, 1>::new());
        let a = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || {
                [
                    (ring.push(Val::new(0, &d)), 0),
                    (ring.push(Val::new(1, &d)), 1),
                ]
            })
        };
        let b = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || (ring.push(Val::new(2, &d)), 2))
        };
        let seen = ring.latest().and_then(|h| ring.get(h).map(|r| (h, r.id)));
        let [a0, a1] = a.join().unwrap();
        let b0 = b.join().unwrap();
        if let Some((h, id)) = seen {
            assert!(
                [a0, a1, b0].contains(&(h, id)),
                "{h:?} came with value {id}, not its own"
            );
        }
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// Two writers pushing twice each into two slots: every push gets its own handle, each
/// thread's handles increase, and the newest live value is what `latest` reports.
#[test]
fn two_writers_two_pushes_each() {
    model("two_writers_two_pushes_each", || {
        let d = drops(4);
        let ring = Arc::new(Ring::<Val, 2>::new());
        let t = {
            let (ring, d) = (ring.clone(), d.clone());
            thread::spawn(move || [push_seen(&ring, 2, &d), push_seen(&ring, 3, &d)])
        };
        let mine = [push_seen(&ring, 0, &d), push_seen(&ring, 1, &d)];
        let theirs = t.join().unwrap();
        assert_slots_keep_newest(&ring, &[mine[0], mine[1], theirs[0], theirs[1]]);
        let all = [mine[0], mine[1], theirs[0], theirs[1]].map(|(h, id, _)| (h, id));
        for (i, &(h, _)) in all.iter().enumerate() {
            assert!(
                all[i + 1..].iter().all(|&(o, _)| o != h),
                "two pushes got {h:?}"
            );
        }
        // Each thread's pushes take increasing numbers.
        assert!(mine[0].0 < mine[1].0 && theirs[0].0 < theirs[1].0);
        let live: usize = all
            .iter()
            .map(|&(h, id)| usize::from(check(&ring, h, id)))
            .sum();
        assert_eq!(live, ring.len());
        let newest = all
            .iter()
            .map(|&(h, _)| h)
            .filter(|&h| ring.get(h).is_some())
            .max();
        assert_eq!(ring.latest(), newest);
        drop(ring);
        assert_each_dropped_once(&d);
    });
}

/// A reader tails a `Ring<_, 2>` with `since(last)`, twice, while a writer pushes two values
/// that recycle both slots: the reader sees each value at most once, in order, each under the
/// handle of the push that stored it (never a slot's next value under an older handle), and,
/// after the join, catches up with the last value stored. When the reader's pin makes the
/// writer skip a slot (and store in the next), `skipped` counts it: numbers taken = values
/// stored + numbers skipped.
#[test]
fn since_against_a_writer() {
    model("since_against_a_writer", || {
        let d = drops(4);
        let ring = Arc::new(Ring::<Val, 2>::new());
        let h0 = ring.push(Val::new(0, &d));
        let h1 = ring.push(Val::new(1, &d));
        let writer = {
            let (ring, d) = (ring.clone(), d.clone());
            // The only writer: right after a push, its value is there unless it gave up.
            thread::spawn(move || [push_seen(&ring, 2, &d), push_seen(&ring, 3, &d)])
        };
        let mut last = h0;
        let mut seen: Vec<(Handle<Val>, usize)> = Vec::new();
        let mut follow = |seen: &mut Vec<(Handle<Val>, usize)>| {
            for (h, r) in ring.since(last) {
                assert!(h > last, "since({last:?}) yielded {h:?}");
                // Read through the tracked cell: a read racing the slot's rewrite is reported.
                r.expect(r.id);
                seen.push((h, r.id));
                last = h;
            }
        };
        follow(&mut seen);
        follow(&mut seen);
        let [p2, p3] = writer.join().unwrap();
        follow(&mut seen); // catch up
        let pushes = [(h0, 0, true), (h1, 1, true), p2, p3];
        for (i, &(h, id)) in seen.iter().enumerate() {
            assert!(
                pushes[1..].contains(&(h, id, true)),
                "{h:?} came with value {id}, not its own (pushes {pushes:?})"
            );
            assert!(
                seen[..i].iter().all(|&(_, other)| other < id),
                "value {id} seen twice or out of order: {seen:?}"
            );
        }
        let stored = pushes.iter().filter(|p| p.2).count() as u64;
        let last_stored = pushes.iter().rev().find(|p| p.2).map(|p| p.0);
        assert_eq!(
            seen.last().map(|s| s.0),
            last_stored,
            "the reader caught up"
        );
        let taken = p3.0.sequence(); // numbers count from 1: the last is how many
        assert_eq!(taken, stored + ring.skipped(), "numbers taken: {pushes:?}");
        drop(ring);
        assert_each_dropped_once(&d);
    });
}
