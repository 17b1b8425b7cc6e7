"""`/api/v1/rules`: the rules in force, the versions held, drafts and a draft's impact (policy staff)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Optional

from flask import Blueprint, current_app
from pydantic import BaseModel, ConfigDict, Field

from engine import RulesError
from engine.evaluation.result import RulesVersion
from service.casework.policy import list_drafts, run_impact
from service.reports.rules_listing import RulesListing, list_rules
from service.web.api.operations import operation, parse_body
from service.web.auth import casework_context, require_login
from service.web.errors import ApiError, json_response
from service.web.rules import current_rules, drafts_folder, rules_holder

bp = Blueprint("rules", __name__, url_prefix="/api/v1/rules")


class RefusedReloadBody(BaseModel):
    at: dt.datetime = Field(description="Da det nye regelverket ble avvist.")
    problems: list[str] = Field(description="Hva som var galt, med fil og linje.")


class RulesStatus(BaseModel):
    """The rules versions the service holds, and the last refused reload (for policy staff).

    No path outside the rules folder: where the service is installed is not the reader's business.
    """

    versions: list[RulesVersion]
    in_force_today: Optional[str] = Field(description="Innholdshash for versjonen som gjelder i dag.")
    reloads: int = Field(description="Hvor mange ganger regelverket er lastet på nytt siden oppstart.")
    refused_reload: Optional[RefusedReloadBody] = Field(
        description="Sist avviste endring; null når regelverket i mappen er det som brukes. "
                    "Filene er navngitt innenfor regelverksmappen.")


class ImpactRequest(BaseModel):
    """Hvilket utkast som skal konsekvensanalyseres."""

    model_config = ConfigDict(extra="forbid")
    utkast: str = Field(max_length=200, description="Navnet på utkastmappen under regelutkast/.")


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


@operation(bp, "GET", "", summary="Regelverket som brukes nå: kriterier, egnethetskontroller og "
                                  "sammensetningsregler i ord", response=RulesListing, public=True, errors=())
def rules():
    return json_response(list_rules(current_rules()))


@operation(bp, "GET", "/status", summary="Regelverksversjonene tjenesten har lastet, og sist avviste endring",
           response=RulesStatus, errors=(401,))
def rules_status():
    require_login()  # any role: it names files and problems, not for the public
    holder = rules_holder()
    library = holder.library()
    today = dt.date.today()
    in_force = next((b for b in reversed(library.versions) if b.effective_from <= today), None)
    return json_response(RulesStatus(
        versions=[RulesVersion(label=b.version, effective_from=b.effective_from, content_hash=b.content_hash)
                  for b in library.versions],
        in_force_today=in_force.content_hash if in_force else None,
        reloads=holder.reloads,
        refused_reload=RefusedReloadBody(at=holder.refused.at, problems=[
            _inside_folder(problem, holder.folder) for problem in holder.refused.problems])
        if holder.refused else None,
    ))


_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])/[^\s:'\"]+")


def _inside_folder(text: str, folder: Path) -> str:
    """`text` with each absolute path made relative to the rules folder (else just its file name).

    The engine names a file relative to the working folder when it is inside it, else by its
    absolute path (engine.language.yaml_source.shown_path), which would show where and as
    whom the service runs.
    """
    roots = [folder.absolute(), folder.resolve()]

    def relative(found: re.Match) -> str:
        path = Path(found.group())
        for root in roots:
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.name

    return _ABSOLUTE_PATH.sub(relative, text)


@operation(bp, "GET", "/drafts", summary="Regelverksutkast som kan konsekvensanalyseres", response=Drafts,
           errors=(401,))
def drafts():
    casework_context()  # 401 unless logged in
    return json_response(Drafts(drafts=list_drafts(drafts_folder())))


@operation(bp, "POST", "/impact", summary="Konsekvensanalyse: utkastet mot de lagrede innstillingene (logges)",
           body=ImpactRequest, response=ImpactAnswer, errors=(401, 403, 404, 422))
def impact():
    ctx = casework_context()
    body = parse_body(ImpactRequest)
    try:
        report, draft = run_impact(ctx, body.utkast, drafts=drafts_folder(), library=rules_holder().library(),
                                   database_url=current_app.config["DATABASE_URL"])
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
    return json.loads(frame.to_json(orient="records", date_format="iso"))
