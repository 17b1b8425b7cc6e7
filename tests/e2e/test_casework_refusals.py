"""A refusal speaks to the person refused: «ditt eget kontor» only to someone who has an office."""

from __future__ import annotations

import re

import pytest

from support.http import report_lade
from support.pages import Pages

OWN_OFFICE = re.compile(r"\b(ditt|eget|sitt) (eget )?kontor", re.IGNORECASE)
WITHOUT_AN_OFFICE = ["radgiver.per", "admin", "leder.lade", "konsulent.anne"]


def _attempts(api, username: str, vacancy_id: int, applicant_id: int):
    """Steps that belong to a caseworker at an office, tried by `username`."""
    yield "nominere", api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": applicant_id}, as_=username)
    yield "føre sjekklisten", api.post(f"/applicants/{applicant_id}/checklist", {"checklist": {}}, as_=username)
    yield "endre sjekklisten", api.post(f"/applicants/{applicant_id}/journal",
                                        {"changes": {"akutt_fare": True}, "note": "Endret."}, as_=username)
    if username != "konsulent.anne":  # the allocation team may read every waiting list and register applicants
        yield "hele ventelisten", api.get("/applicants", as_=username)
        yield "ventelisten for et kontor", api.get("/applicants?welfare_office=Midtbyen", as_=username)
        yield "føre opp en søker", api.post("/applicants", {
            "code": "K-9001", "name": "Ny Søker", "birth_date": "1980-05-01", "application_received": "2026-10-01",
            "target_groups": ["rus"], "welfare_office": "Midtbyen"}, as_=username)


@pytest.mark.parametrize("username", WITHOUT_AN_OFFICE)
def test_someone_without_an_office_is_never_told_about_their_own_office(api, username):
    vacancy_id = report_lade(api)
    applicant_id = api.applicant_id("K-1187")  # Midtbyen

    refusals = {what: response for what, response in _attempts(api, username, vacancy_id, applicant_id)}

    assert {what: r.status_code for what, r in refusals.items()} == {what: 403 for what in refusals}
    assert {what: r.get_json()["feil"] for what, r in refusals.items()
            if OWN_OFFICE.search(r.get_json()["feil"])} == {}


def test_a_caseworker_asking_for_another_office_is_told_about_their_own(api):
    refused = api.get("/applicants?welfare_office=Heimdal", as_="hvk.midtbyen")

    assert refused.status_code == 403
    assert refused.get_json()["feil"] == "Du har bare tilgang til ventelisten ved ditt eget kontor."


@pytest.mark.parametrize("username", ["radgiver.per", "admin", "leder.lade"])
def test_the_waiting_list_page_tells_someone_without_an_office_who_the_lists_are_for(casework_app, username):
    pages = Pages(casework_app)
    pages.login(username)

    page = pages.get("/sokere")

    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "Ventelistene er for saksbehandlerne ved kontorene og boligtildelingen." in html
    assert not OWN_OFFICE.search(html)
