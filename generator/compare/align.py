"""Alignment: which old block goes with which new one, and which words changed inside a paragraph.

Pure functions on keys and atoms, no XML. Blocks are first matched exactly (patience diff on
their keys); what differs in between is paired by similarity (an order-keeping dynamic
programme), so that an edited paragraph is compared word by word while a paragraph that is new or
gone is marked whole. Inside a paired paragraph, words are matched the same way (anchors on words
found once on each side, then a longest common subsequence in the small gaps: linear-ish even on a
paragraph of megabytes), then the result is tidied so a reader sees whole edits: a changed number
is one deletion and one insertion, and a rewritten sentence one deletion and one insertion rather
than confetti.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

#: One alignment step: ("pair", i, j), ("del", i, None) or ("ins", None, j).
Step = tuple[str, int | None, int | None]

#: Regions larger than this (old × new blocks) are aligned greedily instead of optimally.
DP_LIMIT = 40_000
_WINDOW = 12

#: Stretches up to this size (old × new items) get a longest common subsequence.
_LCS_LIMIT = 40_000

#: Lengths of the runs of keys tried as anchors when no single key is found once on each side.
_NGRAMS = (4, 16, 64)

#: A matched run: (old start, new start, length).
Block = tuple[int, int, int]


def matching_blocks(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[tuple]:
    """Opcodes (as difflib's) matching equal keys, in linear time on documents.

    Common ends first; what lies between gets a longest common subsequence when small, else
    (patience diff) the keys found once on each side anchor the alignment (longest increasing
    run of them) and the stretches between anchors are matched recursively. Where no key is
    unique (a long paragraph: every space, every « de » repeats), runs of a few keys found once
    on each side anchor it instead. A stretch with no anchor at all and too large for a longest
    common subsequence is replaced whole: bounded time, never quadratic.

    >>> matching_blocks(["a", "b", "c"], ["a", "x", "c"])
    [('equal', 0, 1, 0, 1), ('replace', 1, 2, 1, 2), ('equal', 2, 3, 2, 3)]
    """
    blocks: list[Block] = []
    stack = [(0, len(old_keys), 0, len(new_keys))]
    while stack:
        # Explicit stack, last region first: blocks come out in order once sorted.
        stack.extend(reversed(_patience(old_keys, new_keys, *stack.pop(), blocks)))
    blocks.sort()
    return _opcodes(blocks, len(old_keys), len(new_keys))


def _patience(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int,
              blocks: list[Block]) -> list[tuple[int, int, int, int]]:
    """Match one region: add the blocks found, return the sub-regions left to match."""
    start = alo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo, blo = alo + 1, blo + 1
    if alo > start:
        blocks.append((start, blo - (alo - start), alo - start))
    end = ahi
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    if ahi < end:
        blocks.append((ahi, bhi, end - ahi))
    if alo >= ahi or blo >= bhi:
        return []
    if (ahi - alo) * (bhi - blo) <= _LCS_LIMIT:
        blocks.extend(_lcs(a, alo, ahi, b, blo, bhi))
        return []
    anchors = [(i, j, 1) for i, j in _unique_anchors(a, alo, ahi, b, blo, bhi)]
    for size in _NGRAMS:
        if anchors or size > min(ahi - alo, bhi - blo):
            break
        anchors = _ngram_anchors(a, alo, ahi, b, blo, bhi, size)
    regions = []
    i, j = alo, blo
    for ai, bj, size in anchors:
        regions.append((i, ai, j, bj))
        blocks.append((ai, bj, size))
        i, j = ai + size, bj + size
    if anchors:
        regions.append((i, ahi, j, bhi))
    return regions


def _lcs(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int,
         bhi: int) -> list[Block]:
    """The blocks of a longest common subsequence (most items kept, fewest changes).

    difflib's longest-block-first heuristic can keep fewer blocks when keys repeat (several
    "Tableau :" paragraphs, identical tables).
    """
    n, m = ahi - alo, bhi - blo
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = lengths[i], lengths[i + 1]
        key = a[alo + i]
        for j in range(m - 1, -1, -1):
            if key == b[blo + j]:
                row[j] = below[j + 1] + 1
            else:
                row[j] = below[j] if below[j] >= row[j + 1] else row[j + 1]
    blocks: list[Block] = []
    i = j = 0
    while i < n and j < m:
        if a[alo + i] == b[blo + j]:
            if blocks and blocks[-1][0] + blocks[-1][2] == alo + i and \
                    blocks[-1][1] + blocks[-1][2] == blo + j:
                blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + 1)
            else:
                blocks.append((alo + i, blo + j, 1))
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return blocks


def _unique_anchors(a: Sequence, alo: int, ahi: int, b: Sequence, blo: int,
                    bhi: int) -> list[tuple[int, int]]:
    """Pairs of keys found exactly once on each side, longest increasing run of them."""
    count_a: dict = {}
    where_a: dict = {}
    for i in range(alo, ahi):
        key = a[i]
        count_a[key] = count_a.get(key, 0) + 1
        where_a[key] = i
    count_b: dict = {}
    where_b: dict = {}
    for j in range(blo, bhi):
        key = b[j]
        if key in count_a:
            count_b[key] = count_b.get(key, 0) + 1
            where_b[key] = j
    candidates = sorted((where_a[k], where_b[k]) for k, n in count_b.items()
                        if n == 1 and count_a[k] == 1)
    return _increasing(candidates)


def _ngram_anchors(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int,
                   bhi: int, size: int) -> list[Block]:
    """Runs of ``size`` keys found once on each side, in order and not overlapping."""
    grams_a = [hash(tuple(a[i:i + size])) for i in range(alo, ahi - size + 1)]
    grams_b = [hash(tuple(b[j:j + size])) for j in range(blo, bhi - size + 1)]
    anchors: list[Block] = []
    last_i, last_j = alo, blo
    for i, j in _unique_anchors(grams_a, 0, len(grams_a), grams_b, 0, len(grams_b)):
        i, j = alo + i, blo + j
        if i >= last_i and j >= last_j and a[i:i + size] == b[j:j + size]:
            anchors.append((i, j, size))
            last_i, last_j = i + size, j + size
    return anchors


def _increasing(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``candidates`` (sorted on old position) increasing on new position."""
    if not candidates:
        return []
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(candidates)
    for index, (_, j) in enumerate(candidates):
        position = bisect.bisect_left(tails, j)
        if position == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[position] = j
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position else -1
    result = []
    index = tail_index[-1]
    while index != -1:
        result.append(candidates[index])
        index = previous[index]
    result.reverse()
    return result


