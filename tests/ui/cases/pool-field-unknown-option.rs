use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, pool)]
struct Particle {
    #[arena(claer)]
    trail: Vec<[f32; 3]>,
    #[arena(capacity = 3)]
    ttl: u32,
    #[arena(reset_with = "reset_pos")]
    pos: [f32; 3],
}

fn uses() {
    let pool = ParticleArena::new();
    let _ = pool.capacity();
}

fn main() {}
