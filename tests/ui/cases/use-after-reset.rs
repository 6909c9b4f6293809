use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8)]
struct Particle {
    ttl: u32,
}

fn round() {
    let mut arena = ParticleArena::new();
    let p = arena.alloc(Particle { ttl: 1 }).unwrap();
    arena.reset(); // drops `*p`: `p` must not be usable after this
    p.ttl += 1;
}

fn main() {}
