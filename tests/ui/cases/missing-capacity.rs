use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(name = Particles)]
struct Particle {
    pos: [f32; 3],
}

#[derive(ArenaAlloc)]
#[arena()]
struct Spark;

fn uses() {
    let p = Particles::new();
    p.alloc(Particle { pos: [0.0; 3] }).ok();
    let _ = SparkArena::new_boxed();
}

fn main() {}
