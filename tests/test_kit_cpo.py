"""Issue 11, the second kit: the annual financial avenant to a convention pluriannuelle
d'objectifs (templates/cpo-annuel), on its fictional dossier, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import jsonschema
import pytest
from docx.oxml.ns import qn

from generator.variables.reader import read_tree

from .conftest import ROOT, copy_project, edit_text, run_cli

DOSSIER = "exemple-cpo-association"
ARTICLES = [
    "Préambule",
    "Article 1er – Objet de l’avenant",
    "Article 2 – Montant de la subvention",
    "Article 3 – Budget prévisionnel",
    "Article 4 – Modalités de versement",
    "Article 5 – Imputation budgétaire",
    "Article 6 – Justificatifs",
    "Article 7 – Autres dispositions",
    "Article 8 – Prise d’effet",
]


def _plain(text: str) -> str:
    """Text with no-break spaces as spaces and runs of spaces as one."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, plain text) of every body paragraph outside tables."""
    return [(p.style.name, _plain(p.text)) for p in docx.Document(str(path)).paragraphs
            if p.text.strip()]


def _text(path: Path) -> str:
    return " ".join(t for _, t in _paragraphs(path))


def _table(path: Path, caption: str) -> list[list[str]]:
    for table in docx.Document(str(path)).tables:
        found = table._tbl.tblPr.find(qn("w:tblCaption"))
        if found is not None and found.get(qn("w:val")) == caption:
            rows = []
            for tr in table._tbl.findall(qn("w:tr")):
                rows.append([_plain("".join(t.text or "" for t in tc.iter(qn("w:t"))))
                             for tc in tr.findall(qn("w:tc"))])
            return rows
    raise AssertionError(f"pas de tableau « {caption} »")


def _euros(text: str) -> Decimal:
    match = re.fullmatch(r"([\d ]+(?:,\d\d)?) €", text)
    assert match, text
    return Decimal(match.group(1).replace(" ", "").replace(",", "."))


def _edit(root: Path, version: str, *pairs: tuple[str, str]) -> Path:
    return edit_text(root / "variables" / DOSSIER / f"{version}.yaml", *pairs)


