"""``avenant new --modele KIT DOSSIER VERSION``: a dossier's first set, every field commented."""

from __future__ import annotations

from pathlib import Path

from ..errors import VariablesError
from ..files import write_atomic
from ..paths import Project, check_name
from .docs import skeleton
from .kit import load_kit


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
    text = skeleton(kit, schema_path=f"../../templates/{kit.name}/schema.json")
    write_atomic(target, text.encode("utf-8"), label=label)
    return target
