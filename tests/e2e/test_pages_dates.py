"""Every date field of the pages says which formats it accepts, and accepts exactly those."""

from __future__ import annotations

import html as markup
import re

import pytest

from support.pages import Pages, applicant_id, demo_app

HINT = "Format: DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD."


@pytest.fixture
def app(tmp_path):
    """The demo, fresh for each test: the tests change a checklist."""
    app = demo_app(tmp_path)
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def _checklist(pages, aid: int) -> tuple[str, dict]:
    html = pages.get(f"/sokere/{aid}").get_data(as_text=True)
    form = {name: value for name, value in
            re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked', html)}
    for name, body in re.findall(r'<select id="checklist-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        if chosen:
            form[name] = chosen.group(1)
    for name, value in re.findall(r'<input id="checklist-[^"]+" name="([^"]+)" value="([^"]*)"', html):
        form[name] = value
    return html, form


def test_the_checklists_date_field_names_both_formats(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")

    html, _ = _checklist(pages, applicant_id(app, "K-1500"))

    hint = re.search(r'id="checklist-utskrivningsklar-siden-hjelp">(.*?)</p>', html, re.S).group(1)
    assert hint.strip().endswith(HINT)
    assert "Format: ÅÅÅÅ-MM-DD." not in html


@pytest.mark.parametrize("typed", ["15.01.2026", "2026-01-15"])
def test_the_checklist_takes_a_date_in_either_format(app, typed):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    aid = applicant_id(app, "K-1500")
    _, form = _checklist(pages, aid)
    form.update({"utskrivningsklar": "ja", "utskrivningsklar_siden": typed, "note": "Utskrivningsklar fra januar."})

    response = pages.post(f"/sokere/{aid}/sjekkliste", form)

    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    _, after = _checklist(pages, aid)
    assert after["utskrivningsklar_siden"] == "2026-01-15"


def test_the_checklist_refuses_a_date_in_another_format_naming_the_ones_it_takes(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    aid = applicant_id(app, "K-1500")
    _, form = _checklist(pages, aid)
    form.update({"utskrivningsklar": "ja", "utskrivningsklar_siden": "15/01/2026", "note": "Utskrivningsklar."})

    response = pages.post(f"/sokere/{aid}/sjekkliste", form)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="checklist-utskrivningsklar-siden-feil">(.*?)</p>', html, re.S).group(1)
    assert markup.unescape(error).strip().endswith(
        "'15/01/2026' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD")
