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
/// The derive goes on a struct (named, tuple or unit, generics and lifetimes included). Each
/// attribute generates a struct with the struct's visibility and generics that wraps the runtime
/// type (`atomicarena::Arena<T, N>` for a bounded arena) and dereferences to it, so it has the
/// runtime type's whole API; it also has `const fn new()`, `new_boxed()` (with the `alloc`
/// feature), `CAPACITY`, `Default` and `Debug`. Because the generated type belongs to your crate,
/// you can add `impl ParticleArena { ... }` blocks and trait impls to it.
///
/// # Struct options
///
/// | option | meaning |
/// |--------|---------|
/// | `capacity = EXPR` | required: the number of slots, a `usize` constant expression (`4096`, `4 * 1024`, `MY_CONST`); at least 1 |
/// | `name = Ident` | the generated type's name; default `{Type}Arena` |
/// | `ring` | a ring (`atomicarena::Ring`): `push` overwrites the oldest value |
/// | `pool` | a pool (`atomicarena::Pool`): values are reset field by field and reused |
/// | `no_drop` | bounded arenas only: the arena never drops its values, so values may borrow each other; allowed only for types with no drop glue (a compile-time error otherwise) |
/// | `crate = "path"` | where the runtime is, if not `::atomicarena` (a renamed dependency, a re-export) |
///
/// Several attributes generate several arenas for the same type:
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 64)]                // -> `EventArena`
/// #[arena(name = Burst, capacity = 4)]  // -> `Burst`
/// struct Event(u32);
///
/// let burst = Burst::new();
/// for i in 0..4 {
///     burst.alloc(Event(i)).unwrap();
/// }
/// assert!(burst.alloc(Event(4)).is_err()); // full: the value comes back in `Full`
/// assert_eq!(EventArena::CAPACITY, 64);
/// ```
///
/// # Graphs: `no_drop`
///
/// A value that borrows another value of the same arena compiles only if the arena has no
/// destructor. `no_drop` generates one (for types without drop glue, so nothing leaks):
///
/// ```
/// use atomicarena::ArenaAlloc;
///
/// #[derive(ArenaAlloc)]
/// #[arena(capacity = 8, no_drop)]
/// struct Node<'a> {
///     value: u32,
///     next: Option<&'a Node<'a>>,
/// }
///
/// let arena = NodeArena::new();
/// let tail: &Node = arena.alloc(Node { value: 2, next: None }).unwrap();
/// let head: &Node = arena.alloc(Node { value: 1, next: Some(tail) }).unwrap();
/// assert_eq!(head.next.unwrap().value, 2);
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
/// # Errors
///
/// Misuse is a compile error on the token at fault, saying how to fix it: a missing or zero
/// capacity, an unknown option (with the closest known one), an option given twice, two
/// attributes generating the same name, `ring` with `pool`, `no_drop` on a ring or pool or on a
/// type with drop glue, a field option without a `pool` attribute, a pool field with no
/// `Default` and no option, a capacity whose storage would exceed `isize::MAX` bytes.
#[proc_macro_derive(ArenaAlloc, attributes(arena))]
pub fn derive_arena_alloc(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
