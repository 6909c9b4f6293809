//! Maps `cfg(sanitize = "thread")`, which stable Rust cannot name (it is feature-gated), to the
//! crate's own `cfg(atomicarena_tsan)`. ThreadSanitizer does not model stand-alone fences, so
//! under it the runtime replaces its one `fence(Acquire)` by an acquire load (as std's `Arc`
//! does under `cfg(sanitize = "thread")`). Cargo passes the target's cfgs to build scripts as
//! `CARGO_CFG_*`; `-Zsanitizer=thread` adds `sanitize="thread"`.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(atomicarena_tsan)");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_CFG_SANITIZE");
    let sanitizers = std::env::var("CARGO_CFG_SANITIZE").unwrap_or_default();
    if sanitizers.split(',').any(|s| s == "thread") {
        println!("cargo:rustc-cfg=atomicarena_tsan");
    }
}
