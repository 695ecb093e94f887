"""`avenant serve` without a browser: the routes, the guards, the YAML written back."""

from __future__ import annotations

import base64
import difflib
import html
import io
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from generator.kits.labels import labels
from generator.kits.sets import load
from generator.web.app import create_app, fid
from generator.web.security import MAX_BODY

from .conftest import DOSSIER, ROOT, run_cli

URL = f"/d/{DOSSIER}/2023"


@pytest.fixture
def client(project: Path) -> TestClient:
    guard = create_app(project)
    client = TestClient(guard, base_url="http://127.0.0.1:8000")
    client.headers["X-CSRF-Token"] = guard.token
    return client


def _state(page: str) -> dict[str, str]:
    """The hidden state of the version page: the draft and the text it was opened from."""
    return {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
            for name in ("brouillon", "origine")}


def _text(packed: str) -> str:
    return base64.b64decode(packed).decode("utf-8")


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# -- guards --------------------------------------------------------------------------------

def test_a_foreign_host_header_is_refused_against_dns_rebinding(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "attaquant.example:8000"})
    assert response.status_code == 400
    assert "Hôte non autorisé" in response.text
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_every_post_needs_the_csrf_token(client: TestClient, project: Path) -> None:
    page = client.get(URL).text
    del client.headers["X-CSRF-Token"]
    response = client.post(URL + "/valider", data=_state(page))
    assert response.status_code == 403
    assert "CSRF" in response.text
    response = client.post(URL + "/valider", data=_state(page),
                           headers={"X-CSRF-Token": "faux"})
    assert response.status_code == 403
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)
    assert client.post(URL + "/valider", data={**_state(page), "csrf": token}).status_code == 200


def test_request_bodies_are_capped(client: TestClient) -> None:
    response = client.post(URL + "/valider", content=b"x" * (MAX_BODY + 1),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/d/..%2Fvariables/2023", "/d/bad$name/2023",
                                  f"/d/{DOSSIER}/..%2F..%2Fpyproject"])
