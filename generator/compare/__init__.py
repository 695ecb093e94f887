"""Compare two Word documents: a redline with native tracked changes, and a change report.

Public API (what ``avenant diff`` and other callers use)::

    from generator.compare import compare, report_text, report_html, validate_docx

    result = compare(old, new, out, author="Préfecture", date=fixed_datetime,
                     explain=my_explain, comments=True)
    print(report_text(result, value_changes=[("montant de l’État", "468 000 €", "480 000 €")]))
    Path("rapport.html").write_text(report_html(result, value_changes=..., title=...))

`compare(old, new, out, *, author, date, explain, comments, engine)`
    Validates both inputs (`CompareError` naming the file on a bad one, before anything is
    written), then writes ``out``: the NEW document, its formatting kept, carrying Word revisions
    (``w:ins``/``w:del`` with author and date, paragraph-mark and table-row revisions,
    ``w:rPrChange``/``w:pPrChange`` for formatting, ``w:tblPrChange``, ``w:tblGridChange``,
    ``w:trPrChange``, ``w:tcPrChange`` and ``w:sectPrChange`` for table, column, row, cell and
    page-setup properties) such that accepting every change gives the new text and layout and
    rejecting every change the old ones, in the body, tables, headers, footers and notes. A
    bookmark only the old document has comes back on reject.
    The file is written atomically by `generator.files.write_atomic`; an output
    problem (missing folder, ``out`` naming one of the inputs, disk error) is an `OutputError`.

    - ``author``: the revisions' author (``--auteur``).
    - ``date``: the revisions' date. None (the default) takes SOURCE_DATE_EPOCH when set, else
      the new document's own date (``dcterms:modified``, else ``created``), else no date: never
      the clock, so the same inputs give the same bytes. A naive datetime is taken as UTC.
    - ``explain(change) -> list[str]``: called once per `Change`, its lines go to
      ``change.reasons`` (e.g. ``["montant de l’État : 468 000 € → 480 000 €"]``).
    - ``comments``: also anchor one Word comment on each change, holding its reasons (or a short
      description of the change when there are none) (``--commentaires``).
    - ``engine``: ``"interne"`` (default, this package's comparer) or ``"docxodus"``
      (python-redlines' Docxodus, optional, slower; comments are not available with it). The
      changes listed are those of the internal comparer either way.

    Returns a `Comparison`: ``.changes`` (list of `Change`: ``kind`` among ``insertion``,
    ``suppression``, ``modification``, ``mise en forme``; ``section``, the heading it sits under,
    e.g. ``Article 5 : Engagements de l’État``, ``Début du document``, ``En-tête``,
    ``Pied de page``, ``Notes de bas de page``; ``old_text``, ``new_text``, ``segments``,
    ``reasons``, ``part``, ``formatting``), ``.identical``, ``.revisions`` (number of revision
    marks written).

    Errors: `CompareError` (a bad input; ``.path`` is the file), `OutputError`, `UsageError`
    (unknown engine, comments with Docxodus, Docxodus not installed, empty author).

    Documents that already carry tracked changes are compared as if those were accepted.
    Editing-session ids (``w:rsid*``, ``w14:paraId``) and spelling marks are dropped from the
    compared parts of the output; styles that only old text uses are copied over.

`compare_bytes(old, new, *, author, date, explain, comments, engine)`
    The same comparison, nothing written: returns ``(bytes, comparison)``, the redline as a
    DOCX in memory and the `Comparison` (its ``out`` empty), for a caller that writes the
    redline with other files at once (``avenant diff`` writes it with its HTML report).

`report_text(comparison, value_changes=())`
    The French terminal report: values changed first (``label : old → new``), then each changed
    passage under its section, ``[-supprimé-]`` and ``{+inséré+}`` in place, reasons below.
    Its header names ``comparison.out``: a caller that moves the redline elsewhere can set
    ``comparison.out`` to the final path before asking for a report.

`report_html(comparison, value_changes=(), title=None)`
    The same as one self-contained HTML page (``lang="fr"``, inline CSS, no script, no external
    resource): values table first, insertions green underlined, deletions red struck through.

`validate_docx(path)`
    Raises `CompareError` when ``path`` is not a usable DOCX: missing, not a zip, a ``.doc`` or
    password-protected file (OLE header), macro-enabled, corrupt, or a zip bomb (sizes checked
    before and while decompressing, with caps).

`describe(change)` gives a one-line French description of a change (what a comment holds when
``explain`` gave no reason).

`document_views(path, view)` (from `generator.compare.views`) reads a redline back as text
with every change accepted or rejected: what the tests use to check the redline (with
`paragraph_formats`, `layout_properties` and `bookmark_names` for formatting, layout and
bookmarks).

Known limits (Word's and LibreOffice's as much as ours): a paragraph cannot join a table, so
a paragraph inserted or deleted together with a table right after another table leaves an empty
paragraph; LibreOffice 7.4 writes a deleted table row back without its row revision; deleted
list items keep their old numbering reference.

Command line (for benchmarks and debugging; the project CLI wires ``avenant diff``)::

    python -m generator.compare OLD.docx NEW.docx OUT.docx [--auteur A] [--date ISO]
        [--commentaires] [--moteur interne|docxodus] [--rapport-html RAPPORT.html] [--quiet]
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CompareError, OutputError, UsageError
from ..exiting import keep
from ..files import write_atomic
from .comparison import KINDS, Change, Comparison
from .docx_zip import Package, package_bytes, read_package
from .report import ValueChange, describe, report_html, report_text

if TYPE_CHECKING:
    from datetime import datetime

ENGINES = ("interne", "docxodus")

__all__ = ["compare", "compare_bytes", "report_text", "report_html", "validate_docx", "Change",
           "Comparison", "ValueChange", "describe", "KINDS", "ENGINES", "CompareError"]


def validate_docx(path: Path | str) -> None:
    """Raise `CompareError` (naming the file) unless ``path`` is a usable Word document."""
    read_package(path)


def iso_date(date: datetime) -> str:
    """A revision date as Word writes it: UTC, ``YYYY-MM-DDTHH:MM:SSZ``.

    >>> from datetime import datetime
    >>> iso_date(datetime(2024, 3, 1, 9, 30))
    '2024-03-01T09:30:00Z'
    """
    if date.tzinfo is not None:
        from datetime import UTC

        date = date.astimezone(UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


def revision_date(date: datetime | None, new: Package) -> str:
    """The revisions' date: ``date`` when given, else SOURCE_DATE_EPOCH, else NEW's own date.

    Never the clock: the same inputs give the same redline. '' when none is known (Word's
    revisions may carry no date).
    """
    if date is not None:
        return iso_date(date)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        try:
            when = time.gmtime(int(epoch))
        except (OverflowError, OSError):
            when = None
        if when is not None and when.tm_year <= 9999:  # else no date Word reads
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", when)
    return new.own_date() or ""


def _check_output(out: Path, old: Path, new: Path) -> None:
    for source in (old, new):
        try:
            if out.exists() and source.exists() and out.samefile(source):
                raise OutputError("le document de sortie serait l’un des documents comparés",
                                  path=str(out))
        except OSError:
            pass
    if out.exists() and out.is_dir():
        raise OutputError("c’est un dossier : donnez le chemin du document à écrire",
                          path=str(out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("dossier de sortie introuvable", path=str(folder))


def compare(old: Path | str, new: Path | str, out: Path | str, *, author: str = "avenant",
            date: datetime | None = None,
            explain: Callable[[Change], list[str]] | None = None,
            comments: bool = False, engine: str = "interne") -> Comparison:
    """Write the redline of ``old`` → ``new`` to ``out``; return what changed (see module doc)."""
    old, new, out = Path(old), Path(new), Path(out)
    _check_output(out, old, new)
    data, comparison = compare_bytes(old, new, author=author, date=date, explain=explain,
                                     comments=comments, engine=engine)
    write_atomic(out, data, force=True, keep_old=False, label=str(out))
    comparison.out = out
    return comparison


def compare_bytes(old: Path | str, new: Path | str, *, author: str = "avenant",
                  date: datetime | None = None,
                  explain: Callable[[Change], list[str]] | None = None,
                  comments: bool = False, engine: str = "interne") -> tuple[bytes, Comparison]:
    """`compare` without writing: the redline's bytes, and what changed (``out`` empty)."""
    old, new = Path(old), Path(new)
    if engine not in ENGINES:
        raise UsageError(f"moteur inconnu « {engine} » (moteurs : {', '.join(ENGINES)})",
                         field="moteur", value=engine)
    if comments and engine != "interne":
        raise UsageError("les commentaires ne sont disponibles qu’avec le moteur interne",
                         field="moteur", value=engine)
    if not author.strip():
        raise UsageError("l’auteur des modifications ne peut pas être vide", field="auteur",
                         value=author)
    old_pkg = read_package(old)
    new_pkg = read_package(new)
    stamp = revision_date(date, new_pkg)
    parts, changes, revisions = build_redline(old_pkg, new_pkg, author=author, date=stamp,
                                              explain=explain, comments=comments)
    if engine == "docxodus":
        from .docxodus import redline_bytes
        data = redline_bytes(old, new, author, stamp or _NO_DATE)
    else:
        data = package_bytes(parts, new_pkg.stored)
    keep(old_pkg, new_pkg, parts)
    return data, Comparison(old, new, Path(), changes, engine=engine, author=author,
                            date=stamp, revisions=revisions)


