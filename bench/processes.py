"""What the benchmarks share: running a whole process with the project on its path, timed."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
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


def side_by_side(ours: list[str], bare: list[str], runs: int,
                 reset: Callable[[], None]) -> tuple[float, float, float]:
    """Median wall times of both commands, alternated over ``runs``, and their ratio.

    ``reset`` runs before each pair, so that every run writes its files afresh.
    """
    env = environment()
    ours_times, bare_times = [], []
    for _ in range(runs):
        reset()
        bare_times.append(timed(bare, env))
        ours_times.append(timed(ours, env))
    ours_s, bare_s = statistics.median(ours_times), statistics.median(bare_times)
    return ours_s, bare_s, ours_s / bare_s


def verdict(ratio: float, goal: float) -> str:
    """Nothing when the goal is met, else a French note to print after the ratio."""
    return "" if ratio <= goal else f"  (objectif ≤ {goal:.1f}× non atteint)"
