// A runtime that is not at the `crate = "..."` path, for a generic type: still one error, on the
// path (no "ambiguous associated type", E0223).
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, crate = "::arena2")]
struct Cell<T>(T);

fn main() {}
