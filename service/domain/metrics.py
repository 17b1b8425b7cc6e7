"""The municipality's measures per vacancy, read from its timeline (standard library only).

- saksbehandlingstid (case-processing time): days from the vacancy notice (meldt)
  to the allocation decision (vedtak) that stands;
- ledige dager (vacant days): days from the old tenant moving out (fraflyttet)
  to the new tenant moving in, or to today while the home still stands empty;
- tomgangstap (rent lost): ledige dager × månedsleie / 30, rounded to whole
  kroner. A month is counted as 30 days, the usual convention for daily rent,
  so the figure does not jump between months of 28 and 31 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Iterable

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class VacancyMetrics:
    case_processing_days: int | None  # saksbehandlingstid; None until decided
    vacant_days: int | None           # ledige dager; None while the date of moving out is unknown
    rent_lost: int | None             # tomgangstap i kroner
    still_vacant: bool                # no one has moved in yet: vacant days run to today
    reported_on: dt.date | None
    decided_on: dt.date | None
    vacated_on: dt.date | None
    moved_in_on: dt.date | None

    def as_dict(self) -> dict:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, dt.date):
                out[key] = value.isoformat()
        out["formula_rent_lost"] = "tomgangstap = ledige dager × månedsleie / 30"
        return out


def rent_lost(vacant_days: int, monthly_rent: int) -> int:
    """tomgangstap = ledige dager × månedsleie / 30, rounded half up to whole kroner."""
    return int((vacant_days * monthly_rent * 2 + DAYS_PER_MONTH) // (2 * DAYS_PER_MONTH))


def vacancy_metrics(*, reported_on: dt.date | None, decided_on: dt.date | None, vacated_on: dt.date | None,
                    moved_in_on: dt.date | None, monthly_rent: int | None, today: dt.date) -> VacancyMetrics:
    processing = (decided_on - reported_on).days if reported_on and decided_on else None
    vacant = None
    if vacated_on is not None:
        end = moved_in_on or today
        vacant = max(0, (end - vacated_on).days)
    lost = rent_lost(vacant, monthly_rent) if vacant is not None and monthly_rent is not None else None
    return VacancyMetrics(case_processing_days=processing, vacant_days=vacant, rent_lost=lost,
                          still_vacant=moved_in_on is None, reported_on=reported_on, decided_on=decided_on,
                          vacated_on=vacated_on, moved_in_on=moved_in_on)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def metrics_from_timeline(events: Iterable[tuple[str, dict]], monthly_rent: int | None,
                          today: dt.date) -> VacancyMetrics:
    """Compute the measures from the timeline's (kind, data) pairs, oldest first.

    The events that carry dates: `reported` (reported_on, vacated_on),
    `readiness_updated` (vacated_on), `decided` (decided_on), `offer_declined`
    (the decision no longer stands) and `moved_in` (moved_in_on). Later events
    win, so a corrected date counts.
    """
    reported = decided = vacated = moved_in = None
    for kind, data in events:
        data = data or {}
        if kind == "reported":
            reported = _date(data.get("reported_on"))
        if "vacated_on" in data and kind in ("reported", "readiness_updated"):
            vacated = _date(data.get("vacated_on")) or vacated
        if kind == "decided":
            decided = _date(data.get("decided_on"))
        if kind == "offer_declined":
            decided = None
        if kind == "moved_in":
            moved_in = _date(data.get("moved_in_on"))
    return vacancy_metrics(reported_on=reported, decided_on=decided, vacated_on=vacated,
                           moved_in_on=moved_in, monthly_rent=monthly_rent, today=today)
