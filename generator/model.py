"""The typed model of a variable set: one avenant of one dossier.

Field names are the French keys a drafter writes in ``variables/<dossier>/<version>.yaml``.
The model only checks shapes and ranges; the checks that relate fields to one another
(totals, references between parties and signataires, dates) live in :mod:`generator.checks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
Count = Annotated[int, Field(ge=0)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Civilite = Literal["Monsieur", "Madame"]
Fonction = Literal["prefet", "president", "maire", "directeur"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Periode(_Model):
    """The period the avenant covers (whole months)."""

    debut: dt.date
    fin: dt.date


class Avenant(_Model):
    """The avenant itself: rank within the convention, year, period, place and date of signing."""

    rang: Annotated[int, Field(ge=1)]
    annee: Annotated[int, Field(ge=2000, le=2100)]
    periode: Periode
    lieu_signature: Text
    date_signature: dt.date | None = None

    @property
    def numero(self) -> str:
        """The avenant's number, ``rang-annee`` (``1-2023``)."""
        return f"{self.rang}-{self.annee}"


class Convention(_Model):
    """The convention the avenant amends."""

    objet: Text
    territoire: Text
    territoire_court: Text
    date_signature: dt.date


class AvenantPrecedent(_Model):
    """An earlier avenant to the same convention, cited in the visas."""

    numero: Annotated[str, StringConstraints(pattern=r"^\d+-\d{4}$")]
    date_signature: dt.date | None = None


class Commune(_Model):
    """A commune of the bataillon, with the words the text uses for it."""

    nom: Text
    quartier: Text
    adjectif: Text
    engagement: Text
    dispositif_entre_guillemets: bool = True


class Effectifs(_Model):
    """Headcounts per role and per commune.

    A role may also carry a typed ``total`` (and the whole set a typed ``total``): they are
    never needed, since totals are computed, but when present they are checked.
    """

    educateurs: dict[Ident, Count]
    mediateurs: dict[Ident, Count]
    total: Count | None = None


class Repartition(_Model):
    """How one commune's mediators split between school and youth mediation."""

    scolaires: Count
    jeunesse: Count


class Mediation(_Model):
    """The mediation article of one commune."""

    recrutement: Literal["certain", "eventuel"]
    repartition: Repartition | None = None
    public_jeunesse: Text | None = None
    partenaires: list[Text] = []
    missions: list[Text] = []


class Financement(_Model):
    """Amounts in euros (integers: cents are not used in this scheme)."""

    etat: Annotated[int, Field(gt=0)]


class Metropole(_Model):
    """The intercommunal body."""

    nom: Text
    deliberation: Text


class Association(_Model):
    """The association that employs the professionals."""

    nom: Text


class Signataire(_Model):
    """A person who signs; titles agree with the civilité."""

    civilite: Civilite
    prenom: Text
    nom: Text


class Partie(_Model):
    """A party to the avenant, represented by a signataire acting in a fonction."""

    id: Ident
    designation: Text
    genre: Literal["masculin", "feminin"]
    signataire: Ident
    fonction: Fonction
    ressort: Text
    ressort_parties: OptionalText | None = None
    ressort_comite: OptionalText | None = None


class MembreComite(_Model):
    """A member of the steering committee: a party (by id) or another office holder."""

    partie: Ident | None = None
    fonction: Fonction | None = None
    civilite: Civilite | None = None
    ressort: Text | None = None


class VariableSet(_Model):
    """One variable set: everything that varies by year or place in an avenant."""

    modele: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$")] = (
        "avenant-bataillon-prevention.docx")
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
