"""The pages that start a case: reporting a vacancy with the unit's service offer (steps 1-2), and a new
applicant on a waiting list. Bad input is refused next to the field with what was typed kept, and
nothing is saved half."""

from __future__ import annotations

import re

import pytest

from support.pages import Pages, demo_app

REPORT = "/ledige-boliger/meld-ledig"
SAUPSTAD = "saupstad-bofellesskap"
FREE_HOME = "Saupstadringen 30, leil. 5"  # the demo's Saupstad home with no vacancy


@pytest.fixture
def app(tmp_path):
    app = demo_app(tmp_path)
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def _errors(html: str, form: str) -> dict[str, str]:
    """{field id: message} for each message next to a field of `form`."""
    return {m.group(1): re.sub(r"<[^>]+>", "", m.group(2)).strip()
            for m in re.finditer(rf'<p class="feltfeil" id="{form}-([a-z0-9-]+)-feil">(.*?)</p>', html, re.S)}


def _home_value(html: str, address: str) -> str:
    return re.search(rf'<option value="(\d+)">{re.escape(address)}', html).group(1)


def _report_form(pages: Pages) -> dict:
    html = pages.get(REPORT).get_data(as_text=True)
    return {"home_id": _home_value(html, FREE_HOME), "reported_on": "2026-11-28", "vacated_on": "2026-11-27",
            "ready_on": "2026-12-07", "readiness": "being_prepared", "monthly_rent": "9 400",
            "reason": "Beboeren er flyttet til sykehjem.", "malgrupper": ["utviklingshemming", "fysisk_funksjonshemming"],
            "bemanning.dag": "ja", "bemanning.kveld": "ja", "bemanning.natt": "ja", "aktiviteter": "ja",
            "felles_maltider": "ja", "leder.navn": "Nina Solberg", "leder.epost": "nina.solberg@example.org"}


def _vacancy_count(pages: Pages) -> int:
    return len(re.findall(r'href="/ledige-boliger/\d+"', pages.get("/ledige-boliger").get_data(as_text=True)))


def test_the_start_page_offers_the_report_to_unit_leaders_and_the_team_only(app):
    for username, offered in (("leder.saupstad", True), ("konsulent.anne", True), ("hvk.midtbyen", False)):
        pages = Pages(app)
        pages.login(username)
        assert ('href="/ledige-boliger/meld-ledig"' in pages.get("/").get_data(as_text=True)) is offered, username


def test_the_report_form_shows_the_leaders_homes_and_the_units_service_profile(app):
    pages = Pages(app)
    pages.login("leder.saupstad")

    html = pages.get(REPORT).get_data(as_text=True)

    assert "Saupstadringen 30, leil. 4 (2 rom, 1. etasje) – allerede meldt ledig (LB-2026-063)" in html
    assert FREE_HOME in html and "Lade allé" not in html
    assert re.search(r'name="bemanning.natt" value="ja" checked', html)  # the profile as registered
    assert 'value="Nina Solberg"' in html
    for field in ("reported-on", "vacated-on", "ready-on"):
        hint = re.search(rf'id="report-{field}-hjelp">(.*?)</p>', html).group(1)
        assert hint.endswith("Format: DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD.")  # what the form accepts
        assert re.search(rf'id="report-{field}"[^>]*aria-describedby="report-{field}-hjelp"', html)


def test_a_report_with_bad_input_is_refused_next_to_the_fields_keeps_what_was_typed_and_saves_nothing(app):
    pages = Pages(app)
    pages.login("leder.saupstad")
    form = _report_form(pages)
    form.update({"monthly_rent": "ni tusen", "ready_on": "2026-11-20", "bemanning.natt": "nei"})
    form.pop("aktiviteter")
    before = _vacancy_count(pages)

    response = pages.post(REPORT, form)

    html = response.get_data(as_text=True)
    errors = _errors(html, "report")
    assert response.status_code == 422
    assert "ikke et helt kronebeløp" in errors["monthly-rent"]
    assert "klar før den er fraflyttet" in errors["ready-on"]
    assert errors["aktiviteter"].endswith("må fylles ut")
    assert 'value="ni tusen"' in html and "Beboeren er flyttet til sykehjem.</textarea>" in html
    assert re.search(r'name="bemanning.natt" value="nei" checked', html)  # the change typed, kept
    assert _vacancy_count(pages) == before
    profile = pages.get(REPORT).get_data(as_text=True)
    assert re.search(r'name="bemanning.natt" value="ja" checked', profile)  # the profile not saved either


def test_a_report_without_a_home_is_refused_at_the_home_field(app):
    pages = Pages(app)
    pages.login("leder.saupstad")
    form = {**_report_form(pages), "home_id": ""}

    html = pages.post(REPORT, form).get_data(as_text=True)

    assert "velg boligen" in _errors(html, "report")["home-id"]


