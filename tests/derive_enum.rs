//! `#[derive(ArenaAlloc)]` on enums: bounded, `no_drop` and ring arenas of an enum, and an AST
//! whose nodes point at each other, built in a `no_drop` arena and evaluated.
//!
//! Not `forbid(unsafe_code)` like the other derive tests: the last test counts allocations with
//! a global allocator, which needs an `unsafe impl`.
#![deny(warnings)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;

use atomicarena::{ArenaAlloc, DroplessArena, Handle, Ring};

// ---- an AST in a `no_drop` arena ----------------------------------------------------------

/// An expression tree: variants hold references to other nodes of the same arena, which only a
/// `no_drop` arena (no destructor) lets the borrow checker accept.
#[derive(ArenaAlloc, Debug)]
#[arena(capacity = 32, no_drop)]
enum Expr<'a> {
    Num(i64),
    Neg(&'a Expr<'a>),
    Add(&'a Expr<'a>, &'a Expr<'a>),
    Mul(&'a Expr<'a>, &'a Expr<'a>),
    /// `let name = value in body`, with `Var(name)` reading it: named fields too.
    Let {
        name: &'static str,
        value: &'a Expr<'a>,
        body: &'a Expr<'a>,
    },
    Var(&'static str),
}

fn eval<'a>(expr: &Expr<'a>, env: &mut Vec<(&'static str, i64)>) -> i64 {
    match *expr {
        Expr::Num(n) => n,
        Expr::Neg(e) => -eval(e, env),
        Expr::Add(a, b) => eval(a, env) + eval(b, env),
        Expr::Mul(a, b) => eval(a, env) * eval(b, env),
        Expr::Let { name, value, body } => {
            let v = eval(value, env);
            env.push((name, v));
            let result = eval(body, env);
            env.pop();
            result
        }
        Expr::Var(name) => env
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
            .expect("bound variable"),
    }
}

#[test]
fn ast_enum_in_a_no_drop_arena() {
    /// Allocates `e`; the `&mut` becomes a `&` that can be copied into several parents.
    fn new<'a>(arena: &'a ExprArena<'a>, e: Expr<'a>) -> &'a Expr<'a> {
        arena.alloc(e).unwrap()
    }
    let arena = ExprArena::new();
    let node = |e| new(&arena, e);
    // let x = 2 + 3 in x * -(x + 1)   =   5 * -6   =   -30
    let two = node(Expr::Num(2));
    let three = node(Expr::Num(3));
    let sum = node(Expr::Add(two, three));
    let x = node(Expr::Var("x"));
    let one = node(Expr::Num(1));
    let x_plus_one = node(Expr::Add(x, one));
    let neg = node(Expr::Neg(x_plus_one));
    let body = node(Expr::Mul(x, neg)); // `x` is shared by two parents
    let program = node(Expr::Let {
        name: "x",
        value: sum,
        body,
    });
    assert_eq!(eval(program, &mut Vec::new()), -30);
    assert_eq!(eval(x_plus_one, &mut vec![("x", 41)]), 42);
    assert_eq!(arena.len(), 9);
    assert_eq!(ExprArena::CAPACITY, 32);
    // The runtime type is `DroplessArena`.
    let runtime: &DroplessArena<Expr<'_>, 32> = &arena;
    assert_eq!(runtime.remaining(), 23);
    assert_eq!(format!("{arena:?}").split(' ').next(), Some("ExprArena"));
}

