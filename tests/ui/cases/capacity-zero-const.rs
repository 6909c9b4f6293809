use atomicarena::ArenaAlloc;

const SLOTS: usize = 4;

#[derive(ArenaAlloc)]
#[arena(capacity = SLOTS - 4)]
struct Particle {
    pos: [f32; 3],
}

fn main() {}
