//! `#[arena(heap, ...)]`: the generated `{Type}HeapArena`, `{Type}HeapDroplessArena`,
//! `{Type}HeapRing`, `{Type}HeapPool`, `{Type}HeapScopedArena` and `{Type}HeapRounds` wrap the
//! runtime's heap kinds, take their capacity at run time (`with_capacity`,
//! `try_with_capacity`), and otherwise behave as the inline wrappers: values read back (from
//! several threads too), the pool's field-wise reset from round 0, ring handles, `Debug` under
//! the generated name, `Deref`/`DerefMut` to the runtime kind, `name = ...`, generic types.
//! Runs under Miri (smaller sizes there).
#![forbid(unsafe_code)]
#![deny(warnings)]

use std::cell::Cell;

use atomicarena::{
    ArenaAlloc, CapacityError, HeapArena, HeapDroplessArena, HeapPool, HeapRing, HeapRounds,
    HeapScopedArena,
};

/// Under Miri, fewer values.
const N: usize = if cfg!(miri) { 16 } else { 1000 };

/// A bounded heap arena and, from the same type, an inline one: both names exist side by side.
#[derive(ArenaAlloc, Debug, PartialEq)]
#[arena(heap)] // -> `ParticleHeapArena`
#[arena(capacity = 4)] // -> `ParticleArena`
struct Particle {
    id: usize,
    name: String,
}

fn particle(id: usize) -> Particle {
    Particle {
        id,
        name: format!("p{id}"),
    }
}

#[test]
fn heap_arena_reads_values_back_and_is_full_at_its_run_time_capacity() {
    let n: usize = "3".parse().unwrap(); // a capacity known at run time only
    let mut arena = ParticleHeapArena::with_capacity(n);
    assert_eq!(arena.capacity(), 3);
    let a = arena.alloc(particle(1)).unwrap();
    let b = arena.alloc(particle(2)).unwrap();
    a.name.push('!');
    assert_eq!(
        *a,
        Particle {
            id: 1,
            name: "p1!".into()
        }
    );
    assert_eq!(b.id, 2);
    arena.alloc(particle(3)).unwrap();
    let full = arena.alloc(particle(4)).unwrap_err().into_inner();
    assert_eq!(full.id, 4, "the value comes back when the arena is full");
    assert_eq!(arena.len(), 3);
    let ids: Vec<usize> = (&mut arena).into_iter().map(|p| p.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    arena.reset();
    assert_eq!((arena.len(), arena.remaining()), (0, 3));
    // The inline twin is untouched by `heap` on the other attribute.
    assert_eq!(ParticleArena::CAPACITY, 4);
}

#[test]
fn heap_arena_is_shared_by_threads() {
    let arena = ParticleHeapArena::with_capacity(2 * N);
    std::thread::scope(|s| {
        for t in 0..2 {
            let arena = &arena;
            s.spawn(move || {
                for i in 0..N {
                    let p = arena.alloc(particle(t * N + i)).unwrap();
                    assert_eq!(p.name, format!("p{}", t * N + i));
                }
            });
        }
    });
    assert_eq!(arena.len(), 2 * N);
    let mut arena = arena;
    let mut ids: Vec<usize> = arena.iter_mut().map(|p| p.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..2 * N).collect::<Vec<_>>());
}

