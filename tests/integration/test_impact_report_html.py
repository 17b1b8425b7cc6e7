"""The impact report's HTML: hostile case ids, candidate ids, labels and messages are escaped wherever they land.

Case ids come from file names and CSV columns, candidate ids from the cases, labels from a
draft's vocabulary and messages quote the input: all of it is user input. The page is opened
by policy staff in a browser, so none of it may come out as markup, not in a table cell, an
attribute, a <pre> nor inside the SVG charts' <title> and <text>.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine import load_rules
from engine.policy.impact import PastCase, analyse_impact
from engine.evaluation.library import RulesLibrary
from service.reports import impact_report
from service.reports.impact_report import add_load_problems, bar_chart, render_html
from tests.support.cases import random_case

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><svg onload=x>'
HOSTILE = f"{SCRIPT}{BREAKOUT}'&amp;"
N_CASES = 80
VOID = {"meta", "link", "br", "hr", "img", "input"}  # never closed


class Page(HTMLParser):
    """Every element with its attributes, and every text with the elements it sits in."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        self.texts.append((tuple(self.open), data))

    def texts_in(self, *path: str) -> list[str]:
        """Texts whose innermost elements are `path` (e.g. 'rect', 'title')."""
        return [text for where, text in self.texts if where[-len(path):] == path]


def hostile_draft(folder: Path) -> Path:
    """The rules in force with other points, a hostile version label and hostile vocabulary labels."""
    shutil.copytree(ROOT / "rules", folder)
    label = HOSTILE.replace('"', "'")  # the version is a double-quoted YAML string
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace('versjon: "2026.1-eksempel"', f'versjon: "{label}"')
        path.write_text(text, encoding="utf-8")
    priorities = folder / "prioritering.yaml"
    text = priorities.read_text(encoding="utf-8")
    start = text.index("  - id: bostedslos\n")
    points = text.index("poeng: 30\n", start)
    priorities.write_text(text[:points] + "poeng: 70\n" + text[points + len("poeng: 30\n"):], encoding="utf-8")
    fields = folder / "felter.yaml"
    quoted = "'" + HOSTILE.replace("'", "''") + "'"  # single-quoted YAML
    text = fields.read_text(encoding="utf-8")
    for old, new in (("utviklingshemming: Utviklingshemming", f"utviklingshemming: {quoted}"),
                     ("psykisk_lidelse: Psykiske lidelser", f"psykisk_lidelse: {quoted}"),
                     ("Midtbyen: Midtbyen helse- og velferdskontor", f"Midtbyen: {quoted}"),
                     ("Heimdal: Heimdal helse- og velferdskontor", f"Heimdal: {quoted}")):
        assert old in text
        text = text.replace(old, new)
    fields.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    return load_rules(hostile_draft(tmp_path_factory.mktemp("utkast") / "utkast"))


@pytest.fixture(scope="module")
def report(draft):
    library = RulesLibrary.load(ROOT / "rules")
    rng = random.Random(4711)
    vocabulary = library.versions[0].vocabulary
    cases = []
    for i in range(N_CASES):
        as_of = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
        data = random_case(rng, vocabulary, 4, rng.randint(0, 6), as_of)
        for j, candidate in enumerate(data["kandidater"]):
            candidate["id"] = f"{HOSTILE}K{j}"
        cases.append(PastCase(f"{HOSTILE} sak {i}", data, as_of))
    cases.append(PastCase(f"{HOSTILE} ugyldig", {"ledig_bolig": HOSTILE}, dt.date(2026, 6, 1)))
    result = analyse_impact(cases, library, draft, workers=1)
    return add_load_problems(result, [(f"{HOSTILE} uleselig", f"saker.csv:3: {HOSTILE}")])


@pytest.fixture(scope="module")
def page(report, draft) -> str:
    return render_html(report, draft)


def test_the_scenario_reaches_every_part_of_the_page(report):
    s = report.summary
    assert s.cases_top_changed > 0 and s.cases_order_changed > 0 and len(report.errors) == 2
    assert s.draft["label"].startswith("<script>")


