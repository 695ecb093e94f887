"""From a variable set to the template's context: everything computable is computed here.

Totals, the number of months, titles agreeing with each person, the signature blocks (one per
person, however many parties they sign for) and the visas of the convention and of earlier
avenants are derived, never typed by the drafter.
"""

from __future__ import annotations

from typing import Any

from . import roles
from .french import date_fr, en_lettres, liste, nombre_de_mois, numero
from .model import MembreComite, Partie, VariableSet

# Article suffixes after « Article 8 »: the first mediation article is « 8 ter ».
LATIN_SUFFIXES = ["bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "nonies",
                  "decies"]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _ressort(partie: Partie, override: str | None) -> str:
    return partie.ressort if override is None else override


def _with(text: str, complement: str) -> str:
    return f"{text} {complement}".strip()


def _quartiers(variables: VariableSet) -> list[str]:
    return [f"{c.quartier} à {c.nom}" for c in variables.communes.values()]


def _convention_designation(variables: VariableSet) -> str:
    conv = variables.convention
    return f"{conv.objet} sur {conv.territoire} ({', '.join(_quartiers(variables))})"


def visas(variables: VariableSet) -> list[str]:
    """All visas, in order: the drafter's, then the convention, then every earlier avenant."""
    designation = _convention_designation(variables)
    out = list(variables.visas)
    out.append(f"la convention {designation} signée le "
               f"{date_fr(variables.convention.date_signature)}")
    for earlier in variables.avenants_precedents:
        visa = f"l’avenant {numero(earlier.numero)} à la convention {designation}"
        if earlier.date_signature is not None:
            visa += f" signé le {date_fr(earlier.date_signature)}"
        out.append(visa)
    return out


def _partie_line(partie: Partie, variables: VariableSet) -> dict[str, Any]:
    person = variables.signataires[partie.signataire]
    verb = "représentée" if partie.genre == "feminin" else "représenté"
    title = roles.avec_civilite(partie.fonction, person.civilite)
    return {
        "designation": partie.designation,
        "representation": f"{verb} par {_with(title, _ressort(partie, partie.ressort_parties))}",
    }


def signatures(variables: VariableSet) -> list[dict[str, str]]:
    """One block per person, in order of first appearance: title(s), then name."""
    blocks: dict[str, list[str]] = {}
    for partie in variables.parties:
        person = variables.signataires[partie.signataire]
        if partie.signataire not in blocks:
            blocks[partie.signataire] = [
                _with(roles.sujet(partie.fonction, person.civilite), partie.ressort)]
        else:
            blocks[partie.signataire].append(
                _with(roles.titre(partie.fonction, person.civilite), partie.ressort))
    out = []
    for ident, titles in blocks.items():
        person = variables.signataires[ident]
        out.append({"titre": ", ".join(titles),
                    "nom": f"{person.civilite} {person.prenom} {person.nom}"})
    return out


def _membre(membre: MembreComite, variables: VariableSet) -> str:
    if membre.partie is not None:
        partie = next(p for p in variables.parties if p.id == membre.partie)
        person = variables.signataires[partie.signataire]
        return _with(roles.complement(partie.fonction, person.civilite),
                     _ressort(partie, partie.ressort_comite))
    assert membre.fonction and membre.civilite and membre.ressort
    return _with(roles.complement(membre.fonction, membre.civilite), membre.ressort)


def _commune(ident: str, variables: VariableSet, index: int) -> dict[str, Any]:
    commune = variables.communes[ident]
    mediation = variables.mediation.get(ident)
    return {
        "id": ident,
        "nom": commune.nom,
        "quartier": commune.quartier,
        "adjectif": commune.adjectif,
        "engagement": commune.engagement,
        "dispositif_entre_guillemets": commune.dispositif_entre_guillemets,
        "educateurs": variables.effectifs.educateurs.get(ident, 0),
        "mediateurs": variables.effectifs.mediateurs.get(ident, 0),
        "mediation": None if mediation is None else {
            "article": LATIN_SUFFIXES[index + 1],
            "certain": mediation.recrutement == "certain",
            "repartition": None if mediation.repartition is None else {
                "scolaires": mediation.repartition.scolaires,
                "jeunesse": mediation.repartition.jeunesse,
            },
            "public_jeunesse": mediation.public_jeunesse,
            "partenaires": " / ".join(mediation.partenaires),
            "missions": list(mediation.missions),
        },
    }


