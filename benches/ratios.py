#!/usr/bin/env python3
"""Ratio tables, target checks, instruction counts and a chart from criterion's results.

Reads every `<criterion dir>/**/new/{benchmark,estimates,sample}.json` that `cargo bench` left
behind (the bounded, ring, pool, bundle and scoped benches) and prints, per group, the time
per element (groups declare `Throughput::Elements`) as criterion's mean and median and as the
fastest sample's time (`min`: the least disturbed sample on a loaded machine), and the ratio
atomicarena / peer (below 1.0 means atomicarena is faster) for each of atomicarena's
functions in the group. Then it checks the targets (TARGETS below, by the question a user
asks: one thread, many threads, reset, ring, the rest). A target is judged on the **median**
ratio alone: one that only the fastest samples meet is not met (it is reported as MISS, with
the min ratio beside it). The ring's repetitions (`<criterion dir>/ring-reps.json`, written
by the ring bench) give its max / min spread.

    python3 benches/ratios.py [CRITERION_DIR]              # text report
        [--markdown FILE]    # write the report as Markdown: the summary by question
                             # between <!-- summary:begin --> and <!-- summary:end -->,
                             # the rest between <!-- bench:begin --> and
                             # <!-- bench:end --> of FILE, or both to stdout with `-`
        [--svg FILE]         # bar chart of ns/element per group, atomicarena highlighted
        [--icount]           # first count instructions per element of the single-thread
                             # cases (bounded, ring, bundle and scoped benches) with valgrind
                             # --tool=callgrind (a few minutes); kept in
                             # <criterion dir>/icount.json for later --markdown runs
        [--strict]           # exit with status 1 when a target is missed (or has no data)

CRITERION_DIR defaults to $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else
target/criterion. Stale results (of a function renamed or removed since) are left out and
listed: in a group that the last bounded run touched, results from before that run (its start
time is in <criterion dir>/bounded-load.json); elsewhere, results older by more than 30 minutes
than the newest of their group.
Standard library only.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from html import escape
from pathlib import Path

# Functions that are atomicarena's own; everything else in a group is a peer.
SUBJECT = re.compile(r"^(atomicarena|Arena::|Ring::|Pool::|Local::)")

# Known groups, in report order, with a one-line description. Others follow, sorted.
GROUPS = {
    "alloc_u64_1t": "1M single allocations of a u64, one thread",
    "alloc_32b_1t": "1M single allocations of a 32-byte struct, one thread",
    "alloc_u64_2t": "2 threads x 500k u64 into one container (wall time / 1M)",
    "alloc_32b_2t": "2 threads x 500k 32-byte structs into one container (wall time / 1M)",
    "alloc_u64_8t": "8 threads x 125k u64 into one container, 2 cores (wall time / 1M)",
    "batch": "1,000 batches of 1,000 u64 (per element)",
    "reset_u64_1M": "reset of a full 1M-slot u64 arena (per reset)",
    "reset_u64_16M": "reset of a full 16M-slot u64 arena (per reset)",
    "reset_32b_1M_1t": "reset of 1M 32-byte values filled by alloc from 1 thread (per reset)",
    "reset_32b_1M_2t": "reset of 1M 32-byte values filled by alloc from 2 threads (per reset)",
    "reset_32b_16M_1t": "reset of 16M 32-byte values filled by alloc from 1 thread (per reset)",
    "reset_32b_16M_2t": "reset of 16M 32-byte values filled by alloc from 2 threads (per reset)",
    "reset_string_100k": "reset (drop) of 100k Strings (per string)",
    "push/1-thread": "ring of 1,024 32-byte values, reset, 1 thread x 1M pushes (wall time / 1M)",
    "push/2-thread": "ring of 1,024 32-byte values, reset, 2 threads x 500k pushes (wall time / 1M)",
    "push/2-thread-barrier": "the same, the 2 threads leaving a std::sync::Barrier (wall time / 1M)",
    "pool_round": "pool round: 1,024 packets with 1,500-byte payloads (per packet)",
    "bundle_alloc_u64": "1M u64 through a #[derive(Arenas)] bundle vs its arena directly",
    "bundle_alloc_mixed": "1M rounds of a u64, a (u32, u32), a 16-byte struct: bundle vs arenas (per value)",
    "bundle_slice_copy": "1,000 batches of 1,000 u64: bundle vs arena alloc_slice_copy (per element)",
    "scoped_request_pod": "request of 8 x 64-byte plain values, one thread (per request)",
    "scoped_request_string": "request of 8 x 64-byte values holding a String, one thread (per request)",
    "scoped_request_2t": "2 threads x 50k requests of 8 x 64-byte plain values (wall time / request)",
}

# The targets, by the question a user asks: (question, group, subject, peer, op, bound, what).
# The median ratio subject / peer must be <= bound (op "<=") or < bound (op "<": "faster
# than"). Op "spread<=" is not a ratio of two functions: max / min of the subject's own
# repetitions (ring-reps.json, written by the ring bench) must be <= bound.
QUESTIONS = ("one thread", "many threads", "reset", "ring", "the rest")

TARGETS = [
    # Issue 16: one thread.
    ("one thread", "alloc_u64_1t", "atomicarena", "bumpalo", "<=", 1.5,
     "shared alloc, 1 thread, u64: <= 1.5x bumpalo"),
    ("one thread", "alloc_32b_1t", "atomicarena", "bumpalo", "<=", 1.2,
     "shared alloc, 1 thread, 32 B: <= 1.2x bumpalo"),
    ("one thread", "alloc_u64_1t", "atomicarena_local", "bumpalo", "<=", 1.1,
     "local(), 1 thread, u64: <= 1.1x bumpalo"),
    ("one thread", "alloc_32b_1t", "atomicarena_local", "bumpalo", "<=", 1.1,
     "local(), 1 thread, 32 B: <= 1.1x bumpalo"),
    # Issue 16: many threads.
    ("many threads", "alloc_u64_2t", "atomicarena", "vec_per_thread", "<=", 2.0,
     "shared alloc, 2 threads, u64: <= 2x a Vec per thread (the floor)"),
    ("many threads", "alloc_32b_2t", "atomicarena", "vec_per_thread", "<=", 2.0,
     "shared alloc, 2 threads, 32 B: <= 2x a Vec per thread (the floor)"),
    ("many threads", "alloc_u64_8t", "atomicarena", "vec_per_thread", "<=", 2.0,
     "shared alloc, 8 threads on 2 cores, u64: <= 2x a Vec per thread (the floor)"),
    ("many threads", "alloc_u64_2t", "atomicarena_local", "bumpalo_herd", "<=", 1.1,
     "local(), 2 threads, u64: <= 1.1x bumpalo-herd"),
    ("many threads", "alloc_32b_2t", "atomicarena_local", "bumpalo_herd", "<=", 1.1,
     "local(), 2 threads, 32 B: <= 1.1x bumpalo-herd"),
    ("many threads", "alloc_u64_8t", "atomicarena_local", "bumpalo_herd", "<=", 1.1,
     "local(), 8 threads on 2 cores, u64: <= 1.1x bumpalo-herd"),
    ("many threads", "alloc_u64_2t", "atomicarena", "array_queue", "<", 1.0,
     "shared alloc, 2 threads, u64: faster than ArrayQueue::push"),
    ("many threads", "alloc_32b_2t", "atomicarena", "array_queue", "<", 1.0,
     "shared alloc, 2 threads, 32 B: faster than ArrayQueue::push"),
    ("many threads", "alloc_u64_2t", "atomicarena", "orx_concurrent_bag", "<", 1.0,
     "shared alloc, 2 threads, u64: faster than orx-concurrent-bag push"),
    ("many threads", "alloc_32b_2t", "atomicarena", "orx_concurrent_bag", "<", 1.0,
     "shared alloc, 2 threads, 32 B: faster than orx-concurrent-bag push"),
    # Issue 16: reset after a striped fill; the batch-filled u64 resets and strings.
    ("reset", "reset_32b_1M_1t", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of 1M 32-byte values filled by alloc from 1 thread: <= 2x Vec::clear"),
    ("reset", "reset_32b_1M_2t", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of 1M 32-byte values filled by alloc from 2 threads: <= 2x Vec::clear"),
    ("reset", "reset_32b_16M_1t", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of 16M 32-byte values filled by alloc from 1 thread: <= 2x Vec::clear"),
    ("reset", "reset_32b_16M_2t", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of 16M 32-byte values filled by alloc from 2 threads: <= 2x Vec::clear"),
    ("reset", "reset_u64_1M", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of a full 1M-slot u64 arena (batch-filled): <= 2x Vec::clear"),
    ("reset", "reset_u64_16M", "atomicarena", "vec_clear", "<=", 2.0,
     "reset of a full 16M-slot u64 arena (batch-filled): <= 2x Vec::clear"),
    ("reset", "reset_string_100k", "atomicarena", "vec_clear", "<=", 1.1,
     "reset of 100k Strings: <= 1.1x Vec::clear"),
    # Issue 16: the ring.
    ("ring", "push/2-thread", "Ring::push", "ArrayQueue::force_push", "<=", 1.0,
     "Ring::push, 2 threads: <= 1.0x ArrayQueue::force_push"),
    ("ring", "push/2-thread", "Ring::push", None, "spread<=", 1.5,
     "Ring::push, 2 threads: not bimodal, max / min over the repetitions <= 1.5"),
    ("ring", "push/1-thread", "Ring::push", "ArrayQueue::force_push", "<=", 0.8,
     "Ring::push, 1 thread: <= 0.8x ArrayQueue::force_push"),
    # The rest: batches, bundles, scoped arenas.
    ("the rest", "alloc_u64_1t", "atomicarena", "boxcar", "<=", 0.35,
     "shared alloc, 1 thread, u64: <= 0.35x boxcar"),
    ("the rest", "alloc_32b_1t", "atomicarena", "boxcar", "<=", 0.35,
     "shared alloc, 1 thread, 32 B: <= 0.35x boxcar"),
    ("the rest", "batch", "atomicarena", "vec_extend", "<=", 1.2,
     "batch copy: <= 1.2x Vec::extend_from_slice"),
    ("the rest", "bundle_alloc_u64", "atomicarena", "separate_arenas", "<=", 1.05,
     "bundle alloc, u64: <= 1.05x the arena used directly (no overhead)"),
    ("the rest", "bundle_alloc_mixed", "atomicarena", "separate_arenas", "<=", 1.05,
     "bundle alloc, 3 types: <= 1.05x the arenas used directly (no overhead)"),
    ("the rest", "bundle_slice_copy", "atomicarena", "separate_arenas", "<=", 1.05,
     "bundle alloc_slice_copy: <= 1.05x the arena used directly (no overhead)"),
    ("the rest", "scoped_request_pod", "atomicarena", "box_new", "<=", 1.0,
     "ScopedArena request, plain data: <= 1.0x a Box per value"),
    ("the rest", "scoped_request_string", "atomicarena", "box_new", "<=", 1.0,
     "ScopedArena request, with Strings: <= 1.0x a Box per value"),
    ("the rest", "scoped_request_2t", "atomicarena", "box_new", "<=", 1.0,
     "ScopedArena request, 2 threads on one arena: <= 1.0x a Box per value"),
]

# The summary at the top of BENCHMARKS.md: issue 16's scenarios, one row each, by question.
# (question, scenario, group, peers shown, (alloc's reference peer, local's reference peer)).
SUMMARY = [
    ("one thread", "1M `u64`", "alloc_u64_1t",
     ("bumpalo", "vec_push", "orx_concurrent_bag", "array_queue"), ("bumpalo", "bumpalo")),
    ("one thread", "1M 32-byte struct", "alloc_32b_1t",
     ("bumpalo", "vec_push", "orx_concurrent_bag", "array_queue"), ("bumpalo", "bumpalo")),
    ("many threads", "2 threads × 500k `u64`", "alloc_u64_2t",
     ("vec_per_thread", "bumpalo_herd", "array_queue"), ("vec_per_thread", "bumpalo_herd")),
    ("many threads", "2 threads × 500k 32-byte struct", "alloc_32b_2t",
     ("vec_per_thread", "bumpalo_herd", "array_queue"), ("vec_per_thread", "bumpalo_herd")),
    ("many threads", "8 threads × 125k `u64` (2 cores: oversubscribed)", "alloc_u64_8t",
     ("vec_per_thread", "bumpalo_herd", "array_queue"), ("vec_per_thread", "bumpalo_herd")),
    ("reset", "`reset` of 1M 32-byte values filled by `alloc` from 1 thread", "reset_32b_1M_1t",
     ("vec_clear", "bumpalo", "timer_only"), ("vec_clear", None)),
    ("reset", "`reset` of 1M 32-byte values filled by `alloc` from 2 threads", "reset_32b_1M_2t",
     ("vec_clear", "bumpalo"), ("vec_clear", None)),
    ("reset", "`reset` of 16M 32-byte values filled by `alloc` from 1 thread", "reset_32b_16M_1t",
     ("vec_clear", "bumpalo"), ("vec_clear", None)),
    ("reset", "`reset` of 16M 32-byte values filled by `alloc` from 2 threads", "reset_32b_16M_2t",
     ("vec_clear", "bumpalo"), ("vec_clear", None)),
    ("ring", "`Ring::push`, ring of 1,024 32-byte values, 2 threads × 500k after a `reset`",
     "push/2-thread", ("ArrayQueue::force_push",), ("ArrayQueue::force_push", None)),
    ("ring", "the same, 2 threads leaving a `std::sync::Barrier` (the issue's harness)",
     "push/2-thread-barrier", ("ArrayQueue::force_push",), ("ArrayQueue::force_push", None)),
    ("ring", "the same ring, 1 thread × 1M", "push/1-thread",
     ("ArrayQueue::force_push",), ("ArrayQueue::force_push", None)),
]

# Short names of peers in the summary.
PEER_NAMES = {
    "bumpalo": "bumpalo", "vec_push": "`Vec`", "orx_concurrent_bag": "orx-concurrent-bag",
    "array_queue": "`ArrayQueue`", "vec_per_thread": "per-thread `Vec`",
    "bumpalo_herd": "bumpalo-herd", "vec_clear": "`Vec::clear`",
    "ArrayQueue::force_push": "`force_push`", "timer_only": "the clock read alone",
}

# How the verdict is read, printed with the targets (text and Markdown).
VERDICT_NOTE = ("verdict on the median ratio: `met` when the median meets the bound, `MISS` when "
                "it does not, even if the fastest samples (`min`, shown beside it) do: a target "
                "met only on the fastest sample is not met")

STALE_SECONDS = 30 * 60
STATS = ("median", "min", "max", "mean")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
SUMMARY_BEGIN, SUMMARY_END = "<!-- summary:begin -->", "<!-- summary:end -->"
# Newest result per group (mtime), filled by `load`: the ring's repetitions must be as new.
NEWEST = {}


def default_dir():
    if os.environ.get("CRITERION_HOME"):
        return Path(os.environ["CRITERION_HOME"])
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    return Path("target/criterion")


def is_subject(function):
    return bool(SUBJECT.match(function))


def load(root):
    """({group: {function: {stat: ns per element}}}, [stale "group/function"])."""
    found = {}
    for est in sorted(root.glob("**/new/estimates.json")):
        d = est.parent
        if not (d / "benchmark.json").exists() or not (d / "sample.json").exists():
            continue
        meta = json.loads((d / "benchmark.json").read_text())
        estimates = json.loads(est.read_text())
        sample = json.loads((d / "sample.json").read_text())
        elems = (meta.get("throughput") or {}).get("Elements") or 1
        per_iter = {
            "mean": estimates["mean"]["point_estimate"],
            "median": estimates["median"]["point_estimate"],
            "min": min(t / n for t, n in zip(sample["times"], sample["iters"])),
            "max": max(t / n for t, n in zip(sample["times"], sample["iters"])),
        }
        function = meta.get("function_id") or meta.get("value_str") or d.parent.name
        found.setdefault(meta["group_id"], {})[function] = (
            {k: v / elems for k, v in per_iter.items()},
            est.stat().st_mtime,
        )
    # The bounded bench records when its last run started: in a group that run touched, a
    # result from before it is stale. Elsewhere, a result far older than its group's newest.
    run_start = None
    if (root / "bounded-load.json").exists():
        run_start = json.loads((root / "bounded-load.json").read_text())["start"]["time"]
    groups, stale = {}, []
    for group, rows in found.items():
        newest = max(m for _, m in rows.values())
        NEWEST[group] = newest
        cutoff = newest - STALE_SECONDS
        if run_start is not None and newest >= run_start:
            cutoff = run_start - 60
        for function, (ns, mtime) in rows.items():
            if mtime < cutoff:
                stale.append(f"{group}/{function}")
            else:
                groups.setdefault(group, {})[function] = ns
    return groups, stale


def ordered(groups):
    known = [g for g in GROUPS if g in groups]
    return known + sorted(g for g in groups if g not in GROUPS)


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} us"
    if ns >= 100:
        return f"{ns:.0f} ns"
    if ns >= 10:
        return f"{ns:.1f} ns"
    return f"{ns:.2f} ns"


def subjects_of(rows):
    return sorted((f for f in rows if is_subject(f)), key=lambda f: rows[f]["median"])


def peers_of(rows):
    return sorted((f for f in rows if not is_subject(f)), key=lambda f: rows[f]["median"])


def meets(ratio, op, bound):
    return ratio < bound if op == "<" else ratio <= bound


def load_reps(root):
    """{group: {function: [ns per element of each repetition]}} from the ring bench's
    ring-reps.json, for the groups whose criterion results are not newer than it by more than
    10 minutes (older repetitions would not be of the results shown)."""
    path = root / "ring-reps.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {g: fs for g, fs in data["groups"].items()
            if g in NEWEST and NEWEST[g] <= data["time"] + 600}


def overlaps(reps, group, function):
    """[(ns, overlap)] of a function's repetitions (overlap: the share of the repetition during
    which all its threads ran at once), or []."""
    r = reps.get(group, {}).get(function)
    return list(zip(r["ns"], r["overlap"])) if r else []


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def spread(reps, group, function):
    """(min, median, max, count) of a function's repetitions, or None."""
    ts = reps.get(group, {}).get(function, {}).get("ns")
    if not ts:
        return None
    return min(ts), median(ts), max(ts), len(ts)


