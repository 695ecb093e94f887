"""Reading a variable set from YAML: safe, strict, and every error placed at its line.

The YAML is read twice, cheaply: first as an event stream (to refuse tags that would build
objects and alias bombs before anything is built), then as a round-trip tree, whose nodes
remember their line numbers, so that a schema error can name ``file:line: field.path``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from .errors import InvalidVariables, Problem, VariablesError
from .model import VariableSet

MAX_BYTES = 1_000_000
MAX_ALIASES = 100

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


def _french(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) or got is None else f" (valeur : {got!r})"
    if kind == "greater_than_equal":
        return f"doit être supérieur ou égal à {ctx.get('ge')}{shown}"
    if kind == "greater_than":
        return f"doit être strictement supérieur à {ctx.get('gt')}{shown}"
    if kind == "less_than_equal":
        return f"doit être inférieur ou égal à {ctx.get('le')}{shown}"
    if kind == "literal_error":
        return f"valeur attendue : {ctx.get('expected')}{shown}"
    if kind == "string_pattern_mismatch":
        return f"forme invalide{shown}"
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
                lines[child] = node.lc.key(key)[0] + 1
            except (AttributeError, KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, child, lines)
        return out
    if isinstance(node, list):
        items = []
        for index, value in enumerate(node):
            child = (*loc, index)
            try:
                lines[child] = node.lc.item(index)[0] + 1
            except (AttributeError, KeyError, TypeError):
                pass
            items.append(_plain(value, child, lines))
        return items
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, bool | int | float | dt.date) or node is None:
        return node
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


def _screen_events(text: str, label: str) -> None:
    """Refuse explicit tags and alias bombs before anything is constructed."""
    aliases = 0
    try:
        for event in YAML(typ="safe").parse(text):
            tag = getattr(event, "tag", None)
            if isinstance(event, ScalarEvent | CollectionStartEvent) and tag:
                raise VariablesError(
                    f"étiquette YAML refusée ({tag}) : un jeu de variables ne contient que "
                    "des textes, des nombres, des dates, des listes et des sections",
                    path=label, line=event.start_mark.line + 1)
            if isinstance(event, AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise VariablesError(
                        f"trop d’alias YAML (plus de {MAX_ALIASES}) : fichier refusé",
                        path=label, line=event.start_mark.line + 1)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, label) from None
    except YAMLError as exc:
        raise VariablesError(f"YAML illisible : {exc}", path=label) from None


def _syntax_error(exc: MarkedYAMLError, label: str) -> VariablesError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = exc.problem or exc.context or "erreur de syntaxe"
    return VariablesError(f"erreur de syntaxe YAML : {what}", path=label, line=line)


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
        raise VariablesError("le fichier n’est pas en UTF-8", path=label, line=line) from None
    _screen_events(text, label)
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, label) from None
    except YAMLError as exc:
        raise VariablesError(f"YAML illisible : {exc}", path=label) from None
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
            problems.append(Problem(_french(dict(error)), path=label,
                                    line=_line_of(loc, lines), field=_dotted(loc)))
        raise InvalidVariables(label, problems) from None
    if problems:
        raise InvalidVariables(label, problems)
    return model, lines
