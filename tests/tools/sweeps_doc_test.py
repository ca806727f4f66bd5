#!/usr/bin/python3
"""docs/sweeps.md's spec examples run as written: the main example (its `where` included, which once sat
after `[[point]]` and so belonged to the point) and the `[sample]` example. Each is dry-run from a scratch
directory holding the network file the main example names. Run by ctest with Debian's python3:
sweeps_doc_test.py EYESIM (from the repository root)."""
import os
import re
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_sweeps_doc_test_")
check, path = T.check, T.path
DOC = open("docs/sweeps.md").read()


def eyesim(*args):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, timeout=300, cwd=T.tmp)


specs = re.findall(r"```toml\n(.*?)```", DOC, flags=re.S)
check(len(specs) >= 2, f"docs/sweeps.md shows the main and the [sample] spec ({len(specs)} toml blocks)")
main, sample = specs[0], specs[1]

# The main example names nets/my_net.toml: the file `show net` writes for a built-in network.
os.makedirs(path("nets"))
shown = eyesim("show", "net", "sparse_mobilenet")
check(shown.returncode == 0, "show net sparse_mobilenet")
T.write("nets/my_net.toml", shown.stdout)

T.write("main.toml", main)
dry = eyesim("sweep", "main.toml", "--dry-run")
first = dry.stdout.splitlines()[0] if dry.stdout else ""
check(dry.returncode == 0, f"the main example dry-runs as written ({dry.stderr.strip()[-300:]})")
# 3 bank sizes x 3 zipped widths x 2 networks = 18, less the (768, 48) corner on both networks, plus the
# explicit eyeriss_v1_scaled point, which `where` keeps (dropped, it would read "16 points (3 dropped").
check("17 points (2 dropped by where)" in first, f"where drops the example's corner and keeps the rest ({first})")

T.write("sample.toml", sample)
dry = eyesim("sweep", "sample.toml", "--dry-run")
check(dry.returncode == 0 and "500 points" in dry.stdout.splitlines()[0],
      f"the [sample] example dry-runs as written: 500 points ({dry.stderr.strip()[-300:]})")

T.finish("docs/sweeps.md example")
