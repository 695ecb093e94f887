"""The form of a variable set: which fields, of which kind, with which French label and help.

:func:`describe` builds it from the kernel (typed in Python) and the set's kit (its field
descriptors); the rest of the page (widgets, parsing what the browser sends, adding elements)
only reads the kit format's :class:`~generator.kits.kit.Field` trees. Field paths are written
as the checks write them (``visas[0]``, ``communes.dijon.nom``), so an error's field names its
input.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgspec

from ..errors import AvenantError
from ..kernel.model import Kernel
from ..kits.kit import Field, load_kit
from ..kits.labels import KERNEL_LABELS

Loc = tuple[str | int, ...]


# Help and labels of the kernel's fields (the kit's own fields carry theirs in kit.yaml).
_KERNEL_HELP = {
    "avenant.rang": "Le numéro de l’avenant est « rang-année » (1-2023).",
    "avenant.date_signature": "Vide : un blanc est laissé pour la date.",
    "avenant.statut": "projet : « PROJET » sur chaque page, la publication est refusée.",
    "convention.intitule": "L’intitulé exact de la convention signée, cité tel quel.",
    "visas": "Lois, décrets, circulaires, actes locaux ; la convention et les avenants "
             "précédents sont cités ensuite automatiquement.",
    "signataires": "Civilité : Monsieur ou Madame ; les titres s’accordent.",
    "parties": "Dans l’ordre du texte ; une même personne peut signer pour plusieurs parties.",
}
_KERNEL_NAMES = {
    "avenant": "avenant", "periode": "période", "convention": "convention",
    "avenants_precedents": "avenants précédents", "numero": "numéro",
    "date_signature": "date de signature", "intitule": "intitulé", "visas": "visas",
    "signataires": "signataires", "civilite": "civilité", "prenom": "prénom", "nom": "nom",
    "parties": "parties", "id": "identifiant", "designation": "désignation", "genre": "genre",
    "signataire": "signataire", "fonction": "fonction", "ressort": "ressort",
    "ressort_parties": "ressort dans « Entre : »", "ressort_comite": "ressort au comité",
}


def _plain_kind(kind: Any) -> tuple[Any, bool]:
    """The type without ``None`` (optional) and ``Annotated``, and whether it was optional."""
    optional = False
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        optional = type(None) in typing.get_args(kind)
        kind = args[0] if len(args) == 1 else kind
    while typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    return kind, optional


def _kernel_field(name: str, path: str, kind: Any, required: bool) -> Field:
    """A kernel field (typed in generator/kernel/model.py) described as a kit field."""
    kind, optional = _plain_kind(kind)
    label = KERNEL_LABELS.get(path) or _KERNEL_NAMES.get(name, name.replace("_", " "))
    common: dict[str, Any] = {"name": name, "label": label, "help": _KERNEL_HELP.get(path, ""),
              "required": required and not optional}
    origin = typing.get_origin(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        fields = {f.encode_name: _kernel_field(f.encode_name, f"{path}.{f.encode_name}"
                                               if path else f.encode_name, f.type, f.required)
                  for f in msgspec.structs.fields(kind)}
        return Field(type="section", fields=fields, **common)
    if origin in (list, dict):
        element = _kernel_field(name, f"{path}[]", typing.get_args(kind)[-1], True)
        return Field(type="liste" if origin is list else "table", element=element, **common)
    if origin is typing.Literal:
        return Field(type="choix", choices=tuple(str(c) for c in typing.get_args(kind)), **common)
    simple = {bool: "booleen", int: "entier", dt.date: "date"}.get(kind, "texte")
    return Field(type=simple, **common)


def describe(data: dict[str, Any], root: Path) -> Field:
    """The form of a variable set: the kernel's sections, then its kit's own fields.

    The set's own key order comes first; fields it lacks follow. An unknown or broken kit
    leaves the kernel alone (the kit's problem is reported by the checks).
    """
    fields = {f.encode_name: _kernel_field(f.encode_name, f.encode_name, f.type, f.required)
              for f in msgspec.structs.fields(Kernel)}
    name = data.get("kit") if isinstance(data, dict) else None
    if isinstance(name, str):
        try:
            fields.update(load_kit(root, name).fields)
        except AvenantError:
            pass
    ordered = {k: fields[k] for k in (data if isinstance(data, dict) else {}) if k in fields}
    ordered.update({k: f for k, f in fields.items() if k not in ordered})
    return Field(name="", type="section", label="", fields=ordered)


_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(path: str) -> Loc:
    """``parties[1].nom`` → ``("parties", 1, "nom")``.

    >>> parse_path("communes.dijon.nom"), parse_path("visas[0]")
    (('communes', 'dijon', 'nom'), ('visas', 0))
    """
    return tuple(int(index) if index else key for index, key in _STEP.findall(path))


def dotted(loc: Loc) -> str:
    """``("parties", 1, "nom")`` → ``parties[1].nom`` (as the checks name fields)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_at(root: Field, loc: Loc) -> Field | None:
    """The description of the field at ``loc``, or None."""
    current: Field | None = root
    for part in loc:
        if current is None:
            return None
        current = current.element if current.type in ("liste", "table") else (
            current.fields.get(str(part)))
    return current


_SPACES = re.compile(r"[\s\u202f\xa0€]")


def to_value(kind: Field, text: str, old: Any) -> Any:
    """What the browser sent, as the YAML value; unchanged text gives back ``old`` itself.

    A value that does not parse stays text, so that validation names the problem.

    >>> to_value(Field("etat", "montant", ""), "470 000 €", 468000)
    470000
    >>> to_value(Field("fin", "date", ""), "2023-02-30", None)
    '2023-02-30'
    """
    if text == display(old):
        return old
    if text.strip() == "":
        return "" if kind.type == "texte" and kind.required else None
    if kind.type in ("entier", "montant"):
        try:
            number = Decimal(_SPACES.sub("", text).replace(",", "."))
        except InvalidOperation:
            return text
        if number == number.to_integral_value():
            return int(number)
        # Cents: the kit says whether it takes them; the check says so when it does not.
        return float(number) if kind.type == "montant" else text
    if kind.type == "date":
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            return text
    if kind.type == "booleen":
        return {"true": True, "false": False}.get(text, text)
    return text


def display(value: Any) -> str:
    """A YAML value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def new_element(kind: Field, siblings: list[Any]) -> Any:
    """A new element for a list or table: a copy of the last one, or an empty value."""
    if siblings:
        last = siblings[-1]
        # A copy, never the same object: the YAML writer would make it an alias (&id001).
        return "" if kind.type == "texte" else copy.deepcopy(last)
    if kind.type == "section":
        return {k: new_element(f, []) for k, f in kind.fields.items() if f.required}
    if kind.type in ("liste", "table"):
        return [] if kind.type == "liste" else {}
    return {"entier": 0, "montant": 0, "booleen": False, "date": None}.get(
        kind.type, kind.choices[0] if kind.choices else "")
