use atomicarena::ArenaAlloc;

#[derive(ArenaAlloc)]
#[arena(heap, capacity = 1024)]
struct Particle {
    pos: [f32; 3],
}

#[derive(ArenaAlloc)]
#[arena(ring = 16, heap)]
struct Event(u32);

// The uses of the heap types add no errors of their own.
fn uses() {
    let p = ParticleHeapArena::with_capacity(8);
    p.alloc(Particle { pos: [0.0; 3] }).ok();
    let e = EventHeapRing::try_with_capacity(4).unwrap();
    e.push(Event(1));
}

fn main() {}
