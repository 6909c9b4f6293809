use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
struct Particle {
    pos: [f32; 3],
}

// The fallback still generates `ParticleArena`: no "cannot find type" errors here.
static PARTICLES: ParticleArena = ParticleArena::new();

fn uses() {
    PARTICLES.alloc(Particle { pos: [0.0; 3] }).ok();
}

fn main() {}
