"""Deadlines (frister) that run on the vacancies now, who owns each, and reminders for the late ones.

The deadlines are data (rutine/frister.yaml, service/routine.py); when one runs
and when it is late is read from each vacancy's timeline (service/domain/milestones.py).
Each person sees the deadlines they own:

    caseworker   the nomination deadline of open vacancies their office has not nominated to
    unit leader  the deadlines of their units' vacancies owned by unit leaders (the answer, the home ready)
    consultant   the deadlines owned by the allocation team
    head         every running deadline; the late ones flagged (their start page, /frister)

Reminders (påminnelser) go by the outbox to whoever owns a late step outside the
team (the offices that have not nominated, the unit), once per deadline and
recipient on a vacancy: each reminder is a timeline event, which is also what
tells the next run it was sent. They are queued by `boligtildeling frister varsle`
(run it from cron every working morning) or by the head from /frister.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from service.casework import notifications
from service.casework.context import Context, unit_of_work
from service.domain.codes import ALLOCATION_TEAM, OSLO, Role, Stage
from service.domain.errors import Forbidden
from service.domain.milestones import BY_KEY, Pending, pending, reached
from service.domain.dates import shown
from service.store.models import Vacancy, VacancyEvent

REMINDER_EVENT = "reminder_queued"


def _timelines(ctx: Context, vacancy_ids: list[int]) -> dict[int, list[tuple[str, dict, dt.date]]]:
    """Each vacancy's events as milestones.reached wants them, in one query."""
    out: dict[int, list] = {vid: [] for vid in vacancy_ids}
    if not vacancy_ids:
        return out
    rows = ctx.session.execute(select(VacancyEvent.vacancy_id, VacancyEvent.kind, VacancyEvent.data, VacancyEvent.at)
                               .where(VacancyEvent.vacancy_id.in_(vacancy_ids))
                               .order_by(VacancyEvent.at, VacancyEvent.id)).all()
    for vacancy_id, kind, data, at in rows:
        out[vacancy_id].append((kind, data or {}, at.astimezone(OSLO).date()))
    return out


def _running(ctx: Context) -> list[tuple[Vacancy, Pending, list]]:
    routine = ctx.deadlines()
    vacancies = ctx.session.scalars(select(Vacancy).where(Vacancy.stage != Stage.MOVED_IN.value)
                                    .order_by(Vacancy.reported_on, Vacancy.id)).all()
    events = _timelines(ctx, [v.id for v in vacancies])
    today = ctx.today()
    out = []
    for vacancy in vacancies:
        marks = reached(events[vacancy.id])
        for deadline in routine.deadlines:
            found = pending(deadline, marks, today, routine.holidays, finished=False)
            if found is not None:
                out.append((vacancy, found, events[vacancy.id]))
    return out


def _owned_by_reader(ctx: Context, vacancy: Vacancy, found: Pending) -> bool:
    role = ctx.role
    if role == Role.HEAD_OF_ALLOCATION:
        return True
    if role not in found.owners:
        return False
    if role == Role.CASEWORKER:
        return ctx.actor.welfare_office in found.offices
    if role == Role.UNIT_LEADER:
        return vacancy.home.unit_id in ctx.actor.unit_ids
    return role == Role.CONSULTANT


def _view(vacancy: Vacancy, found: Pending, reader_office: str | None) -> dict:
    deadline = found.deadline
    offices = list(found.offices) if reader_office is None else [o for o in found.offices if o == reader_office]
    return {"vacancy_id": vacancy.id, "reference": vacancy.reference, "address": vacancy.home.address,
            "unit": vacancy.home.unit.name, "stage": vacancy.stage,
            "deadline_id": deadline.id, "name": deadline.name, "length": deadline.length,
            "since": deadline.since, "since_label": BY_KEY[deadline.since].label,
            "until": deadline.until, "until_label": BY_KEY[deadline.until].label,
            "due": found.due.isoformat(), "overdue": found.overdue, "overdue_days": found.overdue_days,
            "working_days": deadline.working_days, "owners": sorted(r.value for r in found.owners),
            "offices": offices, "basis": deadline.basis}


@unit_of_work
def running_deadlines(ctx: Context, overdue_only: bool = False) -> list[dict]:
    """The deadlines running now that this reader owns (the head: all), late ones first, then by due date.

    Numbers and references only: no applicant is named, so nothing here is an audited read.
    """
    if ctx.role not in ALLOCATION_TEAM | {Role.CASEWORKER, Role.UNIT_LEADER}:
        raise Forbidden("Fristene i rutinen er for dem som gjør stegene i den.", action="read_deadlines")
    office = ctx.actor.welfare_office if ctx.role == Role.CASEWORKER else None
    rows = [_view(v, found, office) for v, found, _ in _running(ctx)
            if _owned_by_reader(ctx, v, found) and (found.overdue or not overdue_only)]
    rows.sort(key=lambda r: (not r["overdue"], r["due"], r["reference"] or ""))
    return rows


def _already_reminded(events: list, deadline_id: str) -> set[str]:
    return {recipient for kind, data, _ in events if kind == REMINDER_EVENT and data.get("deadline") == deadline_id
            for recipient in data.get("recipients", [])}


@unit_of_work
def queue_reminders(ctx: Context) -> list[dict]:
    """Queue a reminder for every late step owned outside the team, once per deadline and recipient.

    The head of allocation (or a consultant) does it; the CLI runs it as a named user.
    """
    ctx.require_role(ALLOCATION_TEAM, "Påminnelser sendes av boligtildelingen.", action="queue_reminders")
    queued = []
    for vacancy, found, events in _running(ctx):
        if not found.overdue:
            continue
        done = _already_reminded(events, found.deadline.id)
        recipients: list[tuple[str, str]] = []  # (kind, who)
        if Role.CASEWORKER in found.owners:
            recipients += [("office", office) for office in found.offices if office not in done]
        if Role.UNIT_LEADER in found.owners and vacancy.home.unit_id not in done:
            recipients.append(("unit", vacancy.home.unit_id))
        if not recipients:
            continue
        due = shown(found.due)
        for kind, who in recipients:
            if kind == "office":
                notifications.deadline_to_office(ctx, vacancy, who, found.deadline.name, due)
            else:
                notifications.deadline_to_unit(ctx, vacancy, found.deadline.name, due)
        names = [who if kind == "office" else vacancy.home.unit.name for kind, who in recipients]
        ctx.event(vacancy, REMINDER_EVENT,
                  f"Påminnelse sendt til {', '.join(names)}: fristen «{found.deadline.name}» var {due}.",
                  deadline=found.deadline.id, due=found.due, recipients=[who for _, who in recipients])
        queued.append({"vacancy_id": vacancy.id, "reference": vacancy.reference, "deadline_id": found.deadline.id,
                       "due": found.due.isoformat(), "recipients": names})
    return queued
