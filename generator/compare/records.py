"""What the comparer finds while it writes: records of changes, with codes rather than words.

A `Record` is a change found in one part, before its section (the heading it sits under) is
known. Formatting details are codes (``("look", "b", "added", text)``,
``("style", before, after)``); `generator.compare.report` turns them into French.
"""

from __future__ import annotations

from lxml import etree

from ..slots import Slotted

#: A formatting detail: ("style", old name, new name), ("paragraph",),
#: ("look", flag, "added" | "removed" | "changed", text); flag among b, i, u, strike, other.
Detail = tuple[str, ...]


class Anchor(Slotted):
    """Where a change sits in the output: from (paragraph, first child) to (paragraph, last child).

    A child of None means the start (or end) of the paragraph's content.
    """

    __slots__ = ("start_p", "start", "end_p", "end")

    def __init__(self, start_p: etree._Element, start: etree._Element | None,
                 end_p: etree._Element, end: etree._Element | None) -> None:
        self.start_p, self.start, self.end_p, self.end = start_p, start, end_p, end


class Record(Slotted):
    """A change found while building, before its section is known."""

    __slots__ = ("kind", "part", "anchor", "old_text", "new_text", "segments", "section", "note",
                 "details")

    def __init__(self, kind: str, part: str, anchor: Anchor, old_text: str, new_text: str,
                 segments: list[tuple[str, str]] | None = None, section: str = "",
                 note: str | None = None, details: list[Detail] | None = None) -> None:
        self.kind, self.part, self.anchor = kind, part, anchor
        self.old_text, self.new_text = old_text, new_text
        self.segments = segments if segments is not None else []
        self.section, self.note = section, note
        self.details = details if details is not None else []
