"""The kernel's sections, as a drafter writes them in ``variables/<dossier>/<version>.yaml``.

The model checks shapes and ranges only; what relates fields to one another lives in
:mod:`generator.kernel.checks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

NOT_BLANK = r"\S"
Text = Annotated[str, Meta(pattern=NOT_BLANK, max_length=2000)]
Ident = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Civilite = Literal["Monsieur", "Madame"]
Fonction = Literal["prefet", "president", "maire", "directeur"]
Statut = Literal["projet", "final"]


class _Model(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Base of every section: unknown keys are errors, instances are immutable."""

    def as_dict(self) -> dict[str, Any]:
        """The section as plain data (dates stay dates)."""
        data: dict[str, Any] = msgspec.to_builtins(self, builtin_types=(dt.date, dt.datetime))
        return data


class Periode(_Model, kw_only=True, frozen=True):
    """The period the avenant covers (whole months)."""

    debut: dt.date
    fin: dt.date


class Avenant(_Model, kw_only=True, frozen=True):
    """The avenant: rank, year, period, place and date of signing, projet or final."""

    rang: Annotated[int, Meta(ge=1, le=99)]
    annee: Annotated[int, Meta(ge=2000, le=2100)]
    periode: Periode
    lieu_signature: Text
    date_signature: dt.date | None = None
    statut: Statut = "final"

    @property
    def numero(self) -> str:
        """The avenant's number, ``rang-annee`` (``1-2023``)."""
        return f"{self.rang}-{self.annee}"


class Convention(_Model, kw_only=True, frozen=True):
    """The convention the avenant amends, as signed: its title is cited verbatim ever after."""

    intitule: Text
    date_signature: dt.date


class AvenantPrecedent(_Model, kw_only=True, frozen=True):
    """An earlier avenant, cited in the visas as it was signed."""

    numero: Annotated[str, Meta(pattern=r"^\d+-\d{4}$")]
    date_signature: dt.date | None = None
    intitule: Text | None = None


class Signataire(_Model, kw_only=True, frozen=True):
    """A person who signs; titles agree with the civilité."""

    civilite: Civilite
    prenom: Text
    nom: Text


class Partie(_Model, kw_only=True, frozen=True):
    """A party to the avenant, represented by a signataire acting in a fonction."""

    id: Ident
    designation: Text
    genre: Literal["masculin", "feminin"]
    signataire: Ident
    fonction: Fonction
    ressort: Text
    ressort_parties: str | None = None
    ressort_comite: str | None = None


class Kernel(_Model, kw_only=True, frozen=True):
    """The sections every avenant has, whatever its kit."""

    avenant: Avenant
    convention: Convention
    avenants_precedents: list[AvenantPrecedent] = []
    visas: list[Text]
    signataires: dict[Ident, Signataire]
    parties: list[Partie]


KERNEL_KEYS = tuple(f.encode_name for f in msgspec.structs.fields(Kernel))
