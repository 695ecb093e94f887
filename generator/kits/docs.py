"""What a kit offers, generated from the kit itself: its documentation, a blank set, its schema.

``avenant modele KIT`` prints :func:`describe`; ``avenant new --modele KIT`` writes
:func:`skeleton`; ``templates/<kit>/schema.json`` is :func:`schema` (the editor's completion and
errors as the drafter types, through the ``# yaml-language-server: $schema=…`` line).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .kit import Field, Kit

# The kernel, as a drafter sees it: (path, type, label, help, example).
KERNEL_FIELDS: list[tuple[str, str, str, str, Any]] = [
    ("avenant.rang", "entier", "rang de l’avenant", "1 pour le premier avenant", 1),
    ("avenant.annee", "entier", "année de l’avenant", "l’année financée", 2025),
    ("avenant.periode.debut", "date", "début de la période", "un 1er du mois", "2025-01-01"),
    ("avenant.periode.fin", "date", "fin de la période", "un dernier jour du mois", "2025-12-31"),
    ("avenant.statut", "choix", "statut", "projet (mention « PROJET » sur chaque page) ou final",
     "projet"),
    ("avenant.lieu_signature", "texte", "lieu de signature", "« Fait à … »", "Dijon"),
    ("avenant.date_signature", "date", "date de signature",
     "facultative : vide, un blanc est laissé", None),
    ("convention.intitule", "texte", "intitulé de la convention",
     "tel que signé, cité mot pour mot (après « la convention »)", "pour …"),
    ("convention.date_signature", "date", "date de signature de la convention", "",
     "2024-06-17"),
    ("avenants_precedents", "liste", "avenants précédents",
     "chacun {numero: 1-2024, date_signature, intitule facultatif tel que signé}", []),
    ("visas", "liste", "visas", "sans « VU » ni « ; » : le modèle les ajoute ; la convention et "
     "les avenants précédents suivent automatiquement", []),
    ("signataires", "table", "signataires",
     "par identifiant : {civilite: Monsieur | Madame, prenom, nom}", {}),
    ("parties", "liste", "parties", "chacune {id, designation, genre: masculin | feminin, "
     "signataire, fonction: prefet | president | maire | directeur, ressort, ressort_parties "
     "et ressort_comite facultatifs}", []),
]
_TYPE_NAMES = {"texte": "texte", "entier": "entier", "montant": "montant (euros)",
               "date": "date (AAAA-MM-JJ)", "booleen": "booléen (true/false)", "choix": "choix",
               "liste": "liste", "table": "table (par identifiant)", "section": "section"}


def _type(spec: Field) -> str:
    text = _TYPE_NAMES[spec.type]
    if spec.type == "choix":
        text += " : " + " | ".join(spec.choices)
    if spec.type in ("liste", "table") and spec.element is not None:
        text += f" de {_type(spec.element)}"
    if spec.type in ("entier", "montant") and (spec.min is not None or spec.max is not None):
        text += f", de {spec.min} à {spec.max}"
    if spec.type == "montant":
        text += ", centimes admis" if spec.cents else ", sans centimes"
    if not spec.required:
        text += ", facultatif"
    return text


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _describe_field(path: str, spec: Field, lines: list[str]) -> None:
    lines.append(f"  {path} — {spec.label} [{_type(spec)}]")
    if spec.help:
        lines.append(f"      {spec.help}")
    if spec.example is not None:
        lines.append(f"      exemple : {_shown(spec.example)}")
    if spec.type == "section":
        for name, sub in spec.fields.items():
            _describe_field(f"{path}.{name}", sub, lines)
    elif spec.type in ("liste", "table") and spec.element is not None:
        inner = f"{path}[…]" if spec.type == "liste" else f"{path}.<identifiant>"
        if spec.element.type == "section":
            for name, sub in spec.element.fields.items():
                _describe_field(f"{inner}.{name}", sub, lines)


def describe(kit: Kit) -> str:
    """Every field a set of KIT holds, with its label, type, help and an example."""
    lines = [f"Kit « {kit.name} » : {kit.title}"]
    if kit.description:
        lines.append(kit.description)
    lines += ["", f"Modèle Word : {kit.template.name} ; fichier du kit : {kit.label}", "",
              "Noyau commun (tous les kits) :"]
    for path, kind, label, help_text, _example_value in KERNEL_FIELDS:
        lines.append(f"  {path} — {label} [{_TYPE_NAMES[kind]}]")
        if help_text:
            lines.append(f"      {help_text}")
    lines += ["", "Champs du kit :"]
    for name, spec in kit.fields.items():
        _describe_field(name, spec, lines)
    if kit.calculs:
        lines += ["", "Valeurs calculées (disponibles dans le modèle) :"]
        lines += [f"  {c.name} — {c.label} = {c.expression}" for c in kit.calculs.values()]
    lines += ["", "Calculé par le noyau pour tout modèle : avenant.numero, avenant.nombre_de_mois, "
              "avenant.projet, visas (liste complète), parties (designation, representation, "
              "complement, titre), parties_par_id, signatures (titre, nom)."]
    lines += ["", f"Contrôles : {len(kit.checks)}."]
    return "\n".join(lines) + "\n"


def _example(spec: Field) -> Any:
    if not spec.required and spec.example is None:
        return None
    if spec.example is not None:
        return spec.example
    if spec.default is not None:
        return spec.default
    if spec.type == "section":
        return {name: _example(sub) for name, sub in spec.fields.items()}
    return {"texte": "…", "entier": 0, "montant": 0, "date": "2025-01-01", "booleen": False,
            "choix": spec.choices[0] if spec.choices else "", "liste": [], "table": {}}[spec.type]


def _yaml_value(value: Any) -> str:
    """VALUE in YAML flow style: dates bare (read back as dates), texts quoted."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _yaml_field(name: str, spec: Field, indent: str, out: list[str]) -> None:
    comment = spec.label + (f" : {spec.help}" if spec.help else "")
    if not spec.required:
        comment += " (facultatif)"
    out.append(f"{indent}# {comment}")
    if spec.type == "section" and spec.example is None:
        out.append(f"{indent}{name}:")
        for sub_name, sub in spec.fields.items():
            _yaml_field(sub_name, sub, indent + "  ", out)
        return
    if spec.type == "table" and spec.example is None and spec.element is not None and \
            spec.element.type == "section":
        out.append(f"{indent}{name}:")
        out.append(f"{indent}  identifiant:")
        for sub_name, sub in spec.element.fields.items():
            _yaml_field(sub_name, sub, indent + "    ", out)
        return
    if spec.type == "liste" and spec.example is None and spec.element is not None and \
            spec.element.type == "section":
        out.append(f"{indent}{name}:")
        first = True
        for sub_name, sub in spec.element.fields.items():
            lead = indent + ("  - " if first else "    ")
            out.append(f"{indent}    # {sub.label}" + (" (facultatif)" if not sub.required else ""))
            out.append(f"{lead}{sub_name}: {_yaml_value(_example(sub))}")
            first = False
        return
    out.append(f"{indent}{name}: {_yaml_value(_example(spec))}")


