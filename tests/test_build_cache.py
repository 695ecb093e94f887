"""The build caches in the user's cache folder stay bounded: old entries of ours go, others stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.document import cache
from generator.document.cache import MAX_AGE, STAMP, prune, prune_daily

from .conftest import DOSSIER, run_cli

DAY = 24 * 3600
NOW = 2_000_000_000.0


def _entry(folder: Path, name: str, age_days: float, size: int = 10,
           now: float = NOW) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    os.utime(path, (now - age_days * DAY, now - age_days * DAY))
    return path


def _ours(kind: str, n: int) -> str:
    digest = f"{n:064x}"
    return {"yaml": f"avenant-yaml-{digest}.pickle", "sain": f"avenant-modele-sain-{digest}",
            "jinja": f"avenant-jinja-{digest[-40:]}.cache"}[kind]


def test_entries_of_ours_unused_for_30_days_are_removed_and_nothing_else(
        tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    outside = tmp_path / "hors-cache.txt"
    outside.write_text("à garder")
    os.utime(outside, (NOW - 90 * DAY, NOW - 90 * DAY))
    old = [_entry(folder, _ours(kind, 1), 31) for kind in ("yaml", "sain", "jinja")]
    fresh = [_entry(folder, _ours(kind, 2), 29) for kind in ("yaml", "sain", "jinja")]
    foreign = [_entry(folder, name, 90) for name in (
        "__jinja2_0123456789abcdef0123456789abcdef01234567.cache", "avenant-yaml-notes.txt",
        f"{_ours('yaml', 3)}.bak")]
    link = folder / _ours("yaml", 4)
    link.symlink_to(outside)
    os.utime(link, (NOW - 90 * DAY, NOW - 90 * DAY), follow_symlinks=False)
    (folder / _ours("sain", 5)).mkdir()
    prune(folder, NOW)
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in fresh + foreign)
    assert link.is_symlink() and outside.read_text() == "à garder"
    assert (folder / _ours("sain", 5)).is_dir()


def test_a_partial_write_left_by_a_stopped_process_goes_after_an_hour(tmp_path: Path) -> None:
    stale = _entry(tmp_path, f"{_ours('yaml', 1)}.4242", 2 / 24)
    writing = _entry(tmp_path, f"{_ours('jinja', 1)}abc123.tmp", 1 / (24 * 60))
    prune(tmp_path, NOW)
    assert not stale.exists() and writing.exists()


def test_beyond_the_size_cap_the_least_recently_used_go_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_BYTES", 2500)
    entries = [_entry(tmp_path, _ours("yaml", n), age_days=n, size=1000) for n in range(1, 5)]
    prune(tmp_path, NOW)
    assert [p.exists() for p in entries] == [True, True, False, False]


def test_pruning_runs_at_most_once_a_day_as_its_stamp_says(tmp_path: Path) -> None:
    assert prune_daily(tmp_path, NOW)
    assert (tmp_path / STAMP).stat().st_mtime == NOW
    old = _entry(tmp_path, _ours("yaml", 1), 40, now=NOW + DAY / 2)
    assert not prune_daily(tmp_path, NOW + DAY / 2)
    assert old.exists()
    assert prune_daily(tmp_path, NOW + DAY + 1)
    assert not old.exists()


def test_a_build_prunes_the_cache_and_keeps_what_it_uses_fresh(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the user's cache folder goes under it
    result = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert result.returncode == 0, result.stderr
    (folder,) = temp.glob("_jinja2-cache-*")
    built = {p.name for p in folder.iterdir() if p.name != STAMP}
    assert {name.split("-")[1] for name in built} == {"jinja", "yaml", "modele"}
    now = time.time()
    for path in folder.iterdir():  # a month old, but the stamp says pruned today
        os.utime(path, (now - MAX_AGE + DAY, now - MAX_AGE + DAY))
    os.utime(folder / STAMP)
    result = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert result.returncode == 0, result.stderr
    for name in built:  # each entry used again is marked used
        assert (folder / name).stat().st_mtime > now - DAY, name
    unused = _entry(folder, _ours("yaml", 7), 31, now=now)
    os.utime(folder / STAMP, (now - 2 * DAY, now - 2 * DAY))
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 0, result.stderr
    assert not unused.exists()
    assert {p.name for p in folder.iterdir() if p.name != STAMP} >= built
