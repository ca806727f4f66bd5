#!/usr/bin/python3
"""End-to-end sweep tests through the eyesim binary: kill -9 and SIGINT mid-sweep, --resume, shards,
--strict, and reading the result with h5py + pandas. Run by ctest with Debian's python3."""
import os
import resource
import signal
import struct
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


def complete_records(journal):
    """Records wholly in the journal (sweep/journal.cpp: a header of the magic "EYESIMJ6", the spec hash,
    the shard (two u32) and the length-prefixed version, then per record a magic, the point id, ok, the layer count, the run
    row's and the layer rows' raw size each before their length-prefixed coded bytes, two length-prefixed
    vectors of u32, the traces' count and their length-prefixed coded bytes, and a checksum). The
    file's size alone is not enough: a kill can land while a record is half written."""
    try:
        with open(journal, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0
    if len(data) < 28 or data[:8] != b"EYESIMJ6":
        return 0
    (version_bytes,) = struct.unpack_from("<I", data, 24)
    pos, n = 28 + version_bytes, 0
    while True:
        pos += 4 + 8 + 1 + 4
        for _ in range(2):  # run row, layer rows: raw size, coded size, coded bytes
            if pos + 16 > len(data):
                return n
            (coded,) = struct.unpack_from("<Q", data, pos + 8)
            pos += 16 + coded
        for _ in range(2):  # PE counts, port counts (u32)
            if pos + 8 > len(data):
                return n
            (count,) = struct.unpack_from("<Q", data, pos)
            pos += 8 + count * 4
        if pos + 16 > len(data):
            return n
        (coded_bytes,) = struct.unpack_from("<Q", data, pos + 8)  # after the traces' count
        pos += 16 + coded_bytes + 8
        if pos > len(data):
            return n
        n += 1


def signalled_sweep(out, sig):
    """A sweep into `out`, sent `sig` once its journal holds a finished point (not by time: CI machines are
    loaded). Returns the process, running or stopped."""
    p = sweep(out, wait=False)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and p.poll() is None and complete_records(out + ".journal") < 1:
        time.sleep(0.005)
    p.send_signal(sig)
    return p


def interrupt(out, sig):
    """Signals the sweep once it has finished a point; its exit code."""
    p = signalled_sweep(out, sig)
    p.wait(timeout=600)
    return p.returncode


ref = os.path.join(TMP, "ref.h5")
rc, _, _ = sweep(ref)
check(rc == 0, "an uninterrupted sweep exits 0")
whole = tables(ref)
check(len(whole["runs"]) == 48 and whole["complete"] == "true", "the reference run has all 48 points")
# A finished result file is not replaced by a rerun into it (its new file, or a stopped rerun's partial one,
# used to be renamed over it): --force overwrites, as for merge.
rc, _, e = sweep(ref)
check(rc == 2 and "exists" in e and "--force" in e and same(tables(ref), whole),
      f"a sweep into an existing result file is refused and leaves it as it was: {e.strip()}")
rc, _, e = sweep(ref, "--force")
check(rc == 0 and same(tables(ref), whole), f"--force overwrites it: {e.strip()}")

# --resume (or any second sweep) into the output of a sweep that is still running is refused, and the
# running sweep's file comes out whole: the second process used to truncate its .part. The first is frozen
# (SIGSTOP) once it has finished a point, so it still holds its output whatever the machine's speed.
live = os.path.join(TMP, "live.h5")
first = signalled_sweep(live, signal.SIGSTOP)  # frozen: it still holds its output
rc, _, e = sweep(live, "--resume")
first.send_signal(signal.SIGCONT)
first.communicate(timeout=600)
check(rc == 1 and f"'{live}' is being written by another eyesim process (pid {first.pid})" in e,
      f"--resume into a running sweep's output is refused, naming its pid: {e.strip()}")
check(first.returncode == 0 and same(tables(live), whole) and tables(live)["complete"] == "true",
      "the running sweep finishes with the whole result")
check(not os.path.exists(live + ".lock") and not os.path.exists(live + ".journal"),
      "the finished sweep leaves no lock file and no journal")

# The output path checked at the start can change during a sweep: a directory made there while it runs
# leaves the finished results in OUTPUT.part (valid, whole) and a message saying so, not a bare filesystem
# error, and the journal stays for --resume.
moved = os.path.join(TMP, "moved.h5")
first = signalled_sweep(moved, signal.SIGSTOP)  # frozen: it still holds its output
os.makedirs(os.path.join(moved, "in_the_way"))
first.send_signal(signal.SIGCONT)
_, e = first.communicate(timeout=600)
check(first.returncode == 1 and f"the results are written, complete, in '{moved}.part', but it cannot be renamed" in e,
      f"a directory made at the output during the sweep: the results stay in OUTPUT.part, and it says so: {e.strip()}")
check(os.path.exists(moved + ".journal") and same(tables(moved + ".part"), whole),
      "... and OUTPUT.part holds every point, with the journal kept")
# The same with the sweep stopped (SIGINT) first: the journal must be kept, and --resume then completes
# once the path is cleared (the message had said to delete the journal; found by helper-37).
stuck = os.path.join(TMP, "stuck.h5")
first = signalled_sweep(stuck, signal.SIGSTOP)  # frozen: it still holds its output
os.makedirs(os.path.join(stuck, "in_the_way"))
first.send_signal(signal.SIGINT)
first.send_signal(signal.SIGCONT)
_, e = first.communicate(timeout=600)
check(first.returncode != 0 and f"clear '{stuck}' and continue with --resume (keep '{stuck}.journal'" in e,
      f"a stopped sweep that cannot rename its .part says to keep the journal and resume: {e.strip()}")
os.rmdir(os.path.join(stuck, "in_the_way"))
os.rmdir(stuck)
rc, _, e = sweep(stuck, "--resume")
check(rc == 0 and same(tables(stuck), whole), f"... and --resume then completes to the whole result: {e.strip()}")

killed = os.path.join(TMP, "killed.h5")
rc = interrupt(killed, signal.SIGKILL)
check(rc == -signal.SIGKILL, "kill -9 ends the process")
check(os.path.exists(killed + ".journal"), "a killed sweep leaves its journal")
# `eyesim run -o` into the killed sweep's output must not delete its journal (nor touch its .part).
with open(killed + ".journal", "rb") as f:
    journal_before = f.read()
run = subprocess.run([EYESIM, "run", "--net", "sparse_mobilenet", "-o", killed], capture_output=True, text=True)
check(run.returncode == 1 and killed + ".journal' exists" in run.stderr,
      f"eyesim run -o refuses the killed sweep's output, naming its journal: {run.stderr.strip()}")
with open(killed + ".journal", "rb") as f:
    check(f.read() == journal_before, "the refused eyesim run -o leaves the journal as it was")
check(os.path.exists(killed + ".part"), "the refused eyesim run -o leaves the killed sweep's .part")
rc, out, err = sweep(killed, "--resume")
check(rc == 0, "--resume after kill -9 exits 0: " + err.strip())
check("resumed" in out and " 0 resumed" not in out, "--resume reuses the points finished before the kill")
check(same(tables(killed), whole), "after kill -9 and --resume the tables equal an uninterrupted run")
check(not os.path.exists(killed + ".journal"), "the journal is removed once the file is complete")

# A full disk, as a file size limit (RLIMIT_FSIZE, its signal ignored: writes fail with EFBIG). The files
# could not be closed, and HDF5 closing them again at exit crashed the process (SIGSEGV), with an HDF5
# error stack on stderr (found by helper-50). Now: exit 1, one line saying why, the journal kept for --resume.
def file_size_limit(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


full = os.path.join(TMP, "full.h5")
p = subprocess.run([EYESIM, "sweep", SPEC, "-o", full, "-j", "1", "--progress", "never"], capture_output=True,
                   text=True, preexec_fn=file_size_limit(100_000))
check(p.returncode == 1 and "(File too large)" in p.stderr and "continue with --resume" in p.stderr
      and "HDF5-DIAG" not in p.stderr, f"a sweep on a full disk exits 1 saying why and how to go on: {p.stderr.strip()}")
rc, out, err = sweep(full, "--resume")
check(rc == 0 and same(tables(full), whole), f"... and --resume completes it to the whole result: {err.strip()}")
full_run = os.path.join(TMP, "full_run.h5")
p = subprocess.run([EYESIM, "run", "--net", "sparse_mobilenet", "-o", full_run], capture_output=True, text=True,
                   preexec_fn=file_size_limit(20_000))
check(p.returncode == 1 and "cannot write" in p.stderr and "HDF5-DIAG" not in p.stderr,
      f"eyesim run -o on a full disk exits 1 (it crashed as HDF5 shut down): {p.returncode} {p.stderr.strip()}")

stopped = os.path.join(TMP, "stopped.h5")
rc = interrupt(stopped, signal.SIGINT)
check(rc == 130, f"SIGINT stops cleanly with exit 130 (got {rc})")
part = tables(stopped)
check(part["complete"] == "false" and 0 < len(part["runs"]) < 48, "a stopped sweep leaves a valid partial file")
rc, _, _ = sweep(stopped, "--resume")
check(rc == 0 and same(tables(stopped), whole), "--resume after SIGINT completes to the same tables")
rc = interrupt(os.path.join(TMP, "term.h5"), signal.SIGTERM)
check(rc == 143, f"SIGTERM stops cleanly with exit 143 (got {rc})")

# A dry run writes nothing: SIGINT ends it at once (it ran its probe simulations, tens of seconds, to the end
# and exited 0), and a sweep's second SIGINT stops it at once rather than after its running points (found
# by helper-50). Both end as the signal's default action does.
slow = os.path.join(TMP, "slow.toml")
with open(slow, "w") as f:
    f.write('networks = ["vgg16", "resnet50"]\n[[axis]]\nname = "arch.preset"\n'
            'values = ["eyeriss_v2", "eyeriss_v1_scaled", "eyeriss_v1_5", "eyeriss_v2_1024"]\n'
            '[[axis]]\nname = "workload.batch"\nvalues = [1, 4]\n')
for what, extra, signals in (("a dry run", ["--dry-run"], 1),
                             ("a sweep, signalled twice,", ["-o", os.path.join(TMP, "twice.h5"), "-j", "1"], 2)):
    p = subprocess.Popen([EYESIM, "sweep", slow, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    start = time.monotonic()
    for _ in range(signals):
        p.send_signal(signal.SIGINT)
        time.sleep(0.05)
    p.communicate(timeout=600)
    check(p.returncode == -signal.SIGINT,
          f"{what} ends at SIGINT (got {p.returncode} after {time.monotonic() - start:.1f} s)")

# SIGINT while a large spec (10^6 points, about a second) is still being expanded: nothing is written.
# The stop used to reach the runner, which created OUTPUT.part and a journal, simulated nothing and
# renamed the empty, incomplete file over OUTPUT (here: a finished sweep's result).
big = os.path.join(TMP, "big.toml")
with open(big, "w") as f:
    for name in ("arch.glb.iact_bank_bytes", "arch.glb.psum_bank_bytes", "arch.noc.iact_port_bits"):
        f.write(f'[[axis]]\nname = "{name}"\nvalues = [{", ".join(str(100 + i) for i in range(100))}]\n')
early = os.path.join(TMP, "early.h5")
with open(ref, "rb") as f, open(early, "wb") as g:
    g.write(f.read())
p = subprocess.Popen([EYESIM, "sweep", big, "-o", early, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(0.3)
p.send_signal(signal.SIGINT)
_, e = p.communicate(timeout=600)
check(p.returncode == 130 and "nothing was written" in e,
      f"SIGINT during the expansion of a large spec exits 130 and says nothing was written (got {p.returncode}): {e.strip()}")
check(tables(early)["complete"] == "true" and same(tables(early), whole)
      and not os.path.exists(early + ".part") and not os.path.exists(early + ".journal"),
      "an existing OUTPUT is untouched by a sweep stopped before it simulated anything")

# Out of memory while expanding (the same 10^6-point spec in a 400 MB address space): a clear runtime
# failure (exit 1), not 'terminate called after throwing std::bad_alloc' and an abort.
p = subprocess.run([EYESIM, "sweep", big, "--dry-run"], capture_output=True, text=True, timeout=600,
                   preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20)))
check(p.returncode == 1 and "out of memory" in p.stderr,
      f"running out of memory exits 1 with a message, not an abort (got {p.returncode}): {p.stderr.strip()[-200:]}")

df = pd.DataFrame(h5py.File(ref)["layers"][()])
check(len(df) == 48 * 28 and "cycles" in df.columns, "pd.DataFrame(h5py.File(p)['layers'][()]) gives the layer table")
cfg = pd.DataFrame(h5py.File(ref)["configs"][()])
check(sorted(cfg["arch.array.cluster_rows"].unique().tolist()) == [2, 4, 8], "configs carry the swept parameters")

# Shards: three processes cover every point exactly once, with the rows of the single run.
pattern = os.path.join(TMP, "part-{shard}.h5")
for k in range(3):
    subprocess.run([EYESIM, "sweep", SPEC, "-o", pattern, "--shard", f"{k}/3", "-q"], check=True, capture_output=True)
parts = [tables(os.path.join(TMP, f"part-{k}.h5")) for k in range(3)]
ids = [set(t["runs"]["point_id"].tolist()) for t in parts]
check(not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2]), "shards are disjoint")
check(set().union(*ids) == set(range(48)), "the shards together hold every point")
by_id = {int(r["point_id"]): r for r in whole["runs"]}
check(all(r == by_id[int(r["point_id"])] for t in parts for r in t["runs"]), "shard rows equal the single run's rows")
env = dict(os.environ, OMPI_COMM_WORLD_RANK="1", OMPI_COMM_WORLD_SIZE="3")
auto = os.path.join(TMP, "auto.h5")
subprocess.run([EYESIM, "sweep", SPEC, "-o", auto, "--shard", "auto", "-q"], check=True, capture_output=True, env=env)
check(set(tables(auto)["runs"]["point_id"].tolist()) == ids[1], "--shard auto under Open MPI picks the points of shard 1/3")
p = subprocess.run([EYESIM, "sweep", SPEC, "-o", auto, "--shard", "auto", "--dry-run"], capture_output=True, text=True,
                   env={k: v for k, v in os.environ.items() if not k.startswith(("SLURM", "OMPI", "PMI"))})
check(p.returncode == 2 and "SLURM_ARRAY_TASK_ID" in p.stderr, "--shard auto without a launcher says what it looked for")

bad = os.path.join(TMP, "bad.toml")
with open(bad, "w") as f:
    # 4 bits per iact SPad entry with 8-bit iacts: a valid value alone, an invalid architecture (a failed point)
    f.write('networks = ["sparse_mobilenet"]\n[[axis]]\nname = "arch.pe.iact_data_bits"\nvalues = [4, 12]\n')
p = subprocess.run([EYESIM, "sweep", bad, "-o", os.path.join(TMP, "strict.h5"), "--strict", "-q"], capture_output=True, text=True)
check(p.returncode == 3, f"--strict exits 3 when a point failed (got {p.returncode})")
p = subprocess.run([EYESIM, "sweep", bad, "-o", "/nonexistent-dir/x.h5", "-q"], capture_output=True, text=True)
check(p.returncode == 2 and "its directory '/nonexistent-dir' does not exist" in p.stderr,
      f"an unwritable output is a clear usage error (exit 2, got {p.returncode}): {p.stderr.strip()}")
with open(bad, "w") as f:
    f.write('networks = ["sparse_mobilenet"]\n[[axis]]\nname = "arch.array.pe_rowz"\nvalues = [3]\n')
p = subprocess.run([EYESIM, "sweep", bad, "--dry-run"], capture_output=True, text=True)
check(p.returncode == 2 and "bad.toml:3:8: error: unknown parameter" in p.stderr, "spec errors exit 2 with file:line:col")
p = subprocess.run([EYESIM, "sweep", SPEC, "--dry-run"], capture_output=True, text=True)
check(p.returncode == 0 and "48 points" in p.stdout and "estimated run time" in p.stdout, "--dry-run counts and estimates")

print(f"{len(failures)} failed" if failures else "all sweep CLI checks passed")
sys.exit(1 if failures else 0)
