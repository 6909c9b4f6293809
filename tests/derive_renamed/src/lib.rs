//! `#[derive(ArenaAlloc)]` and `#[derive(Arenas)]` through a renamed runtime (`arena2`), with
//! several arenas per type: the runtime's path is given once, at the type level, and each kind
//! takes its capacity as `ring = N`, `pool = N`, `scoped = N`, so that no option is repeated
//! across attributes (clippy's `duplicated_attributes` would flag a repeated `capacity = ...` or
//! `crate = "..."`). Clippy runs on this crate with `-D warnings` in CI.
#![deny(warnings)]
#![forbid(unsafe_code)]

use arena2::{ArenaAlloc, Arenas};

/// An event, with one arena of each kind and a second, named bounded arena.
#[derive(ArenaAlloc, Debug, Default, Clone, PartialEq)]
#[arena(crate = "arena2")]
#[arena(capacity = 64)]
#[arena(ring = 16)]
#[arena(pool = 8)]
#[arena(scoped = 4)]
#[arena(name = Burst, capacity = 4)]
pub struct Event {
    /// Its number.
    pub id: u32,
    /// Its payload; a pool keeps the buffer between rounds.
    #[arena(clear)]
    pub data: Vec<u8>,
}

/// A list in a `no_drop` arena, next to a ring, both through the type-level path.
#[derive(ArenaAlloc)]
#[arena(crate = "arena2")]
#[arena(capacity = 8, no_drop)]
#[arena(ring = 4)]
pub enum List<'a> {
    /// The end.
    Nil,
    /// A value and the rest.
    Cons(u32, &'a List<'a>),
}

/// A generic value with two arenas: the type-level path applies to generic types too.
#[derive(ArenaAlloc, Default)]
#[arena(crate = "arena2")]
#[arena(capacity = 4)]
#[arena(ring = 2)]
pub struct Cell<T>(pub T);

/// A job, with a pool whose capacity is chosen at run time (`heap`), next to an inline arena.
/// (A second `heap` attribute on the type would be a `duplicated_attributes` to clippy, like a
/// second `ring`: the heap ring is on `Tick`.)
#[derive(ArenaAlloc, Debug, Default)]
#[arena(crate = "arena2")]
#[arena(capacity = 8)]
#[arena(heap, pool)]
pub struct Job {
    /// Its number.
    #[arena(reset = 1)]
    pub id: u32,
}

/// A tick, in a ring whose capacity is chosen at run time.
#[derive(ArenaAlloc, Debug)]
#[arena(crate = "arena2", heap, ring)]
pub struct Tick(pub u64);

/// A bundle of the arenas above, through the same renamed runtime.
#[derive(Arenas)]
#[arenas(crate = "arena2")]
pub struct Frame<'a> {
    /// Events.
    pub events: EventArena,
    /// Lists.
    pub lists: ListArena<'a>,
    /// Plain numbers.
    pub numbers: arena2::Arena<u64, 16>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_works_through_the_renamed_runtime() {
        let arena = EventArena::new();
        arena
            .alloc(Event {
                id: 1,
                data: vec![1],
            })
            .unwrap();
        assert_eq!((EventArena::CAPACITY, arena.len()), (64, 1));

        let ring = EventRing::new();
        for id in 0..20 {
            ring.push(Event {
                id,
                data: Vec::new(),
            });
        }
        let ids: Vec<u32> = (&ring).into_iter().map(|(_, e)| e.id).collect();
        assert_eq!(ids, (4..20).collect::<Vec<u32>>());

        let mut pool = EventPool::new();
        pool.take().unwrap().data.extend_from_slice(&[1, 2, 3]);
        pool.reset();
        assert!(pool.take().unwrap().data.is_empty()); // cleared, not dropped
        assert_eq!(EventPool::CAPACITY, 8);

        let scoped = EventScopedArena::new();
        let scope = scoped.scope();
        assert_eq!(scope.alloc(Event::default()).unwrap().id, 0);
        assert_eq!(EventScopedArena::CAPACITY, 4);

        assert_eq!(Burst::CAPACITY, 4);
        let cells = CellArena::<String>::new_boxed();
        assert_eq!(cells.alloc(Cell("x".to_owned())).unwrap().0, "x");
        assert_eq!(CellRing::<u8>::CAPACITY, 2);
    }

    #[test]
    fn heap_arenas_work_through_the_renamed_runtime() {
        let n: usize = "3".parse().unwrap();
        let mut pool = JobHeapPool::with_capacity(n);
        pool.take().unwrap().id = 7;
        pool.reset();
        assert_eq!(pool.take().unwrap().id, 1); // `reset = 1`
        assert_eq!(pool.capacity(), 3);
        let ring = TickHeapRing::try_with_capacity(2).unwrap();
        let h = ring.push(Tick(5));
        assert_eq!(ring.get(h).unwrap().0, 5);
        assert!(format!("{ring:?}").starts_with("TickHeapRing"));
        assert_eq!(JobArena::CAPACITY, 8);
    }

    #[test]
    fn the_bundle_dispatches_by_type() {
        let frame = Frame::new_boxed();
        let nil = frame.alloc(List::Nil).unwrap();
        let one = frame.alloc(List::Cons(1, nil)).unwrap();
        assert!(matches!(one, List::Cons(1, List::Nil)));
        frame.alloc(Event::default()).unwrap();
        frame.alloc(7_u64).unwrap();
        assert_eq!(frame.len(), 4);
        let _ = ListRing::new();
    }
}
