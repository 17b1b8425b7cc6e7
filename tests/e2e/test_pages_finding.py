"""Finding things (issue 10, item 11): search and sortable columns on the vacancy overview and the
waiting list, vacant days and rent lost per vacancy, the journal's changes as old → new, and the
tables on a phone. Through the test client on the demo data at its fixed time (28.11.2026)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from service.demo import DEMO_PASSWORD
from service.domain.metrics import metrics_from_timeline
from service.store.models import Vacancy, VacancyEvent
from support.http import serve
from support.pages import DEMO_NOW, Pages, applicant_id, applicants_by_office, checklist_form, demo_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("finding"))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


class Tables(HTMLParser):
    """Every table of a page: its caption, its headers (text, aria-sort, link) and its body rows (cell texts)."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell = self._where = None
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "headers": [], "rows": []})
        elif not self.tables:
            return
        elif tag in ("thead", "tbody"):
            self._where = tag
        elif tag == "caption":
            self._cell = ""
        elif tag == "tr" and self._where == "tbody":
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td"):
            self._cell, self._sort, self._link = "", attrs.get("aria-sort"), None
        elif tag == "br" and self._cell is not None:
            self._cell += " "
        elif tag == "a" and self._cell is not None:
            self._link = self._link or attrs.get("href")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if not self.tables or self._cell is None:
            return
        text = re.sub(r"[ \t\r\n]+", " ", self._cell).strip()  # a no-break space stays one
        if tag == "caption":
            self.tables[-1]["caption"], self._cell = text, None
        elif tag in ("th", "td"):
            if self._where == "thead":
                self.tables[-1]["headers"].append({"text": text, "aria_sort": self._sort, "href": self._link})
            else:
                self.tables[-1]["rows"][-1].append(text)
            self._cell = None


def tables(html: str) -> list[dict]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def first_column(html: str) -> list[str]:
    """The first cell of every body row of every table (the reference or the candidate id), in order."""
    return [row[0] for t in tables(html) for row in t["rows"] if len(row) > 1]


#: The demo's vacancies at different steps; the others are its history (moved in, for the key figures).
FOUR = ("LB-2026-030", "LB-2026-041", "LB-2026-057", "LB-2026-063")


def of_the_four(references: list[str]) -> list[str]:
    """The demo's four vacancies among `references`, in the order listed."""
    return [r for r in references if r in FOUR]


def column(html: str, label: str) -> list[str]:
    out = []
    for t in tables(html):
        heads = [h["text"].split(" (sorter")[0] for h in t["headers"]]
        out += [row[heads.index(label)] for row in t["rows"] if len(row) > 1]
    return out


def header(html: str, label: str) -> dict:
    return next(h for t in tables(html) for h in t["headers"] if h["text"].split(" (sorter")[0] == label)


def page(app, username: str, path: str) -> str:
    pages = Pages(app)
    pages.login(username)
    response = pages.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


# -- search ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("lb-2026-030", ["LB-2026-030"]),                        # the reference, any case
    ("sverresgate 4", ["LB-2026-057"]),                      # the home's address
    ("SAUPSTAD bofellesskap", ["LB-2026-063"]),              # the unit's name
    ("lade allé 103", ["LB-2026-041"]),                      # every word somewhere in the row
    ("lade", ["LB-2026-041", "LB-2026-030"]),
    ("Tromsø", []),
])
def test_the_overview_search_finds_vacancies_by_reference_address_and_unit(app, query, expected):
    html = page(app, "konsulent.anne", f"/ledige-boliger?q={query}")

    assert of_the_four(first_column(html)) == expected
    for t in tables(html):  # the history's vacancies are found by the same words, or not at all
        for row in t["rows"]:
            if len(row) > 1:
                assert all(word.casefold() in " ".join(row[:3]).casefold() for word in query.split()), row
    assert f'name="q" value="{query}"' in html


@pytest.mark.parametrize("query, expected", [("k-1187", ["K-1187"]), ("Lars Aune", ["K-1187"]),
                                             ("rønning", ["K-0954"]), ("INGRID", ["K-0954"]),
                                             ("K-15", ["K-1501", "K-1505", "K-1503", "K-1504", "K-1502"])])
