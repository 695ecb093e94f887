"""Template tags in values: a variable set holds data, never a tag to evaluate.

The same markers find a tag left over in a rendered document (:mod:`generator.document.render`).
The walk that refuses them also screens every text as the reader does (:func:`text_problem`),
for values that did not come through the reader: those the web page's form puts in a draft.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .nodes import Loc, _dotted, _line_of, text_problem

__all__ = ["TAG_MARKERS"]

# What opens or closes a template tag, docxtpl's escaped forms ({_{ … }_}) included: never in a
# value (it would be evaluated or mistaken for a leftover tag), never in a rendered document.
TAG_MARKERS = ("{{", "}}", "{%", "%}", "{#", "#}", "{_", "_}")


def _screen_values(data: Any, loc: Loc, lines: dict[Loc, int], label: str,
                   problems: list[Problem]) -> None:
    """Values are data: a value that looks like a template tag is refused, never evaluated.

    A text with a character the reader refuses (controls, bidi overrides, zero-width) is
    refused with the reader's message.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            _screen_values(value, (*loc, key), lines, label, problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _screen_values(value, (*loc, index), lines, label, problems)
    elif isinstance(data, str):
        if any(marker in data for marker in TAG_MARKERS):
            problems.append(Problem(
                "une valeur ne peut pas contenir de balise de modèle ({{, {%, {#) : "
                f"{data!r}", path=label, line=_line_of(loc, lines), field=_dotted(loc)))
        problem = text_problem(data)
        if problem:
            problems.append(Problem(problem, path=label, line=_line_of(loc, lines),
                                    field=_dotted(loc)))
