"""Kit expressions (calculs, controles) in the template's own sandbox, compiled once."""

from __future__ import annotations

import functools
from typing import Any

from ..errors import AvenantError


@functools.cache
def environment() -> Any:
    """The templates' sandbox (generator.sandbox): every filter, French and generic, is there."""
    from ..sandbox import environment as sandbox

    return sandbox()


@functools.lru_cache(maxsize=512)
def _expression(source: str) -> Any:
    return environment().compile_expression(source, undefined_to_none=False)


@functools.cache
def _text_environment() -> Any:
    """The same sandbox, without HTML escaping: messages and paths are plain text."""
    return environment().overlay(autoescape=False)


@functools.lru_cache(maxsize=512)
def _template(source: str) -> Any:
    return _text_environment().from_string(source)


def evaluate(source: str, context: dict[str, Any]) -> Any:
    """The value of a Jinja expression in CONTEXT (StrictUndefined: a missing name raises)."""
    return _expression(source)(**context)


def render_text(source: str, context: dict[str, Any]) -> str:
    """A short Jinja text (a message, a field path) rendered in CONTEXT."""
    if "{" not in source:
        return source
    return str(_template(source).render(**context))


def reason(exc: Exception) -> str:
    """Why an expression failed, in French."""
    from jinja2 import UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, UndefinedError):
        return f"valeur absente ({exc.message})"
    if isinstance(exc, SecurityError):
        return "opération interdite (bac à sable)"
    if isinstance(exc, AvenantError):
        return exc.message
    return f"{type(exc).__name__} : {exc}"
