"""The impact analysis and the draft list as JSON: `/api/v1/rules/drafts`, `/api/v1/rules/impact`."""

from __future__ import annotations

from typing import Optional

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from engine import RulesError

from .auth import casework_context
from .casework_http import parse_body
from .errors import ApiError, json_response
from .policy import list_drafts, run_impact

bp = Blueprint("impact_api", __name__, url_prefix="/api/v1/rules")


class ImpactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    utkast: str = Field(description="Navnet på utkastmappen under regelutkast/.")


class Drafts(BaseModel):
    drafts: list[str] = Field(description="Utkast som kan konsekvensanalyseres.")


class ImpactAnswer(BaseModel):
    """The impact of a draft on the stored recommendations."""

    draft: dict = Field(description="Utkastets versjon og innholdshash.")
    summary_text: str = Field(description="Sammendraget på bokmål.")
    cases_total: int
    cases_evaluated: int
    cases_order_changed: list[str] = Field(description="Saker der rekkefølgen endres.")
    cases_top_changed: list[str] = Field(description="Saker der førstekandidaten endres.")
    candidates_changed: list[dict] = Field(description="Kandidater i saker der rekkefølgen endres: rang og poeng før/etter.")
    by_office: list[dict]
    by_target_group: list[dict]
    errors: list[dict] = Field(description="Saker som ikke kunne vurderes, med grunnen.")
    seconds: float
    note: Optional[str] = None


@bp.get("/drafts")
def drafts():
    casework_context()  # 401 unless logged in
    return json_response(Drafts(drafts=list_drafts()))


@bp.post("/impact")
def impact():
    ctx = casework_context()
    body = parse_body(ImpactRequest)
    try:
        report, draft = run_impact(ctx, body.utkast)
    except RulesError as exc:
        raise ApiError(422, "Utkastet er ugyldig", exc.problems)
    changed = report.candidates[report.candidates["case_id"].isin(report.order_changed)]
    return json_response(ImpactAnswer(
        draft={"label": draft.version, "effective_from": draft.effective_from.isoformat(),
               "content_hash": draft.content_hash},
        summary_text=report.summary.text(), cases_total=report.summary.cases_total,
        cases_evaluated=report.summary.cases_evaluated, cases_order_changed=report.order_changed,
        cases_top_changed=report.top_changed, candidates_changed=_records(changed),
        by_office=_records(report.by_office), by_target_group=_records(report.by_target_group),
        errors=_records(report.errors), seconds=round(report.summary.seconds, 3)))


def _records(frame) -> list[dict]:
    """A DataFrame as JSON-able rows (dates as ISO text, NaN as null)."""
    import json
    return json.loads(frame.to_json(orient="records", date_format="iso"))
