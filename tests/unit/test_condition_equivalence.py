"""durable_rules (production) and the reference evaluator agree on every condition.

Conditions are generated from the real vocabulary in rules/felter.yaml: every
operator, nested alle/noen/ikke, values the vocabulary allows, comparisons with
another field on the right-hand side, and facts in which any field may be missing. Whole random cases are ranked with both evaluators too.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from support.cases import random_case
from engine import CompiledRules, RulesError, load_rules
from engine.language import conditions as cond_lang
from engine.language.conditions import Condition
from engine.evaluation import durable_adapter
from engine.evaluation.durable_adapter import DurableRules
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
BOOK = load_rules(ROOT / "rules")
VOCAB = BOOK.vocabulary
CONDITION = TypeAdapter(Condition)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXTS = ["Lade botiltak", "Østbyen", "x", ""]
# Few distinct numbers, in int and float spellings, so comparisons hit equality and both sides.
NUMBERS = [-1, 0, 1, 2, 3, 12, 24, 0.5, 1.0, 2.5, 3.0]


def _usable(scope: str) -> list:
    # a choice with no values cannot be compared (resultat.trinn of a bundle without tiers)
    fields = [f for f in VOCAB.fields.values() if f.type != "objekt" and not (f.type == "valg" and not f.values)]
    if scope == "beboer":
        return [f for f in fields if f.path.startswith("beboer.")]
    return [f for f in fields if not f.path.startswith("beboer.")]


FIELDS = {scope: _usable(scope) for scope in ("kandidat", "beboer")}


def _in_bounds(field, number) -> bool:
    spec = field.spec
    if spec is None:
        return True
    return (spec.min is None or number >= spec.min) and (spec.maks is None or number <= spec.maks)


def scalar_values(field) -> st.SearchStrategy:
    """Values a comparison with `field` may use (what the rules check accepts)."""
    t = field.type
    if t in ("valg", "flervalg"):
        return st.sampled_from(sorted(field.values))
    if t == "boolsk":
        return st.booleans()
    if t == "tekst":
        return st.sampled_from(TEXTS)
    if t == "heltall":
        bounded = [n for n in NUMBERS if isinstance(n, int) and _in_bounds(field, n)]
        low = int(field.spec.min) if field.spec and field.spec.min is not None else 16
        return st.sampled_from(bounded or [low, low + 1, low + 2])
    if t == "tall":
        bounded = [n for n in NUMBERS if _in_bounds(field, n)]
        return st.sampled_from(bounded)
    raise AssertionError(t)


def fact_values(field) -> st.SearchStrategy:
    """Values a validated case can give `field` (floats for tall, ISO strings for dates)."""
    t = field.type
    if t == "flervalg":
        return st.lists(st.sampled_from(sorted(field.values)), unique=True)
    if t == "dato":
        return st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)
    if t == "tall":
        return st.sampled_from([n for n in NUMBERS if _in_bounds(field, n)] or [1]).map(float)
    if t == "heltall":
        low = int(field.spec.min) if field.spec and field.spec.min is not None else -1
        return st.integers(low, low + 30)
    return scalar_values(field)


def _comparable(field, scope: str) -> list[str]:
    """Fields `field` may be compared with by `er` (another field on the right-hand side)."""
    if field.is_number:
        return [f.path for f in FIELDS[scope] if f.is_number]
    return [f.path for f in FIELDS[scope] if f.type == field.type and (f.values or None) == (field.values or None)]


@st.composite
def comparisons(draw, scope: str) -> dict:
    field = draw(st.sampled_from(FIELDS[scope]))
    path, t = field.path, field.type
    choices = ["finnes"]
    if t in ("valg", "boolsk", "heltall", "tall", "tekst"):
        choices += ["er", "er_ikke", "en_av", "ikke_en_av"]
    if t in ("heltall", "tall"):
        choices += ["over", "minst", "under", "hoyst"]
    if t == "flervalg":
        choices += ["inneholder", "inneholder_ikke", "har_felles_med"]
    op = draw(st.sampled_from(choices))
    if op == "finnes":
        value = draw(st.booleans())
    elif op in ("en_av", "ikke_en_av"):
        value = draw(st.lists(scalar_values(field), min_size=1, max_size=3))
    elif op in ("over", "minst", "under", "hoyst") and draw(st.booleans()):
        value = {"felt": draw(st.sampled_from([f.path for f in FIELDS[scope] if f.is_number]))}
    elif op in ("over", "minst", "under", "hoyst"):
        value = draw(st.sampled_from(NUMBERS))
    elif op in ("er", "er_ikke") and draw(st.integers(0, 3)) == 0:
        value = {"felt": draw(st.sampled_from(_comparable(field, scope)))}
    elif op == "har_felles_med":
        partners = [f.path for f in FIELDS[scope] if f.type == "flervalg" and f.values == field.values]
        value = draw(st.sampled_from(partners))
    else:
        value = draw(scalar_values(field))
    return {"felt": path, op: value}


def conditions(scope: str) -> st.SearchStrategy:
    def combine(children):
        parts = st.lists(children, min_size=1, max_size=3)
        return st.one_of(parts.map(lambda p: {"alle": p}), parts.map(lambda p: {"noen": p}),
                         children.map(lambda c: {"ikke": c}))

    return st.recursive(comparisons(scope), combine, max_leaves=8).map(CONDITION.validate_python)


@st.composite
def facts(draw, scope: str) -> dict:
    """One fact: each field present, absent, or explicitly None."""
    out = {}
    for field in FIELDS[scope]:
        presence = draw(st.sampled_from(["present", "present", "absent", "none"]))
        if presence == "present":
            out[field.path] = draw(fact_values(field))
        elif presence == "none":
            out[field.path] = None
    return out


# durable_rules crashes the process when no rule fired in a session; the adapter now opens every
# session with a rule that always fires (docs/durable_rules.md, pinned by
# test_a_session_in_which_no_rule_fires_does_not_crash in tests/integration/test_durable_sessions.py).
# These always-true rules date from before that fix; they are kept so that the generated rule sets,
# and so hypothesis' stored examples, stay as they were.
ALWAYS = {
    "alltid_kandidat": ("kandidat", {"noen": [{"felt": "kandidat.id", "finnes": True},
                                               {"felt": "kandidat.id", "finnes": False}]}),
    "alltid_beboer": ("beboer", {"noen": [{"felt": "beboer.id", "finnes": True},
                                           {"felt": "beboer.id", "finnes": False}]}),
}


@st.composite
def rule_sets(draw) -> dict:
    rules = {rule_id: (scope, CONDITION.validate_python(cond)) for rule_id, (scope, cond) in ALWAYS.items()}
    for i, cond in enumerate(draw(st.lists(conditions("kandidat"), min_size=1, max_size=4))):
        rules[f"k{i}"] = ("kandidat", cond)
    for i, cond in enumerate(draw(st.lists(conditions("beboer"), max_size=2))):
        rules[f"b{i}"] = ("beboer", cond)
    return rules


def _values_of(path):
    field = VOCAB.get(path)
    return field.values if field else None


def test_generated_conditions_pass_the_rules_check():
    """The generator only makes conditions a policy file could contain (else the property proves little)."""
    @given(st.sampled_from(["kandidat", "beboer"]).flatmap(lambda s: st.tuples(st.just(s), conditions(s))))
    @settings(max_examples=100, deadline=None)
    def check(scoped):
        scope, cond = scoped
        assert cond_lang.check(cond, VOCAB, (), scope) == []

    check()


@given(rules=rule_sets(),
       candidates=st.lists(facts("kandidat"), min_size=1, max_size=4),
       residents=st.lists(facts("beboer"), min_size=1, max_size=3))
@SETTINGS
def test_durable_rules_and_reference_match_the_same_rules(rules, candidates, residents):
    try:
        durable = DurableRules(rules, _values_of)
    except RulesError as exc:  # beyond the engine's limits: refused with the rule named, never evaluated
        assert all(p.rule_id in rules for p in exc.problems), exc
        reject()
    try:
        for scope, batch in (("kandidat", candidates), ("beboer", residents)):
            expected = ReferenceRules(rules, _values_of).match(scope, batch)
            for grouped in (False, True):  # whole facts, and each group of rules on its own projection
                assert durable.match(scope, batch, grouped=grouped) == expected, (scope, grouped, rules, batch)
    finally:
        durable.close()


@pytest.fixture(scope="module")
def both_evaluators():
    return CompiledRules(BOOK), CompiledRules(BOOK, evaluator_factory=ReferenceRules)


@given(rng=st.randoms(use_true_random=False), candidates=st.integers(1, 8), residents=st.integers(1, 6))
@settings(max_examples=100, deadline=None)
def test_random_cases_rank_identically_with_durable_rules_and_reference(both_evaluators, rng, candidates,
                                                                        residents):
    durable, reference = both_evaluators
    case = random_case(rng, VOCAB, candidates, residents, AS_OF)
    # One vulnerable resident, so the resident-count session fires a rule of the case's own (see ALWAYS above).
    case["beboere"][0]["sarbar"] = True
    assert durable.rank(case, AS_OF).model_dump() == reference.rank(case, AS_OF).model_dump()


@pytest.mark.parametrize("seed", range(3))
def test_a_waiting_list_ranks_identically_with_durable_rules_and_reference(both_evaluators, seed, monkeypatch):
    """Hundreds of candidates: durable_rules matches each group of rules on its projections (match's
    `grouped` way, chosen because it asserts fewer facts), and the ranking is still the reference's."""
    durable, reference = both_evaluators
    rng = random.Random(seed)
    case = random_case(rng, VOCAB, 400, 5, AS_OF)
    case["beboere"][0]["sarbar"] = True
    asserted = []
    real_assert = durable_adapter._core.assert_fact
    monkeypatch.setattr(durable_adapter._core, "assert_fact", lambda h, text: asserted.append(text) or real_assert(h, text))
    assert durable.rank(case, AS_OF).model_dump() == reference.rank(case, AS_OF).model_dump()
    assert len(asserted) < 400  # fewer facts than candidates: the groups' projections
    assert durable.rank_summary(case, AS_OF).model_dump() == reference.rank_summary(case, AS_OF).model_dump()
