//! The `#[derive(ArenaAlloc)]` and `#[derive(Arenas)]` macros of
//! [atomicarena](https://docs.rs/atomicarena).
//!
//! Use it through `atomicarena` (its `derive` feature, on by default, re-exports it), never on
//! its own: the generated code names `::atomicarena::__private`, which this crate does not
//! provide. The phases follow thiserror and serde_derive: `attr.rs` reads the attributes,
//! `ast.rs` is a typed view of the input, `valid.rs` checks it (collecting every error in a
//! `ctxt::Ctxt`), `expand.rs` generates code, and `fallback.rs` generates stubs next to the
//! errors when the input is wrong (with `expand.rs`'s steps, which know nothing of it), so a
//! mistake is reported once and not twenty times. `arena_alloc` below runs the phases.
//! `bundle.rs` is `#[derive(Arenas)]`, the same phases in one module.

mod ast;
mod attr;
mod bundle;
mod ctxt;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Generates one named, fixed-capacity, lock-free arena type per `#[arena(...)]` attribute.
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc, Debug, Default)]
/// #[arena(capacity = 1024)] // -> `ParticleArena`, bounded
/// pub struct Particle {
///     pos: [f32; 3],
///     vel: [f32; 3],
/// }
///
/// static PARTICLES: ParticleArena = ParticleArena::new(); // inline storage, no heap
///
/// let p: &'static mut Particle = PARTICLES.alloc(Particle::default()).unwrap();
/// p.vel = [1.0, 0.0, 0.0];
/// assert_eq!(PARTICLES.len(), 1);
/// assert_eq!(ParticleArena::CAPACITY, 1024);
/// ```
///
/// The derive goes on a struct (named, tuple or unit) or an enum, generics and lifetimes
/// included. Each attribute generates a struct with the type's visibility and generics that
/// wraps the runtime type and dereferences to it, so it has the runtime type's whole API:
///
/// | attribute | generated type (default name) | wraps |
/// |-----------|-------------------------------|-------|
/// | `#[arena(capacity = N)]` | `{Type}Arena` | `atomicarena::Arena<Type, N>` |
/// | `#[arena(capacity = N, no_drop)]` | `{Type}Arena` | `atomicarena::DroplessArena<Type, N>` |
/// | `#[arena(capacity = N, ring)]` | `{Type}Ring` | `atomicarena::Ring<Type, N>` |
/// | `#[arena(capacity = N, pool)]` | `{Type}Pool` (structs only) | `atomicarena::Pool<Type, N>` |
/// | `#[arena(capacity = N, scoped)]` | `{Type}ScopedArena` | `atomicarena::ScopedArena<Type, N>` |
/// | `#[arena(capacity = N, rounds)]` | `{Type}Rounds` (a type with one lifetime) | `atomicarena::Rounds<{Type}Rounds, N>` |
/// | `#[arena(heap)]` | `{Type}HeapArena` | `atomicarena::HeapArena<Type>` |
/// | `#[arena(heap, no_drop)]` | `{Type}HeapDroplessArena` | `atomicarena::HeapDroplessArena<Type>` |
/// | `#[arena(heap, ring)]` | `{Type}HeapRing` | `atomicarena::HeapRing<Type>` |
/// | `#[arena(heap, pool)]` | `{Type}HeapPool` (structs only) | `atomicarena::HeapPool<Type>` |
/// | `#[arena(heap, scoped)]` | `{Type}HeapScopedArena` | `atomicarena::HeapScopedArena<Type>` |
/// | `#[arena(heap, rounds)]` | `{Type}HeapRounds` (a type with one lifetime) | `atomicarena::HeapRounds<{Type}HeapRounds>` |
///
/// It also has `const fn new()`, `new_boxed()` (with the `alloc` feature), `CAPACITY`,
/// `Default` and `Debug`, and iterates like the type it wraps: `for v in &mut arena` (bounded
/// and `no_drop`), `for (handle, v) in &ring` (a scoped arena is reached through its scopes
/// only). Both constructors are the runtime's, with its
/// compile-time checks. Because the generated type belongs to your crate, you can add
/// `impl ParticleArena { ... }` blocks and trait impls to it. A `heap` type is built at run
/// time instead: see [Capacity at run time: `heap`](#capacity-at-run-time-heap).
///
/// # Struct options
///
/// | option | meaning |
/// |--------|---------|
/// | `capacity = EXPR` | required without `heap` (and an error with it): the number of slots, a `usize` constant expression (`4096`, `4 * 1024`, `1 << 20`, `{ MY_CONST }`, `MY_CONST`, `Type::CAP`, not `Self::CAP`); at least 1 |
/// | `name = Ident` | the generated type's name; default by kind: `{Type}Arena`, `{Type}Ring`, `{Type}Pool`, `{Type}ScopedArena`, `{Type}Rounds`, and with `heap` `{Type}HeapArena`, `{Type}HeapDroplessArena` (with `no_drop`), `{Type}HeapRing`, `{Type}HeapPool`, `{Type}HeapScopedArena`, `{Type}HeapRounds` |
/// | `ring` | a ring (`atomicarena::Ring`): `push` overwrites the oldest value |
/// | `pool` | a pool (`atomicarena::Pool`): values are reset field by field and reused (structs only: an enum has no fields to reset) |
/// | `scoped` | a scoped arena (`atomicarena::ScopedArena`): `N` slots in up to 16 segments, each reset by the last [scope](https://docs.rs/atomicarena/latest/atomicarena/struct.Scope.html) to leave it, so a `static` recycles without `&mut` |
/// | `rounds` | reusable rounds (`atomicarena::Rounds`) for a type with exactly one lifetime parameter and no drop glue, whose values borrow each other: see [Reuse: `rounds`](#reuse-rounds) |
/// | `ring = EXPR`, `pool = EXPR`, `scoped = EXPR`, `rounds = EXPR` | the kind and its capacity in one option: `ring = 16` is `ring, capacity = 16` |
/// | `no_drop` | bounded arenas only: an `atomicarena::DroplessArena`, which never drops its values, so values may borrow each other; allowed only for types with no drop glue (a compile-time error otherwise) |
/// | `heap` | the capacity is chosen at run time: the generated type wraps the runtime's heap kind (`atomicarena::HeapArena<Type>`...) and is built by `with_capacity(n)` or `try_with_capacity(n)`, with no `capacity = ...`; see [Capacity at run time: `heap`](#capacity-at-run-time-heap) |
/// | `crate = "path"` | where the runtime is, if not `::atomicarena` (a renamed dependency, a re-export); in an attribute of its own, `#[arena(crate = "path")]`, it applies to every arena of the type (an arena's own `crate = ...` overrides it) |
///
/// One type can carry one attribute of each kind without `name =`, and several attributes of a
/// kind with names. Write them so that no option repeats from one attribute to the next: each
/// kind with its capacity (`ring = 16`), the runtime's path once, in an attribute of its own.
/// Clippy's `duplicated_attributes` reads derive helper attributes like any other, so two
/// `#[arena(...)]` attributes that both hold `capacity = <literal>`, `ring`, or the same
/// `crate = "..."` are "duplicated" to it (rust-clippy#13238), and `-D warnings` builds fail. The
/// forms below are linted in CI, through a renamed runtime, with `-D warnings`:
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc, Default)]
/// #[arena(capacity = 64)]                // -> `EventArena`
/// #[arena(ring = 16)]                    // -> `EventRing`
/// #[arena(pool = 8)]                     // -> `EventPool`
/// #[arena(name = Burst, capacity = 4)]   // -> `Burst`
/// struct Event(u32);
///
/// let burst = Burst::new();
/// for i in 0..4 {
///     burst.alloc(Event(i)).unwrap();
/// }
/// assert!(burst.alloc(Event(4)).is_err()); // full: the value comes back in `Full`
/// assert_eq!(EventArena::CAPACITY, 64);
///
/// let ring = EventRing::new();
/// for i in 0..20 {
///     ring.push(Event(i));
/// }
/// let mut latest = Vec::new();
/// for (_handle, event) in &ring {
///     latest.push(event.0);
/// }
/// assert_eq!(latest, (4..20).collect::<Vec<u32>>()); // the last 16
/// assert_eq!(EventPool::CAPACITY, 8);
/// ```
///
/// Through a renamed runtime (`arena2 = { package = "atomicarena", ... }` in `Cargo.toml`):
///
/// ```
/// # extern crate atomicarena as arena2;
/// use arena2::ArenaAlloc;
///
/// #[derive(ArenaAlloc, Default)]
/// #[arena(crate = "arena2")]             // once, for every arena below
/// #[arena(capacity = 64)]                // -> `JobArena`
/// #[arena(ring = 16)]                    // -> `JobRing`
/// struct Job(u32);
///
/// assert_eq!((JobArena::CAPACITY, JobRing::CAPACITY), (64, 16));
/// ```
///
/// # Capacity at run time: `heap`
///
/// `heap` generates the same wrapper around the runtime's heap kind of the attribute's kind,
/// whose slots are allocated on the heap once, by `with_capacity(n)`, with `n` known only at
/// run time (a configuration file, the command line), and never again. It has:
///
/// - `with_capacity(n) -> Self`, which panics when `n` is 0 or the storage does not fit in
///   `isize::MAX` bytes (the runtime kind's message, e.g. `HeapPool::with_capacity: ...`), and
///   calls `handle_alloc_error` when the allocator fails, as `Vec` does;
/// - `try_with_capacity(n) -> Result<Self, atomicarena::CapacityError>`, which returns those
///   problems instead;
/// - `capacity()` and the rest of the runtime kind's API by `Deref`/`DerefMut`, the pool's
///   field-wise reset (from the field options, as for an inline pool), iteration, and `Debug`
///   under the generated name.
///
/// It has no `new`, `new_boxed`, `CAPACITY`, `Default` or `Zeroable`: it cannot be built in a
/// `const` (so no `static` holds one) or from zeroed memory. `heap` with `capacity = ...` (or
/// `ring = N`...) is one compile error on the capacity, saying to remove one of the two. A
/// `#[derive(Arenas)]` bundle keeps its arenas inline, so a heap arena cannot be one of its
/// fields. `heap` needs the runtime's `alloc` feature (on by default). Clippy's
/// `duplicated_attributes` reads `heap` in two attributes of one type as a repeat, as it does
/// `ring` (see above): keep one `heap` attribute per type, or allow the lint on the type.
///
/// ```
/// use atomicarena::{ArenaAlloc, CapacityError};
///
/// #[derive(ArenaAlloc, Debug, Default)]
/// #[arena(heap, pool)]      // -> `PacketHeapPool`, capacity chosen at run time
/// #[arena(capacity = 16)]   // -> `PacketArena`, inline: both can be generated
/// struct Packet {
///     #[arena(clear)]
///     payload: Vec<u8>,
///     #[arena(reset = 64)]
///     ttl: u8,
/// }
///
/// let n: usize = "1024".parse().unwrap(); // say, from the command line
/// let mut pool = PacketHeapPool::with_capacity(n);
/// assert_eq!(pool.capacity(), 1024);
/// let packet = pool.take().unwrap();
/// assert_eq!(packet.ttl, 64); // reset field by field from the first `take`
/// packet.payload.extend_from_slice(b"hello");
/// pool.reset(); // the payload's buffer is kept for the next round
/// assert!(pool.take().unwrap().payload.is_empty());
/// assert!(format!("{pool:?}").starts_with("PacketHeapPool"));
/// assert_eq!(PacketHeapPool::try_with_capacity(0).unwrap_err(), CapacityError::Zero);
/// ```
///
/// # Graphs: `no_drop`
///
/// A value that borrows another value of the same arena compiles only if the arena has no
/// destructor. `no_drop` wraps an [`atomicarena::DroplessArena`](https://docs.rs/atomicarena/latest/atomicarena/struct.DroplessArena.html),
/// which has none (for types without drop glue, so nothing leaks). It works for enums too, such
/// as an expression tree:
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 8, no_drop)]
/// enum Expr<'a> {
///     Num(i64),
///     Add(&'a Expr<'a>, &'a Expr<'a>),
///     Mul(&'a Expr<'a>, &'a Expr<'a>),
/// }
///
/// fn eval(e: &Expr) -> i64 {
///     match *e {
///         Expr::Num(n) => n,
///         Expr::Add(a, b) => eval(a) + eval(b),
///         Expr::Mul(a, b) => eval(a) * eval(b),
///     }
/// }
///
/// let arena = ExprArena::new();
/// let two: &Expr = arena.alloc(Expr::Num(2)).unwrap();
/// let three: &Expr = arena.alloc(Expr::Num(3)).unwrap();
/// let sum: &Expr = arena.alloc(Expr::Add(two, three)).unwrap();
/// let product: &Expr = arena.alloc(Expr::Mul(sum, sum)).unwrap(); // `sum` shared
/// assert_eq!(eval(product), 25);
/// ```
///
/// # Reuse: `rounds`
///
/// A `no_drop` arena of values that borrow each other names their lifetime in its type, so it
/// can never be `reset` while it exists. `rounds` generates `{Type}Rounds` instead, a wrapper
/// of [`atomicarena::Rounds`](https://docs.rs/atomicarena/latest/atomicarena/struct.Rounds.html):
/// `round(|arena| ...)` lends a `DroplessArena<Type<'a>, N>` for one fresh lifetime `'a` and
/// empties it in O(1) when the closure returns or unwinds, so the same storage serves any
/// number of graphs, one after the other (`round_local` does the same for one thread, without
/// atomic operations). Nothing borrowed from a round can escape it.
///
/// ```
/// use std::cell::Cell;
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 64, rounds)] // -> `NodeRounds`
/// struct Node<'a> {
///     value: u32,
///     next: Cell<Option<&'a Node<'a>>>,
/// }
///
/// let mut rounds = NodeRounds::new_boxed(); // allocated once
/// for n in 1..=100 {
///     let sum = rounds.round(|arena| {
///         // A cycle of two nodes: they borrow each other.
///         let a = &*arena.alloc(Node { value: n, next: Cell::new(None) }).unwrap();
///         let b = &*arena.alloc(Node { value: 2 * n, next: Cell::new(Some(a)) }).unwrap();
///         a.next.set(Some(b));
///         a.value + a.next.get().unwrap().value
///     }); // the round's nodes are gone here, in O(1)
///     assert_eq!(sum, 3 * n);
/// }
/// assert_eq!(rounds.high_water(), 2);
/// ```
///
/// A reference into a round cannot leave it:
///
/// ```compile_fail
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 4, rounds)]
/// struct Word<'a>(&'a str, Option<&'a Word<'a>>);
///
/// let mut rounds = WordRounds::new();
/// let kept: &Word = rounds.round(|arena| &*arena.alloc(Word("x", None)).unwrap());
/// rounds.round(|arena| { arena.alloc(Word("y", None)).ok(); }); // reuses its slot
/// assert_eq!(kept.0, "x");
/// ```
///
/// The type must have exactly one lifetime parameter (the round's), no type or const
/// parameters, and no drop glue (a round never drops its values): each is one compile error on
/// `rounds` otherwise, saying what to do. `no_drop` may be written next to `rounds`; it is what
/// `rounds` is anyway. The generated type is also the
/// [`ForLifetime`](https://docs.rs/atomicarena/latest/atomicarena/trait.ForLifetime.html)
/// marker of the type (`type Of<'a> = Node<'a>`), so it wraps `Rounds<NodeRounds, N>` and no
/// second name is generated. It has `new`, `new_boxed`, `CAPACITY`, `Default` and `Debug`, and
/// the runtime type's API by `Deref` (`round`, `round_local`, `high_water`...); it is not meant
/// for a `static`, since a round takes `&mut self`.
///
/// # Field options (pool arenas only)
///
/// They say how a pool's `reset` recycles each field: `#[arena(clear)]` calls `.clear()` (keeps
/// the buffer), `#[arena(reset = EXPR)]` assigns `EXPR`, `#[arena(reset_with = path)]` calls
/// `path(&mut field)`, `#[arena(keep)]` leaves the field, `#[arena(nested)]` calls
/// `FieldReset::reset_fields` on it, and a field with no option is set to
/// `Default::default()`. The derive implements `atomicarena::FieldReset` for the type from them.
/// A slot's first value is `Default::default()` with this reset applied, so a field marked
/// `reset = 64` holds 64 from the first `take` on, not only from the second round.
///
/// The reset runs in `FieldReset::reset_fields(&mut self)`, one field after the other in
/// declaration order, so `EXPR` may read `self`: the value being reset, whose earlier fields
/// are already reset and whose later ones still hold the last round's values.
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc, Default)]
/// #[arena(capacity = 2, pool)]
/// struct Budget {
///     #[arena(keep)]
///     base: u32,
///     #[arena(reset = self.base * 2)] // reads the kept `base`
///     left: u32,
/// }
///
/// let mut pool = BudgetPool::new();
/// let budget = pool.take().unwrap();
/// (budget.base, budget.left) = (5, 1);
/// pool.reset();
/// let budget = pool.take().unwrap();
/// assert_eq!((budget.base, budget.left), (5, 10));
/// ```
///
/// A `#[repr(packed)]` type is reset by assignment only (`reset = EXPR`, no option, `keep`):
/// its fields may be unaligned, and Rust gives no `&mut` to them, which `clear`, `reset_with`
/// and `nested` need (a compile error on the option).
///
/// # What is generated, and what is not copied
///
/// The generated types get the derive input's visibility and generics, and none of its other
/// attributes: lint attributes such as `#[allow(non_camel_case_types)]` on the input do not
/// reach them (a `#[cfg(...)]` does, as it is applied before the derive runs). So a name a lint
/// flags is flagged on the generated type: `r#type` gives `typeArena`, which warns
/// `non_camel_case_types`; choose the name with `name = TypeArena`. A capacity that is an
/// expression is evaluated once, in the generated `CAPACITY`, which the runtime type then names
/// (`Arena<T, { ParticleArena::CAPACITY }>`), for a type without type or const parameters. The
/// generated impls add a lifetime (for `IntoIterator`) and a bundle's `alloc` two type
/// parameters; their names are picked so as not to collide with the type's own parameters,
/// whatever those are called.
///
/// # Errors
///
/// Misuse is a compile error on the token at fault, saying how to fix it: a missing or zero
/// capacity, a capacity naming `Self`, an unknown option (with the closest known one), an option
/// given twice or with a missing value, the capacity given twice (`ring = N` with
/// `capacity = ...`), a `name` that is a path or a string, two attributes generating the same
/// name, two or three of `ring`, `pool`, `scoped` and `rounds`, `pool` on an enum, a union, an unsized type
/// (a last field `[T]`, `str`, `dyn Trait`, or a `T: ?Sized`), `no_drop` on a ring, pool or
/// scoped arena or on a type with drop glue, `rounds` on a type without exactly one lifetime
/// parameter (or with type parameters, or with drop glue), `rounds` with another kind, an `#[arena(...)]` on an enum variant or on a
/// variant's field, a field option without a `pool` attribute, a pool field with no `Default`
/// and no option, `clear`, `reset_with` or `nested` on a `repr(packed)` type, a capacity whose
/// storage would exceed `isize::MAX` bytes, `heap` with a capacity.
///
/// Some errors come from rustc, because a macro cannot see other crates, items or values:
///
/// - `unresolved import atomicarena` on the derive: the runtime is not at `::atomicarena` (the
///   dependency is renamed in `Cargo.toml`, or re-exported): add
///   `#[arena(crate = "the_name")]`. It is reported once per attribute, with no follow-on errors.
/// - `the name ParticleArena is defined multiple times`: an item of yours, or another derive's
///   arena, has the generated name; pick another with `name = ...`. The error points at the
///   `name = ...` that generated it (at the type, for a default name). With two derives, rustc
///   goes on to report each trait impl and inherent item of the second as a duplicate of the
///   first's: a derive cannot see the other derive's output.
/// - `values of the type ... are too big for the target architecture`, on the type's name: a
///   field of the type is too big to exist at all.
/// - A capacity expression that fails (an underflow, an unknown name): one error, on the
///   expression; rustc adds "no method named `alloc`" where the arena is used, since the
///   arena's type has no capacity.
///
/// All of these are reported by `cargo check` (and so by rust-analyzer) for a type without type
/// or const parameters: the derive's checks are `const _` items, which rustc evaluates while
/// checking. For a type with type or const parameters, the checks that depend on them (a
/// capacity that names them, the storage size, `no_drop` with a type argument that has drop
/// glue) can only run once the parameters are known: they are evaluated when a constructor is
/// compiled for given arguments (`cargo build`, not `cargo check`), and a `no_drop` arena of a
/// type argument with drop glue is reported twice there, by the derive's check on `no_drop`
/// and by the runtime's own.
#[proc_macro_derive(ArenaAlloc, attributes(arena))]
pub fn derive_arena_alloc(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    arena_alloc(&input).into()
}

