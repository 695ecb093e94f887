"""What moved between two versions of a set, in the document's words, and what each edit shows.

``diff DOSSIER OLD NEW`` lists the values that changed (« subvention : 12 000 € → 15 000 € »)
and explains each changed passage by the value(s) its edit shows (in the deleted or inserted
words, not in the words left as they were), a value written inside a longer one
(the year inside the signing date) being left to the longer one. A value also explains what it
makes the document show besides its own words: the statut, the « PROJET » mark of the headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..kernel.draft import marks
from .labels import labelled_values, shown

#: Texts a value puts in the document besides its own words, by field (the kernel's, so every
#: kit's documents have them).
PRODUCED: dict[str, Callable[[Any], tuple[str, ...]]] = {"avenant.statut": marks}


@dataclass(frozen=True)
class ValueChange:
    """A value of the variable set that moved between two versions."""

    field: str
    label: str
    old: str
    new: str
    old_shows: tuple[str, ...] = ()  # the texts it produced before, besides ``old``
    new_shows: tuple[str, ...] = ()


def value_changes(old: Any, new: Any) -> list[ValueChange]:
    """The values that differ between two variable sets, in the order of the new set."""
    before, after = labelled_values(old), labelled_values(new)
    changes = []
    for name in list(after) + [f for f in before if f not in after]:
        was, now = before.get(name), after.get(name)
        old_value = was[2] if was is not None else None
        new_value = now[2] if now is not None else None
        if old_value == new_value:
            continue
        label, kind = (now or was)[:2]  # type: ignore[index]
        old_text, new_text = shown(old_value, kind), shown(new_value, kind)
        if old_text == new_text:  # different in the file, the same in the document
            continue
        produced = PRODUCED.get(name, lambda _: ())
        changes.append(ValueChange(name, label, old_text, new_text,
                                   produced(old_value), produced(new_value)))
    return changes


Span = tuple[int, int]


def _pattern(value: str) -> re.Pattern[str] | None:
    r"""VALUE as a whole word or words, any run of spaces (no-break ones too) between them.

    >>> [bool(_pattern("1").search(t)) for t in ("page 1 sur 1", "2021", "1er mars", "1-2023")]
    [True, False, False, True]
    >>> bool(_pattern("468 000 €").search("à 468\u202f000\xa0€,"))
    True
    """
    words = value.split()  # str.split cuts at no-break and narrow no-break spaces too
    if not words or value == "(vide)":
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")


def _sides(change: Any) -> tuple[tuple[str, list[Span]], tuple[str, list[Span]]]:
    """Each side of a changed passage, and where on it the edit is.

    The old side with its deleted pieces, the new side with its inserted ones; a passage
    inserted or removed whole (no pieces) is all edit; a change of formatting alone, none.
    """
    segments = change.segments
    if not any(op != "=" for op, _ in segments):
        if change.old_text == change.new_text:
            return ("", []), ("", [])
        segments = [("-", change.old_text), ("+", change.new_text)]
    sides = []
    for edit in ("-", "+"):
        text, edited = "", []
        for op, piece in segments:
            if op in ("=", edit):
                if op == edit and piece:
                    edited.append((len(text), len(text) + len(piece)))
                text += piece
        sides.append((text, edited))
    return sides[0], sides[1]


def _credited(text: str, edited: list[Span], values: list[list[re.Pattern[str]]]
              ) -> list[bool]:
    """For each value (the patterns of its texts), whether it shows in TEXT where the edit is.

    It must touch an edited piece, and not only inside a longer value (the year inside the
    signing date, the rang inside the numéro): the longer one explains it.
    """
    spans = [[m.span() for pattern in patterns for m in pattern.finditer(text)]
             for patterns in values]
    out = []
    for i, mine in enumerate(spans):
        others = [s for j, theirs in enumerate(spans) if j != i for s in theirs]
        out.append(any(any(a < end and start < b for a, b in edited) and
                       not any(a <= start and end <= b and (b - a) > (end - start)
                               for a, b in others) for start, end in mine))
    return out


def explainer(changes: list[ValueChange]) -> Any:
    """A function giving, for a changed passage, the value changes that its edit shows."""

    def patterns(texts: tuple[str, ...]) -> list[re.Pattern[str]]:
        return [p for text in texts if (p := _pattern(text)) is not None]

    olds = [patterns((c.old, *c.old_shows)) for c in changes]
    news = [patterns((c.new, *c.new_shows)) for c in changes]

    def explain(change: Any) -> list[str]:
        (old_text, deleted), (new_text, inserted) = _sides(change)
        old = _credited(old_text, deleted, olds) if deleted else [False] * len(changes)
        new = _credited(new_text, inserted, news) if inserted else [False] * len(changes)
        return [f"{c.label} : {c.old} → {c.new}" for c, a, b in zip(changes, old, new, strict=True)
                if a or b]

    return explain
