"""The values computed before matching: parameters, time since or until a date, formulas, tables,
and the aggregates over residents and over the candidate's lists.

durable_rules compares the values of a fact but computes none (no dates, no
arithmetic over fields, no aggregates), so these are added to each candidate's
values in Python, and every condition on them is still matched by durable_rules.
rules/README.md lists them for policy staff. The order is fixed by what depends on what:

1. `before_counts`: parameters in force on the assessment date (`parameter.*`),
   durations from the candidate's own dates to or from it, and between two of them;
   the records of the candidate's lists with their own durations (engine/evaluation/records.py);
2. the counts over residents and the aggregates over records (CompiledRules._add_counts_many,
   one durable_rules match per scope): `antall`, `nyeste`, `soverom`, `sammenhengende`;
3. `after_counts`: durations from a date found among records (`maneder_siden: beregnet.siste_avslag`),
   then tables, formulas and the values durable_rules finds from conditions of their own (`antall_av`,
   `betingelse`: ConditionValue), in an order where everything a value reads comes before it
   (a cycle is refused when the rules are checked, rules.py).

A value that cannot be computed (a missing input, a date on the wrong side of the
assessment date, division by zero) is left out: a comparison with it is false, and
an explanation shows it as "ikke oppgitt".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Union

from engine.language import formulas
from engine.evaluation.durations import add_durations
from engine.evaluation.records import AS_OF_KEY, Records
from engine.language.vocabulary import (BETWEEN, CONDITION_VALUES, DATE_CHOICES, DERIVED, DURATIONS, PARAMETER,
                                        LookupTable, Vocabulary)


def look_up(table: LookupTable, key: Union[int, float, str, None]) -> Union[int, float, None]:
    """The value of the last row whose `fra` is at most `key` (None below the first row); over a choice field,
    the choice's number."""
    if table.verdier is not None:
        return table.verdier.get(key) if isinstance(key, str) else None
    if key is None or isinstance(key, bool) or isinstance(key, str):
        return None
    found = None
    for row in table.rader:
        if row.fra > key:
            break
        found = row.verdi
    return found


def _shift(candidates: list[dict[str, Any]], shifts: list) -> None:
    """Each moved date (forskjovet_dato) from the date it moves; none where that date is not given."""
    for path, shift in shifts:
        for values in candidates:
            if shift.hvis is not None and values.get(shift.hvis) is not True:
                continue
            day = values.get(shift.dato)
            moved = shift.applied(dt.date.fromisoformat(day)) if isinstance(day, str) else None
            if moved is not None:
                values[path] = moved.isoformat()


