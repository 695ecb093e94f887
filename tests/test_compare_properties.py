"""Properties that hold for any pair: word alignment covers both texts exactly, and the redline of
random edits accepts to the new document and rejects to the old one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.compare import compare
from generator.compare.align import matching_blocks
from generator.compare.atoms import Atom, Piece
from generator.compare.views import document_views
from generator.compare.words import word_ops
from tests.test_compare_support import Doc, H, Para, Table, build

WORDS = ["le", "la", "montant", "de", "l’État", "468\u202f000\xa0€", "480\u202f000\xa0€",
         "comité", "se", "réunit", ".", ",", ";", "2023", "2024", "médiateurs", "et", "à",
         "association", "Dijon", "Chenôve", "chaque", "année", "bilan"]


def _atoms(tokens: list[str]) -> list[Atom]:
    return [Atom(t.replace("\xa0", " ").replace("\u202f", " "), "text", [Piece(None, t)],
                 text=t) for t in tokens]


tokens = st.lists(st.sampled_from(WORDS + [" ", "\xa0"]), max_size=40)


@given(tokens, tokens)
@settings(max_examples=300, deadline=None)
def test_word_operations_cover_both_texts_in_order(old_tokens, new_tokens):
    old, new = _atoms(old_tokens), _atoms(new_tokens)
    ops = word_ops(old, new)
    i = j = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (i, j)
        assert i2 >= i1 and j2 >= j1
        if tag == "equal":
            assert [a.text for a in old[i1:i2]] == [a.text for a in new[j1:j2]]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


@given(st.lists(st.sampled_from("abcdefg"), max_size=30),
       st.lists(st.sampled_from("abcdefg"), max_size=30))
@settings(max_examples=300, deadline=None)
def test_block_matching_pairs_only_equal_keys_in_order(old, new):
    i = j = 0
    for tag, i1, i2, j1, j2 in matching_blocks(old, new):
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        else:
            assert tag in ("replace", "delete", "insert")
        i, j = i2, j2
    assert (i, j) == (len(old), len(new))


SENTENCES = [
    "Le montant de l’État est fixé à 468\u202f000\xa0€.",
    "Le comité se réunit chaque année à Dijon.",
    "L’association recrute des médiateurs.",
    "Les communes de Dijon et Chenôve participent.",
    "Il arrête la stratégie ; il rend compte.",
    "",
]


def _paragraph():
    return st.one_of(
        st.sampled_from(SENTENCES),
        st.builds(lambda s, n: H(n, s), st.sampled_from(SENTENCES[:4]), st.integers(1, 2)),
        st.builds(lambda s, f: Para([(s, f)]), st.sampled_from(SENTENCES[:4]),
                  st.sampled_from(["", "b", "i"])),
        st.builds(lambda s: Para([(s, "")], "List Bullet"), st.sampled_from(SENTENCES[:4])),
    )


CELLS = st.sampled_from(["État", "468 000 €", "Dijon", ""])
ROWS = st.lists(st.lists(CELLS, min_size=2, max_size=2), min_size=1, max_size=4)


class Anchor(str):
    """A paragraph that edits leave alone: the first, the last, the one before each table.

    Two tables side by side merge in Word, and a paragraph that disappears right before a table
    cannot join it: documents keep a stable paragraph there.
    """


def _document(data) -> list:
    blocks: list = [Anchor("Avenant.")]
    for _ in range(data.draw(st.integers(0, 7))):
        if data.draw(st.booleans()):
            blocks += [Anchor("Tableau :"), Table(data.draw(ROWS))]
        else:
            blocks.append(data.draw(_paragraph()))
    return blocks + [Anchor("Fin.")]


def _place(blocks: list, data) -> int:
    """A position to insert at: after the first paragraph, never right before a table."""
    return data.draw(st.sampled_from([k for k in range(1, len(blocks))
                                      if not isinstance(blocks[k], Table)]))


def _edit(blocks: list, data) -> list:
    blocks = list(blocks)
    for _ in range(data.draw(st.integers(0, 4))):
        action = data.draw(st.sampled_from(["insert", "delete", "replace", "move", "words",
                                            "table"]))
        free = [k for k, b in enumerate(blocks) if not isinstance(b, (Anchor, Table))]
        tables = [k for k, b in enumerate(blocks) if isinstance(b, Table)]
        if action == "insert":
            blocks.insert(_place(blocks, data), data.draw(_paragraph()))
        elif action == "table" and tables:
            k = data.draw(st.sampled_from(tables))
            rows = [list(r) for r in blocks[k].rows]
            change = data.draw(st.sampled_from(["cell", "add", "remove"]))
            if change == "cell":
                r = data.draw(st.integers(0, len(rows) - 1))
                rows[r][data.draw(st.integers(0, 1))] = data.draw(CELLS)
            elif change == "add":
                rows.insert(data.draw(st.integers(0, len(rows))), data.draw(
                    st.lists(CELLS, min_size=2, max_size=2)))
            elif len(rows) > 1:
                del rows[data.draw(st.integers(0, len(rows) - 1))]
            blocks[k] = Table(rows)
        elif free and action == "delete":
            del blocks[data.draw(st.sampled_from(free))]
        elif free and action == "replace":
            blocks[data.draw(st.sampled_from(free))] = data.draw(_paragraph())
        elif free and action == "move":
            block = blocks.pop(data.draw(st.sampled_from(free)))
            blocks.insert(_place(blocks, data), block)
        elif free and action == "words":
            k = data.draw(st.sampled_from(free))
            if isinstance(blocks[k], str):
                words = blocks[k].split(" ")
                words[data.draw(st.integers(0, len(words) - 1))] = data.draw(
                    st.sampled_from(WORDS))
                blocks[k] = " ".join(words)
    return blocks


@given(st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_edits_accept_to_the_new_and_reject_to_the_old(data):
    old_blocks = _document(data)
    new_blocks = _edit(old_blocks, data)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = build(Doc(old_blocks), folder / "a.docx")
        new = build(Doc(new_blocks), folder / "b.docx")
        out = folder / "r.docx"
        compare(old, new, out)
        assert document_views(out, "accept") == document_views(new)
        assert document_views(out, "reject") == document_views(old)
