import re
from xml.sax.saxutils import escape

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.text.typography import fix_document, fix_paragraph, fix_text

NBSP = "\xa0"
NNBSP = "\u202f"
THIN = "\u2009"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- fix_text: properties ------------------------------------------------------------------

# Characters the rules look at, mixed with ordinary text, so that Hypothesis finds the edges.
TRICKY = st.text(
    alphabet=st.sampled_from(list("ab1 ;:!?%€«»\"'’n°N\xa0\u202f\u2009\t\n/.,()-Éé“”")),
    max_size=40,
)
ANY_TEXT = st.one_of(TRICKY, st.text(max_size=40))

_SPACE = re.compile("[ \xa0\u202f\u2009]")
_QUOTE = re.compile("['’\"«»]")


def skeleton(text: str) -> str:
    """The text without its spaces, apostrophes and quotes: what the pass must never change."""
    return _QUOTE.sub("'", _SPACE.sub("", text))


@given(ANY_TEXT)
@example("mot;»")
@example("« ;")
@example('"a" "b" "c')
@settings(max_examples=1000)
def test_fixing_text_twice_changes_nothing_more(text):
    once = fix_text(text)
    assert fix_text(once) == once


@given(ANY_TEXT)
@settings(max_examples=1000)
def test_fixing_text_changes_only_spaces_apostrophes_and_quotes(text):
    assert skeleton(fix_text(text)) == skeleton(text)


@given(ANY_TEXT)
def test_fixing_text_leaves_no_run_of_ordinary_spaces(text):
    assert "  " not in fix_text(text)


# --- fix_text: rules -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("contrats aidés ;", f"contrats aidés{NNBSP};"),
    ("contrats aidés;", f"contrats aidés{NNBSP};"),
    (f"contrats aidés{NBSP};", f"contrats aidés{NNBSP};"),
    ("contrats aidés   ;", f"contrats aidés{NNBSP};"),
    ("a ; b", f"a{NNBSP}; b"),
])
def test_it_puts_a_narrow_no_break_space_before_a_semicolon(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Quoi ?", f"Quoi{NNBSP}?"),
    ("Quoi?", f"Quoi{NNBSP}?"),
    ("Enfin!", f"Enfin{NNBSP}!"),
    ("Quoi?!", f"Quoi{NNBSP}?!"),
    ("Quoi ? !", f"Quoi{NNBSP}?{NNBSP}!"),
])
def test_it_puts_a_narrow_no_break_space_before_question_and_exclamation_marks(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Entre :", f"Entre{NBSP}:"),
    ("Entre:", f"Entre{NBSP}:"),
    ("Article 1 : Objet", f"Article 1{NBSP}: Objet"),
    (f"Article 1{NNBSP}: Objet", f"Article 1{NBSP}: Objet"),
])
def test_it_puts_a_no_break_space_before_a_colon(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize("text", [
    "http://example.fr/a?b=1;c=2",
    "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000028636804/",
    "à 10:30",
    "le ratio 3:2",
    "a;b",
    "C:\\chemin",
])
def test_it_leaves_glued_punctuation_inside_a_word_alone(text):
    assert fix_text(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("100%", f"100{NBSP}%"),
    ("100 %", f"100{NBSP}%"),
    ("à 100% des postes", f"à 100{NBSP}% des postes"),
    ("468 000€", f"468 000{NBSP}€"),
    (f"468{NNBSP}000 €.", f"468{NNBSP}000{NBSP}€."),
    ("a%20b", "a%20b"),
])
def test_it_puts_a_no_break_space_before_percent_and_euro(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("n° 2014-173", f"n°{NBSP}2014-173"),
    ("n°2014-173", f"n°{NBSP}2014-173"),
    ("N° DM2019", f"N°{NBSP}DM2019"),
    ("20° C", "20° C"),
])
def test_it_puts_a_no_break_space_after_n_degree(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("« bataillon »", f"«{NBSP}bataillon{NBSP}»"),
    ("«bataillon»", f"«{NBSP}bataillon{NBSP}»"),
    (f"«{NNBSP}bataillon{THIN}»", f"«{NBSP}bataillon{NBSP}»"),
    ("«  bataillon  »", f"«{NBSP}bataillon{NBSP}»"),
])
def test_it_puts_no_break_spaces_inside_french_quotes(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('le "bataillon"', f"le «{NBSP}bataillon{NBSP}»"),
    ('"a" et " b "', f"«{NBSP}a{NBSP}» et «{NBSP}b{NBSP}»"),
    ('un seul " guillemet', 'un seul " guillemet'),
    ("des “guillemets” anglais", "des “guillemets” anglais"),
])
def test_it_turns_paired_straight_quotes_into_french_quotes(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("l'État", "l’État"),
    ("aujourd'hui", "aujourd’hui"),
    ("l' État", "l' État"),
    ("'a'", "'a'"),
])
def test_it_turns_a_straight_apostrophe_between_letters_into_a_typographic_one(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Dijon  Métropole", "Dijon Métropole"),
    ("  indentation", " indentation"),
    (f"a {NBSP} b", f"a{NBSP}b"),
    ("a\tb", "a\tb"),
    ("a \n b", "a \n b"),
])
def test_it_collapses_runs_of_spaces(text, expected):
    assert fix_text(text) == expected


