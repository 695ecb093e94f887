"""Documents that already carry tracked changes are compared as if those were accepted.

Comparing a redline against another document would otherwise nest revisions in revisions. Word's
"accept all" is applied to the parsed input (never to the user's file).
"""

from __future__ import annotations

from lxml import etree

from .ooxml import DEL, INS, PPR, RPR, TR, TRPR, P, w

_REMOVED = (DEL, w("moveFrom"))
_UNWRAPPED = (INS, w("moveTo"))
_PROPERTY_CHANGES = tuple(w(t) for t in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
    "tblGridChange", "tblPrExChange", "numberingChange"))
_RANGES = tuple(w(t) for t in (
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
    "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd"))
_ALL = _REMOVED + _UNWRAPPED + _PROPERTY_CHANGES + _RANGES


def has_revisions(root: etree._Element) -> bool:
    """Whether a part carries any tracked change."""
    return next(root.iter(*_ALL), None) is not None


def accept_revisions(root: etree._Element) -> bool:
    """Accept every tracked change of a part, in place; True when there was any."""
    if not has_revisions(root):
        return False
    for el in list(root.iter(*_PROPERTY_CHANGES, *_RANGES)):
        el.getparent().remove(el)
    for tr in list(root.iter(TR)):
        trpr = tr.find(TRPR)
        if trpr is not None and trpr.find(DEL) is not None:
            tr.getparent().remove(tr)
    for p in list(root.iter(P)):
        ppr = p.find(PPR)
        rpr = ppr.find(RPR) if ppr is not None else None
        if rpr is not None and rpr.find(DEL) is not None:
            _join_with_next(p)
    for el in list(root.iter(*_REMOVED, *_UNWRAPPED)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (RPR, TRPR) or len(el) == 0:
            parent.remove(el)
        elif el.tag in _REMOVED:
            parent.remove(el)
        else:
            index = parent.index(el)
            for offset, child in enumerate(list(el)):
                parent.insert(index + offset, child)
            parent.remove(el)
    return True


def _join_with_next(p: etree._Element) -> None:
    """A deleted paragraph mark: the paragraph's content joins the next paragraph."""
    following = p.getnext()
    while following is not None and following.tag != P and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None or following.tag != P:
        return
    content = [c for c in p if c.tag != PPR]
    ppr = following.find(PPR)
    position = following.index(ppr) + 1 if ppr is not None else 0
    for offset, child in enumerate(content):
        following.insert(position + offset, child)
    p.getparent().remove(p)


_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
#: Attributes that only record editing sessions or identify paragraphs for Word's own use:
#: they differ between two saves of the same text, and say nothing a reader sees.
NOISE_ATTRIBUTES = tuple(w(name) for name in (
    "rsidR", "rsidRPr", "rsidRDefault", "rsidP", "rsidDel", "rsidTr", "rsidSect")) + (
    f"{{{_W14}}}paraId", f"{{{_W14}}}textId")
#: Elements of the same kind: spelling marks and the page breaks Word last laid out.
NOISE_ELEMENTS = (w("proofErr"), w("lastRenderedPageBreak"))
def strip_noise(root: etree._Element) -> None:
    """Remove editing-session ids and spelling marks from a part, in place.

    Unchanged paragraphs then serialize alike in both versions, which lets the comparer skip
    them at C speed; Word writes these again on its next save.
    """
    sections = [(sect, dict(sect.attrib)) for sect in root.iter(w("sectPr"))]
    etree.strip_attributes(root, *NOISE_ATTRIBUTES)
    etree.strip_elements(root, *NOISE_ELEMENTS, with_tail=False)
    for sect, attrib in sections:  # a section's ids are left as they were
        sect.attrib.update(attrib)
