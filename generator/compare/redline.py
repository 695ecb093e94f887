"""The comparer: builds the redline from the new document's XML, with the old one's text tracked.

The output is the new document, edited in place: unchanged blocks are left untouched (so the new
formatting is kept), changed paragraphs are rewritten word by word, old blocks that are gone are
copied back in, marked deleted. Body, headers, footers, footnotes and endnotes are compared.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable

from lxml import etree

from ..exiting import keep
from ..slots import Slotted
from .align import matching_blocks
from .atoms import flatten, plain_text
from .blocks import align_blocks, block_key, block_text, text_length
from .bookmarks import restore_bookmarks
from .docx_zip import Package
from .layout import track_sections
from .marks import (
    BLOCKS,
    find_splits,
    fix_paragraph_marks,
    mark_join,
    mark_key,
    mark_split,
    pair_last_paragraphs,
)
from .notes import Notes, diff_notes
from .ooxml import (
    DEL,
    INS,
    SDT,
    SDT_CONTENT,
    SECT_PR,
    TBL,
    TXBX_CONTENT,
    P,
    Revisions,
    add_mark_rpr_change,
    add_ppr_change,
    mark_block,
    ppr_key,
    rpr_key,
    same_tree,
    strip_markers,
    w,
)
from .output import Importer, Output
from .paragraphs import ParagraphWriter, look_details, look_differs
from .parts import (
    StyleNames,
    add_part_for_old,
    bring_missing_styles,
    header_pairs,
    old_only_parts,
)
from .records import Anchor, Detail, Record
from .tables import pair_table
from .tokens import LONG_PARAGRAPH
from .words import chunked_word_ops, word_ops

_WORDS = re.compile(r"\w+")
_RUN = w("r")
#: Gaps between blocks found once on each side get a longest common subsequence up to this
#: size; a whole document's would cost a diff several milliseconds for nothing.
_EXACT_BLOCK_CELLS = 1_000
_PICTURES = (w("drawing"), w("pict"), w("object"))


class _Side(Slotted):
    """One side (old or new) of the part being compared."""

    __slots__ = ("package", "part", "resolve")

    def __init__(self, package: Package, part: str, resolve: Callable[[str], str]) -> None:
        self.package, self.part, self.resolve = package, part, resolve


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
        self.notes = Notes()
        self._resolved: dict[tuple[str, str, str], str] = {}
        self._looks: dict[etree._Element, bytes] = {}
        self.styles = StyleNames()
        #: The output paragraph standing for each old paragraph (paired, or a deleted copy).
        self.counterparts: dict[etree._Element, etree._Element] = {}

    def look(self, run: etree._Element) -> bytes:
        """The formatting key of a run (cached: runs are compared many times)."""
        key = self._looks.get(run)
        if key is None:
            key = self._looks[run] = rpr_key(run)
        return key

    def _one_look(self, *paragraphs: etree._Element) -> bool:
        """Whether every run of these paragraphs has one formatting (no look can have changed).

        Stops at the second look found; a long paragraph in one run needs no op by op check.
        """
        first = None
        for p in paragraphs:
            for run in p.iter(_RUN):
                key = self.look(run)
                if first is None:
                    first = key
                elif key != first:
                    return False
        return True

    # ----------------------------------------------------------------- parts

    def run(self) -> list[Record]:
        """Compare body, headers, footers and notes; return the changes in document order."""
        old_main, new_main = self.old_pkg.main, self.new_pkg.main
        old_body = self.old_pkg.xml(old_main).find(w("body"))
        new_body = self.out.tree(new_main).find(w("body"))
        if old_body is None or new_body is None:
            return []
        self.enter("corps", old_main, new_main)
        # Page setup first: deleted paragraphs brought back below may hold old sections.
        sections = track_sections(old_body, new_body, self.rev)
        self.diff_container(old_body, new_body)
        self.records += sections
        restore_bookmarks(old_body, new_body, self.counterparts, self.rev)
        for label, tag in (("en-tête", "headerReference"), ("pied de page", "footerReference")):
            pairs = header_pairs(self.old_pkg, self.new_pkg, tag)
            for old_part, new_part in pairs:
                self.enter(label, old_part or old_main, new_part)
                new_root = self.out.tree(new_part)
                old_root = self.old_pkg.xml(old_part) if old_part else etree.Element(new_root.tag)
                self.diff_container(old_root, new_root)
            # Headers and footers only the old document has: kept, their content deleted.
            sections = list(self.out.tree(new_main).iter(SECT_PR))
            paired = {old for old, _ in pairs if old}
            for index, kind, old_part, rel_type in old_only_parts(self.old_pkg, tag, paired):
                if not sections:
                    break
                section = sections[min(index, len(sections) - 1)]
                added = add_part_for_old(self.out, self.old_pkg, old_part, rel_type, section,
                                         tag, kind)
                if added is not None:
                    self.enter(label, old_part, added)
                    self.diff_container(self.old_pkg.xml(old_part), self.out.tree(added))
        for kind in ("footnotes", "endnotes"):
            diff_notes(self, kind)
        bring_missing_styles(self.old_pkg, self.new_pkg, self.out)
        return self.records

    def enter(self, label: str, old_part: str, new_part: str) -> None:
        """Compare parts ``old_part`` and ``new_part`` next (``label`` names them in records)."""
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

    # ------------------------------------------------------------- containers

    def diff_container(self, old_c: etree._Element, new_c: etree._Element) -> None:
        """Compare the blocks of two containers (body, cell, header, note, content control)."""
        old_blocks = [b for b in old_c if b.tag in BLOCKS]
        new_blocks = [b for b in new_c if b.tag in BLOCKS]
        old_keys = [block_key(b, self.old.resolve) for b in old_blocks]
        new_keys = [block_key(b, self.new.resolve) for b in new_blocks]
        cursor: etree._Element | None = None
        for tag, i1, i2, j1, j2 in matching_blocks(old_keys, new_keys, _EXACT_BLOCK_CELLS):
            if tag == "equal":
                for o, n in zip(old_blocks[i1:i2], new_blocks[j1:j2], strict=True):
                    self.pair_block(o, n)
                cursor = new_blocks[j2 - 1]
                continue
            steps = align_blocks(old_blocks[i1:i2], new_blocks[j1:j2],
                                       after_equal=i1 > 0 and j1 > 0)
            if i2 == len(old_blocks) and j2 == len(new_blocks):
                steps = pair_last_paragraphs(steps, old_blocks[i1:i2], new_blocks[j1:j2])
            steps = find_splits(steps, old_blocks[i1:i2], new_blocks[j1:j2])
            group: list[tuple[str, etree._Element, etree._Element | None]] = []
            for step, i, j in steps:
                if step == "split":
                    self._flush_group(group)
                    o, first, second = old_blocks[i1 + i], new_blocks[j1 + j], \
                        new_blocks[j1 + j + 1]
                    segments = mark_split(o, first, second, self.rev)
                    self.counterparts[o] = first
                    self.records.append(Record(
                        "modification", self.part_label, Anchor(first, None, second, None),
                        plain_text(o), plain_text(first) + "\n" + plain_text(second), segments))
                    cursor = second
                elif step == "join":
                    self._flush_group(group)
                    first, second, n = old_blocks[i1 + i], old_blocks[i1 + i + 1], \
                        new_blocks[j1 + j]
                    head, segments = mark_join(first, second, n, self.rev)
                    self.counterparts.update({first: head, second: n})
                    self.records.append(Record(
                        "modification", self.part_label, Anchor(head, None, n, None),
                        plain_text(first) + "\n" + plain_text(second), plain_text(n),
                        segments))
                    cursor = n
                elif step == "pair":
                    self._flush_group(group)
                    self.pair_block(old_blocks[i1 + i], new_blocks[j1 + j],
                                    old_keys[i1 + i] == new_keys[j1 + j])
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
        fix_paragraph_marks(new_c, self.rev, self.records)

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
        texts = [block_text(g[2] if kind == "del" else g[1]) for g in group]
        if kind == "ins":
            for el in elements:
                self.notes.inserted_in(el)
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
        self.counterparts.update(zip(old_block.iter(P), clone.iter(P), strict=True))
        return self.bring_old(clone)

    def bring_old(self, el: etree._Element) -> etree._Element:
        """Make a copy of old content fit the output: markers dropped, relationships brought."""
        strip_markers(el)
        self.importer.bring(el, self.old.part, self.new.part)
        self.notes.deleted_in(el)
        return el

    # ---------------------------------------------------------------- blocks

    def pair_block(self, o: etree._Element, n: etree._Element, same_key: bool = True) -> None:
        """Compare two blocks that stand for each other.

        Only blocks of the same key are first compared as whole XML; blocks paired across
        different keys are compared in full at once (a paragraph may weigh megabytes).
        """
        if n.tag == P:
            self.counterparts[o] = n
        if same_key and same_tree(o, n):
            self.notes.pair_within(o, n)
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
        pair_table(self, o, n)

    # ------------------------------------------------------------ paragraphs

    def pair_paragraph(self, o: etree._Element, n: etree._Element) -> None:
        """Compare two paragraphs word by word and rewrite the new one with the changes."""
        long = max(text_length(o), text_length(n)) > LONG_PARAGRAPH
        old = flatten(o, self.old.resolve, chunks=long)
        new = flatten(n, self.new.resolve, chunks=long)
        keep(old, new, old.atoms, new.atoms)  # freed when the program ends, not one by one here
        if long:
            from .stretches import refine  # only long paragraphs need it

            old.atoms, new.atoms, ops = chunked_word_ops(old.atoms, new.atoms, refine)
        else:
            ops = word_ops(old.atoms, new.atoms)
        for op in ops:
            if op[0] == "equal":
                self._pair_boxes(old.atoms[op[1]:op[2]], new.atoms[op[3]:op[4]])
        ppr_changed = ppr_key(o) != ppr_key(n)
        mark_changed = mark_key(o) != mark_key(n)
        text_changed = any(op[0] == "change" for op in ops)
        look_changed = not self._one_look(o, n) and any(
            look_differs(old.atoms[op[1]:op[2]], new.atoms[op[3]:op[4]], self.look)
            for op in ops if op[0] == "equal")
        if not (text_changed or ppr_changed or mark_changed or look_changed):
            self.notes.pair_atoms(old.atoms, new.atoms)
            return
        writer = ParagraphWriter(old, new, self.rev, self.look, self.notes, self.bring_old)
        writer.write(ops)
        keep(writer, ops)  # its element proxies and the operations, as the atoms (see above)
        if ppr_changed:
            add_ppr_change(n, o, self.rev)
        if mark_changed:
            add_mark_rpr_change(n, o, self.rev)
        segments = writer.segments
        kind = "modification" if text_changed else "mise en forme"
        start = writer.first if not (ppr_changed or mark_changed) else None
        end = writer.last if not (ppr_changed or mark_changed) else None
        details: list[Detail] = []
        if ppr_changed:
            before, after = self.styles.name(o, self.old_pkg), self.styles.name(n, self.new_pkg)
            details.append(("style", before, after) if before != after else ("paragraph",))
        if look_changed:
            details += look_details(old.atoms, new.atoms, ops, self.look)
        self.records.append(Record(kind, self.part_label, Anchor(n, start, n, end),
                                   old.text, new.text, segments, details=details))

    def _pair_boxes(self, olds: list, news: list) -> None:
        """Compare the paragraphs of paired textboxes like any container's."""
        for o, n in zip(olds, news, strict=True):
            if o.kind == "text":
                continue
            old_els = [o.element] if o.kind == "run" else o.elements
            new_els = [n.element] if n.kind == "run" else n.elements
            old_boxes = [b for el in old_els if el is not None for b in el.iter(TXBX_CONTENT)]
            new_boxes = [b for el in new_els if el is not None for b in el.iter(TXBX_CONTENT)]
            for old_box, new_box in zip(old_boxes, new_boxes, strict=False):
                if not same_tree(old_box, new_box):
                    self.diff_container(old_box, new_box)


__all__ = ["Redliner"]