def check_targets(groups, reps, targets):
    """[(question, group, subject, what, state, detail)], state in met / MISS / no data;
    judged on the median."""
    out = []
    for question, group, subject, peer, op, bound, what in targets:
        rows = groups.get(group, {})
        if op == "spread<=":
            sp = spread(reps, group, subject)
            if sp is None:
                out.append((question, group, subject, what, "no data",
                            f"no repetitions of {group}/{subject} in ring-reps.json"))
                continue
            lo, mid, hi, n = sp
            detail = (f"max / min {hi / lo:.2f} (bound <= {bound:g}) over {n} repetitions: "
                      f"min {fmt_ns(lo)}, median {fmt_ns(mid)}, max {fmt_ns(hi)}")
            out.append((question, group, subject, what,
                        "met" if hi / lo <= bound else "MISS", detail))
            continue
        if subject not in rows or peer not in rows:
            missing = [f for f in (subject, peer) if f not in rows]
            out.append((question, group, subject, what, "no data",
                        f"no result for {group}/{', '.join(missing)}"))
            continue
        med = rows[subject]["median"] / rows[peer]["median"]
        mn = rows[subject]["min"] / rows[peer]["min"]
        mx = rows[subject]["max"] / rows[peer]["max"]
        detail = (f"{med:.2f}x median (bound {op} {bound:g}); fastest samples {mn:.2f}x, "
                  f"slowest {mx:.2f}x")
        if meets(med, op, bound):
            state = "met"
        else:
            state = "MISS"
            if meets(mn, op, bound):
                detail += " (only the fastest samples meet it: not met)"
        out.append((question, group, subject, what, state, detail))
    return out


