"""Issue 4: `avenant new` drafts next year's set from the last one, and builds it at once.

Also here: titles agree with the person, in every place the document names them.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from generator.commands.build import build
from generator.commands.new import new
from generator.errors import UsageError, VariablesError
from generator.kits.sets import load
from generator.variables.reader import read_tree

from .conftest import DOSSIER, ROOT, edit_text, run_cli

FICTIF = "exemple-fictif-trois-communes"
CHANGED = {"avenant", "avenants_precedents"}


def _set(root: Path, dossier: str, version: str) -> Path:
    return root / "variables" / dossier / f"{version}.yaml"


def _without_2024(project: Path) -> Path:
    _set(project, DOSSIER, "2024").unlink()
    return project


def _texts(path: Path) -> list[str]:
    """Every paragraph of the body, the tables and the footers, in order."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    texts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return [t for t in texts if t.strip()]


# Drafting through the CLI


def test_new_drafts_builds_and_lists_what_to_review(project: Path) -> None:
    _without_2024(project)
    result = run_cli("--root", str(project), "new", DOSSIER, "2024")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"jeu de variables créé : {_set(project, DOSSIER, '2024')}"
    docx_path = project / "output" / DOSSIER / "2024" / "avenant-2-2024.docx"
    assert lines[1] == f"avenant produit : {docx_path}"
    assert docx_path.is_file()
    review = lines[lines.index("À vérifier avant signature :") + 1:]
    assert all(line.startswith("avertissement : variables/") for line in review)
    assert any("visas[3] (visa n° 3): la loi de finances visée est celle de 2021" in line
               for line in review)
    assert any("financement.etat (montant de l’État): montant inchangé" in line for line in review)
    assert any("brouillon" in line for line in review)


def test_new_never_overwrites_an_existing_set(project: Path) -> None:
    path = _set(project, DOSSIER, "2024")
    before = path.read_bytes()
    result = run_cli("--root", str(project), "new", DOSSIER, "2024")
    assert result.returncode == 1
    assert result.stderr == ("erreur : variables/bataillon-prevention-dijon/2024.yaml: ce jeu de "
                             "variables existe déjà : rien n’a été modifié (choisissez une autre "
                             "version, ou supprimez le fichier pour le refaire)\n")
    assert path.read_bytes() == before
    assert not (project / "output").exists()


def test_new_without_an_earlier_set_is_refused_in_french(project: Path) -> None:
    result = run_cli("--root", str(project), "new", FICTIF, "2024")
    assert result.returncode == 1
    assert "aucune version antérieure à 2024" in result.stderr
    assert "Traceback" not in result.stderr
    assert not _set(project, FICTIF, "2024").exists()


def test_new_from_a_version_that_does_not_precede_is_refused(project: Path) -> None:
    with pytest.raises(UsageError, match="doit précéder"):
        new(DOSSIER, "2022", root=project, previous="2023")
    with pytest.raises(UsageError, match="version inconnue"):
        new(DOSSIER, "2026", root=project, previous="2019")
    assert sorted(p.name for p in (project / "variables" / DOSSIER).iterdir()) == [
        "2023.yaml", "2024.yaml"]


# What the draft holds


def test_the_number_year_and_period_move_on_and_the_prior_avenant_is_cited(
        project: Path) -> None:
    drafted = new(DOSSIER, "2024", root=_without_2024(project))
    variables = load(drafted.path)
    av = variables.avenant
    assert (av.numero, av.annee, av.rang) == ("2-2024", 2024, 2)
    assert (str(av.periode.debut), str(av.periode.fin)) == ("2024-01-01", "2024-12-31")
    assert av.date_signature is None
    assert [p.numero for p in variables.avenants_precedents] == ["1-2023"]


def test_everything_else_is_carried_over_unchanged(project: Path) -> None:
    drafted = new(DOSSIER, "2024", root=_without_2024(project))
    before = load(_set(ROOT, DOSSIER, "2023")).as_dict()
    after = load(drafted.path).as_dict()
    assert {k: v for k, v in after.items() if k not in CHANGED} == {
        k: v for k, v in before.items() if k not in CHANGED}
    assert {k: v for k, v in after["avenant"].items() if k not in {
        "rang", "annee", "periode", "date_signature", "statut"}} == {
        k: v for k, v in before["avenant"].items() if k not in {
            "rang", "annee", "periode", "date_signature", "statut"}}
    assert (before["avenant"]["statut"], after["avenant"]["statut"]) == ("final", "projet")


