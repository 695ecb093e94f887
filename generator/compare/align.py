"""Alignment: which old block (or word) goes with which new one.

Pure functions on keys, no XML. Blocks are first matched exactly (patience diff on their keys:
anchors on keys found once on each side, then a longest common subsequence in the small gaps,
linear-ish even on a paragraph of megabytes); what differs in between is paired by similarity
(an order-keeping dynamic programme), so that an edited paragraph is compared word by word
(`generator.compare.words`) while a paragraph that is new or gone is marked whole.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Sequence

#: One alignment step: ("pair", i, j), ("del", i, None) or ("ins", None, j).
Step = tuple[str, int | None, int | None]

#: Regions larger than this (old × new blocks) are aligned greedily instead of optimally.
DP_LIMIT = 40_000
_WINDOW = 12

#: Stretches up to this size (old × new items) get a longest common subsequence.
_LCS_LIMIT = 40_000

#: What one item kept weighs in a longest common subsequence, beside its key's length: more
#: than any text, so that the number of items kept comes first.
_ITEM = 1 << 40

#: Lengths of the runs of keys tried as anchors when no single key is found once on each side.
_NGRAMS = (4, 16, 64)

#: A matched run: (old start, new start, length).
Block = tuple[int, int, int]


def add_run(blocks: list[Block], i: int, j: int, size: int) -> None:
    """Append the matched run (i, j, size), one with the last run when it goes on from it.

    >>> runs = [(0, 0, 2)]
    >>> add_run(runs, 2, 2, 1); add_run(runs, 4, 3, 1); add_run(runs, 5, 5, 0); runs
    [(0, 0, 3), (4, 3, 1)]
    """
    if not size:
        return
    if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
        blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + size)
    else:
        blocks.append((i, j, size))


def matching_blocks(old_keys: Sequence[str], new_keys: Sequence[str],
                    exact_cells: int = _LCS_LIMIT) -> list[tuple]:
    """Opcodes (as difflib's) matching equal keys, in linear time on documents.

    Common ends first; what lies between gets a longest common subsequence when small, else
    (patience diff) the keys found once on each side anchor the alignment (longest increasing
    run of them) and the stretches between anchors are matched recursively. Where no key is
    unique (a long paragraph: every space, every « de » repeats), runs of a few keys found once
    on each side anchor it instead. A stretch with no anchor at all and too large for a longest
    common subsequence is replaced whole: bounded time, never quadratic.

    ``exact_cells``: stretches up to this size (old × new keys) go straight to the longest
    common subsequence; larger ones are cut at their anchors first, and get one only when they
    have none. A document's blocks, mostly found once each, need few cells: their anchors
    leave small gaps.

    >>> matching_blocks(["a", "b", "c"], ["a", "x", "c"])
    [('equal', 0, 1, 0, 1), ('replace', 1, 2, 1, 2), ('equal', 2, 3, 2, 3)]
    """
    blocks: list[Block] = []
    stack = [(0, len(old_keys), 0, len(new_keys))]
    while stack:
        # Explicit stack, last region first: blocks come out in order once sorted.
        stack.extend(reversed(_patience(old_keys, new_keys, *stack.pop(), blocks,
                                        exact_cells)))
    blocks.sort()
    return _opcodes(blocks, len(old_keys), len(new_keys))


def _patience(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int,
              blocks: list[Block], exact_cells: int) -> list[tuple[int, int, int, int]]:
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
    if ahi - alo == 1 or bhi - blo == 1:
        # One item on a side (most gaps between anchors): kept where first found, as `_lcs`
        # would keep it.
        if ahi - alo == 1:
            found = next((j for j in range(blo, bhi) if b[j] == a[alo]), None)
            if found is not None:
                blocks.append((alo, found, 1))
        else:
            found = next((i for i in range(alo, ahi) if a[i] == b[blo]), None)
            if found is not None:
                blocks.append((found, blo, 1))
        return []
    cells = (ahi - alo) * (bhi - blo)
    if cells <= min(exact_cells, _LCS_LIMIT):
        blocks.extend(_lcs(a, alo, ahi, b, blo, bhi))
        return []
    anchors = [(i, j, 1) for i, j in _unique_anchors(a, alo, ahi, b, blo, bhi)]
    for size in _NGRAMS:
        if anchors or size > min(ahi - alo, bhi - blo):
            break
        anchors = _ngram_anchors(a, alo, ahi, b, blo, bhi, size)
    if not anchors and cells <= _LCS_LIMIT:
        blocks.extend(_lcs(a, alo, ahi, b, blo, bhi))
        return []
    regions = []
    i, j = alo, blo
    for ai, bj, size in anchors:
        if ai == i + 1 and bj == j + 1:
            # One item on each side (most gaps between anchors): settled here, as `_patience`
            # would settle it.
            if a[i] == b[j]:
                blocks.append((i, j, 1))
        elif ai > i and bj > j:
            regions.append((i, ai, j, bj))  # a gap empty on a side holds no match
        # `add_run`, inline: a long paragraph has tens of thousands of anchors, most in runs.
        last = blocks[-1] if blocks else None
        if last is not None and last[0] + last[2] == ai and last[1] + last[2] == bj:
            blocks[-1] = (last[0], last[1], last[2] + size)
        else:
            blocks.append((ai, bj, size))
        i, j = ai + size, bj + size
    if anchors and ahi > i and bhi > j:
        regions.append((i, ahi, j, bhi))
    return regions


def _lcs(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int,
         bhi: int) -> list[Block]:
    """The blocks of a longest common subsequence (most items kept, fewest changes).

    Among subsequences as long, the one keeping the most text: where keeping a long paragraph
    and keeping an empty one exclude each other, the long one is kept (an unchanged paragraph
    beside a picture or a blank line does not churn). difflib's longest-block-first heuristic
    can keep fewer blocks when keys repeat (several "Tableau :" paragraphs, identical tables).
    """
    n, m = ahi - alo, bhi - blo
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    keys = b[blo:bhi]
    columns = range(m - 1, -1, -1)
    for i in range(n - 1, -1, -1):
        row, below = lengths[i], lengths[i + 1]
        key = a[alo + i]
        weight = _ITEM + len(key)
        right = 0  # row[j + 1], kept at hand
        for j in columns:
            if key == keys[j]:
                right = below[j + 1] + weight
            elif below[j] > right:
                right = below[j]
            row[j] = right
    blocks: list[Block] = []
    i = j = 0
    while i < n and j < m:
        if a[alo + i] == b[blo + j]:
            add_run(blocks, alo + i, blo + j, 1)
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return blocks


def common_pairs(a: Sequence[str], b: Sequence[str], limit: int) -> list[tuple[int, int]] | None:
    """The places (i, j) of a longest common subsequence, or None past ``limit`` edits.

    Myers' O((N + M) D) algorithm: linear when few items differ, where a table of every
    pair of items would be quadratic. Among subsequences as long, one is taken as found
    (deletions before insertions), without weighing their text as `_lcs` does.

    >>> common_pairs(["a", "b", "c"], ["a", "x", "c"], 4)
    [(0, 0), (2, 2)]
    >>> common_pairs(["a", "b"], ["c", "d"], 3) is None
    True
    """
    n, m = len(a), len(b)
    # Furthest x on each diagonal k = x - y (negative k read from the end, as lists do).
    furthest = [0] * (2 * limit + 3)
    trace = []
    for d in range(limit + 1):
        trace.append(furthest[:])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[k - 1] < furthest[k + 1]):
                x = furthest[k + 1]
            else:
                x = furthest[k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            furthest[k] = x
            if x >= n and y >= m:
                return _walk_back(trace, n, m)
    return None


def _walk_back(trace: list[list[int]], x: int, y: int) -> list[tuple[int, int]]:
    """The matched places of the edit path `common_pairs` found, from its end."""
    pairs = []
    for d in range(len(trace) - 1, -1, -1):
        furthest = trace[d]
        k = x - y
        if k == -d or (k != d and furthest[k - 1] < furthest[k + 1]):
            previous = k + 1
        else:
            previous = k - 1
        x0 = furthest[previous]
        y0 = x0 - previous
        while x > x0 and y > y0:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        x, y = x0, y0
    pairs.reverse()
    return pairs


def _unique_anchors(a: Sequence, alo: int, ahi: int, b: Sequence, blo: int,
                    bhi: int) -> list[tuple[int, int]]:
    """Pairs of keys found exactly once on each side, longest increasing run of them."""
    # Counted and placed at C speed (a long paragraph has tens of thousands of chunks).
    count_a, count_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_a = dict(zip(a[alo:ahi], range(alo, ahi), strict=True))
    where_b = dict(zip(b[blo:bhi], range(blo, bhi), strict=True))
    once = (1).__eq__
    once_a = list(itertools.compress(count_a.keys(), map(once, count_a.values())))
    once_b = set(itertools.compress(count_b.keys(), map(once, count_b.values())))
    # In the order of the old side: a counter keeps its keys in the order first met, and a key
    # found once is met once, so its places on the old side come in increasing order.
    both = list(itertools.compress(once_a, map(once_b.__contains__, once_a)))
    return _increasing(list(zip(map(where_a.__getitem__, both), map(where_b.__getitem__, both),
                                strict=True)))


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
    js = [j for _, j in candidates]
    if all(map(operator.lt, js, js[1:])):
        return candidates  # nothing moved (most text): all of them, found at C speed
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
