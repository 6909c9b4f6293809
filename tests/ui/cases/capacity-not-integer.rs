use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = "1024")]
struct Quoted;

#[derive(ArenaAlloc)]
#[arena(capacity = 2.5)]
struct Float;

#[derive(ArenaAlloc)]
#[arena(capacity = true)]
struct Bool;

#[derive(ArenaAlloc)]
#[arena(capacity = 64u32)]
struct Suffixed;

fn main() {}
