"""``avenant diff``: compare two versions of a dossier, or any two Word files.

For two versions, the values that moved are listed first (old → new, written as in the
document) and each changed passage is explained by the value(s) it shows; for two files, the
changed passages are grouped by article or heading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import UsageError
from .files import write_all, write_atomic
from .paths import Project, check_name

# What a reviewer reads for a field of the variable set; other fields show their dotted path.
LABELS = {
    "financement.etat": "montant de l’État",
    "avenant.numero": "numéro de l’avenant",
    "avenant.rang": "rang de l’avenant",
    "avenant.annee": "année",
    "avenant.periode.debut": "début de la période",
    "avenant.periode.fin": "fin de la période",
    "avenant.date_signature": "date de signature",
    "avenant.lieu_signature": "lieu de signature",
    "avenant.nombre_de_mois": "durée en mois",
    "effectifs.total": "nombre total de professionnels",
    "effectifs.educateurs.total": "nombre d’éducateurs",
    "effectifs.mediateurs.total": "nombre de médiateurs",
    "convention.date_signature": "date de signature de la convention",
}
_AMOUNTS = {"financement.etat"}
_PATTERN_LABELS = [
    (re.compile(r"^avenants_precedents\[\d+\]\.numero$"), "avenant précédent cité"),
    (re.compile(r"^avenants_precedents\[\d+\]\.date_signature$"),
     "date de signature d’un avenant précédent"),
    (re.compile(r"^visas\[(\d+)\]$"), "visa n° {0}"),
    (re.compile(r"^effectifs\.(educateurs|mediateurs)\.([\w-]+)$"), "{0} ({1})"),
    (re.compile(r"^signataires\.([\w-]+)\.(\w+)$"), "signataire {0} : {1}"),
    (re.compile(r"^arrivees_educateurs\[(\d+)\]$"), "arrivée des éducateurs n° {0}"),
]


def _label(path: str) -> str:
    """What a reviewer reads for a field: a French label, else the field's dotted path."""
    if path in LABELS:
        return LABELS[path]
    for pattern, label in _PATTERN_LABELS:
        found = pattern.match(path)
        if found:
            return label.format(*found.groups())
    return path


@dataclass(frozen=True)
class ValueChange:
    """A value of the variable set that moved between two versions."""

    field: str
    label: str
    old: str
    new: str


def _format(path: str, value: Any) -> str:
    from .french import date_fr, montant

    if value is None:
        return "(vide)"
    if path in _AMOUNTS and isinstance(value, int | Decimal):
        return montant(value)
    if isinstance(value, dt.date):
        return date_fr(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value and all(isinstance(i, str) for i in value):
        for index, item in enumerate(value):
            out[f"{path}[{index + 1}]"] = item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index + 1}]", out)
    else:
        out[path] = value


def _values(variables: Any) -> dict[str, Any]:
    """The set's fields, plus the derived values a reader sees in the document."""
    from .context import build_context

    out: dict[str, Any] = {}
    _flatten(variables.as_dict(), "", out)
    context = build_context(variables)
    out["avenant.numero"] = context["avenant"]["numero"]
    out["avenant.nombre_de_mois"] = context["avenant"]["nombre_de_mois"]
    out["effectifs.total"] = context["effectifs"]["total"]
    out["effectifs.educateurs.total"] = context["effectifs"]["educateurs"]
    out["effectifs.mediateurs.total"] = context["effectifs"]["mediateurs"]
    return out


def value_changes(old: Any, new: Any) -> list[ValueChange]:
    """The values that differ between two variable sets, in the order of the new set."""
    before, after = _values(old), _values(new)
    fields = list(after) + [f for f in before if f not in after]
    changes = []
    for name in fields:
        if before.get(name) != after.get(name):
            changes.append(ValueChange(name, _label(name),
                                       _format(name, before.get(name)),
                                       _format(name, after.get(name))))
    return changes


