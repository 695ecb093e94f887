"""The redline: accepting every change gives the new text, rejecting them the old, in every part.

Each case is a pair of documents built in a temporary folder. For each, the internal comparer's
redline is read back with every change accepted and rejected (our own reader, which follows
Word's rules), and Docxodus, the reference engine, must agree on the same pair.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from generator.compare import compare
from generator.compare.docxodus import available as docxodus_available
from generator.compare.docxodus import redline_bytes
from generator.compare.views import document_views, paragraph_formats
from tests.test_compare_support import (
    Commented,
    Doc,
    Field,
    H,
    Image,
    Link,
    Para,
    Raw,
    Table,
    build,
    split_runs,
    xml_of,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = datetime(2024, 3, 1, 9, 0)

LIST = [Para([("participer aux réunions de coordination ;", "")], "List Bullet"),
        Para([("affecter les moyens octroyés ;", "")], "List Bullet"),
        Para([("créer un comité de pilotage.", "")], "List Bullet")]
TABLE = Table([["Partie", "Montant"], ["État", "468 000 €"], ["Métropole", "120 000 €"],
               ["Chenôve", "30 000 €"]])
BASE = [
    Para([("Avenant n° 1-2023 à la convention", "")], "Title"),
    H(1, "Préambule"),
    "Le présent avenant a pour vocation de poursuivre le financement du bataillon en 2023.",
    H(1, "Article 3 : Volume du bataillon"),
    "Le bataillon peut comprendre jusqu’à 26 professionnels du travail social, dont :",
    *LIST,
    H(1, "Article 5 : Engagements de l’État"),
    "L’État s’engage à financer les 10 postes en mobilisant une enveloppe évaluée à "
    "468\u202f000\xa0€, qui seront versés à l’association.",
    "Il accorde également la possibilité de recruter des médiateurs en contrats aidés.",
    TABLE,
    H(1, "Article 9 : Gouvernance"),
    "Le comité de pilotage se réunit une fois par trimestre. Il arrête la stratégie.",
    "Fait à Dijon, le 3 mars 2023.",
]


def replaced(blocks: list, old, new) -> list:
    """``blocks`` with one block replaced (by value), or removed when ``new`` is None."""
    index = blocks.index(old)
    return blocks[:index] + ([] if new is None else [new]) + blocks[index + 1:]


def inserted(blocks: list, before, new) -> list:
    """``blocks`` with ``new`` inserted before the block ``before`` (by value)."""
    index = blocks.index(before)
    return blocks[:index] + [new] + blocks[index:]


NESTED = ('<w:tbl><w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid><w:tr>'
          '<w:tc><w:p><w:r><w:t>Financements</w:t></w:r></w:p></w:tc><w:tc>'
          '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:p><w:r>'
          '<w:t>État : {}</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>')
INTRO, AMOUNT, ACCORDE, COMITE = BASE[2], BASE[9], BASE[10], BASE[13]
CASES: dict[str, tuple[Doc, Doc]] = {
    "identiques": (Doc(BASE), Doc(BASE)),
    "montant": (Doc(BASE), Doc(replaced(BASE, AMOUNT, AMOUNT.replace("468\u202f000",
                                                                      "480\u202f000")))),
    "paragraphe inséré": (Doc(BASE), Doc(inserted(
        BASE, ACCORDE, "Une convention financière annuelle précise ces montants."))),
    "paragraphe supprimé": (Doc(BASE), Doc(replaced(BASE, BASE[4], None))),
    "élément de liste inséré": (Doc(BASE), Doc(inserted(
        BASE, LIST[1], Para([("recruter des médiateurs sociaux ;", "")], "List Bullet")))),
    "élément de liste supprimé": (Doc(BASE), Doc(replaced(BASE, LIST[1], None))),
    "ligne de tableau insérée": (Doc(BASE), Doc(replaced(BASE, TABLE, Table(
        TABLE.rows[:2] + [["Dijon", "45 000 €"]] + TABLE.rows[2:])))),
    "ligne de tableau supprimée": (Doc(BASE), Doc(replaced(BASE, TABLE, Table(
        TABLE.rows[:2] + TABLE.rows[3:])))),
    "cellule modifiée": (Doc(BASE), Doc(replaced(BASE, TABLE, Table(
        TABLE.rows[:2] + [["Métropole", "125 000 €"]] + TABLE.rows[3:])))),
    "paragraphe déplacé": (Doc(BASE), Doc(inserted(replaced(BASE, INTRO, None), BASE[-1],
                                                   INTRO))),
    "gras seul": (Doc(BASE), Doc(replaced(BASE, ACCORDE, Para([
        ("Il accorde ", ""), ("également", "b"),
        (" la possibilité de recruter des médiateurs en contrats aidés.", "")])))),
    "italique seul": (Doc(BASE), Doc(replaced(BASE, INTRO, Para([(INTRO, "i")])))),
    "niveau de titre": (Doc(BASE), Doc(replaced(BASE, BASE[3], H(2, "Article 3 : Volume du "
                                                                    "bataillon")))),
    "style de paragraphe": (Doc(BASE), Doc(replaced(BASE, ACCORDE, Para(
        [(ACCORDE, "")], "List Bullet")))),
    "phrase réécrite": (Doc(BASE), Doc(replaced(BASE, COMITE, (
        "Les partenaires du comité examinent une fois par an le bilan. "
        "Il arrête la stratégie.")))),
    "tout réécrit": (Doc(["Premier texte sans rapport.", "Deuxième paragraphe ancien."]),
                     Doc(["Nouvelle rédaction complète du document.", "Autre contenu."])),
    "espaces": (Doc(["Montant : 468 000 € ; fin"]),
                Doc(["Montant\xa0: 468\u202f000\xa0€\u202f; fin"])),
    "fin du document": (Doc(BASE), Doc(BASE + ["Signé en quatre exemplaires."])),
    "fin du document supprimée": (Doc(BASE), Doc(BASE[:-1])),
    "avant un tableau": (Doc(BASE), Doc(replaced(BASE, ACCORDE, None))),
    "insertion avant un tableau": (Doc(BASE), Doc(inserted(BASE, TABLE, "Répartition :"))),
    "en-tête et pied de page": (
        Doc(BASE, header=["Convention bataillon – 2023"], footer=["Avenant n° 1-2023"]),
        Doc(BASE, header=["Convention bataillon – 2024"], footer=["Avenant n° 1-2024",
                                                                  "Page suivante"])),
    "notes de bas de page": (
        Doc(["Texte avec une note{note:1}.", "Autre note{note:2} ici.",
             "Note supprimée{note:3}."],
            notes={1: "Selon la loi de 2014.", 2: "Note stable.", 3: "Ancienne note."}),
        Doc(["Texte avec une note{note:1}.", "Autre note{note:2} ici, et une nouvelle{note:3}.",
             "Note supprimée."],
            notes={1: "Selon la loi de 2021.", 2: "Note stable.", 3: "Nouvelle note."})),
    "notes de fin": (
        Doc(["Texte{endnote:1}.", "Autre{endnote:2}."],
            endnotes={1: "Annexe financière 2023.", 2: "Note supprimée."}),
        Doc(["Texte{endnote:1}.", "Autre."], endnotes={1: "Annexe financière 2024."})),
    "tableau imbriqué": (
        Doc(["Avant.", Raw(NESTED.format("468 000 €")), "Après."]),
        Doc(["Avant.", Raw(NESTED.format("480 000 €")), "Après."])),
    "champs": (Doc([Field("Page ", "PAGE", "3"), "Texte stable."]),
               Doc([Field("Voir page ", "PAGE", "3"), "Texte stable."])),
    "champ modifié": (Doc([Field("Page ", "PAGE", "3")]), Doc([Field("Page ", "NUMPAGES",
                                                                         "12")])),
    "image": (Doc(["Avant.", Image("Logo de l’État"), "Après."]),
              Doc(["Avant.", Image("Logo de la République"), "Après."])),
    "image supprimée": (Doc(["Avant.", Image("Ancien logo", (10, 120, 10)), "Après."]),
                        Doc(["Avant.", "Après."])),
    "lien": (Doc([Link("Voir ", "https://example.org/a", "le site"), "Fin."]),
             Doc([Link("Consulter ", "https://example.org/a", "le site"), "Fin."])),
    "lien supprimé": (Doc([Link("Voir ", "https://example.org/a", "le site"), "Fin."]),
                      Doc(["Voir le site.", "Fin."])),
    # Without the table: a paragraph before a table that vanishes cannot join what follows it
    # (LibreOffice and Word keep it), so a whole document around a table cannot turn into one
    # empty paragraph.
    "document vide": (Doc([""]), Doc(replaced(BASE, TABLE, None))),
    "vers un document vide": (Doc(replaced(BASE, TABLE, None)), Doc([""])),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every case built, compared by the internal engine, and by Docxodus when installed."""
    root = tmp_path_factory.mktemp("cas")
    built = {}
    for number, (name, (old, new)) in enumerate(CASES.items()):
        folder = root / f"cas{number:02d}"
        folder.mkdir()
        old_path = build(old, folder / "ancien.docx")
        new_path = build(new, folder / "nouveau.docx")
        if name == "montant":
            split_runs(old_path)
        out = folder / "redline.docx"
        comparison = compare(old_path, new_path, out, author="Préfecture", date=DATE)
        built[name] = {"old": old_path, "new": new_path, "out": out, "comparison": comparison}

    if docxodus_available():
        def oracle(item):
            data = redline_bytes(item["old"], item["new"], "Docxodus", "2024-03-01T09:00:00Z")
            path = item["out"].with_name("docxodus.docx")
            path.write_bytes(data)
            item["docxodus"] = path

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(oracle, built.values()))
    return built


