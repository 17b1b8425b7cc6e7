"""Whole days, months and years between dates: the arithmetic of the duration kinds (varighet).

durable_rules has no date arithmetic, so `maneder_siden`, `alder`, `ar_mellom` ... are
computed before matching, for a candidate's own dates (engine/evaluation/computed.py) and
for each record of the candidate's lists (engine/evaluation/records.py) alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.language.vocabulary import SINCE


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


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; a day the month lacks is its last (31 Jan + 1 = 28 Feb)."""
    year, month = divmod(date.month - 1 + months, 12)
    year, month = date.year + year, month + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(date.day, last))


def within(first: dt.date, later: dt.date, window: tuple[str, int]) -> bool:
    """Whether `later` is at most the window (("maneder" | "dager", n)) after `first`: 12 months
    after 15 March 2025 is 15 March 2026 itself, not the 16th."""
    unit, length = window
    end = add_months(first, length) if unit == "maneder" else first + dt.timedelta(days=length)
    return later <= end


def windowed_date(dates: list[str], number: int, window: tuple[str, int], newest: bool) -> str | None:
    """The latest (or first, `newest` False) of the ISO `dates` on which `number` of them lay within the window.

    A date qualifies when the (number - 1)-th date before it is at most the window before it;
    the list is sorted here, so the order of the records does not matter.
    """
    ordered = sorted(dates)
    ends = range(len(ordered) - 1, number - 2, -1) if newest else range(number - 1, len(ordered))
    for i in ends:
        if within(dt.date.fromisoformat(ordered[i - number + 1]), dt.date.fromisoformat(ordered[i]), window):
            return ordered[i]
    return None


def duration(kind: str, date: dt.date, as_of: dt.date) -> int | None:
    """`dager_siden`, `maneder_til`, `alder` ...: whole units between a date and the assessment date.

    "Since" of a date after the assessment date and "until" of one before it give
    nothing rather than a silent 0: a lease that ended is not "0 months left".
    """
    start, end = (date, as_of) if kind in SINCE else (as_of, date)
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


def add_durations(values: dict[str, Any], as_of: dt.date, durations, spans) -> None:
    """Put each duration (path, kind, date path) and span (path, kind, from path, to path) that can be
    computed from `values` into `values`; one that cannot (a date missing or on the wrong side) is left out."""
    for path, kind, source in durations:
        date = values.get(source)
        if date is not None:
            found = duration(kind, dt.date.fromisoformat(date), as_of)
            if found is not None:
                values[path] = found
    for path, kind, start, end in spans:
        first, last = values.get(start), values.get(end)
        if first is not None and last is not None:
            found = between(kind, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
            if found is not None:
                values[path] = found
