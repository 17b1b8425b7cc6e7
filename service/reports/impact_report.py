"""The impact report (konsekvensanalyse) for policy officers: past cases in, CSV and HTML out.

Where past cases come from:

- a case file (YAML or JSON, as for `boligtildeling rank`), or a folder of them
  (searched recursively); a file may carry its own assessment date in a
  top-level `vurderingsdato: ÅÅÅÅ-MM-DD` (taken off before the case is
  validated), else the default date is used;
- a CSV file with one case per row: column `sak` holds the case as JSON,
  optional columns `id` (the case's name in the report) and `vurderingsdato`;
  the English names `case`, `case_id` and `as_of` are accepted too;
- the store (`--from-store`): the latest recommendation (innstilling) of each
  vacancy, with its exact input case and its recommendation date.

The analysis itself is engine/policy/impact.py; here are only reading and rendering.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from engine import read_case_file
from engine.errors import BoligtildelingError, CaseError, Problem
from engine.policy.impact import NO_GROUP, NO_OFFICE, ImpactReport, PastCase
from engine.language.rules import Rulebook
from engine.language.validation_messages import not_a_date

CASE_SUFFIXES = (".yaml", ".yml", ".json")
DATE_KEYS = ("vurderingsdato", "as_of")
CASE_COLUMNS = ("sak", "case")
ID_COLUMNS = ("id", "case_id")
HTML_ROW_LIMIT = 500

LoadProblem = tuple[str, str]  # (case id, message)


# -- reading past cases ------------------------------------------------------------------------

def cases_from_path(path: Path, default_as_of: dt.date) -> tuple[list[PastCase], list[LoadProblem]]:
    """Cases from a case file, a folder of case files or a CSV file; problems are per case, not fatal."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)
        cases, problems = [], []
        for file in files:
            found, problem = _case_file(file, str(file.relative_to(path)), default_as_of)
            if found:
                cases.append(found)
            else:
                problems.append(problem)
        return cases, problems
    if not path.is_file():
        raise CaseError(Problem(path="", message="finnes ikke (ventet en saksfil, en mappe eller en CSV-fil)",
                                file=str(path)))
    if path.suffix.lower() == ".csv":
        return _csv_cases(path, default_as_of)
    found, problem = _case_file(path, path.name, default_as_of)
    return ([found], []) if found else ([], [problem])


def _case_file(file: Path, case_id: str, default_as_of: dt.date) -> tuple[PastCase | None, LoadProblem | None]:
    try:
        data, _doc = read_case_file(file)
        data, as_of = _take_date(data, default_as_of)
    except BoligtildelingError as exc:
        return None, (case_id, str(exc))
    return PastCase(case_id, data, as_of), None


def _take_date(data: Any, default_as_of: dt.date) -> tuple[Any, dt.date]:
    if not isinstance(data, dict) or not any(k in data for k in DATE_KEYS):
        return data, default_as_of
    data = dict(data)
    value = None
    for key in DATE_KEYS:
        value = data.pop(key, value)
    return data, _parse_date(value)


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CaseError(Problem(path="vurderingsdato", message=not_a_date(value)))


