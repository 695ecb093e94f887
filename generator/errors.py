"""Error types: one base, subclasses that carry the place (file, line, field) and the value.

Every message is French and starts with the place, so that the CLI can print it as is:
``variables/mon-dossier/2024.yaml:14: financement.etat: …``.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


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
        place = ""
        if self.path:
            place = str(self.path)
            if self.line:
                place += f":{self.line}"
            place += ": "
        if self.field:
            place += f"{self.field}: "
        return place + self.message


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


@dataclass
class Problem:
    """One problem found in a variable set (an error or a warning)."""

    message: str
    path: str | None = None
    line: int | None = None
    field: str | None = None
    severity: str = "erreur"

    def __str__(self) -> str:
        return str(AvenantError(self.message, path=self.path, line=self.line, field=self.field))


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


__all__ += ["FormatError", "os_reason"]
