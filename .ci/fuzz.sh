#!/usr/bin/env bash
# Fuzzes every target in fuzz/ (cargo-fuzz, libFuzzer) for FUZZ_SECONDS (default 40) each, from a
# copy of the committed seeds in fuzz/corpus/<target>/, so the run leaves the checkout clean.
# Prints, per target, the runs and executions per second libFuzzer reports; exits non-zero if any
# target crashes (a model disagreement, a non-planned panic, a sanitizer report, a leak, a timeout).
# A crashing input is kept in fuzz/artifacts/<target>/ (git-ignored), with the command that
# replays it. Runs on a fresh machine: it installs nightly and cargo-fuzz if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
start=$(date +%s)
step() { printf '\n=== [%4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
secs=${FUZZ_SECONDS:-40}
targets=(arena ring pool scoped)

step "toolchain and cargo-fuzz"
# Never update a nightly that is already there; install a minimal one only if missing.
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# libfuzzer-sys compiles libFuzzer (C++) in its build script, through the `cc` crate.
if ! command -v "${CXX:-c++}" >/dev/null; then
  echo "fuzz.sh needs a C++ compiler (e.g. g++)" >&2
  exit 1
fi
cargo fuzz --version

# Release build with debug assertions and overflow checks (-a), AddressSanitizer (the default).
# Build and run must use the same flags, or `run` rebuilds.
fuzz_flags=(-a)

step "build the fuzz targets"
cargo +nightly fuzz build "${fuzz_flags[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary=()
failed=()
for t in "${targets[@]}"; do
  step "fuzz $t for ${secs}s"
  mkdir -p "$work/$t"
  if [ -d "fuzz/corpus/$t" ]; then cp -R "fuzz/corpus/$t/." "$work/$t/"; fi
  seeds=$(find "$work/$t" -type f | wc -l)
  log="$work/$t.log"
  if cargo +nightly fuzz run "${fuzz_flags[@]}" "$t" "$work/$t" -- \
      -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed+=("$t")
    # From the panic message or sanitizer report on: the stack, the input (Debug) and how to
    # replay it.
    awk '/panicked at|==[0-9]+==ERROR|==[0-9]+== ERROR|^ERROR:|^Error:/ { p = 1 } p' "$log"
  fi
  # libFuzzer's final stats: "stat::number_of_executed_units: 12345",
  # "stat::average_exec_per_sec: 1153"; its last status line: "#12345 DONE cov: 240 ft: 953
  # corp: 105/4533b ...".
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # (A crash while loading the seeds comes before any status line.)
  cov=$({ grep -E '^#[0-9]+' "$log" || true; } | tail -n 1 |
    sed -n 's/.* cov: \([0-9]*\) .*corp: \([0-9]*\)\/.*/cov \1, corpus \2/p')
  line=$(printf '%-6s %-5s seeds %3s  runs %9s  exec/s %6s  %s' \
    "$t" "$status" "$seeds" "${runs:-?}" "${rate:-?}" "${cov:-}")
  echo "$line"
  summary+=("$line")
done

step "summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
