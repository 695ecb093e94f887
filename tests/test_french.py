from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import AvenantError, FormatError
from generator.text import french
from generator.text.french import (
    FILTERS,
    annee,
    capitalise,
    date_fr,
    de,
    en_lettres,
    la,
    liste,
    mois_annee,
    montant,
    montant_en_lettres,
    nombre,
    nombre_de_mois,
    numero,
    ordinal,
    periode_jours,
    periode_mois,
)

NNBSP = "\u202f"
NBSP = "\xa0"


# --- montant ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (468000, f"468{NNBSP}000{NBSP}€"),
    (Decimal("468000"), f"468{NNBSP}000{NBSP}€"),
    (Decimal("468000.00"), f"468{NNBSP}000{NBSP}€"),
    (1, f"1{NBSP}€"),
    (1000000, f"1{NNBSP}000{NNBSP}000{NBSP}€"),
    (Decimal("1234.50"), f"1{NNBSP}234,50{NBSP}€"),
    (Decimal("1234.5"), f"1{NNBSP}234,50{NBSP}€"),
    (Decimal("0.01"), f"0,01{NBSP}€"),
    (12.25, f"12,25{NBSP}€"),
    (468000.0, f"468{NNBSP}000{NBSP}€"),
])
def test_it_writes_an_amount_with_grouped_digits_and_a_no_break_space_before_the_euro(
    value, expected,
):
    assert montant(value) == expected


def test_it_keeps_the_half_euro_instead_of_rounding_it():
    assert montant(Decimal("468000.5")) == f"468{NNBSP}000,50{NBSP}€"
    assert montant(Decimal("2.5")) == f"2,50{NBSP}€"


@pytest.mark.parametrize("value", [0, -5, Decimal("-0.01"), Decimal("0"), 0.0, -1.5])
def test_it_refuses_a_null_or_negative_amount(value):
    with pytest.raises(FormatError, match="montant nul ou négatif"):
        montant(value)


@pytest.mark.parametrize("value", [Decimal("0.125"), Decimal("468000.001"), 0.1 + 0.2, 1 / 3])
def test_it_refuses_an_amount_with_fractions_of_a_cent(value):
    with pytest.raises(FormatError, match="plus de deux décimales"):
        montant(value)


@pytest.mark.parametrize("value", [True, False, "468000", None, [1]])
def test_it_refuses_an_amount_that_is_not_a_number(value):
    with pytest.raises(FormatError, match="montant non numérique"):
        montant(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("inf")])
def test_it_refuses_an_infinite_amount(value):
    with pytest.raises(FormatError):
        montant(value)


def test_a_format_error_is_an_avenant_error_that_keeps_the_value():
    with pytest.raises(AvenantError) as caught:
        montant(-5)
    assert caught.value.value == -5
    assert str(caught.value) == "montant nul ou négatif : -5"


@given(st.integers(min_value=1, max_value=10**15))
def test_an_amount_shows_every_digit_of_an_integer(value):
    text = montant(value)
    assert text.endswith(f"{NBSP}€")
    assert text[:-2].replace(NNBSP, "") == str(value)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2))
def test_an_amount_with_cents_is_never_rounded(value):
    text = montant(value)
    digits = text[:-2].replace(NNBSP, "").replace(",", ".")
    assert Decimal(digits) == value


# --- montant_en_lettres ----------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (468000, "quatre cent soixante-huit mille euros"),
    (1000000, "un million d’euros"),
    (2000000, "deux millions d’euros"),
    (1000000000, "un milliard d’euros"),
    (1500000, "un million cinq cent mille euros"),
    (1, "un euro"),
    (2, "deux euros"),
    (80, "quatre-vingts euros"),
    (200, "deux cents euros"),
    (21, "vingt et un euros"),
    (Decimal("1234.50"), "mille deux cent trente-quatre euros et cinquante centimes"),
    (Decimal("1.01"), "un euro et un centime"),
    (Decimal("1000000.20"), "un million d’euros et vingt centimes"),
    (Decimal("0.80"), "quatre-vingts centimes"),
])
def test_it_writes_an_amount_in_words(value, expected):
    assert montant_en_lettres(value) == expected


def test_it_never_writes_zero_cents():
    assert "centime" not in montant_en_lettres(Decimal("468000.00"))


def test_it_uses_the_typographic_apostrophe_in_d_euros():
    assert "'" not in montant_en_lettres(3000000)
    assert "\u2019" in montant_en_lettres(3000000)


def test_it_refuses_to_write_a_negative_amount_in_words():
    with pytest.raises(FormatError):
        montant_en_lettres(-468000)


# --- nombre, annee ---------------------------------------------------------------------

def test_it_groups_the_digits_of_a_number_with_a_narrow_no_break_space():
    assert nombre(1000) == f"1{NNBSP}000"
    assert nombre(468000) == f"468{NNBSP}000"
    assert nombre(21) == "21"
    assert nombre(0) == "0"


@pytest.mark.parametrize("value", [2.5, "12", True, None])
def test_it_refuses_a_number_that_is_not_an_integer(value):
    with pytest.raises(FormatError, match="non entier"):
        nombre(value)


