//! The `#[derive(ArenaAlloc)]` macro of [atomicarena](https://docs.rs/atomicarena).
//!
//! Use it through `atomicarena` (its `derive` feature, on by default, re-exports it), never on
//! its own: the generated code names `::atomicarena::__private`, which this crate does not
//! provide. The phases follow thiserror and serde_derive: `attr.rs` reads the attributes,
//! `ast.rs` is a typed view of the input, `valid.rs` checks it (collecting every error in a
//! `ctxt::Ctxt`), `expand.rs` generates code, and `fallback.rs` generates stubs next to the
//! errors when the input is wrong, so a mistake is reported once and not twenty times.

mod ast;
mod attr;
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
///
/// It also has `const fn new()`, `new_boxed()` (with the `alloc` feature), `CAPACITY`,
/// `Default` and `Debug`, and iterates like the type it wraps: `for v in &mut arena` (bounded
/// and `no_drop`), `for (handle, v) in &ring`. Both constructors are the runtime's, with its
/// compile-time checks. Because the generated type belongs to your crate, you can add
/// `impl ParticleArena { ... }` blocks and trait impls to it.
///
/// # Struct options
///
/// | option | meaning |
/// |--------|---------|
/// | `capacity = EXPR` | required: the number of slots, a `usize` constant expression (`4096`, `4 * 1024`, `1 << 20`, `{ MY_CONST }`, `MY_CONST`, `Type::CAP`, not `Self::CAP`); at least 1 |
/// | `name = Ident` | the generated type's name; default by kind: `{Type}Arena`, `{Type}Ring`, `{Type}Pool` |
/// | `ring` | a ring (`atomicarena::Ring`): `push` overwrites the oldest value |
/// | `pool` | a pool (`atomicarena::Pool`): values are reset field by field and reused (structs only: an enum has no fields to reset) |
/// | `no_drop` | bounded arenas only: an `atomicarena::DroplessArena`, which never drops its values, so values may borrow each other; allowed only for types with no drop glue (a compile-time error otherwise) |
/// | `crate = "path"` | where the runtime is, if not `::atomicarena` (a renamed dependency, a re-export) |
///
/// One type can carry one attribute of each kind without `name =`, and several attributes of a
/// kind with names (clippy's `duplicated_attributes` may flag a second `capacity = ...` that
/// starts an attribute: a known false positive for derive attributes, rust-clippy#13238; allow
/// it on the type, or start the attribute with another option):
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc, Default)]
/// #[arena(capacity = 64)]                // -> `EventArena`
/// #[arena(capacity = 16, ring)]          // -> `EventRing`
/// #[arena(capacity = 8, pool)]           // -> `EventPool`
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
/// # Field options (pool arenas only)
///
/// They say how a pool's `reset` recycles each field: `#[arena(clear)]` calls `.clear()` (keeps
/// the buffer), `#[arena(reset = EXPR)]` assigns `EXPR`, `#[arena(reset_with = path)]` calls
/// `path(&mut field)`, `#[arena(keep)]` leaves the field, `#[arena(nested)]` calls
/// `FieldReset::reset_fields` on it, and a field with no option is set to
/// `Default::default()`. The derive implements `atomicarena::FieldReset` for the type from them.
///
/// A `#[repr(packed)]` type is reset by assignment only (`reset = EXPR`, no option, `keep`):
/// its fields may be unaligned, and Rust gives no `&mut` to them, which `clear`, `reset_with`
/// and `nested` need (a compile error on the option).
///
/// # Errors
///
/// Misuse is a compile error on the token at fault, saying how to fix it: a missing or zero
/// capacity, a capacity naming `Self`, an unknown option (with the closest known one), an option
/// given twice, two attributes generating the same name, `ring` with `pool`, `pool` on an enum,
/// a union, `no_drop` on a ring or pool or on a type with drop glue, a field option without a
/// `pool` attribute, a pool field with no `Default` and no option, `clear`, `reset_with` or
/// `nested` on a `repr(packed)` type, a capacity whose storage would exceed `isize::MAX` bytes.
///
/// Two errors come from rustc, because a macro cannot see other crates or items:
///
/// - `unresolved import atomicarena` on the derive: the runtime is not at `::atomicarena` (the
///   dependency is renamed in `Cargo.toml`, or re-exported): add
///   `#[arena(crate = "the_name")]`. It is reported once per attribute, with no follow-on errors.
/// - `the name ParticleArena is defined multiple times`: an item of yours has the generated
///   name; pick another with `name = ...`.
#[proc_macro_derive(ArenaAlloc, attributes(arena))]
pub fn derive_arena_alloc(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
