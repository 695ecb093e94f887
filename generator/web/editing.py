"""Editing a variable set from the page: apply the form to the YAML, check it, save it.

The YAML file stays the source of truth. The page sends the draft text it holds plus the
values of its inputs; they are applied to a ruamel.yaml round-trip tree, so that comments, key
order and quoting survive and a save changes only the lines whose value changed. Checking runs
the very code of ``avenant check`` (the loader's validation, then the consistency checks).
"""

from __future__ import annotations

import difflib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..commands.check import ERREUR, problems
from ..commands.new import round_trip_yaml
from ..errors import AvenantError, InvalidVariables, Problem, VariablesError
from ..files import write_atomic
from ..kits.sets import VariableSet, from_tree
from ..kits.template_check import check_template
from ..paths import Project
from ..variables.reader import read_tree
from .form import Field, Loc, display, field_at, new_element, parse_path, to_value

OPERATIONS = ("ajouter", "retirer", "monter", "descendre")


class Conflict(VariablesError):
    """The file changed on disk since the page loaded it; ``changes`` is a unified diff."""

    def __init__(self, label: str, changes: str) -> None:
        self.changes = changes
        super().__init__("le fichier a été modifié sur le disque depuis l’ouverture de la page : "
                         "rien n’a été enregistré", path=label)


@dataclass
class Checked:
    """A draft checked: its problems, and the typed set when the schema accepts it."""

    problems: list[Problem]
    variables: VariableSet | None

    @property
    def errors(self) -> list[Problem]:
        """The errors among the problems."""
        return [p for p in self.problems if p.severity == ERREUR]


def read(project: Project, dossier: str, version: str) -> str:
    """The text of a variable set (names checked as on the command line)."""
    path = project.variable_file(dossier, version)
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VariablesError(f"lecture impossible ({exc})", path=project.relative(path)) from None


def tree(text: str) -> Any:
    """The round-trip tree of a YAML text."""
    return round_trip_yaml(text).load(text)


def _dump(text: str, data: Any) -> str:
    out = io.StringIO()
    round_trip_yaml(text).dump(data, out)
    return out.getvalue()


