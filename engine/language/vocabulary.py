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

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

# The sections of a case. Their names are fixed because the engine needs to know
# which facts belong to the vacancy, the residents and each candidate.
SECTIONS = ("ledig_bolig", "bolig", "botiltak", "beboer", "kandidat", "sjekkliste")
DERIVED = "beregnet"
PARAMETER = "parameter"

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
    enhet: Optional[str] = Field(
        None, min_length=1, max_length=40,
        description="For tallfelt: enheten (kr, måneder, rom ...); formler og sammenligninger av to verdier "
                    "sjekkes mot den.")

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


# The kinds of computed value that count time from or to a date, with the unit of the result.
DURATIONS = {
    "dager_siden": "dager", "maneder_siden": "måneder", "ar_siden": "år", "alder": "år",
    "dager_til": "dager", "maneder_til": "måneder", "ar_til": "år",
}


# Time between two dates of the case (e.g. age when the application came in), with the unit.
BETWEEN = {"dager_mellom": "dager", "maneder_mellom": "måneder", "ar_mellom": "år"}


class Span(BaseModel):
    """`{fra: kandidat.fodselsdato, til: kandidat.soknad_mottatt}`: from one date of the case to another."""

    model_config = ConfigDict(extra="forbid")
    fra: str = Field(description="Datofeltet tiden regnes fra.")
    til: str = Field(description="Datofeltet tiden regnes til; gir ingen verdi om det ligger før 'fra'.")


class TableRow(BaseModel):
    """One row of a lookup table: from this number (inclusive) up to the next row's `fra`."""

    model_config = ConfigDict(extra="forbid")
    fra: Union[StrictInt, float] = Field(description="Raden gjelder fra og med dette tallet til neste rad.")
    verdi: Union[StrictInt, float]


class LookupTable(BaseModel):
    """`tabell: {felt: kandidat.husstand, rader: [{fra: 1, verdi: 3.5}, {fra: 5, verdi: 5.0}]}`.

    Rows are steps: each holds from its `fra` up to the next row's, so there are no gaps
    or overlaps to get wrong, and the last row is open ("5 eller flere").
    """

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(description="Tallet det slås opp med (felt, parameter eller beregnet verdi).")
    rader: list[TableRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self):
        for before, after in zip(self.rader, self.rader[1:]):
            if after.fra <= before.fra:
                raise ValueError(f"radene må stå med stigende 'fra' (fra: {after.fra:g} står etter fra: {before.fra:g})")
        return self


class DerivedSpec(BaseModel):
    """A computed value (beregnet verdi): time since or until a date, a count over residents,
    a formula or a lookup table. Exactly one kind per value."""

    model_config = ConfigDict(extra="forbid")

    etikett: str
    beskrivelse: Optional[str] = None
    dager_siden: Optional[str] = Field(None, description="Hele dager fra datoen til vurderingsdatoen.")
    maneder_siden: Optional[str] = Field(None, description="Hele måneder fra datoen til vurderingsdatoen.")
    ar_siden: Optional[str] = Field(None, description="Hele år fra datoen til vurderingsdatoen.")
    alder: Optional[str] = Field(None, description="Alder i hele år på vurderingsdatoen, fra en fødselsdato.")
    dager_til: Optional[str] = Field(None, description="Hele dager fra vurderingsdatoen til datoen.")
    maneder_til: Optional[str] = Field(None, description="Hele måneder fra vurderingsdatoen til datoen.")
    ar_til: Optional[str] = Field(None, description="Hele år fra vurderingsdatoen til datoen.")
    dager_mellom: Optional[Span] = Field(None, description="Hele dager mellom to datoer i saken.")
    maneder_mellom: Optional[Span] = Field(None, description="Hele måneder mellom to datoer i saken.")
    ar_mellom: Optional[Span] = Field(None, description="Hele år mellom to datoer i saken (f.eks. alder ved søknad).")
    antall: Optional[CountSpec] = None
    formel: Optional[str] = Field(None, description="Regnestykke over felt, parametre og beregnede verdier: "
                                                    "+ - * /, min(), max(), rund_ned(), rund_opp().")
    tabell: Optional[LookupTable] = None
    enhet: Optional[str] = Field(None, min_length=1, max_length=40,
                                 description="Enheten til en formel eller tabell (kr, rom ...).")

    @model_validator(mode="after")
    def _exactly_one(self):
        kinds = self.kinds_set()
        if len(kinds) != 1:
            names = ", ".join(f"'{k}'" for k in derived_kinds())
            found = f" (fant {', '.join(kinds)})" if kinds else ""
            raise ValueError(f"en beregnet verdi må ha nøyaktig én av {names}{found}")
        if self.enhet is not None and self.kind not in ("formel", "tabell"):
            raise ValueError(f"'enhet' passer bare for formel og tabell; {self.kind} har enheten "
                             f"{DURATIONS.get(self.kind) or BETWEEN.get(self.kind, 'antall')}")
        return self

    def kinds_set(self) -> list[str]:
        return [k for k in derived_kinds() if getattr(self, k) is not None]

    @property
    def kind(self) -> str:
        return self.kinds_set()[0]

    @property
    def date_field(self) -> str | None:
        return getattr(self, self.kind) if self.kind in DURATIONS else None

    def reads(self) -> list[str]:
        """The field paths the value is computed from (for lint: protected attributes, unused fields).

        A formula that cannot be read reads nothing here; the rules check reports it.
        """
        from engine.language import conditions, formulas

        if self.date_field is not None:
            return [self.date_field]
        if self.kind in BETWEEN:
            span = getattr(self, self.kind)
            return [span.fra, span.til]
        if self.tabell is not None:
            return [self.tabell.felt]
        if self.antall is not None:
            return list(dict.fromkeys(c.felt for c, _ in conditions.walk(self.antall.hvor)))
        try:
            return formulas.references(formulas.parse(self.formel))
        except formulas.FormulaError:
            return []


