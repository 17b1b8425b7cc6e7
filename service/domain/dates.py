"""Dates that follow the routine and the calendar: a step is not dated before the step it follows,
a date that records a fact is not in the future, and a person's age is between 0 and 120.

Each rule adds a problem at the field (bokmål, dates as a person writes them,
DD.MM.ÅÅÅÅ) to a `Problems`; the casework function knows the dates of the steps
before and today's date in Norway. Standard library only.
"""

from __future__ import annotations

import datetime as dt

from service.domain.errors import Problems

OLDEST_AGE = 120


WEEKS = ("én uke", "to uker", "tre uker", "fire uker", "fem uker", "seks uker", "sju uker", "åtte uker")


def period(days: int) -> str:
    """21 -> «tre uker», as forvaltningsloven § 29 and the policies say an appeal deadline (a Bergen tester read
    «21 dager»); days that are not whole weeks stay days."""
    if days % 7 == 0 and 1 <= days // 7 <= len(WEEKS):
        return WEEKS[days // 7 - 1]
    return "1 dag" if days == 1 else f"{days} dager"


def shown(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def not_in_future(problems: Problems, path: str, day: dt.date | None, today: dt.date, what: str) -> None:
    """A date that records something done (held, signed, moved in, received) cannot be after today."""
    if day is not None and day > today:
        problems.add(path, f"{what} kan ikke være i fremtiden (i dag er {shown(today)})")


def not_before(problems: Problems, path: str, day: dt.date | None, earlier: dt.date | None, what: str,
               step: str) -> None:
    """A step's date cannot be before the date of the step it follows (`step`, in bokmål)."""
    if day is not None and earlier is not None and day < earlier:
        problems.add(path, f"{what} kan ikke være før {step} ({shown(earlier)})")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years from `birth_date` to `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def plausible_birth_date(problems: Problems, path: str, born: dt.date | None, today: dt.date) -> None:
    if born is None:
        return
    if born > today:
        problems.add(path, f"fødselsdatoen kan ikke være i fremtiden (i dag er {shown(today)})")
    elif age_on(born, today) > OLDEST_AGE:
        problems.add(path, f"fødselsdatoen {shown(born)} gir en alder over {OLDEST_AGE} år")
