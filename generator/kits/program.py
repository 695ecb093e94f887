"""A kit's expressions compiled together: one template for its calculs, one for its checks.

Compiling a Jinja expression costs far more than evaluating it; a kit has dozens. Each kit's
calculs become the ``{% set %}`` lines of one template (its module exports the values, with
their types), and its checks the macros of another, both compiled once per process. When
something fails inside, the caller evaluates the expressions one by one to name the culprit.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from .expressions import environment

if TYPE_CHECKING:
    from .kit import Kit


def calculs_source(kit: Kit) -> str:
    """The calculs as one template: each a top-level ``set``, in order."""
    return "".join(f"{{% set {c.name} = ({c.expression}) %}}" for c in kit.calculs.values())


def checks_source(kit: Kit) -> str:
    """The checks as one template: their items (``pour_chaque``) and a macro per condition."""
    parts = []
    for i, check in enumerate(kit.checks):
        if check.for_each is not None:
            parts.append(f"{{% set items_{i} = ({check.for_each}) %}}")
        parts.append(f"{{% macro holds_{i}(cle, element) %}}{{% if ({check.condition}) %}}1"
                     "{% endif %}{% endmacro %}")
    return "".join(parts)


@functools.lru_cache(maxsize=32)
def _compiled(source: str) -> Any:
    return environment().from_string(source)


def _program(kit: Kit, source: str) -> Any:
    from jinja2 import TemplateSyntaxError

    from .kit import check_expressions

    try:
        return _compiled(source)
    except TemplateSyntaxError:
        check_expressions(kit)  # names the expression at fault
        raise


def calculs_module(kit: Kit, context: dict[str, Any]) -> Any:
    """The module whose attributes are KIT's calculs, evaluated in CONTEXT."""
    return _program(kit, calculs_source(kit)).make_module(context)


def checks_module(kit: Kit, context: dict[str, Any]) -> Any:
    """The module holding, for each check ``i``, ``items_i`` and the macro ``holds_i``."""
    return _program(kit, checks_source(kit)).make_module(context)
