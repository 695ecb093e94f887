"""Reading a kit file (``templates/<kit>/kit.yaml``): validated, every error at file:line:field.

A kit declares the fields its template uses beyond the kernel, the values it computes
(``calculs``) and the checks it makes (``controles``). It is parsed once per process and kept
(keyed by path, size and modification time).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TemplateError
from ..loader import Loc, _dotted, _line_of, read_tree

TYPES = ("texte", "entier", "montant", "date", "booleen", "choix", "liste", "table", "section")
IDENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Bounds a kit gets unless it says otherwise: every number is one the text can say.
DEFAULT_BOUNDS: dict[str, tuple[int, int]] = {
    "entier": (0, 5000),                 # a headcount, a count of anything: a few thousand
    "montant": (0, 100_000_000),         # euros: a hundred million is already a large avenant
}
MAX_TEXT = 2000
_FIELD_KEYS = {"type", "libelle", "aide", "requis", "defaut", "min", "max", "centimes", "choix",
               "element", "champs", "exemple", "libelle_element"}
_KIT_KEYS = {"kit", "titre", "description", "modele", "champs", "calculs", "controles"}
_CHECK_KEYS = {"condition", "message", "champ", "niveau", "pour_chaque"}


class KitError(TemplateError):
    """A kit file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class Field:
    """One field of a kit: its type, French label and help, bounds, choices, sub-fields."""

    name: str
    type: str
    label: str
    help: str = ""
    required: bool = True
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] = ()
    cents: bool = False
    element: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    example: Any = None
    item_label: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Calcul:
    """A computed value: a Jinja expression, evaluated in the template's sandbox."""

    name: str
    expression: str
    label: str
    line: int | None = None


@dataclass(frozen=True)
class Check:
    """A check: a condition that must hold, the French message, where it points."""

    condition: str
    message: str
    field: str = ""
    level: str = "erreur"
    for_each: str | None = None
    line: int | None = None


@dataclass(frozen=True, eq=False)
class Kit:
    """A kit: its fields, computed values, checks and Word template."""

    name: str
    title: str
    description: str
    template: Path
    fields: dict[str, Field]
    calculs: dict[str, Calcul]
    checks: tuple[Check, ...]
    path: Path
    label: str


