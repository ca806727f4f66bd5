#!/usr/bin/python3
"""Post-processing end to end: a small sweep made here, read with tools/eyesim_results.py (points,
layers, totals, traces: shapes, columns and sums consistent with /runs), every kind of tools/eyesim-plot
(PNGs that exist, have some size and are not blank, with nothing cut at their edges, long titles
included), param on a [sample] sweep (a --lines or --x parameter with many values drawn in bins, --where
ranges), and bad inputs (missing file, non-HDF5, HDF5 that is not eyesim, another schema, unknown
point, failed point, unknown layer, unknown network or metric, a parameter suffix several parameters
end with, a malformed --where range, unwritable output) refused with one clear line and a non-zero
exit, never a traceback.
Run by ctest with Debian's python3: post_processing_test.py EYESIM."""
import concurrent.futures
import contextlib
import importlib.machinery
import importlib.util
import io
import os
import subprocess
import sys
import traceback
import types

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import numpy as np  # noqa: E402

EYESIM = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")
PLOT = os.path.join(TOOLS, "eyesim-plot")
sys.path.insert(0, TOOLS)
import eyesim_results as er  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_post_processing_")
check, path = T.check, T.path
SPEC = T.write("spec.toml", cli_checks.small_sweep_spec("post_processing_test"))
# Point ids: 0..3 the grid (cluster_rows slowest), 4 the scaled v1 on MobileNet, 5 fails (pe_rows = 0).
V2_CHIP, V1_CHIP, FAILED, POINTS = 2, 4, 5, 6


def raises(fn, *needles):
    """fn() raises EyesimFileError whose message contains every needle."""
    try:
        fn()
    except er.EyesimFileError as e:
        msg = str(e)
        return all(n in msg for n in needles) and "\n" not in msg, msg
    except Exception as e:  # noqa: BLE001 (any other exception is a failure of the check)
        return False, f"{type(e).__name__}: {e}"
    return False, "no error"


RESULTS = path("results.h5")
p = subprocess.run([EYESIM, "sweep", SPEC, "-o", RESULTS, "-j", "2", "-q"], capture_output=True, text=True, timeout=300)
check(p.returncode == 0 and os.path.exists(RESULTS), "the small sweep runs: " + p.stderr.strip())

# Files that are not eyesim result files.
NOT_HDF5 = path("not_hdf5.h5")
with open(NOT_HDF5, "w") as f:
    f.write("this is text, not HDF5\n")
PLAIN = path("plain.h5")
with h5py.File(PLAIN, "w") as f:
    f["x"] = np.arange(3)
OTHER_SCHEMA = path("other_schema.h5")
with h5py.File(OTHER_SCHEMA, "w") as f:
    f.attrs["schema"] = "eyesim-results/99"
MISSING = path("missing.h5")
DAMAGED = path("damaged.h5")  # a chunk of /layers garbled: h5py's read raises OSError (inflate() failed)
with open(RESULTS, "rb") as f, open(DAMAGED, "wb") as g:
    g.write(f.read())
with h5py.File(DAMAGED, "r") as f:
    chunk = f["layers"].id.get_chunk_info(0)
