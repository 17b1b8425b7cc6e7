"""Moving in (steps 10-11): viewing, contract, and the after-contract checklist.

When the home is ready the consultant books a viewing (the unit leader is told
by e-mail), then the contract meeting; after it: housing allowance (bostøtte)
applied, electricity ordered, new address reported to Folkeregisteret. Moving in
ends the vacancy: the new tenant becomes a resident of the unit (anonymised).
"""

from __future__ import annotations

from sqlalchemy import func, select

from service.store.models import MoveInStepRecord, Resident, Vacancy

from service.casework import notifications
from service.casework.applicants import age_on, latest_entry
from service.casework.context import OSLO, Context, unit_of_work
from service.casework.decisions import current_decision
from service.casework.commands import BookViewing, CompleteMoveinStep, RegisterMoveIn, SignContract
from service.domain.codes import (ALLOCATION_TEAM, MOVEIN_LABELS, ApplicantStatus, MoveInStep, NominationStatus,
                                  Readiness, Stage)
from service.domain import dates
from service.domain.errors import IllegalTransition, Problems
from service.domain.steps import require_step
from service.casework.views import movein_view


def _team(ctx: Context, vacancy: Vacancy, action: str) -> None:
    ctx.require_role(ALLOCATION_TEAM, "Innflyttingen følges opp av boligkonsulenten.", action=action,
                     vacancy_id=vacancy.id)


def _day_of(ctx: Context, vacancy: Vacancy, step: MoveInStep):
    """The date a step of the current decision was done (a viewing: its day in Norway), or None."""
    decision = current_decision(ctx, vacancy)
    row = ctx.session.scalar(select(MoveInStepRecord).where(MoveInStepRecord.decision_id == decision.id,
                                                            MoveInStepRecord.step == step.value))
    if row is None:
        return None
    return row.done_on or (row.scheduled_for.astimezone(OSLO).date() if row.scheduled_for else None)


def _close_the_others(ctx: Context, vacancy: Vacancy, decision) -> None:
    """The decision stands once the lease is signed: every other nomination ends as 'ikke tildelt'.

    Their applicants stay on their office's waiting list, free to be nominated elsewhere.
    """
    for nomination in vacancy.nominations:
        if nomination.status == NominationStatus.ACTIVE.value and nomination.id != decision.nomination_id:
            nomination.status = NominationStatus.NOT_ALLOCATED.value
            nomination.closed_by, nomination.closed_at = ctx.actor.id, ctx.now()
            ctx.event(vacancy, "nomination_not_allocated",
                      f"Nominasjonen av {nomination.applicant.code} ({nomination.welfare_office}) er avsluttet: "
                      f"ikke tildelt.", applicant_id=nomination.applicant_id, candidate=nomination.applicant.code,
                      welfare_office=nomination.welfare_office, nomination_id=nomination.id)