def test_the_shipped_2024_set_is_the_2023_set_carried_over(project: Path) -> None:
    shipped = load(_set(ROOT, DOSSIER, "2024")).as_dict()
    drafted = load(new(DOSSIER, "2024", root=_without_2024(project)).path).as_dict()
    assert shipped == drafted
    assert "BROUILLON préparé par avenant new à partir de 2023 : à relire" in (
        _set(ROOT, DOSSIER, "2024").read_text(encoding="utf-8").splitlines()[1])


def test_the_draft_keeps_the_comments_and_the_key_order(project: Path) -> None:
    drafted = new(DOSSIER, "2024", root=_without_2024(project))
    source = _set(ROOT, DOSSIER, "2023").read_text(encoding="utf-8")
    text = drafted.path.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# yaml-language-server: $schema=")
    assert text.splitlines()[1].startswith(
        "# BROUILLON préparé par avenant new à partir de 2023 : à relire")
    for line in source.splitlines():
        comment = line[line.index("#"):] if "#" in line else None
        if comment:
            assert comment.replace("n° 1-2023", "n° 2-2024") in text, comment
    old_order = [loc for loc in read_tree(_set(ROOT, DOSSIER, "2023"))[1]
                 if loc[0] != "avenants_precedents"]
    new_order = [loc for loc in read_tree(drafted.path)[1] if loc[0] != "avenants_precedents"]
    assert new_order == old_order
    # Values are written as the drafter wrote them: the visas are not re-wrapped or re-quoted.
    for line in source.splitlines():
        if line.startswith("  - la ") or line.startswith("    ressort_parties"):
            assert line in text.splitlines()


def test_the_prior_avenant_is_cited_with_its_signing_date_when_known(project: Path) -> None:
    _without_2024(project)
    edit_text(_set(project, DOSSIER, "2023"),
          ("  date_signature:             #", "  date_signature: 2023-03-15  #"))
    drafted = new(DOSSIER, "2024", root=project)
    variables = load(drafted.path)
    (cited,) = variables.avenants_precedents
    assert (cited.numero, str(cited.date_signature)) == ("1-2023", "2023-03-15")
    assert variables.avenant.date_signature is None
    assert any(t.startswith("VU l’avenant n°\xa01-2023 à la convention") and
               "signé le 15 mars 2023" in t for t in _texts(drafted.docx))


def test_new_follows_the_latest_set_and_replaces_its_draft_marker(project: Path) -> None:
    drafted = new(DOSSIER, "2025", root=project)
    text = drafted.path.read_text(encoding="utf-8")
    assert text.count("BROUILLON") == 1
    assert "à partir de 2024" in text.splitlines()[1]
    variables = load(drafted.path)
    assert variables.avenant.numero == "3-2025"
    assert [p.numero for p in variables.avenants_precedents] == ["1-2023", "2-2024"]


def test_new_from_an_older_set_still_numbers_after_the_latest(project: Path) -> None:
    result = run_cli("--root", str(project), "new", DOSSIER, "2025", "--from", "2023")
    assert result.returncode == 0, result.stderr
    path = _set(project, DOSSIER, "2025")
    assert "à partir de 2023" in path.read_text(encoding="utf-8").splitlines()[1]
    variables = load(path)
    assert variables.avenant.numero == "3-2025"
    assert [p.numero for p in variables.avenants_precedents] == ["1-2023", "2-2024"]


def test_new_works_on_the_fictional_dossier_too(project: Path) -> None:
    drafted = new(FICTIF, "2026", root=project)
    variables = load(drafted.path)
    assert variables.avenant.numero == "2-2026"
    assert (str(variables.avenant.periode.debut), str(variables.avenant.periode.fin)) == (
        "2026-03-01", "2026-12-31")
    (cited,) = variables.avenants_precedents
    assert (cited.numero, str(cited.date_signature)) == ("1-2025", "2025-02-20")
    assert "Le présent avenant est conclu pour la période de mars 2026 à décembre 2026." in (
        _texts(drafted.docx))


# The 2024 avenant against the 2023 one


