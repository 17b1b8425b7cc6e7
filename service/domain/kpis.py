"""The municipality's key figures (nøkkeltall) across vacancies, units and months (standard library only).

The goals they measure: shorter case-processing time (saksbehandlingstid), homes
allocated earlier, less vacancy loss (tomgangstap). Every figure is read from the
milestones of each vacancy (service/domain/milestones.py) and the per-vacancy
measures (service/domain/metrics.py), so a figure here and the number on a
vacancy's own page can never disagree. Numbers only: no person is named.

Which vacancies a figure counts, for a period `from`-`to` (both days included):

- case-processing time (meldt → vedtak, calendar days): the vacancies decided in
  the period, in the month of the decision;
- vacant days (ledige dager): every day a home stood empty inside the period, in
  the month of that day: from the day the old tenant moved out up to (not
  including) the day the new tenant moved in, or today while it still stands
  empty. One vacancy's 47 days from 29 August to 15 October are 3 in August, 30 in
  September and 14 in October;
- rent lost (tomgangstap): those days × the monthly rent / 30, summed in øre-exact
  fractions and rounded half up to whole kroner once per figure (so a sum of
  months may differ from the total by a krone);
- vacant days per vacancy (median, p90): the vacancies the new tenant moved into
  in the period, all their vacant days;
- time between steps: for each pair of neighbouring steps of the routine
  (meldt → nominert → ... → innflyttet), calendar days, for the vacancies that
  reached the later step in the period;
- targets (frister og mål): for each deadline in rutine/frister.yaml, the share
  of the vacancies that reached its end milestone in the period that did so in
  time (met / known), against its target share (målandel) when it has one.

Percentiles interpolate between the two nearest values (the "inclusive" method of
spreadsheets' PERCENTIL.INK and of numpy's default), so the median of 2, 4, 6, 8 is 5.
The trend is the least-squares slope per month of a monthly figure over the whole
months of the period that have a value, from the first month with anything
recorded (months before the records began are not zeros); it counts as flat while
the change it predicts over those months is less than 5 % of their average.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Sequence

from service.domain.metrics import DAYS_PER_MONTH, vacancy_metrics
from service.domain.milestones import COURSE, Deadline, Reached, outcome

#: The neighbouring steps of the routine whose time between is measured.
STEP_PAIRS: tuple[tuple[str, str], ...] = tuple(zip(COURSE, COURSE[1:]))
FLAT_WITHIN = 0.05  # a trend that changes a figure by less than this share of its average is flat
DECIMALS = 1        # days in medians and percentiles
SHARE_DECIMALS = 3


# -- the small computations --------------------------------------------------------------------

def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The `fraction` (0-1) percentile of `values`, interpolated between the nearest two; None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= fraction <= 1:
        raise ValueError("andelen må være mellom 0 og 1")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 0.5)


def rounded(value: float | None, decimals: int = DECIMALS) -> float | None:
    return None if value is None else round(value + 0.0, decimals)


def month_key(day: dt.date) -> str:
    """2026-03-14 -> '2026-03'."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months(start: dt.date, end: dt.date) -> list[str]:
    """The month keys from `start`'s month to `end`'s, both included."""
    out, day = [], month_start(start)
    while day <= end:
        out.append(month_key(day))
        day = next_month(day)
    return out


def days_by_month(first: dt.date, stop: dt.date, period_start: dt.date, period_end: dt.date) -> dict[str, int]:
    """The days from `first` up to (not including) `stop` that fall in the period, by month."""
    start, end = max(first, period_start), min(stop, period_end + dt.timedelta(days=1))
    out: dict[str, int] = {}
    day = start
    while day < end:
        until = min(next_month(day), end)
        out[month_key(day)] = (until - day).days
        day = until
    return out


