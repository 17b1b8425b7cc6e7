"""Vacancies (ledige boliger): the notice (step 1-2), readiness, the overview (step 3),
the detail, the timeline and the municipality's measures per vacancy.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from service.store.models import (ConsultationMeeting, Decision, DeclinedOffer, Home, MoveInStepRecord, Nomination,
                                  Recommendation, Resident, UnitLeaderResponse, Vacancy, VacancyEvent)

from service.domain import access, dates
from service.casework.context import Context, unit_of_work
from service.casework.disclosure import OTHER_NOMINEE
from service.casework.presentation import UNIT_LEADER_STAGES, presentation, seen_by_unit_leader
from service.casework.commands import ReportVacancy, StageFilter, UpdateReadiness, parse
from service.domain.codes import ALLOCATION_TEAM, READINESS_LABELS, Readiness, Role, Stage
from service.domain.errors import Forbidden, IllegalTransition, Problems
from service.domain.steps import require_step
from service.domain.metrics import metrics_from_timeline
from service.casework.units import validate_profile
from service.casework.views import (decision_view, declined_view, event_view, meeting_view, movein_view, nomination_view,
                    recommendation_header, response_view, vacancy_summary)


def _load(ctx: Context, vacancy_id: int, *, lock: bool = False) -> Vacancy:
    return ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=lock)


@unit_of_work
def report_vacancy(ctx: Context, command: ReportVacancy) -> dict:
    """Step 1 (melding om ledig bolig), with the unit's service profile (step 2) if it changed.

    The unit's leader reports (or the allocation team on its behalf). `reported_on`
    defaults to today. `departing_resident` (a resident code) is marked as moved out
    on `vacated_on`, so the composition rules see the unit as it will be.
    """
    command.check("home_id")
    home = ctx.get(Home, command.home_id, "Boligen", lock=True)  # two reports of one home take turns
    unit = home.unit
    if not access.may_act_for_unit(ctx.actor, unit.id):
        raise Forbidden("Bare botiltakets egen leder eller boligtildelingen kan melde boligen ledig.",
                        action="report_vacancy")
    reported = command.reported_on or ctx.today()
    vacated, ready, readiness = command.vacated_on, command.ready_on, command.readiness
    rent, reason, reference = command.monthly_rent, command.reason, command.reference
    departing_resident = command.departing_resident
    problems = Problems(command)
    dates.not_in_future(problems, "reported_on", reported, ctx.today(), "meldt dato")
    if reference and ctx.session.scalar(select(Vacancy.id).where(Vacancy.reference == reference)):
        problems.add("reference", f"referansen '{reference}' er i bruk")
    profile = None
    if command.service_profile is not None:
        profile = validate_profile(ctx, problems, unit.id, unit.name, command.service_profile, "service_profile")
    resident = None
    if departing_resident:
        resident = ctx.session.scalar(select(Resident).where(Resident.code == departing_resident,
                                                             Resident.unit_id == unit.id,
                                                             Resident.moved_out_on.is_(None)))
        if resident is None:
            problems.add("departing_resident",
                         f"botiltaket har ingen nåværende beboer med id '{departing_resident}'")
    problems.check()
    in_progress = ctx.session.scalar(select(Vacancy).where(Vacancy.home_id == home.id,
                                                           Vacancy.stage != Stage.MOVED_IN.value))
    if in_progress is not None:
        raise IllegalTransition(f"Boligen {home.address} er allerede meldt ledig "
                                f"({in_progress.reference}, {in_progress.stage}).")
    vacancy = Vacancy(home=home, stage=Stage.OPEN.value, readiness=readiness, reported_on=reported,
                      vacated_on=vacated, ready_on=ready, monthly_rent=rent, reason=reason, reference=reference,
                      reported_by=ctx.actor.id, created_at=ctx.now())
    ctx.session.add(vacancy)
    ctx.session.flush()
    if not vacancy.reference:
        vacancy.reference = f"LB-{reported.year}-{vacancy.id:04d}"
    if profile is not None:
        unit.profile = profile
        ctx.event(vacancy, "service_profile_updated", f"Tjenestetilbudet i {unit.name} er oppdatert.",
                  unit_id=unit.id)
    if resident is not None:
        resident.moved_out_on = vacated or reported
    ctx.event(vacancy, "reported", f"{home.address} i {unit.name} er meldt ledig "
                                   f"({READINESS_LABELS[Readiness(readiness)]}).",
              reported_on=reported, vacated_on=vacated, ready_on=ready, readiness=readiness, monthly_rent=rent,
              departing_resident=departing_resident)
    return vacancy_summary(vacancy)


@unit_of_work
def update_readiness(ctx: Context, vacancy_id: int, command: UpdateReadiness) -> dict:
    """The unit tells how far the home is: fraflyttet, under klargjøring, klar (with dates)."""
    vacancy = _load(ctx, vacancy_id, lock=True)
    if not access.may_act_for_unit(ctx.actor, vacancy.home.unit_id):
        raise Forbidden("Bare botiltakets egen leder eller boligtildelingen kan endre boligens status.",
                        action="update_readiness", vacancy_id=vacancy.id)
    require_step("update_readiness", vacancy.stage)
    command.check()
    readiness = command.readiness
    vacated = command.vacated_on or vacancy.vacated_on
    ready = command.ready_on or vacancy.ready_on
    if readiness == Readiness.READY.value and ready is None:
        ready = ctx.today()
    problems = Problems()
    if vacated and ready and ready < vacated:
        problems.add("ready_on", "boligen kan ikke være klar før den er fraflyttet")
    problems.check()
    vacancy.readiness, vacancy.vacated_on, vacancy.ready_on = readiness, vacated, ready
    ctx.event(vacancy, "readiness_updated", f"Boligen er {READINESS_LABELS[Readiness(readiness)]}.",
              readiness=readiness, vacated_on=vacated, ready_on=ready)
    return vacancy_summary(vacancy)


@unit_of_work
def list_open_vacancies(ctx: Context) -> list[dict]:
    """The overview sent to the welfare offices (step 3): vacancies open for nominations.

    A caseworker also sees whether their own office has nominated (`own_nomination`).
    Each comes with its measures (`metrics`: vacant days and rent lost so far; no person data).
    """
    rows = ctx.session.scalars(select(Vacancy).where(Vacancy.stage == Stage.OPEN.value)
                               .options(*_LISTED).order_by(Vacancy.reported_on, Vacancy.id)).all()
    metrics = _metrics_many(ctx, rows)
    out = []
    for vacancy in rows:
        view = {**vacancy_summary(vacancy), "metrics": metrics[vacancy.id]}
        if ctx.role == Role.CASEWORKER:
            own = [n for n in vacancy.nominations
                   if n.status == "active" and n.welfare_office == ctx.actor.welfare_office]
            view["own_nomination"] = nomination_view(own[0]) if own else None
        out.append(view)
    return out


@unit_of_work
def list_vacancies(ctx: Context, stage: str | None = None) -> list[dict]:
    """Every vacancy (or those in one stage) with its measures: for the allocation team and unit leaders."""
    if ctx.role not in ALLOCATION_TEAM | {Role.UNIT_LEADER, Role.ADMIN, Role.POLICY_OFFICER}:
        raise Forbidden("Oversikten over alle saker er for boligtildelingen og enhetslederne.",
                        action="list_vacancies")
    query = select(Vacancy).options(*_LISTED).order_by(Vacancy.reported_on.desc(), Vacancy.id.desc())
    if stage is not None:
        stage = parse(StageFilter, stage=stage).stage
        query = query.where(Vacancy.stage == stage)
    listed = [v for v in ctx.session.scalars(query)
              if ctx.role != Role.UNIT_LEADER or v.home.unit_id in ctx.actor.unit_ids]
    metrics = _metrics_many(ctx, listed)
    return [{**vacancy_summary(vacancy), "metrics": metrics[vacancy.id]} for vacancy in listed]


# What a listed vacancy's summary reads, loaded with the list (one query each, not one per vacancy).
_LISTED = (selectinload(Vacancy.home).selectinload(Home.unit), selectinload(Vacancy.nominations))


def _metrics(ctx: Context, vacancy: Vacancy) -> dict:
    return _metrics_many(ctx, [vacancy])[vacancy.id]


def _metrics_many(ctx: Context, vacancies: list[Vacancy]) -> dict[int, dict]:
    """Each vacancy's measures from its timeline, with one query for all their events."""
    events: dict[int, list] = {v.id: [] for v in vacancies}
    if events:
        for vacancy_id, kind, data in ctx.session.execute(
                select(VacancyEvent.vacancy_id, VacancyEvent.kind, VacancyEvent.data)
                .where(VacancyEvent.vacancy_id.in_(list(events)))
                .order_by(VacancyEvent.vacancy_id, VacancyEvent.at, VacancyEvent.id)):
            events[vacancy_id].append((kind, data))
    today = ctx.today()
    return {v.id: metrics_from_timeline(events[v.id], v.monthly_rent, today).as_dict() for v in vacancies}


