// A `crate = "..."` path that does not resolve: one error, on the path. A dependency renamed in
// Cargo.toml (`arena2 = { package = "atomicarena", ... }`) without `crate = "arena2"` gives the
// same single error on `::atomicarena`, at the derive (UI cases cannot rename a dependency).
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, crate = "::arena2")]
struct Particle(u32);

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 2, crate = "::arena2", pool)]
struct Scratch {
    buf: Vec<u8>,
}

// The generated types still exist: their uses add no errors.
fn uses() {
    let _ = ParticleArena::new();
    let _ = ScratchPool::CAPACITY;
}

fn main() {}