@pytest.mark.parametrize("name", CASES)
def test_accepting_all_gives_the_new_text_and_rejecting_all_the_old(results, name):
    item = results[name]
    assert document_views(item["out"], "accept") == document_views(item["new"])
    assert document_views(item["out"], "reject") == document_views(item["old"])


def _without_empty(views: dict[str, list[str]]) -> dict[str, list[str]]:
    return {part: [p for p in paragraphs if p.strip()] for part, paragraphs in views.items()}


@pytest.mark.parametrize("name", CASES)
def test_docxodus_agrees_on_accepted_and_rejected_texts(results, name):
    item = results[name]
    if "docxodus" not in item:
        pytest.skip("Docxodus n’est pas installé")
    for view in ("accept", "reject"):
        ours = document_views(item["out"], view)
        theirs = document_views(item["docxodus"], view)
        # Docxodus leaves an empty paragraph where a deleted one stood before a table.
        assert _without_empty(ours) == _without_empty(theirs)


def revisions(path: Path, tag: str) -> list[etree._Element]:
    return list(xml_of(path).iter(W + tag))


def texts(elements, tag="t") -> list[str]:
    return ["".join(t.text or "" for t in el.iter(W + tag)) for el in elements]


def test_identical_documents_give_no_revision_and_no_change(results):
    item = results["identiques"]
    assert item["comparison"].changes == []
    assert item["comparison"].identical
    assert not revisions(item["out"], "ins") and not revisions(item["out"], "del")