#: What Docxodus, which needs a date, gets when the new document has none.
_NO_DATE = "1980-01-01T00:00:00Z"


def build_redline(old: Package, new: Package, *, author: str, date: str,
                  explain: Callable[[Change], list[str]] | None = None,
                  comments: bool = False) -> tuple[dict[str, bytes], list[Change], int]:
    """Compare two read packages: the output's parts, the changes, the revision count."""
    # Comparing makes many small objects and no reference cycles worth collecting: the cyclic
    # collector, run again and again over the documents' trees, would take a third of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_redline(old, new, author=author, date=date, explain=explain,
                              comments=comments)
    finally:
        if collecting:
            gc.enable()


def _build_redline(old: Package, new: Package, *, author: str, date: str,
                   explain: Callable[[Change], list[str]] | None,
                   comments: bool) -> tuple[dict[str, bytes], list[Change], int]:
    from .normalize import accept_revisions, strip_noise
    from .ooxml import Revisions
    from .redline import Redliner
    from .report import PART_LABELS, formatting_text
    from .sections import Headings, assign_sections

    for package in (old, new):
        for name in _text_parts(package):
            accept_revisions(package.xml(name))
            strip_noise(package.xml(name))
    revisions = Revisions(author, date, _max_id(new) + 1)
    redliner = Redliner(old, new, revisions)
    records = redliner.run()
    body = redliner.out.tree(new.main).find("{http://schemas.openxmlformats.org/"
                                            "wordprocessingml/2006/main}body")
    body_records = [r for r in records if r.part == "corps"]
    if body is not None:
        assign_sections(body, body_records, Headings(new, old))
    others = [r for r in records if r.part != "corps"]
    for record in others:
        record.section = PART_LABELS[record.part]
    ordered = body_records + others
    changes = [Change(r.kind, r.section, r.old_text, r.new_text, r.segments, [], r.part,
                      [formatting_text(d) for d in r.details]) for r in ordered]
    if explain is not None:
        for change in changes:
            change.reasons = [str(line) for line in explain(change) or []]
    if comments and changes and body is not None:
        from .comments import Commenter, body_anchor

        commenter = Commenter(redliner.out, revisions)
        for record, change in zip(ordered, changes, strict=True):
            anchor = record.anchor if record.part == "corps" else \
                body_anchor(body, record.part, record.note)
            if anchor is None:
                continue
            lines = change.reasons or [describe(change)]
            if record.part != "corps":
                lines = [f"{change.section} : {lines[0]}", *lines[1:]]
            commenter.add(anchor, lines)
    keep(redliner)
    return redliner.out.to_parts(), changes, _count_revisions(redliner.out.trees.values())


def _count_revisions(roots) -> int:
    """How many revision marks (insertions, deletions, formatting changes) the output holds."""
    from .layout import LAYOUT_CHANGES
    from .ooxml import DEL, INS, PPR_CHANGE, RPR_CHANGE

    return sum(1 for root in roots
               for _ in root.iter(INS, DEL, RPR_CHANGE, PPR_CHANGE, *LAYOUT_CHANGES))


_TEXT_PART_TYPES = ("document.main+xml", "template.main+xml", "header+xml", "footer+xml",
                    "footnotes+xml", "endnotes+xml")


def _text_parts(package: Package) -> list[str]:
    return [name for name in package.parts
            if package.content_type(name).endswith(_TEXT_PART_TYPES)]


def _max_id(package: Package) -> int:
    """The largest ``w:id`` of the package's WordprocessingML parts (0 when none)."""
    highest = 0
    for name in _text_parts(package) + [n for n in package.parts if n.endswith("comments.xml")]:
        root = package.xml(name)
        for value in root.xpath("//@w:id", namespaces={
                "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}):
            try:
                highest = max(highest, int(value))
            except ValueError:
                continue
    return highest