# ---- machine ---------------------------------------------------------------------------------


def run_quiet(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine(root):
    lscpu = run_quiet(["lscpu"]).splitlines()
    keep = ("Architecture", "CPU(s):", "Model name", "Thread(s) per core", "Core(s) per socket",
            "Hypervisor vendor", "L1d cache", "L2 cache", "L3 cache")
    info = {
        "nproc": run_quiet(["nproc"]),
        "lscpu": [l for l in lscpu if l.startswith(keep)],
        "rustc": run_quiet(["rustc", "--version"]),
        "kernel": platform.release(),
        "loadavg_now": Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "",
    }
    load = root / "bounded-load.json"
    if load.exists():
        info["bounded_load"] = json.loads(load.read_text())
    return info


def describe_load(info):
    bl = info.get("bounded_load")
    if not bl:
        return []
    s, e = bl["start"], bl["end"]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(s["time"]))
    mins = (e["time"] - s["time"]) / 60
    return [
        f"bounded bench run {when}, {mins:.1f} min; /proc/loadavg (1, 5, 15 min) at its start: "
        f"`{' '.join(s['loadavg'].split()[:3])}`, at its end: `{' '.join(e['loadavg'].split()[:3])}`"
    ]


# ---- instruction counts ----------------------------------------------------------------------


