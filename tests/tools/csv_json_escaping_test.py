#!/usr/bin/python3
"""CSV and JSON output of `eyesim run` and `eyesim validate` with names holding quotes, commas, backslashes,
tabs and line breaks (they come from users' TOML files): the JSON parses and gives the names back, and
every CSV row has the header's columns (RFC 4180 quoting). Run by ctest with Debian's python3:
csv_json_escaping_test.py EYESIM."""
import csv
import io
import json
import os
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_escaping_test_")
check = T.check

NETWORK = 'my "net"'
LAYERS = ['conv,1 "x"', "back\\slash\ttab", "two\nlines"]
NET = T.write("net.toml", f"""name = {json.dumps(NETWORK)}
[[layer]]
name = {json.dumps(LAYERS[0])}
kind = "conv"
c = 3
m = 8
h = 8
r = 3
pad = 1
[[layer]]
name = {json.dumps(LAYERS[1])}
kind = "pointwise"
c = 8
m = 8
h = 8
[[layer]]
name = {json.dumps(LAYERS[2])}
kind = "pointwise"
c = 8
m = 8
h = 8
""")  # a JSON string is a TOML basic string for these characters


def eyesim(*args):
    return subprocess.run([EYESIM, *args], capture_output=True, text=True, timeout=300)


def parse_json(text, what):
    try:
        return json.loads(text)
    except ValueError as e:
        check(False, f"{what} is valid JSON ({e}): {text[:200]!r}")
        return None


def parse_csv(text, what):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows),
          f"{what}: every CSV row has the header's {len(rows[0]) if rows else 0} columns: {[len(r) for r in rows]}")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


p = eyesim("run", "--net", NET, "--format", "json")
doc = parse_json(p.stdout, "run --format json")
if doc:
    check(doc["network"] == NETWORK, f"run --format json gives the network's name back: {doc['network']!r}")
    check([l["layer"] for l in doc["layers"]] == LAYERS, f"... and the layers' names: {[l['layer'] for l in doc['layers']]}")
p = eyesim("run", "--net", NET, "--format", "csv")
rows = parse_csv(p.stdout, "run --format csv")
check([r["layer"] for r in rows] == LAYERS and all(r["kind"] in ("conv", "pointwise") for r in rows),
      f"run --format csv gives the layers' names back in their column: {[r.get('layer') for r in rows]}")

# A cases file's texts reach validate's CSV and JSON.
CASES = T.write("cases.toml", """schema = 1
[[case]]
id = "odd,\\"case\\""
group = 1
metric = "active_pes"
arch = "eyeriss_v2"
net = "sparse_mobilenet"
layers = ["L01"]
at_least = 1
source = "a \\"quoted\\", comma source\\\\"
note = "line one\\nline \\"two\\"\\ttab"
""")
expected = {"case": 'odd,"case"', "source": 'a "quoted", comma source\\', "note": 'line one\nline "two"\ttab'}
p = eyesim("validate", "--cases-file", CASES, "--format", "json")
doc = parse_json(p.stdout, "validate --format json")
if doc:
    check(all(doc[0][k] == v for k, v in expected.items()), f"validate --format json gives the texts back: {doc[0]}")
p = eyesim("validate", "--cases-file", CASES, "--format", "csv")
rows = parse_csv(p.stdout, "validate --format csv")
check(len(rows) == 1 and all(rows[0].get(k) == v for k, v in expected.items()) and rows[0]["verdict"] == "pass",
      f"validate --format csv gives the texts back in their columns: {rows}")

T.finish("CSV/JSON escaping")
