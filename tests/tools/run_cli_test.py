#!/usr/bin/python3
"""`eyesim run` end to end: -o writes the HDF5 file with every --format (and keeps stdout machine-readable);
-o refuses the output of an interrupted sweep (its journal) and leaves its files alone; --mapping entries that
would not apply (a layer the network lacks, a second entry for a layer) are refused by file, line and name;
-o with --mapping writes the forced mapping, the one printed; --mapper simulate is checked, printed in every
format and recorded by -o (root attribute and spec hash); -j gives the same output; --set changes one
parameter as an architecture file does, and a bad --set is refused by name.
Run by ctest with Debian's python3: run_cli_test.py EYESIM (from the repository root)."""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tomllib

import h5py

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_run_test_")
check, path = T.check, T.path
NET = "workloads/data/example_network.toml"


def run(*args):
    return subprocess.run([EYESIM, "run", *args], capture_output=True, text=True, timeout=300)


def content(name):
    """The bytes of a file, or None when it is gone."""
    try:
        with open(name, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def layer_names(h5):
    with h5py.File(h5, "r") as f:
        return [n.decode() for n in f["layers"]["layer_name"]], f.attrs["complete"]


# -o is "also write the result as HDF5": with CSV and JSON as well as with the table.
for fmt in ("table", "csv", "json"):
    out = path(f"run_{fmt}.h5")
    p = run("--net", NET, "--format", fmt, "-o", out)
    check(p.returncode == 0, f"run --format {fmt} -o exits 0: {p.stderr.strip()}")
    check(os.path.exists(out), f"run --format {fmt} -o writes the HDF5 file")
    if os.path.exists(out):
        names, complete = layer_names(out)
        check(names == ["conv1", "dw2", "pw3", "fc4"] and complete == "true",
              f"the --format {fmt} file holds the network's layers, complete ({names}, {complete})")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(p.stdout)))
        check(len(rows) == 5 and all(len(r) == len(rows[0]) for r in rows),
              "with -o, --format csv still prints only the CSV table on stdout")
    if fmt == "json":
        try:
            doc = json.loads(p.stdout)
            check(len(doc["layers"]) == 4, "with -o, --format json still prints only the JSON document on stdout")
        except ValueError as e:
            check(False, f"with -o, --format json prints valid JSON on stdout ({e})")
    check("wrote " + out in (p.stdout if fmt == "table" else p.stderr),
          f"--format {fmt} -o says where it wrote (stdout for the table, stderr for {fmt})")

# OUTPUT.journal belongs to a sweep into OUTPUT that was interrupted (or still runs, writing OUTPUT.part):
# `eyesim run -o OUTPUT` must neither delete it nor replace that sweep's files. (tests/sweep/sweep_cli_test.py
# does the same with a real sweep killed by kill -9, then resumes it.)
owned = path("owned.h5")
leftovers = {owned: b"partial result of a stopped sweep", owned + ".journal": b"EYESIMJ5 finished points",
             owned + ".part": b"the file a running sweep writes"}
for name, data in leftovers.items():
    with open(name, "wb") as f:
        f.write(data)
for fmt in ("table", "csv"):
    p = run("--net", NET, "--format", fmt, "-o", owned)
    check(p.returncode == 1, f"run --format {fmt} -o refuses a sweep's journal with exit 1 (got {p.returncode})")
    check(owned + ".journal' exists" in p.stderr and "interrupted" in p.stderr and "--resume" in p.stderr,
          f"the refusal names the journal and the interrupted sweep that owns it: {p.stderr.strip()}")
    check(p.stdout == "", f"a refused run -o prints no result (it refuses before simulating): {p.stdout[:80]!r}")
    for name, data in leftovers.items():
        check(content(name) == data,
              f"a refused run -o leaves {os.path.basename(name)} as it was")

# A lone OUTPUT.part (a killed `eyesim run -o`: no journal to resume from) is overwritten, as a sweep does,
# and the run leaves no journal of its own behind.
lone = path("lone.h5")
with open(lone + ".part", "wb") as f:
    f.write(b"left by a killed eyesim run -o")
p = run("--net", NET, "-o", lone)
check(p.returncode == 0 and os.path.exists(lone) and not os.path.exists(lone + ".part"),
      f"run -o over a lone .part (no journal) writes the file: {p.stderr.strip()}")
check(not os.path.exists(lone + ".journal"), "run -o leaves no journal")