@unit_of_work
def vacancy_metrics(ctx: Context, vacancy_id: int) -> dict:
    """saksbehandlingstid, ledige dager and tomgangstap for one vacancy (see `metrics`)."""
    return _metrics(ctx, _load(ctx, vacancy_id))


def _may_follow(ctx: Context, vacancy: Vacancy) -> bool:
    """Who may follow the case's course (timeline, detail): the team, the unit, the nominating offices.

    Administrators and policy officers run the service and the rules; they see the
    vacancies and their measures, never a person in them.
    """
    if ctx.role in ALLOCATION_TEAM:
        return True
    if ctx.role == Role.UNIT_LEADER:
        return vacancy.home.unit_id in ctx.actor.unit_ids
    if ctx.role == Role.CASEWORKER:
        return any(n.welfare_office == ctx.actor.welfare_office for n in vacancy.nominations)
    return False


def visible_candidates(ctx: Context, vacancy: Vacancy) -> set[str]:
    """The candidate codes of `vacancy` this reader may see (need to know).

    The team sees all; a caseworker their own office's nominee; a unit leader the
    presented nominees, after the four-eyes approval and while the case is open.
    """
    if ctx.role in ALLOCATION_TEAM:
        return {n.applicant.code for n in vacancy.nominations}
    if ctx.role == Role.CASEWORKER:
        return {n.applicant.code for n in vacancy.nominations if n.welfare_office == ctx.actor.welfare_office}
    if ctx.role == Role.UNIT_LEADER and vacancy.home.unit_id in ctx.actor.unit_ids:
        return seen_by_unit_leader(ctx, vacancy)
    return set()


