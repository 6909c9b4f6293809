//! Typed, fixed-capacity, lock-free arenas with inline or heap storage, from one derive.
//!
//! `#[derive(ArenaAlloc)]` turns a plain struct into named arena types; the same types are
//! generic runtime types that you can also name directly ([`Arena<T, N>`](Arena),
//! [`DroplessArena<T, N>`](DroplessArena), [`Ring<T, N>`](Ring), [`Pool<T, N>`](Pool),
//! [`ScopedArena<T, N>`](ScopedArena)). Their storage is an inline array of `N` slots: every
//! kind has a `const fn new()` and works in a `static` with no heap at all, or is built on the
//! heap by `new_boxed()` (feature `alloc`) without a temporary on the stack. When the capacity
//! is known only at run time (a config file, the command line, a caller's choice), each kind
//! has a heap twin built by `with_capacity(n)`: [`HeapArena<T>`](HeapArena),
//! [`HeapDroplessArena<T>`](HeapDroplessArena), [`HeapRing<T>`](HeapRing),
//! [`HeapPool<T>`](HeapPool), [`HeapScopedArena<T>`](HeapScopedArena),
//! [`HeapRounds<F>`](HeapRounds) (feature `alloc`). Every operation that adds a value takes
//! `&self` and is lock-free, so one arena serves many threads; only the operations that end a
//! round (`reset`) take `&mut self`.
//!
//! ```
//! use atomicarena::ArenaAlloc;
//!
//! #[derive(ArenaAlloc, Debug, Default)]
//! #[arena(capacity = 1024)] // generates `ParticleArena`, a bounded arena
//! pub struct Particle {
//!     pos: [f32; 3],
//!     vel: [f32; 3],
//! }
//!
//! static PARTICLES: ParticleArena = ParticleArena::new(); // inline storage, no heap
//!
//! let p: &'static mut Particle = PARTICLES.alloc(Particle::default()).unwrap();
//! p.vel = [1.0, 0.0, 0.0];
//! assert_eq!(PARTICLES.len(), 1);
//! assert_eq!(ParticleArena::CAPACITY, 1024);
//! ```
//!
//! # Which kind to pick
//!
//! | kind | type (derive option) | capacity: compile time | capacity: run time | gives you | when there is no room | pick it when |
//! |------|----------------------|------------------------|--------------------|-----------|-----------------------|--------------|
//! | bounded | (default) | [`Arena<T, N>`](Arena) | [`HeapArena<T>`](HeapArena) | `&mut T` from `&self` | [`Full<T>`](Full) hands the value back | many threads build values that live until the end of a round (a frame, a batch, a request) or forever |
//! | bounded, dropless | (`no_drop`) | [`DroplessArena<T, N>`](DroplessArena) | [`HeapDroplessArena<T>`](HeapDroplessArena) | the same | the same | values borrow each other (graphs, ASTs, cycles); only for types without drop glue |
//! | reusable, dropless | | [`Rounds<F, N>`](Rounds) | [`HeapRounds<F>`](HeapRounds) | a dropless arena of `F::Of<'a>` (or a one-thread [`RoundLocal`], no atomics) lent for one fresh lifetime per [`round`](Rounds::round) | `Full`, as in the round's arena | graphs of borrowing values built and thrown away many times (binary-trees, per-request parse trees): one allocation, an O(1) reset after each round, nothing borrowed escapes |
//! | ring | (`ring`) | [`Ring<T, N>`](Ring) | [`HeapRing<T>`](HeapRing) | a [`Handle`], read through [`Ref`] guards | none: overwrites the oldest value | the last `N` events of a long run (logs, flight recorders), read from other threads. A log that overwrites, not a queue: there is no `pop`, and readers do not consume values (for a bounded MPMC queue use crossbeam's [`ArrayQueue`](https://docs.rs/crossbeam-queue/latest/crossbeam_queue/struct.ArrayQueue.html)) |
//! | pool | (`pool`) | [`Pool<T, N>`](Pool) | [`HeapPool<T>`](HeapPool) | `&mut T` to a recycled value | `Full` | values own buffers worth keeping from one round to the next |
//! | scoped | (`scoped`) | [`ScopedArena<T, N>`](ScopedArena) | [`HeapScopedArena<T>`](HeapScopedArena) | `&mut T` that lives as long as its [`Scope`] | `Full`, only when the scope's segment is full and no segment is free | an arena that must recycle without `&mut` (servers, engines): its slots in up to 16 segments, each reset by its last scope; a stalled scope pins only its own segments |
//! | per-thread handle | | [`Local`], [`PoolLocal`] (from `local()`) | the same | `&mut T`, bump-allocated in a claimed chunk | `Full` | one thread allocates a lot into a shared arena or pool |
//!
//! **Compile time or run time?** Pick the inline kind (`N` in the type) when the capacity is a
//! constant of the program: it can be a `static` (no heap at all, no initialisation order), its
//! capacity folds into the code, and a wrong capacity is a compile error. Pick the heap kind
//! when the capacity comes from outside (configuration, command line, input size) or is large
//! enough that a local `Arena::new()` would not fit on the stack: `with_capacity(n)` allocates
//! once, zeroed where that is the empty state (untouched slots cost no page), and never again;
//! `try_with_capacity(n)` returns a [`CapacityError`] instead of panicking. A heap kind cannot
//! be a `static` (it needs the heap at run time: put it in a `OnceLock`, or leak a `Box`). Both
//! run the same code: every kind is one generic type over its [`Storage`] ([`ArenaIn<T, S>`](ArenaIn)
//! and so on), of which the names above are aliases. A heap kind loads its arrays' address and
//! length, and decides at run time what the inline kind's constant decides at compile time:
//! measured in instructions per operation (`benches/heap.rs`, `benches/heap_table.py`), 1.00×
//! to 1.09× the inline kind for `alloc`, batches, resets and `Pool::take` on arenas of 4,096
//! slots or more, up to 1.28× for `Ring::push` and `local()`, and up to 1.9× on small arenas
//! (1,024 slots, 10 instructions per `alloc` inline).
//!
//! **Bounded arena**: each slot is handed out at most once per round, which is what makes
//! `&mut T` from `&self` sound. `reset(&mut self)` drops the values and starts a new round.
//!
//! ```
//! use atomicarena::Arena;
//!
//! let mut words: Arena<String, 4> = Arena::new();
//! let hello = words.alloc("hello".to_string()).unwrap();
//! hello.push('!');
//! words.alloc_slice_clone(&["a".to_string(), "b".to_string()]).unwrap(); // all or nothing
//! assert_eq!(words.remaining(), 1);
//! let err = words.alloc_iter((0..2).map(|i| i.to_string())).unwrap_err(); // does not fit
//! assert_eq!(words.remaining(), 1); // and took nothing
//! # let _ = err;
//! words.reset(); // drops the three strings
//! assert!(words.is_empty());
//! ```
//!
//! **Dropless**: a value that borrows another value of the same arena compiles only if the
//! arena has no destructor (dropck). [`DroplessArena<T, N>`](DroplessArena) is the bounded
//! arena without one (rustc's name for the same idea), for types without drop glue only (a
//! compile-time error otherwise, so nothing can leak); `#[arena(capacity = N, no_drop)]`
//! generates one:
//!
//! ```
//! use atomicarena::ArenaAlloc;
//!
//! #[derive(ArenaAlloc)]
//! #[arena(capacity = 16, no_drop)] // -> `NodeArena`
//! struct Node<'a> {
//!     value: u32,
//!     next: Option<&'a Node<'a>>,
//! }
//!
//! let nodes = NodeArena::new();
//! let tail = nodes.alloc(Node { value: 2, next: None }).unwrap();
//! let head = nodes.alloc(Node { value: 1, next: Some(tail) }).unwrap();
//! assert_eq!(head.next.unwrap().value, 2);
//! ```
//!
//! **Ring**: `push` never fails for lack of room; it overwrites the oldest value. A
//! [`Handle`] names one push: [`Ring::get`] returns `None` once the value was overwritten,
//! never another value. A [`Ref`] pins its slot, and writers skip a pinned slot rather than wait.
//!
//! ```
//! use atomicarena::Ring;
//!
//! static LOG: Ring<&str, 2> = Ring::new();
//! let boot = LOG.push("boot");
//! LOG.push("disk ok");
//! assert_eq!(LOG.get(boot).as_deref(), Some(&"boot"));
//! LOG.push("net ok"); // overwrites "boot"
//! assert!(LOG.get(boot).is_none());
//! let last: Vec<&str> = LOG.iter().map(|(_, line)| *line).collect();
//! assert_eq!(last, ["disk ok", "net ok"]);
//! ```
//!
//! **Pool**: values stay initialised across rounds; `reset` resets them field by field
//! ([`FieldReset`], generated by the derive's `pool` option) instead of dropping them, so a
//! `Vec` keeps its buffer.
//!
//! ```
//! use atomicarena::ArenaAlloc;
//!
//! #[derive(ArenaAlloc, Default)]
//! #[arena(name = PacketPool, capacity = 8, pool)]
//! struct Packet {
//!     #[arena(clear)] // `payload.clear()`: the buffer stays
//!     payload: Vec<u8>,
//!     #[arena(reset = 64)]
//!     ttl: u8,
//! }
//!
//! let mut pool = PacketPool::new();
//! let p = pool.take().unwrap();
//! assert_eq!(p.ttl, 64); // a fresh slot is `Default` reset field by field: the same every round
//! p.payload.extend_from_slice(&[0; 1500]);
//! pool.reset();
//! let p = pool.take().unwrap(); // the same slot, reset
//! assert!(p.payload.is_empty() && p.payload.capacity() >= 1500 && p.ttl == 64);
//! ```
//!
//! **Per-thread handles**: [`Arena::local`] (and [`Pool::local`]) claims chunks of slots with
//! one atomic operation and then allocates with a plain write; references live as long as the
//! arena borrow, not the handle. The unused tail of a handle's last chunk goes back to the
//! arena when the handle drops, free for any other claim: nothing is stranded (see
//! [Exact capacity](Arena#exact-capacity)).
//!
//! ```
//! let arena: atomicarena::Arena<u32, 256> = atomicarena::Arena::new();
//! std::thread::scope(|s| {
//!     for t in 0..2 {
//!         let arena = &arena;
//!         s.spawn(move || {
//!             let mut local = arena.local();
//!             for i in 0..50 {
//!                 local.alloc(t * 100 + i).unwrap();
//!             }
//!         });
//!     }
//! });
//! let mut arena = arena;
//! assert_eq!(arena.iter_mut().count(), 100);
//! ```
//!
//! # Bundles: one struct of arenas, `alloc` by type
//!
//! A compiler or a game frame allocates values of many types with one lifetime.
//! `#[derive(Arenas)]` on a struct whose fields are bounded arenas generates `alloc(value)` and
//! `alloc_slice_copy(&[T])` dispatched by the value's type to the field that stores it (rustc's
//! `declare_arena!`, thread-safe and on stable), with `new`, `new_boxed`, `reset`, and `len` and
//! `bytes_used` summed over the fields. A type the bundle has no arena for is a compile error
//! naming both; see [`Arenas`](derive@Arenas).
//!
//! ```
//! use atomicarena::{Arena, ArenaAlloc, Arenas};
//!
//! #[derive(ArenaAlloc)]
//! #[arena(capacity = 64)]
//! struct Token(&'static str);
//!
//! #[derive(Arenas)]
//! struct Frame {
//!     tokens: TokenArena,
//!     offsets: Arena<u32, 64>,
//! }
//!
//! let frame = Frame::new();
//! frame.alloc(Token("let")).unwrap();
//! frame.alloc_slice_copy(&[0u32, 4]).unwrap(); // goes to `offsets`
//! assert_eq!(frame.len(), 3);
//! ```
//!
//! # Threads
//!
//! Every kind is `Send` when `T: Send`. Sharing one between threads (a `static`, an `Arc`, a
//! scoped borrow) needs `Sync`:
//!
//! * [`Arena<T, N>`](Arena) and [`Pool<T, N>`](Pool) are `Sync` exactly when `T: Send`: values
//!   are moved in from any thread and each `&mut T` is reachable from one thread only; no `&T`
//!   is ever shared.
//! * [`Ring<T, N>`](Ring) is `Sync` when `T: Send + Sync`: many readers hold `&T` to one value
//!   at once, and a push drops the value it overwrites on its own thread. [`Ref`] is `Send` and
//!   `Sync` when `T: Sync`, like `&T`; [`Handle`] always is.
//! * [`Local`] and [`PoolLocal`] take `&mut self`: each thread makes its own.
//!
//! A type that is not `Send` cannot go into a shared arena; the compiler says so:
//!
//! ```compile_fail,E0277
//! static NAMES: atomicarena::Arena<std::rc::Rc<str>, 4> = atomicarena::Arena::new();
//! ```
//!
//! # Drops
//!
//! Every value is dropped exactly once, and never behind your back:
//!
//! * **bounded**: by `reset`, by `drain` (which hands the values out), or when the arena is
//!   dropped. `reset` is O(1) when `T` has no drop glue. A [`DroplessArena`] (`no_drop`) never
//!   drops: its type may have no drop glue, so nothing leaks. A value that does not fit comes back in
//!   [`Full`] (`into_inner`) instead of being dropped.
//! * **ring**: by the push that overwrites it (on that push's thread), by `reset`, or when the
//!   ring is dropped. A push that finds every slot pinned drops its own value at once and
//!   returns a handle that is already stale.
//! * **pool**: `reset` does not drop values, it resets them; `clear` and the pool's drop drop
//!   every value ever made, and `alloc` drops the recycled value it overwrites.
//! * A constructor, `Clone` or iterator that panics leaves a *hole* that nothing reads or drops.
//!   Forgetting a [`Local`] (`mem::forget`) leaks the values in its current chunk; forgetting a
//!   [`Ref`] keeps its slot pinned until `reset`. Both are sound.
//! * A `static` is never dropped, so the values in a `static` arena are never dropped either
//!   (as with any `static`).
//!
//! # `static` arenas
//!
//! `const fn new()` lets every kind live in a `static`, and then `alloc` returns
//! `&'static mut T`. But `reset` needs `&mut self`, and a `static` only ever gives `&`: a
//! `static` bounded arena or pool **fills once** and then returns `Full` for the rest of the
//! program. That fits data that lives forever (configuration, interned names, a registry built
//! at start-up). A `static` [`Ring`] recycles by itself, so it suits a log that runs forever,
//! and a `static` [`ScopedArena`] recycles bounded storage by itself: each request or task
//! enters a [`Scope`], and the last scope to leave a segment resets it.
//!
//! ```compile_fail,E0596
//! static EVENTS: atomicarena::Arena<u64, 64> = atomicarena::Arena::new();
//! EVENTS.reset(); // error: cannot borrow immutable static item `EVENTS` as mutable
//! ```
//!
//! To recycle, own the arena and lend it: one arena per frame or batch, borrowed by scoped
//! threads, reset between rounds (the borrow checker proves that no reference outlives the
//! round). `new_boxed()` puts a large one on the heap.
//!
//! ```
//! use atomicarena::Arena;
//!
//! let mut frame = Arena::<[f32; 4], 1024>::new_boxed();
//! for round in 0..3 {
//!     std::thread::scope(|s| {
//!         for t in 0..2 {
//!             let frame = &*frame;
//!             s.spawn(move || {
//!                 for i in 0..100 {
//!                     frame.alloc([round as f32, t as f32, i as f32, 0.0]).unwrap();
//!                 }
//!             });
//!         }
//!     });
//!     assert_eq!(frame.len(), 200);
//!     frame.reset(); // every reference of this round is gone: the borrow checker saw to it
//! }
//! ```
//!
//! # `no_std` and embedded targets
//!
//! The crate is `#![no_std]`. With `default-features = false` it needs neither `std` nor
//! `alloc`; `derive` works without them, and `alloc` adds only the `new_boxed()` constructors.
//!
//! It needs atomic compare-and-swap on pointer-sized integers (`target_has_atomic = "ptr"`).
//! On a target with only atomic loads and stores (`thumbv6m-none-eabi`, `riscv32imc`) it does
//! not build, and says so.
//!
//! [`Arena`], [`Pool`] and the per-thread handles use pointer-sized atomics only and are the
//! same on every target. [`Ring`] counts pushes with 64-bit sequence numbers and slot stamps, so
//! handles never repeat: on targets without 64-bit atomics (`thumbv7em-none-eabihf` and the
//! other 32-bit microcontrollers) those atomics come from
//! [portable-atomic](https://docs.rs/portable-atomic), which by default emulates them with a
//! small global table of spinning seqlocks. There, and only there:
//!
//! * ring operations are not lock-free (`Arena`, `Pool` and `Local` still are);
//! * a ring must not be used both by an interrupt handler and by the code that handler
//!   interrupts: the handler could spin forever on a lock that the interrupted code holds.
//!   A firmware that needs that chooses an interrupt-safe implementation in its own
//!   `Cargo.toml`, which applies to this crate too: portable-atomic's
//!   `unsafe-assume-single-core` feature (single core, privileged mode) or
//!   `unsafe-assume-privileged` (multi-core). This crate never enables them itself.
//!
//! # Features
//!
//! | feature  | default | what it adds |
//! |----------|---------|--------------|
//! | `std`    | yes     | implies `alloc`; [`FieldReset`] for `HashMap` and `HashSet` |
//! | `alloc`  | via std | the heap kinds (`HeapArena`, …, `with_capacity`); `new_boxed()` constructors that build an inline arena on the heap; [`FieldReset`] for `Vec`, `String`, `VecDeque` |
//! | `derive` | yes     | re-exports `#[derive(ArenaAlloc)]` |
//! | `loom`   | no      | for the crate's own model checking: with `--cfg loom`, atomics from [loom](https://docs.rs/loom); outside semver |
//!
//! loom is an optional dependency, as in crossbeam: a crate that depends on `atomicarena` gets
//! no package of loom's tree in its `Cargo.lock` (CI checks it). Building with `--cfg loom`
//! (for your own loom tests, say) needs the `loom` feature, or the build stops with an error
//! that says so.
//!
//! # Minimum supported Rust version
//!
//! Rust 1.85, checked by CI (`cargo +1.85 test -p atomicarena`). Raising it is not a breaking
//! change, but it happens only in a minor release and is noted in the release notes.
//!
//! # Soundness
//!
//! The invariants the code keeps, each stated where it is relied on:
//!
//! 1. A slot index is handed out at most once per round; a round ends only under `&mut self`.
//! 2. No path reads uninitialised memory: a constructor, `Clone` or iterator that panics after
//!    a slot was claimed leaves a *hole* that reset, drop and iteration skip.
//! 3. Every value is dropped exactly once.
//! 4. `Arena<T, N>: Sync` exactly when `T: Send` (values move between threads, no `&T` is
//!    shared); `Ring<T, N>: Sync` needs `T: Send + Sync` (readers share `&T`).
//!
//! Every `unsafe` block carries a `// SAFETY:` comment and every atomic ordering says what it
//! pairs with. The test suite runs under Miri, and the lock-free core under loom.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
// `cfg(loom)` only swaps the atomics for the model checker: not worth a label on `new()`.
#![cfg_attr(docsrs, doc(auto_cfg(hide(loom))))]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

