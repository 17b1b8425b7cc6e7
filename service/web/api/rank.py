"""`POST /api/v1/rank`: rank a case and explain every point.

Thin on purpose: read the request, call the engine, map its named errors to a
status code (CaseError -> 422, see service/web/errors.py). The ranking is exactly
what `boligtildeling rank CASE --json` prints.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, request

from engine import Problem, RankingResult, RankingSummary
from engine.language.validation_messages import not_a_date
from service.web.api.case_body import JSON_TYPES, YAML_TYPES, read_case_body
from service.web.api.operations import CaseBody, operation
from service.web.errors import ApiError, json_response
from service.web.rules import rules_for

bp = Blueprint("rank", __name__, url_prefix="/api/v1")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

AS_OF = {"name": "as_of", "in": "query", "required": False,
         "description": "Vurderingsdato ÅÅÅÅ-MM-DD; måneder og ventetid regnes til denne datoen. "
                        "Standard: dagens dato.",
         "schema": {"type": "string", "format": "date"}}
DETAIL = {"name": "detail", "in": "query", "required": False,
          "description": "full (standard): hvert poeng forklart. summary: bare rangering, id, poeng, om kandidaten "
                         "kan tildeles og id-ene til reglene som blokkerer eller krever drøfting (RankingSummary); "
                         "for saker med mange kandidater.",
          "schema": {"type": "string", "enum": ["full", "summary"], "default": "full"}}
WHAT_IF = {"name": "what_if", "in": "query", "required": False,
           "description": "true: ta med for hver kandidat under den første de færreste sjekklistefeltene "
                          "som måtte vært annerledes for at kandidaten skulle stått først.",
           "schema": {"type": "boolean", "default": False}}


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
            path="as_of", message=not_a_date(value))])


def parse_flag(name: str, value: str | None) -> bool:
    if value is None or value in ("false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise ApiError(400, "Ugyldig parameter", [Problem(path=name, message=f"'{value}' må være true eller false")])


@operation(bp, "POST", "/rank", summary="Ranger kandidatene til en ledig bolig og forklar hvert poeng",
           description="Saken sendes som JSON, eller som YAML slik eksempelfilene er skrevet. "
                       "Svaret er det samme som `boligtildeling rank SAK --json` skriver ut.",
           body=CaseBody(JSON_TYPES + YAML_TYPES, "Saken: ledig bolig, beboere og kandidater."),
           response=(RankingResult, RankingSummary), public=True, query=[AS_OF, WHAT_IF, DETAIL],
           errors={400: "Innholdet kan ikke leses (ugyldig JSON/YAML, tomt) eller as_of er ikke en dato.",
                   413: "Forespørselen er for stor.", 415: "Innholdstypen støttes ikke.",
                   422: "Saken er ugyldig; hvert problem nevner stedet i saken.",
                   500: "Uventet feil i tjenesten (logget)."})
def rank():
    as_of = parse_as_of(request.args.get("as_of"))
    what_if = parse_flag("what_if", request.args.get("what_if"))
    detail = request.args.get("detail", "full")
    if detail not in ("full", "summary"):
        raise ApiError(400, "Ugyldig parameter", [Problem(path="detail", message=f"'{detail}' må være full eller summary")])
    if detail == "summary" and what_if:
        raise ApiError(400, "Ugyldig parameter", [Problem(
            path="what_if", message="what_if kan ikke brukes sammen med detail=summary")])
    data, doc = read_case_body(request.mimetype, request.get_data(cache=False))
    compiled = rules_for(as_of)  # the version in force on the as-of date; NoVersionInForce -> 422
    if detail == "summary":
        return json_response(compiled.rank_summary(data, as_of, doc))  # CaseError -> 422 as below
    result = compiled.rank(data, as_of, doc, what_if=what_if)  # CaseError -> 422 naming every bad path
    return json_response(result)