def test_a_changed_amount_is_one_deleted_and_one_inserted_word(results):
    item = results["montant"]
    assert texts(revisions(item["out"], "del"), "delText") == ["468\u202f000"]
    assert texts(revisions(item["out"], "ins")) == ["480\u202f000"]
    (change,) = item["comparison"].changes
    assert change.kind == "modification"
    assert change.section == "Article 5 : Engagements de l’État"
    assert change.deleted == ["468\u202f000"] and change.inserted == ["480\u202f000"]


def test_revisions_carry_author_date_and_unique_ids(results):
    out = results["montant"]["out"]
    root = xml_of(out)
    marks = [el for el in root.iter() if el.get(W + "author") is not None]
    assert marks
    assert {el.get(W + "author") for el in marks} == {"Préfecture"}
    assert {el.get(W + "date") for el in marks} == {"2024-03-01T09:00:00Z"}
    ids = [el.get(W + "id") for el in root.iter() if el.tag in (W + "ins", W + "del")]
    assert len(ids) == len(set(ids))


def _paragraph_marks(path: Path, tag: str) -> list[etree._Element]:
    return [p for p in xml_of(path).iter(W + "p")
            if p.find(f"{W}pPr/{W}rPr/{W}{tag}") is not None]


def test_an_inserted_paragraph_has_its_mark_inserted(results):
    item = results["paragraphe inséré"]
    (p,) = _paragraph_marks(item["out"], "ins")
    assert "Une convention financière" in "".join(p.itertext())
    (change,) = item["comparison"].changes
    assert change.kind == "insertion" and change.section == "Article 5 : Engagements de l’État"


def test_a_deleted_paragraph_has_its_mark_deleted(results):
    item = results["paragraphe supprimé"]
    marks = _paragraph_marks(item["out"], "del")
    assert marks
    (change,) = item["comparison"].changes
    assert change.kind == "suppression"
    assert change.old_text.startswith("Le bataillon peut comprendre")


