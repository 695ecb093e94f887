r"""French formatting of values: amounts, numbers, dates, ordinals, lists.

Pure, typed functions registered as Jinja filters (see ``FILTERS``). Each one writes a value the
way French administrative texts do (Guide de légistique, Imprimerie nationale): U+202F between
digit groups, U+00A0 before ``€`` and after ``n°``, "1er" for the first day of a month, numbers
in words in the traditional spelling. A value that cannot be written as asked (a negative
amount, an amount with fractions of a cent, a period that ends before it starts) raises
``FormatError``: nothing is rounded or guessed silently.

Babel and num2words have traps for French (see ``shared/FRENCH.md``): amounts use an explicit
pattern with ``\xa0`` and ``currency_digits=False``; years never go through ``format_decimal``;
words come from num2words' cardinals only (its ``to='currency'`` and ``ordinal_num`` are wrong
for French).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

from generator.errors import FormatError

__all__ = [
    "FILTERS", "annee", "capitalise", "date_fr", "de", "la", "en_lettres", "liste", "mois_annee",
    "montant", "montant_en_lettres", "nombre", "nombre_de_mois", "numero", "ordinal",
    "periode_jours",
    "periode_mois",
]

_LOCALE = "fr_FR"
_PATTERN_EUROS = "#,##0\xa0¤"
_PATTERN_CENTS = "#,##0.00\xa0¤"
_APOSTROPHE = "\u2019"
MAX_WRITTEN = 10**15
"""The largest number the filters write (Babel and num2words fail or mislead beyond)."""
_MAX_SHOWN = f"{MAX_WRITTEN:,}".replace(",", "\u202f")
# Words after which "euros" takes "d’": "un million d’euros", but "un million cent euros".
_NOUNS_OF_NUMBER = ("million", "millions", "milliard", "milliards", "billion", "billions")


def _amount(value: object) -> Decimal:
    """Return ``value`` as an exact, positive Decimal with at most two decimals, or raise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FormatError(f"montant non numérique : {value!r}", value=value)
    if isinstance(value, float):
        # str() is the shortest repr that round-trips: 1234.5 → '1234.5', but
        # 0.1 + 0.2 → '0.30000000000000004', which is refused below.
        exact = Decimal(str(value))
    else:
        exact = Decimal(value)
    if not exact.is_finite():
        raise FormatError(f"montant non fini : {value}", value=value)
    if exact <= 0:
        raise FormatError(f"montant nul ou négatif : {value}", value=value)
    if exact > MAX_WRITTEN:
        raise FormatError(f"montant trop grand pour être écrit (au plus {_MAX_SHOWN}\xa0€) : "
                          f"{value}", value=value)
    exponent = exact.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise FormatError(f"montant à plus de deux décimales, non arrondi : {value}", value=value)
    return exact


def montant(value: int | float | Decimal) -> str:
    r"""Write an amount in euros: digits grouped by U+202F, U+00A0 before ``€``.

    Cents are shown only when there are some; an amount is never rounded.

    >>> montant(468000)
    '468\u202f000\xa0€'
    >>> montant(Decimal('1234.5'))
    '1\u202f234,50\xa0€'
    >>> montant(Decimal('468000.00'))
    '468\u202f000\xa0€'
    >>> montant(12.25)
    '12,25\xa0€'
    >>> montant(-5)
    Traceback (most recent call last):
    ...
    generator.errors.FormatError: montant nul ou négatif : -5
    >>> montant(Decimal('0.125'))
    Traceback (most recent call last):
    ...
    generator.errors.FormatError: montant à plus de deux décimales, non arrondi : 0.125
    """
    exact = _amount(value)
    pattern = _PATTERN_EUROS if exact == exact.to_integral_value() else _PATTERN_CENTS
    return format_currency(exact, "EUR", format=pattern, currency_digits=False, locale=_LOCALE)


