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

_HEADING_NAME = re.compile(r"^(heading|titre|überschrift)\s*\d", re.IGNORECASE)
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


class Headings:
    """Tells headings apart, from a package's styles."""

    def __init__(self, *packages: Package) -> None:
        self.styles: dict[str, bool] = {}
        read: list[bytes] = []
        for package in packages:
            self._read_styles(package, read)

    def _read_styles(self, package: Package, read: list[bytes]) -> None:
        rels = package.rels(package.main)
        part = next((r.target for r in rels.values() if r.type.endswith("/styles")), None)
        if part is None or part not in package.parts or package.parts[part] in read:
            return  # styles identical to a package's already read add nothing
        read.append(package.parts[part])
        root = package.xml(part)
        based: dict[str, str] = {}
        own: dict[str, bool] = {}
        for style in root.iter(w("style")):
            if style.get(w("type")) not in (None, "paragraph"):
                continue
            sid = style.get(w("styleId"), "")
            name_el = style.find(w("name"))
            name = name_el.get(w("val"), "") if name_el is not None else ""
            ppr = style.find(PPR)
            outline = ppr.find(w("outlineLvl")) if ppr is not None else None
            level = outline.get(w("val")) if outline is not None else None
            own[sid] = bool(_HEADING_NAME.match(name) or _HEADING_NAME.match(sid)) or (
                level is not None and level.isdigit() and int(level) < 9)
            base = style.find(w("basedOn"))
            if base is not None:
                based[sid] = base.get(w("val"), "")
        for sid in own:
            seen, current, result = set(), sid, False
            while current and current not in seen:
                seen.add(current)
                if own.get(current):
                    result = True
                    break
                current = based.get(current, "")
            self.styles.setdefault(sid, result)

    def is_heading(self, p: etree._Element, text: str, reject: bool = False) -> bool:
        """Whether a paragraph is a heading (with its old properties when ``reject``)."""
        if self.styled(p, reject):
            return bool(text.strip())
        return reads_as_heading(text)

    def styled(self, p: etree._Element, reject: bool = False) -> bool:
        """Whether a paragraph's style or outline level makes it a heading."""
        ppr = p.find(PPR)
        if reject and ppr is not None and ppr.find(PPR_CHANGE) is not None:
            ppr = ppr.find(PPR_CHANGE).find(PPR)
        if ppr is not None:
            style = ppr.find(w("pStyle"))
            if style is not None and self.styles.get(style.get(w("val"), "")):
                return True
            outline = ppr.find(w("outlineLvl"))
            if outline is not None and outline.get(w("val"), "9").isdigit() and \
                    int(outline.get(w("val"), "9")) < 9:
                return True
        return False

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
