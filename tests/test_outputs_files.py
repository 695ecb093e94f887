"""Issues 9 and 10: every file the tool writes follows one rule, and no file is ever lost.

Our own untouched files are replaced freely; a file edited by hand or unknown to the manifest
is refused without --force and kept beside with it; the files of one build are written all or
none; a killed run's temporary files are cleaned; only regular files are read or replaced.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from generator.cli import main

from .conftest import DOSSIER, ROOT, run_cli


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))

OUT = Path("output") / DOSSIER / "2023"
DOCX = OUT / "avenant-1-2023.docx"


def digest(path: Path) -> str:
    return sha256(path.read_bytes())


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def raise_amount(project: Path, version: str = "2023", amount: str = "480000") -> None:
    path = project / "variables" / DOSSIER / f"{version}.yaml"
    text = re.sub(r"etat: \d+", f"etat: {amount}", path.read_text(encoding="utf-8"), count=1)
    path.write_text(text, encoding="utf-8")


def test_build_into_a_folder_holding_the_users_own_manifest_keeps_it(
        project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mes-documents"
    folder.mkdir()
    mine = folder / "manifest.json"
    mine.write_text('{"mon": "inventaire"}\n', encoding="utf-8")
    target = folder / "avenant.docx"
    refused = run_cli("--root", str(project), "build", DOSSIER, "2023", "-o", str(target))
    assert refused.returncode == 1
    assert "manifest.json" in refused.stderr and "--force" in refused.stderr
    assert mine.read_text(encoding="utf-8") == '{"mon": "inventaire"}\n'
    assert listing(folder) == ["manifest.json"], "all or nothing: no DOCX without its manifest"
    forced = run_cli("--root", str(project), "build", DOSSIER, "2023", "-o", str(target),
                     "--force")
    assert forced.returncode == 0, forced.stderr
    assert (folder / "manifest.json.1").read_text(encoding="utf-8") == '{"mon": "inventaire"}\n'
    assert read_manifest(mine)["fichiers"] == {"avenant.docx": digest(target)}


def test_rebuilding_after_editing_the_set_replaces_our_own_file_without_force_or_backup(
        project: Path) -> None:
    assert run_cli("--root", str(project), "build", DOSSIER, "2023").returncode == 0
    before = digest(project / DOCX)
    raise_amount(project)
    done = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert done.returncode == 0, done.stderr
    assert digest(project / DOCX) != before
    assert listing(project / OUT) == ["avenant-1-2023.docx", "manifest.json"]
    manifest = read_manifest(project / OUT / "manifest.json")
    assert manifest["fichiers"] == {"avenant-1-2023.docx": digest(project / DOCX)}


def test_a_manifest_edited_by_hand_is_refused_and_kept_with_force(project: Path) -> None:
    assert run_cli("--root", str(project), "build", DOSSIER, "2023").returncode == 0
    manifest = project / OUT / "manifest.json"
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["note"] = "vérifié par le service juridique"
    edited = json.dumps(content, ensure_ascii=False)
    manifest.write_text(edited, encoding="utf-8")
    raise_amount(project)
    refused = run_cli("--root", str(project), "build", DOSSIER, "2023")
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert manifest.read_text(encoding="utf-8") == edited
    forced = run_cli("--root", str(project), "build", DOSSIER, "2023", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (project / OUT / "manifest.json.1").read_text(encoding="utf-8") == edited
    assert read_manifest(manifest)["fichiers"] == {"avenant-1-2023.docx":
                                                   digest(project / DOCX)}
    assert "note" not in read_manifest(manifest)


def test_a_full_disk_writes_neither_the_avenant_nor_its_manifest(
        project: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "build", DOSSIER, "2023"]) == 0
    before = {name: digest(project / OUT / name) for name in listing(project / OUT)}
    raise_amount(project)
    fsync = os.fsync
    calls = []

    def second_write_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the DOCX went through, its manifest does not
            raise OSError(errno.ENOSPC, "No space left on device")
        fsync(fd)

    monkeypatch.setattr("os.fsync", second_write_fails)
    capsys.readouterr()
    assert main(["--root", str(project), "build", DOSSIER, "2023"]) == 1
    assert "écriture impossible (disque plein)" in capsys.readouterr().err
    assert {name: digest(project / OUT / name) for name in listing(project / OUT)} == before


@pytest.mark.parametrize("failing_call", [1, 2])
def test_a_failed_rename_puts_every_old_file_back(
        project: Path, monkeypatch: pytest.MonkeyPatch, failing_call: int) -> None:
    assert main(["--root", str(project), "build", DOSSIER, "2023"]) == 0
    (project / DOCX).write_bytes(b"retouche")
    before = {name: digest(project / OUT / name) for name in listing(project / OUT)}
    raise_amount(project)
    replace = os.replace
    calls = []

    def fails(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr("os.replace", fails)
    assert main(["--root", str(project), "build", DOSSIER, "2023", "--force"]) == 1
    assert {name: digest(project / OUT / name) for name in listing(project / OUT)} == before


KILLED_MIDWAY = """
import os, sys, time
from pathlib import Path
def slow_replace(src, dst):
    Path(sys.argv[1]).write_text("prêt")  # every temporary file is written, none in place
    time.sleep(60)
