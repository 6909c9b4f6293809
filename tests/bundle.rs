//! `#[derive(Arenas)]`: bundles of bounded arenas with `alloc` dispatched by type. Each value
//! lands in the field that stores its type (read back from that field), the statistics are the
//! fields' sums, `reset` and drop drop every value once, `new_boxed` builds a large bundle on a
//! small stack, two threads share one bundle, and the issue's `Ast<'a>` example holds a
//! self-referential expression graph.
#![forbid(unsafe_code)]
#![deny(warnings)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use atomicarena::{Arena, ArenaAlloc, Arenas, DroplessArena};

// ---- the issue's example ------------------------------------------------------------------

/// An expression whose nodes borrow each other.
#[derive(ArenaAlloc, Debug)]
#[arena(capacity = 4096, no_drop)]
pub enum Expr<'a> {
    /// A literal.
    Num(i64),
    /// A sum of two nodes of the same arena.
    Add(&'a Expr<'a>, &'a Expr<'a>),
}

/// A name, which owns its text.
#[derive(ArenaAlloc, Debug, PartialEq)]
#[arena(capacity = 1024)]
pub struct Name(pub String);

/// The issue's bundle, public as there: the generated API is documented.
#[derive(Arenas)]
pub struct Ast<'a> {
    exprs: ExprArena<'a>,
    names: NameArena,
    spans: atomicarena::Arena<(u32, u32), 4096>,
}

fn eval(e: &Expr<'_>) -> i64 {
    match *e {
        Expr::Num(n) => n,
        Expr::Add(a, b) => eval(a) + eval(b),
    }
}

/// The issue's lines, `?` included: every `Full` is an `Error`, and the one of an `Expr<'a>`
/// lives as long as the bundle it borrows.
fn front_end<'a>(ast: &'a Ast<'a>) -> Result<i64, Box<dyn std::error::Error + 'a>> {
    let two = &*ast.alloc(Expr::Num(2))?; // stored in `exprs`
    let name = ast.alloc(Name("x".into()))?; // stored in `names`
    let spans = ast.alloc_slice_copy(&[(1, 5), (7, 9)])?;
    // Nodes that borrow nodes of the same bundle: only possible because neither the bundle
    // nor its `no_drop` field has a destructor.
    let four = &*ast.alloc(Expr::Add(two, two))?;
    let eight = &*ast.alloc(Expr::Add(four, four))?;
    assert!(matches!(four, Expr::Add(a, b) if std::ptr::eq(*a, two) && std::ptr::eq(*b, two)));
    name.0.push('y');
    assert_eq!(name.0, "xy");
    assert_eq!(spans, [(1, 5), (7, 9)]);
    Ok(eval(eight))
}

#[test]
fn the_issue_example_builds_a_self_referential_ast() {
    let ast = Ast::new_boxed();
    assert_eq!(front_end(&ast).unwrap(), 8);
    // Each value went to its own field.
    assert_eq!(ast.exprs.len(), 3);
    assert_eq!(ast.names.len(), 1);
    assert_eq!(ast.spans.len(), 2);
    assert_eq!(ast.len(), 6);
    assert_eq!(
        ast.bytes_used(),
        3 * size_of::<Expr<'_>>() + size_of::<Name>() + 2 * size_of::<(u32, u32)>()
    );
}

// ---- dispatch, statistics, reset ------------------------------------------------------------

/// Counts drops: one counter per test, so that tests running in parallel do not mix.
#[derive(Debug)]
struct Counted<'c>(u32, &'c AtomicUsize);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }
}

#[derive(ArenaAlloc, Clone, Copy, Debug, PartialEq)]
#[arena(capacity = 8)]
struct Point {
    x: i32,
    y: i32,
}

#[derive(ArenaAlloc, Debug, PartialEq)]
#[arena(name = Labels, capacity = 4, no_drop)]
struct Label<'a>(&'a str);

