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
`CompiledRules(book, evaluator_factory=ReferenceRules)` ranks with it; the records of
the candidate's lists are facts of their list's scope, as there.

`reference_aggregates` computes the aggregates over a candidate's lists (antall,
nyeste, soverom) straight from the case, without the engine's record facts, and
`reference_bedrooms` the bedroom need by trying every way of putting people in rooms,
so the tests can compare the engine's counting and pairing with something obvious.

`reference_plans` decides which local plan (lokale_planer) is in force for a vacancy by the
language's rules, read straight off the plans: the first whose `gjelder` holds for the home and
which does not fall back (`faller_bort`: no nominee, or some nominee, meets its condition).
"""

from __future__ import annotations

import calendar
import datetime as dt
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
    if isinstance(expected, dt.date):  # a date field against a date: compare the days
        actual, expected = dt.date.fromisoformat(actual), expected
    elif isinstance(actual, str) and op in ("over", "minst", "under", "hoyst"):  # two date fields
        actual, expected = dt.date.fromisoformat(actual), dt.date.fromisoformat(expected)
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

    def __init__(self, rules: dict[str, tuple[str, Any]], values_of=None, scopes=None):
        self.rules = dict(rules)

    def match(self, scope: str, facts: Iterable[dict[str, Any]]) -> list[set[str]]:
        in_scope = [(rule_id, cond) for rule_id, (rule_scope, cond) in self.rules.items() if rule_scope == scope]
        return [{rule_id for rule_id, cond in in_scope if holds(cond, values)} for values in facts]

    def close(self) -> None:
        pass


def reference_bedrooms(members: int, may_share) -> int:
    """The fewest rooms over every way to put `members` people one or two to a room (pairs that may share)."""
    def rooms(left: tuple[int, ...]) -> int:
        if not left:
            return 0
        first, rest = left[0], left[1:]
        best = 1 + rooms(rest)
        for k, other in enumerate(rest):
            if may_share(first, other) and may_share(other, first):
                best = min(best, 1 + rooms(rest[:k] + rest[k + 1:]))
        return best

    return rooms(tuple(range(members)))


def _months(start: dt.date, end: dt.date) -> int | None:
    if end < start:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _record_values(name: str, item: dict, spec, as_of: dt.date) -> dict:
    """One record as a fact: its fields and its list's durations, written out by hand."""
    values = {f"{name}.{key}": value for key, value in item.items()}
    for inner, derived in (spec.beregnet or {}).items():
        kind = derived.kind
        if derived.date_field is not None:
            raw = values.get(derived.date_field)
            if raw is None:
                continue
            day = dt.date.fromisoformat(raw)
            start, end = (day, as_of) if kind.endswith("siden") or kind == "alder" else (as_of, day)
        else:
            span = getattr(derived, kind)
            if values.get(span.fra) is None or values.get(span.til) is None:
                continue
            start, end = dt.date.fromisoformat(values[span.fra]), dt.date.fromisoformat(values[span.til])
        if end < start:
            continue
        if kind.startswith("dager"):
            values[f"{name}.{inner}"] = (end - start).days
        else:
            months = _months(start, end)
            values[f"{name}.{inner}"] = months if kind.startswith("maneder") else months // 12
    return values


