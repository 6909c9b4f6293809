use atomicarena::ArenaAlloc;

// `Self` means nothing where the capacity is used (the generated struct's field type, free
// `const` items): rustc would report a failed path and a cycle.
#[derive(ArenaAlloc)]
#[arena(capacity = Self::CAP * 2)]
struct Job(u32);

impl Job {
    const CAP: usize = 8;
}

fn main() {
    let _ = JobArena::new();
}
