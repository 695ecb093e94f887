"""The typed model of a variable set: one avenant of one dossier.

Field names are the French keys a drafter writes in ``variables/<dossier>/<version>.yaml``.
The model only checks shapes and ranges; the checks that relate fields to one another
(totals, references between parties and signataires, dates) live in :mod:`generator.checks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

NOT_BLANK = r"\S"
Text = Annotated[str, Meta(pattern=NOT_BLANK)]
OptionalText = str
Count = Annotated[int, Meta(ge=0)]
Ident = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Civilite = Literal["Monsieur", "Madame"]
Fonction = Literal["prefet", "president", "maire", "directeur"]


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
    """The avenant itself: rank within the convention, year, period, place and date of signing."""

    rang: Annotated[int, Meta(ge=1)]
    annee: Annotated[int, Meta(ge=2000, le=2100)]
    periode: Periode
    lieu_signature: Text
    date_signature: dt.date | None = None

    @property
    def numero(self) -> str:
        """The avenant's number, ``rang-annee`` (``1-2023``)."""
        return f"{self.rang}-{self.annee}"


class Convention(_Model, kw_only=True, frozen=True):
    """The convention the avenant amends."""

    objet: Text
    territoire: Text
    territoire_court: Text
    date_signature: dt.date


class AvenantPrecedent(_Model, kw_only=True, frozen=True):
    """An earlier avenant to the same convention, cited in the visas."""

    numero: Annotated[str, Meta(pattern=r"^\d+-\d{4}$")]
    date_signature: dt.date | None = None


class Commune(_Model, kw_only=True, frozen=True):
    """A commune of the bataillon, with the words the text uses for it."""

    nom: Text
    quartier: Text
    adjectif: Text
    engagement: Text
    dispositif_entre_guillemets: bool = True


class Effectifs(_Model, kw_only=True, frozen=True):
    """Headcounts per role and per commune.

    A role may also carry a typed ``total`` (and the whole set a typed ``total``): they are
    never needed, since totals are computed, but when present they are checked.
    """

    educateurs: dict[Ident, Count]
    mediateurs: dict[Ident, Count]
    total: Count | None = None


class Repartition(_Model, kw_only=True, frozen=True):
    """How one commune's mediators split between school and youth mediation."""

    scolaires: Count
    jeunesse: Count


class Mediation(_Model, kw_only=True, frozen=True):
    """The mediation article of one commune."""

    recrutement: Literal["certain", "eventuel"]
    repartition: Repartition | None = None
    public_jeunesse: Text | None = None
    partenaires: list[Text] = []
    missions: list[Text] = []


class Financement(_Model, kw_only=True, frozen=True):
    """Amounts in euros (integers: cents are not used in this scheme)."""

    etat: Annotated[int, Meta(gt=0)]


class Metropole(_Model, kw_only=True, frozen=True):
    """The intercommunal body."""

    nom: Text
    deliberation: Text


class Association(_Model, kw_only=True, frozen=True):
    """The association that employs the professionals."""

    nom: Text


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
    ressort_parties: OptionalText | None = None
    ressort_comite: OptionalText | None = None


class MembreComite(_Model, kw_only=True, frozen=True):
    """A member of the steering committee: a party (by id) or another office holder."""

    partie: Ident | None = None
    fonction: Fonction | None = None
    civilite: Civilite | None = None
    ressort: Text | None = None


class VariableSet(_Model, kw_only=True, frozen=True):
    """One variable set: everything that varies by year or place in an avenant."""

    avenant: Avenant
    convention: Convention
    avenants_precedents: list[AvenantPrecedent] = []
    visas: list[Text]
    communes: dict[Ident, Commune]
    effectifs: Effectifs
    mediation: dict[Ident, Mediation]
    arrivees_educateurs: list[dt.date]
    financement: Financement
    metropole: Metropole
    association: Association
    signataires: dict[Ident, Signataire]
    parties: list[Partie]
    comite_pilotage: list[MembreComite]
    modele: Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$")] = (
        "avenant-bataillon-prevention.docx")
