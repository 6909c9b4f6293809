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
