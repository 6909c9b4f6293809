use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, pool)]
struct Particle {
    #[arena(clear)]
    trail: Vec<[f32; 3]>,
    #[arena(clear)]
    ttl: u32,
}

fn main() {}
