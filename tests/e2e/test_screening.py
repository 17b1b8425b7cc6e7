"""Screening the waiting lists against a vacancy (issue 12, item 1), over HTTP: who may, what each row says,
the ranking preview before the recommendation, and the hard-to-fill flag."""

from __future__ import annotations

import shutil

import pytest

from service.web.app import create_app
from support.http import casework_config, nominate_all, recommend_and_approve, report_lade
from support.store import audit_rows

OFFICE_OF = {"hvk.midtbyen": "Midtbyen", "hvk.ostbyen": "Østbyen", "hvk.lerkendal": "Lerkendal",
             "hvk.heimdal": "Heimdal"}


def screening(api, vacancy_id, as_="konsulent.anne", query=""):
    return api.ok("GET", f"/vacancies/{vacancy_id}/screening{query}", as_=as_)


def by_code(result) -> dict:
    return {a["code"]: a for a in result["applicants"]}


def test_the_team_sees_every_waiting_applicant_ranked_against_the_home(api):
    vacancy = report_lade(api)
    waiting = api.ok("GET", "/applicants", as_="konsulent.anne")

    result = screening(api, vacancy)

    assert sorted(a["code"] for a in result["applicants"]) == sorted(a["code"] for a in waiting)
    assert result["counts"]["total"] == len(waiting)
    rows = by_code(result)
    assert rows["K-1187"]["status"] == "blocked"  # needs 24-hour staffing; Lade has no night staff
    assert rows["K-1187"]["blocked_by"] == [{"rule_id": "dognbemanning_uten_nattbemanning",
                                             "name": rows["K-1187"]["blocked_by"][0]["name"]}]
    ranked = [a for a in result["applicants"] if a["rank"] is not None]
    assert [a["rank"] for a in ranked] == list(range(1, len(ranked) + 1))
    assert all(a["eligible"] for a in ranked if a["rank"] <= result["counts"]["suitable"])


def test_the_screening_ranks_the_nominees_as_the_recommendation_then_does(api):
    vacancy = report_lade(api)
    nominate_all(api, vacancy)
    api.at("2026-11-28", 9)
    preview = api.ok("GET", f"/vacancies/{vacancy}/ranking-preview", as_="konsulent.anne")
    rows = screening(api, vacancy)

    rec = recommend_and_approve(api, vacancy)

    assert [c["id"] for c in preview["candidates"]] == [c["id"] for c in rec["result"]["candidates"]]
    assert preview["input_hash"] == rec["result"]["input_hash"]
    nominees = sorted((a for a in rows["applicants"] if a["nominated_here"]), key=lambda a: a["rank"])
    assert [a["code"] for a in nominees] == [c["id"] for c in rec["result"]["candidates"]]
    assert {a["code"]: a["score"] for a in nominees} == {c["id"]: c["score"] for c in rec["result"]["candidates"]}


@pytest.mark.parametrize("caseworker", sorted(OFFICE_OF))
def test_a_caseworker_screens_only_their_own_office(api, caseworker):
    vacancy = report_lade(api)

    result = screening(api, vacancy, as_=caseworker)

    assert result["welfare_office"] == OFFICE_OF[caseworker]
    assert result["applicants"] and {a["welfare_office"] for a in result["applicants"]} == {OFFICE_OF[caseworker]}
    ranked = sorted(a["rank"] for a in result["applicants"] if a["rank"] is not None)
    assert ranked == list(range(1, len(ranked) + 1))  # ranks among their own: nothing told about the others


@pytest.mark.parametrize("who", ["leder.lade", "radgiver.per", "admin"])
def test_others_may_not_screen_the_waiting_lists(api, who):
    vacancy = report_lade(api)

    response = api.get(f"/vacancies/{vacancy}/screening", as_=who)

    assert response.status_code == 403
    assert "saksbehandlerne" in response.get_json()["feil"]


def test_every_applicant_read_is_audited_one_entry_each(api, casework_app):
    vacancy = report_lade(api)
    result = screening(api, vacancy, as_="hvk.midtbyen")

    rows = audit_rows(casework_app.config["DATABASE_URL"], "action = 'screen_waiting_list'")

    assert sorted(r.applicant_id for r in rows) == sorted(a["applicant_id"] for a in result["applicants"])
    assert {r.actor_username for r in rows} == {"hvk.midtbyen"}


def test_a_row_says_missing_checklist_a_later_journal_change_and_a_nomination_elsewhere(api):
    vacancy = report_lade(api)
    api.at("2026-11-17", 9)
    new = api.ok("POST", "/applicants", {"code": "K-7001", "name": "Ny Søker", "birth_date": "1990-01-01",
                                         "application_received": "2026-11-01", "target_groups": ["utviklingshemming"]},
                 as_="hvk.midtbyen", status=201)
    k2210 = api.applicant_id("K-2210")
    api.ok("POST", f"/applicants/{k2210}/journal", {"changes": {"akutt_fare": True}, "note": "Ny opplysning."},
           as_="hvk.ostbyen", status=201)

    rows = by_code(screening(api, vacancy))

    assert rows["K-7001"]["status"] == "no_checklist" and rows["K-7001"]["rank"] is None
    assert rows["K-7001"]["applicant_id"] == new["id"]
    assert rows["K-2210"]["checklist_changed_after_review"] is True
    assert rows["K-2031"]["checklist_changed_after_review"] is False


