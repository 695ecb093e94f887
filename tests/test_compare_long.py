"""Long paragraphs: compared in bounded time and memory, with as few words marked as edited.

A paragraph of megabytes (a pasted annex, a table flattened to text) must not make ``diff``
quadratic: it is compared by chunks of words first, word by word only where chunks differ.
"""

from __future__ import annotations

import random
import re
import resource
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from generator.compare import align, blocks, compare
from generator.compare.align import common_pairs
from generator.compare.atoms import Atom, Piece
from generator.compare.stretches import refine, word_matches
from generator.compare.tokens import chunk, ends_sentence, first_words, token_key, tokenize
from generator.compare.views import document_views
from generator.compare.words import chunked_word_ops, word_ops
from tests.test_compare_support import (
    Doc,
    Para,
    build,
    edited_words,
    long_paragraph_pair,
    long_paragraph_texts,
)

ROOT = Path(__file__).resolve().parents[1]
_LIMIT_BYTES = 1024 * 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_LIMIT_BYTES, _LIMIT_BYTES))


def test_a_one_megabyte_paragraph_is_compared_within_a_minute_and_a_gigabyte(tmp_path):
    old, new = long_paragraph_pair(tmp_path, 1_000_000)
    out = tmp_path / "comparaison.docx"
    done = subprocess.run(
        [sys.executable, "-m", "generator.compare", str(old), str(new), str(out), "--quiet",
         "--date", "2024-03-01T09:00:00Z"],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60,
        preexec_fn=_limit_memory, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)


def _words(text: str) -> list[Atom]:
    return [Atom(token_key(t), "text", [Piece(None, t)], text=t) for t in tokenize(text)]


def _changed_words(old: list, new: list, ops: list) -> int:
    """Atoms holding a letter or a digit, in the changes."""
    def words(atoms: list) -> int:
        return sum(any(map(str.isalnum, a.text)) for a in atoms)

    return sum(words(old[i1:i2]) + words(new[j1:j2])
               for tag, i1, i2, j1, j2 in ops if tag == "change")


def test_chunks_mark_no_more_words_than_a_word_by_word_comparison():
    old_text, new_text = long_paragraph_texts(30_000, changed=0.02)
    old, new = _words(old_text), _words(new_text)
    minimal = _changed_words(old, new, word_ops(old, new))
    assert minimal > 0
    old_chunks = [_chunk_atom(c) for c in chunk(old_text)]
    new_chunks = [_chunk_atom(c) for c in chunk(new_text)]
    fine_old, fine_new, ops = chunked_word_ops(old_chunks, new_chunks, refine)
    assert "".join(a.text for a in fine_old) == old_text
    assert "".join(a.text for a in fine_new) == new_text
    assert _changed_words(fine_old, fine_new, ops) <= minimal * 1.1


def _chunk_atom(text: str) -> Atom:
    atom = Atom(" ".join(text.split()), "text", [Piece(None, text)], text=text)
    atom.chunk = True
    atom.ends_sentence = ends_sentence(text)
    return atom


def _chunks(text: str) -> list[Atom]:
    return [_chunk_atom(c) for c in chunk(text)]


def _every_word(olds: list[Atom], news: list[Atom]) -> tuple[list[Atom], list[Atom], list]:
    """The plain refinement: every chunk cut into all its words."""
    return refine(olds, news, joined=False)


def _readable(fine_old: list, fine_new: list, ops: list) -> list[tuple[str, str, str]]:
    """Operations as (tag, old text, new text), merged: what a redline shows."""
    result: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in ops:
        old = "".join(a.text for a in fine_old[i1:i2])
        new = "".join(a.text for a in fine_new[j1:j2])
        if result and result[-1][0] == tag:
            result[-1] = (tag, result[-1][1] + old, result[-1][2] + new)
        elif old or new:
            result.append((tag, old, new))
    return result


