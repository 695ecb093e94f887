"""The comparer: builds the redline from the new document's XML, with the old one's text tracked.

The output is the new document, edited in place: unchanged blocks are left untouched (so the new
formatting is kept), changed paragraphs are rewritten word by word, old blocks that are gone are
copied back in, marked deleted. Body, headers, footers, footnotes and endnotes are compared.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree

from .align import align, chunked_word_ops, dice, matching_blocks, word_ops
from .atoms import LONG_PARAGRAPH, Atom, Paragraph, flatten, normalize_space, refine
from .ooxml import (
    DEL,
    IGNORED_RPR,
    INS,
    PPR,
    PPR_CHANGE,
    R_NS,
    RPR,
    SDT,
    SDT_CONTENT,
    SECT_PR,
    TBL,
    TC,
    TR,
    P,
    Revisions,
    T,
    add_mark_rpr_change,
    add_ppr_change,
    add_rpr_change,
    copy_ppr_from,
    mark_block,
    mark_row,
    mark_runs,
    paragraph_mark,
    ppr_key,
    props_key,
    rpr_key,
    run_shell,
    set_paragraph_mark,
    strip_markers,
    text_element,
    to_deleted_run,
    w,
)
from .output import RT_BASE, Importer, Output
from .package import Package

BLOCKS = {P, TBL, SDT, w("customXml")}
_NOTE_REF = {"footnotes": w("footnoteReference"), "endnotes": w("endnoteReference")}
_NOTE_EL = {"footnotes": w("footnote"), "endnotes": w("endnote")}
_WORDS = re.compile(r"\w+")
_CT_NOTES = {
    "footnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "endnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}

#: Labels of the parts, as changes name them.
PART_LABELS = {"corps": "Début du document", "en-tête": "En-tête", "pied de page": "Pied de page",
               "notes": "Notes de bas de page", "notes de fin": "Notes de fin"}


@dataclass
class Anchor:
    """Where a change sits in the output: from (paragraph, first child) to (paragraph, last child).

    A child of None means the start (or end) of the paragraph's content.
    """

    start_p: etree._Element
    start: etree._Element | None
    end_p: etree._Element
    end: etree._Element | None


@dataclass
class Record:
    """A change found while building, before its section is known."""

    kind: str
    part: str
    anchor: Anchor
    old_text: str
    new_text: str
    segments: list[tuple[str, str]] = field(default_factory=list)
    section: str = ""
    note: str | None = None
    details: list[str] = field(default_factory=list)


@dataclass
class _Side:
    """One side (old or new) of the part being compared."""

    package: Package
    part: str
    resolve: Callable[[str], str]


class Redliner:
    """Compares two packages part by part and edits the output; collects `Record` s."""

    def __init__(self, old: Package, new: Package, revisions: Revisions) -> None:
        self.old_pkg = old
        self.new_pkg = new
        self.rev = revisions
        self.out = Output(new)
        self.importer = Importer(old, self.out)
        self.records: list[Record] = []
        self.part_label = "corps"
        self.old: _Side
        self.new: _Side
        self.notes_paired: dict[str, list[tuple[str, str]]] = {"footnotes": [], "endnotes": []}
        self.notes_inserted: dict[str, list[str]] = {"footnotes": [], "endnotes": []}
        self.notes_deleted: dict[str, list[tuple[etree._Element, str]]] = {
            "footnotes": [], "endnotes": []}
        self._resolved: dict[tuple[str, str, str], str] = {}
        self._looks: dict[etree._Element, bytes] = {}
        self._style_names: dict[int, dict[str, str]] = {}

    def look(self, run: etree._Element) -> bytes:
        """The formatting key of a run (cached: runs are compared many times)."""
        key = self._looks.get(run)
        if key is None:
            key = self._looks[run] = rpr_key(run)
        return key

    # ----------------------------------------------------------------- parts

    def run(self) -> list[Record]:
        """Compare body, headers, footers and notes; return the changes in document order."""
        old_main, new_main = self.old_pkg.main, self.new_pkg.main
        old_body = self.old_pkg.xml(old_main).find(w("body"))
        new_body = self.out.tree(new_main).find(w("body"))
        if old_body is None or new_body is None:
            return []
        self._enter("corps", old_main, new_main)
        self.diff_container(old_body, new_body)
        for label, tag in (("en-tête", "headerReference"), ("pied de page", "footerReference")):
            for old_part, new_part in self._header_pairs(tag):
                self._enter(label, old_part or old_main, new_part)
                new_root = self.out.tree(new_part)
                old_root = self.old_pkg.xml(old_part) if old_part else etree.Element(new_root.tag)
                self.diff_container(old_root, new_root)
        for kind in ("footnotes", "endnotes"):
            self._diff_notes(kind)
        self._bring_missing_styles()
        return self.records

    def _bring_missing_styles(self) -> None:
        """Copy from the old document the styles that old text uses and the new one lacks.

        Word saves only the styles a document uses: a deleted heading, or a paragraph whose
        former style comes back on reject, would otherwise fall back to Normal.
        """
        new_styles = _styles_part(self.new_pkg)
        old_styles = _styles_part(self.old_pkg)
        if new_styles is None or old_styles is None:
            return
        out_root = self.out.tree(new_styles)
        defined = {st.get(w("styleId")) for st in out_root.iter(w("style"))}
        old_by_id = {st.get(w("styleId")): st for st in self.old_pkg.xml(old_styles).iter(
            w("style"))}
        used: set[str] = set()
        for root in list(self.out.trees.values()):
            for ref in root.iter(w("pStyle"), w("rStyle"), w("tblStyle")):
                used.add(ref.get(w("val"), ""))
        missing = [sid for sid in sorted(used - defined) if sid in old_by_id]
        while missing:
            sid = missing.pop()
            if sid in defined:
                continue
            style = old_by_id[sid]
            out_root.append(copy.deepcopy(style))
            defined.add(sid)
            for link in ("basedOn", "next", "link"):
                ref = style.find(w(link))
                target = ref.get(w("val")) if ref is not None else None
                if target and target not in defined and target in old_by_id:
                    missing.append(target)

    def _enter(self, label: str, old_part: str, new_part: str) -> None:
        self.part_label = label
        self.old = _Side(self.old_pkg, old_part, self._resolver(self.old_pkg, old_part))
        self.new = _Side(self.new_pkg, new_part, self._resolver(self.new_pkg, new_part))

    def _resolver(self, package: Package, part: str) -> Callable[[str], str]:
        def resolve(rid: str) -> str:
            key = (str(package.path), part, rid)
            if key not in self._resolved:
                rel = package.rels(part).get(rid)
                if rel is None:
                    value = rid
                elif rel.external:
                    value = rel.target
                else:
                    data = package.parts.get(rel.target, b"")
                    value = hashlib.sha1(data).hexdigest()[:16]
                self._resolved[key] = value
            return self._resolved[key]
        return resolve

    def _header_pairs(self, tag: str) -> list[tuple[str | None, str]]:
        """(old part, new part) for each header or footer of the new document."""
        def refs(package: Package) -> list[dict[str, str]]:
            rels = package.rels(package.main)
            sections = []
            for sect in package.xml(package.main).iter(SECT_PR):
                found = {}
                for ref in sect.findall(w(tag)):
                    rel = rels.get(ref.get(f"{{{R_NS}}}id", ""))
                    if rel is not None and rel.target in package.parts:
                        found[ref.get(w("type"), "default")] = rel.target
                sections.append(found)
            return sections

        old_sections, new_sections = refs(self.old_pkg), refs(self.new_pkg)
        pairs: dict[str, str | None] = {}
        for index, found in enumerate(new_sections):
            for kind, new_part in found.items():
                if new_part in pairs:
                    continue
                old_part = None
                for k in range(min(index, len(old_sections) - 1), -1, -1):
                    if kind in old_sections[k]:
                        old_part = old_sections[k][kind]
                        break
                pairs[new_part] = old_part
        return [(old, new) for new, old in pairs.items()]

    # ------------------------------------------------------------- containers

    def diff_container(self, old_c: etree._Element, new_c: etree._Element) -> None:
        """Compare the blocks of two containers (body, cell, header, note, content control)."""
        old_blocks = [b for b in old_c if b.tag in BLOCKS]
        new_blocks = [b for b in new_c if b.tag in BLOCKS]
        old_keys = [self.block_key(b) for b in old_blocks]
        new_keys = [self.block_key(b) for b in new_blocks]
        cursor: etree._Element | None = None
        for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys):
            if tag == "equal":
                for o, n in zip(old_blocks[i1:i2], new_blocks[j1:j2], strict=True):
                    self.pair_block(o, n)
                cursor = new_blocks[j2 - 1]
                continue
            steps = self._align_blocks(old_blocks[i1:i2], new_blocks[j1:j2])
            if i2 == len(old_blocks) and j2 == len(new_blocks):
                steps = _pair_last_paragraphs(steps, old_blocks[i1:i2], new_blocks[j1:j2])
            group: list[tuple[str, etree._Element, etree._Element | None]] = []
            for step, i, j in steps:
                if step == "pair":
                    self._flush_group(group)
                    self.pair_block(old_blocks[i1 + i], new_blocks[j1 + j])
                    cursor = new_blocks[j1 + j]
                elif step == "ins":
                    n = new_blocks[j1 + j]
                    if group and group[-1][0] != "ins":
                        self._flush_group(group)
                    group.append(("ins", n, None))
                    cursor = n
                else:
                    o = old_blocks[i1 + i]
                    clone = self._deleted_copy(o)
                    self._place_after(new_c, cursor, clone, new_blocks)
                    if group and group[-1][0] != "del":
                        self._flush_group(group)
                    group.append(("del", clone, o))
                    cursor = clone
            self._flush_group(group)
        self._fix_paragraph_marks(new_c)

    def _place_after(self, container: etree._Element, cursor: etree._Element | None,
                     el: etree._Element, new_blocks: list[etree._Element]) -> None:
        if cursor is not None:
            cursor.addnext(el)
        elif new_blocks:
            new_blocks[0].addprevious(el)
        else:
            sect = container.find(SECT_PR)
            if sect is not None and sect.getparent() is container:
                sect.addprevious(el)
            else:
                container.append(el)

    def _flush_group(self, group: list) -> None:
        """Record a run of inserted or deleted blocks as one passage, and mark them."""
        if not group:
            return
        kind = group[0][0]
        elements = [g[1] for g in group]
        texts = [self.block_text(g[2] if kind == "del" else g[1]) for g in group]
        if kind == "ins":
            for el in elements:
                self._note_refs_inserted(el)
                mark_block(el, INS, self.rev)
        else:
            for el in elements:
                mark_block(el, DEL, self.rev)
        text = "\n".join(texts)
        paragraphs = [p for el in elements for p in ([el] if el.tag == P else el.iter(P))]
        if paragraphs:
            anchor = Anchor(paragraphs[0], None, paragraphs[-1], None)
            op = "+" if kind == "ins" else "-"
            self.records.append(Record(
                "insertion" if kind == "ins" else "suppression", self.part_label, anchor,
                "" if kind == "ins" else text, text if kind == "ins" else "", [(op, text)]))
        group.clear()

    def _deleted_copy(self, old_block: etree._Element) -> etree._Element:
        clone = copy.deepcopy(old_block)
        strip_markers(clone)
        self.importer.bring(clone, self.old.part, self.new.part)
        self._note_refs_deleted(clone)
        return clone

    def _align_blocks(self, olds: list[etree._Element], news: list[etree._Element]) -> list:
        old_bags = [self._bag(b) for b in olds]
        new_bags = [self._bag(b) for b in news]

        def similarity(i: int, j: int) -> float:
            o, n = olds[i], news[j]
            if o.tag != n.tag:
                return 0.0
            if o.tag == P:
                if not old_bags[i] and not new_bags[j]:
                    return 0.9 if ppr_key(o) == ppr_key(n) else 0.6
                return dice(old_bags[i], new_bags[j])
            return max(0.5, dice(old_bags[i], new_bags[j]))

        return align(len(olds), len(news), similarity, 0.4)

    def _bag(self, block: etree._Element) -> Counter:
        return Counter(m.group() for m in _WORDS.finditer(self.block_text(block).lower()))

    # ------------------------------------------------------------------ keys

    def block_key(self, block: etree._Element) -> str:
        """The exact-match key of a block: kind, style and text."""
        if block.tag == P:
            ppr = block.find(PPR)
            style = ""
            if ppr is not None:
                st = ppr.find(w("pStyle"))
                style = st.get(w("val"), "") if st is not None else ""
            return "p" + style + "\x00" + _text_key(block)
        if block.tag == TBL:
            # Tables align by their number of columns, so that an edited table is compared
            # row by row rather than deleted and inserted whole.
            row = block.find(TR)
            return f"t{len(row.findall(TC)) if row is not None else 0}"
        return "s\x00" + _text_key(block)

    def block_text(self, block: etree._Element) -> str:
        """The readable text of a block (cells joined by ` | `, paragraphs by a line feed)."""
        if block.tag == P:
            return _plain_text(block)
        if block.tag == TBL:
            return "\n".join(self.row_text(tr) for tr in block.findall(TR))
        return "\n".join(self.block_text(b) for b in block.iter(P, TBL)
                         if b.getparent() is not None and b.getparent().tag == SDT_CONTENT)

    def row_text(self, tr: etree._Element) -> str:
        """A table row as `` | ``-separated cell texts."""
        return " | ".join(" ".join(_plain_text(p) for p in tc.iter(P)) for tc in tr.findall(TC))

    # ---------------------------------------------------------------- blocks

    def pair_block(self, o: etree._Element, n: etree._Element) -> None:
        """Compare two blocks that stand for each other."""
        if etree.tostring(o) == etree.tostring(n):
            self._pair_notes(o, n)
            return
        if n.tag == P:
            self.pair_paragraph(o, n)
        elif n.tag == TBL:
            self.pair_table(o, n)
        else:
            oc = o.find(SDT_CONTENT) if o.tag == SDT else o
            nc = n.find(SDT_CONTENT) if n.tag == SDT else n
            if oc is not None and nc is not None:
                self.diff_container(oc, nc)

    def pair_table(self, o: etree._Element, n: etree._Element) -> None:
        """Compare two tables row by row; rows that are new or gone are marked whole."""
        old_rows, new_rows = o.findall(TR), n.findall(TR)
        old_keys = [self.row_text(r) for r in old_rows]
        new_keys = [self.row_text(r) for r in new_rows]
        cursor: etree._Element | None = None
        for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys):
            if tag == "equal":
                for orow, nrow in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                    self.pair_row(orow, nrow)
                cursor = new_rows[j2 - 1]
                continue
            olds, news = old_rows[i1:i2], new_rows[j1:j2]
            old_bags = [Counter(_WORDS.findall(k.lower())) for k in old_keys[i1:i2]]
            new_bags = [Counter(_WORDS.findall(k.lower())) for k in new_keys[j1:j2]]

            group: list = []
            similarity = _row_similarity(olds, news, old_bags, new_bags)
            for step, i, j in align(len(olds), len(news), similarity, 0.34):
                if step == "pair":
                    self._flush_rows(group)
                    self.pair_row(olds[i], news[j])
                    cursor = news[j]
                elif step == "ins":
                    if group and group[-1][0] != "ins":
                        self._flush_rows(group)
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
                        self._flush_rows(group)
                    group.append(("del", clone, olds[i]))
                    cursor = clone
            self._flush_rows(group)

    def _flush_rows(self, group: list) -> None:
        if not group:
            return
        kind = group[0][0]
        rows = [g[1] for g in group]
        text = "\n".join(self.row_text(g[2] if kind == "del" else g[1]) for g in group)
        for row in rows:
            if kind == "ins":
                self._note_refs_inserted(row)
            mark_row(row, INS if kind == "ins" else DEL, self.rev)
        paragraphs = [p for row in rows for p in row.iter(P)]
        if paragraphs:
            op = "+" if kind == "ins" else "-"
            self.records.append(Record(
                "insertion" if kind == "ins" else "suppression", self.part_label,
                Anchor(paragraphs[0], None, paragraphs[-1], None),
                "" if kind == "ins" else text, text if kind == "ins" else "", [(op, text)]))
        group.clear()

    def pair_row(self, o: etree._Element, n: etree._Element) -> None:
        """Compare two rows cell by cell."""
        if etree.tostring(o) == etree.tostring(n):
            self._pair_notes(o, n)
            return
        for oc, nc in zip(o.findall(TC), n.findall(TC), strict=False):
            self.diff_container(oc, nc)

    # ------------------------------------------------------------ paragraphs

    def pair_paragraph(self, o: etree._Element, n: etree._Element) -> None:
        """Compare two paragraphs word by word and rewrite the new one with the changes."""
        long = max(_text_length(o), _text_length(n)) > LONG_PARAGRAPH
        old = flatten(o, self.old.resolve, chunks=long)
        new = flatten(n, self.new.resolve, chunks=long)
        if long:
            old.atoms, new.atoms, ops = chunked_word_ops(old.atoms, new.atoms, refine)
        else:
            ops = word_ops(old.atoms, new.atoms)
        ppr_changed = ppr_key(o) != ppr_key(n)
        mark_changed = _mark_key(o) != _mark_key(n)
        text_changed = any(op[0] == "change" for op in ops)
        look_changed = any(self._look_differs(old.atoms[op[1]:op[2]], new.atoms[op[3]:op[4]])
                           for op in ops if op[0] == "equal")
        if not (text_changed or ppr_changed or mark_changed or look_changed):
            self._pair_note_atoms(old.atoms, new.atoms)
            return
        writer = _ParagraphWriter(self, old, new)
        writer.write(ops)
        if ppr_changed:
            add_ppr_change(n, o, self.rev)
        if mark_changed:
            add_mark_rpr_change(n, o, self.rev)
        segments = writer.segments
        kind = "modification" if text_changed else "mise en forme"
        start = writer.first if not (ppr_changed or mark_changed) else None
        end = writer.last if not (ppr_changed or mark_changed) else None
        details = self._format_details(o, n, ppr_changed, old.atoms, new.atoms, ops) \
            if (ppr_changed or look_changed or mark_changed) else []
        self.records.append(Record(kind, self.part_label, Anchor(n, start, n, end),
                                   old.text, new.text, segments, details=details))

    def _format_details(self, o: etree._Element, n: etree._Element, ppr_changed: bool,
                        olds: list[Atom], news: list[Atom], ops: list) -> list[str]:
        """What formatting changed, in French: the style, bold or italic on which words."""
        details = []
        if ppr_changed:
            before, after = self.style_name(o, self.old_pkg), self.style_name(n, self.new_pkg)
            details.append(f"style « {before} » → « {after} »" if before != after
                           else "mise en forme du paragraphe")
        spans: dict[str, list[str]] = {}
        for op in ops:
            if op[0] != "equal":
                continue
            for text, new_run, old_run in _text_spans(olds[op[1]:op[2]], news[op[3]:op[4]]):
                if self.look(old_run) == self.look(new_run):
                    continue
                for label in _look_changes(old_run, new_run):
                    spans.setdefault(label, []).append(text)
        for label, texts in spans.items():
            quoted = normalize_space("".join(texts)).strip()
            if len(quoted) > 80:
                quoted = quoted[:79].rstrip() + "…"
            details.append(f"{label} : « {quoted} »")
        return details

    def style_name(self, p: etree._Element, package: Package) -> str:
        """The name of a paragraph's style as Word shows it (its id when unnamed)."""
        ppr = p.find(PPR)
        style = ppr.find(w("pStyle")) if ppr is not None else None
        sid = style.get(w("val"), "") if style is not None else ""
        names = self._style_names.get(id(package))
        if names is None:
            names = {}
            part = _styles_part(package)
            if part is not None:
                for st in package.xml(part).iter(w("style")):
                    name = st.find(w("name"))
                    if name is not None:
                        names[st.get(w("styleId"), "")] = name.get(w("val"), "")
            self._style_names[id(package)] = names
        if not sid:
            default = next((n for s, n in names.items() if s == "Normal"), "Normal")
            return default
        return names.get(sid, sid)

    def _look_differs(self, olds: list[Atom], news: list[Atom]) -> bool:
        look = self.look
        for o, n in zip(olds, news, strict=True):
            if o.kind == "run" and look(o.run) != look(n.run):
                return True
        return any(look(old_run) != look(new_run)
                   for _, new_run, old_run in _text_spans(olds, news))

    # ----------------------------------------------------------------- notes

    def _pair_notes(self, o: etree._Element, n: etree._Element) -> None:
        for kind, tag in _NOTE_REF.items():
            olds = [r.get(w("id"), "") for r in o.iter(tag)]
            news = [r.get(w("id"), "") for r in n.iter(tag)]
            self.notes_paired[kind].extend(zip(olds, news, strict=False))

    def _pair_note_atoms(self, olds: list[Atom], news: list[Atom]) -> None:
        o = [a for a in olds if a.key.startswith("note:")]
        n = [a for a in news if a.key.startswith("note:")]
        for a, b in zip(o, n, strict=False):
            kind = a.key[5:]
            if a.key == b.key and a.element is not None and b.element is not None:
                self.notes_paired[kind].append((a.element.get(w("id"), ""),
                                                b.element.get(w("id"), "")))

    def _note_refs_inserted(self, el: etree._Element) -> None:
        for kind, tag in _NOTE_REF.items():
            self.notes_inserted[kind].extend(r.get(w("id"), "") for r in el.iter(tag))

    def _note_refs_deleted(self, el: etree._Element) -> None:
        for kind, tag in _NOTE_REF.items():
            self.notes_deleted[kind].extend((r, r.get(w("id"), "")) for r in el.iter(tag))

    def _diff_notes(self, kind: str) -> None:
        paired, inserted, deleted = (self.notes_paired[kind], self.notes_inserted[kind],
                                     self.notes_deleted[kind])
        if not (paired or inserted or deleted):
            return
        old_part = _notes_part(self.old_pkg, kind)
        new_part = _notes_part(self.new_pkg, kind)
        if new_part is None:
            if old_part is None or not deleted:
                return
            new_part = self._create_notes_part(kind, old_part)
        label = "notes" if kind == "footnotes" else "notes de fin"
        self._enter(label, old_part or new_part, new_part)
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
                    text = "\n".join(_plain_text(p) for p in paragraphs)
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
                text = "\n".join(_plain_text(p) for p in note.findall(P))
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

    # ------------------------------------------------------- paragraph marks

    def _fix_paragraph_marks(self, container: etree._Element) -> None:
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
                    self._fix_tail(run)
                    run = []
                continue
            if child is not None and child.tag not in BLOCKS:
                continue
            self._fix_tail(run)
            run = []

    def _fix_tail(self, paragraphs: list[etree._Element]) -> None:
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
            _set_ppr_change_from(i, d, self.rev)
            set_paragraph_mark(i, None, self.rev)
            d.getparent().remove(d)
            for record in self.records:
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
            _set_ppr_change_from(last, old_props, self.rev)
            set_paragraph_mark(keeper, DEL, self.rev)
            set_paragraph_mark(last, None, self.rev)
        else:
            # Reject joins keeper's text to the last paragraph: it takes keeper's old properties.
            original = _original_ppr_holder(keeper)
            set_paragraph_mark(keeper, INS, self.rev)
            set_paragraph_mark(last, None, self.rev)
            if ppr_key(original) != ppr_key(last):
                add_ppr_change(last, original, self.rev)