def test_it_never_groups_the_digits_of_a_year():
    assert annee(2014) == "2014"
    assert annee(12345) == "12345"
    assert annee(date(2023, 6, 30)) == "2023"


@pytest.mark.parametrize("value", [0, -2014, "2014", 2014.0])
def test_it_refuses_a_year_that_is_not_a_positive_integer(value):
    with pytest.raises(FormatError):
        annee(value)


# --- en_lettres ------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "expected"), [
    (0, "zéro"),
    (1, "un"),
    (2, "deux"),
    (21, "vingt et un"),
    (71, "soixante et onze"),
    (80, "quatre-vingts"),
    (81, "quatre-vingt-un"),
    (200, "deux cents"),
    (201, "deux cent un"),
    (1000, "mille"),
    (80000, "quatre-vingt mille"),
    (468000, "quatre cent soixante-huit mille"),
])
def test_it_writes_a_number_in_words_in_the_traditional_spelling(n, expected):
    assert en_lettres(n) == expected


def test_it_writes_a_number_in_words_with_a_capital_to_start_a_sentence():
    assert en_lettres(2, majuscule=True) == "Deux"
    assert en_lettres(80, majuscule=True) == "Quatre-vingts"


@pytest.mark.parametrize(("n", "expected"), [
    (1, "une"),
    (21, "vingt et une"),
    (81, "quatre-vingt-une"),
    (101, "cent une"),
    (2, "deux"),
    (21000, "vingt et un mille"),
    (1000000, "un million"),
])
def test_only_a_final_un_agrees_in_the_feminine(n, expected):
    assert en_lettres(n, feminin=True) == expected


def test_it_capitalises_a_feminine_number():
    assert en_lettres(1, majuscule=True, feminin=True) == "Une"


@pytest.mark.parametrize("value", [-1, 2.0, True])
def test_it_refuses_to_write_a_negative_or_fractional_number_in_words(value):
    with pytest.raises(FormatError):
        en_lettres(value)


# --- dates -----------------------------------------------------------------------------

def test_it_writes_the_first_day_of_a_month_as_premier():
    assert date_fr(date(2021, 12, 1)) == "1er décembre 2021"


def test_it_writes_other_days_as_cardinals():
    assert date_fr(date(2022, 1, 3)) == "3 janvier 2022"
    assert date_fr(date(2021, 2, 18)) == "18 février 2021"
    assert date_fr(date(2023, 8, 31)) == "31 août 2023"


def test_it_accepts_a_datetime_as_a_date():
    assert date_fr(datetime(2021, 12, 1, 15, 30)) == "1er décembre 2021"


@pytest.mark.parametrize("value", ["2021-12-01", None, 20211201])
def test_it_refuses_a_date_that_is_not_a_date(value):
    with pytest.raises(FormatError, match="date invalide"):
        date_fr(value)


def test_it_writes_the_month_and_year_of_a_date():
    assert mois_annee(date(2023, 1, 15)) == "janvier 2023"
    assert mois_annee(date(2023, 12, 31)) == "décembre 2023"


def test_it_writes_a_period_by_months():
    assert periode_mois(date(2023, 1, 1), date(2023, 12, 31)) == (
        "de janvier 2023 à décembre 2023"
    )


@pytest.mark.parametrize(("month", "expected"), [
    (4, "d’avril 2023"), (8, "d’août 2023"), (10, "d’octobre 2023"), (9, "de septembre 2023"),
])
def test_it_elides_de_before_a_month_starting_with_a_vowel(month, expected):
    assert periode_mois(date(2023, month, 1), date(2024, 3, 31)) == f"{expected} à mars 2024"


def test_it_writes_a_period_by_days():
    assert periode_jours(date(2023, 1, 1), date(2023, 12, 31)) == (
        "du 1er janvier 2023 au 31 décembre 2023"
    )


@pytest.mark.parametrize("function", [periode_mois, periode_jours, nombre_de_mois])
def test_it_refuses_a_period_that_ends_before_it_starts(function):
    with pytest.raises(FormatError, match="finit avant de commencer"):
        function(date(2023, 12, 31), date(2023, 1, 1))


@pytest.mark.parametrize(("debut", "fin", "expected"), [
    (date(2023, 1, 1), date(2023, 12, 31), 12),
    (date(2023, 1, 1), date(2023, 1, 31), 1),
    (date(2023, 9, 1), date(2024, 8, 31), 12),
    (date(2023, 1, 15), date(2023, 3, 2), 3),
    (date(2022, 1, 1), date(2023, 12, 31), 24),
])
def test_it_counts_the_calendar_months_of_a_period_both_ends_included(debut, fin, expected):
    assert nombre_de_mois(debut, fin) == expected


# --- ordinal, numero, liste, capitalise ------------------------------------------------

def test_it_writes_ordinals_the_french_way():
    assert ordinal(1) == "1er"
    assert ordinal(1, feminin=True) == "1re"
    assert ordinal(2) == "2e"
    assert ordinal(2, feminin=True) == "2e"
    assert ordinal(21) == "21e"


