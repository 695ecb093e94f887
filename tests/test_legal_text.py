"""Issue 9, « Legal text that stays right » and the labels of change reports, on the kits."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from generator.commands.build import build
from generator.commands.check import check
from generator.compare.comparison import Change
from generator.kits.changes import ValueChange, explainer, value_changes
from generator.kits.sets import load

from .conftest import DOSSIER, run_cli

FICTIF = "exemple-fictif-trois-communes"
SCHEMA = "# yaml-language-server: $schema=../../templates/bataillon-prevention/schema.json\n"


def _read(root: Path, dossier: str, version: str) -> dict:
    return yaml.safe_load((root / "variables" / dossier / f"{version}.yaml").read_text("utf-8"))


def _write(root: Path, dossier: str, version: str, data: dict) -> Path:
    path = root / "variables" / dossier / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SCHEMA + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                            width=4096), encoding="utf-8")
    return path


def _texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [" ".join(p.text.split()) for p in document.paragraphs if p.text.strip()]


def _only(data: dict, keep: list[str]) -> dict:
    """The fictional set reduced to the communes KEEP (their parties, people, seats)."""
    out = copy.deepcopy(data)
    dropped = [c for c in out["communes"] if c not in keep]
    for ident in dropped:
        del out["communes"][ident]
        for role in ("educateurs", "mediateurs"):
            out["effectifs"][role].pop(ident, None)
        out["mediation"].pop(ident, None)
    out["effectifs"]["educateurs"].pop("total", None)
    out["parties"] = [p for p in out["parties"] if p["id"] not in dropped]
    signing = {p["signataire"] for p in out["parties"]}
    out["signataires"] = {k: v for k, v in out["signataires"].items() if k in signing}
    out["comite_pilotage"] = [m for m in out["comite_pilotage"] if m.get("partie") not in dropped]
    return out


def _with_commune(data: dict, ident: str, nom: str, quartier: str, *, party: bool = True) -> dict:
    out = copy.deepcopy(data)
    out["communes"][ident] = {"nom": nom, "quartier": quartier, "adjectif": "orvandais",
                              "engagement": "s’engage à"}
    out["effectifs"]["educateurs"][ident] = 2
    out["effectifs"]["mediateurs"][ident] = 1
    out["effectifs"]["educateurs"].pop("total", None)
    out["mediation"][ident] = {"recrutement": "certain", "missions": ["aller vers les jeunes"]}
    if party:
        out["signataires"][f"maire-{ident}"] = {"civilite": "Madame", "prenom": "Léa",
                                                "nom": "ORVAL"}
        out["parties"].insert(-1, {"id": ident, "designation": f"La commune {nom}",
                                   "genre": "feminin", "signataire": f"maire-{ident}",
                                   "fonction": "maire", "ressort": f"d’{nom}"})
        out["comite_pilotage"].insert(-1, {"partie": ident})
    return out


# One commune reads right; four communes too


def test_one_commune_reads_in_the_singular_and_keeps_its_capitals(project: Path) -> None:
    data = _only(_read(project, FICTIF, "2025"), ["valmorin"])
    data["communes"]["valmorin"]["quartier"] = "Planoise"
    _write(project, "une-commune", "2025", data)
    assert [p for p in check("une-commune", "2025", root=project) if p.severity == "erreur"] == []
    texts = _texts(build("une-commune", "2025", root=project).docx)
    joined = "\n".join(t for t in texts if not t.startswith("VU "))
    for sentence in (
            "Le bataillon de la prévention intervient dans le quartier de reconquête "
            "républicaine (QRR) suivant : Planoise à Valmorin.",
            "Article 7 : Engagements de la commune de Valmorin",
            "mis en place par la Métropole en lien avec la commune concernée.",
            "en liaison avec la commune concernée.",
            "Il est composé des représentants de l’État, de Valdaure Métropole, de la commune et "
            "de l’Association Horizon Prévention Valdaure",
            "financements mobilisés par l’État et la commune de Valmorin pour",
            "4 éducateurs de rue : soit 4 pour la ville de Valmorin ;",
            "Article 8 ter : Médiation sociale sur la ville de Valmorin"):
        assert sentence in joined, sentence
    for wrong in ("des communes", "les communes de", "planoise", "quartiers de reconquête"):
        assert wrong not in joined, wrong


def test_four_communes_read_in_the_plural_each_with_its_article(project: Path) -> None:
    data = _with_commune(_read(project, FICTIF, "2025"), "orvande", "Orvande", "L’Étang")
    _write(project, "quatre-communes", "2025", data)
    assert [p for p in check("quatre-communes", "2025", root=project)
            if p.severity == "erreur"] == []
    joined = "\n".join(_texts(build("quatre-communes", "2025", root=project).docx))
    for sentence in (
            "dans les quartiers de reconquête républicaine (QRR) suivants : les Hauts à Valmorin, "
            "la Prairie à Saint-Aubert-sur-Lys, le Bief à Brémonville et l’Étang à Orvande.",
            "Article 7 : Engagements des communes de Valmorin, de Saint-Aubert-sur-Lys, de "
            "Brémonville et d’Orvande",
            "l’État et les communes de Valmorin, Saint-Aubert-sur-Lys, Brémonville et Orvande",
            "soit 4 pour la ville de Valmorin, 3 pour la ville de Saint-Aubert-sur-Lys, 2 pour la "
            "ville de Brémonville et 2 pour la ville d’Orvande ;",
            "Article 8 sexies : Médiation sociale sur la ville d’Orvande",
            "La commune d’Orvande s’engage à :",
            "financement à 100 % du poste de médiateur social",
            "lors de trois temps forts : un premier groupe est arrivé le 2 septembre 2024, un "
            "deuxième le 4 novembre 2024 et un dernier le 3 mars 2025"):
        assert " ".join(sentence.split()) in joined.replace("\xa0", " ").replace("\u202f", " "), \
            sentence


# A commune that commits must be a party


def test_a_commune_that_is_not_a_party_is_reported_at_its_line(project: Path) -> None:
    data = _with_commune(_read(project, FICTIF, "2025"), "orvande", "Orvande", "L’Étang",
                         party=False)
    path = _write(project, FICTIF, "2025", data)
    line = next(i for i, t in enumerate(path.read_text("utf-8").splitlines(), start=1)
                if t.startswith("  orvande:"))
    result = run_cli("--root", str(project), "check", FICTIF, "2025")
    assert result.returncode == 1
    label = (f"variables/{FICTIF}/2025.yaml:{line}: communes.orvande (commune d’Orvande): la "
             "commune d’Orvande")
    assert f"erreur : {label} s’engage (article 7) sans être partie à l’avenant" in result.stdout
    assert f"erreur : {label} s’engage sans siéger au comité de pilotage" in result.stdout


# A citation of a signed document never changes


def test_adding_a_commune_leaves_the_citations_of_signed_documents_as_they_were(
        project: Path) -> None:
    def visas(version_texts: list[str]) -> list[str]:
        return [t for t in version_texts if t.startswith(("VU la convention", "VU l’avenant"))]

    before = visas(_texts(build(DOSSIER, "2024", root=project).docx))
    data = _with_commune(_read(project, DOSSIER, "2024"), "orvande", "Orvande", "L’Étang")
    _write(project, DOSSIER, "2024", data)
    shutil.rmtree(project / "output")
    after = visas(_texts(build(DOSSIER, "2024", root=project).docx))
    assert len(before) == 2 and after == before
    assert "(Le Mail à Chenôve, Les Grésilles à Dijon) signée le 1er décembre 2021" in before[0]


def test_a_convention_cited_under_another_title_than_in_the_earlier_set_is_an_error(
        project: Path) -> None:
    data = _read(project, DOSSIER, "2024")
    data["convention"]["intitule"] += " et à Orvande"
    _write(project, DOSSIER, "2024", data)
    errors = {p.field: p.message for p in check(DOSSIER, "2024", root=project)
              if p.severity == "erreur"}
    assert "un document signé se cite tel qu’il a été signé" in errors["convention.intitule"]


def test_an_earlier_avenant_is_cited_by_its_title_as_signed(project: Path) -> None:
    data = _read(project, DOSSIER, "2024")
    data["avenants_precedents"][0]["intitule"] = "Avenant n° 1-2023 à la Convention signée à Dijon"
    _write(project, DOSSIER, "2024", data)
    texts = _texts(build(DOSSIER, "2024", root=project).docx)
    assert "VU l’avenant n° 1-2023 à la Convention signée à Dijon ;" in [
        t.replace("\xa0", " ").replace("\u202f", " ") for t in texts]


# A draft looks like a draft


def _header_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return ["".join(t.text or "" for t in s.header._element.iter(qn("w:t")))
            for s in document.sections]


def test_a_projet_says_so_in_every_header_and_a_final_set_does_not(project: Path) -> None:
    draft = build(DOSSIER, "2024", root=project).docx
    final = build(DOSSIER, "2023", root=project).docx
    assert all("PROJET" in h for h in _header_texts(draft))
    assert not any("PROJET" in t for t in _texts(draft))
    assert not any("PROJET" in h for h in _header_texts(final))


def test_new_writes_a_projet(project: Path) -> None:
    (project / "variables" / DOSSIER / "2024.yaml").unlink()
    assert run_cli("--root", str(project), "new", DOSSIER, "2024").returncode == 0
    assert load(project / "variables" / DOSSIER / "2024.yaml").avenant.statut == "projet"


def test_the_release_check_refuses_a_final_set_whose_document_says_projet(project: Path) -> None:
    template = project / "templates" / "bataillon-prevention" / "modele.docx"
    document = docx.Document(str(template))
    document.sections[0].header.paragraphs[0].text = "PROJET"
    document.save(str(template))
    result = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert result.returncode == 1
    assert "porte la mention « PROJET » alors que le jeu de variables est final" in result.stderr
    assert not (project / "output").exists()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice et pdftotext sont nécessaires")
def test_in_libreoffice_the_signatures_keep_with_the_last_article_and_projet_is_on_each_page(
        project: Path, tmp_path: Path) -> None:
    data = _read(project, FICTIF, "2025")
    data["avenant"]["statut"] = "projet"
    _write(project, FICTIF, "2025", data)
    built = build(FICTIF, "2025", root=project).docx
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / built.with_suffix(".pdf").name
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all("PROJET" in page for page in pages)
    last = pages[-1]
    assert "Fait à Valmorin" in last and "FERRANDOU" in last
    assert "Le tribunal administratif" in last


# Change reports speak in the document's words


def test_value_changes_speak_in_the_document_s_words(project: Path) -> None:
    data = _read(project, DOSSIER, "2024")
    data["effectifs"]["mediateurs"]["dijon"] = 4
    data["mediation"]["chenove"]["repartition"]["scolaires"] = 3
    data["effectifs"]["mediateurs"]["chenove"] = 7
    data["signataires"]["prefet"]["civilite"] = "Madame"
    data["avenant"]["date_signature"] = "2025-03-14"
    _write(project, DOSSIER, "2024", data)
    result = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert result.returncode == 0, result.stderr
    for line in ("médiateurs à Dijon : 3 → 4", "signataire pour l’État : Monsieur → Madame",
                 "médiateurs scolaires (médiation à Chenôve) : 2 → 3",
                 "date de signature : (vide) → 14 mars 2025"):
        assert line in result.stdout, line
    assert "mediateurs (dijon)" not in result.stdout and "civilite" not in result.stdout
    assert "(vide) → (vide)" not in result.stdout


def test_a_change_is_attributed_to_the_value_that_caused_it(project: Path) -> None:
    old = load(project / "variables" / DOSSIER / "2023.yaml")
    data = _read(project, DOSSIER, "2024")
    data["avenant"]["date_signature"] = "2025-03-14"
    data["avenant"]["annee"] = 2025
    data["avenant"]["periode"] = {"debut": "2025-01-01", "fin": "2025-12-31"}
    new = load(_write(project, DOSSIER, "2025", data))
    explain = explainer(value_changes(old, new))

    passage = Change("modification", "Article 14", "Fait à Dijon, le ____________________",
                     "Fait à Dijon, le 14 mars 2025",
                     [("=", "Fait à Dijon, le "), ("-", "____________________"),
                      ("+", "14 mars 2025")])

    reasons = explain(passage)
    assert reasons == ["date de signature : (vide) → 14 mars 2025"]


ARRIVAL = ValueChange("arrivees[1]", "date d’arrivée", "1er décembre 2021", "12 décembre 2021")
RANG = ValueChange("avenant.rang", "rang de l’avenant", "1", "2")


def test_a_number_is_never_found_inside_a_longer_word() -> None:
    passage = Change("modification", "Article 8", "arrivé le 1er décembre 2021",
                     "arrivé le 12 décembre 2021",
                     [("=", "arrivé le "), ("-", "1er"), ("+", "12"), ("=", " décembre 2021")])
    assert explainer([RANG, ARRIVAL])(passage) == [
        "date d’arrivée : 1er décembre 2021 → 12 décembre 2021"]


def test_a_value_in_the_words_left_as_they_were_explains_nothing() -> None:
    passage = Change("modification", "Article 8", "arrivé le 1er décembre 2021, page 1 sur 3",
                     "arrivé le 1er décembre 2021, page 1 sur 4",
                     [("=", "arrivé le 1er décembre 2021, page 1 sur "), ("-", "3"), ("+", "4")])
    assert explainer([RANG, ARRIVAL])(passage) == []


def test_a_passage_inserted_or_removed_whole_is_explained_by_what_it_shows() -> None:
    text = "VU l’avenant n°\xa03-2023 signé le 12\u202fdécembre 2021\u202f;"
    for passage, moved in ((Change("insertion", "Début du document", "", text), ARRIVAL),
                           (Change("suppression", "Début du document", text, ""),
                            ValueChange("arrivees[1]", "date d’arrivée", "12 décembre 2021",
                                        "1er décembre 2021"))):
        assert explainer([RANG, moved])(passage) == [f"date d’arrivée : {moved.old} → {moved.new}"]


def test_a_change_of_formatting_alone_is_explained_by_no_value() -> None:
    text = "arrivé le 12 décembre 2021"
    passage = Change("mise en forme", "Article 8", text, text, [("=", text)],
                     formatting=["gras ajouté : « 12 décembre 2021 »"])
    assert explainer([ARRIVAL])(passage) == []
