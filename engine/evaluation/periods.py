"""Rules in force on the assessment date (gjelder_fra, gjelder_til on a rule).

A regulation that starts or ends on a day is a property of its rules, so one bundle can
hold the rules before and after a change (Oslo's quota regulation 2015-2020, its new
regulation from 2024). durable_rules matches every rule as always; what is out of
force on a candidate's assessment date is then taken out of its matches: a criterion,
check, composition rule or tier that held does not count, and a vilkår counts as met
(it asks nothing while it is not in force). The period is not a condition on the
case, so nothing about it is matched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.evaluation.plans import TIER_PREFIX
from engine.evaluation.records import AS_OF_KEY
from engine.language.rules import Rulebook


class Periods:
    def __init__(self, book: Rulebook):
        plans = book.plans
        rules = [(c.id, c, False) for c in [*book.criteria, *book.checks, *book.composition, *book.notes,
                                            *(r for p in plans for r in [*p.kriterier, *p.kontroller])]]
        rules += [(TIER_PREFIX + t.id, t, False) for t in [*book.ranking.trinn, *(t for p in plans for t in p.trinn or [])]]
        rules += [(c.id, c, True) for c in [*book.conditions, *(c for p in plans for c in p.vilkar)]]  # out of force: met
        self.entries = [(key, rule, met) for key, rule, met in rules if rule.has_period]
        self._on: dict[str, tuple[frozenset, frozenset]] = {}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def out_of_force(self, values: dict[str, Any]) -> tuple[frozenset, frozenset]:
        """(matches to drop, conditions to count as met) on the candidate's assessment date."""
        day = values.get(AS_OF_KEY)
        found = self._on.get(day)
        if found is None:
            when = dt.date.fromisoformat(day)
            found = self._on[day] = (
                frozenset(key for key, rule, met in self.entries if not met and not rule.in_force(when)),
                frozenset(key for key, rule, met in self.entries if met and not rule.in_force(when)))
        return found

    def apply(self, candidates: list[dict[str, Any]], fired: list[set[str]]) -> list[set[str]]:
        """Each candidate's matches with the rules out of force on its date taken out (or, a vilkår, in)."""
        if not self.entries:
            return fired
        out = []
        for values, matched in zip(candidates, fired):
            drop, met = self.out_of_force(values)
            out.append((matched - drop) | met if drop or met else matched)
        return out