#[test]
fn try_with_capacity_reports_the_problem_and_with_capacity_panics() {
    assert_eq!(
        ParticleHeapArena::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert!(matches!(
        ParticleHeapArena::try_with_capacity(usize::MAX),
        Err(CapacityError::TooLarge { .. })
    ));
    assert_eq!(
        EventHeapRing::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert_eq!(
        JobHeapPool::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert_eq!(
        RequestHeapScopedArena::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert_eq!(
        WordHeapDroplessArena::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    assert_eq!(
        NodeHeapRounds::try_with_capacity(0).unwrap_err(),
        CapacityError::Zero
    );
    let arena = ParticleHeapArena::try_with_capacity(2).unwrap();
    assert_eq!(arena.capacity(), 2);
    let panic = std::panic::catch_unwind(|| ParticleHeapArena::with_capacity(0)).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("with_capacity"), "{message}");
}

#[test]
fn debug_prints_the_generated_names() {
    let arena = ParticleHeapArena::with_capacity(2);
    arena.alloc(particle(0)).unwrap();
    let debug = format!("{arena:?}");
    assert!(debug.starts_with("ParticleHeapArena {"), "{debug}");
    assert!(debug.contains("len: 1"), "{debug}");
    let first = |d: String| d.split(' ').next().unwrap().to_owned();
    assert_eq!(
        first(format!("{:?}", EventHeapRing::with_capacity(2))),
        "EventHeapRing"
    );
    assert_eq!(
        first(format!("{:?}", JobHeapPool::with_capacity(2))),
        "JobHeapPool"
    );
    assert_eq!(
        first(format!("{:?}", RequestHeapScopedArena::with_capacity(2))),
        "RequestHeapScopedArena"
    );
    assert_eq!(
        first(format!("{:?}", WordHeapDroplessArena::with_capacity(2))),
        "WordHeapDroplessArena"
    );
    assert_eq!(
        first(format!("{:?}", NodeHeapRounds::with_capacity(2))),
        "NodeHeapRounds"
    );
    assert_eq!(
        first(format!("{:?}", Frames::<u8>::with_capacity(2))),
        "Frames"
    );
    // `{:#?}` too.
    assert!(format!("{arena:#?}").starts_with("ParticleHeapArena {\n"));
}

#[test]
fn deref_reaches_the_runtime_heap_kinds() {
    fn arena(_: &HeapArena<Particle>) {}
    fn ring(_: &HeapRing<Event>) {}
    fn pool(_: &mut HeapPool<Job>) {}
    fn scoped(_: &HeapScopedArena<Request>) {}
    fn dropless(_: &HeapDroplessArena<Word<'static>>) {}
    fn rounds(_: &mut HeapRounds<NodeHeapRounds>) {}
    arena(&ParticleHeapArena::with_capacity(1));
    ring(&EventHeapRing::with_capacity(1));
    pool(&mut JobHeapPool::with_capacity(1));
    scoped(&RequestHeapScopedArena::with_capacity(1));
    dropless(&WordHeapDroplessArena::with_capacity(1));
    rounds(&mut NodeHeapRounds::with_capacity(1));
}

// ---- ring ----

#[derive(ArenaAlloc, Debug, Clone, PartialEq)]
#[arena(heap, ring)] // -> `EventHeapRing`
struct Event {
    id: u32,
    text: String,
}

fn event(id: u32) -> Event {
    Event {
        id,
        text: format!("event {id}"),
    }
}

#[test]
fn heap_ring_handles_see_the_latest_values() {
    let ring = EventHeapRing::with_capacity(4);
    assert_eq!(ring.capacity(), 4);
    let first = ring.push(event(0));
    assert_eq!(ring.get(first).unwrap().id, 0);
    let handles: Vec<_> = (1..=4).map(|i| ring.push(event(i))).collect();
    assert!(ring.get(first).is_none(), "overwritten by the fifth push");
    for (h, i) in handles.iter().zip(1..) {
        assert_eq!(ring.get(*h).unwrap().text, format!("event {i}"));
    }
    let seen: Vec<u32> = (&ring).into_iter().map(|(_, e)| e.id).collect();
    assert_eq!(seen, [1, 2, 3, 4]);
}

#[test]
fn a_one_slot_heap_ring_is_written_by_threads() {
    let ring = EventHeapRing::with_capacity(1);
    std::thread::scope(|s| {
        for t in 0..2u32 {
            let ring = &ring;
            s.spawn(move || {
                for i in 0..(N as u32) {
                    let id = t << 16 | i;
                    let h = ring.push(event(id));
                    // Still there with the value pushed, or already overwritten.
                    if let Some(e) = ring.get(h) {
                        assert_eq!(e.id, id);
                        assert_eq!(e.text, format!("event {id}"));
                    }
                }
            });
        }
    });
    let last: Vec<_> = (&ring).into_iter().collect();
    assert_eq!(last.len(), 1);
}

// ---- pool: the field-wise reset, from round 0 ----

fn relabel(label: &mut String) {
    label.clear();
    label.push_str("fresh");
}

#[derive(ArenaAlloc, Debug, PartialEq)]
#[arena(heap, pool)] // -> `JobHeapPool`
struct Job {
    #[arena(clear)]
    buf: Vec<u8>,
    #[arena(reset = 64)]
    ttl: u8,
    #[arena(reset_with = relabel)]
    label: String,
    #[arena(keep)]
    runs: u32,
    hits: u32,
}

/// Differs from the reset state in every field: a slot handed out as plain `Default` fails.
impl Default for Job {
    fn default() -> Self {
        Job {
            buf: vec![1, 2, 3],
            ttl: 1,
            label: "default".into(),
            runs: 7,
            hits: 9,
        }
    }
}

#[test]
fn heap_pool_resets_field_by_field_from_round_zero() {
    let mut pool = JobHeapPool::with_capacity(2);
    assert_eq!(pool.capacity(), 2);
    let fresh = Job {
        buf: Vec::new(),
        ttl: 64,
        label: "fresh".into(),
        runs: 7,
        hits: 0,
    };
    let j = pool.take().unwrap();
    assert_eq!(*j, fresh, "round 0: `Default` reset field by field");
    j.buf.extend_from_slice(&[0; 100]);
    j.ttl = 3;
    j.label.push_str(" used");
    j.runs += 1;
    j.hits = 5;
    pool.reset();
    let recycled = pool.take().unwrap();
    assert!(
        recycled.buf.is_empty() && recycled.buf.capacity() >= 100,
        "`clear` keeps it"
    );
    assert_eq!((recycled.ttl, recycled.label.as_str()), (64, "fresh"));
    assert_eq!(
        (recycled.runs, recycled.hits),
        (8, 0),
        "`keep` keeps, no option resets"
    );
    assert_eq!(*pool.take().unwrap(), fresh, "a slot first used in round 1");
    assert!(pool.take().is_err(), "full at the run-time capacity");
    let runs: Vec<u32> = (&mut pool).into_iter().map(|j| j.runs).collect();
    assert_eq!(runs, [8, 7]);
}

#[test]
fn heap_pool_is_taken_from_by_threads_round_after_round() {
    let mut pool = JobHeapPool::with_capacity(2 * N);
    for round in 0..3u32 {
        std::thread::scope(|s| {
            for _ in 0..2 {
                let pool = &pool;
                s.spawn(move || {
                    for _ in 0..N {
                        let j = pool.take().unwrap();
                        assert_eq!((j.ttl, j.hits, j.label.as_str()), (64, 0, "fresh"));
                        assert_eq!(j.runs, 7 + round);
                        j.runs += 1;
                        j.hits += 1;
                    }
                });
            }
        });
        assert_eq!(pool.len(), 2 * N);
        pool.reset();
    }
}

// ---- scoped ----

#[derive(ArenaAlloc, Debug)]
#[arena(heap, scoped)] // -> `RequestHeapScopedArena`
struct Request {
    id: u64,
    path: String,
}

#[test]
fn heap_scoped_arena_serves_scopes_from_threads() {
    let arena = RequestHeapScopedArena::with_capacity(64);
    assert_eq!(arena.capacity(), 64);
    std::thread::scope(|s| {
        for t in 0..2u64 {
            let arena = &arena;
            s.spawn(move || {
                for i in 0..(N as u64 / 4) {
                    let scope = arena.scope();
                    let r = scope
                        .alloc(Request {
                            id: t << 32 | i,
                            path: format!("/{i}"),
                        })
                        .unwrap();
                    assert_eq!(r.id, t << 32 | i);
                    assert_eq!(r.path, format!("/{i}"));
                }
            });
        }
    });
}

// ---- no_drop, rounds ----

/// No drop glue: a `no_drop` arena whose values borrow each other.
#[derive(ArenaAlloc)]
#[arena(heap, no_drop)] // -> `WordHeapDroplessArena`
struct Word<'a> {
    text: &'a str,
    prev: Option<&'a Word<'a>>,
}

#[test]
fn heap_dropless_arena_values_borrow_each_other() {
    let arena = WordHeapDroplessArena::with_capacity(4);
    let a = arena
        .alloc(Word {
            text: "a",
            prev: None,
        })
        .unwrap();
    let b = arena
        .alloc(Word {
            text: "b",
            prev: Some(a),
        })
        .unwrap();
    assert_eq!(b.prev.unwrap().text, "a");
    assert_eq!(arena.len(), 2);
}

#[derive(ArenaAlloc)]
#[arena(heap, rounds)] // -> `NodeHeapRounds`
struct Node<'a> {
    id: u32,
    next: Cell<Option<&'a Node<'a>>>,
}

#[test]
fn heap_rounds_lend_a_fresh_arena_every_round() {
    let mut rounds = NodeHeapRounds::with_capacity(8);
    assert_eq!(rounds.capacity(), 8);
    for r in 0..3u32 {
        let sum = rounds.round(|arena| {
            assert_eq!(arena.remaining(), 8, "every round starts empty");
            let a = arena
                .alloc(Node {
                    id: r,
                    next: Cell::new(None),
                })
                .unwrap();
            let b = arena
                .alloc(Node {
                    id: r + 1,
                    next: Cell::new(Some(a)),
                })
                .unwrap();
            a.next.set(Some(b)); // a cycle
            a.next.get().unwrap().next.get().unwrap().id + b.id
        });
        assert_eq!(sum, r + r + 1);
    }
}

// ---- `name = ...`, generic types ----

#[derive(ArenaAlloc, Debug)]
#[arena(name = Frames, heap, ring)]
struct Frame<T: Clone> {
    seq: u64,
    data: T,
}

#[test]
fn a_named_generic_heap_ring() {
    let frames: Frames<Vec<u8>> = Frames::with_capacity(3);
    let h = frames.push(Frame {
        seq: 1,
        data: vec![1, 2],
    });
    let frame = frames.get(h).unwrap();
    assert_eq!((frame.seq, frame.data.as_slice()), (1, &[1, 2][..]));
    drop(frame);
    assert_eq!(frames.capacity(), 3);
}
