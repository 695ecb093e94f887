"""What went wrong in a template, in French, and where: the article (heading) and the tag.

docxtpl renders each part of a Word file as one Jinja source where every paragraph starts a
line; an error's line number thus names a paragraph. The place given to the user is the
Heading 1 paragraph before it (« Article 14 bis : … ») and the tag itself, never a window of
neighbouring lines.
"""

from __future__ import annotations

import difflib
import re
from types import TracebackType
from typing import Any

from .errors import AvenantError, TemplateError

_PARAGRAPH = re.compile(r"<w:p([ >])")
_HEADING = re.compile(r'<w:pStyle w:val="(?:Heading1|Titre1|heading1)"')
_XML_TAG = re.compile(r"<[^>]+>")
_JINJA_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.DOTALL)
_OPENS = {"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
_BLOCK_TAG = re.compile(r"\{%-?[a-z]{0,2}\s*(\w+)(\s*=|[^%]*=)?")
_PARTS = (("header", "en-tête"), ("footer", "pied de page"), ("footnotes", "notes de bas de page"),
          ("endnotes", "notes de fin"))


def lined(source: str) -> str:
    """The source as docxtpl renders it: each paragraph on a line of its own."""
    return _PARAGRAPH.sub(r"\n<w:p\1", source)


def _text(line: str) -> str:
    from html import unescape

    return " ".join(unescape(_XML_TAG.sub("", line)).split())


def place(source: str, lineno: int | None, partname: str = "", hint: str = "") -> str:
    """Where line ``lineno`` of a lined source is, in French (empty when unknown)."""
    lines = source.splitlines()
    words = []
    for key, name in _PARTS:
        if key in partname:
            words.append(f"dans {'les' if key.endswith('notes') else 'le'} {name}")
    if lineno is None or not 1 <= lineno <= len(lines):
        return ", ".join(words)
    if not words:
        heading = next((_text(lines[k]) for k in range(lineno - 1, -1, -1)
                        if _HEADING.search(lines[k])), "")
        words.append(f"article « {heading[:100]} »" if heading else "avant le premier article")
    text = _text(lines[lineno - 1])
    tags = _JINJA_TAG.findall(text)
    chosen = next((tag for tag in tags if hint and hint in tag), tags[0] if tags else "")
    if chosen:
        words.append(f"balise « {chosen[:120]} »")
    elif text:
        words.append(f"paragraphe « {text[:80]} »")
    return ", ".join(words)


def unclosed_block(source: str) -> tuple[int, str] | None:
    """The line and name of the last block tag left open (``{% if %}`` with no ``endif``)."""
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), 1):
        for found in _BLOCK_TAG.finditer(_text(line)):
            name = found.group(1)
            if name == "set" and not found.group(2):
                stack.append((number, name))  # {% set x %}…{% endset %}
            elif name in _OPENS:
                stack.append((number, name))
            elif name.startswith("end") and stack and stack[-1][1] == name[3:]:
                stack.pop()
    return stack[-1] if stack else None


_SYNTAX = [
    (re.compile(r"No filter named '([^']+)'"), "filtre inconnu : « {0} »{suggestion}"),
    (re.compile(r"No test named '([^']+)'"), "test inconnu : « {0} »"),
    (re.compile(r"Encountered unknown tag '([^']+)'"), "balise inconnue : « {0} »"),
    (re.compile(r"Unexpected end of template.*innermost block that needs to be closed is "
                r"'([^']+)'", re.DOTALL),
     "fin du modèle inattendue : le bloc « {0} » n’est jamais fermé (« end{0} » manque)"),
    (re.compile(r"[Uu]nexpected end of template, expected '([^']+)'"),
     "balise non fermée : « {0} » attendu"),
    (re.compile(r"[Uu]nexpected end of template"), "fin du modèle inattendue (balise non "
     "fermée ?)"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), "« {0} » attendu, « {1} » trouvé"),
    (re.compile(r"unexpected char '([^']+)'"), "caractère inattendu dans une balise : « {0} »"),
    (re.compile(r"unexpected '([^']+)'"), "« {0} » inattendu dans une balise"),
    (re.compile(r"tag name expected"), "nom de balise attendu après « {{% »"),
    (re.compile(r"expected name or number"), "nom ou nombre attendu"),
    (re.compile(r"missing end of raw directive"), "« endraw » manque"),
    (re.compile(r"unexpected end of comment"), "commentaire « {{# » jamais fermé"),
    (re.compile(r"access to attribute '([^']+)' of '([^']+)' object is unsafe"),
     "opération interdite dans un modèle (bac à sable) : accès à l’attribut « {0} »"),
    (re.compile(r"'([^']+)' is undefined"), "variable absente du jeu de variables : « {0} »"),
    (re.compile(r"has no attribute '([^']+)'"), "variable absente du jeu de variables : « {0} »"),
]
_TOKENS = {
    "end of print statement": "}}", "begin of print statement": "{{",
    "end of statement block": "%}", "begin of statement block": "{%",
    "end of template": "fin du modèle", "name": "nom", "integer": "nombre entier",
    "float": "nombre", "string": "texte entre guillemets", "operator": "opérateur",
}
_RUNTIME = {
    ZeroDivisionError: "division par zéro",
    RecursionError: "appels imbriqués trop profonds (une macro s’appelle-t-elle elle-même ?)",
    OverflowError: "nombre trop grand dans un calcul du modèle",
    TypeError: "opération impossible sur ces valeurs",
    ValueError: "valeur impossible dans un calcul du modèle",
    KeyError: "clé absente",
    IndexError: "élément de liste absent",
}