def _pair_last_paragraphs(steps: list, olds: list[etree._Element],
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


def _row_similarity(olds: list[etree._Element], news: list[etree._Element],
                    old_bags: list[Counter], new_bags: list[Counter]) -> Callable[[int, int],
                                                                                  float]:
    """How alike two rows are (0 when their numbers of cells differ)."""
    def similarity(i: int, j: int) -> float:
        if len(olds[i].findall(TC)) != len(news[j].findall(TC)):
            return 0.0
        return dice(old_bags[i], new_bags[j])
    return similarity


_LOOKS = (("b", "gras"), ("i", "italique"), ("u", "souligné"), ("strike", "barré"))


def _flag(run: etree._Element, flag: str) -> bool:
    rpr = run.find(RPR)
    el = rpr.find(w(flag)) if rpr is not None else None
    return el is not None and el.get(w("val"), "true") not in ("0", "false", "none", "off")


def _look_changes(old_run: etree._Element, new_run: etree._Element) -> list[str]:
    """``gras ajouté``, ``italique retiré``…, or ``mise en forme du texte`` for anything else."""
    labels = []
    for flag, name in _LOOKS:
        before, after = _flag(old_run, flag), _flag(new_run, flag)
        if before != after:
            labels.append(f"{name} {'ajouté' if after else 'retiré'}")
    return labels or ["mise en forme du texte"]


def _styles_part(package: Package) -> str | None:
    for rel in package.rels(package.main).values():
        if rel.type == RT_BASE + "styles" and rel.target in package.parts:
            return rel.target
    return None


def _notes_part(package: Package, kind: str) -> str | None:
    for rel in package.rels(package.main).values():
        if rel.type.endswith("/" + kind) and rel.target in package.parts:
            return rel.target
    return None


def _mark_key(p: etree._Element) -> bytes:
    ppr = p.find(PPR)
    return props_key(ppr.find(RPR) if ppr is not None else None, IGNORED_RPR)


def _text_key(el: etree._Element) -> str:
    """The text of a block for alignment (field codes included, spaces alike).

    Only alignment uses it: blocks whose keys agree are still compared in full.
    """
    return normalize_space(etree.tostring(el, method="text", encoding=str, with_tail=False))


def _text_length(p: etree._Element) -> int:
    return sum(len(t.text or "") for t in p.iter(T))


def _plain_text(p: etree._Element) -> str:
    parts = []
    for d in p.iter(T, w("delText"), w("tab"), w("br")):
        if d.tag in (T, w("delText")):
            parts.append(d.text or "")
        elif d.tag == w("tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _merged(atoms: list[Atom]) -> list[list]:
    """The text pieces of consecutive text atoms, joined while they come from the same run."""
    merged: list[list] = []
    for atom in atoms:
        for piece in atom.pieces:
            if merged and merged[-1][0] is piece.run:
                merged[-1][1] += piece.text
            else:
                merged.append([piece.run, piece.text])
    return merged


def _text_spans(olds: list[Atom], news: list[Atom]) -> list[tuple[str, etree._Element,
                                                                   etree._Element]]:
    """Equal text cut where either side changes run: (text, new run, old run) spans.

    Both sides must hold the same text (an equal stretch of atoms).
    """
    old_pieces = _merged([a for a in olds if a.kind == "text"])
    new_pieces = _merged([a for a in news if a.kind == "text"])
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


class _ParagraphWriter:
    """Rewrites a new paragraph's content from word-level operations."""

    def __init__(self, owner: Redliner, old: Paragraph, new: Paragraph) -> None:
        self.owner = owner
        self.rev = owner.rev
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
        changed_look = old_run is not None and self.owner.look(old_run) != self.owner.look(run)
        key = (status, id(run), id(old_run) if changed_look else None)
        target = self._target(status)
        if self.last_run is not None and self.last_run_key == key:
            t = self.last_run[-1]
            t.text = (t.text or "") + text
            if t.text != t.text.strip() or "  " in t.text:
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            return
        shell = run_shell(run)
        shell.append(text_element(text, deleted=status == "-"))
        if changed_look:
            assert old_run is not None  # changed_look says so
            add_rpr_change(shell, old_run.find(RPR), self.rev)
            self._touched(shell)
        target.append(shell)
        self.last_run = shell
        self.last_run_key = key

    def _markers(self, atom: Atom) -> None:
        for marker in atom.markers:
            self._append("=", marker)

    # Atoms by status.

    def _equal_stretch(self, olds: list[Atom], news: list[Atom]) -> None:
        """Equal atoms: text written as spans of the new runs, other atoms one by one."""
        start = 0
        for k, (o, n) in enumerate(zip(olds, news, strict=True)):
            if n.kind == "text" and not (n.markers and k > start):
                continue
            self._equal_text(olds[start:k], news[start:k])
            start = k
            if n.kind == "text":
                continue
            self._equal_atom(o, n)
            start = k + 1
        self._equal_text(olds[start:], news[start:])

    def _equal_text(self, olds: list[Atom], news: list[Atom]) -> None:
        if not news:
            return
        self._markers(news[0])
        for text, new_run, old_run in _text_spans(olds, news):
            self._text("=", new_run, text, old_run)

    def _equal_atom(self, o: Atom, n: Atom) -> None:
        self._markers(n)
        if n.kind == "run":
            # run atoms carry their run and its element
            assert o.run is not None and n.run is not None
            assert o.element is not None and n.element is not None
            shell = run_shell(n.run)
            shell.append(n.element)
            if self.owner.look(o.run) != self.owner.look(n.run):
                add_rpr_change(shell, o.run.find(RPR), self.rev)
                self._touched(shell)
            self._append("=", shell)
            if n.key.startswith("note:"):
                self.owner.notes_paired[n.key[5:]].append(
                    (o.element.get(w("id"), ""), n.element.get(w("id"), "")))
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
            self.owner._note_refs_inserted(shell)
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
            self._append("-", to_deleted_run(shell))
        else:
            self._group([self._bring(copy.deepcopy(el)) for el in o.elements], "-")

    def _bring(self, el: etree._Element) -> etree._Element:
        strip_markers(el)
        self.owner.importer.bring(el, self.owner.old.part, self.owner.new.part)
        self.owner._note_refs_deleted(el)
        return el

    def _group(self, elements: list[etree._Element], status: str) -> None:
        tag = INS if status == "+" else DEL
        if status == "+":
            for el in elements:
                self.owner._note_refs_inserted(el)
        for el in elements:
            if el.tag == w("r"):
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
                self._equal_stretch(old[i1:i2], new[j1:j2])
                self._segment("=", "".join(a.text for a in new[j1:j2]))
                continue
            if j2 > j1 and new[j1].markers:
                # A bookmark that opens on the new words also covers the old ones.
                self._markers(new[j1])
                new[j1].markers = []
            for o in old[i1:i2]:
                self._deleted(o)
            for n in new[j1:j2]:
                self._inserted(n)
            self._segment("-", "".join(a.text for a in old[i1:i2]))
            self._segment("+", "".join(a.text for a in new[j1:j2]))
        self._close()
        for marker in self.new.trailing:
            self.children.append(marker)
        p = self.new.element
        for child in list(p):
            if child.tag != PPR:
                p.remove(child)
        p.extend(self.children)


__all__ = ["Redliner", "Record", "Anchor", "PART_LABELS"]
