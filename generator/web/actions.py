"""What the page's buttons do, on top of the library.

The dossiers overview, building, comparing two versions, drafting the next avenant, starting
a dossier. Every function returns data; only the routes turn it into HTML. Files are written through
:mod:`generator.files` (the one writer), into ``variables/`` and ``output/`` only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..commands.check import ERREUR, check
from ..errors import AvenantError, UsageError, VariablesError
from ..paths import Project, check_name, version_key
from ..variables.reader import read_tree


@dataclass
class VersionSummary:
    """One version of a dossier as the overview shows it."""

    version: str
    statut: str
    built: str | None
    errors: int
    warnings: int
    unreadable: str | None = None


def _statut(data: dict) -> str:
    avenant = data.get("avenant") if isinstance(data, dict) else None
    if isinstance(avenant, dict):
        if avenant.get("statut") in ("projet", "final"):
            return str(avenant["statut"])
    return "final"  # the kernel's default


def _last_build(project: Project, dossier: str, version: str) -> str | None:
    manifest = project.output_dir(dossier, version) / "manifest.json"
    try:
        stamp = manifest.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp).strftime("%d/%m/%Y %H:%M")


def overview(project: Project) -> dict[str, list[VersionSummary]]:
    """Every dossier and its versions: status, last build, errors and warnings."""
    out: dict[str, list[VersionSummary]] = {}
    for dossier in project.dossiers():
        rows = []
        for version in project.versions(dossier):
            path = project.variable_file(dossier, version)
            try:
                data, _ = read_tree(path, project.relative(path))
                found = check(dossier, version, root=project.root)
            except AvenantError as exc:
                rows.append(VersionSummary(version, "?", _last_build(project, dossier, version),
                                           1, 0, str(exc)))
                continue
            errors = sum(1 for p in found if p.severity == ERREUR)
            rows.append(VersionSummary(version, _statut(data),
                                       _last_build(project, dossier, version),
                                       errors, len(found) - errors))
        out[dossier] = rows
    return out


def output_file(project: Project, dossier: str, version: str, name: str) -> Path:
    """A file of output/DOSSIER/VERSION/ to download (plain names only)."""
    check_name(name, "nom de fichier")
    path = project.output_dir(dossier, version) / name
    if not path.is_file():
        raise UsageError(f"fichier introuvable : {project.relative(path)}")
    return path


def build_version(project: Project, dossier: str, version: str, *, pdf: bool) -> list[str]:
    """Build the saved set; return the names of the files in output/DOSSIER/VERSION/.

    The tool's own earlier outputs are replaced; a file edited by hand is not (the error says
    so, as ``avenant build`` does without ``--force``).
    """
    from ..commands.build import build

    result = build(dossier, version, root=project.root, pdf=pdf)
    names = [result.docx.name] + ([result.pdf.name] if result.pdf else []) + [
        result.manifest.name]
    return names


def manifest(project: Project, dossier: str, version: str) -> dict | None:
    """The manifest of the last build, if any."""
    path = project.output_dir(dossier, version) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass
class Compared:
    """A comparison of two versions: the HTML report and the redline's name."""

    html: str
    redline: str
    html_name: str
    old: str
    new: str
    changes: int


def compare_versions(project: Project, dossier: str, one: str, other: str) -> Compared:
    """Compare two versions of a dossier (older → newer) with ``avenant diff``.

    The redline and the report are written in output/DOSSIER/NEWER/; a file edited by hand
    there is never replaced (the error says so).
    """
    from ..commands.diff import diff

    check_name(dossier, "nom de dossier")
    if one == other:
        raise UsageError("choisissez une autre version à comparer")
    old_version, new_version = sorted((one, other), key=version_key)
    result = diff([dossier, old_version, new_version], root=project.root)
    return Compared(result.html.read_text(encoding="utf-8"), result.docx.name, result.html.name,
                    old_version, new_version, len(result.comparison.changes))


def new_version(project: Project, dossier: str, version: str) -> str:
    """Draft the next avenant of a dossier (``avenant new``); return the new version."""
    from ..commands.new import new

    new(dossier, version, root=project.root)
    return version


def kits(project: Project) -> list[str]:
    """The kits a new dossier can start from."""
    from ..kits.kit import list_kits

    return list_kits(project.root)


def new_dossier(project: Project, name: str, kit: str, version: str) -> None:
    """Start variables/NAME/VERSION.yaml from KIT, as ``avenant new --modele`` does.

    Every field is commented, for the drafter to fill in the page; never over an existing
    dossier.
    """
    from ..kits.start import start

    check_name(name, "nom de dossier")
    if kit not in kits(project):
        raise UsageError(f"kit inconnu : « {kit} » (kits : {', '.join(kits(project))})")
    if (project.variables / name).exists():
        raise VariablesError("ce dossier existe déjà : rien n’a été modifié",
                             path=project.relative(project.variables / name))
    start(kit, name, version, root=project.root)