def skeleton(kit: Kit, *, schema_path: str) -> str:
    """A new set of KIT: every field present, commented with its label and help, to fill in."""
    today = dt.date.today()
    out = [f"# yaml-language-server: $schema={schema_path}",
           f"# Nouveau jeu de variables du kit « {kit.name} » ({kit.title}).",
           "# Chaque champ est précédé de son libellé ; remplacez les exemples, puis lancez",
           "# « avenant check » qui vous guide jusqu’à un jeu complet.",
           "", f"kit: {kit.name}", "",
           "# L’avenant : rang, année, période, lieu et date de signature.",
           "avenant:",
           "  rang: 1",
           f"  annee: {today.year}",
           "  periode:",
           f"    debut: {today.year}-01-01",
           f"    fin: {today.year}-12-31",
           "  statut: projet              # projet : « PROJET » sur chaque page ; final : à signer",
           "  lieu_signature: …",
           "  date_signature:             # vide : un blanc est laissé pour la date",
           "", "# La convention telle que signée : son intitulé est cité mot pour mot.",
           "convention:",
           "  intitule: pour …",
           f"  date_signature: {today.year - 1}-01-01",
           "", "# Avenants déjà signés (numero, date_signature, intitule tel que signé).",
           "avenants_precedents: []",
           "", "# Visas, sans « VU » ni « ; » (la convention et les avenants suivent seuls).",
           "visas:",
           f"  - la Loi de finances initiale pour {today.year}",
           "", "# Personnes qui signent (civilite : Monsieur ou Madame ; les titres s’accordent).",
           "signataires:",
           "  prefet:", "    civilite: Madame", "    prenom: …", "    nom: …",
           "", "# Parties, dans l’ordre du texte (fonction : prefet, president, maire, directeur).",
           "parties:",
           "  - id: etat", "    designation: L’État", "    genre: masculin",
           "    signataire: prefet", "    fonction: prefet", "    ressort: du département de …",
           ""]
    for name, spec in kit.fields.items():
        _yaml_field(name, spec, "", out)
        out.append("")
    return "\n".join(out)
