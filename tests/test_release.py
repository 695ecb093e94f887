"""Issue 6: reproducible, traced, checked before release, and no file ever lost.

Every test builds in a copy of the project under tmp_path (templates/ and the shipped 2023
set), through the CLI as a user runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from lxml import etree

import generator
from generator.cli import main
from generator.package import read_custom_properties

from .conftest import DOSSIER, ROOT, run_cli

TEMPLATE = "bataillon-prevention/modele.docx"
KIT = "bataillon-prevention/kit.yaml"
DOCX = Path("output") / DOSSIER / "2023" / "avenant-1-2023.docx"
MANIFEST = DOCX.with_name("manifest.json")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_project(root: Path) -> Path:
    """templates/ and the shipped 2023 variable set, nothing else."""
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "variables" / DOSSIER).mkdir(parents=True)
    shutil.copy2(ROOT / "variables" / DOSSIER / "2023.yaml", root / "variables" / DOSSIER)
    return root


@pytest.fixture
def projet(tmp_path: Path) -> Path:
    return make_project(tmp_path / "projet")


def build_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--root", str(root), "build", DOSSIER, "2023", *args)


def rewrite_zip(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite some entries of a DOCX in place."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            edit = edits.get(info.filename)
            target.writestr(info, edit(data) if edit else data)


def edit_story(path: Path, part: str, change: Callable[[etree._Element], None]) -> None:
    """Change the body of the main document, or the root of a header or footer part."""
    def apply(data: bytes) -> bytes:
        root = etree.fromstring(data)
        body = root.find(f"{{{W}}}body")
        change(root if body is None else body)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    rewrite_zip(path, {part: apply})


def add_paragraph(xml: str) -> Callable[[etree._Element], None]:
    """A change that adds a paragraph (WordprocessingML, ``w:`` prefix) at the end."""
    def change(story: etree._Element) -> None:
        at = len(story) - 1 if story[-1].tag == f"{{{W}}}sectPr" else len(story)
        story.insert(at, etree.fromstring(f'<w:p xmlns:w="{W}">{xml}</w:p>'))
    return change


def drop_signature_names(body: etree._Element) -> None:
    for caption in body.iter(f"{{{W}}}tblCaption"):
        if caption.get(f"{{{W}}}val") == "Signatures":
            table = caption.getparent().getparent()
            table.remove(table.findall(f"{{{W}}}tr")[-1])


# --- Byte-identical builds ------------------------------------------------------------------

def test_two_builds_seconds_apart_in_different_folders_give_identical_bytes(
        tmp_path: Path) -> None:
    first = make_project(tmp_path / "ici" / "projet")
    second = make_project(tmp_path / "ailleurs" / "un autre nom")
    assert build_cli(first).returncode == 0
    time.sleep(2.1)  # zip timestamps have a two-second resolution
    env = dict(os.environ, PYTHONPATH=str(ROOT), TZ="Pacific/Auckland", LC_ALL="C")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(second), "build", DOSSIER, "2023"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sha256(first / DOCX) == sha256(second / DOCX)
    assert (first / MANIFEST).read_bytes() == (second / MANIFEST).read_bytes()


def test_every_zip_entry_carries_the_same_fixed_date(projet: Path) -> None:
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0
    with zipfile.ZipFile(projet / DOCX) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- Manifest and provenance ------------------------------------------------------------------

def test_the_manifest_holds_the_sha256_of_every_file_written_and_of_its_inputs(
        projet: Path) -> None:
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0
    manifest = json.loads((projet / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["dossier"] == DOSSIER and manifest["version"] == "2023"
    assert manifest["outil"] == {"nom": "avenant", "version": generator.__version__}
    assert manifest["fichiers"] == {"avenant-1-2023.docx": sha256(projet / DOCX)}
    variables = f"variables/{DOSSIER}/2023.yaml"
    assert manifest["entrees"] == {
        f"templates/{TEMPLATE}": sha256(projet / "templates" / TEMPLATE),
        f"templates/{KIT}": sha256(projet / "templates" / KIT),
        variables: sha256(projet / variables),
    }


def test_the_custom_properties_name_the_inputs_and_the_tool(projet: Path) -> None:
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0
    custom = read_custom_properties((projet / DOCX).read_bytes())
    entrees = json.loads((projet / MANIFEST).read_text(encoding="utf-8"))["entrees"]
    assert custom == {
        "avenant.dossier": DOSSIER,
        "avenant.version": "2023",
        "avenant.numero": "1-2023",
        "avenant.variables": f"variables/{DOSSIER}/2023.yaml",
        "avenant.variables.sha256": sha256(projet / "variables" / DOSSIER / "2023.yaml"),
        "avenant.modele": f"templates/{TEMPLATE}",
        "avenant.modele.sha256": sha256(projet / "templates" / TEMPLATE),
        "avenant.outil.version": generator.__version__,
    }
    assert custom["avenant.variables.sha256"] in entrees.values()


def test_a_changed_variable_set_changes_the_recorded_hash(projet: Path) -> None:
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0
    before = read_custom_properties((projet / DOCX).read_bytes())["avenant.variables.sha256"]
    path = projet / "variables" / DOSSIER / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# relu\n", encoding="utf-8")
    assert main(["--root", str(projet), "build", DOSSIER, "2023", "--force"]) == 0
    after = read_custom_properties((projet / DOCX).read_bytes())["avenant.variables.sha256"]
    assert after != before and after == sha256(path)


def test_document_properties_come_from_the_set_not_from_the_template_author(
        projet: Path) -> None:
    template = projet / "templates" / TEMPLATE
    document = docx.Document(str(template))
    props = document.core_properties
    props.author = props.last_modified_by = "Jean Modèle"
    props.comments = "brouillon interne de Jean Modèle"
    props.identifier = props.content_status = props.version = "Jean Modèle"
    document.save(str(template))
    rewrite_zip(template, {"docProps/app.xml": lambda data: data.replace(
        b"<Company/>", "<Company>Cabinet Modèle</Company>".encode()).replace(
        b"<Manager/>", "<Manager>Jean Modèle</Manager>".encode())})
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0

    built = docx.Document(str(projet / DOCX)).core_properties
    assert built.title == ("Avenant n°\xa01-2023 à la convention pour la mise en place d’un "
                           "bataillon de la prévention sur le Quartier de Reconquête Républicaine "
                           "de la Métropole de Dijon (Le Mail à Chenôve, Les Grésilles à Dijon)")
    assert built.subject == "Avenant annuel au bataillon de la prévention : année 2023"
    assert built.author == "Le Préfet du département de la Côte-d’Or"
    assert built.last_modified_by == built.author
    assert built.language == "fr-FR"
    with zipfile.ZipFile(projet / DOCX) as archive:
        names = archive.namelist()
        properties = b"".join(archive.read(n) for n in names if n.startswith("docProps/"))
    assert "Modèle".encode() not in properties
    assert not any("thumbnail" in n for n in names), "the template's preview picture is dropped"


# --- Release check ------------------------------------------------------------------------------

BODY, FOOTER = "word/document.xml", "word/footer1.xml"
INSERTION = ('<w:ins w:id="901" w:author="Relecteur" w:date="2024-01-05T10:00:00Z">'
             "<w:r><w:t>phrase ajoutée</w:t></w:r></w:ins>")
COMMENTED = ('<w:commentRangeStart w:id="0"/><w:r><w:t>à revoir</w:t></w:r>'
             '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>')
RELEASE_FAULTS = {
    "balise": (BODY, add_paragraph("<w:r><w:t>{{ '{' }}{ avenant.numero }}</w:t></w:r>"),
               "balise de modèle restée dans le document : « {{ avenant.numero }} »"),
    "balise en pied de page": (
        FOOTER, add_paragraph("<w:r><w:t>{{ '{' }}{ avenant.annee }}</w:t></w:r>"),
        "balise de modèle restée dans le document : « {{ avenant.annee }} »"),
    "modification suivie": (BODY, add_paragraph(INSERTION),
                            "le document contient des modifications suivies"),
    "suppression suivie": (
        BODY, add_paragraph('<w:del w:id="902" w:author="Relecteur" '
                            'w:date="2024-01-05T10:00:00Z"><w:r><w:delText>phrase ôtée'
                            "</w:delText></w:r></w:del>"),
        "le document contient des modifications suivies"),
    "modification suivie en pied de page": (
        FOOTER, add_paragraph(INSERTION), "le document contient des modifications suivies"),
    "commentaire": (BODY, add_paragraph(COMMENTED), "le document contient des commentaires"),
    "commentaire en pied de page": (FOOTER, add_paragraph(COMMENTED),
                                    "le document contient des commentaires"),
    "bloc de signature": (BODY, drop_signature_names,
                          "pas de bloc de signature pour Monsieur Franck ROBINE"),
}


@pytest.mark.parametrize("fault", list(RELEASE_FAULTS))
def test_the_release_check_refuses_a_document_unfit_to_sign_and_writes_nothing(
        projet: Path, fault: str) -> None:
    part, change, message = RELEASE_FAULTS[fault]
    edit_story(projet / "templates" / TEMPLATE, part, change)
    done = build_cli(projet)
    assert done.returncode == 1
    assert done.stderr.startswith(f"erreur : templates/{TEMPLATE}: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (projet / "output").exists()


def test_the_release_check_names_every_signatory_without_a_block(projet: Path) -> None:
    edit_story(projet / "templates" / TEMPLATE, BODY, drop_signature_names)
    done = build_cli(projet)
    assert done.returncode == 1
    for name in ("Franck ROBINE", "François REBSAMEN", "Thierry FALCONNET", "Michel DEUTCH"):
        assert f"pas de bloc de signature pour Monsieur {name}" in done.stderr


# --- PDF ------------------------------------------------------------------------------------

needs_libreoffice = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
    reason="LibreOffice et pdftotext sont nécessaires")


@needs_libreoffice
def test_build_pdf_gives_a_pdf_a_2b_holding_every_article(projet: Path) -> None:
    done = build_cli(projet, "--pdf")
    assert done.returncode == 0, done.stderr
    pdf = projet / DOCX.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())
    headings = [" ".join(p.text.replace("\xa0", " ").split())
                for p in docx.Document(str(projet / DOCX)).paragraphs
                if p.style.name.startswith("Heading") and p.text.startswith("Article")]
    assert len(headings) >= 14
    missing = [h for h in headings if h not in flat]
    assert not missing
    data = pdf.read_bytes()
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>", data)
    assert re.search(rb"<pdfaid:conformance>B</pdfaid:conformance>", data)
    manifest = json.loads((projet / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["fichiers"] == {"avenant-1-2023.docx": sha256(projet / DOCX),
                                    "avenant-1-2023.pdf": sha256(pdf)}


@needs_libreoffice
def test_building_the_pdf_again_replaces_our_own_pdf_without_force(projet: Path) -> None:
    assert build_cli(projet, "--pdf").returncode == 0
    done = build_cli(projet, "--pdf")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (projet / DOCX).parent.iterdir()) == [
        "avenant-1-2023.docx", "avenant-1-2023.pdf", "manifest.json"]


def test_without_libreoffice_build_pdf_says_so_in_french_and_writes_nothing(
        projet: Path, tmp_path: Path) -> None:
    empty = tmp_path / "sans-libreoffice"
    empty.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=str(empty))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(projet), "build", DOSSIER, "2023",
         "--pdf"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.startswith("erreur : LibreOffice est introuvable (commande soffice)")
    assert "sans --pdf" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (projet / "output").exists()


# --- No file lost -----------------------------------------------------------------------------

def test_a_differing_file_is_not_replaced_without_force(projet: Path) -> None:
    assert build_cli(projet).returncode == 0
    target = projet / DOCX
    target.write_bytes(b"version retouchee a la main")
    done = build_cli(projet)
    assert done.returncode == 1
    assert done.stderr == (
        f"erreur : {DOCX}: le fichier existe déjà et diffère de ce qui serait écrit ; rien "
        "n’a été modifié (--force le remplace en gardant l’ancien à côté)\n")
    assert target.read_bytes() == b"version retouchee a la main"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name, "manifest.json"]


def test_with_force_the_old_file_is_kept_beside_the_new_one(projet: Path) -> None:
    assert build_cli(projet).returncode == 0
    target = projet / DOCX
    good = target.read_bytes()
    target.write_bytes(b"version retouchee a la main")
    done = build_cli(projet, "--force")
    assert done.returncode == 0, done.stderr
    backup = target.with_name("avenant-1-2023.docx.1")
    assert backup.read_bytes() == b"version retouchee a la main"
    assert target.read_bytes() == good
    assert "ancien fichier conservé" in done.stdout
    target.write_bytes(b"seconde retouche")
    assert build_cli(projet, "--force").returncode == 0
    assert target.with_name("avenant-1-2023.docx.2").read_bytes() == b"seconde retouche"
    assert backup.read_bytes() == b"version retouchee a la main"


def test_building_again_with_nothing_changed_touches_nothing(projet: Path) -> None:
    assert build_cli(projet).returncode == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in (projet / DOCX).parent.iterdir()}
    time.sleep(0.05)
    done = build_cli(projet)
    assert done.returncode == 0, done.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (projet / DOCX).parent.iterdir()} == stamps


@pytest.mark.parametrize("failing", ["os.replace", "os.fsync"])
def test_a_failed_write_leaves_the_old_file_intact(
        projet: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        failing: str) -> None:
    assert main(["--root", str(projet), "build", DOSSIER, "2023"]) == 0
    target = projet / DOCX
    target.write_bytes(b"version retouchee a la main")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(failing, fail)
    capsys.readouterr()
    assert main(["--root", str(projet), "build", DOSSIER, "2023", "--force"]) == 1
    assert capsys.readouterr().err == (
        f"erreur : {DOCX}: écriture impossible (disque plein)\n")
    assert target.read_bytes() == b"version retouchee a la main"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name, "manifest.json"]


KILLABLE = """
import os, sys, time
from pathlib import Path
replace = os.replace
def slow_replace(src, dst):
    Path(sys.argv[1]).write_text("prêt")  # the new DOCX is written in full, not yet in place
    time.sleep(60)
    replace(src, dst)
os.replace = slow_replace
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_build_killed_midway_leaves_the_old_file_intact(projet: Path, tmp_path: Path) -> None:
    assert build_cli(projet).returncode == 0
    target = projet / DOCX
    target.write_bytes(b"version retouchee a la main")
    ready = tmp_path / "pret"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, str(ready), "--root", str(projet), "build", DOSSIER,
         "2023", "--force"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None, "the build ended before its write"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert target.read_bytes() == b"version retouchee a la main"
    leftovers = [p.name for p in target.parent.iterdir()
                 if p.name not in (target.name, "manifest.json", target.name + ".1")]
    assert all(name.startswith(".avenant-1-2023.docx.") and name.endswith(".tmp")
               for name in leftovers)
