// An unsized struct cannot be stored in fixed-size slots: one error, on the last field's type.
use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
struct Packet {
    len: u16,
    data: [u8],
}

#[derive(ArenaAlloc)]
#[arena(capacity = 4)]
struct Wrapper<T: ?Sized> {
    id: u32,
    value: T,
}

fn main() {}
