"""The fact vocabulary (feltkatalog): every field a case may carry and a rule may use.

Policy staff declare fields here (type, allowed values, bokmål label) so a new
checklist question needs no code: the case model, the rule validation, the
explanation texts and the checklist form are all derived from this file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictInt, model_validator
from typing_extensions import Annotated

# The sections of a case. Their names are fixed because the engine needs to know
# which facts belong to the vacancy, the residents and each candidate.
SECTIONS = ("ledig_bolig", "bolig", "botiltak", "beboer", "kandidat", "sjekkliste")
DERIVED = "beregnet"
PARAMETER = "parameter"

FieldType = Literal["tekst", "heltall", "tall", "boolsk", "dato", "valg", "flervalg", "objekt", "liste"]
# What a record of a list (liste) may hold: one value per field, so each record is a flat fact.
RECORD_TYPES = ("tekst", "heltall", "tall", "boolsk", "dato", "valg")
# Where a list (type liste) may stand: the candidate's own (household, earlier offers) and the home's
# (its rooms, the allocations made before it: a quota counts them).
LIST_SECTIONS = ("kandidat", "ledig_bolig", "bolig", "botiltak")
DECISION_DATE = "vedtak.dato"  # `fra_vedtak`: the day an earlier allocation was decided
# The candidate's total points (samlede poeng): known only once the criteria are weighed, so only
# rules that give no points may read it (the bundle's tiers, vilkår and checks); they are matched
# after the points are added up (engine/evaluation/ranking.py). engine/language/rules.py refuses it elsewhere.
SCORE_FIELD = "resultat.poeng"
SCORE_ONLY_IN_TIERS = ("kandidatens samlede poeng kan bare leses av regler som ikke selv gir poeng: trinn i "
                       "rangering.yaml (også en lokal plans trinn og kontroller) og vilkår og kontroller i "
                       "egnethet.yaml (betingelse, krav og begrunnelse); de vurderes etter at poengene er lagt "
                       "sammen. Et kriterium, en sammensetningsregel, en beregnet verdi, ved_likt_poeng eller en "
                       "plans gjelder og faller_bort kan ikke lese summen den selv er med på")
# What the ranking gave a candidate (utfall): known only once the candidates are ordered, so only the
# options of the decision's content (vedtak in rangering.yaml) may read it, matched after the order.
OUTCOME_FIELD = "resultat.utfall"
OUTCOMES = {"presenteres": "legges fram (den beste og de likeverdige med den)",
            "ikke_presentert": "kan tildeles, men legges ikke fram",
            "kan_ikke_tildeles": "kan ikke tildeles boligen",
            "oppfyller_ikke_vilkarene": "oppfyller ikke vilkårene"}
TIER_FIELD = "resultat.trinn"  # the tier (trinn, band) the candidate is in: known once the points are
TIER_ONLY_IN_RESULTS = ("trinnet kandidaten er i, kan bare leses av merknader (egnethet.yaml) og vedtakets innhold "
                        "(rangering.yaml): det er kjent først når poengene og trinnene er vurdert")
OUTCOME_ONLY_IN_DECISIONS = ("kandidatens utfall av rangeringen kan bare leses av vedtakets innhold (betingelse og "
                             "tekst under vedtak i rangering.yaml): det er kjent først når kandidatene er rangert")
# The counts over residents; any other `blant` names a list of the candidate (`kandidat.husstand`).
RESIDENT_COUNTS = ("beboere", "beboere_etter_innflytting")


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
    felter: Optional[dict[str, "FieldSpec"]] = Field(
        None, description="Underfelt for type objekt; for type liste feltene i hver post (bare enkle verdier).")
    beregnet: Optional[dict[str, "DerivedSpec"]] = Field(
        None, description="For type liste: verdier regnet ut for hver post på vurderingsdatoen (alder, "
                          "maneder_siden ...), brukt som <liste>.<navn>.")
    deles_med_botiltak: bool = Field(
        False, description="Kan vises for botiltaket når søkeren har samtykket.")
    fra_kandidat: Optional[str] = Field(
        None, description="For beboerfelt: kandidatens felt som gir verdien etter innflytting.")
    fra_vedtak: Optional[str] = Field(
        None, description="For felt i en liste under ledig_bolig som tjenesten fyller fra tidligere vedtak om "
                          "tildeling: verdien i den tildelte kandidatens sak (kandidat.*, sjekkliste.*, "
                          "ledig_bolig.*, bolig.*, botiltak.*) eller vedtak.dato (vedtaksdatoen).")
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
        if self.type in ("objekt", "liste") and not self.felter:
            raise ValueError(f"type {self.type} må ha 'felter'")
        if self.type not in ("objekt", "liste") and self.felter:
            raise ValueError("'felter' passer bare for type objekt og liste")
        if self.type != "liste" and self.beregnet:
            raise ValueError("'beregnet' i et felt passer bare for type liste")
        if self.type == "liste":
            for name, spec in (self.felter or {}).items():
                if spec.type not in RECORD_TYPES:
                    raise ValueError(f"feltet '{name}' i en liste må ha en enkel type ({', '.join(RECORD_TYPES)}), "
                                     f"ikke {spec.type}")
            for name, derived in (self.beregnet or {}).items():
                if derived.kind not in DURATIONS and derived.kind not in BETWEEN:
                    raise ValueError(f"'{name}': en beregnet verdi for hver post kan bare regne tid "
                                     f"({', '.join([*DURATIONS, *BETWEEN])}), ikke {derived.kind}")
        return self


class CountSpec(BaseModel):
    """How many residents, or records of a list (the candidate's or the home's), match a condition (antall ... som)."""

    model_config = ConfigDict(extra="forbid")

    blant: str = Field(
        description="beboere: dagens beboere; beboere_etter_innflytting: dagens beboere pluss kandidaten; "
                    "kandidat.<liste>: postene i en av kandidatens lister (f.eks. kandidat.husstand); "
                    "ledig_bolig.<liste>, bolig.<liste>, botiltak.<liste>: postene i en liste i saken om boligen "
                    "(f.eks. bolig.rom, ledig_bolig.tildelinger).")
    hvor: Optional["Condition"] = Field(None, description="Bare beboere eller poster der betingelsen holder "
                                                          "(uten: alle).")

    @property
    def over_list(self) -> str | None:
        """The list counted (`husstand` for `kandidat.husstand`), None for a count over residents."""
        return None if self.blant in RESIDENT_COUNTS else self.blant.partition(".")[2]


class NumberParameter(BaseModel):
    """`nummer: {felt: parameter.unnlatte_bud_for_band_d}`: the n of `nyeste`/`eldste` from a parameter, so the
    rule that gives Band D from the fourth missed bid and the text that says «fire» change with one dated line."""

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(pattern=r"^parameter\.[a-z0-9_]+$", description="En parameter med hele tall fra 1 til 20.")


class LatestSpec(BaseModel):
    """The latest date among the records of a list that match (nyeste): "the last refusal".

    `nummer: 2` gives the second latest. With a window (`innen_maneder` or `innen_dager`)
    `nummer: n` is instead "n records within the window": the latest (or, under `eldste`,
    the first) day on which a record came with n - 1 others at most that long before it.
    "Two refusals within 12 months, suspended for 6 months from the second" is then the
    months since that day, whichever 12 months they fell in: counting back from the
    assessment date ("in the last 12 months") would suspend for up to 12 months, not 6.
    """

    model_config = ConfigDict(extra="forbid")
    blant: str = Field(description="Listen, f.eks. kandidat.tidligere_tilbud.")
    felt: str = Field(description="Datofeltet i posten, f.eks. tidligere_tilbud.dato.")
    hvor: Optional["Condition"] = Field(None, description="Bare poster der betingelsen holder (uten: alle).")
    nummer: Union[Annotated[int, Strict(), Field(ge=1, le=20)], "NumberParameter"] = Field(
        1, description="1: den nyeste datoen, 2: den nest nyeste ...; med innen_maneder eller innen_dager: så mange "
                       "poster innenfor tidsrommet. {felt: parameter.<navn>} tar tallet fra en parameter.")
    innen_maneder: Optional[StrictInt] = Field(
        None, ge=1, le=1200, description="Datoen da den nummer-te posten kom innen så mange måneder etter "
                                         "den første av dem (f.eks. andre avslag innen 12 måneder).")
    innen_dager: Optional[StrictInt] = Field(
        None, ge=1, le=36600, description="Som innen_maneder, i dager.")

    @model_validator(mode="after")
    def _window_needs_a_number(self):
        window = [k for k in ("innen_maneder", "innen_dager") if getattr(self, k) is not None]
        if len(window) == 2:
            raise ValueError("skriv enten 'innen_maneder' eller 'innen_dager', ikke begge")
        if window and isinstance(self.nummer, int) and self.nummer < 2:
            raise ValueError(f"'{window[0]}' krever 'nummer: 2' eller mer (hvor mange poster innenfor "
                             f"tidsrommet); én post er alltid innenfor")
        return self

    @property
    def window(self) -> tuple[str, int] | None:
        """("maneder" | "dager", length) of the window, or None for the plain n-th latest."""
        if self.innen_maneder is not None:
            return ("maneder", self.innen_maneder)
        if self.innen_dager is not None:
            return ("dager", self.innen_dager)
        return None

    @property
    def over_list(self) -> str:
        return self.blant.partition(".")[2]


class SumSpec(BaseModel):
    """The sum of a number field over the records of a list that match (sum): "the income of the
    household members under 20". A matching record without the value leaves the sum without one
    ("ikke oppgitt"), as a formula with a missing input: a sum that silently counted it as 0
    would understate."""

    model_config = ConfigDict(extra="forbid")
    blant: str = Field(description="Listen, f.eks. kandidat.husstand.")
    felt: str = Field(description="Tallfeltet i posten som summeres, f.eks. husstand.inntekt.")
    hvor: Optional["Condition"] = Field(None, description="Bare poster der betingelsen holder (uten: alle).")

    @property
    def over_list(self) -> str:
        return self.blant.partition(".")[2]


class PeriodsSpec(BaseModel):
    """Records of a list that are periods, each with a first and a last day (a list of addresses)."""

    model_config = ConfigDict(extra="forbid")
    blant: str = Field(description="Listen, f.eks. kandidat.bosteder.")
    fra: str = Field(description="Datofeltet periodens første dag står i, f.eks. bosteder.fra.")
    til: str = Field(description="Datofeltet periodens siste dag står i; tomt når perioden ikke er slutt, "
                                 "f.eks. bosteder.til.")
    hvor: Optional["Condition"] = Field(None, description="Bare perioder der betingelsen holder (uten: alle).")

    @property
    def over_list(self) -> str:
        return self.blant.partition(".")[2]


class ContinuousSpec(PeriodsSpec):
    """The first day of the unbroken run of periods that reaches the assessment date (sammenhengende):
    "has lived in the borough continuously for 2 years", from a list of addresses with from and to.

    Periods that meet `hvor` are joined when the next begins at most `opphold_dager` days after
    the day after the last ended (0: the next day, or overlapping); the run must reach the
    assessment date (the last period has no end, or ends on or after it). A period that begins
    after the assessment date did not exist then and is left out. A matching period without a
    start leaves no value ("ikke oppgitt"): where it stood cannot be known.
    """

    opphold_dager: StrictInt = Field(0, ge=0, le=3660, description="Så mange dager uten en periode bryter ikke "
                                                                   "rekken (0: perioden må begynne dagen etter).")


class TotalTimeSpec(PeriodsSpec):
    """The time covered by periods within the last months or years before the assessment date (samlet_tid):
    "has lived in the borough for 5 of the last 7 years", however the years were split.

    Time is counted in days lived: the window is the days from the same date `innen_siste_maneder`
    months (or `innen_siste_ar` years) back up to the day before the assessment date (on which the
    day has not been lived yet); a period runs from `fra` to `til`, both days lived, or to the day
    before the assessment date when it has no end; overlaps count once; a period that begins after the
    window is left out; a matching period without a start leaves no value. The days are given as whole
    months (`regnet_i: maneder`, the default): the most months m such that the days are at least those
    of the last m months, so one period since 1 June 2021 is 60 months on 1 June 2026 and 59 the day
    before, as `maneder_siden`; or as the days themselves (`regnet_i: dager`).
    """

    innen_siste_maneder: Optional[StrictInt] = Field(None, ge=1, le=1200, description="Tidsrommet: de siste så "
                                                                                       "mange månedene.")
    innen_siste_ar: Optional[StrictInt] = Field(None, ge=1, le=100, description="Tidsrommet: de siste så mange "
                                                                               "årene.")

    regnet_i: Literal["maneder", "dager"] = Field("maneder", description="Svaret i hele måneder (som de siste "
                                                                           "så mange månedene) eller i dager.")

    @model_validator(mode="after")
    def _one_window(self):
        given = [k for k in ("innen_siste_maneder", "innen_siste_ar") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("'samlet_tid' må ha nøyaktig én av 'innen_siste_maneder' og 'innen_siste_ar' "
                             "(tidsrommet før vurderingsdatoen som teller)")
        return self

    @property
    def months(self) -> int:
        return self.innen_siste_maneder if self.innen_siste_maneder is not None else 12 * self.innen_siste_ar


class PairDifference(BaseModel):
    """How far apart two members may be to share (forskjell): "an age gap under 5 years".

    On a number field the difference of the two values; on a date field the whole years
    between the two dates (the earlier to the later), so a gap is exact to the day.
    """

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(description="Tall- eller datofeltet i posten, f.eks. husstand.fodt.")
    under: Optional[float] = Field(None, ge=0, description="Forskjellen må være mindre enn dette (hele år for datoer).")
    hoyst: Optional[float] = Field(None, ge=0, description="Forskjellen kan være høyst dette (hele år for datoer).")

    @model_validator(mode="after")
    def _one_bound(self):
        if (self.under is None) == (self.hoyst is None):
            raise ValueError("'forskjell' må ha nøyaktig én av 'under' og 'hoyst'")
        return self

    def allows(self, difference: float) -> bool:
        return difference < self.under if self.under is not None else difference <= self.hoyst


class SharingRule(BaseModel):
    """Who may share a bedroom (deler): two members who each meet `begge`, agree on `samme` and are
    no further apart than `forskjell` (a condition on the pair, which `begge` cannot say)."""

    model_config = ConfigDict(extra="forbid")
    navn: Optional[str] = Field(None, description="Hva regelen er, slik normen skriver den (f.eks. «par»).")
    begge: Optional["Condition"] = Field(None, description="Betingelse over postens felt som begge må oppfylle.")
    samme: list[str] = Field(default_factory=list,
                             description="Felt i posten begge må ha samme (oppgitte) verdi for, f.eks. husstand.kjonn.")
    forskjell: Optional[PairDifference] = Field(
        None, description="Hvor langt fra hverandre de to kan være, f.eks. {felt: husstand.fodt, under: 5}: "
                          "mindre enn 5 hele år mellom fødselsdatoene.")

    @model_validator(mode="after")
    def _says_something(self):
        if self.begge is None and not self.samme and self.forskjell is None:
            raise ValueError("en delingsregel må ha minst én av 'begge', 'samme' og 'forskjell'")
        return self


class BedroomSpec(BaseModel):
    """The bedroom need of a household (soverombehov): the fewest rooms such that every room holds
    one member, or two members one of the sharing rules lets share."""

    model_config = ConfigDict(extra="forbid")
    blant: str = Field(description="Listen over husstandsmedlemmer, f.eks. kandidat.husstand.")
    hvor: Optional["Condition"] = Field(None, description="Bare medlemmer der betingelsen holder, trenger rom "
                                                          "(uten: alle i listen).")
    deler: list[SharingRule] = Field(min_length=1, description="Hvem som kan dele soverom, i normens rekkefølge.")

    @property
    def over_list(self) -> str:
        return self.blant.partition(".")[2]


# The kinds of computed value that count time from or to a date, with the unit of the result.
DURATIONS = {
    "dager_siden": "dager", "maneder_siden": "måneder", "ar_siden": "år", "alder": "år",
    "dager_til": "dager", "maneder_til": "måneder", "ar_til": "år",
}


# Kinds of computed value whose unit is fixed by the kind.
FIXED_UNITS = {"soverom": "rom"}


# The durations counted from the date to the assessment date; the others count from it to the date.
SINCE = frozenset({"dager_siden", "maneder_siden", "ar_siden", "alder"})


# Time between two dates of the case (e.g. age when the application came in), with the unit.
BETWEEN = {"dager_mellom": "dager", "maneder_mellom": "måneder", "ar_mellom": "år"}


# Values found by matching conditions of their own against the candidate (with durable_rules, once the
# other computed values they read are there): how many of several hold, and whether one holds.
CONDITION_VALUES = ("antall_av", "betingelse")


# One date chosen among several of the candidate's (ISO dates, so they order as text): the first given
# in the order written, the latest or the earliest of those given. A missing date is passed over.
DATE_CHOICES = {
    "forste_dato_av": lambda given: given[0],
    "seneste_dato_av": max,
    "tidligste_dato_av": min,
}


class DateShift(BaseModel):
    """`{dato: kandidat.band_dato, maneder: -6}`: a date moved by whole years, months and days («the effective date
    is backdated six months for those serving in the armed forces»). A month from 31 January is the last day of
    February; years and months are moved before days."""

    model_config = ConfigDict(extra="forbid")
    dato: str = Field(description="Datoen som flyttes: et datofelt hos kandidaten eller en beregnet dato.")
    ar: StrictInt = Field(0, ge=-200, le=200, description="Hele år (negativt: tilbake i tid).")
    maneder: StrictInt = Field(0, ge=-2400, le=2400, description="Hele måneder (negativt: tilbake i tid).")
    dager: StrictInt = Field(0, ge=-73000, le=73000, description="Dager (negativt: tilbake i tid).")
    hvis: Optional[str] = Field(None, description="Et ja/nei-felt i saken (kandidat.* eller sjekkliste.*): bare "
                                                  "når det er ja, flyttes datoen; ellers har verdien ingen dato.")

    @model_validator(mode="after")
    def _moves(self):
        if not (self.ar or self.maneder or self.dager):
            raise ValueError("'forskjovet_dato' må flytte datoen: gi 'ar', 'maneder' eller 'dager' (negativt for "
                             "tilbake i tid)")
        return self

    def applied(self, day: dt.date) -> dt.date | None:
        """The moved date; None when it would fall outside the calendar (year 1 to 9999)."""
        months = day.year * 12 + day.month - 1 + self.ar * 12 + self.maneder
        year, month = divmod(months, 12)
        if not 1 <= year <= 9999:
            return None
        last = calendar.monthrange(year, month + 1)[1]
        try:
            return dt.date(year, month + 1, min(day.day, last)) + dt.timedelta(days=self.dager)
        except OverflowError:
            return None


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
    """`tabell: {felt: kandidat.husstand, rader: [{fra: 1, verdi: 3.5}, {fra: 5, verdi: 5.0}]}`, or over a
    choice field `tabell: {felt: sjekkliste.medisinsk_niva, verdier: {hoy: 3, middels: 2, lav: 1}}`.

    Rows are steps: each holds from its `fra` up to the next row's, so there are no gaps
    or overlaps to get wrong, and the last row is open ("5 eller flere"). A choice has no
    order of its own, so a table over one names a number for each choice (a level of medical
    need as points or as a rank in the tie-break, without one criterion per level).
    """

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(description="Det som slås opp: et tall (felt, parameter eller beregnet verdi) med 'rader', "
                                  "et valgfelt med 'verdier'.")
    rader: Optional[list[TableRow]] = Field(None, min_length=1, description="For et tall: trinnene, stigende.")
    verdier: Optional[dict[str, Union[StrictInt, float]]] = Field(
        None, min_length=1, description="For et valgfelt: tallet for hvert valg (kode: tall), alle valgene.")

    @model_validator(mode="after")
    def _ascending(self):
        if (self.rader is None) == (self.verdier is None):
            raise ValueError("en tabell har enten 'rader' (over et tall) eller 'verdier' (over et valgfelt), "
                             "ikke begge og ikke ingen")
        rows = self.rader or []
        for before, after in zip(rows, rows[1:]):
            if after.fra <= before.fra:
                raise ValueError(f"radene må stå med stigende 'fra' (fra: {after.fra:g} står etter fra: {before.fra:g})")
        return self

    @property
    def results(self) -> list:
        """Every value the table can give (the lint's range of it)."""
        return [row.verdi for row in self.rader] if self.rader is not None else list(self.verdier.values())


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
    nyeste: Optional[LatestSpec] = Field(None, description="Den nyeste (eller nest nyeste ...) datoen blant postene "
                                                           "i en liste som oppfyller en betingelse.")
    eldste: Optional[LatestSpec] = Field(None, description="Den eldste (eller nest eldste ...) datoen blant postene i "
                                                           "en liste som oppfyller en betingelse; med nummer: 4 datoen "
                                                           "da den fjerde posten kom.")
    soverom: Optional[BedroomSpec] = Field(None, description="Soverom husstanden trenger etter delingsregler.")
    sum: Optional[SumSpec] = Field(None, description="Summen av et tallfelt over postene i en liste som oppfyller "
                                                     "en betingelse (f.eks. inntekten til medlemmer under 20 år).")
    sammenhengende: Optional[ContinuousSpec] = Field(
        None, description="Første dag i den sammenhengende rekken av perioder i en liste som når "
                          "vurderingsdatoen, f.eks. bosatt i kommunen sammenhengende siden.")
    samlet_tid: Optional[TotalTimeSpec] = Field(
        None, description="Dagene periodene i en liste dekker de siste månedene eller årene før "
                          "vurderingsdatoen, f.eks. bosatt i kommunen 5 av de siste 7 årene.")
    forskjovet_dato: Optional[DateShift] = Field(
        None, description="En dato flyttet hele år, måneder eller dager, f.eks. datoen i bandet tilbakedatert "
                          "6 måneder: {dato: kandidat.band_dato, maneder: -6}.")
    forste_dato_av: Optional[list[str]] = Field(
        None, min_length=2, description="Den første av disse datoene som er oppgitt, f.eks. datoen søkeren gikk "
                                        "inn i styrkene, ellers datoen for bandet.")
    seneste_dato_av: Optional[list[str]] = Field(
        None, min_length=2, description="Den seneste av disse datoene som er oppgitt, f.eks. søknaden ble fornyet "
                                        "eller mottatt, det som skjedde sist.")
    tidligste_dato_av: Optional[list[str]] = Field(
        None, min_length=2, description="Den tidligste av disse datoene som er oppgitt, f.eks. den første dagen "
                                        "søkeren oppfylte et av to behov.")
    antall_av: Optional[list["Condition"]] = Field(
        None, min_length=2, description="Hvor mange av disse betingelsene som holder for kandidaten, f.eks. behov "
                                        "på band C-nivå («to eller flere behov gir band B»).")
    betingelse: Optional["Condition"] = Field(
        None, description="Ja når betingelsen holder for kandidaten, ellers nei, f.eks. har barn under 18 år; "
                          "kan sorteres på og telles som 1 eller 0 i en formel.")
    formel: Optional[str] = Field(None, description="Regnestykke over felt, parametre og beregnede verdier: "
                                                    "+ - * /, min(), max(), rund_ned(), rund_opp().")
    tabell: Optional[LookupTable] = None
    enhet: Optional[str] = Field(None, min_length=1, max_length=40,
                                 description="Enheten til en formel eller tabell (kr, rom ...).")
    beskyttet_egenskap_tillatt: list[str] = Field(
        default_factory=list, description="Beskyttede egenskaper (beskyttede_egenskaper.yaml) verdien kan regnes "
                                          "av, der loven tillater det: soverombehovet etter en norm der barn av "
                                          "samme kjønn deler rom, [kjonn]. Reglene som leser verdien, stanses ikke "
                                          "for den; alle andre som leser egenskapen, stanses som før.")

    @model_validator(mode="after")
    def _exactly_one(self):
        kinds = self.kinds_set()
        if len(kinds) != 1:
            names = ", ".join(f"'{k}'" for k in derived_kinds())
            found = f" (fant {', '.join(kinds)})" if kinds else ""
            raise ValueError(f"en beregnet verdi må ha nøyaktig én av {names}{found}")
        if self.enhet is not None and self.kind not in ("formel", "tabell", "sum"):
            fixed = DURATIONS.get(self.kind) or BETWEEN.get(self.kind) or FIXED_UNITS.get(
                self.kind, "måneder eller dager" if self.kind == "samlet_tid" else "antall")
            raise ValueError(f"'enhet' passer bare for formel, tabell og sum; {self.kind} har enheten {fixed}")
        return self

    def kinds_set(self) -> list[str]:
        return [k for k in derived_kinds() if getattr(self, k) is not None]

    @property
    def kind(self) -> str:
        return self.kinds_set()[0]

    @property
    def conditions(self) -> list:
        """The conditions of a value that durable_rules finds (antall_av, betingelse), else []."""
        if self.antall_av is not None:
            return list(self.antall_av)
        return [self.betingelse] if self.betingelse is not None else []

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
        if self.kind in DATE_CHOICES:
            return list(getattr(self, self.kind))
        if self.forskjovet_dato is not None:
            return [self.forskjovet_dato.dato, *([self.forskjovet_dato.hvis] if self.forskjovet_dato.hvis else [])]
        if self.kind in CONDITION_VALUES:
            return list(dict.fromkeys(path for c in self.conditions for path in conditions.fields_read(c)))
        if self.antall is not None:
            found = [] if self.antall.over_list is None else [self.antall.blant]
            inner = [c.felt for c, _ in conditions.walk(self.antall.hvor)] if self.antall.hvor is not None else []
            return list(dict.fromkeys(found + inner))
        if self.nyeste is not None or self.eldste is not None or self.sum is not None:
            over = self.nyeste or self.eldste or self.sum
            inner = [c.felt for c, _ in conditions.walk(over.hvor)] if over.hvor is not None else []
            number = [over.nummer.felt] if isinstance(getattr(over, "nummer", None), NumberParameter) else []
            return list(dict.fromkeys([over.blant, over.felt, *inner, *number]))
        if self.sammenhengende is not None or self.samlet_tid is not None:
            run = self.sammenhengende or self.samlet_tid
            inner = [c.felt for c, _ in conditions.walk(run.hvor)] if run.hvor is not None else []
            return list(dict.fromkeys([run.blant, run.fra, run.til, *inner]))
        if self.soverom is not None:
            found = [self.soverom.blant]
            if self.soverom.hvor is not None:
                found += [c.felt for c, _ in conditions.walk(self.soverom.hvor)]
            for rule in self.soverom.deler:
                found += [c.felt for c, _ in conditions.walk(rule.begge)] if rule.begge is not None else []
                found += rule.samme
                found += [rule.forskjell.felt] if rule.forskjell is not None else []
            return list(dict.fromkeys(found))
        try:
            return formulas.references(formulas.parse(self.formel))
        except formulas.FormulaError:
            return []


def derived_kinds() -> list[str]:
    """The keys that say what kind a computed value is (every field but label, description, unit, allowance)."""
    return [k for k in DerivedSpec.model_fields if k not in ("etikett", "beskrivelse", "enhet",
                                                             "beskyttet_egenskap_tillatt")]


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
        # The lists (liste) by name: each record is a fact of its own scope, named by the list. A list
        # stands under the candidate (one per candidate) or under the home (one per case, LIST_SECTIONS).
        self.lists: dict[str, FieldSpec] = {}
        self.list_sections: dict[str, str] = {}
        for section in LIST_SECTIONS:
            for name, spec in model.seksjoner.get(section, {}).items():
                if spec.type == "liste" and name not in self.lists:
                    self.lists[name] = spec
                    self.list_sections[name] = section
        for section, fields in model.seksjoner.items():
            self._add(section, fields)
        for name, derived in model.beregnet.items():
            self.fields[f"{DERIVED}.{name}"] = self._derived(f"{DERIVED}.{name}", derived)
        for name, spec in self.lists.items():
            self._add(name, spec.felter or {})
            for inner, derived in (spec.beregnet or {}).items():
                self.fields[f"{name}.{inner}"] = self._derived(f"{name}.{inner}", derived)
        for name, parameter in model.parametre.items():
            whole = all(isinstance(v, int) for v in parameter.verdier.values())
            self.fields[f"{PARAMETER}.{name}"] = ResolvedField(
                path=f"{PARAMETER}.{name}", type="heltall" if whole else "tall", label=parameter.etikett,
                parameter=parameter, unit=parameter.enhet)
        self.fields[SCORE_FIELD] = ResolvedField(path=SCORE_FIELD, type="heltall", label="samlede poeng")
        self.fields[OUTCOME_FIELD] = ResolvedField(path=OUTCOME_FIELD, type="valg", label="utfallet av rangeringen",
                                                   values=dict(OUTCOMES))
        # the tiers' ids and names are in rangering.yaml: load_rules gives them (`with_tiers`)
        self.fields[TIER_FIELD] = ResolvedField(path=TIER_FIELD, type="valg", label="trinnet", values={})

    def with_tiers(self, tiers: dict[str, str]) -> None:
        """The values of resultat.trinn: every tier of the bundle and its plans, id -> name."""
        self.fields[TIER_FIELD] = ResolvedField(path=TIER_FIELD, type="valg", label="trinnet", values=dict(tiers))

    @staticmethod
    def _derived(path: str, derived: DerivedSpec) -> ResolvedField:
        kind = derived.kind
        kind_type = {"formel": "tall", "tabell": "tall", "nyeste": "dato", "eldste": "dato", "sum": "tall",
                     "sammenhengende": "dato", "betingelse": "boolsk", "forskjovet_dato": "dato",
                     **{k: "dato" for k in DATE_CHOICES}}.get(kind, "heltall")
        return ResolvedField(path=path, type=kind_type, label=derived.etikett, derived=derived,
                             unit=derived.enhet or DURATIONS.get(kind) or BETWEEN.get(kind) or FIXED_UNITS.get(kind)
                             or (("måneder" if derived.samlet_tid.regnet_i == "maneder" else "dager")
                                 if kind == "samlet_tid" else None))

    def list_path(self, name: str) -> str:
        """Where a list stands in a case's values: `kandidat.husstand`, `bolig.rom`."""
        return f"{self.list_sections[name]}.{name}"

    def decision_lists(self) -> dict[str, FieldSpec]:
        """The lists the service fills from earlier allocation decisions: every field has `fra_vedtak`."""
        return {name: spec for name, spec in self.lists.items()
                if self.list_sections[name] == "ledig_bolig" and spec.felter
                and all(f.fra_vedtak for f in spec.felter.values())}

    @property
    def scopes(self) -> tuple[str, ...]:
        """The kinds of fact rules are matched against: candidates, residents and the records of each list."""
        return ("kandidat", "beboer", *self.lists)

    def scope_of(self, path: str) -> str:
        """Which kind of fact a path belongs to: "beboer", a list's name, or "kandidat" (everything else)."""
        head = path.split(".", 1)[0]
        return head if head == "beboer" or head in self.lists else "kandidat"

    def _add(self, prefix: str, fields: dict[str, FieldSpec]) -> None:
        for name, spec in fields.items():
            path = f"{prefix}.{name}"
            values = self.values_of(spec)
            self.fields[path] = ResolvedField(path=path, type=spec.type, label=spec.etikett,
                                              values=values, spec=spec, unit=spec.enhet)
            if spec.felter and spec.type == "objekt":
                self._add(path, spec.felter)

    def values_of(self, spec: FieldSpec) -> dict[str, str] | None:
        if isinstance(spec.verdier, str):
            return self.model.verdilister.get(spec.verdier)
        return spec.verdier

    def get(self, path: str) -> ResolvedField | None:
        return self.fields.get(path)

    def suggest(self, path: str) -> str:
        if path.startswith("resultat.") and path not in self.fields:
            return (f" (det rangeringen selv fyller ut: '{SCORE_FIELD}', samlede poeng, i trinn, vilkår og "
                    f"kontroller; '{TIER_FIELD}', trinnet, i merknader og vedtakets innhold; '{OUTCOME_FIELD}', "
                    "utfallet, i vedtakets innhold)")
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
NumberParameter.model_rebuild()
LatestSpec.model_rebuild()
PeriodsSpec.model_rebuild()
ContinuousSpec.model_rebuild()
TotalTimeSpec.model_rebuild()
SharingRule.model_rebuild()
BedroomSpec.model_rebuild()
DerivedSpec.model_rebuild()
FieldSpec.model_rebuild()
VocabularyFile.model_rebuild()