def _node(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def set_values(data: Any, form: Field, values: dict[str, str]) -> bool:
    """Apply the form's values to a tree (plain or round-trip); tell whether any changed.

    A value shown unchanged is left alone, so its line keeps its spelling and quoting.
    """
    changed = False
    for name, sent in values.items():
        loc = parse_path(name)
        kind = field_at(form, loc)
        if not loc or kind is None or kind.type in ("liste", "table", "section"):
            continue
        try:
            parent = _node(data, loc[:-1])
        except (KeyError, IndexError, TypeError):
            continue
        present = _has(parent, loc[-1])
        old = parent[loc[-1]] if present else None
        value = to_value(kind, sent, old)
        if value is old or (display(value) == display(old) and type(value) is type(old)):
            continue
        if value is None and not present:
            continue
        if not present and not isinstance(parent, dict):
            continue
        parent[loc[-1]] = value
        changed = True
    return changed


def apply(text: str, form: Field, values: dict[str, str]) -> str:
    """The draft text with the form's values applied, comments and layout kept."""
    data = tree(text)
    return _dump(text, data) if set_values(data, form, values) else text


def _has(parent: Any, key: str | int) -> bool:
    if isinstance(parent, list):
        return isinstance(key, int) and 0 <= key < len(parent)
    return isinstance(parent, dict) and key in parent


def restructure(text: str, form: Field, values: dict[str, str], operation: str, path: str,
                key: str = "") -> str:
    """The form's values applied, then a list or table changed.

    An element is added to the list or table at ``path``, or the element at ``path`` is removed
    or moved up or down.
    """
    if operation not in OPERATIONS:
        raise VariablesError(f"opération inconnue : « {operation} »")
    data = tree(text)
    set_values(data, form, values)
    loc = parse_path(path)
    kind = field_at(form, loc if operation == "ajouter" else loc[:-1])
    try:
        target = _node(data, loc if operation == "ajouter" else loc[:-1])
    except (KeyError, IndexError, TypeError):
        raise VariablesError("champ introuvable", field=path) from None
    if kind is None or kind.element is None:
        raise VariablesError("ce champ n’est pas une liste", field=path)
    if operation == "ajouter":
        _add(target, kind, key, path)
    elif isinstance(target, CommentedSeq | list):
        _move_in_list(target, int(loc[-1]), operation)
    else:
        _move_in_table(target, str(loc[-1]), operation)
    return _dump(text, data)


def _add(target: Any, kind: Field, key: str, path: str) -> None:
    assert kind.element is not None
    if isinstance(target, list):
        target.append(new_element(kind.element, list(target)))
        return
    from ..paths import check_name

    if not key:
        raise VariablesError("indiquez l’identifiant du nouvel élément", field=path)
    check_name(key, "identifiant")
    if key in target:
        raise VariablesError(f"l’identifiant « {key} » existe déjà", field=path)
    target[key] = new_element(kind.element, list(target.values()))


def _move_in_list(items: Any, index: int, operation: str) -> None:
    if not 0 <= index < len(items):
        return
    if operation == "retirer":
        del items[index]
        return
    other = index - 1 if operation == "monter" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def _move_in_table(table: CommentedMap, key: str, operation: str) -> None:
    if key not in table:
        return
    if operation == "retirer":
        del table[key]
        return
    keys = list(table)
    index = keys.index(key)
    other = index - 1 if operation == "monter" else index + 1
    if 0 <= other < len(keys):
        value = table.pop(key)
        table.insert(other, key, value)


def read_draft(text: str, label: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    """A draft as plain data with each field's line, read by the loader of ``check``."""
    with tempfile.TemporaryDirectory(prefix="avenant-web-") as tmp:
        draft = Path(tmp) / "brouillon.yaml"
        draft.write_text(text, encoding="utf-8")
        data, lines = read_tree(draft, label)
    return (data if isinstance(data, dict) else {}), lines


def check_tree(project: Project, dossier: str, version: str, data: dict[str, Any],
               lines: dict[Loc, int]) -> Checked:
    """Check a draft with the code of ``avenant check``, as if it were the saved file."""
    label = project.relative(project.variable_file(dossier, version))
    try:
        variables = from_tree(data, lines, label, project.root)
    except InvalidVariables as exc:
        return Checked(exc.problems, None)
    except AvenantError as exc:
        return Checked([Problem(exc.message, path=exc.path or label, line=exc.line,
                                field=exc.field)], None)
    found = problems(variables, project=project, dossier=dossier, version=version)
    found += check_template(variables.kit)
    found.sort(key=lambda p: (p.path != label, p.line or 0, p.severity != ERREUR))
    return Checked(found, variables)


def check_text(project: Project, dossier: str, version: str, text: str) -> Checked:
    """Check a draft text (see :func:`check_tree`)."""
    label = project.relative(project.variable_file(dossier, version))
    try:
        data, lines = read_draft(text, label)
    except AvenantError as exc:
        return Checked([Problem(exc.message, path=label, line=exc.line, field=exc.field)], None)
    return check_tree(project, dossier, version, data, lines)


def save(project: Project, dossier: str, version: str, text: str, original: str) -> None:
    """Write the draft over the set if the file is still ``original`` (as the page loaded it).

    Otherwise raise :class:`Conflict` with what changed on disk since. A draft the reader
    refuses (a character no document may hold) is never written: the page could not reopen it.
    A draft with other errors is, as work in progress.
    """
    path = project.variable_file(dossier, version)
    label = project.relative(path)
    try:
        read_draft(text, label)
    except AvenantError as exc:
        raise VariablesError(f"{exc.message} ; rien n’a été enregistré", path=exc.path,
                             line=exc.line, field=exc.field) from None
    on_disk = read(project, dossier, version)
    if on_disk != original:
        raise Conflict(label, "".join(difflib.unified_diff(
            original.splitlines(keepends=True), on_disk.splitlines(keepends=True),
            fromfile="à l’ouverture de la page", tofile="sur le disque maintenant")))
    write_atomic(path, text.encode("utf-8"), force=True, keep_old=False, label=label)
