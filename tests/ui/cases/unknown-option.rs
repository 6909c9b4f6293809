use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacty = 8)]
struct Typo;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, nodrop)]
struct Flag;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, colour = "red")]
struct Unrelated;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, clear)]
struct FieldOptionOnStruct {
    buf: Vec<u8>,
}

fn uses() {
    let _ = TypoArena::new();
}

fn main() {}