# The bench binaries with an `--icount` mode, in report order.
ICOUNT_BENCHES = ("bounded", "ring", "bundle", "scoped")


def bench_binaries():
    """Builds the benches with an `--icount` mode (if needed); returns their executables."""
    cmd = ["cargo", "bench", "-p", "atomicarena-benches", "--no-run", "--message-format=json"]
    for b in ICOUNT_BENCHES:
        cmd += ["--bench", b]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and \
                msg["target"]["name"] in ICOUNT_BENCHES:
            found[msg["target"]["name"]] = msg["executable"]
    missing = [b for b in ICOUNT_BENCHES if b not in found]
    if missing:
        sys.exit(f"could not find the bench executables of {', '.join(missing)}")
    return [found[b] for b in ICOUNT_BENCHES]


def icount(root):
    results = {}
    out = root / "callgrind.out"
    for exe in bench_binaries():
        cases = subprocess.run([exe, "--icount-list"], capture_output=True, text=True,
                               check=True).stdout.split()
        for case in cases:
            proc = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                 "--toggle-collect=*measured*", exe, "--icount", case],
                capture_output=True, text=True, check=True)
            elems = int(re.search(r"elements (\d+)", proc.stdout).group(1))
            ir = int(re.search(r"^totals:\s*(\d+)", out.read_text(), re.M).group(1))
            results[case] = {"ir": ir, "elements": elems, "per_element": ir / elems}
            print(f"  {case:<40} {ir / elems:10.2f} instructions per element", file=sys.stderr)
    out.unlink(missing_ok=True)
    data = {"valgrind": run_quiet(["valgrind", "--version"]), "cases": results}
    (root / "icount.json").write_text(json.dumps(data, indent=1))
    return data


