"""Issue 11: kits. A kit is a folder (kit.yaml + modele.docx); the engine knows none of them."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import jsonschema
import pytest

from generator.build import build
from generator.checks import check
from generator.kits.kit import load_kit
from generator.kits.schema import schema_text
from generator.loader import read_tree

from .conftest import DOSSIER, ROOT, run_cli

KIT = "bataillon-prevention"
BAD = ROOT / "tests" / "data" / "bad"


def _plain(value):
    """A set as an editor reads it: dates are text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


# The engine knows no kit


def test_the_engine_holds_no_word_of_the_bataillon() -> None:
    found = subprocess.run(
        ["grep", "-riwE", r"bataillon|m[ée]diat\w*|[ée]ducat\w*|arrivees?\w*|comite_pilotage",
         str(ROOT / "generator")], capture_output=True, text=True)
    assert found.stdout == "", found.stdout


# Commands for template authors


def test_modeles_lists_the_kits_and_modele_documents_every_field(project: Path) -> None:
    listed = run_cli("--root", str(project), "modeles")
    assert listed.returncode == 0, listed.stderr
    assert f"{KIT} : Avenant annuel au bataillon de la prévention" in listed.stdout
    described = run_cli("--root", str(project), "modele", KIT)
    assert described.returncode == 0, described.stderr
    text = described.stdout
    for line in ("financement.etat — montant de l’État [montant (euros), de 1 à 50000000, "
                 "sans centimes]", "exemple : 468000", "avenant.statut — statut [choix]",
                 "mediation.<identifiant>.recrutement — recrutement des médiateurs "
                 "[choix : certain | éventuel]"):
        assert line in text, line
    kit = load_kit(ROOT, KIT)
    for name, spec in kit.fields.items():
        assert f"  {name} — {spec.label} [" in text


def test_an_unknown_kit_is_named_with_the_known_ones(project: Path) -> None:
    result = run_cli("--root", str(project), "modele", "inconnu")
    assert result.returncode == 1
    assert "kit inconnu : « inconnu »" in result.stderr and KIT in result.stderr


def test_new_modele_starts_a_dossier_that_check_then_guides(project: Path) -> None:
    result = run_cli("--root", str(project), "new", "--modele", KIT, "nouveau", "2026")
    assert result.returncode == 0, result.stderr
    path = project / "variables" / "nouveau" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../../templates/{KIT}/schema.json\n")
    assert "# montant de l’État : En euros, pour la période de l’avenant." in text
    assert "statut: projet" in text
    data, _ = read_tree(path)
    assert set(load_kit(ROOT, KIT).fields) <= set(data)
    checked = run_cli("--root", str(project), "check", "nouveau", "2026")
    assert checked.returncode == 1
    assert re.search(r"erreur : variables/nouveau/2026\.yaml:\d+: communes\.identifiant: la "
                     "commune de Dijon s’engage", checked.stdout), checked.stdout
    again = run_cli("--root", str(project), "new", "--modele", KIT, "nouveau", "2026")
    assert again.returncode == 1 and "existe déjà" in again.stderr
    assert path.read_text(encoding="utf-8") == text


# The JSON Schema of a kit


