"""Reading a variable set from YAML: safe, strict, bounded, and every error placed at its line.

A well-formed set is read once by libyaml's C parser into nodes that know their lines. Anything
unusual (a syntax error, a tag, an alias, a duplicate key) takes the careful road
(:mod:`generator.variables.careful`), whose errors name ``file:line: field.path``. Both roads turn
nodes into values through :func:`generator.variables.nodes.plain_tree`, so they agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import VariablesError, os_reason
from ..files import ReadRefused, read_regular
from .nodes import MAX_BYTES, Loc, Unusual, blank_controls, plain_tree, raw_problem

__all__ = ["read_tree", "Loc"]


# Where a YAML tag (``!!str``, ``!perso``) may start: libyaml's nodes keep no trace of an
# explicit tag that equals the implicit one, so a file that may hold one takes the careful road.
_MAYBE_TAG = re.compile(r"(?m)(?:^[ \t]*|[:?-][ \t]+|[\[{,][ \t]*)!")


def _fast_tree(text: str, label: str) -> tuple[dict[str, Any], dict[Loc, int]] | None:
    """Read a plain set with libyaml's C parser, or return None to take the careful road."""
    if _MAYBE_TAG.search(text):
        return None
    try:
        import yaml
        loader = yaml.CSafeLoader(text)
    except (ImportError, AttributeError):
        return None
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if root is None:
        return None
    try:
        return plain_tree(root, label, careful=False)
    except Unusual:
        return None


def read_bytes(path: Path, label: str) -> bytes:
    """The file's bytes, refusing what is not a regular file and never reading past the limit."""
    try:
        return read_regular(path, MAX_BYTES)[0]
    except ReadRefused as exc:
        raise VariablesError(str(exc), path=label) from None
    except FileNotFoundError:
        raise VariablesError("fichier introuvable", path=label) from None
    except OSError as exc:
        raise VariablesError(f"lecture impossible ({os_reason(exc)})", path=label) from None


def read_tree(path: Path, label: str | None = None) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Read a YAML variable set as plain data, with the line of every field."""
    label = label or str(path)
    return tree_of(read_bytes(path, label), label)



def tree_of(raw: bytes, label: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    """:func:`read_tree` of bytes already read (LABEL names the file in errors)."""
    # The careful road (ruamel.yaml, ~0.1 s to import) is imported only when a file needs it.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from .careful import _field_at

        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start:exc.start + 1].hex().upper()
        raise VariablesError(
            f"le fichier n’est pas en UTF-8 (octet 0x{byte}) : enregistrez-le en UTF-8",
            path=label, line=line,
            field=_field_at(raw.decode("utf-8", errors="replace"), line)) from None
    problem = raw_problem(text)
    if problem:
        from .careful import _field_at

        line, message = problem
        raise VariablesError(message, path=label, line=line,
                             field=_field_at(blank_controls(text), line))
    fast = _fast_tree(text, label)
    if fast is not None:
        return fast
    from .careful import careful_tree

    return careful_tree(text, label)