# ---- text and markdown -----------------------------------------------------------------------


def summary_rows(groups, reps, targets):
    """The summary table's rows: [(question, scenario, peers, alloc, local, verdicts)], text
    cells in Markdown."""
    out = []
    for question, scenario, group, peers, (ref_alloc, ref_local) in SUMMARY:
        rows = groups.get(group)
        if not rows:
            out.append((question, scenario, f"(no results for `{group}`)", "", "", ""))
            continue
        unit = " (per reset)" if group.startswith("reset") else ""
        peer_cells = [f"{PEER_NAMES.get(p, p)} {fmt_ns(rows[p]['median'])}"
                      for p in peers if p in rows]
        cells = []
        subs = [f for f in subjects_of(rows) if f != "atomicarena_local"]
        for subject, ref in ((subs[0] if subs else None, ref_alloc),
                             ("atomicarena_local", ref_local)):
            if subject not in rows or ref is None or ref not in rows:
                cells.append("—")
                continue
            r = rows[subject]["median"] / rows[ref]["median"]
            rm = rows[subject]["min"] / rows[ref]["min"]
            cell = (f"**{fmt_ns(rows[subject]['median'])}** ({r:.2f}× "
                    f"{PEER_NAMES.get(ref, ref)}; fastest samples {rm:.2f}×)")
            sp = spread(reps, group, subject)
            if sp:
                lo, _, hi, n = sp
                cell += (f"; over {n} repetitions min {fmt_ns(lo)}, max {fmt_ns(hi)}, "
                         f"max / min {hi / lo:.2f}")
            cells.append(cell)
        verdicts = []
        for (q, g, subject, _, state, _), t in zip(targets, TARGETS):
            if q != question or g != group:
                continue
            op, bound = t[4], t[5]
            who = ("`local()`" if subject == "atomicarena_local"
                   else "`push`" if group.startswith("push") else "`alloc`")
            if op == "spread<=":
                what = f"max / min ≤ {bound:g}"
            else:
                what = f"{who} {'≤' if op == '<=' else '<'} {bound:g}× {PEER_NAMES.get(t[3], t[3])}"
            verdicts.append(f"{what}: {'**MISS**' if state == 'MISS' else state}")
        out.append((question, scenario + unit, ", ".join(peer_cells), cells[0], cells[1],
                    "; ".join(verdicts)))
    return out


