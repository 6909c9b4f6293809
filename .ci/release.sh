#!/usr/bin/env bash
# Release checks for atomicarena (issue 10): what a user of the published crates meets.
#
#  1. the docs as docs.rs builds them (nightly, `--cfg docsrs`, all features, warnings denied);
#  2. the licence files, identical in the repository and in both packages;
#  3. `cargo package` of both crates, then the packaged `atomicarena` unpacked and tested on its
#     own (its unit tests, its doctests and its README's examples), against the packaged derive;
#  4. the runtime built for a microcontroller without 64-bit atomics (thumbv7em-none-eabihf), and
#     a subset of the ring's tests (order, stale handles, pins, drops, threads) run under Miri
#     on a 32-bit target without 64-bit atomics that has `std`
#     (powerpc-unknown-linux-gnu), so that portable-atomic's emulated `AtomicU64` is executed;
#  5. the MSRV: `cargo +1.85 test -p atomicarena`.
#
# Run from anywhere in a clean clone: bash .ci/release.sh. It installs what it needs (a minimal
# nightly with Miri and rust-src, 1.85, the thumbv7em target). On a work tree with uncommitted changes, set
# RELEASE_ALLOW_DIRTY=1 to pass `--allow-dirty` to `cargo package` (CI never needs it).
#
# `bash .ci/release.sh miri` runs only step 4's Miri run; RELEASE_SKIP_MIRI=1 runs everything but
# it. `.ci/run` uses both: the Miri run goes with CI's other Miri runs (.ci/miri.sh, on the core
# that the native builds leave free), the rest runs in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# One target dir for every step, also for the unpacked crate (its registry deps are reused).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
start=$(date +%s)
step() { printf '\n=== [release %4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

MSRV=1.85
EMBEDDED=thumbv7em-none-eabihf
NO_ATOMIC64_STD=powerpc-unknown-linux-gnu

mode=${1:-all}
case "$mode" in
  all | miri) ;;
  *) echo "usage: bash .ci/release.sh [miri]" >&2; exit 2 ;;
esac

# Installs only what is missing: `.ci/run` installs every toolchain first, then runs this script
# and `.ci/release.sh miri` at the same time, and two rustups must not write one toolchain at once.
installed() { # toolchain ("" for the default one), component
  rustup component list ${1:+--toolchain "$1"} --installed 2>/dev/null | grep "^$2" >/dev/null
}
step "toolchains: nightly (docs.rs, Miri), $MSRV (MSRV), target $EMBEDDED"
rustup toolchain list | grep -q '^nightly' || run rustup toolchain install nightly --profile minimal
installed nightly miri && installed nightly rust-src ||
  run rustup component add --toolchain nightly miri rust-src

miri_no_atomic64() {
  step "Miri on $NO_ATOMIC64_STD: the ring with emulated 64-bit atomics"
  # Miri interprets the target (it builds that target's std from rust-src); no emulator needed.
  MIRIFLAGS="-Zmiri-strict-provenance" \
    run cargo +nightly miri test --target "$NO_ATOMIC64_STD" --test ring -- \
    overwrite_order stale_handle pinned_slot iter_is_oldest each_value concurrent_drops
}
if [[ "$mode" == miri ]]; then
  miri_no_atomic64
  step "release check (Miri) done"
  exit 0
fi

rustup toolchain list | grep -q "^$MSRV" || run rustup toolchain install "$MSRV" --profile minimal
installed "" clippy || run rustup component add clippy
rustup target list --installed | grep -x "$EMBEDDED" >/dev/null || run rustup target add "$EMBEDDED"

step "docs as docs.rs builds them"
RUSTDOCFLAGS="--cfg docsrs -D warnings" \
  run cargo +nightly doc -p atomicarena -p atomicarena-derive --no-deps --all-features

step "licence files: one text, in the repository and in each package"
for pkg in arena arena-derive; do
  for f in LICENSE-MIT LICENSE-APACHE; do
    run cmp "$f" "$pkg/$f"
  done
done

step "package both crates"
dirty=()
if [[ "${RELEASE_ALLOW_DIRTY:-}" == 1 ]]; then
  echo "RELEASE_ALLOW_DIRTY=1: packaging the work tree as it is (uncommitted changes included)"
  dirty=(--allow-dirty)
fi
# `--no-verify`: cargo's own verification builds `atomicarena` against the packaged derive
# through a temporary registry whose unpacked sources it caches in ~/.cargo/registry/src by
# name and version, so on a machine that packaged 0.1.0 before it silently reuses an older
# derive. The next step is the real verification: it unpacks both .crate files and tests the
# runtime against the packaged derive by path, and checks that this derive is the one in use.
run cargo package --no-verify -p atomicarena-derive -p atomicarena "${dirty[@]}"
id=$(cargo pkgid -p atomicarena)
version=${id##*@}
crate="$CARGO_TARGET_DIR/package/atomicarena-$version.crate"
derive_crate="$CARGO_TARGET_DIR/package/atomicarena-derive-$version.crate"
# Each package carries its README and both licence files.
for pkg in atomicarena atomicarena-derive; do
  files=$(tar -tzf "$CARGO_TARGET_DIR/package/$pkg-$version.crate")
  printf '%s: %s\n' "$pkg" "$(echo "$files" | sed "s|^$pkg-$version/||" | sort | tr '\n' ' ')"
  for f in README.md LICENSE-MIT LICENSE-APACHE; do
    grep -qx "$pkg-$version/$f" <<<"$files" || { echo "missing in $pkg's .crate: $f"; exit 1; }
  done
done

step "test the packaged atomicarena against the packaged derive"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run tar -xzf "$crate" -C "$work"
run tar -xzf "$derive_crate" -C "$work"
unpacked="$work/atomicarena-$version"
# Its own workspace (no parent manifest is looked for), the derive from its .crate rather than
# from crates.io, and the repository's lock file so that the versions are the tested ones.
cat >> "$unpacked/Cargo.toml" <<EOF

[workspace]

[patch.crates-io]
atomicarena-derive = { path = "$work/atomicarena-derive-$version" }
EOF
run cp Cargo.lock "$unpacked/Cargo.lock"
(
  cd "$unpacked"
  # Unit tests and doctests (the README's examples included).
  run cargo test
  # The derive really came from the .crate, not from a registry or the work tree.
  derive_id=$(cargo pkgid atomicarena-derive)
  echo "derive used: $derive_id"
  [[ "$derive_id" == *"$work/atomicarena-derive-$version"* ]] ||
    { echo "the derive in use is not the packaged one"; exit 1; }
)

step "embedded: $EMBEDDED (no 64-bit atomics: the ring uses portable-atomic)"
run cargo build -p atomicarena --no-default-features --target "$EMBEDDED"
run cargo build -p atomicarena --no-default-features --features derive,alloc --target "$EMBEDDED"
run cargo clippy -p atomicarena --no-default-features --features derive,alloc \
  --target "$EMBEDDED" -- -D warnings

if [[ "${RELEASE_SKIP_MIRI:-}" == 1 ]]; then
  step "Miri on $NO_ATOMIC64_STD: skipped here (RELEASE_SKIP_MIRI=1: the caller runs it)"
else
  miri_no_atomic64
fi

step "MSRV: Rust $MSRV"
run cargo "+$MSRV" test -p atomicarena

step "release checks done"
