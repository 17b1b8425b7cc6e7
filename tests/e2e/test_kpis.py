"""`GET /api/v1/kpis`, `/kpis.csv` and `/kpis.xlsx` on the demo data: the figures, the filters, who may see them.

The demo's history (service/demo.py, seed_history) has fourteen completed vacancies from
January to October 2026 in three units; the clock stands at 28 November 2026.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from service.reports.kpi_tables import CSV_HEADER
from service.store.models import AuditEntry
from support.pages import Pages, demo_app

YEAR = "?from=2026-01-01&to=2026-11-28"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("kpis"))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def reader(app, username: str) -> Pages:
    pages = Pages(app)
    pages.login(username)
    return pages


def get_json(app, username: str, query: str = "", status: int = 200) -> dict:
    response = reader(app, username).get("/api/v1/kpis" + query)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_the_key_figures_name_every_measure_and_no_person(app):
    figures = get_json(app, "avdelingsleder.siri", YEAR)

    for key in ("case_processing_days_median", "case_processing_days_p90", "rent_lost_total", "rent_lost_by_unit",
                "rent_lost_by_month", "vacant_days_by_unit", "vacant_days_by_month", "steps", "targets", "trend",
                "by_month", "by_unit"):
        assert key in figures, key
    assert [(s["since"], s["until"]) for s in figures["steps"]] == [
        ("meldt", "nominert"), ("nominert", "innstilling"), ("innstilling", "godkjent"), ("godkjent", "svar"),
        ("svar", "vedtak"), ("vedtak", "kontrakt"), ("kontrakt", "innflyttet")]
    assert {t["id"] for t in figures["targets"]} >= {"vedtak-30-dager", "innflytting-etter-klar"}
    assert figures["period"]["months"][0] == "2026-01" and figures["period"]["months"][-1] == "2026-11"
    text = json.dumps(figures, ensure_ascii=False)
    assert not re.search(r"K-\d{4}|B-[A-Z]{3}-\d{4}", text)  # no applicant and no resident
    assert "Mona Berge" not in text and "Astrid Myhre" not in text


def test_september_in_lade_computed_by_hand_from_the_demos_dates(app):
    # Lade, September 2026. Decided: LB-2026-030 (meldt 1.9, vedtak 17.9: 16 days) and LB-2026-035 (14.9 to 30.9:
    # 16 days). Vacant days in September: LB-2026-030 (moved out 29.8, in 15.10) all 30, LB-2026-035 (out 11.9)
    # 11-30 September, 20, LB-2026-028 (out 7.8, in 4.9) 1-3 September, 3. Rent lost: (30 x 8 700 + 20 x 9 200
    # + 3 x 9 000) / 30 = 472 000 / 30 = 15 733,33 kr.
    figures = get_json(app, "konsulent.anne", "?from=2026-09-01&to=2026-09-30&unit=lade-botiltak")

    assert figures["vacancies_decided"] == 2 and figures["case_processing_days_median"] == 16
    assert figures["vacant_days_total"] == 53 and figures["vacant_days_by_month"] == {"2026-09": 53}
    assert figures["rent_lost_total"] == 15733 and figures["rent_lost_by_unit"] == {"lade-botiltak": 15733}
    decision = next(t for t in figures["targets"] if t["id"] == "vedtak-30-dager")
    assert (decision["met"], decision["known"], decision["share_met"]) == (2, 2, 1.0)


def test_the_year_shows_the_case_processing_time_falling_and_the_30_day_target_missed(app):
    figures = get_json(app, "avdelingsleder.siri", YEAR)

    assert figures["case_processing_count"] == 14 and figures["case_processing_days_median"] == 19.5
    assert figures["trend"]["case_processing_days_median"]["direction"] == "down"
    decision = next(t for t in figures["targets"] if t["id"] == "vedtak-30-dager")
    assert decision["known"] == 14 and decision["target_share"] == 0.8 and decision["meets_target"] is False
    assert sum(figures["rent_lost_by_unit"].values()) - figures["rent_lost_total"] in (-1, 0, 1)
    assert sum(figures["vacant_days_by_month"].values()) == figures["vacant_days_total"]


def test_the_filters_narrow_the_vacancies_counted(app):
    everything = get_json(app, "konsulent.anne", YEAR)
    saupstad = get_json(app, "konsulent.anne", YEAR + "&unit=saupstad-bofellesskap")
    physical = get_json(app, "konsulent.anne", YEAR + "&target_group=fysisk_funksjonshemming")
    heimdal = get_json(app, "konsulent.anne", YEAR + "&welfare_office=Heimdal")

    assert [u["unit_id"] for u in everything["by_unit"]] == ["lade-botiltak", "saupstad-bofellesskap",
                                                              "sverresgate-botiltak"]
    assert [u["unit_id"] for u in saupstad["by_unit"]] == ["saupstad-bofellesskap"]
    assert saupstad["vacancies_reported"] < everything["vacancies_reported"]
    assert physical["rent_lost_total"] == saupstad["rent_lost_total"]  # only Saupstad serves that target group
    assert 0 < heimdal["vacancies_reported"] < everything["vacancies_reported"]
    assert saupstad["filters"]["unit"] == "saupstad-bofellesskap"


def test_a_unit_leader_sees_only_their_own_unit_and_is_refused_another(app):
    own = get_json(app, "leder.lade", YEAR)
    assert [u["unit_id"] for u in own["by_unit"]] == ["lade-botiltak"]
    assert list(own["rent_lost_by_unit"]) == ["lade-botiltak"]
    assert own == get_json(app, "konsulent.anne", YEAR + "&unit=lade-botiltak") | {"filters": own["filters"]}

    refused = get_json(app, "leder.lade", YEAR + "&unit=saupstad-bofellesskap", status=403)
    assert refused["feil"] == "Som enhetsleder ser du bare nøkkeltallene for ditt eget botiltak."


@pytest.mark.parametrize("username", ["hvk.midtbyen", "radgiver.per", "admin"])
def test_caseworkers_policy_officers_and_administrators_are_refused_and_the_attempt_is_logged(app, username):
    refused = get_json(app, username, status=403)
    assert refused["feil"].startswith("Nøkkeltallene er for boligtildelingen")
    for path in ("/api/v1/kpis.csv", "/api/v1/kpis.xlsx"):
        assert reader(app, username).get(path).status_code == 403
    with app.extensions["boligtildeling.store"].sessions() as session:
        denied = session.scalars(select(AuditEntry).where(AuditEntry.actor_username == username,
                                                          AuditEntry.action == "read_key_figures")).all()
    assert denied and all(e.outcome == "denied" for e in denied)


def test_without_a_login_the_answer_is_401(app):
    assert app.test_client().get("/api/v1/kpis").status_code == 401


@pytest.mark.parametrize("query, path", [("?from=2026-13-01", "from"), ("?from=2026-06-01&to=2026-05-01", "to"),
                                         ("?welfare_office=Oslo", "welfare_office"), ("?unit=finnes-ikke", "unit"),
                                         ("?target_group=barn", "target_group"), ("?from=2001-01-01", "to")])
def test_a_bad_period_or_filter_is_refused_naming_the_parameter(app, query, path):
    refused = get_json(app, "konsulent.anne", query, status=422)
    assert [p["path"] for p in refused["problemer"]] == [path]


def test_the_csv_has_a_header_row_and_one_figure_per_row(app):
    response = reader(app, "avdelingsleder.siri").get("/api/v1/kpis.csv" + YEAR + "&unit=lade-botiltak")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="nokkeltall-2026-01-01-2026-11-28.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == CSV_HEADER
    figures = get_json(app, "avdelingsleder.siri", YEAR + "&unit=lade-botiltak")
    total = next(r for r in rows if r[0] == "periode" and r[2] == "rent_lost_total")
    assert int(total[4]) == figures["rent_lost_total"] and total[5] == "kr"
    september = next(r for r in rows if r[0] == "maned" and r[1] == "2026-09" and r[2] == "vacant_days")
    assert september[4] == "53"


def test_the_excel_workbook_has_a_sheet_per_table_with_the_same_numbers(app):
    from openpyxl import load_workbook

    response = reader(app, "avdelingsleder.siri").get("/api/v1/kpis.xlsx" + YEAR)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))

    assert book.sheetnames == ["Sammendrag", "Per måned", "Per botiltak", "Steg i rutinen", "Frister og mål"]
    summary = {row[0]: row[1] for row in book["Sammendrag"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Saksbehandlingstid, median"] == 19.5 and summary["Periode"] == "1. januar 2026 – 28. november 2026"
    months = list(book["Per måned"].iter_rows(values_only=True))
    assert months[0][0] == "Måned" and months[1][0] == "januar 2026" and len(months) == 12
    units = {row[0]: row for row in book["Per botiltak"].iter_rows(min_row=2, values_only=True)}
    assert set(units) == {"Lade botiltak", "Saupstad bofellesskap", "Sverresgate botiltak"}
