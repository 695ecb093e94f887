"""Reading a variable set from YAML: safe, strict, and every error placed at its line.

The YAML is read twice, cheaply: first as an event stream (to refuse tags that would build
objects and alias bombs before anything is built), then as a round-trip tree, whose nodes
remember their line numbers, so that a schema error can name ``file:line: field.path``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from .errors import InvalidVariables, Problem, VariablesError
from .model import VariableSet

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 100_000
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "string_type": "texte attendu",
    "bool_type": "true ou false attendu",
    "date_type": "date attendue, au format AAAA-MM-JJ",
    "date_parsing": "date attendue, au format AAAA-MM-JJ",
    "date_from_datetime_inexact": "date attendue, sans heure",
    "list_type": "liste attendue",
    "dict_type": "section attendue (clé: valeur)",
    "model_type": "section attendue (clé: valeur)",
    "model_attributes_type": "section attendue (clé: valeur)",
    "string_too_short": "texte vide",
    "none_required": "doit être vide",
}


_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "identifiant attendu : minuscules sans accent, chiffres et « - »",
    r"^\d+-\d{4}$": "numéro attendu sous la forme rang-année (par exemple 1-2023)",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    if isinstance(value, dt.date):
        shown = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
        return f" (valeur : {shown})"
    return f" (valeur : {value!r})"


def _french(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    shown = _shown(error.get("input"))
    if kind == "greater_than_equal":
        return f"doit être supérieur ou égal à {ctx.get('ge')}{shown}"
    if kind == "greater_than":
        return f"doit être strictement supérieur à {ctx.get('gt')}{shown}"
    if kind == "less_than_equal":
        return f"doit être inférieur ou égal à {ctx.get('le')}{shown}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"valeur attendue : {expected}{shown}"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "forme invalide") + shown
    if kind in _MESSAGES:
        return _MESSAGES[kind] + ("" if kind == "missing" else shown)
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


@dataclass
class _Frame:
    """An open mapping or sequence while walking the event stream."""

    mapping: bool
    anchor: str | None
    line: int
    key: str | None = None
    expecting_key: bool = True
    index: int = -1
    keys: set[str] = field(default_factory=set)
    size: int = 1


def _loc(frames: list[_Frame]) -> Loc:
    loc: list[str | int] = []
    for frame in frames:
        if frame.mapping and frame.key is not None:
            loc.append(frame.key)
        elif not frame.mapping and frame.index >= 0:
            loc.append(frame.index)
    return tuple(loc)


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class _Screen:
    """Walk the YAML events once, tracking the field path, and refuse what must never load.

    Refused: explicit tags (``!!python/object…`` would build objects), duplicate keys, dates
    that do not exist, alias bombs (the size with every alias expanded is counted as the
    events go by, so a billion laughs stops after a few thousand nodes), deep nesting.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.frames: list[_Frame] = []
        self.anchors: dict[str, int] = {}
        self.aliases = 0
        self.total = 0
        self.loc: Loc = ()
        self.line: int | None = None

    def error(self, message: str, line: int | None = None) -> VariablesError:
        return VariablesError(message, path=self.label, line=line or self.line,
                              field=_dotted(self.loc) or None)

    def _grow(self, size: int) -> None:
        if self.frames:
            self.frames[-1].size += size
        self.total += size
        if self.total > MAX_NODES:
            raise self.error(
                f"fichier refusé : plus de {MAX_NODES} valeurs une fois les alias YAML "
                "développés (bombe d’alias ?)")

    def _place(self, event: Any) -> bool:
        """Advance the path for a node about to start; True when the node is a mapping key."""
        self.line = event.start_mark.line + 1
        is_key = False
        if self.frames:
            top = self.frames[-1]
            if top.mapping:
                if top.expecting_key:
                    is_key = True
                    top.key = str(event.value) if isinstance(event, ScalarEvent) else "?"
                    top.expecting_key = False
                else:
                    top.expecting_key = True
            else:
                top.index += 1
        self.loc = _loc(self.frames)
        if is_key and self.frames[-1].key in self.frames[-1].keys:
            raise self.error("clé en double : chaque clé ne peut figurer qu’une fois par section")
        if is_key and self.frames[-1].key is not None:
            self.frames[-1].keys.add(self.frames[-1].key)
        return is_key

    def feed(self, event: Any) -> None:
        """Check one event."""
        if isinstance(event, ScalarEvent | AliasEvent | CollectionStartEvent):
            is_key = self._place(event)
            tag = getattr(event, "tag", None)
            if tag and not isinstance(event, AliasEvent):
                raise self.error(
                    f"étiquette YAML refusée ({_shown_tag(tag)}) : un jeu de variables ne "
                    "contient que des textes, des nombres, des dates, des listes et des sections")
            if isinstance(event, AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise self.error(f"trop d’alias YAML (plus de {MAX_ALIASES}) : fichier refusé")
                if event.anchor not in self.anchors:
                    raise self.error(f"alias YAML inconnu ou récursif : *{event.anchor}")
                self._grow(self.anchors[event.anchor])
            elif isinstance(event, ScalarEvent):
                if not is_key and event.style is None:
                    self._check_date(event.value)
                if event.anchor:
                    self.anchors[event.anchor] = 1
                self._grow(1)
            else:
                if len(self.frames) >= MAX_DEPTH:
                    raise self.error(f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)")
                self.frames.append(_Frame(mapping=isinstance(event, MappingStartEvent),
                                          anchor=event.anchor, line=self.line or 1))
                self.total += 1
        elif isinstance(event, CollectionEndEvent) and self.frames:
            done = self.frames.pop()
            if done.anchor:
                self.anchors[done.anchor] = done.size
            if self.frames:
                self.frames[-1].size += done.size

    def _check_date(self, value: str) -> None:
        match = _DATE.match(value)
        if match:
            try:
                dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise self.error(f"date impossible : {value} (AAAA-MM-JJ, jour et mois "
                                 "existants)") from None


# The YAML parser's messages, in French (matched on the start of the English text).
_SYNTAX = [
    ("expected ',' or ']'", "liste entre crochets mal fermée : « , » ou « ] » attendu"),
    ("expected ',' or '}'", "section entre accolades mal fermée : « , » ou « } » attendu"),
    ("expected <block end>", "indentation incohérente (ou élément de liste « - » mal placé)"),
    ("mapping values are not allowed", "« : » inattendu ; mettez la valeur entre guillemets "
     "si elle contient « : »"),
    ("could not find expected ':'", "« : » attendu après la clé"),
    ("found character '\\t'", "tabulation interdite : indentez avec des espaces"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non "
     "fermé ?)"),
    ("found undefined alias", "alias YAML inconnu"),
    ("found unknown escape character", "séquence d’échappement inconnue entre guillemets"),
    ("expected a single document", "un seul document YAML par fichier"),
    ("but found another document", "un seul document YAML par fichier"),
    ("found character", "caractère interdit à cet endroit"),
    ("found a tab character", "tabulation interdite : indentez avec des espaces"),
]


def _syntax_message(exc: MarkedYAMLError) -> str:
    english = str(exc.problem or exc.context or "")
    opened = ""
    context, start_mark, mark = str(exc.context or ""), exc.context_mark, exc.problem_mark
    if (("flow" in context or "quoted" in context) and start_mark is not None
            and mark is not None and start_mark.line != mark.line):
        opened = f" (ouverte ligne {start_mark.line + 1})"
    for start, french in _SYNTAX:
        if english.startswith(start):
            return f"erreur de syntaxe YAML : {french}{opened}"
    return f"erreur de syntaxe YAML (message de l’analyseur : {english}){opened}"


def _screen_events(text: str, label: str) -> None:
    """Refuse explicit tags, alias bombs and syntax errors before anything is constructed."""
    screen = _Screen(label)
    try:
        for event in YAML(typ="safe").parse(text):
            screen.feed(event)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise VariablesError(_syntax_message(exc), path=label,
                             line=mark.line + 1 if mark else screen.line,
                             field=_dotted(screen.loc) or None) from None
    except YAMLError as exc:
        raise VariablesError(f"YAML illisible ({exc})", path=label) from None


def _field_at(text: str, line: int) -> str | None:
    """The field path of the last node that starts on or before ``line``, as well as can be."""
    screen = _Screen("")
    found: Loc = ()
    try:
        for event in YAML(typ="safe").parse(text):
            if event.start_mark.line + 1 > line:
                break
            screen.feed(event)
            found = screen.loc
    except (YAMLError, VariablesError):
        pass
    return _dotted(found) or None


def read_tree(path: Path, label: str | None = None) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Read a YAML variable set as plain data, with the line of every field."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VariablesError("fichier introuvable", path=label) from None
    except OSError as exc:
        raise VariablesError(f"lecture impossible ({exc.strerror})", path=label) from None
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
            field=_field_at(raw.decode("utf-8", errors="replace"), line)) from None
    _screen_events(text, label)
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark else None
        raise VariablesError(_syntax_message(exc), path=label, line=where,
                             field=_field_at(text, where) if where else None) from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise VariablesError(f"YAML illisible ({exc})", path=label) from None
    if not isinstance(tree, dict):
        raise VariablesError("le fichier doit contenir des sections (clé: valeur)", path=label,
                             line=1)
    lines: dict[Loc, int] = {}
    return _plain(tree, (), lines), lines


