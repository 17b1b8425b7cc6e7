"""Need-to-know on the pages: a small unit's residents are not broken down; a letter keeps the other
applicant's confidential circumstances out."""

from __future__ import annotations

import re

import pytest

from engine import load_rules
from support.pages import RULES_DIR, Pages, demo_app


@pytest.fixture(scope="module")
def app_with_demo(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("need-to-know"))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def test_the_composition_of_a_unit_with_fewer_than_three_residents_is_not_broken_down(app_with_demo):
    pages = Pages(app_with_demo)
    pages.login("hvk.midtbyen")
    small = pages.get("/ledige-boliger/4").get_data(as_text=True)  # Saupstad: B-31 moved out, B-32 and one more
    residents = re.search(r"Botiltaket har (\d+) beboere?\. Sammensetningen vises først fra 3 beboere", small)
    assert residents and int(residents.group(1)) < 3
    assert "Med aktiv rus" not in small and "Sårbare beboere" not in small
    large = pages.get("/ledige-boliger/2").get_data(as_text=True)  # Lade: more residents
    assert "Med aktiv rus" in large and 'id="sammensetning-skjult"' not in large


def test_the_letter_to_the_one_not_chosen_withholds_the_chosens_confidential_points(app_with_demo):
    pages = Pages(app_with_demo)
    pages.login("konsulent.anne")
    chosen = pages.get("/ledige-boliger/1/vedtaksbrev/K-1500").get_data(as_text=True)
    other = pages.get("/ledige-boliger/1/vedtaksbrev/K-1501").get_data(as_text=True)
    assert "Vedtak om tildeling av kommunal bolig med tjenester" in chosen
    assert 'id="taushetsplikt"' in other and "forvaltningsloven § 13" in other
    book = load_rules(RULES_DIR)
    confidential = {c.navn for c in [*book.criteria, *book.composition] if c.taushetsbelagt}
    rec_id = pages.get("/api/v1/vacancies/1").get_json()["recommendations"][-1]["id"]
    result = pages.get(f"/api/v1/recommendations/{rec_id}").get_json()["result"]["candidates"]
    items = {c["id"]: {i["name"] for i in c["score_items"]} for c in result}
    only_the_chosen = (items["K-1500"] - items["K-1501"]) & confidential
    assert only_the_chosen, "the demo needs the chosen to have a confidential criterion the other lacks"
    table = re.search(r"Kriteriene der vurderingene var ulike.*?</table>", other, re.S).group(0)
    for name in only_the_chosen:
        assert name not in table
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>.*?</tr>", table, re.S):
        if row in confidential:
            assert "ikke oppgitt (taushetsplikt)" in table
    assert "Mona Berge" not in other and "K-1500" not in other
