"""Issue 2: the 2023 avenant renders word for word, with real Word structure, strictly."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from generator.build import build
from generator.errors import InvalidVariables, TemplateError, UsageError
from generator.render import render

from .conftest import DOSSIER, run_cli
from .reference import BLANK, body_paragraphs, paragraph_text, read_reference, rendered_words, words

REF = read_reference()


def test_the_words_of_the_2023_avenant_equal_the_reference(built_2023: Path) -> None:
    assert rendered_words(built_2023) == REF.body_words()


def test_every_heading_of_the_reference_is_a_heading_paragraph(built_2023: Path) -> None:
    _, paragraphs = body_paragraphs(built_2023)
    headings = [" ".join(words(t)) for style, t in paragraphs if style.startswith("Heading")]
    assert headings == [" ".join(words(t)) for kind, t in REF.lines if kind == "heading"]


def test_every_list_item_of_the_reference_is_a_numbered_list_paragraph(built_2023: Path) -> None:
    document, paragraphs = body_paragraphs(built_2023)
    items = [" ".join(words(t)) for style, t in paragraphs if style == "List Bullet"]
    assert items == [" ".join(words(t)) for kind, t in REF.lines if kind == "item"]
    numbered = document.styles["List Bullet"].element.find(qn("w:pPr")).find(qn("w:numPr"))
    assert numbered is not None, "bullets must be numbering, not typed characters"
    assert not any(t.lstrip().startswith(("-", "•", "–")) for style, t in paragraphs
                   if style == "List Bullet")


def test_the_title_block_uses_the_title_style(built_2023: Path) -> None:
    _, paragraphs = body_paragraphs(built_2023)
    titles = [w for style, t in paragraphs if style == "Title" for w in words(t)]
    assert titles == [w for kind, t in REF.lines if kind == "title" for w in words(t)]


def test_each_signatory_has_a_column_with_title_then_name(built_2023: Path) -> None:
    document = docx.Document(str(built_2023))
    (table,) = document.tables
    titles = [" ".join(words(paragraph_text(c._tc))) for c in table.rows[0].cells]
    names = [" ".join(words(paragraph_text(c._tc))) for c in table.rows[1].cells]
    assert list(zip(titles, names, strict=True)) == [
        (" ".join(words(t)), " ".join(words(n))) for t, n in REF.signatures]


def test_no_template_tag_is_left_anywhere(built_2023: Path) -> None:
    with zipfile.ZipFile(built_2023) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                text = archive.read(name).decode("utf-8")
                for marker in ("{{", "}}", "{%", "%}", "{#"):
                    assert marker not in text, (name, marker)


def test_the_document_is_a4_and_french(built_2023: Path) -> None:
    document = docx.Document(str(built_2023))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "fr-FR"


def test_the_footer_numbers_the_pages(built_2023: Path) -> None:
    document = docx.Document(str(built_2023))
    footer = document.sections[0].footer._element
    instructions = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert "PAGE" in instructions
    assert "n°\xa01-2023" in paragraph_text(footer)


def test_the_signing_date_is_left_blank_when_unknown(built_2023: Path) -> None:
    _, paragraphs = body_paragraphs(built_2023)
    fait = next(t for _, t in paragraphs if t.startswith("Fait à"))
    assert BLANK.match(words(fait)[-1])


def test_build_prints_the_path_it_wrote(project: Path) -> None:
    result = run_cli("build", DOSSIER, "2023", cwd=project)
    assert result.returncode == 0, result.stderr
    written = project / "output" / DOSSIER / "2023" / "avenant-1-2023.docx"
    assert result.stdout.strip().splitlines()[-1] == str(Path("output") / DOSSIER / "2023" /
                                                         "avenant-1-2023.docx")
    assert written.is_file()


def test_build_writes_where_o_says(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "ailleurs" / "mon-avenant.docx"
    result = run_cli("--root", str(project), "build", DOSSIER, "2023", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.is_file()


@pytest.mark.parametrize("dossier, version", [
    ("../etc", "2023"), (DOSSIER, "../2023"), ("/etc", "2023"), (DOSSIER, "/tmp/x"),
    (DOSSIER, ".."),
])
def test_names_that_would_leave_the_project_are_refused(project: Path, dossier: str,
                                                        version: str) -> None:
    result = run_cli("--root", str(project), "build", dossier, version)
    assert result.returncode == 1
    assert "invalide" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "output").exists()


def test_an_unknown_version_is_named_with_the_known_ones(project: Path) -> None:
    result = run_cli("--root", str(project), "build", DOSSIER, "1999")
    assert result.returncode == 1
    assert "version inconnue" in result.stderr and "2023" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2_in_french(project: Path) -> None:
    result = run_cli("--root", str(project), "build", "--nimporte")
    assert result.returncode == 2
    assert "arguments non reconnus" in result.stderr


def _template_with(tmp_path: Path, text: str) -> Path:
    """A one-paragraph docx template saying ``text``."""
    document = docx.Document()
    document.add_paragraph(text)
    path = tmp_path / "modele.docx"
    document.save(str(path))
    return path


def test_a_variable_missing_from_the_set_is_an_error_naming_it(tmp_path: Path) -> None:
    template = _template_with(tmp_path, "Montant : {{ financement.inconnu }}")
    with pytest.raises(TemplateError) as caught:
        render(template, {"financement": {"etat": 1}}, label="templates/modele.docx")
    assert "inconnu" in str(caught.value)
    assert "templates/modele.docx" in str(caught.value)


def test_a_template_reaching_for_python_internals_is_refused(tmp_path: Path) -> None:
    template = _template_with(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as caught:
        render(template, {}, label="modele.docx")
    assert "interdite" in str(caught.value)


def test_values_are_data_and_render_literally(tmp_path: Path) -> None:
    template = _template_with(tmp_path, "Titulaire : {{ nom }}")
    document = render(template, {"nom": "Dupont & Fils <SARL>"}, label="modele.docx")
    assert "Titulaire\xa0: Dupont & Fils <SARL>" in paragraph_text(document.element.body)


def test_a_value_holding_template_syntax_is_refused_before_rendering(project: Path) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    text = path.read_text(encoding="utf-8").replace("nom: Association Médiation et Prévention",
                                                     "nom: Association {{ 7*7 }} Médiation")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidVariables) as caught:
        build(DOSSIER, "2023", root=project)
    assert "association.nom" in str(caught.value)
    assert not (project / "output").exists()


def test_a_leftover_tag_is_an_error(tmp_path: Path) -> None:
    template = _template_with(tmp_path, "Texte {_{ resté }_}")
    with pytest.raises(TemplateError):
        render(template, {}, label="modele.docx")


def test_an_unknown_dossier_is_a_usage_error(project: Path) -> None:
    with pytest.raises(UsageError):
        build("inconnu", "2023", root=project)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_libreoffice_makes_a_pdf_of_3_to_10_pages_with_every_article(built_2023: Path,
                                                                      tmp_path: Path) -> None:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built_2023)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "avenant-1-2023.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert 3 <= pages <= 10
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True).stdout.split())
    for kind, heading in REF.lines:
        if kind == "heading":
            assert " ".join(words(heading)) in " ".join(words(text)), heading