# An existing result file (here the one just written) is not replaced without --force: it could be a sweep's.
before = content(lone)
p = run("--net", NET, "--seed", "2", "-o", lone)
check(p.returncode == 2 and "exists" in p.stderr and "--force" in p.stderr and p.stdout == "" and content(lone) == before,
      f"run -o over an existing file is refused before simulating and leaves it as it was: {p.stderr.strip()}")
p = run("--net", NET, "--seed", "2", "-o", lone, "--force")
check(p.returncode == 0 and content(lone) != before, f"run -o --force overwrites it: {p.stderr.strip()}")

# --mapping: an entry applies to its layer, and entries that would silently not apply are refused.
forced = T.write("forced.toml", '[[mapping]]\nlayer = "pw3"\nm0 = 4\n')
p = run("--net", NET, "--format", "csv", "--mapping", forced)
rows = {r[0]: r for r in csv.reader(io.StringIO(p.stdout))}
check(p.returncode == 0 and rows.get("pw3", [""])[-1].startswith("m0=4 "), "a --mapping entry forces its layer's m0")
unknown = T.write("unknown.toml", '[[mapping]]\nlayer = "L99"\nm0 = 4\n')
for net, layers in ((NET, "(4 layers: conv1, dw2, pw3, fc4)"),
                    ("sparse_mobilenet", "(28 layers: L01, L02, L03, L04, L05, L06, L07, L08, ..., L28)")):
    p = run("--net", net, "--mapping", unknown)
    check(p.returncode == 2 and p.stdout == "", f"a mapping entry for a layer {net} lacks exits 2 without a result")
    check(f"{unknown}:2:9: error: the [[mapping]] entry at line 1 names layer 'L99', which is not a layer of network"
          in p.stderr and layers in p.stderr, f"... naming the file, the entry and the network's layers: {p.stderr.strip()}")
twice = T.write("twice.toml", '[[mapping]]\nlayer = "pw3"\nm0 = 4\n\n[[mapping]]\nlayer = "pw3"\nm0 = 8\n')
p = run("--net", NET, "--mapping", twice)
check(p.returncode == 2 and f"{twice}:5:1: error: two [[mapping]] entries for layer 'pw3' (lines 1 and 5)" in p.stderr,
      f"two mapping entries for one layer exit 2 naming both lines: {p.stderr.strip()}")
every = T.write("every.toml", '[[mapping]]\nm0 = 4\n[[mapping]]\nc0 = 2\n')
p = run("--net", NET, "--mapping", every)
check(p.returncode == 2 and f"{every}:3:1: error: two [[mapping]] entries without 'layer' (lines 1 and 3)" in p.stderr,
      f"two mapping entries for every layer exit 2 naming both lines: {p.stderr.strip()}")

# -o with --mapping: the file is written from the run printed (simulated once), so its /layers mapping
# columns are the forced mapping, as the CSV prints it; the mapper's own choice differs (without --mapping).
JSSC = ("--arch", "eyeriss_v1_jssc", "--net", "alexnet")
TABLE3 = "tools/validation/jssc_table3_mapping.toml"
KEYS = ("m0", "c0", "f0", "spatial_red", "spatial_m", "spatial_g", "spatial_pos")


def mappings(h5):
    """{layer: (m0, c0, f0, spatial_red, _m, _g, _pos)} of a result file's /layers."""
    with h5py.File(h5, "r") as f:
        rows = f["layers"]
        return {n.decode(): tuple(int(rows["map_" + k][i]) for k in KEYS) for i, n in enumerate(rows["layer_name"])}


with open(TABLE3, "rb") as f:
    table3 = {e["layer"]: tuple(e[k] for k in KEYS) for e in tomllib.load(f)["mapping"]}
mapped = path("mapped.h5")
p = run(*JSSC, "--mapping", TABLE3, "--format", "csv", "-o", mapped)
check(p.returncode == 0 and os.path.exists(mapped), f"run --mapping F -o writes the file: {p.stderr.strip()}")
check("cannot be combined" not in p.stderr, "-o with --mapping is no longer refused")
if os.path.exists(mapped):
    written = mappings(mapped)
    check(all(written.get(layer) == forced for layer, forced in table3.items()),
          f"the file's map_* columns are the forced mapping of every layer the mapping file names ({written})")
    printed = {}
    for r in list(csv.reader(io.StringIO(p.stdout)))[1:]:
        m = re.fullmatch(r"m0=(\d+) c0=(\d+) f0=(\d+) sp\(red(\d+) m(\d+) g(\d+) pos(\d+)\)", r[-1])
        printed[r[0]] = tuple(int(v) for v in m.groups()) if m else r[-1]
    check(printed == written, f"the file's mapping of every layer is the one --format csv printed ({printed})")
    own = path("own.h5")
    p = run(*JSSC, "--format", "csv", "-o", own)
    check(p.returncode == 0 and any(mappings(own)[layer] != forced for layer, forced in table3.items()),
          "without --mapping the mapper chooses another mapping (so the check above is not vacuous)")

