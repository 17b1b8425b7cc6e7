"""What a person asks the casework to do: one pydantic model per request, read once at the boundary.

The API reads its JSON bodies into these models and the pages read their forms
into the same models (`parse`), so every limit (lengths, codes, dates, what must
be filled in) is written here and nowhere else; the casework functions take the
model and check only what needs the database or the rules (is the reference
free, is the candidate in the recommendation, is the checklist valid under the
vocabulary in force).

Blank text (as an empty form field sends it) counts as not given. Dates are
DD.MM.ÅÅÅÅ or ÅÅÅÅ-MM-DD (DATE_FORMATS, what the forms' help texts say); a moment
without a time zone is Norwegian time; no date of the routine is before 2000 or after 2099. Whether
a date is in the future or before the step it follows needs today and the case: the
casework checks that (service/domain/dates.py). The wording of each kind of error
(missing, wrong type, too long, not a choice, not a date) is
engine/language/validation_messages.py's, the same as for cases and rules files.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Iterable, Mapping, Optional, TypeVar

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, TypeAdapter, ValidationError,
                      ValidationInfo, WithJsonSchema, field_validator, model_validator)

from engine.errors import Problem
from engine.language.validation_messages import (MISSING, at_least_one, missing_when, not_a_choice, not_a_date,
                                                 not_a_moment, problems_from, too_early, too_large, too_long,
                                                 too_small, wrong_type)
from service.domain.codes import (AFTER_CONTRACT_STEPS, DECLINE_REASONS, MEETING_OUTCOMES, OBJECTION_REASONS, OFFICES,
                                  OSLO, OVERRIDE_REASONS, Readiness, Response, Stage)
from service.domain.errors import InvalidInput

MAX_ID = 2**31 - 1  # the largest key PostgreSQL's integer holds
MAX_KRONER = 10_000_000

C = TypeVar("C", bound="Command")


def parse(model: type[C], data: Mapping[str, Any] | None = None, /, **fields: Any) -> C:
    """`data` (or the keyword fields) as `model`, for the casework to act on.

    A request with bad values still gives a command: the fields that were fine
    hold their values, the bad ones None, and `command.problems` names each bad
    field. The casework adds what only it can see (a reference in use, a field
    the vocabulary does not know) and refuses the request with every problem in
    one answer; a command with problems is never carried out (see unit_of_work).
    """
    values = {**data, **fields} if isinstance(data, Mapping) else (data if data is not None else fields)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = problems_from(exc)
        bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
    if not isinstance(values, dict) or not problems:
        raise InvalidInput(problems)
    kept = {}
    for name, info in model.model_fields.items():
        if name in bad or name not in values:
            kept[name] = None if name in bad or info.is_required() else info.get_default(call_default_factory=True)
            continue
        try:
            kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            kept[name] = TypeAdapter(kind).validate_python(None if _blank(values[name]) else values[name])
        except ValidationError:
            kept[name] = None
    command = model.model_construct(**kept)
    command._problems = problems
    return command


# -- the kinds of value ---------------------------------------------------------------------------

def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(max_length: int, required: bool):
    def check(value: Any) -> Any:
        if _blank(value):
            if required:
                raise ValueError(MISSING)
            return None
        if not isinstance(value, str):
            raise ValueError(wrong_type(value, "tekst"))
        if len(value) > max_length:
            raise ValueError(too_long(max_length))
        return value.strip()
    return check


def Text(max_length: int, description: str | None = None):  # noqa: N802  (a type, used like one)
    """Optional free text of at most `max_length` characters, stripped."""
    return Annotated[Optional[str], BeforeValidator(_text(max_length, False)),
                     Field(description=description, json_schema_extra={"maxLength": max_length})]


def RequiredText(max_length: int, description: str | None = None):  # noqa: N802
    return Annotated[str, BeforeValidator(_text(max_length, True)),
                     Field(description=description, json_schema_extra={"maxLength": max_length, "minLength": 1})]


#: The dates and moments a form or a request body may hold, as the help texts and the errors name them.
DATE_FORMATS = "DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD"
MOMENT_FORMATS = "DD.MM.ÅÅÅÅ tt:mm eller ÅÅÅÅ-MM-DD tt:mm"
NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NORWEGIAN_MOMENT = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2}))?")
#: ÅÅÅÅ-MM-DD tt:mm (or with T, seconds and a time zone, as JSON clients write it)
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
EARLIEST = dt.date(2000, 1, 1)  # no step of the routine is dated before this
LATEST = dt.date(2099, 12, 31)  # nor after this: 9999-12-31 23:59-12:00 is past the last datetime in UTC


def read_day(text: str) -> dt.date:
    """DD.MM.ÅÅÅÅ as people write it in Norway, or ÅÅÅÅ-MM-DD; ValueError for anything else (DATE_FORMATS)."""
    text = text.strip()
    found = NORWEGIAN_DATE.fullmatch(text)
    if found:
        day, month, year = map(int, found.groups())
        return dt.date(year, month, day)
    if ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    raise ValueError(text)


def _day(value: Any) -> Any:
    if _blank(value):
        raise ValueError(MISSING)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return read_day(value)
    except ValueError:
        raise ValueError(not_a_date(value, DATE_FORMATS)) from None


def _shown_day(day: dt.date) -> str:
    return f"{day.day:02}.{day.month:02}.{day.year:04}"  # strftime writes year 1 as "1"


def _in_the_routine(value: dt.date) -> dt.date:
    moment_day = value.date() if isinstance(value, dt.datetime) else value
    if moment_day < EARLIEST:
        raise ValueError(too_early(_shown_day(moment_day), _shown_day(EARLIEST)))
    if moment_day > LATEST:
        raise ValueError(f"{_shown_day(moment_day)} er for sent (senest {_shown_day(LATEST)})")
    return value


def _moment(value: Any) -> Any:
    if _blank(value):
        raise ValueError(MISSING)
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            found = NORWEGIAN_MOMENT.fullmatch(value.strip())
            if found:
                day, month, year, hour, minute = (int(g) if g else 0 for g in found.groups())
                moment = dt.datetime(year, month, day, hour, minute)
            elif ISO_MOMENT.fullmatch(value.strip()):
                moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            else:
                raise ValueError(value)
        except ValueError:
            raise ValueError(not_a_moment(value, MOMENT_FORMATS)) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=OSLO)


def _whole_number(low: int, high: int):
    def check(value: Any) -> Any:
        if _blank(value):
            raise ValueError(MISSING)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 12:
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(wrong_type(value, "et heltall"))
        if value < low:
            raise ValueError(too_small(value, low))
        if value > high:
            raise ValueError(too_large(value, high))
        return value
    return check


def _code(allowed: Iterable[str]):
    allowed = tuple(allowed)

    def check(value: Any) -> Any:
        if _blank(value):
            raise ValueError(MISSING)
        if value not in allowed:
            raise ValueError(not_a_choice(value, allowed))
        return value
    return check


Day = Annotated[dt.date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]
#: A date in the routine (reported, held, signed, moved in ...): not before 2000, not after 2099.
RoutineDay = Annotated[dt.date, BeforeValidator(_day), AfterValidator(_in_the_routine),
                       WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[dt.datetime, BeforeValidator(_moment), AfterValidator(_in_the_routine),
                   WithJsonSchema({"type": "string", "format": "date-time",
                                   "description": "Uten tidssone: norsk tid."})]
Id = Annotated[int, BeforeValidator(_whole_number(1, MAX_ID)),
               WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID})]
Kroner = Annotated[int, BeforeValidator(_whole_number(0, MAX_KRONER)),
                   WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_KRONER})]


def Code(allowed: Iterable[str], description: str | None = None):  # noqa: N802
    """One of the codes in `allowed` (the error lists them)."""
    allowed = tuple(allowed)
    return Annotated[str, BeforeValidator(_code(allowed)),
                     WithJsonSchema({"type": "string", "enum": list(allowed), "description": description or ""})]


class Command(BaseModel):
    """A request: unknown fields are refused, blank text is the same as nothing.

    Defaults are validated too, so a rule between fields ("text required for
    'annet'") holds when the field was left out.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True)
    _problems: list[Problem] = PrivateAttr(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """What was wrong with the request's values (empty for a valid command)."""
        return self._problems

    def check(self, *names: str) -> None:
        """Refuse now if a value is bad: any (no names), or one the caller needs to go on (`names`)."""
        if any(not names or p.path.split(".")[0].split("[")[0] in names for p in self._problems):
            raise InvalidInput(self._problems)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
        return data


READINESS = tuple(r.value for r in Readiness)
RESPONSES = tuple(r.value for r in Response)


def TextForOther(code_field: str, max_length: int, description: str | None = None):  # noqa: N802
    """Optional free text that must be filled in when `code_field` (declared before it) is 'annet'."""
    def required_for_other(text: Any, info: ValidationInfo) -> Any:
        # info.data is None when parse() re-reads one good field alone, after the model failed
        if (info.data or {}).get(code_field) == "annet" and _blank(text):
            raise ValueError(missing_when("når begrunnelsen er «annet»"))
        return text
    return Annotated[Optional[str], BeforeValidator(_text(max_length, False)), AfterValidator(required_for_other),
                     Field(description=description, json_schema_extra={"maxLength": max_length})]


# -- vacancies (steps 1-3) --------------------------------------------------------------------------

class ReportVacancy(Command):
    """Melding om ledig bolig (steg 1), med botiltakets tjenestetilbud (steg 2) hvis det er endret."""

    home_id: Id = Field(description="Boligen som er ledig.")
    reported_on: Optional[RoutineDay] = Field(None, description="Meldt dato (standard: i dag).")
    vacated_on: Optional[RoutineDay] = Field(None, description="Fraflyttet dato.")
    ready_on: Optional[RoutineDay] = Field(None, description="Klar til innflytting.")
    readiness: Code(READINESS, "fraflyttet / under klargjøring / klar.") = Readiness.VACATED.value
    monthly_rent: Optional[Kroner] = Field(None, description="Husleie per måned i kroner.")
    reason: Text(2000, "Hvorfor boligen er ledig.") = None
    reference: Text(40, "Saksreferanse, f.eks. LB-2026-041.") = None
    service_profile: Optional[dict[str, Any]] = Field(None, description="Tjenestetilbudet i botiltaket "
                                                                        "(feltene under botiltak i felter.yaml).")
    departing_resident: Text(40, "Beboeren som flytter ut (beboer-id).") = None

    @field_validator("readiness", mode="before")
    @classmethod
    def _default_readiness(cls, value):
        return Readiness.VACATED.value if value is None else value

    @field_validator("ready_on")
    @classmethod
    def _ready_after_vacated(cls, ready, info: ValidationInfo):
        vacated = info.data.get("vacated_on")
        if ready and vacated and ready < vacated:
            raise ValueError("boligen kan ikke være klar før den er fraflyttet")
        return ready


class UpdateReadiness(Command):
    """Hvor langt boligen er kommet: fraflyttet, under klargjøring, klar."""

    readiness: Code(READINESS, "fraflyttet / under klargjøring / klar.")
    vacated_on: Optional[RoutineDay] = None
    ready_on: Optional[RoutineDay] = None


class StageFilter(Command):
    """Which stage the overview shows."""

    stage: Code([s.value for s in Stage])


# -- nominations (step 4) -----------------------------------------------------------------------------

class Nominate(Command):
    """Kontorets ene kandidat til boligen (steg 4)."""

    applicant_id: Annotated[Id, Field(description="Søkeren fra kontorets venteliste.")]

    @field_validator("applicant_id", mode="before")
    @classmethod
    def _chosen(cls, value):
        if _blank(value):
            raise ValueError(MISSING)
        return value


class WithdrawNomination(Command):
    """Hvilken nominasjon som trekkes tilbake, og en valgfri begrunnelse."""

    nomination_id: Id
    reason: Text(2000) = None


# -- applicants, checklist, housing journal (step 5) --------------------------------------------------

class RegisterApplicant(Command):
    """En søker på ventelisten."""

    code: RequiredText(40, "Kandidat-id, f.eks. K-1187.")
    name: RequiredText(200)
    birth_date: Day
    application_received: RoutineDay
    target_groups: list[Annotated[str, BeforeValidator(_text(80, True))]] = Field(
        description="Målgruppene (koder fra felter.yaml).")
    welfare_office: Optional[Code(OFFICES, "Kontoret (en saksbehandler: sitt eget).")] = None

    @field_validator("target_groups", mode="before")
    @classmethod
    def _some_group(cls, value):
        if value is None or value == []:
            raise ValueError(at_least_one("én målgruppe"))
        return value

    @field_validator("application_received")
    @classmethod
    def _after_birth(cls, received, info: ValidationInfo):
        born = info.data.get("birth_date")
        if born and received < born:
            raise ValueError("søknaden kan ikke være mottatt før søkeren ble født")
        return received


class RecordChecklist(Command):
    """En fullstendig sjekkliste (steg 5), validert mot feltkatalogen i rules/."""

    checklist: dict[str, Any]
    note: Text(5000) = None

    @field_validator("checklist", mode="before")
    @classmethod
    def _mapping(cls, value):
        if not isinstance(value, dict):
            raise ValueError(wrong_type(value, "et oppslag (nøkkel: verdi)"))
        return value


class RecordJournalChange(Command):
    """Endrede felt som ny journalføring i boligjournalen; null fjerner et valgfritt felt."""

    changes: dict[str, Any]
    note: RequiredText(5000, "Hvorfor sjekklisten endres.")

    @field_validator("changes", mode="before")
    @classmethod
    def _some_change(cls, value):
        if not isinstance(value, dict):
            raise ValueError(wrong_type(value, "et oppslag (nøkkel: verdi)"))
        if not value:
            raise ValueError(at_least_one("ett felt som er endret"))
        return value


# -- recommendation and four eyes (step 6) ------------------------------------------------------------

class MakeRecommendation(Command):
    """Ingen felt: innstillingen rangerer de aktive nominasjonene med regelverket som gjelder i dag."""


class RankAgain(Command):
    """Ingen felt: de aktive nominerte rangeres på nytt med dagens sjekklister og regelverket som gjelder i dag."""


class ApproveRecommendation(Command):
    """Innstillingen som godkjennes, og en valgfri merknad."""

    recommendation_id: Id
    note: Text(5000) = None


class ReturnRecommendation(Command):
    """Innstillingen som sendes tilbake, og hvorfor."""

    recommendation_id: Id
    note: RequiredText(5000, "Hvorfor innstillingen sendes tilbake.")


# -- the unit leader and the consultation meeting (steps 7-8) -----------------------------------------

class UnitLeaderRespond(Command):
    """Enhetslederens svar på innstillingen (steg 7)."""

    response: Code(RESPONSES, "enig eller innsigelse.")
    reason_code: Optional[str] = Field(None, description="Ved innsigelse: tjenester, sammensetning, atferd "
                                                         "eller annet.",
                                       json_schema_extra={"enum": list(OBJECTION_REASONS)})
    reason_text: TextForOther("reason_code", 5000, "Påkrevd for annet.") = None
    preferred_candidate: Text(40, "Ved likeverdige kandidater: hvem botiltaket foretrekker.") = None

    @field_validator("reason_code", mode="before")
    @classmethod
    def _reason_for_objection(cls, value, info: ValidationInfo):
        response = info.data.get("response")
        if response == Response.OBJECT.value:
            return _code(OBJECTION_REASONS)(value)
        if not _blank(value) and response is not None:
            raise ValueError("en begrunnelseskode hører bare til en innsigelse")
        return None if _blank(value) else value

class Participant(Command):
    """En deltaker i drøftingsmøtet."""

    name: RequiredText(200)
    role: RequiredText(200, "F.eks. enhetsleder, saksbehandler, spesialisthelsetjenesten.")


class OpenConsultation(Command):
    """Innkalling til drøftingsmøte (steg 8): tidspunkt og hvem som kalles inn."""

    scheduled_for: Moment = Field(description="Tidspunkt (uten tidssone: norsk tid).")
    participants: list[Participant]

    @field_validator("participants", mode="before")
    @classmethod
    def _someone_called(cls, value):
        if value is None or value == []:
            raise ValueError(at_least_one("én som kalles inn"))
        return value


class RecordMeeting(Command):
    """Referat og utfall av drøftingsmøtet."""

    participants: list[Participant]
    minutes: RequiredText(50_000)
    outcome: Code(MEETING_OUTCOMES, "enighet eller uenighet (da avgjør avdelingslederen).")
    held_on: Optional[RoutineDay] = None

    @field_validator("participants", mode="before")
    @classmethod
    def _someone_took_part(cls, value):
        if value is None or value == []:
            raise ValueError(at_least_one("én som deltok"))
        return value


# -- decision and declined offers (step 9) ------------------------------------------------------------

class Decide(Command):
    """Vedtak om tildeling (steg 9)."""

    candidate: RequiredText(40, "Kandidat-id fra den godkjente innstillingen.")
    override_code: Optional[Code(OVERRIDE_REASONS, "Påkrevd når en annen enn den høyest rangerte velges.")] = None
    override_text: TextForOther("override_code", 5000, "Påkrevd for annet.") = None


class DeclineOffer(Command):
    """Søkeren takker nei; neste kandidat rykker opp."""

    reason_code: Code(DECLINE_REASONS)
    reason_text: TextForOther("reason_code", 5000, "Påkrevd for annet.") = None


# -- moving in (steps 10-11) ---------------------------------------------------------------------------

class BookViewing(Command):
    """Visning avtalt (steg 10)."""

    viewing_at: Moment
    note: Text(2000) = None


class SignContract(Command):
    """Kontrakten er signert (steg 11)."""

    signed_on: Optional[RoutineDay] = None
    note: Text(2000) = None


class CompleteMoveinStep(Command):
    """Etter kontraktsmøtet: bostøtte søkt, strøm bestilt, ny adresse meldt."""

    step: Code([s.value for s in AFTER_CONTRACT_STEPS],
               "housing_allowance_applied, electricity_ordered eller address_reported.")
    done_on: Optional[RoutineDay] = None
    note: Text(2000) = None


class RegisterMoveIn(Command):
    """Den nye leieren har flyttet inn."""

    moved_in_on: Optional[RoutineDay] = None


# -- units, homes and residents (set up by the allocation team) -------------------------------------

def _unit_id(value: Any) -> Any:
    if not isinstance(value, str) or not value or not value.replace("-", "").isalnum() or value != value.lower():
        raise ValueError("id-en kan bare ha små bokstaver, tall og bindestrek, f.eks. lade-botiltak")
    return value


class AddUnit(Command):
    """Et botiltak med tjenestetilbudet (feltene under botiltak i felter.yaml)."""

    unit_id: Annotated[str, BeforeValidator(_unit_id), Field(max_length=80)]
    name: RequiredText(200)
    profile: dict[str, Any]


class UpdateServiceProfile(Command):
    """Botiltakets tjenestetilbud (steg 2)."""

    profile: dict[str, Any]


class AddHome(Command):
    """En bolig i et botiltak, med opplysningene egnethetskontrollene bruker."""

    address: RequiredText(200)
    facts: dict[str, Any]


class AddResident(Command):
    """En nåværende beboer, anonymisert: en kode og opplysningene sammensetningsreglene bruker."""

    code: RequiredText(40)
    facts: dict[str, Any] = Field(default_factory=dict)
    moved_in_on: Optional[RoutineDay] = None

    @field_validator("facts", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        return {} if value is None else value


#: The command each step of the routine takes (service/domain/steps.py names the steps).
STEP_COMMANDS: dict[str, type[Command]] = {
    "nominate": Nominate,
    "withdraw_nomination": WithdrawNomination,
    "make_recommendation": MakeRecommendation,
    "rank_again": RankAgain,
    "approve_recommendation": ApproveRecommendation,
    "return_recommendation": ReturnRecommendation,
    "unit_leader_respond": UnitLeaderRespond,
    "open_consultation": OpenConsultation,
    "record_meeting": RecordMeeting,
    "decide": Decide,
    "decline_offer": DeclineOffer,
    "book_viewing": BookViewing,
    "sign_contract": SignContract,
    "complete_movein_step": CompleteMoveinStep,
    "register_move_in": RegisterMoveIn,
    "update_readiness": UpdateReadiness,
}


def checked_by_vocabulary(problems, path: str, model: type[BaseModel], data: Any) -> dict | None:
    """`data` validated by a model the rules in force generate (a checklist, a service profile):
    the result as stored, or None with the problems added under `path`."""
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, prefix=tuple(p for p in path.split(".") if p)))
        return None
    return obj.model_dump(mode="json", exclude_none=True)
