//! Compile-fail tests of `#[derive(ArenaAlloc)]`: every class of misuse is an error on the
//! user's token that says how to fix it. One `tests/ui/cases/<mistake>.rs` per class, with the
//! expected compiler output in the `.stderr` next to it. Re-bless with
//! `TRYBUILD=overwrite cargo test -p atomicarena-ui`, then read every changed `.stderr`.

// Compiler diagnostics change wording and layout between rustc versions, so the expected output
// is pinned to the toolchain the project's machines and CI use (stable 1.95); on any other
// toolchain the test is ignored rather than failing on a reworded note. Miri cannot run rustc,
// so it is ignored there too (Miri runs on nightly, where the first attribute already ignores
// it; the second is spelled this way so the two never both apply, which rustc warns about).
#[rustversion::attr(not(stable(1.95)), ignore)]
#[rustversion::attr(stable(1.95), cfg_attr(miri, ignore))]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("cases/*.rs");
}
