//! Sets `cfg(atomicarena_stripes)` when the automatic per-thread chunks of the shared path
//! can exist (see `src/stripes.rs`): with `std` (thread-local storage) and 64-bit atomics
//! (process-wide ids that never wrap).
//!
//! Maps `cfg(sanitize = "thread")`, which stable Rust cannot name (it is feature-gated), to the
//! crate's own `cfg(atomicarena_tsan)`. ThreadSanitizer does not model stand-alone fences, so
//! under it the runtime replaces its one `fence(Acquire)` by an acquire load (as std's `Arc`
//! does under `cfg(sanitize = "thread")`). Cargo passes the target's cfgs to build scripts as
//! `CARGO_CFG_*`; `-Zsanitizer=thread` adds `sanitize="thread"`.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(atomicarena_tsan)");
    println!("cargo:rustc-check-cfg=cfg(atomicarena_stripes)");
    let std = std::env::var_os("CARGO_FEATURE_STD").is_some();
    let atomics = std::env::var("CARGO_CFG_TARGET_HAS_ATOMIC").unwrap_or_default();
    if std && atomics.split(',').any(|w| w == "64") {
        println!("cargo:rustc-cfg=atomicarena_stripes");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_CFG_SANITIZE");
    let sanitizers = std::env::var("CARGO_CFG_SANITIZE").unwrap_or_default();
    if sanitizers.split(',').any(|s| s == "thread") {
        println!("cargo:rustc-cfg=atomicarena_tsan");
    }
}
