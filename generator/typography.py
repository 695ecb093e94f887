r"""French typography pass: the right space before punctuation, « » quotes, ’ apostrophes.

``fix_text`` works on a string; ``fix_paragraph`` and ``fix_document`` apply it to Word XML,
where one word, quote or space may be split across several runs. The pass changes only spaces
(U+0020, U+00A0, U+202F, U+2009), apostrophes and double quotes, never a letter or a digit, and
it is idempotent: running it twice gives the same text as running it once.

Rules (between two visible characters, the "gap" is the run of spaces separating them, maybe
empty):

* U+202F before ``;``, ``!``, ``?`` and U+00A0 before ``:``, replacing the spaces there. Glued
  punctuation gets one only at the end of a word, that is when the sign is followed by a space,
  the end of the text or a closing sign: "mot;" → "mot\u202f;", but ``http://``, ``10:30``
  and ``page?id=3`` are left alone, and so is the second sign of "?!".
* U+00A0 before ``%`` and ``€`` after a space, or after a digit at the end of a number
  ("100%" → "100\xa0%", but "a%20b" is left alone).
* U+00A0 after ``n°`` / ``N°`` before a letter or digit.
* U+00A0 inside « », inserted when glued.
* A straight apostrophe between two letters becomes U+2019; straight double quotes become « »
  when they pair up (an odd count is left alone: it cannot be paired safely). English quotes
  “ ” are left alone: French uses them for quotes inside quotes.
* Any other run of several spaces collapses to one (its no-break space, if it has one).

Digit grouping is not guessed ("en 2023 300 postes" is not a number): values are formatted by
``generator.french`` before they reach the text. Accented capitals are not added either: an "A"
that should be "À" is a matter for the template's text, not for values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from .errors import TemplateError

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["fix_document", "fix_paragraph", "fix_text"]

SPACE = " "
NBSP = "\xa0"
NNBSP = "\u202f"
THIN = "\u2009"
SPACES = frozenset(SPACE + NBSP + NNBSP + THIN)
"""The spaces the pass may change; tabs and line breaks are left as they are."""

_HIGH = ";!?"
_CLOSING = frozenset("»)]}.,;:!?…\"'’”")
"""Signs that may follow the end of a word."""

_Edit = tuple[int | None, str]
"""One character of the fixed text: its index in the original (None if inserted), its value."""


def fix_text(s: str) -> str:
    r"""Apply French typography to a string.

    >>> fix_text('VU la Loi n° 2014-173 ;')
    'VU la Loi n°\xa02014-173\u202f;'
    >>> fix_text('Article 1 : Objet')
    'Article 1\xa0: Objet'
    >>> fix_text('un financement à 100% des postes')
    'un financement à 100\xa0% des postes'
    >>> fix_text('le "plan de prévention"')
    'le «\xa0plan de prévention\xa0»'
    >>> fix_text("l'État")
    'l’État'
    >>> fix_text('voir http://example.fr à 10:30  précises')
    'voir http://example.fr à 10:30 précises'
    """
    return "".join(char for _, char in _edits(s))


# Only next to these may a missing space be inserted (see _due): the others are skipped fast.
_NEEDS_SPACE_BEFORE = frozenset(_HIGH) | {":", "%", "€", "»"}
_NEEDS_SPACE_AFTER = frozenset("«°")


def _edits(s: str) -> list[_Edit]:
    """Return the fixed text of ``s`` as edits that say where each character comes from."""
    chars = _fix_signs(s)
    n = len(chars)
    edits: list[_Edit] = []
    i = 0
    while i < n:
        if chars[i] in SPACES:
            j = i
            while j < n and chars[j] in SPACES:
                j += 1
            gap = "".join(chars[i:j])
            new = _gap(chars, i, j)
            if new == gap:
                edits.extend((k, chars[k]) for k in range(i, j))
            else:
                # One character is left: keep the original one holding it, if any.
                kept = next((k for k in range(i, j) if chars[k] == new), i)
                edits.append((kept, new))
            i = j
        else:
            if i > 0 and chars[i - 1] not in SPACES and (
                    chars[i] in _NEEDS_SPACE_BEFORE or chars[i - 1] in _NEEDS_SPACE_AFTER):
                inserted = _gap(chars, i, i)
                if inserted:
                    edits.append((None, inserted))
            edits.append((i, chars[i]))
            i += 1
    return edits


def _fix_signs(s: str) -> list[str]:
    """Replace straight apostrophes between letters and straight double quotes that pair up."""
    chars = list(s)
    for i in range(1, len(chars) - 1):
        if chars[i] == "'" and chars[i - 1].isalpha() and chars[i + 1].isalpha():
            chars[i] = "’"
    quotes = [i for i, char in enumerate(chars) if char == '"']
    if len(quotes) % 2 == 0:
        for rank, i in enumerate(quotes):
            chars[i] = "«" if rank % 2 == 0 else "»"
    return chars


def _gap(chars: list[str], i: int, j: int) -> str:
    """Return the spaces due between ``chars[i - 1]`` and ``chars[j]`` (``chars[i:j]`` now)."""
    gap = "".join(chars[i:j])
    if i == 0 or j == len(chars):
        return _collapse(gap)
    before, after = chars[i - 1], chars[j]
    due, insertable = _due(chars, before, after, i, j)
    if gap:
        return due or _collapse(gap)
    return due if insertable and due else ""


def _due(chars: list[str], before: str, after: str, i: int, j: int) -> tuple[str | None, bool]:
    """Return the space due between two visible characters, and whether to insert it if none.

    Whether to insert depends only on visible characters, never on the gaps, so that the
    second pass decides as the first one did.
    """
    if before.isspace() or after.isspace():
        return None, False
    word_end = not (before in _HIGH or before == ":") and _ends_word(chars, j + 1)
    if after in _HIGH:
        return NNBSP, word_end
    if after == ":":
        return NBSP, word_end
    if after in "%€":
        return NBSP, before.isdigit() and _ends_word(chars, j + 1)
    if after == "»" or before == "«":
        return NBSP, True
    if before == "°" and after.isalnum() and _is_numero_sign(chars, i - 1):
        return NBSP, True
    return None, False


def _ends_word(chars: list[str], k: int) -> bool:
    """Tell whether a sign ending just before ``chars[k]`` ends a word."""
    return k >= len(chars) or chars[k].isspace() or chars[k] in SPACES or chars[k] in _CLOSING


def _is_numero_sign(chars: list[str], k: int) -> bool:
    """Tell whether ``chars[k]``, a "°", is the one of "n°" or "N°" (not of "20°")."""
    return k >= 1 and chars[k - 1] in "nN" and (k == 1 or not chars[k - 2].isalnum())


def _collapse(gap: str) -> str:
    """Collapse a run of spaces to one, keeping its no-break space if it has one."""
    if len(gap) <= 1:
        return gap
    return next((char for char in gap if char != SPACE), SPACE)


# --- Word XML ---------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_T = _w("t")
_P = _w("p")
_BREAKS = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n"}
"""Run content that reads as white space: a boundary, like the ends of the paragraph."""
_OBJECT = "\ufffc"
_OBJECTS = {
    _w("drawing"): _OBJECT, _w("pict"): _OBJECT, _w("object"): _OBJECT, _w("sym"): _OBJECT,
    _w("footnoteReference"): _OBJECT, _w("endnoteReference"): _OBJECT,
    f"{{{_MC}}}AlternateContent": _OBJECT, _w("noBreakHyphen"): "-",
}
"""Visible run content that is not text (its own paragraphs, in text boxes, are fixed apart)."""
_SKIPPED = frozenset(_w(tag) for tag in (
    "del", "moveFrom", "delText", "instrText", "rPr", "pPr", "sdtPr", "fldChar", "softHyphen",
))
"""Content that is deleted, hidden or not text: left alone and not read."""


def _pieces(element: etree._Element) -> Iterator[etree._Element | str]:
    """Yield a paragraph's ``w:t`` elements and stand-ins for its other visible content."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _T:
            yield child
        elif tag in _BREAKS:
            yield _BREAKS[tag]
        elif tag in _OBJECTS:
            yield _OBJECTS[tag]
        elif tag != _P:
            yield from _pieces(child)