class _Reader:
    def __init__(self, label: str, lines: dict[Loc, int]) -> None:
        self.label = label
        self.lines = lines
        self.pending: list[tuple[str, str, Loc]] = []

    def fail(self, loc: Loc, message: str) -> KitError:
        return KitError(message, path=self.label, line=_line_of(loc, self.lines),
                        field=_dotted(loc) or None)

    def mapping(self, value: Any, loc: Loc, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(loc, "section attendue (clé: valeur)")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise self.fail((*loc, key), "clé inconnue (clés possibles : "
                                    f"{', '.join(sorted(allowed))})")
        return value

    def text(self, value: Any, loc: Loc, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(loc, "texte attendu")
        return value

    def number(self, value: Any, loc: Loc) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(loc, "nombre attendu")
        return value

    def field(self, name: str, spec: Any, loc: Loc) -> Field:
        spec = self.mapping(spec, loc, _FIELD_KEYS)
        kind = spec.get("type")
        if kind not in TYPES:
            raise self.fail((*loc, "type"), f"type inconnu : « {kind} » (types possibles : "
                            f"{', '.join(TYPES)})")
        label = self.text(spec.get("libelle"), (*loc, "libelle"))
        required = spec.get("requis", True)
        if not isinstance(required, bool):
            raise self.fail((*loc, "requis"), "true ou false attendu")
        low, high = DEFAULT_BOUNDS.get(kind, (None, None))
        minimum = self.number(spec.get("min"), (*loc, "min"))
        maximum = self.number(spec.get("max"), (*loc, "max"))
        choices: tuple[str, ...] = ()
        if kind == "choix":
            raw = spec.get("choix")
            if not isinstance(raw, list) or not raw or not all(
                    isinstance(c, str) and c.strip() for c in raw):
                raise self.fail((*loc, "choix"), "liste de choix (textes) attendue")
            choices = tuple(raw)
        element = None
        if kind in ("liste", "table"):
            if "element" not in spec:
                raise self.fail(loc, f"un champ de type {kind} décrit son « element »")
            element = self.field(name, spec["element"], (*loc, "element"))
        fields: dict[str, Field] = {}
        if kind == "section":
            for sub, sub_spec in self.mapping(spec.get("champs"), (*loc, "champs")).items():
                if not NAME.match(str(sub)):
                    raise self.fail((*loc, "champs", sub), "nom de champ invalide (minuscules "
                                    "sans accent, chiffres et « _ »)")
                fields[sub] = self.field(sub, sub_spec, (*loc, "champs", sub))
        cents = spec.get("centimes", False)
        if not isinstance(cents, bool):
            raise self.fail((*loc, "centimes"), "true ou false attendu")
        return Field(
            name=name, type=kind, label=label,
            help=self.text(spec.get("aide"), (*loc, "aide"), required=False),
            required=required, default=spec.get("defaut"),
            min=low if minimum is None else minimum, max=high if maximum is None else maximum,
            choices=choices, cents=cents, element=element, fields=fields,
            example=spec.get("exemple"), item_label=spec.get("libelle_element"),
            line=_line_of(loc, self.lines))


def _compile(reader: _Reader, source: str, loc: Loc, *, expression: bool) -> None:
    """Note an expression (or a short text) to parse; all are parsed at once by _parse_all."""
    reader.pending.append((f"{{{{ ({source}) }}}}" if expression else source, source, loc))


def _parse_all(reader: _Reader) -> None:
    """Refuse an expression that does not parse, naming it; nothing is compiled here."""
    from jinja2 import TemplateSyntaxError

    from .expressions import environment

    env = environment()
    for text, source, loc in reader.pending:
        try:
            env.parse(text)
        except TemplateSyntaxError as exc:
            raise reader.fail(loc, f"expression invalide : {exc.message} (« {source} »)") from None


def _calculs(reader: _Reader, data: Any, fields: dict[str, Field]) -> dict[str, Calcul]:
    out: dict[str, Calcul] = {}
    for name, spec in reader.mapping(data or {}, ("calculs",)).items():
        loc: Loc = ("calculs", name)
        if not NAME.match(str(name)):
            raise reader.fail(loc, "nom de calcul invalide (minuscules sans accent, chiffres, _)")
        if name in fields:
            raise reader.fail(loc, f"« {name} » est déjà un champ du kit")
        if isinstance(spec, str):
            spec = {"expression": spec}
        spec = reader.mapping(spec, loc, {"expression", "libelle"})
        expression = reader.text(spec.get("expression"), (*loc, "expression"))
        _compile(reader, expression, loc, expression=True)
        label = reader.text(spec.get("libelle"), (*loc, "libelle"), required=False) or name
        out[name] = Calcul(name, expression, label, _line_of(loc, reader.lines))
    return out


def _checks(reader: _Reader, data: Any) -> tuple[Check, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise reader.fail(("controles",), "liste de contrôles attendue")
    out = []
    for index, spec in enumerate(data):
        loc: Loc = ("controles", index)
        spec = reader.mapping(spec, loc, _CHECK_KEYS)
        condition = reader.text(spec.get("condition"), (*loc, "condition"))
        _compile(reader, condition, (*loc, "condition"), expression=True)
        message = reader.text(spec.get("message"), (*loc, "message"))
        _compile(reader, message, (*loc, "message"), expression=False)
        where = reader.text(spec.get("champ"), (*loc, "champ"), required=False)
        _compile(reader, where, (*loc, "champ"), expression=False)
        level = spec.get("niveau", "erreur")
        if level not in ("erreur", "avertissement"):
            raise reader.fail((*loc, "niveau"), "valeur attendue : 'erreur' ou 'avertissement'")
        for_each = spec.get("pour_chaque")
        if for_each is not None:
            reader.text(for_each, (*loc, "pour_chaque"))
            _compile(reader, for_each, (*loc, "pour_chaque"), expression=True)
        out.append(Check(condition, message, where, level, for_each,
                         _line_of(loc, reader.lines)))
    return tuple(out)


def _read(path: Path, label: str) -> Kit:
    from ..kernel import KERNEL_KEYS

    data, lines = read_tree(path, label)
    reader = _Reader(label, lines)
    reader.mapping(data, (), _KIT_KEYS)
    name = reader.text(data.get("kit"), ("kit",))
    if name != path.parent.name:
        raise reader.fail(("kit",), f"le kit s’appelle comme son dossier : « {path.parent.name} »")
    template_name = reader.text(data.get("modele"), ("modele",))
    template = path.parent / template_name
    if "/" in template_name or not template_name.endswith(".docx"):
        raise reader.fail(("modele",), "nom de fichier .docx attendu, à côté de kit.yaml")
    fields: dict[str, Field] = {}
    for key, spec in reader.mapping(data.get("champs") or {}, ("champs",)).items():
        loc: Loc = ("champs", key)
        if not NAME.match(str(key)):
            raise reader.fail(loc, "nom de champ invalide (minuscules sans accent, chiffres, _)")
        if key in KERNEL_KEYS or key == "kit":
            raise reader.fail(loc, f"« {key} » appartient au noyau commun : un kit ne le "
                              "redéfinit pas")
        fields[key] = reader.field(key, spec, loc)
    kit = Kit(
        name=name, title=reader.text(data.get("titre"), ("titre",)),
        description=reader.text(data.get("description"), ("description",), required=False),
        template=template, fields=fields, calculs=_calculs(reader, data.get("calculs"), fields),
        checks=_checks(reader, data.get("controles")), path=path, label=label)
    object.__setattr__(kit, "_reader", reader)
    return kit


def check_expressions(kit: Kit) -> None:
    """Raise :class:`KitError`, at the kit's file:line:field, for an expression that does not parse.

    Not done when a kit is read (parsing every expression costs more than the build needs):
    ``check`` calls it, and a build whose compiled expressions fail calls it to say why.
    """
    _parse_all(kit._reader)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=32)
def _cached(path: str, label: str, mtime: int, size: int) -> Kit:
    return _read(Path(path), label)


def kit_file(root: Path, name: str) -> Path:
    """The kit file of kit NAME under ROOT/templates/."""
    return Path(root) / "templates" / name / "kit.yaml"


def list_kits(root: Path | str) -> list[str]:
    """The kits of a project: every folder of templates/ that holds a kit.yaml."""
    folder = Path(root) / "templates"
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob("*/kit.yaml") if IDENT.match(p.parent.name))


def load_kit(root: Path | str, name: str) -> Kit:
    """The kit NAME of the project at ROOT, parsed once per process (until its file changes)."""
    root = Path(root)
    if not isinstance(name, str) or not IDENT.match(name):
        raise KitError(f"nom de kit invalide : « {name} » (kits : "
                       f"{', '.join(list_kits(root)) or 'aucun'})")
    path = kit_file(root, name)
    try:
        label = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        label = str(path)
    try:
        stat = path.stat()
    except OSError:
        raise KitError(f"kit inconnu : « {name} » (kits : {', '.join(list_kits(root)) or 'aucun'})",
                       path=label) from None
    from ..paths import Project

    project = Project(root)  # neither the kit file nor its template may lead out of templates/
    kit = _cached(str(project.contained(path, project.templates).resolve()), label,
                  stat.st_mtime_ns, stat.st_size)
    project.contained(kit.template, project.templates)
    return kit


def is_date(value: Any) -> bool:
    """A date, not a date-time."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
