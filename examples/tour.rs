//! A tour of the bounded [`Arena`]: a multi-threaded log parser.
//!
//! Four threads parse access-log lines into one shared `Arena<Event, 262_144>` built on the heap
//! with [`Arena::new_boxed`]. Each `Event` borrows its path from the input text (zero copy), and
//! each thread allocates through `&Arena` with one atomic add per event and gets a `&mut Event`
//! back, which it may keep, edit and hand to the main thread. The tour then shows:
//!
//! * reading back: the `&mut` references the threads returned, then every value through
//!   [`Arena::iter_mut`] once the threads are done;
//! * running out of room: a burst that does not fit gets its events back in [`Full`]
//!   (`into_inner`), so nothing is lost or silently dropped;
//! * batches: [`Arena::alloc_slice_copy`] is all or nothing (it takes nothing from a full
//!   arena) and copies a whole slice with one `memcpy` when it fits;
//! * [`Arena::reset`] under `&mut`: O(1) here because `Event` has no drop glue;
//! * the per-thread fast path: each thread takes an [`Arena::local`] handle, which claims
//!   chunks of slots with one compare-and-swap and then allocates with a plain write and a
//!   bump; the price is a few slots of chunk tails left as holes (counted by `len`, skipped
//!   by `iter_mut`);
//! * the statistics `len`, `bytes_used`, `remaining`, `high_water`, `failed_allocs`;
//! * the cost of an allocation (shared `alloc`, `Local::alloc`, `Box::new`) on the same events
//!   on 1, 2 and 4 threads.
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! It also runs in a debug build (slower, same output apart from the timings).

use std::fmt::Write as _;
use std::hint::black_box;
use std::mem;
use std::thread;
use std::time::{Duration, Instant};

use atomicarena::{Arena, Full};

/// Slots in the arena.
const CAPACITY: usize = 1 << 18;
/// Lines in the first batch of input; a burst of `BURST` more follows.
const LINES: usize = 200_000;
const BURST: usize = 100_000;
const THREADS: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Info,
    Warn,
    Error,
}

/// One parsed log line. `path` points into the input text.
#[derive(Clone, Copy, Debug)]
struct Event<'a> {
    ts_ms: u64,
    path: &'a str,
    latency_us: u32,
    status: u16,
    level: Level,
}

type Events<'a> = Arena<Event<'a>, CAPACITY>;

