"""Paragraph marks at the edges: what Word cannot join keeps its mark both ways.

The last paragraph before a table, a section end or the end of a container cannot be joined
with what follows: when its mark was inserted or deleted, the revision moves to the last
paragraph whose mark can carry it, which takes over the properties it needs on accept and on
reject.
"""

from __future__ import annotations

import copy

from lxml import etree

from .ooxml import (
    DEL,
    IGNORED_RPR,
    INS,
    PPR,
    PPR_CHANGE,
    RPR,
    SDT,
    SECT_PR,
    TBL,
    P,
    Revisions,
    add_ppr_change,
    copy_ppr_from,
    paragraph_mark,
    ppr_key,
    props_key,
    set_paragraph_mark,
    w,
)
from .records import Record

#: The children of a container that are blocks.
BLOCKS = {P, TBL, SDT, w("customXml")}


def fix_paragraph_marks(container: etree._Element, rev: Revisions,
                        records: list[Record]) -> None:
    """Keep the last paragraph before a table, a section end or the container's end.

    Word cannot join that paragraph with what follows, so its mark must survive both
    accepting and rejecting. When it was inserted or deleted, the revision moves to the
    mark of the last unchanged paragraph before it, whose properties it takes over.
    """
    run: list[etree._Element] = []
    for child in list(container) + [None]:
        if child is not None and child.tag == P:
            run.append(child)
            if child.find(PPR) is not None and child.find(PPR).find(SECT_PR) is not None:
                _fix_tail(run, rev, records)
                run = []
            continue
        if child is not None and child.tag not in BLOCKS:
            continue
        _fix_tail(run, rev, records)
        run = []

def _fix_tail(paragraphs: list[etree._Element], rev: Revisions,
              records: list[Record]) -> None:
    if not paragraphs:
        return
    marks = [paragraph_mark(p) for p in paragraphs]
    if marks[-1] is None:
        return
    k = len(paragraphs) - 1
    j = k
    while j >= 0 and marks[j] is not None:
        j -= 1
    tail = list(range(j + 1, k + 1))
    dels = [i for i in tail if marks[i] == "del"]
    inss = [i for i in tail if marks[i] == "ins"]
    if dels and inss:
        # Both kinds: the last deleted paragraph's text moves into the last inserted one,
        # whose mark then survives both ways with the deleted one's former properties.
        d, i = paragraphs[dels[-1]], paragraphs[inss[-1]]
        if dels[-1] > inss[-1]:
            return
        moved = [c for c in d if c.tag != PPR]
        first = i.find(PPR)
        position = (i.index(first) + 1) if first is not None else 0
        for offset, c in enumerate(moved):
            i.insert(position + offset, c)
        _set_ppr_change_from(i, d, rev)
        set_paragraph_mark(i, None, rev)
        d.getparent().remove(d)
        for record in records:
            if record.anchor.start_p is d:
                record.anchor.start_p, record.anchor.start = i, None
            if record.anchor.end_p is d:
                record.anchor.end_p, record.anchor.end = i, None
        return
    if j < 0:
        return
    keeper, last = paragraphs[j], paragraphs[k]
    if dels:
        # Accept joins keeper's text to the last paragraph: give it keeper's properties.
        old_props = copy.deepcopy(last)
        copy_ppr_from(last, keeper)
        _set_ppr_change_from(last, old_props, rev)
        set_paragraph_mark(keeper, DEL, rev)
        set_paragraph_mark(last, None, rev)
    else:
        # Reject joins keeper's text to the last paragraph: it takes keeper's old properties.
        original = _original_ppr_holder(keeper)
        set_paragraph_mark(keeper, INS, rev)
        set_paragraph_mark(last, None, rev)
        if ppr_key(original) != ppr_key(last):
            add_ppr_change(last, original, rev)


def pair_last_paragraphs(steps: list, olds: list[etree._Element],
                          news: list[etree._Element]) -> list:
    """Pair the last old and new paragraphs of a container when nothing else pairs them.

    The last paragraph of a body or a cell cannot be deleted nor inserted (Word keeps it), so
    the container's final text is shown as a change inside that paragraph instead.
    """
    if not olds or not news or olds[-1].tag != P or news[-1].tag != P:
        return steps
    last_old, last_new = len(olds) - 1, len(news) - 1
    if ("pair", last_old, last_new) in steps:
        return steps
    if any(s[0] == "pair" and (s[1] == last_old or s[2] == last_new) for s in steps):
        return steps
    kept = [s for s in steps if s not in (("del", last_old, None), ("ins", None, last_new))]
    return kept + [("pair", last_old, last_new)]


def _set_ppr_change_from(p: etree._Element, source: etree._Element, rev: Revisions) -> None:
    """Record on ``p`` that its properties were those of ``source`` (if they differ)."""
    original = _original_ppr_holder(source)
    if ppr_key(original) != ppr_key(p):
        add_ppr_change(p, original, rev)


def _original_ppr_holder(p: etree._Element) -> etree._Element:
    """A paragraph carrying the properties ``p`` has when changes are rejected."""
    ppr = p.find(PPR)
    change = ppr.find(PPR_CHANGE) if ppr is not None else None
    if change is None or change.find(PPR) is None:
        return p
    holder = etree.Element(P)
    holder.append(copy.deepcopy(change.find(PPR)))
    return holder


def mark_key(p: etree._Element) -> bytes:
    """The formatting key of a paragraph's mark."""
    ppr = p.find(PPR)
    return props_key(ppr.find(RPR) if ppr is not None else None, IGNORED_RPR)
