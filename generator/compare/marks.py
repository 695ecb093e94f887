"""Paragraph marks at the edges: what Word cannot join keeps its mark both ways.

The last paragraph before a table, a section end or the end of a container cannot be joined
with what follows: when its mark was inserted or deleted, the revision moves to the last
paragraph whose mark can carry it, which takes over the properties it needs on accept and on
reject.
"""

from __future__ import annotations

import copy

from lxml import etree

from .atoms import plain_text
from .ooxml import (
    DEL,
    IGNORED_RPR,
    INS,
    MARKERS,
    PPR,
    PPR_CHANGE,
    RPR,
    SDT,
    SECT_PR,
    TBL,
    XML_SPACE,
    P,
    R,
    Revisions,
    T,
    add_ppr_change,
    copy_ppr_from,
    paragraph_mark,
    ppr_key,
    props_key,
    rpr_key,
    run_shell,
    set_paragraph_mark,
    text_element,
    w,
    wrap,
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


#: What a split is not looked for across: content that is more than text.
_OPAQUE = {w("drawing"), w("pict"), w("object"), w("fldChar"), w("fldSimple"),
           w("footnoteReference"), w("endnoteReference"), TBL}


def split_separator(old: etree._Element, first: etree._Element,
                    second: etree._Element) -> str | None:
    """The spaces lost where ``old`` was split into ``first`` and ``second``; None if it was not.

    A split keeps every word: the old text is the first paragraph's, maybe spaces, then the
    second's.
    """
    if any(p.tag != P for p in (old, first, second)) or any(
            el.tag in _OPAQUE for p in (old, first, second) for el in p.iter()):
        return None
    text, a, b = plain_text(old), plain_text(first), plain_text(second)
    if not a.strip() or not b.strip() or len(text) < len(a) + len(b):
        return None
    if not (text.startswith(a) and text.endswith(b)):
        return None
    separator = text[len(a):len(text) - len(b)]
    if separator.strip():
        return None
    # The words keep their formatting too (else they are compared word by word, as usual).
    looks = _looks(old)
    if looks[:len(a)] != _looks(first) or looks[len(text) - len(b):] != _looks(second):
        return None
    return separator


def _looks(p: etree._Element) -> list[bytes]:
    """The formatting key of each character of a paragraph's text."""
    looks: list[bytes] = []
    for run in p.iter(R):
        looks.extend([rpr_key(run)] * len(plain_text(run)))
    return looks


def find_splits(steps: list, olds: list[etree._Element], news: list[etree._Element]) -> list:
    """``steps`` with splits as ``("split", i, j)`` steps and joins as ``("join", i, j)``.

    For a split, ``j`` is the first of the two new paragraphs; the alignment paired the old
    paragraph with either half and inserted the other. For a join, ``i`` is the first of the
    two old paragraphs, paired with the new one while the other was deleted.
    """
    result = []
    k = 0
    while k < len(steps):
        step = steps[k]
        after = steps[k + 1] if k + 1 < len(steps) else None
        if after is not None and {step[0], after[0]} == {"pair", "del"}:
            first = min(step[1], after[1])
            j = step[2] if step[0] == "pair" else after[2]
            if after[1] == step[1] + 1 and \
                    join_separator(news[j], olds[first], olds[first + 1]) is not None:
                result.append(("join", first, j))
                k += 2
                continue
        if after is not None and step[0] == "pair" and after[0] == "ins" and \
                after[2] == step[2] + 1 and \
                split_separator(olds[step[1]], news[step[2]], news[after[2]]) is not None:
            result.append(("split", step[1], step[2]))
            k += 2
        elif after is not None and step[0] == "ins" and after[0] == "pair" and \
                after[2] == step[2] + 1 and \
                split_separator(olds[after[1]], news[step[2]], news[after[2]]) is not None:
            result.append(("split", after[1], step[2]))
            k += 2
        else:
            result.append(step)
            k += 1
    return result


def mark_split(old: etree._Element, first: etree._Element, second: etree._Element,
               rev: Revisions) -> list[tuple[str, str]]:
    """Track a split as the first paragraph's mark inserted (and the spaces it took, deleted).

    Rejecting joins the two paragraphs back, with the old paragraph's properties. Returns the
    passage's segments.
    """
    separator = split_separator(old, first, second) or ""
    if separator:
        runs = first.findall(R)
        run = run_shell(runs[-1]) if runs else etree.Element(R)
        run.append(text_element(separator, deleted=True))
        first.append(wrap(DEL, [run], rev))
    set_paragraph_mark(first, INS, rev)
    if ppr_key(old) != ppr_key(second):
        add_ppr_change(second, old, rev)
    segments = [("=", plain_text(first))]
    if separator:
        segments.append(("-", separator))
    return segments + [("+", "\n"), ("=", plain_text(second))]


#: Run children a join knows how to cut between (text, tabs, breaks, formatting).
_CUTTABLE = {RPR, T, w("tab"), w("br")}


def join_separator(new: etree._Element, first: etree._Element,
                   second: etree._Element) -> str | None:
    """The spaces added where two old paragraphs were joined into ``new``; None if they were not.

    Only a paragraph of plain runs (text, tabs, breaks, bookmarks) is cut: anything else is
    compared as usual.
    """
    separator = split_separator(new, first, second)
    if separator is None:
        return None
    for child in new:
        if child.tag == R:
            if any(c.tag not in _CUTTABLE for c in child):
                return None
        elif child.tag != PPR and child.tag not in MARKERS:
            return None
    return separator


def mark_join(first: etree._Element, second: etree._Element, new: etree._Element,
              rev: Revisions) -> tuple[etree._Element, list[tuple[str, str]]]:
    """Track a join as a paragraph mark deleted: ``new`` is cut where the old mark stood.

    The words before the cut go to a paragraph put before ``new``, with ``first``'s properties
    and its mark deleted; the spaces the join added are inserted text. Accepting joins the two
    (with the new properties), rejecting gives back the old paragraphs. Returns that paragraph
    and the passage's segments.
    """
    separator = join_separator(new, first, second) or ""
    head_text = plain_text(first)
    head = etree.Element(P)
    copy_ppr_from(head, first)
    head.extend(_cut(new, len(head_text)))
    if separator:
        spaces = _cut(new, len(separator))
        head.append(wrap(INS, [c for c in spaces if c.tag == R], rev))
        head.extend(c for c in spaces if c.tag != R)
    set_paragraph_mark(head, DEL, rev)
    if ppr_key(second) != ppr_key(new):
        add_ppr_change(new, second, rev)
    new.addprevious(head)
    segments = [("=", head_text), ("-", "\n")]
    if separator:
        segments.append(("+", separator))
    return head, segments + [("=", plain_text(second))]


def _cut(p: etree._Element, size: int) -> list[etree._Element]:
    """Take the first ``size`` characters of a paragraph's runs out of it (a run cut in two)."""
    taken: list[etree._Element] = []
    for child in [c for c in p if c.tag != PPR]:
        if size <= 0:
            break
        if child.tag != R:
            p.remove(child)
            taken.append(child)
            continue
        length = len(plain_text(child))
        if length <= size:
            p.remove(child)
            taken.append(child)
            size -= length
            continue
        piece = run_shell(child)
        for c in [c for c in child if c.tag != RPR]:
            if size <= 0:
                break
            if c.tag == T and len(c.text or "") > size:
                piece.append(text_element(c.text[:size]))
                c.text = c.text[size:]
                c.set(XML_SPACE, "preserve")
                size = 0
            else:
                size -= len(plain_text(c)) if c.tag == T else 1
                piece.append(c)
        taken.append(piece)
    return taken
