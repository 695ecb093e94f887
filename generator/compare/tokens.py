"""Text as tokens: words, numbers, spaces and signs; and chunks of a few words for long text.

Pure functions on strings, no XML: what `generator.compare.atoms` cuts a paragraph's text with.
"""

from __future__ import annotations

import itertools
import re
import zlib

#: Words, numbers written with group separators (``468 000``), runs of spaces, single signs.
_TOKEN = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?!\d)"
    r"|\d+(?:,\d+)?"
    r"|\w+"
    r"|\s+"
    r"|.", re.UNICODE | re.DOTALL)
#: `_TOKEN` for text without a digit.
_WORDING = re.compile(r"\w+|\s+|.", re.UNICODE | re.DOTALL)
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W_]").search


def normalize_space(text: str) -> str:
    r"""Every kind of space, and runs of them, as one ordinary space.

    >>> normalize_space("468\u202f000\xa0€  HT"), normalize_space("\t a\n"), normalize_space("  ")
    ('468 000 € HT', ' a ', ' ')
    """
    if text.isprintable() and "  " not in text:
        return text  # only single ordinary spaces (no-break spaces are not printable)
    # Split and joined at C speed (a paragraph may hold megabytes); the same spaces as ``\s``.
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


_SPACE_KINDS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def token_key(token: str) -> str:
    r"""The comparison key of a token: every space alike, every run of spaces one space.

    >>> token_key("\u202f"), token_key("468\u202f000"), token_key("État")
    (' ', '468 000', 'État')
    """
    first = token[0]
    if first.isspace():
        return " "
    if first.isdigit():
        return token.translate(_SPACE_KINDS)
    return token


def tokenize(text: str) -> list[str]:
    r"""Split text into words, numbers, spaces and signs; joined back, they give the text.

    >>> tokenize("montant : 468\u202f000\xa0€, soit l’État.")  # doctest: +NORMALIZE_WHITESPACE
    ['montant', ' ', ':', ' ', '468\u202f000', '\xa0', '€', ',', ' ', 'soit', ' ', 'l', '’',
     'État', '.']
    """
    if "  " not in text and text.replace(" ", "").isalpha():
        # Words of letters between single ordinary spaces (most prose chunks): split at C
        # speed, a space between each two words (letters are word characters, not digits).
        words = text.split(" ")
        tokens = [" "] * (2 * len(words) - 1)
        tokens[::2] = words
        if not tokens[-1]:
            tokens.pop()  # the text ends with a space (or is empty)
        if tokens and not tokens[0]:
            del tokens[0]  # the text starts with a space
        return tokens
    if _DIGIT.search(text):
        return _TOKEN.findall(text)
    return _WORDING.findall(text)  # no number to group: the same tokens, found sooner


def first_words(text: str, count: int) -> list[str]:
    """The first ``count`` words or numbers of ``text`` (tokens holding a letter or a digit).

    Read no further than needed: an equal stretch of a long paragraph may hold a page.

    >>> first_words("a, 468 000 € et b", 2), first_words(" . ", 2)
    (['a', '468 000'], [])
    """
    found: list[str] = []
    if not count:
        return found
    words = text.split(None, count)[:count]
    if all(map(str.isalpha, words)):
        # Words of letters between spaces (most prose): each is a token, and a token before
        # it would be a space (a sign stands next to a word, or alone between spaces).
        return words
    for match in (_TOKEN if _DIGIT.search(text) else _WORDING).finditer(text):
        token = match.group()
        if _ALNUM(token):
            found.append(token)
            if len(found) == count:
                break
    return found


#: Paragraphs longer than this (characters, either side) are first compared by chunks of words.
LONG_PARAGRAPH = 10_000
_CHUNK = re.compile(r"\S+\s*|\s+")
SENTENCE_SIGNS = frozenset(".;!?:")
_SIGNS = tuple(sorted(SENTENCE_SIGNS))


def has_sentence_sign(text: str) -> bool:
    """Whether a text holds a sentence sign (each is a token of its own).

    One fast search per sign, sooner than a pattern reading each character.

    >>> has_sentence_sign("a.b"), has_sentence_sign("a, b")
    (True, False)
    """
    return any(map(text.__contains__, _SIGNS))


def ends_sentence(text: str) -> bool:
    """Whether a text's last sign before its spaces ends a sentence.

    >>> ends_sentence("fin. "), ends_sentence("a: "), ends_sentence("x.y")
    (True, True, False)
    """
    return text.rstrip()[-1:] in SENTENCE_SIGNS


def _ends_chunk(word: str) -> bool:
    """Whether a word (with its spaces) ends a chunk.

    After a sentence sign, or when the checksum of the word says so (about one word in eight).
    """
    word = word.rstrip()
    return word[-1:] in SENTENCE_SIGNS or zlib.crc32(word.encode()) & 7 == 0


class _Marks(dict):
    """Each word of a text with its space, and a NUL after it when it ends a chunk.

    See `chunk`; worked out once per distinct word.
    """

    def __missing__(self, word: str) -> str:
        marked = self[word] = word + " \0" if _ends_chunk(word) else word + " "
        return marked


def chunk(text: str) -> list[str]:
    """Cut text into chunks of a few words, at places its own words choose.

    A chunk ends after a sentence sign or after a word whose checksum says so (about one word
    in eight): the same words cut the same way wherever they stand, so an edit disturbs only
    the chunks around it, and the same text always gives the same chunks.

    >>> "".join(chunk("Un deux trois. Quatre cinq")) == "Un deux trois. Quatre cinq"
    True
    """
    return keyed_chunks(text)[0]


def keyed_chunks(text: str) -> tuple[list[str], list[str]]:
    r"""The chunks of ``text`` (`chunk`) and their keys (`normalize_space`).

    A text with only single ordinary spaces between words (most prose) is its own key: the
    same list comes twice, the text read once.

    >>> keyed_chunks("Un\xa0deux"), keyed_chunks("Un deux")
    ((['Un\xa0deux'], ['Un deux']), (['Un deux'], ['Un deux']))
    """
    if text[:1] != " " and "  " not in text and text.isprintable():
        # No NUL either: each word is given back its space, then a NUL when it ends a chunk,
        # and the text is cut at the NULs, all at C speed; one space too many comes at the end
        # (the text's end is a cut).
        marked = "".join(map(_Marks().__getitem__, text.split(" ")))
        marked = marked[:-2] if marked.endswith("\0") else marked[:-1]
        texts = list(filter(None, marked.split("\0")))
        return texts, texts
    words = _CHUNK.findall(text)
    # Prose repeats its words: each word's verdict is worked out once, then read at C speed.
    ends = {word: _ends_chunk(word) for word in set(words)}
    lengths = map(len, words)
    # The words cover the text: chunks are slices of it, cut where a word ends one.
    cuts = list(itertools.compress(itertools.accumulate(lengths), map(ends.__getitem__, words)))
    if not cuts or cuts[-1] != len(text):
        cuts.append(len(text))
    texts = [text[start:stop] for start, stop in zip([0, *cuts], cuts, strict=False)
             if stop > start]
    return texts, list(map(normalize_space, texts))
