"""Error types: one base, subclasses that carry the place (file, line, field) and the value.

Every message is French and starts with the place, so that the CLI can print it as is:
``variables/mon-dossier/2024.yaml:14: financement.etat: …``.
"""

from __future__ import annotations

import errno
import re

from .slots import Slotted

_INDEX = re.compile(r"\[(\d+)\]")


def shown_field(field: str) -> str:
    """A field path as a reader counts list items: from 1, as the labels (« visa n° 2 »).

    The code's paths count from 0 (``visas[1]`` is the second visa); every path printed for a
    user goes through here, the code's own (form names, problem places) stay as they are.

    >>> shown_field("visas[1]")
    'visas[2]'
    >>> shown_field("budget.charges.60.montant")
    'budget.charges.60.montant'
    """
    return _INDEX.sub(lambda m: f"[{int(m.group(1)) + 1}]", field)


def _place(path: str | None, line: int | None, field: str | None) -> str:
    """``file:line: field: ``, each part when known."""
    place = ""
    if path:
        place = f"{path}:{line}: " if line else f"{path}: "
    return place + (f"{field}: " if field else "")


class AvenantError(Exception):
    """Base of every error a user can cause; the CLI prints ``str(error)`` and exits 1."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None, value: object = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.value = value
        super().__init__(self.__str__())

    def __str__(self) -> str:
        field = shown_field(self.field) if self.field else None
        return _place(self.path and str(self.path), self.line, field) + self.message


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "c’est un dossier",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EEXIST: "existe déjà",
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in French."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class VariablesError(AvenantError):
    """A variable set cannot be read or is invalid."""


class Problem(Slotted):
    """One problem found in a variable set (an error or a warning).

    ``field`` is the code's path (lists from 0), printed by `shown_field`; ``label`` the field
    in the document's words (« montant de l’État »).
    """

    __slots__ = ("message", "path", "line", "field", "severity", "label")

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 field: str | None = None, severity: str = "erreur",
                 label: str | None = None) -> None:
        self.message, self.path, self.line, self.field = message, path, line, field
        self.severity, self.label = severity, label

    def __str__(self) -> str:
        field = shown_field(self.field) if self.field else None
        if field and self.label:
            field += f" ({self.label})"
        return _place(self.path, self.line, field) + self.message


class InvalidVariables(VariablesError):
    """All the problems of one variable set, reported at once."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} erreur(s)", path=path,
        )

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class TemplateError(AvenantError):
    """A template is missing, malformed, or asks for something the variable set lacks."""


class CompareError(AvenantError):
    """A document given to compare is not a usable Word file."""


class OutputError(AvenantError):
    """An output path is refused (outside the project, or would overwrite a user's file)."""


class UsageError(AvenantError):
    """The command line names something that does not exist (a dossier, a version)."""


class CommandError(UsageError):
    """The command itself is malformed (wrong number of arguments…): exit status 2."""


__all__ = [
    "AvenantError", "VariablesError", "InvalidVariables", "Problem", "TemplateError",
    "CompareError", "OutputError", "UsageError", "CommandError",
]


class FormatError(AvenantError):
    """A value cannot be written in French as asked (a negative amount, a fractional count…)."""


__all__ += ["FormatError", "os_reason", "shown_field"]
