"""Matching many facts by groups of rules (DurableRules.match, `grouped`): what it relies on.

A group of rules sees only the keys its rules read, and projections that Python
finds equal share one assert. That is only sound if durable_rules answers alike for
values Python finds equal (1, 1.0 and True), which the first test pins; the property
tests in test_condition_equivalence.py compare both ways with the reference evaluator.
"""

from __future__ import annotations

from pydantic import TypeAdapter

from engine.evaluation.durable_adapter import DurableRules
from engine.language.conditions import Condition

CONDITION = TypeAdapter(Condition)


def _rules(**conditions) -> dict:
    return {rule_id: ("kandidat", CONDITION.validate_python(cond)) for rule_id, cond in conditions.items()}


def test_durable_rules_compares_one_one_point_zero_and_true_alike():
    durable = DurableRules(_rules(er_en={"felt": "kandidat.x", "er": 1},
                                  over={"felt": "kandidat.x", "over": 0.5},
                                  hoyst={"felt": "kandidat.x", "hoyst": 1}), lambda path: None)
    try:
        facts = [{"kandidat.x": 1}, {"kandidat.x": 1.0}, {"kandidat.x": True}]
        # Whole facts: three different JSON texts, so three asserts, and one answer.
        assert durable.match("kandidat", facts, grouped=False) == [{"er_en", "over", "hoyst"}] * 3
        assert durable.match("kandidat", facts, grouped=True) == [{"er_en", "over", "hoyst"}] * 3
    finally:
        durable.close()


def test_a_rule_whose_keys_another_rule_covers_shares_its_group():
    durable = DurableRules(_rules(a={"felt": "kandidat.a", "er": "x"},
                                  a_og_b={"alle": [{"felt": "kandidat.a", "er": "y"},
                                                   {"felt": "kandidat.b", "over": 2}]},
                                  c={"felt": "kandidat.c", "finnes": True}), lambda path: None)
    try:
        groups = {group.keys: sorted(group.rule_ids) for group in durable.groups["kandidat"]}
        assert groups == {("kandidat__a", "kandidat__b"): ["a", "a_og_b"], ("kandidat__c",): ["c"]}
        facts = [{"kandidat.a": "x", "kandidat.b": 3, "kandidat.c": 1}, {"kandidat.a": "y", "kandidat.b": 3},
                 {"kandidat.a": "y", "kandidat.b": 1}, {}]
        expected = [{"a", "c"}, {"a_og_b"}, set(), set()]
        assert durable.match("kandidat", facts, grouped=True) == expected
        assert durable.match("kandidat", facts, grouped=False) == expected
        assert durable.match("kandidat", facts) == expected
    finally:
        durable.close()


def test_many_rules_on_different_keys_are_kept_to_few_groups_so_a_whole_fact_can_be_asserted():
    """durable_rules refuses a fact that passes more than 64 tests side by side (code 303), and a whole
    fact carries every group's marker: 80 rules on 80 keys once made 80 groups and broke `rules check`."""
    from engine.evaluation.durable_adapter import MAX_GROUPS

    durable = DurableRules(_rules(**{f"r{i}": {"felt": f"kandidat.k{i}", "er": True} for i in range(80)}),
                           lambda path: None)
    try:
        assert len(durable.groups["kandidat"]) <= MAX_GROUPS < 64
        facts = [{f"kandidat.k{i}": True for i in range(n, n + 10)} for n in (0, 30, 70)]
        expected = [{f"r{i}" for i in range(n, n + 10)} for n in (0, 30, 70)]
        assert durable.match("kandidat", facts, grouped=False) == expected
        assert durable.match("kandidat", facts, grouped=True) == expected
    finally:
        durable.close()
