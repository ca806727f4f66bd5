#!/usr/bin/python3
"""`eyesim report` end to end: a small sweep made here is summarized (size, failures with their
message, the best points per network by latency, energy and EDP -- checked against the file read with
h5py --, the parameters that matter most); a partial merge is reported as incomplete; a missing file,
a non-HDF5 file, an HDF5 file that is not eyesim's, another schema and a bad --top are refused with one
line naming the file and a non-zero exit code. Run by ctest with Debian's python3: report_cli_test.py EYESIM."""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_report_test_")
check, path = T.check, T.path
SPEC = T.write("spec.toml", cli_checks.small_sweep_spec("report_test"))


def run(*args):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, timeout=300)


def section(text, network):
    """The lines of one network's section of the report."""
    m = re.search(rf"^{network}: .*?(?=^\S|\Z)", text, re.S | re.M)
    return m.group(0) if m else ""


def listed(sec, title):
    """Point ids listed under one best-of heading of a network section."""
    m = re.search(rf"^  {re.escape(title)}\n((?:    #.*\n)+)", sec, re.M)
    return [int(x) for x in re.findall(r"^    #(\d+)", m.group(1), re.M)] if m else []


RESULTS = path("results.h5")
p = run("sweep", SPEC, "-o", RESULTS, "-j", "2", "-q")
check(p.returncode == 0, "the small sweep runs: " + p.stderr.strip())

p = run("report", RESULTS, "--top", "2")
out = p.stdout
print(out)
check(p.returncode == 0 and p.stderr == "", f"report exits 0 with nothing on stderr: {p.stderr.strip()}")
check("report_test" in out and "eyesim " in out and RESULTS in out, "names the file, the spec and the eyesim version")
check("6 in the file, of 6 in the sweep: 5 ok, 1 failed" in out, "the sweep size: points, ok, failed")
check(re.search(r"^mapper +estimate$", out, re.M) is not None, "says the mappings were the estimate's")
check(re.search(r"#5 sparse_mobilenet: invalid architecture: arch\.array\.pe_rows", out) is not None,
      "the failed point is listed with its message")
# The spec sweeps cluster_rows over 2 and 8; the 1 comes from the scaled v1's preset (an explicit point):
# the values are labelled as present among the points, not as swept.
check(re.search(r"^varied +arch\.name \(eyeriss_v1_scaled, eyeriss_v2\)", out, re.M) is not None
      and "arch.array.cluster_rows (1, 2, 8)" in out and "arch.dram.bandwidth_gbps (0, 25.6)" in out
      and "(every value present among the points: the spec's axes, its explicit points and their presets)" in out
      and re.search(r"^swept", out, re.M) is None,
      "the varied parameters with every value present, labelled as such")
check("mobilenet: 1 point, 1 ok" in out and "sparse_mobilenet: 5 points, 4 ok" in out, "per network: points and ok")

# The rankings, recomputed from the file.
with h5py.File(RESULTS, "r") as f:
    runs = f["runs"][()]
ok = runs[runs["status"] == 0]
for net in (b"sparse_mobilenet", b"mobilenet"):
    r = ok[ok["network"] == net]
    energy = 1 / r["inferences_per_joule"]
    edp = energy / r["inferences_per_second"]
    sec = section(out, net.decode())
    for title, metric in (("fastest (latency)", r["latency_seconds"]), ("most efficient (energy)", energy),
                          ("best energy-delay product (EDP)", edp)):
        expected = [int(r["point_id"][i]) for i in np.lexsort((r["point_id"], metric))[:2]]
        got = listed(sec, title)
        check(got == expected, f"{net.decode()}: '{title}' lists {got}, the file says {expected}")
sm = section(out, "sparse_mobilenet")
# "Matters most", recomputed: per swept axis, worst / best geometric-mean EDP over its values.
with h5py.File(RESULTS, "r") as f:
    configs = f["configs"][()]
r = ok[ok["network"] == b"sparse_mobilenet"]
edp = (1 / r["inferences_per_joule"]) / r["inferences_per_second"]
value_of = {int(c["point_id"]): c for c in configs}
spreads = {}
for axis in ("arch.array.cluster_rows", "arch.dram.bandwidth_gbps"):
    by_value = {}
    for pid, e in zip(r["point_id"], edp):
        by_value.setdefault(float(value_of[int(pid)][axis]), []).append(e)
    means = [np.exp(np.mean(np.log(v))) for v in by_value.values()]
    spreads[axis] = max(means) / min(means)
