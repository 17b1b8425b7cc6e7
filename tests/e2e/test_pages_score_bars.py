"""The score bars on a vacancy page: each criterion has one colour for every candidate, and the list
under each bar (the legend) shows the same colour as the bar."""

from __future__ import annotations

import re

import pytest

from support.pages import Pages, demo_app

SEGMENT = re.compile(r'<span class="del del-(\d+)"[^>]*title="([^"]+): -?\d+ poeng">')
LEGEND = re.compile(r'<span class="farge del-(\d+)" aria-hidden="true"></span>\s*<strong>\d+ poeng: ([^<]+)\.</strong>')


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("bars"))
    pages = Pages(app)
    pages.login("konsulent.anne")
    yield pages.get("/ledige-boliger/3").get_data(as_text=True)  # LB-2026-057: three ranked candidates
    app.extensions["boligtildeling.store"].engine.dispose()


def _candidates(html: str) -> list[str]:
    return re.findall(r'<article class="kandidat.*?</article>', html, re.S)


def test_a_criterion_has_the_same_colour_for_every_candidate(page):
    colours: dict[str, set[str]] = {}
    for article in _candidates(page):
        for colour, name in SEGMENT.findall(article):
            colours.setdefault(name, set()).add(colour)

    assert len(_candidates(page)) >= 3
    assert {name for name, found in colours.items() if len(found) > 1} == set()
    assert "Ventetid" in colours  # met by every candidate, at a different place in each list
    by_colour = {}
    for name, (colour,) in colours.items():
        by_colour.setdefault(colour, []).append(name)
    assert {c: names for c, names in by_colour.items() if len(names) > 1} == {}  # and no two share one


def test_the_list_under_each_bar_shows_the_bars_colours(page):
    for article in _candidates(page):
        assert dict((name, colour) for colour, name in SEGMENT.findall(article)) == \
            dict((name, colour) for colour, name in LEGEND.findall(article))
