"""A kit's expressions compiled together: one template for its calculs, one for its checks.

Compiling a Jinja expression costs far more than evaluating it; a kit has dozens. Each kit's
calculs become the ``{% set %}`` lines of one template (its module exports the values, with
their types), and its checks the macros of another, both compiled once per process. When
something fails inside, the caller evaluates the expressions one by one to name the culprit.
"""

from __future__ import annotations

import functools
import hashlib
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


@functools.cache
def _bytecode_cache() -> Any:
    """Jinja's own cache of compiled templates (a private folder of the user's temp dir)."""
    from jinja2 import FileSystemBytecodeCache

    return FileSystemBytecodeCache()


@functools.lru_cache(maxsize=32)
def _compiled(source: str) -> Any:
    """SOURCE compiled once per process, and its code kept by Jinja across processes."""
    env = environment()
    try:
        cache = _bytecode_cache()
        key = "avenant-kit-" + hashlib.sha256(source.encode("utf-8")).hexdigest()
        bucket = cache.get_bucket(env, key, None, source)
    except OSError:  # no usable temp dir: compile every time
        return env.from_string(source)
    if bucket.code is None:
        bucket.code = env.compile(source)
        try:
            cache.set_bucket(bucket)
        except OSError:
            pass
    return env.template_class.from_code(env, bucket.code, env.make_globals(None))


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
