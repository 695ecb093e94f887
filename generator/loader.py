"""Reading a variable set from YAML: safe, strict, and every error placed at its line.

The validation of what was read (kernel and kit) lives in :mod:`generator.kits.sets`.
A well-formed set is read once by libyaml's C parser into nodes that know their lines. Anything
unusual (a syntax error, a tag, an alias, a duplicate key) takes the careful road: the YAML is
read as an event stream (to refuse tags that would build objects and alias bombs before
anything is built), then as a round-trip tree, whose nodes remember their line numbers, so that
every error can name ``file:line: field.path``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .errors import Problem, VariablesError, os_reason

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """Turn the round-trip tree into plain Python, recording each field's line."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            child = (*loc, str(key))
            try:
                lines[child] = node.lc.key(key)[0] + 1  # type: ignore[attr-defined]
            except (AttributeError, KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, child, lines)
        return out
    if isinstance(node, list):
        items = []
        for index, value in enumerate(node):
            child = (*loc, index)
            try:
                lines[child] = node.lc.item(index)[0] + 1  # type: ignore[attr-defined]
            except (AttributeError, KeyError, TypeError):
                pass
            items.append(_plain(value, child, lines))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, bool | dt.date) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)


def _line_of(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in
              ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_INT_12 = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_12 = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BOOL_12 = {"true", "false"}


class _Unusual(Exception):
    """The fast reader met something it leaves to the careful one (and its messages)."""


def _fast_tree(text: str) -> tuple[dict[str, Any], dict[Loc, int]] | None:
    """Read a well-formed set with libyaml's C parser, or return None to take the slow road.

    Only the common case is handled here: any syntax error, tag, alias, duplicate key, odd
    scalar or deep nesting sends the file to :func:`_screen_events` and the round-trip reader,
    whose errors name the line and field. Scalars are resolved as YAML 1.2 resolves them (as
    the round-trip reader does): ``on`` or ``012`` stay text.
    """
    try:
        import yaml
        loader_class = yaml.CSafeLoader
    except (ImportError, AttributeError):
        return None
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        return None
    lines: dict[Loc, int] = {}
    seen: set[int] = set()
    constructor = yaml.SafeLoader("")

    def scalar(node: Any) -> Any:
        tag, value = node.tag, node.value
        if node.style or tag == "tag:yaml.org,2002:str":
            return value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            if value.lower() not in _BOOL_12:
                return value
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            return int(value) if _INT_12.match(value) else value
        if tag == "tag:yaml.org,2002:float":
            return float(value) if _FLOAT_12.match(value) else value
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                return constructor.construct_yaml_timestamp(node)
            except ValueError:
                raise _Unusual from None
        raise _Unusual

    def walk(node: Any, loc: Loc, depth: int) -> Any:
        if id(node) in seen or node.tag not in _SAFE_TAGS or depth > MAX_DEPTH:
            raise _Unusual  # an alias (shared node), a tag, or too deep
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return scalar(node)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                lines[(*loc, index)] = child.start_mark.line + 1
                items.append(walk(child, (*loc, index), depth + 1))
            return items
        out: dict[str, Any] = {}
        for key_node, child in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or id(key_node) in seen:
                raise _Unusual
            seen.add(id(key_node))
            key = str(key_node.value)
            if key in out or key_node.tag not in _SAFE_TAGS:
                raise _Unusual
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = walk(child, (*loc, key), depth + 1)
        return out

    try:
        return walk(root, (), 0), lines
    except (_Unusual, RecursionError):
        return None


def _utf8_field(raw: bytes, line: int) -> str | None:
    from .yaml_careful import _field_at

    return _field_at(raw.decode("utf-8", errors="replace"), line)


def read_tree(path: Path, label: str | None = None) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Read a YAML variable set as plain data, with the line of every field."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VariablesError("fichier introuvable", path=label) from None
    except OSError as exc:
        raise VariablesError(f"lecture impossible ({os_reason(exc)})", path=label) from None
    if len(raw) > MAX_BYTES:
        raise VariablesError(f"fichier trop volumineux ({len(raw)} octets)", path=label)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start:exc.start + 1].hex().upper()
        raise VariablesError(
            f"le fichier n’est pas en UTF-8 (octet 0x{byte}) : enregistrez-le en UTF-8",
            path=label, line=line,
            field=_utf8_field(raw, line)) from None
    fast = _fast_tree(text)
    if fast is not None:
        return fast
    from .yaml_careful import careful_tree

    return careful_tree(text, label)



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
