"""``avenant new --modele KIT DOSSIER VERSION``: a dossier's first set, every field commented."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..errors import VariablesError
from ..files import write_atomic
from ..paths import Project, check_name
from .docs import skeleton
from .kit import load_kit


def version_year(version: str) -> int:
    """The year a version names (``2027``, ``2027-2`` → 2027), else the current year."""
    found = re.match(r"(\d{4})(?!\d)", version)
    if found and 2000 <= int(found.group(1)) <= 2100:
        return int(found.group(1))
    return dt.date.today().year


def start(kit_name: str, dossier: str, version: str, *, root: Path | str = ".") -> Path:
    """Write variables/DOSSIER/VERSION.yaml for KIT (never over an existing set); its path."""
    project = Project(Path(root))
    check_name(dossier, "nom de dossier")
    check_name(version, "version")
    kit = load_kit(project.root, kit_name)
    target = project.variable_file(dossier, version, must_exist=False)
    label = project.relative(target)
    if target.exists():
        raise VariablesError("ce jeu de variables existe déjà : rien n’a été modifié", path=label)
    text = skeleton(kit, schema_path=f"../../templates/{kit.name}/schema.json",
                    year=version_year(version))
    write_atomic(target, text.encode("utf-8"), label=label)
    return target
