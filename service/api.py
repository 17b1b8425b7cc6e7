"""The JSON API, version 1: rank a case, list the rules.

Thin on purpose: read the request, call the engine, map its named errors to a
status code (CaseError -> 422, see errors.py). The ranking is exactly what
`boligtildeling rank CASE --json` prints.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from flask import Blueprint, request
from pydantic import BaseModel, Field

from engine import Problem
from engine.result import RulesVersion

from .case_body import read_case_body
from .errors import ApiError, json_response
from .rules_holder import current_rules, rules_for, rules_holder
from .rules_listing import list_rules


class RefusedReloadBody(BaseModel):
    at: dt.datetime = Field(description="Da det nye regelverket ble avvist.")
    problems: list[str] = Field(description="Hva som var galt, med fil og linje.")


class RulesStatus(BaseModel):
    """The rules versions the service holds, and the last refused reload (for policy staff)."""

    folder: str
    versions: list[RulesVersion]
    in_force_today: Optional[str] = Field(description="Innholdshash for versjonen som gjelder i dag.")
    reloads: int = Field(description="Hvor mange ganger regelverket er lastet på nytt siden oppstart.")
    refused_reload: Optional[RefusedReloadBody] = Field(
        description="Sist avviste endring; null når regelverket i mappen er det som brukes.")


bp = Blueprint("api", __name__, url_prefix="/api/v1")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_as_of(value: str | None) -> dt.date:
    """The as-of date from the query string; today when it is not given."""
    if value is None:
        return dt.date.today()
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "Ugyldig vurderingsdato", [Problem(
            path="as_of", message=f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD")])


def parse_flag(name: str, value: str | None) -> bool:
    if value is None or value in ("false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise ApiError(400, "Ugyldig parameter", [Problem(path=name, message=f"'{value}' må være true eller false")])


@bp.post("/rank")
def rank():
    as_of = parse_as_of(request.args.get("as_of"))
    what_if = parse_flag("what_if", request.args.get("what_if"))
    data, doc = read_case_body(request.mimetype, request.get_data(cache=False))
    compiled = rules_for(as_of)  # the version in force on the as-of date; NoVersionInForce -> 422
    result = compiled.rank(data, as_of, doc, what_if=what_if)  # CaseError -> 422 naming every bad path
    return json_response(result)


@bp.get("/rules")
def rules():
    return json_response(list_rules(current_rules()))


@bp.get("/rules/status")
def rules_status():
    """Which versions are loaded, which is in force today, and whether a reload was refused."""
    holder = rules_holder()
    library = holder.library()
    today = dt.date.today()
    in_force = next((b for b in reversed(library.versions) if b.effective_from <= today), None)
    return json_response(RulesStatus(
        folder=str(holder.folder),
        versions=[RulesVersion(label=b.version, effective_from=b.effective_from, content_hash=b.content_hash)
                  for b in library.versions],
        in_force_today=in_force.content_hash if in_force else None,
        reloads=holder.reloads,
        refused_reload=RefusedReloadBody(at=holder.refused.at, problems=holder.refused.problems)
        if holder.refused else None,
    ))
