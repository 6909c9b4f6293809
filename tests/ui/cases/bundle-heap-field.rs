use atomicarena::{ArenaAlloc, Arenas};

#[derive(ArenaAlloc)]
#[arena(heap)]
struct Particle {
    pos: [f32; 3],
}

#[derive(Arenas)]
struct Frame {
    numbers: atomicarena::Arena<u64, 16>,
    names: atomicarena::HeapArena<String>,
    particles: ParticleHeapArena,
}

fn main() {}

// `names` is one error, from the derive, which sees the runtime's heap kind by its name.
// `particles` is a type generated with `heap`, whose name the derive cannot tell from an inline
// arena's: rustc reports that it is not a bounded arena, and also (on the same field) that it
// has no `new`, which the bundle's `const fn new()` calls; the fix for both is the same.
