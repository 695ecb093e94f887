"""The change report: in the terminal, as an HTML page a reviewer opens in a browser, and the
``python -m generator.compare`` command that prints it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from generator.compare import Change, Comparison, compare, describe, report_html, report_text
from tests.test_compare_redline import BASE, TABLE, inserted, replaced
from tests.test_compare_support import Doc, build

ROOT = Path(__file__).resolve().parents[1]
VALUES = [("montant de l’État", "468\u202f000\xa0€", "480\u202f000\xa0€"),
          ("année", "2023", "2024")]


def _explain(change: Change) -> list[str]:
    reasons = []
    if "480" in change.new_text:
        reasons.append("montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€")
    if "2024" in change.new_text:
        reasons.append("année : 2023 → 2024")
    return reasons


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rapport")
    new_blocks = replaced(BASE, BASE[9], BASE[9].replace("468\u202f000", "480\u202f000"))
    new_blocks = replaced(new_blocks, BASE[2], BASE[2].replace("2023", "2024"))
    new_blocks = inserted(new_blocks, TABLE, "Les montants sont versés <avant> le 31 mars & "
                                             "après signature.")
    new_blocks = replaced(new_blocks, BASE[10], None)
    old = build(Doc(BASE, footer=["Avenant n° 1-2023"]), folder / "ancien.docx")
    new = build(Doc(new_blocks, footer=["Avenant n° 1-2024"]), folder / "nouveau.docx")
    out = folder / "redline.docx"
    comparison = compare(old, new, out, author="Préfecture", date=datetime(2024, 3, 1),
                         explain=_explain)
    return comparison


def test_the_terminal_report_lists_values_then_passages_by_article(pair):
    text = report_text(pair, VALUES)
    assert text.index("Valeurs modifiées (2) :") < text.index("passages modifiés")
    assert "  montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€" in text
    sections = [line for line in text.splitlines() if line.startswith("■ ")]
    assert sections == ["■ Préambule", "■ Article 5 : Engagements de l’État", "■ Pied de page"]
    assert "[-468\u202f000-]{+480\u202f000+}" in text
    assert "↳ montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€" in text
    assert "• Suppression : [-Il accorde également" in text
    assert "• Insertion : {+Les montants sont versés <avant>" in text


def test_the_terminal_report_says_when_nothing_changed(tmp_path):
    doc = build(Doc(BASE), tmp_path / "a.docx")
    comparison = compare(doc, doc, tmp_path / "r.docx")
    assert "Aucune différence" in report_text(comparison)
    assert "Aucune différence" in report_html(comparison)


def test_long_unchanged_text_is_shortened_around_the_change():
    change = Change("modification", "Article 1", "", "",
                    [("=", "mot " * 40), ("-", "ancien"), ("+", "nouveau"), ("=", " fin " * 40)])
    comparison = Comparison(Path("a.docx"), Path("b.docx"), Path("r.docx"), [change])
    line = next(line for line in report_text(comparison).splitlines() if "ancien" in line)
    assert line.count("mot") < 20 and "… " in line and " …" in line


def test_describe_gives_short_french_descriptions():
    assert describe(Change("insertion", "A", "", "Nouveau paragraphe.")) == \
        "Ajouté : « Nouveau paragraphe. »"
    assert describe(Change("suppression", "A", "Ancien.", "")) == "Supprimé : « Ancien. »"
    assert describe(Change("mise en forme", "A", "x", "x")) == "Mise en forme modifiée"


def _page(pair) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(report_html(pair, VALUES, title="Avenant 2024 : modifications"))


def test_the_html_page_is_french_self_contained_and_scriptless(pair):
    page = report_html(pair, VALUES, title="Avenant 2024 : modifications")
    root = lxml_html.fromstring(page)
    assert page.startswith("<!DOCTYPE html>")
    assert root.get("lang") == "fr"
    assert root.find(".//meta[@charset='utf-8']") is not None
    assert root.find(".//style") is not None
    assert root.find(".//script") is None and root.find(".//link") is None
    assert not [el for el in root.iter() if el.get("src") or
                (el.get("href") or "").startswith(("http", "//"))]
    assert root.findtext(".//title") == "Avenant 2024 : modifications"


def test_the_html_page_shows_the_values_table_first(pair):
    root = _page(pair)
    headings = [h.text_content() for h in root.iter("h2")]
    assert headings[0] == "Valeurs modifiées (2)"
    assert headings[1:] == ["Préambule", "Article 5 : Engagements de l’État", "Pied de page"]
    rows = root.findall(".//table[@class='values']/tbody/tr")
    assert [[td.text_content() for td in row] for row in rows][0] == [
        "montant de l’État", "468\u202f000\xa0€", "480\u202f000\xa0€"]


def test_the_html_page_marks_insertions_and_deletions_and_escapes_text(pair):
    root = _page(pair)
    assert "480\u202f000" in [el.text_content() for el in root.iter("ins")]
    assert "468\u202f000" in [el.text_content() for el in root.iter("del")]
    inserted_text = " ".join(el.text_content() for el in root.iter("ins"))
    assert "<avant> le 31 mars & après" in inserted_text
    assert "<avant>" not in report_html(pair)  # escaped as &lt;avant&gt;
    reasons = [li.text_content() for li in root.iter("li")]
    assert "année : 2023 → 2024" in reasons


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profil'}", *args],
        capture_output=True, text=True, timeout=120, check=True)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of an 8-bit RGB(A) PNG (as Chromium writes), unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) *
                                                         (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line) if channels == 3 else bytes(
            b for i in range(0, stride, 4) for b in line[i:i + 3]))
        previous = line
    return width, height, rows


@pytest.mark.skipif(_chromium() is None, reason="Chromium n’est pas installé")
def test_chromium_renders_the_page_with_green_insertions_and_red_deletions(pair, tmp_path):
    page = tmp_path / "rapport.html"
    page.write_text(report_html(pair, VALUES, title="Avenant 2024"), encoding="utf-8")
    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    root = lxml_html.fromstring(dom)
    assert root.get("lang") == "fr"
    assert [h.text_content() for h in root.iter("h2")][0] == "Valeurs modifiées (2)"
    shot = tmp_path / "page.png"
    _run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,900",
                  "--hide-scrollbars", page.as_uri())
    width, height, rows = _png_pixels(shot.read_bytes())
    colors = set()
    for row in rows[::2]:
        for x in range(0, width * 3, 6):
            colors.add(row[x:x + 3])
    green_background = bytes.fromhex("e3f7e8")
    red_background = bytes.fromhex("fde8e8")
    assert green_background in colors, "insertions are on a green background"
    assert red_background in colors, "deletions are on a red background"
    assert any(g > r + 40 and g > b for r, g, b in colors), "green text"
    assert any(r > g + 80 and r > b + 60 for r, g, b in colors), "red text"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.compare", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_the_module_command_writes_the_redline_and_the_html_report(tmp_path):
    old = build(Doc(BASE), tmp_path / "ancien.docx")
    new = build(Doc(replaced(BASE, BASE[9], BASE[9].replace("468", "480"))),
                tmp_path / "nouveau.docx")
    result = _cli(str(old), str(new), "r.docx", "--auteur", "Préfecture", "--date",
                  "2024-03-01T09:00:00Z", "--rapport-html", "r.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "■ Article 5 : Engagements de l’État" in result.stdout
    assert (tmp_path / "r.docx").exists()
    assert '<html lang="fr">' in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_the_module_command_exits_1_on_a_bad_document_and_2_on_bad_usage(tmp_path):
    good = build(Doc(BASE), tmp_path / "bon.docx")
    bad = tmp_path / "mauvais.docx"
    bad.write_text("texte", encoding="utf-8")
    result = _cli(str(good), str(bad), "r.docx", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"erreur : {bad}: ce n’est pas un document Word")
    assert not (tmp_path / "r.docx").exists()
    assert _cli(str(good), cwd=tmp_path).returncode == 2