with open(DAMAGED, "r+b") as f:
    f.seek(chunk.byte_offset)
    f.write(bytes(range(256)) * (chunk.size // 256 + 1))

# ---- the module ---------------------------------------------------------------------------------
with er.open(RESULTS) as rf:
    check(rf.attrs.get("schema") == er.SCHEMA and rf.attrs.get("spec_name") == "post_processing_test",
          "attrs: schema and spec name")
    check(rf.parameters() == ["arch.name", "arch.array.cluster_rows", "arch.array.pe_rows", "arch.dram.bandwidth_gbps"],
          f"parameters(): the swept ones, arch.name for the preset switch: {rf.parameters()}")
    pts = rf.points()
    runs = rf.runs()
    check(len(pts) == POINTS and list(pts["point_id"]) == list(range(POINTS)), "points(): one row per point, in order")
    check(list(pts.columns[:7]) == ["point_id", "network", "arch.name", "arch.array.cluster_rows", "arch.array.pe_rows",
                                    "arch.dram.bandwidth_gbps", "status"],
          f"points(): identity, then the swept parameters, then status: {list(pts.columns[:7])}")
    check(int(pts["ok"].sum()) == POINTS - 1 and not pts.loc[FAILED, "ok"]
          and "pe_rows" in pts.loc[FAILED, "message"], "points(): the failed point is flagged with its message")
    check(isinstance(pts.loc[0, "network"], str) and pts.loc[V1_CHIP, "arch.name"] == "eyeriss_v1_scaled",
          "points(): strings are decoded")
    ok = pts[pts["ok"]]
    check(np.allclose(ok["seconds_per_inference"] * ok["inferences_per_second"], 1)
          and np.allclose(ok["edp_js"], ok["energy_j_per_inference"] * ok["seconds_per_inference"])
          and np.isnan(pts.loc[FAILED, "edp_js"]), "points(): per-inference metrics and EDP; NaN for the failed point")

    lay = rf.layers()
    check(len(lay) == int(runs["layers"].sum()) and len(lay) > 0, f"layers(): one row per point x layer ({len(lay)})")
    check(set(lay["point_id"]) == set(ok["point_id"]) and "arch.array.cluster_rows" in lay.columns
          and isinstance(lay["layer_name"].iloc[0], str), "layers(): joined with the parameters, names decoded")

    tot = rf.totals()
    check(len(tot) == len(ok) and list(tot["point_id"]) == list(ok["point_id"]), "totals(): one row per simulated point")
    by_point = lay.groupby("point_id")
    r = runs.set_index("point_id").loc[tot["point_id"]]
    check(np.array_equal(tot["cycles"].to_numpy(), by_point["cycles"].sum().to_numpy())
          and np.array_equal(tot["cycles"].to_numpy(), r["cycles"].to_numpy()), "totals(): cycles = sum of layers = /runs")
    check(np.allclose(tot["seconds"], r["latency_seconds"]) and np.allclose(tot["energy_chip_pj"], r["energy_chip_pj"])
          and np.allclose(tot["energy_dram_pj"], r["energy_dram_pj"]), "totals(): latency and energy equal /runs")
    comps = sum(tot[f"energy_{c}_pj"] for c in er.ENERGY_COMPONENTS)
    check(np.allclose(comps, tot["energy_chip_pj"]), "totals(): the energy components add up to the chip energy")
    check(np.allclose(tot["edp_js"], tot["energy_chip_pj"] * 1e-12 * tot["latency_seconds"]),
          "totals(): EDP = chip energy x latency at batch 1")
    check("dram_bytes" in tot and np.array_equal(tot["dram_bytes"].to_numpy(), r["dram_bytes"].to_numpy()),
          "totals(): dram_bytes = all DRAM reads and writes of the layers = /runs")

    tr = rf.traces(V2_CHIP, "L05")
    row = lay[(lay["point_id"] == V2_CHIP) & (lay["layer_name"] == "L05")].iloc[0]
    check(len(tr) == row["trace_pe_count"] == 192, "traces(): one row per PE of the 192-PE chip")
    check(len(set(zip(tr["row"], tr["col"]))) == 192 and tr["row"].max() == 23 and tr["col"].max() == 7,
          "traces(): PE grid positions cover the 8x2 clusters of 3x4 PEs once each")
    check(int(tr["macs"].sum()) == int(row["macs_effectual"]), "traces(): per-PE MACs add up to the layer's effectual MACs")
    check(rf.traces(V2_CHIP, int(row["layer_idx"]))["busy_cycles"].equals(tr["busy_cycles"]),
          "traces(): a layer by index equals the layer by name")
    sums = rf.layer_pe_sums(V2_CHIP)
    check(float(sums.loc[sums["layer_name"] == "L05", "pe_busy_cycles"].iloc[0]) == float(tr["busy_cycles"].sum()),
          "layer_pe_sums() agrees with traces()")
    ports = rf.traces(V2_CHIP, "L05", kind="port")
    check(len(ports) == row["trace_port_count"] and ports["data_type"].value_counts().to_dict()
          == {"psum": 64, "iact": 48, "weight": 48}, "traces(kind='port'): iact, weight and psum ports of 16 clusters")
    check(len(rf.traces(V1_CHIP, "L05", kind="port")) == 3, "traces(kind='port'): one bus per data type on a flat NoC")

    for fn, needles, what in [
        (lambda: rf.traces(99, "L01"), ("results.h5", "no point 99", "0-5"), "an unknown point id"),
        (lambda: rf.point("x"), ("'x'", "not a point id"), "a point id that is not a number"),
        (lambda: rf.traces(FAILED, "L01"), (f"point {FAILED} failed", "pe_rows"), "the failed point"),
        (lambda: rf.traces(V2_CHIP, "L99"), ("no layer 'L99'", "L01"), "an unknown layer"),
        (lambda: rf.traces(V2_CHIP, "l05"), ("no layer 'l05'", "did you mean 'L05'?"), "a misspelt layer"),
        # As close to L10-L19 as to L01 by difflib (it picked L21): the layer number without its zero.
        (lambda: rf.traces(V2_CHIP, "L1"), ("no layer 'L1'", "did you mean 'L01'?"), "a layer number without its zero"),
        (lambda: rf.traces(V2_CHIP, "L05", network="mobilenet"), ("'sparse_mobilenet', not 'mobilenet'",),
         "the wrong network for a point"),
    ]:
        good, msg = raises(fn, *needles)
        check(good, f"{what} is refused clearly: {msg}")

    presets = er.preset_points(pts, EYESIM)
    check(presets == {V2_CHIP: "eyeriss_v2", V1_CHIP: "eyeriss_v1_scaled"},
          f"preset_points(): the unmodified chips are recognised (and only they): {presets}")

pub = er.published_points()
v2 = pub[(pub["arch"] == "eyeriss_v2") & (pub["net"] == "sparse_mobilenet")]
check(len(v2) == 1 and v2.iloc[0]["inferences_per_second"] == 1470.6 and v2.iloc[0]["inferences_per_joule"] == 2560.3,
      "published_points(): the JETCAS sparse MobileNet numbers from tools/validation/published.toml")
check(list(er.pareto_mask([1, 2, 3, 2, 4], [5, 3, 4, 3, 1])) == [True, True, False, False, True],
      "pareto_mask(): dominated and duplicate points are off the front")
for bad, needles, what in [(MISSING, ("missing.h5", "no such file"), "a missing file"),
                           (NOT_HDF5, ("not_hdf5.h5", "not an HDF5 file"), "a text file"),
                           (PLAIN, ("plain.h5", "not an eyesim result file", er.SCHEMA), "an HDF5 file of something else"),
                           (OTHER_SCHEMA, ("other_schema.h5", "eyesim-results/99", er.SCHEMA), "another schema")]:
    good, msg = raises(lambda: er.open(bad), *needles)
    check(good, f"open(): {what} is refused clearly: {msg}")
good, msg = raises(lambda: er.open(DAMAGED).layers(), "damaged.h5", "/layers cannot be read", "damaged")
check(good, f"layers(): a table whose data cannot be read is named, not an h5py OSError: {msg}")

# ---- eyesim-plot --------------------------------------------------------------------------------
# The basic kinds and a few errors run as real processes (two at a time); the variants run in this
# process through the script's main() (the same code, without paying the imports again).
ENV = dict(os.environ, EYESIM=EYESIM)
os.environ["EYESIM"] = EYESIM
loader = importlib.machinery.SourceFileLoader("eyesim_plot", PLOT)
plot_module = importlib.util.module_from_spec(importlib.util.spec_from_loader("eyesim_plot", loader))
loader.exec_module(plot_module)


def plot_process(*args):
    return subprocess.run([sys.executable, PLOT, *args], capture_output=True, text=True, env=ENV, timeout=120)


def plot_here(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = plot_module.main(list(args))
        except SystemExit as e:  # argparse's usage errors
            code = e.code
        except Exception:  # noqa: BLE001 (a traceback is a failure: report it)
            code = -1
            traceback.print_exc()
    return types.SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


# Points labelled with four long parameters, on sparse AlexNet (a narrow breakdown): their titles are wider
# than the figures, and were cut at both edges before eyesim-plot wrapped them.
LONG = path("long_titles.h5")
LONG_SPEC = T.write("long_titles.toml", """name = "post_processing_long_titles"
networks = ["sparse_alexnet"]
[[axis]]
name = "arch.glb.iact_bank_bytes"
values = [1536, 3072]
[[axis]]
name = "arch.noc.iact_port_bits"
values = [24, 48]
zip = "port_width"
[[axis]]
name = "arch.noc.weight_port_bits"
values = [24, 48]
zip = "port_width"
[[axis]]
name = "arch.dram.bandwidth_gbps"
values = [0.0, 25.6]
""")
p = subprocess.run([EYESIM, "sweep", LONG_SPEC, "-o", LONG, "-j", "2", "-q"], capture_output=True, text=True,
                   timeout=300)
check(p.returncode == 0 and os.path.exists(LONG), "the sweep with long point labels runs: " + p.stderr.strip())

# A [sample] sweep (sampled bandwidths: a value per point): param draws a parameter with many values in bins.
SAMPLED = path("sampled.h5")
SAMPLED_SPEC = T.write("sampled.toml", f"""name = "post_processing_sampled"
networks = ["{os.path.join(ROOT, 'workloads', 'data', 'example_network.toml')}"]
[sample]
count = 120
seed = 5
[[sample.axis]]
name = "arch.array.cluster_rows"
range = [2, 16]
[[sample.axis]]
name = "arch.dram.bandwidth_gbps"
range = [0.5, 25.6]
""")
p = subprocess.run([EYESIM, "sweep", SAMPLED_SPEC, "-o", SAMPLED, "-j", "2", "-q"], capture_output=True, text=True,
                   timeout=300)
check(p.returncode == 0 and os.path.exists(SAMPLED), "the sampled sweep runs: " + p.stderr.strip())


def param_lines(*args):
    """plot_param's panel on the sampled sweep: [(label, x, y, line style)], the legend's title, the x label."""
    with er.open(SAMPLED) as rf:
        fig, _ = plot_module.plot_param(rf, plot_module.parse([SAMPLED, "param", *args]))
    try:
        ax = fig.axes[0]
        legend = ax.get_legend()
        return ([(ln.get_label(), np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float),
                  ln.get_linestyle()) for ln in ax.get_lines()],
                legend.get_title().get_text() if legend else "", ax.get_xlabel())
    finally:
        plot_module.plt.close(fig)


def bins_of(v, lo, hi, n):
    """Equal-width bin of each value: [lo + k w, lo + (k + 1) w), the last one closed."""
    return np.minimum(n - 1, ((np.asarray(v, float) - lo) / ((hi - lo) / n)).astype(int))


with er.open(SAMPLED) as rf:
    stot = rf.totals()
bw, rows_ = stot["arch.dram.bandwidth_gbps"].to_numpy(float), stot["arch.array.cluster_rows"].to_numpy()
edp = stot["edp_js"].to_numpy(float) * 1e9
check(len(np.unique(bw)) == len(stot) == 120 and sorted(set(rows_)) == list(range(2, 17)),
      f"the sampled sweep: a bandwidth per point, every cluster_rows of 2..16 ({len(np.unique(bw))} bandwidths)")
# --lines over a sampled float: 8 lines, one per equal-width bin of its values, each the mean EDP of the bin's
# points at each x (it drew a line and a legend entry per point).
lo, hi = bw.min(), bw.max()
edges = np.linspace(lo, hi, 9)
want = [f"dram.bandwidth_gbps = {a:.4g}..{b:.4g}" for a, b in zip(edges[:-1], edges[1:])]
try:
    lines, title, xlabel = param_lines("--y", "edp", "--x", "cluster_rows", "--lines", "bandwidth_gbps")
except Exception as e:  # noqa: BLE001
    lines, title, xlabel = [], f"{type(e).__name__}: {e}", ""
check([ln[0] for ln in lines] == want and title == "in 8 bins",
      f"param --lines over sampled bandwidths: one line per bin of 8, labelled with its range "
      f"({len(lines)} lines: {[ln[0] for ln in lines][:3]}...; legend title '{title}')")
b = bins_of(bw, lo, hi, 8)
good = len(lines) == 8
for k, (label, x, y, _) in enumerate(lines[:8]):
    mean = [edp[(b == k) & (rows_ == r)].mean() for r in x]
    good = good and list(x) == sorted(set(rows_[b == k])) and bool(np.allclose(y, mean))
check(good, "param --lines in bins: each bin's line is the mean EDP of its points at each cluster_rows")
# --x with 15 values (at most 24): drawn as lines (it drew dots above 12 values).
check(len(lines) > 0 and all(ln[3] == "-" for ln in lines) and "bins" not in xlabel,
      f"param --x with 15 values: lines through every value, x not binned (styles {sorted({ln[3] for ln in lines})}, "
      f"x label '{xlabel}')")
# An integer parameter in bins of whole numbers; a sampled --x (120 values) in 12 bins, each at its centre.
try:
    lines, title, xlabel = param_lines("--y", "edp", "--x", "bandwidth_gbps", "--lines", "cluster_rows", "--agg", "min")
except Exception as e:  # noqa: BLE001
    lines, title, xlabel = [], f"{type(e).__name__}: {e}", ""
want = [f"array.cluster_rows = {r}" for r in ("2..3", "4..5", "6..7", "8..9", "10..11", "12..13", "14..15", "16")]
check([ln[0] for ln in lines] == want, f"param --lines over an integer parameter with 15 values: bins of whole "
                                       f"numbers ({[ln[0] for ln in lines]})")
xedges = np.linspace(lo, hi, 13)
centres = (xedges[:-1] + xedges[1:]) / 2
xb = bins_of(bw, lo, hi, 12)
good = len(lines) == 8 and "12 bins" in xlabel
for (label, x, y, style), first in zip(lines, (2, 4, 6, 8, 10, 12, 14, 16)):
    of_line = (rows_ >= first) & (rows_ <= (first + 1 if first < 16 else 16))
    ks = sorted(set(xb[of_line]))
    good = (good and style == "-" and len(x) == len(y) == len(ks) and bool(np.allclose(x, centres[ks]))
            and bool(np.allclose(y, [edp[of_line & (xb == k)].min() for k in ks])))
check(good, f"param --x over sampled bandwidths: 12 bins drawn at their centres, the --agg min of each bin's points, "
            f"as lines (x label '{xlabel}'; {[len(ln[1]) for ln in lines]} points a line)")
# A --lines parameter with too many values that are not numbers is refused, naming the ways out.
try:
    plot_module.value_groups("arch.name", plot_module.pd.Series([f"chip{i}" for i in range(9)]), 8, 8, "--lines")
    msg = "no error"
except Exception as e:  # noqa: BLE001 (PlotError is the check's; anything else fails it)
    msg = f"{type(e).__name__}: {e}"
check(msg.startswith("PlotError: ") and all(n in msg for n in ("--lines arch.name takes 9 values", "--where name=VALUE", "a numeric parameter")),
      f"param --lines over 9 names: refused, pointing at --where and numeric parameters: {msg}")
# --where ranges, bounds included, either one left out; the exact form as it was.
with er.open(SAMPLED) as rf:
    some = sorted(bw)[40]
    for where, keep in [("bandwidth_gbps=1..8", (bw >= 1) & (bw <= 8)), ("dram.bandwidth_gbps=..8", bw <= 8),
                        ("bandwidth_gbps=16..", bw >= 16), (f"bandwidth_gbps={some!r}..{some!r}", bw == some),
                        (f"bandwidth_gbps= {sorted(bw)[10]!r} .. {some!r}", (bw >= sorted(bw)[10]) & (bw <= some)),
                        ("cluster_rows=4..5", (rows_ >= 4) & (rows_ <= 5)), ("cluster_rows=4", rows_ == 4)]:
        try:
            kept = list(plot_module.apply_where(rf, stot, [where])["point_id"])
        except Exception as e:  # noqa: BLE001
            kept = f"{type(e).__name__}: {e}"
        check(kept == list(stot["point_id"][keep]),
              f"--where {where}: keeps exactly the points in it ({int(keep.sum())}: "
              f"{kept if isinstance(kept, str) else len(kept)})")

PLOTS = {  # name: (args, in a process of its own)
    "pareto": (["pareto"], True),
    "breakdown": (["breakdown", "--point", str(V2_CHIP)], True),
    "heatmap": (["heatmap", "--point", str(V2_CHIP), "--layer", "L05"], True),
    "param": (["param", "--y", "edp", "--x", "cluster_rows", "--lines", "arch.dram.bandwidth_gbps"], True),
    "pareto_total": (["pareto", "--energy", "total", "--net", "sparse_mobilenet"], False),
    "breakdown_default": (["breakdown", "--net", "mobilenet", "--no-dram"], False),
    "heatmap_default": (["heatmap", "--trace", "stall"], False),
    "param_column": (["param", "--y", "energy_dram_pj", "--x", "arch.dram.bandwidth_gbps", "--agg", "min",
                      "--where", "cluster_rows=8"], False),
    "param_word_suffix": (["param", "--y", "edp", "--x", "gbps", "--lines", "cluster_rows"], False),
    "pareto_long_title": (["pareto", "--net", "sparse_mobilenet", "--title", "sparse MobileNet on Eyeriss v2 with 2 "
                           "or 8 cluster rows, unlimited or 25.6 GB/s DRAM, against the scaled v1 on dense MobileNet"],
                          False),
}
PLOT_FILE = {}  # name: the result file it plots, when not RESULTS
for name, args in {"breakdown_long": ["breakdown"], "heatmap_long": ["heatmap", "--layer", "CONV3"],
                   "param_long": ["param", "--y", "edp", "--x", "dram.bandwidth_gbps", "--where",
                                  "glb.iact_bank_bytes=1536", "--where", "noc.iact_port_bits=24", "--where",
                                  "noc.weight_port_bits=24"]}.items():
    PLOTS[name] = (args, False)
    PLOT_FILE[name] = LONG
for name, args in {"param_sampled_lines": ["param", "--y", "edp", "--x", "cluster_rows", "--lines", "bandwidth_gbps"],
                   "param_sampled_x": ["param", "--y", "energy", "--x", "bandwidth_gbps", "--lines", "cluster_rows",
                                       "--where", "bandwidth_gbps=..20"]}.items():
    PLOTS[name] = (args, False)
    PLOT_FILE[name] = SAMPLED
RANGE = "a range is LO..HI, both bounds included"
AMBIGUOUS = ("parameter 'port_bits' is ambiguous", "arch.noc.iact_port_bits, arch.noc.weight_port_bits")
BAD = [  # (args, exit code, needles in stderr, in a process of its own)
    ([MISSING, "pareto"], 2, ("missing.h5", "no such file"), True),
    ([PLAIN, "heatmap"], 2, ("plain.h5", "not an eyesim result file"), True),
    ([RESULTS, "breakdown", "--point", "99"], 2, ("no point 99",), True),
    ([NOT_HDF5, "pareto"], 2, ("not_hdf5.h5", "not an HDF5 file"), False),
    ([DAMAGED, "pareto"], 2, ("damaged.h5", "/layers cannot be read"), False),
    ([RESULTS, "heatmap", "--point", str(FAILED)], 2, (f"point {FAILED} failed",), False),
    ([RESULTS, "heatmap", "--point", str(V2_CHIP), "--layer", "L99"], 2, ("no layer 'L99'",), False),
    ([RESULTS, "pareto", "--net", "resnet"], 2, ("network 'resnet'", "sparse_mobilenet"), False),
    ([RESULTS, "param", "--y", "speed", "--x", "cluster_rows"], 2, ("unknown metric 'speed'", "edp"), False),
    ([RESULTS, "param", "--y", "edp", "--x", "glb_size"], 2, ("unknown parameter 'glb_size'", "arch.array.cluster_rows"),
     False),
    ([RESULTS, "param", "--y", "edp", "--x", "cluster_row"], 2,
     ("unknown parameter 'cluster_row'", "did you mean 'arch.array.cluster_rows'?"), False),
    ([RESULTS, "param", "--y", "edpp", "--x", "cluster_rows"], 2, ("unknown metric 'edpp'", "did you mean 'edp'?"), False),
    # A suffix that several parameters end with (at a '_', not a '.') is ambiguous, wherever a parameter is named.
    ([RESULTS, "param", "--y", "edp", "--x", "port_bits"], 2, AMBIGUOUS, False),
    ([RESULTS, "param", "--y", "edp", "--x", "cluster_rows", "--lines", "port_bits"], 2, AMBIGUOUS, False),
    ([RESULTS, "param", "--y", "edp", "--x", "cluster_rows", "--where", "port_bits=24"], 2, AMBIGUOUS, False),
    ([RESULTS, "pareto", "--where", "port_bits=24"], 2, AMBIGUOUS, False),
    ([RESULTS, "param", "--y", "port_bits", "--x", "cluster_rows"], 2,
     ("metric 'port_bits' is ambiguous", "arch.noc.iact_port_bits"), False),
    ([RESULTS, "param", "--y", "edp", "--x", "rows"], 2,
     ("parameter 'rows' is ambiguous", "arch.array.cluster_rows", "arch.array.pe_rows"), False),
    ([RESULTS, "param", "--y", "edp", "--x", "cluster_rows", "--where", "dram.bandwidth_gbps=3"], 2,
     ("no simulated point has arch.dram.bandwidth_gbps = 3", "0, 25.6"), False),
    # --where ranges: malformed, empty, out of the values (a sampled parameter's values summed up), not a number.
    ([SAMPLED, "param", "--y", "edp", "--x", "cluster_rows", "--where", "bandwidth_gbps=8..1"], 2,
     ("--where 'bandwidth_gbps=8..1': the range 8..1 is empty (8 > 1)", RANGE), False),
    ([SAMPLED, "param", "--y", "edp", "--x", "cluster_rows", "--where", "bandwidth_gbps=a..3"], 2,
     ("'a' is not a number", RANGE), False),
    ([SAMPLED, "param", "--y", "edp", "--x", "cluster_rows", "--where", "bandwidth_gbps=1..2..3"], 2,
     ("'1..2..3' is not a range", RANGE), False),
    ([SAMPLED, "pareto", "--where", "bandwidth_gbps=.."], 2, ("a range needs at least one bound", RANGE), False),
    ([SAMPLED, "pareto", "--where", "bandwidth_gbps=nan..4"], 2, ("'nan' is not a finite number",), False),
    ([SAMPLED, "param", "--y", "edp", "--x", "cluster_rows", "--where", "bandwidth_gbps=30..40"], 2,
     ("no simulated point has arch.dram.bandwidth_gbps in 30..40", "120 values from 0."), False),
    ([SAMPLED, "param", "--y", "edp", "--x", "cluster_rows", "--where", "bandwidth_gbps=3"], 2,
     ("no simulated point has arch.dram.bandwidth_gbps = 3", "120 values from", "bandwidth_gbps=LO..HI"), False),
    ([RESULTS, "param", "--y", "edp", "--x", "cluster_rows", "--where", "arch.name=a..b"], 2,
     ("arch.name is not a number, so it takes no range",), False),
    ([RESULTS, "bogus"], 2, ("invalid choice",), False),
    ([RESULTS, "pareto", "-o", path("no/such/dir/p.png")], 1, ("cannot write", "p.png"), False),
]
# Every metric eyesim-plot documents (METRICS, the --y table of docs/results.md) is a column of totals():
# the drawing code reads exactly that column.
with er.open(RESULTS) as rf:
    tot_columns = set(rf.totals().columns)
for name, (column, _, _) in plot_module.METRICS.items():
    check(column in tot_columns, f"eyesim-plot param --y {name}: totals() has its column '{column}'")
PLOTS["param_dram_bytes"] = (["param", "--y", "dram_bytes", "--x", "cluster_rows"], False)

results = {}
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    for name, (args, own) in PLOTS.items():
        if own:
            results[("plot", name)] = pool.submit(plot_process, PLOT_FILE.get(name, RESULTS), *args, "-o",
                                                  path(name + ".png"))
    for i, (args, _, _, own) in enumerate(BAD):
        if own:
            results[("bad", i)] = pool.submit(plot_process, *args)
    for name, (args, own) in PLOTS.items():
        if not own:
            results[("plot", name)] = plot_here(PLOT_FILE.get(name, RESULTS), *args, "-o", path(name + ".png"))
    for i, (args, _, _, own) in enumerate(BAD):
        if not own:
            results[("bad", i)] = plot_here(*args)
    results = {k: (v.result() if isinstance(v, concurrent.futures.Future) else v) for k, v in results.items()}
for name, (args, own) in PLOTS.items():
    p = results[("plot", name)]
    args = args + ["on", os.path.basename(PLOT_FILE[name])] if name in PLOT_FILE else args
    png = path(name + ".png")
    good = p.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 15000
    detail = p.stderr.strip()[-400:]
    if good:
        img = matplotlib.image.imread(png)
        rgb = img[..., :3]
        # not blank: varied pixels, and some that are coloured (neither white nor grey: data, not only text)
        coloured = float((rgb.max(axis=2) - rgb.min(axis=2) > 0.15).mean())
        good = img.shape[0] > 200 and img.shape[1] > 300 and float(rgb.std()) > 0.05 and coloured > 0.001
        detail = f"{os.path.getsize(png)} bytes, {img.shape[1]}x{img.shape[0]}, {coloured:.1%} coloured pixels"
    check(good, f"eyesim-plot {' '.join(args)}{'' if own else ' (in process)'}: a non-trivial PNG ({detail})")
    if good:
        # Nothing drawn is cut at the figure's edges: the outermost 2 pixels all round are background (a
        # point's label longer than the figure was cut at both edges; titles are wrapped to fit).
        edges = np.concatenate([rgb[:, :2].reshape(-1, 3), rgb[:, -2:].reshape(-1, 3), rgb[:2].reshape(-1, 3),
                                rgb[-2:].reshape(-1, 3)])
        inked = int((edges.min(axis=1) < 0.9).sum())
        check(inked == 0, f"eyesim-plot {' '.join(args)}: nothing cut at the figure's edges "
                          f"({inked} non-background edge pixels)")
for i, (args, code, needles, own) in enumerate(BAD):
    p = results[("bad", i)]
    err = p.stderr.strip()
    lines = err.splitlines()
    good = (p.returncode == code and "Traceback" not in err and all(n in err for n in needles)
            and len(lines) >= 1 and lines[-1].startswith("eyesim-plot: error:"))
    check(good, f"eyesim-plot {' '.join(args[1:])} on {os.path.basename(args[0])}{'' if own else ' (in process)'}: "
                f"exit {p.returncode}, {lines[-1:]}")

T.finish("post-processing")
