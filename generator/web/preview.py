"""The avenant as simple HTML, the blocks that differ from the saved version marked.

The rendered document's headings, paragraphs, list items and signature table.

Rendering goes through the build's own steps (context, sandboxed template, typography), so the
preview shows what ``avenant build`` would write.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from ..document.render import render
from ..kits.sets import VariableSet
from ..paths import Project


@dataclass(frozen=True)
class Block:
    """One block of the document.

    ``kind`` is ``titre``, ``intertitre``, ``paragraphe``, ``puce`` or ``tableau`` (then
    ``rows`` holds the cells' text).
    """

    kind: str
    text: str
    rows: tuple[tuple[str, ...], ...] = ()
    changed: bool = False


def _paragraph(element: Any, styles: dict[str, str]) -> Block | None:
    text = "".join(t.text or "" for t in element.iter(qn("w:t")))
    p_pr = element.find(qn("w:pPr"))
    style_id = ""
    numbered = False
    if p_pr is not None:
        style = p_pr.find(qn("w:pStyle"))
        style_id = style.get(qn("w:val")) if style is not None else ""
        numbered = p_pr.find(qn("w:numPr")) is not None
    name = styles.get(style_id, style_id).lower()
    if not text.strip():
        return None
    if name == "title":
        return Block("titre", text)
    if name.startswith("heading"):
        return Block("intertitre", text)
    if numbered or name.startswith("list"):
        return Block("puce", text)
    return Block("paragraphe", text)


def _table(element: Any) -> Block:
    rows = []
    for tr in element.iter(qn("w:tr")):
        cells = []
        for tc in tr.iter(qn("w:tc")):
            lines = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
            cells.append("\n".join(line for line in lines if line.strip()))
        rows.append(tuple(cells))
    return Block("tableau", " | ".join(" ".join(r) for r in rows), tuple(rows))


def blocks(doc: Any) -> list[Block]:
    """The body of a python-docx document as blocks, in order."""
    styles = {s.style_id: s.name for s in doc.styles}
    out: list[Block] = []
    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            block = _paragraph(element, styles)
            if block is not None:
                out.append(block)
        elif element.tag == qn("w:tbl"):
            out.append(_table(element))
    return out


def render_blocks(project: Project, variables: VariableSet) -> list[Block]:
    """Render a typed set with its template, as blocks."""
    template = variables.kit.template
    doc = render(template, variables.context(), label=project.relative(template))
    return blocks(doc)


def mark_changes(saved: list[Block], draft: list[Block]) -> list[Block]:
    """The draft's blocks, those that differ from the saved version marked ``changed``."""
    matcher = difflib.SequenceMatcher(a=[b.text for b in saved], b=[b.text for b in draft],
                                      autojunk=False)
    out = list(draft)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            for j in range(j1, j2):
                b = out[j]
                out[j] = Block(b.kind, b.text, b.rows, True)
    return out
