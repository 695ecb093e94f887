"""LibreOffice as the real client: it opens the redline, accepts or rejects everything, keeps the
revisions through a round trip, and prints the redline as a PDF.

One pair gathers every kind of change (so LibreOffice starts only a few times for the module).
It is compared twice: plainly, for LibreOffice's Accept All / Reject All (LibreOffice 7.4 crashes
when a document with comments is opened hidden through UNO, as lo_accept.py does, whoever wrote
the comments: python-docx's own trip it too); and with comments, as
``avenant diff --commentaires`` does, for the round trip and the PDF (``--convert-to``).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from generator.compare import compare
from generator.compare.views import document_views
from tests import libreoffice
from tests.test_compare_redline import BASE, LIST, TABLE, H, inserted, replaced
from tests.test_compare_support import Doc, Field, Image, Link, Para, Table, build, xml_of

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

pytestmark = pytest.mark.skipif(not libreoffice.available(),
                                reason="LibreOffice (soffice, python3-uno) n’est pas installé")

EXTRA = [Field("Voir la page ", "PAGE", "2"),
         Link("Consulter ", "https://example.org/a", "le site"),
         "Texte avec une note{note:1}.", Image("Ancien logo", (10, 120, 10))]
OLD = Doc(BASE + EXTRA, header=["Convention bataillon – 2023"], footer=["Avenant n° 1-2023"],
          notes={1: "Selon la loi de 2014."})
NEW_BLOCKS = replaced(BASE, BASE[9], BASE[9].replace("468\u202f000", "480\u202f000"))
NEW_BLOCKS = inserted(NEW_BLOCKS, LIST[1], Para([("recruter des médiateurs ;", "")],
                                                "List Bullet"))
NEW_BLOCKS = replaced(NEW_BLOCKS, BASE[3], H(2, "Article 3 : Volume du bataillon"))
NEW_BLOCKS = replaced(NEW_BLOCKS, BASE[4], None)
NEW_BLOCKS = replaced(NEW_BLOCKS, TABLE, Table(TABLE.rows[:2] + [["Dijon", "45 000 €"]]
                                               + TABLE.rows[3:]))
NEW_BLOCKS = replaced(NEW_BLOCKS, BASE[10], Para([
    ("Il accorde ", ""), ("également", "b"),
    (" la possibilité de recruter des médiateurs en contrats aidés.", "")]))
NEW_BLOCKS = replaced(NEW_BLOCKS, BASE[13], "Les partenaires du comité examinent une fois par an "
                                            "le bilan. Il arrête la stratégie.")
NEW_BLOCKS = inserted(replaced(NEW_BLOCKS, BASE[2], None), BASE[-1], BASE[2])
NEW = Doc(NEW_BLOCKS + [Field("Voir la page ", "PAGE", "2"),
                        Link("Consulter ", "https://example.org/a", "le site web"),
                        "Texte avec une note{note:1}.", "Signé en quatre exemplaires."],
          header=["Convention bataillon – 2024"], footer=["Avenant n° 1-2024"],
          notes={1: "Selon la loi de 2021."})


def explain(change) -> list[str]:
    if "480" in change.new_text:
        return ["montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€"]
    return []


def _soffice(*args: str, cwd: Path) -> None:
    profile = cwd / "profil-lo"
    subprocess.run(["soffice", "--headless", "--norestore", "--nologo",
                    f"-env:UserInstallation=file://{profile}", *args],
                   check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=180)


@pytest.fixture(scope="module")
def lo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("libreoffice")
    old = build(OLD, folder / "ancien.docx")
    new = build(NEW, folder / "nouveau.docx")
    out = folder / "redline.docx"
    comparison = compare(old, new, out, author="Préfecture de la Côte-d’Or",
                         date=datetime(2024, 3, 1, 9, 0), explain=explain, comments=True)
    plain = folder / "sans-commentaires.docx"
    compare(old, new, plain, author="Préfecture de la Côte-d’Or",
            date=datetime(2024, 3, 1, 9, 0))
    result = {"old": old, "new": new, "out": out, "plain": plain, "comparison": comparison}
    result["seen"] = libreoffice.accept_reject(plain, folder / "lo")
    result["accept"] = folder / "lo" / "accept.docx"
    result["reject"] = folder / "lo" / "reject.docx"
    roundtrip = folder / "allerretour"
    roundtrip.mkdir()
    _soffice("--convert-to", "docx:MS Word 2007 XML", "--outdir", str(roundtrip), str(out),
             cwd=folder)
    _soffice("--convert-to", "pdf", "--outdir", str(folder / "pdf"), str(out), cwd=folder)
    result["roundtrip"] = roundtrip / "redline.docx"
    result["pdf"] = folder / "pdf" / "redline.pdf"
    return result


def test_the_pair_covers_every_kind_of_change(lo):
    kinds = {c.kind for c in lo["comparison"].changes}
    assert kinds == {"insertion", "suppression", "modification", "mise en forme"}
    parts = {c.part for c in lo["comparison"].changes}
    assert parts == {"corps", "en-tête", "pied de page", "notes"}


def test_libreoffice_sees_the_revisions(lo):
    assert lo["seen"] >= 20


@pytest.mark.parametrize("view, reference", [("accept", "new"), ("reject", "old")])
def test_libreoffice_accept_all_and_reject_all_give_the_new_and_old_texts(lo, view, reference):
    # LibreOffice computes page numbers again: fields are compared without their results.
    theirs = document_views(lo[view], fields=False)
    ours = document_views(lo[reference], fields=False)
    assert theirs["corps"] == ours["corps"]
    assert theirs["notes"] == ours["notes"]
    for part in ("en-tête 1 default", "pied de page 1 default"):
        assert theirs[part] == ours[part]


def test_our_reader_agrees_with_libreoffice(lo):
    for view in ("accept", "reject"):
        ours = document_views(lo["plain"], view, fields=False)
        theirs = document_views(lo[view], fields=False)
        assert ours["corps"] == theirs["corps"]


def test_revisions_and_comments_survive_a_libreoffice_round_trip(lo):
    back = lo["roundtrip"]
    root = xml_of(back)
    assert len(list(root.iter(W + "ins"))) >= 5
    assert len(list(root.iter(W + "del"))) >= 5
    assert {el.get(W + "author") for el in root.iter(W + "ins")} == {"Préfecture de la Côte-d’Or"}
    assert document_views(back, "reject", fields=False) == document_views(lo["old"], fields=False)
    # LibreOffice 7.4 writes a deleted table row back without its row revision: the row's text
    # stays deleted, but an empty row remains once accepted.
    accepted = document_views(back, "accept", fields=False)
    accepted["corps"] = [p for p in accepted["corps"] if p.strip(" |")]
    assert accepted == document_views(lo["new"], fields=False)
    with zipfile.ZipFile(back) as zf:
        comments = etree.fromstring(zf.read("word/comments.xml"))
    texts = ["".join(c.itertext()) for c in comments.iter(W + "comment")]
    assert "montant de l’État : 468\u202f000\xa0€ → 480\u202f000\xa0€" in texts


def test_the_redline_converts_to_pdf(lo):
    pdf = lo["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "480" in text and "468" in text


def test_comments_hold_the_explanations_and_sit_on_their_change(lo):
    out = lo["out"]
    with zipfile.ZipFile(out) as zf:
        comments = etree.fromstring(zf.read("word/comments.xml"))
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
    assert "comments+xml" in types and "comments.xml" in rels
    by_id = {c.get(W + "id"): "".join(c.itertext()) for c in comments.iter(W + "comment")}
    assert len(by_id) == len(lo["comparison"].changes)
    root = xml_of(out)
    for start in root.iter(W + "commentRangeStart"):
        cid = start.get(W + "id")
        assert root.find(f".//{W}commentRangeEnd[@{W}id='{cid}']") is not None
        assert root.find(f".//{W}commentReference[@{W}id='{cid}']") is not None
    (amount,) = [cid for cid, text in by_id.items() if "480" in text]
    start = root.find(f".//{W}commentRangeStart[@{W}id='{amount}']")
    paragraph = start.getparent()
    assert "480\u202f000" in "".join(t.text for t in paragraph.iter(W + "t"))
    ids = [el.get(W + "id") for el in root.iter() if el.tag in (W + "ins", W + "del")]
    assert not set(ids) & set(by_id)


def test_the_accept_all_text_carries_no_comment_text(lo):
    assert document_views(lo["out"], "accept") == document_views(lo["new"])
    assert document_views(lo["out"], "reject") == document_views(lo["old"])

