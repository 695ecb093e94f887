"""Consistency checks on a variable set: what the schema alone cannot see.

Each check returns :class:`~generator.errors.Problem` items, errors or warnings, placed at the
line and field they concern. ``build`` refuses a set with any error; ``check`` prints them all.
"""

from __future__ import annotations

from .errors import Problem
from .loader import Loc, _dotted, _line_of
from .model import VariableSet


class _Report:
    def __init__(self, label: str, lines: dict[Loc, int]) -> None:
        self.label = label
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, loc: Loc, message: str, severity: str = "erreur") -> None:
        self.problems.append(Problem(message, path=self.label, line=_line_of(loc, self.lines),
                                     field=_dotted(loc), severity=severity))


def _references(v: VariableSet, r: _Report) -> None:
    """Every id used somewhere names something that exists."""
    party_ids = [p.id for p in v.parties]
    for index, partie in enumerate(v.parties):
        if partie.signataire not in v.signataires:
            r.add(("parties", index, "signataire"),
                  f"signataire inconnu : « {partie.signataire} » (signataires : "
                  f"{', '.join(v.signataires) or 'aucun'})")
        if party_ids.count(partie.id) > 1 and party_ids.index(partie.id) != index:
            r.add(("parties", index, "id"), f"identifiant de partie en double : « {partie.id} »")
    used = {p.signataire for p in v.parties}
    for ident in v.signataires:
        if ident not in used:
            r.add(("signataires", ident), "ce signataire ne représente aucune partie")
    for index, membre in enumerate(v.comite_pilotage):
        loc = ("comite_pilotage", index)
        if membre.partie is not None:
            if membre.partie not in party_ids:
                r.add((*loc, "partie"), f"partie inconnue : « {membre.partie} »")
            if membre.fonction or membre.civilite or membre.ressort:
                r.add(loc, "un membre est soit une partie (partie), soit une autre personne "
                      "(fonction, civilite, ressort), pas les deux")
        else:
            for key in ("fonction", "civilite", "ressort"):
                if getattr(membre, key) is None:
                    r.add((*loc, key), "champ obligatoire manquant (ou indiquer « partie »)")
    for role in ("educateurs", "mediateurs"):
        for ident in getattr(v.effectifs, role):
            if ident != "total" and ident not in v.communes:
                r.add(("effectifs", role, ident), f"commune inconnue : « {ident} »")
    for ident in v.mediation:
        if ident not in v.communes:
            r.add(("mediation", ident), f"commune inconnue : « {ident} »")
    for ident in v.communes:
        if ident == "total":
            r.add(("communes", ident), "« total » est réservé au total typé des effectifs")


def problems(v: VariableSet, label: str, lines: dict[Loc, int], *, project: object = None,
             dossier: str | None = None, version: str | None = None) -> list[Problem]:
    """All the consistency problems of a set, errors and warnings."""
    report = _Report(label, lines)
    _references(v, report)
    return report.problems


def errors(found: list[Problem]) -> list[Problem]:
    """The errors among problems."""
    return [p for p in found if p.severity == "erreur"]
