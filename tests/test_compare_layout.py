"""Table, grid, row, cell and page-setup changes: tracked, so that reject all gives the old layout.

Pairs are built like the other comparer tests (python-docx, WordprocessingML for tables); the
redline is read back with `generator.compare.views.layout_properties` in each view and compared
with each input's own.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Cm

from generator.compare import compare, report_text
from generator.compare.docxodus import available as docxodus_available
from generator.compare.docxodus import redline_bytes
from generator.compare.views import document_views, layout_properties
from tests.test_compare_support import Doc, Raw, build, xml_of


def table_xml(style: str = "TableGrid", widths: tuple[int, int] = (3000, 3000),
              fill: str | None = None, borders: bool = False, merged: bool = False,
              height: int | None = None, texts: tuple[str, ...] = ("A", "B", "C", "D")) -> str:
    """A 2 × 2 table with the given layout (cell A's shading, borders, B-D merged vertically)."""
    borders_xml = ('<w:tcBorders><w:top w:val="single" w:sz="12" w:space="0" '
                   'w:color="FF0000"/></w:tcBorders>') if borders else ""
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""

    def cell(text: str, width: int, extra: str = "") -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{extra}</w:tcPr>'
                f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>')

    row_pr = f'<w:trPr><w:trHeight w:val="{height}"/></w:trPr>' if height else ""
    first = cell(texts[0], widths[0], borders_xml + shading) + cell(
        texts[1], widths[1], '<w:vMerge w:val="restart"/>' if merged else "")
    second = cell(texts[2], widths[0]) + cell(texts[3], widths[1],
                                              "<w:vMerge/>" if merged else "")
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="0" w:type="auto"/>'
            f'</w:tblPr><w:tblGrid><w:gridCol w:w="{widths[0]}"/><w:gridCol w:w="{widths[1]}"/>'
            f'</w:tblGrid><w:tr>{row_pr}{first}</w:tr><w:tr>{second}</w:tr></w:tbl>')


def _pair(tmp_path: Path, old_table: str, new_table: str, new_text: str = "Fin.") -> tuple:
    old = build(Doc(["Tableau :", Raw(old_table), "Fin."]), tmp_path / "ancien.docx")
    new = build(Doc(["Tableau :", Raw(new_table), new_text]), tmp_path / "nouveau.docx")
    return old, new


def _body(path: Path):
    return xml_of(path).find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")


def _check_views(old: Path, new: Path, out: Path) -> None:
    """Our redline, and Docxodus's when installed, accept to NEW's layout and reject to OLD's."""
    redlines = [out]
    if docxodus_available():
        theirs = out.with_name("docxodus.docx")
        theirs.write_bytes(redline_bytes(old, new, "Docxodus", "2024-03-01T09:00:00Z"))
        redlines.append(theirs)
    for redline in redlines:
        for view, source in (("accept", new), ("reject", old)):
            assert layout_properties(_body(redline), view) == \
                layout_properties(_body(source), "plain"), (redline.name, view)
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)


def test_table_style_widths_shading_borders_and_merges_are_tracked(tmp_path):
    old, new = _pair(tmp_path, table_xml(),
                     table_xml(style="LightShading", widths=(2000, 4000), fill="D9E2F3",
                               borders=True, merged=True, height=600))
    assert layout_properties(_body(old), "plain") != layout_properties(_body(new), "plain")
    out = tmp_path / "redline.docx"
    result = compare(old, new, out)
    _check_views(old, new, out)
    root = xml_of(out)
    for tag in ("tblPrChange", "tblGridChange", "trPrChange", "tcPrChange"):
        assert root.find(f".//{{*}}{tag}") is not None, tag
    formatting = [line for change in result.changes for line in change.formatting]
    for label in ("style du tableau", "largeur des colonnes", "trame de la cellule",
                  "bordures", "fusion verticale", "hauteur de la ligne"):
        assert label in formatting, label
    assert "largeur des colonnes" in report_text(result)


def test_layout_changes_and_text_changes_together(tmp_path):
    old, new = _pair(tmp_path, table_xml(),
                     table_xml(widths=(1500, 4500), texts=("A", "Bé", "C", "D")),
                     new_text="Fin du texte.")
    out = tmp_path / "redline.docx"
    result = compare(old, new, out)
    _check_views(old, new, out)
    assert {c.kind for c in result.changes} == {"mise en forme", "modification"}


def test_identical_tables_carry_no_layout_change(tmp_path):
    old, new = _pair(tmp_path, table_xml(), table_xml(texts=("A", "B", "C", "Dé")))
    out = tmp_path / "redline.docx"
    result = compare(old, new, out)
    root = xml_of(out)
    assert root.find(".//{*}tcPrChange") is None and root.find(".//{*}tblPrChange") is None
    assert [c.kind for c in result.changes] == ["modification"]
    _check_views(old, new, out)


def _with_page(path: Path, width: float, left: float) -> Path:
    document = docx.Document(str(path))
    section = document.sections[0]
    section.page_width = Cm(width)
    section.left_margin = Cm(left)
    document.save(str(path))
    return path


def test_page_size_and_margins_are_tracked(tmp_path):
    old = _with_page(build(Doc(["Article 1 : Objet", "Texte."]), tmp_path / "a.docx"), 21, 2.5)
    new = _with_page(build(Doc(["Article 1 : Objet", "Texte."]), tmp_path / "b.docx"),
                     29.7, 3)
    out = tmp_path / "redline.docx"
    result = compare(old, new, out)
    _check_views(old, new, out)
    assert xml_of(out).find(".//{*}sectPrChange") is not None
    assert result.changes and result.changes[0].formatting == ["taille de la page",
                                                                 "marges de la page"]
    assert result.revisions >= 1


def test_every_layout_detail_reads_in_french():
    from generator.compare import layout
    from generator.compare.report import formatting_text

    names = {"column widths", "table", "row", "cell", "page"}
    for table in (layout._TABLE_NAMES, layout._CELL_NAMES, layout._ROW_NAMES,
                  layout._SECT_NAMES):
        names.update(table.values())
    for name in names:
        text = formatting_text(("layout", name))
        assert text and text != name, name