class ComputedValues:
    """What a vocabulary computes, prepared once per rules version."""

    def __init__(self, vocabulary: Vocabulary):
        model = vocabulary.model
        self.parameters = [(f"{PARAMETER}.{name}", spec) for name, spec in model.parametre.items()]
        self.records = Records(vocabulary)
        # A date chosen among several (forste_dato_av, seneste_dato_av ...) may choose a date found among
        # records, so it is taken once the records are matched, and a duration from it after that.
        self.date_choices = [(f"{DERIVED}.{name}", getattr(d, d.kind), DATE_CHOICES[d.kind])
                             for name, d in model.beregnet.items() if d.kind in DATE_CHOICES]
        # A date moved (forskjovet_dato), after the dates it may move are chosen or found.
        # Moved before the dates are chosen, so a choice may take one (the earliest of the date backdated and
        # another), except a date that moves a chosen date, after them (rules check refuses a circle).
        chosen = {f"{DERIVED}.{name}" for name, d in model.beregnet.items() if d.kind in DATE_CHOICES}
        shifts = [(f"{DERIVED}.{name}", d.forskjovet_dato) for name, d in model.beregnet.items()
                  if d.forskjovet_dato is not None]
        self.early_shifts = [s for s in shifts if s[1].dato not in chosen]
        self.date_shifts = [s for s in shifts if s[1].dato in chosen]
        found_later = {f"{DERIVED}.{name}" for name, d in model.beregnet.items()
                       if d.nyeste is not None or d.eldste is not None or d.sammenhengende is not None
                       or d.kind in DATE_CHOICES or d.forskjovet_dato is not None}
        durations = [(f"{DERIVED}.{name}", d.kind, d.date_field)
                     for name, d in model.beregnet.items() if d.kind in DURATIONS]
        spans = [(f"{DERIVED}.{name}", d.kind, getattr(d, d.kind).fra, getattr(d, d.kind).til)
                 for name, d in model.beregnet.items() if d.kind in BETWEEN]
        # A duration from a date found among records can only be computed once the records are matched.
        self.durations = [d for d in durations if d[2] not in found_later]
        self.spans = [s for s in spans if not {s[2], s[3]} & found_later]
        self.late_durations = [d for d in durations if d[2] in found_later]
        self.late_spans = [s for s in spans if {s[2], s[3]} & found_later]
        later = {f"{DERIVED}.{name}": d for name, d in model.beregnet.items() if d.kind in ("formel", "tabell")}
        parsed = {path: formulas.parse(d.formel) if d.formel is not None else d.tabell for path, d in later.items()}
        reads = {path: [how.felt] if isinstance(how, LookupTable) else formulas.references(how)
                 for path, how in parsed.items()}
        found = {f"{DERIVED}.{name}": ConditionValue(f"{DERIVED}.{name}", d) for name, d in model.beregnet.items()
                 if d.kind in CONDITION_VALUES}
        reads.update({path: value.reads for path, value in found.items()})
        # (path, how) in an order where everything a value reads comes before it; `how` is a table, a
        # compiled formula (formulas.compiled) or a ConditionValue
        self.after = [(path, found.get(path) or (parsed[path] if isinstance(parsed[path], LookupTable)
                                                 else formulas.compiled(parsed[path])))
                      for path in formulas.dependency_order(reads)]
        # The same, in steps: runs of tables and formulas, each computed candidate by candidate, and each
        # ConditionValue, matched for all candidates at once.
        self._steps: list[tuple[str, Any]] = []
        for path, how in self.after:
            if isinstance(how, ConditionValue):
                self._steps.append(("match", how))
            elif self._steps and self._steps[-1][0] == "each":
                self._steps[-1][1].append((path, how))
            else:
                self._steps.append(("each", [(path, how)]))
        self.condition_values = list(found.values())

    def attach(self, evaluator_factory) -> None:
        """Compile the conditions of the values durable_rules finds (antall_av, betingelse), one
        evaluator per value; `evaluator_factory(rules)` is the one the ranking compiles its own rules with."""
        for value in self.condition_values:
            value.evaluator = evaluator_factory(value.rules)

    def before_counts(self, candidates: list[dict[str, Any]], as_of: dt.date) -> None:
        in_force = [(path, spec.value_on(as_of)) for path, spec in self.parameters]
        day = as_of.isoformat()
        for values in candidates:
            values[AS_OF_KEY] = day  # which rules are in force on it (engine/evaluation/periods.py)
            for path, value in in_force:
                if value is not None:
                    values[path] = value
        if self.durations or self.spans:
            for values in candidates:
                add_durations(values, as_of, self.durations, self.spans)
        self.records.prepare(candidates, as_of)

    def after_counts(self, candidates: list[dict[str, Any]]) -> None:
        _shift(candidates, self.early_shifts)
        for path, sources, choose in self.date_choices:
            for values in candidates:
                given = [values[s] for s in sources if values.get(s) is not None]
                if given:
                    values[path] = choose(given)
        _shift(candidates, self.date_shifts)
        if self.late_durations or self.late_spans:
            for values in candidates:
                as_of = values.get(AS_OF_KEY)
                if as_of is not None:
                    add_durations(values, dt.date.fromisoformat(as_of), self.late_durations, self.late_spans)
        for step, work in self._steps:
            if step == "match":
                work.add(candidates)
                continue
            for values in candidates:
                for path, how in work:
                    if isinstance(how, LookupTable):
                        found = look_up(how, values.get(how.felt))
                    else:
                        found = how(values)  # a compiled formula (formulas.compiled)
                    if found is not None:
                        values[path] = found


CONDITION_PREFIX = "#betingelse:"  # cannot clash with a policy rule id (ids are [a-z0-9_])


class ConditionValue:
    """A computed value found by durable_rules: how many of its conditions hold for a candidate
    (antall_av: «two or more of these needs»), or whether its one condition does (betingelse).

    Each condition is a rule of its own, matched against the candidate's values once every other
    computed value it reads is there (ComputedValues orders them with the formulas). A condition
    over a value that is not given is false, as everywhere, so it is simply not counted.
    """

    def __init__(self, path: str, derived):
        self.path = path
        self.many = derived.antall_av is not None
        self.rules = {f"{CONDITION_PREFIX}{path}:{i}": ("kandidat", condition)
                      for i, condition in enumerate(derived.conditions)}
        self.reads = derived.reads()
        self.evaluator = None  # ComputedValues.attach

    def add(self, candidates: list[dict[str, Any]]) -> None:
        if not candidates:
            return
        if self.evaluator is None:
            raise RuntimeError(f"{self.path}: betingelsene er ikke kompilert (ComputedValues.attach)")
        for values, matched in zip(candidates, self.evaluator.match("kandidat", candidates)):
            values[self.path] = len(matched) if self.many else bool(matched)