def test_the_2024_avenant_says_2024_where_the_2023_one_said_2023(project: Path) -> None:
    drafted = new(DOSSIER, "2024", root=_without_2024(project))
    old = _texts(build(DOSSIER, "2023", root=project).docx)
    now = _texts(drafted.docx)
    visa = next(t for t in now if t.startswith("VU l’avenant n°\xa01-2023 à la convention "))
    assert not any(t.startswith("VU l’avenant") for t in old)
    assert any("n°\xa01-2023" in t for t in old) and not any("n°\xa02-2024" in t for t in old)
    expected = [re.sub(r"(n°\s*)1-2023", r"\g<1>2-2024", t).replace("2023", "2024") for t in old]
    convention = next(i for i, t in enumerate(expected) if t.startswith("VU la convention"))
    expected.insert(convention + 1, visa)
    assert now == expected
    assert any(t.startswith("Avenant n°\xa02-2024 à la Convention pour la mise en place d’un "
                            "bataillon de la prévention") for t in now)
    assert "Le présent avenant est conclu pour la période de janvier 2024 à décembre 2024." in now


def test_nothing_is_hard_wired_to_dijon_or_chenove(project: Path) -> None:
    texts = " ".join(_texts(build(FICTIF, "2025", root=project).docx))
    for word in ("Dijon", "Chenôve", "Côte-d’Or", "Grésilles", "Mail", "ROBINE", "468"):
        assert word not in texts
    for word in ("Valmorin", "Saint-Aubert-sur-Lys", "Brémonville", "Article 8 quinquies",
                 "19 professionnels", "sur 10 mois", "lors de trois temps forts"):
        assert word in texts


# Titles agree with the person


def test_a_prefete_changes_every_title_of_hers(project: Path) -> None:
    edit_text(_set(project, DOSSIER, "2023"),
          ("    civilite: Monsieur\n    prenom: Franck\n    nom: ROBINE",
           "    civilite: Madame\n    prenom: Claire\n    nom: EXEMPLE"))
    texts = _texts(build(DOSSIER, "2023", root=project).docx)
    department = "du département de la Côte-d’Or"
    assert f"L’État, représenté par Madame la Préfète {department}," in texts
    assert f"La Préfète {department}" in texts
    assert "Madame Claire EXEMPLE" in texts
    assert f"de la préfète {department} ou son représentant," in texts
    joined = "\n".join(texts)
    assert "Préfet " not in joined and f"préfet {department}" not in joined
    assert "Monsieur le Préfet" not in joined


def test_a_presidente_who_is_also_maire_changes_both_titles(project: Path) -> None:
    edit_text(_set(project, DOSSIER, "2023"),
          ("    civilite: Monsieur\n    prenom: François\n    nom: REBSAMEN",
           "    civilite: Madame\n    prenom: Camille\n    nom: EXEMPLE"))
    texts = _texts(build(DOSSIER, "2023", root=project).docx)
    assert "Dijon Métropole, représentée par Madame la Présidente," in texts
    assert "La ville de Dijon, représentée par Madame la Maire de Dijon," in texts
    assert "La Présidente de Dijon Métropole, Maire de Dijon" in texts
    assert "de la présidente de Dijon Métropole ou son représentant," in texts
    assert "de la maire de la ville de Dijon ou son représentant," in texts
    # The other president (the association's) is still a man.
    assert ("L’Association Médiation et Prévention Dijon Métropole, représentée par Monsieur le "
            "Président,") in texts


def test_the_fictional_dossier_shows_feminine_titles_for_every_office(project: Path) -> None:
    context = load(_set(ROOT, FICTIF, "2025"), root=ROOT).context()
    titles = [s["titre"] for s in context["signatures"]]
    assert titles[:2] == ["La Préfète du département de la Haute-Aurelle",
                          "La Présidente de Valdaure Métropole, Maire de Valmorin"]
    assert ("de la directrice des services départementaux de l’Éducation nationale ou son "
            "représentant,") in _texts(build(FICTIF, "2025", root=project).docx)


def test_a_draft_that_cannot_be_built_is_kept_and_named(project: Path) -> None:
    (project / "templates" / "bataillon-prevention" / "modele.docx").unlink()
    with pytest.raises(VariablesError) as caught:
        new(DOSSIER, "2025", root=project)
    message = str(caught.value)
    assert message.startswith("variables/bataillon-prevention-dijon/2025.yaml: le brouillon a "
                              "été écrit, mais l’avenant n’a pas pu être produit")
    assert "templates/bataillon-prevention/modele.docx" in message
    assert _set(project, DOSSIER, "2025").is_file()