def test_joining_the_equal_words_far_from_a_change_shows_the_same_edits():
    # Short words, sentence signs, no-break spaces and double spaces: what the tidying reads
    # (thin equal stretches, sentence ends) must not depend on how far equal words are cut.
    rng = random.Random(3)
    vocabulary = ["a", "de", "la", "État", "l’", "d’", "468\u202f000", "www.x.fr", "1,5",
                  *(f"mot{k}" for k in range(30))]
    signs = [".", ",", ";", ":", "!", " –", "", "", "", ""]
    spaces = [" "] * 10 + ["\xa0", "  ", "\n"]
    for _ in range(150):
        words = [rng.choice(vocabulary) + rng.choice(signs) for _ in range(rng.randint(20, 300))]
        rate = rng.choice([0.03, 0.1, 0.3, 0.6])
        edited = edited_words(rng, words, rate,
                              lambda: rng.choice(vocabulary) + rng.choice(signs))
        old_text = "".join(w + rng.choice(spaces) for w in words)
        new_text = "".join(w + rng.choice(spaces) for w in edited)
        joined = chunked_word_ops(_chunks(old_text), _chunks(new_text), refine)
        every = chunked_word_ops(_chunks(old_text), _chunks(new_text), _every_word)
        assert _readable(*joined) == _readable(*every), (old_text, new_text)


def test_a_long_paragraph_is_cut_into_words_only_near_its_edits(monkeypatch):
    # Counted, not timed: the atoms made and the cells of the longest common subsequences
    # grow with the text (2 % of words edited), a few per chunk, never with its square.
    cells = []
    lcs = align._lcs

    def counted(a, alo, ahi, b, blo, bhi):
        cells.append((ahi - alo) * (bhi - blo))
        return lcs(a, alo, ahi, b, blo, bhi)

    monkeypatch.setattr(align, "_lcs", counted)
    work = {}
    for size in (40_000, 160_000):
        old_text, new_text = long_paragraph_texts(size, changed=0.02)
        old_chunks = _chunks(old_text)
        cells.clear()
        fine_old, fine_new, _ = chunked_word_ops(old_chunks, _chunks(new_text), refine)
        # Atoms one by one only at the edits (every word of a refined chunk: 6 ×), and
        # tables only between the words Myers' algorithm does not settle.
        assert len(fine_old) < 2.5 * len(old_chunks)
        work[size] = sum(cells)
        assert work[size] < size / 4
    assert work[160_000] < 6 * work[40_000]


def test_the_same_text_is_always_cut_the_same_way():
    text, _ = long_paragraph_texts(5_000)
    assert chunk(text) == chunk(text)
    assert "".join(chunk(text)) == text
    assert 5 < len(chunk(text)) < len(text.split())


