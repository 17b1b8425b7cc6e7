"""The routine's milestones (milepæler) on a vacancy, and deadlines (frister) between them.

A milestone is the day a step of the routine was first reached: the home reported
vacant (meldt), the nominations in (nominert), the recommendation written
(innstilling) and so on to the new tenant moving in (innflyttet). The deadlines
and targets in `rutine/frister.yaml` are pairs of milestones and a number of days
or working days; the case-processing measures (service/domain/metrics.py) and the
municipality's key figures (nøkkeltall) are read from the same dates, so a
deadline shown on a start page and the share of vacancies that met it can never
disagree.

Dates come from the vacancy's timeline, oldest first, as (kind, data, day) with
`day` the event's date in Norway. Standard library only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from service.domain.codes import OFFICES, Role


@dataclass(frozen=True)
class Milestone:
    key: str            # the bokmål key used in rutine/frister.yaml
    label: str          # bokmål, as a page names it
    owners: frozenset[Role]  # who must act to reach it


TEAM = frozenset({Role.CONSULTANT, Role.HEAD_OF_ALLOCATION})

#: In the routine's order. The pairs of neighbours are the "time between steps" of the key figures.
MILESTONES: tuple[Milestone, ...] = (
    Milestone("meldt", "boligen meldt ledig", TEAM),
    Milestone("fraflyttet", "boligen fraflyttet", frozenset({Role.UNIT_LEADER})),
    Milestone("klar", "boligen klar til innflytting", frozenset({Role.UNIT_LEADER})),
    Milestone("nominert", "nominasjonene kommet inn", frozenset({Role.CASEWORKER})),
    Milestone("innstilling", "innstillingen skrevet", TEAM),
    Milestone("godkjent", "innstillingen godkjent (fire øyne)", TEAM),
    Milestone("svar", "enhetslederen har svart", frozenset({Role.UNIT_LEADER})),
    Milestone("vedtak", "vedtak om tildeling", TEAM),
    Milestone("visning", "visning avtalt", TEAM),
    Milestone("kontrakt", "kontrakten signert", TEAM),
    Milestone("innflyttet", "den nye leieren flyttet inn", TEAM),
)
BY_KEY = {m.key: m for m in MILESTONES}
#: The casework steps in the order a vacancy passes them (the home's readiness runs alongside).
COURSE = ("meldt", "nominert", "innstilling", "godkjent", "svar", "vedtak", "kontrakt", "innflyttet")

#: Timeline event kinds that reach a milestone the first time they occur.
_FIRST_EVENT = {"recommended": "innstilling", "approved": "godkjent", "unit_leader_responded": "svar",
                "viewing_booked": "visning", "contract_signed": "kontrakt", "moved_in": "innflyttet"}


@dataclass(frozen=True)
class Reached:
    """When each milestone of one vacancy was reached, and which offices had nominated by when."""

    dates: dict[str, dt.date]
    office_nominated: dict[str, dt.date]   # office -> the day of its first nomination
    open_for_nominations: bool             # no recommendation written yet (or the case opened again)


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def reached(events: Iterable[tuple[str, dict, dt.date]]) -> Reached:
    """The milestones of one vacancy from its timeline (oldest first).

    `nominert` is the day the nominations were in: the day every office had an active
    nomination, or else the day of the last nomination before the first recommendation. `vedtak` is the day
    of the decision that stands (a declined offer takes it away, as in the measures).
    The home's dates (fraflyttet, klar) are the dates reported, corrected by later reports;
    the home is `klar` only once reported ready (a date given before is a plan).
    """
    dates: dict[str, dt.date] = {}
    offices: dict[str, dt.date] = {}
    last_nomination: dt.date | None = None
    active: set[str] = set()
    open_now = True
    for kind, data, day in events:
        data = data or {}
        if kind == "reported":
            dates.setdefault("meldt", _as_date(data.get("reported_on")) or day)
        if kind in ("reported", "readiness_updated"):
            if data.get("vacated_on"):
                dates["fraflyttet"] = _as_date(data["vacated_on"])
            if data.get("readiness") == "ready":  # a date given while still being prepared is only a plan
                dates["klar"] = _as_date(data.get("ready_on")) or day
            elif "readiness" in data:
                dates.pop("klar", None)
        if kind == "nominated":
            office = data.get("welfare_office")
            if office:
                offices.setdefault(office, day)
                active.add(office)
            if "innstilling" not in dates:
                last_nomination = day
            if active >= set(OFFICES):
                dates.setdefault("nominert", day)
        if kind == "nomination_withdrawn":
            active.discard(data.get("welfare_office"))
        if kind == "recommended":
            open_now = False
            if last_nomination is not None:
                dates.setdefault("nominert", last_nomination)
        if kind in ("recommendation_returned",):
            open_now = True
        if kind == "decided":
            dates["vedtak"] = _as_date(data.get("decided_on")) or day
        if kind == "offer_declined":
            dates.pop("vedtak", None)
            dates.pop("visning", None)
            open_now = not data.get("presented")
        milestone = _FIRST_EVENT.get(kind)
        if milestone is not None:
            if milestone == "innflyttet":
                dates[milestone] = _as_date(data.get("moved_in_on")) or day
            else:
                dates.setdefault(milestone, day)
    return Reached(dates=dates, office_nominated=offices, open_for_nominations=open_now)


# -- working days --------------------------------------------------------------------------------

def is_working_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_days(start: dt.date, days: int, working: bool, holidays: frozenset[dt.date]) -> dt.date:
    """The due day: `days` calendar days after `start`, or `days` working days after it
    (the day of `start` itself never counts, so 5 working days after a Friday is the next Friday)."""
    if not working:
        return start + dt.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def days_between(start: dt.date, end: dt.date, working: bool, holidays: frozenset[dt.date]) -> int:
    """Days from `start` to `end` as a deadline counts them (working days: those after `start`, up to `end`)."""
    if not working:
        return (end - start).days
    sign = 1 if end >= start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count, day = 0, low
    while day < high:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return sign * count


# -- deadlines ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """One deadline (frist) of the routine: reach `until` within `days` (working days or calendar days) of `since`."""

    id: str
    name: str
    since: str
    until: str
    days: int
    working_days: bool
    target_share: float | None = None   # the share of vacancies meant to meet it (målandel), if set
    basis: str = ""

    @property
    def length(self) -> str:
        unit = ("arbeidsdag" if self.days == 1 else "arbeidsdager") if self.working_days else \
            ("dag" if self.days == 1 else "dager")
        return f"{self.days} {unit}"


@dataclass(frozen=True)
class Pending:
    """A deadline that runs now on a vacancy: its milestone to reach is not reached."""

    deadline: Deadline
    due: dt.date
    overdue_days: int          # 0 while there is still time; working or calendar days as the deadline counts
    owners: frozenset[Role]
    offices: tuple[str, ...]   # for `nominert`: the offices that have not nominated

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass(frozen=True)
class Outcome:
    """A deadline on a vacancy that has passed both milestones: met or not, and how long it took."""

    deadline: Deadline
    took: int
    met: bool


def pending(deadline: Deadline, reached_: Reached, today: dt.date, holidays: frozenset[dt.date],
            finished: bool) -> Pending | None:
    """The deadline as it runs today on a vacancy, or None when it does not run (not started, reached, closed)."""
    start = reached_.dates.get(deadline.since)
    if start is None or deadline.until in reached_.dates or finished:
        return None
    offices: tuple[str, ...] = ()
    if deadline.until == "nominert":
        if not reached_.open_for_nominations:
            return None
        offices = tuple(o for o in OFFICES if o not in reached_.office_nominated)
        if not offices:
            return None
    due = add_days(start, deadline.days, deadline.working_days, holidays)
    late = max(0, days_between(due, today, deadline.working_days, holidays)) if today > due else 0
    return Pending(deadline=deadline, due=due, overdue_days=late, owners=BY_KEY[deadline.until].owners,
                   offices=offices)


def outcome(deadline: Deadline, reached_: Reached, holidays: frozenset[dt.date]) -> Outcome | None:
    """Met or missed, for a vacancy that reached both milestones; None otherwise."""
    start, end = reached_.dates.get(deadline.since), reached_.dates.get(deadline.until)
    if start is None or end is None:
        return None
    took = days_between(start, end, deadline.working_days, holidays)
    return Outcome(deadline=deadline, took=took, met=end <= add_days(start, deadline.days, deadline.working_days,
                                                                       holidays))
