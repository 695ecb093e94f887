"""``avenant check``: a set validated against the kernel and its kit, then every check run.

Each check returns :class:`~generator.errors.Problem` items, errors or warnings, placed at the
line and field they concern. ``build`` refuses a set with any error; ``check`` prints them all.
The kernel's checks live in :mod:`generator.kernel.checks`, the kit's in its ``controles``;
the dossier's history (earlier versions of the same folder) is read here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import AvenantError, InvalidVariables, Problem
from .kernel.checks import AVERTISSEMENT, ERREUR, Earlier, Report, kernel_problems
from .kits.controls import run_checks
from .kits.sets import VariableSet, load
from .paths import Project, version_key

__all__ = ["AVERTISSEMENT", "DRAFT_MARKER", "ERREUR", "check", "errors", "problems"]

DRAFT_MARKER = "BROUILLON préparé par avenant new"


def _history(project: Project, dossier: str, version: str, r: Report) -> list[Earlier] | None:
    """The valid earlier versions of the dossier, oldest first (None if one is unreadable)."""
    out = []
    for earlier in project.versions(dossier):
        if version_key(earlier) >= version_key(version):
            continue
        path = project.variable_file(dossier, earlier)
        label = project.relative(path)
        try:
            variables = load(path, label, root=project.root)
            context = variables.context()
        except AvenantError:
            r.warn(("avenant", "rang"), f"version antérieure illisible ({label}) : le rang et les "
                   "avenants cités ne sont pas vérifiés")
            return None
        out.append(Earlier(earlier, label, variables.kernel, context))
    return out


def _draft(path: Path, r: Report) -> None:
    try:
        with path.open(encoding="utf-8") as handle:
            head = [handle.readline() for _ in range(3)]
    except (OSError, UnicodeDecodeError):
        return
    for number, line in enumerate(head, start=1):
        if DRAFT_MARKER in line:
            r.problems.append(Problem(
                "brouillon préparé par avenant new : relisez chaque valeur reprise, puis "
                "retirez la ligne « BROUILLON »", path=r.label, line=number,
                severity=AVERTISSEMENT))


def problems(variables: VariableSet, *, project: Project | None = None,
             dossier: str | None = None, version: str | None = None) -> list[Problem]:
    """All the consistency problems of a set, errors and warnings: kernel, then kit."""
    report = Report(variables.label, variables.lines)
    earlier: list[Earlier] | None = None
    if project is not None and dossier is not None and version is not None:
        earlier = _history(project, dossier, version, report)
    kernel_problems(variables.kernel, report, variables.as_dict(), version=version,
                    earlier=earlier)
    precedent: dict[str, Any] | None = None
    if earlier:
        precedent = {**earlier[-1].context, "fichier": earlier[-1].label}
    if not errors(report.problems):  # the kit's checks read a context the kernel's errors spoil
        run_checks(variables, report, precedent)
    if project is not None and dossier is not None and version is not None:
        _draft(project.variable_file(dossier, version), report)
    return report.problems


def errors(found: list[Problem]) -> list[Problem]:
    """The errors among problems."""
    return [p for p in found if p.severity == ERREUR]


def check(dossier: str, version: str, *, root: Path | str = ".") -> list[Problem]:
    """Validate DOSSIER VERSION, then run every check: every problem, in file order.

    A set that does not match the kernel or its kit returns those errors (all of them); a file
    that cannot be read at all (syntax, encoding, refused YAML) raises ``VariablesError``. The
    kit's template is checked too (:mod:`generator.kits.template_check`).
    """
    project = Project(Path(root))
    path = project.variable_file(dossier, version)
    label = project.relative(path)
    try:
        variables = load(path, label, root=project.root)
    except InvalidVariables as exc:
        return exc.problems
    found = problems(variables, project=project, dossier=dossier, version=version)
    from .kits.kit import check_expressions
    from .kits.template_check import check_template

    check_expressions(variables.kit)
    found += check_template(variables.kit)
    return sorted(found, key=lambda p: (p.path != label, p.line or 0, p.severity != ERREUR))
