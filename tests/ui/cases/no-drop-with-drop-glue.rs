use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, no_drop)]
struct Named {
    name: String,
}

// With a type parameter the check runs when the arena is built: here in a `static`.
#[derive(ArenaAlloc)]
#[arena(capacity = 8, no_drop)]
struct Labelled<T> {
    label: T,
}

static LABELS: LabelledArena<Vec<u8>> = LabelledArena::new();

fn main() {}
