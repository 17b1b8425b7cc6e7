"""durable_rules and the reference agree on local plans (lokale_planer, issue 9 item 9).

Random plans over the shipped vocabulary (a `gjelder` over the home's fields, criteria, checks,
a tie-break order, a `faller_bort` with `ingen_kandidat` or `noen_kandidat` over random candidate
conditions) are added to the shipped rules, and random cases are ranked with durable_rules and with
the reference evaluator: the rankings are the same, and the plans' outcomes are the ones
`reference_plans` reads straight off the plans and the case.
"""

from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError
from engine.evaluation import facts as fact_builder
from engine.language.case import validate_case
from engine.language.plans import home_only
from engine.language.rules import LocalPlan
from support.cases import random_case
from support.reference_evaluator import ReferenceRules, reference_plans
from test_condition_equivalence import AS_OF, BOOK, CONDITION, FIELDS, VOCAB, conditions, scalar_values

HOME = [f for f in FIELDS["kandidat"] if home_only(f.path)]
TIES = [f.path for f in FIELDS["kandidat"] if f.type not in ("flervalg", "objekt") and not home_only(f.path)]
UNITS = ["Lade botiltak", "Østbyen", "x", ""]  # the texts random cases draw from (support/cases.py, TEXTS here)


@st.composite
def home_comparisons(draw) -> dict:
    field = draw(st.sampled_from(HOME))
    choices = ["finnes"]
    if field.type in ("valg", "boolsk", "heltall", "tall", "tekst"):
        choices += ["er", "er_ikke", "en_av", "ikke_en_av"]
    if field.is_number:
        choices += ["over", "minst", "under", "hoyst"]
    if field.type == "flervalg":
        choices += ["inneholder", "inneholder_ikke"]
    op = draw(st.sampled_from(choices))
    if op == "finnes":
        value = draw(st.booleans())
    elif op in ("en_av", "ikke_en_av"):
        value = draw(st.lists(scalar_values(field), min_size=1, max_size=3))
    else:
        value = draw(scalar_values(field))
    return {"felt": field.path, op: value}


def home_conditions() -> st.SearchStrategy:
    def combine(children):
        parts = st.lists(children, min_size=1, max_size=3)
        return st.one_of(parts.map(lambda p: {"alle": p}), parts.map(lambda p: {"noen": p}),
                         children.map(lambda c: {"ikke": c}))

    return st.recursive(home_comparisons(), combine, max_leaves=4).map(CONDITION.validate_python)


@st.composite
def plans(draw, number: int) -> LocalPlan:
    criteria = [{"id": f"p{number}_k{i}", "navn": f"Planens kriterium {i}", "poeng": draw(st.integers(1, 30)),
                 "betingelse": cond, "forklaring": "Planen gir poeng.", "hjemmel": "Planen"}
                for i, cond in enumerate(draw(st.lists(conditions("kandidat"), min_size=1, max_size=2)))]
    checks = [{"id": f"p{number}_s{i}", "navn": f"Planens kontroll {i}", "betingelse": cond,
               "begrunnelse": "Planen blokkerer.", "hjemmel": "Planen"}
              for i, cond in enumerate(draw(st.lists(conditions("kandidat"), max_size=1)))]
    plan = {"id": f"plan_{number}", "navn": f"Plan {number}", "hjemmel": "Planen",
            "gjelder": draw(st.one_of(home_conditions(),
                                      st.sampled_from(UNITS).map(lambda u: CONDITION.validate_python(
                                          {"felt": "botiltak.navn", "er": u})))),
            "kriterier": criteria, "kontroller": checks}
    if draw(st.booleans()):
        plan["ved_likt_poeng"] = [{"felt": path, "retning": draw(st.sampled_from(["stigende", "synkende"]))}
                                  for path in draw(st.lists(st.sampled_from(TIES), max_size=2, unique=True))]
    if draw(st.booleans()):  # the plan's own tiers, the last one open half the time
        tiers = draw(st.lists(conditions("kandidat"), min_size=1, max_size=3))
        plan["trinn"] = [{"id": f"p{number}_t{i}", "navn": f"Trinn {i}", "betingelse": cond, "begrunnelse": "planen",
                          "hjemmel": "Planen"} for i, cond in enumerate(tiers)]
        if draw(st.booleans()):
            del plan["trinn"][-1]["betingelse"]
    if draw(st.integers(0, 3)):
        key = draw(st.sampled_from(["ingen_kandidat", "noen_kandidat"]))
        plan["faller_bort"] = {key: draw(conditions("kandidat")), "begrunnelse": "planen passer ikke"}
    return LocalPlan.model_validate(plan)


@given(written=st.integers(1, 3).flatmap(lambda n: st.tuples(*[plans(i) for i in range(n)])),
       seed=st.integers(0, 10_000), candidates=st.integers(1, 6))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plans_rank_identically_with_durable_rules_and_reference(written, seed, candidates):
    book = dataclasses.replace(BOOK, ranking=BOOK.ranking.model_copy(update={"lokale_planer": list(written)}))
    try:
        durable = CompiledRules(book)
    except RulesError:  # a generated condition beyond the engine's limits: refused, never evaluated
        reject()
    reference = CompiledRules(book, evaluator_factory=ReferenceRules)
    rng = random.Random(seed)
    case = random_case(rng, VOCAB, candidates, 3, AS_OF)
    case["beboere"][0]["sarbar"] = True
    if rng.random() < 0.7:
        case["ledig_bolig"]["botiltak"]["navn"] = rng.choice(UNITS)

    ranked = durable.rank(case, AS_OF)
    assert ranked.model_dump() == reference.rank(case, AS_OF).model_dump()
    assert durable.rank_summary(case, AS_OF).model_dump() == reference.rank_summary(case, AS_OF).model_dump()

    valid = validate_case(case, durable.case_models)
    [base] = durable.candidate_facts([(valid, AS_OF)])
    expected = reference_plans(book.plans, fact_builder.vacancy_values(valid),
                               lambda plan: durable.plans.with_values(base, plan))
    assert [(p.id, p.status, p.nominees_meeting_fallback) for p in ranked.plans] == expected
    for plan in ranked.plans:
        event(plan.status)
    applied = [p.id for p in ranked.plans if p.applied]
    in_force = {c.id for plan in book.plans if plan.id in applied for c in [*plan.kriterier, *plan.kontroller]}
    others = {c.id for plan in book.plans if plan.id not in applied
              for c in [*plan.kriterier, *plan.kontroller, *(plan.trinn or [])]}
    for candidate in ranked.candidates:
        named = {i.rule_id for i in candidate.score_items} | {b.rule_id for b in candidate.blocks} | \
                {u.rule_id for u in candidate.unmet_criteria}
        assert not (named | ({candidate.tier.id} if candidate.tier else set())) & others
        assert {u.rule_id for u in candidate.unmet_criteria} | {i.rule_id for i in candidate.score_items} >= \
            {c.id for plan in book.plans if plan.id in applied for c in plan.kriterier}
        assert in_force >= named - {c.id for c in [*BOOK.criteria, *BOOK.checks, *BOOK.composition, *BOOK.conditions]} \
            - {g.id for g in BOOK.groups}
