"""What moved between two versions of a set, in the document's words, and what each edit shows.

``diff DOSSIER OLD NEW`` lists the values that changed (« subvention : 12 000 € → 15 000 € »)
and explains each changed passage by the value(s) it shows, a value written inside a longer one
(the year inside the signing date) being left to the longer one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .labels import labelled_values, shown


@dataclass(frozen=True)
class ValueChange:
    """A value of the variable set that moved between two versions."""

    field: str
    label: str
    old: str
    new: str


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
        changes.append(ValueChange(name, label, shown(old_value, kind), shown(new_value, kind)))
    return changes


def _normal(text: str) -> str:
    return " ".join(re.split(r"[\s\u00a0\u202f\u2009]+", text or "")).strip()


def _spans(text: str, value: str) -> list[tuple[int, int]]:
    value = _normal(value)
    if not value or value == "(vide)":
        return []
    pattern = r"(?<![\w])" + re.escape(value) + r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, text)]


def _shown_alone(text: str, values: list[str]) -> list[bool]:
    """For each value, whether it shows in TEXT other than inside a longer value shown there."""
    spans = [_spans(text, v) for v in values]
    out = []
    for i, mine in enumerate(spans):
        others = [s for j, theirs in enumerate(spans) if j != i for s in theirs]
        out.append(any(not any(a <= start and end <= b and (b - a) > (end - start)
                               for a, b in others) for start, end in mine))
    return out


def explainer(changes: list[ValueChange]) -> Any:
    """A function giving, for a changed passage, the value changes that it shows."""

    def explain(change: Any) -> list[str]:
        old = _shown_alone(_normal(change.old_text), [c.old for c in changes])
        new = _shown_alone(_normal(change.new_text), [c.new for c in changes])
        return [f"{c.label} : {c.old} → {c.new}" for c, a, b in zip(changes, old, new, strict=True)
                if a or b]

    return explain
