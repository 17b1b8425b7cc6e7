"""`/nokkeltall`: the key figures (nøkkeltall) with charts drawn on the server, tables and downloads.

The filters are in the address (`?fra=&til=&botiltak=&kontor=&malgruppe=`), read
into the same model as the API's query parameters (service/casework/kpis.KpiFilter)
and passed to the same casework function, so the page, `GET /api/v1/kpis` and its
CSV and Excel downloads show the same numbers. Who may see them: the allocation
team, and a unit leader for their own units (the casework decides).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, render_template, request, url_for

from service.casework import commands
from service.casework import kpis as casework_kpis
from service.domain.errors import Forbidden, InvalidInput
from service.reports import charts, kpi_tables
from service.web.pages.web import FormState, bp, context, failed, login_required

FORM = "kpi"
#: each chart's title: above it on the page, and its <title> for a screen reader
TITLES = {
    "processing": "Saksbehandlingstid per måned (median, dager fra meldt til vedtak)",
    "targets": "Andel av boligene som nådde fristen (prosent)",
    "rent_lost": "Tomgangstap per måned (kroner)",
    "vacant_by_unit": "Ledige dager per botiltak i perioden",
    "steps": "Tid mellom stegene i rutinen (median, dager)",
}
#: the page's parameter -> the filter's (the API's) name
PARAMETERS = {"fra": "from", "til": "to", "botiltak": "unit", "kontor": "welfare_office", "malgruppe": "target_group"}


def _chosen() -> dict[str, str]:
    return {name: request.args[name].strip() for name in PARAMETERS if (request.args.get(name) or "").strip()}


@bp.get("/nokkeltall")
@login_required
def key_figures():
    ctx = context()
    try:
        choices = casework_kpis.kpi_choices(ctx)
    except Forbidden as exc:
        abort(403, exc.message)
    chosen = _chosen()
    state = FormState(name=FORM, values=dict(chosen))
    figures = None
    try:
        wanted = commands.parse(casework_kpis.KpiFilter, {PARAMETERS[k]: v for k, v in chosen.items()})
        figures = casework_kpis.key_figures(ctx, wanted)
    except InvalidInput as exc:
        state = failed(FORM, exc, dict(chosen), known=tuple(PARAMETERS),
                       rename={v: k for k, v in PARAMETERS.items()}.get)
    except Forbidden as exc:
        abort(403, exc.message)
    if figures is not None:
        state.values.setdefault("fra", figures["period"]["from"])
        state.values.setdefault("til", figures["period"]["to"])
    unit_names = {u["id"]: u["name"] for u in choices["units"]}
    page = dict(choices=choices, state=state, form=FORM, figures=figures, tables=kpi_tables,
                unit_names=unit_names)
    if figures is not None:
        page.update(_charts(figures), downloads=_downloads(figures),
                    filters=kpi_tables.filter_rows(figures, unit_names, choices["target_groups"]),
                    main_target=_main_target(figures),
                    goals=[t for t in figures["targets"] if t["target_share"] is not None],
                    unit_label=lambda row: row["unit_name"],
                    month_label=lambda row: kpi_tables.month_label(row["month"]))
    return render_template("pages/nokkeltall.html", **page), (state.status if figures is None else 200)


def _downloads(figures: dict) -> dict[str, str]:
    chosen = figures["filters"]
    query = {"from": figures["period"]["from"], "to": figures["period"]["to"]}
    for name in ("unit", "welfare_office", "target_group"):
        if chosen.get(name):
            query[name] = chosen[name]
    return {"csv": url_for("kpis.kpis_csv") + "?" + urlencode(query),
            "xlsx": url_for("kpis.kpis_xlsx") + "?" + urlencode(query)}


def _main_target(figures: dict) -> dict | None:
    """The deadline for the decision (meldt → vedtak), the case-processing target, if the routine has one."""
    return next((t for t in figures["targets"] if t["since"] == "meldt" and t["until"] == "vedtak"), None)


def _years(months: list[str]) -> list[tuple[int, str]]:
    """Where each year begins on a month axis: [(0, '2025'), (1, '2026')]."""
    out, seen = [], None
    for i, key in enumerate(months):
        if key[:4] != seen:
            out.append((i, key[:4]))
            seen = key[:4]
    return out


def _charts(figures: dict) -> dict:
    months = [row["month"] for row in figures["by_month"]]
    short = [kpi_tables.month_label(m, short=True) for m in months]
    target = _main_target(figures)
    processing = [charts.Bar(s, row["case_processing_days_median"],
                             kpi_tables.shown(row["case_processing_days_median"]))
                  for s, row in zip(short, figures["by_month"])]
    lost = [charts.Bar(s, row["rent_lost"], _short_kroner(row["rent_lost"]))
            for s, row in zip(short, figures["by_month"])]
    by_unit = [charts.Bar(u["unit_name"], u["vacant_days"], f"{kpi_tables.shown(u['vacant_days'])} d")
               for u in figures["by_unit"]]
    shares = [charts.Bar(t["name"], None if t["share_met"] is None else t["share_met"] * 100,
                         kpi_tables.percent(t["share_met"]),
                         mark=None if t["target_share"] is None else t["target_share"] * 100)
              for t in figures["targets"]]
    steps = [charts.Bar(f"{s['since']} → {s['until']}", s["median_days"],
                        f"{kpi_tables.shown(s['median_days'])} d") for s in figures["steps"]]
    years = _years(months)
    drawn = {
        "processing": charts.column_chart(
            "diagram-saksbehandlingstid", TITLES["processing"], processing,
            what="saksbehandlingstiden (median per måned)",
            target=target["days"] if target and not target["working_days"] else None,
            target_label=f"frist: {target['length']}" if target else "", groups=years,
            axis=lambda v: kpi_tables.shown(float(v))),
        "rent_lost": charts.column_chart(
            "diagram-tomgangstap", TITLES["rent_lost"], lost, what="tomgangstapet per måned", groups=years,
            axis=_short_kroner),
        "vacant_by_unit": charts.bar_chart(
            "diagram-ledige-dager", TITLES["vacant_by_unit"], by_unit, what="ledige dager per botiltak"),
        "targets": charts.bar_chart(
            "diagram-frister", TITLES["targets"], shares, ceiling=100, what="andelen som nådde fristen",
            mark_label="mål (målandel)" if any(b.mark for b in shares) else ""),
        "steps": charts.bar_chart(
            "diagram-steg", TITLES["steps"], steps, what="tiden mellom stegene (median)"),
    }
    return {"charts": {key: {"title": TITLES[key], "svg": svg} for key, svg in drawn.items()}}


def _short_kroner(value: float | None) -> str:
    """12 500 -> '12,5k'; 800 -> '800' (the axis and the column labels; the table has the exact kroner)."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "k"
    return kpi_tables.shown(int(value))