@unit_of_work
def timeline(ctx: Context, vacancy_id: int) -> list[dict]:
    """The vacancy's events in order: what happened, who did it, when.

    Each reader gets the texts as far as they may see them: candidates they may not
    see are not named, and typed notes go only to those they concern.
    """
    vacancy = _load(ctx, vacancy_id)
    if not _may_follow(ctx, vacancy):
        raise Forbidden("Du har ikke tilgang til denne saken.", action="read_timeline", vacancy_id=vacancy.id)
    events = ctx.session.scalars(select(VacancyEvent).where(VacancyEvent.vacancy_id == vacancy.id)
                                 .order_by(VacancyEvent.at, VacancyEvent.id)).all()
    seen = visible_candidates(ctx, vacancy)
    ctx.audit_read("read_timeline", [n.applicant_id for n in vacancy.nominations if n.applicant.code in seen],
                   vacancy_id=vacancy.id)
    views = [_checklist_fields_for_reader(ctx, _with_note(ctx, vacancy, event_view(e))) for e in events]
    if ctx.role not in ALLOCATION_TEAM:
        hidden = {n.applicant.code for n in vacancy.nominations} - seen
        label = OTHER_NOMINEE if ctx.role == Role.CASEWORKER else UNSEEN_CANDIDATE
        views = [_without_codes(v, hidden, label) for v in views]
    return views


UNSEEN_CANDIDATE = "[nominert kandidat]"

#: What people typed with a step (a reason, a note), kept in the event's data.
NOTE_KEYS = ("note", "reason", "reason_text", "override_text")


def _with_note(ctx: Context, vacancy: Vacancy, view: dict) -> dict:
    """The event with what was typed with it (`note`), for those who may read it.

    The allocation team reads every note; an office reads what was typed about its own
    nomination (a withdrawal, a declined offer); a unit leader the reason they gave
    themselves. For everyone else the typed text is left out of the event.
    """
    data = dict(view.get("data") or {})
    typed = next((data[k] for k in NOTE_KEYS if data.get(k)), None)
    own_office = ctx.role == Role.CASEWORKER and data.get("welfare_office") == ctx.actor.welfare_office
    own_unit = ctx.role == Role.UNIT_LEADER and view["kind"] == "unit_leader_responded" and \
        vacancy.home.unit_id in ctx.actor.unit_ids
    if ctx.role in ALLOCATION_TEAM or own_office or own_unit:
        return {**view, "note": typed}
    kept = {k: v for k, v in data.items() if k not in NOTE_KEYS} if view.get("data") is not None else None
    return {**view, "data": kept, "note": None}


_CHANGED_FIELDS = re.compile(r"^(Sjekklisten for \S+ er endret): [^(]*(\(journalføring nr\. \d+\)\.)$")


