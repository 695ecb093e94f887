"""Issue 13: classes of defect found on pairs nobody here wrote, each with its own pairs.

Every pair is checked by our accept/reject reader (`document_views`); Docxodus, when installed,
must read the same texts from its own redline of the pair.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator.compare import compare
from generator.compare.docxodus import available as docxodus_available
from generator.compare.docxodus import redline_bytes
from generator.compare.views import document_views
from tests.test_compare_support import Doc, Raw, build, xml_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = datetime(2024, 3, 1, 9, 0)


def _check(old: Path, new: Path, out: Path):
    """Compare, then check accept and reject with our reader and with Docxodus."""
    comparison = compare(old, new, out, date=DATE)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
    if docxodus_available():
        theirs = out.with_name(out.stem + "-docxodus.docx")
        theirs.write_bytes(redline_bytes(old, new, "Docxodus", "2024-03-01T09:00:00Z"))
        for view, source in (("accept", new), ("reject", old)):
            expected = [p for p in document_views(source)["corps"] if p.strip()]
            assert [p for p in document_views(theirs, view)["corps"] if p.strip()] == expected
    return comparison


def _runs(*pieces: str) -> str:
    """A paragraph of runs; a piece ``|`` is a bookmark (start and end) between two runs."""
    body = []
    for index, piece in enumerate(pieces):
        if piece == "|":
            body.append(f'<w:bookmarkStart w:id="{index}" w:name="_GoBack"/>'
                        f'<w:bookmarkEnd w:id="{index}"/>')
        else:
            body.append(f'<w:r><w:t xml:space="preserve">{piece}</w:t></w:r>')
    return "<w:p>" + "".join(body) + "</w:p>"


@pytest.mark.parametrize("old, new, changed", [
    (("Video pro", "|", "vides a way."), ("Video provides a way.",), ([], [])),
    (("Video provides a way.",), ("Video pro", "|", "vides a way."), ([], [])),
    (("Video provides a w", "|", "ay."), ("Video provides a w", "|", "ay to go."),
     ([], [" to go"])),
    (("Le montant est de 468", "|", " 000 €."), ("Le montant est de 480 000 €.",),
     (["468 000"], ["480 000"])),
])
def test_a_bookmark_inside_a_word_does_not_break_it(tmp_path, old, new, changed):
    old_path = build(Doc([Raw(_runs(*old))]), tmp_path / "ancien.docx")
    new_path = build(Doc([Raw(_runs(*new))]), tmp_path / "nouveau.docx")
    comparison = _check(old_path, new_path, tmp_path / "comparaison.docx")
    deleted = [text for change in comparison.changes for text in change.deleted]
    inserted = [text for change in comparison.changes for text in change.inserted]
    assert (deleted, inserted) == changed


def test_a_bookmark_of_the_new_document_stays_in_its_paragraph(tmp_path):
    old_path = build(Doc([Raw(_runs("Video provides a way."))]), tmp_path / "ancien.docx")
    new_path = build(Doc([Raw(_runs("Video pro", "|", "vides a path."))]),
                     tmp_path / "nouveau.docx")
    _check(old_path, new_path, tmp_path / "comparaison.docx")
    names = [b.get(W + "name") for b in xml_of(tmp_path / "comparaison.docx").iter(
        W + "bookmarkStart")]
    assert names == ["_GoBack"]


def _visible(views: dict[str, list[str]]) -> dict[str, list[str]]:
    """Views without headers or footers that show nothing (as good as none on the page)."""
    return {key: paragraphs for key, paragraphs in views.items()
            if not key.startswith(("en-tête", "pied de page")) or any(p.strip() for p in
                                                                    paragraphs)}


@pytest.mark.parametrize("direction", ["seulement dans l’ancien", "seulement dans le nouveau"])
def test_a_header_or_footer_on_one_side_only_is_kept_and_marked(tmp_path, direction):
    body = ["Article 1 : Objet", "Le présent avenant modifie la convention."]
    with_parts = Doc(body, header=["V3 – 040426"], footer=["Page de garde", "Paraphes"])
    without = Doc(body)
    old_spec, new_spec = (with_parts, without) if direction.endswith("ancien") else \
        (without, with_parts)
    old = build(old_spec, tmp_path / "ancien.docx")
    new = build(new_spec, tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = compare(old, new, out, date=DATE)
    assert _visible(document_views(out, "accept")) == _visible(document_views(new))
    assert _visible(document_views(out, "reject")) == _visible(document_views(old))
    parts = {change.part for change in comparison.changes}
    assert parts == {"en-tête", "pied de page"}
    texts = " ".join(change.old_text + change.new_text for change in comparison.changes)
    assert "V3 – 040426" in texts and "Paraphes" in texts


def test_a_paragraph_stays_under_its_heading(tmp_path):
    from tests.test_compare_support import H

    old = build(Doc([H(1, "Article 2 : Durée"), "Un an."]), tmp_path / "ancien.docx")
    new = build(Doc([H(1, "Article 2 : Durée"), "Deux ans.", H(1, "Article 3 : Résiliation"),
                     "Préavis de trois mois."]), tmp_path / "nouveau.docx")
    comparison = _check(old, new, tmp_path / "comparaison.docx")
    by_section = {(c.section, c.kind): c for c in comparison.changes}
    edit = by_section[("Article 2 : Durée", "modification")]
    assert "Un an" in "".join(edit.deleted) and "Deux ans" in "".join(edit.inserted)
    assert not any("Un an" in "".join(c.deleted) for c in comparison.changes
                   if c.section.startswith("Article 3"))


def _churned(path: Path) -> list[str]:
    root = xml_of(path)
    words = [t.text or "" for t in root.iter(W + "delText")]
    words += [t.text or "" for ins in root.iter(W + "ins") for t in ins.iter(W + "t")]
    return [w for w in words if w.strip()]


@pytest.mark.parametrize("first, second", [
    ("Le comité se réunit une fois par trimestre.", "Il arrête la stratégie annuelle."),
    ("Le comité", "se réunit une fois par trimestre et arrête la stratégie annuelle."),
    ("Le comité se réunit une fois par trimestre, arrête la stratégie, examine le bilan",
     "et rend compte."),
])
def test_a_split_paragraph_marks_only_the_paragraph_mark(tmp_path, first, second):
    old = build(Doc(["Préambule.", f"{first} {second}", "Fait à Dijon."]),
                tmp_path / "ancien.docx")
    new = build(Doc(["Préambule.", first, second, "Fait à Dijon."]), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = _check(old, new, out)
    assert _churned(out) == []
    (change,) = comparison.changes
    assert change.kind == "modification"
    marks = [p for p in xml_of(out).iter(W + "p")
             if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None]
    assert len(marks) == 1


_V = "urn:schemas-microsoft-com:vml"


def _box(*paragraphs: str) -> str:
    inner = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return (f'<w:p><w:r><w:t xml:space="preserve">Encadré : </w:t></w:r><w:r>'
            f'<w:pict xmlns:v="{_V}"><v:shape style="width:200pt;height:80pt"><v:textbox>'
            f"<w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")


def _box_views(path: Path, view: str) -> list[str]:
    from generator.compare.views import container_paragraphs

    boxes = list(xml_of(path).iter(W + "txbxContent"))
    return [text for box in boxes for text in container_paragraphs(box, view)]


BOX_OLD = ("Les parties se réunissent chaque trimestre pour examiner le bilan.",
           "Le comité arrête la stratégie et rend compte au préfet.")
BOX_NEW = ("Les parties se réunissent chaque semestre pour examiner le bilan.",
           "Le comité arrête la stratégie et rend compte au préfet.")


def test_textbox_paragraphs_are_compared_word_by_word(tmp_path):
    old = build(Doc(["Avant.", Raw(_box(*BOX_OLD)), "Après."]), tmp_path / "ancien.docx")
    new = build(Doc(["Avant.", Raw(_box(*BOX_NEW)), "Après."]), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = _check(old, new, out)
    assert _box_views(out, "accept") == list(BOX_NEW)
    assert _box_views(out, "reject") == list(BOX_OLD)
    assert _churned(out) == ["trimestre", "semestre"]
    assert [c.deleted for c in comparison.changes] == [["trimestre"]]


def test_the_text_of_a_deleted_textbox_is_deleted_text(tmp_path):
    old = build(Doc(["Avant.", Raw(_box(*BOX_OLD)), "Après."]), tmp_path / "ancien.docx")
    new = build(Doc(["Avant.", "Après."]), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old, new, out)
    (box,) = xml_of(out).iter(W + "txbxContent")
    assert [t.text for t in box.iter(W + "t")] == []
    assert "".join(t.text for t in box.iter(W + "delText")) == "".join(BOX_OLD)
    assert _box_views(out, "accept") == ["", ""] or _box_views(out, "accept") == []
    assert _box_views(out, "reject") == list(BOX_OLD)


def test_libreoffice_accepts_and_rejects_issue_13s_classes_in_one_document(tmp_path):
    """One pair with a bookmark inside a word, a split paragraph, a paragraph under its heading
    and a textbox edit, checked with LibreOffice's own Accept All and Reject All (body text)."""
    from tests import libreoffice
    from tests.test_compare_support import H

    if not libreoffice.available():
        pytest.skip("LibreOffice (soffice, python3-uno) n’est pas installé")
    old = Doc([H(1, "Article 2 : Durée"), "Un an.", Raw(_runs("Video pro", "|", "vides a way.")),
               "Le comité se réunit une fois par trimestre. Il arrête la stratégie annuelle.",
               Raw(_box(*BOX_OLD)), "Fin."])
    new = Doc([H(1, "Article 2 : Durée"), "Deux ans.", H(1, "Article 3 : Résiliation"),
               "Préavis de trois mois.", Raw(_runs("Video provides a path.")),
               "Le comité se réunit une fois par trimestre.", "Il arrête la stratégie annuelle.",
               Raw(_box(*BOX_NEW)), "Fin."])
    old_path = build(old, tmp_path / "ancien.docx")
    new_path = build(new, tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    _check(old_path, new_path, out)
    assert libreoffice.accept_reject(out, tmp_path / "lo") > 0

    def body(path: Path) -> list[str]:
        return [p for p in document_views(path)["corps"] if p.strip()]

    assert body(tmp_path / "lo" / "accept.docx") == body(new_path)
    assert body(tmp_path / "lo" / "reject.docx") == body(old_path)


def test_a_footnote_gone_with_the_notes_part_comes_back_on_reject(tmp_path):
    old = build(Doc(["Texte avec une note{note:1}.", "Fin."], notes={1: "Selon la loi."}),
                tmp_path / "ancien.docx")
    new = build(Doc(["Texte sans note.", "Fin."]), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out, date=DATE)
    assert document_views(out, "reject")["notes"] == document_views(old)["notes"]
    assert document_views(out, "accept")["corps"] == document_views(new)["corps"]


def test_a_changed_heading_is_found_behind_many_spaces_and_a_long_paragraph_is_not_one(tmp_path):
    spaces = " " * 300  # more than a heading's length, before the words that make it one
    long = "Article 4 : " + "le comité se réunit deux fois par an " * 20
    old = build(Doc(["Intro.", spaces + "Article 3 : Résiliations", "Préavis de trois mois.",
                     long, "Fin."]), tmp_path / "a.docx")
    new = build(Doc(["Intro.", spaces + "Article 3 : Résiliation", "Préavis de deux mois.",
                     long + "ou plus", "Fin changée."]), tmp_path / "b.docx")
    changes = compare(old, new, tmp_path / "c.docx").changes
    sections = {c.new_text.strip()[:12]: c.section for c in changes}
    assert sections["Article 3 : "] == "Article 3 : Résiliation"
    assert sections["Préavis de d"] == "Article 3 : Résiliation"
    # The long paragraph starts like a heading but is far too long to be one.
    assert sections["Article 4 : "] == "Article 3 : Résiliation"
    assert sections["Fin changée."] == "Article 3 : Résiliation"
