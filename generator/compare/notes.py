"""Footnotes and endnotes: which notes pair, which are new or gone, and their redline.

While paragraphs are compared, a `Notes` object collects the note references found paired,
inserted or deleted; once the body is done, `diff_notes` compares paired notes like any
container, marks new notes inserted and brings deleted ones back, marked deleted.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from .atoms import plain_text
from .ooxml import DEL, INS, P, mark_block, strip_markers, w
from .output import RT_BASE
from .parts import notes_part
from .records import Anchor, Record

if TYPE_CHECKING:
    from .atoms import Atom
    from .redline import Redliner

NOTE_REF = {"footnotes": w("footnoteReference"), "endnotes": w("endnoteReference")}
_NOTE_EL = {"footnotes": w("footnote"), "endnotes": w("endnote")}
_CT_NOTES = {
    "footnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "endnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}


class Notes:
    """The note references met so far: paired (old id, new id), inserted, deleted."""

    def __init__(self) -> None:
        self.paired: dict[str, list[tuple[str, str]]] = {"footnotes": [], "endnotes": []}
        self.inserted: dict[str, list[str]] = {"footnotes": [], "endnotes": []}
        self.deleted: dict[str, list[tuple[etree._Element, str]]] = {
            "footnotes": [], "endnotes": []}

    def pair_within(self, o: etree._Element, n: etree._Element) -> None:
        """Pair the note references of two identical blocks, in order."""
        refs = list(o.iter(*NOTE_REF.values()))
        if not refs:
            return  # the blocks are identical: no note on one side, none on the other
        for kind, tag in NOTE_REF.items():
            olds = [r.get(w("id"), "") for r in refs if r.tag == tag]
            news = [r.get(w("id"), "") for r in n.iter(tag)]
            self.paired[kind].extend(zip(olds, news, strict=False))

    def pair_atoms(self, olds: list[Atom], news: list[Atom]) -> None:
        """Pair the note references among the atoms of two paragraphs of the same text."""
        o = [a for a in olds if a.key.startswith("note:")]
        n = [a for a in news if a.key.startswith("note:")]
        for a, b in zip(o, n, strict=False):
            if a.key == b.key and a.element is not None and b.element is not None:
                self.pair(a.key[5:], a.element, b.element)

    def pair(self, kind: str, old_ref: etree._Element, new_ref: etree._Element) -> None:
        """Pair one old note reference with one new one."""
        self.paired[kind].append((old_ref.get(w("id"), ""), new_ref.get(w("id"), "")))

    def inserted_in(self, el: etree._Element) -> None:
        """The note references inside ``el`` are new."""
        for kind, tag in NOTE_REF.items():
            self.inserted[kind].extend(r.get(w("id"), "") for r in el.iter(tag))

    def deleted_in(self, el: etree._Element) -> None:
        """The note references inside ``el`` (a deleted copy) are gone."""
        for kind, tag in NOTE_REF.items():
            self.deleted[kind].extend((r, r.get(w("id"), "")) for r in el.iter(tag))


def diff_notes(redliner: Redliner, kind: str) -> None:
    """Compare the notes of one kind once the body is done (see the module doc)."""
    self = redliner
    paired, inserted, deleted = (self.notes.paired[kind], self.notes.inserted[kind],
                                 self.notes.deleted[kind])
    if not (paired or inserted or deleted):
        return
    old_part = notes_part(self.old_pkg, kind)
    new_part = notes_part(self.new_pkg, kind)
    if new_part is None:
        if old_part is None or not deleted:
            return
        new_part = _create_notes_part(self, kind, old_part)
    label = "notes" if kind == "footnotes" else "notes de fin"
    self.enter(label, old_part or new_part, new_part)
    new_root = self.out.tree(new_part)
    new_notes = {el.get(w("id")): el for el in new_root.findall(_NOTE_EL[kind])}
    old_notes = {el.get(w("id")): el for el in self.old_pkg.xml(old_part).findall(
        _NOTE_EL[kind])} if old_part else {}
    for old_id, new_id in paired:
        if old_id in old_notes and new_id in new_notes:
            before = len(self.records)
            self.diff_container(old_notes[old_id], new_notes[new_id])
            for record in self.records[before:]:
                record.note = new_id
    for new_id in inserted:
        note = new_notes.get(new_id)
        if note is not None:
            for block in note:
                mark_block(block, INS, self.rev, mark_paragraphs=False)
            paragraphs = note.findall(P)
            if paragraphs:
                text = "\n".join(plain_text(p) for p in paragraphs)
                self.records.append(Record("insertion", label, Anchor(
                    paragraphs[0], None, paragraphs[-1], None), "", text, [("+", text)],
                    note=new_id))
    used = {int(i) for i in new_notes if i and i.lstrip("-").isdigit()}
    next_id = max(used | {0}) + 1
    for ref, old_id in deleted:
        note = old_notes.get(old_id)
        if note is None or old_part is None:
            continue
        clone = copy.deepcopy(note)
        strip_markers(clone)
        self.importer.bring(clone, old_part, new_part)
        clone.set(w("id"), str(next_id))
        ref.set(w("id"), str(next_id))
        next_id += 1
        for block in clone:
            mark_block(block, DEL, self.rev, mark_paragraphs=False)
        new_root.append(clone)
        paragraphs = clone.findall(P)
        if paragraphs:
            text = "\n".join(plain_text(p) for p in note.findall(P))
            self.records.append(Record("suppression", label, Anchor(
                paragraphs[0], None, paragraphs[-1], None), text, "", [("-", text)],
                note=clone.get(w("id"))))

def _create_notes_part(self, kind: str, old_part: str) -> str:
    name = f"word/{kind}.xml"
    root = copy.deepcopy(self.old_pkg.xml(old_part))
    for note in list(root):
        if note.get(w("type")) not in ("separator", "continuationSeparator",
                                       "continuationNotice"):
            root.remove(note)
    self.out.trees[name] = root
    self.out.parts[name] = b""
    self.out.add_override(name, _CT_NOTES[kind])
    self.out.add_relationship(self.new_pkg.main, RT_BASE + kind, name, False)
    return name
