"""``avenant diff``: compare two versions of a dossier, or any two Word files.

For two versions, the values that moved are listed first (old → new, written as in the
document) and each changed passage is explained by the value(s) it shows; for two files, the
changed passages are grouped by article or heading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import UsageError
from .files import write_all, write_atomic
from .kits.changes import ValueChange, explainer, value_changes
from .paths import Project, check_name

__all__ = ["ValueChange", "diff", "explainer", "value_changes"]

def _revision_date(new_document: Path) -> dt.datetime:
    """The revisions' date: the new document's own date.

    So the same inputs give the same redline; SOURCE_DATE_EPOCH overrides it, and the clock
    is the last resort.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    try:
        import docx

        modified = docx.Document(str(new_document)).core_properties.modified
    except Exception:  # an unreadable file is reported by compare() itself
        modified = None
    if modified is not None:
        return modified.replace(tzinfo=dt.UTC) if modified.tzinfo is None else modified
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


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
        comparison = compare(old, new, redline, author=author, date=_revision_date(new),
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
