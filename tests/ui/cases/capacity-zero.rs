use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 0)]
struct Particle {
    pos: [f32; 3],
}

fn main() {}
