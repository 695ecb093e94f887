"""Rewriting a paired paragraph from word operations: equal text kept, changes tracked.

`ParagraphWriter` rebuilds the new paragraph's content (its properties kept) with the old words
that are gone as ``w:del`` and the new ones as ``w:ins``, formatting changes as ``w:rPrChange``.
It gets what it needs as small objects: the revisions, a run-formatting key, the notes tracker
and a function that brings old content into the output.
"""

from __future__ import annotations

import copy
import itertools
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence

from lxml import etree

from .atoms import Atom, Paragraph, Piece
from .notes import Notes
from .ooxml import (
    DEL,
    INS,
    PPR,
    RPR,
    XML_SPACE,
    P,
    Revisions,
    add_rpr_change,
    keep_spaces,
    mark_boxes,
    mark_runs,
    run_shell,
    spaces_at_risk,
    text_element,
    to_deleted_run,
    w,
)
from .records import Detail

#: Run formatting flags a report names; anything else is ``other``.
_LOOKS = ("b", "i", "u", "strike")


_PIECE_TEXT = operator.attrgetter("text")
_PIECE_RUN = operator.attrgetter("run")
_PIECES = operator.attrgetter("pieces")
_KIND = operator.attrgetter("kind")


def _flag(run: etree._Element, flag: str) -> bool:
    rpr = run.find(RPR)
    el = rpr.find(w(flag)) if rpr is not None else None
    return el is not None and el.get(w("val"), "true") not in ("0", "false", "none", "off")


def look_changes(old_run: etree._Element, new_run: etree._Element) -> list[tuple[str, str]]:
    """(flag, "added" | "removed") for bold, italic…; [("other", "changed")] otherwise."""
    found = []
    for flag in _LOOKS:
        before, after = _flag(old_run, flag), _flag(new_run, flag)
        if before != after:
            found.append((flag, "added" if after else "removed"))
    return found or [("other", "changed")]


def look_details(olds: list[Atom], news: list[Atom], ops: list,
                 look: Callable[[etree._Element], bytes]) -> list[Detail]:
    """("look", flag, change, text) for the equal words whose formatting changed."""
    spans: dict[tuple[str, str], list[str]] = {}
    for op in ops:
        if op[0] != "equal":
            continue
        for text, new_run, old_run in text_spans(olds[op[1]:op[2]], news[op[3]:op[4]]):
            if look(old_run) == look(new_run):
                continue
            for flag, change in look_changes(old_run, new_run):
                spans.setdefault((flag, change), []).append(text)
    return [("look", flag, change, "".join(texts)) for (flag, change), texts in spans.items()]


def look_differs(olds: list[Atom], news: list[Atom],
                 look: Callable[[etree._Element], bytes]) -> bool:
    """Whether equal atoms changed formatting."""
    for o, n in itertools.compress(zip(olds, news, strict=True),
                                   map(operator.eq, map(_KIND, olds), itertools.repeat("run"))):
        if look(o.run) != look(n.run):
            return True
    runs = set(map(_PIECE_RUN, _pieces(olds))) | set(map(_PIECE_RUN, _pieces(news)))
    if len({look(run) for run in runs}) <= 1:
        return False  # one look for all (a long paragraph in one run, say): nothing to pair
    return any(look(old_run) != look(new_run) for _, new_run, old_run in text_spans(olds, news))


def _pieces(atoms: list[Atom]) -> Iterator[Piece]:
    """The text pieces of atoms, in order (only text atoms have pieces)."""
    return itertools.chain.from_iterable(map(_PIECES, atoms))


def _one_run(atoms: list[Atom]) -> etree._Element | None:
    """The run all the text pieces of ``atoms`` come from, if there is exactly one."""
    runs = {piece.run for atom in atoms for piece in atom.pieces}
    return runs.pop() if len(runs) == 1 else None


def _merged(atoms: list[Atom]) -> list[list]:
    """The text pieces of consecutive text atoms, joined while they come from the same run."""
    # Runs compare by identity (lxml elements define no equality); joined once per run.
    return [[run, "".join(map(_PIECE_TEXT, group))]
            for run, group in itertools.groupby(_pieces(atoms), key=_PIECE_RUN)]


