"""Units (botiltak), their homes (boliger) and residents (beboere), described in the vocabulary's terms.

The service profile, the home's facts and a resident's facts are validated with
the engine's case models (generated from rules/felter.yaml), so they always fit
what the ranking expects.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from service.store.models import Home, Resident, Unit

from service.casework.context import Context, unit_of_work
from service.domain.codes import ALLOCATION_TEAM, Role
from service.domain.errors import Forbidden, Problems
from service.casework.commands import AddHome, AddResident, AddUnit, UpdateServiceProfile, checked_by_vocabulary
from service.casework.views import home_view, unit_view

MANAGE = ALLOCATION_TEAM | {Role.ADMIN}


def _may_manage(ctx: Context, unit_id: str | None, action: str) -> None:
    if ctx.role in MANAGE:
        return
    if ctx.role == Role.UNIT_LEADER and unit_id is not None and unit_id in ctx.actor.unit_ids:
        return
    raise Forbidden("Bare boligtildelingen og botiltakets egen leder kan endre botiltaket.", action=action)


def validate_profile(ctx: Context, problems: Problems, unit_id: str, name: str, profile: dict, path: str) -> dict:
    """The service profile (bemanning, aktiviteter, måltider, leder ...) against the vocabulary."""
    checked = checked_by_vocabulary(problems, path, ctx.compiled_rules().case_models.Botiltak,
                                    {**profile, "id": unit_id, "navn": name})
    if checked is None:
        return {}
    checked.pop("id"), checked.pop("navn")
    return checked


def validate_home_facts(ctx: Context, problems: Problems, address: str, facts: dict, path: str) -> dict:
    checked = checked_by_vocabulary(problems, path, ctx.compiled_rules().case_models.Bolig,
                                    {**facts, "adresse": address})
    if checked is None:
        return {}
    checked.pop("adresse")
    return checked


@unit_of_work
def add_unit(ctx: Context, command: AddUnit) -> dict:
    """Register a unit (botiltak) with its service profile."""
    if ctx.role not in MANAGE:
        raise Forbidden("Bare boligtildelingen kan registrere botiltak.", action="add_unit")
    unit_id, name = command.unit_id, command.name
    problems = Problems(command)
    if unit_id and ctx.session.get(Unit, unit_id) is not None:
        problems.add("unit_id", f"botiltaket '{unit_id}' finnes allerede")
    checked = {}
    if command.profile is not None:
        checked = validate_profile(ctx, problems, unit_id or "-", name or "-", command.profile, "profile")
    problems.check()
    unit = Unit(id=unit_id, name=name, profile=checked, created_at=ctx.now())
    ctx.session.add(unit)
    ctx.audit("unit_added", unit_id=unit_id)
    return unit_view(unit)


@unit_of_work
def update_service_profile(ctx: Context, unit_id: str, command: UpdateServiceProfile) -> dict:
    """The unit leader's answer about the service offer (step 2): staffing, activities, meals."""
    unit = ctx.get(Unit, unit_id, "Botiltaket")
    _may_manage(ctx, unit.id, "update_service_profile")
    command.check()
    problems = Problems()
    checked = validate_profile(ctx, problems, unit.id, unit.name, command.profile, "profile")
    problems.check()
    unit.profile = checked
    ctx.audit("service_profile_updated", unit_id=unit.id)
    return unit_view(unit)


@unit_of_work
def add_home(ctx: Context, unit_id: str, command: AddHome) -> dict:
    unit = ctx.get(Unit, unit_id, "Botiltaket")
    _may_manage(ctx, unit.id, "add_home")
    command.check("facts")
    address = command.address
    problems = Problems(command)
    if ctx.session.scalar(select(Home.id).where(Home.address == address)) is not None:
        problems.add("address", f"boligen '{address}' er registrert fra før")
    checked = validate_home_facts(ctx, problems, address, command.facts, "facts")
    problems.check()
    home = Home(unit_id=unit.id, address=address, facts=checked)
    ctx.session.add(home)
    ctx.session.flush()
    ctx.audit("home_added", home_id=home.id, unit_id=unit.id)
    return home_view(home)


@unit_of_work
def add_resident(ctx: Context, unit_id: str, command: AddResident) -> dict:
    """Register a current resident, anonymised (a code and the facts composition rules use)."""
    unit = ctx.get(Unit, unit_id, "Botiltaket")
    _may_manage(ctx, unit.id, "add_resident")
    command.check("facts")
    code, moved_in = command.code, command.moved_in_on
    problems = Problems(command)
    if ctx.session.scalar(select(Resident.id).where(Resident.code == code)) is not None:
        problems.add("code", f"beboer-id-en '{code}' er i bruk")
    checked = checked_by_vocabulary(problems, "facts", ctx.compiled_rules().case_models.Beboer,
                                    {**command.facts, "id": code})
    problems.check()
    checked.pop("id")
    resident = Resident(code=code, unit_id=unit.id, facts=checked, moved_in_on=moved_in)
    ctx.session.add(resident)
    ctx.session.flush()
    ctx.audit("resident_added", unit_id=unit.id, resident=code)
    return {"id": resident.id, "code": code, "unit_id": unit.id, **checked}


def current_residents(ctx: Context, unit_id: str) -> list[Resident]:
    return list(ctx.session.scalars(select(Resident).where(Resident.unit_id == unit_id,
                                                           Resident.moved_out_on.is_(None))
                                    .order_by(Resident.code)))


@unit_of_work
def composition(ctx: Context, unit_id: str) -> dict:
    """The unit's residents today, anonymised: counts, never one person's facts.

    With fewer residents than the rules' `sammensetning_vises_fra` (default 3) even
    counts point at a person ("one with active substance use" in a unit of two), so
    only the number of residents is given.
    """
    residents = current_residents(ctx, unit_id)
    threshold = ctx.compiled_rules().book.header.sammensetning_vises_fra
    out = {"count": len(residents), "shown": len(residents) >= threshold, "shown_from": threshold}
    if not out["shown"]:
        return out
    facts = [r.facts for r in residents]
    ages = [f["alder"] for f in facts if isinstance(f.get("alder"), int)]
    return {**out, "groups": dict(Counter(f.get("malgruppe") for f in facts if f.get("malgruppe"))),
            "active_substance_use": sum(1 for f in facts if f.get("aktiv_rus") is True),
            "high_risk": sum(1 for f in facts if f.get("utagering") == "hoy"),
            "vulnerable": sum(1 for f in facts if f.get("sarbar") is True),
            "age_span": (min(ages), max(ages)) if len(ages) >= 2 else None}


@unit_of_work
def list_units(ctx: Context) -> list[dict]:
    """Units with their homes (no person data)."""
    units = ctx.session.scalars(select(Unit).order_by(Unit.name)).all()
    return [{**unit_view(u), "homes": [home_view(h) for h in sorted(u.homes, key=lambda h: h.address)]}
            for u in units]
