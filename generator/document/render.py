"""Rendering a docxtpl template: strict, sandboxed, bounded, escaped, and checked afterwards.

Jinja runs in the sandbox of :mod:`generator.document.sandbox` with :class:`StrictUndefined` and
autoescape on: a missing variable is an error, a template that reaches for Python internals,
other templates, huge numbers or endless loops is refused, and a value such as
``Dupont & Fils <SARL>`` is written literally. The template file goes through the capped zip
reader before docxtpl opens it, and rendered XML is parsed strictly: a document is never cut
short by a parser that "recovers". Every error is French and names the template, the article
and the tag (:mod:`generator.document.template_errors`).
"""

from __future__ import annotations

import contextlib
import functools
import io
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from ..errors import CompareError, FormatError, TemplateError, os_reason
from ..files import ReadRefused, read_regular
from ..variables.tags import TAG_MARKERS
from .cache import used
from .sandbox import Refused, Timeout, environment, limits

_CACHE_SIZE = 64  # distinct template parts kept patched (a few per template)
MAX_TEMPLATE_BYTES = 64 * 1024 * 1024  # a template file, compressed
_FAULTS = (ArithmeticError, RecursionError, MemoryError, TypeError, ValueError, LookupError,
           AttributeError, Timeout, Refused)
"""What a hostile template can make Jinja raise, besides Jinja's own errors."""


@functools.cache
def _template_class() -> Any:
    """The docxtpl template class, adjusted for python-docx, for safety and for batches.

    The XML clean-up (pure) is done once per distinct part. Each part's Jinja error carries
    the part's source, to be placed. Rendered XML is parsed strictly (docxtpl recovers, which
    silently drops everything after a bad character). The rendered body and headers and
    footers are parsed by python-docx and put in place, where docxtpl would leave plain lxml
    elements and swap in untyped parts behind python-docx's back.
    """
    from docx.oxml.parser import parse_xml
    from docxtpl import DocxTemplate
    from lxml import etree

    strict = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

    class _Template(DocxTemplate):
        _patched: dict[str, str] = {}

        def patch_xml(self, src_xml: str) -> str:
            patched = self._patched.get(src_xml)
            if patched is None:
                if len(self._patched) >= _CACHE_SIZE:
                    self._patched.clear()
                patched = self._patched[src_xml] = super().patch_xml(src_xml)
            return patched

        def render_xml_part(self, src_xml: str, part: Any, context: Any,
                            jinja_env: Any = None) -> str:
            try:
                rendered: str = super().render_xml_part(src_xml, part, context, jinja_env)
            except Exception as exc:  # tagged with its source, re-raised as it came
                from .template_errors import lined

                exc.avenant_source = lined(src_xml)  # type: ignore[attr-defined]
                exc.avenant_part = str(getattr(part, "partname", ""))  # type: ignore
                raise
            _strictly_parsed(rendered, strict, etree, getattr(part, "partname", ""))
            return rendered

        def map_tree(self, tree: Any) -> None:
            super().map_tree(parse_xml(etree.tostring(tree)))

        def map_headers_footers_xml(self, rel_key: str, xml: bytes) -> None:
            part = self.docx.part.rels[rel_key].target_part
            part._element = parse_xml(xml)  # no public setter: the part keeps its own rels

    return _Template


def _strictly_parsed(xml: str, parser: Any, etree: Any, partname: str) -> None:
    """Refuse rendered XML that only a recovering parser would read (docxtpl's fix_tables)."""
    try:
        etree.fromstring(xml.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, UnicodeEncodeError, ValueError) as exc:
        reason = ("un caractère qu’un document Word ne peut pas contenir"
                  if isinstance(exc, UnicodeEncodeError) or "Char" in str(exc)
                  else "du XML mal formé")
        raise TemplateError(f"le rendu de {partname or 'la partie'} contient {reason} : "
                            "document refusé plutôt que tronqué") from None


