"""Tables: rows matched by their text, then paired by similarity; rows new or gone marked whole.

A row that stands for an old one is compared cell by cell (each cell like any container); a row
that is new carries a row insertion, one that is gone comes back as a deleted row. Within a
paired row, cells are matched by their text: a cell that appears (a column inserted) carries
``w:cellIns``, one that goes comes back with ``w:cellDel``, and the other cells keep their words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from lxml import etree

from .align import align, dice, matching_blocks
from .atoms import plain_text
from .blocks import row_text
from .layout import CELL_DEL, CELL_INS, mark_cell, track_cell, track_row, track_table
from .ooxml import DEL, INS, TC, TR, P, mark_row, same_tree
from .records import Anchor, Detail, Record

if TYPE_CHECKING:
    from .redline import Redliner

_WORDS = re.compile(r"\w+")


def pair_table(self: Redliner, o: etree._Element, n: etree._Element) -> None:
    """Compare two tables row by row; rows that are new or gone are marked whole.

    Changed table, grid, row and cell properties are tracked too, and recorded as one change.
    """
    details = track_table(o, n, self.rev)
    hints: dict[tuple[int, int], list] = {}  # how rows of a shape map their cells
    cells: list[tuple[str, int, Record]] = []  # cells inserted or deleted whole, by column
    old_rows, new_rows = o.findall(TR), n.findall(TR)
    old_keys = [row_text(r) for r in old_rows]
    new_keys = [row_text(r) for r in new_rows]
    cursor: etree._Element | None = None
    for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys):
        if tag == "equal":
            for orow, nrow in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                pair_row(self, orow, nrow, details, hints, cells)
            cursor = new_rows[j2 - 1]
            continue
        olds, news = old_rows[i1:i2], new_rows[j1:j2]
        old_bags = [Counter(_WORDS.findall(k.lower())) for k in old_keys[i1:i2]]
        new_bags = [Counter(_WORDS.findall(k.lower())) for k in new_keys[j1:j2]]

        group: list = []
        similarity = _row_similarity(olds, news, old_bags, new_bags)
        for step, i, j in align(len(olds), len(news), similarity, 0.34):
            if step == "pair":
                _flush_rows(self, group)
                pair_row(self, olds[i], news[j], details, hints, cells)
                cursor = news[j]
            elif step == "ins":
                if group and group[-1][0] != "ins":
                    _flush_rows(self, group)
                group.append(("ins", news[j], None))
                cursor = news[j]
            else:
                clone = self._deleted_copy(olds[i])
                if cursor is not None:
                    cursor.addnext(clone)
                elif new_rows:
                    new_rows[0].addprevious(clone)
                else:
                    n.append(clone)
                if group and group[-1][0] != "del":
                    _flush_rows(self, group)
                group.append(("del", clone, olds[i]))
                cursor = clone
        _flush_rows(self, group)
    _record_columns(self, cells)
    if details:
        _record_layout(self, n, details)


def pair_row(self: Redliner, o: etree._Element, n: etree._Element, details: list[Detail],
             hints: dict[tuple[int, int], list], cells: list[tuple[str, int, Record]]) -> None:
    """Compare two rows cell by cell, their properties and their cells' too.

    Cells pair by text, then by similarity; an unpaired new cell is marked inserted, an
    unpaired old one comes back deleted in its place.
    """
    if same_tree(o, n):
        self.notes.pair_within(o, n)
        return
    found = track_row(o, n, self.rev)
    olds, news = o.findall(TC), n.findall(TC)
    cursor: etree._Element | None = None
    for step, i, j in _cell_steps(olds, news, hints):
        if step == "pair":
            found += track_cell(olds[i], news[j], self.rev)
            self.diff_container(olds[i], news[j])
            cursor = news[j]
        elif step == "ins":
            self.notes.inserted_in(news[j])
            mark_cell(news[j], CELL_INS, self.rev)
            _record_cell(self, news[j], "+", j, cells)
            cursor = news[j]
        else:
            clone = self._deleted_copy(olds[i])
            if cursor is not None:
                cursor.addnext(clone)
            elif news:
                news[0].addprevious(clone)
            else:
                n.append(clone)
            mark_cell(clone, CELL_DEL, self.rev)
            _record_cell(self, clone, "-", i, cells)
            cursor = clone
    details.extend(d for d in found if d not in details)


def _cell_steps(olds: list[etree._Element], news: list[etree._Element],
                hints: dict[tuple[int, int], list]) -> list:
    """How the cells of two rows stand for each other: ``pair``, ``ins`` or ``del`` steps.

    Same number of cells: by position (a row keeps its columns). Otherwise equal texts match
    first, then the cells of each gap by similarity. A row whose cells all found their place so
    (the header row, often) lends its steps to the rows of the same shape whose changed cells
    leave a doubt (``900 €`` → ``950 €`` beside a new column); without one, such a gap pairs its
    cells by position.
    """
    if len(olds) == len(news):
        return [("pair", k, k) for k in range(len(olds))]
    shape = (len(olds), len(news))
    old_keys, new_keys = [_cell_text(c) for c in olds], [_cell_text(c) for c in news]
    old_bags = [Counter(_WORDS.findall(k.lower())) for k in old_keys]
    new_bags = [Counter(_WORDS.findall(k.lower())) for k in new_keys]
    steps: list = []
    doubt = False
    for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys):
        if tag == "equal" or i2 - i1 == j2 - j1:
            steps += [("pair", i, j) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        alike = _row_similarity(olds[i1:i2], news[j1:j2], old_bags[i1:i2], new_bags[j1:j2])
        # On a tie the earlier cell pairs: cells merged into one keep the first (as Word does).
        def earlier_first(a: int, b: int, alike: Callable[[int, int], float] = alike) -> float:
            return alike(a, b) - 1e-6 * (a + b)

        gap = align(i2 - i1, j2 - j1, earlier_first, 0.34)
        kinds = {step for step, _, _ in gap}
        if {"ins", "del"} <= kinds:
            doubt = True
            common = min(i2 - i1, j2 - j1)
            gap = [("pair", k, k) for k in range(common)] + \
                [("del", k, None) for k in range(common, i2 - i1)] + \
                [("ins", None, k) for k in range(common, j2 - j1)]
        steps += [(step, None if i is None else i1 + i, None if j is None else j1 + j)
                  for step, i, j in gap]
    if not doubt:
        hints.setdefault(shape, steps)
        return steps
    return hints.get(shape, steps)


def _cell_text(tc: etree._Element) -> str:
    return "\n".join(plain_text(p) for p in tc.iter(P))


def _record_cell(self: Redliner, tc: etree._Element, op: str, column: int,
                 cells: list[tuple[str, int, Record]]) -> None:
    """One change for a cell inserted or deleted whole (when it holds text)."""
    text = _cell_text(tc)
    paragraphs = list(tc.iter(P))
    if not text.strip() or not paragraphs:
        return
    record = _cell_record(self, op, text, paragraphs[0], paragraphs[-1])
    self.records.append(record)
    cells.append((op, column, record))


def _cell_record(self: Redliner, op: str, text: str, first: etree._Element,
                 last: etree._Element, details: list[Detail] | None = None) -> Record:
    return Record("insertion" if op == "+" else "suppression", self.part_label,
                  Anchor(first, None, last, None), "" if op == "+" else text,
                  text if op == "+" else "", [(op, text)], details=details or [])


def _record_columns(self: Redliner, cells: list[tuple[str, int, Record]]) -> None:
    """Cells inserted (or deleted) at one place in several rows are one change: a column.

    Its text is the column's cells from top to bottom, one a line; the report says
    « colonne insérée » (or « supprimée »).
    """
    columns: dict[tuple[str, int], list[Record]] = {}
    for op, column, record in cells:
        columns.setdefault((op, column), []).append(record)
    for (op, _), records in columns.items():
        if len(records) < 2:
            continue
        text = "\n".join(r.new_text if op == "+" else r.old_text for r in records)
        merged = _cell_record(self, op, text, records[0].anchor.start_p,
                              records[-1].anchor.end_p,
                              [("layout", "column inserted" if op == "+" else "column deleted")])
        where = min(self.records.index(r) for r in records)
        gone = {id(r) for r in records}
        self.records[:] = [r for r in self.records if id(r) not in gone]
        self.records.insert(where, merged)


def _record_layout(self: Redliner, table: etree._Element, details: list[Detail]) -> None:
    """One change for a table's layout: its first row's text for context, what changed."""
    paragraphs = list(table.iter(P))
    if not paragraphs:
        return
    row = table.find(TR)
    text = row_text(row) if row is not None else plain_text(paragraphs[0])
    self.records.append(Record("mise en forme", self.part_label,
                               Anchor(paragraphs[0], None, paragraphs[0], None), text, text,
                               [("=", text)], details=list(dict.fromkeys(details))))


def _flush_rows(self: Redliner, group: list) -> None:
    if not group:
        return
    kind = group[0][0]
    rows = [g[1] for g in group]
    text = "\n".join(row_text(g[2] if kind == "del" else g[1]) for g in group)
    for row in rows:
        if kind == "ins":
            self.notes.inserted_in(row)
        mark_row(row, INS if kind == "ins" else DEL, self.rev)
    paragraphs = [p for row in rows for p in row.iter(P)]
    if paragraphs:
        op = "+" if kind == "ins" else "-"
        self.records.append(Record(
            "insertion" if kind == "ins" else "suppression", self.part_label,
            Anchor(paragraphs[0], None, paragraphs[-1], None),
            "" if kind == "ins" else text, text if kind == "ins" else "", [(op, text)]))
    group.clear()


def _row_similarity(olds: list[etree._Element], news: list[etree._Element],
                    old_bags: list[Counter], new_bags: list[Counter]) -> Callable[[int, int],
                                                                                  float]:
    """How alike two rows (or cells) are, by their words: rows of other widths still pair."""
    def similarity(i: int, j: int) -> float:
        return dice(old_bags[i], new_bags[j])
    return similarity
