"""The reference evaluator follows the semantics in engine/language/conditions.py, case by case.

These pin the reference down by hand, so the property tests that compare it with
durable_rules compare against something known to be right.
"""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from engine.language.conditions import Condition
from support.reference_evaluator import ReferenceRules, holds

CONDITION = TypeAdapter(Condition)


def cond(data):
    return CONDITION.validate_python(data)


@pytest.mark.parametrize("comparison", [
    {"felt": "sjekkliste.bosituasjon", "er": "bostedslos"},
    {"felt": "sjekkliste.bosituasjon", "en_av": ["bostedslos", "midlertidig"]},
    {"felt": "kandidat.alder", "over": 1},
    {"felt": "kandidat.alder", "minst": 1},
    {"felt": "kandidat.alder", "under": 1000},
    {"felt": "kandidat.alder", "hoyst": 1000},
    {"felt": "kandidat.malgrupper", "inneholder": "rus"},
    {"felt": "kandidat.malgrupper", "har_felles_med": "botiltak.malgrupper"},
])
def test_a_comparison_with_a_missing_field_is_false_and_its_negation_true(comparison):
    assert holds(cond(comparison), {}) is False
    assert holds(cond({"ikke": comparison}), {}) is True
    assert holds(cond(comparison), {comparison["felt"]: None}) is False


@pytest.mark.parametrize("negative, positive", [
    ({"er_ikke": "bostedslos"}, {"er": "bostedslos"}),
    ({"ikke_en_av": ["bostedslos", "institusjon"]}, {"en_av": ["bostedslos", "institusjon"]}),
])
@pytest.mark.parametrize("value", ["bostedslos", "institusjon", "midlertidig", None])
def test_negated_operators_are_exactly_ikke_of_their_twin(negative, positive, value):
    facts = {"sjekkliste.bosituasjon": value}
    negated = holds(cond({"felt": "sjekkliste.bosituasjon", **negative}), facts)
    assert negated is (not holds(cond({"felt": "sjekkliste.bosituasjon", **positive}), facts))


@pytest.mark.parametrize("items, expected", [(["rus"], False), (["rus", "psykisk_lidelse"], True), ([], False)])
def test_inneholder_looks_for_one_value_in_a_multiple_choice_field(items, expected):
    c = cond({"felt": "kandidat.malgrupper", "inneholder": "psykisk_lidelse"})
    assert holds(c, {"kandidat.malgrupper": items}) is expected
    c_not = cond({"felt": "kandidat.malgrupper", "inneholder_ikke": "psykisk_lidelse"})
    assert holds(c_not, {"kandidat.malgrupper": items}) is (not expected)


@pytest.mark.parametrize("own, unit, expected", [
    (["rus"], ["rus", "psykisk_lidelse"], True),
    (["utviklingshemming"], ["rus", "psykisk_lidelse"], False),
    ([], ["rus"], False),
    (["rus"], None, False),
])
def test_har_felles_med_needs_one_value_in_common(own, unit, expected):
    c = cond({"felt": "kandidat.malgrupper", "har_felles_med": "botiltak.malgrupper"})
    assert holds(c, {"kandidat.malgrupper": own, "botiltak.malgrupper": unit}) is expected


@pytest.mark.parametrize("op, threshold, results", [
    ("over", 2, (False, False, True)),
    ("minst", 2, (False, True, True)),
    ("under", 2, (True, False, False)),
    ("hoyst", 2, (True, True, False)),
    ("over", 1.5, (False, True, True)),
])
def test_numeric_operators_at_the_boundary(op, threshold, results):
    c = cond({"felt": "beregnet.sarbare_beboere", op: threshold})
    assert tuple(holds(c, {"beregnet.sarbare_beboere": n}) for n in (1, 2, 3)) == results


@pytest.mark.parametrize("present, wanted, expected", [
    (True, True, True), (True, False, False), (False, True, False), (False, False, True)])
def test_finnes_asks_whether_the_field_has_a_value(present, wanted, expected):
    facts = {"sjekkliste.utskrivningsklar_siden": "2026-09-01"} if present else {}
    assert holds(cond({"felt": "sjekkliste.utskrivningsklar_siden", "finnes": wanted}), facts) is expected


def test_false_is_a_value_not_a_missing_one():
    c = cond({"felt": "bolig.heis", "er": False})
    assert holds(c, {"bolig.heis": False}) is True
    assert holds(c, {}) is False


def test_a_boolean_never_equals_a_number():
    assert holds(cond({"felt": "bolig.etasje", "er": 1}), {"bolig.etasje": True}) is False


def test_alle_noen_and_ikke_combine_like_and_or_not():
    c = cond({"alle": [{"noen": [{"felt": "sjekkliste.rullestol", "er": True},
                                 {"felt": "sjekkliste.kan_ga_trapper", "er": False}]},
                       {"ikke": {"felt": "bolig.etasje", "er": 1}}]})
    assert holds(c, {"sjekkliste.rullestol": True, "bolig.etasje": 2}) is True
    assert holds(c, {"sjekkliste.kan_ga_trapper": False}) is True  # etasje missing: ikke(...) holds
    assert holds(c, {"sjekkliste.rullestol": True, "bolig.etasje": 1}) is False
    assert holds(c, {"sjekkliste.rullestol": False, "sjekkliste.kan_ga_trapper": True, "bolig.etasje": 2}) is False


def test_match_applies_only_the_rules_of_the_asked_scope():
    rules = {
        "rus": ("kandidat", cond({"felt": "sjekkliste.aktiv_rus", "er": True})),
        "sarbar": ("beboer", cond({"felt": "beboer.sarbar", "er": True})),
        "alle_beboere": ("beboer", cond({"felt": "beboer.id", "finnes": True})),
    }
    evaluator = ReferenceRules(rules, lambda path: None)
    assert evaluator.match("kandidat", [{"sjekkliste.aktiv_rus": True}, {}]) == [{"rus"}, set()]
    assert evaluator.match("beboer", [{"beboer.id": "B-1", "beboer.sarbar": True}, {"beboer.id": "B-2"}]) == [
        {"sarbar", "alle_beboere"}, {"alle_beboere"}]