def montant_en_lettres(value: int | float | Decimal) -> str:
    """Write an amount in euros in words, cents included ("… euros et cinquante centimes").

    >>> montant_en_lettres(468000)
    'quatre cent soixante-huit mille euros'
    >>> montant_en_lettres(1000000)
    'un million d’euros'
    >>> montant_en_lettres(2000000)
    'deux millions d’euros'
    >>> montant_en_lettres(1)
    'un euro'
    >>> montant_en_lettres(Decimal('80.50'))
    'quatre-vingts euros et cinquante centimes'
    >>> montant_en_lettres(Decimal('0.01'))
    'un centime'
    """
    exact = _amount(value)
    euros = int(exact)
    cents = int((exact - euros) * 100)
    parts = []
    if euros == 1:
        parts.append("un euro")
    elif euros > 1:
        words = num2words(euros, lang="fr")
        unit = f"d{_APOSTROPHE}euros" if words.endswith(_NOUNS_OF_NUMBER) else "euros"
        parts.append(f"{words} {unit}")
    if cents:
        parts.append(f"{num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}")
    return " et ".join(parts)


def _integer(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise FormatError(f"{what} non entier : {n!r}", value=n)
    if abs(n) > MAX_WRITTEN:
        raise FormatError(f"{what} trop grand pour être écrit (au plus {_MAX_SHOWN}) : {n}",
                          value=n)
    return n


def nombre(n: int) -> str:
    r"""Write a number with its digits grouped by U+202F (not for years or numbers of texts).

    >>> nombre(1000)
    '1\u202f000'
    >>> nombre(21)
    '21'
    """
    return format_decimal(_integer(n, "nombre"), locale=_LOCALE)


def annee(n: int | date) -> str:
    """Write a year, never grouped; a date gives its year.

    >>> annee(2014)
    '2014'
    >>> annee(date(2023, 1, 1))
    '2023'
    """
    year = n.year if isinstance(n, date) else _integer(n, "année")
    if year <= 0:
        raise FormatError(f"année invalide : {year}", value=n)
    return str(year)


def en_lettres(n: int, majuscule: bool = False, feminin: bool = False) -> str:
    """Write a whole number in words (traditional spelling), e.g. at the start of a sentence.

    >>> en_lettres(2)
    'deux'
    >>> en_lettres(2, majuscule=True)
    'Deux'
    >>> en_lettres(80), en_lettres(200), en_lettres(21)
    ('quatre-vingts', 'deux cents', 'vingt et un')
    >>> en_lettres(1, feminin=True), en_lettres(81, feminin=True)
    ('une', 'quatre-vingt-une')
    >>> en_lettres(-1)
    Traceback (most recent call last):
    ...
    generator.errors.FormatError: nombre négatif : -1
    """
    if _integer(n, "nombre") < 0:
        raise FormatError(f"nombre négatif : {n}", value=n)
    words: str = num2words(n, lang="fr")
    if feminin:
        # Only a final "un" agrees: "vingt et une", but "vingt et un mille".
        words = re.sub(r"\bun$", "une", words)
    return capitalise(words) if majuscule else words


def _date(d: object, what: str = "date") -> date:
    if not isinstance(d, date):
        raise FormatError(f"{what} invalide : {d!r}", value=d)
    return d


def date_fr(d: date) -> str:
    """Write a date in full, with "1er" for the first day of a month.

    >>> date_fr(date(2021, 12, 1))
    '1er décembre 2021'
    >>> date_fr(date(2022, 1, 3))
    '3 janvier 2022'
    """
    d = _date(d)
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {format_date(d, 'MMMM y', locale=_LOCALE)}"


def mois_annee(d: date) -> str:
    """Write the month and year of a date.

    >>> mois_annee(date(2023, 1, 15))
    'janvier 2023'
    """
    return format_date(_date(d), "MMMM y", locale=_LOCALE)


def _period(debut: object, fin: object) -> tuple[date, date]:
    start, end = _date(debut, "début de période"), _date(fin, "fin de période")
    if end < start:
        raise FormatError(
            f"période qui finit avant de commencer : du {date_fr(start)} au {date_fr(end)}",
            value=(debut, fin),
        )
    return start, end


def periode_mois(debut: date, fin: date) -> str:
    """Write a period by months: "de janvier 2023 à décembre 2023".

    >>> periode_mois(date(2023, 1, 1), date(2023, 12, 31))
    'de janvier 2023 à décembre 2023'
    >>> periode_mois(date(2023, 4, 1), date(2024, 3, 31))
    'd’avril 2023 à mars 2024'
    """
    start, end = _period(debut, fin)
    return f"{de(mois_annee(start))} à {mois_annee(end)}"


def periode_jours(debut: date, fin: date) -> str:
    """Write a period by days: "du 1er janvier 2023 au 31 décembre 2023".

    >>> periode_jours(date(2023, 1, 1), date(2023, 12, 31))
    'du 1er janvier 2023 au 31 décembre 2023'
    """
    start, end = _period(debut, fin)
    return f"du {date_fr(start)} au {date_fr(end)}"


def nombre_de_mois(debut: date, fin: date) -> int:
    """Count the calendar months a period touches, both ends included.

    >>> nombre_de_mois(date(2023, 1, 1), date(2023, 12, 31))
    12
    >>> nombre_de_mois(date(2023, 9, 1), date(2024, 8, 31))
    12
    """
    start, end = _period(debut, fin)
    return (end.year - start.year) * 12 + end.month - start.month + 1


def ordinal(n: int, feminin: bool = False) -> str:
    """Write an ordinal in figures: 1er, 1re, 2e (never num2words' "2me").

    >>> ordinal(1), ordinal(1, feminin=True), ordinal(2)
    ('1er', '1re', '2e')
    """
    if _integer(n, "ordinal") < 1:
        raise FormatError(f"ordinal invalide : {n}", value=n)
    if n == 1:
        return "1re" if feminin else "1er"
    return f"{n}e"


def numero(s: str | int) -> str:
    r"""Write the number of a text after "n°" and U+00A0; digits are never grouped.

    >>> numero('2014-173')
    'n°\xa02014-173'
    >>> numero(2014)
    'n°\xa02014'
    """
    if isinstance(s, bool) or not isinstance(s, str | int):
        raise FormatError(f"numéro invalide : {s!r}", value=s)
    text = str(s).strip()
    if not text:
        raise FormatError("numéro vide", value=s)
    return f"n°\xa0{text}"


def liste(items: Iterable[object], conjonction: str = "et") -> str:
    """Join items the French way: "a", "a et b", "a, b et c" (no comma before the conjunction).

    >>> liste(['Chenôve'])
    'Chenôve'
    >>> liste(['Chenôve', 'Dijon'])
    'Chenôve et Dijon'
    >>> liste(['a', 'b', 'c'], conjonction='ou')
    'a, b ou c'
    """
    if isinstance(items, str):
        raise FormatError(f"liste attendue, texte reçu : {items!r}", value=items)
    words = [str(item) for item in items]
    if not words:
        raise FormatError("liste vide", value=items)
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjonction} {words[-1]}"


