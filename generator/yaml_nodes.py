"""From YAML nodes to plain data: one scalar resolver and one walk for both readers.

libyaml's fast reader (:mod:`generator.yaml_reader`) and the careful reader
(:mod:`generator.yaml_careful`) both compose a node tree, then hand it to :func:`plain_tree`,
so a value means the same whichever road the file took. Plain scalars are resolved by the
YAML 1.2 core schema, with the forms a drafter never means refused in French (``08``,
``0o12``, ``1_000``, ``.inf``), and every text is screened for characters a Word document
cannot hold or that hide what is signed (lone surrogates, controls, bidi overrides,
zero-width characters).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from .errors import VariablesError

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_DEPTH = 50
MAX_NUMBER = 10**15
"""No number read from a set is beyond this in absolute value (kits set tighter bounds)."""

Loc = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
SAFE_TAGS = frozenset(_TAG + t for t in
                      ("str", "int", "float", "bool", "null", "timestamp", "map", "seq"))
MERGE_TAG = _TAG + "merge"


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


class Refused(Exception):
    """A value the reader refuses; the walk adds the file, line and field."""


# --- Scalars: the YAML 1.2 core schema ------------------------------------------------------

_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]")
_OCT_HEX = re.compile(r"[-+]?0(o[0-7]+|x[0-9a-fA-F]+)")
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?")
_SPECIAL = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?")
_IF_TEXT = "ou entre guillemets si c’est un texte"


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar, or :class:`Refused` with the reason in French."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    first = text[0]
    if not (first.isdigit() or first in "+-."):
        return text  # the common case: a word
    if _OCT_HEX.fullmatch(text):
        raise Refused(f"notation octale ou hexadécimale refusée ({text}) : écrivez le nombre "
                      f"en chiffres décimaux, {_IF_TEXT}")
    if _SPECIAL.fullmatch(text):
        raise Refused(f"nombre infini ou indéfini refusé ({text})")
    numeric = _INT.fullmatch(text) or _FLOAT.fullmatch(text)
    if numeric and _LEADING_ZERO.match(text):
        digits = text.lstrip("+-").lstrip("0") or "0"
        raise Refused(f"nombre écrit avec un zéro en tête ({text}) : écrivez {digits}, "
                      f"{_IF_TEXT}")
    if _INT.fullmatch(text):
        return _bounded(int(text), text)
    if _FLOAT.fullmatch(text):
        return _bounded(float(text), text)
    if "_" in text and _UNDERSCORED.fullmatch(text):
        raise Refused(f"« _ » refusé dans un nombre ({text}) : écrivez {text.replace('_', '')}"
                      f", {_IF_TEXT}")
    found = _DATE.fullmatch(text)
    if found:
        try:
            return dt.date(*(int(part) for part in found.groups()))
        except ValueError:
            raise Refused(f"date impossible : {text} (AAAA-MM-JJ, jour et mois "
                          "existants)") from None
    found = _DATETIME.match(text)
    if found and _DATETIME.fullmatch(text):
        try:
            year, month, day, hour, minute, second = (int(part) for part in found.groups())
            return dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise Refused(f"date impossible : {text}") from None
    return text


def _bounded(number: int | float, text: str) -> int | float:
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise Refused(f"nombre trop grand ({text}) : au plus {MAX_NUMBER:_} en valeur absolue"
                      .replace("_", "\u202f"))
    return number


# --- Texts: what a document for signature never holds ---------------------------------------

_NAMES = {
    "\x00": "caractère nul", "\ufffe": "non-caractère", "\uffff": "non-caractère",
    "\u200b": "espace sans chasse", "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse", "\u2060": "gluon de mots", "\ufeff": "espace insécable "
    "sans chasse", "\u00ad": "trait d’union conditionnel invisible",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_ANY = re.compile(f"{_NOT_XML.pattern}|{_BIDI.pattern}|{_INVISIBLE.pattern}")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot go into a document for signature, in French; None when it can."""
    found = _ANY.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if _NOT_XML.fullmatch(char):
        kind = ("demi-code de substitution isolé" if "\ud800" <= char <= "\udfff"
                else _NAMES.get(char, "caractère de contrôle"))
        return (f"caractère interdit ({code}, {kind}) : un document Word ne peut pas le "
                "contenir")
    if _BIDI.fullmatch(char):
        return (f"caractère de contrôle de direction du texte interdit ({code}) : il change "
                "l’ordre apparent du texte signé")
    return f"caractère invisible interdit ({code}, {_NAMES.get(char, 'sans chasse')})"


