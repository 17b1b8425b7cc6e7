"""The shapes of the casework API: one pydantic model per request body (unknown fields refused)
and the answers as /openapi.json documents them.

Codes (reasons, outcomes, steps) are checked by the casework against the lists in
service/casework/domain.py, so a wrong code gets 422 naming the field and the allowed values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from service.domain.codes import Readiness, Response


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- request bodies ----------------------------------------------------------------------------

class ReportVacancyBody(Body):
    """Melding om ledig bolig (steg 1), med botiltakets tjenestetilbud (steg 2) hvis det er endret."""

    home_id: int = Field(description="Boligen som er ledig.")
    reported_on: Optional[dt.date] = Field(None, description="Meldt dato (standard: i dag).")
    vacated_on: Optional[dt.date] = Field(None, description="Fraflyttet dato.")
    ready_on: Optional[dt.date] = Field(None, description="Klar til innflytting.")
    readiness: Readiness = Field(Readiness.VACATED, description="fraflyttet / under klargjøring / klar.")
    monthly_rent: Optional[int] = Field(None, ge=0, description="Husleie per måned i kroner.")
    reason: Optional[str] = Field(None, max_length=2000, description="Hvorfor boligen er ledig.")
    reference: Optional[str] = Field(None, max_length=40, description="Saksreferanse, f.eks. LB-2026-041.")
    service_profile: Optional[dict[str, Any]] = Field(None, description="Tjenestetilbudet i botiltaket "
                                                                        "(feltene under botiltak i felter.yaml).")
    departing_resident: Optional[str] = Field(None, description="Beboeren som flytter ut (beboer-id).")


class ReadinessBody(Body):
    """Hvor langt boligen er kommet: fraflyttet, under klargjøring, klar."""

    readiness: Readiness
    vacated_on: Optional[dt.date] = None
    ready_on: Optional[dt.date] = None


class NominateBody(Body):
    """Kontorets ene kandidat til boligen (steg 4)."""

    applicant_id: int = Field(description="Søkeren fra kontorets venteliste.")


class ReasonBody(Body):
    """En valgfri begrunnelse."""

    reason: Optional[str] = Field(None, max_length=2000)


class RegisterApplicantBody(Body):
    """En søker på ventelisten."""

    code: str = Field(max_length=40, description="Kandidat-id, f.eks. K-1187.")
    name: str = Field(max_length=200)
    birth_date: dt.date
    application_received: dt.date
    target_groups: list[str] = Field(description="Målgruppene (koder fra felter.yaml).")
    welfare_office: Optional[str] = Field(None, description="Kontoret (en saksbehandler: sitt eget).")


class ChecklistBody(Body):
    """En fullstendig sjekkliste (steg 5), validert mot feltkatalogen i rules/."""

    checklist: dict[str, Any]
    note: Optional[str] = Field(None, max_length=5000)


class JournalBody(Body):
    """Endrede felt som ny journalføring i boligjournalen; null fjerner et valgfritt felt."""

    changes: dict[str, Any]
    note: str = Field(max_length=5000, description="Hvorfor sjekklisten endres.")


class NoteBody(Body):
    """En valgfri merknad."""

    note: Optional[str] = Field(None, max_length=5000)


class ReturnBody(Body):
    """Hvorfor innstillingen sendes tilbake."""

    note: str = Field(max_length=5000)


class UnitLeaderResponseBody(Body):
    """Enhetslederens svar på innstillingen (steg 7)."""

    response: Response = Field(description="enig eller innsigelse.")
    reason_code: Optional[str] = Field(None, description="Ved innsigelse: tjenester, sammensetning, atferd "
                                                         "eller annet.")
    reason_text: Optional[str] = Field(None, max_length=5000, description="Påkrevd for annet.")
    preferred_candidate: Optional[str] = Field(None, description="Ved likeverdige kandidater: hvem botiltaket "
                                                                 "foretrekker.")


class Participant(Body):
    """En deltaker i drøftingsmøtet."""

    name: str = Field(max_length=200)
    role: str = Field(max_length=200, description="F.eks. enhetsleder, saksbehandler, spesialisthelsetjenesten.")


class ConsultationBody(Body):
    """Innkalling til drøftingsmøte (steg 8)."""

    scheduled_for: Optional[dt.datetime] = Field(None, description="Tidspunkt (uten tidssone: norsk tid).")
    participants: list[Participant] = Field(default_factory=list)


class MinutesBody(Body):
    """Referat og utfall av drøftingsmøtet."""

    participants: list[Participant]
    minutes: str = Field(max_length=50_000)
    outcome: str = Field(description="enighet eller uenighet (da avgjør avdelingslederen).")
    held_on: Optional[dt.date] = None


class DecisionBody(Body):
    """Vedtak om tildeling (steg 9)."""

    candidate: str = Field(description="Kandidat-id fra den godkjente innstillingen.")
    override_code: Optional[str] = Field(None, description="Påkrevd når en annen enn den høyest rangerte velges.")
    override_text: Optional[str] = Field(None, max_length=5000, description="Påkrevd for annet.")


class DeclineBody(Body):
    """Søkeren takker nei; neste kandidat rykker opp."""

    reason_code: str
    reason_text: Optional[str] = Field(None, max_length=5000)


class ViewingBody(Body):
    """Visning avtalt (steg 10)."""

    viewing_at: dt.datetime
    note: Optional[str] = Field(None, max_length=2000)


class ContractBody(Body):
    """Kontrakten er signert (steg 11)."""

    signed_on: Optional[dt.date] = None
    note: Optional[str] = Field(None, max_length=2000)


class MoveInStepBody(Body):
    """Etter kontraktsmøtet: bostøtte søkt, strøm bestilt, ny adresse meldt."""

    step: str = Field(description="housing_allowance_applied, electricity_ordered eller address_reported.")
    done_on: Optional[dt.date] = None
    note: Optional[str] = Field(None, max_length=2000)


class MoveInBody(Body):
    """Den nye leieren har flyttet inn."""

    moved_in_on: Optional[dt.date] = None


# -- answers (fields the API promises; more may come) -------------------------------------------

class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class UnitOut(Out):
    """Et botiltak med tjenestetilbudet (feltene under botiltak i felter.yaml) og boligene."""

    id: str
    name: str
    homes: list[dict[str, Any]]


class NominationOut(Out):
    id: int
    vacancy_id: int
    applicant_id: int
    candidate: str
    welfare_office: str
    status: str
    nominated_at: str
    closed_at: Optional[str] = None


class VacancyOut(Out):
    """En ledig bolig slik oversikten viser den (ingen personopplysninger)."""

    id: int
    reference: str
    stage: str
    stage_label: str
    readiness: str
    readiness_label: str
    reported_on: Optional[str]
    vacated_on: Optional[str]
    ready_on: Optional[str]
    decided_on: Optional[str]
    moved_in_on: Optional[str]
    monthly_rent: Optional[int]
    home: dict[str, Any]
    unit: dict[str, Any]
    nominating_offices: list[str]
    accepting_nominations: bool


class MetricsOut(Out):
    """Saksbehandlingstid, ledige dager og tomgangstap."""

    case_processing_days: Optional[int]
    vacant_days: Optional[int]
    rent_lost: Optional[int]
    still_vacant: bool
    reported_on: Optional[str]
    decided_on: Optional[str]
    vacated_on: Optional[str]
    moved_in_on: Optional[str]
    formula_rent_lost: str


class EventOut(Out):
    """Et steg i sakens tidslinje: hva, hvem, når."""

    id: int
    at: str
    kind: str
    text: str
    actor_id: Optional[int]
    actor: Optional[str]
    data: Optional[dict[str, Any]]


class ApplicantOut(Out):
    """En søker slik brukeren har tilgang til å se den."""

    id: int
    code: str
    welfare_office: str


class JournalEntryOut(Out):
    seq: int
    kind: str
    changes: Optional[dict[str, Any]]
    note: Optional[str]
    checklist: dict[str, Any]
    author: Optional[str]
    recorded_at: str


class RecommendationOut(Out):
    """Innstillingen: hode (regelverksversjon, inndata-hash) og det brukeren har tilgang til å se."""

    id: int
    vacancy_id: int
    as_of: str
    created_at: str
    author_id: int
    rules_version: dict[str, Any]
    input_hash: str


class UnitLeaderResponseOut(Out):
    id: int
    response: str
    presented: list[str]
    reason_code: Optional[str]
    reason_label: Optional[str]
    reason_text: Optional[str]
    preferred_candidate: Optional[str]
    responder_id: int
    responded_at: str


class MeetingOut(Out):
    id: int
    vacancy_id: int
    opened_at: str
    scheduled_for: Optional[str]
    participants: list[dict[str, Any]]
    held_on: Optional[str]
    minutes: Optional[str]
    outcome: Optional[str]
    outcome_label: Optional[str]
    recorded_at: Optional[str]


class DecisionOut(Out):
    id: int
    vacancy_id: int
    recommendation_id: int
    candidate: str
    welfare_office: str
    top_candidate: Optional[str]
    override_code: Optional[str]
    override_label: Optional[str]
    override_text: Optional[str]
    decided_by: int
    decided_at: str
    decided_on: str
    status: str


class DeclinedOut(Out):
    id: int
    decision_id: int
    candidate: str
    reason_code: str
    reason_label: str
    reason_text: Optional[str]
    stage: str
    presented: list[str]


class MoveInStepOut(Out):
    step: str
    label: str
    scheduled_for: Optional[str]
    done_on: Optional[str]
    note: Optional[str]
    recorded_at: str


class MovedInOut(Out):
    vacancy_id: int
    moved_in_on: str
    resident: str
    stage: str