def test_the_shipped_schema_is_the_one_the_kit_gives() -> None:
    shipped = (ROOT / "templates" / KIT / "schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(load_kit(ROOT, KIT))


@pytest.mark.parametrize("path", sorted((ROOT / "variables").glob("*/*.yaml")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_set_names_its_schema_and_the_schema_accepts_it(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../templates/{KIT}/schema.json"
    schema = json.loads((ROOT / "templates" / KIT / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(_plain(read_tree(path)[0]))


@pytest.mark.parametrize("name, where", [
    ("effectif-negatif", ["effectifs", "mediateurs", "saint-aubert"]),
    ("champ-manquant", ["convention"]), ("mauvais-type", ["financement", "etat"]),
    ("cle-inconnue", ["avenant"]),
])
def test_the_schema_rejects_the_broken_corpus(name: str, where: list[str]) -> None:
    schema = json.loads((ROOT / "templates" / KIT / "schema.json").read_text(encoding="utf-8"))
    data = _plain(read_tree(BAD / f"{name}.yaml")[0])
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert [list(e.path) for e in errors][:1] == [where]


# Choices: the spelling a French user types


def test_an_accented_choice_is_accepted_and_reads_as_the_kit_writes_it(project: Path) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("recrutement: eventuel", "recrutement: éventuel")
                    .replace("genre: feminin", "genre: féminin"), encoding="utf-8")
    assert [p for p in check(DOSSIER, "2023", root=project) if p.severity == "erreur"] == []
    texts = [p.text for p in docx.Document(str(build(DOSSIER, "2023", root=project).docx))
             .paragraphs]
    assert any("pourront également être recrutés" in t for t in texts)


# The template checked against its kit, without rendering


def _edit_template(project: Path, old: str, new: str) -> None:
    path = project / "templates" / KIT / "modele.docx"
    with zipfile.ZipFile(path) as archive:
        items = [(i, archive.read(i.filename)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            archive.writestr(info, data)


@pytest.mark.parametrize("old, new, message", [
    ("Le tribunal administratif", "{{ financement.etat|montant_lettres }} Le tribunal "
     "administratif", "Article 14 : Règlement des conflits : filtre inconnu « montant_lettres » : "
     "« {{ financement.etat|montant_lettres }} »"),
    ("En cas d’inexécution", "{% if financement.etat %}En cas d’inexécution",
     "Article 13 : Sanctions et résiliation : bloc « if » jamais fermé (endif manquant) : "
     "« {% if financement.etat %} »"),
    ("Le tribunal administratif", "{{ subvention }} Le tribunal administratif",
     "Article 14 : Règlement des conflits : variable inconnue « subvention »"),
    ("Le tribunal administratif", "{{ financement.etat + }} Le tribunal administratif",
     "Article 14 : Règlement des conflits : balise invalide"),
])
def test_a_broken_template_fails_check_naming_the_article_and_the_tag(
        project: Path, old: str, new: str, message: str) -> None:
    _edit_template(project, old, new)
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 1, result.stdout
    assert f"erreur : templates/{KIT}/modele.docx: {message}" in result.stdout, result.stdout


def test_a_declared_field_the_template_never_uses_is_a_warning(project: Path) -> None:
    path = project / "templates" / KIT / "kit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\ncalculs:\n", "\n  oublie:\n    type: texte\n    libelle: champ oublié\n    requis: "
        "false\n\ncalculs:\n"), encoding="utf-8")
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 0, result.stdout
    assert re.search(rf"avertissement : templates/{KIT}/kit\.yaml:\d+: champs\.oublie: le champ "
                     "« oublie » \\(champ oublié\\) n’est utilisé", result.stdout), result.stdout


@pytest.mark.parametrize("old, new, field, words", [
    ("    type: montant\n", "    type: monnaie\n", "champs.financement.champs.etat.type",
     "type inconnu : « monnaie »"),
    ('  professionnels:\n    expression: "educateurs + mediateurs"',
     '  professionnels:\n    expression: "educateurs + "', "calculs.professionnels",
     "expression invalide"),
])
def test_a_broken_kit_file_is_named_at_its_line_and_field(project: Path, old: str, new: str,
                                                           field: str, words: str) -> None:
    path = project / "templates" / KIT / "kit.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 1
    assert re.search(rf"templates/{KIT}/kit\.yaml:\d+: {re.escape(field)}: {words}",
                     result.stdout + result.stderr), result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_build_names_the_article_and_the_tag_of_a_broken_template(project: Path) -> None:
    _edit_template(project, "Le tribunal administratif",
                   "{{ financement.etat|montant_lettres }} Le tribunal administratif")
    result = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert result.returncode == 1
    assert f"templates/{KIT}/modele.docx: " in result.stderr
    assert "Article 14 : Règlement des conflits" in result.stderr
    assert "montant_lettres" in result.stderr
    assert "No filter" not in result.stderr and "Traceback" not in result.stderr