def test_an_applicant_nominated_for_another_vacancy_says_where(api):
    lade = report_lade(api)
    nominate_all(api, lade)
    other = api.ok("POST", "/vacancies", {"home_id": next(h["id"] for u in api.ok("GET", "/units", as_="konsulent.anne")
                                                          for h in u["homes"] if "Sverresgate" in h["address"]),
                                          "reported_on": "2026-11-21", "readiness": "vacated",
                                          "vacated_on": "2026-11-20", "monthly_rent": 8000},
                   as_="konsulent.anne", status=201)

    rows = by_code(screening(api, other["id"]))

    assert rows["K-1187"]["nominated_elsewhere"] == [{"vacancy_id": lade, "reference": rows["K-1187"][
        "nominated_elsewhere"][0]["reference"]}]
    assert rows["K-1187"]["nominated_here"] is False


def test_the_status_filter_narrows_and_an_unknown_status_is_400(api):
    vacancy = report_lade(api)

    blocked = screening(api, vacancy, query="?status=blocked")
    response = api.get(f"/vacancies/{vacancy}/screening?status=kanskje", as_="konsulent.anne")

    assert blocked["applicants"] and {a["status"] for a in blocked["applicants"]} == {"blocked"}
    assert response.status_code == 400 and "qualifies" in response.get_json()["problemer"][0]["message"]


def test_a_decided_vacancy_is_not_screened_and_the_preview_is_only_before_the_recommendation(api):
    vacancy = report_lade(api)
    nominate_all(api, vacancy)
    recommend_and_approve(api, vacancy)

    response = api.get(f"/vacancies/{vacancy}/ranking-preview", as_="konsulent.anne")
    by_caseworker = api.get(f"/vacancies/{vacancy}/ranking-preview", as_="hvk.midtbyen")

    assert response.status_code == 409 and "innstillingen" in response.get_json()["feil"].lower()
    assert by_caseworker.status_code == 403


@pytest.fixture
def strict_app(tmp_path, casework_template, clock):
    """The casework app with a deadlines file that calls any home with fewer than 50 suitable applicants hard to fill."""
    path = tmp_path / "casework.sqlite3"
    shutil.copy(casework_template, path)
    routine = tmp_path / "frister.yaml"
    routine.write_text("vanskelig_a_fylle_under: 50\nfrister: []\n", encoding="utf-8")
    app = create_app({**casework_config(tmp_path, f"sqlite:///{path}", clock), "ROUTINE_FILE": str(routine)})
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def test_a_home_with_few_suitable_applicants_is_flagged_hard_to_fill(strict_app, clock):
    from support.http import Api

    api = Api(strict_app.test_client(), clock)
    vacancy = report_lade(api)

    result = screening(api, vacancy)
    client = strict_app.test_client()
    client.post("/api/v1/login", json={"username": "konsulent.anne", "password": "demo-passord"})
    overview = client.get("/ledige-boliger").get_data(as_text=True)

    assert result["hard_to_fill"] is True and result["hard_to_fill_below"] == 50
    assert "vanskelig å fylle" in overview
    team_page = client.get(f"/ledige-boliger/{vacancy}/ventelister").get_data(as_text=True)
    assert "Boligen er vanskelig å fylle: færre enn 50 søkere på ventelistene" in team_page
    # one office's list says nothing about the home as a whole: the office hears about its own list
    office = strict_app.test_client()
    office.post("/api/v1/login", json={"username": "hvk.ostbyen", "password": "demo-passord"})
    office_page = office.get(f"/ledige-boliger/{vacancy}/ventelister").get_data(as_text=True)
    assert "Få på ventelisten ved Østbyen passer: færre enn 50 av søkerne her" in office_page
    assert "Boligen er vanskelig å fylle" not in office_page


def test_a_caseworker_nominates_from_the_screening_page(casework_app, api):
    vacancy = report_lade(api)
    client = casework_app.test_client()
    client.post("/api/v1/login", json={"username": "hvk.ostbyen", "password": "demo-passord"})
    page = client.get(f"/ledige-boliger/{vacancy}/ventelister").get_data(as_text=True)
    assert "Nominer<span class=\"skjult\"> K-2210</span>" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]

    done = client.post(f"/ledige-boliger/{vacancy}/nominate",
                       data={"csrf_token": token, "applicant_id": str(api.applicant_id("K-2210"))})
    after = client.get(f"/ledige-boliger/{vacancy}/ventelister").get_data(as_text=True)

    assert done.status_code == 302
    assert "til denne boligen" in after and "Nominer<span" not in after
    assert [n["candidate"] for n in api.ok("GET", f"/vacancies/{vacancy}", as_="konsulent.anne")["nominations"]] \
        == ["K-2210"]
