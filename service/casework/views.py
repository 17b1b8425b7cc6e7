"""Plain JSON-able dicts of the stored things, for the HTTP layer and the pages.

Field names are English (it is an API); labels are bokmål. Views of people's
data are built by the functions that check access, never here.
"""

from __future__ import annotations

import datetime as dt

from service.store.models import (ConsultationMeeting, Decision, DeclinedOffer, Home, MoveInStepRecord, Nomination,
                                  Recommendation, Unit, UnitLeaderResponse, Vacancy, VacancyEvent)

from service.domain.codes import (DECLINE_REASONS, MEETING_OUTCOMES, MOVEIN_LABELS, OBJECTION_REASONS, OVERRIDE_REASONS,
                     READINESS_LABELS, MoveInStep, Readiness, Stage, stage_label)


def iso(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def unit_view(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, **unit.profile}


def home_view(home: Home) -> dict:
    return {"id": home.id, "unit_id": home.unit_id, "address": home.address, **home.facts}


def vacancy_summary(vacancy: Vacancy) -> dict:
    """What the welfare offices see in the overview of vacancies (step 3): no person data."""
    home = vacancy.home
    return {
        "id": vacancy.id,
        "reference": vacancy.reference,
        "stage": vacancy.stage,
        "stage_label": stage_label(vacancy.stage),
        "readiness": vacancy.readiness,
        "readiness_label": READINESS_LABELS[Readiness(vacancy.readiness)],
        "reported_on": iso(vacancy.reported_on),
        "vacated_on": iso(vacancy.vacated_on),
        "ready_on": iso(vacancy.ready_on),
        "decided_on": iso(vacancy.decided_on),
        "moved_in_on": iso(vacancy.moved_in_on),
        "monthly_rent": vacancy.monthly_rent,
        "home": home_view(home),
        "unit": unit_view(home.unit),
        "nominating_offices": sorted(n.welfare_office for n in vacancy.nominations if n.status == "active"),
        "accepting_nominations": vacancy.stage == Stage.OPEN,
    }


def nomination_view(nomination: Nomination) -> dict:
    return {
        "id": nomination.id, "vacancy_id": nomination.vacancy_id, "applicant_id": nomination.applicant_id,
        "candidate": nomination.applicant.code, "welfare_office": nomination.welfare_office,
        "status": nomination.status, "nominated_at": iso(nomination.nominated_at),
        "closed_at": iso(nomination.closed_at),
    }


def recommendation_header(rec: Recommendation) -> dict:
    return {"id": rec.id, "vacancy_id": rec.vacancy_id, "as_of": iso(rec.as_of), "created_at": iso(rec.created_at),
            "author_id": rec.author_id, "rules_version": {"label": rec.rules_label, "content_hash": rec.rules_hash},
            "input_hash": rec.input_hash}


def response_view(r: UnitLeaderResponse) -> dict:
    return {"id": r.id, "response": r.response, "presented": r.presented, "reason_code": r.reason_code,
            "reason_label": OBJECTION_REASONS.get(r.reason_code) if r.reason_code else None,
            "reason_text": r.reason_text, "preferred_candidate": r.preferred_candidate,
            "responder_id": r.responder_id, "responded_at": iso(r.responded_at)}


def meeting_view(m: ConsultationMeeting) -> dict:
    return {"id": m.id, "vacancy_id": m.vacancy_id, "opened_at": iso(m.opened_at),
            "scheduled_for": iso(m.scheduled_for), "participants": m.participants, "held_on": iso(m.held_on),
            "minutes": m.minutes, "outcome": m.outcome,
            "outcome_label": MEETING_OUTCOMES.get(m.outcome) if m.outcome else None,
            "recorded_at": iso(m.recorded_at)}


def decision_view(d: Decision) -> dict:
    return {"id": d.id, "vacancy_id": d.vacancy_id, "recommendation_id": d.recommendation_id,
            "candidate": d.candidate_code, "welfare_office": d.nomination.welfare_office,
            "top_candidate": d.top_candidate_code, "override_code": d.override_code,
            "override_label": OVERRIDE_REASONS.get(d.override_code) if d.override_code else None,
            "override_text": d.override_text, "decided_by": d.decided_by, "decided_at": iso(d.decided_at),
            "decided_on": iso(d.decided_on), "status": d.status}


def declined_view(d: DeclinedOffer, candidate: str) -> dict:
    return {"id": d.id, "decision_id": d.decision_id, "candidate": candidate, "reason_code": d.reason_code,
            "reason_label": DECLINE_REASONS[d.reason_code], "reason_text": d.reason_text,
            "recorded_at": iso(d.recorded_at)}


def movein_view(s: MoveInStepRecord) -> dict:
    return {"step": s.step, "label": MOVEIN_LABELS[MoveInStep(s.step)], "scheduled_for": iso(s.scheduled_for),
            "done_on": iso(s.done_on), "note": s.note, "recorded_at": iso(s.recorded_at)}


def event_view(e: VacancyEvent) -> dict:
    return {"id": e.id, "at": iso(e.at), "kind": e.kind, "text": e.text, "actor_id": e.actor_id,
            "actor": e.actor_name, "data": e.data}
