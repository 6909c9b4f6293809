//! A round of 1,024 packets, each filling a 1,500-byte payload: the pool (buffers recycled
//! by the derived field-wise reset) against a fresh `Vec` per packet and a `Box` per packet.
//!
//! `cargo bench -p atomicarena-benches --bench pool` (see BENCHMARKS.md).

use std::hint::black_box;

use atomicarena::ArenaAlloc;
use criterion::{criterion_main, Criterion, Throughput};

const MTU: usize = 1500;
const PACKETS: usize = 1024;

#[derive(ArenaAlloc, Default)]
#[arena(name = PacketPool, capacity = 1024, pool)]
struct Packet {
    #[arena(clear)]
    payload: Vec<u8>,
    #[arena(reset = 0)]
    seq: u64,
}

fn pool_round(c: &mut Criterion) {
    let wire: Vec<u8> = (0..MTU).map(|i| i as u8).collect();
    let mut g = c.benchmark_group("pool_round");
    g.throughput(Throughput::Elements(PACKETS as u64));

    let mut pool = PacketPool::new_boxed();
    g.bench_function("atomicarena_pool", |b| {
        b.iter(|| {
            for i in 0..PACKETS {
                let p = pool.take().unwrap();
                p.payload.extend_from_slice(&wire);
                p.seq = i as u64;
                black_box(&*p);
            }
            pool.reset();
        })
    });

    g.bench_function("atomicarena_pool_local", |b| {
        b.iter(|| {
            let mut local = pool.local();
            for i in 0..PACKETS {
                let p = local.take().unwrap();
                p.payload.extend_from_slice(&wire);
                p.seq = i as u64;
                black_box(&*p);
            }
            drop(local);
            pool.reset();
        })
    });

    g.bench_function("fresh_vec", |b| {
        let mut packets: Vec<Packet> = Vec::with_capacity(PACKETS);
        b.iter(|| {
            for i in 0..PACKETS {
                let mut payload = Vec::new();
                payload.extend_from_slice(&wire);
                packets.push(Packet {
                    payload,
                    seq: i as u64,
                });
                black_box(packets.last());
            }
            packets.clear();
        })
    });

    g.bench_function("box_new", |b| {
        let mut packets: Vec<Box<Packet>> = Vec::with_capacity(PACKETS);
        b.iter(|| {
            for i in 0..PACKETS {
                let mut p = Box::new(Packet::default());
                p.payload.extend_from_slice(&wire);
                p.seq = i as u64;
                packets.push(black_box(p));
            }
            packets.clear();
        })
    });
    g.finish();
}

// `criterion_group!` generates an undocumented `pub fn`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::pool_round);
}
criterion_main!(group::benches);
