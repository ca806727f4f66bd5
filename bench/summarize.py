#!/usr/bin/python3
"""Prints the text summary of a bench/run: every benchmark (median wall time, MACs/s, events/s, its own
rate) and the speed targets of issue 9, met or not. Usage:
    bench/summarize.py bench/results/latest.json [--sweep-memory bench/results/sweep_memory.json]
        [--sweep-memory-workloads bench/results/sweep_memory_workloads.json]
        [--sweep-memory-resume bench/results/sweep_memory_resume.json]
Reads Google Benchmark's JSON with or without repetitions (medians when there are aggregates)."""
import argparse
import json
import re
import statistics
import sys

UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def si(x, unit=""):
    """1234567 -> '1.23 M' (three significant digits)."""
    if x is None:
        return "-"
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")):
        if abs(x) >= scale or scale == 1:
            v = x / scale
            return f"{v:.3g} {prefix}{unit}".rstrip()
    return str(x)


def duration(seconds):
    if seconds is None:
        return "-"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def load(path):
    """{base name: run} with the median aggregate when there are repetitions, else the median of the
    iteration runs. Base names drop Google Benchmark's /iterations:N, /repeats:N and /real_time."""
    with open(path) as f:
        doc = json.load(f)
    runs, plain = {}, {}
    for b in doc["benchmarks"]:
        base = re.sub(r"/(iterations|repeats):\d+|/real_time|/manual_time", "", b.get("run_name", b["name"]))
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                runs[base] = b
        elif b.get("error_occurred"):
            runs.setdefault(base, b)
        else:
            plain.setdefault(base, []).append(b)
    for base, bs in plain.items():
        if base in runs:
            continue
        bs = sorted(bs, key=seconds)
        runs[base] = bs[len(bs) // 2]
    # Registration order (with --benchmark_enable_random_interleaving the JSON is shuffled).
    order = lambda item: (item[1].get("family_index", 0), item[1].get("per_family_instance_index", 0))
    return doc.get("context", {}), dict(sorted(runs.items(), key=order))


def seconds(run):
    """Wall time for benchmarks measured in real time (threads, I/O), CPU time for the others (all
    single-threaded): on a shared machine the CPU time does not count the time other processes had."""
    if not run or "real_time" not in run:
        return None
    key = "real_time" if "/real_time" in run.get("run_name", run["name"]) else "cpu_time"
    return run[key] * UNIT_SECONDS[run.get("time_unit", "ns")]


RATES = ("items_per_second", "rows/s", "points/s")


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json")
    ap.add_argument("--sweep-memory", help="the JSON written by bench/sweep_memory --json")
    ap.add_argument("--sweep-memory-workloads", help="the JSON written by bench/sweep_memory --workloads --json")
    ap.add_argument("--sweep-memory-resume", help="the JSON written by bench/sweep_memory --resume --json")
    a = ap.parse_args()
    context, runs = load(a.json)

    reps = {r.get("repetitions", 1) for r in runs.values()}
    print(f"{len(runs)} benchmarks, {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
          f"load average {' '.join(f'{x:.2f}' for x in context.get('load_avg', []))} at {context.get('date', '?')}; "
          f"medians of {'/'.join(str(r) for r in sorted(reps))} repetition(s): CPU time, wall time for /real_time "
          f"benchmarks (sweeps, HDF5)")
    print()

    rows = []
    for name, r in runs.items():
        if name.startswith("BM_Density/"):
            continue  # its own table below
        if r.get("error_occurred"):
            rows.append([name, "error: " + r.get("error_message", "?"), "", "", ""])
            continue
        other = next((f"{si(r[k])} {k.replace('items_per_second', 'items/s')}" for k in RATES if k in r), "")
        rows.append([name, duration(seconds(r)), si(r.get("MACs/s")), si(r.get("events/s")), other])
    print(table(rows, ["benchmark", "median", "MACs/s", "events/s", "rate"]))

    density = [(n, r) for n, r in runs.items() if n.startswith("BM_Density/") and not r.get("error_occurred")]
    layers = sorted({n.split("/")[1] for n, _ in density})
    density_notes = []
    for layer in layers:
        pts = sorted(((r.get("density_%", 0), seconds(r), r) for n, r in density if n.split("/")[1] == layer),
                     key=lambda p: p[0])
        print()
        print(f"BM_Density/{layer}: uniform iacts and weights at each density; dense MACs stay "
              f"{si(pts[0][2].get('MACs'))}")
        t0 = pts[0][1]
        print(table([[f"{d:.0f} %", duration(t), f"x{t / t0:.2f}", si(r.get("nnz_operands")), si(r.get("eff_MACs")),
                      si(r.get("work_items")), f"{1e9 * t / max(1, r.get('work_items', 1)):.0f}", si(r.get("events")),
                      f"{r.get('mapper_ms', 0):.2f} ms"]
                     for d, t, r in pts],
                    ["density", "median", "vs lowest", "nnz operands", "eff. MACs", "work items", "ns/item", "events", "mapper"]))
        sparse = [p for p in pts if p[0] < 100]  # 100 % takes the dense-weight fast path
        if len(sparse) >= 2:
            lo, hi = sparse[0], sparse[-1]
            density_notes.append(
                f"{layer}: {lo[0]:.0f}%->{hi[0]:.0f}%: time x{hi[1] / lo[1]:.2f}, non-zero operands "
                f"x{hi[2].get('nnz_operands', 0) / max(1, lo[2].get('nnz_operands', 1)):.1f}, effectual MACs "
                f"x{hi[2].get('eff_MACs', 0) / max(1, lo[2].get('eff_MACs', 1)):.0f}, PE work items "
                f"x{hi[2].get('work_items', 0) / max(1, lo[2].get('work_items', 1)):.2f}, dense MACs x1")

    # Targets of issue 9.
    def t(name):
        return seconds(runs.get(name))

    targets = []

    def limit(what, value, bound, fmt, le=True):
        if value is None:
            targets.append([what, "not run", ("<= " if le else ">= ") + fmt(bound), "-"])
            return
        ok = value <= bound if le else value >= bound
        targets.append([what, fmt(value), ("<= " if le else ">= ") + fmt(bound), "met" if ok else "NOT MET"])

    limit("sparse MobileNet 0.5/128, timing", t("BM_Network/sparse_mobilenet_timing"), 10e-3, duration)
    limit("  the same, first simulation of fresh data (nothing cached)", t("BM_NetworkCold/sparse_mobilenet_timing"),
          10e-3, duration)
    limit("sparse AlexNet, timing", t("BM_Network/sparse_alexnet_timing"), 100e-3, duration)
    for net in ("sparse_mobilenet", "sparse_alexnet", "mobilenet_1_0_224"):
        tv, tt = t(f"BM_Network/{net}_verify"), t(f"BM_Network/{net}_timing")
        limit(f"{net} --verify / timing", tv / tt if tv and tt else None, 20.0, lambda x: f"{x:.1f}x")
    t1, t2 = t("BM_DefaultSweep/threads:1"), t("BM_DefaultSweep/threads:2")
    limit("default sweep, 2 threads / 1 thread", t1 / t2 if t1 and t2 else None, 1.8, lambda x: f"{x:.2f}x", le=False)
    def read_json(path):
        if not path:
            return None
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            print(f"summarize: cannot read {path}: {e}", file=sys.stderr)
            return None

    mem = read_json(a.sweep_memory)
    workloads = read_json(a.sweep_memory_workloads)
    resume = read_json(a.sweep_memory_resume)
    limit(f"peak RSS, {mem['points'] if mem else 1000}-point sparse MobileNet sweep"
          + (f" (-j {mem['jobs']}, {mem['points_per_second']} points/s)" if mem else ""),
          mem["peak_rss_mb"] if mem else None, 300.0, lambda x: f"{x:.0f} MB")
    print()
    print("Targets (issue 9; single thread unless stated, medians):")
    print(table(targets, ["target", "measured", "bound", "status"]))
    if workloads:
        print(f"peak RSS (shown, not a bound), {workloads['points']}-point AlexNet sweep of 16 workloads taken workload "
              f"by workload (-j {workloads['jobs']}): {workloads['peak_rss_mb']:.0f} MB, {workloads['wall_seconds']} s "
              f"(1.65 GB in id order, docs/sweeps.md)")
    if resume:
        print(f"peak RSS (shown, not a bound), the {resume['points']}-point sparse MobileNet sweep resumed with "
              f"{resume.get('resumed', '?')} points in its journal (-j {resume['jobs']}): {resume['peak_rss_mb']:.0f} MB, "
              f"{resume['wall_seconds']} s "
              f"(records read back from the journal one at a time, docs/results.md)")
    for note in density_notes:
        print(f"cost over density (shown, not a bound): {note}")
    r1, r2 = t("BM_RunLayers/resnet50/threads:1"), t("BM_RunLayers/resnet50/threads:2")
    if r1 and r2:
        print(f"eyesim run's layers side by side (shown, not a bound): ResNet-50 prepared and simulated in "
              f"{duration(r1)} on 1 thread, {duration(r2)} on 2 ({r1 / r2:.2f}x)")


if __name__ == "__main__":
    main()
