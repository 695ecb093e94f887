"""Issue 3: the whole rendered 2023 avenant follows French typography, by construction."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from .reference import paragraph_text


@pytest.fixture(scope="module")
def texts(built_2023: Path) -> list[str]:
    document = docx.Document(str(built_2023))
    roots = [document.element.body, document.sections[0].footer._element]
    return [paragraph_text(p) for root in roots for p in root.iter(qn("w:p"))
            if paragraph_text(p).strip()]


@pytest.mark.parametrize("sign", [";", ":", "!", "?", "»", "%", "€"])
def test_no_ordinary_space_stands_before_a_sign_that_takes_a_no_break_space(texts, sign):
    assert not [t for t in texts if f" {sign}" in t]


def test_no_ordinary_space_follows_an_opening_guillemet(texts):
    assert not [t for t in texts if "« " in t]


def test_no_guillemet_is_glued_to_a_word(texts):
    glued = re.compile(r"«\w|\w»")
    assert not [t for t in texts if glued.search(t)]


def test_every_n_degree_is_followed_by_a_no_break_space(texts):
    assert not [t for t in texts if re.search(r"n°(?!\u00a0)", t)]
    assert sum(t.count("n°\u00a0") for t in texts) >= 5


def test_there_is_no_straight_quote_or_apostrophe(texts):
    assert not [t for t in texts if "'" in t or '"' in t]


def test_there_is_no_double_space(texts):
    assert not [t for t in texts if re.search(r"[ \u00a0\u202f]{2,}", t)]


def test_the_first_of_a_month_is_written_1er(texts):
    assert not [t for t in texts if re.search(r"\b1 (janvier|février|mars|avril|mai|juin|"
                                              r"juillet|août|septembre|octobre|novembre|"
                                              r"décembre)", t)]
    assert any("1er\u00a0décembre 2021" in t or "1er décembre 2021" in t for t in texts)


def test_the_amount_of_the_state_has_its_exact_code_points(texts):
    assert any("468\u202f000\u00a0€" in t for t in texts)


def test_sentences_open_with_accented_capitals(texts):
    assert not [t for t in texts if re.search(r"(^|\. )A (l’|partir|ce)", t)]
    assert any(t.startswith("À l’occasion") for t in texts)


def test_years_and_numbers_of_texts_are_never_grouped(texts):
    assert not [t for t in texts if re.search(r"\b2\u202f0\d\d\b", t)]
    assert any("n°\u00a02014-173" in t for t in texts)
