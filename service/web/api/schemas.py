"""The answers of the casework API as /openapi.json documents them (fields it promises; more may come).

The request bodies are the casework's commands (service/casework/commands.py): the
pages read their forms into the same models.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict


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


class RuleRef(Out):
    rule_id: str
    name: str


class ScreenedApplicant(Out):
    """Én søker på ventelisten, vurdert mot boligen etter regelverket som gjelder i dag."""

    applicant_id: int
    code: str
    name: str
    welfare_office: str
    status: str
    status_label: str
    rank: Optional[int]
    score: Optional[int]
    eligible: bool
    needs_consultation: bool
    blocked_by: list[RuleRef]
    consultation_by: list[RuleRef]
    problems: list[str]
    nominated_here: bool
    nominated_elsewhere: list[dict[str, Any]]
    checklist_recorded_at: Optional[str]
    checklist_changed_after_review: bool


class ScreeningOut(Out):
    """Ventelistene sjekket mot en ledig bolig (steg 4)."""

    vacancy_id: int
    reference: str
    as_of: str
    rules_version: str
    welfare_office: Optional[str]
    applicants: list[ScreenedApplicant]
    counts: dict[str, int]
    hard_to_fill: bool
    hard_to_fill_below: int


class DeadlineOut(Out):
    """En frist som løper nå på en ledig bolig (rutine/frister.yaml)."""

    vacancy_id: int
    reference: Optional[str]
    deadline_id: str
    name: str
    since: str
    until: str
    due: str
    overdue: bool
    overdue_days: int
    working_days: bool
    owners: list[str]
    offices: list[str]


class ReminderOut(Out):
    vacancy_id: int
    reference: Optional[str]
    deadline_id: str
    due: str
    recipients: list[str]
