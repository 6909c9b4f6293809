// `capacity` with no value: the derive's message, not syn's bare "expected `=`".
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity)]
struct Particle(u32);

fn main() {}