@functools.cache
def _validated(template: Path, inode: int, mtime: int, size: int) -> None:
    from ..compare.docx_zip import read_package

    read_package(template)


def _open(template: Path, label: str) -> io.BytesIO:
    """The template's bytes, once the capped zip reader has found them a sound Word file.

    The file must be the same (inode, size, modification time) before and after: the bytes
    docxtpl gets are the ones that were checked.
    """
    try:
        data, info = read_regular(template, MAX_TEMPLATE_BYTES)
        marker = _validation_marker(data)
        if marker is None or not marker.exists():
            _validated(template.resolve(), info.st_ino, info.st_mtime_ns, info.st_size)
        else:
            used(marker)
        after = template.stat()
    except ReadRefused as exc:
        raise TemplateError(f"modèle illisible : {exc}", path=label) from None
    except FileNotFoundError:
        raise TemplateError("modèle introuvable", path=label) from None
    except CompareError as exc:
        raise TemplateError(f"modèle illisible : {exc.message}", path=label) from None
    except OSError as exc:
        raise TemplateError(f"modèle illisible ({os_reason(exc)})", path=label) from None
    if (after.st_ino, after.st_mtime_ns, after.st_size, len(data)) != (
            info.st_ino, info.st_mtime_ns, info.st_size, info.st_size):
        raise TemplateError("modèle modifié pendant sa lecture : recommencez", path=label)
    if marker is not None and not marker.exists():
        with contextlib.suppress(OSError):
            marker.touch(mode=0o600)
    return io.BytesIO(data)


def _validation_marker(data: bytes) -> Path | None:
    """Where the user's cache records that these very bytes passed the capped zip reader.

    Keyed by their SHA-256: a template checked once is not unpacked again by the next build
    (the reader costs more than the hash), and a changed byte means a new check.
    """
    import hashlib

    from .sandbox import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"avenant-modele-sain-{hashlib.sha256(data).hexdigest()}"


def _load(template: Path, label: str) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    tpl = _template_class()(_open(template, label))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise TemplateError(f"modèle illisible : ce n’est pas un document Word valide ({exc})",
                            path=label) from None
    return tpl


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
    """Render ``template`` with ``context``; return the python-docx document, checked.

    The render runs under the time and memory limits of :func:`generator.document.sandbox.limits`.
    """
    from jinja2 import TemplateError as JinjaError

    label = label or str(template)
    try:
        with limits():
            tpl = _load(template, label)
            tpl.render(context, jinja_env=environment(), autoescape=True)
            doc = tpl.docx
            _equalise_signature_table(doc)
            if typography:
                from ..text.typography import fix_document

                fix_document(doc)
    except TemplateError as exc:
        if exc.path:
            raise
        raise TemplateError(exc.message, path=label, value=exc.value) from None
    except FormatError as exc:  # a filter could not write a value: say which tag asked
        from .template_errors import located_error

        raise FormatError(located_error(exc, label).message, path=label,
                          value=exc.value) from None
    except (JinjaError, *_FAULTS) as exc:
        from .template_errors import located_error

        raise located_error(exc, label) from None
    left = leftover_tags(doc)
    if left:
        raise TemplateError(f"balise de modèle restée dans le document : « {left[0][:80]} »",
                            path=label)
    return doc


def template_sources(template: Path, label: str) -> list[tuple[str, str]]:
    """Each part docxtpl renders (body, headers, footers), as (part name, lined Jinja source).

    The source is the one rendering parses (docxtpl's ``{%p %}``, ``{%tr %}``… resolved), with
    each paragraph on a line of its own: what the template checker reads. Raises
    :class:`TemplateError` for a file that is not a readable template.
    """
    with limits():
        tpl = _load(template, label)
        parts = [("", tpl.patch_xml(tpl.get_xml()))]
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                parts.append((str(part.partname), tpl.patch_xml(tpl.get_part_xml(part))))
    from .template_errors import lined

    return [(name, lined(xml)) for name, xml in parts]
