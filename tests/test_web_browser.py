"""`avenant serve` in a real browser: the system's Chromium driven by Playwright.

Nothing is downloaded: Chromium is the one `.ci/run` installs (/usr/bin/chromium). The server
is the real command (`avenant serve`) on a git copy of the project in tmp_path. Screenshots of
every step are kept under pytest's temporary folder; their path is printed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import DOSSIER, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--lang=fr-FR"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Chromium absent (.ci/run l’installe)")


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`avenant serve` on a committed copy of the project: (address, project root)."""
    root = tmp_path_factory.mktemp("navigateur") / "projet"
    root.mkdir()
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "variables", root / "variables")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "copie")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
            text=True) as process:
        try:
            line = process.stdout.readline() if process.stdout else ""
            address = re.search(r"http://\S+/", line)
            assert address, line
            yield address.group(0), root
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches the system's Chromium: nothing to download."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def tab(browser, site) -> Iterator:  # noqa: ANN001 - pytest-playwright's Browser
    """One page for the whole walk-through: each test is the next step of a drafter's session."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("captures") / "output" / "web-screenshots"
    folder.mkdir(parents=True)
    print(f"\ncaptures d’écran : {folder}")
    return folder


FIN = '[name="avenant.periode.fin"]'
ETAT = '[name="financement.etat"]'


def expect(locator):  # noqa: ANN001, ANN201 - Playwright's assertions, imported late
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_1_open_the_dossier_from_the_dossiers_page(tab, site, shots) -> None:
    address, _ = site
    tab.goto(address)
    tab.screenshot(path=shots / "1-dossiers.png", full_page=True)
    tab.click(f'a[href="/d/{DOSSIER}/2023"]')
    tab.wait_for_selector("#apercu .document")
    assert tab.locator("h1").inner_text() == f"{DOSSIER} — version 2023"
    tab.screenshot(path=shots / "2-version.png")


def test_2_the_amount_is_written_out_and_the_preview_follows(tab, shots) -> None:
    tab.fill(ETAT, "470000")
    words = tab.locator("#l-f-financement--etat")
    words.filter(has_text="quatre cent soixante-dix mille euros").wait_for()
    assert words.inner_text() == "470\u202f000\xa0€ — quatre cent soixante-dix mille euros"
    marked = tab.locator("#apercu .modifie", has_text=re.compile("470.000.€"))
    marked.first.wait_for()
    marked.first.scroll_into_view_if_needed()
    tab.locator(ETAT).scroll_into_view_if_needed()
    tab.screenshot(path=shots / "3-montant.png")


def test_3_an_impossible_date_is_shown_at_its_field_then_fixed(tab, shots) -> None:
    tab.fill(FIN, "2022-12-31")
    messages = tab.locator("#f-avenant--periode--fin .msg-champ.erreur")
    messages.filter(has_text="avant de commencer").wait_for()
    assert tab.locator(FIN).get_attribute("aria-invalid") == "true"
    summary = tab.locator("#resume a", has_text="avenant.periode.fin").first
    assert summary.get_attribute("href") == "#f-avenant--periode--fin"
    tab.locator(FIN).scroll_into_view_if_needed()
    tab.screenshot(path=shots / "4-date-impossible.png")
    tab.fill(FIN, "2023-12-31")
    expect(messages).to_have_count(0)
    expect(tab.locator("#resume li.erreur")).to_have_count(0)


def test_4_save_changes_one_line_of_the_yaml(tab, site, shots) -> None:
    _, root = site
    tab.click("text=Enregistrer")
    tab.locator("#message", has_text="Enregistré").wait_for()
    tab.screenshot(path=shots / "5-enregistre.png")
    numstat = _git(root, "diff", "--numstat").split()
    assert numstat == ["1", "1", f"variables/{DOSSIER}/2023.yaml"]
    assert "+  etat: 470000  " in _git(root, "diff")


def test_5_build_and_download_the_docx(tab, shots) -> None:
    tab.click("button:has-text('Construire')")
    link = tab.locator("#sorties a", has_text="avenant-1-2023.docx")
    link.wait_for()
    with tab.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "470\u202f000\xa0€" in xml
    tab.screenshot(path=shots / "6-construit.png")


def test_6_compare_2023_with_2024_and_read_the_report(tab, shots) -> None:
    tab.select_option('select[name="autre"]', "2024")
    tab.click("button:has-text('Comparer')")
    tab.locator("#comparaison h2", has_text="Comparaison 2023 → 2024").wait_for()
    report = tab.frame_locator("iframe.rapport")
    report.locator("h2", has_text="Valeurs modifiées").wait_for()
    assert "470\u202f000" in report.locator("table.values").inner_text()
    tab.locator("#comparaison").scroll_into_view_if_needed()
    tab.screenshot(path=shots / "7-comparaison.png")
