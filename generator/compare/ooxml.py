"""WordprocessingML names and the small helpers that build tracked changes.

Everything that writes ``w:ins``, ``w:del``, ``w:rPrChange``, ``w:pPrChange`` or row revisions goes
through here, on lxml elements (never on serialized strings). The order of children follows the
schema (ECMA-376 part 1, §17), since Word refuses a misplaced element.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from itertools import zip_longest

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    """The Clark name of a ``w:`` element or attribute.

    >>> w("p")
    '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p'
    """
    return f"{{{W_NS}}}{tag}"


P, R, T, TBL, TR, TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
PPR, RPR, TRPR, TCPR = w("pPr"), w("rPr"), w("trPr"), w("tcPr")
INS, DEL, DEL_TEXT = w("ins"), w("del"), w("delText")
INSTR_TEXT, DEL_INSTR_TEXT = w("instrText"), w("delInstrText")
RPR_CHANGE, PPR_CHANGE = w("rPrChange"), w("pPrChange")
SECT_PR, SDT, SDT_CONTENT = w("sectPr"), w("sdt"), w("sdtContent")
TXBX_CONTENT = w("txbxContent")
ID, AUTHOR, DATE, VAL = w("id"), w("author"), w("date"), w("val")

#: Paragraph-level containers whose runs a revision wraps from the inside.
RUN_CONTAINERS = {w("hyperlink"), w("smartTag"), w("customXml"), w("fldSimple"), w("dir"),
                  w("bdo"), SDT_CONTENT}

#: Zero-width markers: never compared, kept where the new document has them.
MARKERS = {w("bookmarkStart"), w("bookmarkEnd"), w("proofErr"), w("permStart"), w("permEnd"),
           w("commentRangeStart"), w("commentRangeEnd"), w("moveFromRangeStart"),
           w("moveFromRangeEnd"), w("moveToRangeStart"), w("moveToRangeEnd"),
           w("customXmlInsRangeStart"), w("customXmlInsRangeEnd"), w("customXmlDelRangeStart"),
           w("customXmlDelRangeEnd")}

#: Run children that only mark something elsewhere (dropped from deleted copies).
RUN_MARKERS = {w("commentReference"), w("lastRenderedPageBreak")}

#: Children of ``w:rPr`` that do not change how the text looks (spelling language, proofing).
IGNORED_RPR = {w("lang"), w("noProof"), w("webHidden"), w("specVanish"), w("rPrChange"), INS, DEL,
               w("moveFrom"), w("moveTo")}

#: Children of ``w:pPr`` compared separately (mark formatting, section) or not at all.
IGNORED_PPR = {RPR, SECT_PR, PPR_CHANGE}

# Where the paragraph mark's ``w:rPr`` goes inside ``w:pPr``: before these.
_PPR_TAIL = (RPR, SECT_PR, PPR_CHANGE)


class Revisions:
    """Hands out revision ids (unique in the whole package) with one author and one date."""

    def __init__(self, author: str, date: str, first_id: int) -> None:
        self.author = author
        self.date = date
        self.next = first_id
        self.count = 0
        # One empty element per tag, copied: lxml sets namespaced attributes slowly, and a
        # long paragraph's changes make tens of thousands of w:ins / w:del.
        self._models: dict[str, etree._Element] = {}

    def new_id(self) -> str:
        """A fresh ``w:id`` value."""
        value = self.next
        self.next += 1
        return str(value)

    def element(self, tag: str) -> etree._Element:
        """An empty ``w:ins`` / ``w:del`` / ``w:rPrChange`` … carrying id, author and date."""
        return self.stamp(self.model(tag).__copy__())

    def model(self, tag: str) -> etree._Element:
        """The element `element` copies: author and date, an empty id (not to be changed)."""
        model = self._models.get(tag)
        if model is None:
            attributes = {ID: "", AUTHOR: self.author}
            if self.date:
                attributes[DATE] = self.date
            model = self._models[tag] = etree.Element(tag, attributes)
        return model

    def stamp(self, el: etree._Element) -> etree._Element:
        """Give ``el``, a copy of a `model` (with what it holds), a fresh id; returns it."""
        self.count += 1
        el.set(ID, self.new_id())
        return el


def same_tree(a: etree._Element, b: etree._Element) -> bool:
    """Whether two elements hold the same XML: tags, attributes (in order), texts and tails.

    As comparing their serialisations, without writing out every namespace in scope twice.

    >>> xml = etree.fromstring
    >>> same_tree(xml('<a x="1"><b>t</b></a>'), xml('<a x="1"><b>t</b></a>'))
    True
    >>> same_tree(xml('<a><b>t</b></a>'), xml('<a><b>t</b>u</a>'))
    False
    >>> same_tree(xml('<a x="1" y="2"/>'), xml('<a y="2" x="1"/>'))
    False
    """
    for x, y in zip_longest(a.iter(), b.iter()):
        if x is None or y is None or x.tag != y.tag or x.text != y.text or x.tail != y.tail \
                or x.items() != y.items():
            return False
    return True


def local(el: etree._Element) -> str:
    """The local name of an element ('' for comments and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def text_element(text: str, deleted: bool = False) -> etree._Element:
    """A ``w:t`` (or ``w:delText``) holding ``text``, preserving its spaces."""
    el = etree.Element(DEL_TEXT if deleted else T)
    el.text = text
    keep_spaces(el)
    return el


def keep_spaces(t: etree._Element) -> None:
    """Mark a text element whose spaces Word would otherwise drop (ends, runs of spaces)."""
    if spaces_at_risk(t.text or ""):
        t.set(XML_SPACE, "preserve")


def spaces_at_risk(text: str) -> bool:
    """Whether Word would drop some of the spaces of ``text`` without ``xml:space``.

    >>> spaces_at_risk("a b"), spaces_at_risk(" a"), spaces_at_risk("a  b")
    (False, True, True)
    """
    # Looked at the ends, not stripped: an equal stretch may hold a page of text.
    return text[:1].isspace() or text[-1:].isspace() or "  " in text


def run_shell(run: etree._Element) -> etree._Element:
    """A new, empty ``w:r`` with the attributes and a copy of the formatting of ``run``."""
    shell = etree.Element(R, dict(run.attrib))
    rpr = run.find(RPR)
    if rpr is not None:
        shell.append(copy.deepcopy(rpr))
    return shell


def wrap(tag: str, children: Iterable[etree._Element], revisions: Revisions) -> etree._Element:
    """``children`` inside one new ``w:ins`` or ``w:del``."""
    wrapper = revisions.element(tag)
    wrapper.extend(children)
    return wrapper


def ensure_ppr(p: etree._Element) -> etree._Element:
    """The ``w:pPr`` of a paragraph, created first in it when missing."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    return ppr


def ensure_mark_rpr(p: etree._Element) -> etree._Element:
    """The paragraph mark's ``w:pPr/w:rPr``, created at its schema place when missing."""
    ppr = ensure_ppr(p)
    rpr = ppr.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        _insert_before(ppr, rpr, (SECT_PR, PPR_CHANGE))
    return rpr


def _insert_before(parent: etree._Element, child: etree._Element, tags: tuple[str, ...]) -> None:
    for index, existing in enumerate(parent):
        if existing.tag in tags:
            parent.insert(index, child)
            return
    parent.append(child)


def paragraph_mark(p: etree._Element) -> str | None:
    """'ins' or 'del' when the paragraph mark carries a revision, else None."""
    ppr = p.find(PPR)
    rpr = ppr.find(RPR) if ppr is not None else None
    if rpr is None:
        return None
    if rpr.find(DEL) is not None:
        return "del"
    if rpr.find(INS) is not None:
        return "ins"
    return None


def set_paragraph_mark(p: etree._Element, tag: str | None, revisions: Revisions) -> None:
    """Mark the paragraph mark inserted (``INS``), deleted (``DEL``) or neither (None)."""
    ppr = p.find(PPR)
    rpr = ppr.find(RPR) if ppr is not None else None
    if rpr is not None:
        for old in rpr.findall(INS) + rpr.findall(DEL):
            rpr.remove(old)
    if tag is None:
        return
    rpr = ensure_mark_rpr(p)
    rpr.insert(0, revisions.element(tag))


def set_row_mark(tr: etree._Element, tag: str, revisions: Revisions) -> None:
    """Mark a table row inserted or deleted (``w:trPr/w:ins`` or ``w:trPr/w:del``)."""
    trpr = tr.find(TRPR)
    if trpr is None:
        trpr = etree.Element(TRPR)
        index = 1 if len(tr) and tr[0].tag == w("tblPrEx") else 0
        tr.insert(index, trpr)
    _insert_before(trpr, revisions.element(tag), (w("trPrChange"),))


def row_mark(tr: etree._Element) -> str | None:
    """'ins' or 'del' when a table row carries a revision, else None."""
    trpr = tr.find(TRPR)
    if trpr is None:
        return None
    if trpr.find(DEL) is not None:
        return "del"
    if trpr.find(INS) is not None:
        return "ins"
    return None


def formatting_children(props: etree._Element | None, ignored: set[str]) -> list[etree._Element]:
    """The children of a ``w:rPr``/``w:pPr`` that change how the text looks."""
    if props is None:
        return []
    return [child for child in props if isinstance(child.tag, str) and child.tag not in ignored]


def props_key(props: etree._Element | None, ignored: set[str]) -> bytes:
    """A comparison key for formatting: the serialized meaningful children, order-independent."""
    children = formatting_children(props, ignored)
    if not children:
        return b""
    # Exclusive canonical XML: namespaces declared on the document's root (which differ from
    # one producer to another) stay out of the key, attributes come in one order.
    return b"".join(sorted(etree.tostring(child, method="c14n", exclusive=True)
                           for child in children))


def rpr_key(run_or_rpr: etree._Element | None) -> bytes:
    """The formatting key of a run (or of an ``w:rPr`` itself)."""
    if run_or_rpr is None:
        return b""
    rpr = run_or_rpr if run_or_rpr.tag == RPR else run_or_rpr.find(RPR)
    return props_key(rpr, IGNORED_RPR)


def ppr_key(p: etree._Element) -> bytes:
    """The paragraph formatting key (style, indents, numbering…), mark formatting aside."""
    return props_key(p.find(PPR), IGNORED_PPR)


def add_rpr_change(run: etree._Element, old_rpr: etree._Element | None,
                   revisions: Revisions) -> None:
    """Record on ``run`` that its formatting was ``old_rpr`` before (``w:rPrChange``)."""
    rpr = run.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        run.insert(0, rpr)
    _add_rpr_change_to(rpr, old_rpr, revisions)


def add_mark_rpr_change(p: etree._Element, old_p: etree._Element, revisions: Revisions) -> None:
    """Record the paragraph mark's former formatting (``w:pPr/w:rPr/w:rPrChange``)."""
    old_ppr = old_p.find(PPR)
    old_rpr = old_ppr.find(RPR) if old_ppr is not None else None
    _add_rpr_change_to(ensure_mark_rpr(p), old_rpr, revisions)


def _add_rpr_change_to(rpr: etree._Element, old_rpr: etree._Element | None,
                       revisions: Revisions) -> None:
    for existing in rpr.findall(RPR_CHANGE):
        rpr.remove(existing)
    change = revisions.element(RPR_CHANGE)
    original = etree.SubElement(change, RPR)
    original.extend(copy.deepcopy(c) for c in formatting_children(old_rpr, IGNORED_RPR))
    rpr.append(change)


def add_ppr_change(p: etree._Element, old_p: etree._Element, revisions: Revisions) -> None:
    """Record that the paragraph's properties were those of ``old_p`` (``w:pPrChange``)."""
    ppr = ensure_ppr(p)
    for existing in ppr.findall(PPR_CHANGE):
        ppr.remove(existing)
    change = revisions.element(PPR_CHANGE)
    original = etree.SubElement(change, PPR)
    original.extend(copy.deepcopy(c) for c in formatting_children(old_p.find(PPR), IGNORED_PPR))
    ppr.append(change)


def copy_ppr_from(p: etree._Element, source: etree._Element) -> None:
    """Give ``p`` the paragraph properties of ``source`` (mark revision and section kept)."""
    ppr = ensure_ppr(p)
    for child in formatting_children(ppr, IGNORED_PPR):
        ppr.remove(child)
    for index, child in enumerate(formatting_children(source.find(PPR), IGNORED_PPR)):
        ppr.insert(index, copy.deepcopy(child))


def to_deleted_run(run: etree._Element) -> etree._Element:
    """Turn the text of a (copied) run into deleted text, in place; returns the run."""
    for child in run:
        if child.tag == T:
            child.tag = DEL_TEXT
        elif child.tag == INSTR_TEXT:
            child.tag = DEL_INSTR_TEXT
    for marker in [c for c in run if c.tag in RUN_MARKERS]:
        run.remove(marker)
    return run


def strip_markers(el: etree._Element) -> None:
    """Remove bookmarks, comment anchors and proofing marks from a copied subtree."""
    doomed = [d for d in el.iter() if d.tag in MARKERS or d.tag in RUN_MARKERS]
    for d in doomed:
        parent = d.getparent()
        if parent is not None:
            parent.remove(d)


def mark_runs(container: etree._Element, tag: str, revisions: Revisions) -> None:
    """Wrap every run of a paragraph-level container in ``w:ins``/``w:del``, recursively.

    Runs are wrapped in groups of consecutive siblings; containers that may not sit inside a
    revision (hyperlinks, simple fields, content controls) are entered and marked inside.
    """
    group: list[etree._Element] = []

    def flush() -> None:
        if not group:
            return
        anchor = group[0]
        parent = anchor.getparent()
        assert parent is not None
        index = parent.index(anchor)
        wrapper = revisions.element(tag)
        for run in group:
            parent.remove(run)
            if tag == DEL:
                to_deleted_run(run)
            mark_boxes(run, tag, revisions)
            wrapper.append(run)
        parent.insert(index, wrapper)
        group.clear()

    for child in list(container):
        if child.tag == R:
            group.append(child)
            continue
        flush()
        if child.tag in RUN_CONTAINERS or child.tag == SDT:
            target = child.find(SDT_CONTENT) if child.tag == SDT else child
            if target is not None:
                mark_runs(target, tag, revisions)
        elif child.tag in (INS, DEL) or child.tag == PPR:
            continue
        elif local(child) in ("oMath", "oMathPara") or child.tag == w("object"):
            wrapper = revisions.element(tag)
            child.addprevious(wrapper)
            wrapper.append(child)
    flush()


def mark_block(block: etree._Element, tag: str, revisions: Revisions,
               mark_paragraphs: bool = True) -> None:
    """Mark a whole block (paragraph, table, content control) inserted or deleted."""
    if block.tag == P:
        mark_runs(block, tag, revisions)
        if mark_paragraphs:
            set_paragraph_mark(block, tag, revisions)
    elif block.tag == TBL:
        for tr in block.findall(TR):
            mark_row(tr, tag, revisions)
    elif block.tag == SDT:
        content = block.find(SDT_CONTENT)
        if content is not None:
            for child in content:
                mark_block(child, tag, revisions, mark_paragraphs)
    elif block.tag == w("customXml"):
        for child in block:
            mark_block(child, tag, revisions, mark_paragraphs)


def mark_row(tr: etree._Element, tag: str, revisions: Revisions) -> None:
    """Mark a table row and everything in its cells inserted or deleted."""
    set_row_mark(tr, tag, revisions)
    for tc in tr.findall(TC):
        for child in tc:
            mark_block(child, tag, revisions)


def mark_boxes(el: etree._Element, tag: str, revisions: Revisions) -> None:
    """Mark the text of the textboxes inside ``el`` inserted or deleted, paragraph by paragraph.

    A textbox's paragraphs are a story of their own: the revision around the box's run does not
    reach them, so a deleted box keeps its text as ``w:delText``, an inserted one as ``w:ins``.
    """
    for box in list(el.iter(TXBX_CONTENT)):
        for child in list(box):
            if child.tag in (P, TBL, SDT) and not _marked(child):
                mark_block(child, tag, revisions, mark_paragraphs=False)


def _marked(block: etree._Element) -> bool:
    return any(d.tag in (INS, DEL) for d in block.iter())
