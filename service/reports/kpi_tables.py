"""The key figures (nøkkeltall) as tables in bokmål: for the page, the CSV download and the Excel workbook.

One set of tables, three forms, so the page, the CSV and the workbook show the same
numbers under the same headings. The figures come from
service/casework/kpis.key_figures (computed in service/domain/kpis.py).

    summary_rows(figures)            (what, value, unit) for the whole period
    month_table / unit_table /       (headers, rows) for one breakdown
    step_table / target_table
    to_csv(figures)                  one long table: scope, what it is for, key, bokmål name, value, unit
    to_xlsx(figures)                 a workbook: Sammendrag, Per måned, Per botiltak, Steg i rutinen, Frister og mål

The CSV is for machines: comma-separated, decimal point, UTF-8, one header row
(RFC 4180). People open the workbook, where numbers are numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
SHORT_MONTHS = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")

#: key -> (bokmål name, unit): every figure of one row (the period, a month, a unit)
MEASURES: dict[str, tuple[str, str]] = {
    "vacancies_reported": ("Boliger meldt ledige", "antall"),
    "vacancies_decided": ("Vedtak om tildeling", "antall"),
    "vacancies_moved_in": ("Innflyttinger", "antall"),
    "case_processing_days_median": ("Saksbehandlingstid, median", "dager"),
    "case_processing_days_p90": ("Saksbehandlingstid, 90-persentil", "dager"),
    "vacant_days": ("Ledige dager", "dager"),
    "vacant_days_per_vacancy_median": ("Ledige dager per bolig, median", "dager"),
    "vacant_days_per_vacancy_p90": ("Ledige dager per bolig, 90-persentil", "dager"),
    "rent_lost": ("Tomgangstap", "kr"),
}
#: the whole period's figures under their own keys in the answer
TOTALS: dict[str, tuple[str, str]] = {
    "vacancies_reported": MEASURES["vacancies_reported"],
    "vacancies_decided": MEASURES["vacancies_decided"],
    "vacancies_moved_in": MEASURES["vacancies_moved_in"],
    "vacancies_vacant_at_end": ("Boliger som står tomme ved periodens slutt", "antall"),
    "case_processing_days_median": MEASURES["case_processing_days_median"],
    "case_processing_days_p90": MEASURES["case_processing_days_p90"],
    "vacant_days_total": MEASURES["vacant_days"],
    "vacant_days_per_vacancy_median": MEASURES["vacant_days_per_vacancy_median"],
    "vacant_days_per_vacancy_p90": MEASURES["vacant_days_per_vacancy_p90"],
    "rent_lost_total": MEASURES["rent_lost"],
}
DIRECTIONS = {"down": "synkende", "up": "stigende", "flat": "omtrent uendret"}


def month_label(key: str, short: bool = False) -> str:
    """'2026-03' -> 'mars 2026' (short: 'mar')."""
    year, month = int(key[:4]), int(key[5:])
    return SHORT_MONTHS[month - 1] if short else f"{MONTHS[month - 1]} {year}"


def day_label(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def period_label(figures: dict) -> str:
    return f"{day_label(figures['period']['from'])} – {day_label(figures['period']['to'])}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def shown(value: Any, unit: str = "") -> str:
    """A figure as a page shows it: decimal comma, spaces between thousands, '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        text = (f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}")
    else:
        text = f"{value:,}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0kr" if unit == "kr" else text


def summary_rows(figures: dict) -> list[tuple[str, Any, str]]:
    return [(name, figures[key], unit) for key, (name, unit) in TOTALS.items()]


def _target_columns(figures: dict) -> list[tuple[str, str]]:
    return [(t["id"], f"Nådde fristen: {t['name']} (andel)") for t in figures["targets"]]


def month_table(figures: dict) -> tuple[list[str], list[list[Any]]]:
    targets = _target_columns(figures)
    headers = ["Måned", *(name for name, _unit in MEASURES.values()), *(label for _id, label in targets)]
    rows = [[month_label(row["month"]), *(row[key] for key in MEASURES),
             *(row["targets"][tid]["share_met"] for tid, _label in targets)] for row in figures["by_month"]]
    return headers, rows


def unit_table(figures: dict) -> tuple[list[str], list[list[Any]]]:
    headers = ["Botiltak", *(name for name, _unit in MEASURES.values())]
    rows = [[row["unit_name"], *(row[key] for key in MEASURES)] for row in figures["by_unit"]]
    return headers, rows


