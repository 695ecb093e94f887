"""Issue 4: `avenant check` — the consistency checks a schema cannot make, errors and warnings.

Most cases edit a shipped set in a temporary project and call ``check`` in process (fast); the
exit codes and the printed form are tested through the CLI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.commands.check import check
from generator.errors import Problem

from .conftest import DOSSIER, ROOT, edit_text, run_cli

FICTIF = "exemple-fictif-trois-communes"
SHIPPED = sorted((p.parent.name, p.stem) for p in (ROOT / "variables").glob("*/*.yaml"))


def _edit(root: Path, dossier: str, version: str, *pairs: tuple[str, str]) -> None:
    edit_text(root / "variables" / dossier / f"{version}.yaml", *pairs)


def _errors(found: list[Problem]) -> dict[str, str]:
    return {p.field or "": p.message for p in found if p.severity == "erreur"}


def _warnings(found: list[Problem]) -> dict[str, str]:
    return {p.field or "": p.message for p in found if p.severity == "avertissement"}


# Shipped sets


def test_the_shipped_sets_are_the_ones_expected() -> None:
    assert (DOSSIER, "2023") in SHIPPED and (DOSSIER, "2024") in SHIPPED
    assert (FICTIF, "2025") in SHIPPED


@pytest.mark.parametrize("dossier, version", SHIPPED)
def test_check_passes_on_every_shipped_set(dossier: str, version: str) -> None:
    result = run_cli("--root", str(ROOT), "check", dossier, version)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "erreur :" not in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("0 erreur(s)")


def test_check_exits_0_with_warnings_and_prints_them_in_french(project: Path) -> None:
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 0
    assert ("avertissement : variables/bataillon-prevention-dijon/2023.yaml:33: visas[3] "
            "(visa n° 3): la loi "
            "de finances visée est celle de 2021, l’avenant finance 2023") in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "0 erreur(s), 1 avertissement(s)"


def test_check_exits_1_on_an_error_and_prints_every_problem(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("    dijon: 3\n", "    dijon: 3\n    total: 12\n"))
    result = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert result.returncode == 1
    assert ("erreur : variables/bataillon-prevention-dijon/2023.yaml:65: "
            "effectifs.mediateurs.total (total des médiateurs saisi): le total saisi (12)"
            ) in result.stdout
    assert "avertissement : " in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "1 erreur(s), 1 avertissement(s)"


def test_check_names_an_unknown_version_and_exits_1(project: Path) -> None:
    result = run_cli("--root", str(project), "check", DOSSIER, "1999")
    assert result.returncode == 1
    assert "version inconnue" in result.stderr and "Traceback" not in result.stderr


# Totals agree with their parts (the errata of avenant 1-2023)


def test_it_reports_the_typed_totals_of_the_signed_2023_text(project: Path) -> None:
    # The signed text said 24 professionals and 12 mediators, for 12 + 9 and 6 + 3.
    _edit(project, DOSSIER, "2023",
          ("    dijon: 3\n", "    dijon: 3\n    total: 12\n  total: 24\n"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "(6 + 3 = 9)" in errors["effectifs.mediateurs.total"]
    assert "(12 + 9 = 21)" in errors["effectifs.total"]


def test_typed_totals_that_agree_are_accepted(project: Path) -> None:
    _edit(project, DOSSIER, "2023",
          ("    dijon: 3\n", "    dijon: 3\n    total: 9\n  total: 21\n"),
          ("    dijon: 6\n", "    dijon: 6\n    total: 12\n"))
    assert _errors(check(DOSSIER, "2023", root=project)) == {}


def test_the_chenove_split_must_add_up_to_its_mediators(project: Path) -> None:
    _edit(project, DOSSIER, "2023",
          ("    chenove: 6\n    dijon: 3", "    chenove: 7\n    dijon: 3"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert errors == {"mediation.chenove.repartition": (
        "la répartition ne correspond pas à l’effectif : scolaires 2 + jeunesse 4 = 6, mais "
        "effectifs.mediateurs.chenove = 7")}


def test_every_commune_has_its_headcounts(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("  educateurs:\n    chenove: 6\n", "  educateurs:\n"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "effectifs.educateurs.chenove" in errors
    assert "indiquer 0" in errors["effectifs.educateurs.chenove"]


def test_a_split_requires_the_youth_public_and_partners(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("    public_jeunesse: 16/25 ans\n", ""),
          ("    partenaires: [Service Jeunesse, PRE, MJC, CCAS]\n", ""))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert set(errors) == {"mediation.chenove.public_jeunesse", "mediation.chenove.partenaires"}


def test_a_mediation_article_needs_mediators(project: Path) -> None:
    _edit(project, FICTIF, "2025", ("    saint-aubert: 2\n    bremonville: 3",
                                    "    saint-aubert: 0\n    bremonville: 3"))
    assert "mediation.saint-aubert" in _errors(check(FICTIF, "2025", root=project))


def test_amounts_are_positive(project: Path) -> None:
    _edit(project, FICTIF, "2025", ("  etat: 351000", "  etat: 0"))
    errors = _errors(check(FICTIF, "2025", root=project))
    assert errors == {"financement.etat": "doit être strictement supérieur à 0 (valeur : 0)"}


# The period


@pytest.mark.parametrize("debut, fin, field, words", [
    ("2023-01-02", "2023-12-31", "avenant.periode.debut", "1er du mois"),
    ("2023-01-01", "2023-12-30", "avenant.periode.fin", "dernier jour d’un mois"),
    ("2023-06-01", "2023-05-31", "avenant.periode.fin", "avant de commencer"),
    ("2022-01-01", "2022-12-31", "avenant.periode.debut", "sort de l’année de l’avenant"),
    ("2023-07-01", "2024-06-30", "avenant.periode.fin", "sort de l’année de l’avenant (2023)"),
])
def test_the_period_is_whole_months_within_the_year(project: Path, debut: str, fin: str,
                                                     field: str, words: str) -> None:
    _edit(project, DOSSIER, "2023", ("debut: 2023-01-01", f"debut: {debut}"),
          ("fin: 2023-12-31", f"fin: {fin}"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert words in errors[field]


def test_the_period_starts_after_the_convention_is_signed(project: Path) -> None:
    _edit(project, DOSSIER, "2023",
          ("  date_signature: 2021-12-01", "  date_signature: 2023-02-01"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "avant la signature de la convention (2023-02-01)" in errors["avenant.periode.debut"]


def test_arrivals_are_in_order_and_not_after_the_period(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("arrivees_educateurs: [2021-12-01, 2022-01-03]",
                                     "arrivees_educateurs: [2022-01-03, 2021-12-01, 2024-02-01]"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "sans doublon" in errors["arrivees_educateurs[1]"]
    assert "après la fin de la période" in errors["arrivees_educateurs[2]"]


def test_the_signing_date_is_within_a_sane_range(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("  date_signature:             #",
                                     "  date_signature: 2021-06-01  #"))
    assert "avant la convention" in _errors(check(DOSSIER, "2023", root=project))[
        "avenant.date_signature"]
    _edit(project, DOSSIER, "2023",
          ("  date_signature: 2021-06-01", "  date_signature: 2025-03-01"))
    found = check(DOSSIER, "2023", root=project)
    assert "à confirmer" in _warnings(found)["avenant.date_signature"]
    assert _errors(found) == {}


# Parties and signataires


def test_every_party_has_a_signatory(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("    signataire: maire-chenove", "    signataire: maire"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "signataire inconnu : « maire »" in errors["parties[2].signataire"]
    assert errors["signataires.maire-chenove"] == "ce signataire ne représente aucune partie"


def test_a_committee_member_names_a_known_party(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("  - partie: chenove", "  - partie: chenôve"))
    errors = _errors(check(DOSSIER, "2023", root=project))
    assert "comite_pilotage[2].partie" in errors


# Number, rank and the dossier's history


def test_the_first_avenant_of_a_dossier_has_rank_1(project: Path) -> None:
    _edit(project, FICTIF, "2025", ("  rang: 1 ", "  rang: 3 "))
    errors = _errors(check(FICTIF, "2025", root=project))
    assert errors["avenant.rang"].startswith("rang 1 attendu")
    assert "rang 1, 2" in errors["avenants_precedents"]


def test_the_rank_follows_the_previous_version_of_the_dossier(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("  rang: 2 ", "  rang: 3 "))
    errors = _errors(check(DOSSIER, "2024", root=project))
    assert errors["avenant.rang"] == (
        "rang 2 attendu : l’avenant précédent du dossier est le n° 1-2023 "
        "(variables/bataillon-prevention-dijon/2023.yaml)")


def test_every_earlier_avenant_of_the_dossier_is_cited(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("avenants_precedents:\n  - numero: 1-2023\n",
                                     "avenants_precedents: []\n"))
    errors = _errors(check(DOSSIER, "2024", root=project))
    assert errors["avenants_precedents"] == (
        "l’avenant n° 1-2023 (variables/bataillon-prevention-dijon/2023.yaml) n’est pas cité")


def test_a_cited_signing_date_must_match_the_earlier_set(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("  date_signature:             #",
                                     "  date_signature: 2023-03-15  #"))
    found = check(DOSSIER, "2024", root=project)
    assert "2023-03-15" in _warnings(found)["avenants_precedents[0]"]
    _edit(project, DOSSIER, "2024", ("  - numero: 1-2023\n",
                                     "  - numero: 1-2023\n    date_signature: 2023-03-16\n"))
    errors = _errors(check(DOSSIER, "2024", root=project))
    assert "2023-03-15" in errors["avenants_precedents[0].date_signature"]


def test_a_year_before_the_previous_avenant_is_an_error(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("  annee: 2024", "  annee: 2022"),
          ("debut: 2024-01-01", "debut: 2022-01-01"), ("fin: 2024-12-31", "fin: 2022-12-31"))
    errors = _errors(check(DOSSIER, "2024", root=project))
    assert "avenant.annee" in errors and "avenant.periode.debut" in errors


def test_an_unreadable_earlier_version_is_a_warning_not_a_crash(project: Path) -> None:
    (project / "variables" / DOSSIER / "2023.yaml").write_text("avenant: [\n", encoding="utf-8")
    found = check(DOSSIER, "2024", root=project)
    assert "version antérieure illisible" in _warnings(found)["avenant.rang"]


# Warnings for the drafter to confirm


def test_a_finance_law_of_another_year_and_an_unchanged_amount_are_warnings(
        project: Path) -> None:
    found = check(DOSSIER, "2024", root=project)
    warnings = _warnings(found)
    assert "celle de 2021, l’avenant finance 2024" in warnings["visas[2]"]
    assert warnings["financement.etat"].startswith("montant inchangé depuis l’avenant n° 1-2023")
    assert _errors(found) == {}


def test_a_changed_amount_and_the_right_finance_law_are_silent(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("  etat: 468000", "  etat: 470000"),
          ("Loi de finances initiale pour 2021", "Loi de finances initiale pour 2024"))
    warnings = _warnings(check(DOSSIER, "2024", root=project))
    assert "financement.etat" not in warnings and "visas[2]" not in warnings


def test_a_draft_says_so_until_its_marker_is_removed(project: Path) -> None:
    path = project / "variables" / DOSSIER / "2024.yaml"
    assert "brouillon" in _warnings(check(DOSSIER, "2024", root=project))[""]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "BROUILLON" not in line), encoding="utf-8")
    assert "" not in _warnings(check(DOSSIER, "2024", root=project))


def test_a_relative_date_is_an_error(project: Path) -> None:
    _edit(project, DOSSIER, "2023",
          ("l’instruction du 31 mars 2021", "l’instruction du 31 mars dernier"))
    assert "« mars dernier »" in _errors(check(DOSSIER, "2023", root=project))["visas[4]"]


def test_a_visa_does_not_repeat_what_the_template_adds(project: Path) -> None:
    _edit(project, DOSSIER, "2023", ("  - la Loi n° 2014-173", "  - VU la Loi n° 2014-173"))
    assert "visas[0]" in _errors(check(DOSSIER, "2023", root=project))


@pytest.mark.parametrize("year, warned", [("2024", False), ("2023", True)])
def test_the_official_title_of_a_finance_law_is_recognised(project: Path, year: str,
                                                            warned: bool) -> None:
    _edit(project, DOSSIER, "2024", ("la Loi de finances initiale pour 2021",
                                     f"la loi n° 2023-1322 du 29 décembre 2023 de finances "
                                     f"pour {year}"))
    result = run_cli("--root", str(project), "check", DOSSIER, "2024")
    assert "aucun visa de la loi de finances" not in result.stdout, result.stdout
    assert (f"la loi de finances visée est celle de {year}" in result.stdout) is warned, \
        result.stdout


def test_check_names_each_value_in_the_document_words_after_its_place(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("    dijon: 3\n\n", "    dijon: -3\n\n"))
    invalid = run_cli("--root", str(project), "check", DOSSIER, "2024")
    assert invalid.returncode == 1
    assert re.search(r"erreur : variables/bataillon-prevention-dijon/2024\.yaml:\d+: "
                     r"effectifs\.mediateurs\.dijon \(médiateurs à Dijon\): doit être supérieur",
                     invalid.stdout), invalid.stdout
    warned = run_cli("--root", str(ROOT), "check", DOSSIER, "2024")
    assert re.search(r"2024\.yaml:\d+: financement\.etat \(montant de l’État\): montant "
                     r"inchangé", warned.stdout), warned.stdout
    assert re.search(r"2024\.yaml:\d+: visas\[3\] \(visa n° 3\): la loi de finances visée",
                     warned.stdout), warned.stdout
    placed = [p for p in check(DOSSIER, "2024", root=project) if p.field]
    assert placed and all(p.label for p in placed), placed


# Places as a drafter counts: list items from 1, as the labels (« visa n° 2 »)


def test_the_second_visa_is_named_visas_2_by_check_and_build(project: Path) -> None:
    _edit(project, DOSSIER, "2023",
          ("  - la circulaire n° 6057-SG", "  - la circulaire n° \u202e6057-SG"))
    for command in ("check", "build"):
        result = run_cli("--root", str(project), command, DOSSIER, "2023")
        assert result.returncode == 1, result.stdout + result.stderr
        said = result.stdout + result.stderr
        assert re.search(r"2023\.yaml:32: visas\[2\]: .*\(U\+202E\)", said), said
        assert "visas[1]" not in said


def test_an_earlier_avenant_is_counted_from_1(project: Path) -> None:
    _edit(project, DOSSIER, "2024", ("  - numero: 1-2023\n",
                                     "  - numero: 1-2023\n    date_signature: 2021-01-01\n"))
    result = run_cli("--root", str(project), "check", DOSSIER, "2024")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"2024\.yaml:\d+: avenants_precedents\[1\]\.date_signature \(date de "
                     r"signature de l’avenant n° 1-2023\): ", result.stdout), result.stdout
    assert "avenants_precedents[0]" not in result.stdout
