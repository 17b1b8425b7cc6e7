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

The analysis itself is engine/impact.py; here are only reading and rendering.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from engine import read_case_file
from engine.errors import BoligtildelingError, CaseError, Problem
from engine.impact import NO_GROUP, NO_OFFICE, ImpactReport, PastCase
from engine.rules import Rulebook

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
        raise CaseError(Problem(path="vurderingsdato", message=f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD"))


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
    from engine.impact import analyse_impact, default_workers
    from engine.library import RulesLibrary

    library = RulesLibrary.load(rules_dir)
    draft = load_rules(draft_dir)
    if from_store:
        cases, problems = cases_from_store(database), []
    else:
        cases, problems = cases_from_path(cases_path, as_of or dt.date.today())
    if workers is None:
        workers = default_workers() if len(cases) >= 1000 else 1  # a pool costs more than it saves on a few cases
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

def render_html(report: ImpactReport, draft: Rulebook | None = None) -> str:
    """A self-contained page: summary, charts (inline SVG), the tables by group and the changed cases."""
    s = report.summary
    labels = _Labels(draft)
    cases = report.cases
    top_changed = cases[cases["top_changed"]]
    order_changed = cases[cases["order_changed"]]
    parts = [
        "<!doctype html>",
        '<html lang="nb"><head><meta charset="utf-8">',
        f"<title>Konsekvensanalyse: {_e(s.draft['label'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Konsekvensanalyse av regelverksutkast</h1>",
        f"<p>Utkast <strong>{_e(s.draft['label'])}</strong> (innholdshash <code>{_e(s.draft['content_hash'][:12])}"
        "</code>) sammenlignet med regelverket som gjaldt på hver saks vurderingsdato.</p>",
        "<h2>Sammendrag</h2>",
        _summary_table(report),
        "<h2>Hvem rykker opp og ned</h2>",
        "<h3>Etter målgruppe</h3>",
        bar_chart(report.by_target_group, "target_group", labels.group, "Kandidater som rykker opp og ned, "
                  "etter målgruppe"),
        "<h3>Etter helse- og velferdskontor</h3>",
        bar_chart(report.by_office, "welfare_office", labels.office, "Kandidater som rykker opp og ned, "
                  "etter helse- og velferdskontor"),
        "<h2>Etter målgruppe</h2>",
        "<p>En kandidat med flere målgrupper telles under hver av dem.</p>",
        _aggregate_table(report.by_target_group, "target_group", "Målgruppe", labels.group),
        "<h2>Etter helse- og velferdskontor</h2>",
        _aggregate_table(report.by_office, "welfare_office", "Helse- og velferdskontor", labels.office),
        f"<h2>Saker der førstekandidaten endres ({len(top_changed)})</h2>",
        _case_table(top_changed, report),
        f"<h2>Saker der rekkefølgen endres ({len(order_changed)})</h2>",
        _case_table(order_changed, report),
    ]
    if len(report.errors):
        parts += [f"<h2>Saker som ikke kunne vurderes ({len(report.errors)})</h2>",
                  "<table><thead><tr><th>Sak</th><th>Feil</th></tr></thead><tbody>"]
        parts += [f"<tr><td>{_e(r.case_id)}</td><td><pre>{_e(r.message)}</pre></td></tr>"
                  for r in report.errors.head(HTML_ROW_LIMIT).itertuples()]
        parts.append("</tbody></table>")
        parts.append(_limit_note(len(report.errors)))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def write_html(report: ImpactReport, path: Path, draft: Rulebook | None = None) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(render_html(report, draft), encoding="utf-8")


def bar_chart(frame: pd.DataFrame, key: str, label=str, title: str = "") -> str:
    """Horizontal grouped bars: per group, candidates moving up (green) and down (red). Inline SVG."""
    if frame.empty:
        return "<p>Ingen kandidater å vise.</p>"
    rows = list(frame[[key, "gained", "lost"]].itertuples(index=False))
    biggest = max([max(int(g), int(lo)) for _, g, lo in rows] + [1])
    label_w, bar_w, bar_h, gap, top = 220, 360, 14, 12, 34
    height = top + len(rows) * (2 * bar_h + gap) + 10
    width = label_w + bar_w + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-label="{_e(title)}">',
           f"<title>{_e(title)}</title>",
           f'<rect x="{label_w}" y="6" width="12" height="12" fill="#2e7d32"/>'
           f'<text x="{label_w + 16}" y="16" font-size="12">rykker opp</text>',
           f'<rect x="{label_w + 110}" y="6" width="12" height="12" fill="#c62828"/>'
           f'<text x="{label_w + 126}" y="16" font-size="12">rykker ned</text>']
    y = top
    for name, gained, lost in rows:
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" font-size="12" text-anchor="end">'
                   f"{_e(label(name))}</text>")
        for value, colour, offset in ((int(gained), "#2e7d32", 0), (int(lost), "#c62828", bar_h)):
            w = round(bar_w * value / biggest, 1)
            out.append(f'<rect x="{label_w}" y="{y + offset}" width="{w}" height="{bar_h - 2}" fill="{colour}">'
                       f"<title>{_e(label(name))}: {value} {'opp' if colour == '#2e7d32' else 'ned'}</title></rect>")
            out.append(f'<text x="{label_w + w + 4}" y="{y + offset + bar_h - 4}" font-size="11">{value}</text>')
        y += 2 * bar_h + gap
    out.append("</svg>")
    return "\n".join(out)


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


