//! A request handler on 4 threads that allocates each request's data from one `static`
//! `ScopedArena`, which recycles itself: no `&mut`, no reset call, no lock.
//!
//! Each request enters a scope, parses its line into a `Request` (a `String` path and a few
//! numbers) stored in the arena, and its headers into more `Request` slots; the values live
//! until the request's scope ends. The last scope of an epoch to leave resets it, dropping its
//! requests. A request whose scope finds no slot (its epoch is full and the other one is still
//! held by a scope of another thread, possibly preempted inside it) yields and tries again. A counting `Drop` shows that every request stored was dropped exactly once
//! (allocated == dropped), and the program prints how many epochs were recycled and how often
//! a full epoch sent new requests to the other one.
//!
//! ```text
//! cargo run --release --example request_handler
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use atomicarena::ScopedArena;

/// Requests stored in the arena (successful `alloc`s).
static STORED: AtomicU64 = AtomicU64::new(0);
/// `Request`s dropped, wherever they were.
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// `Request`s made (stored or not).
static MADE: AtomicU64 = AtomicU64::new(0);

/// One parsed request line (or one of its headers).
#[derive(Debug)]
struct Request {
    method: &'static str,
    path: String,
    id: u64,
}

impl Request {
    fn new(method: &'static str, path: String, id: u64) -> Self {
        MADE.fetch_add(1, Ordering::Relaxed);
        Request { method, path, id }
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Slots per epoch: 256 requests and headers at once (the arena holds two epochs, 512 slots).
const SLOTS: usize = 256;

static REQUESTS: ScopedArena<Request, SLOTS> = ScopedArena::new();

/// What one thread saw.
#[derive(Default, Clone, Copy)]
struct Seen {
    handled: u64,
    /// Attempts that found their scope's epoch full, and were retried after a yield.
    retries: u64,
    /// Requests turned away after [`TRIES`] attempts.
    rejected: u64,
    /// Headers dropped for lack of a slot.
    headers_dropped: u64,
    bytes: u64,
    /// Requests whose scope was in epoch 1 (the arena starts in epoch 0: these came after a
    /// full epoch sent new scopes to the other one).
    in_epoch_1: u64,
}

/// Attempts per request before it is turned away ("503").
const TRIES: u32 = 100;

/// Handles one request line: its data lives in the arena until the scope ends. `Err` when the
/// scope's epoch had no slot for the request itself: the other epoch was busy too, held by a
/// scope of another thread (one preempted inside its scope holds its epoch).
fn handle(id: u64, line: &str, seen: &mut Seen) -> Result<(), ()> {
    let scope = REQUESTS.scope();
    if scope.epoch() == 1 {
        seen.in_epoch_1 += 1;
    }
    let mut parts = line.split(' ');
    let method = match parts.next() {
        Some("GET") => "GET",
        Some("POST") => "POST",
        _ => "OTHER",
    };
    let path = parts.next().unwrap_or("/").to_owned();
    let request = match scope.alloc(Request::new(method, path, id)) {
        Ok(r) => r,
        Err(full) => {
            // This scope's epoch is full: drop the request here; the caller retries.
            drop(full.into_inner());
            return Err(());
        }
    };
    STORED.fetch_add(1, Ordering::Relaxed);
    // Headers: one more slot each.
    let mut bytes = request.path.len();
    for header in parts {
        match scope.alloc(Request::new(request.method, header.to_owned(), id)) {
            Ok(h) => {
                STORED.fetch_add(1, Ordering::Relaxed);
                bytes += h.path.len();
            }
            Err(full) => {
                drop(full.into_inner());
                seen.headers_dropped += 1;
            }
        }
    }
    request.path.push_str("?handled");
    assert_eq!(request.id, id);
    seen.handled += 1;
    seen.bytes += bytes as u64;
    Ok(())
} // the scope ends: if it was its epoch's last, the epoch is reset and its requests dropped

fn main() {
    const THREADS: u64 = 4;
    const PER_THREAD: u64 = 250_000;
    let lines = [
        "GET /index.html accept:text/html",
        "POST /api/v1/orders content-type:json content-length:512",
        "GET /static/app.js",
        "GET /favicon.ico accept:image",
    ];
    let start = Instant::now();
    let seen: Vec<Seen> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                s.spawn(move || {
                    let mut seen = Seen::default();
                    for i in 0..PER_THREAD {
                        let id = t * PER_THREAD + i;
                        let line = lines[(id % 4) as usize];
                        let mut tries = 0;
                        while handle(id, line, &mut seen).is_err() {
                            tries += 1;
                            if tries == TRIES {
                                seen.rejected += 1;
                                break;
                            }
                            // Let the thread that holds the other epoch run and leave.
                            seen.retries += 1;
                            thread::yield_now();
                        }
                    }
                    seen
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = start.elapsed();

    let handled: u64 = seen.iter().map(|s| s.handled).sum();
    let rejected: u64 = seen.iter().map(|s| s.rejected).sum();
    let retries: u64 = seen.iter().map(|s| s.retries).sum();
    let headers_dropped: u64 = seen.iter().map(|s| s.headers_dropped).sum();
    let bytes: u64 = seen.iter().map(|s| s.bytes).sum();
    let in_epoch_1: u64 = seen.iter().map(|s| s.in_epoch_1).sum();
    let (stored, made, dropped) = (
        STORED.load(Ordering::Relaxed),
        MADE.load(Ordering::Relaxed),
        DROPPED.load(Ordering::Relaxed),
    );
    let requests = THREADS * PER_THREAD;
    println!(
        "{requests} requests on {THREADS} threads in {:.1} ms ({:.0} ns per request)",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_nanos() as f64 / requests as f64,
    );
    println!(
        "  handled {handled}, rejected {rejected} after {TRIES} tries, {retries} retries (epoch \
         full), {headers_dropped} headers dropped, {bytes} bytes of paths and headers"
    );
    println!(
        "  arena: 2 epochs x {SLOTS} slots; {} epochs recycled; {in_epoch_1} requests served from epoch 1",
        REQUESTS.recycled()
    );
    println!("  values: {made} made, {stored} stored in the arena, {dropped} dropped");
    // Every scope has ended, so every epoch was reset by its last scope: nothing is left in the
    // arena, and every value made was dropped once (stored ones by the resets, refused ones by
    // the handler).
    assert_eq!(dropped, made, "leak or double drop");
    assert_eq!(handled + rejected, requests);
    println!("  nothing leaked: allocated == dropped ({made} == {dropped})");
    let scope = REQUESTS.scope();
    assert_eq!(scope.len(), 0);
    println!(
        "  after the last request, the current epoch is empty: len {}",
        scope.len()
    );
}
