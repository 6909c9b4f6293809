use atomicarena::ArenaAlloc;

// Structs and enums are supported; a union is not (the arena could not know what to drop).
#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
union Bits {
    int: u32,
    float: f32,
}

// The fallback still generates the arena: this use adds no error of its own.
fn uses() {
    let _ = BitsArena::CAPACITY;
}

fn main() {}
