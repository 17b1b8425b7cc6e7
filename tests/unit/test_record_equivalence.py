"""durable_rules and the reference agree on lists of records (issue 9, items 8 and 10).

Conditions over the records of a list (`hvor` of a count, `begge` of a sharing rule) are
generated from a vocabulary with a household and earlier offers; random records are
matched by durable_rules and by the reference evaluator, and whole random cases are
ranked with both and their aggregates compared with `reference_aggregates`, which counts
and pairs the records straight from the case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from engine import CompiledRules, RulesError, load_rules
from engine.language import conditions as cond_lang
from engine.language.conditions import Condition
from engine.evaluation.durable_adapter import DurableRules
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules, reference_aggregates
from test_record_lists import CHECKS, DERIVED, SECTIONS

AS_OF = dt.date(2026, 3, 1)
CONDITION = TypeAdapter(Condition)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_rules(write_bundle(tmp_path_factory.mktemp("lister"), sections=SECTIONS, derived=DERIVED,
                                   checks=CHECKS))


def _fields(book, scope):
    return [f for path, f in book.vocabulary.fields.items() if path.split(".")[0] == scope]


NUMBERS = [-1, 0, 1, 5, 9, 10, 11, 12, 17, 18, 20, 21, 30]


@st.composite
def comparisons(draw, fields):
    field = draw(st.sampled_from(fields))
    ops = ["finnes"]
    if field.type == "valg":
        ops += ["er", "er_ikke", "en_av", "ikke_en_av"]
    if field.is_number:
        ops += ["er", "er_ikke", "over", "minst", "under", "hoyst"]
    op = draw(st.sampled_from(ops))
    if op == "finnes":
        value = draw(st.booleans())
    elif field.type == "valg":
        values = st.sampled_from(sorted(field.values))
        value = draw(st.lists(values, min_size=1, max_size=2) if op.endswith("en_av") else values)
    else:
        spec = field.spec  # only values the rules check accepts for the field (inntekt: min 0)
        value = draw(st.sampled_from([n for n in NUMBERS if spec is None or spec.min is None or n >= spec.min]))
    return {"felt": field.path, op: value}


def conditions(fields):
    def combine(children):
        parts = st.lists(children, min_size=1, max_size=3)
        return st.one_of(parts.map(lambda p: {"alle": p}), parts.map(lambda p: {"noen": p}),
                         children.map(lambda c: {"ikke": c}))

    return st.recursive(comparisons(fields), combine, max_leaves=6).map(CONDITION.validate_python)


def members():
    born = st.dates(dt.date(1950, 1, 1), dt.date(2026, 6, 1)).map(dt.date.isoformat)
    return st.fixed_dictionaries({"fodt": born}, optional={
        "inntekt": st.sampled_from([0, 12_000, 250_000]),
        "kjonn": st.sampled_from(["kvinne", "mann"]),
        "relasjon": st.sampled_from(["soker", "partner", "barn", "annen"])})


def offers():
    return st.fixed_dictionaries({
        "dato": st.dates(dt.date(2023, 1, 1), dt.date(2026, 6, 1)).map(dt.date.isoformat),
        "utfall": st.sampled_from(["akseptert", "takket_nei", "ikke_svart"])})


def test_generated_record_conditions_pass_the_rules_check(book):
    @given(st.sampled_from(["husstand", "tidligere_tilbud"]).flatmap(
        lambda s: st.tuples(st.just(s), conditions(_fields(book, s)))))
    @settings(max_examples=60, deadline=None)
    def check(scoped):
        scope, cond = scoped
        assert cond_lang.check(cond, book.vocabulary, (), scope) == []

    check()


def test_durable_rules_and_reference_match_the_same_record_rules(book):
    vocab = book.vocabulary

    @given(household=st.lists(conditions(_fields(book, "husstand")), min_size=1, max_size=3),
           offered=st.lists(conditions(_fields(book, "tidligere_tilbud")), max_size=2),
           records=st.lists(members(), max_size=6), answers=st.lists(offers(), max_size=5))
    @SETTINGS
    def check(household, offered, records, answers):
        rules = {f"h{i}": ("husstand", c) for i, c in enumerate(household)}
        rules.update({f"t{i}": ("tidligere_tilbud", c) for i, c in enumerate(offered)})
        rules["alltid"] = ("husstand", CONDITION.validate_python({"felt": "husstand.fodt", "finnes": True}))
        try:
            durable = DurableRules(rules, lambda p: getattr(vocab.get(p), "values", None), scopes=vocab.scopes)
        except RulesError:
            reject()
        values = {"kandidat.id": "K-1", "kandidat.husstand": records, "kandidat.tidligere_tilbud": answers}
        compiled = CompiledRules(book, evaluator_factory=ReferenceRules)
        compiled.computed.before_counts([values], AS_OF)
        try:
            for scope, batch in (("husstand", values["#poster"]["husstand"]),
                                 ("tidligere_tilbud", values["#poster"]["tidligere_tilbud"])):
                expected = ReferenceRules(rules).match(scope, batch)
                for grouped in (False, True):
                    assert durable.match(scope, batch, grouped=grouped) == expected, (scope, rules, batch)
        finally:
            durable.close()

    check()


@pytest.fixture(scope="module")
def both(book):
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


@given(data=st.lists(st.tuples(st.one_of(st.none(), st.lists(members(), max_size=7)),
                               st.one_of(st.none(), st.lists(offers(), max_size=6))), min_size=1, max_size=5),
       rooms=st.integers(0, 5))
@SETTINGS
def test_random_households_and_offers_rank_identically_and_aggregate_as_the_reference(both, book, data, rooms):
    durable, reference = both
    nominees = []
    for i, (household, answers) in enumerate(data):
        nominee = {"id": f"K-{i}", "sjekkliste": {}}
        if household is not None:
            nominee["husstand"] = household
        if answers is not None:
            nominee["tidligere_tilbud"] = answers
        nominees.append(nominee)
    case = {"ledig_bolig": {"id": "L-1", "bolig": {"soverom": rooms}}, "beboere": [], "kandidater": nominees}
    assert durable.rank(case, AS_OF).model_dump() == reference.rank(case, AS_OF).model_dump()
    valid = durable.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = durable.candidate_facts([(valid, AS_OF)])
    names = [f"beregnet.{n}" for n, d in book.vocabulary.model.beregnet.items()
             if d.antall is not None or d.nyeste is not None or d.eldste is not None or d.sum is not None or d.soverom is not None]
    for values, nominee in zip(found, valid["kandidater"]):
        expected = reference_aggregates(book.vocabulary, nominee, AS_OF)
        assert {n: values[n] for n in names if n in values} == expected, nominee