def capitalise(s: str) -> str:
    """Put the first letter in upper case, accents kept ("état" → "État"); the rest is unchanged.

    >>> capitalise('état')
    'État'
    >>> capitalise('« à ce titre »')
    '« À ce titre »'
    """
    for i, char in enumerate(s):
        if char.isalpha():
            return s[:i] + char.upper() + s[i + 1:]
    return s


def _elided(article: str, words: str) -> str:
    """``article`` before ``words``, its vowel elided before a vowel or a mute h."""
    if words[:1].lower() in "aâàeéèêëiîïoôuûùyh":
        return f"{article[:-1]}{_APOSTROPHE}{words}"
    return f"{article} {words}"


def de(words: str) -> str:
    """Put "de" before a name, elided before a vowel.

    >>> de("Dijon Métropole")
    'de Dijon Métropole'
    >>> de("Aurelle Métropole")
    'd’Aurelle Métropole'
    """
    return _elided("de", words)


def la(words: str) -> str:
    """Put the feminine definite article before a name, elided before a vowel.

    >>> la("Association Horizon Prévention")
    'l’Association Horizon Prévention'
    >>> la("Fondation du Bief")
    'la Fondation du Bief'
    """
    return _elided("la", words)


FILTERS: dict[str, Callable[..., object]] = {
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
"""Jinja filters by French name: ``{{ montant_etat|montant }}``, ``{{ debut|date }}``."""