def test_the_waiting_list_search_finds_applicants_by_candidate_id_and_name(app, query, expected):
    html = page(app, "konsulent.anne", f"/sokere?q={query}")

    assert first_column(html) == expected
    assert f"{len(expected)} av 12 søkere passer til søket «{query}»" in html


def test_a_caseworkers_search_never_finds_another_offices_applicant(app):
    others = [(code, name) for office, people in applicants_by_office(app).items() if office != "Heimdal"
              for code, name in people]
    pages = Pages(app)
    pages.login("hvk.heimdal")

    for code, name in others:
        for query in (code, name, name.split()[-1]):
            html = pages.get(f"/sokere?q={query}").get_data(as_text=True)
            assert first_column(html) == [], (query, first_column(html))
            assert f'href="/sokere/{applicant_id(app, code)}"' not in html
        assert first_column(pages.get(f"/ledige-boliger?q={name}").get_data(as_text=True)) == []
    own = pages.get("/sokere?q=arne kvam").get_data(as_text=True)
    assert first_column(own) == ["K-1501"]  # the office's own applicant is found


def test_a_long_search_is_cut_to_the_limit_and_the_page_still_answers(app):
    html = page(app, "konsulent.anne", "/sokere?q=" + "k" * 5000)

    value = re.search(r'name="q" value="([^"]*)" maxlength="(\d+)"', html)
    assert value.group(2) == "100" and value.group(1) == "k" * 100
    assert first_column(html) == []


# -- sorting -----------------------------------------------------------------------------------

def test_the_waiting_list_sorts_by_age_both_ways(app):
    up = column(page(app, "konsulent.anne", "/sokere?sorter=alder&retning=stigende"), "Alder")
    down = column(page(app, "konsulent.anne", "/sokere?sorter=alder&retning=synkende"), "Alder")

    assert [int(a) for a in up] == sorted(int(a) for a in up) and len(up) == 12
    assert [int(a) for a in down] == sorted((int(a) for a in up), reverse=True)


def test_the_waiting_list_sorts_names_and_offices_in_norwegian_order(app):
    offices = column(page(app, "konsulent.anne", "/sokere?sorter=kontor&retning=synkende"), "Kontor")
    names = column(page(app, "konsulent.anne", "/sokere?sorter=navn"), "Navn")

    assert list(dict.fromkeys(offices)) == ["Østbyen", "Midtbyen", "Lerkendal", "Heimdal"]
    assert names[:3] == ["Arne Kvam", "Emma Solheim", "Geir Strand"] and names[-1] == "Tor Eggen"


def test_the_overview_sorts_by_vacant_days_and_rent_lost(app):
    by_days = first_column(page(app, "konsulent.anne", "/ledige-boliger?sorter=dager&retning=synkende"))
    by_rent = first_column(page(app, "konsulent.anne", "/ledige-boliger?sorter=tapt&retning=stigende"))
    by_reference = first_column(page(app, "konsulent.anne", "/ledige-boliger?sorter=sak&retning=stigende"))

    # the closed cases (LB-2026-030: 47 days, and the history) have their own table below those in progress
    assert of_the_four(by_days) == ["LB-2026-041", "LB-2026-057", "LB-2026-063", "LB-2026-030"]
    assert of_the_four(by_rent) == ["LB-2026-063", "LB-2026-057", "LB-2026-041", "LB-2026-030"]
    assert of_the_four(by_reference) == ["LB-2026-041", "LB-2026-057", "LB-2026-063", "LB-2026-030"]
    closed = tables(page(app, "konsulent.anne", "/ledige-boliger?sorter=dager&retning=synkende"))[-1]
    days = [int(row[closed_column(closed, "Dager ledig")].split()[0]) for row in closed["rows"]]
    assert len(days) > 1 and days == sorted(days, reverse=True)
    assert sorted(by_reference[3:]) == by_reference[3:]


def closed_column(table: dict, label: str) -> int:
    return [h["text"].split(" (sorter")[0] for h in table["headers"]].index(label)