#[derive(Arenas)]
struct Mixed<'a, 'c> {
    points: PointArena,
    labels: Labels<'a>,
    counted: Arena<Counted<'c>, 4>,
    ids: DroplessArena<u64, 16>,
    bytes: Arena<u8, 32>,
}

#[test]
fn each_type_goes_to_its_field_and_reads_back() {
    let drops = AtomicUsize::new(0);
    let mut b = Mixed::new();
    let p = b.alloc(Point { x: 1, y: 2 }).unwrap();
    p.x += 10;
    let l = b.alloc(Label("hello")).unwrap();
    let c = b.alloc(Counted(7, &drops)).unwrap();
    let id = b.alloc(42_u64).unwrap();
    let byte = b.alloc(b'z').unwrap();
    assert_eq!(*p, Point { x: 11, y: 2 });
    assert_eq!(*l, Label("hello"));
    assert_eq!((c.0, *id, *byte), (7, 42, b'z'));

    // Read back through each field: exactly one value each, the one allocated.
    assert_eq!(
        b.points.iter_mut().map(|p| *p).collect::<Vec<_>>(),
        [Point { x: 11, y: 2 }]
    );
    assert_eq!(
        b.labels.iter_mut().map(|l| l.0).collect::<Vec<_>>(),
        ["hello"]
    );
    assert_eq!(b.counted.iter_mut().map(|c| c.0).collect::<Vec<_>>(), [7]);
    assert_eq!(b.ids.iter_mut().map(|v| *v).collect::<Vec<_>>(), [42]);
    assert_eq!(b.bytes.iter_mut().map(|v| *v).collect::<Vec<_>>(), [b'z']);
    assert_eq!(drops.load(Ordering::Relaxed), 0);
}

#[test]
fn len_and_bytes_used_are_summed_over_the_fields() {
    let drops = AtomicUsize::new(0);
    let b = Mixed::new();
    assert!(b.is_empty());
    assert_eq!((b.len(), b.bytes_used()), (0, 0));

    b.alloc_slice_copy(&[Point { x: 0, y: 0 }, Point { x: 1, y: 1 }])
        .unwrap();
    b.alloc_slice_copy(&[1_u64, 2, 3]).unwrap();
    let text = b.alloc_slice_copy(b"abcde").unwrap();
    assert_eq!(text, b"abcde");
    b.alloc(Counted(1, &drops)).unwrap();
    b.alloc(Label("l")).unwrap();

    assert!(!b.is_empty());
    // A copied slice of n counts n.
    assert_eq!(b.len(), 2 + 3 + 5 + 1 + 1);
    let expected_bytes = 2 * size_of::<Point>()
        + 3 * size_of::<u64>()
        + 5
        + size_of::<Counted<'_>>()
        + size_of::<Label<'_>>();
    assert_eq!(b.bytes_used(), expected_bytes);
    assert_eq!(
        b.bytes_used(),
        b.points.bytes_used()
            + b.ids.bytes_used()
            + b.bytes.bytes_used()
            + b.counted.bytes_used()
            + b.labels.bytes_used()
    );
}

#[test]
fn a_full_field_hands_the_value_back_and_leaves_the_others_alone() {
    let drops = AtomicUsize::new(0);
    let b = Mixed::new();
    for i in 0..4 {
        b.alloc(Counted(i, &drops)).unwrap();
    }
    let back = b.alloc(Counted(99, &drops)).unwrap_err().into_inner();
    assert_eq!(back.0, 99);
    drop(back);
    assert_eq!(drops.load(Ordering::Relaxed), 1); // only the value handed back
                                                  // A batch that does not fit takes nothing.
    assert!(b.alloc_slice_copy(&[0_u8; 33]).is_err());
    assert_eq!(b.bytes.len(), 0);
    // The other fields still have room.
    assert_eq!(*b.alloc(5_u8).unwrap(), 5);
    assert_eq!(b.len(), 5);
}

