"""A variable set: the kernel (typed) and its kit's fields (validated against the kit file).

The set names its kit (``kit: cpo-annuel``); the YAML is read by
:func:`generator.variables.reader.read_tree`, which knows each line, so every problem is placed at
``file:line: field``. A valid set is kept for the life of the process (keyed by path, size and
modification time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidVariables, Problem
from ..kernel.model import KERNEL_KEYS, Kernel
from ..kernel.validate import validate_kernel
from ..variables.nodes import Loc, _dotted, _line_of
from ..variables.tags import _screen_values
from .kit import Kit, KitError, list_kits, load_kit
from .values import check_fields


@dataclass
class VariableSet:
    """One variable set: the kernel, the kit, the kit's values, and where each line is."""

    kit: Kit
    kernel: Kernel
    values: dict[str, Any]
    data: dict[str, Any]
    label: str
    lines: dict[Loc, int] = field(default_factory=dict)
    _context: dict[str, Any] | None = field(default=None, repr=False)

    def __getattr__(self, name: str) -> Any:
        """The kernel's sections read as the set's own (``variables.avenant``)."""
        if name in KERNEL_KEYS:
            return getattr(self.kernel, name)
        raise AttributeError(name)

    def as_dict(self) -> dict[str, Any]:
        """The whole set as plain data (kernel then kit values)."""
        return {**self.kernel.as_dict(), **self.values}

    def context(self) -> dict[str, Any]:
        """The template's context: kernel values, the kit's fields, then its calculs."""
        if self._context is None:
            from .context import build_context

            self._context = build_context(self)
        return self._context


def _problem(label: str, lines: dict[Loc, int], loc: Loc, message: str) -> Problem:
    return Problem(message, path=label, line=_line_of(loc, lines) or 1, field=_dotted(loc) or None)


def _kit_of(data: dict[str, Any], root: Path, label: str, lines: dict[Loc, int]) -> Kit:
    name = data.get("kit")
    known = ", ".join(list_kits(root)) or "aucun"
    if name is None:
        raise InvalidVariables(label, [_problem(label, lines, ("kit",),
                               f"champ obligatoire manquant : le kit du jeu (kits : {known})")])
    try:
        return load_kit(root, name)
    except KitError as exc:
        if exc.path is not None and exc.path.endswith("kit.yaml") and exc.line:
            raise
        raise InvalidVariables(label, [_problem(label, lines, ("kit",),
                               f"kit inconnu : « {name} » (kits : {known})")]) from None


def _read(path: Path, label: str, root: Path) -> VariableSet:
    from .parsed import read_tree_cached

    data, lines = read_tree_cached(path, label)
    return from_tree(data, lines, label, root)


def from_tree(data: Any, lines: dict[Loc, int], label: str, root: Path) -> VariableSet:
    """Validate a set already read (the web page checks drafts that are not on disk)."""
    problems: list[Problem] = []
    _screen_values(data, (), lines, label, problems)
    kit = _kit_of(data, root, label, lines)
    kernel, found = validate_kernel(data)
    own = {k: v for k, v in data.items() if k not in KERNEL_KEYS and k != "kit"}
    values = check_fields(own, kit.fields, (), found)
    problems += [_problem(label, lines, loc, message) for loc, message in found]
    if problems or kernel is None:
        from .labels import labels_of_data, name_places, placed

        name_places(problems, label, labels_of_data(kit, data, placed(problems, label)))
        problems.sort(key=lambda p: p.line or 0)
        raise InvalidVariables(label, problems)
    return VariableSet(kit, kernel, values, data, label, lines)


_CACHE: dict[tuple[str, str, str, int, int], VariableSet] = {}


def load(path: Path, label: str | None = None, *, root: Path | str | None = None
         ) -> VariableSet:
    """Load and validate a variable set; every problem of the file is reported at once.

    ROOT is the project (for templates/<kit>/kit.yaml); by default the folder two levels above
    the dossier's folder (``variables/<dossier>/<version>.yaml``).
    """
    label = label or str(path)
    root = Path(root) if root is not None else path.resolve().parents[2]
    try:
        stat = path.stat()
        key = (str(path.resolve()), label, str(root.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return _read(path, label, root)
    if key not in _CACHE:
        _CACHE[key] = _read(path, label, root)
    return _CACHE[key]