@pytest.mark.parametrize("query", ["sorter=__class__", "sorter=%3Cscript%3E&retning=synkende",
                                   "sorter=alder&retning=opp", "sorter=", "retning=synkende",
                                   "sorter=alder&sorter=navn", "q=%00%ff"])
def test_an_unknown_sort_key_or_direction_is_ignored(app, query):
    unsorted = first_column(page(app, "konsulent.anne", "/sokere"))

    html = page(app, "konsulent.anne", f"/sokere?{query}")

    if "sorter=alder" in query:
        ages = [int(a) for a in column(html, "Alder")]
        assert ages == sorted(ages)  # a known column with an unknown direction: ascending
    elif "q=" not in query:
        assert first_column(html) == unsorted
    assert page(app, "konsulent.anne", f"/ledige-boliger?{query}")


def test_a_header_link_toggles_the_direction_and_keeps_the_search_and_the_filters(app):
    html = page(app, "konsulent.anne", "/ledige-boliger?status=ready&malgruppe=rus&q=sverresgate&sorter=meldt")

    meldt, sak = header(html, "Meldt"), header(html, "Sak")
    assert meldt["aria_sort"] == "ascending" and sak["aria_sort"] is None
    assert [sum(1 for h in t["headers"] if h["aria_sort"]) for t in tables(html)] in ([1], [1, 1])  # one per table
    assert parse_qs(urlsplit(meldt["href"]).query) == {"status": ["ready"], "malgruppe": ["rus"],
                                                       "q": ["sverresgate"], "sorter": ["meldt"],
                                                       "retning": ["synkende"]}
    assert parse_qs(urlsplit(sak["href"]).query)["retning"] == ["stigende"]
    assert of_the_four(first_column(html)) == ["LB-2026-057"]  # the filters still apply with the search
    assert all("Sverresgate" in row[1] for t in tables(html) for row in t["rows"])
    assert '<input type="hidden" name="sorter" value="meldt">' in html  # a new search keeps the order

    down = page(app, "konsulent.anne", meldt["href"])
    assert header(down, "Meldt")["aria_sort"] == "descending"
    assert parse_qs(urlsplit(header(down, "Meldt")["href"]).query)["retning"] == ["stigende"]


def test_the_existing_filters_still_narrow_the_overview(app):
    assert first_column(page(app, "konsulent.anne", "/ledige-boliger?steg=open&sorter=sak")) == [
        "LB-2026-041", "LB-2026-063"]
    assert first_column(page(app, "konsulent.anne", "/ledige-boliger?status=being_prepared")) == [
        "LB-2026-063", "LB-2026-041"]


def test_the_waiting_list_header_links_sort_for_a_caseworker_too(app):
    html = page(app, "hvk.midtbyen", "/sokere?sorter=kandidat&retning=synkende")

    assert first_column(html) == ["K-3001", "K-1504", "K-1187"]
    assert header(html, "Kandidat")["aria_sort"] == "descending"


# -- vacant days and rent lost -----------------------------------------------------------------

def _measures(app) -> dict[str, tuple[int | None, int | None]]:
    """Vacant days and rent lost per reference, computed by service/domain/metrics.py from the timeline."""
    out = {}
    with app.extensions["boligtildeling.store"].sessions() as session:
        for vacancy in session.scalars(select(Vacancy)):
            events = session.execute(select(VacancyEvent.kind, VacancyEvent.data)
                                     .where(VacancyEvent.vacancy_id == vacancy.id)
                                     .order_by(VacancyEvent.at, VacancyEvent.id)).all()
            m = metrics_from_timeline(events, vacancy.monthly_rent, DEMO_NOW.date())
            out[vacancy.reference] = (m.vacant_days, m.rent_lost)
    return out


