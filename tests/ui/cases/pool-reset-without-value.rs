// A field's `reset` with no value: the derive's message, not syn's bare "expected `=`".
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 4, pool)]
struct Job {
    #[arena(reset)]
    id: u32,
}

fn main() {}
