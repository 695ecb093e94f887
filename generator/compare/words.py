"""Which words changed inside a paired paragraph, tidied so a reader sees whole edits.

Words are matched by `generator.compare.align.matching_blocks` (anchors, then a longest common
subsequence in small gaps); a long paragraph is matched by chunks of words first
(`chunked_word_ops`). The result is tidied: a thin equal stretch between two changes joins them,
and a sentence (or a paragraph) rewritten in several places becomes one deletion and one
insertion rather than confetti.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .align import matching_blocks
from .tokens import first_words, has_sentence_sign


class AtomLike(Protocol):
    """What word alignment needs from an atom."""

    key: str
    kind: str

    @property
    def text(self) -> str: ...  # noqa: D102

    @property
    def ends_sentence(self) -> bool: ...  # noqa: D102


#: A word-level operation: ("equal" | "change", i1, i2, j1, j2).
Op = tuple[str, int, int, int, int]

AtomT = TypeVar("AtomT", bound=AtomLike)

_TEXT = operator.attrgetter("text")
_ENDS_SENTENCE = operator.attrgetter("ends_sentence")
_TAG, _OLD_START, _OLD_END, _NEW_START, _NEW_END = map(operator.itemgetter, range(5))
_OLD_SPAN, _NEW_SPAN = operator.itemgetter(1, 2), operator.itemgetter(3, 4)
_NOT_ALNUM = re.compile(r"[\W_]+")


def word_ops(old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    """Equal and changed spans of two atom sequences, tidied for reading.

    Spaces compare alike when aligning, but an atom whose exact text differs (an ordinary space
    become a no-break one) is still a change, so that rejecting gives back the exact old text.
    """
    return _tidy(_raw_ops(old, new), old, new)


def chunked_word_ops(old: Sequence[AtomT], new: Sequence[AtomT],
                     refine: Callable[[Sequence[AtomT], Sequence[AtomT]],
                                      tuple[list[AtomT], list[AtomT], list[Op]]]
                     ) -> tuple[list[AtomT], list[AtomT], list[Op]]:
    """`word_ops` for atoms that are chunks of words: chunks first, words where they differ.

    ``refine(olds, news)`` cuts two stretches of chunks that differ into words and matches
    them: it returns the atoms of each side and the operations on them. Returns the atom
    sequences the operations index (chunks where equal, words elsewhere) and the operations.
    """
    out_old: list[AtomT] = []
    out_new: list[AtomT] = []
    ops: list[Op] = []

    def words(olds: Sequence[AtomT], news: Sequence[AtomT]) -> None:
        fine_old, fine_new, found = refine(olds, news)
        i, j = len(out_old), len(out_new)
        ops.extend((tag, i1 + i, i2 + i, j1 + j, j2 + j) for tag, i1, i2, j1, j2 in found)
        out_old.extend(fine_old)
        out_new.extend(fine_new)

    for tag, i1, i2, j1, j2 in matching_blocks([a.key for a in old], [a.key for a in new]):
        if tag != "equal":
            words(old[i1:i2], new[j1:j2])
            continue
        olds, news = old[i1:i2], new[j1:j2]
        # Equal keys, yet a chunk's exact text may differ (a no-break space): found at C speed.
        differ = itertools.compress(itertools.count(),
                                    map(operator.ne, map(_TEXT, olds), map(_TEXT, news)))
        start = 0
        for k in [*differ, len(olds)]:
            if k > start:
                i, j = len(out_old), len(out_new)
                ops.append(("equal", i, i + k - start, j, j + k - start))
                out_old.extend(olds[start:k])
                out_new.extend(news[start:k])
            if k < len(olds):
                words(olds[k:k + 1], news[k:k + 1])
            start = k + 1
    return out_old, out_new, _tidy(_merge_adjacent(ops), out_old, out_new)


def _raw_ops(old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    if not old or not new or (len(old) == len(new) == 1 and old[0].key != new[0].key):
        # Nothing to match: one side empty, or one atom each that differ.
        return [("change", 0, len(old), 0, len(new))] if old or new else []
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matching_blocks([a.key for a in old], [a.key for a in new]):
        if tag != "equal":
            ops.append(("change", i1, i2, j1, j2))
        else:
            ops.extend(_alike(old, new, i1, i2, j1))
    return _merge_adjacent(ops)


def _alike(old: Sequence[AtomLike], new: Sequence[AtomLike], i1: int, i2: int,
           j1: int) -> list[Op]:
    """Operations for atoms of equal keys.

    Equal, but an atom whose exact text differs (an ordinary space become a no-break one) is a
    change.
    """
    ops: list[Op] = []
    start = 0
    for k in range(i2 - i1):
        if old[i1 + k].text != new[j1 + k].text:
            if k > start:
                ops.append(("equal", i1 + start, i1 + k, j1 + start, j1 + k))
            ops.append(("change", i1 + k, i1 + k + 1, j1 + k, j1 + k + 1))
            start = k + 1
    if start < i2 - i1:
        ops.append(("equal", i1 + start, i2, j1 + start, j1 + i2 - i1))
    return ops


def _tidy(ops: list[Op], old: Sequence[AtomLike], new: Sequence[AtomLike]) -> list[Op]:
    ops = _absorb_weak_equals(ops, old)
    weights = _Weights(old), _Weights(new)
    ops = _collapse_rewritten_sentences(ops, old, new, weights)
    return _collapse_rewritten_paragraph(ops, old, new, weights)


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
    """An equal stretch too thin to stand between two changes: spaces, a sign, a short word.

    Read on the tokens of its text, so that the verdict does not depend on how finely the
    atoms are cut (a long paragraph joins equal words into few atoms): thin when it holds no
    sentence sign and at most one word or number, of at most three letters. An atom that is
    not text (a tab, a field) counts as one word, its key.
    """
    significant: list[str] = []
    for atom in atoms:
        if atom.kind != "text":
            significant.append(atom.key)
        elif has_sentence_sign(atom.text):
            return False  # a sentence sign is a token of its own: it ends a sentence
        else:
            significant += first_words(atom.text, 2 - len(significant))
        if len(significant) > 1:
            return False  # two words: stop here, a long equal stretch is never weak
    if not significant:
        return True
    return len(significant[0]) <= 3 and not significant[0].isdigit()


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
    """Letters and digits of the atoms' text, counted at C speed."""
    text = "".join(map(_TEXT, atoms)).replace(" ", "")
    if text.isalpha():
        return len(text)  # letters and spaces only (most prose): told sooner than by a pattern
    return len(_NOT_ALNUM.sub("", text))