def _csv_cases(path: Path, default_as_of: dt.date) -> tuple[list[PastCase], list[LoadProblem]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames or []
        case_column = next((c for c in CASE_COLUMNS if c in columns), None)
        if case_column is None:
            raise CaseError(Problem(path="", file=str(path), message="CSV-filen mangler kolonnen 'sak' "
                                    "(saken som JSON); valgfrie kolonner: 'id' og 'vurderingsdato'"))
        id_column = next((c for c in ID_COLUMNS if c in columns), None)
        date_column = next((c for c in DATE_KEYS if c in columns), None)
        cases, problems = [], []
        for line, row in enumerate(reader, start=2):
            case_id = (row.get(id_column) or "").strip() if id_column else ""
            case_id = case_id or f"{path.name}:{line}"
            try:
                data = json.loads(row[case_column] or "")
            except json.JSONDecodeError as exc:
                problems.append((case_id, f"{path.name}:{line}: kolonnen '{case_column}' er ikke gyldig JSON "
                                          f"({exc.msg}, tegn {exc.pos + 1})"))
                continue
            try:
                raw_date = (row.get(date_column) or "").strip() if date_column else ""
                as_of = _parse_date(raw_date) if raw_date else default_as_of
                data, as_of = _take_date(data, as_of)
            except CaseError as exc:
                problems.append((case_id, f"{path.name}:{line}: {exc.problems[0].message}"))
                continue
            cases.append(PastCase(case_id, data, as_of))
        return cases, problems


def cases_from_store(url: str | None = None) -> list[PastCase]:
    """The latest recommendation of each vacancy: its exact input case, as of its recommendation date."""
    from sqlalchemy import select

    from service.store.database import database_url, make_engine, make_session_factory
    from service.store.models import Recommendation

    engine = make_engine(url or database_url())
    try:
        with make_session_factory(engine)() as session:
            latest: dict[int, Recommendation] = {}
            for rec in session.scalars(select(Recommendation).order_by(Recommendation.id)):
                latest[rec.vacancy_id] = rec
            return [PastCase(_store_id(rec), rec.input, rec.as_of)
                    for rec in sorted(latest.values(), key=lambda r: r.id)]
    finally:
        engine.dispose()


def _store_id(rec) -> str:
    vacancy = (rec.input.get("ledig_bolig") or {}).get("id") if isinstance(rec.input, dict) else None
    return f"{vacancy} (innstilling {rec.id})" if vacancy else f"innstilling {rec.id}"


def add_load_problems(report: ImpactReport, problems: list[LoadProblem]) -> ImpactReport:
    """Cases that could not even be read count as cases that could not be evaluated."""
    if problems:
        extra = pd.DataFrame.from_records(problems, columns=["case_id", "message"])
        report.errors = pd.concat([extra, report.errors], ignore_index=True) if len(report.errors) else extra
        report.summary.cases_failed += len(problems)
        report.summary.cases_total += len(problems)
    return report


# -- the whole run (the CLI command) ------------------------------------------------------------------

def run_impact(draft_dir: Path, rules_dir: Path, cases_path: Path | None = None, from_store: bool = False,
               as_of: dt.date | None = None, workers: int | None = None, database: str | None = None):
    """Load the rules in force and the draft, read the past cases, analyse: (report, draft).

    Raises BoligtildelingError (RulesError for a broken draft or rules folder, CaseError for an
    unreadable cases file).
    """
    from engine import load_rules
    from engine.evaluation.gc_pause import paused_gc
    from engine.policy.impact import analyse_impact, default_workers
    from engine.evaluation.library import RulesLibrary

    library = RulesLibrary.load(rules_dir)
    draft = load_rules(draft_dir)
    if from_store:
        cases, problems = cases_from_store(database), []
    else:
        cases, problems = cases_from_path(cases_path, as_of or dt.date.today())
    if workers is None:
        # A pool costs more than it saves on a few cases: `benchmarks/impact_benchmark.py 300` gave 0.20 s in
        # one process and 0.24 s in two on this 2-core machine.
        workers = default_workers() if len(cases) >= 1000 else 1
    with paused_gc():  # the command's own process: no other request to slow down
        report = analyse_impact(cases, library, draft, workers=workers)
    return add_load_problems(report, problems), draft


def error_lines(report: ImpactReport, limit: int = 5) -> list[str]:
    """The first cases that could not be evaluated, with why (for stderr)."""
    lines = [f"{r.case_id}: {r.message}" for r in report.errors.head(limit).itertuples()]
    if len(report.errors) > limit:
        lines.append(f"... og {len(report.errors) - limit} til (alle står i HTML-rapporten)")
    return lines


# -- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS = {
    "case_id": "sak", "as_of": "vurderingsdato", "version_before": "regelverk_for", "candidate_id": "kandidat",
    "welfare_office": "hvk", "target_groups": "malgrupper", "rank_before": "plass_for", "rank_after": "plass_etter",
    "rank_change": "plasser_opp", "movement": "bevegelse", "score_before": "poeng_for",
    "score_after": "poeng_etter", "score_delta": "poengendring", "eligible_before": "kan_tildeles_for",
    "eligible_after": "kan_tildeles_etter", "consultation_before": "drofting_for",
    "consultation_after": "drofting_etter", "top_before": "forstekandidat_for",
    "top_after": "forstekandidat_etter", "order_changed": "rekkefolge_endret",
    "top_changed": "forstekandidat_endret",
}


def write_csv(report: ImpactReport, path: Path) -> None:
    """One row per case and candidate (UTF-8 with BOM, so a spreadsheet reads æøå right)."""
    frame = report.candidates[list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
    frame = frame.assign(malgrupper=frame["malgrupper"].map(";".join),
                         vurderingsdato=frame["vurderingsdato"].map(lambda d: d.isoformat()))
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "ja", False: "nei"})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig")