/// `ArenaAlloc`'s phases: read, check, then generate (`expand`), or, after errors, emit them
/// next to stubs (`fallback`, which builds its stubs with `expand`'s steps).
fn arena_alloc(input: &DeriveInput) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::default();
    let input = ast::Input::from_syn(&cx, input);
    valid::check(&cx, &input);
    match cx.into_error() {
        None => expand::expand(&input),
        Some(error) => fallback::expand(&input, error),
    }
}

/// Derives an arena *bundle*: one struct of bounded arenas, with `alloc(value)` sent by the
/// value's type to the field that stores it (rustc's `declare_arena!`, on stable Rust and
/// thread-safe).
///
/// ```
/// use atomicarena::{ArenaAlloc, Arenas};
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 64, no_drop)]
/// pub enum Expr<'a> {
///     Num(i64),
///     Add(&'a Expr<'a>, &'a Expr<'a>),
/// }
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 16)]
/// pub struct Name(pub String);
///
/// #[derive(Arenas)]
/// pub struct Ast<'a> {
///     exprs: ExprArena<'a>,
///     names: NameArena,
///     spans: atomicarena::Arena<(u32, u32), 64>,
/// }
///
/// let ast = Ast::new_boxed();
/// let two = &*ast.alloc(Expr::Num(2)).unwrap(); // stored in `exprs`
/// let sum = &*ast.alloc(Expr::Add(two, two)).unwrap(); // borrows `two`, in the same bundle
/// let name = ast.alloc(Name("x".into())).unwrap(); // stored in `names`
/// let spans = ast.alloc_slice_copy(&[(1, 5), (7, 9)]).unwrap(); // in `spans`
/// assert!(matches!(sum, Expr::Add(Expr::Num(2), Expr::Num(2))));
/// assert_eq!((name.0.as_str(), spans.len()), ("x", 2));
/// assert_eq!(ast.len(), 5); // 2 expressions, 1 name, 2 spans
/// ```
///
/// The struct's fields (named or tuple) are its arenas: `atomicarena::Arena<T, N>`,
/// `atomicarena::DroplessArena<T, N>`, or types generated by `#[derive(ArenaAlloc)]` without
/// `ring`, `pool` or `scoped`; each stores a different type. The derive generates:
///
/// | item | what it does |
/// |------|--------------|
/// | `alloc(&self, value: T) -> Result<&mut T, Full<T>>` | the `alloc` of the field that stores `T`, from any thread |
/// | `alloc_slice_copy(&self, &[T]) -> Result<&mut [T], Full<()>>` | the same for a batch (`T: Copy`), all or nothing |
/// | `const fn new()` | every field's inherent `const fn new()` (which every kind and generated type has): the bundle can be a `static` |
/// | `new_boxed() -> Box<Self>` | built empty in place on the heap, with no stack temporary (feature `alloc`) |
/// | `reset(&mut self)` | every field's `reset` |
/// | `len()`, `is_empty()`, `bytes_used()` | summed over the fields (a copied slice of 2 counts 2) |
/// | `Default` | `new()` |
///
/// The bundle is `Sync` (shareable between threads) when its fields are, and `Send` likewise.
/// It has no `Drop` impl of its own (each field drops its values), so a `no_drop` field can hold
/// values that borrow each other and the bundle, as `sum` borrows `two` above. `Debug` is not
/// generated: every arena is `Debug`, so `#[derive(Debug)]` works.
///
/// Its options, in `#[arenas(...)]` on the struct: `crate = "path"` only, where the runtime is if
/// not `::atomicarena`. Like `ArenaAlloc`, it copies none of the struct's other attributes onto
/// what it generates, and names its own generic parameters so as not to collide with the
/// struct's.
///
/// # Errors
///
/// - A type that no field stores does not compile, where it is allocated: "`Ast<'_>` has no
///   arena for `Foo`: add a field of type `atomicarena::Arena<Foo, N>`" (a one-field bundle
///   included).
/// - Two fields that store one type: an error on the second field when both types are written
///   alike; otherwise (`Arena<u32, 4>` and a generated `U32Arena`) "conflicting implementations
///   of trait `OneArenaPerType<u32>`" pointing at both fields. In a struct with type parameters
///   (`Arena<T, 4>` next to `Arena<u32, 4>`) the definition compiles, and an `alloc` of a value
///   that two fields could store is ambiguous (E0283, "type annotations needed").
/// - A field that is plainly not an arena, as written (a reference `&Arena<..>`, a
///   `Box<Arena<..>>`, a number, a `String`, a tuple...): one error on the field, saying what to
///   write instead.
/// - A field that no constructor could build (`Arena<u32, 0>`, a `DroplessArena` of a type with
///   drop glue, storage beyond `isize::MAX` bytes): an error on the field, at `cargo check`,
///   when its type does not name the bundle's type or const parameters (those are checked per
///   instantiation, when a constructor is compiled).
/// - A field of another type that is not a bounded arena (a `Ring`, a `Pool`): "... is not a
///   bounded arena, so it cannot be a field of a `#[derive(Arenas)]` bundle", on the field.
///   Such a bundle has no usable `new_boxed()`: a call to it repeats the error there.
/// - A heap arena (a capacity chosen at run time): a bundle keeps its arenas inline. Written
///   as the runtime's `atomicarena::HeapArena<T>` (or another `Heap...` kind): one error on the
///   field, saying to write `atomicarena::Arena<T, N>` or to keep it outside the bundle. A type
///   generated with `#[arena(heap)]` is named freely, so the derive cannot tell it from the
///   field's name: rustc reports "... is not a bounded arena" on the field, and also "no
///   function named `new`" (suggesting `with_capacity`) on the same field, since the bundle's
///   `const fn new()` calls each field's `new()`.
/// - The derive on an enum or a union, on a struct with no field, or an unknown option.
#[proc_macro_derive(Arenas, attributes(arenas))]
pub fn derive_arenas(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    bundle::derive(&input).into()
}
