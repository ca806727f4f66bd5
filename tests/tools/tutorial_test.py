#!/usr/bin/python3
"""docs/tutorial.md end to end: its files are what it shows and what `eyesim show net` gives, its commands
run, and what it says of the results holds (the python block is run as written, on the sweep made here).
Run by ctest with Debian's python3: tutorial_test.py EYESIM (from the repository root)."""
import contextlib
import io
import os
import re
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_tutorial_test_")
check, path = T.check, T.path
DOC = open("docs/tutorial.md").read()
NET, SPEC = "docs/tutorial/sparse_alexnet_conv3.toml", "docs/tutorial/conv3_study.toml"


def eyesim(*args):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, timeout=300)


def blocks(lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", DOC, flags=re.S)


def body(text):
    """The lines of a TOML text that are neither blank nor comments, without trailing whitespace."""
    return [l.rstrip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]


# 1. The files are what the page shows, and the layer is the one `show net` prints.
toml_shown = "\n".join(blocks("toml"))
for f in (NET, SPEC):
    missing = [l for l in body(open(f).read()) if l not in toml_shown]
    check(not missing, f"docs/tutorial.md shows every line of {f} (missing: {missing})")
shown = eyesim("show", "net", "sparse_alexnet")
layer = [b for b in shown.stdout.split("\n[[layer]]") if 'name = "CONV3"' in b]
check(shown.returncode == 0 and len(layer) == 1, "show net sparse_alexnet prints one CONV3 layer")
net_layer = open(NET).read().split("\n[[layer]]")[1]
check(layer and body(layer[0]) == body(net_layer), "the tutorial's CONV3 layer is show net's, line for line")

# 2. The sweep: dry run, run, refusal to overwrite, report.
dry = eyesim("sweep", SPEC, "--dry-run")
check(dry.returncode == 0 and "12 points" in dry.stdout, "sweep --dry-run lists the 12 points")
out = path("conv3.h5")
run = eyesim("sweep", SPEC, "-o", out, "-q")
check(run.returncode == 0 and "12 points (12 run now, 0 resumed, 0 failed)" in run.stdout, "the sweep runs 12 points")
again = eyesim("sweep", SPEC, "-o", out, "-q")
check(again.returncode == 2, "an existing output is not replaced without --force (exit 2)")
report = eyesim("report", out)
spreads = re.findall(r"^\s+(\S+)\s+([0-9.]+)x\s+best", report.stdout, flags=re.M)
check(report.returncode == 0 and [p for p, _ in spreads] == ["workload.weight_density_scale", "arch.noc.iact_port_bits"],
      f"report ranks the weight density above the iact port (got {spreads})")
check(spreads and 10 < float(spreads[0][1]) < 20 and float(spreads[1][1]) < 1.1,
      "the density moves the EDP about 15x, the port hardly (the page's numbers)")

# 3. The python block as written, on this sweep's file.
code = blocks("python")
check(len(code) == 2 and '"conv3.h5"' in code[0], "the page has two python blocks, the first reading conv3.h5")
scope = {}
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    exec(code[0].replace('"conv3.h5"', repr(out)), scope)
layers = scope["layers"]
g = layers.pivot_table(index="weight_density", columns="arch.noc.iact_port_bits", values="gops_per_w")
c = layers.pivot_table(index="weight_density", columns="arch.noc.iact_port_bits", values="cycles")
check(len(g) == 6 and "gops_per_w" in printed.getvalue(), "the block prints a table of 6 densities")
for port in (24, 48):
    check(g[port].is_monotonic_decreasing and c[port].is_monotonic_increasing,
          f"at {port}-bit ports efficiency falls and cycles grow with the weight density")
check(2000 < g[24].iloc[0] < 2200 and 850 < g[24].loc[0.346] < 950 and 440 < g[24].iloc[-1] < 500,
      f"about 2100, 900 and 470 GOPS/W at 0.087, 0.346 and 1.0 (got {g[24].round(1).tolist()})")
check(3.0 < c[24].iloc[-1] / c[24].iloc[0] < 3.6, "the cycles grow about 3.3x from the sparsest to dense")
saved = 1 - c[48] / c[24]
check((saved >= 0).all() and saved.max() < 0.06 and (g[48] / g[24] - 1).abs().max() < 0.02,
      "the wider port saves under 6 % of the cycles and moves the efficiency about 1 %")

# 5. The searched sweep and the second python block, as written, on the two files made here.
searched_cmd = [l for b in blocks("sh") for l in b.splitlines() if "--mapper simulate" in l]
check(len(searched_cmd) == 1 and "-o conv3_searched.h5" in searched_cmd[0], "the page has one searched sweep command")
searched = path("conv3_searched.h5")
run = eyesim("sweep", SPEC, "-o", searched, "--mapper", "simulate", "-q")
check(run.returncode == 0 and "12 points (12 run now" in run.stdout, "the searched sweep runs 12 points")
report = eyesim("report", searched)
check(re.search(r"^mapper +simulate", report.stdout, re.M) is not None, "its report names the search")
scope = {}
with contextlib.redirect_stdout(io.StringIO()):
    exec(code[1].replace('"conv3.h5"', repr(out)).replace('"conv3_searched.h5"', repr(searched)), scope)
both = scope["both"]
saved = both.pivot_table(index="workload.weight_density_scale", columns="arch.noc.iact_port_bits", values="saved")
check(len(both) == 12 and (saved >= 0).all().all(), "the search never costs cycles (12 joined rows)")
check((saved.loc[[0.25, 0.5]] == 0).all().all(), "it changes nothing at the two sparsest densities")
check(saved.max().max() == saved.loc[1.0, 24] and 0.08 < saved.loc[1.0, 24] < 0.095,
      f"it finds the most at the proxy's density, about 8.6 % at 24-bit ports (got {saved.round(3).to_dict()})")
row = both[(both["workload.weight_density_scale"] == 1.0) & (both["arch.noc.iact_port_bits"] == 24)].iloc[0]
check(row["map_spatial_m"] == 32 and row["map_spatial_m_searched"] == 30, "with 30 m-tiles side by side instead of 32")

# 4. The plot command of the page.
cmd = [l for l in blocks("sh") if "eyesim-plot" in l]
check(len(cmd) == 1, "the page has one eyesim-plot command")
args = cmd[0].replace("\\\n", " ").split()
png = path("conv3.png")
args = [out if a == "conv3.h5" else png if a == "conv3.png" else a for a in args]
plot = subprocess.run(["/usr/bin/python3", *args], capture_output=True, text=True, timeout=300)
check(plot.returncode == 0 and os.path.getsize(png) > 1000, f"the plot is drawn ({plot.stderr.strip()[-200:]})")

T.finish("tutorial")
