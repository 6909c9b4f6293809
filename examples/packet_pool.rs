//! Rounds of network packets through a pool: the 1,500-byte payload buffers are allocated in
//! the first round and reused in every round after it.
//!
//! `#[arena(name = PacketPool, heap, pool)]` generates `PacketPool`, a pool whose capacity is
//! chosen at run time: the number of packets per round comes from the command line (default
//! 1024), and `PacketPool::with_capacity(n)` allocates the pool's slots once, before round 0.
//! `reset()` runs the derived field-wise reset
//! (`payload.clear()` keeps the buffer, `seq` goes back to 0, `ttl` to 64, `src` to its default)
//! instead of dropping the packets. A packet's first value is `Default` with the same reset
//! applied, so round 0 hands out packets in the same state as every later round (`ttl == 64`).
//! A counting global allocator shows the heap allocations per round.
//!
//! ```text
//! cargo run --release --example packet_pool          # 1024 packets per round
//! cargo run --release --example packet_pool -- 2048  # 2048
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use atomicarena::ArenaAlloc;

/// Counts every allocation (and reallocation) the program makes.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; it only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on to `System`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on to `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on to `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MTU: usize = 1500;
/// Packets per round without a command-line argument.
const DEFAULT_PACKETS: usize = 1024;

#[derive(ArenaAlloc, Default)]
#[arena(name = PacketPool, heap, pool)]
struct Packet {
    #[arena(clear)]
    payload: Vec<u8>,
    #[arena(reset = 0)]
    seq: u64,
    #[arena(reset = 64)]
    ttl: u8,
    src: u32,
}

/// What the program does with a round: fill every packet of the pool, then checksum them.
fn round(pool: &PacketPool, round: u64, wire: &[u8]) -> u64 {
    let packets = pool.capacity();
    let mut sum = 0;
    for i in 0..packets {
        let p = pool.take().expect("the pool holds a round of packets");
        assert!(
            p.payload.is_empty() && p.seq == 0 && p.ttl == 64,
            "every round, round 0 included, hands out packets in the reset state"
        );
        p.payload.extend_from_slice(wire);
        p.payload[0] = round as u8;
        p.seq = round * packets as u64 + i as u64;
        p.src = i as u32;
        p.ttl -= 1; // one hop
        sum += p.payload.iter().map(|&b| u64::from(b)).sum::<u64>() + p.seq;
    }
    sum
}

/// The same round with a fresh `Vec` per packet, dropped at the end of the round.
fn fresh_round(n: usize, round: u64, wire: &[u8]) -> u64 {
    let mut packets = Vec::with_capacity(n);
    for i in 0..n {
        let mut payload = Vec::new();
        payload.extend_from_slice(wire);
        payload[0] = round as u8;
        packets.push(Packet {
            payload,
            seq: round * n as u64 + i as u64,
            ttl: 63,
            src: i as u32,
        });
    }
    packets
        .iter()
        .map(|p| p.payload.iter().map(|&b| u64::from(b)).sum::<u64>() + p.seq)
        .sum()
}

fn main() {
    let packets = match std::env::args().nth(1) {
        None => DEFAULT_PACKETS,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("usage: packet_pool [PACKETS_PER_ROUND] (default {DEFAULT_PACKETS})");
                std::process::exit(2);
            }
        },
    };
    let wire: Vec<u8> = (0..MTU).map(|i| (i * 7) as u8).collect();
    // The one allocation of the pool's slots; 0 or a size beyond memory is an error here.
    let mut pool = match PacketPool::try_with_capacity(packets) {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("packet_pool: cannot make a pool of {packets} packets: {e}");
            std::process::exit(1);
        }
    };

    println!(
        "{packets} packets of {MTU} bytes per round, pool of {}",
        pool.capacity()
    );
    println!(
        "{:>5}  {:>12}  {:>12}  {:>10}",
        "round", "pool allocs", "fresh allocs", "checksum"
    );
    let (mut pool_time, mut fresh_time) = (0.0, 0.0);
    for r in 0..6 {
        let before = ALLOCS.load(Ordering::Relaxed);
        let t = Instant::now();
        let sum = round(&pool, r, &wire);
        pool.reset();
        pool_time += t.elapsed().as_secs_f64();
        let pool_allocs = ALLOCS.load(Ordering::Relaxed) - before;

        let before = ALLOCS.load(Ordering::Relaxed);
        let t = Instant::now();
        let fresh_sum = fresh_round(packets, r, &wire);
        fresh_time += t.elapsed().as_secs_f64();
        let fresh_allocs = ALLOCS.load(Ordering::Relaxed) - before;

        assert_eq!(sum, fresh_sum, "both ways compute the same thing");
        println!("{r:>5}  {pool_allocs:>12}  {fresh_allocs:>12}  {sum:>10}");
    }
    println!(
        "pool: {:.1} µs per round, fresh Vecs: {:.1} µs per round (6 rounds, first included)",
        pool_time / 6.0 * 1e6,
        fresh_time / 6.0 * 1e6
    );
    println!("{pool:?}");
}