# --mapper: bad values exit 2 with a message naming the option, the range and the value.
for args, expected in ((["--mapper", "exhaustive"], "--mapper must be estimate or simulate (got 'exhaustive')"),
                       (["--mapper", "simulate", "--mapper-window", "2"], "--mapper-window must be in [0, 1]"),
                       (["--mapper", "simulate", "--mapper-window", "-0.5"], "(a fraction of the best estimate; got -0.5)"),
                       (["--mapper", "simulate", "--mapper-window", "nan"], "--mapper-window must be in [0, 1]"),
                       (["--mapper", "simulate", "--mapper-window", "wide"], "--mapper-window"),
                       (["--mapper", "simulate", "--mapper-candidates", "0"], "--mapper-candidates must be an integer in [1, 64] (got 0)"),
                       (["--mapper", "simulate", "--mapper-candidates", "-3"], "(got -3)"),
                       (["--mapper", "simulate", "--mapper-candidates", "65"], "(got 65)"),
                       # named as typed, not as the int64 CLI11 saturated it to, nor CLI11's "Could not convert"
                       (["--mapper", "simulate", "--mapper-candidates", "99999999999999999999"],
                        "--mapper-candidates must be an integer in [1, 64] (got 99999999999999999999)"),
                       (["--mapper", "simulate", "--mapper-candidates", "2.5"],
                        "--mapper-candidates must be an integer in [1, 64] (got 2.5)"),
                       (["--mapper", "simulate", "--mapper-window", "1e999"], "(a fraction of the best estimate; got 1e999)"),
                       (["--mapper", "simulate", "--mapper-window", "0.1x"], "(a fraction of the best estimate; got 0.1x)"),
                       (["--mapper-window", "0.1"], "--mapper-window applies only with --mapper simulate"),
                       (["--mapper", "estimate", "--mapper-candidates", "4"], "--mapper-candidates applies only with --mapper simulate")):
    p = run("--net", NET, *args)
    check(p.returncode == 2 and expected in p.stderr and "Traceback" not in p.stderr,
          f"run {' '.join(args)} exits 2 naming the problem (got {p.returncode}: {p.stderr.strip()})")

# --mapper simulate: the CSV says so (two more columns) and is never slower per layer; -o records the search.
plain_csv = list(csv.reader(io.StringIO(run("--net", NET, "--format", "csv").stdout)))
searched_h5 = path("searched.h5")
p = run("--net", NET, "--format", "csv", "--mapper", "simulate", "--mapper-candidates", "4", "-o", searched_h5)
rows = list(csv.reader(io.StringIO(p.stdout)))
check(p.returncode == 0 and rows[0][-2:] == ["mapper_candidates", "estimate_pick_cycles"] and len(rows) == len(plain_csv),
      f"run --mapper simulate --format csv adds the candidates and the pick's cycles: {rows[:1]} {p.stderr.strip()}")
if p.returncode == 0:
    cycles = rows[0].index("cycles")
    check(all(int(s[cycles]) <= int(e[cycles]) and int(s[-1]) == int(e[cycles]) and 1 <= int(s[-2]) <= 4
              for s, e in zip(rows[1:], plain_csv[1:])),
          "each layer's searched cycles are at most the estimate's, whose pick's cycles it reports")
    with h5py.File(searched_h5, "r") as f:
        check(f.attrs["mapper"] == "simulate (window 0.05, up to 4 candidates)", f"run -o records the search ({f.attrs['mapper']})")
        check(list(f["layers"]["cycles"]) == [int(r[cycles]) for r in rows[1:]], "run -o writes the searched result printed")
        searched_hash = f.attrs["spec_hash"]
    plain_h5 = path("plain.h5")
    run("--net", NET, "-o", plain_h5)
    with h5py.File(plain_h5, "r") as f:
        check(f.attrs["mapper"] == "estimate" and f.attrs["spec_hash"] != searched_hash,
              "an unsearched run -o says estimate and has another spec hash")
