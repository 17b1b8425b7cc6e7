"""`/nokkeltall`: the key figures as a page, with charts drawn on the server, for those who may see them."""

from __future__ import annotations

import re

import pytest

from support.browser import Person
from support.pages import Pages, demo_app

SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("kpi-pages"))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def page_as(app, username: str, query: str = ""):
    pages = Pages(app)
    pages.login(username)
    return pages.get("/nokkeltall" + query)


def test_the_head_of_allocation_sees_charts_with_titles_and_text_and_nothing_fetched_from_outside(app):
    response = page_as(app, "avdelingsleder.siri")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    charts = SVG.findall(html)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart and "aria-labelledby=" in chart
        assert re.search(r"<title id=\"[^\"]+-tittel\">[^<]+</title>", chart)
        assert re.search(r"<desc id=\"[^\"]+-beskrivelse\">[^<]+</desc>", chart)
        assert "<script" not in chart and "<style" not in chart
    assert "Saksbehandlingstid per måned (median, dager fra meldt til vedtak)" in html
    assert "frist: 30 dager" in html  # the target line of the decision deadline
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I)  # no external address at all
    assert "<script" not in html
    assert 'href="/api/v1/kpis.xlsx?from=' in html and 'href="/api/v1/kpis.csv?from=' in html


def test_the_charts_numbers_are_in_the_tables_beside_them(app):
    html = page_as(app, "avdelingsleder.siri", "?fra=2026-01-01&til=2026-11-28").get_data(as_text=True)
    text = SVG.sub("", html)

    assert "median 19,5 dager, 90-persentil 34,1 dager (14 vedtak)" in text
    assert "Vedtak innen 30 dager etter at boligen ble meldt ledig" in text and "71 %" in text
    for unit in ("Lade botiltak", "Saupstad bofellesskap", "Sverresgate botiltak"):
        assert f'<th scope="row">{unit}</th>' in text
    assert '<th scope="row">september 2026</th>' in text


def test_the_page_is_in_the_navigation_of_the_team_and_the_unit_leaders_only(app):
    for username in ("konsulent.anne", "avdelingsleder.siri", "leder.lade"):
        start = Pages(app)
        start.login(username)
        assert 'href="/nokkeltall">Nøkkeltall</a>' in start.get("/").get_data(as_text=True), username
    for username in ("hvk.midtbyen", "radgiver.per", "admin"):
        start = Pages(app)
        start.login(username)
        assert 'href="/nokkeltall"' not in start.get("/").get_data(as_text=True), username
        refused = start.get("/nokkeltall")
        assert refused.status_code == 403
        assert "Nøkkeltallene er for boligtildelingen" in refused.get_data(as_text=True)


def test_a_unit_leader_can_choose_only_their_own_unit(app):
    html = page_as(app, "leder.sverresgate").get_data(as_text=True)

    choices = re.search(r'<select id="kpi-botiltak".*?</select>', html, re.S).group(0)
    assert "Sverresgate botiltak" in choices and "Lade botiltak" not in choices
    assert "Lade botiltak" not in SVG.sub("", html) and "Saupstad" not in html
    assert page_as(app, "leder.sverresgate", "?botiltak=lade-botiltak").status_code == 403


def test_a_bad_date_is_shown_next_to_its_field_and_kept(app):
    response = page_as(app, "konsulent.anne", "?fra=31.02.2026")
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert re.search(r'id="kpi-fra-feil">.*?31\.02\.2026', html, re.S)
    assert 'value="31.02.2026"' in html and "<svg" not in html


def test_in_chromium_the_head_of_allocation_opens_the_key_figures_and_sees_a_chart(browser, site):
    _app, url = site
    siri = Person(browser, url, "avdelingsleder.siri")
    errors = []
    siri.page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    siri.page.get_by_role("link", name="Nøkkeltall").click()
    chart = siri.page.get_by_role("img", name="Saksbehandlingstid per måned (median, dager fra meldt til vedtak)")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    assert siri.page.locator("#diagram-saksbehandlingstid rect").count() >= 9  # a column per month with a decision
    siri.page.get_by_label("Botiltak", exact=True).select_option("saupstad-bofellesskap")
    siri.page.get_by_role("button", name="Vis").click()
    assert "Botiltak: Saupstad bofellesskap" in siri.page.locator("#valgt").inner_text()
    assert siri.page.get_by_role("img", name="Ledige dager per botiltak i perioden").is_visible()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    siri.close()