def summary_markdown(groups, reps, targets):
    md = ["Medians of one run; the ratio is atomicarena / the named peer (below 1.00 "
          "atomicarena is faster), with the ratio of the fastest samples beside it. Times are "
          "per element (multi-thread: wall time from the first thread's start to the last "
          "one's end, over all elements) or, for `reset`, per reset. In the ring rows the "
          "`alloc(&self)` column is `Ring::push`, and its repetitions are each one run of 1M "
          "pushes. `Targets` gives the verdicts (on the median) of the targets on that row; "
          "the full list is under [Targets](#targets).\n",
          "| question | scenario | floor and peers | atomicarena `alloc(&self)` | "
          "atomicarena `local()` | targets |",
          "|---|---|---|---|---|---|"]
    for question, scenario, peers, alloc, local, verdicts in summary_rows(groups, reps, targets):
        md.append(f"| {question} | {scenario} | {peers} | {alloc} | {local} | {verdicts} |")
    return "\n".join(md)


def targets_markdown(targets):
    met = sum(t[4] == "met" for t in targets)
    md = ["### Targets\n",
          f"{met} of {len(targets)} met. The {VERDICT_NOTE}.\n",
          "| question | target | result | measured |",
          "|---|---|---|---|"]
    for question in QUESTIONS:
        for q, _, _, what, state, detail in targets:
            if q == question:
                shown = f"**{state}**" if state != "met" else state
                md.append(f"| {question} | {what} | {shown} | {detail} |")
    md.append("")
    return "\n".join(md)


def text_report(groups, stale, targets, icounts, reps):
    lines = []
    for group in ordered(groups):
        rows = groups[group]
        subs = subjects_of(rows)
        lines.append(f"\n{group}  ({GROUPS.get(group, '')})")
        head = f"  {'function':<24} " + " ".join(f"{s:>10}" for s in STATS)
        head += "".join(f"  {s[:18] + ' /':>20}" for s in subs)
        lines.append(head + "   (ns per element; ratio median (min))")
        for f in subs + peers_of(rows):
            ns = rows[f]
            line = f"  {f:<24} " + " ".join(f"{fmt_ns(ns[s]):>10}" for s in STATS)
            for s in subs:
                if f == s:
                    line += f"  {'':>20}"
                else:
                    r = rows[s]["median"] / ns["median"]
                    rm = rows[s]["min"] / ns["min"]
                    line += f"  {f'{r:.2f} ({rm:.2f})':>20}"
            lines.append(line)
        for f in subs + peers_of(rows):
            sp = spread(reps, group, f)
            if sp:
                lo, mid, hi, n = sp
                ov = overlaps(reps, group, f)
                side = [ns for ns, o in ov if o >= 0.5]
                apart = [ns for ns, o in ov if o < 0.5]
                line = (f"  {f}: {n} repetitions, min {fmt_ns(lo)}, median {fmt_ns(mid)}, "
                        f"max {fmt_ns(hi)}, max / min {hi / lo:.2f}")
                if "1-thread" in group or not ov:
                    lines.append(line)
                    continue
                lines.append(line + "; median overlap "
                             f"{median([o for _, o in ov]):.2f}; side by side {len(side)}"
                             + (f" (median {fmt_ns(median(side))})" if side else "")
                             + f", one after the other {len(apart)}"
                             + (f" (median {fmt_ns(median(apart))})" if apart else ""))
    if stale:
        lines.append("\nleft out as stale: " + ", ".join(stale))
    met = sum(t[4] == "met" for t in targets)
    lines.append(f"\ntargets: {met} of {len(targets)} met ({VERDICT_NOTE.replace('`', '')})")
    for question in QUESTIONS:
        for q, _, _, what, state, detail in targets:
            if q == question:
                lines.append(f"  [{state:^7}] {question}: {what}: {detail}")
    if icounts:
        lines.append("\ninstructions per element (callgrind)")
        for case, r in icounts["cases"].items():
            lines.append(f"  {case:<40} {r['per_element']:10.2f}")
    return "\n".join(lines)


