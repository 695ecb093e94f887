"""What moved between two versions of a set, in the document's words, and what each edit shows.

``diff DOSSIER OLD NEW`` lists the values that changed (« subvention : 12 000 € → 15 000 € »)
and explains each changed passage by the value(s) it shows, a value written inside a longer one
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


def _normal(text: str) -> str:
    return " ".join(re.split(r"[\s\u00a0\u202f\u2009]+", text or "")).strip()


def _spans(text: str, value: str) -> list[tuple[int, int]]:
    value = _normal(value)
    if not value or value == "(vide)":
        return []
    pattern = r"(?<![\w])" + re.escape(value) + r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, text)]


def _shown_alone(text: str, values: list[tuple[str, ...]]) -> list[bool]:
    """For each value (its texts), whether it shows in TEXT other than inside a longer value."""
    spans = [[s for v in texts for s in _spans(text, v)] for texts in values]
    out = []
    for i, mine in enumerate(spans):
        others = [s for j, theirs in enumerate(spans) if j != i for s in theirs]
        out.append(any(not any(a <= start and end <= b and (b - a) > (end - start)
                               for a, b in others) for start, end in mine))
    return out


def explainer(changes: list[ValueChange]) -> Any:
    """A function giving, for a changed passage, the value changes that it shows."""

    def explain(change: Any) -> list[str]:
        old = _shown_alone(_normal(change.old_text), [(c.old, *c.old_shows) for c in changes])
        new = _shown_alone(_normal(change.new_text), [(c.new, *c.new_shows) for c in changes])
        return [f"{c.label} : {c.old} → {c.new}" for c, a, b in zip(changes, old, new, strict=True)
                if a or b]

    return explain
