"""Running the CLI as a user does, under a time limit, measuring its peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Measured:
    """What one CLI run printed and cost."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# A small go-between runs the CLI and reports its peak: on Linux a child's ru_maxrss counts the
# memory it had before exec, that is the whole pytest process it was forked from.
_GO_BETWEEN = """
import os, subprocess, sys, threading
proc = subprocess.Popen(sys.argv[3:])
threading.Timer(float(sys.argv[2]), proc.kill).start()
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as handle:
    handle.write(str(usage.ru_maxrss))
os._exit(proc.returncode if proc.returncode >= 0 else 128 - proc.returncode)
"""


def run_measured(*args: str, timeout: float = 120) -> Measured:
    """Run ``python -m generator ARGS``; kill it after ``timeout`` s; report its peak RSS.

    A run killed for its time exits with status 128 + 9.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        peak = Path(tmp) / "peak"
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", _GO_BETWEEN, str(peak), str(timeout), sys.executable, "-m",
             "generator", *args], env=env, capture_output=True, text=True, timeout=timeout + 30)
        seconds = time.monotonic() - started
        kilobytes = int(peak.read_text()) if peak.exists() else 0
    return Measured(result.returncode, result.stdout, result.stderr, seconds, kilobytes / 1024)
