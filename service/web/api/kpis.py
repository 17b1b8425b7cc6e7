"""`GET /api/v1/kpis` (JSON), `/kpis.csv` and `/kpis.xlsx`: the key figures (nøkkeltall), one set of filters.

The filters are query parameters: `from` and `to` (dates, both included; default
the twelve months up to today), `unit` (a unit's id), `welfare_office` (vacancies
that office nominated for) and `target_group` (units serving that målgruppe). The
figures and who may read them: service/casework/kpis.py; the tables of the CSV and
the workbook: service/reports/kpi_tables.py.
"""

from __future__ import annotations

from typing import Optional

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict

from service.casework import commands
from service.casework import kpis as casework_kpis
from service.domain.codes import OFFICES
from service.reports import kpi_tables
from service.web.api.operations import operation, respond
from service.web.auth import casework_context, require_login

bp = Blueprint("kpis", __name__, url_prefix="/api/v1")
bp.before_request(require_login)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = {401: None, 403: "Nøkkeltallene er for boligtildelingen og enhetslederne (en enhetsleder: eget botiltak); "
                         "forsøket er logget.",
          422: "Ugyldig periode eller filter; hvert problem nevner parameteren."}
QUERY = [
    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "Fra og med dato (ÅÅÅÅ-MM-DD). Standard: første dag i måneden for 11 måneder siden."},
    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "Til og med dato (ÅÅÅÅ-MM-DD). Standard: i dag."},
    {"name": "unit", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64},
     "description": "Botiltakets id (f.eks. lade-botiltak). En enhetsleder ser bare sine egne."},
    {"name": "welfare_office", "in": "query", "required": False,
     "schema": {"type": "string", "enum": list(OFFICES)},
     "description": "Bare boliger dette helse- og velferdskontoret har nominert til."},
    {"name": "target_group", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64},
     "description": "Bare botiltak med denne målgruppen (malgrupper i tjenestetilbudet)."},
]


# -- the answer --------------------------------------------------------------------------------

class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ShareOut(_Out):
    met: int
    known: int
    share_met: Optional[float]


class TrendOut(_Out):
    """Retningen per måned (minste kvadraters stigningstall over hele måneder)."""

    slope_per_month: Optional[float]
    direction: Optional[str]
    better: Optional[bool]
    months: int


class FiguresOut(_Out):
    vacancies_reported: int
    vacancies_decided: int
    vacancies_moved_in: int
    case_processing_days_median: Optional[float]
    case_processing_days_p90: Optional[float]
    vacant_days: int
    vacant_days_per_vacancy_median: Optional[float]
    vacant_days_per_vacancy_p90: Optional[float]
    rent_lost: int


class MonthOut(FiguresOut):
    month: str
    targets: dict[str, ShareOut]


class UnitFiguresOut(FiguresOut):
    unit_id: str
    unit_name: str
    rent_unknown: int


class StepOut(_Out):
    """Tiden mellom to steg i rutinen som følger etter hverandre (kalenderdager)."""

    since: str
    until: str
    label: str
    count: int
    median_days: Optional[float]
    p90_days: Optional[float]


class TargetOut(ShareOut):
    """En frist fra rutine/frister.yaml: andelen av boligene som nådde den i tide."""

    id: str
    name: str
    since: str
    until: str
    days: int
    working_days: bool
    length: str
    target_share: Optional[float]
    meets_target: Optional[bool]
    took_median: Optional[float]
    trend: TrendOut


class KpisOut(_Out):
    """Nøkkeltallene for perioden og filtrene: bare tall, aldri en person."""

    period: dict[str, object]
    filters: dict[str, object]
    vacancies_reported: int
    vacancies_decided: int
    vacancies_moved_in: int
    vacancies_vacant_at_end: int
    case_processing_days_median: Optional[float]
    case_processing_days_p90: Optional[float]
    case_processing_count: int
    vacant_days_total: int
    vacant_days_per_vacancy_median: Optional[float]
    vacant_days_per_vacancy_p90: Optional[float]
    rent_lost_total: int
    rent_lost_unknown_vacancies: int
    vacant_days_by_unit: dict[str, int]
    vacant_days_by_month: dict[str, int]
    rent_lost_by_unit: dict[str, int]
    rent_lost_by_month: dict[str, int]
    steps: list[StepOut]
    targets: list[TargetOut]
    by_unit: list[UnitFiguresOut]
    by_month: list[MonthOut]
    trend: dict[str, object]


# -- the routes ----------------------------------------------------------------------------------

def _figures():
    ctx = casework_context()
    wanted = commands.parse(casework_kpis.KpiFilter, {name: request.args.get(name) for name in
                                                      ("from", "to", "unit", "welfare_office", "target_group")
                                                      if request.args.get(name) is not None})
    return ctx, casework_kpis.key_figures(ctx, wanted)


def _filename(figures: dict, extension: str) -> str:
    return f"nokkeltall-{figures['period']['from']}-{figures['period']['to']}.{extension}"


@operation(bp, "GET", "/kpis", summary="Nøkkeltallene: saksbehandlingstid, ledige dager, tomgangstap, frister",
           description="Over boliger, botiltak og måneder i perioden. Bare tall: ingen søker eller beboer nevnes.",
           response=KpisOut, errors=ERRORS, query=QUERY)
def kpis():
    _ctx, figures = _figures()
    return respond(figures, KpisOut)


@operation(bp, "GET", "/kpis.csv", summary="Nøkkeltallene som CSV (én rad per tall, med overskriftsrad)",
           errors=ERRORS, query=QUERY, content_type="text/csv")
def kpis_csv():
    _ctx, figures = _figures()
    return Response(kpi_tables.to_csv(figures), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(figures, "csv")}"'})


@operation(bp, "GET", "/kpis.xlsx", summary="Nøkkeltallene som Excel-arbeidsbok (ett ark per tabell)",
           errors=ERRORS, query=QUERY, content_type=XLSX)
def kpis_xlsx():
    ctx, figures = _figures()
    choices = casework_kpis.kpi_choices(ctx)
    body = kpi_tables.to_xlsx(figures, {u["id"]: u["name"] for u in choices["units"]}, choices["target_groups"])
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(figures, "xlsx")}"'})