top = max(spreads, key=spreads.get)
m = re.search(r"parameters that matter most.*?\n.*?\n    (\S+) +([\d.]+)x", sm, re.S)
check(m is not None and m.group(1) == top and abs(float(m.group(2)) / spreads[top] - 1) < 0.01,
      f"sparse_mobilenet: the top parameter is {top} with spread {spreads[top]:.3g}x (the file): "
      f"{m.group(0)[-120:] if m else sm}")
check("the parameter matters more" in out, "the measure of 'matters most' is explained in the output")
check("no parameter takes two values" in section(out, "mobilenet"), "one point: nothing to rank parameters by")
check(re.search(r"0\.\d+ ms +\d+(\.\d+)? uJ +\d+(\.\d+)? uJ\*ms", out) is not None, "latency, energy and EDP with units")

# A partial merge: incomplete, with the missing points named.
p1 = run("sweep", SPEC, "--shard", "0/2", "-o", path("part-0.h5"), "-q")
p2 = run("merge", "--allow-partial", "-o", path("partial.h5"), path("part-0.h5"))
p = run("report", path("partial.h5"))
check(p1.returncode == 0 and p2.returncode == 0 and p.returncode == 0 and "incomplete (a partial merge)" in p.stdout
      and re.search(r"^missing +\S", p.stdout, re.M) is not None,
      "a partial merge is reported as incomplete, with its missing points: "
      + (re.search(r"^points.*$", p.stdout, re.M) or re.search(r".*", p.stderr)).group(0))

# Many missing ranges are shortened as the merge shortens them: the count, then the first 12 (a file missing
# 1,628 points printed them all on one line; helper-56). The attribute is rewritten here to hold 31 ranges.
import shutil  # noqa: E402
shutil.copy(path("partial.h5"), path("gappy.h5"))
with h5py.File(path("gappy.h5"), "r+") as f:
    f.attrs["missing_points"] = ", ".join(str(2 * i) for i in range(30)) + ", 100-104"
p = run("report", path("gappy.h5"))
check(p.returncode == 0 and re.search(r"^missing +35 points: 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, \.\.\. "
                                      r"\(19 more ranges in the file's missing_points attribute\)$", p.stdout, re.M)
      is not None, "many missing ranges: the count and the first 12 ranges " + (re.search(r"^missing.*$", p.stdout, re.M)
                                                                               or re.search(r".*", p.stderr)).group(0))

# A chip without energy (every constant 0) is ranked with energy 0: its point was skipped, and the report
# said "1 ok" in its header and "0 ok (no successful point)" below (helper-58).
ZERO = path("zero_energy.h5")
zero_sets = [a for k in ("mac_pj", "gated_mac_pj", "spad_reg_pj_per_bit", "spad_sram_pj_per_bit", "glb_pj_per_bit",
                         "noc_pj_per_bit_hop", "clock_pj_per_pe_cycle", "clock_idle_pj_per_pe_cycle",
                         "leakage_pj_per_pe_cycle") for a in ("--set", f"energy.{k}=0")]
p = run("run", "--net", "sparse_mobilenet", *zero_sets, "-o", ZERO)
check(p.returncode == 0, "a run without energy writes its file: " + p.stderr.strip())
p = run("report", ZERO)
check(p.returncode == 0 and "sparse_mobilenet: 1 point, 1 ok" in p.stdout
      and re.search(r"^    #0 +[0-9.]+ ms +0 uJ +0 uJ\*ms", p.stdout, re.M) is not None,
      "a chip without energy is ranked, with 0 uJ: " + p.stdout[-400:])

# One shard's part: its share of the sweep.
p = run("report", path("part-0.h5"))
check(p.returncode == 0 and re.search(r"of 6 in the sweep \(this file is shard 0/2\):", p.stdout) is not None,
      "a shard's part says which shard it is")

# Bad inputs.
with open(path("notes.txt"), "w") as f:
    f.write("not HDF5\n")
with h5py.File(path("plain.h5"), "w") as f:
    f["x"] = np.arange(3)
with h5py.File(path("other.h5"), "w") as f:
    f.attrs["schema"] = "something-else/2"
for args, code, needles, what in [
    (["report", path("missing.h5")], 2, ("missing.h5",), "a missing file"),
    (["report", path("notes.txt")], 2, ("notes.txt", "not an HDF5 file"), "a file that is not HDF5"),
    (["report", path("plain.h5")], 2, ("plain.h5", "not an eyesim result file"), "an HDF5 file that is not eyesim's"),
    (["report", path("other.h5")], 2, ("other.h5", "something-else/2", "eyesim-results/1"), "another schema"),
    (["report", RESULTS, "--top", "0"], 2, ("--top",), "--top 0"),
]:
    p = run(*args)
    err = p.stderr.strip()
    check(p.returncode == code and all(n in err for n in needles) and p.stdout == "",
          f"{what}: exit {p.returncode}, {err.splitlines()[:1]}")

