#!/usr/bin/python3
"""The result file of `eyesim run -o`, `eyesim sweep` and `eyesim merge` is checked before any work, with or
without --force: one of the command's inputs (a sweep spec, a network, architecture, mapping or mask file, a
part; under any spelling, or as the OUTPUT.part it is first written as) is refused with exit 2 and left as it
was; so are a directory (which used to fail only after the whole sweep and leave OUTPUT.part and
OUTPUT.journal behind, refusing the next sweep), a directory that does not exist, and (as a user other than
root) one that is not writable.
Run by ctest with Debian's python3: output_path_test.py EYESIM."""
import os
import shutil
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_output_path_test_")
check, path = T.check, T.path


def eyesim(*args, cwd=None):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, timeout=300, cwd=cwd or T.tmp)


def content(name):
    """The bytes of a file, or None when it is not a file."""
    try:
        with open(name, "rb") as f:
            return f.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


# Every kind of input, in the scratch directory: a network file with a weight mask, an architecture file,
# a mapping file, a sweep spec naming the network, and two parts of that sweep.
MASK = T.write("pw1_weights.txt", "01" * 256 + "\n")
NET = T.write("net.toml", 'name = "masked"\n[[layer]]\nname = "pw1"\nkind = "pointwise"\nc = 16\nm = 32\nh = 8\n'
                          'iact_density = 0.5\nweight_mask = "pw1_weights.txt"\n')
ARCH = T.write("arch.toml", 'preset = "eyeriss_v2"\nname = "my_chip"\n')
MAPPING = T.write("mapping.toml", '[[mapping]]\nlayer = "pw1"\nm0 = 4\n')
SPEC = T.write("spec.toml", 'name = "s"\nnetworks = ["net.toml"]\n[[axis]]\nname = "arch.array.cluster_rows"\n'
                            'values = [2, 4]\n')
INPUTS = [MASK, NET, ARCH, MAPPING, SPEC]

p = eyesim("run", "--net", NET, "--arch", ARCH, "--mapping", MAPPING, "-o", path("run.h5"))
check(p.returncode == 0, f"the inputs run as they are: {p.stderr.strip()}")
P0, P1 = path("p0.h5"), path("p1.h5")
for k, part in enumerate((P0, P1)):
    p = eyesim("sweep", SPEC, "--shard", f"{k}/2", "-o", part, "-q")
    check(p.returncode == 0, f"the spec sweeps as it is (shard {k}/2): {p.stderr.strip()}")
INPUTS += [P0, P1]
before = {f: content(f) for f in INPUTS}


def refused(args, output, input_path, role, what):
    """The command exits 2 before any work, naming the output and the input, and changes no file."""
    p = eyesim(*args)
    check(p.returncode == 2, f"{what}: exit 2 (got {p.returncode})")
    check(f"'{output}' is one of the inputs ('{input_path}', {role})" in p.stderr and "even with --force" in p.stderr,
          f"{what}: the message names the file and says it is one of the inputs: {p.stderr.strip()}")
    check(p.stdout == "", f"{what}: refused before simulating (nothing printed): {p.stdout[:80]!r}")
    changed = [os.path.basename(f) for f in INPUTS if content(f) != before[f]]
    check(not changed, f"{what}: every input is left as it was (changed: {changed})")
    left = [n for n in os.listdir(T.tmp) if n.endswith((".part", ".journal"))]
    check(not left, f"{what}: no .part or .journal is left behind ({left})")


refused(["run", "--net", NET, "-o", NET, "--force"], NET, NET, "the network file", "run -o NET --force")
refused(["run", "--net", NET, "-o", MASK, "--force"], MASK, MASK, "the weight mask of layer 'pw1'", "run -o MASK --force")
refused(["run", "--net", NET, "--arch", ARCH, "-o", ARCH, "--force"], ARCH, ARCH, "the --arch file", "run -o ARCH --force")
refused(["run", "--net", NET, "--mapping", MAPPING, "-o", MAPPING, "--force"], MAPPING, MAPPING, "the --mapping file",
        "run -o MAPPING --force")
refused(["run", "--net", NET, "-o", "./net.toml", "--force"], "./net.toml", NET, "the network file",
        "run -o NET spelled relative to the working directory")
refused(["run", "--net", NET, "-o", NET], NET, NET, "the network file", "run -o NET without --force")
refused(["sweep", SPEC, "-o", SPEC, "--force", "-q"], SPEC, SPEC, "the sweep spec", "sweep -o SPEC --force")
refused(["sweep", SPEC, "-o", NET, "--force", "-q"], NET, NET, "the network file", "sweep -o NET (named by the spec) --force")
refused(["sweep", SPEC, "-o", MASK, "--force", "-q"], MASK, MASK, "the weight mask of layer 'pw1'", "sweep -o MASK --force")
refused(["merge", "-o", P0, "--force", P0, P1], P0, P0, "a part", "merge -o PART --force")

