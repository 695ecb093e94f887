"""Issue 11: a third kit, written from the README and `avenant modele` alone, works unchanged."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .conftest import run_cli

KIT = """\
kit: mini
titre: Avenant minimal de subvention
modele: modele.docx
champs:
  beneficiaire: {type: texte, libelle: bénéficiaire, aide: Le nom de l’association.,
                 exemple: Association Exemple}
  acompte: {type: montant, libelle: acompte, exemple: 4000}
  solde: {type: montant, libelle: solde, exemple: 6000}
calculs:
  total: {expression: "acompte + solde", libelle: montant total}
controles:
  - condition: "total <= 20000"
    message: "le total ({{ total|montant }}) dépasse le plafond de 20 000 €"
    champ: solde
"""

SET = """\
# yaml-language-server: $schema=../../templates/mini/schema.json
kit: mini
avenant:
  rang: 1
  annee: 2025
  periode: {debut: 2025-01-01, fin: 2025-12-31}
  statut: final
  lieu_signature: Valmorin
convention:
  intitule: d’objectifs avec l’Association Exemple
  date_signature: 2024-06-17
visas:
  - la Loi de finances initiale pour 2025
signataires:
  prefete: {civilite: Madame, prenom: Solène, nom: ARNAUDET}
parties:
  - {id: etat, designation: L’État, genre: masculin, signataire: prefete, fonction: prefet,
     ressort: de la Haute-Aurelle}
beneficiaire: Association Exemple
acompte: 4000
solde: 6000
"""


def _template(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Avenant n° {{ avenant.numero }} à la convention "
                           "{{ convention.intitule }}", style="Title")
    document.add_paragraph("{%p for visa in visas %}")
    document.add_paragraph("VU {{ visa }} ;")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Article 1 : Subvention", style="Heading 1")
    document.add_paragraph("Subvention à {{ beneficiaire }} : {{ total|montant }} "
                           "({{ total|montant_en_lettres }}), dont un acompte de "
                           "{{ acompte|montant }} et un solde de {{ solde|montant }}.")
    document.add_paragraph("Fait à {{ avenant.lieu_signature }}")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "{% for s in signatures %}{{ s.titre }}, {{ s.nom }}{% endfor %}"
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), "Signatures")
    table._tbl.tblPr.append(caption)
    document.save(str(path))


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "projet"
    (root / "templates" / "mini").mkdir(parents=True)
    (root / "templates" / "mini" / "kit.yaml").write_text(KIT, encoding="utf-8")
    _template(root / "templates" / "mini" / "modele.docx")
    (root / "variables" / "essai").mkdir(parents=True)
    (root / "variables" / "essai" / "2025.yaml").write_text(SET, encoding="utf-8")
    return root


def test_a_tiny_kit_is_documented_checked_and_built_with_no_change_to_the_engine(
        tmp_path: Path) -> None:
    root = _project(tmp_path)
    described = run_cli("--root", str(root), "modele", "mini")
    assert described.returncode == 0, described.stderr
    assert "beneficiaire — bénéficiaire [texte]" in described.stdout
    assert "total — montant total = acompte + solde" in described.stdout
    checked = run_cli("--root", str(root), "check", "essai", "2025")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().splitlines()[-1] == "0 erreur(s), 0 avertissement(s)"
    built = run_cli("--root", str(root), "build", "essai", "2025")
    assert built.returncode == 0, built.stderr
    texts = [p.text for p in docx.Document(str(root / built.stdout.strip().splitlines()[-1]))
             .paragraphs]
    assert ("Subvention à Association Exemple\xa0: 10\u202f000\xa0€ (dix mille euros), dont un "
            "acompte de 4\u202f000\xa0€ et un solde de 6\u202f000\xa0€.") in texts


def test_the_tiny_kit_s_check_is_placed_at_its_field(tmp_path: Path) -> None:
    root = _project(tmp_path)
    path = root / "variables" / "essai" / "2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("solde: 6000", "solde: 30000"),
                    encoding="utf-8")
    result = run_cli("--root", str(root), "check", "essai", "2025")
    assert result.returncode == 1
    assert ("erreur : variables/essai/2025.yaml:21: solde: le total (34\u202f000\xa0€) dépasse le "
            "plafond de 20 000 €") in result.stdout, result.stdout
