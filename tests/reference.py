"""Reading the reference text and a rendered DOCX the same way, to compare their words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn

REFERENCE = Path(__file__).resolve().parent / "data" / "reference" / "avenant-1-2023-reference.txt"
SPACES = re.compile(r"[ \u00a0\u202f\u2009\t]+")
BLANK = re.compile(r"^(_+|\.{3,}|…+)$")


def words(text: str) -> list[str]:
    """Words, where every kind of space separates them."""
    return [w for w in SPACES.split(text) if w]


@dataclass
class Reference:
    """The reference file, parsed."""

    lines: list[tuple[str, str]]  # (kind, text): title, heading, item, body
    signatures: list[tuple[str, str]]

    def body_words(self) -> list[str]:
        return [w for _, text in self.lines for w in words(text)]


def read_reference(path: Path = REFERENCE) -> Reference:
    lines, signatures, in_signatures = [], [], False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.strip() == "[signatures]":
            in_signatures = True
            continue
        if in_signatures:
            title, name = (part.strip() for part in raw.split("|"))
            signatures.append((title, name))
        elif raw.startswith("== "):
            lines.append(("heading", raw[3:]))
        elif raw.startswith("= "):
            lines.append(("title", raw[2:]))
        elif raw.startswith("- "):
            lines.append(("item", raw[2:]))
        else:
            lines.append(("body", raw))
    return Reference(lines, signatures)


def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def body_paragraphs(path: Path):
    """(style name, text) of every body paragraph outside tables, in order."""
    document = docx.Document(str(path))
    out = []
    for p in document.paragraphs:
        text = paragraph_text(p._p)
        if text.strip():
            out.append((p.style.name if p.style is not None else "", text))
    return document, out


def rendered_words(path: Path) -> list[str]:
    """The rendered body's words, blanks left for the signing date dropped."""
    _, paragraphs = body_paragraphs(path)
    return [w for _, text in paragraphs for w in words(text) if not BLANK.match(w)]
