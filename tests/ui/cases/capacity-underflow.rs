// A capacity expression that fails to evaluate (an underflow) is evaluated once, in one hidden
// `const`: one error, on the expression (it gave 14). rustc adds "no method named `alloc`" at a
// use of the arena: method lookup through `Deref` to a type whose const argument failed to
// evaluate finds nothing, and a macro cannot make that type well-formed after the fact.
use atomicarena::ArenaAlloc;

const A: usize = 2;

#[derive(ArenaAlloc)]
#[arena(capacity = A - 3)]
struct Particle(u32);

fn uses() {
    let arena = ParticleArena::new();
    arena.alloc(Particle(1)).unwrap();
    let _ = ParticleArena::CAPACITY;
}

fn main() {}
