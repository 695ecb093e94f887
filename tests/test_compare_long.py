"""Long paragraphs: compared in bounded time and memory, with as few words marked as edited.

A paragraph of megabytes (a pasted annex, a table flattened to text) must not make ``diff``
quadratic: it is compared by chunks of words first, word by word only where chunks differ.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from generator.compare import compare
from generator.compare.atoms import Atom, Piece, refine
from generator.compare.tokens import chunk, token_key, tokenize
from generator.compare.views import document_views
from generator.compare.words import chunked_word_ops, word_ops
from tests.test_compare_support import Doc, Para, build, long_paragraph_pair, long_paragraph_texts

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
    return sum(sum(a.weight > 0 for a in old[i1:i2]) + sum(a.weight > 0 for a in new[j1:j2])
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
    return atom


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