def _normal(text: str) -> str:
    return " ".join(re.split(r"[\s\u00a0\u202f\u2009]+", text or "")).strip()


def _shows(text: str, value: str) -> bool:
    value = _normal(value)
    if not value or value == "(vide)":
        return False
    pattern = r"(?<![\w])" + re.escape(value) + r"(?![\w])"
    return re.search(pattern, _normal(text)) is not None


def explainer(changes: list[ValueChange]) -> Any:
    """A function giving, for a changed passage, the value changes that it shows."""

    def explain(change: Any) -> list[str]:
        reasons = []
        for value in changes:
            if _shows(change.old_text, value.old) or _shows(change.new_text, value.new):
                reasons.append(f"{value.label} : {value.old} → {value.new}")
        return reasons

    return explain


def _docx_for(project: Project, dossier: str, version: str, workdir: Path) -> tuple[Path, Any]:
    """The built avenant of a version (built now when needed) and its variable set."""
    from .build import load_set, render_set

    loaded = load_set(project, dossier, version)
    data, _, _ = render_set(loaded)
    name = f"avenant-{loaded.variables.avenant.numero}.docx"
    built = project.output_dir(dossier, version) / name
    if built.is_file() and built.read_bytes() == data:
        return built, loaded.variables
    if not built.exists():
        write_atomic(built, data, label=project.relative(built))
        return built, loaded.variables
    # A different file is already there (older template?): compare what the set says now.
    fresh = workdir / f"{version}-{name}"
    fresh.write_bytes(data)
    return fresh, loaded.variables


def diff(items: list[str], *, root: Path | str = ".", output: Path | None = None,
         author: str = "avenant", comments: bool = False, engine: str = "interne",
         force: bool = False) -> int:
    """Run ``avenant diff``; print the report; return the exit status."""
    from .compare import compare, report_html, report_text

    project = Project(Path(root))
    with tempfile.TemporaryDirectory(prefix="avenant-diff-") as tmp:
        workdir = Path(tmp)
        changes: list[ValueChange] = []
        if len(items) == 3:
            dossier, old_version, new_version = items
            check_name(dossier, "nom de dossier")
            old, old_vars = _docx_for(project, dossier, old_version, workdir)
            new, new_vars = _docx_for(project, dossier, new_version, workdir)
            changes = value_changes(old_vars, new_vars)
            default = (project.output_dir(dossier, new_version) /
                       f"comparaison-{old_version}-{new_version}.docx")
            title = f"{dossier} : {old_version} → {new_version}"
        elif len(items) == 2:
            old, new = Path(items[0]), Path(items[1])
            if not old.exists() and items[0] in project.dossiers():
                raise UsageError(f"diff {items[0]} attend deux versions : "
                                 f"avenant diff {items[0]} ANCIENNE NOUVELLE")
            default = project.output / f"comparaison-{old.stem}-{new.stem}.docx"
            title = f"{old.name} → {new.name}"
        else:
            raise UsageError("diff attend DOSSIER ANCIENNE NOUVELLE, ou ANCIEN.docx NOUVEAU.docx")
        target = output if output is not None else default
        if target.suffix.lower() != ".docx":
            raise UsageError(f"le fichier de comparaison doit se terminer par .docx : {target}")
        html_target = target.with_suffix(".html")
        redline = workdir / "comparaison.docx"
        comparison = compare(old, new, redline, author=author, date=None,
                             explain=explainer(changes) if changes else None,
                             comments=comments, engine=engine)
        comparison = dataclasses.replace(
            comparison, out=Path(project.relative(target)), old=Path(project.relative(old)),
            new=Path(project.relative(new)))
        value_rows = [(c.label, c.old, c.new) for c in changes]
        html = report_html(comparison, value_changes=value_rows, title=title)
        write_all({target: redline.read_bytes(), html_target: html.encode("utf-8")},
                  force=force, label=project.relative)
    print(report_text(comparison, value_changes=value_rows))
    print(f"Rapport HTML : {project.relative(html_target)}")
    return 0
