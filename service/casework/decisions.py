"""The allocation decision (vedtak, step 9) and a declined offer (takker nei).

The consultant decides when the unit leader agreed (or the meeting reached
agreement); after continued disagreement only the head of allocation decides.
Choosing anyone but the top-ranked candidate still in the running needs a coded
override reason (and written text for `annet`): the applicant is owed the reasons.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.language.validation_messages import missing_when

from service.store.models import ConsultationMeeting, Decision, DeclinedOffer, UnitLeaderResponse, Vacancy

from service.casework import notifications
from service.casework.allocations import check_unchanged
from service.casework.context import Context, unit_of_work
from service.casework.commands import Decide, DeclineOffer
from service.domain.codes import ALLOCATION_TEAM, DECLINE_REASONS, OVERRIDE_REASONS, NominationStatus, Role, Stage
from service.domain.errors import Forbidden, IllegalTransition, Problems
from service.domain.steps import require_step
from service.casework.presentation import presentation
from service.casework.views import decision_view, declined_view


@unit_of_work
def decide(ctx: Context, vacancy_id: int, command: Decide) -> dict:
    """Allocate the home to `candidate` (a candidate code from the approved recommendation)."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    ctx.require_role(ALLOCATION_TEAM, "Vedtak om tildeling fattes av boligtildelingen.", action="decide",
                     vacancy_id=vacancy.id)
    if vacancy.stage == Stage.DISPUTED.value and ctx.role != Role.HEAD_OF_ALLOCATION:
        raise Forbidden("Det er fortsatt uenighet etter drøftingsmøtet: avdelingslederen avgjør saken.",
                        action="decide", vacancy_id=vacancy.id)
    require_step("decide", vacancy.stage)
    shown = presentation(ctx, vacancy)
    if shown.recommendation is not None and shown.recommendation.author_id == ctx.actor.id:
        raise Forbidden("Den som skrev innstillingen kan ikke også fatte vedtaket; en annen i boligtildelingen "
                        "gjør det.", action="decide", vacancy_id=vacancy.id)
    candidate, override_code, override_text = command.candidate, command.override_code, command.override_text
    problems = Problems(command)
    if candidate is not None and candidate not in shown.order:
        problems.add("candidate", f"'{candidate}' er ikke blant kandidatene som kan tildeles boligen "
                                  f"({', '.join(shown.order) or 'ingen'})")
        problems.check()
    preferred = unit_preference(ctx, vacancy, shown.recommendation)
    against_preference = preferred is not None and candidate is not None and candidate != preferred
    needs_reason = candidate != shown.top or against_preference
    if needs_reason and override_code is None and candidate is not None:
        problems.add("override_code", f"enhetslederen foretrekker {preferred} av de likeverdige; oppgi hvorfor "
                                      f"en annen velges" if against_preference else
                                      missing_when("når en annen enn den høyest rangerte velges"))
    elif candidate == shown.top and not against_preference and override_code is not None:
        problems.add("override_code", f"{candidate} er høyest rangert; det trengs ingen begrunnelse for å velge "
                                      f"en annen")
    problems.check()
    entry = next(c for c in shown.recommendation.result["candidates"] if c["id"] == candidate)
    if entry.get("needs_consultation") and ctx.session.scalar(
            select(ConsultationMeeting.id).where(ConsultationMeeting.vacancy_id == vacancy.id,
                                                 ConsultationMeeting.outcome.is_not(None))) is None:
        reasons = "; ".join(f["name"] for f in entry.get("consultations", []))
        raise IllegalTransition(f"Sammensetningsreglene krever drøftingsmøte før {candidate} kan tildeles "
                                f"boligen ({reasons}).")
    check_unchanged(ctx, vacancy.id, shown.recommendation)  # a quota counted earlier allocations
    nomination = next(n for n in vacancy.nominations
                      if n.applicant.code == candidate and n.status == NominationStatus.ACTIVE.value)
    today = ctx.today()
    decision = Decision(vacancy_id=vacancy.id, recommendation_id=shown.recommendation.id, nomination=nomination,
                        applicant_id=nomination.applicant_id, candidate_code=candidate, top_candidate_code=shown.top,
                        override_code=override_code if needs_reason else None,
                        override_text=override_text if needs_reason else None,
                        decided_by=ctx.actor.id, decided_at=ctx.now(), decided_on=today, status="current")
    ctx.session.add(decision)
    vacancy.stage = Stage.DECIDED.value
    vacancy.decided_on = today
    ctx.session.flush()
    text = f"Vedtak: boligen er tildelt {candidate} ({nomination.welfare_office})."
    if decision.override_code:
        passed_over = (f"ikke høyest rangerte {shown.top}" if candidate != shown.top
                       else f"ikke {preferred}, som enhetslederen foretrakk")
        text = text[:-1] + f", {passed_over}: {OVERRIDE_REASONS[decision.override_code]}."
    ctx.event(vacancy, "decided", text, applicant_id=nomination.applicant_id, decision_id=decision.id,
              override_text=decision.override_text,
              candidate=candidate, top_candidate=shown.top, override_code=decision.override_code, decided_on=today,
              by_role=ctx.role.value)
    notifications.decision_to_office(ctx, vacancy, nomination.welfare_office, candidate)
    notifications.decision_to_unit(ctx, vacancy, nomination.welfare_office, candidate)
    return decision_view(decision)


