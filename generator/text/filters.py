"""Generic French filters for templates and kits: agreement, lists, articles, numbering.

>>> latin(2), latin(3), latin(10)
('bis', 'ter', 'decies')
>>> accorde(1, "la commune", "les communes"), accorde(3, "la commune", "les communes")
('la commune', 'les communes')
>>> article_minuscule("Les Grésilles"), article_minuscule("Planoise"), article_minuscule("L’Isle")
('les Grésilles', 'Planoise', 'l’Isle')
>>> ordinal_lettres(1), ordinal_lettres(2, feminin=True), ordinal_lettres(3)
('premier', 'deuxième', 'troisième')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import roles
from ..errors import FormatError

# Latin adverbs that number inserted articles: « Article 8 bis », « 8 ter »…
_LATIN = ["", "", "bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "nonies",
          "decies"]
_ORDINALS = ["premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième", "septième",
             "huitième", "neuvième", "dixième"]
_ARTICLES = ("Le ", "La ", "Les ", "L’", "L'")


def latin(n: int) -> str:
    """The Latin adverb of an inserted article: 2 → « bis », 3 → « ter », up to 10 « decies »."""
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n < len(_LATIN):
        raise FormatError(f"pas d’adverbe latin pour {n!r} (de 2, bis, à 10, decies)", value=n)
    return _LATIN[n]


def accorde(n: int, singulier: str, pluriel: str) -> str:
    """The singular for 0 or 1 (French usage), the plural from 2 on."""
    return singulier if abs(n) < 2 else pluriel


def article_minuscule(nom: str) -> str:
    """A name inside a sentence: its leading article in lower case, the name itself untouched."""
    for article in _ARTICLES:
        if nom.startswith(article):
            return article.lower() + nom[len(article):]
    return nom


def ordinal_lettres(n: int, feminin: bool = False) -> str:
    """An ordinal in words: premier (première), deuxième… up to dixième."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(_ORDINALS):
        raise FormatError(f"pas d’ordinal en lettres pour {n!r} (de 1 à 10)", value=n)
    return "première" if n == 1 and feminin else _ORDINALS[n - 1]


def separateur(loop: Any, conjonction: str = "et") -> str:
    """What follows an item of a Jinja loop in a French list: « , », « et », or nothing."""
    if loop.last:
        return ""
    return f" {conjonction} " if loop.revindex == 2 else ", "


def _complement(fonction: str, civilite: str) -> str:
    return roles.complement(fonction, civilite)


FILTERS: dict[str, Callable[..., object]] = {
    "latin": latin,
    "accorde": accorde,
    "article_minuscule": article_minuscule,
    "ordinal_lettres": ordinal_lettres,
    "separateur": separateur,
    "titre": roles.titre,
    "avec_civilite": roles.avec_civilite,
    "sujet": roles.sujet,
    "complement": _complement,
}