// loom is an optional dependency (see the `loom` feature): `--cfg loom` alone cannot find it.
#[cfg(all(loom, not(feature = "loom")))]
compile_error!(
    "atomicarena was built with `--cfg loom` but without its `loom` feature: enable it \
     (`atomicarena = { ..., features = [\"loom\"] }` in the crate that runs the loom tests), \
     or build without `--cfg loom`"
);

// The bump cursor claims slots with `fetch_add` and compare-and-swap on `usize`.
#[cfg(not(target_has_atomic = "ptr"))]
compile_error!(
    "atomicarena needs atomic compare-and-swap on pointer-sized integers, which this target \
     lacks (it has only atomic loads and stores, like thumbv6m-none-eabi)"
);

// The kinds of the table above, one module each.
mod arena;
mod dropless;
mod pool;
mod ring;
mod rounds;
mod scoped;

// What the kinds share: their storage, the per-thread handles, errors, field-wise reset, and
// bundles (which build their fields zeroed, which loom's atomics are not).
#[cfg(not(loom))]
mod bundle;
mod error;
mod local;
mod reset;
mod storage;

// The machinery: the bump cursor and its free-range words, the per-thread chunks, the ring's
// stamps, the atomics (loom shim), the zeroed constructors.
mod cursor;
mod ring_stamp;
#[cfg(atomicarena_stripes)]
mod stripes;
mod sync;
mod words;
mod zeroable;

