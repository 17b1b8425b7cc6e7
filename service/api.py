"""The JSON API, version 1: rank a case, list the rules.

Thin on purpose: read the request, call the engine, map its named errors to a
status code (CaseError -> 422, see errors.py). The ranking is exactly what
`boligtildeling rank CASE --json` prints.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, request

from engine import Problem

from .case_body import read_case_body
from .errors import ApiError, json_response
from .rules_holder import current_rules
from .rules_listing import list_rules

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
    result = current_rules().rank(data, as_of, doc, what_if=what_if)  # CaseError -> 422 naming every bad path
    return json_response(result)


@bp.get("/rules")
def rules():
    return json_response(list_rules(current_rules()))
