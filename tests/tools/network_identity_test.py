#!/usr/bin/python3
"""One network identity across a result file: two network files that declare the same `name` but hold
different layers are two networks everywhere. /configs.network and /runs.network are the network as the
spec writes it (the file's path as written, whatever directory the sweep is started from and however the
spec's own path is given) for ok and failed points alike, /runs.network_name the name the
file declares; `eyesim report` reports the two apart (showing the declared name), eyesim_results and
eyesim-plot select by the same string the report shows, and a declared name given to --net is refused
with a pointer to the files that declare it. Run by ctest: network_identity_test.py EYESIM."""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

EYESIM = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLOT = os.path.join(ROOT, "tools", "eyesim-plot")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import eyesim_results as er  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_network_identity_")
check, path = T.check, T.path


def network(m):
    return f"""name = "tiny_cnn"
[[layer]]
name = "conv1"
kind = "conv"
c = 3
m = {m}
h = 16
r = 3
pad = 1
[[layer]]
name = "pw2"
kind = "pointwise"
c = {m}
m = 32
h = 16
"""


os.makedirs(path("a"))
os.makedirs(path("b"))
T.write("a/net.toml", network(16))
T.write("b/net.toml", network(64))  # the same declared name, four times the first layer's work
NET_A, NET_B = "a/net.toml", "b/net.toml"  # as the spec writes them
SPEC = T.write("spec.toml", """name = "identity_test"
networks = ["a/net.toml", "b/net.toml"]
[[axis]]
name = "arch.array.cluster_rows"
values = [2, 8]
[[point]]
"arch.array.pe_rows" = 0
""")
# Point ids: 0-3 the grid (cluster_rows slowest, a then b), 4 and 5 the failing point on a and on b.
RESULTS = path("results.h5")
p = subprocess.run([EYESIM, "sweep", SPEC, "-o", RESULTS, "-q"], capture_output=True, text=True, timeout=300)
check(p.returncode == 0, "the sweep over two networks declaring one name runs: " + p.stderr.strip())

with h5py.File(RESULTS, "r") as f:
    configs, runs = f["configs"][()], f["runs"][()]
net_of = {int(c["point_id"]): c["network"].decode() for c in configs}
check(sorted(set(net_of.values())) == [NET_A, NET_B],
      f"/configs.network: the two files by their paths in the spec: {set(net_of.values())}")
check(all(r["network"].decode() == net_of[int(r["point_id"])] for r in runs),
      "/runs.network equals /configs.network for every point, ok and failed")
ok = runs["status"] == 0
check(ok.sum() == 4 and set(runs["network_name"][ok]) == {b"tiny_cnn"} and set(runs["network_name"][~ok]) == {b""},
      f"/runs.network_name: the declared name for ok points, empty for failed ones: {set(runs['network_name'])}")
macs = {net_of[int(r["point_id"])]: int(r["macs_nominal"]) for r in runs[ok]}
check(macs[NET_B] > macs[NET_A], f"the two files are different workloads: {macs}")

# The identity does not depend on how the spec was reached (found by helper-34: two shards of one spec,
# one started with a relative and one with an absolute spec path, merged into one file naming one network
# twice): started from the parent directory with a relative spec path, and with an absolute one, the
# sweep writes the same /configs, config_hash included.
parent = os.path.dirname(T.tmp)
for spec_arg, cwd, name in ((os.path.relpath(SPEC, parent), parent, "relative.h5"), (SPEC, "/", "absolute.h5")):
    p = subprocess.run([EYESIM, "sweep", spec_arg, "-o", path(name), "-q"], capture_output=True, text=True, timeout=300,
                       cwd=cwd)
    with h5py.File(path(name), "r") as f:
        same = p.returncode == 0 and np.array_equal(f["configs"][()], configs)
    check(same, f"the spec given as {spec_arg} from {cwd}: the same /configs, network paths and config_hash: {p.stderr.strip()}")
# spec_hash too (found by helper-37): the network files are hashed in the order of their identities, not
# of their resolved paths, which sort differently when an absolute network path meets a relative one
# resolved against a relative or an absolute spec path.
os.makedirs(path("z"))
T.write("z/net.toml", network(16))
MIXED = T.write("mixed.toml", open(SPEC).read().replace('networks = ["a/net.toml", "b/net.toml"]',
                                                f'networks = ["{path("z/net.toml")}", "b/net.toml"]'))