def _refuse_template_syntax(data: Any, loc: Loc, lines: dict[Loc, int], label: str,
                            problems: list[Problem]) -> None:
    """Values are data: a value that looks like a template tag is refused, never evaluated."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_template_syntax(value, (*loc, key), lines, label, problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _refuse_template_syntax(value, (*loc, index), lines, label, problems)
    elif isinstance(data, str) and any(tag in data for tag in ("{{", "{%", "{#", "}}", "%}")):
        problems.append(Problem(
            "une valeur ne peut pas contenir de balise de modèle ({{, {%, {#) : "
            f"{data!r}", path=label, line=_line_of(loc, lines), field=_dotted(loc)))


def load(path: Path, label: str | None = None) -> tuple[VariableSet, dict[Loc, int]]:
    """Load and validate a variable set; every problem of the file is reported at once."""
    label = label or str(path)
    data, lines = read_tree(path, label)
    problems: list[Problem] = []
    _refuse_template_syntax(data, (), lines, label, problems)
    try:
        model = VariableSet.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = _french(dict(error))
            if loc and loc[-1] == "[key]":
                loc, message = loc[:-1], f"clé invalide : {message}"
            problems.append(Problem(message, path=label,
                                    line=_line_of(loc, lines) or 1, field=_dotted(loc)))
        raise InvalidVariables(label, problems) from None
    if problems:
        raise InvalidVariables(label, problems)
    return model, lines