# OUTPUT is first written as OUTPUT.part: an input of that name is refused too.
spec_part = path("r.h5.part")
shutil.copyfile(SPEC, spec_part)
spec_part_text = content(spec_part)
p = eyesim("sweep", spec_part, "-o", path("r.h5"), "--force", "-q")
check(p.returncode == 2 and f"it is first written as '{spec_part}', which is one of the inputs" in p.stderr
      and content(spec_part) == spec_part_text and not os.path.exists(path("r.h5")),
      f"sweep -o R where R.part is the spec: exit 2, the spec left as it was: {p.stderr.strip()}")
os.remove(spec_part)

# A directory: refused up front (with and without --force), nothing written in or next to it; the next
# sweep into a file runs (a journal left behind used to refuse it).
adir = path("adir")
os.mkdir(adir)
for args in (["sweep", SPEC, "-q"], ["run", "--net", NET], ["merge", P0, P1]):
    for force in (["--force"], []):
        what = f"{args[0]} -o DIRECTORY {' '.join(force)}".strip()
        p = eyesim(*args, "-o", adir, *force)
        check(p.returncode == 2 and f"'{adir}' is a directory; expected the result file to write" in p.stderr
              and "--force" not in p.stderr and p.stdout == "", f"{what}: exit 2 saying it is a directory: {p.stderr.strip()}")
        left = sorted(n for n in os.listdir(T.tmp) if n.startswith("adir")) + os.listdir(adir)
        check(left == ["adir"], f"{what}: nothing written in or next to the directory ({left})")
p = eyesim("sweep", SPEC, "-o", path("after.h5"), "-q")
check(p.returncode == 0, f"a sweep after the refusals runs: {p.stderr.strip()}")

# A directory that does not exist: run exits 2 before simulating (it printed the table, then exited 1).
missing = path("missing/x.h5")
for args in (["run", "--net", NET], ["sweep", SPEC, "-q"], ["merge", P0, P1]):
    p = eyesim(*args, "-o", missing)
    check(p.returncode == 2 and p.stdout == "" and
          f"cannot write '{missing}': its directory '{path('missing')}' does not exist" in p.stderr,
          f"{args[0]} -o in a missing directory: exit 2 before any work, naming it: {p.stderr.strip()}")

# A directory that is not writable. Root writes anywhere: as root (CI's containers) eyesim runs as nobody there,
# on a built-in network (the scratch directory is opened to it), so the refusal is checked whoever runs the tests.
ro = path("read_only")
os.mkdir(ro, 0o555)
if os.geteuid() != 0:
    p = eyesim("run", "--net", NET, "-o", os.path.join(ro, "x.h5"))
else:
    os.chmod(T.tmp, 0o755)
    p = subprocess.run([EYESIM, "run", "--net", "sparse_alexnet", "-o", os.path.join(ro, "x.h5")], capture_output=True,
                       text=True, timeout=300, cwd="/", user=65534, group=65534, extra_groups=[])
check(p.returncode == 2 and p.stdout == "" and f"its directory '{ro}' is not writable" in p.stderr,
      f"run -o in a read-only directory: exit 2 before simulating{' (as nobody)' if os.geteuid() == 0 else ''}: "
      f"{p.stderr.strip()}")
os.chmod(ro, 0o755)

# An empty -o: sweep and merge refuse it; run printed its table and wrote nothing (found by helper-38).
p = eyesim("run", "--net", "sparse_mobilenet", "-o", "")
check(p.returncode == 2 and "-o is empty; expected the result file to write" in p.stderr,
      f"run -o '' is a usage error: {p.stderr.strip()}")

# A dry run into an output with an interrupted sweep's journal says the sweep would not start (it exited
# 0 in silence, the sweep then 1; helper-56); with --resume it says its estimates are for every point.
T.write("interrupted.h5.journal", "")
p = eyesim("sweep", SPEC, "-o", "interrupted.h5", "--dry-run")
check(p.returncode == 0 and "eyesim: warning: the sweep would not start: 'interrupted.h5.journal' exists: a sweep into "
      "'interrupted.h5' was interrupted" in p.stderr, f"a dry run warns of the journal: {p.stderr.strip()}")
p = eyesim("sweep", SPEC, "-o", "interrupted.h5", "--dry-run", "--resume")
check(p.returncode == 0 and "with --resume the estimates below are for every point" in p.stderr,
      f"a dry run with --resume says what its estimates cover: {p.stderr.strip()}")

T.finish("output path")