def markdown_report(groups, stale, targets, icounts, info, svg, reps):
    md = []
    md.append("Every group: ratios atomicarena / peer from criterion's **median**, with the ratio "
              "of the fastest samples (**min**) in parentheses; below 1.00 atomicarena is "
              "faster. Times are per element (per reset in the `reset_*` groups).\n")
    md.append("| group | peer | peer median | `atomicarena` | `atomicarena_local` |")
    md.append("|---|---|---:|---:|---:|")
    for group in ordered(groups):
        rows = groups[group]
        subs = subjects_of(rows)
        named = [s for s in subs if s in ("atomicarena", "atomicarena_local")]
        other = [s for s in subs if s not in named]
        for peer in peers_of(rows):
            cells = []
            for col in ("atomicarena", "atomicarena_local"):
                s = col if col in rows else (other[0] if col == "atomicarena" and other else None)
                if s is None:
                    cells.append("")
                    continue
                r = rows[s]["median"] / rows[peer]["median"]
                rm = rows[s]["min"] / rows[peer]["min"]
                name = "" if s == col else f"`{s}` "
                cells.append(f"{name}**{r:.2f}** ({rm:.2f})")
            md.append(f"| {group} | {peer} | {fmt_ns(rows[peer]['median'])} | "
                      + " | ".join(cells) + " |")
    md.append("")
    if svg:
        md.append(f"![ns per element, per group; atomicarena highlighted]({svg})\n")
    md.append(targets_markdown(targets))
    md.append("### All results (ns per element)\n")
    md.append("`max` is the slowest sample. A criterion sample can hold several repetitions "
              "(their mean); the ring groups' single repetitions follow the table.\n")
    md.append("| group | function | " + " | ".join(STATS) + " |")
    md.append("|---|---|" + "---:|" * len(STATS))
    for group in ordered(groups):
        rows = groups[group]
        for f in subjects_of(rows) + peers_of(rows):
            ns = rows[f]
            name = f"**{f}**" if is_subject(f) else f
            md.append(f"| {group} | {name} | " + " | ".join(fmt_ns(ns[s]) for s in STATS) + " |")
    if stale:
        md.append(f"\nLeft out as stale (older results of renamed functions): {', '.join(stale)}.")
    md.append("")
    rep_rows = [(g, f, spread(reps, g, f)) for g in ordered(groups) for f in groups[g]
                if spread(reps, g, f)]
    if rep_rows:
        md.append("Ring repetitions (each one run of 1M pushes; those of criterion's "
                  "measurement samples, ns per element):\n")
        md.append("`overlap`: the share of a repetition during which both threads were "
                  "pushing (from the latest start to the earliest end, over the wall time); "
                  "the last two columns split the repetitions at an overlap of 0.5: side by "
                  "side, or mostly one after the other (count and median time).\n")
        md.append("| group | function | repetitions | min | median | max | max / min | "
                  "median overlap | overlap ≥ 0.5 | overlap < 0.5 |")
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for g, f, (lo, mid, hi, n) in rep_rows:
            ov = overlaps(reps, g, f) if "1-thread" not in g else []
            split = []
            for side in (True, False):
                part = [ns for ns, o in ov if (o >= 0.5) == side]
                split.append(f"{len(part)}: {fmt_ns(median(part))}" if part else "0")
            if not ov:
                split = ["—", "—"]
            both = f"{median([o for _, o in ov]):.2f}" if ov else "—"
            md.append(f"| {g} | {f} | {n} | {fmt_ns(lo)} | {fmt_ns(mid)} | {fmt_ns(hi)} | "
                      f"{hi / lo:.2f} | {both} | {split[0]} | {split[1]} |")
        md.append("")
    if icounts:
        md.append("### Instructions per element (callgrind)\n")
        md.append("`valgrind --tool=callgrind --toggle-collect='*measured*'` on the bench "
                  "binary's `--icount <case>` mode: only the timed part of one run is counted "
                  f"({icounts['valgrind']}). Steady where times are not; but an instruction "
                  "count does not see what an instruction costs (a `lock`ed read-modify-write "
                  "counts as one).\n")
        md.append("| case | instructions / element |")
        md.append("|---|---:|")
        for case, r in icounts["cases"].items():
            md.append(f"| {case} | {r['per_element']:.2f} |")
        md.append("")
    md.append("### Machine\n")
    md.append(f"- `nproc`: {info['nproc']}; {info['rustc']}; Linux {info['kernel']}")
    md.append("- `lscpu`: " + "; ".join(" ".join(l.split()) for l in info["lscpu"]))
    for line in describe_load(info):
        md.append(f"- {line}")
    md.append(f"- `/proc/loadavg` when this report was written: `{info['loadavg_now']}`")
    return "\n".join(md)


def replace_between(text, begin, end, body, path):
    if begin not in text or end not in text:
        sys.exit(f"{path} has no {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return (f"{head}{begin}\n<!-- generated by benches/ratios.py; do not edit by hand -->\n"
            f"{body}\n{end}{tail}")


def write_markdown(path, summary, body):
    if path == "-":
        print(summary)
        print(body)
        return
    p = Path(path)
    text = (p.read_text() if p.exists()
            else f"{SUMMARY_BEGIN}\n{SUMMARY_END}\n{BEGIN}\n{END}\n")
    text = replace_between(text, SUMMARY_BEGIN, SUMMARY_END, summary, path)
    text = replace_between(text, BEGIN, END, body, path)
    p.write_text(text)


# ---- chart -----------------------------------------------------------------------------------

# How the chart names atomicarena's functions when a group has more than one.
SHORT = {"atomicarena": "shared ", "atomicarena_local": "local "}

