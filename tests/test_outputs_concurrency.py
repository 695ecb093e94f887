"""Issue 10: concurrent runs writing to one place never overwrite each other unseen.

Real processes run at once; a small wrapper holds each one inside its write, so that without
a lock their writes would interleave (the DOCX of one, the manifest of the other).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from generator.package import read_custom_properties

from .conftest import DOSSIER, ROOT


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


OTHER = ("exemple-fictif-trois-communes", "2025")

HELD = """
import os, sys, time
from pathlib import Path
meeting, me, delay_docx, delay_manifest = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:5])
replace = os.replace
def held_replace(src, dst):
    Path(meeting, me).touch()
    deadline = time.monotonic() + 3  # wait for the other run (a lock may keep it out)
    while len(os.listdir(meeting)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay_manifest if str(dst).endswith(".json") else delay_docx)
    replace(src, dst)
os.replace = held_replace
from generator.cli import main
sys.exit(main(sys.argv[5:]))
"""


def _start(meeting: Path, me: str, delays: tuple[float, float], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HELD, str(meeting), me, *map(str, delays), *args],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def test_two_different_builds_to_one_file_leave_a_manifest_that_describes_it(
        project: Path, tmp_path: Path) -> None:
    meeting = tmp_path / "rendez-vous"
    meeting.mkdir()
    target = tmp_path / "commun" / "avenant.docx"
    first = _start(meeting, "a", (0.1, 0.8), "--root", str(project), "build", DOSSIER, "2023",
                   "-o", str(target))
    second = _start(meeting, "b", (0.5, 0.1), "--root", str(project), "build", *OTHER,
                    "-o", str(target))
    results = [p.communicate(timeout=120) + (p.returncode,) for p in (first, second)]
    assert [code for _, _, code in results] == [0, 0], results
    manifest = read_manifest(target.with_name("manifest.json"))
    assert manifest is not None
    assert manifest["fichiers"] == {"avenant.docx": sha256(target.read_bytes())}
    assert manifest["dossier"] == read_custom_properties(target.read_bytes())["avenant.dossier"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["avenant.docx", "manifest.json"]


def test_concurrent_forced_builds_keep_the_users_file_in_a_backup_of_its_own(
        project: Path, tmp_path: Path) -> None:
    target = tmp_path / "commun" / "avenant.docx"
    target.parent.mkdir()
    target.write_bytes(b"le texte du juriste")
    meeting = tmp_path / "rendez-vous"
    meeting.mkdir()
    runs = [_start(meeting, "a", (0.3, 0.0), "--root", str(project), "build", DOSSIER, "2023",
                   "-o", str(target), "--force"),
            _start(meeting, "b", (0.3, 0.0), "--root", str(project), "build", *OTHER,
                   "-o", str(target), "--force")]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in runs]
    assert [code for _, _, code in results] == [0, 0], results
    backups = sorted(target.parent.glob("avenant.docx.*"))
    assert [p.read_bytes() for p in backups] == [b"le texte du juriste"]
    manifest = read_manifest(target.with_name("manifest.json"))
    assert manifest["fichiers"] == {"avenant.docx": sha256(target.read_bytes())}


def test_two_different_diffs_to_one_file_leave_a_manifest_that_describes_them(
        project: Path, tmp_path: Path) -> None:
    import docx

    inputs = []
    for name, text in (("a", "Cent euros."), ("b", "Cent vingt euros."), ("c", "Mille euros.")):
        document = docx.Document()
        document.add_paragraph(text)
        document.save(str(tmp_path / f"{name}.docx"))
        inputs.append(str(tmp_path / f"{name}.docx"))
    meeting = tmp_path / "rendez-vous"
    meeting.mkdir()
    target = tmp_path / "commun" / "comparaison.docx"
    target.parent.mkdir()
    runs = [_start(meeting, "a", (0.1, 0.8), "--root", str(project), "diff", inputs[0],
                   inputs[1], "-o", str(target)),
            _start(meeting, "b", (0.5, 0.1), "--root", str(project), "diff", inputs[0],
                   inputs[2], "-o", str(target))]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in runs]
    assert [code for _, _, code in results] == [0, 0], results
    manifest = read_manifest(target.with_name("manifest.json"))
    assert manifest["fichiers"] == {
        "comparaison.docx": sha256(target.read_bytes()),
        "comparaison.html": sha256(target.with_suffix(".html").read_bytes())}
