"""The unit leader's answer (step 7) and the consultation meeting (drøftingsmøte, step 8).

An answer is `enig` (agree) or `innsigelse` (objection) with a coded reason:
tjenester, sammensetning, atferd, or annet with a written reason. An objection
leads to a consultation meeting; its outcome is agreement, or continued
disagreement, after which the head of allocation decides.
"""

from __future__ import annotations

from sqlalchemy import select

from service.store.models import ConsultationMeeting, UnitLeaderResponse, Vacancy

from service.casework.context import OSLO, Context, unit_of_work
from service.casework.commands import OpenConsultation, RecordMeeting, UnitLeaderRespond
from service.domain.codes import ALLOCATION_TEAM, MEETING_OUTCOMES, OBJECTION_REASONS, Response, Role, Stage
from service.domain import dates
from service.domain.errors import Forbidden, IllegalTransition, Problems
from service.domain.steps import require_step
from service.casework.presentation import presentation
from service.casework.views import meeting_view, response_view


@unit_of_work
def unit_leader_respond(ctx: Context, vacancy_id: int, command: UnitLeaderRespond) -> dict:
    """The unit leader agrees with the presented candidate(s) or objects with a coded reason.

    When two candidates of equal standing are presented, `preferred_candidate`
    may say which one the unit prefers (the decision is still the team's).
    """
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    if ctx.role != Role.UNIT_LEADER or vacancy.home.unit_id not in ctx.actor.unit_ids:
        raise Forbidden("Bare lederen for botiltaket kan svare på innstillingen.", action="unit_leader_respond",
                        vacancy_id=vacancy.id)
    require_step("unit_leader_respond", vacancy.stage)
    shown = presentation(ctx, vacancy)
    response, reason_code = command.response, command.reason_code
    reason_text, preferred_candidate = command.reason_text, command.preferred_candidate
    problems = Problems(command)
    if preferred_candidate is not None and preferred_candidate not in shown.presented:
        problems.add("preferred_candidate", f"'{preferred_candidate}' er ikke blant kandidatene som er lagt fram "
                                            f"({', '.join(shown.presented)})")
    problems.check()
    row = UnitLeaderResponse(vacancy_id=vacancy.id, recommendation_id=shown.recommendation.id,
                             presented=shown.presented, response=response, reason_code=reason_code,
                             reason_text=reason_text, preferred_candidate=preferred_candidate,
                             responder_id=ctx.actor.id, responded_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    if response == Response.AGREE.value:
        vacancy.stage = Stage.AGREED.value
        text = f"Enhetslederen er enig i innstillingen ({', '.join(shown.presented)})."
        if preferred_candidate:
            text = text[:-1] + f" og foretrekker {preferred_candidate}."
    else:
        vacancy.stage = Stage.OBJECTED.value
        text = f"Enhetslederen har innsigelse: {OBJECTION_REASONS[reason_code]}."
    ctx.event(vacancy, "unit_leader_responded", text, response=response, reason_code=reason_code,
              reason_text=reason_text,
              presented=shown.presented, preferred_candidate=preferred_candidate, response_id=row.id)
    return response_view(row)


def _participants(command: OpenConsultation | RecordMeeting) -> list[dict]:
    return [p.model_dump() for p in command.participants]


@unit_of_work
def open_consultation(ctx: Context, vacancy_id: int, command: OpenConsultation) -> dict:
    """The consultant calls a consultation meeting with the caseworker, the unit leader and others
    (oppfølgingstjenesten, spesialisthelsetjenesten)."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    ctx.require_role(ALLOCATION_TEAM, "Drøftingsmøtet kalles inn av boligkonsulenten.", action="open_consultation",
                     vacancy_id=vacancy.id)
    require_step("open_consultation", vacancy.stage)
    command.check()
    when = command.scheduled_for
    people = _participants(command)
    meeting = ConsultationMeeting(vacancy_id=vacancy.id, opened_by=ctx.actor.id, opened_at=ctx.now(),
                                  scheduled_for=when, participants=people)
    ctx.session.add(meeting)
    vacancy.stage = Stage.IN_CONSULTATION.value
    ctx.session.flush()
    ctx.event(vacancy, "consultation_opened", "Drøftingsmøte er kalt inn"
              + (f" til {when.astimezone(OSLO).strftime('%d.%m.%Y kl. %H:%M')}." if when else "."),
              meeting_id=meeting.id, scheduled_for=when)
    return meeting_view(meeting)


@unit_of_work
def record_meeting(ctx: Context, vacancy_id: int, command: RecordMeeting) -> dict:
    """Minutes (referat) and outcome of the consultation meeting: `enighet` or `uenighet`."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    ctx.require_role(ALLOCATION_TEAM, "Referatet føres av boligkonsulenten.", action="record_meeting",
                     vacancy_id=vacancy.id)
    require_step("record_meeting", vacancy.stage)
    meeting = ctx.session.scalar(select(ConsultationMeeting).where(ConsultationMeeting.vacancy_id == vacancy.id,
                                                                   ConsultationMeeting.outcome.is_(None))
                                 .order_by(ConsultationMeeting.id.desc()).limit(1))
    if meeting is None:
        raise IllegalTransition("Det er ikke kalt inn til noe drøftingsmøte.")
    command.check()
    people = _participants(command)
    minutes, outcome = command.minutes, command.outcome
    held = command.held_on or ctx.today()
    problems = Problems()
    dates.not_in_future(problems, "held_on", held, ctx.today(), "møtedatoen")
    dates.not_before(problems, "held_on", held, meeting.opened_at.astimezone(OSLO).date(), "møtedatoen",
                     "møtet ble kalt inn")
    problems.check()
    meeting.participants, meeting.minutes, meeting.outcome, meeting.held_on = people, minutes, outcome, held
    meeting.recorded_by, meeting.recorded_at = ctx.actor.id, ctx.now()
    vacancy.stage = Stage.AGREED.value if outcome == "enighet" else Stage.DISPUTED.value
    ctx.event(vacancy, "meeting_recorded", f"Drøftingsmøte holdt {held.strftime('%d.%m.%Y')} med "
                                           f"{len(people)} deltakere: {MEETING_OUTCOMES[outcome]}.",
              meeting_id=meeting.id, outcome=outcome, held_on=held)
    return meeting_view(meeting)
