"""Rendering a docxtpl template: strict, sandboxed, escaped, and checked afterwards.

Jinja runs in a :class:`~jinja2.sandbox.SandboxedEnvironment` with :class:`StrictUndefined`
and autoescape on: a missing variable is an error, a template that reaches for Python internals
is refused, and a value such as ``Dupont & Fils <SARL>`` is written literally.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from .errors import TemplateError
from .loader import TAG_MARKERS

_UNDEFINED_ATTR = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")
_CACHE_SIZE = 64  # distinct template parts kept compiled (a few per template)


def _configured(environment_class: Any) -> Any:
    from jinja2 import StrictUndefined

    from .french import FILTERS

    env = environment_class(undefined=StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


@functools.cache
def _shared_environment() -> Any:
    """One environment per process that compiles each template source only once.

    docxtpl hands every part to ``from_string`` afresh; building many avenants from one
    template would otherwise parse and compile the same Jinja source each time.
    """
    from jinja2.sandbox import SandboxedEnvironment

    class _CompileOnce(SandboxedEnvironment):
        _compiled: dict[str, Any] = {}

        def from_string(self, source: Any, globals: Any = None,
                        template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                if len(self._compiled) >= _CACHE_SIZE:
                    self._compiled.clear()
                compiled = self._compiled[source] = super().from_string(source)
            return compiled

    return _configured(_CompileOnce)


@functools.cache
def _template_class() -> Any:
    """The docxtpl template class, adjusted for python-docx and for building many documents.

    The XML clean-up (pure) is done once per distinct part. The rendered body and headers
    and footers are parsed by python-docx and put in place, where docxtpl would leave plain
    lxml elements and swap in untyped parts behind python-docx's back.
    """
    from docx.oxml.parser import parse_xml
    from docxtpl import DocxTemplate
    from lxml import etree

    class _Template(DocxTemplate):
        _patched: dict[str, str] = {}

        def patch_xml(self, src_xml: str) -> str:
            patched = self._patched.get(src_xml)
            if patched is None:
                if len(self._patched) >= _CACHE_SIZE:
                    self._patched.clear()
                patched = self._patched[src_xml] = super().patch_xml(src_xml)
            return patched

        def map_tree(self, tree: Any) -> None:
            super().map_tree(parse_xml(etree.tostring(tree)))

        def map_headers_footers_xml(self, rel_key: str, xml: bytes) -> None:
            part = self.docx.part.rels[rel_key].target_part
            part._element = parse_xml(xml)  # no public setter: the part keeps its own rels

    return _Template


def _template_error(exc: Exception, label: str) -> TemplateError:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    text = str(exc)
    if isinstance(exc, UndefinedError):
        found = _UNDEFINED_ATTR.search(text) or _UNDEFINED_NAME.search(text)
        name = found.group(1) if found else text
        return TemplateError(f"variable absente du jeu de variables : « {name} »", path=label,
                             value=name)
    if isinstance(exc, SecurityError):
        return TemplateError(f"opération interdite dans un modèle (bac à sable) : {text}",
                             path=label)
    if isinstance(exc, TemplateSyntaxError):
        where = " ".join(getattr(exc, "docx_context", []) or []).strip()
        hint = f" près de « {where[:120]} »" if where else ""
        return TemplateError(f"balise de modèle invalide : {exc.message}{hint}", path=label)
    return TemplateError(f"rendu impossible : {text}", path=label)


def _text_elements(doc: DocumentObject) -> list[Any]:
    roots = [doc.element.body]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header,
                     section.even_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    return [t for root in roots for t in root.iter(qn("w:t"))]


def leftover_tags(doc: DocumentObject) -> list[str]:
    """Texts of paragraphs where a template tag survived rendering."""
    found = []
    for paragraph in {t.getparent().getparent() for t in _text_elements(doc)}:
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        if any(marker in text for marker in TAG_MARKERS):
            found.append(text)
    return sorted(found)


def _equalise_signature_table(doc: DocumentObject) -> None:
    """Give each signature column the same width, whatever the number of signatories."""
    for table in doc.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is None or caption.get(qn("w:val")) != "Signatures":
            continue
        grid = table._tbl.tblGrid
        cols = grid.findall(qn("w:gridCol"))
        total = sum(int(c.get(qn("w:w"), "0")) for c in cols) or 9638
        for tr in table._tbl.findall(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            if not cells:
                continue
            for col in cols[len(cells):]:
                grid.remove(col)
            cols = grid.findall(qn("w:gridCol"))
            width = total // len(cells)
            for col in cols:
                col.set(qn("w:w"), str(width))
            for cell in cells:
                tc_pr = cell.find(qn("w:tcPr"))
                tcw = None if tc_pr is None else tc_pr.find(qn("w:tcW"))
                if tcw is not None:
                    tcw.set(qn("w:w"), str(width))
                    tcw.set(qn("w:type"), "dxa")


def render(template: Path, context: dict[str, Any], *, label: str | None = None,
           typography: bool = True) -> DocumentObject:
    """Render ``template`` with ``context``; return the python-docx document, checked."""
    from jinja2 import TemplateError as JinjaError

    label = label or str(template)
    if not template.is_file():
        raise TemplateError("modèle introuvable", path=label)
    try:
        tpl = _template_class()(str(template))
        tpl.render(context, jinja_env=_shared_environment(), autoescape=True)
    except JinjaError as exc:
        raise _template_error(exc, label) from None
    except (KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"modèle illisible : {exc}", path=label) from None
    doc = tpl.docx
    _equalise_signature_table(doc)
    if typography:
        from .typography import fix_document

        fix_document(doc)
    left = leftover_tags(doc)
    if left:
        raise TemplateError(f"balise de modèle restée dans le document : « {left[0][:80]} »",
                            path=label)
    return doc