# -- HTML ------------------------------------------------------------------------------------------
#
# The page is templates/impact.html (texts, layout, inline CSS) with the pieces in
# templates/impact_macros.html (tables, SVG bar chart). Everything a template shows is
# worked out here first: which rows, the labels, signed and Norwegian-formatted numbers,
# the chart's geometry. Case ids, candidate ids, labels and messages are user input; the
# environment autoescapes every value, in HTML as in the SVG's <title> and <text>.

TEMPLATES = Path(__file__).with_name("templates")
GAINED_COLOUR = "#2e7d32"
LOST_COLOUR = "#c62828"
NO_CANDIDATE = "(ingen)"


def render_html(report: ImpactReport, draft: Rulebook | None = None) -> str:
    """A self-contained page: summary, charts (inline SVG), the tables by group and the changed cases."""
    s = report.summary
    labels = _Labels(draft)
    cases = report.cases
    return _environment().get_template("impact.html").render(
        draft_label=s.draft["label"],
        content_hash=s.draft["content_hash"][:12],
        summary=_summary(report),
        group_chart=_chart(report.by_target_group, "target_group", labels.group),
        office_chart=_chart(report.by_office, "welfare_office", labels.office),
        by_group=_aggregate_rows(report.by_target_group, "target_group", labels.group),
        by_office=_aggregate_rows(report.by_office, "welfare_office", labels.office),
        top_changed=_case_rows(cases[cases["top_changed"]], report),
        order_changed=_case_rows(cases[cases["order_changed"]], report),
        errors=_error_rows(report.errors),
    )


def write_html(report: ImpactReport, path: Path, draft: Rulebook | None = None) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(render_html(report, draft), encoding="utf-8")


def bar_chart(frame: pd.DataFrame, key: str, label=str, title: str = "") -> str:
    """One chart on its own, for a caller that composes its own page; the report uses the same macro."""
    return str(_macros().bar_chart(_chart(frame, key, label), title))


@functools.cache
def _environment() -> jinja2.Environment:
    """Standalone, not Flask's: the CLI renders the report with no app around it.

    Autoescape is on for every template (the values are user input); StrictUndefined makes a
    misspelt name in a template fail the render instead of leaving a silent gap in the report.
    """
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _macros():
    return _environment().get_template("impact_macros.html").module


class _Labels:
    """Codes as a reader knows them (the vocabulary's labels), when the draft is at hand."""

    def __init__(self, book: Rulebook | None):
        self.vocabulary = book.vocabulary if book is not None else None

    def group(self, code: str) -> str:
        if self.vocabulary is None or code == NO_GROUP:
            return code
        return self.vocabulary.label_of_value("kandidat.malgrupper", code)

    def office(self, code: str) -> str:
        if self.vocabulary is None or code == NO_OFFICE:
            return code
        return self.vocabulary.label_of_value("kandidat.hvk", code)


@dataclass(frozen=True)
class _Summary:
    """The summary's values as printed; the row headings are the template's."""

    evaluated: str
    order_changed: str
    top_changed: str
    moved: str
    failed: str
    versions_before: str
    seconds: str


def _summary(report: ImpactReport) -> _Summary:
    s = report.summary
    n = s.cases_evaluated

    def share(k: int) -> str:
        return f"{k} ({_decimal(100 * k / n, 1)} %)" if n else str(k)

    before = "; ".join(f"{v['label']} (gjelder fra {v['effective_from']}): {v['cases']} saker"
                       for v in s.versions_before)
    return _Summary(
        evaluated=f"{n} av {s.cases_total}",
        order_changed=share(s.cases_order_changed),
        top_changed=share(s.cases_top_changed),
        moved=f"{s.candidates_gained} / {s.candidates_lost} av {s.candidates}",
        failed=str(s.cases_failed),
        versions_before=before or "ingen",
        seconds=f"{_decimal(s.seconds, 2)} s",
    )


@dataclass(frozen=True)
class _Rows:
    """The rows a table shows (at most HTML_ROW_LIMIT) and how many there were: the rest are in the CSV."""

    rows: list[tuple]
    total: int
    limit: int

    @property
    def truncated(self) -> bool:
        return self.total > self.limit


def _aggregate_rows(frame: pd.DataFrame, key: str, label) -> list[tuple]:
    return [(label(r[key]), r["candidates"], r["cases"], r["gained"], r["lost"], r["unchanged"], r["became_top"],
             r["lost_top"], f"{r['score_delta_sum']:+d}", _signed(r["score_delta_mean"]))
            for r in frame.to_dict("records")]


