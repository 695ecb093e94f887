"""A draft looks like a draft: « PROJET » in the header of every page, and nowhere else.

A set whose ``avenant.statut`` is ``projet`` builds a document marked in every section's
header (first-page and even-page headers included when the section has them); a final set
gives a document with no mark, and a final document that bears one is refused.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

MARK = "PROJET"
_STYLE_ID = "avenant-projet"


def _headers(doc: Any) -> list[Any]:
    out = []
    for section in doc.sections:
        out.append(section.header)
        if section.different_first_page_header_footer:
            out.append(section.first_page_header)
        if doc.settings.odd_and_even_pages_header_footer:
            out.append(section.even_page_header)
    return out


def _text(header: Any) -> str:
    return "".join(t.text or "" for t in header._element.iter(qn("w:t")))


def mark_projet(doc: Any) -> None:
    """Write « PROJET » at the top of every header of DOC (creating headers where needed)."""
    for header in _headers(doc):
        if header.is_linked_to_previous:
            header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        if paragraph.text.strip():
            paragraph = paragraph.insert_paragraph_before()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(MARK)
        run.bold = True
        paragraph.paragraph_format.keep_with_next = True


def marks(statut: Any) -> tuple[str, ...]:
    """The texts a document carries because of its ``avenant.statut``: « PROJET » for a projet.

    >>> marks("projet"), marks("final")
    (('PROJET',), ())
    """
    return (MARK,) if statut == "projet" else ()


def has_projet_mark(doc: Any) -> bool:
    """Whether a header of DOC says « PROJET »."""
    return any(MARK in _text(h) for s in doc.sections
               for h in (s.header, s.first_page_header, s.even_page_header)
               if not h.is_linked_to_previous)


def projet_problems(doc: Any, projet: bool) -> list[str]:
    """What is wrong with the draft mark of a document built from a projet (or final) set."""
    marked = has_projet_mark(doc)
    if projet and not marked:
        return ["le projet ne porte pas la mention « PROJET » en en-tête"]
    if not projet and marked:
        return ["le document porte la mention « PROJET » alors que le jeu de variables est "
                "final (statut: final)"]
    return []