def test_it_does_not_add_accents_to_capitals():
    assert fix_text("A partir de ces dates") == "A partir de ces dates"


def test_it_leaves_a_correct_reference_paragraph_unchanged():
    text = (
        f"L’État s’engage à financer les 12 postes d’éducateurs de prévention en mobilisant une "
        f"enveloppe financière évaluée, sur 12 mois, à 468{NNBSP}000{NBSP}€, qui seront versés à "
        f"l’Association{NNBSP}; le «{NBSP}bataillon de la prévention{NBSP}» est double{NBSP}: "
        f"VU la Loi n°{NBSP}2014-173."
    )
    assert fix_text(text) == text


# --- Word documents ------------------------------------------------------------------------

def runs_text(paragraph):
    return [run.text for run in paragraph.runs]


def saved_and_reloaded(doc, tmp_path):
    path = tmp_path / "avenant.docx"
    doc.save(path)
    return docx.Document(path)


def test_it_fixes_a_paragraph_whose_signs_are_split_across_runs(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run("financement à ")
    p.add_run("100")
    p.add_run("%")
    p.add_run(" du ")
    bold = p.add_run("«bataillon")
    bold.bold = True
    p.add_run(" de la prévention»")
    fix_document(doc)

    p = saved_and_reloaded(doc, tmp_path).paragraphs[0]
    assert p.text == f"financement à 100{NBSP}% du «{NBSP}bataillon de la prévention{NBSP}»"
    assert runs_text(p) == [
        "financement à ", f"100{NBSP}", "%", " du ", f"«{NBSP}bataillon",
        f" de la prévention{NBSP}»",
    ]
    assert [run.bold for run in p.runs] == [None, None, None, None, True, None]


def test_it_replaces_a_space_in_the_run_that_held_it(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run("contrats aidés ")
    p.add_run(";").italic = True
    fix_document(doc)

    p = saved_and_reloaded(doc, tmp_path).paragraphs[0]
    assert runs_text(p) == [f"contrats aidés{NNBSP}", ";"]
    assert p.runs[1].italic is True


def test_it_removes_extra_spaces_from_the_runs_that_held_them(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run("Dijon ")
    p.add_run(" ")
    p.add_run(" Métropole")
    fix_document(doc)

    p = saved_and_reloaded(doc, tmp_path).paragraphs[0]
    assert p.text == "Dijon Métropole"
    assert len(p.runs) == 3


def test_it_pairs_straight_quotes_across_runs(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run('le "bataillon')
    p.add_run(' de la prévention" et l')
    p.add_run("'État")
    fix_document(doc)

    p = saved_and_reloaded(doc, tmp_path).paragraphs[0]
    assert runs_text(p) == [
        f"le «{NBSP}bataillon", f" de la prévention{NBSP}» et l", "’État",
    ]


def test_it_keeps_leading_and_trailing_spaces_of_a_run_in_the_saved_file(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run("VU la Loi")
    p.add_run("  n°2014-173")
    fix_document(doc)

    t = doc.paragraphs[0].runs[1]._r.find(qn("w:t"))
    assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    p = saved_and_reloaded(doc, tmp_path).paragraphs[0]
    assert runs_text(p) == ["VU la Loi", f" n°{NBSP}2014-173"]


def test_fixing_a_document_twice_changes_nothing_more():
    doc = docx.Document()
    p = doc.add_paragraph()
    for text in ["Entre", ":", " le ", '"bataillon', '"', " à 100", "%", " ;"]:
        p.add_run(text)
    fix_document(doc)
    first = etree.tostring(doc.element)
    fix_document(doc)
    assert etree.tostring(doc.element) == first
    assert doc.paragraphs[0].text == (
        f"Entre{NBSP}: le «{NBSP}bataillon{NBSP}» à 100{NBSP}%{NNBSP};"
    )


def test_it_fixes_tables_headers_and_footers(tmp_path):
    doc = docx.Document()
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("Le Préfet ; ")
    doc.sections[0].header.paragraphs[0].add_run("Avenant n° 1-2023")
    doc.sections[0].footer.paragraphs[0].add_run("Page 1 : fin")
    fix_document(doc)

    doc = saved_and_reloaded(doc, tmp_path)
    assert doc.tables[0].cell(0, 0).text == f"Le Préfet{NNBSP}; "
    assert doc.sections[0].header.paragraphs[0].text == f"Avenant n°{NBSP}1-2023"
    assert doc.sections[0].footer.paragraphs[0].text == f"Page 1{NBSP}: fin"


def paragraph_from_xml(body: str):
    return parse_xml(f"<w:p {nsdecls('w')}>{body}</w:p>")


def t_texts(p):
    return [t.text or "" for t in p.iter(qn("w:t"))]


def test_it_fixes_runs_inside_insertions_and_hyperlinks_and_leaves_deletions_alone():
    p = paragraph_from_xml(
        '<w:r><w:t>VU la Loi n°</w:t></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>  ancien ;</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>2014-173</w:t></w:r></w:ins>'
        '<w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><w:r><w:t>;</w:t></w:r></w:hyperlink>'
    )
    fix_paragraph(p)
    assert t_texts(p) == ["VU la Loi n°\xa0", "2014-173\u202f", ";"]
    assert [t.text for t in p.iter(qn("w:delText"))] == ["  ancien ;"]


def test_it_treats_a_tab_or_a_break_as_a_boundary():
    p = paragraph_from_xml(
        "<w:r><w:t>Article 1</w:t><w:tab/><w:t>: objet</w:t></w:r>"
        "<w:r><w:t xml:space=\"preserve\">fin </w:t><w:br/>"
        "<w:t xml:space=\"preserve\"> ;</w:t></w:r>"
    )
    fix_paragraph(p)
    assert t_texts(p) == ["Article 1", ": objet", "fin ", " ;"]


def test_it_never_changes_markup():
    p = paragraph_from_xml(
        '<w:pPr><w:pStyle w:val="Titre"/></w:pPr>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>Entre</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
        "<w:r><w:instrText xml:space=\"preserve\"> PAGE ; </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        "<w:r><w:t>:</w:t></w:r>"
    )
    tags = [element.tag for element in p.iter()]
    fix_paragraph(p)
    assert [element.tag for element in p.iter()] == tags
    assert t_texts(p) == [f"Entre{NBSP}", ":"]
    assert p.find(f".//{qn('w:instrText')}").text == " PAGE ; "


def test_it_puts_an_inserted_space_after_a_footnote_reference_into_the_next_run():
    p = paragraph_from_xml(
        "<w:r><w:t>mot</w:t></w:r>"
        '<w:r><w:footnoteReference w:id="1"/></w:r>'
        "<w:r><w:t>;</w:t></w:r>"
    )
    fix_paragraph(p)
    assert t_texts(p) == ["mot", f"{NNBSP};"]


def test_it_fixes_the_footnotes_part(tmp_path):
    doc = docx.Document()
    footnotes = Part(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:footnotes {nsdecls("w")}><w:footnote w:id="1"><w:p><w:r>'
            f"<w:t>Voir la Loi n°2014-173 ;</w:t></w:r></w:p></w:footnote></w:footnotes>"
        ).encode(),
        doc.part.package,
    )
    doc.part.relate_to(footnotes, RT.FOOTNOTES)
    doc = saved_and_reloaded(doc, tmp_path)
    fix_document(doc)

    doc = saved_and_reloaded(doc, tmp_path)
    part = doc.part.part_related_by(RT.FOOTNOTES)
    texts = [t.text for t in etree.fromstring(part.blob).iter(f"{{{W_NS}}}t")]
    assert texts == [f"Voir la Loi n°{NBSP}2014-173{NNBSP};"]


@given(st.lists(TRICKY, min_size=1, max_size=6))
@settings(max_examples=300)
def test_a_paragraph_split_into_runs_gets_the_same_text_as_a_string(pieces):
    runs = "".join(
        f'<w:r><w:t xml:space="preserve">{escape(piece)}</w:t></w:r>' for piece in pieces
    )
    p = paragraph_from_xml(runs)
    fix_paragraph(p)
    assert "".join(t_texts(p)) == fix_text("".join(pieces))
    assert len(t_texts(p)) == len(pieces)
    once = etree.tostring(p)
    fix_paragraph(p)
    assert etree.tostring(p) == once
