"""Layout changes: table, grid, row, cell and page-setup properties, tracked as Word does.

When a paired table, row, cell or section has other properties in the new document, the output
keeps the new ones and records the old ones in ``w:tblPrChange``, ``w:tblGridChange``,
``w:trPrChange``, ``w:tcPrChange`` or ``w:sectPrChange``: accepting all keeps the new layout,
rejecting all gives back the old one exactly. Each function returns detail codes
(``("layout", "column widths")``…) that `generator.compare.report` words in French.
"""

from __future__ import annotations

import copy

from lxml import etree

from .atoms import plain_text
from .ooxml import DEL, INS, TCPR, TRPR, P, Revisions, mark_block, props_key, w
from .records import Anchor, Detail, Record

TBL_PR, TBL_GRID, SECT_PR = w("tblPr"), w("tblGrid"), w("sectPr")
TBL_PR_CHANGE, TBL_GRID_CHANGE = w("tblPrChange"), w("tblGridChange")
TR_PR_CHANGE, TC_PR_CHANGE, SECT_PR_CHANGE = w("trPrChange"), w("tcPrChange"), w("sectPrChange")
#: Whole cells inserted or deleted (`mark_cell`), and merged (read, not written).
CELL_INS, CELL_DEL, CELL_MERGE = w("cellIns"), w("cellDel"), w("cellMerge")
#: Every revision this module writes.
LAYOUT_CHANGES = (TBL_PR_CHANGE, TBL_GRID_CHANGE, TR_PR_CHANGE, TC_PR_CHANGE, SECT_PR_CHANGE,
                  CELL_INS, CELL_DEL)

#: Children that are revisions, not properties (never compared, never copied into a change).
TBL_IGNORED = {TBL_PR_CHANGE}
GRID_IGNORED = {TBL_GRID_CHANGE}
TR_IGNORED = {INS, DEL, TR_PR_CHANGE}
TC_IGNORED = {TC_PR_CHANGE, CELL_INS, CELL_DEL, CELL_MERGE}
#: A section's header and footer references are compared as parts, not as properties.
SECT_IGNORED = {w("headerReference"), w("footerReference"), SECT_PR_CHANGE}

#: What a changed property is called in the details, by element.
_TABLE_NAMES = {w("tblStyle"): "table style", w("tblBorders"): "borders",
                w("shd"): "shading", w("tblW"): "table width", w("jc"): "alignment",
                w("tblLayout"): "table", w("tblInd"): "indent"}
_CELL_NAMES = {w("shd"): "cell shading", w("tcBorders"): "borders",
               w("vMerge"): "vertical merge", w("gridSpan"): "horizontal merge",
               w("tcW"): "cell width", w("vAlign"): "alignment"}
_ROW_NAMES = {w("trHeight"): "row height", w("tblHeader"): "header row",
              w("cantSplit"): "row"}
_SECT_NAMES = {w("pgSz"): "page size", w("pgMar"): "page margins", w("cols"): "columns",
               w("pgNumType"): "page numbering", w("type"): "section break"}


