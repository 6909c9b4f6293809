//! The 32-byte value of issue 16's scenarios (`bounded` and `ring` include this file).

/// `{ pos: [f32; 3], vel: [f32; 3], id: u64 }`, built from the loop index inside the timed
/// loop by [`rec32`]: six 4-byte float stores and one 8-byte store. A value that goes through
/// a stack temporary before reaching its slot is read back with wider loads, which defeats
/// store-to-load forwarding; four `u64`s would not show that cost, this layout does.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // written, never read: only its size and layout matter
pub struct Rec32 {
    pos: [f32; 3],
    vel: [f32; 3],
    id: u64,
}

const _: () = assert!(std::mem::size_of::<Rec32>() == 32);

/// The value for loop index `i`.
#[inline(always)]
pub fn rec32(i: u64) -> Rec32 {
    let f = i as f32;
    Rec32 {
        pos: [f, f + 1.0, f + 2.0],
        vel: [0.5, -0.5, f],
        id: i,
    }
}
