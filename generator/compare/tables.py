"""Tables: rows matched by their text, then paired by similarity; rows new or gone marked whole.

A row that stands for an old one is compared cell by cell (each cell like any container); a row
that is new carries a row insertion, one that is gone comes back as a deleted row.
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
from .layout import track_cell, track_row, track_table
from .ooxml import DEL, INS, TC, TR, P, mark_row
from .records import Anchor, Detail, Record

if TYPE_CHECKING:
    from .redline import Redliner

_WORDS = re.compile(r"\w+")


def pair_table(self: Redliner, o: etree._Element, n: etree._Element) -> None:
    """Compare two tables row by row; rows that are new or gone are marked whole.

    Changed table, grid, row and cell properties are tracked too, and recorded as one change.
    """
    details = track_table(o, n, self.rev)
    old_rows, new_rows = o.findall(TR), n.findall(TR)
    old_keys = [row_text(r) for r in old_rows]
    new_keys = [row_text(r) for r in new_rows]
    cursor: etree._Element | None = None
    for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys):
        if tag == "equal":
            for orow, nrow in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                pair_row(self, orow, nrow, details)
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
                pair_row(self, olds[i], news[j], details)
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
    if details:
        _record_layout(self, n, details)


def pair_row(self: Redliner, o: etree._Element, n: etree._Element,
             details: list[Detail]) -> None:
    """Compare two rows cell by cell, their properties and their cells' too."""
    if etree.tostring(o) == etree.tostring(n):
        self.notes.pair_within(o, n)
        return
    found = track_row(o, n, self.rev)
    for oc, nc in zip(o.findall(TC), n.findall(TC), strict=False):
        found += track_cell(oc, nc, self.rev)
        self.diff_container(oc, nc)
    details.extend(d for d in found if d not in details)


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
    """How alike two rows are (0 when their numbers of cells differ)."""
    def similarity(i: int, j: int) -> float:
        if len(olds[i].findall(TC)) != len(news[j].findall(TC)):
            return 0.0
        return dice(old_bags[i], new_bags[j])
    return similarity
