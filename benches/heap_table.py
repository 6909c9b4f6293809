#!/usr/bin/env python3
"""Heap storage against inline storage (issue 18, item 4): one table from the `heap` bench.

For every `storage_*` group of `benches/heap.rs` (functions `inline` and `heap`), prints the
median time per element of each (criterion's median, from `cargo bench --bench heap`), the
ratio heap / inline of the medians (and of the fastest samples, `min`), the instructions per
element of each (valgrind --tool=callgrind, only the timed part: `heap --icount <case>` under
`--toggle-collect='*measured*'`, as `ratios.py --icount` counts the other benches) and their
ratio, and the verdict on the issue's targets: heap within 1.1x of inline in instructions per
operation, and no slower in the median (median ratio <= 1.00).

    python3 benches/heap_table.py [CRITERION_DIR ...]
        [--icount]     # first count instructions with callgrind (about 2 minutes), kept in
                       # <criterion dir>/heap-icount.json for later runs
        [--markdown]   # print the table as Markdown (default: aligned text)

CRITERION_DIR defaults to $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else
target/criterion, as in ratios.py. Several directories (copies of the criterion directory
after separate runs, on a noisy machine): each time is the median over the runs of that run's
median, the ratio the median over the runs of each run's ratio, and the runs' ratios are listed
beside it; instruction counts come from the first directory. Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ICOUNT_BOUND = 1.10
TIME_BOUND = 1.00


def default_dir():
    if os.environ.get("CRITERION_HOME"):
        return Path(os.environ["CRITERION_HOME"])
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    return Path("target/criterion")


def load_times(root):
    """{group: {function: {"median": ns per element, "min": ns per element}}}."""
    found = {}
    for est in sorted(root.glob("storage_*/*/new/estimates.json")):
        d = est.parent
        meta = json.loads((d / "benchmark.json").read_text())
        sample = json.loads((d / "sample.json").read_text())
        elems = (meta.get("throughput") or {}).get("Elements") or 1
        median = json.loads(est.read_text())["median"]["point_estimate"]
        fastest = min(t / n for t, n in zip(sample["times"], sample["iters"]))
        found.setdefault(meta["group_id"], {})[meta["function_id"]] = {
            "median": median / elems,
            "min": fastest / elems,
        }
    return found


def bench_binary():
    """Builds the `heap` bench (if needed); returns its executable."""
    cmd = ["cargo", "bench", "-p", "atomicarena-benches", "--bench", "heap", "--no-run",
           "--message-format=json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and \
                msg["target"]["name"] == "heap":
            return msg["executable"]
    sys.exit("could not find the executable of the heap bench")


def count_instructions(root):
    """Runs every `heap --icount` case under callgrind; {case: instructions per element}."""
    exe = bench_binary()
    out = root / "heap-callgrind.out"
    root.mkdir(parents=True, exist_ok=True)
    cases = subprocess.run([exe, "--icount-list"], capture_output=True, text=True,
                           check=True).stdout.split()
    results = {}
    for case in cases:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             "--toggle-collect=*measured*", exe, "--icount", case],
            capture_output=True, text=True, check=True)
        elems = int(re.search(r"elements (\d+)", proc.stdout).group(1))
        ir = int(re.search(r"^totals:\s*(\d+)", out.read_text(), re.M).group(1))
        results[case] = {"ir": ir, "elements": elems, "per_element": ir / elems}
        print(f"  {case:<44} {ir / elems:12.2f} instructions per element", file=sys.stderr)
    out.unlink(missing_ok=True)
    version = subprocess.run(["valgrind", "--version"], capture_output=True,
                             text=True).stdout.strip()
    data = {"valgrind": version, "cases": results}
    (root / "heap-icount.json").write_text(json.dumps(data, indent=1))
    return data


def fmt_ns(ns):
    if ns is None:
        return "-"
    if ns >= 1000:
        return f"{ns / 1000:.3g} us"
    return f"{ns:.3g} ns"


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def median(xs):
    xs = sorted(xs)
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def merge_runs(runs):
    """Times of several runs as one: {group: {function: {"median", "min"}}} (the median over
    the runs of each statistic), and {group: [heap / inline median ratio of each run]}."""
    merged, ratios = {}, {}
    groups = sorted({g for run in runs for g in run})
    for g in groups:
        present = [run[g] for run in runs if "inline" in run.get(g, {}) and "heap" in run[g]]
        if not present:
            continue
        merged[g] = {f: {k: median([r[f][k] for r in present]) for k in ("median", "min")}
                     for f in ("inline", "heap")}
        ratios[g] = [r["heap"]["median"] / r["inline"]["median"] for r in present]
    return merged, ratios


def rows(times, icounts, run_ratios=None):
    """[(group, inline ns, heap ns, median ratio, min ratio, inline ir, heap ir, ir ratio,
    verdict)] in the bench's order (the icount list), then groups only timed."""
    per_case = (icounts or {}).get("cases", {})
    order = []
    for case in per_case:
        group = case.split("/")[0].removesuffix("_seq")
        if group not in order:
            order.append(group)
    order += sorted(g for g in times if g not in order)
    out = []
    for group in order:
        t = times.get(group, {})
        ti, th = t.get("inline"), t.get("heap")
        if run_ratios and group in run_ratios:
            med = median(run_ratios[group])  # of the runs' ratios
        else:
            med = th["median"] / ti["median"] if ti and th else None
        fast = th["min"] / ti["min"] if ti and th else None
        ir = {}
        for case, r in per_case.items():
            g, f = case.split("/")
            if g.removesuffix("_seq") == group:
                ir[f] = r["per_element"]
        ii, ih = ir.get("inline"), ir.get("heap")
        ir_ratio = ih / ii if ii and ih else None
        verdicts = []
        if ir_ratio is not None:
            verdicts.append("instr met" if ir_ratio <= ICOUNT_BOUND else "instr MISS")
        if med is not None:
            verdicts.append("time met" if med <= TIME_BOUND else "time MISS")
        out.append((group, ti and ti["median"], th and th["median"], med, fast, ii, ih,
                    ir_ratio, ", ".join(verdicts) or "no data"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    args.dir = args.dirs[0] if args.dirs else default_dir()
    if args.icount:
        print("counting instructions with callgrind ...", file=sys.stderr)
        icounts = count_instructions(args.dir)
    elif (args.dir / "heap-icount.json").exists():
        icounts = json.loads((args.dir / "heap-icount.json").read_text())
    else:
        icounts = None
    times, run_ratios = merge_runs([load_times(d) for d in (args.dirs or [args.dir])])
    table = rows(times, icounts, run_ratios)
    head = ("operation", "inline median", "heap median", "heap/inline median",
            "(fastest)", "inline instr/op", "heap instr/op", "heap/inline instr",
            f"targets (instr <= {ICOUNT_BOUND:.2f}x, median <= {TIME_BOUND:.2f}x)")
    cells = [(g, fmt_ns(a), fmt_ns(b), fmt(m, ".3f"), fmt(f, ".3f"), fmt(ii, ".2f"),
              fmt(ih, ".2f"), fmt(r, ".4f"), v)
             for g, a, b, m, f, ii, ih, r, v in table]
    if len(args.dirs) > 1:
        head = head[:4] + ("runs",) + head[4:]
        cells = [c[:4] + (" ".join(f"{x:.2f}" for x in run_ratios.get(c[0], [])),) + c[4:]
                 for c in cells]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|---|" + "---:|" * (len(head) - 2) + "---|")
        for c in cells:
            print("| `" + c[0] + "` | " + " | ".join(c[1:]) + " |")
    else:
        widths = [max(len(r[i]) for r in [head] + cells) for i in range(len(head))]
        for r in [head] + cells:
            print("  ".join(s.ljust(w) for s, w in zip(r, widths)).rstrip())
    if icounts:
        print(f"\ninstructions: {icounts['valgrind']}, valgrind --tool=callgrind "
              "--toggle-collect='*measured*' (the timed part only; `_2t` groups counted with "
              "both halves run one after the other on one thread)")


if __name__ == "__main__":
    main()
