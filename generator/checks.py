"""Consistency checks on a variable set: what the schema alone cannot see.

Each check returns :class:`~generator.errors.Problem` items, errors or warnings, placed at the
line and field they concern. ``build`` refuses a set with any error; ``check`` prints them all.
Warnings are for the drafter to confirm (a finance law of another year, an amount carried over
unchanged): they never stop a build.

The checks that need the dossier's history (the rank follows the previous avenant, every
earlier avenant is cited) read the other version files of the same dossier folder.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import LATIN_SUFFIXES
from .errors import AvenantError, InvalidVariables, Problem
from .loader import Loc, _dotted, _line_of, load
from .model import VariableSet
from .paths import Project, version_key

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"

DRAFT_MARKER = "BROUILLON préparé par avenant new"
_FINANCE_LAW = re.compile(r"loi de finances initiale pour (\d{4})", re.IGNORECASE)
_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
           "décembre")
_RELATIVE_DATE = re.compile(rf"\b(?:{_MONTHS})\s+(?:dernier|prochain)\b", re.IGNORECASE)


class _Report:
    def __init__(self, label: str, lines: dict[Loc, int]) -> None:
        self.label = label
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, loc: Loc, message: str, severity: str = ERREUR) -> None:
        self.problems.append(Problem(message, path=self.label, line=_line_of(loc, self.lines),
                                     field=_dotted(loc), severity=severity))

    def warn(self, loc: Loc, message: str) -> None:
        self.add(loc, message, AVERTISSEMENT)


def _date(d: dt.date) -> str:
    return d.isoformat()


def _last_day(d: dt.date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def _references(v: VariableSet, r: _Report) -> None:
    """Every id used somewhere names something that exists."""
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
    if not v.communes:
        r.add(("communes",), "au moins une commune est attendue")


def _parts(role: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in role.items() if k != "total"}


def _sum_text(parts: dict[str, int]) -> str:
    shown = " + ".join(str(n) for n in parts.values()) or "0"
    return f"{shown} = {sum(parts.values())}" if len(parts) > 1 else shown


def _effectifs(v: VariableSet, r: _Report) -> None:
    """Typed totals agree with their parts; every commune has its headcounts."""
    roles = {"educateurs": "éducateurs", "mediateurs": "médiateurs"}
    grand = 0
    for role, word in roles.items():
        counts: dict[str, int] = getattr(v.effectifs, role)
        parts = _parts(counts)
        grand += sum(parts.values())
        if "total" in counts and counts["total"] != sum(parts.values()):
            r.add(("effectifs", role, "total"),
                  f"le total saisi ({counts['total']}) ne correspond pas à la somme des communes "
                  f"({_sum_text(parts)}) ; les totaux sont calculés : supprimez cette ligne ou "
                  "corrigez-la")
        for ident in v.communes:
            if ident not in counts:
                r.add(("effectifs", role, ident),
                      f"effectif de {word} manquant pour la commune « {ident} » (indiquer 0 "
                      "s’il n’y en a pas)")
        if v.communes and not sum(parts.values()):
            r.add(("effectifs", role), f"aucun {word[:-1]} : le modèle décrit au moins un "
                  f"{word[:-1]}")
    total = v.effectifs.total
    if total is not None and total != grand:
        detail = " + ".join(str(sum(_parts(getattr(v.effectifs, role)).values()))
                            for role in roles)
        r.add(("effectifs", "total"),
              f"le total saisi ({total}) ne correspond pas à la somme des éducateurs et des "
              f"médiateurs ({detail} = {grand}) ; les totaux sont calculés : supprimez cette "
              "ligne ou corrigez-la")


def _mediation(v: VariableSet, r: _Report) -> None:
    """Each commune's mediation article agrees with its headcount and says what it needs."""
    if len(v.mediation) > len(LATIN_SUFFIXES) - 1:
        r.add(("mediation",), f"au plus {len(LATIN_SUFFIXES) - 1} articles de médiation")
    for ident, mediation in v.mediation.items():
        loc = ("mediation", ident)
        count = v.effectifs.mediateurs.get(ident)
        if count == 0:
            r.add(loc, f"article de médiation pour une commune sans médiateur "
                  f"(effectifs.mediateurs.{ident} = 0)")
        split = mediation.repartition
        if split is None:
            continue
        if count is not None and split.scolaires + split.jeunesse != count:
            r.add((*loc, "repartition"),
                  f"la répartition ne correspond pas à l’effectif : scolaires {split.scolaires} + "
                  f"jeunesse {split.jeunesse} = {split.scolaires + split.jeunesse}, mais "
                  f"effectifs.mediateurs.{ident} = {count}")
        for part in ("scolaires", "jeunesse"):
            value = getattr(split, part)
            if value == 0:
                r.add((*loc, "repartition", part),
                      "une répartition a deux parts non nulles (sinon, retirez « repartition »)")
            elif value == 1:
                r.warn((*loc, "repartition", part),
                       "le texte du modèle est au pluriel (« ces … professionnels ») : à relire")
        if mediation.public_jeunesse is None:
            r.add((*loc, "public_jeunesse"),
                  "une répartition demande le public de la médiation jeunesse (par exemple "
                  "« 16/25 ans »)")
        if not mediation.partenaires:
            r.add((*loc, "partenaires"),
                  "une répartition demande les partenaires de la médiation jeunesse")


def _periode(v: VariableSet, r: _Report) -> None:
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
    for index, day in enumerate(v.arrivees_educateurs):
        if day > fin:
            r.add(("arrivees_educateurs", index), f"arrivée ({_date(day)}) après la fin de la "
                  f"période ({_date(fin)})")
        if index and day <= v.arrivees_educateurs[index - 1]:
            r.add(("arrivees_educateurs", index),
                  "les dates d’arrivée vont de la plus ancienne à la plus récente, sans doublon")
    if not v.arrivees_educateurs:
        r.add(("arrivees_educateurs",), "au moins une date d’arrivée des éducateurs est attendue")


