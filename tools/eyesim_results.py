"""eyesim_results: an eyesim result file (HDF5, schema eyesim-results/1, docs/results.md) as pandas
DataFrames. Needs only Debian's python3-h5py, python3-pandas and numpy; run with /usr/bin/python3.

    import sys; sys.path.insert(0, "tools")
    import eyesim_results as er
    with er.open("results.h5") as rf:
        rf.points()     # one row per design point: status, message, every parameter, run totals
        rf.layers()     # one row per point x layer, joined with the point's parameters
        rf.totals()     # one row per simulated (point, network): layer sums, energy by component, EDP
        rf.traces(4, "L05")               # per-PE busy/stall cycles and MACs of one layer of one point
        rf.traces(4, "L05", kind="port")  # per-NoC-port busy cycles and bits
        rf.parameters() # the parameters the sweep varies
        rf.attrs        # root attributes (spec_name, eyesim_version, ...)

Every problem with the file (missing, not HDF5, not an eyesim file, another schema, an unknown
point or layer) raises EyesimFileError with a one-line message naming the file and what was expected.

Conventions (the same as `eyesim report`): energy is chip energy per inference (1 / inferences_per_joule,
DRAM excluded, as the paper's inferences/J), delay is seconds per inference (1 / inferences_per_second,
= latency_seconds at batch 1), EDP = their product in J*s.
"""
import builtins
import difflib
import json
import os
import re
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd

SCHEMA = "eyesim-results/1"
TABLES = ("configs", "runs", "layers")
PE_TRACES = ("pe_busy_cycles", "pe_stall_cycles", "pe_macs")
PORT_TRACES = ("port_busy_cycles", "port_bits")
ENERGY_COMPONENTS = ("mac", "spad", "glb", "noc", "clock", "leakage")  # their sum is energy_chip_pj
STALL_CAUSES = ("iact", "weight", "psum", "dram", "noc")
# The chips of the Eyeriss papers (eyesim list archs), in the order `eyesim list archs` prints them.
PRESETS = ("eyeriss_v2", "eyeriss_v1_scaled", "eyeriss_v1_5", "eyeriss_v1_jssc", "eyeriss_v2_256",
           "eyeriss_v2_1024", "eyeriss_v2_16384")
# Config columns that identify a point rather than parametrize it.
_NOT_PARAMETERS = ("point_id", "config_hash", "network")
# Columns of /layers that are not additive counters (excluded from totals()).
_NOT_SUMMED = ("point_id", "layer_idx", "active_pes", "mac_utilization", "trace_pe_offset", "trace_pe_count",
               "trace_port_offset", "trace_port_count")
_HERE = os.path.dirname(os.path.realpath(__file__))
PUBLISHED_TOML = os.path.join(_HERE, "validation", "published.toml")


class EyesimFileError(Exception):
    """A file that cannot be used as an eyesim result file, or a request it cannot answer."""


def open(path):  # noqa: A001 (the module's entry point reads like builtins.open on purpose)
    """Opens an eyesim result file read-only; use as a context manager or call close()."""
    return ResultFile(path)


def did_you_mean(name, choices):
    """"; did you mean 'X'?" for the choice a misspelt `name` most likely means, or "": the same name in
    another case; a layer number written without its zeros ("L1" is "L01"); else the choice closest by
    difflib's ratio (at least 0.6), if no other is as close ("L1" is as close to L10-L19 as to L01)."""
    name, choices = str(name), [str(c) for c in choices]
    for c in choices:
        if c.lower() == name.lower() and c != name:
            return f"; did you mean '{c}'?"
    m = re.fullmatch(r"([^\d]*?)0*(\d+)", name)
    if m:
        same = [c for c in choices if (k := re.fullmatch(r"([^\d]*?)0*(\d+)", c))
                and k.group(1).lower() == m.group(1).lower() and int(k.group(2)) == int(m.group(2))]
        if len(same) == 1:
            return f"; did you mean '{same[0]}'?"
    scores = sorted(((difflib.SequenceMatcher(None, name, c).ratio(), c) for c in choices), reverse=True)
    if scores and scores[0][0] >= 0.6 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
        return f"; did you mean '{scores[0][1]}'?"
    return ""


