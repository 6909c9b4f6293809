//! `alloc_extend` (any iterator, contiguous, all or nothing) and `alloc_str` (issue 19).

use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use atomicarena::{Arena, DroplessArena};

/// A value that logs its drop.
struct Logged<'a>(u32, &'a RefCell<Vec<u32>>);

impl Drop for Logged<'_> {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0);
    }
}

#[test]
fn alloc_extend_takes_iterators_of_unknown_length() {
    let arena: Arena<u32, 32> = Arena::new();
    let evens = arena.alloc_extend((0..10).filter(|x| x % 2 == 0)).unwrap();
    assert_eq!(evens, [0, 2, 4, 6, 8]);
    let pairs = arena
        .alloc_extend((1..4).flat_map(|x| [x, 10 * x]).chain([99]))
        .unwrap();
    assert_eq!(pairs, [1, 10, 2, 20, 3, 30, 99]);
    assert_eq!(arena.alloc_extend(std::iter::empty()).unwrap(), []);
    assert_eq!((arena.len(), arena.remaining()), (12, 20));
    // Contiguous, right after the earlier values.
    evens[4] = 80;
    pairs[0] = 100;
    let mut arena = arena;
    let all: Vec<u32> = arena.iter_mut().map(|v| *v).collect();
    assert_eq!(all, [0, 2, 4, 6, 80, 100, 10, 2, 20, 3, 30, 99]);
}

#[test]
fn alloc_extend_that_does_not_fit_drops_what_it_took_and_takes_nothing() {
    let log = RefCell::new(Vec::new());
    let arena: Arena<Logged<'_>, 8> = Arena::new();
    arena.alloc(Logged(100, &log)).unwrap();
    let pulled = RefCell::new(0);
    let items = (0..20).map(|i| {
        *pulled.borrow_mut() += 1;
        Logged(i, &log)
    });
    assert!(arena.alloc_extend(items).is_err());
    // Seven fit (slots 1..8); the eighth did not: all eight are dropped, nothing more pulled.
    assert_eq!(*pulled.borrow(), 8);
    assert_eq!(*log.borrow(), [7, 0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(
        (arena.len(), arena.remaining()),
        (1, 7),
        "every slot is free again"
    );
    assert_eq!(
        arena.failed_allocs(),
        0,
        "a failure of the items, not of a claim"
    );
    // The room is still there.
    let seven = arena
        .alloc_extend((0..7).map(|i| Logged(200 + i, &log)))
        .unwrap();
    assert_eq!(seven.len(), 7);
    assert_eq!((arena.len(), arena.remaining()), (8, 0));
    drop(arena);
    assert_eq!(log.borrow().len(), 8 + 8);
}

#[test]
fn alloc_extend_with_a_panicking_iterator_leaves_no_hole() {
    let log = RefCell::new(Vec::new());
    let arena: Arena<Logged<'_>, 8> = Arena::new();
    let items = (0..5).map(|i| {
        if i == 3 {
            panic!("planned: iterator");
        }
        Logged(i, &log)
    });
    let r = catch_unwind(AssertUnwindSafe(|| arena.alloc_extend(items).map(|_| ())));
    assert!(r.is_err());
    assert_eq!(*log.borrow(), [0, 1, 2], "the items taken are dropped once");
    assert_eq!((arena.len(), arena.remaining()), (0, 8), "no hole");
    arena.alloc(Logged(9, &log)).unwrap();
    let mut arena = arena;
    assert_eq!(arena.iter_mut().map(|l| l.0).collect::<Vec<_>>(), [9]);
}

#[test]
fn alloc_extend_against_other_threads_loses_nothing_threads() {
    const N: usize = if cfg!(miri) { 256 } else { 8192 };
    let rounds = if cfg!(miri) { 2 } else { 20 };
    let mut arena = Arena::<u64, N>::new_boxed();
    for round in 0..rounds {
        std::thread::scope(|s| {
            for t in 0..2u64 {
                let arena = &*arena;
                s.spawn(move || {
                    let mut i = 0;
                    loop {
                        let v = t << 40 | i;
                        i += 1;
                        if i % 3 == 0 {
                            let n = (i % 7) + 1;
                            let Ok(s) = arena.alloc_extend((0..n).map(|k| v << 4 | k)) else {
                                break;
                            };
                            assert_eq!(s.len() as u64, n);
                        } else if arena.alloc(v << 4).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        // Both threads stopped at a `Full`; every slot is a value or free, none lost.
        assert_eq!(arena.len() + arena.remaining(), N, "round {round}");
        let n = arena.len();
        let distinct: HashSet<u64> = arena.iter_mut().map(|v| *v).collect();
        assert_eq!(distinct.len(), n, "round {round}: a slot handed out twice");
        arena.reset();
    }
}

#[test]
fn alloc_str_copies_once() {
    let arena: Arena<u8, 16> = Arena::new();
    let a = arena.alloc_str("ünï").unwrap();
    assert_eq!(a, "ünï");
    a.make_ascii_uppercase();
    assert_eq!(a, "üNï", "ASCII letters only");
    assert_eq!(arena.alloc_str("").unwrap(), "");
    assert_eq!(arena.len(), "ünï".len());
    assert!(arena.alloc_str("0123456789ab").is_err());
    assert_eq!(arena.remaining(), 16 - "ünï".len());

    let mut local = arena.local_with_chunk(4);
    assert_eq!(local.alloc_str("abc").unwrap(), "abc");
    assert_eq!(local.alloc_str("defgh").unwrap(), "defgh"); // larger than the chunk's rest
    drop(local);
    assert_eq!(arena.len(), "ünï".len() + 8);

    // Through `DroplessArena`'s `Deref`: an interner whose strings borrow nothing.
    let words: DroplessArena<u8, 32> = DroplessArena::new();
    let hello: &str = words.alloc_str("hello").unwrap();
    let world: &str = words.alloc_str("world").unwrap();
    assert_eq!([hello, world].join(" "), "hello world");
}
