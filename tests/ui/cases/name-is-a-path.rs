// `name = a::Store`: the generated type is defined next to the deriving type, so its name is an
// identifier. One error on the path (no syn "expected `,`", no `non_camel_case_types` on `a`).
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(name = a::Store, capacity = 4)]
struct Item(u32);

// The stub is named after the last segment, which is what the uses name.
fn uses() {
    let _ = Store::new();
}

fn main() {}
