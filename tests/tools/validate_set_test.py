#!/usr/bin/python3
"""`eyesim validate --set`: every malformed or out-of-range reading is a usage error, exit 2 exactly (not 1,
which means a case failed), and a what-if marks every CSV and JSON row while the validated configuration's
rows carry an empty what_if. Run by ctest with Debian's python3: validate_set_test.py EYESIM (from the
repository root)."""
import csv
import io
import json
import os
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_validate_set_test_")
check = T.check


def validate(*args):
    return subprocess.run([EYESIM, "validate", *args], capture_output=True, text=True, timeout=300)


# Usage errors: exit 2, with the --set named. (A check of the range only when a case ran would exit 1.)
for setting, says in [
    ("eyeriss_v1_scaled.noc.weight_port_bits", "expected ARCH.PARAM=VALUE"),
    ("weight_port_bits=16", "expected ARCH.PARAM=VALUE"),
    ("eyeriss_v9.noc.weight_port_bits=16", "'eyeriss_v9' is not a preset"),
    ("eyeriss_v1_scaled.noc.bogus=16", "unknown architecture parameter 'noc.bogus'"),
    ("eyeriss_v1_scaled.noc.weight_port_bits=abc", "expected a non-negative integer"),
    ("eyeriss_v1_scaled.clock_mhz=0", "clock_mhz must be in [1, 10000] (got 0) on eyeriss_v1_scaled"),
    ("*.pe.simd_width=0", "pe.simd_width must be in [1, 16] (got 0)"),
    ("eyeriss_v2.pe.simd_width=1", "no case selected runs 'eyeriss_v2'"),
]:
    p = validate("--case", "hm_noc_mobilenet_speed", "--set", setting)
    check(p.returncode == 2 and f"--set '{setting}'" in p.stderr and says in p.stderr,
          f"--set {setting}: exit 2 saying \"{says}\" (got {p.returncode}: {p.stderr.strip()})")
p = validate("--case", "hm_noc", "--set", "eyeriss_v1_scaled.noc.weight_port_bits=16", "--set", "*.noc.weight_port_bits=64")
check(p.returncode == 2 and "both set noc.weight_port_bits on eyeriss_v1_scaled" in p.stderr,
      f"two values for one parameter of one preset: exit 2 (got {p.returncode})")

# A what-if: the case passes with it (exit 0), and every row says which reading it ran.
reading = "eyeriss_v1_scaled.noc.weight_port_bits=16"
p = validate("--case", "hm_noc_mobilenet_speed", "--set", reading, "--format", "csv")
rows = list(csv.DictReader(io.StringIO(p.stdout)))
check(p.returncode == 0 and len(rows) == 1 and rows[0]["what_if"] == reading and rows[0]["verdict"] == "pass",
      f"CSV: the what-if case passes and its row names the reading (got {p.returncode}, {rows})")
p = validate("--case", "hm_noc_mobilenet_speed", "--set", reading, "--format", "json")
rows = json.loads(p.stdout)
check(len(rows) == 1 and rows[0]["what_if"] == reading, f"JSON: the row names the reading ({rows})")
p = validate("--case", "hm_noc_mobilenet_speed", "--format", "json")
rows = json.loads(p.stdout)
check(p.returncode == 1 and rows[0]["what_if"] == "" and rows[0]["verdict"] == "FAIL",
      f"the validated configuration: empty what_if, the case fails as documented (got {p.returncode}, {rows})")

T.finish("validate --set")