def _checklist_fields_for_reader(ctx: Context, view: dict) -> dict:
    """Which checklist fields changed is itself health information: only the team and the office read it.

    A unit leader learns that the checklist changed (the ranking may be stale), not
    what changed; what they may see of the checklist is on the candidate's page.
    """
    if view["kind"] != "checklist_recorded" or ctx.role in ALLOCATION_TEAM or ctx.role == Role.CASEWORKER:
        return view
    data = {k: v for k, v in (view.get("data") or {}).items() if k != "fields"}
    return {**view, "text": _CHANGED_FIELDS.sub(r"\1 \2", view["text"]), "data": data}


def _without_codes(view: dict, codes: set[str], label: str = OTHER_NOMINEE) -> dict:
    """An event as a reader outside the team may read it: candidates they may not see never named."""
    if not codes:
        return view
    pattern = re.compile("|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)))
    data = view.get("data")
    if data is not None and pattern.search(json.dumps(data, ensure_ascii=False)):
        data = None
    return {**view, "text": pattern.sub(label, view["text"]), "data": data}


@unit_of_work
def get_vacancy(ctx: Context, vacancy_id: int) -> dict:
    """The case as the actor may see it: candidates by code only (names stay with the office).

    The allocation team sees the whole course; a caseworker their own office's
    nomination and whether it was chosen; a unit leader the presented nominees
    (see `visible_candidates`) and their own part; administrators and policy
    officers the vacancy and its measures only.
    """
    vacancy = _load(ctx, vacancy_id)
    view = vacancy_summary(vacancy)
    if not _may_follow(ctx, vacancy):
        if ctx.role in (Role.ADMIN, Role.POLICY_OFFICER):
            view["metrics"] = _metrics(ctx, vacancy)
        return view
    session = ctx.session
    team, unit_leader = ctx.role in ALLOCATION_TEAM, ctx.role == Role.UNIT_LEADER
    seen = visible_candidates(ctx, vacancy)
    nominations = [n for n in vacancy.nominations if n.applicant.code in seen]
    view["nominations"] = [{**nomination_view(n), "reason": n.close_reason} if (
        n.status == "withdrawn" and (team or ctx.role == Role.CASEWORKER))
        else nomination_view(n) for n in nominations]  # why an office withdrew: the team's and the office's
    recs = session.scalars(select(Recommendation).where(Recommendation.vacancy_id == vacancy.id)
                           .order_by(Recommendation.id)).all()
    view["recommendations"] = [recommendation_header(r) for r in recs]
    all_decisions = session.scalars(select(Decision).where(Decision.vacancy_id == vacancy.id)
                                    .order_by(Decision.id)).all()
    decisions = [d for d in all_decisions if d.candidate_code in seen]
    view["decisions"] = [decision_view(d) for d in decisions]
    in_their_part = team or (unit_leader and Stage(vacancy.stage) in UNIT_LEADER_STAGES)
    if team or unit_leader:
        view["responses"] = [response_view(r) for r in session.scalars(
            select(UnitLeaderResponse).where(UnitLeaderResponse.vacancy_id == vacancy.id)
            .order_by(UnitLeaderResponse.id))] if in_their_part else []
        view["meetings"] = [meeting_view(m) for m in session.scalars(
            select(ConsultationMeeting).where(ConsultationMeeting.vacancy_id == vacancy.id)
            .order_by(ConsultationMeeting.id))] if in_their_part else []
    declined = session.scalars(select(DeclinedOffer).where(DeclinedOffer.vacancy_id == vacancy.id)
                               .order_by(DeclinedOffer.id)).all()
    codes = {d.id: d.candidate_code for d in all_decisions}
    view["declined_offers"] = [declined_view(d, codes[d.decision_id]) for d in declined
                               if codes[d.decision_id] in seen]
    # The viewing and the move-in concern the allocated applicant: the team, the unit while the case is
    # open, and the office whose nominee it is.
    allocated_here = any(d.status == "current" for d in decisions)
    view["movein_steps"] = [movein_view(s) for s in session.scalars(
        select(MoveInStepRecord).where(MoveInStepRecord.vacancy_id == vacancy.id).order_by(MoveInStepRecord.id))
    ] if in_their_part or (ctx.role == Role.CASEWORKER and allocated_here) else []
    view["metrics"] = _metrics(ctx, vacancy)
    view["version"] = vacancy.version
    if (team or unit_leader) and recs:
        # who stands first now: a declined or withdrawn candidate is no longer presented
        view["presented"] = [c for c in presentation(ctx, vacancy).presented if c in seen]
    ctx.audit_read("read_vacancy", [n.applicant_id for n in nominations], vacancy_id=vacancy.id)
    return view


def active_nominations(vacancy: Vacancy) -> list[Nomination]:
    return [n for n in vacancy.nominations if n.status == "active"]
