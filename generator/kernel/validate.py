"""The kernel's sections of a set validated by msgspec, every error in French at its field."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Any

import msgspec

from ..loader import Loc
from .model import Kernel

_TYPE_NAMES = {
    "int": "nombre entier attendu",
    "str": "texte attendu",
    "bool": "true ou false attendu",
    "date": "date attendue, au format AAAA-MM-JJ",
    "array": "liste attendue",
    "object": "section attendue (clé: valeur)",
    "null": "doit être vide",
    "float": "nombre attendu",
}

_PATTERNS = {
    r"^[a-z0-9][a-z0-9-]*$": "identifiant attendu : minuscules sans accent, chiffres et « - »",
    r"^\d+-\d{4}$": "numéro attendu sous la forme rang-année (par exemple 1-2023)",
    r"\S": "texte vide",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$": "nom de fichier .docx attendu (sans chemin)",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return ""
    if isinstance(value, dt.date):
        shown = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
        return f" (valeur : {shown})"
    return f" (valeur : {value!r})"


def _french(message: str, value: Any, expected: tuple[Any, ...] = ()) -> str:
    """A French message for one of msgspec's validation messages about ``value``."""
    message = message.split(" - at `")[0]
    shown = _shown(value)
    found = re.match(r"Expected `\w+` (>=|>|<=|<) (\S+)", message)
    if found and found.group(1) == ">=" and found.group(2) == "1":
        return f"doit être strictement supérieur à 0{shown}"
    if found:
        words = {">=": "supérieur ou égal à", ">": "strictement supérieur à",
                 "<=": "inférieur ou égal à", "<": "strictement inférieur à"}[found.group(1)]
        return f"doit être {words} {found.group(2)}{shown}"
    found = re.match(r"Expected `str` matching regex '(.*)'$", message)
    if found:
        return _PATTERNS.get(found.group(1), "forme invalide") + shown
    if message.startswith("Invalid enum value"):
        choices = " ou ".join(repr(choice) for choice in expected)
        return f"valeur attendue : {choices}{shown}"
    if message.startswith("Invalid RFC3339"):
        return _TYPE_NAMES["date"] + shown
    found = re.match(r"Expected `([\w]+)[^`]*`, got `(\w+)`", message)
    if found:
        if found.group(1) == "date" and found.group(2) == "datetime":
            return "date attendue, sans heure" + shown
        return _TYPE_NAMES.get(found.group(1), "valeur invalide") + shown
    return f"valeur invalide{shown}"




def _literal_choices(kind: Any) -> tuple[Any, ...]:
    for arg in (kind, *typing.get_args(kind)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


def _collect(value: Any, kind: Any, loc: Loc, out: list[tuple[Loc, str]]) -> None:
    """Every validation error of ``value`` against ``kind``, each at its own field.

    msgspec stops at the first error; walking the type section by section finds them all.
    """
    origin = typing.get_origin(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        if not isinstance(value, dict):
            out.append((loc, _TYPE_NAMES["object"] + _shown(value)))
            return
        fields = msgspec.structs.fields(kind)
        names = {f.encode_name for f in fields}
        for item in fields:
            if item.encode_name not in value:
                if item.required:
                    out.append(((*loc, item.encode_name), "champ obligatoire manquant"))
                continue
            _collect(value[item.encode_name], item.type, (*loc, item.encode_name), out)
        for key in value:
            if key not in names:
                out.append(((*loc, str(key)), "clé inconnue (faute de frappe ?)"))
        return
    if origin is list and isinstance(value, list):
        (item_kind,) = typing.get_args(kind)
        for index, item in enumerate(value):
            _collect(item, item_kind, (*loc, index), out)
        return
    if origin is dict and isinstance(value, dict):
        key_kind, item_kind = typing.get_args(kind)
        for key, item in value.items():
            try:
                msgspec.convert(key, key_kind, strict=True)
            except msgspec.ValidationError as exc:
                out.append(((*loc, str(key)), f"clé invalide : {_french(str(exc), key)}"))
                continue
            _collect(item, item_kind, (*loc, str(key)), out)
        return
    if origin in (typing.Union, types.UnionType) and value is not None:
        structs = [a for a in typing.get_args(kind)
                   if isinstance(a, type) and issubclass(a, msgspec.Struct)]
        if structs:
            _collect(value, structs[0], loc, out)
            return
    try:
        msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as exc:
        out.append((loc, _french(str(exc), value, _literal_choices(kind))))



def validate_kernel(data: dict[str, Any]) -> tuple[Kernel | None, list[tuple[Loc, str]]]:
    """The kernel's sections of DATA (other keys ignored), typed, or every error found."""
    from .model import KERNEL_KEYS

    part = {k: v for k, v in data.items() if k in KERNEL_KEYS}
    _plain_choices(part)
    try:
        return msgspec.convert(part, Kernel, strict=True), []
    except msgspec.ValidationError as exc:
        found: list[tuple[Loc, str]] = []
        _collect(part, Kernel, (), found)
        if not found:  # msgspec saw something the walk did not: say it as msgspec did
            found.append(((), _french(str(exc), None)))
        return None, found


_PARTY_CHOICES = {"genre": ("masculin", "feminin"),
                  "fonction": ("prefet", "president", "maire", "directeur")}


def _plain_choices(part: dict[str, Any]) -> None:
    """Accented spellings of the kernel's choices read as their plain form (« féminin »)."""
    from ..kits.values import plain_letters

    parties = part.get("parties")
    if not isinstance(parties, list):
        return
    for index, partie in enumerate(parties):
        if not isinstance(partie, dict):
            continue
        fixed = dict(partie)
        for key, choices in _PARTY_CHOICES.items():
            value = fixed.get(key)
            if isinstance(value, str) and plain_letters(value) in choices:
                fixed[key] = plain_letters(value)
        parties[index] = fixed
