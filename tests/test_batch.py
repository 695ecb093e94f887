"""Issue 6: ``avenant build --all`` builds every version of every dossier, failures apart.

Projects are copies under tmp_path; the command runs through the CLI as a user runs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from generator.cli import main
from generator.commands import batch
from generator.commands.batch import build_all
from generator.errors import UsageError

from .conftest import DOSSIER, ROOT, run_cli

SHIPPED_2023 = ROOT / "variables" / DOSSIER / "2023.yaml"


def next_year(text: str, year: int, rank: int) -> str:
    """The shipped 2023 set moved to ``year`` as avenant n° ``rank``, consistent throughout."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    data = yaml.load(text)
    data["avenant"]["rang"] = rank
    data["avenant"]["annee"] = year
    data["avenant"]["periode"]["debut"] = dt.date(year, 1, 1)
    data["avenant"]["periode"]["fin"] = dt.date(year, 12, 31)
    data["avenants_precedents"] = [{"numero": f"{r}-{2022 + r}"} for r in range(1, rank)]
    data["financement"]["etat"] += 12_000 * (rank - 1)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def add_dossier(root: Path, name: str, versions: dict[str, str]) -> None:
    folder = root / "variables" / name
    folder.mkdir(parents=True)
    for version, text in versions.items():
        (folder / f"{version}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def lot(tmp_path: Path) -> Path:
    """Two dossiers: the shipped 2023 set followed by 2024, and a copy of the 2023 set."""
    root = tmp_path / "lot"
    shutil.copytree(ROOT / "templates", root / "templates")
    source = SHIPPED_2023.read_text(encoding="utf-8")
    add_dossier(root, "ain-bourg", {"2023": source, "2024": next_year(source, 2024, 2)})
    add_dossier(root, "cote-d-or-dijon", {"2023": source})
    return root


def docx_files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "output").rglob("*.docx"))}


def summary_rows(stdout: str) -> list[tuple[str, str, str]]:
    """(dossier, version, statut) of each row of the summary table."""
    rows = []
    for line in stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) == 4 and cells[1] and cells[0] != "Dossier":
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_build_all_builds_every_version_of_every_dossier_with_progress_and_summary(
        lot: Path) -> None:
    done = run_cli("--root", str(lot), "build", "--all")
    assert done.returncode == 0, done.stderr
    assert sorted(docx_files(lot)) == [
        "output/ain-bourg/2023/avenant-1-2023.docx",
        "output/ain-bourg/2024/avenant-2-2024.docx",
        "output/cote-d-or-dijon/2023/avenant-1-2023.docx",
    ]
    for name in docx_files(lot):
        assert (lot / name).with_name("manifest.json").is_file()
    progress = done.stderr.splitlines()
    assert len(progress) == 3
    assert all(re.fullmatch(r"\[\d/3\] \S+ \d{4} : construit", line) for line in progress)
    assert summary_rows(done.stdout) == [
        ("ain-bourg", "2023", "construit"),
        ("ain-bourg", "2024", "construit"),
        ("cote-d-or-dijon", "2023", "construit"),
    ]
    assert "output/ain-bourg/2024/avenant-2-2024.docx" in done.stdout
    assert re.search(r"^3 avenants en \d+,\d\xa0s : 3 construits, 0 inchangé, 0 en échec$",
                     done.stdout, re.MULTILINE)


def test_build_all_over_the_shipped_dossiers_builds_each_of_them(project: Path) -> None:
    shipped = [(d.name, v.stem) for d in sorted((ROOT / "variables").iterdir()) if d.is_dir()
               for v in d.glob("*.yaml")]
    done = run_cli("--root", str(project), "build", "--all")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted((d, v) for d, v, _ in summary_rows(done.stdout)) == sorted(shipped)
    for dossier, version in shipped:
        assert list((project / "output" / dossier / version).glob("avenant-*.docx"))


def test_a_broken_set_is_reported_and_the_others_are_built(lot: Path) -> None:
    broken = lot / "variables" / "ain-bourg" / "2024.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("rang: 2", "rang: deux"),
                      encoding="utf-8")
    done = run_cli("--root", str(lot), "build", "--all")
    assert done.returncode == 1
    assert summary_rows(done.stdout) == [
        ("ain-bourg", "2023", "construit"),
        ("ain-bourg", "2024", "échec"),
        ("cote-d-or-dijon", "2023", "construit"),
    ]
    assert re.search(r"variables/ain-bourg/2024\.yaml:\d+: avenant\.rang \(rang de l’avenant\): "
                     r"nombre entier attendu", done.stdout), done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "1 en échec" in done.stdout
    assert sorted(docx_files(lot)) == ["output/ain-bourg/2023/avenant-1-2023.docx",
                                       "output/cote-d-or-dijon/2023/avenant-1-2023.docx"]