def test_names_in_urls_are_checked_as_on_the_command_line(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "invalide" in response.text


def test_an_unknown_version_says_which_exist(client: TestClient) -> None:
    response = client.get(f"/d/{DOSSIER}/1999")
    assert response.status_code == 400
    assert "version inconnue" in response.text and "2023, 2024" in response.text


# -- pages ---------------------------------------------------------------------------------

def test_the_dossiers_page_lists_versions_with_status_and_counts(client: TestClient) -> None:
    page = client.get("/").text
    assert DOSSIER in page and "exemple-fictif-trois-communes" in page
    row = re.search(rf'href="/d/{DOSSIER}/2024">2024</a></td>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert "projet" in cells[0]
    assert cells[1] == "jamais"
    assert int(cells[2]) == 0 and int(cells[3]) >= 1  # the 2024 draft carries warnings


def test_the_form_is_generated_with_french_labels_and_typed_inputs(client: TestClient) -> None:
    page = client.get(URL).text
    assert '<legend>Avenant</legend>' in page
    assert 'Kit : <strong>bataillon-prevention</strong>' in page
    assert 'type="date" id="i-f-avenant--periode--debut" name="avenant.periode.debut" ' \
           'value="2023-01-01"' in page
    assert "Montant de l’État" in page
    assert "468\u202f000\xa0€ — quatre cent soixante-huit mille euros" in page
    select = re.search(r'<select id="i-f-signataires--prefet--civilite".*?</select>', page,
                       re.S).group(0)
    assert "<option selected>Monsieur</option>" in select and "<option >Madame</option>" in select
    assert "Monsieur le Préfet du département de la Côte-d’Or" in page
    assert "<legend>Commune de Dijon (dijon)</legend>" in page  # the kit's libelle_element


def test_the_form_names_items_from_the_one_label_table(client: TestClient,
                                                         project: Path) -> None:
    kit = project / "templates" / "bataillon-prevention" / "kit.yaml"
    text = kit.read_text(encoding="utf-8")
    old = "libelle_element: \"commune {{ (communes[cle].nom if cle in communes else cle) | de }}\""
    assert old in text
    kit.write_text(text.replace(old, "libelle_element: \"commune {{ element.nom | de }}\""),
                   encoding="utf-8")
    page = client.get(URL).text
    assert "<legend>Commune de Dijon (dijon)</legend>" in page  # the item itself, as `check` has
    known = labels(load(project / "variables" / DOSSIER / "2023.yaml", root=project))
    assert known["communes.chenove"][0] == "commune de Chenôve"
    assert "<legend>Commune de Chenôve (chenove)</legend>" in page


def test_the_amount_is_written_out_as_it_is_typed(client: TestClient) -> None:
    response = client.get("/montant", params={"financement.etat": "470 000"})
    assert response.text == "470\u202f000\xa0€ — quatre cent soixante-dix mille euros"
    assert "invalide" in client.get("/montant", params={"x": "douze"}).text


# -- checking a draft ----------------------------------------------------------------------

def test_a_change_is_checked_by_the_code_of_check_and_placed_at_its_field(
        client: TestClient) -> None:
    state = _state(client.get(URL).text)
    response = client.post(URL + "/valider",
                           data={**state, "avenant.periode.fin": "2022-12-31"})
    assert 'data-champ="avenant.periode.fin"' in response.text
    assert "la période finit (2022-12-31) avant de commencer" in response.text
    assert f'href="#{fid("avenant.periode.fin")}"' in response.text
    assert "HX-Trigger" not in response.headers  # no preview refresh for an invalid draft
    fixed = client.post(URL + "/valider", data={**state, "avenant.periode.fin": "2023-12-31"})
    assert "avenant.periode.fin" not in fixed.text
    assert fixed.headers["HX-Trigger"] == "valide"


def test_an_amount_that_is_not_a_number_is_an_error_at_its_field(client: TestClient) -> None:
    state = _state(client.get(URL).text)
    response = client.post(URL + "/valider", data={**state, "financement.etat": "beaucoup"})
    assert re.search(r'data-champ="financement.etat" data-niveau="erreur"', response.text)


@pytest.mark.parametrize("char", ["\u202e", "\x01", "\u200b"],
                         ids=["bidi", "controle", "sans-chasse"])
def test_a_character_that_check_refuses_is_an_error_at_its_field_live_and_never_saved(
        client: TestClient, project: Path, char: str) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    before = path.read_bytes()
    # What `avenant check` says of the same value written in the file (escaped, as YAML allows).
    other = project / "variables" / DOSSIER / "2024.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace(
        "lieu_signature: Dijon", f'lieu_signature: "Dij\\u{ord(char):04X}on"'), encoding="utf-8")
    checked = run_cli("--root", str(project), "check", DOSSIER, "2024")
    assert checked.returncode == 1
    said = re.search(r"2024\.yaml:\d+: avenant\.lieu_signature: (.+)", checked.stderr)
    assert said, checked.stderr
    message = html.escape(said.group(1), quote=False)
    state = _state(client.get(URL).text)
    sent = {**state, "avenant.lieu_signature": f"Dij{char}on"}
    live = client.post(URL + "/valider", data=sent)
    item = re.search(r'<li [^>]*data-champ="avenant.lieu_signature" data-niveau="erreur".*?</li>',
                     live.text, re.DOTALL)
    assert item and message in item.group(), live.text
    assert "HX-Trigger" not in live.headers
    saved = client.post(URL + "/enregistrer", data=sent)
    assert message in saved.text and "rien n’a été enregistré" in saved.text
    assert "Enregistré" not in saved.text
    assert path.read_bytes() == before
    assert client.get(URL).status_code == 200


def test_a_list_item_is_shown_counted_from_1_and_placed_at_its_form_field(
        client: TestClient) -> None:
    state = _state(client.get(URL).text)
    response = client.post(URL + "/valider", data={**state, "visas[1]": "VU la circulaire"})
    item = re.search(r'<li [^>]*data-champ="visas\[1\]" data-niveau="erreur".*?</li>',
                     response.text, re.DOTALL)
    assert item, response.text
    assert f'href="#{fid("visas[1]")}"' in item.group()
    assert re.search(r"· visas\[2\] \(ligne \d+\)</a>", item.group())


def test_titles_follow_the_civilite_as_it_is_changed(client: TestClient) -> None:
    state = _state(client.get(URL).text)
    response = client.post(URL + "/valider",
                           data={**state, "signataires.prefet.civilite": "Madame"})
    assert re.search(r'id="titres-prefet" hx-swap-oob="true">Madame la Préfète du département',
                     response.text)


