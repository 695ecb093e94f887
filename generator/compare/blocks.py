"""Blocks (paragraphs, tables, content controls) as the comparer aligns them: keys, text, pairs.

A container's blocks are first matched on exact keys (`block_key`: kind, style, text and
pictures), then the blocks of each gap are paired by similarity (`align_blocks`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from .align import align, dice
from .atoms import digest, plain_text
from .marks import BLOCKS
from .ooxml import PPR, SDT_CONTENT, TBL, TC, TR, P, T, ppr_key, w
from .tokens import normalize_space

_WORDS = re.compile(r"\w+")
_PICTURES = (w("drawing"), w("pict"), w("object"))


def block_key(block: etree._Element, resolve: Callable[[str], str]) -> str:
    """The exact-match key of a block: kind, style, text and pictures."""
    if block.tag == P:
        ppr = block.find(PPR)
        style = ""
        if ppr is not None:
            st = ppr.find(w("pStyle"))
            style = st.get(w("val"), "") if st is not None else ""
        # A picture counts in the key (by its content): a paragraph matches only the same
        # picture, and weighs more than an empty one when alignment has to choose.
        pictures = "".join(digest(el, resolve) for el in block.iter(*_PICTURES))
        return "p" + style + "\x00" + _text_key(block) + pictures
    if block.tag == TBL:
        # Tables align by their number of columns, so that an edited table is compared
        # row by row rather than deleted and inserted whole.
        row = block.find(TR)
        return f"t{len(row.findall(TC)) if row is not None else 0}"
    return "s\x00" + _text_key(block)

def block_text(block: etree._Element) -> str:
    """The readable text of a block (cells joined by ` | `, paragraphs by a line feed)."""
    if block.tag == P:
        return plain_text(block)
    if block.tag == TBL:
        return "\n".join(row_text(tr) for tr in block.findall(TR))
    return "\n".join(block_text(b) for b in block.iter(P, TBL)
                     if b.getparent() is not None and b.getparent().tag == SDT_CONTENT)

def row_text(tr: etree._Element) -> str:
    """A table row as `` | ``-separated cell texts."""
    return " | ".join(" ".join(plain_text(p) for p in tc.iter(P)) for tc in tr.findall(TC))


def align_blocks(olds: list[etree._Element], news: list[etree._Element],
                  after_equal: bool = False) -> list:
    """Pair the blocks of a gap by similarity.

    Right after blocks that match (a heading found on both sides), the first paragraphs of
    the gap pair when alike in style even if their words differ: a paragraph stays under
    its heading rather than pairing by position further down. A gap of one paragraph on
    each side that ends both containers pairs them without weighing their words: the last
    paragraphs of a container pair whatever they hold (`marks.pair_last_paragraphs`), and
    such a paragraph may weigh megabytes.
    """
    if len(olds) == len(news) == 1 and olds[0].tag == news[0].tag == P and \
            _ends_container(olds[0]) and _ends_container(news[0]):
        return [("pair", 0, 0)]
    old_bags = [_bag(b) for b in olds]
    new_bags = [_bag(b) for b in news]
    threshold = 0.4

    def similarity(i: int, j: int) -> float:
        o, n = olds[i], news[j]
        if o.tag != n.tag:
            return 0.0
        if after_equal and i == j == 0 and o.tag == P and ppr_key(o) == ppr_key(n):
            return max(threshold, dice(old_bags[i], new_bags[j]))
        if o.tag == P:
            if not old_bags[i] and not new_bags[j]:
                return 0.9 if ppr_key(o) == ppr_key(n) else 0.6
            return dice(old_bags[i], new_bags[j])
        return max(0.5, dice(old_bags[i], new_bags[j]))

    return align(len(olds), len(news), similarity, threshold)


def _ends_container(block: etree._Element) -> bool:
    """Whether no block follows ``block`` in its container."""
    return not any(sibling.tag in BLOCKS for sibling in block.itersiblings())


def _bag(block: etree._Element) -> Counter:
    """The words of a block, lower-cased, with their counts.

    Counted by spaces first, at C speed (a paragraph may hold megabytes): words never span a
    space, so only the few distinct pieces holding a sign are cut again.
    """
    bag: Counter = Counter()
    # Lower-cased once per distinct piece, not over the whole text.
    for piece, count in Counter(block_text(block).split()).items():
        piece = piece.lower()
        if _WORDS.fullmatch(piece):
            bag[piece] += count
        else:
            for word in _WORDS.findall(piece):
                bag[word] += count
    return bag


def _text_key(el: etree._Element) -> str:
    """The text of a block for alignment (field codes included, spaces alike).

    Only alignment uses it: blocks whose keys agree are still compared in full.
    """
    return normalize_space(etree.tostring(el, method="text", encoding=str, with_tail=False))


def text_length(p: etree._Element) -> int:
    """How many characters of text a paragraph holds."""
    return sum(len(t.text or "") for t in p.iter(T))