def _children(props: etree._Element | None, ignored: set[str]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    if props is None:
        return found
    for child in props:
        if isinstance(child.tag, str) and child.tag not in ignored:
            found.setdefault(child.tag, []).append(etree.tostring(child))
    return found


def _changed(old: etree._Element | None, new: etree._Element | None, ignored: set[str],
             names: dict[str, str], default: str) -> list[Detail]:
    """What differs between two property elements, as detail codes (empty when alike)."""
    if props_key(old, ignored) == props_key(new, ignored):
        return []
    before, after = _children(old, ignored), _children(new, ignored)
    labels: list[str] = []
    for tag in [*before, *(t for t in after if t not in before)]:
        if sorted(before.get(tag, [])) != sorted(after.get(tag, [])):
            label = names.get(tag, default)
            if label not in labels:
                labels.append(label)
    return [("layout", label) for label in labels or [default]]


def _record_old(props: etree._Element, old: etree._Element | None, ignored: set[str],
                change_tag: str, inner_tag: str, change: etree._Element) -> None:
    """Append ``change`` (holding a copy of ``old``'s properties) as last child of ``props``."""
    for existing in props.findall(change_tag):
        props.remove(existing)
    original = etree.SubElement(change, inner_tag)
    if old is not None:
        original.extend(copy.deepcopy(c) for c in old
                        if isinstance(c.tag, str) and c.tag not in ignored)
    props.append(change)


def _ensure_first(parent: etree._Element, tag: str, after: tuple[str, ...] = ()) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        found = etree.Element(tag)
        index = 0
        while index < len(parent) and parent[index].tag in after:
            index += 1
        parent.insert(index, found)
    return found


def track_table(old: etree._Element, new: etree._Element, rev: Revisions) -> list[Detail]:
    """Track a paired table's own properties (``w:tblPr``) and its columns (``w:tblGrid``)."""
    details = _changed(old.find(TBL_PR), new.find(TBL_PR), TBL_IGNORED, _TABLE_NAMES, "table")
    if details:
        _record_old(_ensure_first(new, TBL_PR), old.find(TBL_PR), TBL_IGNORED, TBL_PR_CHANGE,
                    TBL_PR, rev.element(TBL_PR_CHANGE))
    old_grid, new_grid = old.find(TBL_GRID), new.find(TBL_GRID)
    if new_grid is not None and props_key(old_grid, GRID_IGNORED) != \
            props_key(new_grid, GRID_IGNORED):
        # A grid change is a plain markup element: an id, no author nor date.
        rev.count += 1
        change = etree.Element(TBL_GRID_CHANGE, {w("id"): rev.new_id()})
        _record_old(new_grid, old_grid, GRID_IGNORED, TBL_GRID_CHANGE, TBL_GRID, change)
        details.append(("layout", "column widths"))
    return details


def track_row(old: etree._Element, new: etree._Element, rev: Revisions) -> list[Detail]:
    """Track a paired row's properties (``w:trPr``)."""
    details = _changed(old.find(TRPR), new.find(TRPR), TR_IGNORED, _ROW_NAMES, "row")
    if details:
        trpr = _ensure_first(new, TRPR, after=(w("tblPrEx"),))
        change = rev.element(TR_PR_CHANGE)
        _record_old(trpr, old.find(TRPR), TR_IGNORED, TR_PR_CHANGE, TRPR, change)
    return details


def track_cell(old: etree._Element, new: etree._Element, rev: Revisions) -> list[Detail]:
    """Track a paired cell's properties (``w:tcPr``): shading, borders, merges, width."""
    details = _changed(old.find(TCPR), new.find(TCPR), TC_IGNORED, _CELL_NAMES, "cell")
    if details:
        _record_old(_ensure_first(new, TCPR), old.find(TCPR), TC_IGNORED, TC_PR_CHANGE, TCPR,
                    rev.element(TC_PR_CHANGE))
    return details


def mark_cell(tc: etree._Element, tag: str, rev: Revisions) -> None:
    """Mark a whole cell inserted (``w:cellIns``) or deleted (``w:cellDel``), its text too.

    The mark goes last in ``w:tcPr``, before a ``w:tcPrChange`` (ECMA-376 §17.13.5.5): rejecting
    all removes an inserted cell, accepting all a deleted one.
    """
    tcpr = _ensure_first(tc, TCPR)
    for existing in [c for c in tcpr if c.tag in (CELL_INS, CELL_DEL, CELL_MERGE)]:
        tcpr.remove(existing)
    mark = rev.element(tag)
    change = tcpr.find(TC_PR_CHANGE)
    if change is not None:
        change.addprevious(mark)
    else:
        tcpr.append(mark)
    for child in tc:
        if child.tag != TCPR:
            mark_block(child, INS if tag == CELL_INS else DEL, rev)


def track_section(old: etree._Element, new: etree._Element, rev: Revisions) -> list[Detail]:
    """Track a paired section's page setup (``w:sectPr``: size, margins, columns…)."""
    details = _changed(old, new, SECT_IGNORED, _SECT_NAMES, "page")
    if details:
        _record_old(new, old, SECT_IGNORED, SECT_PR_CHANGE, SECT_PR,
                    rev.element(SECT_PR_CHANGE))
    return details


def track_sections(old_root: etree._Element, new_root: etree._Element,
                   rev: Revisions) -> list[Record]:
    """Track the page setup of the sections that stand for each other; one change each.

    Sections pair in order when both documents have as many; else the last (the document's
    own) with the last.
    """
    olds = [s for s in old_root.iter(SECT_PR) if s.getparent().tag != SECT_PR_CHANGE]
    news = [s for s in new_root.iter(SECT_PR) if s.getparent().tag != SECT_PR_CHANGE]
    if not olds or not news:
        return []
    pairs = zip(olds, news, strict=True) if len(olds) == len(news) else [(olds[-1], news[-1])]
    records = []
    for old, new in pairs:
        details = track_section(old, new, rev)
        paragraph = _section_paragraph(new)
        if details and paragraph is not None:
            text = plain_text(paragraph)
            records.append(Record("mise en forme", "corps",
                                  Anchor(paragraph, None, paragraph, None), text, text,
                                  [("=", text)], details=details))
    return records


def _section_paragraph(sect: etree._Element) -> etree._Element | None:
    """The paragraph that ends a section: the one holding it, or the body's last."""
    parent = sect.getparent()
    if parent.tag == w("pPr"):
        return parent.getparent()
    return next((el for el in sect.itersiblings(P, preceding=True)), None)
