#!/usr/bin/python3
"""Derive the clock-energy constants of hw/presets.cpp from their published sources (docs/calibration.md).

Two constants are not published and are derived here, once, for every workload:

  b  energy.clock_pj_per_pe_cycle       gated clock and control, per busy PE-cycle (a dense PE's cycle
                                        on a zero iact pays energy.clock_zero_iact_fraction of it)
  i  energy.clock_idle_pj_per_pe_cycle  ungated clock tree, per PE-cycle, busy or not

from two measurements, each written as "published energy = the model's own energy for that work":

  (1) V1 Table V / section VI-A: the JSSC chip's AlexNet CONV1-5 (batch 4, Table III mapping), power x
      total latency per layer, 32.09 mJ:
          E_jssc = C_jssc + b * B_jssc + (i + leak) * 168 PEs * (115.3 ms x 200 MHz)
  (2) V2 abstract and section I-C: the paper's v1 and v1.5 run the same MobileNet on the same dense PEs;
      v1.5 is 5.6x faster and 1.8x more efficient, v1 runs at 1470.6 / 12.6 inf/s and 2560.3 / 2.5 inf/J:
          E_v1 - E_v1.5 = (C_v1 - C_v1.5) + b * (B_v1 - B_v1.5) + (i + leak) * 192 PEs * (T_v1 - T_v1.5) x 200 MHz

C = the model's MAC, SPad, GLB and NoC energy (no clock in it), B = the model's busy PE-cycles with the
zero-iact ones weighted by clock_zero_iact_fraction. Both are the model's own counters (eyesim run
--format json); the times are the published ones, because the measured energy was spent over the
measured time (the JSSC energy over the total latency, DRAM transfers included), so the model's timing
errors do not leak into the constants. v2's PEs have 2.0x the logic gates of v1's (2695k NAND-2 / 192 PEs
vs 1176k / 168): both constants are doubled for the v2 presets.

Equation (2) uses the published numbers behind the validate case hm_noc_mobilenet_energy, which is
therefore informational (a calibration input), as is jssc_alexnet_conv_gops_per_w for (1).

Usage (from the repository root):  /usr/bin/python3 tools/validation/calibrate_clock.py [--eyesim build/bin/eyesim] [--check]
--check exits 1 if the constants in the presets differ from the derived ones after rounding.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tomllib

import numpy as np

F_HZ = 200e6  # V1 Table IV: core clock of the measurements; V2's 200 MHz (docs/calibration.md)

# V1 Table V (1 V, batch 4, core 200 MHz, link 60 MHz): power (mW) and total latency (ms) per layer, and the
# processing latency (ms) for reference.
JSSC_LAYERS = ["CONV1", "CONV2", "CONV3", "CONV4", "CONV5"]
JSSC_POWER_MW = [332, 288, 266, 235, 236]
JSSC_TOTAL_MS = [20.9, 41.9, 23.6, 18.4, 10.5]
JSSC_PROCESSING_MS = [16.5, 39.2, 21.8, 16.0, 10.0]
JSSC_PES = 168

# V2 abstract and section I-C (ratios), batch 1, MobileNet 0.5/128 on 192 PEs.
V2_SPARSE_MB_INF_PER_S = 1470.6
V2_SPARSE_MB_INF_PER_J = 2560.3
V2_VS_V1_SPEED = 12.6
V2_VS_V1_ENERGY = 2.5
HM_NOC_SPEED = 5.6
HM_NOC_ENERGY = 1.8
V2_PES = 192

# Gate counts (V1 Table IV, V2 section V): logic gates per PE of v2 over v1.
V1_GATES, V2_GATES = 1176e3, 2695e3
V2_GATE_RATIO = round((V2_GATES / V2_PES) / (V1_GATES / JSSC_PES), 1)

COMPONENTS = ["energy_mac_pj", "energy_spad_pj", "energy_glb_pj", "energy_noc_pj"]


def run_json(eyesim, *args):
    out = subprocess.run([eyesim, "run", "--format", "json", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def arch_energy(eyesim, arch):
    out = subprocess.run([eyesim, "show", "arch", arch], check=True, capture_output=True, text=True).stdout
    return tomllib.loads(out)["energy"]


def totals(result, layers=None):
    """Sums of the counters the derivation needs over the selected layers."""
    t = {"component_pj": 0.0, "busy": 0, "zero": 0, "cycles": 0, "chip_pj": 0.0}
    for layer in result["layers"]:
        if layers is not None and layer["layer"] not in layers:
            continue
        s = layer["stats"]
        t["component_pj"] += sum(s[k] for k in COMPONENTS)
        t["busy"] += s["busy_pe_cycles"]
        t["zero"] += min(s["zero_iact_pe_cycles"], s["busy_pe_cycles"])
        t["cycles"] += s["cycles"]
        t["chip_pj"] += s["energy_chip_pj"]
    return t


def busy_equivalent(t, zero_fraction):
    """Busy PE-cycles with the data-gated zero-iact cycles at their share of the busy clock."""
    return t["busy"] - (1.0 - zero_fraction) * t["zero"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eyesim", default="build/bin/eyesim")
    ap.add_argument("--check", action="store_true", help="exit 1 if the presets differ from the derived constants")
    args = ap.parse_args()
    mapping = str(pathlib.Path(__file__).with_name("jssc_table3_mapping.toml"))

    e_jssc = arch_energy(args.eyesim, "eyeriss_v1_jssc")
    e_v1 = arch_energy(args.eyesim, "eyeriss_v1_scaled")
    e_v15 = arch_energy(args.eyesim, "eyeriss_v1_5")
    e_v2 = arch_energy(args.eyesim, "eyeriss_v2")
    zf = e_jssc["clock_zero_iact_fraction"]
    leak = e_jssc["leakage_pj_per_pe_cycle"]
    for e in (e_v1, e_v15, e_v2):
        assert e["clock_zero_iact_fraction"] == zf and e["leakage_pj_per_pe_cycle"] == leak

    # (1) JSSC chip, AlexNet CONV1-5, batch 4, Table III mapping.
    jssc = run_json(args.eyesim, "--arch", "eyeriss_v1_jssc", "--net", "alexnet", "--batch", "4", "--mapping", mapping)
    J = totals(jssc, set(JSSC_LAYERS))
    e_meas = sum(p * t for p, t in zip(JSSC_POWER_MW, JSSC_TOTAL_MS)) * 1e6  # mW x ms = 1e-6 J = 1e6 pJ
    t_total = sum(JSSC_TOTAL_MS) * 1e-3
    n_jssc = JSSC_PES * t_total * F_HZ
    b_jssc = busy_equivalent(J, zf)

    # (2) v1 vs v1.5 MobileNet, batch 1.
    r_v1 = run_json(args.eyesim, "--arch", "eyeriss_v1_scaled", "--net", "mobilenet")
    r_v15 = run_json(args.eyesim, "--arch", "eyeriss_v1_5", "--net", "mobilenet")
    M1, M15 = totals(r_v1), totals(r_v15)
    t_v1 = V2_VS_V1_SPEED / V2_SPARSE_MB_INF_PER_S
    t_v15 = t_v1 / HM_NOC_SPEED
    en_v1 = V2_VS_V1_ENERGY / V2_SPARSE_MB_INF_PER_J * 1e12  # pJ
    en_v15 = en_v1 / HM_NOC_ENERGY
    d_e = en_v1 - en_v15
    d_c = M1["component_pj"] - M15["component_pj"]
    d_b = busy_equivalent(M1, zf) - busy_equivalent(M15, zf)
    d_n = V2_PES * (t_v1 - t_v15) * F_HZ

    # Solve  [B_jssc  N_jssc] [b]   [E_jssc - C_jssc - leak N_jssc]
    #        [dB      dN    ] [i] = [dE - dC - leak dN           ]
    A = np.array([[b_jssc, n_jssc], [d_b, d_n]])
    y = np.array([e_meas - J["component_pj"] - leak * n_jssc, d_e - d_c - leak * d_n])
    b, i = np.linalg.solve(A, y)
    b_r, i_r = round(b, 1), round(i, 1)

    print("Clock-energy calibration (docs/calibration.md)\n")
    print("(1) JSSC chip, AlexNet CONV1-5, batch 4, Table III mapping (V1 Table V, section VI-A)")
    print(f"    measured: sum of power x total latency = {e_meas / 1e9:.2f} mJ over {t_total * 1e3:.1f} ms")
    print(f"    model: MAC+SPad+GLB+NoC {J['component_pj'] / 1e9:.2f} mJ; busy PE-cycles {J['busy'] / 1e6:.0f} M, "
          f"{J['zero'] / 1e6:.0f} M of them on zero iacts -> {b_jssc / 1e6:.0f} M full-cycle equivalents "
          f"(zero-iact share {zf})")
    print(f"    ungated: {JSSC_PES} PEs x {t_total * 1e3:.1f} ms x 200 MHz = {n_jssc / 1e9:.3f} G PE-cycles")
    print("(2) v1 vs v1.5 MobileNet 0.5/128, batch 1 (V2 abstract, section I-C)")
    print(f"    published: v1 {t_v1 * 1e3:.3f} ms, {en_v1 / 1e6:.1f} uJ; v1.5 {t_v15 * 1e3:.3f} ms, {en_v15 / 1e6:.1f} uJ; "
          f"difference {(t_v1 - t_v15) * 1e3:.3f} ms, {d_e / 1e6:.1f} uJ")
    print(f"    model work difference: MAC+SPad+GLB+NoC {M1['component_pj'] / 1e6:.1f} - {M15['component_pj'] / 1e6:.1f} "
          f"= {d_c / 1e6:.1f} uJ; busy equivalents {busy_equivalent(M1, zf) / 1e6:.2f} - "
          f"{busy_equivalent(M15, zf) / 1e6:.2f} M PE-cycles")
    print(f"    ungated: {V2_PES} PEs x {(t_v1 - t_v15) * 1e3:.3f} ms x 200 MHz = {d_n / 1e6:.1f} M PE-cycles")
    print(f"\nSolution of the two equations (leakage {leak} pJ per PE-cycle in both):")
    print(f"    busy clock  b = {b:.3f} pJ per busy PE-cycle  -> {b_r}")
    print(f"    idle clock  i = {i:.3f} pJ per PE-cycle       -> {i_r}")
    print(f"    v2 PEs: x{V2_GATE_RATIO} (logic gates per PE {V2_GATES / V2_PES / 1e3:.1f}k vs "
          f"{V1_GATES / JSSC_PES / 1e3:.1f}k) -> {round(V2_GATE_RATIO * b_r, 1)} and {round(V2_GATE_RATIO * i_r, 1)}")

    # Cross-checks, printed, not used.
    print("\nCross-checks (not used for the constants):")
    b_only = (e_meas - J["component_pj"] - (i_r + leak) * n_jssc) / b_jssc
    print(f"    (1) alone with i = {i_r}: b = {b_only:.3f} pJ")
    i_simple = d_e / d_n - leak
    print(f"    (2) with the work energy assumed equal (the older derivation): i = {i_simple:.3f} pJ")
    n_model = JSSC_PES * J["cycles"]
    b_model_t = (e_meas - J["component_pj"] - (i_r + leak) * n_model) / b_jssc
    print(f"    (1) with the model's own CONV1-5 latency ({J['cycles'] / F_HZ * 1e3:.1f} ms) instead of the measured "
          f"{t_total * 1e3:.1f} ms: b = {b_model_t:.3f} pJ")
    rows, ys = [], []
    print(f"    per layer with b = {b_r}, i = {i_r} (power x total latency):")
    for name, p, t in zip(JSSC_LAYERS, JSSC_POWER_MW, JSSC_TOTAL_MS):
        L = totals(jssc, {name})
        n = JSSC_PES * t * 1e-3 * F_HZ
        model = L["component_pj"] + b_r * busy_equivalent(L, zf) + (i_r + leak) * n
        meas = p * t * 1e6
        rows.append([busy_equivalent(L, zf), n])
        ys.append(meas - L["component_pj"] - leak * n)
        print(f"      {name}: model {model / 1e9:6.2f} mJ, measured {meas / 1e9:6.2f} mJ ({(model / meas - 1) * 100:+.1f} %)")
    (b_fit, i_fit), *_ = np.linalg.lstsq(np.array(rows), np.array(ys), rcond=None)
    print(f"    V1 Table V's five layers alone, least squares on both: b = {b_fit:.2f}, i = {i_fit:.2f} pJ "
          f"(the five layers barely separate the two: not an independent source of i)")

    current = {
        "kV1ClockPjPerBusyPeCycle": e_jssc["clock_pj_per_pe_cycle"],
        "kV1ClockIdlePjPerPeCycle": e_jssc["clock_idle_pj_per_pe_cycle"],
        "kV2ClockPjPerBusyPeCycle": e_v2["clock_pj_per_pe_cycle"],
        "kV2ClockIdlePjPerPeCycle": e_v2["clock_idle_pj_per_pe_cycle"],
    }
    derived = {
        "kV1ClockPjPerBusyPeCycle": b_r,
        "kV1ClockIdlePjPerPeCycle": i_r,
        "kV2ClockPjPerBusyPeCycle": round(V2_GATE_RATIO * b_r, 1),
        "kV2ClockIdlePjPerPeCycle": round(V2_GATE_RATIO * i_r, 1),
    }
    print("\nhw/presets.cpp:")
    differs = False
    for k, v in derived.items():
        same = abs(current[k] - v) < 1e-9
        differs |= not same
        print(f"    constexpr double {k} = {v};" + ("" if same else f"   // presets have {current[k]}"))
    print("    (the presets already hold these values)" if not differs else "    (update the presets)")
    return 1 if (args.check and differs) else 0


if __name__ == "__main__":
    sys.exit(main())
