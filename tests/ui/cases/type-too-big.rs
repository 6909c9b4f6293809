// A type too big to exist: rustc's "too big for the target architecture", on the type's name
// (a `const _` item of the derive asks for the type's layout first), once for the type however
// many arenas it has. It was reported inside `core/src/mem` only, with no line of this file.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
#[arena(ring = 4)]
struct Huge([u8; usize::MAX / 2]);

fn main() {}
