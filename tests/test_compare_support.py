"""Builders of Word documents for the comparer's tests (python-docx, in tmp_path), and their tests.

A document is described by a list of blocks: a string is a plain paragraph; `Para` a paragraph
with styled runs; `Table`, `Image`, `Field`, `Link` what their names say. ``{note:N}`` in a text
places a reference to footnote N (given in ``notes``).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Para:
    """A paragraph: runs as (text, flags) with flags among b, i, u; an optional style."""

    runs: list[tuple[str, str]]
    style: str | None = None


@dataclass
class Table:
    """A table of plain cells."""

    rows: list[list[str]]


@dataclass
class Image:
    """A paragraph holding a small picture of one colour, with a caption before it."""

    caption: str
    color: tuple[int, int, int] = (200, 30, 30)


@dataclass
class Field:
    """A paragraph with text then a complex field (``PAGE``…) showing ``result``."""

    text: str
    instr: str
    result: str


@dataclass
class Link:
    """A paragraph with text then a hyperlink."""

    text: str
    url: str
    label: str


@dataclass
class Raw:
    """A block given as WordprocessingML (the ``w`` prefix is declared for it)."""

    xml: str


@dataclass
class Commented:
    """A paragraph carrying a Word comment (python-docx writes it)."""

    text: str
    comment: str


@dataclass
class Doc:
    """A whole document: blocks, header and footer paragraphs, footnotes by number."""

    blocks: list
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    endnotes: dict[int, str] = field(default_factory=dict)


def H(level: int, text: str) -> Para:
    """A heading paragraph."""
    return Para([(text, "")], f"Heading {level}")


def png(color: tuple[int, int, int], size: int = 8) -> bytes:
    """A tiny PNG of one colour, written by hand."""
    raw = b"".join(b"\x00" + bytes(color) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0,
                                                               0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


_NOTE = re.compile(r"\{((?:end)?note:\d+)\}")


def _add_text(paragraph, text: str, flags: str = "") -> None:
    pieces = _NOTE.split(text)
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if piece:
                run = paragraph.add_run(piece)
                run.bold = "b" in flags or None
                run.italic = "i" in flags or None
                run.underline = "u" in flags or None
        else:
            run = paragraph.add_run()
            rpr = run._r.get_or_add_rPr()
            style = OxmlElement("w:vertAlign")
            style.set(qn("w:val"), "superscript")
            rpr.append(style)
            kind, number = piece.split(":")
            ref = OxmlElement("w:endnoteReference" if kind == "endnote" else
                              "w:footnoteReference")
            ref.set(qn("w:id"), number)
            run._r.append(ref)


def _field(paragraph, instr: str, result: str) -> None:
    for kind, text in (("begin", None), ("instr", instr), ("separate", None),
                       ("result", result), ("end", None)):
        run = paragraph.add_run()
        if kind in ("begin", "separate", "end"):
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        elif kind == "instr":
            it = OxmlElement("w:instrText")
            it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            it.text = f" {text} "
            run._r.append(it)
        else:
            run.text = text


def _link(paragraph, url: str, label: str) -> None:
    rid = paragraph.part.relate_to(url, docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                                   is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = label
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def build(spec: Doc, path: Path) -> Path:
    """Write the document ``spec`` describes at ``path``."""
    document = docx.Document()
    for block in spec.blocks:
        if isinstance(block, str):
            _add_text(document.add_paragraph(), block)
        elif isinstance(block, Para):
            p = document.add_paragraph(style=block.style)
            for text, flags in block.runs:
                _add_text(p, text, flags)
        elif isinstance(block, Table):
            table = document.add_table(rows=0, cols=len(block.rows[0]))
            for values in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, values, strict=True):
                    cell.text = value
        elif isinstance(block, Image):
            p = document.add_paragraph(block.caption + " ")
            image = path.with_suffix(f".{'-'.join(map(str, block.color))}.png")
            image.write_bytes(png(block.color))
            p.add_run().add_picture(str(image))
            image.unlink()
        elif isinstance(block, Field):
            p = document.add_paragraph(block.text)
            _field(p, block.instr, block.result)
        elif isinstance(block, Link):
            p = document.add_paragraph(block.text)
            _link(p, block.url, block.label)
        elif isinstance(block, Raw):
            element = etree.fromstring(f'<root xmlns:w="{W_NS}">{block.xml}</root>')[0]
            body = document.element.body
            body.insert(len(body) - 1, element)
        elif isinstance(block, Commented):
            p = document.add_paragraph(block.text)
            document.add_comment(p.runs, text=block.comment, author="Relecteur", initials="R")
        else:
            raise TypeError(block)
    section = document.sections[0]
    if spec.header:
        section.header.paragraphs[0].text = spec.header[0]
        for text in spec.header[1:]:
            section.header.add_paragraph(text)
    if spec.footer:
        section.footer.paragraphs[0].text = spec.footer[0]
        for text in spec.footer[1:]:
            section.footer.add_paragraph(text)
    document.save(path)
    if spec.notes:
        _add_notes(path, spec.notes, "footnote")
    if spec.endnotes:
        _add_notes(path, spec.endnotes, "endnote")
    return path


def _add_notes(path: Path, notes: dict[int, str], note: str) -> None:
    """Add a footnotes or endnotes part (python-docx has no API for them)."""
    w = f"{{{W_NS}}}"
    root = etree.Element(w + note + "s", nsmap={"w": W_NS})
    for nid, kind in ((-1, "separator"), (0, "continuationSeparator")):
        element = etree.SubElement(root, w + note, {w + "type": kind, w + "id": str(nid)})
        run = etree.SubElement(etree.SubElement(element, w + "p"), w + "r")
        etree.SubElement(run, w + kind)
    for nid, text in notes.items():
        element = etree.SubElement(root, w + note, {w + "id": str(nid)})
        p = etree.SubElement(element, w + "p")
        ref_run = etree.SubElement(p, w + "r")
        rpr = etree.SubElement(ref_run, w + "rPr")
        etree.SubElement(rpr, w + "vertAlign", {w + "val": "superscript"})
        etree.SubElement(ref_run, w + note + "Ref")
        run = etree.SubElement(p, w + "r")
        t = etree.SubElement(run, w + "t", {"{http://www.w3.org/XML/1998/namespace}space":
                                            "preserve"})
        t.text = " " + text
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[f"word/{note}s.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id=f"rId{note}s",
                     Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                          f"{note}s", Target=f"{note}s.xml")
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True,
                                                           encoding="UTF-8", standalone=True)
    types = etree.fromstring(parts["[Content_Types].xml"])
    etree.SubElement(types, f"{{{types.nsmap[None]}}}Override", PartName=f"/word/{note}s.xml",
                     ContentType="application/vnd.openxmlformats-officedocument."
                                 f"wordprocessingml.{note}s+xml")
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                  standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def split_runs(path: Path, size: int = 3) -> Path:
    """Rewrite every run of the body into runs of ``size`` characters (as Word's edits leave)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    w = f"{{{W_NS}}}"
    for run in list(root.iter(w + "r")):
        t = run.find(w + "t")
        if t is None or len(run) > 2 or not t.text or len(t.text) <= size:
            continue
        text = t.text
        parent = run.getparent()
        index = parent.index(run)
        parent.remove(run)
        for k, start in enumerate(range(0, len(text), size)):
            piece = etree.Element(w + "r", {w + "rsidR": f"00{k:06d}"})
            rpr = run.find(w + "rPr")
            if rpr is not None:
                piece.append(etree.fromstring(etree.tostring(rpr)))
            pt = etree.SubElement(piece, w + "t",
                                  {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            pt.text = text[start:start + size]
            parent.insert(index + k, piece)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def xml_of(path: Path, part: str = "word/document.xml") -> etree._Element:
    """The parsed XML of one part of a DOCX."""
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(part))


def test_the_builder_writes_what_it_is_told(tmp_path):
    spec = Doc([H(1, "Article 1 : Objet"), "Texte{note:1}.", Table([["a", "1"]]),
                Field("Page ", "PAGE", "3"), Link("Voir ", "https://example.org", "le site"),
                Image("Logo")],
               header=["En-tête"], footer=["Pied"], notes={1: "Une note."})
    path = build(spec, tmp_path / "doc.docx")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Article 1 : Objet"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.tables[0].rows[0].cells[1].text == "1"
    assert document.sections[0].header.paragraphs[0].text == "En-tête"
    notes = xml_of(path, "word/footnotes.xml")
    assert "Une note." in "".join(notes.itertext())
    assert xml_of(path).find(f".//{{{W_NS}}}footnoteReference") is not None


def test_split_runs_keeps_the_text(tmp_path):
    path = build(Doc(["Le montant de l’État est fixé."]), tmp_path / "a.docx")
    split_runs(path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "Le montant de l’État est fixé."
    assert len(document.paragraphs[0].runs) > 5


_SYLLABLES = ["ma", "ti", "ère", "con", "ven", "tion", "pré", "fet", "dé", "par", "te", "ment",
              "as", "so", "ci", "a", "bat", "ail", "lon", "é", "du", "ca", "teur", "mé", "di"]


def edited_words(rng: Any, words: list[str], rate: float, draw: Callable[[], str]) -> list[str]:
    """``words`` with about ``rate`` of them edited: a third replaced by ``draw()``, a third
    followed by an inserted ``draw()``, a third deleted."""
    edited = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            edited.append(draw())
        elif roll < 2 * rate / 3:
            edited += [word, draw()]
        elif roll >= rate:
            edited.append(word)
    return edited


def long_paragraph_texts(size: int, changed: float = 0.02, seed: int = 1) -> tuple[str, str]:
    """Two versions of one paragraph of about ``size`` characters, ``changed`` of words edited.

    Words are drawn from a vocabulary of a few thousand with a skewed (Zipf-like) frequency, as
    in prose: most words repeat many times, a few are rare. The new text replaces, inserts or
    deletes a word at random places.
    """
    import random

    rng = random.Random(seed)
    vocabulary = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
                         for _ in range(6000)})
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    words: list[str] = []
    length = 0
    while length < size:
        chunk = rng.choices(vocabulary, weights, k=1000)
        words.extend(chunk)
        length += sum(map(len, chunk)) + len(chunk)
    new_words = edited_words(rng, words, changed, lambda: rng.choice(vocabulary))
    return " ".join(words) + ".", " ".join(new_words) + "."


def long_paragraph_pair(folder: Path, size: int, changed: float = 0.02) -> tuple[Path, Path]:
    """Two one-paragraph documents (see `long_paragraph_texts`) written in ``folder``."""
    old_text, new_text = long_paragraph_texts(size, changed)
    old = build(Doc([old_text]), folder / f"long-{size}-ancien.docx")
    new = build(Doc([new_text]), folder / f"long-{size}-nouveau.docx")
    return old, new
