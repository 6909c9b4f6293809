use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, pool)]
struct Particle {
    #[arena(clear, keep)]
    trail: Vec<[f32; 3]>,
    #[arena(reset = 100)]
    #[arena(reset = 50)]
    ttl: u32,
}

fn main() {}