def _window_end(first: dt.date, unit: str, length: int) -> dt.date:
    if unit == "dager":
        return first + dt.timedelta(days=length)
    total = first.year * 12 + first.month - 1 + length
    year, month = total // 12, total % 12 + 1
    return dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def _months_back(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference_days_within(periods: list[tuple[str, str | None]], as_of: dt.date, months: int) -> int:
    """Day by day through the window (the same date `months` back up to the day before `as_of`): lived there?"""
    spans = [(dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else as_of - dt.timedelta(days=1))
             for a, b in periods]
    day, covered = _months_back(as_of, months), 0
    while day < as_of:
        covered += any(a <= day <= b for a, b in spans)
        day += dt.timedelta(days=1)
    return covered


def reference_whole_months(days: int, as_of: dt.date, months: int) -> int:
    return max([m for m in range(months + 1) if (as_of - _months_back(as_of, m)).days <= days])


def reference_windowed(dates: list[str], number: int, window: tuple[str, int], newest: bool) -> str | None:
    """Straight from the words: every day a record came, how many records came on or before it
    and at most the window before it; the latest (first) day with `number` or more."""
    unit, length = window
    days = [dt.date.fromisoformat(d) for d in dates]
    hits = [d for d in days
            if sum(1 for x in days if x <= d and d <= _window_end(x, unit, length)) >= number]
    if not hits:
        return None
    return (max(hits) if newest else min(hits)).isoformat()


def reference_aggregates(vocabulary, candidate: dict, as_of: dt.date, case: dict | None = None) -> dict[str, Any]:
    """`beregnet.*` of every count, latest date, sum and bedroom need over the lists (a validated
    candidate as in the case, and for the home's lists the validated case), by the language's rules:
    a list not given gives nothing."""
    out: dict[str, Any] = {}
    vacancy = (case or {}).get("ledig_bolig", {})
    holders = {"kandidat": candidate, "ledig_bolig": vacancy, "bolig": vacancy.get("bolig") or {},
               "botiltak": vacancy.get("botiltak") or {}}
    for name, derived in vocabulary.model.beregnet.items():
        how = (derived.antall or derived.nyeste or derived.eldste or derived.sum or derived.soverom
               or derived.sammenhengende or derived.samlet_tid)
        if how is None or getattr(how, "over_list", None) is None:
            continue
        items = holders[vocabulary.list_sections[how.over_list]].get(how.over_list)
        if items is None:
            continue
        spec = vocabulary.lists[how.over_list]
        records = [_record_values(how.over_list, item, spec, as_of) for item in items]
        path = f"beregnet.{name}"
        if derived.antall is not None:
            out[path] = sum(1 for r in records if how.hvor is None or holds(how.hvor, r))
        elif derived.nyeste is not None or derived.eldste is not None:
            dates = sorted((r[how.felt] for r in records if r.get(how.felt) is not None
                            and dt.date.fromisoformat(r[how.felt]) <= as_of
                            and (how.hvor is None or holds(how.hvor, r))), reverse=derived.nyeste is not None)
            number = how.nummer
            if not isinstance(number, int):
                number = vocabulary.model.parametre[number.felt.removeprefix("parameter.")].value_on(as_of)
            if number is None:
                pass
            elif how.window is not None:
                found = reference_windowed(dates, number, how.window, newest=derived.nyeste is not None)
                if found is not None:
                    out[path] = found
            elif len(dates) >= number:
                out[path] = dates[number - 1]
        elif derived.sammenhengende is not None:
            periods = [(r.get(how.fra), r.get(how.til)) for r in records if how.hvor is None or holds(how.hvor, r)]
            if all(first is not None for first, _ in periods):
                found = reference_continuous_since(periods, as_of, how.opphold_dager)
                if found is not None:
                    out[path] = found
        elif derived.samlet_tid is not None:
            periods = [(r.get(how.fra), r.get(how.til)) for r in records if how.hvor is None or holds(how.hvor, r)]
            if all(first is not None for first, _ in periods):
                days = reference_days_within(periods, as_of, how.months)
                out[path] = days if how.regnet_i == "dager" else reference_whole_months(days, as_of, how.months)
        elif derived.sum is not None:
            counted = [r.get(how.felt) for r in records if how.hvor is None or holds(how.hvor, r)]
            if all(v is not None for v in counted):  # one matching record without the value: no sum
                out[path] = sum(counted)
        else:
            records = [r for r in records if how.hvor is None or holds(how.hvor, r)]

            def may_share(i, j, records=records, rules=how.deler):
                return any((rule.begge is None or (holds(rule.begge, records[i]) and holds(rule.begge, records[j])))
                           and all(records[i].get(p) is not None and _same(records[i].get(p), records[j].get(p))
                                   for p in rule.samme)
                           and (rule.forskjell is None or _near(rule.forskjell, records[i], records[j]))
                           for rule in rules)
            out[path] = reference_bedrooms(len(records), may_share)
    return out


def reference_continuous_since(periods, as_of: dt.date, gap_days: int) -> str | None:
    """`sammenhengende` day by day: from the assessment date back, as long as some period (begun by then)
    covers a day no more than `gap_days` uncovered days before the earliest covered day reached."""
    spans = [(dt.date.fromisoformat(first), dt.date.max if last is None else dt.date.fromisoformat(last))
             for first, last in periods if dt.date.fromisoformat(first) <= as_of]

    def covered(day: dt.date) -> bool:
        return any(first <= day <= last for first, last in spans)

    if not covered(as_of):
        return None
    earliest = as_of
    while True:
        before = [earliest - dt.timedelta(days=k) for k in range(1, gap_days + 2)]
        found = next((day for day in before if day > dt.date.min and covered(day)), None)
        if found is None:
            return earliest.isoformat()
        earliest = found


def _near(apart, first: dict, second: dict) -> bool:
    """`forskjell` by hand: a number's distance, or whole years between two dates counted like an age."""
    a, b = first.get(apart.felt), second.get(apart.felt)
    if a is None or b is None:
        return False
    if isinstance(a, str):
        early, late = sorted((dt.date.fromisoformat(a), dt.date.fromisoformat(b)))
        gap = late.year - early.year - ((late.month, late.day) < (early.month, early.day))
    else:
        gap = abs(a - b)
    return gap < apart.under if apart.under is not None else gap <= apart.hoyst


def reference_plans(plans, home: dict[str, Any], values_under) -> list[tuple[str, str, int | None]]:
    """(plan id, status, nominees meeting `faller_bort`) for every plan whose `gjelder` holds for `home`.

    `values_under(plan)` gives the candidates' values with the plan's own parameter values (what
    `faller_bort` is judged on); the status is `gjelder`, `faller_bort` or `ikke_vurdert`.
    """
    out = []
    chosen = False
    for plan in plans:
        if not holds(plan.gjelder, home):
            continue
        if chosen:
            out.append((plan.id, "ikke_vurdert", None))
            continue
        meeting = None
        if plan.faller_bort is not None:
            meeting = sum(1 for values in values_under(plan) if holds(plan.faller_bort.condition, values))
            if (meeting == 0) == (plan.faller_bort.ingen_kandidat is not None):
                out.append((plan.id, "faller_bort", meeting))
                continue
        chosen = True
        out.append((plan.id, "gjelder", meeting))
    return out
