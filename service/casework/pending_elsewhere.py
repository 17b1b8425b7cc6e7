"""Other homes an applicant is already being considered for (vurderes for en annen bolig), as a fact the rules can read.

"One property considered per applicant at a time" (Great Yarmouth, Offers 31): the service knows
every nomination, the rules see one vacancy. A bundle that declares the field in its rules
(felter.yaml, section `kandidat`) gets it filled in for every candidate the service ranks:

    vurderes_for_annen_bolig  heltall  how many other vacancies, not yet decided, nominated the
                                       applicant before this one did (an active nomination)

The earlier consideration holds: only the later vacancy sees the other, so two vacancies that
share a nominee never block each other. Screening a waiting list against a vacancy asks the same
of applicants not nominated there yet: a nomination now would be the latest, so every other undecided
vacancy they are nominated for counts. A bundle without the field gets nothing, and ranks as before.
"""

from __future__ import annotations

from sqlalchemy import select

from service.casework.context import Context
from service.domain.codes import UNDECIDED, NominationStatus
from service.store.models import Nomination, Vacancy

FIELD = "vurderes_for_annen_bolig"


def pending_elsewhere_facts(ctx: Context, vacancy: Vacancy, nominations: list[Nomination]) -> dict[int, dict]:
    """For each nominee (by applicant id), the field if the rules in force declare it; else nothing."""
    return pending_since(ctx, vacancy, {n.applicant_id: n.nominated_at for n in nominations})


def pending_since(ctx: Context, vacancy: Vacancy, since: dict) -> dict[int, dict]:
    """The field for each applicant id in `since`, counting the other undecided vacancies that nominated
    them before `since[id]` (None: before now, for an applicant screened but not nominated here)."""
    if ctx.compiled_rules().book.vocabulary.get(f"kandidat.{FIELD}") is None or not since:
        return {}
    rows = ctx.session.execute(
        select(Nomination.applicant_id, Nomination.vacancy_id, Nomination.nominated_at)
        .join(Vacancy, Vacancy.id == Nomination.vacancy_id)
        .where(Nomination.applicant_id.in_(list(since)), Nomination.status == NominationStatus.ACTIVE.value,
               Nomination.vacancy_id != vacancy.id, Vacancy.stage.in_([s.value for s in UNDECIDED]))).all()
    earlier: dict[int, set[int]] = {applicant_id: set() for applicant_id in since}
    for applicant_id, other_vacancy, nominated_at in rows:
        if since[applicant_id] is None or nominated_at < since[applicant_id]:
            earlier[applicant_id].add(other_vacancy)
    return {applicant_id: {FIELD: len(vacancies)} for applicant_id, vacancies in earlier.items()}
