#!/usr/bin/python3
"""How much each verdict of `eyesim validate` owes to the readings of unpublished parameters.

The published papers leave some parameters open (docs/calibration.md, "Unpublished timing parameters"; the
scaled v1's buses in docs/validation.md). eyesim chooses each once, for every case. This script runs
`eyesim validate` with the chosen values and then with other plausible readings, one at a time
(`eyesim validate --set ARCH.PARAM=VALUE`), and prints, per reading, how many of the issue's checked cases
pass and which verdicts change. A reading that makes more cases pass is not thereby adopted: a value is
chosen from its source, never to reach a published number (docs/validation.md, "Trying another reading").

The energy constants are not re-derived for a reading (calibrate_clock.py derives them from the chosen
timing), so a reading's energy cases show its effect at the calibrated constants.

Usage (from the repository root):
    /usr/bin/python3 tools/validation/readings.py [--eyesim build/bin/eyesim] [--only NAME ...] [--list]
"""
import argparse
import csv
import io
import subprocess
import sys

# The V2 paper's chips (its evaluation runs them at one clock); the JSSC chip has its own, measured one.
V2_PAPER_CHIPS = ["eyeriss_v2", "eyeriss_v1_5", "eyeriss_v1_scaled", "eyeriss_v2_256", "eyeriss_v2_1024",
                  "eyeriss_v2_16384"]

# name, what it reads differently, the --set arguments
READINGS = [
    ("clock_250", "the V2 chips at 250 MHz (chosen: 200, V1's measured core clock)",
     [f"{a}.clock_mhz=250" for a in V2_PAPER_CHIPS]),
    ("hop_0", "router hops take no cycle (chosen: 1, one registered stage per router)", ["*.noc.hop_latency_cycles=0"]),
    ("hop_2", "router hops take 2 cycles", ["*.noc.hop_latency_cycles=2"]),
    ("glb_32", "32-bit GLB banks (chosen: 64, V1's)", ["*.glb.bank_width_bits=32"]),
    ("glb_128", "128-bit GLB banks", ["*.glb.bank_width_bits=128"]),
    ("dram_latency_0", "no DRAM latency (chosen: 50 cycles)", ["*.dram.latency_cycles=0"]),
    ("dram_latency_200", "200-cycle DRAM latency", ["*.dram.latency_cycles=200"]),
    ("v1_buses_in_bits", "the scaled v1 keeps V1's bus widths in bits (16 / 64 / 64; chosen: per value, 8 / 32 / 80)",
     ["eyeriss_v1_scaled.noc.iact_port_bits=16", "eyeriss_v1_scaled.noc.weight_port_bits=64",
      "eyeriss_v1_scaled.noc.psum_port_bits=64"]),
    ("v1_weight_bus_16", "the scaled v1's filter bus carries two weights per cycle (no source gives it)",
     ["eyeriss_v1_scaled.noc.weight_port_bits=16"]),
    ("zero_iact_clock_30", "a gated zero-iact cycle pays 30 % of the busy clock (chosen: 55 %, V1 section V)",
     ["*.energy.clock_zero_iact_fraction=0.3"]),
    ("zero_iact_clock_80", "a gated zero-iact cycle pays 80 % of the busy clock",
     ["*.energy.clock_zero_iact_fraction=0.8"]),
]


def validate(eyesim, sets):
    cmd = [eyesim, "validate", "--format", "csv"]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"readings: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return {row["case"]: row for row in csv.DictReader(io.StringIO(p.stdout))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eyesim", default="build/bin/eyesim")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these readings (see --list)")
    ap.add_argument("--list", action="store_true", help="list the readings and exit")
    a = ap.parse_args()
    if a.list:
        for name, what, sets in READINGS:
            print(f"{name:<20} {what}\n{'':<20} --set {' --set '.join(sets)}")
        return
    readings = READINGS
    if a.only:
        unknown = set(a.only) - {r[0] for r in READINGS}
        if unknown:
            sys.exit(f"readings: unknown reading(s) {', '.join(sorted(unknown))} (--list names them)")
        readings = [r for r in READINGS if r[0] in a.only]

    chosen = validate(a.eyesim, [])
    checked = [c for c, row in chosen.items() if row["verdict"] != "info"]
    passing = lambda rows: sum(1 for c in checked if rows[c]["verdict"] == "pass")
    print(f"chosen values: {passing(chosen)} of {len(checked)} checked cases pass (each reading below changes only what "
          f"it names; the energy constants stay those calibrated on the chosen values)\n")
    print("| reading | passes | now passing | now failing |")
    print("|---|---|---|---|")
    for name, what, sets in readings:
        rows = validate(a.eyesim, sets)
        gained = [c for c in checked if chosen[c]["verdict"] != "pass" and rows[c]["verdict"] == "pass"]
        lost = [c for c in checked if chosen[c]["verdict"] == "pass" and rows[c]["verdict"] != "pass"]
        show = lambda cs: ", ".join(f"{c} ({float(rows[c]['simulated']):.4g})" for c in cs) or "-"
        print(f"| {name}: {what} | {passing(rows)} of {len(checked)} | {show(gained)} | {show(lost)} |")


if __name__ == "__main__":
    main()