def test_a_list_item_inserted_mid_list_is_one_inserted_paragraph_in_the_list(results):
    item = results["élément de liste inséré"]
    (p,) = _paragraph_marks(item["out"], "ins")
    assert p.find(f"{W}pPr/{W}pStyle").get(W + "val") == "ListBullet"
    (change,) = item["comparison"].changes
    assert change.kind == "insertion" and change.section == "Article 3 : Volume du bataillon"


def test_a_table_row_inserted_mid_table_is_a_row_revision(results):
    item = results["ligne de tableau insérée"]
    rows = [tr for tr in xml_of(item["out"]).iter(W + "tr")
            if tr.find(f"{W}trPr/{W}ins") is not None]
    assert len(rows) == 1 and "Dijon" in "".join(rows[0].itertext())
    (change,) = item["comparison"].changes
    assert change.kind == "insertion" and change.new_text == "Dijon | 45 000 €"


def test_a_deleted_table_row_is_a_row_revision(results):
    item = results["ligne de tableau supprimée"]
    rows = [tr for tr in xml_of(item["out"]).iter(W + "tr")
            if tr.find(f"{W}trPr/{W}del") is not None]
    assert len(rows) == 1 and "Métropole" in "".join(rows[0].itertext())


def test_a_changed_cell_is_a_word_change_inside_the_row(results):
    item = results["cellule modifiée"]
    (change,) = item["comparison"].changes
    assert change.kind == "modification"
    assert change.deleted == ["120 000"] and change.inserted == ["125 000"]


def test_a_moved_paragraph_is_deleted_where_it_was_and_inserted_where_it_goes(results):
    changes = results["paragraphe déplacé"]["comparison"].changes
    assert [c.kind for c in changes] == ["suppression", "insertion"]
    assert changes[0].old_text == changes[1].new_text


def test_text_split_into_many_runs_still_compares_by_word(results):
    item = results["montant"]
    assert len(list(xml_of(item["old"]).iter(W + "r"))) > 60
    assert len(item["comparison"].changes) == 1


@pytest.mark.parametrize("name", ["gras seul", "italique seul"])
def test_a_formatting_only_change_is_tracked_and_rejecting_restores_it(results, name):
    item = results[name]
    (change,) = item["comparison"].changes
    assert change.kind == "mise en forme"
    assert change.formatting == {"gras seul": ["gras ajouté : « également »"],
                                 "italique seul": ["italique ajouté : « Le présent avenant a "
                                                   "pour vocation de poursuivre le financement "
                                                   "du bataillon en… »"]}[name]
    assert revisions(item["out"], "rPrChange")
    body = xml_of(item["out"]).find(W + "body")
    assert paragraph_formats(body, "accept") == paragraph_formats(
        xml_of(item["new"]).find(W + "body"))
    assert paragraph_formats(body, "reject") == paragraph_formats(
        xml_of(item["old"]).find(W + "body"))


@pytest.mark.parametrize("name", ["niveau de titre", "style de paragraphe"])
def test_a_paragraph_style_change_is_tracked_with_ppr_change(results, name):
    item = results[name]
    (change,) = item["comparison"].changes
    assert change.kind == "mise en forme"
    assert change.formatting == {"niveau de titre": ["style « heading 1 » → « heading 2 »"],
                                 "style de paragraphe": ["style « Normal » → « List Bullet »"]
                                 }[name]
    assert revisions(item["out"], "pPrChange")
    body = xml_of(item["out"]).find(W + "body")
    assert paragraph_formats(body, "accept") == paragraph_formats(
        xml_of(item["new"]).find(W + "body"))
    assert paragraph_formats(body, "reject") == paragraph_formats(
        xml_of(item["old"]).find(W + "body"))


def test_a_rewritten_sentence_is_one_deletion_and_one_insertion(results):
    (change,) = results["phrase réécrite"]["comparison"].changes
    assert len(change.deleted) == 1 and len(change.inserted) == 1
    assert change.deleted[0].startswith("Le comité de pilotage se réunit")
    assert change.inserted[0].startswith("Les partenaires du comité")
    assert change.segments[-1] == ("=", ". Il arrête la stratégie.")


def test_a_change_of_space_kind_is_tracked_exactly(results):
    item = results["espaces"]
    assert document_views(item["out"], "reject")["corps"] == ["Montant : 468 000 € ; fin"]


def test_header_footer_and_footnote_changes_name_their_part(results):
    sections = {c.section for c in results["en-tête et pied de page"]["comparison"].changes}
    assert sections == {"En-tête", "Pied de page"}
    notes = [c for c in results["notes de bas de page"]["comparison"].changes
             if c.part == "notes"]
    assert {c.kind for c in notes} == {"modification", "insertion", "suppression"}


