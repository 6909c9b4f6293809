// A capacity naming a constant that does not exist: one E0425, on the name (it gave two). rustc
// adds "no method named `alloc`" at a use of the arena (see capacity-underflow.rs); the `for`
// loop and `new()` add nothing.
use atomicarena::ArenaAlloc;

const CAP: usize = 4;

#[derive(ArenaAlloc)]
#[arena(capacity = CAPP)]
struct Particle(u32);

fn uses() {
    let arena = ParticleArena::new();
    arena.alloc(Particle(1)).unwrap();
    for p in &mut ParticleArena::new() {
        p.0 += CAP as u32;
    }
}

fn main() {}