p = run("--net", NET, "--format", "json", "--mapper", "simulate")
try:
    doc = json.loads(p.stdout)
    check(doc["mapper"] == {"mode": "simulate", "window": 0.05, "candidates": 8} and "mapper_candidates" in doc["layers"][0],
          "run --mapper simulate --format json names the search and each layer's candidates")
except (json.JSONDecodeError, KeyError, IndexError) as e:
    check(False, f"run --mapper simulate --format json prints valid JSON with the search ({e}): {p.stdout[:300]}")
# The window as written (not 0.050000000000000003), and -0 as 0, in the JSON and the table's header.
check('"mapper": {"mode": "simulate", "window": 0.05, "candidates": 8}' in p.stdout,
      f"run --format json writes the window as given: {p.stdout[:200]}")
p = run("--net", NET, "--format", "json", "--mapper", "simulate", "--mapper-window", "-0", "--mapper-candidates", "+1")
check(p.returncode == 0 and '"mapper": {"mode": "simulate", "window": 0, "candidates": 1}' in p.stdout,
      f"run --mapper-window -0 is window 0: {p.stdout[:200]} {p.stderr.strip()}")
check(json.loads(run("--net", NET, "--format", "json").stdout)["mapper"] == {"mode": "estimate"},
      "run --format json says estimate by default")
p = run("--net", NET, "--mapper", "simulate")
check(p.returncode == 0 and "mapper simulate (window 0.05, up to 8 candidates)" in p.stdout
      and "mapper search:" in p.stdout and "fewer with the search's" in p.stdout,
      "the table names the search and sums up what it found: " + p.stdout[-400:])

# -j: the layers side by side, with the same output and the same result file, bit for bit (hw/simulate.h).
# On a host (or an affinity mask) of one core, -j 2 runs one thread, and these compare serial with serial:
# said, not hidden (tests/hw/layer_parallelism_test.cpp runs its threads whatever the cores).
if "is more threads than the" in run("--net", NET, "-j", "2").stderr:
    print("note: one core available: the -j 2 runs below are serial")
for args in (("--net", "sparse_alexnet", "--format", "csv"), ("--net", "sparse_mobilenet", "--format", "json", "--verify"),
             ("--net", "mobilenet", "--arch", "eyeriss_v1_scaled", "--format", "csv", "--mapper", "simulate")):
    one, two = run(*args, "-j", "1"), run(*args, "-j", "2")
    check(one.returncode == 0 and one.stdout == two.stdout, f"run {' '.join(args)} prints the same with -j 1 and -j 2")
h5_one, h5_two = path("j1.h5"), path("j2.h5")
run("--net", "sparse_mobilenet", "-j", "1", "-o", h5_one)
run("--net", "sparse_mobilenet", "-j", "2", "-o", h5_two)
with h5py.File(h5_one) as a, h5py.File(h5_two) as b:
    same_layers = a["layers"][()].tobytes() == b["layers"][()].tobytes()
    same_traces = all(a["traces"][k][()].tobytes() == b["traces"][k][()].tobytes() for k in a["traces"])
    check(same_layers and same_traces and sorted(a["traces"]) == sorted(b["traces"]),
          "run -o writes the same /layers and /traces with -j 1 and -j 2")
p = run("--net", NET, "-j", "4096")
check(p.returncode == 0 and "eyesim: note: -j 4096 is more threads than the" in p.stderr,
      f"run -j above the available threads says how many run: {p.stderr.strip()}")

# --set PARAM=VALUE: the architecture of --arch with that parameter changed, exactly as an architecture file
# with the same override gives it (printed output and the -o file's /configs row), and every bad --set refused
# with exit 2 before anything runs, naming the option and what is wrong.
arch_file = T.write("wide_iact.toml", 'preset = "eyeriss_v1_5"\n[noc]\niact_port_bits = 48\n[pe]\nsimd_width = 1\n')
by_set = run("--net", NET, "--arch", "eyeriss_v1_5", "--set", "noc.iact_port_bits=48", "--set", "pe.simd_width=1",
             "--format", "csv")
by_file = run("--net", NET, "--arch", arch_file, "--format", "csv")
plain = run("--net", NET, "--arch", "eyeriss_v1_5", "--format", "csv")
check(by_set.returncode == 0 and by_set.stdout == by_file.stdout and by_set.stdout != plain.stdout,
      f"run --set gives the architecture file's results, not the preset's: {by_set.stderr.strip()}")
table = run("--net", NET, "--arch", "eyeriss_v1_5", "--set", "noc.iact_port_bits=48")
check("on eyeriss_v1_5 with noc.iact_port_bits=48 (batch 1" in table.stdout, "the table's header names the --set: "
      + table.stdout[:120])
