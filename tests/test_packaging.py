"""Installing the project is quiet: ``make demo`` shows what the tool says, not setuptools."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

BUILD_EDITABLE = """
import sys
from setuptools import build_meta
print(build_meta.build_editable(sys.argv[1]))
"""


def test_the_editable_install_of_make_demo_builds_without_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "source"  # setuptools writes beside pyproject.toml: never in the repo
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-W", "error", "-c", BUILD_EDITABLE,
                             str(tmp_path / "wheel")], cwd=source, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    wheel = tmp_path / "wheel" / result.stdout.split()[-1]
    assert wheel.name.startswith("avenant-") and wheel.is_file()