#[test]
fn reset_empties_every_field_and_drops_each_value_once() {
    let drops = AtomicUsize::new(0);
    let mut b = Mixed::new();
    for round in 0..3_u32 {
        for i in 0..4 {
            b.alloc(Counted(round * 10 + i, &drops)).unwrap();
        }
        b.alloc_slice_copy(&[7_u64; 16]).unwrap();
        b.alloc(Point { x: 0, y: 0 }).unwrap();
        b.alloc(Label("again")).unwrap();
        assert_eq!(b.len(), 4 + 16 + 1 + 1);
        b.reset();
        assert_eq!((b.len(), b.bytes_used()), (0, 0));
        assert_eq!(drops.load(Ordering::Relaxed), 4 * (round as usize + 1));
        // Every field has its whole capacity again.
        assert_eq!(b.ids.remaining(), 16);
        assert_eq!(b.counted.remaining(), 4);
    }
    // Values still in the bundle are dropped with it, once.
    b.alloc(Counted(1, &drops)).unwrap();
    b.alloc(Counted(2, &drops)).unwrap();
    drop(b);
    assert_eq!(drops.load(Ordering::Relaxed), 14);
}

// ---- construction ----------------------------------------------------------------------------

// Miri retags the whole slot array on every access: small sizes there (still more than the
// 256 KiB stack for the whole bundle in a normal run).
const PARTICLES: usize = if cfg!(miri) { 64 } else { 1 << 20 };
const IDS: usize = if cfg!(miri) { 64 } else { 1_000_000 };
const FLAGS: usize = if cfg!(miri) { 2048 } else { 4_000_000 };

#[derive(ArenaAlloc)]
#[arena(capacity = PARTICLES)]
struct Particle {
    pos: [f32; 3],
}

/// About 40 MB: far more than the 256 KiB stack it is built on.
#[derive(Arenas)]
struct World {
    particles: ParticleArena,
    ids: Arena<u64, IDS>,
    flags: DroplessArena<u8, FLAGS>,
}

#[test]
fn new_boxed_builds_a_large_bundle_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut world = World::new_boxed();
            assert!(world.is_empty());
            assert_eq!(world.particles.remaining(), PARTICLES);
            assert_eq!(world.ids.remaining(), IDS);
            assert_eq!(world.flags.remaining(), FLAGS);
            world
                .alloc(Particle {
                    pos: [1.0, 2.0, 3.0],
                })
                .unwrap();
            world.alloc(7_u64).unwrap();
            world.alloc_slice_copy(&[1_u8; 1000]).unwrap();
            assert_eq!(world.len(), 1002);
            assert_eq!(
                world
                    .particles
                    .iter_mut()
                    .map(|p| p.pos)
                    .collect::<Vec<_>>(),
                [[1.0, 2.0, 3.0]]
            );
            world.reset();
            assert!(world.is_empty());
        })
        .unwrap();
    handle.join().unwrap();
}

#[derive(Arenas)]
struct Registry {
    names: Arena<&'static str, 8>,
    codes: Arena<u16, 8>,
}

/// `new()` is a `const fn`: a bundle can be a `static`, filled from any thread.
static REGISTRY: Registry = Registry::new();

#[test]
fn a_static_bundle_is_filled_from_several_threads() {
    std::thread::scope(|s| {
        for t in 0..2_u16 {
            s.spawn(move || {
                for i in 0..4 {
                    let code: &'static mut u16 = REGISTRY.alloc(t * 100 + i).unwrap();
                    assert_eq!(*code, t * 100 + i);
                }
                REGISTRY.alloc(if t == 0 { "zero" } else { "one" }).unwrap();
            });
        }
    });
    assert_eq!(REGISTRY.len(), 10);
    assert!(REGISTRY.alloc(1_u16).is_err());
    assert_eq!(REGISTRY.bytes_used(), 8 * 2 + 2 * size_of::<&str>());
}

#[test]
fn default_is_new() {
    let b = Registry::default();
    assert!(b.is_empty());
    b.alloc("x").unwrap();
    assert_eq!(b.names.len(), 1);
}

// ---- threads ---------------------------------------------------------------------------------