def test_nothing_from_the_input_comes_out_as_markup(page):
    assert "<script" not in page.lower()
    assert "<svg onload" not in page.lower() and BREAKOUT not in page
    parsed = Page(page)
    assert not [tag for tag, _ in parsed.elements if tag == "script"]
    assert not [(tag, name) for tag, attrs in parsed.elements for name in attrs if name.startswith("on")]
    # the escaped form is there, so the values were shown rather than dropped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_hostile_text_is_shown_as_text_in_every_place_it_lands(page):
    parsed = Page(page)
    places = {
        "the page title": parsed.texts_in("head", "title"),
        "the draft label": parsed.texts_in("p", "strong"),
        "a table cell": parsed.texts_in("td"),
        "an error message": parsed.texts_in("td", "pre"),
        "a chart label": parsed.texts_in("svg", "text"),
        "a bar's tooltip": parsed.texts_in("svg", "rect", "title"),
    }
    for place, texts in places.items():  # the draft label has ' for " (see hostile_draft)
        assert any(SCRIPT in text and "><svg onload=x>" in text for text in texts), place
    attributes = [value for _, attrs in parsed.elements for value in attrs.values()]
    assert not any(SCRIPT in (value or "") for value in attributes)


def test_the_charts_and_tables_are_there(page, report):
    parsed = Page(page)
    tags = [tag for tag, _ in parsed.elements]
    assert tags.count("svg") == 2
    assert tags.count("table") == 6  # summary, by group, by office, top changed, order changed, errors
    charts = [attrs for tag, attrs in parsed.elements if tag == "svg"]
    assert [c["aria-label"] for c in charts] == ["Kandidater som rykker opp og ned, etter målgruppe",
                                                 "Kandidater som rykker opp og ned, etter helse- og velferdskontor"]
    fills = {attrs.get("fill") for tag, attrs in parsed.elements if tag == "rect"}
    assert fills == {"#2e7d32", "#c62828"}
    assert parsed.texts_in("svg", "text").count("rykker opp") == 2
    s = report.summary
    for heading in ("Sammendrag", "Etter målgruppe", "Etter helse- og velferdskontor",
                    f"Saker der førstekandidaten endres ({s.cases_top_changed})",
                    f"Saker der rekkefølgen endres ({s.cases_order_changed})",
                    f"Saker som ikke kunne vurderes ({len(report.errors)})"):
        assert heading in parsed.texts_in("h2"), heading
    rows = parsed.texts_in("td")
    assert f"{s.cases_evaluated} av {s.cases_total}" in rows
    assert any(text.startswith("+") or text.startswith("-") for text in rows)  # signed score changes


def test_the_page_is_self_contained(page):
    parsed = Page(page)
    assert not [attrs for tag, attrs in parsed.elements if tag in ("link", "script", "img", "iframe")]
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<style>" in page


def test_long_tables_stop_at_the_row_limit_and_say_so(report, draft, monkeypatch):
    monkeypatch.setattr(impact_report, "HTML_ROW_LIMIT", 2)
    page = render_html(report, draft)
    n = report.summary.cases_order_changed
    assert n > 2
    section = page.split(f"<h2>Saker der rekkefølgen endres ({n})</h2>", 1)[1].split("<h2>", 1)[0]
    assert section.count("<tr>") == 1 + 2  # the header row and two cases
    assert f"<p>Viser de første 2 av {n}; alle står i CSV-filen.</p>" in section


def test_without_the_draft_codes_are_shown_and_escaped_too(report):
    page = render_html(report)
    assert "<script" not in page.lower() and "&lt;script&gt;" in page


def test_a_chart_on_its_own_escapes_its_title_and_says_so_when_empty(report):
    chart = bar_chart(report.by_office, "welfare_office", title=HOSTILE)
    assert type(chart) is str and chart.startswith("<svg") and "<script" not in chart
    assert "aria-label=\"&lt;script&gt;" in chart
    empty = bar_chart(report.by_office.iloc[0:0], "welfare_office", title=HOSTILE)
    assert "Ingen kandidater å vise." in empty


def test_the_report_module_does_not_need_flask():
    code = "import sys, service.reports.impact_report; sys.exit('flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