def test_a_long_paragraph_with_formatting_and_markers_accepts_and_rejects_exactly(tmp_path):
    old_text, new_text = long_paragraph_texts(40_000, changed=0.03, seed=7)
    half = len(old_text) // 2
    old = build(Doc([Para([(old_text[:half], ""), (old_text[half:], "b")])]),
                tmp_path / "ancien.docx")
    new = build(Doc([Para([(new_text[:half], "i"), (new_text[half:], "b")])]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = compare(old, new, out, date=datetime(2024, 3, 1))
    assert comparison.changes
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)


def _chunks_by_the_rule(text: str) -> list[str]:
    """Chunks as `chunk` documents them: a word and its spaces end one after a sentence sign,
    or when the checksum of the word says so."""
    import re
    import zlib

    chunks, current = [], ""
    for word in re.findall(r"\S+\s*|\s+", text):
        current += word
        if re.search(r"[.;!?:]\s*$", word) or zlib.crc32(word.rstrip().encode()) & 7 == 0:
            chunks.append(current)
            current = ""
    return [*chunks, current] if current else chunks


def test_chunks_follow_their_rule_whatever_the_spaces():
    rng = random.Random(7)
    pieces = ["le", "comité", "État", "3", "x.", "fin;", "a:", "?", " ", " ", " ", "  ", "\xa0",
              "\u202f", "\t", "\n", "’"]
    texts = ["", " ", "a", "a ", " a", "Un deux trois. Quatre cinq"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    # Prose with single spaces only (chunked at C speed), as long paragraphs mostly are.
    texts += [" ".join(rng.choice(pieces[:6]) for _ in range(rng.randint(1, 400)))
              for _ in range(300)]
    for text in texts:
        assert chunk(text) == _chunks_by_the_rule(text), repr(text)


def test_words_split_at_c_speed_give_the_tokens_of_the_rule():
    # Letters between single spaces are split, not matched: the same tokens either way.
    rng = random.Random(5)
    pieces = ["le", "comité", "État", "x_y", "3", "468", "000", ".", ",", "’", " ", " ", " ",
              "  ", "\xa0", "\n", "²"]
    texts = ["", " ", "  ", "a", "a ", " a", " a b ", "a  b"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    texts += [" ".join(rng.choice(pieces[:4]) for _ in range(rng.randint(1, 40)))
              for _ in range(300)]
    for text in texts:
        assert tokenize(text) == _RULE.findall(text), repr(text)
        words = [t for t in _RULE.findall(text) if any(map(str.isalnum, t))]
        assert first_words(text, 2) == words[:2], repr(text)


_RULE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?|\w+|\s+|.",
                   re.DOTALL)


def test_myers_keeps_as_many_items_as_the_table_and_gives_up_past_its_limit():
    rng = random.Random(11)
    for _ in range(2000):
        a = [str(rng.randint(0, 6)) for _ in range(rng.randint(0, 25))]
        b = [str(rng.randint(0, 6)) for _ in range(rng.randint(0, 25))]
        kept = sum(size for _, _, size in align._lcs(a, 0, len(a), b, 0, len(b)))
        pairs = common_pairs(a, b, len(a) + len(b))
        assert pairs is not None and len(pairs) == kept
        assert all(a[i] == b[j] for i, j in pairs)
        assert all(i1 < i2 and j1 < j2
                   for (i1, j1), (i2, j2) in zip(pairs, pairs[1:], strict=False))
        edits = len(a) + len(b) - 2 * kept
        if edits:
            assert common_pairs(a, b, edits - 1) is None


def test_words_matched_spaces_aside_keep_as_many_words_as_all_tokens_matched():
    # Spaces are matched only beside kept words: never fewer words kept than by a longest
    # common subsequence of every token (which spaces, all alike, can lead astray).
    rng = random.Random(12)
    vocabulary = ["a", "de", "la", "État", ",", ".", "l", "’", "mot", "468 000"]
    for _ in range(1500):
        old = tokenize(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30))))
        new = tokenize(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30))))
        old_keys, new_keys = [token_key(t) for t in old], [token_key(t) for t in new]
        blocks = word_matches(old_keys, new_keys)
        kept = [(i + k, j + k) for i, j, size in blocks for k in range(size)]
        assert all(old_keys[i] == new_keys[j] for i, j in kept)
        assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in zip(kept, kept[1:], strict=False))
        words = sum(old_keys[i] != " " for i, _ in kept)
        table = align._lcs(old_keys, 0, len(old_keys), new_keys, 0, len(new_keys))
        assert words >= sum(old_keys[i + k] != " " for i, _, size in table for k in range(size))


def test_the_last_paragraphs_of_a_container_pair_without_counting_their_words(monkeypatch):
    # They pair whatever they hold (the last paragraph cannot be deleted): a paragraph of
    # megabytes is not counted word by word for nothing. Elsewhere, words decide.
    from lxml import etree

    from generator.compare.ooxml import W_NS

    def body(*texts: str) -> etree._Element:
        paragraphs = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
        return etree.fromstring(f'<w:body xmlns:w="{W_NS}">{paragraphs}<w:sectPr/></w:body>')

    counted = []
    bag = blocks._bag
    monkeypatch.setattr(blocks, "_bag", lambda block: counted.append(block) or bag(block))
    old, new = body("Un an.", "Deux ans."), body("Un an.", "Trois mois de préavis.")
    assert blocks.align_blocks(list(old)[1:2], list(new)[1:2]) == [("pair", 0, 0)]
    assert not counted
    assert blocks.align_blocks(list(old)[0:1], list(new)[1:2]) == [("del", 0, None),
                                                                    ("ins", None, 0)]
    assert counted
