"""Every value of a set in the document's words: one French label per field, in one place.

Kernel fields have their labels here; a kit's fields take their ``libelle`` (and a table's
items their ``libelle_element``, a short Jinja text that sees ``cle``). ``check`` messages, the
change reports of ``diff`` and the web form all read them from :func:`labelled_values`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import shown_field
from .expressions import render_text
from .kit import Field, Kit

if TYPE_CHECKING:
    from ..errors import Problem
    from .sets import VariableSet

KERNEL_LABELS = {
    "avenant.numero": "numéro de l’avenant",
    "avenant.rang": "rang de l’avenant",
    "avenant.annee": "année",
    "avenant.periode.debut": "début de la période",
    "avenant.periode.fin": "fin de la période",
    "avenant.date_signature": "date de signature",
    "avenant.lieu_signature": "lieu de signature",
    "avenant.statut": "statut de l’avenant",
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


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def _kernel(data: dict[str, Any], out: dict[str, tuple[str, str]]) -> None:
    """The kernel's labels, read from plain data (a valid set's, or a file as typed)."""
    from ..text.french import liste

    for path, label in KERNEL_LABELS.items():
        kind = "date" if "date" in path or path.startswith("avenant.periode") else "texte"
        out[path] = (label, kind)
    out["avenant.periode"] = ("période de l’avenant", "section")
    for i, earlier in enumerate(_items(data, "avenants_precedents"), start=1):
        numero = earlier.get("numero") or f"cité en {i}e"
        out[f"avenants_precedents[{i}].numero"] = ("avenant précédent cité", "texte")
        out[f"avenants_precedents[{i}].date_signature"] = (
            f"date de signature de l’avenant n° {numero}", "date")
        out[f"avenants_precedents[{i}].intitule"] = (f"intitulé de l’avenant n° {numero}", "texte")
    visas = data.get("visas")
    for i in range(1, (len(visas) if isinstance(visas, list) else 0) + 1):
        out[f"visas[{i}]"] = (f"visa n° {i}", "texte")
    parties = _items(data, "parties")
    named = [(p.get("signataire"), p.get("designation")) for p in parties]
    signataires = data.get("signataires")
    for ident in signataires if isinstance(signataires, dict) else {}:
        names = [_lower_first(d) for s, d in named if s == ident and isinstance(d, str)]
        who = f"signataire pour {liste(names)}" if names else f"signataire « {ident} »"
        out[f"signataires.{ident}"] = (who, "section")
        for key, prefix in _PERSON_FIELDS.items():
            out[f"signataires.{ident}.{key}"] = (prefix + who, "texte")
    for i, partie in enumerate(parties, start=1):
        designation = partie.get("designation")
        who = _lower_first(designation) if isinstance(designation, str) else f"la partie n° {i}"
        out[f"parties[{i}]"] = (f"partie : {who}", "section")
        for key, label in _PARTY_FIELDS.items():
            out[f"parties[{i}].{key}"] = (f"{label} de {who}", "texte")


def _item_label(spec: Field, cle: Any, item: Any, context: dict[str, Any]) -> str | None:
    """The kit's ``libelle_element`` for one item (``cle``: key, or position from 1), if any."""
    if not spec.item_label:
        return None
    try:
        return render_text(spec.item_label, {**context, "cle": cle, "element": item}).strip() \
            or None
    except Exception:  # noqa: BLE001 - a label that cannot be written falls back to the path
        return None


def _leads(path: str, wanted: set[str] | None) -> bool:
    """Whether PATH is one of the WANTED paths or on the way to one (all when None)."""
    return wanted is None or any(w == path or w.startswith((f"{path}.", f"{path}["))
                                 for w in wanted)


