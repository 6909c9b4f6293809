use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
struct Particle {
    #[arena(clear)]
    trail: Vec<[f32; 3]>,
    #[arena(reset = 100)]
    ttl: u32,
}

fn main() {}
