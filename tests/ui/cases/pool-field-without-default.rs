use atomicarena::ArenaAlloc;

struct Handle(u32); // no `Default`

#[derive(ArenaAlloc)]
#[arena(capacity = 8, pool)]
struct Job {
    id: u64,
    handle: Handle,
}

impl Default for Job {
    fn default() -> Self {
        Job { id: 0, handle: Handle(0) }
    }
}

fn main() {}
