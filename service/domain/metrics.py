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

from service.domain.milestones import reached

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


def metrics_from_timeline(events: Iterable[tuple[str, dict]], monthly_rent: int | None,
                          today: dt.date) -> VacancyMetrics:
    """Compute the measures from the timeline's (kind, data) pairs, oldest first.

    The dates are the milestones of service/domain/milestones.py (meldt, fraflyttet,
    vedtak, innflyttet), read the one way the deadlines and the key figures read them:
    later events win, so a corrected date counts, and a declined offer takes the
    decision away.
    """
    marks = reached((kind, data, None) for kind, data in events)
    return vacancy_metrics(reported_on=marks.dates.get("meldt"), decided_on=marks.dates.get("vedtak"),
                           vacated_on=marks.dates.get("fraflyttet"), moved_in_on=marks.dates.get("innflyttet"),
                           monthly_rent=monthly_rent, today=today)
