"""Issue 13, continued: unchanged paragraphs beside pictures, joined paragraphs, old bookmarks.

Each class has its own pairs, checked by our accept/reject reader and by Docxodus when installed
(`tests.test_compare_structure._check`); the LibreOffice batch gathers them in one document.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.compare import compare
from generator.compare.views import bookmark_names, document_views
from tests.test_compare_structure import W, _check, _churned
from tests.test_compare_support import Doc, Image, Para, Raw, build, xml_of

LONG = ("Le comité de pilotage se réunit au moins deux fois par an, sur convocation du préfet, "
        "pour examiner le bilan des actions menées et arrêter la stratégie de l’année suivante. ")


@pytest.mark.parametrize("old_blocks, new_blocks", [
    (["Intro.", LONG, "", "Fin."], ["Intro.", "", LONG, Image(""), "Fin."]),
    (["Intro.", Image(""), LONG, "", "Fin."], ["Intro.", "", LONG, Image(""), "Fin."]),
    (["Intro.", LONG, Image("Logo"), "Fin."], ["Intro.", Image("Logo", (0, 0, 200)), LONG,
                                               "Fin."]),
])
def test_an_unchanged_paragraph_beside_a_picture_is_left_alone(tmp_path, old_blocks,
                                                               new_blocks):
    old = build(Doc(old_blocks), tmp_path / "ancien.docx")
    new = build(Doc(new_blocks), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old, new, out)
    assert not any("comité" in word for word in _churned(out))
    # The long paragraph is still the same element, untouched: no revision in it.
    (kept,) = [p for p in xml_of(out).iter(W + "p") if "comité" in "".join(p.itertext())]
    assert kept.find(f".//{W}ins") is None and kept.find(f".//{W}del") is None


@pytest.mark.parametrize("first, second", [
    ("Le comité se réunit une fois par trimestre.", "Il arrête la stratégie annuelle."),
    ("Le comité", "se réunit une fois par trimestre et arrête la stratégie annuelle."),
    ("Le comité se réunit une fois par trimestre, arrête la stratégie, examine le bilan",
     "et rend compte."),
])
def test_a_joined_paragraph_marks_only_the_paragraph_mark(tmp_path, first, second):
    old = build(Doc(["Préambule.", first, second, "Fait à Dijon."]), tmp_path / "ancien.docx")
    new = build(Doc(["Préambule.", f"{first} {second}", "Fait à Dijon."]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = _check(old, new, out)
    assert _churned(out) == []
    (change,) = comparison.changes
    assert change.kind == "modification"
    assert change.inserted == [" "] and change.deleted == ["\n"]
    marks = [p for p in xml_of(out).iter(W + "p")
             if p.find(f"{W}pPr/{W}rPr/{W}del") is not None]
    assert len(marks) == 1


def test_a_join_across_runs_keeps_each_runs_formatting(tmp_path):
    old = build(Doc(["Préambule.", Para([("Le comité ", ""), ("se réunit.", "b")]),
                     Para([("Il arrête ", "b"), ("la stratégie.", "")]), "Fin."]),
                tmp_path / "ancien.docx")
    new = build(Doc(["Préambule.", Para([("Le comité ", ""), ("se réunit. Il arrête ", "b"),
                                         ("la stratégie.", "")]), "Fin."]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old, new, out)
    assert _churned(out) == []
    from generator.compare.views import paragraph_formats

    body = xml_of(out).find(W + "body")
    assert paragraph_formats(body, "reject") == paragraph_formats(xml_of(old).find(W + "body"))
    assert paragraph_formats(body, "accept") == paragraph_formats(xml_of(new).find(W + "body"))


def test_a_join_with_other_formatting_is_compared_word_by_word(tmp_path):
    first, second = "Le comité se réunit.", "Il arrête la stratégie."
    old = build(Doc(["Préambule.", first, second, "Fin."]), tmp_path / "ancien.docx")
    new = build(Doc(["Préambule.", Para([(first + " ", ""), (second, "b")]), "Fin."]),
                tmp_path / "nouveau.docx")
    comparison = _check(old, new, tmp_path / "comparaison.docx")
    assert any(c.formatting for c in comparison.changes)


def _bookmarked(name: str, text: str) -> Raw:
    return Raw(f'<w:p><w:bookmarkStart w:id="7" w:name="{name}"/><w:r><w:t>{text}</w:t></w:r>'
               f'<w:bookmarkEnd w:id="7"/></w:p>')


@pytest.mark.parametrize("old_blocks, new_blocks", [
    (["Intro.", _bookmarked("article_5", "Article 5"), "Fin."], ["Intro.", "Article 5", "Fin."]),
    (["Intro.", _bookmarked("montant", "Le montant est de 468 000 €."), "Fin."],
     ["Intro.", "Le montant est de 480 000 €.", "Fin."]),
    (["Intro.", _bookmarked("annexe", "Une annexe supprimée."), "Fin."], ["Intro.", "Fin."]),
])
def test_a_bookmark_only_in_the_old_document_comes_back_on_reject(tmp_path, old_blocks,
                                                                  new_blocks):
    old = build(Doc(old_blocks), tmp_path / "ancien.docx")
    new = build(Doc(new_blocks), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old, new, out)

    def body(path: Path):
        return xml_of(path).find(W + "body")

    assert bookmark_names(body(out), "reject") == bookmark_names(body(old)) != []
    assert bookmark_names(body(out), "accept") == bookmark_names(body(new)) == []
    ids = [b.get(W + "id") for b in body(out).iter(W + "bookmarkStart")]
    ends = [b.get(W + "id") for b in body(out).iter(W + "bookmarkEnd")]
    assert ids == ends


def test_a_bookmark_in_both_documents_is_not_doubled(tmp_path):
    old = build(Doc(["Intro.", _bookmarked("article_5", "Article 5"), "Fin."]),
                tmp_path / "ancien.docx")
    new = build(Doc(["Intro.", "Autre.", _bookmarked("article_5", "Article 5 bis"), "Fin."]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old, new, out)
    assert bookmark_names(xml_of(out).find(W + "body"), "reject") == ["article_5"]
    assert document_views(out, "reject") == document_views(old)


def test_libreoffice_accepts_and_rejects_these_classes_in_one_document(tmp_path):
    """One pair with a header and a footer only in OLD, a join, a paragraph beside a picture,
    an old bookmark and a table whose layout changed, through LibreOffice's own Accept All and
    Reject All (LibreOffice 7.4 reads no table or page-setup revision: their text only)."""
    from tests import libreoffice
    from tests.test_compare_layout import table_xml
    from tests.test_compare_structure import _visible
    from tests.test_compare_support import H

    if not libreoffice.available():
        pytest.skip("LibreOffice (soffice, python3-uno) n’est pas installé")
    first, second = "Le comité se réunit une fois par trimestre.", "Il arrête la stratégie."
    old = build(Doc([H(1, "Article 1 : Objet"), first, second, LONG, "",
                     _bookmarked("article_5", "Article 5 : Montant"), "Tableau :",
                     Raw(table_xml()), "Fin."], header=["V3 – 040426"], footer=["Paraphes"]),
                tmp_path / "ancien.docx")
    new = build(Doc([H(1, "Article 1 : Objet"), f"{first} {second}", "", LONG, Image(""),
                     "Article 5 : Montant", "Tableau :",
                     Raw(table_xml(widths=(2000, 4000), fill="D9E2F3")), "Fin."]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out)
    assert libreoffice.accept_reject(out, tmp_path / "lo") > 0
    for view, source in (("accept", new), ("reject", old)):
        expected = _visible(document_views(source))
        assert _visible(document_views(out, view)) == expected, view
        theirs = tmp_path / "lo" / f"{view}.docx"
        assert _visible(document_views(theirs)) == expected, view
    reject = xml_of(tmp_path / "lo" / "reject.docx").find(W + "body")
    assert "article_5" in bookmark_names(reject)