@pytest.mark.parametrize("value", [0, -1, 1.0, True])
def test_it_refuses_an_ordinal_below_one(value):
    with pytest.raises(FormatError):
        ordinal(value)


def test_it_writes_the_number_of_a_text_after_n_degree_and_a_no_break_space():
    assert numero("2014-173") == f"n°{NBSP}2014-173"
    assert numero(" 6057-SG ") == f"n°{NBSP}6057-SG"
    assert numero(2014) == f"n°{NBSP}2014"
    assert numero("DM2019 06 27 001") == f"n°{NBSP}DM2019 06 27 001"


@pytest.mark.parametrize("value", ["", "  ", None, True, 2014.0])
def test_it_refuses_an_empty_or_odd_number_of_text(value):
    with pytest.raises(FormatError):
        numero(value)


def test_it_joins_a_list_with_commas_and_a_final_conjunction():
    assert liste(["Chenôve"]) == "Chenôve"
    assert liste(["Chenôve", "Dijon"]) == "Chenôve et Dijon"
    assert liste(["l’État", "Dijon Métropole", "les communes"]) == (
        "l’État, Dijon Métropole et les communes"
    )
    assert liste(("a", "b", "c"), conjonction="ou") == "a, b ou c"
    assert liste(iter([1, 2])) == "1 et 2"


@pytest.mark.parametrize("value", [[], "abc"])
def test_it_refuses_an_empty_list_or_a_string_as_a_list(value):
    with pytest.raises(FormatError):
        liste(value)


@pytest.mark.parametrize(("text", "expected"), [
    ("état", "État"),
    ("à ce titre", "À ce titre"),
    ("œuvre", "Œuvre"),
    ("Déjà", "Déjà"),
    ("« être »", "« Être »"),
    ("", ""),
    ("123", "123"),
])
def test_it_capitalises_the_first_letter_keeping_its_accent(text, expected):
    assert capitalise(text) == expected


# --- FILTERS ---------------------------------------------------------------------------

def test_filters_name_every_formatter_in_french():
    assert FILTERS == {
        "de": de,
        "la": la,
        "montant": montant,
        "montant_en_lettres": montant_en_lettres,
        "nombre": nombre,
        "annee": annee,
        "en_lettres": en_lettres,
        "date": date_fr,
        "mois_annee": mois_annee,
        "periode_mois": periode_mois,
        "periode_jours": periode_jours,
        "ordinal": ordinal,
        "numero": numero,
        "liste": liste,
        "capitalise": capitalise,
    }


def test_filters_work_in_a_jinja_template():
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    template = env.from_string(
        "{{ n|en_lettres(majuscule=True) }} postes, {{ m|montant }} "
        "({{ m|montant_en_lettres }}), {{ d|date }}, {{ d|periode_mois(f) }}, "
        "{{ [a, b]|liste }}, {{ num|numero }}."
    )
    text = template.render(
        n=2, m=468000, d=date(2023, 1, 1), f=date(2023, 12, 31), a="Chenôve", b="Dijon",
        num="2014-173",
    )
    assert text == (
        f"Deux postes, 468{NNBSP}000{NBSP}€ (quatre cent soixante-huit mille euros), "
        f"1er janvier 2023, de janvier 2023 à décembre 2023, Chenôve et Dijon, n°{NBSP}2014-173."
    )


def test_every_filter_and_public_name_is_exported():
    assert {function.__name__ for function in FILTERS.values()} <= set(french.__all__)
    for name in french.__all__:
        assert hasattr(french, name)


@pytest.mark.parametrize(("name", "with_de", "with_la"), [
    ("Dijon Métropole", "de Dijon Métropole", "la Dijon Métropole"),
    ("Aurelle Métropole", "d’Aurelle Métropole", "l’Aurelle Métropole"),
    ("Association Horizon", "d’Association Horizon", "l’Association Horizon"),
    ("Hôtel de ville", "d’Hôtel de ville", "l’Hôtel de ville"),
])
def test_it_elides_de_and_la_before_a_vowel_or_a_mute_h(name, with_de, with_la):
    assert de(name) == with_de
    assert la(name) == with_la


# --- What no filter can write -----------------------------------------------------------

@pytest.mark.parametrize("value", [10**15 + 1, 10**28, 10**40, 1e300, Decimal("1e30"),
                                   Decimal("1000000000000000.01")])
@pytest.mark.parametrize("formatter", [french.montant, french.montant_en_lettres])
def test_an_amount_beyond_what_the_text_can_say_is_a_french_format_error(formatter, value):
    with pytest.raises(FormatError, match="montant trop grand pour être écrit"):
        formatter(value)


@pytest.mark.parametrize("value", [10**15 + 1, -(10**28), 10**40])
@pytest.mark.parametrize("formatter", [french.nombre, french.en_lettres])
def test_a_number_beyond_what_the_text_can_say_is_a_french_format_error(formatter, value):
    with pytest.raises(FormatError, match="trop grand pour être écrit"):
        formatter(value)


def test_the_largest_amount_written_is_still_written_whole():
    assert montant(10**15) == "1\u202f000\u202f000\u202f000\u202f000\u202f000\xa0€"
