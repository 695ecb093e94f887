"""What the benchmarks share: running a whole process with the project on its path, timed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def environment() -> dict[str, str]:
    """The environment of a measured process: this checkout importable as ``generator``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall time of a whole process; a failure is an error, never a fast time."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"échec de {' '.join(command[:4])}… :\n{done.stdout}\n{done.stderr}")
    return elapsed
