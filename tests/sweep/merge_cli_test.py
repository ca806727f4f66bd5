#!/usr/bin/python3
"""Sharded sweeps and `eyesim merge` through the eyesim binary: 3 shards + merge equal a one-process
run table for table; missing, duplicated, foreign and non-eyesim parts are refused with messages
naming them; --allow-partial records what is missing; --shard auto under each launcher's variables.
With --mpi: a real Open MPI launch (mpirun -np 3 ... --shard auto), merged, equals the single run.
Run by ctest with Debian's python3: merge_cli_test.py EYESIM [--mpi]."""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

EYESIM = sys.argv[1]
MPI = "--mpi" in sys.argv[2:]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_merge_test_")
TMP, check, path = T.tmp, T.check, T.path
SPEC_TEXT = cli_checks.small_sweep_spec("merge_test", cluster_rows=(2, 4, 8))
POINTS = 8
SPEC = T.write("spec.toml", SPEC_TEXT)
LAUNCHER_VARS = ("SLURM", "OMPI", "PMI", "PMIX")
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(LAUNCHER_VARS)}


def run(*args, env=None):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, env=env or CLEAN_ENV, timeout=600)


def tables(p):
    """Every table of a result file; /runs without its one machine-dependent column (wall_ms)."""
    with h5py.File(p, "r") as f:
        runs = f["runs"][()]
        out = {"configs": f["configs"][()], "layers": f["layers"][()],
               "runs": runs[[n for n in runs.dtype.names if n != "wall_ms"]]}
        for t in f["traces"]:
            out["traces/" + t] = f["traces/" + t][()]
    return out


def same_tables(a, b):
    ta, tb = tables(a), tables(b)
    return ta.keys() == tb.keys() and all(ta[k].dtype == tb[k].dtype and np.array_equal(ta[k], tb[k]) for k in ta)


def attrs(p):
    with h5py.File(p, "r") as f:
        return {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()}


single = path("single.h5")
p = run("sweep", SPEC, "-o", single, "-j", "2", "-q")
check(p.returncode == 0, "the single-process run exits 0: " + p.stderr.strip())
with h5py.File(single) as f:
    check(len(f["runs"]) == POINTS and int((f["runs"]["status"] != 0).sum()) == 1,
          "the single run has every point, one of them failed (an invalid architecture)")

if MPI:
    mpirun = shutil.which("mpirun")
    check(mpirun is not None, "mpirun is installed (Debian's openmpi-bin; tools/install-deps installs it)")
    if mpirun:
        cmd = [mpirun, "-np", "3", "--oversubscribe"]
        if os.geteuid() == 0:
            cmd.append("--allow-run-as-root")
        cmd += [EYESIM, "sweep", SPEC, "--shard", "auto", "-o", path("mpi-{shard}.h5"), "-j", "1", "-q"]
        p = subprocess.run(cmd, capture_output=True, text=True, env=CLEAN_ENV, timeout=600)
        check(p.returncode == 0, f"mpirun -np 3 eyesim sweep --shard auto exits 0 (got {p.returncode}): {p.stderr.strip()[-800:]}")
        parts = [path(f"mpi-{k}.h5") for k in range(3)]
        check(all(os.path.exists(x) for x in parts), "each of the 3 ranks wrote its own part (mpi-0/1/2.h5)")
        check(sorted(attrs(x).get("shard") for x in parts if os.path.exists(x)) == ["0/3", "1/3", "2/3"],
              "the ranks took shards 0/3, 1/3 and 2/3 from OMPI_COMM_WORLD_RANK/SIZE")
        p = run("merge", "-o", path("mpi.h5"), *parts)
        check(p.returncode == 0 and same_tables(path("mpi.h5"), single),
              "merging the MPI parts gives the tables of the single run: " + p.stderr.strip())
    T.finish("MPI")

# Three shards, merged in scrambled order, equal the single run.
for k in range(3):
    p = run("sweep", SPEC, "--shard", f"{k}/3", "-o", path("part-{shard}.h5"), "-j", "1", "-q")
    check(p.returncode == 0, f"shard {k}/3 exits 0")