fn main() {
    let text = generate_log(LINES + BURST);
    let lines: Vec<&str> = text.lines().collect();
    let (first, burst) = lines.split_at(LINES);

    let mut arena: Box<Events<'_>> = Arena::new_boxed();
    println!(
        "atomicarena tour: {THREADS} threads parse an access log into one Arena<Event, {CAPACITY}>"
    );
    println!(
        "  Event: {} bytes, its path borrowed from the input; arena: {:.1} MiB on the heap, built \
         in place by new_boxed",
        mem::size_of::<Event<'_>>(),
        mem::size_of_val(&*arena) as f64 / (1 << 20) as f64
    );
    if cfg!(debug_assertions) {
        println!("  (debug build: the timings below mean little; use --release)");
    }

    // 1. Parse on THREADS threads into the shared arena. Each thread keeps `&mut` references
    //    to the server errors it saw and returns them to the main thread.
    let start = Instant::now();
    let shared: &Events<'_> = &arena;
    let errors: Vec<&mut Event<'_>> = thread::scope(|s| {
        let workers: Vec<_> = first
            .chunks(first.len().div_ceil(THREADS))
            .map(|chunk| {
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for line in chunk {
                        let ev = shared
                            .alloc(parse(line).expect("generated lines parse"))
                            .unwrap();
                        if ev.latency_us > 50_000 && ev.level == Level::Info {
                            ev.level = Level::Warn; // slow: escalate, in place
                        }
                        if ev.status >= 500 {
                            mine.push(ev);
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let parse_time = start.elapsed();
    println!(
        "parsed {} lines in {:.1} ms: len {}, bytes_used {}, remaining {}",
        first.len(),
        ms(parse_time),
        arena.len(),
        arena.bytes_used(),
        arena.remaining()
    );
    let worst = errors
        .iter()
        .max_by_key(|e| e.latency_us)
        .expect("the log has 5xx lines");
    println!(
        "the threads handed back {} &mut Event for 5xx lines; slowest: {} {} in {} us at t={} ms",
        errors.len(),
        worst.path,
        worst.status,
        worst.latency_us,
        worst.ts_ms
    );
    drop(errors); // the shared borrow ends here: `&mut arena` is available again

    // 2. Read every value back. `iter_mut` needs `&mut`, so no thread can still be allocating.
    let (mut levels, mut total_latency) = ([0usize; 3], 0u64);
    for ev in arena.iter_mut() {
        levels[ev.level as usize] += 1;
        total_latency += u64::from(ev.latency_us);
    }
    println!(
        "iter_mut read back {} events: info {}, warn {}, error {}; mean latency {} us",
        levels.iter().sum::<usize>(),
        levels[0],
        levels[1],
        levels[2],
        total_latency / arena.len() as u64
    );

    // 3. A burst that does not fit: `Full` hands each event back, nothing is lost.
    let shared: &Events<'_> = &arena;
    let mut leftovers: Vec<Event<'_>> = thread::scope(|s| {
        let workers: Vec<_> = burst
            .chunks(burst.len().div_ceil(THREADS))
            .map(|chunk| {
                s.spawn(move || {
                    let mut back = Vec::new();
                    for line in chunk {
                        if let Err(full) = shared.alloc(parse(line).unwrap()) {
                            back.push(full.into_inner());
                        }
                    }
                    back
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    println!(
        "burst of {} more lines: {} stored, {} handed back by Full::into_inner; is_full {}, \
         failed_allocs {}",
        burst.len(),
        burst.len() - leftovers.len(),
        leftovers.len(),
        arena.is_full(),
        arena.failed_allocs()
    );
    leftovers.sort_by_key(|e| e.ts_ms);

    // 4. A batch is all or nothing: a full arena takes none of it.
    let err: Full<()> = arena.alloc_slice_copy(&leftovers).unwrap_err();
    println!(
        "alloc_slice_copy of the {} leftovers: Err({err}), nothing taken (len {}), \
         failed_allocs {}",
        leftovers.len(),
        arena.len(),
        arena.failed_allocs()
    );

    // 5. Reset: `&mut self`, so no reference survives it; O(1) since `Event` needs no drop.
    let start = Instant::now();
    arena.reset();
    let reset_time = start.elapsed();
    println!(
        "reset of {} events took {} ns: len {}, high_water {}, failed_allocs {} (lifetime)",
        CAPACITY,
        reset_time.as_nanos(),
        arena.len(),
        arena.high_water(),
        arena.failed_allocs()
    );

    // 6. The next round starts with the leftovers, in one contiguous copy.
    let batch = arena
        .alloc_slice_copy(&leftovers)
        .expect("an empty arena has room");
    println!(
        "next round: the leftovers go in with one alloc_slice_copy: {} events, t={}..{} ms",
        batch.len(),
        batch[0].ts_ms,
        batch[batch.len() - 1].ts_ms
    );
    println!("{arena:?}");

    // 7. The per-thread fast path: each thread parses the first batch again through its own
    //    `Local` handle. The references it returns borrow the arena, not the handle, so they
    //    outlive it.
    let shared: &Events<'_> = &arena;
    let errors: Vec<&mut Event<'_>> = thread::scope(|s| {
        let workers: Vec<_> = first
            .chunks(first.len().div_ceil(THREADS))
            .map(|chunk| {
                s.spawn(move || {
                    let mut local = shared.local();
                    let mut mine = Vec::new();
                    for line in chunk {
                        let ev = local.alloc(parse(line).unwrap()).unwrap();
                        if ev.status >= 500 {
                            mine.push(ev);
                        }
                    }
                    mine // `local` is dropped here; the references stay valid
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    println!(
        "{THREADS} threads with a Local handle each (one CAS per chunk of 16..1024 slots) stored \
         {} more events and kept {} &mut Event past their handles",
        first.len(),
        errors.len()
    );
    drop(errors);
    let values = arena.iter_mut().count();
    assert_eq!(arena.len(), values, "len counts exactly the values");
    println!(
        "  len {} = the {values} values iter_mut reads; remaining {}: the handles' unused chunk \
         tails are free again, nothing stranded",
        arena.len(),
        arena.remaining()
    );

    // 8. What an allocation costs: the same parsed events, allocation only, on 1, 2 and 4
    //    threads (which then contend for the arena's one cursor, or claim chunks from it;
    //    Box::new has per-thread malloc arenas).
    let events: Vec<Event<'_>> = first.iter().map(|l| parse(l).unwrap()).collect();
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let per = |d: Duration| d.as_nanos() as f64 / events.len() as f64;
    let runs = if cfg!(debug_assertions) { 3 } else { 21 };
    println!(
        "allocation only, the same {} events, best of {runs}, ns per event (wall time; {cores} \
         cores):",
        events.len()
    );
    println!("  threads   Arena::alloc   Local::alloc   Box::new");
    for threads in [1, 2, THREADS] {
        let work: Vec<&[Event<'_>]> = events.chunks(events.len().div_ceil(threads)).collect();
        let mut best = [Duration::MAX; 3];
        for _ in 0..runs {
            arena.reset();
            best[0] = best[0].min(alloc_arena(&arena, &work));
            arena.reset();
            best[1] = best[1].min(alloc_local(&arena, &work));
            best[2] = best[2].min(alloc_box(&work));
        }
        println!(
            "  {threads:>7}   {:>12.1}   {:>12.1}   {:>8.1}",
            per(best[0]),
            per(best[1]),
            per(best[2])
        );
    }
    println!(
        "for scale, parsing a line (its alloc included) took {:.0} ns in step 1",
        per(parse_time)
    );
}

/// Moves every event into `arena` with the shared `alloc`, from one thread per chunk; returns
/// the wall time.
fn alloc_arena<'a>(arena: &Events<'a>, parsed: &[&[Event<'a>]]) -> Duration {
    let start = Instant::now();
    thread::scope(|s| {
        for &chunk in parsed {
            s.spawn(move || {
                for ev in chunk {
                    black_box(arena.alloc(*ev).unwrap());
                }
            });
        }
    });
    start.elapsed()
}

/// Moves every event into `arena` through one `Local` handle per thread, one thread per
/// chunk; returns the wall time.
fn alloc_local<'a>(arena: &Events<'a>, parsed: &[&[Event<'a>]]) -> Duration {
    let start = Instant::now();
    thread::scope(|s| {
        for &chunk in parsed {
            s.spawn(move || {
                let mut local = arena.local();
                for ev in chunk {
                    black_box(local.alloc(*ev).unwrap());
                }
            });
        }
    });
    start.elapsed()
}

/// Boxes every event from one thread per chunk, keeping the boxes (as the arena keeps its
/// values); returns the wall time, without the time to free them.
fn alloc_box<'a>(parsed: &[&[Event<'a>]]) -> Duration {
    let mut kept: Vec<Vec<Box<Event<'a>>>> =
        parsed.iter().map(|c| Vec::with_capacity(c.len())).collect();
    let start = Instant::now();
    thread::scope(|s| {
        for (&chunk, out) in parsed.iter().zip(&mut kept) {
            s.spawn(move || {
                for ev in chunk {
                    out.push(black_box(Box::new(*ev)));
                }
            });
        }
    });
    let elapsed = start.elapsed();
    drop(kept);
    elapsed
}

/// Parses `"<ts_ms> <LEVEL> <path> <status> <latency>us"`.
fn parse(line: &str) -> Option<Event<'_>> {
    let mut f = line.split_ascii_whitespace();
    let ts_ms = f.next()?.parse().ok()?;
    let level = match f.next()? {
        "INFO" => Level::Info,
        "WARN" => Level::Warn,
        "ERROR" => Level::Error,
        _ => return None,
    };
    let path = f.next()?;
    let status = f.next()?.parse().ok()?;
    let latency_us = f.next()?.strip_suffix("us")?.parse().ok()?;
    Some(Event {
        ts_ms,
        path,
        latency_us,
        status,
        level,
    })
}

/// A deterministic access log of `n` lines.
fn generate_log(n: usize) -> String {
    const PATHS: [&str; 6] = [
        "/",
        "/login",
        "/api/users",
        "/api/orders",
        "/static/app.js",
        "/health",
    ];
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        // xorshift64*
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        rng.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut out = String::with_capacity(n * 48);
    let mut ts = 1_700_000_000_000_u64;
    for _ in 0..n {
        let r = next();
        ts += r % 7;
        let status = match r >> 56 {
            0..=2 => 503,
            3..=12 => 404,
            _ => 200,
        };
        let level = match status {
            500.. => "ERROR",
            400.. => "WARN",
            _ => "INFO",
        };
        let path = PATHS[(r >> 8) as usize % PATHS.len()];
        let id = (r >> 20) % 10_000;
        let latency = 200 + (r >> 32) % 2_000 + if r % 97 == 0 { (r >> 40) % 200_000 } else { 0 };
        writeln!(out, "{ts} {level} {path}/{id} {status} {latency}us").unwrap();
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