hashes = []
for spec_arg, cwd, name in ((os.path.relpath(MIXED, parent), parent, "mixed_rel.h5"), (MIXED, "/", "mixed_abs.h5")):
    p = subprocess.run([EYESIM, "sweep", spec_arg, "-o", path(name), "-q"], capture_output=True, text=True, timeout=300,
                       cwd=cwd)
    with h5py.File(path(name), "r") as f:
        hashes.append(f.attrs["spec_hash"] if p.returncode == 0 else p.stderr)
check(hashes[0] == hashes[1], f"an absolute and a relative network file: one spec_hash from any directory: {hashes}")
# `where` sees the network as the spec writes it.
# (Spelled as the spec spells it: "./a/net.toml" is not normalised away; found by helper-38.)
WHERE = T.write("where.toml", open(SPEC).read().replace('networks = ["a/net.toml", "b/net.toml"]',
                                                        'networks = ["./a/net.toml", "b/net.toml"]\n'
                                                        "where = ['network != \"./a/net.toml\"']"))
p = subprocess.run([EYESIM, "sweep", WHERE, "-o", path("where.h5"), "-q"], capture_output=True, text=True, timeout=300, cwd="/")
kept = p.stderr
if p.returncode == 0:
    with h5py.File(path("where.h5"), "r") as f:
        kept = sorted({c["network"].decode() for c in f["configs"][()]})
check(kept == [NET_B], f"where = ['network != \"./a/net.toml\"'] keeps b's points, from any directory: {kept}")

p = subprocess.run([EYESIM, "report", RESULTS], capture_output=True, text=True, timeout=120)
out = p.stdout
check(p.returncode == 0, "report runs: " + p.stderr.strip())
check(f"{NET_A} (named 'tiny_cnn', 3 points)" in out and f"{NET_B} (named 'tiny_cnn', 3 points)" in out,
      "report: the networks line lists the two files apart, with the name they declare: "
      + (re.search(r"^networks.*$", out, re.M) or re.search("", "")).group(0))
for net, ids in ((NET_A, {0, 2}), (NET_B, {1, 3})):
    m = re.search(rf"^{re.escape(net)}: 3 points, 2 ok \(the network named 'tiny_cnn'\)\n(.*?)(?=^\S|\Z)", out, re.S | re.M)
    listed = {int(x) for x in re.findall(r"^    #(\d+)", m.group(1), re.M)} if m else set()
    check(m is not None and listed == ids, f"report: {os.path.relpath(net, T.tmp)} has its own section with its points "
                                           f"{sorted(ids)}: {sorted(listed)}")

with er.open(RESULTS) as rf:
    pts, tot = rf.points(), rf.totals()
check(sorted(tot["network"].unique()) == [NET_A, NET_B] and set(tot["network_name"]) == {"tiny_cnn"},
      "totals(): one network per file, the declared name beside it")
check(list(pts.loc[pts["ok"], "network_name"].unique()) == ["tiny_cnn"], "points(): network_name of the ok points")

# eyesim-plot selects by the string the report shows; the declared name is refused with a pointer.
env = dict(os.environ, EYESIM=EYESIM)
p = subprocess.run([sys.executable, PLOT, RESULTS, "pareto", "--net", NET_B, "-o", path("b.png"), "--published", "none"],
                   capture_output=True, text=True, env=env, timeout=120)
check(p.returncode == 0 and os.path.getsize(path("b.png")) > 10000,
      f"eyesim-plot pareto --net <the network the report shows>: {p.stderr.strip()[-300:]}")
p = subprocess.run([sys.executable, PLOT, RESULTS, "param", "--y", "dram_bytes", "--x", "cluster_rows", "--net", "tiny_cnn",
                    "-o", path("never.png")], capture_output=True, text=True, env=env, timeout=120)
check(p.returncode == 2 and "Traceback" not in p.stderr and "network 'tiny_cnn'" in p.stderr
      and f"'tiny_cnn' is the name declared by {NET_A}, {NET_B}" in p.stderr,
      f"eyesim-plot --net <a declared name>: exit 2 naming the files that declare it: {p.stderr.strip()}")

T.finish("network identity")