def test_a_home_already_reported_is_refused_at_the_home_field(app):
    pages = Pages(app)
    pages.login("leder.saupstad")
    html = pages.get(REPORT).get_data(as_text=True)
    taken = re.search(r'<option value="(\d+)">Saupstadringen 30, leil. 4', html).group(1)

    response = pages.post(REPORT, {**_report_form(pages), "home_id": taken})

    assert response.status_code == 422
    assert "allerede meldt ledig" in _errors(response.get_data(as_text=True), "report")["home-id"]


def test_a_report_opens_the_vacancy_with_the_changed_service_profile_on_its_timeline(app):
    pages = Pages(app)
    pages.login("leder.saupstad")
    form = {**_report_form(pages), "bemanning.natt": "nei", "departing_resident": "B-32"}

    response = pages.post(REPORT, form)

    assert response.status_code == 302
    page = pages.get(response.headers["Location"]).get_data(as_text=True)
    assert "Boligen er meldt ledig som LB-2026-" in page and "Tjenestetilbudet er oppdatert." in page
    assert f"{FREE_HOME}</h1>" in page
    assert re.search(r"natt: nei", page) and "9 400" in page.replace("\u00a0", " ")
    timeline = pages.get(response.headers["Location"] + "/tidslinje").get_data(as_text=True)
    assert "Tjenestetilbudet i Saupstad bofellesskap er oppdatert." in timeline
    assert "er meldt ledig (under klargjøring)" in timeline and "Nina Solberg" in timeline
    caseworker = Pages(app)
    caseworker.login("hvk.ostbyen")
    assert FREE_HOME in caseworker.get("/").get_data(as_text=True)  # open for nominations at once


def test_an_unchanged_profile_is_confirmed_without_a_profile_event(app):
    pages = Pages(app)
    pages.login("leder.saupstad")

    response = pages.post(REPORT, _report_form(pages))

    page = pages.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tjenestetilbudet er bekreftet uendret." in page
    assert "Tjenestetilbudet i" not in pages.get(response.headers["Location"] + "/tidslinje").get_data(as_text=True)


def test_a_unit_leader_cannot_report_for_another_unit_and_a_caseworker_not_at_all(app):
    leader = Pages(app)
    leader.login("leder.saupstad")
    caseworker = Pages(app)
    caseworker.login("hvk.midtbyen")

    assert leader.get(REPORT + "?botiltak=lade-botiltak").status_code == 403
    assert leader.post(REPORT + "?botiltak=lade-botiltak", {"home_id": "1"}).status_code == 403
    assert caseworker.get(REPORT).status_code == 403


def test_the_team_chooses_the_unit_first(app):
    pages = Pages(app)
    pages.login("konsulent.anne")

    html = pages.get(REPORT).get_data(as_text=True)

    assert "Velg botiltak" in html
    assert f'href="{REPORT}?botiltak={SAUPSTAD}"' in html
    assert FREE_HOME in pages.get(f"{REPORT}?botiltak={SAUPSTAD}").get_data(as_text=True)


# -- a new applicant on the waiting list ----------------------------------------------------------

def test_a_caseworker_registers_an_applicant_on_the_own_offices_waiting_list(app):
    pages = Pages(app)
    pages.login("hvk.lerkendal")
    assert 'href="/sokere/ny"' in pages.get("/").get_data(as_text=True)

    response = pages.post("/sokere/ny", {"code": "K-1610", "name": "Rune Berg", "birth_date": "1991-04-03",
                                         "application_received": "2026-11-27", "target_groups": "rus",
                                         "welfare_office": "Midtbyen"})

    assert response.status_code == 302
    page = pages.get(response.headers["Location"]).get_data(as_text=True)
    assert "K-1610 Rune Berg er ført opp på ventelisten." in page
    assert "K-1610" in pages.get("/sokere").get_data(as_text=True)
    other = Pages(app)
    other.login("hvk.midtbyen")
    assert "K-1610" not in other.get("/sokere").get_data(as_text=True)


def test_a_new_applicant_with_bad_input_is_refused_next_to_the_fields_and_keeps_what_was_typed(app):
    pages = Pages(app)
    pages.login("hvk.lerkendal")

    response = pages.post("/sokere/ny", {"code": "K-1500", "name": "Rune Berg", "birth_date": "31.02.1991",
                                         "application_received": ""})

    html = response.get_data(as_text=True)
    errors = _errors(html, "applicant")
    assert response.status_code == 422
    assert "er i bruk" in errors["code"]
    assert errors["birth-date"].endswith("&#39;31.02.1991&#39; er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD")
    assert errors["application-received"].endswith("må fylles ut")
    assert "minst én målgruppe" in errors["target-groups"]
    assert 'value="Rune Berg"' in html and 'value="31.02.1991"' in html
    assert "Rune Berg" not in pages.get("/sokere").get_data(as_text=True)
