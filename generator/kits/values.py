"""Validating the kit's own fields of a variable set: types, bounds, choices, every error placed.

The values come out normalised: a choice in the kit's own spelling (``eventuel`` and
``éventuel`` both read as the kit writes it), an optional field absent as its default (or
``None``, an empty list or table), an amount with cents as an exact ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from ..loader import Loc
from .kit import IDENT, MAX_TEXT, Field, is_date

Found = list[tuple[Loc, str]]


def _shown(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    if isinstance(value, dt.date):
        return f" (valeur : {value.isoformat()})"
    return f" (valeur : {value!r})"


def plain_letters(text: str) -> str:
    """TEXT without accents, in lower case: how two spellings of a choice are compared."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def empty(spec: Field) -> Any:
    """The value of an absent optional field."""
    if spec.default is not None:
        return spec.default
    return {"liste": [], "table": {}}.get(spec.type)


def _bounded(value: Any, spec: Field, loc: Loc, found: Found) -> None:
    if spec.min is not None and value < spec.min:
        words = "strictement supérieur à 0" if spec.min == 1 else f"supérieur ou égal à {spec.min}"
        found.append((loc, f"doit être {words}{_shown(value)}"))
    elif spec.max is not None and value > spec.max:
        found.append((loc, f"doit être inférieur ou égal à {spec.max}{_shown(value)} "
                      "(borne du kit)"))


def _amount(value: Any, spec: Field, loc: Loc, found: Found) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        found.append((loc, "montant attendu (en euros, sans espace ni €)" + _shown(value)))
        return value
    if isinstance(value, float):
        exact = Decimal(str(value))
        if not spec.cents and exact != exact.to_integral_value():
            found.append((loc, "montant en euros entiers attendu (ce kit n’admet pas de "
                          "centimes)" + _shown(value)))
            return value
        if exact.as_tuple().exponent < -2:  # type: ignore[operator]
            found.append((loc, "au plus deux décimales (centimes)" + _shown(value)))
            return value
        value = int(exact) if exact == exact.to_integral_value() else exact
    _bounded(value, spec, loc, found)
    return value


def _scalar(value: Any, spec: Field, loc: Loc, found: Found) -> Any:
    kind = spec.type
    if kind == "texte":
        if not isinstance(value, str):
            found.append((loc, "texte attendu" + _shown(value)))
        elif not value.strip():
            found.append((loc, "texte vide"))
        elif len(value) > MAX_TEXT:
            found.append((loc, f"texte trop long (plus de {MAX_TEXT} caractères)"))
        return value
    if kind == "entier":
        if isinstance(value, bool) or not isinstance(value, int):
            found.append((loc, "nombre entier attendu" + _shown(value)))
        else:
            _bounded(value, spec, loc, found)
        return value
    if kind == "montant":
        return _amount(value, spec, loc, found)
    if kind == "date":
        if isinstance(value, dt.datetime):
            found.append((loc, "date attendue, sans heure" + _shown(value)))
        elif not is_date(value):
            found.append((loc, "date attendue, au format AAAA-MM-JJ" + _shown(value)))
        return value
    if kind == "booleen":
        if not isinstance(value, bool):
            found.append((loc, "true ou false attendu" + _shown(value)))
        return value
    # choix
    if isinstance(value, str):
        for choice in spec.choices:
            if plain_letters(choice) == plain_letters(value):
                return choice
    choices = " ou ".join(repr(c) for c in spec.choices)
    found.append((loc, f"valeur attendue : {choices}{_shown(value)}"))
    return value


def _count(items: Any, spec: Field, loc: Loc, found: Found) -> None:
    n = len(items)
    if spec.min is not None and n < spec.min:
        found.append((loc, f"au moins {spec.min} élément(s) attendu(s), {n} saisi(s)"))
    if spec.max is not None and n > spec.max:
        found.append((loc, f"au plus {spec.max} élément(s), {n} saisi(s) (borne du kit)"))


def check_value(value: Any, spec: Field, loc: Loc, found: Found) -> Any:
    """VALUE checked against SPEC; every problem appended to FOUND; the normalised value."""
    if value is None:
        if spec.required:
            found.append((loc, f"valeur obligatoire (le champ est vide) : {spec.label}"))
        return empty(spec)
    if spec.type == "section":
        if not isinstance(value, dict):
            found.append((loc, "section attendue (clé: valeur)" + _shown(value)))
            return value
        return check_fields(value, spec.fields, loc, found)
    if spec.type == "liste":
        if not isinstance(value, list):
            found.append((loc, "liste attendue" + _shown(value)))
            return value
        _count(value, spec, loc, found)
        assert spec.element is not None
        return [check_value(item, spec.element, (*loc, i), found) for i, item in enumerate(value)]
    if spec.type == "table":
        if not isinstance(value, dict):
            found.append((loc, "table attendue (identifiant: valeur)" + _shown(value)))
            return value
        _count(value, spec, loc, found)
        assert spec.element is not None
        out = {}
        for key, item in value.items():
            if not IDENT.match(str(key)):
                found.append(((*loc, str(key)), "clé invalide : identifiant attendu : "
                              "minuscules sans accent, chiffres et « - »" + _shown(key)))
                continue
            out[str(key)] = check_value(item, spec.element, (*loc, str(key)), found)
        return out
    return _scalar(value, spec, loc, found)


def check_fields(data: dict[str, Any], fields: dict[str, Field], loc: Loc,
                 found: Found) -> dict[str, Any]:
    """A section's (or the set's) fields checked; unknown keys reported."""
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in data:
            if spec.required and spec.default is None:
                found.append(((*loc, name), f"champ obligatoire manquant ({spec.label})"))
            out[name] = empty(spec)
            continue
        out[name] = check_value(data[name], spec, (*loc, name), found)
    for key in data:
        if key not in fields:
            found.append(((*loc, str(key)), "clé inconnue (faute de frappe ?)"))
    return out