#[derive(Arenas)]
struct Shared {
    pairs: Arena<(u32, u32), 4096>,
    words: Arena<String, 2048>,
}

#[test]
fn two_threads_allocate_into_one_bundle_in_distinct_slots() {
    fn assert_sync_send<T: Sync + Send>() {}
    assert_sync_send::<Shared>();
    assert_sync_send::<Ast<'static>>();

    let n: u32 = if cfg!(miri) { 64 } else { 2000 };
    let mut bundle = Shared::new_boxed();
    let addresses: Vec<Vec<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2_u32)
            .map(|t| {
                let bundle = &*bundle;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..n {
                        let pair = bundle.alloc((t, i)).unwrap();
                        mine.push(std::ptr::from_mut(pair) as usize);
                        if i % 2 == 0 {
                            let word = bundle.alloc(format!("{t}:{i}")).unwrap();
                            mine.push(std::ptr::from_mut(word) as usize);
                        }
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Every slot handed out once: no address twice, within or across threads.
    let all: HashSet<usize> = addresses.iter().flatten().copied().collect();
    assert_eq!(all.len(), addresses.iter().map(Vec::len).sum::<usize>());
    assert_eq!(bundle.len(), (2 * n + n) as usize);

    // Read back: each thread's values, each once.
    let mut pairs: Vec<(u32, u32)> = bundle.pairs.iter_mut().map(|p| *p).collect();
    pairs.sort_unstable();
    let expected: Vec<(u32, u32)> = (0..2).flat_map(|t| (0..n).map(move |i| (t, i))).collect();
    assert_eq!(pairs, expected);
    let mut words: Vec<String> = bundle.words.iter_mut().map(|w| w.clone()).collect();
    words.sort_unstable();
    let mut expected: Vec<String> = (0..2)
        .flat_map(|t| (0..n).step_by(2).map(move |i| format!("{t}:{i}")))
        .collect();
    expected.sort_unstable();
    assert_eq!(words, expected);
}

// ---- shapes ------------------------------------------------------------------------------------

/// A tuple struct, and a generic one: dispatch by the type argument.
#[derive(Arenas)]
struct Pair(Arena<i8, 4>, DroplessArena<char, 4>);

#[derive(Arenas)]
struct Generic<T: Copy, const N: usize> {
    items: Arena<T, N>,
    tags: Arena<&'static str, 2>,
}

#[test]
fn tuple_and_generic_bundles() {
    let pair = Pair::new();
    pair.alloc(-3_i8).unwrap();
    pair.alloc_slice_copy(&['a', 'b']).unwrap();
    assert_eq!((pair.0.len(), pair.1.len(), pair.len()), (1, 2, 3));

    let mut g: Generic<f64, 3> = Generic::new();
    *g.alloc(1.5_f64).unwrap() *= 2.0;
    g.alloc("tag").unwrap();
    assert_eq!(g.items.iter_mut().map(|v| *v).collect::<Vec<_>>(), [3.0]);
    assert_eq!(g.len(), 2);
    assert_eq!(g.bytes_used(), size_of::<f64>() + size_of::<&str>());
    let boxed = Generic::<u32, 2>::new_boxed();
    boxed.alloc_slice_copy(&[1_u32, 2]).unwrap();
    assert!(boxed.alloc(3_u32).is_err());
}

/// A bundle whose type parameter has the name the generated `alloc` uses for its own: the
/// derive picks another one.
#[derive(Arenas)]
struct Named<__AtomicarenaT: Send> {
    values: atomicarena::Arena<__AtomicarenaT, 4>,
    counts: atomicarena::Arena<u16, 4>,
}

#[test]
fn a_type_parameter_named_like_the_derives_own_is_fine() {
    let bundle = Named::<u64>::new();
    assert_eq!(*bundle.alloc(7_u64).unwrap(), 7);
    assert_eq!(*bundle.alloc(3_u16).unwrap(), 3);
    assert_eq!(bundle.len(), 2);
}
