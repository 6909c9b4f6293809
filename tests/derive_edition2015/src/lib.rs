//! `#[derive(ArenaAlloc)]` used from an edition 2015 crate: every kind, with capacities that are
//! expressions (their generated compile-time checks carry the user's spans, which are read in
//! this crate's edition), and the arenas used for real in the tests below.
#![deny(warnings)]
#![forbid(unsafe_code)]

extern crate atomicarena;

use atomicarena::ArenaAlloc;

/// Four slots, written as an expression: the "at least 1" and "fits in memory" checks run.
pub const SLOTS: usize = 2 * 2;

/// A point, with one arena of each kind.
#[derive(ArenaAlloc, Debug, Default, Clone, Copy, PartialEq)]
#[arena(capacity = SLOTS)]
#[arena(capacity = SLOTS - 1, ring)]
#[arena(capacity = (SLOTS / 2), pool)]
#[arena(name = PointGraph, capacity = { SLOTS }, no_drop)]
pub struct Point {
    /// Horizontal.
    pub x: i32,
    /// Vertical.
    #[arena(reset = -1)]
    pub y: i32,
}

/// An enum, in a `no_drop` arena: nodes that point at each other.
#[derive(ArenaAlloc)]
#[arena(capacity = SLOTS * 2, no_drop)]
pub enum List<'a> {
    /// The end.
    Nil,
    /// A value and the rest.
    Cons(u32, &'a List<'a>),
}

/// A tag, in a ring whose capacity is chosen at run time (`heap`): its constructors and
/// `Debug` name the runtime through the same paths, in this edition too.
#[derive(ArenaAlloc, Debug)]
#[arena(heap, ring)]
pub struct Tag(pub u32);

/// The sum of a list's values.
pub fn sum(list: &List) -> u32 {
    match *list {
        List::Nil => 0,
        List::Cons(v, rest) => v + sum(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_works_in_edition_2015() {
        let arena = PointArena::new();
        for i in 0..4 {
            arena.alloc(Point { x: i, y: i }).unwrap();
        }
        assert!(arena.alloc(Point::default()).is_err());
        assert_eq!(PointArena::CAPACITY, 4);

        let ring = PointRing::new();
        let handles: Vec<_> = (0..5).map(|i| ring.push(Point { x: i, y: 0 })).collect();
        assert!(ring.get(handles[1]).is_none());
        let xs: Vec<i32> = (&ring).into_iter().map(|(_, p)| p.x).collect();
        assert_eq!(xs, vec![2, 3, 4]);

        let mut pool = PointPool::new();
        pool.take().unwrap().x = 7;
        pool.reset();
        assert_eq!(*pool.take().unwrap(), Point { x: 0, y: -1 });
        assert_eq!(PointPool::CAPACITY, 2);

        let graph = PointGraph::new_boxed();
        assert_eq!(graph.alloc(Point { x: 1, y: 2 }).unwrap().y, 2);
        assert_eq!(PointGraph::CAPACITY, 4);
    }

    #[test]
    fn heap_ring_in_edition_2015() {
        let ring = TagHeapRing::with_capacity(2);
        let handles: Vec<_> = (0..3).map(|i| ring.push(Tag(i))).collect();
        assert!(ring.get(handles[0]).is_none());
        assert_eq!(ring.get(handles[2]).unwrap().0, 2);
        assert_eq!(ring.capacity(), 2);
        assert!(TagHeapRing::try_with_capacity(0).is_err());
        assert!(format!("{:?}", ring).starts_with("TagHeapRing"));
    }

    #[test]
    fn enum_list_in_edition_2015() {
        let arena = ListArena::new();
        let nil: &List = arena.alloc(List::Nil).unwrap();
        let two: &List = arena.alloc(List::Cons(2, nil)).unwrap();
        let three: &List = arena.alloc(List::Cons(3, two)).unwrap();
        assert_eq!(sum(three), 5);
        assert_eq!(arena.len(), 3);
    }
}