def derived_kinds() -> list[str]:
    """The keys that say what kind a computed value is (every field but label, description, unit)."""
    return [k for k in DerivedSpec.model_fields if k not in ("etikett", "beskrivelse", "enhet")]


class ParameterSpec(BaseModel):
    """A parameter (parameter): a named value that changes on dated days, e.g. the grunnbeløp each 1 May.

    A new value is one dated line, so the rules version that uses it need not change;
    the evaluation takes the value in force on the assessment date (OpenFisca keeps its
    parameters so).
    """

    model_config = ConfigDict(extra="forbid")
    etikett: str
    beskrivelse: Optional[str] = None
    enhet: Optional[str] = Field(None, min_length=1, max_length=40)
    referanse: str = Field(min_length=1, description="Hvor verdiene kommer fra (lov, forskrift, nettside).")
    verdier: dict[dt.date, Union[StrictInt, float]] = Field(
        min_length=1, description="Verdien fra og med hver dato (ÅÅÅÅ-MM-DD: verdi).")

    def value_on(self, day: dt.date) -> Union[int, float, None]:
        """The value in force on `day`: the one with the latest date not after it (None before the first)."""
        found = None
        for since in sorted(self.verdier):
            if since > day:
                break
            found = self.verdier[since]
        return found


class VocabularyFile(BaseModel):
    """felter.yaml: the whole vocabulary."""

    model_config = ConfigDict(extra="forbid")

    versjon: str
    gjelder_fra: dt.date
    beskrivelse: Optional[str] = None
    verdilister: dict[str, dict[str, str]] = Field(default_factory=dict)
    seksjoner: dict[Literal[SECTIONS], dict[str, FieldSpec]]  # type: ignore[valid-type]
    beregnet: dict[str, DerivedSpec] = Field(default_factory=dict)
    parametre: dict[str, ParameterSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class ResolvedField:
    """A field as rules see it: its full path, type, label and allowed values."""

    path: str
    type: str
    label: str
    values: dict[str, str] | None = None
    spec: FieldSpec | None = None
    derived: DerivedSpec | None = None
    parameter: ParameterSpec | None = None
    unit: str | None = None  # enhet: kr, måneder ... (None: none declared)

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
            kind = derived.kind
            self.fields[f"{DERIVED}.{name}"] = ResolvedField(
                path=f"{DERIVED}.{name}", type="tall" if kind in ("formel", "tabell") else "heltall",
                label=derived.etikett, derived=derived,
                unit=derived.enhet or DURATIONS.get(kind) or BETWEEN.get(kind))
        for name, parameter in model.parametre.items():
            whole = all(isinstance(v, int) for v in parameter.verdier.values())
            self.fields[f"{PARAMETER}.{name}"] = ResolvedField(
                path=f"{PARAMETER}.{name}", type="heltall" if whole else "tall", label=parameter.etikett,
                parameter=parameter, unit=parameter.enhet)

    def _add(self, prefix: str, fields: dict[str, FieldSpec]) -> None:
        for name, spec in fields.items():
            path = f"{prefix}.{name}"
            values = self.values_of(spec)
            self.fields[path] = ResolvedField(path=path, type=spec.type, label=spec.etikett,
                                              values=values, spec=spec, unit=spec.enhet)
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