os.replace = slow_replace
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_the_next_build_removes_the_temporary_files_of_a_killed_one(
        project: Path, tmp_path: Path) -> None:
    raise_amount(project, amount="470000")
    assert run_cli("--root", str(project), "build", DOSSIER, "2023").returncode == 0
    raise_amount(project, amount="480000")
    ready = tmp_path / "pret"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MIDWAY, str(ready), "--root",
         str(project), "build", DOSSIER, "2023"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert any(name.endswith(".tmp") for name in listing(project / OUT))
    users = project / OUT / ".mes-notes.tmp"
    users.write_text("à garder", encoding="utf-8")
    assert run_cli("--root", str(project), "build", DOSSIER, "2023").returncode == 0
    assert listing(project / OUT) == [".mes-notes.tmp", "avenant-1-2023.docx", "manifest.json"]


def _bounded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI under a time and memory limit (a device read without end would exceed both)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_an_output_that_is_a_named_pipe_is_refused_without_reading_it(
        project: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "tube.docx"
    os.mkfifo(pipe)
    done = _bounded("--root", str(project), "build", DOSSIER, "2023", "-o", str(pipe))
    assert done.returncode == 1
    assert "pas un fichier ordinaire" in done.stderr and "Traceback" not in done.stderr
    assert listing(tmp_path) == ["projet", "tube.docx"]


def test_an_output_that_links_to_a_device_is_refused_without_reading_it(
        project: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "ancien.docx", tmp_path / "nouveau.docx"
    for path, text in ((old, "Cent euros."), (new, "Cent vingt euros.")):
        document = docx.Document()
        document.add_paragraph(text)
        document.save(str(path))
    link = tmp_path / "zero.docx"
    link.symlink_to("/dev/zero")
    for command in (["build", DOSSIER, "2023"], ["diff", str(old), str(new)]):
        done = _bounded("--root", str(project), *command, "-o", str(link), "--force")
        assert done.returncode == 1, done.stderr
        assert "pas un fichier ordinaire" in done.stderr and "Traceback" not in done.stderr
        assert link.is_symlink() and os.readlink(link) == "/dev/zero"


def test_without_hard_links_old_files_are_copied_aside(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr("os.link", no_links)  # a USB key, some network shares
    assert main(["--root", str(project), "build", DOSSIER, "2023"]) == 0
    raise_amount(project, amount="470000")
    assert main(["--root", str(project), "build", DOSSIER, "2023"]) == 0
    (project / DOCX).write_bytes(b"retouche")
    raise_amount(project, amount="480000")
    assert main(["--root", str(project), "build", DOSSIER, "2023", "--force"]) == 0
    assert (project / OUT / "avenant-1-2023.docx.1").read_bytes() == b"retouche"
    assert listing(project / OUT) == ["avenant-1-2023.docx", "avenant-1-2023.docx.1",
                                      "manifest.json"]
