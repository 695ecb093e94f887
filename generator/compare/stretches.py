"""Long paragraphs: a stretch of chunks that differ, cut into words and matched.

A long paragraph is compared by chunks of a few words first (`generator.compare.words.
chunked_word_ops`); where chunks differ, `refine` cuts them into tokens, matches the words
(`word_matches`: words and signs by a longest common subsequence, spaces beside them) and makes
atoms no finer than the tidying reads them: each operation's text within a chunk, and each
sentence sign.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Sequence

from .align import Block, add_run, common_pairs, matching_blocks
from .atoms import Atom, text_atoms
from .tokens import SENTENCE_SIGNS, has_sentence_sign, token_key, tokenize
from .words import Op

#: Word stretches up to this size (old × new words) are matched by a table (`_lcs`).
_SMALL_TABLE = 400
#: Runs of words kept by Myers' algorithm that anchor the table (see `_word_pairs`): at least
#: this long once a margin is left to the table at each end.
_ANCHOR = 4
_MARGIN = 2


def refine(olds: Sequence[Atom], news: Sequence[Atom],
           joined: bool = True) -> tuple[list[Atom], list[Atom], list[Op]]:
    """Word atoms, and the operations on them, for two stretches of atoms that differ.

    Chunks (see `generator.compare.atoms.flatten`'s ``chunks``) are cut into tokens and
    matched word by word (`word_matches`) as strings; atoms are then made only as fine as
    the tidying of `generator.compare.words` needs them, which reads the words of an equal
    stretch from its text: one atom for the tokens of one operation within one chunk, and
    each sentence sign its own atom (sentences are found by their atoms). Equal text is cut
    alike on both sides, so that its atoms pair. With ``joined`` false, every token is its own
    atom (what the joined atoms must read like). Other atoms stay as they are.
    """
    old_tokens = [_chunk_tokens(a) for a in olds]
    new_tokens = [_chunk_tokens(a) for a in news]
    flat_old = list(itertools.chain.from_iterable(old_tokens))
    flat_new = list(itertools.chain.from_iterable(new_tokens))
    # Chunks that are their own key, with single ordinary spaces only (most): so is each token.
    plain = all(a.kind == "text" and a.chunk and a.key == a.text
                for a in itertools.chain(olds, news))
    ops = _token_ops(flat_old, flat_new, plain)
    old_starts = [0, *itertools.accumulate(map(len, old_tokens))]
    new_starts = [0, *itertools.accumulate(map(len, new_tokens))]
    if joined:
        old_cuts, new_cuts = _cuts(ops, flat_old, flat_new, old_starts, new_starts,
                                   _signed(olds), _signed(news))
    else:
        old_cuts, new_cuts = bytearray(b"\x01" * (len(flat_old) + 1)), \
            bytearray(b"\x01" * (len(flat_new) + 1))
    # An atom starts at each cut: the atoms before a place are the cuts before it.
    return (_cut(olds, old_tokens, old_starts, old_cuts),
            _cut(news, new_tokens, new_starts, new_cuts),
            [(tag, old_cuts.count(1, 0, i1), old_cuts.count(1, 0, i2),
              new_cuts.count(1, 0, j1), new_cuts.count(1, 0, j2))
             for tag, i1, i2, j1, j2 in ops])


def _signed(atoms: Sequence[Atom]) -> bool:
    """Whether the atoms' text holds a sentence sign (most chunks do not: no token to look at)."""
    return has_sentence_sign("".join([a.text for a in atoms]))


def _chunk_tokens(atom: Atom) -> list:
    """A chunk's tokens; any other atom stands for itself (equal to nothing on the other side)."""
    return tokenize(atom.text) if atom.kind == "text" and atom.chunk else [atom]


def _key(item: str | Atom) -> str:
    return token_key(item) if isinstance(item, str) else item.key


def _shown(item: str | Atom) -> str:
    return item if isinstance(item, str) else item.text


def _token_ops(old: list, new: list, own_keys: bool = False) -> list[Op]:
    """Equal and changed spans of two token sequences (tokens, or atoms standing for themselves).

    Tokens of equal keys whose exact text differs (a no-break space become an ordinary one)
    are a change, so that rejecting gives back the exact old text. With ``own_keys``, every
    item is a token that is its own key.
    """
    n, m = len(old), len(new)
    limit = min(n, m)
    # Where both sides start, then end, to differ: found at C speed.
    head = next(itertools.compress(itertools.count(), map(operator.ne, old, new)), limit)
    tail = next(itertools.compress(itertools.count(), map(operator.ne, old[:head - 1 - n:-1],
                                                          new[:head - 1 - m:-1])),
                limit - head)
    ops: list[Op] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 and j1 == j2:
            return
        if ops and ops[-1][0] == tag:
            ops[-1] = (tag, ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    add("equal", 0, head, 0, head)
    i, j = head, head
    old_keys, new_keys = old[head:n - tail], new[head:m - tail]
    if not own_keys:
        old_keys, new_keys = list(map(_key, old_keys)), list(map(_key, new_keys))
    for bi, bj, size in word_matches(old_keys, new_keys):
        bi, bj = bi + head, bj + head
        add("change", i, bi, j, bj)
        if old[bi:bi + size] == new[bj:bj + size]:
            add("equal", bi, bi + size, bj, bj + size)  # the same tokens (most): at C speed
        else:
            for k in range(size):
                tag = "equal" if _shown(old[bi + k]) == _shown(new[bj + k]) else "change"
                add(tag, bi + k, bi + k + 1, bj + k, bj + k + 1)
        i, j = bi + size, bj + size
    add("change", i, n - tail, j, m - tail)
    add("equal", n - tail, n, m - tail, m)
    return ops


def _cuts(ops: list[Op], old: list, new: list, old_starts: list[int], new_starts: list[int],
          old_signed: bool = True, new_signed: bool = True) -> tuple[bytearray, bytearray]:
    """Where atoms start, on each side: a flag for each token position, for `refine`.

    Each chunk's start, each operation's ends, and around each sentence sign; an equal
    stretch is cut alike on both sides, so that its atoms pair. ``old_signed``,
    ``new_signed``: whether a side's text may hold a sentence sign at all.
    """
    old_cuts, new_cuts = bytearray(old_starts[-1] + 1), bytearray(new_starts[-1] + 1)
    for cuts, starts, tokens, signed in ((old_cuts, old_starts, old, old_signed),
                                         (new_cuts, new_starts, new, new_signed)):
        for start in starts:
            cuts[start] = 1
        if signed:
            signs = map(SENTENCE_SIGNS.__contains__, tokens)
            for k in itertools.compress(itertools.count(), signs):
                cuts[k] = cuts[k + 1] = 1
    for tag, i1, i2, j1, j2 in ops:
        old_cuts[i1] = old_cuts[i2] = new_cuts[j1] = new_cuts[j2] = 1
        if tag == "equal":
            # The same keys on both sides, so the same signs; the chunks may start apart.
            olds, news = old_cuts[i1:i2 + 1], new_cuts[j1:j2 + 1]
            if olds != news:
                old_cuts[i1:i2 + 1] = new_cuts[j1:j2 + 1] = bytes(map(operator.or_, olds, news))
    return old_cuts, new_cuts


def _cut(atoms: Sequence[Atom], tokens: list[list], starts: list[int],
         cuts: bytearray) -> list[Atom]:
    """Atoms of ``atoms``, chunks cut where ``cuts`` says (a flag at each token place).

    A chunk not cut inside stays as it is.
    """
    result: list[Atom] = []
    for atom, found, start, stop in zip(atoms, tokens, starts, starts[1:], strict=False):
        inner = cuts.find(1, start + 1, stop)
        if inner < 0 or not (atom.kind == "text" and atom.chunk):
            result.append(atom)
            continue
        bounds = [0, *itertools.compress(range(inner - start, stop - start),
                                         cuts[inner:stop]), stop - start]
        texts = list(map("".join, map(found.__getitem__, map(slice, bounds, bounds[1:]))))
        # Each atom's key is its text: atoms refined are compared no more.
        result.extend(text_atoms(atom.pieces, texts, str, atom.markers))
    return result


def word_matches(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[Block]:
    """Matched runs of two key sequences: (old start, new start, length), in order.

    Words and signs are matched first (`matching_blocks`), spaces aside: every space has the
    same key, which makes a longest common subsequence of all keys four times the work for
    nothing, since a space kept alone between two changes is joined to them by the tidying.
    Then each stretch between two matched words keeps the spaces both sides start and end it
    with (those beside a kept word).

    >>> word_matches(["a", " ", "b", " ", "c"], ["a", " ", "x", " ", "c"])
    [(0, 0, 2), (3, 3, 2)]
    """
    if not old_keys or not new_keys:
        return []
    if len(old_keys) == len(new_keys) == 1:
        return [(0, 0, 1)] if old_keys[0] == new_keys[0] else []
    space = itertools.repeat(" ")
    old_words = list(itertools.compress(itertools.count(), map(operator.ne, old_keys, space)))
    new_words = list(itertools.compress(itertools.count(), map(operator.ne, new_keys, space)))
    pairs: list[tuple[int, int]] = []
    if old_words and new_words:
        words_a = [old_keys[i] for i in old_words]
        words_b = [new_keys[j] for j in new_words]
        for i, j in _word_pairs(words_a, words_b):
            pairs.append((old_words[i], new_words[j]))
    n, m = len(old_keys), len(new_keys)
    blocks: list[Block] = []

    i = j = 0
    for word_i, word_j in [*pairs, (n, m)]:
        # The stretch [i, word_i) × [j, word_j) between two kept words: its common ends.
        if word_i - i == word_j - j and old_keys[i:word_i] == new_keys[j:word_j]:
            # Alike (the space between two kept words, mostly): kept whole.
            add_run(blocks, i, j, word_i - i + (1 if word_i < n else 0))
            i, j = word_i + 1, word_j + 1
            continue
        limit = min(word_i - i, word_j - j)
        head = 0
        while head < limit and old_keys[i + head] == new_keys[j + head]:
            head += 1
        tail = 0
        while tail < limit - head and old_keys[word_i - 1 - tail] == new_keys[word_j - 1 - tail]:
            tail += 1
        add_run(blocks, i, j, head)
        add_run(blocks, word_i - tail, word_j - tail, tail)
        add_run(blocks, word_i, word_j, 1 if word_i < n else 0)
        i, j = word_i + 1, word_j + 1
    return blocks


def _word_pairs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """The places (i, j) of a longest common subsequence of two word sequences.

    Few edits between many words (a long paragraph's stretch holding two edits far apart):
    Myers' algorithm (`common_pairs`), linear then, finds one; its long runs of kept words,
    less a margin at each end, anchor the table of `matching_blocks` in between, which
    chooses among subsequences as long the one keeping the most text. Where Myers gives up
    (it would cost more than an eighth of the table), or for a small stretch, the table alone.
    """
    cells = len(a) * len(b)
    found = common_pairs(a, b, math.isqrt(cells) // 2) if cells > _SMALL_TABLE else None
    anchors: list[Block] = []
    if found is not None:
        for _, run in itertools.groupby(enumerate(found), lambda item: item[1][0] - item[0]):
            places = [place for _, place in run]
            if len(places) >= _ANCHOR + 2 * _MARGIN and \
                    places[-1][1] - places[0][1] == len(places) - 1:
                i, j = places[_MARGIN]
                anchors.append((i, j, len(places) - 2 * _MARGIN))
    pairs: list[tuple[int, int]] = []
    i = j = 0
    for ai, aj, size in [*anchors, (len(a), len(b), 0)]:
        for tag, i1, i2, j1, j2 in matching_blocks(a[i:ai], b[j:aj]):
            if tag == "equal":
                pairs.extend(zip(range(i + i1, i + i2), range(j + j1, j + j2), strict=True))
        pairs.extend(zip(range(ai, ai + size), range(aj, aj + size), strict=True))
        i, j = ai + size, aj + size
    return pairs
