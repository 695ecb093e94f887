"""The form of a variable set: which fields, of which kind, with which French label and help.

:func:`describe` is the one place that knows where the field descriptions come from; the rest
of the page (widgets, parsing what the browser sends, adding elements) only reads
:class:`Field` trees. Field paths are written as the checks write them (``visas[0]``,
``communes.dijon.nom``), so an error's field names its input.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from ..diffing import _AMOUNTS, _label
from ..model import VariableSet

Loc = tuple[str | int, ...]
KINDS = ("texte", "entier", "montant", "date", "booleen", "choix", "liste", "table", "section")


@dataclass
class Field:
    """One field of the form, as the kit format describes it (see KIT-SPEC)."""

    name: str
    type: str
    label: str
    help: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    element: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)


# Help shown under a field until the kit files carry their own `aide`.
_HELP = {
    "avenant.rang": "Le numéro de l’avenant est « rang-année » (1-2023).",
    "avenant.date_signature": "Vide : un blanc est laissé pour la date.",
    "convention.territoire_court": "Avec son article : « ciblé sur … ».",
    "financement.etat": "En euros, pour la période de l’avenant.",
    "visas": "Lois, décrets, circulaires, actes locaux ; la convention et les avenants "
             "précédents sont cités ensuite automatiquement.",
    "signataires": "Civilité : Monsieur ou Madame ; les titres s’accordent.",
}
_NAMES = {
    "rang": "rang", "annee": "année", "periode": "période", "debut": "début", "fin": "fin",
    "lieu_signature": "lieu de signature", "date_signature": "date de signature",
    "objet": "objet", "territoire": "territoire", "territoire_court": "territoire (court)",
    "avenants_precedents": "avenants précédents", "numero": "numéro", "visas": "visas",
    "communes": "communes", "nom": "nom", "quartier": "quartier", "adjectif": "adjectif",
    "engagement": "engagement", "dispositif_entre_guillemets": "dispositif entre guillemets",
    "effectifs": "effectifs", "educateurs": "éducateurs", "mediateurs": "médiateurs",
    "total": "total", "mediation": "médiation", "recrutement": "recrutement",
    "repartition": "répartition", "scolaires": "scolaires", "jeunesse": "jeunesse",
    "public_jeunesse": "public jeunesse", "partenaires": "partenaires", "missions": "missions",
    "arrivees_educateurs": "arrivées des éducateurs", "financement": "financement",
    "etat": "montant de l’État", "metropole": "métropole", "deliberation": "délibération",
    "association": "association", "signataires": "signataires", "civilite": "civilité",
    "prenom": "prénom", "parties": "parties", "id": "identifiant", "designation": "désignation",
    "genre": "genre", "signataire": "signataire", "fonction": "fonction", "ressort": "ressort",
    "ressort_parties": "ressort (liste des parties)", "ressort_comite": "ressort (comité)",
    "comite_pilotage": "comité de pilotage", "partie": "partie", "modele": "modèle Word",
    "convention": "convention", "avenant": "avenant",
}


def _plain_kind(kind: Any) -> tuple[Any, bool]:
    """The type without ``None`` (optional), and whether it was optional."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return (args[0] if len(args) == 1 else kind), type(None) in typing.get_args(kind)
    return kind, False


def _from_type(name: str, path: str, kind: Any, required: bool) -> Field:
    kind, optional = _plain_kind(kind)
    while typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    label = _label(path) if _label(path) != path else _NAMES.get(name, name.replace("_", " "))
    made = Field(name, "texte", label, _HELP.get(path, ""), required and not optional)
    origin = typing.get_origin(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        made.type = "section"
        for item in msgspec.structs.fields(kind):
            made.fields[item.encode_name] = _from_type(
                item.encode_name, f"{path}.{item.encode_name}" if path else item.encode_name,
                item.type, item.required)
    elif origin is list:
        made.type = "liste"
        made.element = _from_type(name, f"{path}[]", typing.get_args(kind)[0], True)
    elif origin is dict:
        made.type = "table"
        made.element = _from_type(name, f"{path}.*", typing.get_args(kind)[1], True)
    elif origin is typing.Literal:
        made.type, made.choices = "choix", tuple(str(c) for c in typing.get_args(kind))
    elif kind is bool:
        made.type = "booleen"
    elif kind is int:
        made.type = "montant" if path in _AMOUNTS else "entier"
    elif kind is dt.date:
        made.type = "date"
    return made


def describe(data: dict[str, Any]) -> Field:
    """The form of a variable set: a section whose fields follow the set's own key order.

    Until the kit engine lands this reads the typed model (generator/model.py); the form
    then comes from the kernel and the kit's field descriptors.
    """
    root = _from_type("", "", VariableSet, True)
    ordered = {k: root.fields[k] for k in data if k in root.fields}
    ordered.update({k: f for k, f in root.fields.items() if k not in ordered})
    root.fields = ordered
    return root


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
        return int(number) if number == number.to_integral_value() else text
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