parts = [path(f"part-{k}.h5") for k in range(3)]
merged = path("merged.h5")
p = run("merge", "-o", merged, parts[2], parts[0], parts[1])
check(p.returncode == 0 and f"{POINTS} of {POINTS} points" in p.stdout, "merge of 3 shards exits 0: " + p.stdout + p.stderr)
check(same_tables(merged, single), "3 shards + merge equal the single run, table for table (wall_ms aside)")
a = attrs(merged)
check(a.get("complete") == "true" and a.get("shard") == "0/1" and "part-1.h5 (shard 1/3)" in a.get("merged_from", ""),
      "the merged file is complete, whole (shard 0/1) and says where it came from")
check(a.get("spec_hash") == attrs(single)["spec_hash"], "the merged file keeps the spec hash (so --resume and report work)")

# Refusals, each naming the culprit.
p = run("merge", "-o", path("m1.h5"), parts[0], parts[2])
check(p.returncode == 2 and "in no part" in p.stderr and "shard 1/3" in p.stderr,
      "a missing part is refused, naming the missing points and shard: " + p.stderr.strip())
copy = path("copy-of-part-2.h5")
shutil.copy(parts[2], copy)
p = run("merge", "-o", path("m2.h5"), *parts, copy)
check(p.returncode == 2 and "part-2.h5" in p.stderr and "copy-of-part-2.h5" in p.stderr and "in both" in p.stderr,
      "a duplicated part is refused, naming both files and the points: " + p.stderr.strip())
# ... and says what went wrong: one shard given twice, or parts of two splits mixed (helper-56: the point
# lists alone did not say it).
check(f"'{parts[2]}', '{copy}' are both shard 2/3: give each shard's part once" in p.stderr,
      "the duplicated part is named as the same shard given twice: " + p.stderr.strip())
half = path("half-0.h5")
run("sweep", SPEC, "--shard", "0/2", "-o", half, "-j", "1", "-q")
p = run("merge", "-o", path("m2b.h5"), half, parts[1], parts[2])
check(p.returncode == 2 and f"the parts come from different splits of the sweep ('{half}' of 2 shards; " in p.stderr
      and "of 3 shards): merge the parts of one split" in p.stderr,
      "parts of 2 and of 3 shards mixed are named as such: " + p.stderr.strip())
p = run("merge", "-o", path("m3.h5"), parts[0], parts[0], parts[1], parts[2])
check(p.returncode == 2 and "given twice" in p.stderr, "the same file given twice is refused")
other = path("other.toml")
with open(other, "w") as f:
    f.write(SPEC_TEXT.replace('name = "merge_test"', 'name = "another_sweep"').replace("25.6", "12.8"))
foreign = path("foreign.h5")
run("sweep", other, "--shard", "1/3", "-o", foreign, "-q")
p = run("merge", "-o", path("m4.h5"), parts[0], foreign, parts[2])
check(p.returncode == 2 and "foreign.h5" in p.stderr and "another_sweep" in p.stderr,
      "a part of another sweep is refused, naming it and its spec: " + p.stderr.strip())
reseeded = path("reseeded.h5")
p = run("sweep", SPEC, "--shard", "1/3", "--seed", "7", "-o", reseeded, "-q")
check(p.returncode == 0 and os.path.exists(reseeded), "the part with another seed is written: " + p.stderr.strip())
p = run("merge", "-o", path("m5.h5"), parts[0], reseeded, parts[2])
check(p.returncode == 2 and "reseeded.h5" in p.stderr and "seed" in p.stderr,
      "a part run with another seed is refused, naming it and the seed: " + p.stderr.strip())
searched_spec = path("searched.toml")
with open(searched_spec, "w") as f:
    f.write('mapper = "simulate"\n' + SPEC_TEXT)
searched = path("searched.h5")
p = run("sweep", searched_spec, "--shard", "1/3", "-o", searched, "-q")
check(p.returncode == 0 and attrs(searched).get("mapper", "").startswith("simulate"),
      "a searched shard records its mapper search: " + p.stderr.strip())
p = run("merge", "-o", path("m5b.h5"), parts[0], searched, parts[2])
check(p.returncode == 2 and "searched.h5" in p.stderr and "another mapper search" in p.stderr
      and "mapper = 'simulate (window 0.05, up to 8 candidates)' vs 'estimate'" in p.stderr,
      "a part whose mappings were searched by simulation is not merged with unsearched ones: " + p.stderr.strip())