def _precedents(v: VariableSet, r: _Report) -> None:
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


def _texts(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in _texts(value, (*loc, key))]
    if isinstance(data, list):
        return [item for index, value in enumerate(data) for item in _texts(value, (*loc, index))]
    return [(loc, data)] if isinstance(data, str) else []


def _wording(v: VariableSet, r: _Report) -> None:
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
    for where, text in _texts(v.as_dict(), ()):
        relative = _RELATIVE_DATE.search(text)
        if relative:
            r.add(where, f"date relative (« {relative.group(0)} ») : écrivez la date complète, "
                  "l’avenant sera relu dans d’autres années")


@dataclass
class _Earlier:
    version: str
    label: str
    variables: VariableSet


def _history(project: Project, dossier: str, version: str, r: _Report
             ) -> list[_Earlier] | None:
    """The valid earlier versions of the dossier, oldest first (None if one is unreadable)."""
    out = []
    for earlier in project.versions(dossier):
        if version_key(earlier) >= version_key(version):
            continue
        path = project.variable_file(dossier, earlier)
        label = project.relative(path)
        try:
            variables, _ = load(path, label)
        except AvenantError:
            r.warn(("avenant", "rang"), f"version antérieure illisible ({label}) : le rang et les "
                   "avenants cités ne sont pas vérifiés")
            return None
        out.append(_Earlier(earlier, label, variables))
    return out


def _dossier(v: VariableSet, r: _Report, project: Project, dossier: str, version: str) -> None:
    """The avenant follows the dossier's previous one and cites every earlier one."""
    av = v.avenant
    if re.fullmatch(r"\d{4}", version) and int(version) != av.annee:
        r.warn(("avenant", "annee"), f"la version s’appelle {version} mais l’avenant porte "
               f"sur {av.annee} : à confirmer")
    history = _history(project, dossier, version, r)
    if history is None:
        return
    cited = {p.numero: (index, p) for index, p in enumerate(v.avenants_precedents)}
    if not history:
        expected = max((int(p.numero.split("-")[0]) for p in v.avenants_precedents), default=0) + 1
        if av.rang != expected:
            r.add(("avenant", "rang"), f"rang {expected} attendu : aucune version antérieure "
                  "dans le dossier" + (" et les avenants cités vont jusqu’au rang "
                                       f"{expected - 1}" if expected > 1 else ""))
        return
    previous = history[-1]
    pav = previous.variables.avenant
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
    for earlier in history:
        eav = earlier.variables.avenant
        if eav.numero not in cited:
            r.add(("avenants_precedents",), f"l’avenant n° {eav.numero} ({earlier.label}) n’est "
                  "pas cité")
            continue
        index, citation = cited[eav.numero]
        loc = ("avenants_precedents", index, "date_signature")
        if eav.date_signature is not None and citation.date_signature is None:
            r.warn(("avenants_precedents", index), f"date de signature non citée : "
                   f"{earlier.label} indique le {_date(eav.date_signature)}")
        elif (eav.date_signature is not None and citation.date_signature is not None
              and eav.date_signature != citation.date_signature):
            r.add(loc, f"date différente de celle de {earlier.label} "
                  f"({_date(eav.date_signature)})")
    if v.financement.etat == previous.variables.financement.etat:
        r.warn(("financement", "etat"), f"montant inchangé depuis l’avenant n° {pav.numero} "
               f"({previous.label}) : à confirmer")
    if v.convention != previous.variables.convention:
        r.warn(("convention",), f"la convention diffère de celle de {previous.label} : un "
               "avenant modifie toujours la même convention")


def _draft(path: Path, r: _Report) -> None:
    try:
        with path.open(encoding="utf-8") as handle:
            head = [handle.readline() for _ in range(3)]
    except (OSError, UnicodeDecodeError):
        return
    for number, line in enumerate(head, start=1):
        if DRAFT_MARKER in line:
            r.problems.append(Problem(
                "brouillon préparé par avenant new : relisez chaque valeur reprise, puis "
                "retirez la ligne « BROUILLON »", path=r.label, line=number,
                severity=AVERTISSEMENT))


def problems(v: VariableSet, label: str, lines: dict[Loc, int], *,
             project: Project | None = None, dossier: str | None = None,
             version: str | None = None) -> list[Problem]:
    """All the consistency problems of a set, errors and warnings."""
    report = _Report(label, lines)
    _references(v, report)
    _effectifs(v, report)
    _mediation(v, report)
    _periode(v, report)
    _precedents(v, report)
    _wording(v, report)
    if project is not None and dossier is not None and version is not None:
        _dossier(v, report, project, dossier, version)
        _draft(project.variable_file(dossier, version), report)
    return report.problems


def errors(found: list[Problem]) -> list[Problem]:
    """The errors among problems."""
    return [p for p in found if p.severity == ERREUR]


def check(dossier: str, version: str, *, root: Path | str = ".") -> list[Problem]:
    """Validate DOSSIER VERSION, then run the consistency checks: every problem, in file order.

    A set that does not match the schema returns its schema errors (all of them); a file that
    cannot be read at all (syntax, encoding, refused YAML) raises :class:`VariablesError`.
    """
    project = Project(Path(root))
    path = project.variable_file(dossier, version)
    label = project.relative(path)
    try:
        variables, lines = load(path, label)
    except InvalidVariables as exc:
        return exc.problems
    found = problems(variables, label, lines, project=project, dossier=dossier, version=version)
    return sorted(found, key=lambda p: (p.line or 0, p.severity != ERREUR))
