"""Issue 4: a broken variable set is refused with every error in French, placed at file:line: field.

The corpus lives in tests/data/bad/: NAME.yaml is a broken set, NAME.expected lists the errors it
must produce, one per line, as the CLI prints them after « erreur : » ({file} stands for the
set's path in the project). Each set is checked through the CLI, as a drafter would.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.errors import AvenantError, InvalidVariables, VariablesError
from generator.kits.sets import load

from .conftest import ROOT, run_cli

BAD = Path(__file__).parent / "data" / "bad"
CASES = sorted(p.stem for p in BAD.glob("*.yaml"))
FAST = {"bombe-alias", "etiquette-python"}
LABEL = "variables/essai/2025.yaml"


def _project_with(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "projet"
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "variables" / "essai").mkdir(parents=True)
    shutil.copy(BAD / f"{name}.yaml", root / LABEL)
    return root


def _expected(name: str) -> list[str]:
    text = (BAD / f"{name}.expected").read_text(encoding="utf-8")
    return [line.replace("{file}", LABEL) for line in text.splitlines() if line.strip()]


def test_every_bad_set_has_its_expected_errors_and_the_corpus_is_complete() -> None:
    assert sorted(p.stem for p in BAD.glob("*.expected")) == CASES
    for needed in ("syntaxe", "cle-inconnue", "champ-manquant", "mauvais-type",
                   "effectif-negatif", "total-faux", "partie-sans-signataire",
                   "periode-hors-annee", "etiquette-python", "bombe-alias", "non-utf8"):
        assert needed in CASES


@pytest.mark.parametrize("name", CASES)
def test_check_refuses_a_broken_set_naming_file_line_and_field(tmp_path: Path, name: str) -> None:
    root = _project_with(tmp_path, name)
    started = time.monotonic()
    result = run_cli("--root", str(root), "check", "essai", "2025")
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    printed = [line.removeprefix("erreur : ") for line in output.splitlines()
               if line.startswith("erreur : ")]
    expected = _expected(name)
    for wanted in expected:
        assert any(line.startswith(wanted) for line in printed), (wanted, output)
    assert len(printed) == len(expected), output
    if name in FAST:
        assert elapsed < 5, f"{name} took {elapsed:.1f} s"


def test_a_python_tag_is_never_executed(tmp_path: Path) -> None:
    root = _project_with(tmp_path, "etiquette-python")
    result = run_cli("--root", str(root), "check", "essai", "2025")
    assert "avenant-pirate" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", CASES)
def test_build_refuses_a_broken_set_and_writes_nothing(tmp_path: Path, name: str) -> None:
    root = _project_with(tmp_path, name)
    with pytest.raises(AvenantError) as caught:
        build("essai", "2025", root=root)
    assert LABEL in str(caught.value)
    assert not (root / "output").exists()


def test_an_alias_bomb_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(VariablesError, match="bombe d’alias"):
        load(BAD / "bombe-alias.yaml", "bombe.yaml", root=ROOT)
    assert time.monotonic() - started < 1


def test_it_reports_every_schema_error_of_a_file_at_once(tmp_path: Path) -> None:
    text = (ROOT / "variables" / "exemple-fictif-trois-communes" / "2025.yaml").read_text(
        encoding="utf-8")
    broken = (text.replace("  lieu_signature: Valmorin\n", "")
              .replace("    saint-aubert: 2\n", "    saint-aubert: deux\n")
              .replace("    civilite: Monsieur\n    prenom: Gaspard",
                       "    civilite: Mr\n    prenom: Gaspard")
              .replace("avenants_precedents: []", "avenants_precedents: []\nannexes: []"))
    path = tmp_path / "2025.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InvalidVariables) as caught:
        load(path, "variables/x/2025.yaml", root=ROOT)
    fields = [p.field for p in caught.value.problems]
    assert sorted(fields) == sorted([
        "avenant.lieu_signature", "effectifs.mediateurs.saint-aubert",
        "signataires.maire-saint-aubert.civilite", "annexes"])
    assert all(p.line and p.path == "variables/x/2025.yaml" for p in caught.value.problems)
    civilite = next(p for p in caught.value.problems if p.field.endswith("civilite"))
    assert "Monsieur" in civilite.message and "Madame" in civilite.message


@pytest.mark.parametrize("text, message", [
    ("a: &a [*a]\n", "alias YAML inconnu ou récursif"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "imbrication trop profonde"),
    ("a: !!binary aGVsbG8=\n", "étiquette YAML refusée (!!binary)"),
    ("a: !perso x\n", "étiquette YAML refusée (!perso)"),
    ("- un\n- deux\n", "le fichier doit contenir des sections"),
    ("a: 'ouvert\n", "fin de fichier inattendue"),
    ("a:\n\tb: 1\n", "tabulation interdite"),
    ("a: 1\n---\nb: 2\n", "un seul document YAML"),
])
def test_it_refuses_what_a_variable_set_never_holds(tmp_path: Path, text: str,
                                                      message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VariablesError) as caught:
        load(path, "x.yaml", root=ROOT)
    assert message in str(caught.value)
    assert str(caught.value).startswith("x.yaml:")


def test_an_identifier_key_in_capitals_is_named_as_an_invalid_key(tmp_path: Path) -> None:
    text = (ROOT / "variables" / "exemple-fictif-trois-communes" / "2025.yaml").read_text(
        encoding="utf-8").replace("    bremonville: 3\n", "    Brémonville: 3\n", 1)
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidVariables) as caught:
        load(path, "x.yaml", root=ROOT)
    (problem,) = caught.value.problems
    assert problem.field == "effectifs.mediateurs.Brémonville"
    assert problem.message.startswith("clé invalide : identifiant attendu")
