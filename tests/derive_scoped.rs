//! `#[arena(capacity = N, scoped)]`: the generated `{Type}ScopedArena` wraps
//! `atomicarena::ScopedArena`, works as a `static` shared by 4 threads that recycles itself
//! (every value dropped exactly once, counted), and has `new_boxed`, `CAPACITY`, `Default`,
//! `Debug` and the runtime API by `Deref`; enums and `name = ...` too.
#![forbid(unsafe_code)]
#![deny(warnings)]

use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::{ArenaAlloc, ScopedArena};

static MADE: AtomicUsize = AtomicUsize::new(0);
static DROPPED: AtomicUsize = AtomicUsize::new(0);

/// One request, counted when made and when dropped (only this test file's `static` test makes
/// `Request`s, so the counts are its own).
#[derive(ArenaAlloc)]
#[arena(capacity = 64, scoped)] // -> `RequestScopedArena`
struct Request {
    id: u32,
    path: String,
}

impl Request {
    fn new(id: u32, path: &str) -> Self {
        MADE.fetch_add(1, Ordering::Relaxed);
        Request {
            id,
            path: path.to_owned(),
        }
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

static REQUESTS: RequestScopedArena = RequestScopedArena::new();

#[test]
fn a_static_scoped_arena_serves_4_threads_and_drops_every_value_once() {
    let per_thread: u32 = if cfg!(miri) { 50 } else { 5_000 };
    std::thread::scope(|s| {
        for t in 0..4_u32 {
            s.spawn(move || {
                for i in 0..per_thread {
                    let scope = REQUESTS.scope();
                    let id = t * 1_000_000 + i;
                    // Three values per request, all read back at the end of the scope: no
                    // other thread's scope resets this segment while this one is inside.
                    let mut mine = Vec::new();
                    for k in 0..3 {
                        match scope.alloc(Request::new(id + k, "/index")) {
                            Ok(r) => {
                                r.path.push('/');
                                mine.push((id + k, r));
                            }
                            // Refused only when every segment is held; the value comes back.
                            Err(back) => {
                                assert_eq!(back.into_inner().id, id + k);
                            }
                        }
                    }
                    for (expected, r) in &mine {
                        assert_eq!((r.id, r.path.as_str()), (*expected, "/index/"));
                    }
                }
            });
        }
    });
    // Every scope has left: each segment was reset by its last leaver, so every value made has
    // been dropped, exactly once (the values handed back in `Full` were dropped by the caller).
    let made = MADE.load(Ordering::Relaxed);
    assert_eq!(made, 4 * 3 * per_thread as usize);
    assert_eq!(DROPPED.load(Ordering::Relaxed), made);
    assert!(REQUESTS.recycled() >= 1);
    // And the arena is usable again: 4 segments of 16, the one a scope enters empty.
    // (Associated constants do not come through `Deref`: the runtime type names `SEGMENTS`.)
    assert_eq!(ScopedArena::<Request, 64>::SEGMENTS, 4);
    let scope = REQUESTS.scope();
    assert_eq!(scope.remaining(), 16);
}

/// Counted per test through the value itself.
struct Token<'c>(&'c AtomicUsize);

impl Drop for Token<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(ArenaAlloc, Debug, PartialEq)]
#[arena(capacity = 4, scoped)] // -> `ShapeScopedArena`
#[arena(name = Shapes, capacity = 2, scoped)]
enum Shape {
    Circle(u32),
    Square { side: u32 },
}

#[test]
fn generated_api_enums_and_names() {
    assert_eq!(ShapeScopedArena::CAPACITY, 4);
    assert_eq!(Shapes::CAPACITY, 2);
    let arena = ShapeScopedArena::new();
    {
        let scope = arena.scope(); // `Deref` to `atomicarena::ScopedArena`
        let c = scope.alloc(Shape::Circle(3)).unwrap();
        let s = scope.alloc(Shape::Square { side: 2 }).unwrap();
        if let Shape::Circle(r) = c {
            *r += 1;
        }
        assert_eq!((&*c, &*s), (&Shape::Circle(4), &Shape::Square { side: 2 }));
        assert_eq!(scope.len(), 2);
        assert_eq!((scope.segment(), scope.segments_held()), (0, 1));
    }
    assert_eq!(arena.recycled(), 1);
    let runtime: &ScopedArena<Shape, 4> = &arena;
    assert_eq!(runtime.recycled(), 1);

    let named = Shapes::default();
    let scope = named.scope();
    scope.alloc(Shape::Circle(1)).unwrap();
    scope.alloc(Shape::Circle(2)).unwrap();
    assert_eq!(
        scope.alloc(Shape::Circle(3)).unwrap_err().into_inner(),
        Shape::Circle(3)
    );
    drop(scope);
    let debug = format!("{named:?}");
    assert!(debug.starts_with("Shapes {"), "{debug}");
    assert!(debug.contains("recycled: 1"), "{debug}");
}

/// Large enough that the arena (24-byte slots and a byte of marks each) is far bigger than the 256 KiB
/// stack it is built on; small under Miri, which retags every slot on each access.
const BIG: usize = if cfg!(miri) { 64 } else { 1_000_000 };

#[derive(ArenaAlloc)]
#[arena(capacity = BIG, scoped)]
struct Sample<'c> {
    _token: Token<'c>,
    value: [u64; 2],
}

#[test]
fn new_boxed_builds_on_a_small_stack_and_drop_drops_what_is_left() {
    let drops = AtomicUsize::new(0);
    let drops = &drops;
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn_scoped_compat(move || {
            let arena = SampleScopedArena::new_boxed();
            let scope = arena.scope();
            assert_eq!(
                scope.remaining(),
                BIG / ScopedArena::<Sample<'_>, BIG>::SEGMENTS
            );
            for i in 0..10 {
                let s = scope
                    .alloc(Sample {
                        _token: Token(drops),
                        value: [i, i * 2],
                    })
                    .unwrap();
                assert_eq!(s.value, [i, i * 2]);
            }
            assert_eq!(scope.len(), 10);
            // A forgotten scope keeps its segment from recycling: the values stay until the
            // arena itself is dropped, and are dropped then, once.
            std::mem::forget(scope);
            assert_eq!(drops.load(Ordering::Relaxed), 0);
            drop(arena);
            assert_eq!(drops.load(Ordering::Relaxed), 10);
        });
}

/// `Builder::spawn_scoped` with a join, for a closure that borrows the caller's stack.
trait SpawnScopedCompat {
    fn spawn_scoped_compat<F: FnOnce() + Send>(self, f: F);
}

impl SpawnScopedCompat for std::thread::Builder {
    fn spawn_scoped_compat<F: FnOnce() + Send>(self, f: F) {
        std::thread::scope(|s| {
            self.spawn_scoped(s, f).unwrap().join().unwrap();
        });
    }
}
