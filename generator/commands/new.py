"""Drafting next year's variable set from the last one: ``avenant new DOSSIER VERSION``.

The new set is the earlier one, edited in place by a round-trip YAML load, so that the
drafter's comments and key order survive. Only what must change is changed: the number (rank
and year), the period (one year later), the signing date (left blank), and the citation of the
avenant it follows. Everything else is carried over as it was, to be reviewed: the visas (even
a finance law of another year), the headcounts, the amounts. The file starts with a comment
that marks it as a draft, and ``check`` keeps warning until the drafter removes it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from ..errors import AvenantError, Problem, UsageError, VariablesError
from ..files import write_atomic
from ..kits.sets import VariableSet, load
from ..paths import Project, check_name, version_key
from .check import DRAFT_MARKER, check

__all__ = ["Drafted", "new", "next_year"]


@dataclass
class Drafted:
    """What ``new`` wrote: the variable set, the avenant built from it, what to review."""

    path: Path
    docx: Path
    review: list[Problem] = field(default_factory=list)


def next_year(day: dt.date) -> dt.date:
    """The same day one year later; a month's last day stays its last day.

    >>> next_year(dt.date(2023, 12, 31)), next_year(dt.date(2024, 2, 29))
    (datetime.date(2024, 12, 31), datetime.date(2025, 2, 28))
    >>> next_year(dt.date(2023, 2, 28))
    datetime.date(2024, 2, 29)
    """
    last = calendar.monthrange(day.year + 1, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return day.replace(year=day.year + 1, day=last)
    return day.replace(year=day.year + 1, day=min(day.day, last))


def _numero_in_comments(node: Any, old: str, new: str) -> None:
    """Rewrite « n° OLD » as « n° NEW » in every comment of the tree (and nowhere else)."""
    pattern = re.compile(rf"(n°[ \u00a0]*){re.escape(old)}\b")

    def visit(item: Any) -> None:
        if isinstance(item, CommentToken):
            item.value = pattern.sub(rf"\g<1>{new}", item.value)
        elif isinstance(item, CommentedMap | CommentedSeq):
            visit([item.ca.comment, item.ca.end, list(item.ca.items.values())])
            visit(list(item.values()) if isinstance(item, CommentedMap) else list(item))
        elif isinstance(item, list | tuple):
            for child in item:
                visit(child)

    visit(node)


def _without_marker(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if DRAFT_MARKER not in line)


def round_trip_yaml(text: str) -> YAML:
    """The round-trip YAML that keeps comments, key order and quoting (new, the web page)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    try:
        _, sequence, offset = load_yaml_guess_indent(text)
    except Exception:  # noqa: BLE001 - a guess only; the real load reports errors
        sequence, offset = None, None
    yaml.indent(mapping=2, sequence=sequence or 4, offset=offset if offset is not None else 2)
    return yaml


def _citation(variables: VariableSet) -> CommentedMap:
    item = CommentedMap()
    item["numero"] = variables.avenant.numero
    if variables.avenant.date_signature is not None:
        item["date_signature"] = variables.avenant.date_signature
    return item


def draft_text(source_text: str, source: VariableSet, earlier: list[VariableSet],
               source_version: str) -> str:
    """The text of the next set: SOURCE's text with the number, period and citations moved on.

    ``earlier`` holds every earlier set of the dossier, oldest first; the last one is the
    avenant the new one follows (usually ``source`` itself).
    """
    latest = earlier[-1]
    text = _without_marker(source_text)
    yaml = round_trip_yaml(text)
    tree = yaml.load(text)
    avenant = tree["avenant"]
    periode = avenant["periode"]
    old = source.avenant
    avenant["rang"] = latest.avenant.rang + 1
    avenant["annee"] = latest.avenant.annee + 1
    periode["debut"] = next_year(latest.avenant.periode.debut)
    periode["fin"] = next_year(latest.avenant.periode.fin)
    if avenant.get("date_signature") is not None:
        avenant["date_signature"] = None
    if "statut" in avenant:
        avenant["statut"] = "projet"
    else:
        avenant.insert(list(avenant).index("periode") + 1, "statut", "projet")
    new_numero = f"{avenant['rang']}-{avenant['annee']}"
    _numero_in_comments(tree, old.numero, new_numero)

    cited = tree.get("avenants_precedents")
    if not isinstance(cited, CommentedSeq):
        cited = CommentedSeq()
        tree["avenants_precedents"] = cited
    numbers = {str(item.get("numero")) for item in cited if isinstance(item, dict)}
    for variables in earlier:
        if variables.avenant.numero not in numbers:
            cited.append(_citation(variables))
            numbers.add(variables.avenant.numero)
    if cited:
        cited.fa.set_block_style()

    out = io.StringIO()
    yaml.dump(tree, out)
    marker = (f"# {DRAFT_MARKER} à partir de {source_version} : à relire "
              f"(avenant n° {new_numero}) ; retirez cette ligne une fois relu.\n")
    body = out.getvalue()
    if body.startswith("# yaml-language-server:"):
        schema, body = body.split("\n", 1)
        return f"{schema}\n{marker}{body}"
    return marker + body


def new(dossier: str, version: str, *, root: Path | str = ".",
        previous: str | None = None) -> Drafted:
    """Draft variables/DOSSIER/VERSION.yaml from the latest earlier set (or PREVIOUS), build it.

    The number, year and period follow the dossier's latest earlier avenant, which is cited
    with every other earlier one; the values are carried over from PREVIOUS when given. An
    existing set is never overwritten.
    """
    project = Project(Path(root))
    check_name(dossier, "nom de dossier")
    check_name(version, "version")
    target = project.variable_file(dossier, version, must_exist=False)
    label = project.relative(target)
    if target.exists():
        raise VariablesError("ce jeu de variables existe déjà : rien n’a été modifié (choisissez "
                             "une autre version, ou supprimez le fichier pour le refaire)",
                             path=label)
    earlier_versions = [v for v in project.versions(dossier)
                        if version_key(v) < version_key(version)]
    if previous is not None:
        project.variable_file(dossier, previous)
        if version_key(previous) >= version_key(version):
            raise UsageError(f"la version de départ ({previous}) doit précéder la nouvelle "
                             f"({version})")
    elif not earlier_versions:
        known = ", ".join(project.versions(dossier)) or "aucune"
        raise UsageError(f"aucune version antérieure à {version} dans le dossier « {dossier} » "
                         f"(versions existantes : {known}) : rien à reprendre")
    source_version = previous or earlier_versions[-1]
    loaded: dict[str, VariableSet] = {}
    for earlier in earlier_versions:
        path = project.variable_file(dossier, earlier)
        loaded[earlier] = load(path, project.relative(path), root=project.root)
    source_path = project.variable_file(dossier, source_version)
    text = draft_text(source_path.read_text(encoding="utf-8"), loaded[source_version],
                      list(loaded.values()), source_version)
    write_atomic(target, text.encode("utf-8"), label=label)

    from .build import build

    try:
        result = build(dossier, version, root=root)
    except AvenantError as exc:
        raise VariablesError(f"le brouillon a été écrit, mais l’avenant n’a pas pu être produit "
                             f"; corrigez le brouillon puis lancez avenant build :\n{exc}",
                             path=label) from None
    return Drafted(path=target, docx=result.docx, review=check(dossier, version, root=root))

