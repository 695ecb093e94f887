"""Bookmarks only the old document has: brought back as deleted, so that reject restores them.

A bookmark is no text, yet a cross-reference or a macro may need it. When NEW has no bookmark
of that name, its start and end are put back in the output paragraphs that stand for the old
ones (the paired or the deleted copy), each inside a ``w:del``: gone on accept, back on reject.
Word's own ``_GoBack`` (where the cursor was last) is left out.
"""

from __future__ import annotations

from lxml import etree

from .ooxml import DEL, PPR, P, Revisions, w

BOOKMARK_START, BOOKMARK_END = w("bookmarkStart"), w("bookmarkEnd")
_NAME, _ID = w("name"), w("id")
_IGNORED = {"_GoBack"}


def restore_bookmarks(old_root: etree._Element, out_root: etree._Element,
                      counterparts: dict[etree._Element, etree._Element],
                      rev: Revisions) -> None:
    """Put back, deleted, the bookmarks of ``old_root`` that ``out_root`` lacks by name."""
    present = {b.get(_NAME) for b in out_root.iter(BOOKMARK_START)}
    ends = {b.get(_ID): b for b in old_root.iter(BOOKMARK_END)}
    for start in old_root.iter(BOOKMARK_START):
        name = start.get(_NAME)
        if not name or name in present or name in _IGNORED:
            continue
        end = ends.get(start.get(_ID))
        first = counterparts.get(_paragraph_of(start))
        last = counterparts.get(_paragraph_of(end)) if end is not None else None
        if first is None:
            continue
        bookmark_id = rev.new_id()
        restored = etree.Element(BOOKMARK_START, dict(start.attrib))
        restored.set(_ID, bookmark_id)
        head = rev.element(DEL)
        head.append(restored)
        ppr = first.find(PPR)
        first.insert(first.index(ppr) + 1 if ppr is not None else 0, head)
        tail = rev.element(DEL)
        tail.append(etree.Element(BOOKMARK_END, {_ID: bookmark_id}))
        (last if last is not None else first).append(tail)
        present.add(name)


def _paragraph_of(el: etree._Element | None) -> etree._Element | None:
    """The paragraph a bookmark boundary sits in (or the next one, between paragraphs)."""
    if el is None:
        return None
    found = next(el.iterancestors(P), None)
    if found is None:
        found = next(el.itersiblings(P), None)
    return found