def _line_of(path: Path, line: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(line) + 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both shipped versions of the CPO dossier, built once through the CLI."""
    root = copy_project(tmp_path_factory.mktemp("cpo"))
    out = {}
    for version, numero in (("2025", "1-2025"), ("2026", "2-2026")):
        result = run_cli("--root", str(root), "build", DOSSIER, version)
        assert result.returncode == 0, result.stderr
        path = root / "output" / DOSSIER / version / f"avenant-{numero}.docx"
        assert result.stdout.strip().splitlines()[-1].endswith(
            str(Path("output") / DOSSIER / version / f"avenant-{numero}.docx"))
        out[version] = path
    return out


# What the document says


def test_the_subsidy_is_written_in_figures_and_in_words(built: dict[str, Path]) -> None:
    assert ("Pour l’année 2025, l’administration contribue financièrement pour un montant de "
            "48 500 € (quarante-huit mille cinq cents euros).") in _text(built["2025"])
    assert "51 000 € (cinquante et un mille euros)" in _text(built["2026"])


def test_a_subsidy_with_cents_is_written_with_its_cents(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    _edit(root, "2025", ("subvention: 48500", "subvention: 48500.50"),
          ("      montant: 48500\n", "      montant: 48500.50\n"),
          ("      montant: 4900\n", "      montant: 4899.50\n"),
          ("    montant: 24250\n    date: 2025-09-30",
           "    montant: 24250.50\n    date: 2025-09-30"))
    result = run_cli("--root", str(root), "build", DOSSIER, "2025")
    assert result.returncode == 0, result.stderr
    text = _text(root / "output" / DOSSIER / "2025" / "avenant-1-2025.docx")
    assert ("un montant de 48 500,50 € (quarante-huit mille cinq cents euros et cinquante "
            "centimes).") in text
    assert "le solde, soit 24 250,50 €, versé" in text


def test_the_schedule_gives_each_payment_its_amount_and_date_and_adds_up(
        built: dict[str, Path]) -> None:
    paragraphs = _paragraphs(built["2025"])
    start = paragraphs.index(("Heading 1", "Article 4 – Modalités de versement"))
    items = [t for style, t in paragraphs[start:start + 4] if style == "List Bullet"]
    assert items == [
        "une avance de 24 250 €, versée à la signature du présent avenant et au plus tard le "
        "31 mars 2025 ;",
        "le solde, soit 24 250 €, versé au plus tard le 30 septembre 2025, après production du "
        "compte rendu financier de l’exercice 2024 et les vérifications réalisées par "
        "l’administration.",
    ]
    amounts = [_euros(re.search(r"(\d[\d ]*) €", t).group(0)) for t in items]
    assert sum(amounts) == Decimal(48500)
    assert "Le total de ces versements, soit 48 500 €, est égal" in _text(built["2025"])


def test_the_imputation_names_programme_and_action_in_their_wording(
        built: dict[str, Path]) -> None:
    assert ("imputée sur les crédits du programme 163 « Jeunesse et vie associative », action 02 "
            "« Actions en faveur de la jeunesse et de l’éducation populaire », de la mission "
            "« Sport, jeunesse et vie associative », du budget de l’État pour l’année 2025."
            ) in _text(built["2025"])


@pytest.mark.parametrize("version, total", [("2025", 122000), ("2026", 126300)])
def test_the_budget_table_lists_charges_and_produits_with_balanced_totals(
        built: dict[str, Path], version: str, total: int) -> None:
    rows = _table(built[version], "Budget prévisionnel")
    assert rows[0] == ["Compte", "Intitulé", "Montant"]
    labels = [row[0] for row in rows]
    charges = rows[labels.index("Charges") + 1:labels.index("Total des charges")]
    produits = rows[labels.index("Produits") + 1:labels.index("Total des produits")]
    assert len(charges) == 7 and len(produits) == 7
    assert [c[0] for c in charges] == ["60", "61", "62", "63", "64", "65", "68"]
    total_charges = _euros(rows[labels.index("Total des charges")][-1])
    total_produits = _euros(rows[labels.index("Total des produits")][-1])
    assert sum(_euros(c[2]) for c in charges) == total_charges == Decimal(total)
    assert sum(_euros(p[2]) for p in produits) == total_produits == Decimal(total)
    header = docx.Document(str(built[version])).tables[0].rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None, "the header row repeats on each page"


def test_the_clauses_left_unchanged_are_said(built: dict[str, Path]) -> None:
    text = _text(built["2026"])
    assert ("Les autres clauses de la convention et de ses avenants demeurent inchangées et "
            "continuent de produire leurs effets, notamment :") in text
    assert "l’article 7 « Autres engagements » ;" in text


def test_each_signatory_has_a_column_with_title_then_name(built: dict[str, Path]) -> None:
    rows = _table(built["2025"], "Signatures")
    assert rows == [["Le Préfet du Val-d’Ormeau",
                     "La Présidente de l’association Les Ateliers du Lien"],
                    ["Monsieur Hugues DELORME-VASSEUR", "Madame Maëlle KERVADEC"]]
    fait = next(t for _, t in _paragraphs(built["2025"]) if t.startswith("Fait à"))
    assert fait == "Fait à Sainte-Aldegonde, le 12 mars 2025, en deux exemplaires originaux."


# Word qualities, as the bataillon's


def test_the_document_has_the_word_structure_of_an_official_avenant(
        built: dict[str, Path]) -> None:
    paragraphs = _paragraphs(built["2025"])
    assert [t for style, t in paragraphs if style == "Title"] == [
        "Avenant n° 1-2025",
        "à la convention pluriannuelle d’objectifs 2024-2027 entre l’État et l’association "
        "Les Ateliers du Lien",
        "Contribution financière de l’État pour l’année 2025"]
    assert [t for style, t in paragraphs if style == "Heading 1"] == ARTICLES
    assert sum(style == "List Bullet" for style, _ in paragraphs) == 3 + 2 + 3 + 4
    document = docx.Document(str(built["2025"]))
    bullets = document.styles["List Bullet"].element.find(qn("w:pPr")).find(qn("w:numPr"))
    assert bullets is not None, "bullets are Word numbering, not typed characters"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "fr-FR"
    footer = section.footer._element
    assert "PAGE" in [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert "Avenant n° 1-2025" in _plain("".join(t.text for t in footer.iter(qn("w:t"))))


def test_only_the_draft_says_projet_in_its_header(built: dict[str, Path]) -> None:
    def header(path: Path) -> str:
        element = docx.Document(str(path)).sections[0].header._element
        return "".join(t.text or "" for t in element.iter(qn("w:t")))

    assert "PROJET" in header(built["2026"])
    assert "PROJET" not in header(built["2025"])
    assert "PROJET" not in _text(built["2026"])


# Checks: file:line:field, in French


def test_an_unbalanced_budget_fails_check_at_the_produits_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = _edit(root, "2025", ("      montant: 92300", "      montant: 92400"))
    result = run_cli("--root", str(root), "check", DOSSIER, "2025")
    assert result.returncode == 1
    line = _line_of(path, "  produits:")
    assert (f"erreur : variables/{DOSSIER}/2025.yaml:{line}: budget.produits (produits du "
            "budget prévisionnel): le budget "
            "prévisionnel n’est pas équilibré : les charges totalisent 122 100 € et les "
            "produits 122 000 € (écart de 100 €).") in _plain(result.stdout)
    built = run_cli("--root", str(root), "build", DOSSIER, "2025")
    assert built.returncode == 1
    assert not (root / "output" / DOSSIER / "2025" / "avenant-1-2025.docx").exists()


def test_a_schedule_that_does_not_add_up_fails_check_at_the_versements_line(
        tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = _edit(root, "2025", ("    montant: 24250\n    date: 2025-09-30",
                                "    montant: 24000\n    date: 2025-09-30"))
    result = run_cli("--root", str(root), "check", DOSSIER, "2025")
    assert result.returncode == 1
    line = _line_of(path, "versements:")
    assert (f"erreur : variables/{DOSSIER}/2025.yaml:{line}: versements (échéancier des "
            "versements): les versements "
            "totalisent 48 250 € alors que la subvention est de 48 500 €") in _plain(result.stdout)


def test_a_payment_outside_the_year_is_a_warning_at_its_date(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = _edit(root, "2025", ("    date: 2025-09-30", "    date: 2026-01-15"))
    result = run_cli("--root", str(root), "check", DOSSIER, "2025")
    assert result.returncode == 0, result.stdout
    line = _line_of(path, "    date: 2026-01-15")
    assert (f"avertissement : variables/{DOSSIER}/2025.yaml:{line}: versements[2].date "
            "(date prévisionnelle (2e versement, solde)): le "
            "versement du 15 janvier 2026 tombe hors de l’année 2025") in _plain(result.stdout)


def test_the_state_line_of_the_budget_must_be_the_subsidy(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    _edit(root, "2025", ("subvention: 48500", "subvention: 48000"),
          ("    montant: 24250\n    date: 2025-09-30", "    montant: 23750\n    date: 2025-09-30"))
    result = run_cli("--root", str(root), "check", DOSSIER, "2025")
    assert result.returncode == 1
    assert ("budget.produits (produits du budget prévisionnel): la ligne « etat: true » des "
            "produits du budget vaut 48 500 €, elle "
            "doit reprendre le montant de la subvention (48 000 €).") in _plain(result.stdout)


def test_the_kit_schema_accepts_the_sets_and_rejects_a_wrong_choice_or_key() -> None:
    schema = json.loads((ROOT / "templates" / "cpo-annuel" / "schema.json").read_text(
        encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    sets = {v: json.loads(json.dumps(read_tree(ROOT / "variables" / DOSSIER / f"{v}.yaml")[0],
                                     default=str)) for v in ("2025", "2026")}
    for data in sets.values():
        validator.validate(data)
    data = sets["2025"]
    data["versements"][0]["nature"] = "acompte exceptionnel"
    data["budget"]["charges"]["frais_divers"] = {"compte": "62", "libelle": "Divers",
                                                 "montant": 10}
    data["subvention"] = "48 500 €"
    paths = sorted(list(e.absolute_path) for e in validator.iter_errors(data))
    assert paths == [["budget", "charges"], ["subvention"], ["versements", 0, "nature"]]


# Titles agree with the person who signs


@pytest.mark.parametrize("flip", [False, True], ids=["préfet-présidente", "préfète-président"])
def test_titles_agree_with_the_signatories_everywhere(tmp_path: Path, flip: bool) -> None:
    root = copy_project(tmp_path)
    if flip:
        _edit(root, "2025", ("    civilite: Monsieur\n    prenom: Hugues",
                             "    civilite: Madame\n    prenom: Hortense"),
              ("    civilite: Madame\n    prenom: Maëlle",
               "    civilite: Monsieur\n    prenom: Maël"))
    result = run_cli("--root", str(root), "build", DOSSIER, "2025")
    assert result.returncode == 0, result.stderr
    path = root / "output" / DOSSIER / "2025" / "avenant-1-2025.docx"
    text = _text(path) + " " + " ".join(" ".join(r) for r in _table(path, "Signatures"))
    prefet, president = (("Madame la Préfète", "Monsieur le Président") if flip
                         else ("Monsieur le Préfet", "Madame la Présidente"))
    assert f"L’État, représenté par {prefet} du Val-d’Ormeau," in text
    assert f"représentée par {president}, et désignée" in text
    assert ("La Préfète du Val-d’Ormeau" if flip else "Le Préfet du Val-d’Ormeau") in text
    assert ("Le Président de l’association" if flip else "La Présidente de l’association") in text
    assert (f"L’ordonnateur de la dépense est {'la préfète' if flip else 'le préfet'} du "
            "Val-d’Ormeau.") in text
    wrong = (r"\b[Pp]réfet\b|\b[Pp]résidente\b" if flip else r"\b[Pp]réfète\b|\b[Pp]résident\b")
    assert not re.search(wrong, text), re.search(wrong, text)


# The dossier's life: new, diff, build --all


def test_diff_2025_2026_names_the_moved_values_in_french(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    result = run_cli("--root", str(root), "diff", DOSSIER, "2025", "2026")
    assert result.returncode == 0, result.stderr
    report = _plain(result.stdout)
    assert "Valeurs modifiées" in report
    assert "montant de la subvention : 48 500 € → 51 000 €" in report
    assert "numéro de l’avenant : 1-2025 → 2-2026" in report
    assert "Article 2 – Montant de la subvention" in report
    folder = root / "output" / DOSSIER / "2026"
    assert (folder / "comparaison-2025-2026.docx").is_file()


def test_diff_writes_computed_values_as_their_type_and_names_each_payment(
        tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    result = run_cli("--root", str(root), "diff", DOSSIER, "2025", "2026")
    assert result.returncode == 0, result.stderr
    report = _plain(result.stdout)
    assert "total des charges du budget prévisionnel : 122 000 € → 126 300 €" in report
    assert "montant de l’avance : 24 250 € → 25 500 €" in report
    assert "montant du versement (1er versement, avance) : 24 250 € → 25 500 €" in report
    assert "date prévisionnelle (2e versement, solde) : 30 septembre 2025 → 30 septembre 2026" \
        in report
    assert "échéancier des versements n°" not in report


def test_diff_never_reports_a_value_the_document_writes_the_same(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    visa = "  - la loi n° 2021-1109 du 24 août 2021 confortant le respect des principes de la " \
        "République\n"
    _edit(root, "2026", (visa, visa.replace("  - la", "  - >\n    la", 1).replace(
        "respect des", "respect\n    des", 1)))
    result = run_cli("--root", str(root), "diff", DOSSIER, "2025", "2026")
    assert result.returncode == 0, result.stderr
    assert "visa n° 2" not in result.stdout, result.stdout
    rows = re.findall(r"^ {2}(.+?) : (.+) → (.+)$", result.stdout, re.MULTILINE)
    assert rows and all(old != new for _, old, new in rows), rows


def test_modele_gives_the_type_of_each_computed_value(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    result = run_cli("--root", str(root), "modele", "cpo-annuel")
    assert "total_charges — total des charges du budget prévisionnel [montant (euros)] = " \
        in result.stdout, result.stdout
    kit = root / "templates" / "cpo-annuel" / "kit.yaml"
    kit.write_text(kit.read_text(encoding="utf-8").replace(
        "libelle: montant de l’avance\n    type: montant", "libelle: montant de l’avance\n"
        "    type: date"), encoding="utf-8")
    built = run_cli("--root", str(root), "build", DOSSIER, "2025")
    assert built.returncode == 1
    assert re.search(r"templates/cpo-annuel/kit\.yaml:\d+: calculs\.avance: le calcul « avance » "
                     r"donne 24250, pas une valeur de type date", built.stderr), built.stderr


def test_new_drafts_2026_from_2025_and_check_guides_the_drafter(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "variables" / DOSSIER / "2026.yaml").unlink()
    result = run_cli("--root", str(root), "new", DOSSIER, "2026")
    assert result.returncode == 0, result.stdout + result.stderr
    drafted = (root / "variables" / DOSSIER / "2026.yaml").read_text(encoding="utf-8")
    assert drafted.splitlines()[0] == (
        "# yaml-language-server: $schema=../../templates/cpo-annuel/schema.json")
    assert "kit: cpo-annuel" in drafted
    assert (root / "output" / DOSSIER / "2026" / "avenant-2-2026.docx").is_file()
    review = _plain(result.stdout)
    assert ("subvention (montant de la subvention): montant de la subvention inchangé depuis "
            "l’avenant n° 1-2025") in review
    assert ("versements[1].date (date prévisionnelle (1er versement, avance)): le versement du "
            "31 mars 2025 tombe hors de l’année 2026") in review


def test_build_all_builds_both_years_of_the_cpo_dossier(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    result = run_cli("--root", str(root), "build", "--all", "-j", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    for version, numero in (("2025", "1-2025"), ("2026", "2-2026")):
        assert (root / "output" / DOSSIER / version / f"avenant-{numero}.docx").is_file()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice ou poppler absent")
def test_libreoffice_renders_three_to_six_pages_with_every_article(built: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built["2026"])],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "avenant-2-2026.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert 3 <= pages <= 6
    text = _plain(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                 text=True).stdout)
    for heading in ARTICLES:
        assert heading in text, heading
    assert text.count("PROJET") == pages, "« PROJET » once on every page of the draft"


def test_the_text_follows_french_typography(built: dict[str, Path]) -> None:
    document = docx.Document(str(built["2026"]))
    roots = [document.element.body, document.sections[0].footer._element]
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for root in roots
             for p in root.iter(qn("w:p"))]
    texts = [t for t in texts if t.strip()]
    for sign in (";", ":", "»", "%", "€"):
        assert not [t for t in texts if f" {sign}" in t], sign
    assert not [t for t in texts if "« " in t or "'" in t or '"' in t]
    assert not [t for t in texts if re.search(r"n°(?!\u00a0)|[ \u00a0\u202f]{2,}", t)]
    assert any("51\u202f000\u00a0€" in t for t in texts), "thousands by a narrow no-break space"
    assert not [t for t in texts if re.search(r"\b2\u202f0\d\d\b", t)], "years never grouped"
