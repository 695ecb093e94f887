"""Issue 5 through the CLI: `avenant diff` on two versions of a dossier, and on two files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from generator.compare.views import document_views

from .conftest import DOSSIER, ROOT, edit_text, run_cli


def _body(path: Path, view: str) -> list[str]:
    return [p for p in document_views(path, view)["corps"] if p.strip()]


def _plain(text: str) -> str:
    """Text with no-break spaces as spaces and runs of spaces as one."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _reasons(report: str, passage: str) -> list[str]:
    """The reasons the report gives under the one changed passage whose line shows PASSAGE."""
    lines = report.splitlines()
    found = [i for i, line in enumerate(lines) if line.startswith("  • ") and passage in line]
    assert len(found) == 1, (passage, report)
    reasons = []
    for line in lines[found[0] + 1:]:
        if not line.startswith("      ↳ "):
            break
        reasons.append(line.removeprefix("      ↳ "))
    return reasons


def _edit(root: Path, dossier: str, version: str, *pairs: tuple[str, str]) -> None:
    edit_text(root / "variables" / dossier / f"{version}.yaml", *pairs)


def test_diff_of_two_versions_lists_the_values_that_moved(project: Path) -> None:
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "Valeurs modifiées" in report
    assert "année : 2023 → 2024" in report
    assert "numéro de l’avenant : 1-2023 → 2-2024" in report
    assert "Article 11" in report
    values_at = report.index("Valeurs modifiées")
    assert values_at < report.index("Article 11"), "values come before the passages"
    folder = project / "output" / DOSSIER / "2024"
    assert (folder / "comparaison-2023-2024.docx").is_file()
    html = (folder / "comparaison-2023-2024.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in html and "2-2024" in html


@pytest.mark.parametrize("dossier, old, new, passage, moved", [
    (DOSSIER, "2023", "2024", "Insertion : {+PROJET+}", "final → projet"),
    (DOSSIER, "2024", "2023", "Suppression : [-PROJET-]", "projet → final"),
    ("exemple-cpo-association", "2025", "2026", "Insertion : {+PROJET+}", "final → projet"),
])
def test_the_projet_mark_is_explained_by_the_statut(project: Path, dossier: str, old: str,
                                                    new: str, passage: str, moved: str) -> None:
    result = run_cli("--root", str(project), "diff", dossier, old, new,
                     "-o", str(project / "output" / f"{dossier}-{old}-{new}.docx"))
    assert result.returncode == 0, result.stderr
    header = result.stdout.split("■ En-tête\n", 1)[1].split("\n■ ", 1)[0].splitlines()
    assert header == [f"  • {passage}", f"      ↳ statut de l’avenant : {moved}"], header


def test_the_redline_accepts_to_the_new_avenant_and_rejects_to_the_old(project: Path) -> None:
    assert run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024").returncode == 0
    out = project / "output" / DOSSIER
    redline = out / "2024" / "comparaison-2023-2024.docx"
    assert _body(redline, "accept") == _body(out / "2024" / "avenant-2-2024.docx", "plain")
    assert _body(redline, "reject") == _body(out / "2023" / "avenant-1-2023.docx", "plain")


def test_running_the_same_diff_twice_gives_the_same_files(project: Path) -> None:
    assert run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024").returncode == 0
    redline = project / "output" / DOSSIER / "2024" / "comparaison-2023-2024.docx"
    first = redline.read_bytes()
    again = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert again.returncode == 0, again.stderr
    assert redline.read_bytes() == first


def test_a_changed_amount_is_explained_in_a_word_comment(project: Path) -> None:
    path = project / "variables" / DOSSIER / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("etat: 468000", "etat: 480000"),
                    encoding="utf-8")
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024", "--commentaires",
                     "--auteur", "Préfecture de la Côte-d’Or")
    assert result.returncode == 0, result.stderr
    assert "montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€" in result.stdout
    redline = project / "output" / DOSSIER / "2024" / "comparaison-2023-2024.docx"
    with zipfile.ZipFile(redline) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
        body = archive.read("word/document.xml").decode("utf-8")
    assert "montant de l’État" in comments and "480\u202f000" in comments
    assert 'w:author="Préfecture de la Côte-d’Or"' in body


def test_a_value_explains_a_passage_only_where_the_passage_changed(project: Path) -> None:
    _edit(project, DOSSIER, "2024",
          ("  - numero: 1-2023", "  - numero: 1-2023\n    date_signature: 2021-12-01"),
          ("[2021-12-01, 2022-01-03]", "[2021-12-01, 2022-01-10]"),
          ("  prefet:\n    civilite: Monsieur", "  prefet:\n    civilite: Madame"),
          ("  nom: Dijon Métropole", "  nom: Grand Dijon"),
          ("etat: 468000", "etat: 480000"))
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    signed = "date de signature de l’avenant n° 1-2023 : (vide) → 1er décembre 2021"
    metropole = "nom de la métropole : Dijon Métropole → Grand Dijon"
    # In the changed words, a value explains the passage: a date, an amount, a name, a title.
    assert signed in _reasons(report, "signé le 1er décembre 2021")
    assert metropole in _reasons(report, "Engagements de {+Grand +}Dijon[- Métropole-]")
    assert "signataire pour l’État : Monsieur → Madame" in _reasons(
        report, "représenté par [-Monsieur le Préfet-]{+Madame la Préfète+}")
    # In the unchanged words only, it does not: « 1er décembre 2021 » is also the first
    # arrival, « Dijon Métropole » is also in the association's name, « 1 » the page number.
    assert _reasons(report, "le [-3-]{+10+} janvier 2022") == [
        "date d’arrivée n° 2 : 3 janvier 2022 → 10 janvier 2022"]
    assert _reasons(report, "à [-468\u202f000-]{+480\u202f000+}\xa0€, qui seront versés") == [
        "montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€"]
    title = _reasons(report, "[-1-2023-]{+2-2024+} à la")
    assert title and _reasons(report, "[-1-2023-]{+2-2024+} – page 1 sur 1") == title


