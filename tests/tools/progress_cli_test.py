#!/usr/bin/python3
"""`eyesim run` and `eyesim validate` progress (--progress auto|always|never, -q): always draws a line on
stderr and keeps the last one; never, -q and auto on a short run print nothing; on a terminal a line that
was drawn is erased at the end; stdout (the table, CSV or JSON programs read) is the same whatever the
setting; a failing run ends its line before the error; an unknown value is a usage error naming it and the
allowed ones. No check depends on time: a short run that happened to draw on a terminal must have erased it.
Run by ctest with Debian's python3: progress_cli_test.py EYESIM (from the repository root)."""
import csv
import io
import os
import pty
import re
import subprocess
import sys

EYESIM = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cli_checks  # noqa: E402

T = cli_checks.Checks("eyesim_progress_test_")
check = T.check
NET = "workloads/data/example_network.toml"
# A redrawn line: carriage return, the line, erase to the end of the line.
LINE = re.compile(r"\r([^\r\n\x1b]*)\x1b\[K")


def eyesim(*args):
    """stdout and stderr as written: text=True would turn the progress line's carriage returns into newlines."""
    p = subprocess.run([EYESIM, *args], capture_output=True, timeout=300)
    return subprocess.CompletedProcess(p.args, p.returncode, p.stdout.decode(), p.stderr.decode())


def on_terminal(*args):
    """Runs eyesim with stderr on a pseudo-terminal (stdout a pipe): (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([EYESIM, *args], stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        seen += data
    out = p.stdout.read().decode()
    p.wait()
    os.close(master)
    return p.returncode, out, seen.decode()


# --- run --------------------------------------------------------------------------------------------------
never = eyesim("run", "--net", NET, "--format", "csv", "--progress", "never")
check(never.returncode == 0 and never.stderr == "", f"run --progress never prints nothing on stderr ({never.stderr!r})")
always = eyesim("run", "--net", NET, "--format", "csv", "--progress", "always")
check(always.returncode == 0, f"run --progress always exits 0: {always.stderr.strip()}")
check(always.stdout == never.stdout, "run --progress always prints the same CSV on stdout as --progress never")
lines = LINE.findall(always.stderr)
check(len(lines) >= 1 and re.fullmatch(r"\[4/4 layers\] 100\.0% of MACs \| [0-9]+s elapsed", lines[-1]) is not None,
      f"run --progress always draws a progress line on stderr and ends on the run done ({lines[-1:]})")
check(always.stderr.endswith("\x1b[K\n"), "run --progress always keeps its last line, ended by a newline")
check("\r" not in always.stdout and "layers]" not in always.stdout, "run --progress always writes nothing of it on stdout")

default = eyesim("run", "--net", NET, "--format", "json")
check(default.returncode == 0 and default.stderr == "",
      f"run on a short network with stderr not a terminal (auto) prints nothing on stderr ({default.stderr!r})")
quiet = eyesim("run", "--net", NET, "--format", "csv", "--progress", "always", "-q")
check(quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == never.stdout,
      f"run -q prints no progress, even with --progress always ({quiet.stderr!r})")
# -q also drops the note of a clamped -j, as the sweep's does (it is there without -q: run_cli_test.py).
quiet_j = eyesim("run", "--net", NET, "--format", "csv", "-j", "4096", "-q")
check(quiet_j.returncode == 0 and quiet_j.stderr == "", f"run -q -j 4096 prints no note ({quiet_j.stderr!r})")

# The mapper's search: the candidates it simulated, as many as the CSV's mapper_candidates column sums.
searched = eyesim("run", "--net", "sparse_mobilenet", "--mapper", "simulate", "--format", "csv", "--progress", "always",
                  "-j", "2")
rows = list(csv.DictReader(io.StringIO(searched.stdout)))
total = sum(int(r["mapper_candidates"]) for r in rows)
last = LINE.findall(searched.stderr)[-1:] or [""]
check(searched.returncode == 0 and re.fullmatch(
    rf"\[28/28 layers\] 100\.0% of MACs \| {total} candidates simulated \| [0-9]+s elapsed", last[0]) is not None,
      f"run --mapper simulate --progress always counts the {total} candidates simulated ({last[0]!r})")
searched_never = eyesim("run", "--net", "sparse_mobilenet", "--mapper", "simulate", "--format", "csv",
                        "--progress", "never", "-j", "1")
check(searched_never.stdout == searched.stdout, "run --mapper simulate: the same CSV with progress on 2 threads and "
      "without it on 1")

# A failing run: its line ends (a newline) before the error, which starts a line of its own.
failing = eyesim("run", "--net", "alexnet", "--set", "dram.bandwidth_gbps=0.00005", "--progress", "always")
check(failing.returncode == 1 and re.search(r"\x1b\[K\neyesim: error: layer CONV3: ", failing.stderr) is not None,
      f"a failing run ends its progress line before the error ({failing.stderr[-200:]!r})")

# On a terminal: a short run prints nothing that stays (a line drawn, if the run took 2 s, is erased).
rc, out, seen = on_terminal("run", "--net", NET, "--format", "csv")
check(rc == 0 and out == never.stdout, "run with stderr on a terminal prints the same CSV on stdout")
check(seen == "" or seen.endswith("\r\x1b[K"), f"run on a terminal leaves no progress line behind ({seen!r})")
rc, out, seen = on_terminal("run", "--net", NET, "--format", "csv", "--progress", "always")
check(rc == 0 and LINE.findall(seen)[-1:] != [] and seen.endswith("\x1b[K\r\n"),
      f"run --progress always on a terminal keeps its last line ({seen[-80:]!r})")

for command in ("run", "validate"):
    bad = eyesim(command, "--progress", "sometimes")
    check(bad.returncode == 2 and "--progress: sometimes not in {auto,always,never}" in bad.stderr,
          f"{command} --progress sometimes is a usage error naming the value and the allowed ones ({bad.stderr.strip()!r})")

# --- validate ---------------------------------------------------------------------------------------------
v_never = eyesim("validate", "--cheap", "--format", "csv", "--progress", "never")
check(v_never.stderr == "", f"validate --progress never prints nothing on stderr ({v_never.stderr!r})")
v_always = eyesim("validate", "--cheap", "--format", "csv", "--progress", "always")
check(v_always.returncode == v_never.returncode and v_always.stdout == v_never.stdout,
      "validate --progress always prints the same CSV on stdout, with the same exit code")
v_lines = LINE.findall(v_always.stderr)
simulations = re.fullmatch(r"\[([0-9]+)/([0-9]+) simulations?\] 100\.0% of MACs \| [0-9]+s elapsed", v_lines[-1]) \
    if v_lines else None
check(simulations is not None and simulations[1] == simulations[2] and v_always.stderr.endswith("\x1b[K\n"),
      f"validate --progress always ends on every simulation done ({v_lines[-1:]})")
v_quiet = eyesim("validate", "--cheap", "--format", "csv", "--progress", "always", "-q", "-j", "4096")
check(v_quiet.stderr == "" and v_quiet.stdout == v_never.stdout,
      f"validate -q prints no progress and no note of a clamped -j ({v_quiet.stderr!r})")
v_default = eyesim("validate", "--cheap", "--format", "csv")
check(v_default.stderr == "", f"validate --cheap with stderr not a terminal (auto) prints nothing ({v_default.stderr!r})")

T.finish("progress")