def _opcodes(blocks: list[Block], n_a: int, n_b: int) -> list[tuple]:
    """difflib-style opcodes from sorted, non-overlapping matched blocks."""
    ops: list[tuple] = []
    i = j = 0
    for bi, bj, size in blocks:
        if not size:
            continue
        if ops and ops[-1][0] == "equal" and (bi, bj) == (i, j):
            ops[-1] = ("equal", ops[-1][1], bi + size, ops[-1][3], bj + size)
        else:
            if bi > i or bj > j:
                tag = "replace" if bi > i and bj > j else "delete" if bi > i else "insert"
                ops.append((tag, i, bi, j, bj))
            ops.append(("equal", bi, bi + size, bj, bj + size))
        i, j = bi + size, bj + size
    if n_a > i or n_b > j:
        tag = "replace" if n_a > i and n_b > j else "delete" if n_a > i else "insert"
        ops.append((tag, i, n_a, j, n_b))
    return ops


def dice(a: Counter, b: Counter) -> float:
    """Similarity of two bags of words, 0 to 1.

    >>> dice(Counter("abcd"), Counter("abce"))
    0.75
    """
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 1.0
    common = sum((a & b).values())
    return 2 * common / total


def align(n_old: int, n_new: int, similarity: Callable[[int, int], float],
          threshold: float) -> list[Step]:
    """Pair old and new blocks of a region in order, maximizing total similarity.

    Unpaired old blocks come before unpaired new ones in each gap (deletion, then insertion).

    >>> align(2, 2, lambda i, j: 1.0 if i == j else 0.0, 0.5)
    [('pair', 0, 0), ('pair', 1, 1)]
    >>> align(1, 2, lambda i, j: 0.9 if j == 1 else 0.0, 0.5)
    [('ins', None, 0), ('pair', 0, 1)]
    """
    if n_old * n_new > DP_LIMIT:
        return _align_greedy(n_old, n_new, similarity, threshold)
    sims: dict[tuple[int, int], float] = {}
    score = [[0.0] * (n_new + 1) for _ in range(n_old + 1)]
    for i in range(1, n_old + 1):
        row, above = score[i], score[i - 1]
        for j in range(1, n_new + 1):
            best = above[j] if above[j] >= row[j - 1] else row[j - 1]
            s = similarity(i - 1, j - 1)
            if s >= threshold:
                sims[(i - 1, j - 1)] = s
                if above[j - 1] + s > best:
                    best = above[j - 1] + s
            row[j] = best
    steps: list[Step] = []
    i, j = n_old, n_new
    while i or j:
        if i and j and (i - 1, j - 1) in sims and \
                abs(score[i][j] - score[i - 1][j - 1] - sims[(i - 1, j - 1)]) < 1e-9:
            steps.append(("pair", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif j and (not i or score[i][j - 1] >= score[i - 1][j]):
            steps.append(("ins", None, j - 1))
            j -= 1
        else:
            steps.append(("del", i - 1, None))
            i -= 1
    steps.reverse()
    return _dels_first(steps)


def _dels_first(steps: list[Step]) -> list[Step]:
    """Within each run of unpaired steps, deletions before insertions."""
    result: list[Step] = []
    gap: list[Step] = []
    for step in steps:
        if step[0] == "pair":
            result.extend(sorted(gap, key=lambda s: s[0] != "del"))
            gap = []
            result.append(step)
        else:
            gap.append(step)
    result.extend(sorted(gap, key=lambda s: s[0] != "del"))
    return result


def _align_greedy(n_old: int, n_new: int, similarity: Callable[[int, int], float],
                  threshold: float) -> list[Step]:
    steps: list[Step] = []
    i = j = 0
    while i < n_old and j < n_new:
        best = None
        for di in range(min(_WINDOW, n_old - i)):
            for dj in range(min(_WINDOW, n_new - j)):
                if best is not None and di + dj > best[0]:
                    break
                s = similarity(i + di, j + dj)
                if s >= threshold and (best is None or (di + dj, -s) < (best[0], -best[1])):
                    best = (di + dj, s, di, dj)
        if best is None:
            steps.append(("del", i, None))
            steps.append(("ins", None, j))
            i += 1
            j += 1
            continue
        _, _, di, dj = best
        steps.extend(("del", i + k, None) for k in range(di))
        steps.extend(("ins", None, j + k) for k in range(dj))
        steps.append(("pair", i + di, j + dj))
        i, j = i + di + 1, j + dj + 1
    steps.extend(("del", k, None) for k in range(i, n_old))
    steps.extend(("ins", None, k) for k in range(j, n_new))
    return _dels_first(steps)


class AtomLike(Protocol):
    """What word alignment needs from an atom."""

    key: str

    @property
    def text(self) -> str: ...  # noqa: D102

    @property
    def significant(self) -> bool: ...  # noqa: D102

    @property
    def ends_sentence(self) -> bool: ...  # noqa: D102

    @property
    def weight(self) -> int: ...  # noqa: D102


#: A word-level operation: ("equal" | "change", i1, i2, j1, j2).
Op = tuple[str, int, int, int, int]

AtomT = TypeVar("AtomT", bound=AtomLike)


def word_ops(old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    """Equal and changed spans of two atom sequences, tidied for reading.

    Spaces compare alike when aligning, but an atom whose exact text differs (an ordinary space
    become a no-break one) is still a change, so that rejecting gives back the exact old text.
    """
    return _tidy(_raw_ops(old, new), old, new)


def chunked_word_ops(old: Sequence[AtomT], new: Sequence[AtomT],
                     refine: Callable[[AtomT], list[AtomT]]
                     ) -> tuple[list[AtomT], list[AtomT], list[Op]]:
    """`word_ops` for atoms that are chunks of words: chunks first, words where they differ.

    Returns the atom sequences the operations index (chunks where equal, words elsewhere) and
    the operations.
    """
    out_old: list[AtomT] = []
    out_new: list[AtomT] = []
    ops: list[Op] = []

    def words(olds: Sequence[AtomT], news: Sequence[AtomT]) -> None:
        fine_old = [f for a in olds for f in refine(a)]
        fine_new = [f for a in news for f in refine(a)]
        i0, j0 = len(out_old), len(out_new)
        ops.extend((tag, i1 + i0, i2 + i0, j1 + j0, j2 + j0)
                   for tag, i1, i2, j1, j2 in _raw_ops(fine_old, fine_new))
        out_old.extend(fine_old)
        out_new.extend(fine_new)

    for tag, i1, i2, j1, j2 in matching_blocks([a.key for a in old], [a.key for a in new]):
        if tag != "equal":
            words(old[i1:i2], new[j1:j2])
            continue
        for o, n in zip(old[i1:i2], new[j1:j2], strict=True):
            if o.text != n.text:
                words([o], [n])
                continue
            i, j = len(out_old), len(out_new)
            ops.append(("equal", i, i + 1, j, j + 1))
            out_old.append(o)
            out_new.append(n)
    return out_old, out_new, _tidy(_merge_adjacent(ops), out_old, out_new)


def _raw_ops(old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matching_blocks([a.key for a in old], [a.key for a in new]):
        if tag != "equal":
            ops.append(("change", i1, i2, j1, j2))
            continue
        start = 0
        for k in range(i2 - i1):
            if old[i1 + k].text != new[j1 + k].text:
                if k > start:
                    ops.append(("equal", i1 + start, i1 + k, j1 + start, j1 + k))
                ops.append(("change", i1 + k, i1 + k + 1, j1 + k, j1 + k + 1))
                start = k + 1
        if start < i2 - i1:
            ops.append(("equal", i1 + start, i2, j1 + start, j2))
    return _merge_adjacent(ops)


def _tidy(ops: list[Op], old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    ops = _absorb_weak_equals(ops, old)
    ops = _collapse_rewritten_sentences(ops, old, new)
    return _collapse_rewritten_paragraph(ops, old, new)


def _merge_adjacent(ops: list[Op]) -> list[Op]:
    merged: list[Op] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and merged[-1][0] == op[0] == "change":
            last = merged[-1]
            merged[-1] = ("change", last[1], op[2], last[3], op[4])
        elif merged and merged[-1][0] == op[0] == "equal":
            last = merged[-1]
            merged[-1] = ("equal", last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged


def _weak(atoms: Sequence[AtomLike]) -> bool:
    """An equal stretch too thin to stand between two changes: spaces, a sign, a short word."""
    significant = [a for a in atoms if a.significant]
    if any(a.ends_sentence for a in atoms):
        return False
    if not significant:
        return True
    return len(significant) == 1 and len(significant[0].key) <= 3 and \
        not significant[0].key.isdigit()


def _absorb_weak_equals(ops: list[Op], old: Sequence[AtomLike]) -> list[Op]:
    """A thin equal stretch between two changes joins them into one change."""
    result: list[Op] = []
    k = 0
    while k < len(ops):
        op = ops[k]
        if op[0] == "change" and len(result) >= 2 and result[-1][0] == "equal" and \
                result[-2][0] == "change" and _weak(old[result[-1][1]:result[-1][2]]):
            before = result[-2]
            del result[-2:]
            result.append(("change", before[1], op[2], before[3], op[4]))
        else:
            result.append(op)
        k += 1
    return result


def _significant_chars(atoms: Sequence[AtomLike]) -> int:
    return sum(a.weight for a in atoms)


def _equal_share(ops: list[Op], old: Sequence[AtomLike], new: Sequence[AtomLike]) -> float:
    if not ops:
        return 1.0
    equal = sum(_significant_chars(new[op[3]:op[4]]) for op in ops if op[0] == "equal")
    total = max(_significant_chars(old[ops[0][1]:ops[-1][2]]),
                _significant_chars(new[ops[0][3]:ops[-1][4]]))
    return equal / total if total else 1.0


def _rewritten(changes: int, kept: float) -> bool:
    """Tell whether edits read as confetti.

    They do with many changes and half the words gone, or a few with two thirds gone.

    >>> _rewritten(3, 0.45), _rewritten(2, 0.45), _rewritten(2, 0.3), _rewritten(1, 0.0)
    (True, False, True, False)
    """
    return (changes >= 3 and kept < 0.5) or (changes >= 2 and kept < 0.34)


def _collapse_rewritten_paragraph(ops: list[Op], old: Sequence[AtomLike],
                                  new: Sequence[AtomLike]) -> list[Op]:
    """Most words changed, in several places: one deletion and one insertion for the whole."""
    changes = sum(op[0] == "change" for op in ops)
    if not _rewritten(changes, _equal_share(ops, old, new)):
        return ops
    return [("change", 0, len(old), 0, len(new))]


def _sentences(atoms: Sequence[AtomLike]) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for k, atom in enumerate(atoms):
        if atom.ends_sentence:
            bounds.append((start, k + 1))
            start = k + 1
    if start < len(atoms):
        bounds.append((start, len(atoms)))
    return bounds


def _valid(ops: list[Op], n_old: int, n_new: int) -> bool:
    """Whether ops cover both sequences in order, without gap nor overlap."""
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        if (i1, j1) != (i, j) or i2 < i1 or j2 < j1 or (tag == "equal" and i2 - i1 != j2 - j1):
            return False
        i, j = i2, j2
    return (i, j) == (n_old, n_new)


def _old_at(ops: list[Op], j: int, at_start: bool) -> int | None:
    """The old position facing new position ``j`` (a span's start, or its end); None if outside."""
    order = ops if at_start else list(reversed(ops))
    for tag, i1, i2, j1, j2 in order:
        if tag == "change" and j1 == j2 == j:
            return i1 if at_start else i2
        inside = j1 <= j < j2 if at_start else j1 < j <= j2
        if inside:
            if tag == "equal":
                return i1 + (j - j1)
            return i1 if at_start else i2
    return None


def _collapse_rewritten_sentences(ops: list[Op], old: Sequence[AtomLike],
                                  new: Sequence[AtomLike]) -> list[Op]:
    """A sentence changed in several places with few words kept: replace the whole sentence.

    Each sentence looks only at the operations around it (found by bisection): linear on a
    paragraph of thousands of sentences.
    """
    starts = [op[3] for op in ops]
    for start, end in _sentences(new):
        first = bisect.bisect_left(starts, start)
        while first > 0 and ops[first - 1][4] > start:
            first -= 1
        last = bisect.bisect_left(starts, end)
        inside = [op for op in ops[first:last] if (op[3] < end and op[4] > start) or
                  (op[3] == op[4] and start <= op[3] < end)]
        if sum(op[0] == "change" for op in inside) < 2:
            continue
        window = ops[max(first - 1, 0):last + 1]
        # Keep the sentence's final sign when it is untouched.
        stop = end - 1 if new[end - 1].ends_sentence and _is_equal_at(window, end - 1) else end
        lo, hi = start, stop
        for tag, _, _, j1, j2 in inside:
            if tag == "change":
                lo, hi = min(lo, j1), max(hi, j2)
        clipped = _clip(window, lo, hi)
        if not _rewritten(sum(op[0] == "change" for op in clipped),
                          _equal_share(clipped, old, new)):
            continue
        i_lo = _old_at(window, lo, True)
        i_hi = _old_at(window, hi, False)
        if i_lo is None or i_hi is None:
            continue
        candidate = _replace_span(ops, i_lo, i_hi, lo, hi)
        if _valid(candidate, len(old), len(new)):
            ops = candidate
            starts = [op[3] for op in ops]
    return ops


def _is_equal_at(ops: list[Op], j: int) -> bool:
    return any(op[0] == "equal" and op[3] <= j < op[4] for op in ops)


def _clip(ops: list[Op], start: int, stop: int) -> list[Op]:
    clipped = []
    for tag, i1, i2, j1, j2 in ops:
        if j2 <= start and not (j1 == j2 == start) or j1 >= stop and not (j1 == j2 == stop):
            continue
        if tag == "equal":
            lo, hi = max(j1, start), min(j2, stop)
            if lo < hi:
                clipped.append(("equal", i1 + lo - j1, i1 + hi - j1, lo, hi))
        else:
            clipped.append((tag, i1, i2, j1, j2))
    return clipped or [("equal", 0, 0, start, start)]


def _replace_span(ops: list[Op], i_lo: int, i_hi: int, lo: int, hi: int) -> list[Op]:
    """``ops`` with new span [lo, hi) and old span [i_lo, i_hi) made one change."""
    result: list[Op] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            if j1 < lo:
                cut = min(j2, lo)
                result.append(("equal", i1, i1 + cut - j1, j1, cut))
            if j2 > hi:
                cut = max(j1, hi)
                result.append(("equal", i1 + cut - j1, i2, cut, j2))
        elif not (i1 >= i_lo and i2 <= i_hi and j1 >= lo and j2 <= hi):
            result.append((tag, i1, i2, j1, j2))
    result.append(("change", i_lo, i_hi, lo, hi))
    result.sort(key=lambda op: (op[3], op[1], op[2], op[4]))
    return _merge_adjacent(result)
