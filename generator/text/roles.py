"""Titles that agree with the person: « Monsieur le Préfet », « Madame la Préfète ».

>>> titre("prefet", "Madame")
'Préfète'
>>> avec_civilite("prefet", "Madame")
'Madame la Préfète'
>>> complement("directeur", "Madame")
'de la directrice'
>>> complement("maire", "Monsieur")
'du maire'
>>> sujet("president", "Monsieur")
'Le Président'
"""

from __future__ import annotations

from typing import Literal

Civilite = Literal["Monsieur", "Madame"]

# fonction → (masculine, feminine), as written inside a sentence.
FONCTIONS: dict[str, tuple[str, str]] = {
    "prefet": ("préfet", "préfète"),
    "president": ("président", "présidente"),
    "maire": ("maire", "maire"),
    "directeur": ("directeur", "directrice"),
}

_VOWELS = "aâàeéèêëiîïoôuûùyhAÂÀEÉÈÊËIÎÏOÔUÛÙYH"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def titre(fonction: str, civilite: str, *, majuscule: bool = True) -> str:
    """The office's name, agreeing with the civilité (« Préfet », « Préfète »)."""
    masculin, feminin = FONCTIONS[fonction]
    word = feminin if civilite == "Madame" else masculin
    return _capital(word) if majuscule else word


def _article(word: str, civilite: str) -> str:
    if word[:1] in _VOWELS:
        return "l’"
    return "la " if civilite == "Madame" else "le "


def avec_civilite(fonction: str, civilite: str) -> str:
    """« Monsieur le Préfet », « Madame la Présidente », « Madame la Maire »."""
    word = titre(fonction, civilite)
    return f"{civilite} {_article(word, civilite)}{word}"


def sujet(fonction: str, civilite: str) -> str:
    """The title as it opens a signature block: « Le Préfet », « La Maire »."""
    word = titre(fonction, civilite)
    return _capital(_article(word, civilite)) + word


def complement(fonction: str, civilite: str) -> str:
    """The title after « de »: « du préfet », « de la directrice », « de l’… »."""
    word = titre(fonction, civilite, majuscule=False)
    article = _article(word, civilite)
    if article == "le ":
        return f"du {word}"
    return f"de {article}{word}"