def _walk(spec: Field, value: Any, path: str, suffix: str, context: dict[str, Any],
          out: dict[str, tuple[str, str]], wanted: set[str] | None = None,
          names: dict[str, str] | None = None) -> None:
    """Label PATH and what it holds; the items the kit names also go to NAMES, when given."""
    if not _leads(path, wanted):
        return
    own = f"{spec.label} ({suffix})" if suffix else spec.label
    out[path] = (own, spec.type)
    if spec.type == "section":
        for name, sub in spec.fields.items():
            _walk(sub, value.get(name) if isinstance(value, dict) else None, f"{path}.{name}",
                  suffix, context, out, wanted, names)
    elif spec.type in ("table", "liste") and isinstance(value, dict | list) and \
            spec.element is not None:
        table = spec.type == "table" and isinstance(value, dict)
        items = value.items() if table else enumerate(value, start=1)  # type: ignore[union-attr]
        for key, item in items:
            where = f"{path}.{key}" if table else f"{path}[{key}]"
            if not _leads(where, wanted):
                continue
            named = _item_label(spec, key, item, context)
            if named and names is not None:
                names[where] = named
            if spec.element.type in ("section", "liste", "table"):
                label = named or (f"{spec.label} ({key})" if table else f"{own} n° {key}")
                _walk(spec.element, item, where, label, context, out, wanted, names)
                out[where] = (label, spec.element.type)
            elif named:
                out[where] = (named, spec.element.type)
            else:
                label = f"{spec.label} ({key})" if table else f"{spec.element.label} n° {key}" + \
                    (f" ({suffix})" if suffix else "")
                out[where] = (label, spec.element.type)


def labels(variables: VariableSet, wanted: set[str] | None = None
           ) -> dict[str, tuple[str, str]]:
    """Field path (``financement.etat``, ``visas[3]``) → (French label, type).

    Only the WANTED paths (and the kernel's) when given: a kit's item labels are Jinja texts.
    """
    return _labels(variables.kit, variables.as_dict(), variables.values, _context(variables),
                   wanted)


def _context(variables: VariableSet) -> dict[str, Any]:
    try:
        return variables.context()
    except Exception:  # noqa: BLE001 - a set whose context fails (its errors are reported) is
        return variables.as_dict()  # labelled from its plain data


def item_names(variables: VariableSet) -> dict[str, str]:
    """Path → the kit's own name (``libelle_element``) of each item it names (« commune de Dijon »).

    What a form shows beside an item's key; paths count list items as labels count.
    """
    names: dict[str, str] = {}
    _labels(variables.kit, variables.as_dict(), variables.values, _context(variables), None, names)
    return names


def labels_of_data(kit: Kit, data: dict[str, Any], wanted: set[str] | None = None
                   ) -> dict[str, tuple[str, str]]:
    """The labels of a set read but not valid: from the file's data as typed."""
    return _labels(kit, data, data, data, wanted)


def _labels(kit: Kit, kernel: dict[str, Any], values: dict[str, Any], context: dict[str, Any],
            wanted: set[str] | None, names: dict[str, str] | None = None
            ) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    _kernel(kernel, out)
    for name, spec in kit.fields.items():
        _walk(spec, values.get(name), name, "", context, out, wanted, names)
    for name, calcul in kit.calculs.items():
        out[name] = (calcul.label, calcul.type or "calcul")
    return out


def placed(found: list[Problem], label: str) -> set[str]:
    """The field paths (counted as labels count) of the problems of file LABEL."""
    return {shown_field(p.field) for p in found if p.path == label and p.field}


def name_places(found: list[Problem], label: str, known: dict[str, tuple[str, str]]) -> None:
    """Give each problem of file LABEL the French label of its field, when it has one."""
    for problem in found:
        if problem.path == label and problem.field and problem.label is None:
            named = known.get(shown_field(problem.field))
            if named is not None and named[0] != problem.field:
                problem.label = named[0]


def shown(value: Any, kind: str) -> str:
    """A value as the document writes it (an amount in euros, a date in words…)."""
    from ..errors import FormatError
    from ..text.french import date_fr, montant, nombre

    if value is None or isinstance(value, str) and not value.strip():
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    try:
        if kind == "montant" and isinstance(value, int | float | Decimal) and value >= 0:
            return montant(value)
        if kind == "entier" and isinstance(value, int) and value >= 0:
            return nombre(value)
    except FormatError:
        pass
    if isinstance(value, dt.date):
        return date_fr(value)
    if isinstance(value, str):
        return " ".join(value.split())  # as the document shows it: spaces and line ends as one
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
