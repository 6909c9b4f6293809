//! Replays the committed fuzz seed corpora (`fuzz/corpus/<target>/`) through the models, decoded
//! as the fuzz targets decode them (`Vec<Op>` from all the bytes, through `arbitrary`), so that
//! a change of the runtime or of a model that a seed exposes fails `cargo test`, without
//! cargo-fuzz. The arena's seeds also run with threads in turn (`arena::run_in_turn`).
//! Not under Miri (155 seeds, some of them for the 4096-slot arena Miri skips): the property
//! tests cover the same at Miri sizes.

use std::fs;
use std::path::PathBuf;

use arbitrary::{Arbitrary, Unstructured};
use atomicarena_model::{arena, pool, ring, scoped};

/// The seeds of a target, sorted by name; there must be some.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut seeds: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Decodes each seed of `target` as its fuzz target does and runs it (a seed that does not
/// decode is skipped, as libFuzzer's target skips it).
fn replay<Op: for<'a> Arbitrary<'a>>(target: &str, run: impl Fn(&[Op])) {
    for (name, bytes) in seeds(target) {
        let Ok(ops) = Vec::<Op>::arbitrary_take_rest(Unstructured::new(&bytes)) else {
            continue;
        };
        eprintln!("{target}/{name}: {} ops", ops.len());
        run(&ops);
    }
}

#[test]
#[cfg_attr(miri, ignore = "the property tests run at Miri sizes")]
fn arena_seeds() {
    replay::<arena::Op>("arena", arena::run);
}

#[test]
#[cfg_attr(miri, ignore = "the property tests run at Miri sizes")]
fn arena_seeds_in_turn() {
    replay::<arena::Op>("arena", arena::run_in_turn);
}

#[test]
#[cfg_attr(miri, ignore = "the property tests run at Miri sizes")]
fn pool_seeds() {
    replay::<pool::Op>("pool", pool::run);
}

#[test]
#[cfg_attr(miri, ignore = "the property tests run at Miri sizes")]
fn ring_seeds() {
    replay::<ring::Op>("ring", ring::run);
}

#[test]
#[cfg_attr(miri, ignore = "the property tests run at Miri sizes")]
fn scoped_seeds() {
    replay::<scoped::Op>("scoped", scoped::run);
}
