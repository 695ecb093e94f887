"""The kernel's checks: period, rank, history of the dossier, citations, visas, parties.

Each check adds :class:`~generator.errors.Problem` items, errors or warnings, placed at the line
and field they concern. The dossier's history (the valid earlier sets, oldest first) is read by
the caller and handed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from ..loader import Loc, _dotted, _line_of
from .model import Kernel

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"

_FINANCE_LAW = re.compile(r"loi de finances initiale pour (\d{4})", re.IGNORECASE)
_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
           "décembre")
_RELATIVE_DATE = re.compile(rf"\b(?:{_MONTHS})\s+(?:dernier|prochain)\b", re.IGNORECASE)


class Report:
    """Problems of one file, each placed at its line and field."""

    def __init__(self, label: str, lines: dict[Loc, int]) -> None:
        self.label = label
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, loc: Loc, message: str, severity: str = ERREUR) -> None:
        """An error (or a problem of SEVERITY) at LOC."""
        self.problems.append(Problem(message, path=self.label, line=_line_of(loc, self.lines),
                                     field=_dotted(loc) or None, severity=severity))

    def warn(self, loc: Loc, message: str) -> None:
        """A warning at LOC."""
        self.add(loc, message, AVERTISSEMENT)


@dataclass
class Earlier:
    """An earlier valid set of the same dossier."""

    version: str
    label: str
    kernel: Kernel
    context: dict[str, Any]


def _date(d: dt.date) -> str:
    return d.isoformat()


def _last_day(d: dt.date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def references(v: Kernel, r: Report) -> None:
    """Every signataire named by a party exists, and signs for someone; party ids are unique."""
    party_ids = [p.id for p in v.parties]
    if not v.parties:
        r.add(("parties",), "au moins une partie est attendue")
    for index, partie in enumerate(v.parties):
        if partie.signataire not in v.signataires:
            r.add(("parties", index, "signataire"),
                  f"signataire inconnu : « {partie.signataire} » : chaque partie est représentée "
                  f"par une personne de « signataires » ({', '.join(v.signataires) or 'aucune'})")
        if party_ids.count(partie.id) > 1 and party_ids.index(partie.id) != index:
            r.add(("parties", index, "id"), f"identifiant de partie en double : « {partie.id} »")
    used = {p.signataire for p in v.parties}
    for ident in v.signataires:
        if ident not in used:
            r.add(("signataires", ident), "ce signataire ne représente aucune partie")


def periode(v: Kernel, r: Report) -> None:
    """The period: whole months, within the avenant's year, after the convention's signing."""
    av = v.avenant
    debut, fin = av.periode.debut, av.periode.fin
    loc = ("avenant", "periode")
    if fin < debut:
        r.add((*loc, "fin"), f"la période finit ({_date(fin)}) avant de commencer "
              f"({_date(debut)})")
    if debut.day != 1:
        r.add((*loc, "debut"), f"la période commence un 1er du mois, pas le {_date(debut)} "
              "(mois entiers)")
    if fin.day != _last_day(fin):
        r.add((*loc, "fin"), f"la période finit le dernier jour d’un mois, pas le {_date(fin)} "
              f"(mois entiers : {fin.replace(day=_last_day(fin)).isoformat()} ?)")
    for key, day in (("debut", debut), ("fin", fin)):
        if day.year != av.annee:
            r.add((*loc, key), f"la période sort de l’année de l’avenant ({av.annee}) : "
                  f"{_date(day)}")
    if debut < v.convention.date_signature:
        r.add((*loc, "debut"), f"la période commence ({_date(debut)}) avant la signature de la "
              f"convention ({_date(v.convention.date_signature)})")
    signed = av.date_signature
    if signed is not None:
        if signed < v.convention.date_signature:
            r.add(("avenant", "date_signature"),
                  f"l’avenant serait signé ({_date(signed)}) avant la convention "
                  f"({_date(v.convention.date_signature)})")
        elif signed < debut - dt.timedelta(days=366) or signed > fin:
            r.warn(("avenant", "date_signature"),
                   f"date de signature éloignée de la période ({_date(debut)} au {_date(fin)}) : "
                   "à confirmer")
    if av.statut == "projet":
        r.warn(("avenant", "statut"), "projet : le document porte la mention « PROJET » ; "
               "indiquez « statut: final » pour la version à signer")


def precedents(v: Kernel, r: Report) -> None:
    """The cited avenants are earlier ones, each once, and none is missing."""
    av = v.avenant
    seen: set[str] = set()
    ranks: set[int] = set()
    for index, earlier in enumerate(v.avenants_precedents):
        loc = ("avenants_precedents", index)
        rang, annee = (int(part) for part in earlier.numero.split("-"))
        if earlier.numero in seen:
            r.add((*loc, "numero"), f"avenant cité deux fois : n° {earlier.numero}")
        seen.add(earlier.numero)
        ranks.add(rang)
        if rang >= av.rang or annee > av.annee:
            r.add((*loc, "numero"), f"l’avenant n° {earlier.numero} ne précède pas celui-ci "
                  f"(n° {av.numero})")
        if earlier.date_signature is not None:
            if earlier.date_signature < v.convention.date_signature:
                r.add((*loc, "date_signature"), "avenant signé avant la convention "
                      f"({_date(v.convention.date_signature)})")
            if av.date_signature is not None and earlier.date_signature > av.date_signature:
                r.add((*loc, "date_signature"), "avenant précédent signé après celui-ci "
                      f"({_date(av.date_signature)})")
    missing = [rang for rang in range(1, av.rang) if rang not in ranks]
    if missing:
        shown = ", ".join(str(rang) for rang in missing)
        r.add(("avenants_precedents",),
              f"avenant(s) précédent(s) non cité(s) : rang {shown} (l’avenant n° {av.numero} "
              "cite chaque avenant antérieur)")


def texts(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every text of DATA, with its place."""
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in texts(value, (*loc, key))]
    if isinstance(data, list):
        return [item for index, value in enumerate(data) for item in texts(value, (*loc, index))]
    return [(loc, data)] if isinstance(data, str) else []


