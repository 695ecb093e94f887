"""``check`` reads the template against its kit, without rendering it.

Every tag of the Word template is parsed on its own, in its paragraph: a tag that does not
parse, a filter or a variable that does not exist, a block left open, each fails ``check``
with the article (the last heading before it) and the tag named. Every field the kit declares
should be used somewhere (by the template, a calcul or a controle): one that is not is a
warning.
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem
from .expressions import environment
from .kit import Kit

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_BLOCK = re.compile(r"^\{%-?\s*(?:p|tr|tc|r)?\s+(\w+)\s*(.*?)\s*-?%\}$", re.S)
_OPENERS = {"if": "endif", "for": "endfor", "macro": "endmacro", "filter": "endfilter",
            "with": "endwith"}
_GLOBALS = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false",
            "none", "True", "False", "None", "precedent", "element", "cle"}


@dataclass
class _Tag:
    text: str
    heading: str
    part: str


def _paragraphs(path: Path) -> list[tuple[str, str, bool]]:
    """(part, text, is_heading) of every paragraph of the body, headers and footers."""
    from lxml import etree

    out = []
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        for name in sorted(names, key=lambda n: (n != "word/document.xml", n)):
            root = etree.fromstring(archive.read(name))
            for p in root.iter(f"{_W}p"):
                style = p.find(f"{_W}pPr/{_W}pStyle")
                heading = style is not None and re.match(
                    r"(Heading|Titre|Title)", style.get(f"{_W}val", "")) is not None
                text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
                out.append((name, text, heading))
    return out


def _tags(path: Path) -> list[_Tag]:
    tags, heading = [], "début du document"
    for part, text, is_heading in _paragraphs(path):
        if is_heading and text.strip():
            heading = _TAG.sub("…", text).strip()
        where = heading if part == "word/document.xml" else part.split("/")[-1]
        tags += [_Tag(m.group(0), where, part) for m in _TAG.finditer(text)]
    return tags


def _names(node: Any) -> tuple[set[str], set[str], set[str]]:
    """Names read, filters and tests used, by a parsed tag."""
    from jinja2 import nodes

    names = {n.name for n in node.find_all(nodes.Name) if n.ctx == "load"}
    filters = {f.name for f in node.find_all(nodes.Filter)}
    tests = {t.name for t in node.find_all(nodes.Test)}
    return names, filters, tests


def _stored(node: Any) -> set[str]:
    from jinja2 import nodes

    return {n.name for n in node.find_all(nodes.Name) if n.ctx == "store"}


@functools.lru_cache(maxsize=16)
def _cached(kit: Kit, template: str, mtime: int, known: frozenset[str]) -> tuple[Problem, ...]:
    return tuple(_check(kit, known))


def _source(tag: str) -> tuple[str | None, str]:
    """The tag as a parsable template, and its keyword (``if``, ``endfor``, ``{{``…)."""
    if tag.startswith("{{"):
        return tag, "{{"
    if tag.startswith("{#"):
        return None, "#"
    found = _BLOCK.match(tag)
    if not found:
        return f"{{% {tag[2:-2].strip()} %}}", "?"
    keyword, rest = found.group(1), found.group(2)
    if keyword in _OPENERS:
        return f"{{% {keyword} {rest} %}}{{% {_OPENERS[keyword]} %}}", keyword
    if keyword in ("elif",):
        return f"{{% if {rest} %}}{{% endif %}}", keyword
    if keyword == "set":
        return f"{{% set {rest} %}}", keyword
    return None, keyword


def _check(kit: Kit, known: frozenset[str]) -> list[Problem]:
    from jinja2 import TemplateSyntaxError

    env = environment()
    label = kit.label.rsplit("/", 1)[0] + "/" + kit.template.name
    problems: list[Problem] = []

    def fail(tag: _Tag, message: str) -> None:
        problems.append(Problem(f"{tag.heading} : {message} : « {tag.text[:120]} »", path=label))

    scopes: list[tuple[str, set[str], _Tag]] = []
    assigned: set[str] = set()
    used: set[str] = set()
    for tag in _tags(kit.template):
        source, keyword = _source(tag.text)
        if keyword in ("endif", "endfor", "endmacro", "endfilter", "endwith"):
            if not scopes or _OPENERS[scopes[-1][0]] != keyword:
                fail(tag, "balise de fin sans balise d’ouverture correspondante")
            else:
                scopes.pop()
            continue
        if keyword in ("else",) or source is None and keyword == "#":
            continue
        if source is None:
            fail(tag, f"balise inconnue « {keyword} »")
            continue
        try:
            node = env.parse(source)
        except TemplateSyntaxError as exc:
            fail(tag, f"balise invalide ({exc.message})")
            continue
        names, filters, tests = _names(node)
        local = set().union(*(s for _, s, _ in scopes)) | assigned
        stored = _stored(node)
        if keyword == "set":
            assigned |= stored
        for name in sorted(names - local - stored - _GLOBALS):
            if name not in known:
                fail(tag, f"variable inconnue « {name} » (ni du noyau, ni des champs ou "
                     "calculs du kit)")
        used |= names
        for name in sorted(filters - set(env.filters)):
            fail(tag, f"filtre inconnu « {name} »")
        for name in sorted(tests - set(env.tests)):
            fail(tag, f"test inconnu « {name} »")
        if keyword in _OPENERS:
            scopes.append((keyword, stored, tag))
        used |= {a for a in re.findall(r"\.(\w+)|\[\s*'(\w+)'\s*\]", tag.text) for a in a if a}
    for keyword, _, tag in scopes:
        fail(tag, f"bloc « {keyword} » jamais fermé ({_OPENERS[keyword]} manquant)")
    expressions = " ".join([c.expression for c in kit.calculs.values()] +
                           [f"{c.condition} {c.for_each or ''} {c.field}" for c in kit.checks])
    used |= set(re.findall(r"\w+", expressions))
    for name, spec in kit.fields.items():
        if name not in used:
            problems.append(Problem(f"le champ « {name} » ({spec.label}) n’est utilisé ni par le "
                                    "modèle ni par un calcul ou un contrôle", path=kit.label,
                                    line=spec.line, field=f"champs.{name}",
                                    severity="avertissement"))
    return problems


def check_template(kit: Kit) -> list[Problem]:
    """Every problem of KIT's template against the names the kernel and the kit offer."""
    from ..kernel.context import CONTEXT_KEYS

    if not kit.template.is_file():
        return [Problem("modèle introuvable", path=kit.label.rsplit("/", 1)[0] + "/" +
                        kit.template.name)]
    stat = kit.template.stat()
    known = frozenset((*CONTEXT_KEYS, *kit.fields, *kit.calculs))
    return list(_cached(kit, str(kit.template), stat.st_mtime_ns, known))
