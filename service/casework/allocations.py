"""Earlier allocations (tidligere tildelinger), as the records a quota counts.

A quota spans many allocations ("Bydel Gamle Oslo may make at most 200 cross-district
allocation decisions", "40 % of lets to the waiting list"), while the engine ranks one
vacancy at a time. A bundle declares a list under `ledig_bolig` whose every field says
where its value comes from (`fra_vedtak`: `vedtak.dato` or a path of the decided case,
engine/language/vocabulary.py), and the service fills it with one record per allocation
decision in force, read from the recommendation the decision was made on: the candidate
who got the home and the home as they stood then. The list is part of the case, so the
recommendation keeps it and ranks the same later; and a decision made meanwhile changes it,
which `check_unchanged` holds against the decision (so two cases cannot both take the last
place of a quota).

A bundle without such a list gets none, and nothing is read.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.evaluation.facts import candidate_values, vacancy_values
from engine.language.vocabulary import DECISION_DATE
from service.casework.context import Context
from service.domain.errors import IllegalTransition
from service.store.models import Decision, Recommendation, RulesBundle


def allocation_lists(ctx: Context, vacancy_id: int) -> dict[str, list[dict]]:
    """The lists the rules in force fill from earlier decisions, by list name; other vacancies' only."""
    lists = ctx.compiled_rules().book.vocabulary.decision_lists()
    if not lists:
        return {}
    decided = ctx.session.execute(
        select(Decision.decided_on, Decision.candidate_code, Recommendation.input)
        .join(Recommendation, Recommendation.id == Decision.recommendation_id)
        .where(Decision.status == "current", Decision.vacancy_id != vacancy_id)
        .order_by(Decision.decided_on, Decision.id)).all()
    out: dict[str, list[dict]] = {name: [] for name in lists}
    for decided_on, code, case in decided:
        chosen = next((c for c in case.get("kandidater", []) if c.get("id") == code), None)
        if chosen is None:
            continue  # cannot happen for a decision the service made; nothing to count
        values = candidate_values({"sjekkliste": {}, **chosen}, vacancy_values(case))
        values[DECISION_DATE] = decided_on.isoformat()
        for name, spec in lists.items():
            record = {field: values[f.fra_vedtak] for field, f in spec.felter.items()
                      if values.get(f.fra_vedtak) is not None}
            out[name].append(record)
    return out


def allocations_changed(ctx: Context, vacancy_id: int, recommendation: Recommendation) -> bool:
    """Whether the earlier allocations the rules count differ now from those the recommendation ranked."""
    now = allocation_lists(ctx, vacancy_id)
    then = {name: recommendation.input.get("ledig_bolig", {}).get(name) for name in now}
    return now != then


def check_unchanged(ctx: Context, vacancy_id: int, recommendation: Recommendation) -> None:
    """Refuse a decision when the earlier allocations the recommendation counted have changed since.

    Decisions under such rules take a lock on the rules version's row first, so two decisions
    made at once are checked one after the other, each seeing the other's once it is committed
    (PostgreSQL; SQLite writes one at a time anyway).
    """
    if not ctx.compiled_rules().book.vocabulary.decision_lists():
        return
    ctx.session.execute(select(RulesBundle.content_hash)
                        .where(RulesBundle.content_hash == recommendation.rules_hash).with_for_update())
    if allocations_changed(ctx, vacancy_id, recommendation):
        raise IllegalTransition("Det er fattet andre vedtak om tildeling siden innstillingen ble skrevet, og "
                                "regelverket teller tidligere tildelinger (kvote). Ranger på nytt før vedtaket.")
