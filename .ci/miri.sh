#!/usr/bin/env bash
# Every Miri check of CI, in one script: Stacked Borrows over the integration tests and the
# property models, many seeds (schedules and weak-memory outcomes) on the concurrent tests, Tree
# Borrows over the integration tests, and the ring on a 32-bit target without 64-bit atomics.
#
# Miri interprets on one core. The checks are split into two halves of about the same length
# that run at the same time, each in its own target directory (so that neither waits for the
# other's cargo lock): half `a` (Stacked Borrows over the models and the non-concurrent tests,
# seeds 0..2, the powerpc run) and half `b` (Tree Borrows, seeds 2..8). Measured in CPU seconds
# on a loaded machine: the models ≈ 1,300, Tree Borrows over the suite 665, the concurrent tests
# ≈ 315 a seed; move seeds between the halves if one of them grows. `.ci/run` starts this
# script in the background right after the toolchains are installed and runs the native builds
# and tests meanwhile; it prints this script's log and fails on its exit status at the end. Run it alone with `bash .ci/miri.sh`
# (both halves), or one half with `bash .ci/miri.sh a` or `b` after `cargo +nightly miri setup`.
#
# Stress loops, capacities and proptest case counts shrink under cfg!(miri); trybuild UI tests are
# ignored under Miri. Doctests are left out: they use full-size capacities (4096-slot statics,
# 4M-slot boxes) that Miri, which retags the whole slot array on every access, needs tens of
# minutes for; the integration tests cover the same behaviour at Miri sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
part=${1:-all}
case "$part" in
  all | a | b) ;;
  *) echo "usage: bash .ci/miri.sh [a|b]" >&2; exit 2 ;;
esac
start=$(date +%s)
last=$start
step() {
  local now
  now=$(date +%s)
  printf '\n=== [miri %s %4ss, previous step %ss] %s\n' "$part" "$((now - start))" "$((now - last))" "$*"
  last=$now
}

# The concurrent tests: every test whose name has one of these words (libtest ORs filters).
concurrent=(threads stress concurrent two_locals)
# Their complement: libtest's `--skip` also matches substrings.
skip_concurrent=()
for w in "${concurrent[@]}"; do skip_concurrent+=(--skip "$w"); done

if [[ "$part" == all ]]; then
  step "Miri: toolchain and sysroot"
  # Never update a nightly that is already there; install a minimal one only if missing. Only
  # if missing too: `.ci/run` installs it first, then runs this script beside other rustups.
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  components=$(rustup component list --toolchain nightly --installed)
  grep -q '^miri' <<<"$components" && grep -q '^rust-src' <<<"$components" ||
    rustup component add --toolchain nightly miri rust-src
  # Once, before the two halves share the sysroot.
  cargo +nightly miri setup

  step "Miri: half b in the background (log below when done), half a here"
  mkdir -p target
  CARGO_TARGET_DIR="$PWD/target/miri-b" bash "$0" b >target/ci-miri-b.log 2>&1 &
  b_pid=$!
  trap 'kill "$b_pid" 2>/dev/null || true' EXIT
  a_status=0
  bash "$0" a || a_status=$?
  b_status=0
  wait "$b_pid" || b_status=$?
  step "Miri: half b's log"
  cat target/ci-miri-b.log
  step "Miri done (half a: exit $a_status, half b: exit $b_status)"
  exit $((a_status != 0 || b_status != 0))
fi

if [[ "$part" == a ]]; then
  # Stacked Borrows (Miri's default) with seed 0 (Miri's default seed) over everything: the
  # property models in full, the integration tests but the concurrent ones, whose seed-0 run is
  # the first of the many-seeds run below (the same flags, the same seed: running it here too
  # would only repeat it).
  step "Miri (Stacked Borrows): the property models at Miri sizes"
  MIRIFLAGS="-Zmiri-strict-provenance" \
    cargo +nightly miri test -p atomicarena-model --tests

  step "Miri (Stacked Borrows): the integration tests but the concurrent ones (seeds below)"
  MIRIFLAGS="-Zmiri-strict-provenance" \
    cargo +nightly miri test -p atomicarena-suite --tests -- "${skip_concurrent[@]}"

  # Seeds 0..8 in all, in two ranges, one in each half (0..2 here, 2..8 in half b): different
  # schedules and weak-memory outcomes.
  step "Miri (Stacked Borrows), seeds 0..2 (2..8 in half b): the concurrent tests"
  MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-many-seeds=0..2" \
    cargo +nightly miri test -p atomicarena-suite --tests -- "${concurrent[@]}"

  step "Miri on powerpc-unknown-linux-gnu: the ring with emulated 64-bit atomics (release check)"
  # Part of the release checks (.ci/release.sh, which `.ci/run` calls with RELEASE_SKIP_MIRI=1
  # so that this run happens here, beside the other Miri runs).
  bash .ci/release.sh miri
else
  step "Miri (Tree Borrows): integration tests"
  MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-tree-borrows" \
    cargo +nightly miri test -p atomicarena-suite --tests

  step "Miri (Stacked Borrows), seeds 2..8 (0..2 in half a): the concurrent tests"
  MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-many-seeds=2..8" \
    cargo +nightly miri test -p atomicarena-suite --tests -- "${concurrent[@]}"
fi

step "Miri half $part done"