def unit_preference(ctx: Context, vacancy: Vacancy, recommendation) -> str | None:
    """Whom the unit leader preferred among candidates of equal standing, in their latest answer."""
    if recommendation is None:
        return None
    return ctx.session.scalar(select(UnitLeaderResponse.preferred_candidate)
                              .where(UnitLeaderResponse.vacancy_id == vacancy.id,
                                     UnitLeaderResponse.recommendation_id == recommendation.id)
                              .order_by(UnitLeaderResponse.id.desc()).limit(1))


def current_decision(ctx: Context, vacancy: Vacancy) -> Decision | None:
    return ctx.session.scalar(select(Decision).where(Decision.vacancy_id == vacancy.id, Decision.status == "current")
                              .order_by(Decision.id.desc()).limit(1))


@unit_of_work
def decline_offer(ctx: Context, vacancy_id: int, command: DeclineOffer) -> dict:
    """The applicant turns the offer down: the reason is kept, the next ranked candidate moves up.

    The vacancy goes back to the unit leader with the next candidate (and any of
    equal standing with them); with nobody left it opens for nominations again.
    """
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    decision = current_decision(ctx, vacancy)
    own_office = (ctx.role == Role.CASEWORKER and decision is not None
                  and decision.nomination.welfare_office == ctx.actor.welfare_office)
    if ctx.role not in ALLOCATION_TEAM and not own_office:
        raise Forbidden("Bare boligtildelingen eller søkerens eget kontor kan registrere at søkeren takker nei.",
                        action="decline_offer", vacancy_id=vacancy.id)
    require_step("decline_offer", vacancy.stage)
    command.check()
    reason_code, reason_text = command.reason_code, command.reason_text
    declined = DeclinedOffer(decision_id=decision.id, vacancy_id=vacancy.id, applicant_id=decision.applicant_id,
                             reason_code=reason_code, reason_text=reason_text, recorded_by=ctx.actor.id,
                             recorded_at=ctx.now())
    ctx.session.add(declined)
    decision.status = "declined"
    nomination = decision.nomination
    nomination.status = NominationStatus.DECLINED.value
    nomination.closed_by, nomination.closed_at, nomination.close_reason = ctx.actor.id, ctx.now(), reason_code
    vacancy.decided_on = None
    ctx.session.flush()
    shown = presentation(ctx, vacancy)
    vacancy.stage = Stage.APPROVED.value if shown.order else Stage.OPEN.value
    nxt = (f"Neste kandidat legges fram for enhetslederen: {', '.join(shown.presented)}." if shown.order else
           "Ingen kandidater står igjen; boligen er åpen for nye nominasjoner.")
    ctx.event(vacancy, "offer_declined", f"{decision.candidate_code} takket nei ({DECLINE_REASONS[reason_code]}). "
                                         + nxt,
              applicant_id=decision.applicant_id, decision_id=decision.id, candidate=decision.candidate_code,
              reason_code=reason_code, reason_text=reason_text, presented=shown.presented)
    notifications.offer_declined(ctx, vacancy, nomination.welfare_office, decision.candidate_code, shown.presented)
    return {**declined_view(declined, decision.candidate_code), "stage": vacancy.stage,
            "presented": shown.presented}
