"""Shared plumbing of the Python end-to-end tests (run with Debian's /usr/bin/python3): a scratch
directory, one "ok"/"FAIL" line per check, the exit code, and the small sweep several tests start
from. Import with sys.path.insert(0, <tests/>)."""
import os
import shutil
import sys
import tempfile


def small_sweep_spec(name, cluster_rows=(2, 8)):
    """A sweep of sparse MobileNet over cluster_rows x {unlimited, 25.6 GB/s} DRAM, then the scaled v1
    on MobileNet and a point that fails (pe_rows = 0): ids 0..2n-1, 2n, 2n+1 (cluster_rows slowest)."""
    rows = ", ".join(str(r) for r in cluster_rows)
    return f"""name = "{name}"
networks = ["sparse_mobilenet"]
[[axis]]
name = "arch.array.cluster_rows"
values = [{rows}]
[[axis]]
name = "arch.dram.bandwidth_gbps"
values = [0.0, 25.6]
[[point]]
"arch.preset" = "eyeriss_v1_scaled"
network = "mobilenet"
[[point]]
"arch.array.pe_rows" = 0
"""


class Checks:
    """Collects check results in a scratch directory that is removed only when every check passed."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.failures = []

    def check(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            self.failures.append(what)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def finish(self, what):
        """Prints the verdict and exits: 0 if every check passed (the scratch directory is removed)."""
        if not self.failures:
            shutil.rmtree(self.tmp, ignore_errors=True)
        print(f"{len(self.failures)} failed" if self.failures else f"all {what} checks passed")
        sys.exit(1 if self.failures else 0)