def step_table(figures: dict) -> tuple[list[str], list[list[Any]]]:
    headers = ["Fra steg", "Til steg", "Antall boliger", "Dager, median", "Dager, 90-persentil"]
    rows = [[*step["label"].split(" → ", 1), step["count"], step["median_days"], step["p90_days"]]
            for step in figures["steps"]]
    return headers, rows


def target_table(figures: dict) -> tuple[list[str], list[list[Any]]]:
    headers = ["Frist", "Lengde", "Nådd i tide", "Kjent", "Andel nådd", "Mål (andel)", "Målet nådd",
               "Tid brukt, median"]
    rows = [[t["name"], t["length"], t["met"], t["known"], t["share_met"], t["target_share"],
             None if t["meets_target"] is None else ("ja" if t["meets_target"] else "nei"), t["took_median"]]
            for t in figures["targets"]]
    return headers, rows


def filter_rows(figures: dict, unit_names: dict[str, str] | None = None,
                group_labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    chosen = figures["filters"]
    unit_names, group_labels = unit_names or {}, group_labels or {}
    units = chosen.get("units")
    unit = (", ".join(unit_names.get(u, u) for u in units) if units else "alle")
    return [("Periode", period_label(figures)), ("Botiltak", unit),
            ("Helse- og velferdskontor", chosen["welfare_office"] or "alle"),
            ("Målgruppe", group_labels.get(chosen["target_group"], chosen["target_group"] or "alle"))]


# -- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = ["omfang", "gjelder", "nokkeltall", "beskrivelse", "verdi", "enhet"]


def long_rows(figures: dict) -> list[list[Any]]:
    """Every figure on a row of its own: (scope, what it is for, key, bokmål name, value, unit)."""
    period = f"{figures['period']['from']}/{figures['period']['to']}"
    rows: list[list[Any]] = [["periode", period, key, name, figures[key], unit] for key, (name, unit) in TOTALS.items()]
    for t in figures["targets"]:
        rows.append(["frist", t["id"], "share_met", f"Andel som nådde fristen: {t['name']}", t["share_met"], "andel"])
        rows.append(["frist", t["id"], "met", f"Nådde fristen: {t['name']}", t["met"], "antall"])
        rows.append(["frist", t["id"], "known", f"Nådd milepælen (grunnlaget): {t['name']}", t["known"], "antall"])
        if t["target_share"] is not None:
            rows.append(["frist", t["id"], "target_share", f"Mål (andel): {t['name']}", t["target_share"], "andel"])
    for step in figures["steps"]:
        which = f"{step['since']}-{step['until']}"
        rows.append(["steg", which, "median_days", f"{step['label']}, median", step["median_days"], "dager"])
        rows.append(["steg", which, "p90_days", f"{step['label']}, 90-persentil", step["p90_days"], "dager"])
        rows.append(["steg", which, "count", f"{step['label']}, antall boliger", step["count"], "antall"])
    for scope, key, table in (("botiltak", "unit_id", figures["by_unit"]), ("maned", "month", figures["by_month"])):
        for row in table:
            for measure, (name, unit) in MEASURES.items():
                rows.append([scope, row[key], measure, name, row[measure], unit])
    for row in figures["by_month"]:
        for tid, cell in row["targets"].items():
            rows.append(["maned", row["month"], f"share_met:{tid}", "Andel som nådde fristen", cell["share_met"],
                         "andel"])
    return rows


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in a spreadsheet
    return value


def to_csv(figures: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in long_rows(figures):
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


# -- Excel ---------------------------------------------------------------------------------------

def to_xlsx(figures: dict, unit_names: dict[str, str] | None = None,
            group_labels: dict[str, str] | None = None) -> bytes:
    """The workbook: one sheet per table, the heading row bold and frozen, shares as per cent."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = "Sammendrag"
    summary.append(["Nøkkeltall for tildeling av kommunale utleieboliger med tjenester"])
    summary["A1"].font = Font(bold=True, size=13)
    for label, value in filter_rows(figures, unit_names, group_labels):
        summary.append([label, value])
    summary.append([])
    summary.append(["Nøkkeltall", "Verdi", "Enhet"])
    summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    for name, value, unit in summary_rows(figures):
        summary.append([name, value, unit])
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 40
    for title, (headers, rows) in (("Per måned", month_table(figures)), ("Per botiltak", unit_table(figures)),
                                   ("Steg i rutinen", step_table(figures)), ("Frister og mål", target_table(figures))):
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 34
        for column, header in enumerate(headers, start=1):
            if "andel" in header.lower() or header.startswith("Mål"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "0 %"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