def text_spans(olds: list[Atom], news: list[Atom]) -> list[tuple[str, etree._Element,
                                                                   etree._Element]]:
    """Equal text cut where either side changes run: (text, new run, old run) spans.

    Both sides must hold the same text (an equal stretch of atoms).
    """
    old_pieces = _merged(olds)
    new_pieces = _merged(news)
    result = []
    oi = ni = 0
    o_off = n_off = 0
    while oi < len(old_pieces) and ni < len(new_pieces):
        o_run, o_text = old_pieces[oi]
        n_run, n_text = new_pieces[ni]
        take = min(len(o_text) - o_off, len(n_text) - n_off)
        if take:
            result.append((n_text[n_off:n_off + take], n_run, o_run))
        o_off += take
        n_off += take
        if o_off == len(o_text):
            oi, o_off = oi + 1, 0
        if n_off == len(n_text):
            ni, n_off = ni + 1, 0
    return result


class ParagraphWriter:
    """Rewrites a new paragraph's content from word-level operations."""

    def __init__(self, old: Paragraph, new: Paragraph, rev: Revisions,
                 look: Callable[[etree._Element], bytes], notes: Notes,
                 bring: Callable[[etree._Element], etree._Element]) -> None:
        self.rev = rev
        self.look = look
        self.notes = notes
        self._bring = bring
        self.old = old
        self.new = new
        self.children: list[etree._Element] = []
        self.wrapper: etree._Element | None = None
        self.wrapper_status = "="
        self.last_run: etree._Element | None = None
        self.last_run_key: tuple | None = None
        self.first: etree._Element | None = None
        self.last: etree._Element | None = None
        self.segments: list[tuple[str, str]] = []
        # The indices of the new atoms that are not plain text, once looked for.
        self._stops: list[int] | None = None
        # The one run each paragraph's text comes from (None when not one), once looked for.
        self._paragraph_runs: tuple[etree._Element | None, etree._Element | None] | None = None
        # A long paragraph writes thousands of runs from a few: each run's shell (alone or in a
        # w:ins / w:del), holding a w:t (or w:delText) with or without xml:space, made once
        # with that text element; the text goes into the model, which is then copied (lxml
        # copies are deep: no new proxies to reach the copy's w:t, no xml:space to set).
        self._models: dict[tuple[etree._Element, bool, bool, bool],
                           tuple[etree._Element, etree._Element]] = {}

    # Output plumbing: runs go to the paragraph or into the current w:ins / w:del.

    def _target(self, status: str) -> list[etree._Element] | etree._Element:
        if status == "=":
            if self.wrapper is not None:
                self._close()
            return self.children
        if self.wrapper is None or self.wrapper_status != status:
            self._close()
            self.wrapper = self.rev.element(INS if status == "+" else DEL)
            self.wrapper_status = status
            self.children.append(self.wrapper)
            self._touched(self.wrapper)
        return self.wrapper

    def _close(self) -> None:
        self.wrapper = None
        self.wrapper_status = "="
        self.last_run = None
        self.last_run_key = None

    def _touched(self, el: etree._Element) -> None:
        if self.first is None:
            self.first = el
        self.last = el

    def _append(self, status: str, el: etree._Element) -> None:
        target = self._target(status)
        target.append(el)
        self.last_run = None
        self.last_run_key = None

    def _segment(self, op: str, text: str) -> None:
        if not text:
            return
        if self.segments and self.segments[-1][0] == op:
            self.segments[-1] = (op, self.segments[-1][1] + text)
        else:
            self.segments.append((op, text))

    def _text(self, status: str, run: etree._Element, text: str,
              old_run: etree._Element | None = None) -> None:
        changed_look = old_run is not None and self.look(old_run) != self.look(run)
        key = (status, id(run), id(old_run) if changed_look else None)
        opening = status != "=" and (self.wrapper is None or self.wrapper_status != status)
        if opening:
            self._close()
        else:
            target = self._target(status)
            if self.last_run is not None and self.last_run_key == key:
                t = self.last_run[-1]
                if self.last_run is self.wrapper:  # a w:ins / w:del opened on this run
                    t = t[-1]
                t.text = (t.text or "") + text
                keep_spaces(t)
                return
        el = self._copy(run, status == "-", opening, text)
        if opening:
            self.rev.stamp(el)
            self.wrapper, self.wrapper_status = el, status
            self.children.append(el)
            self._touched(el)
        else:
            if changed_look:
                assert old_run is not None  # changed_look says so
                add_rpr_change(el, old_run.find(RPR), self.rev)
                self._touched(el)
            target.append(el)
        self.last_run, self.last_run_key = el, key

    def _copy(self, run: etree._Element, deleted: bool, opening: bool,
              text: str) -> etree._Element:
        """A new run like ``run`` holding ``text`` (as w:delText when ``deleted``).

        In a new w:ins (or w:del) when ``opening``, its id left to `Revisions.stamp`.
        """
        preserve = spaces_at_risk(text)
        found = self._models.get((run, deleted, opening, preserve))
        if found is None:
            model = run_shell(run)
            t = text_element("", deleted)
            if preserve:
                t.set(XML_SPACE, "preserve")
            model.append(t)
            if opening:
                wrapper = self.rev.model(DEL if deleted else INS).__copy__()
                wrapper.append(model)
                model = wrapper
            found = self._models[(run, deleted, opening, preserve)] = model, t
        model, t = found
        t.text = text
        return model.__copy__()

    def _markers(self, atom: Atom) -> None:
        for marker in atom.markers:
            self._append("=", marker)

    # Atoms by status.

    def _equal_stretch(self, olds: list[Atom], news: list[Atom], text: str, first: int) -> None:
        """Equal atoms: text written as spans of the new runs, other atoms one by one.

        ``text`` is the text of ``news``, ``first`` the index of ``news[0]`` in the paragraph.
        """
        start = 0
        # Plain text atoms (most of a long paragraph) are passed over: only atoms that are not
        # text, or carry markers, stop the loop; the paragraph's are found once for all.
        if self._stops is None:
            self._stops = [k for k, n in enumerate(self.new.atoms)
                           if n.kind != "text" or n.markers]
        stops = self._stops
        for k in stops[bisect_left(stops, first):bisect_left(stops, first + len(news))]:
            k -= first
            n = news[k]
            if n.kind == "text" and not k > start:
                continue
            self._equal_text(olds[start:k], news[start:k])
            start = k
            if n.kind == "text":
                continue
            self._equal_atom(olds[k], n)
            start = k + 1
        self._equal_text(olds[start:], news[start:], text if start == 0 else None)

    def _equal_text(self, olds: list[Atom], news: list[Atom], text: str | None = None) -> None:
        """Equal text atoms (``text``, when given, their text) as spans of the new runs."""
        if not news:
            return
        if news[0].markers:
            self._markers(news[0])
        if text is not None:
            # One run on each side (a long paragraph's equal stretch, say): one span.
            old_run, new_run = self._one_runs()
            if old_run is None or new_run is None:
                old_run, new_run = _one_run(olds), _one_run(news)
            elif not (any(map(_PIECES, olds)) and any(map(_PIECES, news))):
                old_run = new_run = None
            if old_run is not None and new_run is not None:
                self._text("=", new_run, text, old_run)
                return
        for span, new_run, old_run in text_spans(olds, news):
            self._text("=", new_run, span, old_run)

    def _one_runs(self) -> tuple[etree._Element | None, etree._Element | None]:
        """The one run the old paragraph's text comes from, the same for the new one."""
        if self._paragraph_runs is None:
            self._paragraph_runs = _one_run(self.old.atoms), _one_run(self.new.atoms)
        return self._paragraph_runs

    @staticmethod
    def _merged(atoms: list[Atom], one_run: etree._Element | None) -> list[list]:
        """`_merged`, without grouping when all the text of the paragraph is in ``one_run``."""
        if one_run is None:
            return _merged(atoms)
        texts = [piece.text for atom in atoms for piece in atom.pieces]
        return [[one_run, "".join(texts)]] if texts else []

    def _equal_atom(self, o: Atom, n: Atom) -> None:
        self._markers(n)
        if n.kind == "run":
            # run atoms carry their run and its element
            assert o.run is not None and n.run is not None
            assert o.element is not None and n.element is not None
            shell = run_shell(n.run)
            shell.append(n.element)
            if self.look(o.run) != self.look(n.run):
                add_rpr_change(shell, o.run.find(RPR), self.rev)
                self._touched(shell)
            self._append("=", shell)
            if n.key.startswith("note:"):
                self.notes.pair(n.key[5:], o.element, n.element)
        else:
            for el in n.elements:
                self._append("=", el)

    def _inserted(self, n: Atom) -> None:
        self._markers(n)
        if n.kind == "text":
            for piece in n.pieces:
                self._text("+", piece.run, piece.text)
        elif n.kind == "run":
            shell = run_shell(n.run)
            shell.append(n.element)
            self.notes.inserted_in(shell)
            mark_boxes(shell, INS, self.rev)
            self._append("+", shell)
        else:
            self._group(n.elements, "+")

    def _deleted(self, o: Atom) -> None:
        if o.kind == "text":
            for piece in o.pieces:
                self._text("-", piece.run, piece.text)
        elif o.kind == "run":
            shell = run_shell(o.run)
            shell.append(copy.deepcopy(o.element))
            self._bring(shell)
            mark_boxes(shell, DEL, self.rev)
            self._append("-", to_deleted_run(shell))
        else:
            self._group([self._bring(copy.deepcopy(el)) for el in o.elements], "-")

    def _changed(self, olds: list[Atom], news: list[Atom]) -> None:
        """Old atoms deleted, then new ones inserted.

        Plain text (most changes) is written run by run, each run's text joined first.
        """
        old_run, new_run = self._one_runs()
        if not [atom for atom in olds if atom.kind != "text"]:
            for run, text in self._merged(olds, old_run):
                self._text("-", run, text)
        else:
            for o in olds:
                self._deleted(o)
        if not [atom for atom in news if atom.kind != "text" or atom.markers]:
            for run, text in self._merged(news, new_run):
                self._text("+", run, text)
        else:
            for n in news:
                self._inserted(n)

    def _group(self, elements: Sequence[etree._Element], status: str) -> None:
        tag = INS if status == "+" else DEL
        if status == "+":
            for el in elements:
                self.notes.inserted_in(el)
        for el in elements:
            if el.tag == w("r"):
                mark_boxes(el, tag, self.rev)
                self._append(status, to_deleted_run(el) if status == "-" else el)
            else:
                holder = etree.Element(P)
                holder.append(el)
                mark_runs(holder, tag, self.rev)
                self._close()
                for child in list(holder):
                    self.children.append(child)
                    self._touched(child)

    def write(self, ops: Iterable[tuple[str, int, int, int, int]]) -> None:
        """Rebuild the new paragraph's content (its properties kept) from ``ops``."""
        old, new = self.old.atoms, self.new.atoms
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                news = new[j1:j2]
                text = "".join([atom.text for atom in news])
                self._equal_stretch(old[i1:i2], news, text, j1)
                self._segment("=", text)
                continue
            if j2 > j1 and new[j1].markers:
                # A bookmark that opens on the new words also covers the old ones.
                self._markers(new[j1])
                new[j1].markers = []
            self._changed(old[i1:i2], new[j1:j2])
            self._segment("-", "".join([atom.text for atom in old[i1:i2]]))
            self._segment("+", "".join([atom.text for atom in new[j1:j2]]))
        self._close()
        for marker in self.new.trailing:
            self.children.append(marker)
        p = self.new.element
        for child in list(p):
            if child.tag != PPR:
                p.remove(child)
        p.extend(self.children)
