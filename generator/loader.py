"""Reading a variable set from YAML: safe, strict, and every error placed at its line.

A well-formed set is read once by libyaml's C parser into nodes that know their lines. Anything
unusual (a syntax error, a tag, an alias, a duplicate key) takes the careful road: the YAML is
read as an event stream (to refuse tags that would build objects and alias bombs before
anything is built), then as a round-trip tree, whose nodes remember their line numbers, so that
every error can name ``file:line: field.path``.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path
from typing import Any

import msgspec

from .errors import InvalidVariables, Problem, VariablesError, os_reason
from .model import VariableSet

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

_TYPE_NAMES = {
    "int": "nombre entier attendu",
    "str": "texte attendu",
    "bool": "true ou false attendu",
    "date": "date attendue, au format AAAA-MM-JJ",
    "array": "liste attendue",
    "object": "section attendue (clé: valeur)",
    "null": "doit être vide",
    "float": "nombre attendu",
}

_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "identifiant attendu : minuscules sans accent, chiffres et « - »",
    r"^\d+-\d{4}$": "numéro attendu sous la forme rang-année (par exemple 1-2023)",
    r"\S": "texte vide",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$": "nom de fichier .docx attendu (sans chemin)",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    if isinstance(value, dt.date):
        shown = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
        return f" (valeur : {shown})"
    return f" (valeur : {value!r})"


def _french(message: str, value: Any, expected: tuple[Any, ...] = ()) -> str:
    """A French message for one of msgspec's validation messages about ``value``."""
    message = message.split(" - at `")[0]
    shown = _shown(value)
    found = re.match(r"Expected `\w+` (>=|>|<=|<) (\S+)", message)
    if found and found.group(1) == ">=" and found.group(2) == "1":
        return f"doit être strictement supérieur à 0{shown}"
    if found:
        words = {">=": "supérieur ou égal à", ">": "strictement supérieur à",
                 "<=": "inférieur ou égal à", "<": "strictement inférieur à"}[found.group(1)]
        return f"doit être {words} {found.group(2)}{shown}"
    found = re.match(r"Expected `str` matching regex '(.*)'$", message)
    if found:
        return _PATTERNS.get(found.group(1), "forme invalide") + shown
    if message.startswith("Invalid enum value"):
        choices = " ou ".join(repr(choice) for choice in expected)
        return f"valeur attendue : {choices}{shown}"
    if message.startswith("Invalid RFC3339"):
        return _TYPE_NAMES["date"] + shown
    found = re.match(r"Expected `([\w]+)[^`]*`, got `(\w+)`", message)
    if found:
        if found.group(1) == "date" and found.group(2) == "datetime":
            return "date attendue, sans heure" + shown
        return _TYPE_NAMES.get(found.group(1), "valeur invalide") + shown
    return f"valeur invalide{shown}"


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


_CACHE: dict[tuple[str, str, int, int], tuple[VariableSet, dict[Loc, int]]] = {}


def load(path: Path, label: str | None = None) -> tuple[VariableSet, dict[Loc, int]]:
    """Load and validate a variable set; every problem of the file is reported at once.

    A valid set is kept for the life of the process, keyed by its path, size and modification
    time (the model is frozen): a batch reads each earlier version once, not once per build.
    """
    label = label or str(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), label, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    result = _load(path, label)
    if key is not None:
        _CACHE[key] = result
    return result


def _literal_choices(kind: Any) -> tuple[Any, ...]:
    for arg in (kind, *typing.get_args(kind)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


def _collect(value: Any, kind: Any, loc: Loc, out: list[tuple[Loc, str]]) -> None:
    """Every validation error of ``value`` against ``kind``, each at its own field.

    msgspec stops at the first error; walking the type section by section finds them all.
    """
    origin = typing.get_origin(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        if not isinstance(value, dict):
            out.append((loc, _TYPE_NAMES["object"] + _shown(value)))
            return
        fields = msgspec.structs.fields(kind)
        names = {f.encode_name for f in fields}
        for item in fields:
            if item.encode_name not in value:
                if item.required:
                    out.append(((*loc, item.encode_name), "champ obligatoire manquant"))
                continue
            _collect(value[item.encode_name], item.type, (*loc, item.encode_name), out)
        for key in value:
            if key not in names:
                out.append(((*loc, str(key)), "clé inconnue (faute de frappe ?)"))
        return
    if origin is list and isinstance(value, list):
        (item_kind,) = typing.get_args(kind)
        for index, item in enumerate(value):
            _collect(item, item_kind, (*loc, index), out)
        return
    if origin is dict and isinstance(value, dict):
        key_kind, item_kind = typing.get_args(kind)
        for key, item in value.items():
            try:
                msgspec.convert(key, key_kind, strict=True)
            except msgspec.ValidationError as exc:
                out.append(((*loc, str(key)), f"clé invalide : {_french(str(exc), key)}"))
                continue
            _collect(item, item_kind, (*loc, str(key)), out)
        return
    if origin in (typing.Union, types.UnionType) and value is not None:
        structs = [a for a in typing.get_args(kind)
                   if isinstance(a, type) and issubclass(a, msgspec.Struct)]
        if structs:
            _collect(value, structs[0], loc, out)
            return
    try:
        msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as exc:
        out.append((loc, _french(str(exc), value, _literal_choices(kind))))


def _load(path: Path, label: str) -> tuple[VariableSet, dict[Loc, int]]:
    data, lines = read_tree(path, label)
    problems: list[Problem] = []
    _refuse_template_syntax(data, (), lines, label, problems)
    try:
        model = msgspec.convert(data, VariableSet, strict=True)
    except msgspec.ValidationError:
        found: list[tuple[Loc, str]] = []
        _collect(data, VariableSet, (), found)
        if not found:  # msgspec saw something the walk did not: say it as msgspec did
            try:
                msgspec.convert(data, VariableSet, strict=True)
            except msgspec.ValidationError as exc:
                found.append(((), _french(str(exc), None)))
        for loc, message in found:
            problems.append(Problem(message, path=label, line=_line_of(loc, lines) or 1,
                                    field=_dotted(loc) or None))
        problems.sort(key=lambda p: p.line or 0)
        raise InvalidVariables(label, problems) from None
    if problems:
        raise InvalidVariables(label, problems)
    return model, lines