def test_endnotes_are_compared_like_footnotes(results):
    changes = results["notes de fin"]["comparison"].changes
    assert {(c.part, c.kind) for c in changes} >= {("notes de fin", "modification"),
                                                  ("notes de fin", "suppression")}
    assert all(c.section in ("Notes de fin", "Début du document") for c in changes)


def test_a_nested_table_is_compared_inside_its_cell(results):
    (change,) = results["tableau imbriqué"]["comparison"].changes
    assert change.deleted == ["468 000"] and change.inserted == ["480 000"]


def test_fields_are_kept_whole(results):
    item = results["champs"]
    root = xml_of(item["out"])
    assert [fc.get(W + "fldCharType") for fc in root.iter(W + "fldChar")] == [
        "begin", "separate", "end"]
    assert "PAGE" in "".join(t.text for t in root.iter(W + "instrText"))
    changed = xml_of(results["champ modifié"]["out"])
    assert len(list(changed.iter(W + "delInstrText"))) == 1
    assert len(list(changed.iter(W + "instrText"))) == 1


def test_a_deleted_image_is_kept_with_its_picture(results):
    item = results["image supprimée"]
    root = xml_of(item["out"])
    (drawing,) = root.iter(W + "drawing")
    assert any(a.tag == W + "del" for a in drawing.iterancestors())
    blip = next(el for el in drawing.iter() if el.tag.endswith("}blip"))
    rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    rels = xml_of(item["out"], "word/_rels/document.xml.rels")
    (rel,) = [r for r in rels if r.get("Id") == rid]
    import zipfile
    with zipfile.ZipFile(item["out"]) as zf:
        assert "word/" + rel.get("Target") in zf.namelist()


def test_an_unchanged_image_stays_in_place(results):
    root = xml_of(results["image"]["out"])
    (drawing,) = root.iter(W + "drawing")
    assert not any(a.tag in (W + "del", W + "ins") for a in drawing.iterancestors())


def test_a_deleted_hyperlink_keeps_its_target(results):
    item = results["lien supprimé"]
    root = xml_of(item["out"])
    (link,) = root.iter(W + "hyperlink")
    assert link.find(W + "del") is not None
    rid = link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    rels = xml_of(item["out"], "word/_rels/document.xml.rels")
    assert [r.get("Target") for r in rels if r.get("Id") == rid] == ["https://example.org/a"]


def test_the_output_is_reproducible(results, tmp_path):
    item = results["montant"]
    again = tmp_path / "again.docx"
    compare(item["old"], item["new"], again, author="Préfecture", date=DATE)
    assert again.read_bytes() == item["out"].read_bytes()


def test_the_new_documents_formatting_is_kept(results):
    item = results["montant"]
    new_styles = xml_of(item["new"], "word/styles.xml")
    out_styles = xml_of(item["out"], "word/styles.xml")
    assert etree.tostring(new_styles) == etree.tostring(out_styles)
    new_sect = xml_of(item["new"]).find(f"{W}body/{W}sectPr")
    out_sect = xml_of(item["out"]).find(f"{W}body/{W}sectPr")
    assert etree.tostring(new_sect) == etree.tostring(out_sect)


def test_docxodus_engine_writes_its_own_redline(results, tmp_path):
    if "docxodus" not in results["montant"]:
        pytest.skip("Docxodus n’est pas installé")
    item = results["montant"]
    out = tmp_path / "dx.docx"
    comparison = compare(item["old"], item["new"], out, engine="docxodus", date=DATE)
    assert comparison.engine == "docxodus"
    assert document_views(out, "accept") == document_views(item["new"])
    assert len(comparison.changes) == 1


def test_copies_of_the_inputs_are_untouched(results, tmp_path):
    item = results["paragraphe inséré"]
    before = item["old"].read_bytes(), item["new"].read_bytes()
    copy_old = tmp_path / "a.docx"
    shutil.copy(item["old"], copy_old)
    compare(copy_old, item["new"], tmp_path / "r.docx", date=DATE)
    assert (item["old"].read_bytes(), item["new"].read_bytes()) == before
    assert copy_old.read_bytes() == before[0]