def test_the_preview_marks_the_paragraphs_that_differ_from_the_saved_version(
        client: TestClient) -> None:
    state = _state(client.get(URL).text)
    same = client.post(URL + "/apercu", data=state).text
    assert "Identique à la version enregistrée" in same and 'class="modifie"' not in same
    changed = client.post(URL + "/apercu", data={**state, "financement.etat": "470000"}).text
    marked = re.findall(r'<p class="modifie">(.*?)</p>', changed, re.S)
    assert marked and all("soixante-dix mille" in p or "470" in p for p in marked)
    assert '<table class="signatures' in changed and "<h3" in changed and "<li>" in changed


# -- saving --------------------------------------------------------------------------------

def test_a_save_changes_only_the_line_of_the_changed_value(client: TestClient,
                                                           project: Path) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    before = path.read_text(encoding="utf-8")
    state = _state(client.get(URL).text)
    response = client.post(URL + "/enregistrer", data={**state, "financement.etat": "470000"})
    assert "Enregistré" in response.text
    after = path.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [
        "-  etat: 468000                        # en euros, pour la période de l’avenant",
        "+  etat: 470000                        # en euros, pour la période de l’avenant"]
    assert _text(_state(response.text)["origine"]) == after


def test_a_save_is_refused_when_the_file_changed_on_disk(client: TestClient,
                                                         project: Path) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    state = _state(client.get(URL).text)
    edited = path.read_text(encoding="utf-8").replace("lieu_signature: Dijon",
                                                      "lieu_signature: Chenôve")
    path.write_text(edited, encoding="utf-8")
    response = client.post(URL + "/enregistrer", data={**state, "financement.etat": "1"})
    assert "modifié sur le disque" in response.text
    assert "+  lieu_signature: Chenôve" in response.text.replace("&#43;", "+")
    assert path.read_text(encoding="utf-8") == edited


def test_lists_take_add_remove_and_reorder(client: TestClient, project: Path) -> None:
    state = _state(client.get(URL).text)
    original = _text(state["brouillon"])

    def step(data: dict[str, str], **op: str) -> dict[str, str]:
        response = client.post(URL + "/structure", data={**data, **op})
        assert response.status_code == 200, response.text
        return _state(response.text)

    moved = step(state, operation="descendre", chemin="visas[0]")
    text = _text(moved["brouillon"])
    assert text.index("- la circulaire n° 6057-SG") < text.index("- la Loi n° 2014-173")
    removed = step(moved, operation="retirer", chemin="visas[1]")
    assert "la Loi n° 2014-173" not in _text(removed["brouillon"])
    added = step(removed, operation="ajouter", chemin="arrivees_educateurs")
    assert "arrivees_educateurs: [2021-12-01, 2022-01-03, 2022-01-03]" in _text(
        added["brouillon"])
    table = step(state, operation="ajouter", chemin="communes", cle="talant")
    assert "\n  talant:\n    nom: Dijon\n" in _text(table["brouillon"])
    assert "# Communes du bataillon, dans l’ordre où le texte les cite." in _text(
        table["brouillon"])
    up = step(state, operation="monter", chemin="communes.dijon")
    assert _text(up["brouillon"]).index("  dijon:") < _text(up["brouillon"]).index("  chenove:")
    assert (project / "variables" / DOSSIER / "2023.yaml").read_text() == original


def test_a_table_element_needs_a_valid_new_identifier(client: TestClient) -> None:
    state = _state(client.get(URL).text)
    response = client.post(URL + "/structure", data={**state, "operation": "ajouter",
                                                     "chemin": "communes", "cle": "dijon"})
    assert "existe déjà" in response.text


# -- actions -------------------------------------------------------------------------------

def test_build_writes_docx_and_manifest_and_serves_them(client: TestClient,
                                                        project: Path) -> None:
    response = client.post(URL + "/construire", data={})
    assert "avenant-1-2023.docx" in response.text and "manifest.json" in response.text
    docx = client.get(URL + "/fichiers/avenant-1-2023.docx")
    assert docx.status_code == 200
    assert "attachment" in docx.headers["content-disposition"]
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    assert client.get(URL + "/fichiers/..%2F..%2F2023.yaml").status_code in (400, 404)
    assert client.get(URL + "/fichiers/absent.docx").status_code == 400


def test_compare_shows_the_report_and_offers_the_redline(client: TestClient,
                                                         project: Path) -> None:
    response = client.post(URL + "/comparer", data={"autre": "2024"})
    assert "Comparaison 2023 → 2024" in response.text
    report = client.get(f"/d/{DOSSIER}/2024/fichiers/comparaison-2023-2024.html")
    assert "Valeurs modifiées" in report.text
    redline = client.get(f"/d/{DOSSIER}/2024/fichiers/comparaison-2023-2024.docx")
    assert b"w:ins" in zipfile.ZipFile(io.BytesIO(redline.content)).read("word/document.xml")
    again = client.post(URL + "/comparer", data={"autre": "2024"})  # our own files: replaced
    assert "Comparaison 2023 → 2024" in again.text