OURS, PEER, TICK, INK, GRID = "#d9480f", "#adb5bd", "#212529", "#343a40", "#e9ecef"


def svg_chart(groups, title):
    """Two columns of panels, one per group: a bar per function (median ns/element, own scale
    per panel, fastest first), a tick at the fastest sample, atomicarena's bars in orange."""
    col_w, label_w, value_w, bar_h, gap = 560, 140, 215, 14, 4
    plot_w = col_w - label_w - value_w
    panels = []
    for group in ordered(groups):
        rows = groups[group]
        order = sorted(rows, key=lambda f: rows[f]["median"])
        panels.append((group, rows, order, 38 + len(order) * (bar_h + gap) + 14))
    # Greedy balance of the two columns.
    cols, heights = ([], []), [0, 0]
    for p in panels:
        i = 0 if heights[0] <= heights[1] else 1
        cols[i].append(p)
        heights[i] += p[3]
    top = 66
    width, height = 2 * col_w + 30, top + max(heights) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="11" fill="{INK}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
           f'<rect x="10" y="32" width="12" height="10" fill="{OURS}"/>'
           f'<text x="26" y="41">atomicarena</text>'
           f'<rect x="110" y="32" width="12" height="10" fill="{PEER}"/>'
           f'<text x="126" y="41">peer</text>'
           f'<rect x="170" y="31" width="2" height="12" fill="{TICK}"/>'
           f'<text x="178" y="41">fastest sample</text>'
           f'<text x="270" y="41">bar: median ns per element, scale per panel, shorter is '
           f'faster. Right: the median, then atomicarena / peer</text>',
           f'<text x="270" y="55">(below 1.00x atomicarena is faster; shared = Arena::alloc, '
           f'local = Arena::local().alloc)</text>']
    for c, col in enumerate(cols):
        x0, y = 10 + c * (col_w + 10), top
        for group, rows, order, h in col:
            out.append(f'<text x="{x0}" y="{y + 12}" font-size="12" font-weight="bold">'
                       f'{escape(group)}</text>')
            out.append(f'<text x="{x0}" y="{y + 26}" fill="#495057">'
                       f'{escape(GROUPS.get(group, ""))}</text>')
            top_ns = max(max(rows[f]["median"], rows[f]["min"]) for f in order) or 1
            subs = subjects_of(rows)
            y += 34
            out.append(f'<rect x="{x0 + label_w}" y="{y}" width="{plot_w}" '
                       f'height="{len(order) * (bar_h + gap)}" fill="{GRID}" opacity="0.5"/>')
            for f in order:
                ns = rows[f]
                w = max(1.0, plot_w * ns["median"] / top_ns)
                tick = x0 + label_w + plot_w * ns["min"] / top_ns
                ours = is_subject(f)
                weight = ' font-weight="bold"' if ours else ""
                out.append(f'<text x="{x0 + label_w - 6}" y="{y + bar_h - 3}" text-anchor="end"'
                           f'{weight}>{escape(f)}</text>')
                out.append(f'<rect x="{x0 + label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                           f'fill="{OURS if ours else PEER}"/>')
                out.append(f'<rect x="{tick - 1:.1f}" y="{y - 1}" width="2" height="{bar_h + 2}" '
                           f'fill="{TICK}"/>')
                label = fmt_ns(ns["median"])
                if not ours:
                    for sub in subs:
                        short = SHORT.get(sub, "") if len(subs) > 1 else ""
                        label += f" \u00b7 {short}{rows[sub]['median'] / ns['median']:.2f}x"
                out.append(f'<text x="{x0 + label_w + plot_w + 6}" y="{y + bar_h - 3}"'
                           f'{weight}>{escape(label)}</text>')
                y += bar_h + gap
            y += 18
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=Path, default=default_dir())
    ap.add_argument("--markdown", metavar="FILE")
    ap.add_argument("--svg", metavar="FILE")
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()

    groups, stale = load(args.dir)
    if not groups:
        sys.exit(f"no criterion results under {args.dir}")
    icounts = None
    if args.icount:
        print("counting instructions with callgrind ...", file=sys.stderr)
        icounts = icount(args.dir)
    elif (args.dir / "icount.json").exists():
        icounts = json.loads((args.dir / "icount.json").read_text())
    reps = load_reps(args.dir)
    targets = check_targets(groups, reps, TARGETS)

    print(f"criterion results in {args.dir}")
    print(text_report(groups, stale, targets, icounts, reps))
    svg_rel = None
    if args.svg:
        Path(args.svg).write_text(svg_chart(groups, "atomicarena vs peers: time per element"))
        svg_rel = args.svg
        if args.markdown and args.markdown != "-":
            svg_rel = os.path.relpath(args.svg, Path(args.markdown).resolve().parent)
        print(f"\nwrote {args.svg}")
    if args.markdown:
        write_markdown(args.markdown, summary_markdown(groups, reps, targets),
                       markdown_report(groups, stale, targets, icounts, machine(args.dir),
                                       svg_rel, reps))
        if args.markdown != "-":
            print(f"wrote {args.markdown}")
    missed = sum(t[4] != "met" for t in targets)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