def id_ranges(ids, limit=8):
    """'0-5, 7, 9-12' for sorted integer ids; long lists are cut after `limit` ranges."""
    ids = sorted(int(i) for i in ids)
    ranges = []
    for i in ids:
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    text = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
    if len(text) > limit:
        text = text[:limit] + [f"... ({len(ids)} in all)"]
    return ", ".join(text) if text else "none"


def _decode(df):
    """Fixed-length HDF5 strings arrive as bytes; make them str."""
    for c in df.columns:
        if df[c].dtype == object and len(df) and isinstance(df[c].iloc[0], bytes):
            df[c] = df[c].str.decode("utf-8", errors="replace")
    return df


def _attr_text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _attr_text(v[()])
    return str(v)


class ResultFile:
    """One open result file. DataFrames are built on first use and cached; each call returns a copy."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise EyesimFileError(f"{self.path}: no such file (expected an eyesim result file, docs/results.md)")
        if os.path.isdir(self.path):
            raise EyesimFileError(f"{self.path}: is a directory, not an eyesim result file")
        try:
            is_hdf5 = h5py.is_hdf5(self.path)
        except OSError as e:
            raise EyesimFileError(f"{self.path}: cannot be read ({e.strerror or e})") from None
        if not is_hdf5:
            raise EyesimFileError(f"{self.path}: not an HDF5 file (expected an eyesim result file, schema {SCHEMA})")
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise EyesimFileError(f"{self.path}: cannot be opened as HDF5 ({e})") from None
        try:
            self.attrs = {k: _attr_text(v) for k, v in self._f.attrs.items()}
            schema = self.attrs.get("schema")
            if schema is None:
                raise EyesimFileError(f"{self.path}: not an eyesim result file (it has no 'schema' attribute; "
                                      f"expected schema {SCHEMA})")
            if schema != SCHEMA:
                raise EyesimFileError(f"{self.path}: schema '{schema}', this module reads '{SCHEMA}' "
                                      f"(written by {self.attrs.get('eyesim_version', 'an unknown eyesim')})")
            for t in TABLES:
                if t not in self._f or not isinstance(self._f[t], h5py.Dataset) or self._f[t].dtype.names is None:
                    raise EyesimFileError(f"{self.path}: has no /{t} table; not a complete eyesim result file")
            for t in PE_TRACES + PORT_TRACES:
                if "traces/" + t not in self._f:
                    raise EyesimFileError(f"{self.path}: has no /traces/{t}; not a complete eyesim result file")
            for t, cols in (("configs", ("point_id", "network", "arch.name")),
                            ("runs", ("point_id", "status", "message", "inferences_per_second", "inferences_per_joule")),
                            ("layers", ("point_id", "layer_idx", "layer_name", "cycles", "trace_pe_offset"))):
                missing = [c for c in cols if c not in self._f[t].dtype.names]
                if missing:
                    raise EyesimFileError(f"{self.path}: table /{t} has no column '{missing[0]}' "
                                          f"(schema {SCHEMA} has it; the file is damaged or hand-made)")
        except BaseException:
            self._f.close()
            raise
        self._cache = {}

    # ---- plumbing -----------------------------------------------------------------------------
    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<eyesim result file {self.path!r}: {self.attrs.get('spec_name', '?')}>"

    def _read(self, name, sel=()):
        """Dataset `name` (or its slice `sel`); a chunk that does not decompress (a damaged file) is an
        EyesimFileError naming the file and the dataset, not h5py's OSError."""
        try:
            return self._f[name][sel]
        except OSError as e:
            raise EyesimFileError(f"{self.path}: /{name} cannot be read ({e}); the file is damaged") from None

    def _table(self, name):
        key = "/" + name  # raw tables; the joined frames are cached under their method's name
        if key not in self._cache:
            self._cache[key] = _decode(pd.DataFrame(self._read(name)))
        return self._cache[key]

    def units(self, table):
        """{column: unit} of a table (its `units` attribute)."""
        raw = self._f[table].attrs.get("units")
        return json.loads(_attr_text(raw)) if raw is not None else {}

    def spec_toml(self):
        """The sweep spec exactly as given."""
        return _attr_text(self._read("spec_toml")) if "spec_toml" in self._f else ""

    # ---- tables -------------------------------------------------------------------------------
    def configs(self):
        """/configs as is (strings decoded): one row per design point, every parameter."""
        return self._table("configs").copy()

    def runs(self):
        """/runs as is (strings decoded): one row per design point, whole-network results."""
        return self._table("runs").copy()

    def parameters(self):
        """The parameters the sweep varies, in /configs column order: arch.name when the points use
        several presets, and every other column that takes more than one value among the points of
        one preset."""
        if "parameters" not in self._cache:
            # Varied within one preset: switching presets (an explicit [[point]]) changes every
            # parameter at once; arch.name alone stands for that.
            c = self._table("configs")
            groups = c.groupby("arch.name", sort=False)
            self._cache["parameters"] = [
                k for k in c.columns if k not in _NOT_PARAMETERS
                and (c[k].nunique() > 1 if k == "arch.name" else (groups[k].nunique() > 1).any())]
        return list(self._cache["parameters"])

    def _front(self):
        """Leading columns of every joined frame: identity, then the swept parameters."""
        return ["point_id", "network", "arch.name"] + [p for p in self.parameters() if p != "arch.name"]

    def points(self):
        """One row per design point: identity, status (0 ok, 1 failed), ok, message, the swept
        parameters, the /runs results with derived per-inference metrics, then every other parameter."""
        if "points" not in self._cache:
            c, r = self._table("configs"), self._table("runs")
            df = c.merge(r.drop(columns=["network"], errors="ignore"), on="point_id", how="outer", sort=True)
            df["ok"] = df["status"] == 0
            df.loc[df["status"].isna(), "message"] = "not run (no /runs row)"
            _derive(df, ok=df["ok"])
            front = self._front() + ["status", "ok", "message"]
            self._cache["points"] = df[front + [k for k in df.columns if k not in front]]
        return self._cache["points"].copy()

    def layers(self):
        """One row per point x layer (/layers) joined with the point's parameters (/configs)."""
        if "layers" not in self._cache:
            lay, c = self._table("layers"), self._table("configs")
            df = lay.merge(c, on="point_id", how="left", sort=False)
            df["energy_total_pj"] = df["energy_chip_pj"] + df["energy_dram_pj"]
            front = self._front() + ["layer_idx", "layer_name"]
            self._cache["layers"] = df[front + [k for k in df.columns if k not in front]]
        return self._cache["layers"].copy()

    def totals(self):
        """One row per simulated (point, network): every additive /layers counter summed over the
        layers (cycles, seconds, MACs, traffic, stalls, energy by component), the /runs results,
        derived per-inference energy and EDP, and the parameters. Failed points have no row."""
        if "totals" not in self._cache:
            lay = self._table("layers")
            summed = [k for k in lay.columns if k not in _NOT_SUMMED and np.issubdtype(lay[k].dtype, np.number)
                      and not k.startswith("map_")]
            g = lay.groupby("point_id", sort=True)
            t = g[summed].sum()
            t.insert(0, "layers", g.size())
            t["energy_total_pj"] = t["energy_chip_pj"] + t["energy_dram_pj"]
            # All DRAM traffic, as /runs.dram_bytes: reads and writes of every data type.
            t["dram_bytes"] = t[[k for k in summed if k.startswith("dram_") and k.endswith("_bytes")]].sum(axis=1)
            t = t.reset_index()
            r = self._table("runs")
            keep = ["point_id", "network_name", "latency_seconds", "inferences_per_second", "inferences_per_joule",
                    "mac_utilization"]
            t = t.merge(r[[k for k in keep if k in r.columns]], on="point_id", how="left")
            t = t.merge(self._table("configs"), on="point_id", how="left")
            _derive(t)
            front = self._front()
            self._cache["totals"] = t[front + [k for k in t.columns if k not in front]]
        return self._cache["totals"].copy()

    # ---- one point ----------------------------------------------------------------------------
    def point(self, point_id):
        """The points() row of one point (a Series); EyesimFileError for an unknown id."""
        p = self.points()
        try:
            pid = int(point_id)
        except (TypeError, ValueError):
            raise EyesimFileError(f"{self.path}: '{point_id}' is not a point id (expected an integer)") from None
        row = p[p["point_id"] == pid]
        if row.empty:
            raise EyesimFileError(f"{self.path}: has no point {pid} (its points: {id_ranges(p['point_id'])})")
        return row.iloc[0]

    def _layer_row(self, point_id, layer, network=None):
        pt = self.point(point_id)
        pid = int(pt["point_id"])
        if network is not None and pt["network"] != network:
            raise EyesimFileError(f"{self.path}: point {pid} simulated network '{pt['network']}', not '{network}'")
        if not pt["ok"]:
            raise EyesimFileError(f"{self.path}: point {pid} failed ({pt['message']}); it has no layers or traces")
        lay = self._table("layers")
        mine = lay[lay["point_id"] == pid]
        if isinstance(layer, (int, np.integer)) or (isinstance(layer, str) and layer.isdigit()
                                                    and layer not in set(mine["layer_name"])):
            row = mine[mine["layer_idx"] == int(layer)]
        else:
            row = mine[mine["layer_name"] == layer]
        if row.empty:
            names = list(mine["layer_name"])
            shown = ", ".join(names) if len(names) <= 12 else ", ".join(names[:6] + ["..."] + names[-3:])
            raise EyesimFileError(f"{self.path}: point {pid} ({pt['network']}) has no layer '{layer}' "
                                  f"(expected a name or index 0-{len(names) - 1}: {shown}){did_you_mean(layer, names)}")
        return pt, row.iloc[0]

    def traces(self, point, layer, network=None, kind="pe"):
        """The traces of one layer of one point as a DataFrame.

        kind="pe": one row per PE: pe, cluster, pe_in_cluster, cluster_row/col, pe_row/col, row/col
        (position on the whole array: cluster_row * pe_rows + pe_row, ...), busy_cycles, stall_cycles, macs.
        kind="port": one row per NoC source port: port, data_type (iact, weight, psum), cluster, router,
        busy_cycles, bits. `layer` is a layer name or index; `network` (optional) must be the point's."""
        if kind not in ("pe", "port"):
            raise EyesimFileError(f"traces: kind must be 'pe' or 'port', not '{kind}'")
        pt, row = self._layer_row(point, layer, network)
        if kind == "pe":
            off, n = int(row["trace_pe_offset"]), int(row["trace_pe_count"])
            df = pd.DataFrame({"pe": np.arange(n)})
            for name, col in zip(PE_TRACES, ("busy_cycles", "stall_cycles", "macs")):
                df[col] = self._read("traces/" + name, np.s_[off:off + n])
            ppc = int(pt["arch.array.pe_rows"]) * int(pt["arch.array.pe_cols"])
            ccols = int(pt["arch.array.cluster_cols"])
            if ppc and n == ppc * int(pt["arch.array.cluster_rows"]) * ccols:
                # PE index = cluster x PEs per cluster + position, column-major inside a cluster;
                # clusters are numbered row-major over the cluster array (hw/noc.cpp).
                pe_rows, pe_cols = int(pt["arch.array.pe_rows"]), int(pt["arch.array.pe_cols"])
                df.insert(1, "cluster", df["pe"] // ppc)
                df.insert(2, "pe_in_cluster", df["pe"] % ppc)
                df.insert(3, "cluster_row", df["cluster"] // ccols)
                df.insert(4, "cluster_col", df["cluster"] % ccols)
                df.insert(5, "pe_row", df["pe_in_cluster"] % pe_rows)
                df.insert(6, "pe_col", df["pe_in_cluster"] // pe_rows)
                df.insert(7, "row", df["cluster_row"] * pe_rows + df["pe_row"])
                df.insert(8, "col", df["cluster_col"] * pe_cols + df["pe_col"])
            return df
        off, n = int(row["trace_port_offset"]), int(row["trace_port_count"])
        df = pd.DataFrame({"port": np.arange(n)})
        flat = pt["arch.noc.kind"] == "flat_multicast"
        clusters = 1 if flat else int(pt["arch.array.cluster_rows"]) * int(pt["arch.array.cluster_cols"])
        routers = [1, 1, 1] if flat else [int(pt[f"arch.noc.{t}_routers"]) for t in ("iact", "weight", "psum")]
        if sum(clusters * r for r in routers) == n:
            # iact ports, then weight, then psum; within a type cluster-major, then router (hw/noc.cpp).
            types, cl, ro = [], [], []
            for t, r in zip(("iact", "weight", "psum"), routers):
                for i in range(clusters * r):
                    types.append(t)
                    cl.append(i // r)
                    ro.append(i % r)
            df["data_type"], df["cluster"], df["router"] = types, cl, ro
        df["busy_cycles"] = self._read("traces/port_busy_cycles", np.s_[off:off + n])
        df["bits"] = self._read("traces/port_bits", np.s_[off:off + n])
        return df

    def layer_pe_sums(self, point):
        """Per layer of one point: the sums over PEs of busy cycles, stall cycles and MACs (from the
        traces, one read of the point's contiguous range). Columns layer_idx, layer_name, pes, pe_busy_cycles,
        pe_stall_cycles, pe_macs."""
        pt = self.point(point)
        pid = int(pt["point_id"])
        if not pt["ok"]:
            raise EyesimFileError(f"{self.path}: point {pid} failed ({pt['message']}); it has no layers or traces")
        lay = self._table("layers")
        mine = lay[lay["point_id"] == pid].sort_values("layer_idx")
        out = mine[["layer_idx", "layer_name"]].copy().reset_index(drop=True)
        out["pes"] = mine["trace_pe_count"].to_numpy()
        offs, counts = mine["trace_pe_offset"].to_numpy(np.int64), mine["trace_pe_count"].to_numpy(np.int64)
        lo, hi = int(offs.min()), int((offs + counts).max())
        for name in PE_TRACES:
            v = self._read("traces/" + name, np.s_[lo:hi]).astype(np.float64)
            out[name] = [v[o - lo:o - lo + c].sum() for o, c in zip(offs, counts)]
        return out


def _derive(df, ok=None):
    """Per-inference metrics from /runs columns (NaN where the point failed or did nothing)."""
    ips = df["inferences_per_second"].astype(float)
    ipj = df["inferences_per_joule"].astype(float)
    good = (ips > 0) & (ipj > 0)
    if ok is not None:
        good &= ok
    df["seconds_per_inference"] = np.where(good, 1.0 / ips.where(good, 1.0), np.nan)
    df["energy_j_per_inference"] = np.where(good, 1.0 / ipj.where(good, 1.0), np.nan)
    if "energy_dram_pj" in df and "energy_chip_pj" in df:  # chip + DRAM, in the proportion of the point's totals
        chip = df["energy_chip_pj"].astype(float)
        ratio = (chip + df["energy_dram_pj"].astype(float)) / chip.where(chip > 0, np.nan)
        df["energy_total_j_per_inference"] = df["energy_j_per_inference"] * ratio
    df["edp_js"] = df["energy_j_per_inference"] * df["seconds_per_inference"]


def pareto_mask(x, y):
    """True for the points not dominated in (x, y), both minimized (ties: the first is kept)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    order = np.lexsort((y, x))
    mask = np.zeros(len(x), bool)
    best = np.inf
    for i in order:
        if np.isfinite(x[i]) and np.isfinite(y[i]) and y[i] < best:
            mask[i] = True
            best = y[i]
    return mask


def find_eyesim(explicit=None):
    """The eyesim binary: `explicit`, $EYESIM, `eyesim` on PATH, or a build directory of this tree."""
    root = os.path.dirname(_HERE)
    candidates = [explicit, os.environ.get("EYESIM"), shutil.which("eyesim"), os.path.join(root, "build", "bin", "eyesim")]
    candidates += [os.path.join(root, d, "bin", "eyesim") for d in sorted(os.listdir(root)) if d.startswith("build-")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def _flatten(prefix, table, out):
    for k, v in table.items():
        if isinstance(v, dict):
            _flatten(f"{prefix}{k}.", v, out)
        else:
            out[prefix + k] = v
    return out


def preset_architecture(name, eyesim):
    """A preset's resolved parameters as {"arch.<dotted>": value}, from `eyesim show arch NAME`."""
    import tomllib
    p = subprocess.run([eyesim, "show", "arch", name], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return None
    return _flatten("arch.", tomllib.loads(p.stdout), {})


def _same(a, b):
    if isinstance(b, bool):
        return int(a) == int(b)
    if isinstance(b, (int, float)) and not isinstance(a, str):
        return np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12)
    return str(a) == str(b)


def preset_points(points, eyesim=None):
    """{point_id: preset name} for the points whose architecture is exactly a named preset (one of the
    paper's chips, unmodified). Presets are resolved with `eyesim show arch`; returns None when no eyesim
    binary is found (find_eyesim)."""
    binary = find_eyesim(eyesim)
    if binary is None:
        return None
    out = {}
    for name in PRESETS:
        rows = points[points["arch.name"] == name]
        if rows.empty:
            continue
        arch = preset_architecture(name, binary)
        if not arch:
            continue
        cols = [k for k in arch if k in rows.columns and k != "arch.name"]
        for _, r in rows.iterrows():
            if all(_same(r[k], arch[k]) for k in cols):
                out[int(r["point_id"])] = name
    return out


def published_points(path=PUBLISHED_TOML):
    """Published whole-network results with both a speed and an energy number (tools/validation/
    published.toml: cases without baseline or layer selection), one row per (arch, net, batch):
    inferences_per_second, inferences_per_joule, seconds_per_inference, energy_j_per_inference, source."""
    import tomllib
    cols = ["arch", "net", "batch", "inferences_per_second", "inferences_per_joule", "seconds_per_inference",
            "energy_j_per_inference", "source"]
    try:
        with builtins.open(path, "rb") as f:
            cases = tomllib.load(f).get("case", [])
    except (OSError, tomllib.TOMLDecodeError):
        return pd.DataFrame(columns=cols)
    found = {}
    for c in cases:
        if "baseline" in c or "layers" in c or "published" not in c or c.get("overrides"):
            continue
        if c.get("metric") not in ("inferences_per_second", "inferences_per_joule"):
            continue
        key = (c["arch"], c["net"], int(c.get("batch", 1)))
        found.setdefault(key, {})[c["metric"]] = float(c["published"])
        found[key]["source"] = c.get("source", "")
    rows = []
    for (arch, net, batch), v in found.items():
        if "inferences_per_second" in v and "inferences_per_joule" in v:
            rows.append([arch, net, batch, v["inferences_per_second"], v["inferences_per_joule"],
                         1.0 / v["inferences_per_second"], 1.0 / v["inferences_per_joule"], v["source"]])
    return pd.DataFrame(rows, columns=cols)
