"""The careful road for YAML that is not plainly well formed: every problem placed exactly.

:func:`careful_tree` walks the event stream once to refuse what must never load (tags that
would build objects, alias bombs, duplicate keys), with the field path of each event, then
composes ruamel's node tree and turns it into values by the walk the fast reader uses
(:func:`generator.yaml_nodes.plain_tree`). It is slower than libyaml's reader in
:mod:`generator.yaml_reader`, and is only taken when that one gives up. A syntax error after
a quote left open is placed where the quote opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)

from .errors import VariablesError
from .yaml_nodes import MAX_ALIASES, MAX_DEPTH, MAX_NODES, Loc, _dotted, plain_tree


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


class _Screen:
    """Walk the YAML events once, tracking the field path, and refuse what must never load.

    Refused: explicit tags (``!!python/object…`` would build objects), duplicate keys, alias
    bombs (the size with every alias expanded is counted as the
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
            self._place(event)
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
    ("expected the node content", "valeur attendue (crochet, accolade ou guillemet non "
     "fermé ?)"),
    ("found unexpected ':'", "« : » inattendu ; mettez la valeur entre guillemets"),
    ("expected <block mapping start>", "indentation incohérente"),
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


_QUOTE_START = re.compile(r"""\s*(?:-\s+)?(?:[^'"#\s][^#]*?:\s+)?(["'])""")
_QUOTE_END = {'"': re.compile(r'(?:[^"\\]|\\.)*"'), "'": re.compile(r"(?:[^']|'')*'(?!')")}


def _quote_spans(text: str) -> list[tuple[int, int | None, str]]:
    """Quoted values that do not close on their own line: (opening line, closing line, quote).

    Lines count from 1; the closing line is None when the quote never closes.
    """
    spans: list[tuple[int, int | None, str]] = []
    opened: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if opened is None:
            found = _QUOTE_START.match(line)
            if found and not _QUOTE_END[found.group(1)].match(line, found.end()):
                opened = (number, found.group(1))
        elif _QUOTE_END[opened[1]].match(line):
            spans.append((opened[0], number, opened[1]))
            opened = None
    if opened is not None:
        spans.append((opened[0], None, opened[1]))
    return spans


def _unclosed_quote(text: str, line: int) -> tuple[int, str] | None:
    """The line and French message of a quote left open, when it explains an error at ``line``.

    A value whose quote is not closed swallows the lines below it until the next quote of the
    same kind, and the parser only stumbles there: the fault is where the quote opened.
    """
    for start, end, quote in reversed(_quote_spans(text)):
        if start < line and (end is None or end >= line - 1):
            if end is None:
                return start, (f"guillemet « {quote} » ouvert et jamais refermé (fin de fichier "
                               "inattendue)")
            return start, (f"guillemet « {quote} » ouvert et refermé seulement ligne {end} : "
                           "fermez-le sur la ligne de sa valeur")
        if start < line:
            break
    return None


def _syntax_error(exc: MarkedYAMLError, text: str, label: str) -> VariablesError:
    """The French error for a YAML syntax error, placed where the fault is."""
    mark = exc.problem_mark or exc.context_mark
    where = mark.line + 1 if mark else None
    quote = _unclosed_quote(text, where) if where else None
    if quote:
        where, message = quote[0], f"erreur de syntaxe YAML : {quote[1]}"
    else:
        message = _syntax_message(exc)
    return VariablesError(message, path=label, line=where,
                          field=_field_at(text, where) if where else None)


def _screen_events(text: str, label: str) -> None:
    """Refuse explicit tags, alias bombs and syntax errors before anything is constructed."""
    screen = _Screen(label)
    try:
        for event in YAML(typ="safe").parse(text):
            screen.feed(event)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, text, label) from None
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


def careful_tree(text: str, label: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Screen the events, then compose the node tree and read it as the fast reader does."""
    _screen_events(text, label)
    try:
        root = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, text, label) from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise VariablesError(f"YAML illisible ({exc})", path=label) from None
    return plain_tree(root, label, careful=True)
