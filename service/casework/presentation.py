"""Who stands first now, and whom the unit leader may see (framlegging for enhetslederen, step 7).

Kept apart from `recommendations` because the vacancy page, the candidate reads and
the decision all need it, and none of them should need the ranking code.

The unit leader's need to know is narrow: the nominees *presented* to them (the
top candidate and those of equal standing), only once a second consultant has
approved the recommendation (before that the ranking is the team's draft), and
only while the case is open. A decision that names someone else (the head's
override) adds that person: the unit is to receive them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from service.domain.codes import ApplicantStatus, NominationStatus, Stage
from service.store.models import Decision, Recommendation, RecommendationApproval, Vacancy

#: Stages in which the unit leader takes part: after the four-eyes approval, before move-in.
UNIT_LEADER_STAGES = frozenset({Stage.APPROVED, Stage.AGREED, Stage.OBJECTED, Stage.IN_CONSULTATION,
                                Stage.DISPUTED, Stage.DECIDED, Stage.VIEWING_BOOKED, Stage.CONTRACT_SIGNED})


@dataclass(frozen=True)
class Presentation:
    """Who stands first now: the approved ranking less withdrawn and declined candidates, and those
    housed or allocated another home since."""

    recommendation: Recommendation | None
    order: list[str]       # eligible candidates still in the running, best first
    presented: list[str]   # the top one and those of equal standing with it (step 7)

    @property
    def top(self) -> str | None:
        return self.order[0] if self.order else None


def approved_recommendation(session, vacancy: Vacancy) -> Recommendation | None:
    return session.scalar(
        select(Recommendation)
        .join(RecommendationApproval, RecommendationApproval.recommendation_id == Recommendation.id)
        .where(Recommendation.vacancy_id == vacancy.id, RecommendationApproval.approved.is_(True))
        .order_by(Recommendation.id.desc()).limit(1))


def _allocated_elsewhere(ctx, vacancy: Vacancy) -> set[str]:
    """Nominees who hold a standing decision for another home: they cannot be allocated this one too."""
    ids = [n.applicant_id for n in vacancy.nominations if n.status == NominationStatus.ACTIVE.value]
    if not ids:
        return set()
    return set(ctx.session.scalars(select(Decision.candidate_code).where(
        Decision.applicant_id.in_(ids), Decision.status == "current", Decision.vacancy_id != vacancy.id)))


def presentation(ctx, vacancy: Vacancy) -> Presentation:
    rec = approved_recommendation(ctx.session, vacancy)
    if rec is None:
        return Presentation(None, [], [])
    active = {n.applicant.code for n in vacancy.nominations if n.status == NominationStatus.ACTIVE.value
              and n.applicant.status == ApplicantStatus.WAITING.value} - _allocated_elsewhere(ctx, vacancy)
    candidates = rec.result["candidates"]
    order = [c["id"] for c in candidates if c["eligible"] and c["id"] in active]
    if not order:
        return Presentation(rec, [], [])
    top = next(c for c in candidates if c["id"] == order[0])
    presented = [order[0]] + [c for c in top.get("equal_standing_with", []) if c in order]
    return Presentation(rec, order, presented)


def seen_by_unit_leader(ctx, vacancy: Vacancy) -> set[str]:
    """The candidate codes of `vacancy` its unit's leader may see now (empty outside their part of the case)."""
    if Stage(vacancy.stage) not in UNIT_LEADER_STAGES:
        return set()
    seen = set(presentation(ctx, vacancy).presented)
    current = ctx.session.scalar(select(Decision.candidate_code).where(Decision.vacancy_id == vacancy.id,
                                                                       Decision.status == "current"))
    if current:
        seen.add(current)
    return seen
