"""Word comments anchored on changes: the ``word/comments.xml`` part and the anchors in the text."""

from __future__ import annotations

from lxml import etree

from .docx_zip import Package
from .ooxml import AUTHOR, DATE, ID, PPR, P, R, Revisions, text_element, w
from .output import RT_BASE, Output
from .records import Anchor

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = RT_BASE + "comments"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _comments_part(package: Package) -> str | None:
    for rel in package.rels(package.main).values():
        if rel.type == COMMENTS_REL and rel.target in package.parts:
            return rel.target
    return None


class Commenter:
    """Adds comments to the output, creating ``word/comments.xml`` when the document has none."""

    def __init__(self, output: Output, revisions: Revisions) -> None:
        self.out = output
        self.rev = revisions
        new = output.new
        self.part = _comments_part(new)
        if self.part is None:
            self.part = "word/comments.xml"
            while self.part in new.parts:
                self.part = self.part.replace(".xml", "1.xml")
            root = etree.Element(w("comments"), nsmap={"w": _W_NS})
            self.out.trees[self.part] = root
            self.out.parts[self.part] = b""
            self.out.add_override(self.part, COMMENTS_TYPE)
            self.out.add_relationship(new.main, COMMENTS_REL, self.part, False)
        self.root = self.out.tree(self.part)
        initials = "".join(word[0] for word in revisions.author.split() if word)[:4]
        self.initials = initials.upper() or "AV"

    def add(self, anchor: Anchor, lines: list[str]) -> None:
        """One comment holding ``lines`` (one paragraph each), anchored on ``anchor``.

        Anchors must be in the main document: Word and LibreOffice refuse comments in
        headers, footers and notes (see `body_anchor`).
        """
        cid = self.rev.new_id()
        attributes = {ID: cid, AUTHOR: self.rev.author, w("initials"): self.initials}
        if self.rev.date:
            attributes[DATE] = self.rev.date
        comment = etree.SubElement(self.root, w("comment"), attributes)
        for index, line in enumerate(lines or [""]):
            p = etree.SubElement(comment, P)
            if index == 0:
                ref = etree.SubElement(p, R)
                etree.SubElement(ref, w("annotationRef"))
            run = etree.SubElement(p, R)
            run.append(text_element(line))
        start = etree.Element(w("commentRangeStart"), {ID: cid})
        end = etree.Element(w("commentRangeEnd"), {ID: cid})
        reference = etree.Element(R)
        etree.SubElement(reference, w("commentReference"), {ID: cid})
        _place_start(anchor.start_p, anchor.start, start)
        if anchor.start is _FIRST:
            start.addnext(end)
            end.addnext(reference)
            return
        _place_end(anchor.end_p, anchor.end, end, reference)


def _place_start(p: etree._Element, child: etree._Element | None,
                 marker: etree._Element) -> None:
    if child is _FIRST:
        ppr = p.find(PPR)
        p.insert(p.index(ppr) + 1 if ppr is not None else 0, marker)
        return
    if child is not None and child.getparent() is p:
        child.addprevious(marker)
        return
    ppr = p.find(PPR)
    p.insert(p.index(ppr) + 1 if ppr is not None else 0, marker)


def _place_end(p: etree._Element, child: etree._Element | None, marker: etree._Element,
               reference: etree._Element) -> None:
    if child is not None and child.getparent() is p:
        child.addnext(marker)
    else:
        p.append(marker)
    marker.addnext(reference)


__all__ = ["Commenter", "COMMENTS_TYPE", "body_anchor"]


def body_anchor(body: etree._Element, part: str, note: str | None) -> Anchor | None:
    """Where, in the body, to hang the comment of a change made outside it.

    A note's change sits on the note's reference; a header's or footer's at the start of
    the document.
    """
    if note is not None:
        tag = w("footnoteReference") if part == "notes" else w("endnoteReference")
        for ref in body.iter(tag):
            if ref.get(ID) == note:
                child = ref.getparent()
                while child.getparent() is not None and child.getparent().tag != P:
                    child = child.getparent()
                p = child.getparent()
                if p is not None:
                    return Anchor(p, child, p, child)
    first = next(body.iter(P), None)
    if first is None:
        return None
    return Anchor(first, _FIRST, first, _FIRST)


#: A placeholder child meaning "a point at the start of the paragraph".
_FIRST = etree.Element(w("commentAnchorPoint"))
