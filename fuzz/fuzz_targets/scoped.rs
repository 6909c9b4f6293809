//! Fuzzes `ScopedArena<T, N>` against its reference model: libFuzzer's bytes decode (through
//! `arbitrary`) into a sequence of operations (enter, allocate, leave in any order, forget),
//! which `atomicarena_model::scoped::run` applies to the real type and to the model, panicking
//! at the first disagreement.
//!
//! libfuzzer-sys installs a panic hook that aborts the process on every panic, which would turn
//! the model's planned panics (payload `Planned`, thrown by destructors during a reset on
//! purpose and caught inside `run`) into crashes. `quiet_planned_panics`, run after that hook is
//! installed, wraps it: planned panics pass silently and unwind to `run`'s `catch_unwind`; any
//! other panic still reaches the aborting hook and is reported as a crash.

#![no_main]

use atomicarena_model::scoped::{run, Op};
use atomicarena_model::support::quiet_planned_panics;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: quiet_planned_panics(), |ops: Vec<Op>| run(&ops));