def test_a_second_run_reports_every_avenant_unchanged(lot: Path) -> None:
    assert run_cli("--root", str(lot), "build", "--all").returncode == 0
    before = docx_files(lot)
    done = run_cli("--root", str(lot), "build", "--all")
    assert done.returncode == 0
    assert [s for _, _, s in summary_rows(done.stdout)] == ["inchangé"] * 3
    assert "0 construit, 3 inchangés, 0 en échec" in done.stdout
    assert docx_files(lot) == before


def test_a_differing_file_fails_its_item_only_and_force_keeps_it_beside(lot: Path) -> None:
    assert run_cli("--root", str(lot), "build", "--all").returncode == 0
    edited = lot / "output" / "cote-d-or-dijon" / "2023" / "avenant-1-2023.docx"
    edited.write_bytes(b"retouche")
    done = run_cli("--root", str(lot), "build", "--all")
    assert done.returncode == 1
    assert [s for _, _, s in summary_rows(done.stdout)] == ["inchangé", "inchangé", "échec"]
    assert "le fichier existe déjà et diffère" in done.stdout
    assert edited.read_bytes() == b"retouche"
    done = run_cli("--root", str(lot), "build", "--all", "--force")
    assert done.returncode == 0
    assert [s for _, _, s in summary_rows(done.stdout)] == ["inchangé", "inchangé", "construit"]
    assert "ancien fichier conservé : output/cote-d-or-dijon/2023/avenant-1-2023.docx.1" in (
        done.stdout)
    assert edited.with_name("avenant-1-2023.docx.1").read_bytes() == b"retouche"


def test_one_process_or_several_give_the_same_files(lot: Path, tmp_path: Path) -> None:
    other = tmp_path / "autre"
    shutil.copytree(lot, other)
    assert run_cli("--root", str(lot), "build", "--all", "-j", "1").returncode == 0
    assert run_cli("--root", str(other), "build", "--all", "-j", "3").returncode == 0
    assert docx_files(lot) == docx_files(other)


def test_an_unexpected_error_is_an_internal_error_without_traceback(
        lot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(importlib.import_module("generator.commands.build"), "build", broken)
    assert main(["--root", str(lot), "build", "--all", "-j", "1"]) == 1
    out, err = capsys.readouterr()
    assert "erreur interne (RuntimeError) : panne simulée" in out
    assert "Traceback" not in out + err
    assert "0 construit, 0 inchangé, 3 en échec" in out


def test_the_library_returns_every_outcome_in_order_and_reports_each_as_it_comes(
        lot: Path) -> None:
    seen: list[object] = []
    starts: list[tuple[int, int]] = []
    batch_ = build_all(root=lot, jobs=2, started=lambda total, jobs: starts.append((total, jobs)),
                       progress=seen.append)
    assert starts == [(3, 2)]
    assert [(o.dossier, o.version, o.status) for o in batch_.outcomes] == [
        ("ain-bourg", "2023", "construit"), ("ain-bourg", "2024", "construit"),
        ("cote-d-or-dijon", "2023", "construit")]
    assert sorted(seen, key=batch_.outcomes.index) == batch_.outcomes
    assert not batch_.failed


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_progress_bar_counts_the_avenants(
        lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = Terminal(), Terminal()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    assert main(["--root", str(lot), "build", "--all", "-j", "2"]) == 0
    assert "construction (2 processus)" in err.getvalue()
    assert "3/3" in err.getvalue()
    assert "3 construits" in out.getvalue()


def test_work_is_sorted_by_dossier_then_version(lot: Path) -> None:
    add_dossier(lot, "ain-bourg-bis", {"2023": SHIPPED_2023.read_text(encoding="utf-8")})
    (lot / "variables" / "ain-bourg" / "2023-2.yaml").write_text("", encoding="utf-8")
    from generator.paths import Project

    assert batch.work_list(Project(lot)) == [
        ("ain-bourg", "2023"), ("ain-bourg", "2023-2"), ("ain-bourg", "2024"),
        ("ain-bourg-bis", "2023"), ("cote-d-or-dijon", "2023")]


def test_an_empty_project_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "variables").mkdir()
    assert main(["--root", str(tmp_path), "build", "--all"]) == 1
    assert capsys.readouterr().err == (
        "erreur : aucun jeu de variables à construire dans variables/\n")


def test_a_negative_job_count_is_refused(lot: Path) -> None:
    with pytest.raises(UsageError, match="nombre de processus invalide : -1"):
        build_all(root=lot, jobs=-1)