_ORDINAL_WORDS = ["premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième"]


def arrivees(dates: list) -> dict[str, str]:
    """How the educators' arrival dates read: « lors de deux temps forts : un premier groupe… »."""
    if len(dates) == 1:
        return {"texte": f"le {date_fr(dates[0])}", "reprise": "cette date"}
    parts = [f"un premier groupe est arrivé le {date_fr(dates[0])}"]
    if len(dates) == 2:
        parts.append(f"un second le {date_fr(dates[1])}")
    else:
        for index, day in enumerate(dates[1:-1], start=1):
            word = _ORDINAL_WORDS[index] if index < len(_ORDINAL_WORDS) else "autre"
            parts.append(f"un {word} le {date_fr(day)}")
        parts.append(f"un dernier le {date_fr(dates[-1])}")
    return {"texte": f"lors de {en_lettres(len(dates))} temps forts : {liste(parts)}",
            "reprise": "ces dates"}


def _counts(role: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in role.items() if k != "total"}


def build_context(variables: VariableSet) -> dict[str, Any]:
    """The template's context: plain data (str, int, date, lists, dicts), nothing callable."""
    av = variables.avenant
    educateurs = _counts(variables.effectifs.educateurs)
    mediateurs = _counts(variables.effectifs.mediateurs)
    ids = list(variables.communes)
    communes = []
    with_mediation = 0
    for ident in ids:
        communes.append(_commune(ident, variables, with_mediation))
        if ident in variables.mediation:
            with_mediation += 1
    noms = [variables.communes[i].nom for i in ids]
    return {
        "avenant": {
            "numero": av.numero,
            "rang": av.rang,
            "annee": av.annee,
            "debut": av.periode.debut,
            "fin": av.periode.fin,
            "nombre_de_mois": nombre_de_mois(av.periode.debut, av.periode.fin),
            "lieu_signature": av.lieu_signature,
            "date_signature": av.date_signature,
        },
        "convention": {
            "objet": variables.convention.objet,
            "territoire": variables.convention.territoire,
            "territoire_court": variables.convention.territoire_court,
            "date_signature": variables.convention.date_signature,
            "quartiers": ", ".join(_quartiers(variables)),
            "quartiers_texte": liste([_lower_first(q) for q in _quartiers(variables)]),
        },
        "visas": visas(variables),
        "parties": [_partie_line(p, variables) for p in variables.parties],
        "communes": communes,
        "communes_noms": liste(noms),
        "communes_noms_de": liste([f"de {n}" for n in noms]),
        "effectifs": {
            "educateurs": sum(educateurs.values()),
            "mediateurs": sum(mediateurs.values()),
            "total": sum(educateurs.values()) + sum(mediateurs.values()),
            "educateurs_par_commune": liste(
                [f"{educateurs.get(i, 0)} pour la ville de {variables.communes[i].nom}"
                 for i in ids if educateurs.get(i, 0)]),
            "mediateurs_par_commune": liste(
                [f"{mediateurs.get(i, 0)} pour la ville de {variables.communes[i].nom}"
                 for i in ids if mediateurs.get(i, 0)]),
        },
        "arrivees": arrivees(list(variables.arrivees_educateurs)),
        "financement": {"etat": variables.financement.etat},
        "metropole": {"nom": variables.metropole.nom,
                      "deliberation": variables.metropole.deliberation},
        "association": {"nom": variables.association.nom},
        "comite_pilotage": [_membre(m, variables) for m in variables.comite_pilotage],
        "signatures": signatures(variables),
    }