// ---- a bounded arena of an enum with drop glue --------------------------------------------

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
enum Message {
    Text(String),
    Shared(#[allow(dead_code)] Rc<()>),
    Quit,
}

#[test]
fn bounded_enum_arena_drops_its_values() {
    let shared = Rc::new(());
    let mut arena = MessageArena::new();
    arena.alloc(Message::Text("hello".into())).unwrap();
    arena.alloc(Message::Shared(Rc::clone(&shared))).unwrap();
    arena.alloc(Message::Shared(Rc::clone(&shared))).unwrap();
    arena.alloc(Message::Quit).unwrap();
    assert!(arena.alloc(Message::Quit).is_err());
    assert_eq!(Rc::strong_count(&shared), 3);

    let mut texts = 0;
    for m in &mut arena {
        if let Message::Text(t) = m {
            t.push('!');
            texts += 1;
            assert_eq!(t, "hello!");
        }
    }
    assert_eq!(texts, 1);

    arena.reset();
    assert_eq!(Rc::strong_count(&shared), 1, "reset dropped both clones");
    arena.alloc(Message::Shared(Rc::clone(&shared))).unwrap();
    drop(arena);
    assert_eq!(Rc::strong_count(&shared), 1, "drop dropped the last one");
}

// ---- a ring of an enum, next to a bounded arena of it -------------------------------------

/// Two kinds, no names: `LevelArena` and `LevelRing`.
// clippy's `duplicated_attributes` reads `capacity = 8` and `capacity = 4` in two `#[arena]`
// attributes as duplicates (a known false positive for derive attributes, rust-clippy#13238).
#[allow(clippy::duplicated_attributes)]
#[derive(ArenaAlloc, Debug, Clone, PartialEq)]
#[arena(capacity = 8)]
#[arena(capacity = 4, ring)]
enum Level {
    Debug,
    Info(u32),
    Warn { code: u16 },
}

#[test]
fn ring_of_an_enum_iterates_like_a_ring() {
    let ring = LevelRing::new();
    let mut handles = Vec::new();
    for i in 0..6u32 {
        let level = match i % 3 {
            0 => Level::Debug,
            1 => Level::Info(i),
            _ => Level::Warn { code: i as u16 },
        };
        handles.push(ring.push(level));
    }
    // 6 pushes into 4 slots: the first two are gone.
    assert!(ring.get(handles[0]).is_none());
    assert!(ring.get(handles[1]).is_none());
    let mut seen: Vec<(Handle<Level>, Level)> = Vec::new();
    for (h, v) in &ring {
        seen.push((h, (*v).clone()));
    }
    assert_eq!(
        seen,
        [
            (handles[2], Level::Warn { code: 2 }),
            (handles[3], Level::Debug),
            (handles[4], Level::Info(4)),
            (handles[5], Level::Warn { code: 5 }),
        ]
    );
    let _: &Ring<Level, 4> = &ring;

    let bounded = LevelArena::new();
    bounded.alloc(Level::Info(1)).unwrap();
    assert_eq!(bounded.len(), 1);
    assert_eq!(LevelArena::CAPACITY, 8);
}

// ---- `no_drop` frees what the runtime allocated -------------------------------------------

struct Counting;

thread_local! {
    /// Deallocations by this thread (const-initialised, no destructor: usable from inside the
    /// allocator).
    static FREES: Cell<usize> = const { Cell::new(0) };
    /// Allocations by this thread.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: the caller's contract is `GlobalAlloc::alloc`'s, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = FREES.try_with(|c| c.set(c.get() + 1));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A `no_drop` arena large enough (4096 slots or more) for the runtime to allocate a table of
/// per-thread chunks on first use.
#[derive(ArenaAlloc)]
#[arena(capacity = 8192, no_drop)]
enum Op {
    Push(#[allow(dead_code)] u32),
    Pop,
}

#[test]
fn dropping_a_no_drop_arena_frees_the_runtime_table() {
    // The generated type once wrapped `ManuallyDrop<Arena>`, which never dropped the table
    // either. Now it wraps `DroplessArena`: no value is dropped, but the table is freed.
    let arena = OpArena::new_boxed();
    let a0 = ALLOCS.with(Cell::get);
    arena.alloc(Op::Push(1)).unwrap();
    arena.alloc(Op::Pop).unwrap();
    let allocated = ALLOCS.with(Cell::get) - a0;
    // The premise: without a table to free, this test could not tell the two apart.
    assert_eq!(
        allocated, 1,
        "the first allocation of a thread allocates the table"
    );
    let f0 = FREES.with(Cell::get);
    drop(arena);
    let freed = FREES.with(Cell::get) - f0;
    assert_eq!(freed, 2, "the box and the table are freed");
}
