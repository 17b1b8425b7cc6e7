"""The values computed before matching: parameters, time since or until a date, formulas, tables.

durable_rules compares the values of a fact but computes none (no dates, no
arithmetic over fields, no aggregates), so these are added to each candidate's
values in Python, and every condition on them is still matched by durable_rules.
rules/README.md lists them for policy staff. The order is fixed by what depends on what:

1. `before_counts`: parameters in force on the assessment date (`parameter.*`),
   durations from the candidate's own dates to or from it, and between two of them;
2. the counts over residents (CompiledRules._add_counts_many, one durable_rules match);
3. `after_counts`: tables and formulas, in an order where everything a formula reads
   comes before it (a cycle is refused when the rules are checked, rules.py).

A value that cannot be computed (a missing input, a date on the wrong side of the
assessment date, division by zero) is left out: a comparison with it is false, and
an explanation shows it as "ikke oppgitt".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Union

from engine.language import formulas
from engine.language.vocabulary import BETWEEN, DERIVED, DURATIONS, PARAMETER, LookupTable, Vocabulary


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """Whole calendar months from `start` to `end`; None if `end` is before `start`.

    31 January to 28 February is 0 months (the 31st has not come round), to 1 March
    is 1.
    """
    if end < start:
        return None
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def duration(kind: str, date: dt.date, as_of: dt.date) -> int | None:
    """`dager_siden`, `maneder_til`, `alder` ...: whole units between a date and the assessment date.

    "Since" of a date after the assessment date and "until" of one before it give
    nothing rather than a silent 0: a lease that ended is not "0 months left".
    """
    start, end = (date, as_of) if kind.endswith("siden") or kind == "alder" else (as_of, date)
    if end < start:
        return None
    if kind.startswith("dager"):
        return (end - start).days
    months = whole_months(start, end)
    return months if kind.startswith("maneder") else months // 12


def between(kind: str, start: dt.date, end: dt.date) -> int | None:
    """`dager_mellom`, `maneder_mellom`, `ar_mellom`: whole units from `start` to `end` (None if `end` is earlier)."""
    if end < start:
        return None
    if kind == "dager_mellom":
        return (end - start).days
    months = whole_months(start, end)
    return months if kind == "maneder_mellom" else months // 12


def look_up(table: LookupTable, key: Union[int, float, None]) -> Union[int, float, None]:
    """The value of the last row whose `fra` is at most `key` (None below the first row)."""
    if key is None or isinstance(key, bool):
        return None
    found = None
    for row in table.rader:
        if row.fra > key:
            break
        found = row.verdi
    return found


class ComputedValues:
    """What a vocabulary computes, prepared once per rules version."""

    def __init__(self, vocabulary: Vocabulary):
        model = vocabulary.model
        self.parameters = [(f"{PARAMETER}.{name}", spec) for name, spec in model.parametre.items()]
        self.durations = [(f"{DERIVED}.{name}", d.kind, d.date_field)
                          for name, d in model.beregnet.items() if d.kind in DURATIONS]
        self.spans = [(f"{DERIVED}.{name}", d.kind, getattr(d, d.kind).fra, getattr(d, d.kind).til)
                      for name, d in model.beregnet.items() if d.kind in BETWEEN]
        later = {f"{DERIVED}.{name}": d for name, d in model.beregnet.items() if d.kind in ("formel", "tabell")}
        parsed = {path: formulas.parse(d.formel) if d.formel is not None else d.tabell for path, d in later.items()}
        reads = {path: [how.felt] if isinstance(how, LookupTable) else formulas.references(how)
                 for path, how in parsed.items()}
        self.after = [(path, parsed[path] if isinstance(parsed[path], LookupTable) else formulas.compiled(parsed[path]))
                      for path in formulas.dependency_order(reads)]

    def before_counts(self, candidates: list[dict[str, Any]], as_of: dt.date) -> None:
        in_force = [(path, spec.value_on(as_of)) for path, spec in self.parameters]
        for values in candidates:
            for path, value in in_force:
                if value is not None:
                    values[path] = value
            for path, kind, source in self.durations:
                date = values.get(source)
                if date is not None:
                    found = duration(kind, dt.date.fromisoformat(date), as_of)
                    if found is not None:
                        values[path] = found
            for path, kind, start, end in self.spans:
                first, last = values.get(start), values.get(end)
                if first is not None and last is not None:
                    found = between(kind, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
                    if found is not None:
                        values[path] = found

    def after_counts(self, candidates: list[dict[str, Any]]) -> None:
        if not self.after:
            return
        for values in candidates:
            for path, how in self.after:
                if isinstance(how, LookupTable):
                    found = look_up(how, values.get(how.felt))
                else:
                    found = how(values)  # a compiled formula (formulas.compiled)
                if found is not None:
                    values[path] = found
