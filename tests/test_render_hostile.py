"""Issues 9 and 10: a hostile or broken template is a French error naming the template, the
article and the tag; no traceback, no hang, bounded memory, never a document cut short.

Hostile templates are copies of the shipped one with a paragraph holding one tag inserted
after a heading (docxtpl templates are Word files: the tag goes into word/document.xml).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest

from generator.document.render import render
from generator.errors import TemplateError
from generator.kits.template_check import template_errors

from .conftest import DOSSIER, ROOT
from .limits import run_measured

TEMPLATE = ROOT / "templates" / "bataillon-prevention" / "modele.docx"
SHIPPED = "templates/bataillon-prevention/modele.docx"
ARTICLE_3 = "Article 3 : Volume du bataillon"
ARTICLE_14 = "Article 14 : Règlement des conflits"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _write(parts: dict[str, bytes], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def with_tag(target: Path, tag: str, after: str = ARTICLE_3) -> Path:
    """A copy of the shipped template with a paragraph saying ``tag`` after heading ``after``."""
    parts = _parts(TEMPLATE)
    xml = parts["word/document.xml"].decode("utf-8")
    for paragraph in re.finditer(r"<w:p[ >].*?</w:p>", xml):
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", paragraph.group()))
        if text.startswith(after):
            end = paragraph.end()
            break
    else:
        raise AssertionError(f"heading not found: {after}")
    inserted = f'<w:p><w:r><w:t xml:space="preserve">{escape(tag)}</w:t></w:r></w:p>'
    parts["word/document.xml"] = (xml[:end] + inserted + xml[end:]).encode("utf-8")
    return _write(parts, target)


def _build(project: Path, *more: str, timeout: float = 120):
    return run_measured("--root", str(project), "build", *more, timeout=timeout)


HOSTILE = [
    ("{% include 'autre.docx' %}", "« include », « import » et « extends » sont interdits"),
    ("{% import 'autre.docx' as autre %}", "« include », « import » et « extends » sont interdits"),
    ("{% extends 'autre.docx' %}", "« include », « import » et « extends » sont interdits"),
    ("{{ 1/0 }}", "division par zéro"),
    ("{% macro boucle(n) %}{{ boucle(n) }}{% endmacro %}{{ boucle(1) }}",
     "appels imbriqués trop profonds"),
    ("{{ range(10**9)|length }}", "range() trop grand"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "range() trop grand"),
    ("{{ 'a'*10**10 }}", "répétition trop longue"),
    ("{{ [0]*10**10 }}", "répétition trop longue"),
    ("{{ 9**(9**9) }}", "puissance trop grande"),
    ("{{ (10**60)**60 }}", "puissance trop grande"),
    ("{{ '%999999999d' % 1 }}", "format « % » trop large"),
    ("{{ 'a'.ljust(10**10) }}", "mémoire dépassée pendant le rendu"),
    ("{{ '%d'|format(1)|center(10**10) }}", "mémoire dépassée pendant le rendu"),
    ("{{ financement.etat|montant_lettres }}",
     "filtre inconnu : « montant_lettres » (voulez-vous dire « montant_en_lettres » ?)"),
    ("{% frobnicate %}", "balise inconnue : « frobnicate »"),
    ("{{ financement.etat + }}", "« }} » inattendu dans une balise"),
    ("{{ financement.etat ) }}", "« ) » inattendu dans une balise"),
    ("{{ ''.__class__.__mro__ }}", "opération interdite dans un modèle (bac à sable)"),
]


@pytest.mark.parametrize("tag, message", HOSTILE, ids=[t for t, _ in HOSTILE])
def test_a_hostile_tag_is_a_french_error_naming_template_article_and_tag(
        project: Path, tag: str, message: str) -> None:
    with_tag(project / SHIPPED, tag)
    result = _build(project, DOSSIER, "2023", timeout=60)
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert f"erreur : {SHIPPED}: {message}" in result.output, result.output
    assert f"article « {ARTICLE_3} »" in result.output, result.output
    assert "balise « {" in result.output, result.output
    assert result.seconds < 30 and result.peak_mb < 800, (result.seconds, result.peak_mb)
    assert not (project / "output").exists()


def test_an_unclosed_block_is_placed_at_its_opening_tag_not_at_the_end(project: Path) -> None:
    with_tag(project / SHIPPED, "{% if financement.etat %}", after=ARTICLE_14)
    result = _build(project, DOSSIER, "2023", timeout=60)
    assert result.returncode == 1
    assert (f"{SHIPPED}: fin du modèle inattendue : le bloc « if » n’est jamais fermé "
            f"(« endif » manque) — article « {ARTICLE_14} », balise « {{% if financement.etat "
            "%} »") in result.output, result.output


def test_an_endless_loop_is_stopped_by_the_time_limit(project: Path) -> None:
    with_tag(project / SHIPPED, "{% for i in range(10000) %}{% for j in range(10000) %}"
             "{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
    result = _build(project, DOSSIER, "2023", timeout=90)
    assert result.returncode == 1, result.output
    assert f"{SHIPPED}: rendu trop long (plus de 15 s)" in result.output, result.output
    assert result.seconds < 40


def test_a_render_eating_memory_is_stopped_by_the_memory_limit(project: Path) -> None:
    with_tag(project / SHIPPED, "{% set l = [] %}{% for i in range(5000) %}"
             "{{ l.append('a' * 999999) }}{% endfor %}")
    result = _build(project, DOSSIER, "2023", timeout=90)
    assert result.returncode == 1, result.output
    assert f"{SHIPPED}: mémoire dépassée pendant le rendu" in result.output, result.output
    assert result.peak_mb < 1000, result.peak_mb


def test_build_all_finishes_the_other_sets_and_reports_the_hostile_one(project: Path) -> None:
    kit = project / "templates" / "hostile"
    shutil.copytree(project / "templates" / "bataillon-prevention", kit)
    (kit / "kit.yaml").write_text((kit / "kit.yaml").read_text(encoding="utf-8").replace(
        "kit: bataillon-prevention", "kit: hostile"), encoding="utf-8")
    other = kit / "hostile.docx"
    (kit / "modele.docx").rename(other)
    (kit / "kit.yaml").write_text((kit / "kit.yaml").read_text(encoding="utf-8").replace(
        "modele: modele.docx", "modele: hostile.docx"), encoding="utf-8")
    with_tag(other, "{{ 9**(9**9) }}")
    path = project / "variables" / DOSSIER / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "kit: bataillon-prevention", "kit: hostile"), encoding="utf-8")
    result = _build(project, "--all", timeout=600)
    assert result.returncode == 1, result.output
    flat = " ".join(result.output.replace("│", " ").split())
    assert "hostile.docx" in flat and "puissance trop grande" in flat, result.output
    assert (project / "output" / DOSSIER / "2023" / "avenant-1-2023.docx").exists()
    assert (project / "output" / "exemple-fictif-trois-communes" / "2025").exists()
    assert not (project / "output" / DOSSIER / "2024" / "avenant-2-2024.docx").exists()
    assert "Traceback" not in result.output


# --- Broken template files --------------------------------------------------------------

def _zip_bomb(target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _parts(TEMPLATE).items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                part.write(block)
    return target


@pytest.mark.parametrize("kind, message", [
    ("vide", "modèle illisible : fichier vide"),
    ("corrompu", "modèle illisible : ce n’est pas un document Word"),
    ("tronque", "modèle illisible : document corrompu"),
    ("bombe", "modèle illisible : archive anormalement volumineuse"),
    ("sans-document", "modèle illisible"),
])
def test_a_broken_template_file_is_a_french_error(project: Path, kind: str, message: str) -> None:
    target = project / SHIPPED
    data = TEMPLATE.read_bytes()
    if kind == "vide":
        target.write_bytes(b"")
    elif kind == "corrompu":
        target.write_bytes(b"ceci n'est pas un docx " * 100)
    elif kind == "tronque":
        target.write_bytes(data[: len(data) // 2])
    elif kind == "bombe":
        _zip_bomb(target)
    else:
        parts = _parts(TEMPLATE)
        del parts["word/document.xml"]
        _write(parts, target)
    result = _build(project, DOSSIER, "2023", timeout=60)
    assert result.returncode == 1, result.output
    assert f"erreur : {SHIPPED}: {message}" in result.output, result.output
    assert "Traceback" not in result.output
    assert result.peak_mb < 400, result.peak_mb


@pytest.mark.parametrize("through", ["render", "typography"])
def test_malformed_footnotes_are_a_french_error(tmp_path: Path, through: str) -> None:
    docx.Document().save(str(tmp_path / "vide.docx"))
    parts = _parts(tmp_path / "vide.docx")
    parts["word/footnotes.xml"] = b'<?xml version="1.0"?><w:footnotes xmlns:w="x"><w:p>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.'
        b'org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        b"</Relationships>")
    template = _write(parts, tmp_path / "notes.docx")
    with pytest.raises(TemplateError) as caught:
        if through == "render":
            render(template, {}, label="notes.docx")
        else:
            from generator.text.typography import fix_document

            fix_document(docx.Document(str(template)))
    if through == "render":
        assert str(caught.value).startswith("notes.docx: ")
    assert "footnotes" in str(caught.value) and "XML mal formé" in str(caught.value)


# --- Never a document cut short ---------------------------------------------------------

def _one_paragraph_template(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Avant {{ valeur }} après")
    for index in range(5):
        document.add_paragraph(f"Paragraphe {index}")
    path = tmp_path / "modele.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize("value", ["DM2019\ud800 06", "a\x01b", "a\ufffeb", "a\x00b"])
def test_a_value_xml_cannot_hold_is_refused_never_truncates_the_document(
        tmp_path: Path, value: str) -> None:
    template = _one_paragraph_template(tmp_path)
    with pytest.raises(TemplateError) as caught:
        render(template, {"valeur": value}, label="modele.docx")
    assert str(caught.value).startswith("modele.docx: le rendu")
    assert "refusé plutôt que tronqué" in str(caught.value)


def test_a_plain_value_keeps_every_paragraph(tmp_path: Path) -> None:
    template = _one_paragraph_template(tmp_path)
    document = render(template, {"valeur": "x"}, label="modele.docx")
    assert len(document.paragraphs) == 6


# --- template_errors: every error, without rendering -------------------------------------

def test_check_template_finds_every_fault_with_its_article_and_tag(tmp_path: Path) -> None:
    first = with_tag(tmp_path / "a.docx", "{{ financement.etat|montant_lettres }}",
                     after=ARTICLE_14)
    second = with_tag(tmp_path / "b.docx", "{% include 'x' %}", after=ARTICLE_3)
    shutil.copy(second, tmp_path / "c.docx")
    assert template_errors(TEMPLATE, SHIPPED)[0] == []
    (error,), _ = template_errors(first, "a.docx")
    assert str(error) == ("a.docx: filtre inconnu : « montant_lettres » (voulez-vous dire "
                          "« montant_en_lettres » ?) — article « Article 14 : Règlement des "
                          "conflits », balise « {{ financement.etat|montant_lettres }} »")
    (error,), _ = template_errors(second, "b.docx")
    assert "include" in str(error) and ARTICLE_3 in str(error)
    unclosed = with_tag(tmp_path / "d.docx", "{% for x in y %}", after=ARTICLE_14)
    (error,), _ = template_errors(unclosed, "d.docx")
    assert "le bloc « for » n’est jamais fermé" in str(error) and ARTICLE_14 in str(error)
    (tmp_path / "e.docx").write_bytes(b"")
    (error,), _ = template_errors(tmp_path / "e.docx", "e.docx")
    assert str(error).startswith("e.docx: modèle illisible")


def test_a_filter_that_cannot_write_a_value_names_its_tag(tmp_path: Path) -> None:
    from generator.errors import FormatError

    template = with_tag(tmp_path / "m.docx", "{{ (10**16)|montant }}", after=ARTICLE_14)
    context = _context()
    with pytest.raises(FormatError) as caught:
        render(template, context, label="m.docx")
    assert str(caught.value).startswith("m.docx: montant trop grand pour être écrit")
    assert f"article « {ARTICLE_14} », balise « {{{{ (10**16)|montant }}}} »" in str(caught.value)


def _context() -> dict:
    from generator.commands.build import load_set
    from generator.paths import Project

    return load_set(Project(ROOT), DOSSIER, "2023").variables.context()


def test_the_limits_are_lifted_after_a_render(tmp_path: Path) -> None:
    import resource
    import signal

    before = resource.getrlimit(resource.RLIMIT_AS), signal.getsignal(signal.SIGALRM)
    template = _one_paragraph_template(tmp_path)
    render(template, {"valeur": "x"}, label="modele.docx")
    with pytest.raises(TemplateError):
        render(template, {"valeur": "\x01"}, label="modele.docx")
    after = resource.getrlimit(resource.RLIMIT_AS), signal.getsignal(signal.SIGALRM)
    assert after == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_endless_loop_rendered_outside_the_main_thread_is_stopped_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web page renders in worker threads, where no signal can interrupt a render."""
    import functools
    import threading
    import time

    from generator.document import render as render_module
    from generator.document import sandbox

    monkeypatch.setattr(render_module, "limits", functools.partial(sandbox.limits, seconds=1.0))
    document = docx.Document()
    document.add_paragraph("{% for i in range(10000) %}{% for j in range(10000) %}"
                           "{% for k in range(10000) %}{% endfor %}{% endfor %}{% endfor %}")
    template = tmp_path / "modele.docx"
    document.save(str(template))
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            render(template, {}, label="modele.docx")
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - the test reads what the thread raised
            outcome.append(exc)

    start = time.monotonic()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "le rendu n’a pas été interrompu"
    assert time.monotonic() - start < 30
    (error,) = outcome
    assert isinstance(error, TemplateError) and "rendu trop long" in str(error), error
    # The deadline is the render's own: a later render in this thread is not cut short.
    assert getattr(sandbox._thread_limits, "deadline", None) is None
