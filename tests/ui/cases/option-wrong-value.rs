use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(name = "Sparks", capacity = 8)]
struct Spark;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, crate = atomicarena)]
struct Unquoted;

#[derive(ArenaAlloc)]
#[arena(capacity = 8, ring = true)]
struct FlagWithValue;

#[derive(ArenaAlloc)]
#[arena]
struct NoList;

#[derive(ArenaAlloc)]
#[arena(capacity = )]
struct NoValue;

// The fallback still generates `Sparks` (the name the user meant): no follow-on errors.
fn uses() {
    let sparks = Sparks::new();
    sparks.alloc(Spark).ok();
}

fn main() {}
