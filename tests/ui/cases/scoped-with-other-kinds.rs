use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc, Default)]
#[arena(capacity = 8, scoped, ring)]
#[arena(name = JobPool, capacity = 8, pool, scoped)]
#[arena(name = JobsNoDrop, capacity = 8, scoped, no_drop)]
struct Job {
    id: u32,
}

fn main() {
    // The stubs keep the API: no follow-on errors.
    let _ = JobsNoDrop::new().scope();
}
