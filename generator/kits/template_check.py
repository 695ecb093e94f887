"""The one template checker: a Word template read against its kit, without rendering it.

Each part (body, headers, footers) is read as docxtpl renders it and parsed whole by the
templates' sandbox. Every fault is an error that names the template, the article (the heading
before it) and the tag, in the words build uses: a tag that does not parse or a block left
open, an unknown filter or test, ``include``/``import``/``extends`` (a template is one Word
file), a variable that is neither the kernel's nor a field or calcul of the kit. Every field
the kit declares should be used somewhere (by the template, a calcul, a controle or a label):
one that is not is a warning at its line of the kit file.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..errors import Problem, TemplateError
from .kit import Kit

# Names Jinja itself gives a template (besides the environment's globals).
_JINJA_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "self"})


def _local_names(tree: Any) -> set[str]:
    """Names a template part binds itself: loop and set targets, macros and their arguments."""
    from jinja2 import nodes

    bound = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return bound | {m.name for m in tree.find_all(nodes.Macro)}


def _used(tree: Any) -> set[str]:
    """Every name a part reads, and every attribute or key it looks up."""
    from jinja2 import nodes

    used = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    used |= {n.attr for n in tree.find_all(nodes.Getattr)}
    used |= {n.arg.value for n in tree.find_all(nodes.Getitem)
             if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)}
    return used


def _part_errors(env: Any, label: str, partname: str, source: str,
                 known: frozenset[str] | None, used: set[str] | None) -> list[TemplateError]:
    """The errors of one part; the names it uses added to USED (None: a part did not parse)."""
    from jinja2 import TemplateSyntaxError, nodes

    from ..document.template_errors import at, located

    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise _Unparsed(located(exc, label, source, partname)) from None
    errors = []
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        errors.append(at("« include », « import » et « extends » sont interdits dans un modèle : "
                         "un modèle tient en un seul fichier Word", label, source, node.lineno,
                         partname))
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            errors.append(located(TemplateSyntaxError(f"No filter named '{node.name}'.",
                                                      node.lineno), label, source, partname))
    for node in tree.find_all(nodes.Test):
        if node.name not in env.tests:
            errors.append(located(TemplateSyntaxError(f"No test named '{node.name}'.",
                                                      node.lineno), label, source, partname))
    if used is not None:
        used |= _used(tree)
    if known is not None:
        allowed = known | _local_names(tree) | set(env.globals) | _JINJA_NAMES
        seen: set[str] = set()
        for node in tree.find_all(nodes.Name):
            if node.ctx == "load" and node.name not in allowed and node.name not in seen:
                seen.add(node.name)
                errors.append(at(f"variable inconnue : « {node.name} » (ni du noyau, ni un champ "
                                 "ou un calcul du kit)", label, source, node.lineno, partname,
                                 hint=node.name))
    if not errors:
        try:
            env.compile(source)
        except TemplateSyntaxError as exc:
            errors.append(located(exc, label, source, partname))
    return errors


class _Unparsed(Exception):
    def __init__(self, error: TemplateError) -> None:
        self.error = error


def template_errors(template: Path, label: str, known: frozenset[str] | None = None
                    ) -> tuple[list[TemplateError], set[str] | None]:
    """Every error of a template found without rendering it, and the names it uses.

    With KNOWN (the names its context offers), a variable outside them is an error too. The
    names used are None when a part does not parse (what it uses is then unknown).
    """
    from ..document.render import template_sources
    from ..document.sandbox import environment

    try:
        sources = template_sources(template, label)
    except TemplateError as exc:
        return [exc], None
    env = environment()
    used: set[str] | None = set()
    errors: list[TemplateError] = []
    for partname, source in sources:
        try:
            errors += _part_errors(env, label, partname, source, known, used)
        except _Unparsed as exc:
            errors.append(exc.error)
            used = None
    return errors, used


def _kit_words(kit: Kit) -> set[str]:
    """The names a kit's own expressions and texts read (calculs, controles, labels)."""
    texts = [c.expression for c in kit.calculs.values()]
    texts += [f"{c.condition} {c.for_each or ''} {c.field} {c.message}" for c in kit.checks]

    def labels(fields: dict[str, Any]) -> None:
        for spec in fields.values():
            texts.append(spec.item_label or "")
            labels(spec.fields)
            if spec.element is not None:
                labels({"": spec.element})

    labels(kit.fields)
    return set(re.findall(r"\w+", " ".join(texts)))


@functools.lru_cache(maxsize=16)
def _cached(kit: Kit, template: str, mtime: int, size: int) -> tuple[Problem, ...]:
    from ..kernel.computed import CONTEXT_KEYS

    label = kit.label.rsplit("/", 1)[0] + "/" + kit.template.name
    known = frozenset((*CONTEXT_KEYS, *kit.fields, *kit.calculs))
    errors, used = template_errors(kit.template, label, known)
    problems = [Problem(e.message, path=e.path or label) for e in errors]
    if used is None:
        return tuple(problems)  # a part that does not parse: what the template uses is unknown
    used |= _kit_words(kit)
    for name, spec in kit.fields.items():
        if name not in used:
            problems.append(Problem(f"le champ « {name} » ({spec.label}) n’est utilisé ni par le "
                                    "modèle ni par un calcul ou un contrôle", path=kit.label,
                                    line=spec.line, field=f"champs.{name}",
                                    severity="avertissement"))
    return tuple(problems)


def check_template(kit: Kit) -> list[Problem]:
    """Every problem of KIT's template: errors (article and tag named), unused fields."""
    if not kit.template.is_file():
        return [Problem("modèle introuvable", path=kit.label.rsplit("/", 1)[0] + "/" +
                        kit.template.name)]
    stat = kit.template.stat()
    return list(_cached(kit, str(kit.template), stat.st_mtime_ns, stat.st_size))
