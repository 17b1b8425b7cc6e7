"""Dates follow the routine and the calendar, over HTTP: refused with 422 at the field, nothing changed."""

from __future__ import annotations

import pytest

from support.http import nominate_all, recommend_and_approve, report_lade


def problems_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {p["path"]: p["message"] for p in response.get_json()["problemer"]}


@pytest.mark.parametrize("birth_date, received, path, words", [
    ("1850-01-01", "2026-03-01", "birth_date", "gir en alder over 120 år"),
    ("2027-01-01", "2026-03-01", "birth_date", "fødselsdatoen kan ikke være i fremtiden"),
    ("1980-05-01", "2026-11-17", "application_received", "mottatt dato kan ikke være i fremtiden (i dag er 16.11.2026)"),
    ("1980-05-01", "1999-06-01", "application_received", "er for tidlig (tidligst 01.01.2000)"),
])
def test_an_applicant_with_an_impossible_date_is_refused_at_the_field(api, birth_date, received, path, words):
    api.at("2026-11-16")
    body = {"code": "K-9001", "name": "Ny Søker", "birth_date": birth_date, "application_received": received,
            "target_groups": ["psykisk_lidelse"]}

    found = problems_of(api.post("/applicants", body, as_="hvk.midtbyen"))

    assert words in found[path]
    assert all(a["code"] != "K-9001" for a in api.ok("GET", "/applicants", as_="konsulent.anne"))


def test_a_vacancy_is_not_reported_for_a_day_still_to_come(api):
    api.at("2026-11-16")
    home = next(h["id"] for u in api.ok("GET", "/units", as_="konsulent.anne") for h in u["homes"])

    found = problems_of(api.post("/vacancies", {"home_id": home, "reported_on": "2026-11-20"}, as_="konsulent.anne"))

    assert found == {"reported_on": "meldt dato kan ikke være i fremtiden (i dag er 16.11.2026)"}


@pytest.fixture
def decided(api):
    """The Lade vacancy decided on 30 November 2026, the home ready on 1 December."""
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade")
    api.at("2026-11-30", 12)
    decision = api.ok("POST", f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.jonas")
    assert decision["decided_on"] == "2026-11-30"
    api.ok("POST", f"/vacancies/{vacancy_id}/update-readiness", {"readiness": "ready", "ready_on": "2026-12-01"},
           as_="leder.lade")
    return vacancy_id


def test_each_step_after_the_decision_is_dated_after_the_step_before_and_not_in_the_future(api, decided):
    vid = decided
    api.at("2026-12-01", 9)
    assert problems_of(api.post(f"/vacancies/{vid}/book-viewing", {"viewing_at": "30.11.2026 14:00"},
                                as_="konsulent.anne")) == {
        "viewing_at": "visningen kan ikke være før boligen er klar (01.12.2026)"}
    api.ok("POST", f"/vacancies/{vid}/book-viewing", {"viewing_at": "02.12.2026 10:30"}, as_="konsulent.anne")

    api.at("2026-12-03", 9)
    assert problems_of(api.post(f"/vacancies/{vid}/sign-contract", {"signed_on": "2026-11-29"},
                                as_="konsulent.anne")) == {
        "signed_on": "signert dato kan ikke være før vedtaket (30.11.2026)"}
    assert problems_of(api.post(f"/vacancies/{vid}/sign-contract", {"signed_on": "2026-12-04"},
                                as_="konsulent.anne")) == {
        "signed_on": "signert dato kan ikke være i fremtiden (i dag er 03.12.2026)"}
    api.ok("POST", f"/vacancies/{vid}/sign-contract", {"signed_on": "03.12.2026"}, as_="konsulent.anne")

    assert problems_of(api.post(f"/vacancies/{vid}/complete-movein-step",
                                {"step": "electricity_ordered", "done_on": "2026-12-02"}, as_="konsulent.anne")) == {
        "done_on": "datoen kan ikke være før kontrakten ble signert (03.12.2026)"}
    assert problems_of(api.post(f"/vacancies/{vid}/register-move-in", {"moved_in_on": "2026-12-10"},
                                as_="konsulent.anne")) == {
        "moved_in_on": "innflyttingsdatoen kan ikke være i fremtiden (i dag er 03.12.2026)"}
    moved = api.ok("POST", f"/vacancies/{vid}/register-move-in", {"moved_in_on": "2026-12-03"}, as_="konsulent.anne")
    assert moved["stage"] == "moved_in"


def test_a_meeting_is_called_with_a_time_and_people_and_its_minutes_are_dated_after_it_and_not_ahead(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond",
           {"response": "innsigelse", "reason_code": "tjenester"}, as_="leder.lade")
    assert problems_of(api.post(f"/vacancies/{vacancy_id}/open-consultation", {}, as_="konsulent.anne")).keys() == {
        "scheduled_for", "participants"}  # a meeting is called for a time, with people
    api.ok("POST", f"/vacancies/{vacancy_id}/open-consultation",
           {"scheduled_for": "2026-12-02T13:00", "participants": [{"name": "Kari Nordmann", "role": "enhetsleder"}]},
           as_="konsulent.anne")
    api.at("2026-12-02", 15)
    body = {"participants": [{"name": "Kari Nordmann", "role": "enhetsleder"}], "minutes": "Enighet.",
            "outcome": "enighet"}

    assert problems_of(api.post(f"/vacancies/{vacancy_id}/record-meeting", {**body, "held_on": "2030-01-01"},
                                as_="konsulent.anne")) == {
        "held_on": "møtedatoen kan ikke være i fremtiden (i dag er 02.12.2026)"}
    assert problems_of(api.post(f"/vacancies/{vacancy_id}/record-meeting", {**body, "held_on": "2026-11-29"},
                                as_="konsulent.anne")) == {
        "held_on": "møtedatoen kan ikke være før møtet ble kalt inn (30.11.2026)"}