def test_a_document_that_already_has_tracked_changes_is_compared_as_accepted(results, tmp_path):
    item = results["paragraphe inséré"]
    again = tmp_path / "again.docx"
    comparison = compare(item["out"], item["new"], again, date=DATE)
    assert comparison.changes == []
    assert not revisions(again, "ins") and not revisions(again, "del")
    back = compare(item["new"], item["out"], tmp_path / "back.docx", date=DATE)
    assert back.changes == []


def test_the_new_documents_comments_are_kept_beside_ours(tmp_path):
    old = build(Doc(["Premier paragraphe.", "Montant : 468 000 €."]), tmp_path / "a.docx")
    new = build(Doc([Commented("Premier paragraphe.", "À relire"), "Montant : 480 000 €."]),
                tmp_path / "b.docx")
    out = tmp_path / "r.docx"
    compare(old, new, out, comments=True, date=DATE)
    comments = xml_of(out, "word/comments.xml")
    texts = ["".join(c.itertext()) for c in comments.iter(W + "comment")]
    assert "À relire" in texts and "« 468 000 » → « 480 000 »" in texts
    ids = [c.get(W + "id") for c in comments.iter(W + "comment")]
    assert len(ids) == len(set(ids))
    assert document_views(out, "accept") == document_views(new)


SDT = ('<w:sdt><w:sdtPr><w:alias w:val="Montant"/><w:tag w:val="montant"/></w:sdtPr>'
       '<w:sdtContent><w:p><w:r><w:t>Montant : {} €</w:t></w:r></w:p></w:sdtContent></w:sdt>')


def test_content_controls_are_compared_inside_and_kept(tmp_path):
    old = build(Doc(["Avant.", Raw(SDT.format("468 000")), "Après."]), tmp_path / "a.docx")
    new = build(Doc(["Avant.", Raw(SDT.format("480 000")), "Après."]), tmp_path / "b.docx")
    out = tmp_path / "r.docx"
    (change,) = compare(old, new, out, date=DATE).changes
    assert change.deleted == ["468 000"] and change.inserted == ["480 000"]
    root = xml_of(out)
    (sdt,) = root.iter(W + "sdt")
    assert sdt.find(f"{W}sdtPr/{W}tag").get(W + "val") == "montant"
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)


def test_revision_count_is_reported(results):
    assert results["identiques"]["comparison"].revisions == 0
    assert results["montant"]["comparison"].revisions == 2


def _drop_style(path: Path, style_id: str) -> None:
    """Remove a style definition, as Word leaves out the styles a document does not use."""
    import zipfile
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    for style in styles.iter(W + "style"):
        if style.get(W + "styleId") == style_id:
            styles.remove(style)
    parts["word/styles.xml"] = etree.tostring(styles)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_styles_that_only_the_old_text_uses_are_brought_along(tmp_path):
    old = build(Doc([H(3, "Article 3 bis : Annexe"), "Texte."]), tmp_path / "a.docx")
    new = build(Doc(["Texte."]), tmp_path / "b.docx")
    _drop_style(new, "Heading3")
    out = tmp_path / "r.docx"
    compare(old, new, out, date=DATE)
    styles = xml_of(out, "word/styles.xml")
    ids = [s.get(W + "styleId") for s in styles.iter(W + "style")]
    assert ids.count("Heading3") == 1
    assert document_views(out, "reject") == document_views(old)


BOOKMARKED = ('<w:p><w:r><w:t xml:space="preserve">Le montant est de </w:t></w:r>'
              '<w:bookmarkStart w:id="7" w:name="montant"/><w:r><w:t>{}</w:t></w:r>'
              '<w:bookmarkEnd w:id="7"/><w:r><w:t xml:space="preserve"> € par an.</w:t></w:r>'
              '</w:p>')


def test_bookmarks_of_the_new_document_stay_around_the_changed_words(tmp_path):
    old = build(Doc([Raw(BOOKMARKED.format("468 000"))]), tmp_path / "a.docx")
    new = build(Doc([Raw(BOOKMARKED.format("480 000"))]), tmp_path / "b.docx")
    out = tmp_path / "r.docx"
    (change,) = compare(old, new, out, date=DATE).changes
    assert change.deleted == ["468 000"] and change.inserted == ["480 000"]
    p = next(xml_of(out).iter(W + "p"))
    tags = [etree.QName(child).localname for child in p]
    assert tags.index("bookmarkStart") < tags.index("del") < tags.index("ins") < \
        tags.index("bookmarkEnd")
    assert document_views(out, "accept") == document_views(new)
    assert document_views(out, "reject") == document_views(old)