class _Weights:
    """`_significant_chars` of spans of one atom sequence.

    Counted directly, at C speed: the tidying counts changes and sentences, and the equal text
    of a whole paragraph only until it outweighs the changes (`_rewritten`).
    """

    def __init__(self, atoms: Sequence[AtomLike]) -> None:
        self.atoms = atoms

    def span(self, start: int, stop: int) -> int:
        return _significant_chars(self.atoms[start:stop])

    def spans(self, ranges: Iterable[tuple[int, int]]) -> int:
        """The sum of `span` over ``ranges``, counted in one go (letters and digits add up)."""
        atoms = self.atoms
        return _significant_chars(list(itertools.chain.from_iterable(
            atoms[start:stop] for start, stop in ranges)))


def _equal_share(ops: list[Op], weights: tuple[_Weights, _Weights]) -> float:
    if not ops:
        return 1.0
    old, new = weights
    whole_new = new.span(ops[0][3], ops[-1][4])
    if all(map(operator.eq, map(_NEW_END, ops), map(_NEW_START, ops[1:]))):
        # The operations tile the new span: what is equal is the whole less the few changes.
        equal = whole_new - new.spans((op[3], op[4]) for op in ops if op[0] != "equal")
    else:
        equal = new.spans((op[3], op[4]) for op in ops if op[0] == "equal")
    total = max(old.span(ops[0][1], ops[-1][2]), whole_new)
    return equal / total if total else 1.0


def _kept_limit(changes: int) -> float:
    """Below which share of text kept edits read as confetti.

    They do with many changes and half the words gone, or a few with two thirds gone; never
    with one change.

    >>> _kept_limit(3), _kept_limit(2), _kept_limit(1)
    (0.5, 0.34, 0.0)
    """
    return 0.5 if changes >= 3 else 0.34 if changes >= 2 else 0.0


def _tiled(ops: list[Op]) -> bool:
    """Whether each operation starts, on both sides, where the one before ends (at C speed)."""
    return all(map(operator.eq, map(_OLD_END, ops), map(_OLD_START, ops[1:]))) and \
        all(map(operator.eq, map(_NEW_END, ops), map(_NEW_START, ops[1:])))


def _rewritten(ops: list[Op], weights: tuple[_Weights, _Weights]) -> bool:
    """Whether ``ops`` read as confetti: several changes keeping little of the text.

    When the operations cover both spans without gap, the kept share is ``equal / (equal +
    changed)`` and grows with the equal text: it is counted only until it reaches the limit,
    so that a long paragraph with a few edits is not counted whole.
    """
    tags = list(map(_TAG, ops))
    limit = _kept_limit(tags.count("change"))
    if not limit:
        return False
    if not _tiled(ops):
        return _equal_share(ops, weights) < limit
    old, new = weights
    changes = list(map(operator.ne, tags, itertools.repeat("equal")))
    changed = max(old.spans(itertools.compress(map(_OLD_SPAN, ops), changes)),
                  new.spans(itertools.compress(map(_NEW_SPAN, ops), changes)))
    equal = 0
    for op in ops:
        if op[0] == "equal":
            equal += new.span(op[3], op[4])
            if equal and equal / (equal + changed) >= limit:
                return False
    return bool(equal + changed) and equal / (equal + changed) < limit


def _collapse_rewritten_paragraph(ops: list[Op], old: Sequence[AtomLike],
                                  new: Sequence[AtomLike],
                                  weights: tuple[_Weights, _Weights]) -> list[Op]:
    """Most words changed, in several places: one deletion and one insertion for the whole."""
    if not _rewritten(ops, weights):
        return ops
    return [("change", 0, len(old), 0, len(new))]


def _sentences(atoms: Sequence[AtomLike]) -> list[tuple[int, int]]:
    # Sentence ends found at C speed (a long paragraph has hundreds of thousands of atoms).
    ends = list(itertools.compress(itertools.count(1), map(_ENDS_SENTENCE, atoms)))
    starts = [0, *ends]
    bounds = list(zip(starts, ends, strict=False))
    if starts[-1] < len(atoms):
        bounds.append((starts[-1], len(atoms)))
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
                                  new: Sequence[AtomLike],
                                  weights: tuple[_Weights, _Weights]) -> list[Op]:
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
        if not _rewritten(clipped, weights):
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
