"""``avenant diff``: compare two versions of a dossier, or any two Word files.

For two versions, the values that moved are listed first (old → new, written as in the
document) and each changed passage is explained by the value(s) it shows; for two files, the
changed passages are grouped by article or heading.

The avenants compared are those under output/, brought up to date first; the redline and its
HTML report are written by :func:`generator.files.write_all` (recorded in the folder's
manifest). :func:`diff` returns a :class:`DiffResult`; the CLI prints the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CommandError, OutputError, UsageError
from ..paths import Project, check_name
from ..slots import Slotted

__all__ = ["DiffResult", "diff"]


def _docx_for(project: Project, dossier: str, version: str, force: bool,
              built: list[tuple[Path, bool]], backups: list[Path]) -> tuple[Path, Any]:
    """The built avenant of a version, brought up to date first, and its variable set.

    A build older than its variable set or template is rebuilt by the one rule of
    :mod:`generator.files` (our own untouched file is replaced; a hand-edited one needs
    ``force``), so the comparison is always of the files the user sees under output/.
    """
    from .build import build

    folder = project.output_dir(dossier, version)
    before = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    try:
        result = build(dossier, version, root=project.root, force=force)
    except OutputError as exc:
        raise OutputError(f"{exc.message} ; cet avenant doit être reconstruit avant la "
                          f"comparaison (ou comparez les fichiers eux-mêmes : avenant diff "
                          f"ANCIEN.docx NOUVEAU.docx)", path=exc.path) from None
    if result.changed:
        built.append((result.docx, result.docx.name in before))
    backups.extend(result.backups)
    return result.docx, result.variables


def check_author(author: str) -> str:
    """Refuse an author that a Word file cannot hold (XML 1.0 characters only)."""
    for char in author:
        if not _xml_char(char):
            raise UsageError(f"--auteur : caractère interdit dans un document Word "
                             f"(U+{ord(char):04X})", field="auteur", value=author)
    return author


def _xml_char(char: str) -> bool:
    code = ord(char)
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


class DiffResult(Slotted):
    """What ``avenant diff`` compared and wrote; the CLI prints it.

    ``built``: the avenants written first, and whether each replaced an older file.
    """

    __slots__ = ("comparison", "value_rows", "docx", "html", "built", "backups")

    def __init__(self, comparison: Any, value_rows: list[tuple[str, str, str]], docx: Path,
                 html: Path, built: list[tuple[Path, bool]], backups: list[Path]) -> None:
        self.comparison, self.value_rows, self.docx, self.html = comparison, value_rows, docx, html
        self.built, self.backups = built, backups


def diff(items: list[str], *, root: Path | str = ".", output: Path | None = None,
         author: str = "avenant", comments: bool = False, engine: str = "interne",
         force: bool = False) -> DiffResult:
    """Compare two versions of a dossier, or two Word files; write the redline and the report.

    Raises :class:`CommandError` for a wrong number of arguments, and the errors of
    :func:`generator.compare.compare_bytes` and :func:`generator.files.write_all`.
    """
    from ..compare import compare_bytes, report_html
    from ..files import write_all

    project = Project(Path(root))
    check_author(author)
    built: list[tuple[Path, bool]] = []
    backups: list[Path] = []
    changes: list[Any] = []
    explain = None
    if len(items) == 3:
        # Only a comparison of versions needs the kits (two files need none: a faster start).
        from ..kits.changes import explainer, value_changes

        dossier, old_version, new_version = items
        check_name(dossier, "nom de dossier")
        old, old_vars = _docx_for(project, dossier, old_version, force, built, backups)
        new, new_vars = _docx_for(project, dossier, new_version, force, built, backups)
        changes = value_changes(old_vars, new_vars)
        explain = explainer(changes) if changes else None
        default = (project.output_dir(dossier, new_version) /
                   f"comparaison-{old_version}-{new_version}.docx")
        title = f"{dossier} : {old_version} → {new_version}"
    elif len(items) == 2:
        old, new = Path(items[0]), Path(items[1])
        if not old.exists() and items[0] in project.dossiers():
            raise CommandError(f"diff {items[0]} attend deux versions : "
                               f"avenant diff {items[0]} ANCIENNE NOUVELLE")
        default = project.output / f"comparaison-{old.stem}-{new.stem}.docx"
        title = f"{old.name} → {new.name}"
    else:
        raise CommandError("diff attend DOSSIER ANCIENNE NOUVELLE, ou ANCIEN.docx NOUVEAU.docx")
    target = output if output is not None else default
    if target.suffix.lower() != ".docx":
        raise UsageError(f"le fichier de comparaison doit se terminer par .docx : {target}")
    html_target = target.with_suffix(".html")
    for written in (target, html_target):
        if _same_file(written, old) or _same_file(written, new):
            raise OutputError("le document de sortie serait l’un des documents comparés ; "
                              "rien n’a été modifié", path=project.relative(written))
    redline, comparison = compare_bytes(old, new, author=author, date=None, explain=explain,
                                        comments=comments, engine=engine)
    comparison.out = Path(project.relative(target))
    comparison.old, comparison.new = Path(project.relative(old)), Path(project.relative(new))
    value_rows = [(c.label, c.old, c.new) for c in changes]
    html = report_html(comparison, value_changes=value_rows, title=title)
    done = write_all({target: redline, html_target: html.encode("utf-8")},
                     force=force, manifest={}, label=project.relative)
    return DiffResult(comparison, value_rows, target, html_target, built,
                      backups + done.backups)
