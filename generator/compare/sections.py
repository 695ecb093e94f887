"""Which article or heading a change sits in.

A heading is a paragraph whose style is a heading (Word's ``Heading 1``…, ``Titre 1``…, or any
style with an outline level), a paragraph with an outline level of its own, or a short paragraph
that reads like one (``Article 5 : …``, ``Préambule``, ``Annexe 2``).
"""

from __future__ import annotations

import re

from lxml import etree

from .docx_zip import Package
from .ooxml import DEL, INS, PPR, PPR_CHANGE, P, T, paragraph_mark, w
from .views import paragraph_text

_HEADING_NAME = re.compile(r"(heading|titre|überschrift)\s*\d")  # on lower-cased names
# Matched on the lower-cased text: compiled ignoring case, it would cost every ``diff`` 3 ms.
_HEADING_TEXT = re.compile(
    r"^\s*(article|titre|chapitre|annexe|section)\s+(\d+|[ivxlc]+|premier|unique)\b"
    r"|^\s*(préambule|preambule|exposé des motifs)\s*:?\s*$")
_MAX_HEADING = 160
BEFORE_FIRST_HEADING = "Début du document"


def reads_as_heading(text: str) -> bool:
    """Whether a paragraph's text reads as a heading of a legal text, in any case.

    >>> [reads_as_heading(t) for t in ("Article 3 : Durée", "ARTICLE IV", "PRÉAMBULE :",
    ...                                 "Titre premier", "L’article 3 dispose", "Annexes")]
    [True, True, True, True, False, False]
    """
    return len(text) <= _MAX_HEADING and bool(_HEADING_TEXT.match(text.lower()))


_STYLE, _TYPE, _STYLE_ID, _NAME, _VAL = w("style"), w("type"), w("styleId"), w("name"), w("val")
_BASED_ON, _OUTLINE, _P_STYLE = w("basedOn"), w("outlineLvl"), w("pStyle")


def _child(el: etree._Element | None, tag: str) -> etree._Element | None:
    """The first child of ``el`` with this tag (properties come first: a loop beats find)."""
    if el is not None:
        for child in el:
            if child.tag == tag:
                return child
    return None


def _properties(p: etree._Element) -> etree._Element | None:
    """A paragraph's ``w:pPr``: its first element, when it is one.

    The schema puts it first; a paragraph of megabytes has tens of thousands of runs to look
    through otherwise.
    """
    for child in p:
        if isinstance(child.tag, str):
            return child if child.tag == PPR else None
    return None


def _outline(ppr: etree._Element | None) -> bool:
    """Whether paragraph properties set an outline level (0 to 8: a heading's)."""
    level = _child(ppr, _OUTLINE)
    value = level.get(_VAL, "9") if level is not None else "9"
    return value.isdigit() and int(value) < 9


class Headings:
    """Tells headings apart, from the packages' styles (the first package's come first).

    A style is looked at only when a paragraph uses it: its name (« heading 1 », « Titre 2 »)
    or its outline level, or those of the style it is based on, make it a heading style.
    """

    def __init__(self, *packages: Package) -> None:
        self._styles: dict[str, etree._Element] = {}
        self._heading: dict[str, bool] = {}
        read: list[bytes] = []
        for package in packages:
            self._index_styles(package, read)

    def _index_styles(self, package: Package, read: list[bytes]) -> None:
        rels = package.rels(package.main)
        part = next((r.target for r in rels.values() if r.type.endswith("/styles")), None)
        if part is None or part not in package.parts or package.parts[part] in read:
            return  # styles identical to a package's already read add nothing
        read.append(package.parts[part])
        for style in package.xml(part).iterchildren(_STYLE):
            if style.get(_TYPE) in (None, "paragraph"):
                self._styles.setdefault(style.get(_STYLE_ID, ""), style)

    def heading_style(self, sid: str) -> bool:
        """Whether the paragraph style ``sid`` (or one it is based on) is a heading's."""
        known = self._heading.get(sid)
        if known is None:
            known = self._heading[sid] = False  # a loop of basedOn stops here
            style = self._styles.get(sid)
            if style is not None:
                name = _child(style, _NAME)
                names = (name.get(_VAL, "") if name is not None else "", sid)
                base = _child(style, _BASED_ON)
                known = any(_HEADING_NAME.match(n.lower()) for n in names) or \
                    _outline(_child(style, PPR)) or (
                        base is not None and self.heading_style(base.get(_VAL, "")))
                self._heading[sid] = known
        return known

    def is_heading(self, p: etree._Element, text: str, reject: bool = False) -> bool:
        """Whether a paragraph is a heading (with its old properties when ``reject``)."""
        if self.styled(p, reject):
            return bool(text.strip())
        return reads_as_heading(text)

    def styled(self, p: etree._Element, reject: bool = False) -> bool:
        """Whether a paragraph's style or outline level makes it a heading."""
        ppr = _properties(p)
        if reject:
            change = _child(ppr, PPR_CHANGE)
            if change is not None:
                ppr = _child(change, PPR)
        if ppr is None:
            return False
        style = _child(ppr, _P_STYLE)
        return (style is not None and self.heading_style(style.get(_VAL, ""))) or _outline(ppr)

    def view_heading(self, p: etree._Element, view: str) -> str | None:
        """A changed paragraph's text in a view when it is a heading there, else None.

        A paragraph that only its words could make a heading is read no further than a
        heading's length (a changed paragraph may hold megabytes).
        """
        reject = view == "reject"
        limit = None if self.styled(p, reject) else _MAX_HEADING
        read = paragraph_text(p, view, limit=limit)
        text = read.strip()
        if limit is not None and len(read) > limit and len(text) <= limit:
            text = paragraph_text(p, view).strip()  # spaces mostly, so far: read it all
        return text if self.is_heading(p, text, reject=reject) else None


def assign_sections(body: etree._Element, records: list, headings: Headings) -> None:
    """Set each body record's ``section`` to the heading above it and sort them in order.

    A deletion takes its heading from the old text (the deleted article's own title), anything
    else from the new text.
    """
    by_paragraph: dict[etree._Element, list] = {}
    for record in records:
        by_paragraph.setdefault(record.anchor.start_p, []).append(record)
    current_new = current_old = BEFORE_FIRST_HEADING
    order: dict[int, int] = {}
    changed = set()
    for revision in body.iter(INS, DEL, PPR_CHANGE):
        changed.update(revision.iterancestors(P))
    left = len(by_paragraph)
    for position, p in enumerate(body.iter(P)):
        if not left:
            break  # every record placed: the headings further down are nobody's
        if p not in changed:
            text = "".join(p.itertext(T)).strip()
            if headings.is_heading(p, text):
                current_new = current_old = text
        else:
            mark = paragraph_mark(p)
            if mark != "ins":
                current_old = headings.view_heading(p, "reject") or current_old
            if mark != "del":
                current_new = headings.view_heading(p, "accept") or current_new
        if p in by_paragraph:
            left -= 1
            for record in by_paragraph[p]:
                record.section = current_old if record.kind == "suppression" else current_new
                order[id(record)] = position
    records.sort(key=lambda r: order.get(id(r), 0))
