"""Issue 13, cells: a cell that appears or goes is ``w:cellIns``/``w:cellDel``, not a new row.

Each pair is checked by our accept/reject reader (text and layout, in both views) and by Docxodus
when installed (text only: see `test_docxodus_agrees_on_the_text`); the words of the cells that
did not change must not churn.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator.compare import compare
from generator.compare.docxodus import available as docxodus_available
from generator.compare.docxodus import redline_bytes
from generator.compare.views import document_views, layout_properties
from tests.test_compare_support import Doc, Raw, Table, build, xml_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = datetime(2024, 3, 1, 9, 0)
ISO = "2024-03-01T09:00:00Z"

OLD = [["Poste", "Montant", "Financeur"],
       ["Formation des bénévoles", "1 200 €", "État"],
       ["Matériel de secours", "3 400 €", "Département"]]

PAIRS = {
    "colonne insérée au milieu": (OLD, [
        ["Poste", "Année", "Montant", "Financeur"],
        ["Formation des bénévoles", "2024", "1 200 €", "État"],
        ["Matériel de secours", "2025", "3 400 €", "Département"]]),
    "colonne supprimée": (OLD, [
        ["Poste", "Financeur"],
        ["Formation des bénévoles", "État"],
        ["Matériel de secours", "Département"]]),
    "colonne ajoutée en fin de ligne": (OLD, [
        ["Poste", "Montant", "Financeur", "Observations"],
        ["Formation des bénévoles", "1 200 €", "État", "reconduit"],
        ["Matériel de secours", "3 400 €", "Département", "nouveau"]]),
}


def _pair(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    old_rows, new_rows = PAIRS[name]
    old = build(Doc(["Plan de financement :", Table(old_rows), "Fin."]), tmp_path / "ancien.docx")
    new = build(Doc(["Plan de financement :", Table(new_rows), "Fin."]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out, date=DATE)
    return old, new, out


def _body(path: Path):
    return xml_of(path).find(W + "body")


def churned_words(path: Path) -> list[str]:
    """Words both deleted and inserted somewhere in a redline (churn of unchanged text)."""
    root = xml_of(path)
    deleted = " ".join("".join(t.text or "" for t in d.iter(W + "delText"))
                       for d in root.iter(W + "del")).split()
    inserted = " ".join("".join(t.text or "" for t in i.iter(W + "t"))
                        for i in root.iter(W + "ins")).split()
    return sorted(set(deleted) & set(inserted))


@pytest.mark.parametrize("name", PAIRS)
def test_a_cell_that_appears_or_goes_is_a_cell_revision(tmp_path, name):
    old, new, out = _pair(tmp_path, name)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
    assert layout_properties(_body(out), "accept") == layout_properties(_body(new), "plain")
    assert layout_properties(_body(out), "reject") == layout_properties(_body(old), "plain")
    root = xml_of(out)
    # No row is inserted or deleted: only cells.
    assert root.find(f".//{W}trPr/{W}ins") is None and root.find(f".//{W}trPr/{W}del") is None
    marks = root.findall(f".//{W}tcPr/{W}cellIns") + root.findall(f".//{W}tcPr/{W}cellDel")
    assert len(marks) == 3
    for mark in marks:
        assert mark.get(W + "author") and mark.get(W + "date") == ISO and mark.get(W + "id")
        # Last in the cell's properties, as the schema orders them.
        assert mark.getnext() is None
    assert churned_words(out) == []


def test_the_words_of_unchanged_cells_are_not_touched(tmp_path):
    old, new, out = _pair(tmp_path, "colonne insérée au milieu")
    root = xml_of(out)
    inserted = [t.text for i in root.iter(W + "ins") for t in i.iter(W + "t")]
    assert inserted == ["Année", "2024", "2025"]
    assert root.find(f".//{W}del") is None


def test_a_deleted_column_comes_back_in_its_place_on_reject(tmp_path):
    old, new, out = _pair(tmp_path, "colonne supprimée")
    assert document_views(out, "reject")["corps"][2] == "Formation des bénévoles | 1 200 € | État"
    (row,) = [tr for tr in xml_of(out).iter(W + "tr") if "Matériel" in "".join(tr.itertext())]
    deleted = [tc for tc in row.iter(W + "tc") if tc.find(f"{W}tcPr/{W}cellDel") is not None]
    assert [t.text for tc in deleted for t in tc.iter(W + "delText")] == ["3 400 €"]


def test_a_row_that_gains_a_cell_and_changes_a_word_keeps_both(tmp_path):
    old = build(Doc([Table([["Poste", "Montant"], ["Loyer", "900 €"]])]),
                tmp_path / "ancien.docx")
    new = build(Doc([Table([["Poste", "Montant", "Note"], ["Loyer", "950 €", "révisé"]])]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    comparison = compare(old, new, out, date=DATE)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
    assert churned_words(out) == []
    changes = [(c.kind, c.deleted, c.inserted) for c in comparison.changes
               if c.kind != "mise en forme"]
    # The cells the new column brings are one change, the column.
    assert changes == [("insertion", [], ["Note\nrévisé"]), ("modification", ["900"], ["950"])]


@pytest.mark.parametrize("name", PAIRS)
def test_the_report_names_a_column_inserted_or_deleted_as_one_change(tmp_path, name):
    old_rows, new_rows = PAIRS[name]
    old, new, out = _pair(tmp_path, name)
    comparison = compare(old, new, out, date=DATE)
    columns = [c for c in comparison.changes if c.kind != "mise en forme"]
    inserted = len(new_rows[0]) > len(old_rows[0])
    (column,) = columns
    assert column.kind == ("insertion" if inserted else "suppression")
    assert column.formatting == ["colonne insérée" if inserted else "colonne supprimée"]
    rows = new_rows if inserted else old_rows
    other = old_rows if inserted else new_rows
    gained = [cell for row, shorter in zip(rows, other, strict=True)
              for cell in row if cell not in shorter]
    assert (column.new_text if inserted else column.old_text) == "\n".join(gained)


def test_a_row_with_a_changed_cell_places_the_new_column_as_the_header_row_does(tmp_path):
    old = build(Doc([Table([["Poste", "Montant"], ["Loyer", "900 €"]])]),
                tmp_path / "ancien.docx")
    new = build(Doc([Table([["Poste", "Année", "Montant"], ["Loyer", "2024", "950 €"]])]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out, date=DATE)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
    inserted_cells = ["".join(tc.itertext()) for tc in xml_of(out).iter(W + "tc")
                      if tc.find(f"{W}tcPr/{W}cellIns") is not None]
    assert inserted_cells == ["Année", "2024"]
    assert churned_words(out) == []


def test_two_cells_merged_into_one_keep_the_first_and_delete_the_second(tmp_path):
    def cell(text: str, extra: str = "") -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/>{extra}</w:tcPr>'
                f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>')

    def table(first_row: str) -> Raw:
        return Raw('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
                   '<w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
                   f'<w:tr>{first_row}</w:tr><w:tr>{cell("Loyer")}{cell("900 €")}</w:tr></w:tbl>')

    old = build(Doc(["Tableau :", table(cell("Titre") + cell("Date"))]), tmp_path / "ancien.docx")
    new = build(Doc(["Tableau :", table(cell("Titre Date", '<w:gridSpan w:val="2"/>'))]),
                tmp_path / "nouveau.docx")
    out = tmp_path / "comparaison.docx"
    compare(old, new, out, date=DATE)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
    assert layout_properties(_body(out), "accept") == layout_properties(_body(new), "plain")
    assert layout_properties(_body(out), "reject") == layout_properties(_body(old), "plain")
    (deleted,) = [tc for tc in xml_of(out).iter(W + "tc")
                  if tc.find(f"{W}tcPr/{W}cellDel") is not None]
    assert "".join(deleted.itertext()) == "Date"


@pytest.mark.skipif(not docxodus_available(), reason="Docxodus non installé")
@pytest.mark.parametrize("name", PAIRS)
def test_docxodus_agrees_on_the_text(tmp_path, name):
    """Docxodus's own redline of the same pair reads back as ours does (text only)."""
    old, new, out = _pair(tmp_path, name)
    theirs = tmp_path / "docxodus.docx"
    theirs.write_bytes(redline_bytes(old, new, "Docxodus", ISO))
    for view, source in (("accept", new), ("reject", old)):
        assert document_views(theirs, view)["corps"] == document_views(source)["corps"]
        assert document_views(out, view)["corps"] == document_views(source)["corps"]
