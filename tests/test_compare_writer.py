"""The paragraph writer: one run per kept or changed stretch, spaces kept where Word drops them.

A paragraph in one run (the common case of long pasted text) is rewritten from copies of one
model per kind of run; what comes out must still say exactly what Word needs.
"""

from __future__ import annotations

from datetime import datetime

from generator.compare import compare
from generator.compare.ooxml import DEL, DEL_TEXT, INS, XML_SPACE, R, T, spaces_at_risk
from generator.compare.views import document_views
from tests.test_compare_support import Doc, Para, build, xml_of

OLD = "Le montant  annuel est de 12 000 euros, versé en deux fois à l’association."
NEW = "Le montant  annuel  est de 14 500 euros, versé en une fois à l’association partenaire."


def _redline(tmp_path):
    old = build(Doc([Para([(OLD, "")])]), tmp_path / "ancien.docx")
    new = build(Doc([Para([(NEW, "")])]), tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out, date=datetime(2024, 3, 1))
    return old, new, out


def test_a_one_run_paragraph_marks_exactly_the_texts_whose_spaces_word_would_drop(tmp_path):
    *_, out = _redline(tmp_path)
    texts = list(xml_of(out).iter(T, DEL_TEXT))
    assert any(spaces_at_risk(t.text) for t in texts)
    assert any(not spaces_at_risk(t.text) for t in texts)
    for t in texts:
        assert (t.get(XML_SPACE) == "preserve") == spaces_at_risk(t.text), t.text


def test_each_revision_of_a_one_run_paragraph_holds_one_run_and_carries_its_own_id(tmp_path):
    old, new, out = _redline(tmp_path)
    root = xml_of(out)
    revisions = list(root.iter(INS, DEL))
    assert revisions
    assert all([child.tag for child in revision] == [R] for revision in revisions)
    ids = [revision.get(f"{{{root.nsmap['w']}}}id") for revision in revisions]
    assert len(set(ids)) == len(ids)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