def raw_problem(text: str) -> tuple[int, str] | None:
    """The line and French reason of the first control character in a file's text, if any."""
    found = _RAW.search(text)
    if found is None:
        return None
    char = found.group()
    line = text.count("\n", 0, found.start()) + 1
    name = _NAMES.get(char, "caractère de contrôle")
    return line, (f"caractère interdit dans un fichier YAML (U+{ord(char):04X}, {name}) : "
                  "le fichier est-il bien un texte ?")


_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def blank_controls(text: str) -> str:
    """``text`` with its control characters made spaces (to find a field's path around one)."""
    return _RAW.sub(" ", text)


# --- The walk ------------------------------------------------------------------------------

class Unusual(Exception):
    """The fast reader met something it leaves to the careful one (and its messages)."""


def plain_tree(root: Any, label: str, *, careful: bool) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Plain data and each field's line from a composed node tree (libyaml's or ruamel's).

    The fast reader (``careful=False``) raises :class:`Unusual` for anything but a plain
    tree (an alias, a tag, a merge key, deep nesting); the careful one has screened those.
    """
    lines: dict[Loc, int] = {}
    seen: set[int] = set()

    def fail(message: str, node: Any, loc: Loc) -> VariablesError:
        return VariablesError(message, path=label, line=node.start_mark.line + 1,
                              field=_dotted(loc) or None)

    def scalar(node: Any, loc: Loc) -> Any:
        value = node.value
        if node.style:
            result = value
        else:
            try:
                result = resolve_plain(value)
            except Refused as exc:
                raise fail(str(exc), node, loc) from None
        if isinstance(result, str):
            problem = text_problem(result)
            if problem:
                raise fail(problem, node, loc)
        return result

    def key_of(node: Any, loc: Loc) -> str:
        if type(node).__name__ != "ScalarNode":
            if not careful:
                raise Unusual
            raise fail("clé invalide : une clé est un simple mot", node, loc)
        problem = text_problem(node.value)
        if problem:
            raise fail(problem, node, loc)
        return str(node.value)

    def walk(node: Any, loc: Loc, depth: int) -> Any:
        tag = str(node.tag)
        if not careful and (id(node) in seen or tag not in SAFE_TAGS):
            raise Unusual  # an alias (shared node), or a tag
        if depth > MAX_DEPTH:
            if not careful:
                raise Unusual
            raise fail(f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)", node, loc)
        seen.add(id(node))
        kind = type(node).__name__
        if kind == "ScalarNode":
            return scalar(node, loc)
        if kind == "SequenceNode":
            items = []
            for index, child in enumerate(node.value):
                lines[(*loc, index)] = child.start_mark.line + 1
                items.append(walk(child, (*loc, index), depth + 1))
            return items
        out: dict[str, Any] = {}
        merged: list[Any] = []
        for key_node, child in node.value:
            if str(key_node.tag) == MERGE_TAG:
                if not careful:
                    raise Unusual
                merged.extend(child.value if type(child).__name__ == "SequenceNode"
                              else [child])
                continue
            key = key_of(key_node, loc)
            if key in out:
                if not careful:
                    raise Unusual
                raise fail("clé en double : chaque clé ne peut figurer qu’une fois par section",
                           key_node, (*loc, key))
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = walk(child, (*loc, key), depth + 1)
        for source in merged:  # YAML merge keys (<<: *base): explicit keys win
            if type(source).__name__ != "MappingNode":
                raise fail("fusion YAML (<<) d’autre chose qu’une section", source, loc)
            for key_node, child in source.value:
                key = key_of(key_node, loc)
                if key not in out:
                    lines[(*loc, key)] = key_node.start_mark.line + 1
                    out[key] = walk(child, (*loc, key), depth + 1)
        return out

    if type(root).__name__ != "MappingNode":
        if not careful:
            raise Unusual
        raise VariablesError("le fichier doit contenir des sections (clé: valeur)", path=label,
                             line=1)
    try:
        data = walk(root, (), 0)
    except RecursionError:
        raise Unusual from None
    return data, lines