check(attrs(merged).get("mapper") == "estimate", "the merged file keeps the parts' mapper search")
plain = path("plain.h5")
with h5py.File(plain, "w") as f:
    f["x"] = np.arange(3)
p = run("merge", "-o", path("m6.h5"), parts[0], plain)
check(p.returncode == 2 and "plain.h5" in p.stderr and "not an eyesim result file" in p.stderr,
      "an HDF5 file that is not an eyesim result is refused: " + p.stderr.strip())
p = run("merge", "-o", path("m7.h5"), parts[0], SPEC)
check(p.returncode == 2 and "spec.toml" in p.stderr and "not an HDF5 file" in p.stderr, "a non-HDF5 part is refused")
damaged = path("damaged-part-1.h5")  # a chunk of /layers garbled (a bad disk, a copy cut and patched)
shutil.copyfile(parts[1], damaged)
with h5py.File(damaged, "r") as f:
    chunk = f["layers"].id.get_chunk_info(0)
with open(damaged, "r+b") as f:
    f.seek(chunk.byte_offset)
    f.write(bytes(range(256)) * (chunk.size // 256 + 1))
p = run("merge", "-o", path("m8.h5"), parts[0], damaged, parts[2])
check(p.returncode == 1 and "'" + damaged + "': cannot read /layers" in p.stderr,
      "a part whose data cannot be read is named with its dataset: " + p.stderr.strip())
p = run("merge", "-o", merged, *parts)
check(p.returncode == 2 and "--force" in p.stderr, "an existing output is not overwritten without --force")
check(not any(n.endswith(".part") for n in os.listdir(TMP)), "refused merges leave no .part file behind")

# --allow-partial: what is there, with the missing points recorded.
partial = path("partial.h5")
p = run("merge", "--allow-partial", "-o", partial, parts[0], parts[2])
with h5py.File(parts[1]) as f:
    missing = sorted(f["runs"]["point_id"].tolist())
a = attrs(partial)
check(p.returncode == 0 and "missing" in p.stderr, "--allow-partial merges and warns: " + p.stderr.strip())
check(a.get("complete") == "false" and a.get("missing_points") is not None, "the partial file says it is incomplete")
with h5py.File(partial) as f:
    check(sorted(set(range(POINTS)) - set(f["runs"]["point_id"].tolist())) == missing and len(f["configs"]) == POINTS - len(missing),
          "the partial file holds exactly the points of the parts given")
# Merged with the missing shard, the partial file is listed as what it is (it read "(shard 0/1)": a whole
# sweep; helper-56).
p = run("merge", "-o", path("completed.h5"), partial, parts[1])
with h5py.File(partial) as f:
    held = len(f["runs"])
check(p.returncode == 0 and f"{partial} (a partial merge, {held} points), {parts[1]} (shard 1/3)"
      == attrs(path("completed.h5")).get("merged_from"), f"merged_from names the partial merge as such: {p.stderr.strip()}")

# --shard auto takes k/N from each launcher's variables (the dry run says which shard it took).
launchers = {
    "Slurm job array (MIN/MAX)": ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3"}, "2/3"),
    "Slurm job array (COUNT)": ({"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"}, "1/3"),
    "Slurm tasks": ({"SLURM_PROCID": "2", "SLURM_NTASKS": "3"}, "2/3"),
    "Open MPI": ({"OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "3"}, "0/3"),
    "MPICH/Hydra (PMI)": ({"PMI_RANK": "1", "PMI_SIZE": "3"}, "1/3"),
}
for name, (variables, shard) in launchers.items():
    p = run("sweep", SPEC, "--shard", "auto", "-o", path("auto-{shard}.h5"), "--dry-run", env=dict(CLEAN_ENV, **variables))
    k = shard.split("/")[0]
    check(p.returncode == 0 and f"shard {shard} (from" in p.stdout and f"auto-{k}.h5" in p.stdout,
          f"--shard auto under {name} takes shard {shard} and names its part: " + p.stdout.splitlines()[2] if p.returncode == 0 else p.stderr)
p = run("sweep", SPEC, "--shard", "auto", "--dry-run")
check(p.returncode == 2 and all(v in p.stderr for v in ("SLURM_ARRAY_TASK_ID", "SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "PMI_RANK")),
      "--shard auto without a launcher names every variable it looked for")

T.finish("merge")
