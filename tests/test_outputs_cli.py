"""Issues 9 and 10 through the CLI: French usage errors, diff's own outputs and inputs, links.

Every test runs the command as a user runs it, on copies of the shipped dossiers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import docx
import pytest

from generator.cli import _parser

from .conftest import DOSSIER, run_cli


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))

V2024 = Path("output") / DOSSIER / "2024"


def two_documents(folder: Path) -> tuple[Path, Path]:
    old, new = folder / "ancien.docx", folder / "nouveau.docx"
    for path, text in ((old, "Le montant est de 100 euros."),
                       (new, "Le montant est de 120 euros.")):
        document = docx.Document()
        document.add_heading("Article 1 : Montant", level=1)
        document.add_paragraph(text)
        document.save(str(path))
    return old, new


# --- the argparse layer speaks French, a malformed command exits 2 --------------------------

def test_a_mistyped_command_is_named_with_the_choices_in_french(tmp_path: Path) -> None:
    done = run_cli("biuld", cwd=tmp_path)
    assert done.returncode == 2
    commands = ", ".join(next(a for a in _parser()._actions if a.dest == "command").choices)
    assert commands.startswith("build, check, new, ")
    assert f"choix invalide : « biuld » (choix possibles : {commands})" in done.stderr


def test_a_number_that_is_not_one_is_refused_in_french(tmp_path: Path) -> None:
    done = run_cli("build", "--all", "-j", "deux", cwd=tmp_path)
    assert done.returncode == 2
    assert "valeur invalide (nombre entier attendu) : « deux »" in done.stderr
    assert "invalid int" not in done.stderr


@pytest.mark.parametrize("arguments", [["diff"], ["diff", "a", "b", "c", "d"],
                                       ["diff", DOSSIER, "2023"]])
def test_diff_with_a_wrong_number_of_arguments_exits_2(project: Path,
                                                       arguments: list[str]) -> None:
    done = run_cli("--root", str(project), *arguments)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"avenant : erreur : .*(attend|obligatoires)", done.stderr)


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["new"], ["diff"]])
def test_help_has_no_english_left(tmp_path: Path, command: list[str]) -> None:
    done = run_cli(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0
    for english in ("usage:", "show this help", "positional arguments", "options:\n",
                    "ROOT"):
        assert english not in done.stdout, english


def test_build_all_with_an_output_file_is_an_error(project: Path) -> None:
    done = run_cli("--root", str(project), "build", "--all", "-o", str(project / "x.docx"))
    assert done.returncode == 2
    assert "--all" in done.stderr and "-o" in done.stderr
    assert not (project / "output").exists() and not (project / "x.docx").exists()


def test_a_job_count_without_all_is_an_error(project: Path) -> None:
    done = run_cli("--root", str(project), "build", DOSSIER, "2023", "-j", "2")
    assert done.returncode == 2
    assert "-j/--jobs ne sert qu’avec --all" in done.stderr
    assert not (project / "output").exists()


def test_from_the_wrong_folder_the_error_names_it_and_suggests_root(tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    done = run_cli("build", DOSSIER, "2023", cwd=elsewhere)
    assert done.returncode == 1
    assert f"dossier inconnu : « {DOSSIER} »" in done.stderr
    assert str(elsewhere) in done.stderr and "--root" in done.stderr


# --- diff: real files, its own outputs replaced freely, its inputs never ---------------------

def test_diff_rebuilds_an_avenant_older_than_its_set_and_says_so(project: Path) -> None:
    assert run_cli("--root", str(project), "build", DOSSIER, "2024").returncode == 0
    built = project / V2024 / "avenant-2-2024.docx"
    path = project / "variables" / DOSSIER / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("etat: 468000", "etat: 480000"),
                    encoding="utf-8")
    done = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert done.returncode == 0, done.stderr
    assert f"avenant reconstruit avant la comparaison (jeu de variables ou modèle plus récent) " \
           f": {V2024 / 'avenant-2-2024.docx'}" in done.stdout
    assert "480\u202f000" in " ".join(p.text for p in docx.Document(str(built)).paragraphs)
    html = (project / V2024 / "comparaison-2023-2024.html").read_text(encoding="utf-8")
    for text in (done.stdout, html):
        assert str(V2024 / "avenant-2-2024.docx") in text
        assert "/tmp" not in text and "avenant-diff-" not in text
    assert read_manifest(project / V2024 / "manifest.json")["fichiers"] == {
        name: sha256((project / V2024 / name).read_bytes())
        for name in ("avenant-2-2024.docx", "comparaison-2023-2024.docx",
                     "comparaison-2023-2024.html")}


def test_diff_after_a_change_replaces_its_own_comparison_without_force(project: Path) -> None:
    assert run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024").returncode == 0
    redline = project / V2024 / "comparaison-2023-2024.docx"
    first = redline.read_bytes()
    path = project / "variables" / DOSSIER / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("etat: 468000", "etat: 480000"),
                    encoding="utf-8")
    done = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert done.returncode == 0, done.stderr
    assert redline.read_bytes() != first
    assert not [p.name for p in (project / V2024).iterdir() if re.search(r"\.\d+$", p.name)]


def test_the_same_diff_of_two_files_twice_gives_the_same_bytes(project: Path,
                                                               tmp_path: Path) -> None:
    old, new = two_documents(tmp_path)
    target = tmp_path / "sortie" / "comparaison.docx"
    target.parent.mkdir()
    outputs = []
    for _ in range(2):
        done = run_cli("--root", str(project), "diff", str(old), str(new), "-o", str(target))
        assert done.returncode == 0, done.stderr
        outputs.append((target.read_bytes(), target.with_suffix(".html").read_bytes()))
    assert outputs[0] == outputs[1]
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "comparaison.docx", "comparaison.html", "manifest.json"]


@pytest.mark.parametrize("which", ["old", "new"])
def test_diff_never_writes_over_one_of_its_inputs_even_with_force(
        project: Path, tmp_path: Path, which: str) -> None:
    old, new = two_documents(tmp_path)
    before = {p.name: p.read_bytes() for p in (old, new)}
    target = {"old": old, "new": new}[which]
    done = run_cli("--root", str(project), "diff", str(old), str(new), "-o", str(target),
                   "--force")
    assert done.returncode == 1
    assert "l’un des documents comparés" in done.stderr
    assert {p.name: p.read_bytes() for p in (old, new)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ancien.docx", "nouveau.docx",
                                                          "projet"]


def test_an_author_that_word_cannot_hold_is_refused_in_french(project: Path,
                                                              tmp_path: Path) -> None:
    old, new = two_documents(tmp_path)
    done = run_cli("--root", str(project), "diff", str(old), str(new), "--auteur", "a\x01b")
    assert done.returncode == 1
    assert "--auteur : caractère interdit" in done.stderr and "U+0001" in done.stderr
    assert "Traceback" not in done.stderr


# --- links never lead out of the project ----------------------------------------------------

def test_a_variable_set_linking_outside_the_project_is_not_read(project: Path,
                                                                tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("racine: motdepasse-tres-secret\n", encoding="utf-8")
    link = project / "variables" / DOSSIER / "2022.yaml"
    link.symlink_to(secret)
    for command in ("check", "build"):
        done = run_cli("--root", str(project), command, DOSSIER, "2022")
        assert done.returncode == 1
        assert "lien symbolique menant hors de variables/" in done.stderr
        assert "motdepasse" not in done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_an_output_folder_linking_outside_the_project_is_not_written(project: Path,
                                                                     tmp_path: Path) -> None:
    outside = tmp_path / "dehors"
    outside.mkdir()
    (project / "output" / DOSSIER).mkdir(parents=True)
    (project / "output" / DOSSIER / "2023").symlink_to(outside)
    done = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert done.returncode == 1
    assert "lien symbolique menant hors de output/" in done.stderr
    assert list(outside.iterdir()) == []


def test_a_link_inside_variables_is_followed(project: Path) -> None:
    folder = project / "variables" / DOSSIER
    shutil.move(folder / "2023.yaml", folder / "signe-2023.yaml")
    (folder / "2023.yaml").symlink_to("signe-2023.yaml")
    done = run_cli("--root", str(project), "check", DOSSIER, "2023")
    assert done.returncode == 0, done.stdout + done.stderr
    assert os.path.islink(folder / "2023.yaml")


def test_diff_does_not_replace_a_hand_edited_avenant_without_force(project: Path) -> None:
    assert run_cli("--root", str(project), "build", DOSSIER, "2024").returncode == 0
    built = project / V2024 / "avenant-2-2024.docx"
    built.write_bytes(b"relu par le juriste")
    done = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert done.returncode == 1
    assert str(V2024 / "avenant-2-2024.docx") in done.stderr
    assert "reconstruit avant la comparaison" in done.stderr and "--force" in done.stderr
    assert built.read_bytes() == b"relu par le juriste"
    assert not (project / V2024 / "comparaison-2023-2024.docx").exists()
    forced = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024", "--force")
    assert forced.returncode == 0, forced.stderr
    assert built.with_name("avenant-2-2024.docx.1").read_bytes() == b"relu par le juriste"
    assert "ancien fichier conservé : " + str(V2024 / "avenant-2-2024.docx.1") in forced.stdout


def test_diff_says_which_avenants_it_built_first(project: Path) -> None:
    done = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert done.returncode == 0, done.stderr
    for version, name in (("2023", "avenant-1-2023.docx"), ("2024", "avenant-2-2024.docx")):
        path = Path("output") / DOSSIER / version / name
        assert f"avenant construit pour la comparaison : {path}" in done.stdout
    again = run_cli("--root", str(project), "diff", DOSSIER, "2023", "2024")
    assert "construit" not in again.stdout


def test_a_template_linking_outside_the_project_is_not_read(project: Path,
                                                            tmp_path: Path) -> None:
    kit = next(p.parent for p in (project / "templates").glob("*/kit.yaml"))
    template = next(kit.glob("*.docx"))
    outside = tmp_path / "ailleurs.docx"
    shutil.move(template, outside)
    template.symlink_to(outside)
    dossier = next(d.name for d in (project / "variables").iterdir()
                   if any(kit.name in f.read_text(encoding="utf-8") for f in d.glob("*.yaml")))
    version = next((project / "variables" / dossier).glob("*.yaml")).stem
    done = run_cli("--root", str(project), "build", dossier, version)
    assert done.returncode == 1
    assert "lien symbolique menant hors de templates/" in done.stderr
    assert "Traceback" not in done.stderr
