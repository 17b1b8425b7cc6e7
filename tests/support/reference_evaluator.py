"""A reference evaluator of the condition language: small enough to be obviously right.

It reads the condition model directly (no compilation, no durable_rules) and follows
the semantics stated in `engine/language/conditions.py`:

- a comparison with a field that has no value is false, so `ikke` of it is true;
  with another field (`{felt: ...}` as the value), it is false when either has none;
- `er_ikke`, `ikke_en_av` and `inneholder_ikke` are exactly `ikke` of `er`, `en_av`
  and `inneholder`;
- `finnes: true` holds when the field has a value, `finnes: false` when it has none;
- multiple-choice (flervalg) fields hold lists: `inneholder` asks for one value,
  `har_felles_med` for at least one value in common with another list field.

It has the interface of `engine.evaluation.durable_adapter.DurableRules`, so
`CompiledRules(book, evaluator_factory=ReferenceRules)` ranks with it.
"""

from __future__ import annotations

from typing import Any, Iterable

from engine.language.conditions import AllOf, AnyOf, Comparison, FieldRef, Not

NEGATED = {"er_ikke": "er", "ikke_en_av": "en_av", "inneholder_ikke": "inneholder"}


def holds(cond, values: dict[str, Any]) -> bool:
    """Whether `cond` holds for one fact (values by dotted path; None means no value)."""
    if isinstance(cond, AllOf):
        return all(holds(part, values) for part in cond.alle)
    if isinstance(cond, AnyOf):
        return any(holds(part, values) for part in cond.noen)
    if isinstance(cond, Not):
        return not holds(cond.ikke, values)
    return _compare(cond, values)


def _compare(c: Comparison, values: dict[str, Any]) -> bool:
    op, expected = c.operator, c.value
    if op in NEGATED:
        return not _compare(Comparison(felt=c.felt, **{NEGATED[op]: expected}), values)
    actual = values.get(c.felt)
    if op == "finnes":
        return (actual is not None) == expected
    if actual is None:
        return False
    if isinstance(expected, FieldRef):
        expected = values.get(expected.felt)
        if expected is None:
            return False
    if op == "er":
        return _same(actual, expected)
    if op == "en_av":
        return any(_same(actual, option) for option in expected)
    if op == "over":
        return actual > expected
    if op == "minst":
        return actual >= expected
    if op == "under":
        return actual < expected
    if op == "hoyst":
        return actual <= expected
    if op == "inneholder":
        return expected in actual
    if op == "har_felles_med":
        other = values.get(expected)
        return other is not None and bool(set(actual) & set(other))
    raise AssertionError(f"ukjent operator {op}")


def _same(actual, expected) -> bool:
    """Equality that does not let True pass for 1 (Python's `True == 1`)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    return actual == expected


class ReferenceRules:
    """Same interface as DurableRules: `match(scope, facts)` -> the rule ids that hold, per fact."""

    def __init__(self, rules: dict[str, tuple[str, Any]], values_of=None):
        self.rules = dict(rules)

    def match(self, scope: str, facts: Iterable[dict[str, Any]]) -> list[set[str]]:
        in_scope = [(rule_id, cond) for rule_id, (rule_scope, cond) in self.rules.items() if rule_scope == scope]
        return [{rule_id for rule_id, cond in in_scope if holds(cond, values)} for values in facts]

    def close(self) -> None:
        pass
