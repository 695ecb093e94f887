"""What a redline reads as once every change is accepted, or rejected: text, paragraph by paragraph.

This is the yardstick of the comparer: accepting all changes of a redline must give the new
document's text, rejecting them all the old one's, in the body, headers, footers and notes. It
follows Word's rules: deleted content (``w:del``) disappears on accept, inserted content
(``w:ins``) on reject; a paragraph whose mark disappears joins the next paragraph; a table row
marked inserted or deleted disappears with its cells, and so does a cell marked
``w:cellIns``/``w:cellDel``. Formatting is read back with
`paragraph_formats`, which undoes ``w:rPrChange``/``w:pPrChange`` on reject.

Views: ``"accept"``, ``"reject"``, or ``"plain"`` for a document without revisions (same as
accept).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..slots import Frozen, Slotted
from .docx_zip import Package, read_package
from .layout import (
    CELL_DEL,
    CELL_INS,
    GRID_IGNORED,
    SECT_IGNORED,
    SECT_PR_CHANGE,
    TBL_GRID,
    TBL_GRID_CHANGE,
    TBL_IGNORED,
    TBL_PR,
    TBL_PR_CHANGE,
    TC_IGNORED,
    TC_PR_CHANGE,
    TR_IGNORED,
    TR_PR_CHANGE,
)
from .ooxml import (
    DEL,
    DEL_INSTR_TEXT,
    DEL_TEXT,
    INS,
    INSTR_TEXT,
    PPR,
    PPR_CHANGE,
    RPR,
    RPR_CHANGE,
    SDT,
    SDT_CONTENT,
    SECT_PR,
    TBL,
    TC,
    TCPR,
    TR,
    TRPR,
    P,
    T,
    local,
    paragraph_mark,
    props_key,
    row_mark,
    w,
)

#: Rows and cells that disappear in a view: row mark, cell mark.
_GONE = {"accept": (DEL, CELL_DEL), "reject": (INS, CELL_INS), "plain": (DEL, CELL_DEL)}
_HIDDEN = {"accept": (DEL, w("moveFrom")), "reject": (INS, w("moveTo")), "plain": ()}
_SKIPPED = {w("txbxContent"), w("drawing"), w("pict"), w("object"), w("rPr"), w("pPr"),
            INSTR_TEXT, DEL_INSTR_TEXT, w("fldData")}
_TEXT_OF = {w("tab"): "\t", w("noBreakHyphen"): "\u2011", w("softHyphen"): "\xad",
            w("cr"): "\n"}
_NOTE_REFS = {w("footnoteReference"): "footnotes", w("endnoteReference"): "endnotes"}
_FLD_CHAR, _FLD_CHAR_TYPE, _FLD_SIMPLE = w("fldChar"), w("fldCharType"), w("fldSimple")
_BR, _BR_TYPE, _NOTE_ID = w("br"), w("type"), w("id")


class _Walk(Slotted):
    __slots__ = ("view", "notes", "fields")

    def __init__(self, view: str, notes: dict[str, list[str]], fields: bool = True) -> None:
        self.view, self.notes, self.fields = view, notes, fields


def _mark_removed(status: str | None, view: str) -> bool:
    return (status == "del" and view == "accept") or (status == "ins" and view == "reject")


class _Enough(Exception):
    """The text read so far is already longer than asked for."""


def paragraph_text(p: etree._Element, view: str = "plain",
                   notes: dict[str, list[str]] | None = None, fields: bool = True,
                   limit: int | None = None) -> str:
    """The text of one paragraph in a view; note references read ``[note]``.

    With ``fields=False``, a field's result reads ``[champ]`` (a page number that an
    application computes again, say). With ``limit``, reading stops once the text is longer
    than that: what comes back is then only a beginning, longer than ``limit``.
    """
    hidden = _HIDDEN[view]
    out: list[str] = []
    read = [0]  # characters of text read, when there is a limit
    # Complex fields: for each open field, whether its result has started.
    stack: list[bool] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == T or tag == DEL_TEXT:
                # Text first: a long redlined paragraph holds tens of thousands of runs.
                if not (stack and any(stack)):
                    out.append(child.text or "")
                    if limit is not None:
                        read[0] += len(out[-1])
                        if read[0] > limit:
                            raise _Enough
                continue
            if not isinstance(tag, str) or tag in _SKIPPED or tag == P:
                continue
            if tag in hidden:
                continue
            if not fields and tag == _FLD_CHAR:
                kind = child.get(_FLD_CHAR_TYPE)
                if kind == "begin":
                    stack.append(False)
                elif kind == "separate" and stack:
                    stack[-1] = True
                    out.append("[champ]")
                elif kind == "end" and stack:
                    stack.pop()
                continue
            if not fields and tag == _FLD_SIMPLE:
                out.append("[champ]")
                continue
            if stack and any(stack):
                if tag in _TEXT_OF:
                    continue
            if tag in _TEXT_OF:
                out.append(_TEXT_OF[tag])
            elif tag == _BR:
                out.append("" if child.get(_BR_TYPE) in ("page", "column") else "\n")
            elif tag in _NOTE_REFS:
                out.append("[note]")
                if notes is not None:
                    notes.setdefault(_NOTE_REFS[tag], []).append(child.get(_NOTE_ID, ""))
            else:
                walk(child)

    try:
        walk(p)
    except _Enough:
        pass
    return "".join(out)


def container_paragraphs(container: etree._Element, view: str = "plain",
                         notes: dict[str, list[str]] | None = None,
                         fields: bool = True) -> list[str]:
    """The paragraphs of a body, cell, header… in a view; a table row reads ``a | b``."""
    walk = _Walk(view, notes if notes is not None else {}, fields)
    return _blocks(container, walk)


def _blocks(container: etree._Element, walk: _Walk) -> list[str]:
    result: list[str] = []
    carry: str | None = None  # text of paragraphs whose mark disappears, waiting to join
    for child in container:
        tag = child.tag
        if tag == P:
            text = (carry or "") + paragraph_text(child, walk.view, walk.notes, walk.fields)
            if _mark_removed(paragraph_mark(child), walk.view):
                carry = text
                continue
            carry = None
            result.append(text)
            continue
        if tag not in (TBL, SDT):
            continue
        if carry is not None:
            # Nothing to join before a table: the paragraph stays (as LibreOffice does).
            result.append(carry)
            carry = None
        if tag == TBL:
            for tr in child.iter(TR):
                if _table_of(tr) is not child:
                    continue
                if _mark_removed(row_mark(tr), walk.view):
                    continue
                cells = ["¶".join(_blocks(tc, walk)) for tc in tr.iter(TC)
                         if _row_of(tc) is tr and not _removed(tc, *_GONE[walk.view])]
                result.append(" | ".join(cells))
        else:
            content = child.find(SDT_CONTENT)
            if content is not None:
                result.extend(_blocks(content, walk))
    if carry is not None:
        result.append(carry)
    return result


def _table_of(tr: etree._Element) -> etree._Element | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent


def _row_of(tc: etree._Element) -> etree._Element | None:
    parent = tc.getparent()
    while parent is not None and parent.tag != TR:
        parent = parent.getparent()
    return parent


def document_views(source: Path | str | Package, view: str = "plain",
                   fields: bool = True) -> dict[str, list[str]]:
    """Every part of a document in a view: ``corps``, ``en-tête 1 default``, ``notes``.

    Headers and footers are named by section number and kind; notes are listed in the order
    their references appear in the body (in that view), so that a note deleted with its
    reference disappears on accept.
    """
    package = source if isinstance(source, Package) else read_package(source)
    root = package.xml(package.main)
    body = root.find(w("body"))
    notes: dict[str, list[str]] = {}
    result: dict[str, list[str]] = {"corps": container_paragraphs(body, view, notes, fields)
                                    if body is not None else []}
    rels = package.rels(package.main)
    sections = [s for s in root.iter(w("sectPr"))] if body is not None else []
    for number, sect in enumerate(sections, start=1):
        for ref in sect:
            kind = {"headerReference": "en-tête", "footerReference": "pied de page"}.get(
                local(ref))
            rel = rels.get(ref.get(f"{{{_R}}}id", ""))
            if kind is None or rel is None or rel.target not in package.parts:
                continue
            key = f"{kind} {number} {ref.get(w('type'), 'default')}"
            result[key] = container_paragraphs(package.xml(rel.target), view, fields=fields)
    for kind in ("footnotes", "endnotes"):
        part = next((r.target for r in rels.values() if r.type.endswith("/" + kind)), None)
        if part is None or part not in package.parts:
            continue
        by_id = {note.get(w("id")): note for note in package.xml(part)
                 if local(note) in ("footnote", "endnote")}
        texts: list[str] = []
        for note_id in notes.get(kind, []):
            if note_id in by_id:
                texts.extend(container_paragraphs(by_id[note_id], view, fields=fields))
        result["notes" if kind == "footnotes" else "notes de fin"] = texts
    return result


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class ParagraphFormat(Frozen):
    """The look of one paragraph in a view: its style and its runs as (text, emphasis) pairs."""

    __slots__ = ("style", "runs")

    def __init__(self, style: str, runs: tuple[tuple[str, str], ...]) -> None:
        self.style, self.runs = style, runs


def paragraph_formats(container: etree._Element, view: str = "plain") -> list[ParagraphFormat]:
    """Style and bold/italic/underline of each kept paragraph of a container, in a view.

    On reject, ``w:pPrChange``/``w:rPrChange`` give back the former properties. A paragraph
    whose mark disappears lends its runs to the next one (whose style the two keep).
    """
    hidden = _HIDDEN[view]
    result = []
    carry: list[tuple[str, str]] = []
    for p in container.iter(P):
        ppr = p.find(PPR)
        if view == "reject" and ppr is not None and ppr.find(PPR_CHANGE) is not None:
            ppr = ppr.find(PPR_CHANGE).find(PPR)
        style_el = ppr.find(w("pStyle")) if ppr is not None else None
        style = style_el.get(w("val"), "") if style_el is not None else ""
        runs, carry = carry, []
        for r in p.iter(w("r")):
            if any(a.tag in hidden for a in r.iterancestors()):
                continue
            text = "".join(t.text or "" for t in r if t.tag in (T, DEL_TEXT))
            if not text:
                continue
            rpr = r.find(RPR)
            if view == "reject" and rpr is not None and rpr.find(RPR_CHANGE) is not None:
                rpr = rpr.find(RPR_CHANGE).find(RPR)
            look = "".join(flag for flag in ("b", "i", "u", "strike")
                           if _on(rpr, flag))
            if runs and runs[-1][1] == look:
                runs[-1] = (runs[-1][0] + text, look)
            else:
                runs.append((text, look))
        if _mark_removed(paragraph_mark(p), view):
            carry = runs
            continue
        result.append(ParagraphFormat(style, tuple(runs)))
    return result


def _on(rpr: etree._Element | None, flag: str) -> bool:
    if rpr is None:
        return False
    el = rpr.find(w(flag))
    if el is None:
        return False
    return el.get(w("val"), "true") not in ("0", "false", "none", "off")


def layout_properties(root: etree._Element, view: str) -> list[tuple[str, bytes]]:
    """Every table, grid, row, cell and section's properties in a view, in document order.

    On ``reject``, a property change gives back what it holds; rows and cells marked inserted
    (on reject) or deleted (on accept) are left out. What the tests compare with each input.
    """
    gone, gone_cell = _GONE[view]
    result: list[tuple[str, bytes]] = []
    kinds = {TBL_PR: ("table", TBL_IGNORED, TBL_PR_CHANGE),
             TBL_GRID: ("grid", GRID_IGNORED, TBL_GRID_CHANGE),
             TRPR: ("row", TR_IGNORED, TR_PR_CHANGE),
             TCPR: ("cell", TC_IGNORED, TC_PR_CHANGE),
             SECT_PR: ("section", SECT_IGNORED, SECT_PR_CHANGE)}
    for el in root.iter(w("tbl"), w("tr"), w("tc"), SECT_PR):
        if el.tag == SECT_PR and el.getparent().tag == SECT_PR_CHANGE:
            continue
        if any(_removed(a, gone, gone_cell) for a in (el, *el.iterancestors(w("tr"), w("tc")))):
            continue
        props_list = [el] if el.tag == SECT_PR else \
            [c for c in el if c.tag in (TBL_PR, TBL_GRID, TRPR, TCPR)]
        if el.tag == w("tr") and not props_list:
            props_list = [etree.Element(TRPR)]
        if el.tag == w("tc") and not props_list:
            props_list = [etree.Element(TCPR)]
        for props in props_list:
            kind, ignored, change_tag = kinds[props.tag]
            if view == "reject" and props.find(change_tag) is not None:
                props = props.find(change_tag)[0]
            result.append((kind, props_key(props, ignored)))
    return result


def _removed(el: etree._Element, gone: str, gone_cell: str) -> bool:
    if el.tag == w("tr"):
        trpr = el.find(TRPR)
        return trpr is not None and trpr.find(gone) is not None
    if el.tag == w("tc"):
        tcpr = el.find(TCPR)
        return tcpr is not None and tcpr.find(gone_cell) is not None
    return False


def bookmark_names(root: etree._Element, view: str = "plain") -> list[str]:
    """The names of the bookmarks of a part in a view, in order (deleted ones gone on accept)."""
    hidden = _HIDDEN[view]
    return [b.get(w("name"), "") for b in root.iter(w("bookmarkStart"))
            if not any(a.tag in hidden for a in b.iterancestors())]
