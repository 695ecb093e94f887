"""What the kernel computes for every template: number, months, visas, parties, signatures.

Everything here is plain data (str, int, date, lists, dicts). Titles agree with the person
(:mod:`generator.roles`); a person who signs for several parties has one signature block.
"""

from __future__ import annotations

from typing import Any

from .. import roles
from ..french import date_fr, nombre_de_mois, numero
from .model import Kernel, Partie


def _with(text: str, complement: str | None) -> str:
    return f"{text} {complement or ''}".strip()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def convention_visa(kernel: Kernel) -> str:
    """The convention as cited: its title as signed, verbatim, and its signing date."""
    conv = kernel.convention
    return f"la convention {conv.intitule} signée le {date_fr(conv.date_signature)}"


def visas(kernel: Kernel) -> list[str]:
    """All visas, in order: the drafter's, then the convention, then every earlier avenant.

    A signed document is cited as it was signed: an earlier avenant by its own title when the
    set records it, else by its number and the convention's title (itself verbatim).
    """
    out = [*kernel.visas, convention_visa(kernel)]
    for earlier in kernel.avenants_precedents:
        if earlier.intitule:
            visa = f"l’{_lower_first(earlier.intitule)}"
        else:
            visa = (f"l’avenant {numero(earlier.numero)} à la convention "
                    f"{kernel.convention.intitule}")
        if earlier.date_signature is not None:
            visa += f" signé le {date_fr(earlier.date_signature)}"
        out.append(visa)
    return out


def _partie(partie: Partie, kernel: Kernel) -> dict[str, Any]:
    person = kernel.signataires[partie.signataire]
    verb = "représentée" if partie.genre == "feminin" else "représenté"
    ressort_parties = partie.ressort if partie.ressort_parties is None else partie.ressort_parties
    ressort_comite = partie.ressort if partie.ressort_comite is None else partie.ressort_comite
    title = roles.avec_civilite(partie.fonction, person.civilite)
    return {
        "id": partie.id,
        "designation": partie.designation,
        "genre": partie.genre,
        "fonction": partie.fonction,
        "ressort": partie.ressort,
        "signataire": partie.signataire,
        "civilite": person.civilite,
        "representation": f"{verb} par {_with(title, ressort_parties)}",
        "complement": _with(roles.complement(partie.fonction, person.civilite), ressort_comite),
        "titre": _with(roles.titre(partie.fonction, person.civilite), partie.ressort),
    }


def signatures(kernel: Kernel) -> list[dict[str, str]]:
    """One block per person, in order of first appearance: title(s), then name."""
    blocks: dict[str, list[str]] = {}
    for partie in kernel.parties:
        person = kernel.signataires[partie.signataire]
        if partie.signataire not in blocks:
            blocks[partie.signataire] = [
                _with(roles.sujet(partie.fonction, person.civilite), partie.ressort)]
        else:
            blocks[partie.signataire].append(
                _with(roles.titre(partie.fonction, person.civilite), partie.ressort))
    out = []
    for ident, titles in blocks.items():
        person = kernel.signataires[ident]
        out.append({"titre": ", ".join(titles),
                    "nom": f"{person.civilite} {person.prenom} {person.nom}"})
    return out


CONTEXT_KEYS = ("avenant", "convention", "avenants_precedents", "visas", "signataires", "parties",
                "parties_par_id", "signatures")


def kernel_context(kernel: Kernel) -> dict[str, Any]:
    """The kernel's part of every template's context."""
    av = kernel.avenant
    parties = [_partie(p, kernel) for p in kernel.parties]
    return {
        "avenant": {
            "numero": av.numero,
            "rang": av.rang,
            "annee": av.annee,
            "debut": av.periode.debut,
            "fin": av.periode.fin,
            "periode": {"debut": av.periode.debut, "fin": av.periode.fin},
            "nombre_de_mois": nombre_de_mois(av.periode.debut, av.periode.fin),
            "lieu_signature": av.lieu_signature,
            "date_signature": av.date_signature,
            "statut": av.statut,
            "projet": av.statut == "projet",
        },
        "convention": {"intitule": kernel.convention.intitule,
                       "date_signature": kernel.convention.date_signature},
        "avenants_precedents": [p.as_dict() for p in kernel.avenants_precedents],
        "visas": visas(kernel),
        "signataires": {k: {**s.as_dict(), "nom_complet": f"{s.civilite} {s.prenom} {s.nom}"}
                        for k, s in kernel.signataires.items()},
        "parties": parties,
        "parties_par_id": {p["id"]: p for p in parties},
        "signatures": signatures(kernel),
    }