#[cfg(feature = "alloc")]
pub use crate::arena::HeapArena;
pub use crate::arena::{Arena, ArenaIn, Drain, IterMut};
#[cfg(feature = "alloc")]
pub use crate::dropless::HeapDroplessArena;
pub use crate::dropless::{DroplessArena, DroplessArenaIn};
pub use crate::error::Full;
pub use crate::local::{Local, PoolLocal};
#[cfg(feature = "alloc")]
pub use crate::pool::HeapPool;
pub use crate::pool::{Pool, PoolIn};
pub use crate::reset::FieldReset;
#[cfg(feature = "alloc")]
pub use crate::ring::HeapRing;
pub use crate::ring::{Handle, Ref, Ring, RingIn, RingIter};
#[cfg(feature = "alloc")]
pub use crate::rounds::HeapRounds;
pub use crate::rounds::{ForLifetime, RoundLocal, Rounds, RoundsIn};
#[cfg(feature = "alloc")]
pub use crate::scoped::HeapScopedArena;
pub use crate::scoped::{Scope, ScopeLocal, ScopedArena, ScopedArenaIn};
#[cfg(feature = "alloc")]
pub use crate::storage::Heap;
pub use crate::storage::{CapacityError, Inline, Storage};

/// Derives named arena types for a struct; see the [crate docs](crate) and the README.
#[cfg(feature = "derive")]
pub use atomicarena_derive::ArenaAlloc;
/// Derives an arena bundle: a struct of bounded arenas with `alloc` dispatched by the value's
/// type; see the derive's docs.
#[cfg(feature = "derive")]
pub use atomicarena_derive::Arenas;

