"""Where things live: templates/, variables/<dossier>/<version>.yaml, output/<dossier>/<version>/.

Names given on the command line are checked before any path is built from them, so that a
DOSSIER or VERSION can never lead outside variables/ or output/; and every path handed out is
resolved (symbolic links followed) and must stay inside the folder it belongs to, so a link
in variables/ cannot make the tool read or write elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import OutputError, UsageError
from .slots import Frozen

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_name(value: str, what: str) -> str:
    """Refuse a dossier or version name that is not a plain file name."""
    if not _NAME.match(value) or ".." in value or len(value) > 100:
        raise UsageError(
            f"{what} invalide : « {value} » (lettres, chiffres, « - », « _ » et « . » seulement, "
            "sans chemin)")
    return value


def version_key(version: str) -> tuple:
    """Sort key of versions: 2023 < 2023-2 < 2024 (numbers compared as numbers)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[-_.]", version))


class Project(Frozen):
    """A project folder: its templates, variable sets and outputs."""

    __slots__ = ("root", "_resolved")

    def __init__(self, root: Path) -> None:
        self.root = root
        self._resolved: Path | None = None

    @property
    def templates(self) -> Path:
        """The folder of docxtpl templates."""
        return self.root / "templates"

    @property
    def variables(self) -> Path:
        """The folder of dossiers, one sub-folder each."""
        return self.root / "variables"

    @property
    def output(self) -> Path:
        """The folder the pipeline writes to."""
        return self.root / "output"

    def contained(self, path: Path, area: Path, *, writing: bool = False) -> Path:
        """``path`` itself, once sure that it resolves inside ``area`` (links followed)."""
        try:
            resolved, base = path.resolve(), area.resolve()
        except (OSError, RuntimeError):  # a loop of links
            resolved, base = None, area
        if resolved is None or not resolved.is_relative_to(base):
            error = OutputError if writing else UsageError
            raise error(f"lien symbolique menant hors de {self.relative(area)}/ : refusé "
                        f"(le projet ne lit et n’écrit que dans templates/, variables/ et "
                        f"output/)", path=self._as_given(path))
        return path

    def _as_given(self, path: Path) -> str:
        """A path relative to the project, links not followed (to name a link itself)."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _unknown_dossier(self, dossier: str) -> UsageError:
        where = self.root.resolve()
        if not self.variables.is_dir():
            found = f"aucun dossier variables/ dans {where}"
        else:
            found = f"dossiers existants dans {where / 'variables'} : " + (
                ", ".join(self.dossiers()) or "aucun")
        return UsageError(f"dossier inconnu : « {dossier} » ({found}) ; lancez avenant depuis "
                          f"le dossier du projet, ou indiquez-le avec --root CHEMIN")

    def relative(self, path: Path) -> str:
        """A path as the user should read it: relative to the project when inside it."""
        try:
            if self._resolved is None:
                self._resolved = self.root.resolve()
            return str(path.resolve().relative_to(self._resolved))
        except ValueError:
            return str(path)

    def dossiers(self) -> list[str]:
        """Every dossier, sorted."""
        if not self.variables.is_dir():
            return []
        return sorted(p.name for p in self.variables.iterdir()
                      if p.is_dir() and _NAME.match(p.name))

    def versions(self, dossier: str) -> list[str]:
        """Every version of a dossier, oldest first."""
        folder = self.variables / check_name(dossier, "nom de dossier")
        if not folder.is_dir():
            return []
        return sorted((p.stem for p in folder.glob("*.yaml") if _NAME.match(p.stem)),
                      key=version_key)

    def variable_file(self, dossier: str, version: str, *, must_exist: bool = True) -> Path:
        """The variable set of DOSSIER VERSION."""
        check_name(dossier, "nom de dossier")
        check_name(version, "version")
        folder = self.variables / dossier
        if must_exist and not folder.is_dir():
            raise self._unknown_dossier(dossier)
        path = self.contained(folder / f"{version}.yaml", self.variables)
        if must_exist and not path.is_file():
            known = ", ".join(self.versions(dossier)) or "aucune"
            raise UsageError(f"version inconnue : « {version} » du dossier « {dossier} » "
                             f"(versions existantes : {known})")
        return path

    def template_file(self, name: str) -> Path:
        """A template of templates/, by file name."""
        check_name(name, "nom de modèle")
        return self.contained(self.templates / name, self.templates)

    def output_dir(self, dossier: str, version: str) -> Path:
        """output/DOSSIER/VERSION/."""
        folder = self.output / check_name(dossier, "nom de dossier") / check_name(version,
                                                                                  "version")
        return self.contained(folder, self.output, writing=True)