# A sweep with the mapping search by simulation (docs/sweeps.md) says so, with the search's settings.
SEARCHED = path("searched.h5")
searched_spec = T.write("searched.toml", 'name = "searched"\nnetworks = ["sparse_mobilenet"]\nmapper = "simulate"\n'
                        'mapper_candidates = 2\n[arch]\npreset = "eyeriss_v2"\n')
p = run("sweep", searched_spec, "-o", SEARCHED, "-q")
check(p.returncode == 0, "a searched sweep runs: " + p.stderr.strip())
p = run("report", SEARCHED)
check(re.search(r"^mapper +simulate \(window 0\.05, up to 2 candidates\)$", p.stdout, re.M) is not None,
      "report names the mapper search of a searched sweep")
# `sweep --mapper ...` searches a spec that names no search, and the file says so; resuming it without the
# flags is another sweep (its spec hash differs) and is refused.
CLI_SEARCHED = path("cli_searched.h5")
plain_spec = T.write("plain.toml", 'name = "plain"\nnetworks = ["sparse_mobilenet"]\n[arch]\npreset = "eyeriss_v2"\n')
p = run("sweep", plain_spec, "-o", CLI_SEARCHED, "-q", "--mapper", "simulate", "--mapper-candidates", "3")
check(p.returncode == 0, "sweep --mapper simulate runs: " + p.stderr.strip())
p = run("report", CLI_SEARCHED)
check(re.search(r"^mapper +simulate \(window 0\.05, up to 3 candidates\)$", p.stdout, re.M) is not None,
      "report names the search sweep --mapper asked for")
p = run("sweep", plain_spec, "-o", CLI_SEARCHED, "-q", "--resume")
check(p.returncode != 0 and "different spec, seed or mapper search" in p.stderr,
      f"resuming it without --mapper is refused, naming the search ({p.stderr.strip()})")

# An integer parameter with more than 24 values is put in bins of whole numbers, named as ranges of them
# (a cluster_rows over [1, 40] had bins like "30.25..35.12"; helper-52), and the varied line says so.
BINNED = path("binned.h5")
network = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "workloads", "data", "example_network.toml")
binned_spec = T.write("binned.toml", f'name = "binned"\nnetworks = ["{network}"]\n[sample]\ncount = 60\n'
                      '[[sample.axis]]\nname = "arch.array.cluster_rows"\nrange = [1, 40]\n'
                      '[[sample.axis]]\nname = "arch.dram.bandwidth_gbps"\nrange = [0.5, 25.6]\n'
                      '[[sample.axis]]\nname = "arch.clock_mhz"\nrange = [100, 400]\n')
p = run("sweep", binned_spec, "-o", BINNED, "-q", "-j", "2")
check(p.returncode == 0, "a sampled sweep of 60 points runs: " + p.stderr.strip())
p = run("report", BINNED)
m = re.search(r"^    arch\.array\.cluster_rows +[0-9.]+x +best (\S+) .*, worst (\S+) ", p.stdout, re.M)
check(m is not None and all(re.fullmatch(r"\d+(\.\.\d+)?", b) for b in m.groups()),
      f"integer bins are ranges of whole numbers ({m.groups() if m else p.stdout})")
# A real parameter sampled with integer ends holds whole numbers: whole-number bins too, as eyesim-plot's.
m = re.search(r"^    arch\.clock_mhz +[0-9.]+x +best (\S+) .*, worst (\S+) ", p.stdout, re.M)
check(m is not None and all(re.fullmatch(r"\d+(\.\.\d+)?", b) for b in m.groups()),
      f"whole-number bins for a real parameter of whole values ({m.groups() if m else p.stdout})")
# Sampled real values are listed to 6 significant digits (they printed 17; helper-56).
shown = re.findall(r"arch\.dram\.bandwidth_gbps=(\S+)", p.stdout)
check(shown and all(len(re.sub(r"[^0-9]", "", v).lstrip("0")) <= 6 for v in shown),
      f"sampled values to 6 significant digits ({shown[:3]})")
check("arch.array.cluster_rows (1 to 40, in 8 bins)" in p.stdout
      and "(every value present among the points, or the range of a parameter with more than 24:" in p.stdout,
      "the varied line gives the binned parameter's range and says the listing is not every value")

T.finish("report")
