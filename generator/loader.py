"""Reading a variable set: the YAML reader's API, and the refusal of template syntax in values.

Reading (:mod:`generator.yaml_reader`, with :mod:`generator.yaml_careful` for the unusual
file) gives plain data and the line of every field; the validation of what was read (kernel
and kit) lives in :mod:`generator.kits.sets`. Every error names ``file:line: field.path``.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem
from .yaml_nodes import Loc, _dotted, _line_of
from .yaml_reader import read_tree

__all__ = ["read_tree", "Loc", "_dotted", "_line_of", "TAG_MARKERS"]

# What opens or closes a template tag, docxtpl's escaped forms ({_{ … }_}) included: never in a
# value (it would be evaluated or mistaken for a leftover tag), never in a rendered document.
TAG_MARKERS = ("{{", "}}", "{%", "%}", "{#", "#}", "{_", "_}")


def _refuse_template_syntax(data: Any, loc: Loc, lines: dict[Loc, int], label: str,
                            problems: list[Problem]) -> None:
    """Values are data: a value that looks like a template tag is refused, never evaluated."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_template_syntax(value, (*loc, key), lines, label, problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_template_syntax(value, (*loc, index), lines, label, problems)
    elif isinstance(data, str) and any(marker in data for marker in TAG_MARKERS):
        problems.append(Problem(
            "une valeur ne peut pas contenir de balise de modèle ({{, {%, {#) : "
            f"{data!r}", path=label, line=_line_of(loc, lines), field=_dotted(loc)))
