#!/usr/bin/env bash
# Regenerates the committed seeds in fuzz/corpus/<target>/: fuzzes each target (all by default,
# or those named) for SECONDS_PER_TARGET (default 300) from its current seeds, then minimises
# the result with `cargo fuzz cmin` to a set cover of the edges it reaches (`-set_cover_merge=1
# -use_counters=0`: a few dozen inputs rather than hundreds), and names the files `seed-<sha1>`,
# the only names fuzz/.gitignore lets through. Review `git status fuzz/corpus` and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECONDS_PER_TARGET:-300}
if [ "$#" -eq 0 ]; then set -- arena ring pool scoped; fi

# Inside fuzz/ (target/ is git-ignored): `cargo fuzz cmin` renames the corpus into a temporary
# directory of fuzz/, which fails across file systems.
mkdir -p fuzz/target
work=$(mktemp -d "$PWD/fuzz/target/reseed.XXXXXX")
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build -a
for t in "$@"; do
  mkdir -p "$work/$t" "fuzz/corpus/$t"
  cp -R "fuzz/corpus/$t/." "$work/$t/"
  log="$work/$t.log"
  cargo +nightly fuzz run -a "$t" "$work/$t" -- -max_total_time="$secs" >"$log" 2>&1 ||
    { tail -n 60 "$log"; echo "$t crashed: not reseeding" >&2; exit 1; }
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
  cargo +nightly fuzz cmin -a "$t" "$work/$t" -- -set_cover_merge=1 -use_counters=0 >"$log" 2>&1 ||
    { tail -n 60 "$log"; exit 1; }
  grep -E 'MERGE-OUTER: [0-9]+ new files' "$log" || true
  rm -f "fuzz/corpus/$t/"*
  for f in "$work/$t"/*; do cp "$f" "fuzz/corpus/$t/seed-$(sha1sum "$f" | cut -c1-40)"; done
  echo "$t: $(find "fuzz/corpus/$t" -type f | wc -l) seeds," \
    "$(du -sb "fuzz/corpus/$t" | cut -f1) bytes"
done
