use atomicarena::ArenaAlloc;

// The fields of a `repr(packed)` type may be unaligned: no `&mut` to them (E0793). Resetting
// by assignment works (`reset = EXPR`, or no option); `clear`, `reset_with` and `nested` need a
// `&mut` and are refused on the option.
#[derive(ArenaAlloc, Default)]
#[arena(capacity = 4, pool)]
#[repr(packed)]
struct Packet {
    #[arena(clear)]
    payload: Vec<u8>,
    #[arena(reset_with = Vec::clear)]
    spare: Vec<u8>,
    #[arena(reset = 0)]
    len: u32,
}

fn main() {}
