"""Shared fixtures: a temporary copy of the project, and the CLI run as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = "bataillon-prevention-dijon"


def copy_project(folder: Path) -> Path:
    """A copy of templates/ and variables/ in FOLDER/projet: tests never write into the repo."""
    root = folder / "projet"
    root.mkdir()
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "variables", root / "variables")
    return root


def edit_text(path: Path, *pairs: tuple[str, str]) -> Path:
    """Replace in a file each ``old`` text, which must be found there once, by its ``new``."""
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project in tmp_path."""
    return copy_project(tmp_path)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m generator ARGS`` as a separate process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def built_2023(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2023 avenant of the shipped dossier, built once for the session."""
    root = copy_project(tmp_path_factory.mktemp("construit"))
    from generator.commands.build import build

    return build(DOSSIER, "2023", root=root).docx
