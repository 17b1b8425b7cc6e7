"""Nominations (step 4): each welfare office may nominate ONE candidate per vacancy.

The rule is kept by the store: a partial unique index on (vacancy, office)
for active nominations. The check here gives the friendly message; the index
decides when two requests race, and the loser gets the same IllegalTransition.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.store.models import Applicant, Nomination, Vacancy
from service.store.unit_of_work import is_unique_violation

from service.casework.context import Context, unit_of_work
from service.casework.commands import Nominate, WithdrawNomination
from service.domain.codes import ApplicantStatus, NominationStatus, Role
from service.domain.errors import Forbidden, IllegalTransition, NotFound
from service.domain.steps import require_step
from service.casework.views import nomination_view


def _office_taken(office: str, reference: str | None) -> IllegalTransition:
    return IllegalTransition(f"{office} helse- og velferdskontor har allerede en aktiv nominasjon for "
                             f"{reference or 'denne boligen'}. Trekk den tilbake før du nominerer en annen.")


@unit_of_work
def nominate(ctx: Context, vacancy_id: int, command: Nominate) -> dict:
    """A caseworker nominates one applicant from their own office's waiting list."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    command.check()
    applicant = ctx.get(Applicant, command.applicant_id, "Søkeren")
    if ctx.role != Role.CASEWORKER:
        raise Forbidden("Kandidater nomineres av saksbehandlerne ved helse- og velferdskontorene.",
                        action="nominate", vacancy_id=vacancy.id, applicant_id=applicant.id)
    office = ctx.actor.welfare_office
    if applicant.welfare_office != office:
        raise Forbidden("Du kan bare nominere søkere fra ventelisten ved ditt eget kontor.",
                        action="nominate", vacancy_id=vacancy.id, applicant_id=applicant.id)
    require_step("nominate", vacancy.stage)
    if applicant.status != ApplicantStatus.WAITING.value:
        raise IllegalTransition(f"{applicant.code} står ikke lenger på ventelisten.")
    taken = ctx.session.scalar(select(Nomination.id).where(Nomination.vacancy_id == vacancy.id,
                                                           Nomination.welfare_office == office,
                                                           Nomination.status == NominationStatus.ACTIVE.value))
    if taken is not None:
        raise _office_taken(office, vacancy.reference)
    nomination = Nomination(vacancy_id=vacancy.id, applicant_id=applicant.id, welfare_office=office,
                            status=NominationStatus.ACTIVE.value, nominated_by=ctx.actor.id, nominated_at=ctx.now())
    ctx.session.add(nomination)
    try:
        ctx.session.flush()
    except IntegrityError as exc:  # lost the race: the index kept the rule
        if not is_unique_violation(exc):
            raise
        ctx.session.rollback()
        raise _office_taken(office, vacancy.reference) from exc
    ctx.event(vacancy, "nominated", f"{office} nominerte {applicant.code}.", applicant_id=applicant.id,
              candidate=applicant.code, welfare_office=office, nomination_id=nomination.id)
    return nomination_view(nomination)


@unit_of_work
def withdraw_nomination(ctx: Context, vacancy_id: int, command: WithdrawNomination) -> dict:
    """The office withdraws its nomination (possible until the recommendation is made)."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    command.check("nomination_id")
    nomination = ctx.get(Nomination, command.nomination_id, "Nominasjonen")
    if nomination.vacancy_id != vacancy.id:
        raise NotFound("Nominasjonen finnes ikke for denne boligen.")
    if ctx.role != Role.CASEWORKER or ctx.actor.welfare_office != nomination.welfare_office:
        raise Forbidden("Bare det nominerende kontoret kan trekke tilbake nominasjonen.",
                        action="withdraw_nomination", vacancy_id=vacancy.id, applicant_id=nomination.applicant_id)
    if nomination.status != NominationStatus.ACTIVE.value:
        raise IllegalTransition("Nominasjonen er ikke aktiv.")
    require_step("withdraw_nomination", vacancy.stage)
    command.check()
    reason = command.reason
    nomination.status = NominationStatus.WITHDRAWN.value
    nomination.closed_by, nomination.closed_at, nomination.close_reason = ctx.actor.id, ctx.now(), reason
    ctx.event(vacancy, "nomination_withdrawn",
              f"{nomination.welfare_office} trakk tilbake nominasjonen av {nomination.applicant.code}.",
              applicant_id=nomination.applicant_id, candidate=nomination.applicant.code,
              welfare_office=nomination.welfare_office, nomination_id=nomination.id, reason=reason)
    return nomination_view(nomination)