def _summary_table(report: ImpactReport) -> str:
    s = report.summary
    n = s.cases_evaluated
    pct = (lambda k: f" ({100 * k / n:.1f} %)".replace(".", ",")) if n else (lambda k: "")
    before = "; ".join(f"{v['label']} (gjelder fra {v['effective_from']}): {v['cases']} saker"
                       for v in s.versions_before) or "ingen"
    rows = [
        ("Saker vurdert", f"{n} av {s.cases_total}"),
        ("Saker der rekkefølgen endres", f"{s.cases_order_changed}{pct(s.cases_order_changed)}"),
        ("Saker der førstekandidaten endres", f"{s.cases_top_changed}{pct(s.cases_top_changed)}"),
        ("Kandidater som rykker opp / ned", f"{s.candidates_gained} / {s.candidates_lost} av {s.candidates}"),
        ("Saker som ikke kunne vurderes", str(s.cases_failed)),
        ("Regelverk før", before),
        ("Tid brukt", f"{s.seconds:.2f} s".replace(".", ",")),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary"><tbody>{body}</tbody></table>'


def _aggregate_table(frame: pd.DataFrame, key: str, heading: str, label) -> str:
    head = (f"<tr><th>{_e(heading)}</th><th>Kandidater</th><th>Saker</th><th>Rykker opp</th><th>Rykker ned</th>"
            "<th>Uendret</th><th>Blir førstekandidat</th><th>Mister førsteplassen</th><th>Poengendring i sum</th>"
            "<th>Poengendring i snitt</th></tr>")
    body = "".join(
        f"<tr><td>{_e(label(r[key]))}</td><td>{r['candidates']}</td><td>{r['cases']}</td><td>{r['gained']}</td>"
        f"<td>{r['lost']}</td><td>{r['unchanged']}</td><td>{r['became_top']}</td><td>{r['lost_top']}</td>"
        f"<td>{r['score_delta_sum']:+d}</td><td>{_signed(r['score_delta_mean'])}</td></tr>"
        for r in frame.to_dict("records"))
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _case_table(cases: pd.DataFrame, report: ImpactReport) -> str:
    if cases.empty:
        return "<p>Ingen.</p>"
    shown = cases.head(HTML_ROW_LIMIT)
    deltas = report.candidates[report.candidates["case_id"].isin(shown["case_id"])
                               & (report.candidates["score_delta"] != 0)]
    score_changes: dict[str, str] = {}
    for case_id, candidate, delta in zip(deltas["case_id"], deltas["candidate_id"], deltas["score_delta"]):
        score_changes[case_id] = (score_changes[case_id] + ", " if case_id in score_changes else "") \
            + f"{candidate} {int(delta):+d}"
    head = ("<tr><th>Sak</th><th>Vurderingsdato</th><th>Førstekandidat før → etter</th><th>Rekkefølge før</th>"
            "<th>Rekkefølge etter</th><th>Rykker opp</th><th>Rykker ned</th><th>Poengendringer</th></tr>")
    body = "".join(
        f"<tr><td>{_e(r.case_id)}</td><td>{r.as_of.isoformat()}</td>"
        f"<td>{_e(r.top_before or '(ingen)')} → {_e(r.top_after or '(ingen)')}</td>"
        f"<td>{_e(r.order_before)}</td><td>{_e(r.order_after)}</td><td>{_e(r.who_gains)}</td>"
        f"<td>{_e(r.who_loses)}</td><td>{_e(score_changes.get(r.case_id, ''))}</td></tr>"
        for r in shown.itertuples())
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>{_limit_note(len(cases))}"


def _limit_note(n: int) -> str:
    if n <= HTML_ROW_LIMIT:
        return ""
    return f"<p>Viser de første {HTML_ROW_LIMIT} av {n}; alle står i CSV-filen.</p>"


def _signed(x: float) -> str:
    return f"{x:+.2f}".replace(".", ",")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 75rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
table.summary th { background: #f7f7f7; font-weight: 600; }
pre { margin: 0; white-space: pre-wrap; }
svg { display: block; margin: 0.5rem 0 1rem; }
"""
