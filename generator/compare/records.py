"""What the comparer finds while it writes: records of changes, with codes rather than words.

A `Record` is a change found in one part, before its section (the heading it sits under) is
known. Formatting details are codes (``("look", "b", "added", text)``,
``("style", before, after)``); `generator.compare.report` turns them into French.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

#: A formatting detail: ("style", old name, new name), ("paragraph",),
#: ("look", flag, "added" | "removed" | "changed", text); flag among b, i, u, strike, other.
Detail = tuple[str, ...]


@dataclass
class Anchor:
    """Where a change sits in the output: from (paragraph, first child) to (paragraph, last child).

    A child of None means the start (or end) of the paragraph's content.
    """

    start_p: etree._Element
    start: etree._Element | None
    end_p: etree._Element
    end: etree._Element | None


@dataclass
class Record:
    """A change found while building, before its section is known."""

    kind: str
    part: str
    anchor: Anchor
    old_text: str
    new_text: str
    segments: list[tuple[str, str]] = field(default_factory=list)
    section: str = ""
    note: str | None = None
    details: list[Detail] = field(default_factory=list)
