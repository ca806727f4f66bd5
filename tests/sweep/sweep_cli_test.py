#!/usr/bin/python3
"""End-to-end sweep tests through the eyesim binary: kill -9 and SIGINT mid-sweep, --resume,
--strict, and reading the result with h5py + pandas. Run by ctest with Debian's python3."""
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import pandas as pd

EYESIM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="eyesim_sweep_cli_")
SPEC = os.path.join(TMP, "spec.toml")
with open(SPEC, "w") as f:
    f.write("""name = "cli_test"
networks = ["sparse_mobilenet"]
[[axis]]
name = "arch.array.cluster_rows"
values = [2, 4, 8]
[[axis]]
name = "arch.glb.iact_bank_bytes"
values = [768, 1536, 3072, 6144]
[[axis]]
name = "arch.dram.bandwidth_gbps"
values = [0.0, 25.6]
[[axis]]
name = "workload.batch"
values = [1, 2]
""")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def sweep(out, *extra, wait=True):
    cmd = [EYESIM, "sweep", SPEC, "-o", out, "-j", "1", "--progress", "never", *extra]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if wait:
        o, e = p.communicate(timeout=600)
        return p.returncode, o, e
    return p


def tables(path):
    with h5py.File(path, "r") as f:
        runs = f["runs"][()]
        out = {name: f[name][()] for name in ("configs", "layers")}
        out["runs"] = runs[[n for n in runs.dtype.names if n != "wall_ms"]]
        for t in f["traces"]:
            out["traces/" + t] = f["traces/" + t][()]
        out["complete"] = f.attrs["complete"]
    return out


def same(a, b):
    return all(np.array_equal(a[k], b[k]) for k in a if k != "complete")


def interrupt(out, sig):
    """Signals the sweep once its journal holds a finished point (not by time: CI machines are loaded)."""
    p = sweep(out, wait=False)
    journal = out + ".journal"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and p.poll() is None:
        if os.path.exists(journal) and os.path.getsize(journal) > 4096:  # header + at least one record
            break
        time.sleep(0.005)
    p.send_signal(sig)
    p.wait(timeout=600)
    return p.returncode


ref = os.path.join(TMP, "ref.h5")
rc, _, _ = sweep(ref)
check(rc == 0, "an uninterrupted sweep exits 0")
whole = tables(ref)
check(len(whole["runs"]) == 48 and whole["complete"] == "true", "the reference run has all 48 points")

killed = os.path.join(TMP, "killed.h5")
rc = interrupt(killed, signal.SIGKILL)
check(rc == -signal.SIGKILL, "kill -9 ends the process")
check(os.path.exists(killed + ".journal"), "a killed sweep leaves its journal")
rc, out, err = sweep(killed, "--resume")
check(rc == 0, "--resume after kill -9 exits 0: " + err.strip())
check("resumed" in out and " 0 resumed" not in out, "--resume reuses the points finished before the kill")
check(same(tables(killed), whole), "after kill -9 and --resume the tables equal an uninterrupted run")
check(not os.path.exists(killed + ".journal"), "the journal is removed once the file is complete")

stopped = os.path.join(TMP, "stopped.h5")
rc = interrupt(stopped, signal.SIGINT)
check(rc == 130, f"SIGINT stops cleanly with exit 130 (got {rc})")
part = tables(stopped)
check(part["complete"] == "false" and 0 < len(part["runs"]) < 48, "a stopped sweep leaves a valid partial file")
rc, _, _ = sweep(stopped, "--resume")
check(rc == 0 and same(tables(stopped), whole), "--resume after SIGINT completes to the same tables")
rc = interrupt(os.path.join(TMP, "term.h5"), signal.SIGTERM)
check(rc == 143, f"SIGTERM stops cleanly with exit 143 (got {rc})")

df = pd.DataFrame(h5py.File(ref)["layers"][()])
check(len(df) == 48 * 28 and "cycles" in df.columns, "pd.DataFrame(h5py.File(p)['layers'][()]) gives the layer table")
cfg = pd.DataFrame(h5py.File(ref)["configs"][()])
check(sorted(cfg["arch.array.cluster_rows"].unique().tolist()) == [2, 4, 8], "configs carry the swept parameters")

bad = os.path.join(TMP, "bad.toml")
with open(bad, "w") as f:
    f.write('networks = ["sparse_mobilenet"]\n[[axis]]\nname = "arch.array.pe_rows"\nvalues = [0, 3]\n')
p = subprocess.run([EYESIM, "sweep", bad, "-o", os.path.join(TMP, "strict.h5"), "--strict", "-q"], capture_output=True, text=True)
check(p.returncode == 3, f"--strict exits 3 when a point failed (got {p.returncode})")
p = subprocess.run([EYESIM, "sweep", bad, "-o", "/nonexistent-dir/x.h5", "-q"], capture_output=True, text=True)
check(p.returncode == 1 and "nonexistent-dir" in p.stderr, "an unwritable output is a clear error")
with open(bad, "w") as f:
    f.write('networks = ["sparse_mobilenet"]\n[[axis]]\nname = "arch.array.pe_rowz"\nvalues = [3]\n')
p = subprocess.run([EYESIM, "sweep", bad, "--dry-run"], capture_output=True, text=True)
check(p.returncode == 2 and "bad.toml:3:8: error: unknown parameter" in p.stderr, "spec errors exit 2 with file:line:col")
p = subprocess.run([EYESIM, "sweep", SPEC, "--dry-run"], capture_output=True, text=True)
check(p.returncode == 0 and "48 points" in p.stdout and "estimated run time" in p.stdout, "--dry-run counts and estimates")

print(f"{len(failures)} failed" if failures else "all sweep CLI checks passed")
sys.exit(1 if failures else 0)