def kroner(day_kroner: Fraction | int) -> int:
    """Days × monthly rent (summed) as kroner lost: / 30, rounded half up (as metrics.rent_lost)."""
    return int((Fraction(day_kroner) / DAYS_PER_MONTH + Fraction(1, 2)) // 1)


def share(met: int, known: int) -> float | None:
    """met / known, or None when nothing is known."""
    return None if known == 0 else round(met / known, SHARE_DECIMALS)


def slope(values: Sequence[float | None]) -> float | None:
    """The least-squares slope of `values` against their positions (None: a gap); None with fewer than 2."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


@dataclass(frozen=True)
class Trend:
    slope_per_month: float | None
    direction: str | None  # "up", "down", "flat"; None with fewer than two months of data
    better: bool | None    # whether the direction is the one the municipality wants (None when flat or unknown)
    months: int            # the months the trend is read from

    def as_dict(self) -> dict:
        return {"slope_per_month": self.slope_per_month, "direction": self.direction, "better": self.better,
                "months": self.months}


def trend(values: Sequence[float | None], *, lower_is_better: bool = True) -> Trend:
    """Which way a monthly figure goes (see the module's text for when it is flat)."""
    known = [v for v in values if v is not None]
    rate = slope(values)
    if rate is None:
        return Trend(None, None, None, len(known))
    points = [i for i, v in enumerate(values) if v is not None]
    change = abs(rate) * (points[-1] - points[0])
    average = sum(abs(v) for v in known) / len(known)
    if change <= FLAT_WITHIN * average or rate == 0:
        return Trend(round(rate, 2), "flat", None, len(known))
    direction = "down" if rate < 0 else "up"
    return Trend(round(rate, 2), direction, (direction == "down") == lower_is_better, len(known))


# -- one vacancy as the figures see it ------------------------------------------------------------

@dataclass(frozen=True)
class VacancyFacts:
    """What the key figures need of one vacancy: its milestones, rent, unit and who nominated."""

    unit_id: str
    reached: Reached
    monthly_rent: int | None = None
    offices: frozenset[str] = frozenset()        # the welfare offices that nominated for it
    target_groups: frozenset[str] = frozenset()  # the unit's target groups (målgrupper)

    def day(self, milestone: str) -> dt.date | None:
        return self.reached.dates.get(milestone)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("perioden slutter før den begynner")

    def __contains__(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def months(self) -> list[str]:
        return months(self.start, self.end)

    def whole_months(self) -> list[str]:
        """The months the period covers from their first day to their last."""
        out = []
        for key in self.months():
            first = dt.date(int(key[:4]), int(key[5:]), 1)
            if first >= self.start and next_month(first) - dt.timedelta(days=1) <= self.end:
                out.append(key)
        return out


def select(facts: Iterable[VacancyFacts], *, units: Iterable[str] | None = None, office: str | None = None,
           target_group: str | None = None) -> list[VacancyFacts]:
    """The vacancies of the given units (None: all), nominated for by `office`, in units serving `target_group`."""
    wanted = None if units is None else set(units)
    return [f for f in facts
            if (wanted is None or f.unit_id in wanted)
            and (office is None or office in f.offices)
            and (target_group is None or target_group in f.target_groups)]


# -- the figures -------------------------------------------------------------------------------------

@dataclass
class _Tally:
    """The sums behind one row of figures (all, a unit or a month)."""

    reported: int = 0
    decided: int = 0
    moved_in: int = 0
    processing: list[int] = field(default_factory=list)
    vacancy_days: list[int] = field(default_factory=list)   # whole vacant days of vacancies moved into
    vacant_days: int = 0
    day_kroner: int = 0
    rent_unknown: int = 0
    outcomes: dict[str, list[bool]] = field(default_factory=dict)

    def figures(self, deadlines: Sequence[Deadline]) -> dict:
        return {
            "vacancies_reported": self.reported,
            "vacancies_decided": self.decided,
            "vacancies_moved_in": self.moved_in,
            "case_processing_days_median": rounded(median(self.processing)),
            "case_processing_days_p90": rounded(percentile(self.processing, 0.9)),
            "vacant_days": self.vacant_days,
            "vacant_days_per_vacancy_median": rounded(median(self.vacancy_days)),
            "vacant_days_per_vacancy_p90": rounded(percentile(self.vacancy_days, 0.9)),
            "rent_lost": kroner(self.day_kroner),
            "targets": {d.id: _share_row(self.outcomes.get(d.id, [])) for d in deadlines},
        }


def _share_row(results: list[bool]) -> dict:
    met = sum(results)
    return {"met": met, "known": len(results), "share_met": share(met, len(results))}


def _trend_months(rows: list[dict]) -> list[dict]:
    """The months a trend is read from: from the first with anything recorded (no zeros before the records)."""
    for i, row in enumerate(rows):
        if row["vacancies_reported"] or row["vacant_days"] or row["vacancies_decided"] or row["vacancies_moved_in"]:
            return rows[i:]
    return []


def key_figures(facts: Sequence[VacancyFacts], deadlines: Sequence[Deadline], holidays: frozenset[dt.date],
                period: Period, today: dt.date, unit_names: dict[str, str] | None = None) -> dict:
    """Every key figure for `facts` in `period` (see the module's text), as plain JSON-ready data."""
    unit_names = unit_names or {}
    month_keys = period.months()
    overall = _Tally()
    by_unit: dict[str, _Tally] = {}
    by_month = {key: _Tally() for key in month_keys}
    steps: dict[tuple[str, str], list[int]] = {pair: [] for pair in STEP_PAIRS}
    took: dict[str, list[int]] = {d.id: [] for d in deadlines}
    last_day = min(today, period.end)
    vacant_at_end = 0  # homes standing empty on the period's last day (today, if earlier)

    for f in facts:
        unit = by_unit.setdefault(f.unit_id, _Tally())
        dates = f.reached.dates
        m = vacancy_metrics(reported_on=dates.get("meldt"), decided_on=dates.get("vedtak"),
                            vacated_on=dates.get("fraflyttet"), moved_in_on=dates.get("innflyttet"),
                            monthly_rent=f.monthly_rent, today=today)

        def tallies(when: dt.date | None) -> tuple[_Tally, ...]:
            """Where something that happened on `when` counts: all, the unit, the month (nowhere outside)."""
            return (overall, unit, by_month[month_key(when)]) if when in period else ()

        for t in tallies(m.reported_on):
            t.reported += 1
        if m.case_processing_days is not None:
            for t in tallies(m.decided_on):
                t.decided += 1
                t.processing.append(m.case_processing_days)
        if m.moved_in_on is not None:
            for t in tallies(m.moved_in_on):
                t.moved_in += 1
                if m.vacant_days is not None:
                    t.vacancy_days.append(m.vacant_days)
        if m.vacated_on is not None:
            if m.vacated_on <= last_day and (m.moved_in_on is None or m.moved_in_on > last_day):
                vacant_at_end += 1
            split = days_by_month(m.vacated_on, m.moved_in_on or today, period.start, period.end)
            for key, days in split.items():
                for t in (overall, unit, by_month[key]):
                    t.vacant_days += days
                    t.day_kroner += days * (f.monthly_rent or 0)
            if split and f.monthly_rent is None:
                overall.rent_unknown += 1
                unit.rent_unknown += 1
        for earlier, later in STEP_PAIRS:
            start, end = dates.get(earlier), dates.get(later)
            if start is not None and end in period:
                steps[(earlier, later)].append((end - start).days)
        for deadline in deadlines:
            result = outcome(deadline, f.reached, holidays)
            if result is None:
                continue
            for t in tallies(dates[deadline.until]):
                t.outcomes.setdefault(deadline.id, []).append(result.met)
                if t is overall:
                    took[deadline.id].append(result.took)

    figures = overall.figures(deadlines)
    whole = set(period.whole_months())
    month_rows = [{"month": key, **by_month[key].figures(deadlines)} for key in month_keys]
    in_trend = _trend_months([row for row in month_rows if row["month"] in whole])
    targets = []
    for d in deadlines:
        row = figures["targets"][d.id]
        targets.append({
            "id": d.id, "name": d.name, "since": d.since, "until": d.until, "days": d.days,
            "working_days": d.working_days, "length": d.length, "target_share": d.target_share, "basis": d.basis,
            **row,
            "took_median": rounded(median(took[d.id])),
            "meets_target": (None if d.target_share is None or row["share_met"] is None
                             else row["share_met"] >= d.target_share),
            "trend": trend([r["targets"][d.id]["share_met"] for r in in_trend], lower_is_better=False).as_dict(),
        })
    units = [{"unit_id": unit_id, "unit_name": unit_names.get(unit_id, unit_id),
              **{k: v for k, v in tally.figures(deadlines).items() if k != "targets"},
              "rent_unknown": tally.rent_unknown}
             for unit_id, tally in sorted(by_unit.items(), key=lambda kv: unit_names.get(kv[0], kv[0]))]
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "today": today.isoformat(),
                   "months": month_keys},
        "vacancies_reported": figures["vacancies_reported"],
        "vacancies_decided": figures["vacancies_decided"],
        "vacancies_moved_in": figures["vacancies_moved_in"],
        "vacancies_vacant_at_end": vacant_at_end,
        "case_processing_days_median": figures["case_processing_days_median"],
        "case_processing_days_p90": figures["case_processing_days_p90"],
        "case_processing_count": len(overall.processing),
        "vacant_days_total": figures["vacant_days"],
        "vacant_days_per_vacancy_median": figures["vacant_days_per_vacancy_median"],
        "vacant_days_per_vacancy_p90": figures["vacant_days_per_vacancy_p90"],
        "rent_lost_total": figures["rent_lost"],
        "rent_lost_unknown_vacancies": overall.rent_unknown,
        "vacant_days_by_unit": {u["unit_id"]: u["vacant_days"] for u in units},
        "vacant_days_by_month": {r["month"]: r["vacant_days"] for r in month_rows},
        "rent_lost_by_unit": {u["unit_id"]: u["rent_lost"] for u in units},
        "rent_lost_by_month": {r["month"]: r["rent_lost"] for r in month_rows},
        "steps": [{"since": a, "until": b, "count": len(steps[(a, b)]),
                   "median_days": rounded(median(steps[(a, b)])),
                   "p90_days": rounded(percentile(steps[(a, b)], 0.9))} for a, b in STEP_PAIRS],
        "targets": targets,
        "by_unit": units,
        "by_month": month_rows,
        "trend": {
            "case_processing_days_median": trend([r["case_processing_days_median"] for r in in_trend]).as_dict(),
            "vacant_days": trend([r["vacant_days"] for r in in_trend]).as_dict(),
            "rent_lost": trend([r["rent_lost"] for r in in_trend]).as_dict(),
            "vacant_days_per_vacancy_median": trend([r["vacant_days_per_vacancy_median"] for r in in_trend]).as_dict(),
            "whole_months": [r["month"] for r in in_trend],
        },
    }