def french_message(exc: BaseException) -> tuple[str, str]:
    """Jinja's or Python's message in French, and a word to find the faulty tag by."""
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaError

    from .sandbox import MEMORY_LIMIT, TIME_LIMIT, Refused, Timeout

    if isinstance(exc, Refused):
        return str(exc), ""
    if isinstance(exc, AvenantError):
        return exc.message, ""
    if isinstance(exc, MemoryError):
        return f"mémoire dépassée pendant le rendu (plus de {MEMORY_LIMIT // 1024**2} Mo)", ""
    if isinstance(exc, Timeout):
        return (f"rendu trop long (plus de {TIME_LIMIT:g} s) : boucle trop grande ou sans "
                "fin ?"), ""
    text = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, JinjaError | SecurityError):
        for pattern, french in _SYNTAX:
            found = pattern.search(text)
            if found:
                words = [_TOKENS.get(group, group) for group in found.groups()]
                return french.format(*words, suggestion=_suggestion(found)), \
                    (found.group(1) if found.groups() else "")
        return f"balise de modèle invalide (message de Jinja : {text})", ""
    for kind, french in _RUNTIME.items():
        if isinstance(exc, kind):
            return (f"{french} ({text})" if text and kind not in (RecursionError,
                                                                   ZeroDivisionError)
                    else french), ""
    return f"rendu impossible ({type(exc).__name__} : {text})", ""


def _suggestion(found: re.Match[str]) -> str:
    from .french import FILTERS

    if "filter" not in found.re.pattern or not found.groups():
        return ""
    close = difflib.get_close_matches(found.group(1), list(FILTERS), n=1)
    return f" (voulez-vous dire « {close[0]} » ?)" if close else ""


def template_lineno(exc: BaseException) -> int | None:
    """The template line an exception was raised at (Jinja rewrites tracebacks to show it)."""
    lineno = getattr(exc, "lineno", None)
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def located(exc: BaseException, label: str, source: str | None = None,
            partname: str = "") -> TemplateError:
    """A French :class:`TemplateError` for ``exc``, naming the template, article and tag."""
    message, hint = french_message(exc)
    lineno = template_lineno(exc)
    if source is not None and "fin du modèle inattendue" in message:
        opened = unclosed_block(source)
        if opened:
            lineno, hint = opened
    where = place(source, lineno, partname, hint) if source is not None else ""
    value = hint or None
    return TemplateError(f"{message} — {where}" if where else message, path=label, value=value)


def at(message: str, label: str, source: str, lineno: int | None, partname: str = "",
       hint: str = "") -> TemplateError:
    """A French :class:`TemplateError` found without rendering, at a line of a lined source."""
    where = place(source, lineno, partname, hint)
    return TemplateError(f"{message} — {where}" if where else message, path=label,
                         value=hint or None)


def located_error(exc: Any, label: str) -> TemplateError:
    """:func:`located` for an exception docxtpl's part rendering tagged with its source."""
    return located(exc, label, getattr(exc, "avenant_source", None),
                   getattr(exc, "avenant_part", ""))
