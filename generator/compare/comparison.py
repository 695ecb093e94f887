"""What a comparison finds: changed passages (`Change`) and the result of one run (`Comparison`)."""

from __future__ import annotations

from pathlib import Path

from ..slots import Slotted

#: The kinds of change, as the reports print them.
KINDS = ("insertion", "suppression", "modification", "mise en forme")


class Change(Slotted):
    """One changed passage of the document.

    kind: ``insertion`` (paragraphs, rows or a table added), ``suppression`` (removed),
    ``modification`` (text changed inside a paragraph) or ``mise en forme`` (same text, other
    formatting: bold, italic, paragraph style, heading level…).
    section: the heading the passage sits under in the new document (the old one for a
    suppression), e.g. ``Article 5 : Engagements de l’État``; ``Début du document`` before the
    first heading; ``En-tête``, ``Pied de page``, ``Notes de bas de page`` outside the body.
    old_text / new_text: the whole passage before and after (paragraphs joined by a line feed,
    table cells by `` | ``); empty on the side where it does not exist.
    segments: the passage as ``("=", text)``, ``("-", deleted)``, ``("+", inserted)`` pieces, in
    reading order, for reports that show the change in place.
    reasons: why it changed, one line each (filled by the ``explain`` callback of `compare`).
    part: ``corps``, ``en-tête``, ``pied de page``, ``notes`` or ``notes de fin``.
    formatting: what formatting changed, in French (``style « heading 1 » → « heading 2 »``,
    ``gras ajouté : « également »``); empty when only text changed.
    """

    __slots__ = ("kind", "section", "old_text", "new_text", "segments", "reasons", "part",
                 "formatting")

    def __init__(self, kind: str, section: str, old_text: str, new_text: str,
                 segments: list[tuple[str, str]] | None = None, reasons: list[str] | None = None,
                 part: str = "corps", formatting: list[str] | None = None) -> None:
        self.kind, self.section, self.old_text, self.new_text = kind, section, old_text, new_text
        self.segments = segments if segments is not None else []
        self.reasons = reasons if reasons is not None else []
        self.part = part
        self.formatting = formatting if formatting is not None else []

    @property
    def deleted(self) -> list[str]:
        """The deleted pieces, in order."""
        return [text for op, text in self.segments if op == "-"]

    @property
    def inserted(self) -> list[str]:
        """The inserted pieces, in order."""
        return [text for op, text in self.segments if op == "+"]


class Comparison(Slotted):
    """The result of `compare`: where the redline went, and what changed."""

    __slots__ = ("old", "new", "out", "changes", "engine", "author", "date", "revisions")

    def __init__(self, old: Path, new: Path, out: Path, changes: list[Change],
                 engine: str = "interne", author: str = "avenant", date: str = "",
                 revisions: int = 0) -> None:
        self.old, self.new, self.out, self.changes = old, new, out, changes
        self.engine, self.author, self.date, self.revisions = engine, author, date, revisions

    @property
    def identical(self) -> bool:
        """True when the two documents have the same text and formatting."""
        return not self.changes
