//! A flight recorder: worker threads log events into a fixed-size ring that always holds the
//! most recent ones, with no locks and no allocation by the recorder itself. The worker that
//! raises an alarm pins it (a `Ref`) and hands the pin to the main thread, so the alarm
//! survives all the events logged after it. At the end the program dumps what the recorder
//! holds, oldest first, with each event's handle, and shows that a handle to an overwritten
//! event reads as gone.
//!
//! Run with `cargo run --example flight_recorder`.

use std::thread;

use atomicarena::{Handle, Ref, Ring};

/// One logged event.
#[derive(Clone, Debug)]
struct Event {
    worker: usize,
    step: u32,
    what: String,
}

/// The recorder keeps the last 8 events; a `static` needs no heap and no setup.
static RECORDER: Ring<Event, 8> = Ring::new();

fn log(worker: usize, step: u32, what: impl Into<String>) -> Handle<Event> {
    let what = what.into();
    RECORDER.push(Event { worker, step, what })
}

fn main() {
    let boot = log(0, 0, "recorder started");

    let alarm: Option<Ref<'static, Event>> = thread::scope(|s| {
        let workers: Vec<_> = (1..=3)
            .map(|worker| {
                s.spawn(move || {
                    let mut pinned = None;
                    for step in 1..=20 {
                        if worker == 2 && step == 5 {
                            let h = log(worker, step, "ALARM: temperature high");
                            // Pin it at once: pushes skip its slot while the `Ref` lives.
                            pinned = RECORDER.get(h);
                        } else {
                            log(worker, step, format!("tick {}", step * 10));
                        }
                    }
                    pinned // a `Ref` can move to another thread (`Event: Sync`)
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().unwrap()).next()
    });

    let held = RECORDER.len();
    println!("the recorder holds the last {held} of 61 events, oldest first:");
    for (handle, event) in &RECORDER {
        let Event { worker, step, what } = &*event;
        println!("  {handle:?}\tworker {worker}  step {step:>2}  {what}");
    }
    match &alarm {
        Some(event) => println!("pinned alarm still intact: {:?}", event.what),
        None => println!("the alarm was overwritten before it could be pinned"),
    }
    drop(alarm); // unpin: the next event may take its slot
    match RECORDER.read(boot) {
        Some(event) => println!("{boot:?} is still here: {}", event.what),
        None => println!("{boot:?} (\"recorder started\") is gone: overwritten"),
    }
}