def test_a_number_in_the_unchanged_words_explains_nothing(project: Path) -> None:
    result = run_cli("--root", str(project), "diff", "exemple-cpo-association", "2025", "2026")
    assert result.returncode == 0, result.stderr
    reasons = [_plain(r) for r in _reasons(result.stdout, "fixé à l’article 2.")]
    assert "montant de la subvention : 48 500 € → 51 000 €" in reasons
    assert not [r for r in reasons if r.startswith("rang de l’avenant")], reasons


def test_diff_of_two_word_files_writes_where_o_says(project: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "ancien.docx", tmp_path / "nouveau.docx"
    pairs = ((old, "Le montant est de 100 euros."), (new, "Le montant est de 120 euros."))
    for path, text in pairs:
        document = docx.Document()
        document.add_heading("Article 1 : Montant", level=1)
        document.add_paragraph(text)
        document.save(str(path))
    target = tmp_path / "sortie" / "comparaison.docx"
    target.parent.mkdir()
    result = run_cli("--root", str(project), "diff", str(old), str(new), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "Article 1 : Montant" in result.stdout
    assert target.is_file() and target.with_suffix(".html").is_file()
    assert _body(target, "accept") == ["Article 1 : Montant", "Le montant est de 120 euros."]
    assert _body(target, "reject") == ["Article 1 : Montant", "Le montant est de 100 euros."]


def test_diff_refuses_a_file_that_is_not_word_and_writes_nothing(project: Path,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "faux.docx"
    bad.write_text("ceci n’est pas un document Word", encoding="utf-8")
    good = tmp_path / "vrai.docx"
    docx.Document().save(str(good))
    target = tmp_path / "comparaison.docx"
    result = run_cli("--root", str(project), "diff", str(bad), str(good), "-o", str(target))
    assert result.returncode == 1
    assert "faux.docx" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists() and not target.with_suffix(".html").exists()


def test_a_different_existing_comparison_is_kept_without_force(project: Path) -> None:
    assert run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024").returncode == 0
    redline = project / "output" / DOSSIER / "2024" / "comparaison-2023-2024.docx"
    redline.write_bytes(b"annotations du relecteur")
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert result.returncode == 1 and "--force" in result.stderr
    assert redline.read_bytes() == b"annotations du relecteur"
    forced = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024", "--force")
    assert forced.returncode == 0
    assert redline.with_name(redline.name + ".1").read_bytes() == b"annotations du relecteur"


def test_diff_with_a_wrong_number_of_arguments_is_a_usage_error(project: Path) -> None:
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023")
    assert result.returncode == 2
    assert "attend deux versions" in result.stderr
    assert result.stderr.startswith("utilisation : avenant diff")


def test_the_docxodus_engine_gives_the_same_accept_and_reject_texts(project: Path) -> None:
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024", "--moteur",
                     "docxodus", "-o", str(project / "docxodus.docx"))
    assert result.returncode == 0, result.stderr
    assert "moteur docxodus" in result.stdout
    out = project / "output" / DOSSIER
    redline = project / "docxodus.docx"
    assert _body(redline, "accept") == _body(out / "2024" / "avenant-2-2024.docx", "plain")
    assert _body(redline, "reject") == _body(out / "2023" / "avenant-1-2023.docx", "plain")


def test_diff_of_two_files_starts_light(tmp_path: Path) -> None:
    """What a ``diff`` of two files loads counts at each start: no kits, no needless module.

    And argparse never searches for translations (the French is ours, matched on its English).
    """
    old, new = tmp_path / "ancien.docx", tmp_path / "nouveau.docx"
    for path, text in ((old, "Le montant est de 100 euros."), (new, "Le montant est de 120.")):
        document = docx.Document()
        document.add_heading("Article 1 : Montant", level=1)
        document.add_paragraph(text)
        document.save(str(path))
    code = ("import sys, contextlib, io, gettext\n"
            "def looked_up(*args, **kwargs):\n"
            "    raise SystemExit('gettext consulted')\n"
            "gettext.dgettext = gettext.translation = looked_up\n"
            "from generator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['diff', {str(old)!r}, {str(new)!r}, '-o', {str(tmp_path / 'r.docx')!r}])\n"
            "print(sorted(m for m in sys.modules if m.startswith('generator.kits') or m in "
            "('tempfile', 'html', 'locale', 'random', 'dataclasses', 'datetime')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
