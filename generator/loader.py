"""Loading a variable set: read it (:mod:`generator.yaml_reader`), then validate it.

Every error names ``file:line: field.path``.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path
from typing import Any

import msgspec

from .errors import InvalidVariables, Problem
from .model import VariableSet
from .yaml_nodes import Loc, _dotted, _line_of
from .yaml_reader import read_tree

__all__ = ["load", "read_tree", "Loc", "_dotted", "_line_of", "TAG_MARKERS"]

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
