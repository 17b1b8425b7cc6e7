"""The fact vocabulary (feltkatalog): every field a case may carry and a rule may use.

Policy staff declare fields here (type, allowed values, bokmål label) so a new
checklist question needs no code: the case model, the rule validation, the
explanation texts and the checklist form are all derived from this file.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The sections of a case. Their names are fixed because the engine needs to know
# which facts belong to the vacancy, the residents and each candidate.
SECTIONS = ("ledig_bolig", "bolig", "botiltak", "beboer", "kandidat", "sjekkliste")
DERIVED = "beregnet"

FieldType = Literal["tekst", "heltall", "tall", "boolsk", "dato", "valg", "flervalg", "objekt"]


class FieldSpec(BaseModel):
    """One field (felt): its type, label and, for choices, the allowed values."""

    model_config = ConfigDict(extra="forbid")

    type: FieldType
    etikett: str = Field(description="Navnet på feltet slik brukerne ser det (bokmål).")
    beskrivelse: Optional[str] = None
    obligatorisk: bool = Field(False, description="Må feltet være utfylt i en sak?")
    verdier: Union[dict[str, str], str, None] = Field(
        None, description="Tillatte verdier (kode: etikett) eller navnet på en verdiliste.")
    min: Optional[float] = None
    maks: Optional[float] = None
    felter: Optional[dict[str, "FieldSpec"]] = Field(None, description="Underfelt for type objekt.")
    deles_med_botiltak: bool = Field(
        False, description="Kan vises for botiltaket når søkeren har samtykket.")
    fra_kandidat: Optional[str] = Field(
        None, description="For beboerfelt: kandidatens felt som gir verdien etter innflytting.")

    @model_validator(mode="after")
    def _shape_fits_type(self):
        if self.type in ("valg", "flervalg") and not self.verdier:
            raise ValueError(f"type {self.type} må ha 'verdier'")
        if self.type not in ("valg", "flervalg") and self.verdier:
            raise ValueError(f"'verdier' passer bare for type valg og flervalg, ikke {self.type}")
        if self.type == "objekt" and not self.felter:
            raise ValueError("type objekt må ha 'felter'")
        if self.type != "objekt" and self.felter:
            raise ValueError("'felter' passer bare for type objekt")
        return self


class CountSpec(BaseModel):
    """How many residents match a condition (antall beboere som ...)."""

    model_config = ConfigDict(extra="forbid")

    blant: Literal["beboere", "beboere_etter_innflytting"] = Field(
        description="beboere: dagens beboere; beboere_etter_innflytting: dagens beboere pluss kandidaten.")
    hvor: "Condition"


class DerivedSpec(BaseModel):
    """A computed value (beregnet verdi): months since a date, or a count over residents."""

    model_config = ConfigDict(extra="forbid")

    etikett: str
    beskrivelse: Optional[str] = None
    maneder_siden: Optional[str] = Field(None, description="Hele måneder fra denne datoen til vurderingsdatoen.")
    antall: Optional[CountSpec] = None

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.maneder_siden is None) == (self.antall is None):
            raise ValueError("en beregnet verdi må ha nøyaktig én av 'maneder_siden' og 'antall'")
        return self


class VocabularyFile(BaseModel):
    """felter.yaml: the whole vocabulary."""

    model_config = ConfigDict(extra="forbid")

    versjon: str
    gjelder_fra: dt.date
    beskrivelse: Optional[str] = None
    verdilister: dict[str, dict[str, str]] = Field(default_factory=dict)
    seksjoner: dict[Literal[SECTIONS], dict[str, FieldSpec]]  # type: ignore[valid-type]
    beregnet: dict[str, DerivedSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class ResolvedField:
    """A field as rules see it: its full path, type, label and allowed values."""

    path: str
    type: str
    label: str
    values: dict[str, str] | None = None
    spec: FieldSpec | None = None
    derived: DerivedSpec | None = None

    @property
    def is_number(self) -> bool:
        return self.type in ("heltall", "tall")


class Vocabulary:
    """Lookup of declared fields by dotted path (`sjekkliste.bosituasjon`, `beregnet.x`)."""

    def __init__(self, model: VocabularyFile):
        self.model = model
        self.fields: dict[str, ResolvedField] = {}
        for section, fields in model.seksjoner.items():
            self._add(section, fields)
        for name, derived in model.beregnet.items():
            self.fields[f"{DERIVED}.{name}"] = ResolvedField(
                path=f"{DERIVED}.{name}", type="heltall", label=derived.etikett, derived=derived)

    def _add(self, prefix: str, fields: dict[str, FieldSpec]) -> None:
        for name, spec in fields.items():
            path = f"{prefix}.{name}"
            values = self.values_of(spec)
            self.fields[path] = ResolvedField(path=path, type=spec.type, label=spec.etikett,
                                              values=values, spec=spec)
            if spec.felter:
                self._add(path, spec.felter)

    def values_of(self, spec: FieldSpec) -> dict[str, str] | None:
        if isinstance(spec.verdier, str):
            return self.model.verdilister.get(spec.verdier)
        return spec.verdier

    def get(self, path: str) -> ResolvedField | None:
        return self.fields.get(path)

    def suggest(self, path: str) -> str:
        close = difflib.get_close_matches(path, list(self.fields), n=1, cutoff=0.75)
        return f" (mente du '{close[0]}'?)" if close else ""

    def section(self, name: str) -> dict[str, FieldSpec]:
        return self.model.seksjoner.get(name, {})

    def label_of_value(self, path: str, code) -> str:
        field = self.get(path)
        if field and field.values and code in field.values:
            return field.values[code]
        return str(code)


from engine.language.conditions import Condition  # noqa: E402  (mutual reference: counts hold conditions)

CountSpec.model_rebuild()
DerivedSpec.model_rebuild()
VocabularyFile.model_rebuild()