h5_set, h5_file = path("set.h5"), path("file.h5")
run("--net", NET, "--arch", "eyeriss_v1_5", "--set", "noc.iact_port_bits=48", "--set", "pe.simd_width=1", "-o", h5_set)
run("--net", NET, "--arch", arch_file, "-o", h5_file)
with h5py.File(h5_set) as f, h5py.File(h5_file) as g:
    configs = f["configs"][()]
    check(int(configs["arch.noc.iact_port_bits"][0]) == 48 and int(configs["arch.noc.weight_port_bits"][0]) == 24
          and configs.tobytes() == g["configs"][()].tobytes(),
          "run --set -o records the changed parameter in /configs, as the architecture file's run does")
shown = subprocess.run([EYESIM, "show", "arch", "eyeriss_v1_5", "--set", "noc.iact_port_bits=48"], capture_output=True,
                       text=True, timeout=60)
check(shown.returncode == 0 and tomllib.loads(shown.stdout)["noc"]["iact_port_bits"] == 48,
      "show arch --set prints the architecture with the parameter changed")
# ... under a name that says so: kept as the preset's, the file ran "on eyeriss_v1_5" (helper-52).
check(tomllib.loads(shown.stdout)["name"] == "eyeriss_v1_5 with noc.iact_port_bits=48",
      f"show arch --set names the changed architecture ({tomllib.loads(shown.stdout)['name']})")
many = subprocess.run([EYESIM, "show", "arch", "eyeriss_v2"] + [a for p in ("noc.iact_port_bits=48", "noc.weight_port_bits=48",
                      "glb.iact_bank_bytes=2048") for a in ("--set", p)], capture_output=True, text=True, timeout=60)
check(many.returncode == 0 and tomllib.loads(many.stdout)["name"] == "eyeriss_v2 (modified)",
      "a name too long for a result file becomes '<preset> (modified)'")
# show arch prints a file to edit even when its parameters do not fit together, and says what is wrong.
shown = subprocess.run([EYESIM, "show", "arch", "eyeriss_v2", "--set", "pe.iact_data_bits=4"], capture_output=True,
                       text=True, timeout=60)
check(shown.returncode == 0 and "iact_data_bits = 4" in shown.stdout
      and "eyesim: warning: eyeriss_v2 with --set pe.iact_data_bits=4: pe.iact_data_bits must hold at least one iact" in shown.stderr,
      f"show arch --set with a broken constraint prints the file and warns: {shown.stderr.strip()}")
shown = subprocess.run([EYESIM, "show", "net", "alexnet", "--set", "pe.simd_width=1"], capture_output=True, text=True,
                       timeout=60)
check(shown.returncode == 2 and "'show net' takes none" in shown.stderr, "show net refuses --set")
for args, message in (
        (("--set", "iact_port_bits=48"),
         "--set 'iact_port_bits=48': unknown architecture parameter 'iact_port_bits'; did you mean 'noc.iact_port_bits'?"),
        (("--set", "noc.iact_port_bits"), "--set 'noc.iact_port_bits': expected PARAM=VALUE"),
        (("--set", "noc.iact_port_bits=wide"), "--set 'noc.iact_port_bits=wide': expected a non-negative integer below 2^32 (got 'wide')"),
        (("--set", "array.pe_rows=99999999999"), "expected a non-negative integer below 2^32 (got '99999999999')"),
        (("--set", "noc.iact_port_bits=0"), "--set 'noc.iact_port_bits=0': noc.iact_port_bits must be in [1, "),
        (("--set", "pe.kind=dens"), "--set 'pe.kind=dens': expected sparse or dense (got 'dens'); did you mean 'dense'?"),
        (("--set", "pe.simd_width=1", "--set", "pe.simd_width=2"),
         "--set 'pe.simd_width=1' and --set 'pe.simd_width=2' both set pe.simd_width: give one value"),
        # A value inside its own range that breaks a constraint between parameters: named with the --set.
        (("--set", "pe.iact_data_bits=4"),
         "eyesim: eyeriss_v2 with --set pe.iact_data_bits=4: error: pe.iact_data_bits must hold at least one iact")):
    p = run("--net", NET, *args)
    check(p.returncode == 2 and message in p.stderr and p.stdout == "", f"run {' '.join(args)} exits 2 with '{message}': "
          f"{p.returncode} {p.stderr.strip()}")

T.finish("run CLI")
