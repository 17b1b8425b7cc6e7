"""Offers an applicant turned down (takket nei), as facts the rules can count.

Every declined offer is kept per applicant (`DeclinedOffer`, service/casework/decisions.py).
A municipality whose policy counts refusals ("two refusals within 12 months suspend
the application for 6 months") declares the fields in its rules (felter.yaml,
section `kandidat`), and the service fills them in for every candidate it ranks:

    takket_nei       heltall   how many offers the applicant has turned down
    sist_takket_nei  dato      the day of the latest refusal

A bundle that does not declare them gets neither, so the shipped rules rank as before.
"""

from __future__ import annotations

from sqlalchemy import func, select

from service.casework.context import Context
from service.domain.codes import OSLO
from service.store.models import DeclinedOffer

COUNT_FIELD, LATEST_FIELD = "takket_nei", "sist_takket_nei"


def refusal_facts(ctx: Context, applicant_ids: list[int]) -> dict[int, dict]:
    """For each applicant, the refusal fields the rules in force declare (none: an empty dict each)."""
    vocabulary = ctx.compiled_rules().book.vocabulary
    wanted = [name for name in (COUNT_FIELD, LATEST_FIELD) if vocabulary.get(f"kandidat.{name}") is not None]
    if not wanted or not applicant_ids:
        return {}
    rows = ctx.session.execute(select(DeclinedOffer.applicant_id, func.count(DeclinedOffer.id),
                                      func.max(DeclinedOffer.recorded_at))
                               .where(DeclinedOffer.applicant_id.in_(applicant_ids))
                               .group_by(DeclinedOffer.applicant_id)).all()
    found = {applicant_id: (count, latest) for applicant_id, count, latest in rows}
    out = {}
    for applicant_id in applicant_ids:
        count, latest = found.get(applicant_id, (0, None))
        facts = {}
        if COUNT_FIELD in wanted:
            facts[COUNT_FIELD] = count
        if LATEST_FIELD in wanted and latest is not None:
            facts[LATEST_FIELD] = latest.astimezone(OSLO).date().isoformat()
        out[applicant_id] = facts
    return out