def _record(ctx: Context, vacancy: Vacancy, step: MoveInStep, *, done_on=None, scheduled_for=None,
            note=None) -> MoveInStepRecord:
    decision = current_decision(ctx, vacancy)
    exists = ctx.session.scalar(select(MoveInStepRecord.id).where(MoveInStepRecord.decision_id == decision.id,
                                                                  MoveInStepRecord.step == step.value))
    if exists is not None:
        raise IllegalTransition(f"«{MOVEIN_LABELS[step]}» er allerede registrert.")
    row = MoveInStepRecord(vacancy_id=vacancy.id, decision_id=decision.id, step=step.value, done_on=done_on,
                           scheduled_for=scheduled_for, note=note, recorded_by=ctx.actor.id, recorded_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


@unit_of_work
def book_viewing(ctx: Context, vacancy_id: int, command: BookViewing) -> dict:
    """Step 10: the home is ready; a viewing is booked with the applicant; the unit leader is told."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    _team(ctx, vacancy, "book_viewing")
    require_step("book_viewing", vacancy.stage)
    if vacancy.readiness != Readiness.READY.value:
        raise IllegalTransition("Boligen er ikke meldt klar til innflytting ennå; visning avtales når den er klar.")
    command.check()
    when, note = command.viewing_at, command.note
    decision = current_decision(ctx, vacancy)
    problems = Problems()
    day = when.astimezone(OSLO).date()
    dates.not_before(problems, "viewing_at", day, decision.decided_on, "visningen", "vedtaket")
    dates.not_before(problems, "viewing_at", day, vacancy.ready_on, "visningen", "boligen er klar")
    problems.check()
    row = _record(ctx, vacancy, MoveInStep.VIEWING_BOOKED, scheduled_for=when, note=note)
    vacancy.stage = Stage.VIEWING_BOOKED.value
    decision = current_decision(ctx, vacancy)
    when_text = when.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M")
    ctx.event(vacancy, "viewing_booked", f"Visning avtalt med {decision.candidate_code} {when_text}.",
              applicant_id=decision.applicant_id, viewing_at=when)
    notifications.viewing_to_unit(ctx, vacancy, decision.candidate_code, when_text)
    return movein_view(row)


@unit_of_work
def sign_contract(ctx: Context, vacancy_id: int, command: SignContract) -> dict:
    """Step 11: the lease is signed at the contract meeting."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    _team(ctx, vacancy, "sign_contract")
    require_step("sign_contract", vacancy.stage)
    command.check()
    signed, note = command.signed_on or ctx.today(), command.note
    problems = Problems()
    dates.not_in_future(problems, "signed_on", signed, ctx.today(), "signert dato")
    dates.not_before(problems, "signed_on", signed, current_decision(ctx, vacancy).decided_on, "signert dato",
                     "vedtaket")
    problems.check()
    row = _record(ctx, vacancy, MoveInStep.CONTRACT_SIGNED, done_on=signed, note=note)
    vacancy.stage = Stage.CONTRACT_SIGNED.value
    decision = current_decision(ctx, vacancy)
    ctx.event(vacancy, "contract_signed", f"Leiekontrakten er signert av {decision.candidate_code}.",
              applicant_id=decision.applicant_id, signed_on=signed)
    _close_the_others(ctx, vacancy, decision)
    return movein_view(row)


@unit_of_work
def complete_movein_step(ctx: Context, vacancy_id: int, command: CompleteMoveinStep) -> dict:
    """After the contract: bostøtte applied, electricity ordered, address reported (any order)."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    _team(ctx, vacancy, "complete_movein_step")
    require_step("complete_movein_step", vacancy.stage)
    command.check()
    step, done, note = command.step, command.done_on or ctx.today(), command.note
    problems = Problems()
    dates.not_in_future(problems, "done_on", done, ctx.today(), "datoen")
    dates.not_before(problems, "done_on", done, _day_of(ctx, vacancy, MoveInStep.CONTRACT_SIGNED), "datoen",
                     "kontrakten ble signert")
    problems.check()
    the_step = MoveInStep(step)
    row = _record(ctx, vacancy, the_step, done_on=done, note=note)
    decision = current_decision(ctx, vacancy)
    ctx.event(vacancy, "movein_step", f"{MOVEIN_LABELS[the_step].capitalize()}.",
              applicant_id=decision.applicant_id, step=step, done_on=done)
    return movein_view(row)


@unit_of_work
def register_move_in(ctx: Context, vacancy_id: int, command: RegisterMoveIn) -> dict:
    """The new tenant has moved in: the vacancy ends, the vacant days stop counting.

    The tenant is added to the unit's residents under a new anonymous code, with
    the facts the composition rules use, so the next ranking sees the unit as it is.
    """
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    _team(ctx, vacancy, "register_move_in")
    require_step("register_move_in", vacancy.stage)
    command.check()
    moved_in = command.moved_in_on or ctx.today()
    problems = Problems()
    if vacancy.vacated_on and moved_in < vacancy.vacated_on:
        problems.add("moved_in_on", "innflytting kan ikke registreres før boligen ble fraflyttet")
    dates.not_in_future(problems, "moved_in_on", moved_in, ctx.today(), "innflyttingsdatoen")
    dates.not_before(problems, "moved_in_on", moved_in, _day_of(ctx, vacancy, MoveInStep.CONTRACT_SIGNED),
                     "innflyttingsdatoen", "kontrakten ble signert")
    problems.check()
    decision = current_decision(ctx, vacancy)
    applicant = decision.applicant
    vacancy.stage = Stage.MOVED_IN.value
    vacancy.moved_in_on = moved_in
    applicant.status = ApplicantStatus.HOUSED.value
    _close_the_others(ctx, vacancy, decision)  # already done at the contract; a guard
    decision.nomination.status = NominationStatus.ALLOCATED.value
    decision.nomination.closed_by, decision.nomination.closed_at = ctx.actor.id, ctx.now()
    resident = _new_resident(ctx, vacancy, applicant, moved_in)
    ctx.event(vacancy, "moved_in", f"{decision.candidate_code} flyttet inn {moved_in.strftime('%d.%m.%Y')}.",
              applicant_id=applicant.id, moved_in_on=moved_in, resident=resident.code)
    return {"vacancy_id": vacancy.id, "moved_in_on": moved_in.isoformat(), "resident": resident.code,
            "stage": vacancy.stage}


def _new_resident(ctx: Context, vacancy: Vacancy, applicant, moved_in) -> Resident:
    vocab = ctx.compiled_rules().book.vocabulary
    entry = latest_entry(ctx, applicant.id)
    checklist = entry.checklist if entry else {}
    facts: dict = {"alder": age_on(applicant.birth_date, moved_in)}
    if applicant.target_groups:
        facts["malgruppe"] = applicant.target_groups[0]
    for name, spec in vocab.section("beboer").items():  # the fields a resident takes over from the candidate
        if spec.fra_kandidat and spec.fra_kandidat.startswith("sjekkliste."):
            value = checklist.get(spec.fra_kandidat.split(".", 1)[1])
            if value is not None:
                facts[name] = value
    facts = {k: v for k, v in facts.items() if k in vocab.section("beboer")}
    number = (ctx.session.scalar(select(func.count(Resident.id))) or 0) + 1
    code = f"B-{vacancy.home.unit_id[:3].upper()}-{number:04d}"
    while ctx.session.scalar(select(Resident.id).where(Resident.code == code)) is not None:
        number += 1
        code = f"B-{vacancy.home.unit_id[:3].upper()}-{number:04d}"
    resident = Resident(code=code, unit_id=vacancy.home.unit_id, facts=facts, moved_in_on=moved_in)
    ctx.session.add(resident)
    ctx.session.flush()
    return resident