def test_build_twice_after_a_save_replaces_the_tools_own_docx(client: TestClient,
                                                              project: Path) -> None:
    client.post(URL + "/construire", data={})
    state = _state(client.get(URL).text)
    client.post(URL + "/enregistrer", data={**state, "financement.etat": "470000"})
    response = client.post(URL + "/construire", data={})
    assert "avenant-1-2023.docx" in response.text and "erreur" not in response.text
    docx = client.get(URL + "/fichiers/avenant-1-2023.docx").content
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "470\u202f000" in xml


def test_new_avenant_drafts_the_next_version_and_opens_it(client: TestClient,
                                                          project: Path) -> None:
    response = client.post(f"/d/{DOSSIER}/nouvel-avenant", data={"version": "2025"})
    assert response.headers["HX-Redirect"] == f"/d/{DOSSIER}/2025"
    assert (project / "variables" / DOSSIER / "2025.yaml").is_file()
    again = client.post(f"/d/{DOSSIER}/nouvel-avenant", data={"version": "2025"},
                        headers={"HX-Request": "true"})
    assert "existe déjà" in again.text


def test_new_dossier_starts_from_a_kit(client: TestClient, project: Path) -> None:
    response = client.post("/nouveau-dossier", data={"nom": "nouveau-dossier", "version": "2026",
                                                     "kit": "bataillon-prevention"})
    assert response.headers["HX-Redirect"] == "/d/nouveau-dossier/2026"
    assert (project / "variables" / "nouveau-dossier" / "2026.yaml").is_file()
    opened = client.get("/d/nouveau-dossier/2026")
    assert opened.status_code == 200
    assert 'name="avenant.lieu_signature"' in opened.text and 'id="f-communes"' in opened.text
    refused = client.post("/nouveau-dossier",
                          data={"nom": "../x", "version": "1", "kit": "bataillon-prevention"})
    assert "invalide" in refused.text


def test_the_page_writes_only_under_variables_and_output(client: TestClient,
                                                         project: Path) -> None:
    before = {p for p in project.rglob("*") if p.is_file()}
    state = _state(client.get(URL).text)
    client.post(URL + "/enregistrer", data={**state, "financement.etat": "470000"})
    client.post(URL + "/construire", data={})
    client.post(URL + "/comparer", data={"autre": "2024"})
    written = {p for p in project.rglob("*") if p.is_file()} - before
    assert written
    assert all(p.relative_to(project).parts[0] == "output" for p in written)


# -- the command ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_the_address_and_warns_when_bound_elsewhere(project: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--root", str(project),
               "--port", str(port), "--hote", "0.0.0.0"]
    process = subprocess.Popen(command, cwd=project, env={"PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert f"http://0.0.0.0:{port}/" in line
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "attention : le serveur écoute sur 0.0.0.0" in err


def test_serve_refuses_a_folder_without_variables(tmp_path: Path) -> None:
    result = run_cli("serve", "--root", str(tmp_path), "--port", "1")
    assert result.returncode == 1
    assert "pas de dossier variables/" in result.stderr


def test_an_unreadable_set_opens_as_a_french_error_page(client: TestClient,
                                                        project: Path) -> None:
    path = project / "variables" / DOSSIER / "2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  annee: 2023", "  annee: [2023"),
                    encoding="utf-8")
    response = client.get(URL)
    assert response.status_code == 400
    assert "Impossible d’ouvrir cette page" in response.text
    assert f"variables/{DOSSIER}/2023.yaml:" in response.text


def test_a_projet_is_marked_in_the_preview(client: TestClient) -> None:
    state = _state(client.get(URL).text)
    final = client.post(URL + "/apercu", data=state).text
    projet = client.post(URL + "/apercu", data={**state, "avenant.statut": "projet"}).text
    assert 'class="projet"' not in final and '<p class="projet"' in projet


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_the_pdf_is_built_on_demand(client: TestClient) -> None:
    response = client.post(URL + "/construire", data={"pdf": "1"})
    assert "avenant-1-2023.pdf" in response.text
    pdf = client.get(URL + "/fichiers/avenant-1-2023.pdf")
    assert pdf.content.startswith(b"%PDF")
