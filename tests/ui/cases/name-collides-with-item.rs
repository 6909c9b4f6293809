use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
struct Particle(u32);

// The user's own item has the name the derive generates. The first error says so (pointing at
// both); the macro cannot see the user's items, and the generated impls then land on the
// user's struct, so a few follow-on errors remain (no field `inner`). Fix: `name = ...`.
struct ParticleArena;

fn main() {}