def _case_rows(cases: pd.DataFrame, report: ImpactReport) -> _Rows:
    shown = cases.head(HTML_ROW_LIMIT)
    changes = _score_changes(report.candidates, shown["case_id"])
    rows = [(r.case_id, r.as_of.isoformat(), f"{r.top_before or NO_CANDIDATE} → {r.top_after or NO_CANDIDATE}",
             r.order_before, r.order_after, r.who_gains, r.who_loses, changes.get(r.case_id, ""))
            for r in shown.itertuples()]
    return _Rows(rows, len(cases), HTML_ROW_LIMIT)


def _score_changes(candidates: pd.DataFrame, case_ids: pd.Series) -> dict[str, str]:
    """Per case, the candidates whose score the draft changes, as 'K-1 +12, K-2 -5' (in candidate order)."""
    changed = candidates[candidates["case_id"].isin(case_ids) & (candidates["score_delta"] != 0)]
    by_case: dict[str, list[str]] = {}
    for case_id, candidate, delta in zip(changed["case_id"], changed["candidate_id"], changed["score_delta"]):
        by_case.setdefault(case_id, []).append(f"{candidate} {int(delta):+d}")
    return {case_id: ", ".join(parts) for case_id, parts in by_case.items()}


def _error_rows(errors: pd.DataFrame) -> _Rows:
    rows = [(r.case_id, r.message) for r in errors.head(HTML_ROW_LIMIT).itertuples()]
    return _Rows(rows, len(errors), HTML_ROW_LIMIT)


# The bar chart: per group two bars, candidates moving up and down, scaled to the largest count.

@dataclass(frozen=True)
class _Bar:
    y: int
    width: float
    height: int
    colour: str
    word: str  # "opp" or "ned", for the legend and the tooltip
    value: int
    value_x: float
    value_y: int


@dataclass(frozen=True)
class _ChartRow:
    label: str
    label_y: int
    bars: tuple[_Bar, ...]


@dataclass(frozen=True)
class _LegendItem:
    x: int
    text_x: int
    colour: str
    word: str


@dataclass(frozen=True)
class _Chart:
    width: int
    height: int
    bar_x: int
    label_x: int
    legend: tuple[_LegendItem, ...]
    rows: tuple[_ChartRow, ...]


_SERIES = (("gained", "opp", GAINED_COLOUR), ("lost", "ned", LOST_COLOUR))
_LABEL_W, _BAR_W, _BAR_H, _GAP, _TOP = 220, 360, 14, 12, 34
_LEGEND_STEP = 110


def _chart(frame: pd.DataFrame, key: str, label=str) -> _Chart | None:
    """The geometry of one chart (None when there is nothing to draw: the template says so in words)."""
    if frame.empty:
        return None
    counts = [(label(r[key]), [int(r[column]) for column, _, _ in _SERIES]) for r in frame.to_dict("records")]
    biggest = max([max(values) for _, values in counts] + [1])
    rows, y = [], _TOP
    for name, values in counts:
        bars = []
        for i, ((_, word, colour), value) in enumerate(zip(_SERIES, values)):
            width = round(_BAR_W * value / biggest, 1)
            offset = i * _BAR_H
            bars.append(_Bar(y=y + offset, width=width, height=_BAR_H - 2, colour=colour, word=word, value=value,
                             value_x=_LABEL_W + width + 4, value_y=y + offset + _BAR_H - 4))
        rows.append(_ChartRow(label=name, label_y=y + _BAR_H + 4, bars=tuple(bars)))
        y += len(_SERIES) * _BAR_H + _GAP
    legend = tuple(_LegendItem(x=_LABEL_W + i * _LEGEND_STEP, text_x=_LABEL_W + i * _LEGEND_STEP + 16,
                               colour=colour, word=word) for i, (_, word, colour) in enumerate(_SERIES))
    return _Chart(width=_LABEL_W + _BAR_W + 60, height=_TOP + len(rows) * (len(_SERIES) * _BAR_H + _GAP) + 10,
                  bar_x=_LABEL_W, label_x=_LABEL_W - 8, legend=legend, rows=tuple(rows))


def _decimal(x: float, places: int) -> str:
    return f"{x:.{places}f}".replace(".", ",")


def _signed(x: float) -> str:
    return f"{x:+.2f}".replace(".", ",")