def wording(v: Kernel, r: Report, data: dict[str, Any]) -> None:
    """Visas and texts: what the template adds is not typed twice, dates are absolute."""
    found_law = False
    for index, visa in enumerate(v.visas):
        loc = ("visas", index)
        if re.match(r"^vu\b", visa, re.IGNORECASE) or visa.rstrip().endswith((";", ".")):
            r.add(loc, "n’écrivez ni « VU » au début ni « ; » à la fin : le modèle les ajoute")
        if re.search(r"\bavenant n°", visa, re.IGNORECASE):
            r.warn(loc, "les avenants précédents sont cités automatiquement à partir de "
                   "« avenants_precedents » : ce visa fait-il double emploi ?")
        law = _FINANCE_LAW.search(visa)
        if law:
            found_law = True
            if int(law.group(1)) != v.avenant.annee:
                r.warn(loc, f"la loi de finances visée est celle de {law.group(1)}, l’avenant "
                       f"finance {v.avenant.annee} : à confirmer (d’ordinaire, la loi de "
                       "finances de l’année financée)")
    if not found_law:
        r.warn(("visas",), f"aucun visa de la « Loi de finances initiale pour "
               f"{v.avenant.annee} » : à confirmer")
    for where, text in texts(data, ()):
        relative = _RELATIVE_DATE.search(text)
        if relative:
            r.add(where, f"date relative (« {relative.group(0)} ») : écrivez la date complète, "
                  "l’avenant sera relu dans d’autres années")


def history(v: Kernel, r: Report, version: str, earlier: list[Earlier]) -> None:
    """The avenant follows the dossier's previous one and cites every earlier one as signed."""
    av = v.avenant
    if re.fullmatch(r"\d{4}", version) and int(version) != av.annee:
        r.warn(("avenant", "annee"), f"la version s’appelle {version} mais l’avenant porte "
               f"sur {av.annee} : à confirmer")
    cited = {p.numero: (index, p) for index, p in enumerate(v.avenants_precedents)}
    if not earlier:
        expected = max((int(p.numero.split("-")[0]) for p in v.avenants_precedents), default=0) + 1
        if av.rang != expected:
            r.add(("avenant", "rang"), f"rang {expected} attendu : aucune version antérieure "
                  "dans le dossier" + (" et les avenants cités vont jusqu’au rang "
                                       f"{expected - 1}" if expected > 1 else ""))
        return
    previous = earlier[-1]
    pav = previous.kernel.avenant
    if av.rang != pav.rang + 1:
        r.add(("avenant", "rang"), f"rang {pav.rang + 1} attendu : l’avenant précédent du "
              f"dossier est le n° {pav.numero} ({previous.label})")
    if av.annee < pav.annee:
        r.add(("avenant", "annee"), f"année antérieure à celle de l’avenant précédent "
              f"(n° {pav.numero}, {previous.label})")
    if av.periode.debut <= pav.periode.fin:
        r.add(("avenant", "periode", "debut"),
              f"la période commence avant la fin de celle de l’avenant précédent "
              f"({_date(pav.periode.fin)}, {previous.label})")
    for item in earlier:
        eav = item.kernel.avenant
        if eav.numero not in cited:
            r.add(("avenants_precedents",), f"l’avenant n° {eav.numero} ({item.label}) n’est "
                  "pas cité")
            continue
        index, citation = cited[eav.numero]
        if eav.date_signature is not None and citation.date_signature is None:
            r.warn(("avenants_precedents", index), f"date de signature non citée : "
                   f"{item.label} indique le {_date(eav.date_signature)}")
        elif (eav.date_signature is not None and citation.date_signature is not None
              and eav.date_signature != citation.date_signature):
            r.add(("avenants_precedents", index, "date_signature"),
                  f"date différente de celle de {item.label} ({_date(eav.date_signature)})")
    conv, signed = v.convention, previous.kernel.convention
    if conv.intitule != signed.intitule:
        r.add(("convention", "intitule"), f"la convention est citée sous un autre intitulé que "
              f"dans {previous.label} : un document signé se cite tel qu’il a été signé")
    if conv.date_signature != signed.date_signature:
        r.add(("convention", "date_signature"), f"date différente de celle de {previous.label} "
              f"({_date(signed.date_signature)}) : un avenant modifie toujours la même convention")


def kernel_problems(v: Kernel, r: Report, data: dict[str, Any], *, version: str | None = None,
                    earlier: list[Earlier] | None = None) -> None:
    """Every kernel check of a set; the history ones when EARLIER is known."""
    references(v, r)
    periode(v, r)
    precedents(v, r)
    wording(v, r, data)
    if version is not None and earlier is not None:
        history(v, r, version, earlier)
