// A generic pool whose field of type `T` has no option: the message says which bound to add.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4, pool)]
struct Slot<T> {
    value: T,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        unimplemented!()
    }
}

fn main() {}
