"""Every value of a set in the document's words: one French label per field, in one place.

Kernel fields have their labels here; a kit's fields take their ``libelle`` (and a table's
items their ``libelle_element``, a short Jinja text that sees ``cle``). ``check`` messages, the
change reports of ``diff`` and (later) forms all read them from :func:`labelled_values`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .expressions import render_text
from .kit import Field

if TYPE_CHECKING:
    from .sets import VariableSet

KERNEL_LABELS = {
    "avenant.numero": "numéro de l’avenant",
    "avenant.rang": "rang de l’avenant",
    "avenant.annee": "année",
    "avenant.periode.debut": "début de la période",
    "avenant.periode.fin": "fin de la période",
    "avenant.date_signature": "date de signature",
    "avenant.lieu_signature": "lieu de signature",
    "avenant.statut": "statut de l’avenant (projet ou final)",
    "avenant.nombre_de_mois": "durée en mois",
    "convention.intitule": "intitulé de la convention",
    "convention.date_signature": "date de signature de la convention",
}
_PARTY_FIELDS = {"id": "identifiant", "designation": "désignation", "genre": "genre",
                 "signataire": "signataire", "fonction": "fonction", "ressort": "ressort",
                 "ressort_parties": "ressort dans « Entre : »",
                 "ressort_comite": "ressort au comité"}
_PERSON_FIELDS = {"civilite": "", "prenom": "prénom du ", "nom": "nom du "}


def _lower_first(text: str) -> str:
    from ..text.filters import article_minuscule

    return article_minuscule(text)


def _kernel(variables: VariableSet, out: dict[str, tuple[str, str]]) -> None:
    from ..french import liste

    k = variables.kernel
    for path, label in KERNEL_LABELS.items():
        kind = "date" if "date" in path or path.startswith("avenant.periode") else "texte"
        out[path] = (label, kind)
    for i, earlier in enumerate(k.avenants_precedents, start=1):
        out[f"avenants_precedents[{i}].numero"] = ("avenant précédent cité", "texte")
        out[f"avenants_precedents[{i}].date_signature"] = (
            f"date de signature de l’avenant n° {earlier.numero}", "date")
        out[f"avenants_precedents[{i}].intitule"] = (
            f"intitulé de l’avenant n° {earlier.numero}", "texte")
    for i in range(1, len(k.visas) + 1):
        out[f"visas[{i}]"] = (f"visa n° {i}", "texte")
    for ident in k.signataires:
        names = [_lower_first(p.designation) for p in k.parties if p.signataire == ident]
        who = f"signataire pour {liste(names)}" if names else f"signataire « {ident} »"
        for key, prefix in _PERSON_FIELDS.items():
            out[f"signataires.{ident}.{key}"] = (prefix + who, "texte")
    for i, partie in enumerate(k.parties, start=1):
        for key, label in _PARTY_FIELDS.items():
            out[f"parties[{i}].{key}"] = (f"{label} de {_lower_first(partie.designation)}",
                                          "texte")


def _walk(spec: Field, value: Any, path: str, suffix: str, context: dict[str, Any],
          out: dict[str, tuple[str, str]]) -> None:
    own = f"{spec.label} ({suffix})" if suffix else spec.label
    if spec.type == "section" and isinstance(value, dict):
        for name, sub in spec.fields.items():
            _walk(sub, value.get(name), f"{path}.{name}", suffix, context, out)
    elif spec.type == "table" and isinstance(value, dict) and spec.element is not None:
        for key, item in value.items():
            if spec.item_label:
                label = render_text(spec.item_label, {**context, "cle": key})
            else:
                label = f"{spec.label} ({key})"
            if spec.element.type in ("section", "liste", "table"):
                _walk(spec.element, item, f"{path}.{key}", label, context, out)
            else:
                out[f"{path}.{key}"] = (label, spec.element.type)
    elif spec.type == "liste" and isinstance(value, list) and spec.element is not None:
        for i, item in enumerate(value, start=1):
            if spec.element.type in ("section", "liste", "table"):
                _walk(spec.element, item, f"{path}[{i}]", f"{own} n° {i}", context, out)
            else:
                out[f"{path}[{i}]"] = (f"{spec.element.label} n° {i}" +
                                       (f" ({suffix})" if suffix else ""), spec.element.type)
    else:
        out[path] = (own, spec.type)


def labels(variables: VariableSet) -> dict[str, tuple[str, str]]:
    """Field path (``financement.etat``, ``visas[3]``) → (French label, type)."""
    out: dict[str, tuple[str, str]] = {}
    _kernel(variables, out)
    context = variables.context()
    for name, spec in variables.kit.fields.items():
        _walk(spec, variables.values.get(name), name, "", context, out)
    for name, calcul in variables.kit.calculs.items():
        out[name] = (calcul.label, "calcul")
    return out


def shown(value: Any, kind: str) -> str:
    """A value as the document writes it."""
    from ..french import date_fr, montant

    if value is None:
        return "(vide)"
    if kind == "montant" and isinstance(value, int | Decimal) and value > 0:
        return montant(value)
    if isinstance(value, dt.date):
        return date_fr(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Every scalar of VALUE under its path (lists counted from 1, as a reader counts)."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flatten(item, f"{path}[{index + 1}]", out)
    else:
        out[path] = value


def labelled_values(variables: VariableSet) -> dict[str, tuple[str, str, Any]]:
    """Path → (label, type, value) of every value of the set, derived ones a reader sees too."""
    values: dict[str, Any] = {}
    flatten(variables.as_dict(), "", values)
    context = variables.context()
    values["avenant.numero"] = context["avenant"]["numero"]
    values["avenant.nombre_de_mois"] = context["avenant"]["nombre_de_mois"]
    for name in variables.kit.calculs:
        if isinstance(context.get(name), str | int | Decimal | dt.date) and \
                not isinstance(context.get(name), bool):
            values[name] = context[name]
    known = labels(variables)
    return {path: (*known.get(path, (re.sub(r"_", " ", path), "texte")), value)
            for path, value in values.items()}