/// What the derive's generated code needs. Not public API: no semver guarantees.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// The crate's README (the registry page): its examples run as doctests (the pattern of clap).
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The guards are `#[must_use]`: a statement that makes a [`Local`], [`PoolLocal`], [`Drain`]
/// or [`Ref`] and drops it at once is an `unused_must_use` warning (on by default), whose
/// message says what dropping it at once means. These doctests deny the lint, so that the
/// warning is an error they can check. (`let _ = arena.local();` is not warned about: `let _ =`
/// is Rust's way of saying "drop it now, on purpose"; Clippy's `let_underscore_must_use`
/// catches it.)
///
/// Kept, the guards compile with the lint denied:
///
/// ```
/// #![deny(unused_must_use)]
/// use atomicarena::{Arena, Pool, Ref, Ring};
///
/// let mut arena: Arena<u32, 4> = Arena::new();
/// let mut local = arena.local();
/// local.alloc(1).unwrap();
/// drop(local);
/// let drained: Vec<u32> = arena.drain().collect();
/// assert_eq!(drained, [1]);
///
/// let pool: Pool<u32, 4> = Pool::new();
/// let mut local = pool.local();
/// local.take().unwrap();
/// drop(local);
///
/// fn pin<'a>(ring: &'a Ring<u32, 4>) -> Ref<'a, u32> {
///     ring.get(ring.latest().unwrap()).unwrap()
/// }
/// let ring: Ring<u32, 4> = Ring::new();
/// ring.push(7);
/// let r = pin(&ring);
/// assert_eq!(*r, 7);
/// ```
///
/// Dropped at once, each one is an error here:
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let arena: atomicarena::Arena<u32, 4> = atomicarena::Arena::new();
/// arena.local(); // allocates nothing
/// ```
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let pool: atomicarena::Pool<u32, 4> = atomicarena::Pool::new();
/// pool.local(); // hands out nothing
/// ```
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// let mut arena: atomicarena::Arena<u32, 4> = atomicarena::Arena::new();
/// arena.alloc(1).unwrap();
/// arena.drain(); // drops every value, like `reset`
/// ```
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// use atomicarena::{Ref, Ring};
///
/// // Not `#[must_use]` itself: the lint comes from `Ref`.
/// fn pin<'a>(ring: &'a Ring<u32, 4>) -> Ref<'a, u32> {
///     ring.get(ring.latest().unwrap()).unwrap()
/// }
/// let ring: Ring<u32, 4> = Ring::new();
/// ring.push(7);
/// pin(&ring); // reads nothing
/// ```
#[cfg(doctest)]
pub struct MustUseGuards;
