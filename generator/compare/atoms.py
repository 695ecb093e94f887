"""A paragraph as a sequence of comparable atoms: words, spaces, tabs, fields, drawings, links.

Text is tokenized over the whole paragraph, not run by run, so that a word split across runs
(``mon`` + ``tant``) is still one word. Each token keeps its pieces (run, text) to be written back
with each run's formatting. What the comparer does not understand (a drawing, a complex field
from ``begin`` to ``end``, a hyperlink, a content control) is one opaque atom: compared whole,
copied whole, never dropped.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Sequence

from lxml import etree

from ..slots import Slotted
from .ooxml import (
    DEL_TEXT,
    INSTR_TEXT,
    MARKERS,
    PPR,
    R_NS,
    RPR,
    RUN_MARKERS,
    TXBX_CONTENT,
    R,
    T,
    local,
    w,
)
from .tokens import (
    SENTENCE_SIGNS,
    chunk,
    ends_sentence,
    keyed_chunks,
    normalize_space,
    token_key,
    tokenize,
)

_LAST = operator.itemgetter(slice(-1, None))

_SIMPLE_RUN_CHILDREN = {
    w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011",
    w("softHyphen"): "\xad", w("ptab"): "\t",
}
_NOTE_REFS = {w("footnoteReference"): "footnotes", w("endnoteReference"): "endnotes"}
_FLD_CHAR = w("fldChar")
_FLD_TYPE = w("fldCharType")


class Piece(Slotted):
    """A slice of the text of one run."""

    __slots__ = ("run", "text")

    def __init__(self, run: etree._Element, text: str) -> None:
        self.run, self.text = run, text


_NONE: tuple = ()
_new = object.__new__


class Atom:
    """One comparable unit of a paragraph.

    kind: ``text`` (a token of text, in ``pieces``), ``run`` (one special run child such as a
    tab or a note reference, in ``element``, from run ``run``), or ``group`` (whole elements
    kept together, in ``elements``: a field, a hyperlink…). ``text`` is what it shows (a field
    shows its result).
    """

    __slots__ = ("key", "kind", "pieces", "run", "element", "elements", "markers", "text",
                 "ends_sentence", "chunk")

    def __init__(self, key: str, kind: str, pieces: list[Piece] | None = None,
                 run: etree._Element | None = None, element: etree._Element | None = None,
                 elements: list[etree._Element] | None = None,
                 markers: Sequence[etree._Element] | None = None,
                 text: str | None = None) -> None:
        self.key = key
        self.kind = kind
        # Empty sequences are shared: a long paragraph has hundreds of thousands of atoms.
        self.pieces = pieces or _NONE
        self.run = run
        self.element = element
        self.elements = elements or _NONE
        self.markers = markers or _NONE
        if text is None:
            if kind == "text":
                text = "".join(p.text for p in self.pieces)
            elif kind == "run":
                text = _SIMPLE_RUN_CHILDREN.get(element.tag, "") if element is not None else ""
            else:
                text = "".join(_visible_text(e) for e in self.elements)
        self.text = text
        self.ends_sentence = kind == "text" and key in SENTENCE_SIGNS
        self.chunk = False

    @classmethod
    def plain(cls, key: str, run: etree._Element | None, text: str, chunk: bool = False,
              ends_sentence: bool | None = None) -> Atom:
        """A text atom of one piece, made without `__init__`'s defaults.

        A long paragraph makes hundreds of thousands. ``ends_sentence`` is by default what
        `__init__` says.
        """
        atom = _new(cls)
        atom.key = key
        atom.kind = "text"
        atom.pieces = (Piece(run, text),)
        atom.run = atom.element = None
        atom.elements = atom.markers = _NONE
        atom.text = text
        atom.ends_sentence = key in SENTENCE_SIGNS if ends_sentence is None else ends_sentence
        atom.chunk = chunk
        return atom

    def __repr__(self) -> str:
        return f"Atom({self.kind}, {self.text!r})"


class Paragraph(Slotted):
    """A flattened paragraph: its atoms and the markers after the last atom.

    ``text``: the paragraph's visible text, what its atoms show however finely they are cut.
    """

    __slots__ = ("element", "atoms", "trailing", "text")

    def __init__(self, element: etree._Element, atoms: list[Atom],
                 trailing: list[etree._Element], text: str) -> None:
        self.element, self.atoms, self.trailing, self.text = element, atoms, trailing, text


def _visible_text(el: etree._Element) -> str:
    parts = []
    for d in el.iter(T, DEL_TEXT, w("tab")):
        if any(a.tag in (w("txbxContent"),) for a in d.iterancestors()):
            continue
        parts.append("\t" if d.tag == w("tab") else (d.text or ""))
    return "".join(parts)


def digest(el: etree._Element, resolve: Callable[[str], str] | None) -> str:
    """A key for opaque content: its XML, with relationship ids replaced by their targets."""
    clone = etree.fromstring(etree.tostring(el))
    # A textbox's paragraphs are compared one by one, not as part of the box's key.
    for box in list(clone.iter(TXBX_CONTENT)):
        for child in list(box):
            box.remove(child)
    for d in clone.iter():
        if not isinstance(d.tag, str):
            continue
        for name in list(d.attrib):
            if name.startswith(f"{{{R_NS}}}"):
                d.set(name, resolve(d.get(name)) if resolve else "")
            elif name in ("id", "name", w("id")) or name.rpartition("}")[2].startswith("rsid"):
                del d.attrib[name]
    return hashlib.sha1(etree.tostring(clone, method="c14n")).hexdigest()[:16]


def text_atoms(pieces: Sequence[Piece], tokens: list[str], keyed: Callable[[str], str],
           markers: Sequence[etree._Element]) -> list[Atom]:
    """Text atoms for ``tokens``, which joined give the text of ``pieces`` (one run or more)."""
    if len(pieces) == 1:
        # Most text: thousands of atoms, made with the fewest steps.
        run = pieces[0].run
        plain = Atom.plain
        atoms = [plain(keyed(token), run, token) for token in tokens]
        if atoms and markers:
            atoms[0].markers = markers
        return atoms
    atoms = []
    segments = iter(pieces)
    current = next(segments)
    offset = 0  # consumed characters of `current`
    for token in tokens:
        found: list[Piece] = []
        need = len(token)
        while need:
            available = len(current.text) - offset
            if available == 0:
                current = next(segments)
                offset = 0
                continue
            take = min(need, available)
            found.append(Piece(current.run, current.text[offset:offset + take]))
            offset += take
            need -= take
        atoms.append(Atom(keyed(token), "text", pieces=found, markers=markers or None,
                          text=token))
        markers = []
    return atoms


def _place_inner_markers(atoms: list[Atom], inner: list[tuple[int, etree._Element]],
                         after: list[etree._Element]) -> None:
    """Give each marker met inside the text to the atom it falls in (written before it).

    A marker after the last atom goes to ``after`` (with whatever follows the text).
    """
    k = position = 0
    for offset, marker in inner:
        while k < len(atoms) and position + len(atoms[k].text) <= offset:
            position += len(atoms[k].text)
            k += 1
        if k == len(atoms):
            after.append(marker)
        else:
            atoms[k].markers = [*atoms[k].markers, marker]


def flatten(p: etree._Element, resolve: Callable[[str], str] | None = None,
            chunks: bool = False) -> Paragraph:
    """The atoms of a paragraph (its properties aside).

    With ``chunks``, text atoms are chunks of a few words (see `chunk`), to be compared first
    and refined into words (`generator.compare.stretches.refine`) only where they differ: what
    makes a paragraph of megabytes cheap.
    """
    atoms: list[Atom] = []
    markers: list[etree._Element] = []
    # Text gathered across runs until a non-text atom: (run, text) segments.
    buffer: list[Piece] = []
    # Markers met inside that text (a bookmark between the runs of one word), by offset: they
    # do not cut the text, so an identical word stays one word.
    inner: list[tuple[int, etree._Element]] = []
    # The text of each stretch of text and of each other atom, in order.
    shown: list[str] = []

    def flush_text() -> None:
        if not buffer:
            return
        text = buffer[0].text if len(buffer) == 1 else "".join(piece.text for piece in buffer)
        shown.append(text)
        if chunks and len(buffer) == 1:
            # One run (most long paragraphs): chunks made in one go; a text of single
            # ordinary spaces is its own key.
            texts, keys = keyed_chunks(text)
            run, plain = buffer[0].run, Atom.plain
            # A chunk ends a sentence when its last sign before spaces does (`ends_sentence`,
            # at C speed).
            ends = map(SENTENCE_SIGNS.__contains__, map(_LAST, map(str.rstrip, texts)))
            found = [plain(key, run, piece, True, end)
                     for key, piece, end in zip(keys, texts, ends, strict=True)]
            if found and markers:
                found[0].markers = list(markers)
        elif chunks:
            found = text_atoms(buffer, chunk(text), normalize_space, list(markers))
            for atom in found:
                atom.chunk = True
                atom.ends_sentence = ends_sentence(atom.text)
        else:
            found = text_atoms(buffer, tokenize(text), token_key, list(markers))
        atoms.extend(found)
        markers.clear()
        _place_inner_markers(found, inner, markers)
        inner.clear()
        buffer.clear()

    def add(atom: Atom) -> None:
        flush_text()
        shown.append(atom.text)
        atom.markers = list(markers)
        markers.clear()
        atoms.append(atom)

    field_runs: list[etree._Element] = []
    depth = 0
    for child in p:
        tag = child.tag
        if not isinstance(tag, str) or tag == PPR:
            continue
        if depth:
            field_runs.append(child)
            if tag == R:
                depth += _field_depth_change(child)
                if depth == 0:
                    add(_field_atom(field_runs, resolve))
                    field_runs = []
            continue
        if tag in MARKERS:
            if buffer:
                inner.append((sum(len(piece.text) for piece in buffer), child))
            else:
                markers.append(child)
            continue
        if tag != R:
            add(Atom(f"{local(child)}:{digest(child, resolve)}", "group", elements=[child]))
            continue
        if _starts_field(child):
            flush_text()
            depth = _field_depth_change(child)
            field_runs = [child]
            if depth == 0:
                add(_field_atom(field_runs, resolve))
                field_runs = []
            continue
        for rc in child:
            rtag = rc.tag
            if not isinstance(rtag, str) or rtag == RPR:
                continue
            if rtag == T:
                if rc.text:
                    buffer.append(Piece(child, rc.text))
            elif rtag in RUN_MARKERS:
                continue
            elif rtag in _SIMPLE_RUN_CHILDREN:
                key = _SIMPLE_RUN_CHILDREN[rtag]
                if rtag == w("br") and rc.get(w("type")):
                    key = f"br:{rc.get(w('type'))}"
                add(Atom(key, "run", run=child, element=rc))
            elif rtag in _NOTE_REFS:
                add(Atom(f"note:{_NOTE_REFS[rtag]}", "run", run=child, element=rc))
            else:
                add(Atom(f"{local(rc)}:{digest(rc, resolve)}", "run", run=child, element=rc))
    if field_runs:
        add(_field_atom(field_runs, resolve))
    flush_text()
    return Paragraph(p, atoms, markers, "".join(shown))


def _starts_field(run: etree._Element) -> bool:
    fc = run.find(_FLD_CHAR)
    return fc is not None and fc.get(_FLD_TYPE) == "begin"


def _field_depth_change(run: etree._Element) -> int:
    change = 0
    for fc in run.iter(_FLD_CHAR):
        kind = fc.get(_FLD_TYPE)
        if kind == "begin":
            change += 1
        elif kind == "end":
            change -= 1
    return change


def _field_atom(elements: list[etree._Element],
                resolve: Callable[[str], str] | None) -> Atom:
    instr = "".join(e.text or "" for el in elements for e in el.iter(INSTR_TEXT))
    result = "".join(_visible_text(el) for el in elements)
    look = "".join(digest(el.find(RPR), resolve) for el in elements if el.find(RPR) is not None)
    key = "field:" + normalize_space(instr).strip() + "|" + result + "|" + \
        hashlib.sha1(look.encode()).hexdigest()[:8]
    return Atom(key, "group", elements=list(elements))


def plain_text(p: etree._Element) -> str:
    """The text of a paragraph as a reader sees it, deleted text included (tabs, breaks)."""
    parts = []
    for d in p.iter(T, w("delText"), w("tab"), w("br")):
        if d.tag in (T, w("delText")):
            parts.append(d.text or "")
        elif d.tag == w("tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)
