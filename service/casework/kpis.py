"""The key figures (nøkkeltall) over the store: which vacancies, who may see them, the filters.

The figures themselves are computed in service/domain/kpis.py from each vacancy's
timeline (its milestones) and rent; this module reads those from the database and
decides who sees what:

- the allocation team (boligkonsulent, avdelingsleder) sees every unit;
- a unit leader sees only their own units: the unit filter is forced to them,
  and asking for another unit is refused;
- everyone else (caseworkers, administrators, policy officers) is refused with the
  reason, and the attempt is logged like every refused request.

The figures are numbers about homes, never about a person (no applicant is named,
counted by office only as "the offices that nominated"), so a read is not written
to the audit log as a read of personal data is.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from pydantic import ConfigDict, Field
from sqlalchemy import select

from service.casework.commands import Code, Command, RoutineDay, Text
from service.casework.context import Context, unit_of_work
from service.domain import kpis
from service.domain.codes import ALLOCATION_TEAM, OFFICES, OSLO, Role
from service.domain.errors import Forbidden, Problems
from service.domain.milestones import BY_KEY, reached
from service.store.models import Home, Nomination, Unit, Vacancy, VacancyEvent

READERS = ALLOCATION_TEAM | {Role.UNIT_LEADER}
REFUSED = "Nøkkeltallene er for boligtildelingen (boligkonsulenter og avdelingsleder) og enhetslederne."
NOT_YOUR_UNIT = "Som enhetsleder ser du bare nøkkeltallene for ditt eget botiltak."
MAX_MONTHS = 120  # a period of ten years at most: one row per month
DEFAULT_MONTHS = 12  # without `from`: the twelve months up to and including this one


class KpiFilter(Command):
    """Hvilke nøkkeltall: perioden og filtrene (alle valgfrie)."""

    model_config = ConfigDict(extra="forbid", validate_default=True, populate_by_name=True)
    period_from: Optional[RoutineDay] = Field(None, alias="from",
                                              description="Fra og med dato (standard: første dag for 11 "
                                                          "måneder siden).")
    period_to: Optional[RoutineDay] = Field(None, alias="to", description="Til og med dato (standard: i dag).")
    unit: Text(64, "Botiltakets id, f.eks. lade-botiltak.") = None
    welfare_office: Optional[Code(OFFICES, "Boliger dette kontoret har nominert til.")] = None
    target_group: Text(64, "Målgruppe botiltaket betjener (malgrupper i tjenestetilbudet).") = None


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months up to today: from the first day of the month eleven months back."""
    year, month = today.year, today.month - (DEFAULT_MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1), today


def _may_read(ctx: Context) -> None:
    if ctx.role not in READERS:
        raise Forbidden(REFUSED, action="read_key_figures")


def target_group_labels(ctx: Context) -> dict[str, str]:
    found = ctx.compiled_rules().book.vocabulary.get("botiltak.malgrupper") if ctx.rules is not None else None
    return dict(found.values or {}) if found is not None else {}


def _units_for(ctx: Context) -> list[Unit]:
    units = ctx.session.scalars(select(Unit).order_by(Unit.name)).all()
    if ctx.role == Role.UNIT_LEADER:
        units = [u for u in units if u.id in ctx.actor.unit_ids]
    return list(units)


@unit_of_work
def kpi_choices(ctx: Context) -> dict:
    """What the filters may be set to for this reader: units (own, for a unit leader), offices, target groups."""
    _may_read(ctx)
    return {"units": [{"id": u.id, "name": u.name} for u in _units_for(ctx)], "welfare_offices": list(OFFICES),
            "target_groups": target_group_labels(ctx)}


@unit_of_work
def key_figures(ctx: Context, wanted: KpiFilter) -> dict:
    """The key figures for the period and filters in `wanted` (see service/domain/kpis.py for each)."""
    _may_read(ctx)
    today = ctx.today()
    start, end = default_period(today)
    start, end = wanted.period_from or start, wanted.period_to or end
    problems = Problems(wanted)
    if wanted.period_from is not None and wanted.period_to is None and start > end:
        end = start  # a period that begins after today: that one day
    if start > end:
        problems.add("to", "perioden kan ikke slutte før den begynner")
    elif len(kpis.months(start, end)) > MAX_MONTHS:
        problems.add("to", f"perioden kan være høyst {MAX_MONTHS // 12} år")
    visible = _units_for(ctx)
    unit_ids = [u.id for u in visible]
    if wanted.unit is not None:
        exists = ctx.session.get(Unit, wanted.unit) is not None
        if exists and wanted.unit not in unit_ids:
            raise Forbidden(NOT_YOUR_UNIT, action="read_key_figures")
        if not exists:
            problems.add("unit", f"botiltaket '{wanted.unit}' finnes ikke")
        unit_ids = [wanted.unit]
    labels = target_group_labels(ctx)
    if wanted.target_group is not None and labels and wanted.target_group not in labels:
        problems.add("target_group", f"'{wanted.target_group}' er ikke en målgruppe (" + ", ".join(labels) + ")")
    problems.check()

    facts = kpis.select(_facts(ctx, unit_ids), office=wanted.welfare_office, target_group=wanted.target_group)
    routine = ctx.deadlines()
    result = kpis.key_figures(facts, routine.deadlines, routine.holidays, kpis.Period(start, end), today,
                              unit_names={u.id: u.name for u in visible})
    for step in result["steps"]:
        step["label"] = f"{BY_KEY[step['since']].label} → {BY_KEY[step['until']].label}"
    result["filters"] = {"unit": wanted.unit, "welfare_office": wanted.welfare_office,
                         "target_group": wanted.target_group,
                         "units": unit_ids if ctx.role == Role.UNIT_LEADER or wanted.unit else None}
    return result


def _facts(ctx: Context, unit_ids: list[str]) -> list[kpis.VacancyFacts]:
    """Every vacancy in the units, with its milestones, rent, unit's target groups and nominating offices."""
    if not unit_ids:
        return []
    rows = ctx.session.execute(select(Vacancy.id, Vacancy.monthly_rent, Unit.id, Unit.profile)
                               .join(Home, Vacancy.home_id == Home.id).join(Unit, Home.unit_id == Unit.id)
                               .where(Unit.id.in_(unit_ids)).order_by(Vacancy.id)).all()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    events: dict[int, list] = {i: [] for i in ids}
    for vacancy_id, kind, data, at in ctx.session.execute(
            select(VacancyEvent.vacancy_id, VacancyEvent.kind, VacancyEvent.data, VacancyEvent.at)
            .where(VacancyEvent.vacancy_id.in_(ids)).order_by(VacancyEvent.at, VacancyEvent.id)):
        events[vacancy_id].append((kind, data, at.astimezone(OSLO).date()))
    offices: dict[int, set[str]] = {i: set() for i in ids}
    for vacancy_id, office in ctx.session.execute(select(Nomination.vacancy_id, Nomination.welfare_office)
                                                  .where(Nomination.vacancy_id.in_(ids))):
        offices[vacancy_id].add(office)
    return [kpis.VacancyFacts(unit_id=unit_id, reached=reached(events[vacancy_id]), monthly_rent=rent,
                              offices=frozenset(offices[vacancy_id]),
                              target_groups=frozenset((profile or {}).get("malgrupper") or ()))
            for vacancy_id, rent, unit_id, profile in rows]