def fix_paragraph(p: etree._Element) -> None:
    """Apply ``fix_text`` to a ``w:p`` element in place, touching only its ``w:t`` texts.

    The paragraph's text is fixed as a whole, so a word, a quote or a space split across runs
    is handled; every character stays in the run that held it, an inserted space goes into
    the run of the character before it, and the markup is left as it was.
    """
    owners: list[etree._Element | None] = []
    texts: list[str] = []
    elements: list[etree._Element] = []
    for piece in _pieces(p):
        if isinstance(piece, str):
            owners.append(None)
            texts.append(piece)
        else:
            text = piece.text or ""
            owners.extend([piece] * len(text))
            texts.append(text)
            elements.append(piece)
    original = "".join(texts)
    edits = _edits(original)
    if "".join(char for _, char in edits) == original:
        return
    new: dict[etree._Element, list[str]] = {element: [] for element in elements}
    current: etree._Element | None = None
    pending = ""
    for index, char in edits:
        if index is None:
            if current is not None:
                new[current].append(char)
            else:
                pending += char
            continue
        owner = owners[index]
        current = owner
        if owner is not None:
            new[owner].append(pending + char)
            pending = ""
    for element in elements:
        text = "".join(new[element])
        if text != (element.text or ""):
            element.text = text
            if text[:1].isspace() or text[-1:].isspace():
                element.set(_XML_SPACE, "preserve")


def _fix_tree(root: etree._Element) -> None:
    for p in root.iter(_P):
        fix_paragraph(p)


_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)

_NOTES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
)


def fix_document(doc: Document) -> None:
    """Apply ``fix_paragraph`` to every paragraph of a python-docx document, in place.

    Body (tables and text boxes included), headers, footers, footnotes and endnotes.
    """
    from docx.opc.part import XmlPart
    from docx.parts.hdrftr import FooterPart, HeaderPart

    _fix_tree(doc.element)
    for part in doc.part.package.iter_parts():
        if isinstance(part, HeaderPart | FooterPart):
            _fix_tree(part.element)
        elif part.content_type in _NOTES:
            if isinstance(part, XmlPart):
                _fix_tree(part.element)
            else:
                # python-docx loads notes as a plain part: fix its XML and store it back.
                try:
                    root = etree.fromstring(part.blob, _STRICT)
                except etree.XMLSyntaxError as exc:
                    raise TemplateError(f"notes illisibles ({part.partname}) : XML mal formé "
                                        f"(ligne {exc.lineno})") from None
                _fix_tree(root)
                part._blob = etree.tostring(  # no public setter for a plain part's blob
                    root, xml_declaration=True, encoding="UTF-8", standalone=True,
                )