def _kroner(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u00a0") + " kr"


@pytest.mark.parametrize("username", ["konsulent.anne", "leder.lade", "hvk.ostbyen"])
def test_the_overview_shows_each_vacancys_vacant_days_and_rent_lost_as_the_measures_compute_them(app, username):
    html = page(app, username, "/ledige-boliger")
    measures = _measures(app)

    shown = dict(zip(first_column(html), zip(column(html, "Dager ledig"), column(html, "Tapt husleie"))))
    assert shown
    for reference, (days, rent) in shown.items():
        expected_days, expected_rent = measures[reference]
        assert days.split()[0] == str(expected_days) and rent == _kroner(expected_rent), reference
    if username == "konsulent.anne":
        assert shown["LB-2026-030"] == ("47", "13\u00a0630 kr")  # moved in: 47 days × 8 700 kr / 30
        assert shown["LB-2026-041"][0] == "14 til i dag"      # still vacant: counts to today


# -- the journal -------------------------------------------------------------------------------

def test_the_journal_shows_each_change_as_old_and_new_value_with_its_note(tmp_path):
    app = demo_app(tmp_path)
    try:
        pages = Pages(app)
        pages.login("hvk.midtbyen")
        aid = applicant_id(app, "K-1187")
        form = checklist_form(pages.get(f"/sokere/{aid}").get_data(as_text=True))
        old = form["bosituasjon"]
        assert old != "bostedslos"
        pages.post(f"/sokere/{aid}/sjekkliste", {**form, "bosituasjon": "bostedslos",
                                                  "note": "Mistet leiligheten 20. november."})
        form = checklist_form(pages.get(f"/sokere/{aid}").get_data(as_text=True))
        pages.post(f"/sokere/{aid}/sjekkliste", {**form, "bosituasjon": old, "akutt_fare": "ja",
                                                  "note": "Fikk bo hos søsteren sin."})
        anne = Pages(app)
        anne.login("konsulent.anne")
        html = anne.get(f"/sokere/{aid}").get_data(as_text=True)
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()

    journal = next(t for t in tables(html) if "Journalføringer" in t["caption"])
    first, change, back = journal["rows"]
    assert first[3] == "Sjekkliste ført"
    old_label = re.search(r'<option value="%s"[^>]*>([^<]+)</option>' % old, html).group(1)
    assert change[3] == f"Endret: Bosituasjon: {old_label} →, endret til bostedsløs"  # (the last part is for
    # screen readers; the arrow is hidden from them)
    assert change[4] == "Mistet leiligheten 20. november."
    assert f"Bosituasjon: bostedsløs →, endret til {old_label}" in back[3]
    assert "Akutt fare for liv eller helse i nåværende bosituasjon: nei →, endret til ja" in back[3]
    assert back[4] == "Fikk bo hos søsteren sin."
    assert re.search(r"<del>bostedsløs</del> <span aria-hidden=\"true\">→</span>", html)


# -- in a browser: the tables on a phone, screenshots ---------------------------------------------

from support.browser import ARTIFACTS  # noqa: E402


@pytest.mark.parametrize("username, path, shot", [
    ("konsulent.anne", "/ledige-boliger?sorter=dager&retning=synkende", "oversikt"),
    ("hvk.midtbyen", "/ledige-boliger?q=lade", "oversikt-saksbehandler"),
    ("konsulent.anne", "/sokere?sorter=alder&retning=synkende", "venteliste"),
    ("hvk.heimdal", "/sokere?q=k-15", "venteliste-saksbehandler"),
    ("konsulent.anne", "/sokere/2", "kandidat"),
])
def test_on_a_phone_the_tables_scroll_in_their_own_box_not_the_page(browser, app, username, path, shot):
    url, stop = serve(app)
    try:
        for width in (1280, 390):
            context = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(url + "/logg-inn")
            page.get_by_label("Brukernavn").fill(username)
            page.get_by_label("Passord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Logg inn").click()
            page.goto(url + path)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"finne-{shot}-{width}.png"), full_page=True)
            page_width = page.evaluate("document.documentElement.scrollWidth")
            boxes = page.evaluate("[...document.querySelectorAll('table')].map(t => t.parentElement.className)")
            context.close()
            assert page_width <= width, (path, width, page_width)
            assert boxes and all(b == "rull" for b in boxes), boxes
    finally:
        stop()
