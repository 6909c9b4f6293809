//! A flight recorder: worker threads log events into a fixed-size ring that always holds the
//! most recent ones, with no locks and no allocation by the recorder itself. A monitor thread
//! tails the recorder while it fills, as `tail -f` follows a log: `Ring::since` with the last
//! handle it saw gives it just the events logged after that one. It starts before anything is
//! logged, from `Handle::START`, which is older than every event. The worker that raises an
//! alarm pins it (a `Ref`) and hands the pin to the main thread, so the alarm survives all the
//! events logged after it; pushes that land on its slot skip it, and `Ring::skipped` counts the
//! sequence numbers they passed over, so the monitor can tell events it missed (overwritten
//! before it got to them) from numbers that never held an event. At the end the program dumps
//! what the recorder holds, oldest first, with each event's handle, and shows that a handle to
//! an overwritten event reads as gone.
//!
//! The recorder's size is chosen at run time, from the command line (8 events by default): a
//! `HeapRing`, built once with `with_capacity` and shared through a `OnceLock` as a `static`
//! would be. With a compile-time size it would be `static RECORDER: Ring<Event, 8> =
//! Ring::new();`, the same code otherwise.
//!
//! Run with `cargo run --example flight_recorder` or `cargo run --example flight_recorder -- 32`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::thread;

use atomicarena::{Handle, HeapRing, Ref};

/// One logged event.
#[derive(Clone, Debug)]
struct Event {
    worker: usize,
    step: u32,
    what: String,
}

/// The recorder: the last events, as many as the command line says. Set once, at start-up.
static RECORDER: OnceLock<HeapRing<Event>> = OnceLock::new();

/// The recorder, once `main` has built it.
fn recorder() -> &'static HeapRing<Event> {
    RECORDER.get().expect("main builds the recorder first")
}

fn log(worker: usize, step: u32, what: impl Into<String>) -> Handle<Event> {
    let what = what.into();
    recorder().push(Event { worker, step, what })
}

/// What the monitor saw while tailing the recorder.
struct Tail {
    /// The newest event it saw.
    last: Handle<Event>,
    /// Events it saw.
    seen: u64,
    /// The alarms among them.
    alarms: Vec<(Handle<Event>, String)>,
}

/// Follows the recorder from its first event until `stop` is set, then catches up once more.
fn monitor(stop: &AtomicBool) -> Tail {
    let mut tail = Tail {
        // Older than every event: the first `since` yields all there is, even if nothing is
        // there yet (then the next call starts from `START` again).
        last: Handle::START,
        seen: 0,
        alarms: Vec::new(),
    };
    loop {
        // Acquire: pairs with the Release store in `main`, so the last catch-up below sees
        // every event logged before it.
        let stopping = stop.load(Ordering::Acquire);
        // Only the events after the last one seen: the cost is what is new, not the ring.
        for (handle, event) in recorder().since(tail.last) {
            if event.what.starts_with("ALARM") {
                tail.alarms.push((handle, event.what.clone()));
            }
            tail.seen += 1;
            tail.last = handle;
        }
        if stopping {
            return tail;
        }
        thread::yield_now();
    }
}

fn main() {
    let slots = match std::env::args().nth(1) {
        None => 8,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("usage: flight_recorder [EVENTS KEPT, at least 1; default 8]");
                std::process::exit(2);
            }
        },
    };
    // Allocated once, here: pushes never allocate.
    let ring = HeapRing::try_with_capacity(slots).unwrap_or_else(|e| {
        eprintln!("flight_recorder: cannot keep {slots} events: {e}");
        std::process::exit(2);
    });
    assert!(RECORDER.set(ring).is_ok(), "set once");
    println!(
        "the recorder keeps the last {} events",
        recorder().capacity()
    );
    let stop = AtomicBool::new(false);

    let (boot, alarm, logged, tail) = thread::scope(|s| {
        // The monitor starts on an empty recorder.
        let tail = s.spawn(|| monitor(&stop));
        let boot = log(0, 0, "recorder started");
        let workers: Vec<_> = (1..=3)
            .map(|worker| {
                s.spawn(move || {
                    let (mut pinned, mut logged) = (None, 0u64);
                    for step in 1..=20 {
                        if worker == 2 && step == 5 {
                            let h = log(worker, step, "ALARM: temperature high");
                            // Pin it at once: pushes skip its slot while the `Ref` lives.
                            pinned = recorder().get(h);
                        } else {
                            log(worker, step, format!("tick {}", step * 10));
                        }
                        logged += 1;
                    }
                    // A `Ref` can move to another thread (`Event: Sync`).
                    (pinned, logged)
                })
            })
            .collect();
        let mut alarm: Option<Ref<'static, Event>> = None;
        let mut logged = 1; // "recorder started"
        for w in workers {
            let (pinned, n) = w.join().unwrap();
            alarm = alarm.or(pinned);
            logged += n;
        }
        // The last event: once the monitor has it, it has seen everything it could.
        log(0, 0, "recorder stopped");
        logged += 1;
        // Release: pairs with the monitor's Acquire load.
        stop.store(true, Ordering::Release);
        (boot, alarm, logged, tail.join().unwrap())
    });

    // Every sequence number after `Handle::START` (0), up to the last event, is an event the
    // monitor saw, an event it missed, or a number that a push skipped.
    let numbers = tail.last.sequence() - Handle::<Event>::START.sequence();
    let skipped = recorder().skipped();
    let missed = numbers - skipped - tail.seen;
    println!(
        "{logged} events logged; the monitor, tailing the recorder with `since` from \
         `Handle::START`, saw {} of them and missed {missed} (overwritten before it read them)",
        tail.seen,
    );
    for (handle, what) in &tail.alarms {
        println!("  it saw {handle:?}: {what}");
    }
    println!(
        "handles {boot:?} to {:?}: {numbers} sequence numbers = {} events + {skipped} skipped \
         over pinned slots",
        tail.last,
        numbers - skipped
    );

    let held = recorder().len();
    println!("the recorder holds {held} of the {logged} events, oldest first:");
    let mut previous: Option<Handle<Event>> = None;
    for (handle, event) in recorder() {
        let Event { worker, step, what } = &*event;
        let gap = previous.map_or(0, |p| handle.sequence() - p.sequence() - 1);
        let note = match gap {
            0 => String::new(),
            1 => "  (1 number since the previous one: overwritten or skipped)".to_string(),
            n => format!("  ({n} numbers since the previous one: overwritten or skipped)"),
        };
        println!("  {handle:?}\tworker {worker}  step {step:>2}  {what}{note}");
        previous = Some(handle);
    }
    match &alarm {
        Some(event) => println!("pinned alarm still intact: {:?}", event.what),
        None => println!("the alarm was overwritten before it could be pinned"),
    }
    drop(alarm); // unpin: the next event may take its slot
    match recorder().read(boot) {
        Some(event) => println!("{boot:?} is still here: {}", event.what),
        None => println!("{boot:?} (\"recorder started\") is gone: overwritten"),
    }
}
