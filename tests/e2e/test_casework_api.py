"""The allocation routine through the HTTP API alone (Flask test client), as each role would do it."""

from __future__ import annotations

import pytest

from support.http import home_id, nominate_all, recommend_and_approve, report_lade
from support.store import LADE_HOME, audit_rows as store_audit_rows, snapshot as store_snapshot

PARTICIPANTS = [{"name": "Anne Berg", "role": "boligkonsulent"}, {"name": "Kari Nordmann", "role": "enhetsleder"},
                {"name": "Omar Haddad", "role": "saksbehandler, Østbyen"},
                {"name": "Dr. Eva Lind", "role": "spesialisthelsetjenesten"}]


def snapshot(app, skip=("audit_log",)) -> dict:
    """Every row of every table but the audit log (by default): to show that a refused step changed nothing."""
    return store_snapshot(app.config["DATABASE_URL"], skip=skip)


def audit_rows(app, where: str) -> list:
    return store_audit_rows(app.config["DATABASE_URL"], where)


def test_a_vacancy_goes_from_report_to_signed_contract_through_objection_meeting_and_head_decision(api):
    vacancy_id = report_lade(api)

    # Step 3: the offices see it in the overview, with the unit's service profile.
    overview = api.ok("GET", "/vacancies", as_="hvk.midtbyen")
    listed = next(v for v in overview if v["id"] == vacancy_id)
    assert listed["reference"] == "LB-2026-041" and listed["accepting_nominations"] is True
    assert listed["unit"]["bemanning"] == {"dag": True, "kveld": True, "natt": False}

    # Steps 4-5: one nomination per office, each by that office's caseworker; a journal change.
    nominated = nominate_all(api, vacancy_id)
    assert {n["welfare_office"] for n in nominated.values()} == {"Midtbyen", "Østbyen", "Lerkendal", "Heimdal"}
    api.at("2026-11-25", 10)
    change = api.ok("POST", f"/applicants/{api.applicant_id('K-0954')}/journal",
                    {"changes": {"onsker_fellesskap": False}, "note": "Søkeren har ombestemt seg."},
                    as_="hvk.heimdal", status=201)
    assert change["seq"] == 2 and change["changes"] == {"onsker_fellesskap": False}

    # Step 6: ranked by one consultant, approved by another (four eyes).
    rec = recommend_and_approve(api, vacancy_id)
    assert [c["id"] for c in rec["result"]["candidates"]] == ["K-2210", "K-2031", "K-0954", "K-1187"]
    assert rec["rules_version"]["content_hash"] and rec["input_hash"]

    # Steps 7-8: the unit leader objects; a consultation meeting; disagreement remains.
    api.at("2026-11-30", 9)
    objection = api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond",
                       {"response": "innsigelse", "reason_code": "sammensetning"}, as_="leder.lade", status=201)
    assert objection["presented"] == ["K-2210", "K-2031"]
    api.at("2026-11-30", 10)
    meeting = api.ok("POST", f"/vacancies/{vacancy_id}/open-consultation",
                     {"scheduled_for": "2026-12-02T13:00:00", "participants": PARTICIPANTS[:2]},
                     as_="konsulent.anne", status=201)
    assert meeting["scheduled_for"] == "2026-12-02T13:00:00+01:00"  # no time zone given: Oslo time
    api.at("2026-12-02", 15)
    minutes = api.ok("POST", f"/vacancies/{vacancy_id}/record-meeting",
                     {"participants": PARTICIPANTS, "minutes": "Botiltaket mener sammensetningen blir krevende.",
                      "outcome": "uenighet"}, as_="konsulent.anne")
    assert minutes["outcome"] == "uenighet" and len(minutes["participants"]) == 4

    # Step 9: only the head of allocation decides now; another than the top needs a coded reason.
    refused = api.post(f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.anne")
    assert refused.status_code == 403 and "avdelingslederen" in refused.get_json()["feil"]
    api.at("2026-12-03", 9)
    missing = api.post(f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2031"}, as_="avdelingsleder.siri")
    assert missing.status_code == 422
    assert [p["path"] for p in missing.get_json()["problemer"]] == ["override_code"]
    decision = api.ok("POST", f"/vacancies/{vacancy_id}/decide",
                      {"candidate": "K-2031", "override_code": "likeverdig"}, as_="avdelingsleder.siri", status=201)
    assert decision["top_candidate"] == "K-2210" and decision["override_code"] == "likeverdig"

    # Steps 10-11: ready, viewing, contract, and the after-contract checklist.
    api.at("2026-12-03", 9, 20)
    api.ok("POST", f"/vacancies/{vacancy_id}/update-readiness", {"readiness": "ready", "ready_on": "2026-12-03"},
           as_="leder.lade")
    api.at("2026-12-03", 10)
    api.ok("POST", f"/vacancies/{vacancy_id}/book-viewing", {"viewing_at": "2026-12-04T12:00:00"}, as_="konsulent.anne")
    api.at("2026-12-07", 10)
    contract = api.ok("POST", f"/vacancies/{vacancy_id}/sign-contract", {"signed_on": "2026-12-07"},
                      as_="konsulent.anne")
    assert contract["step"] == "contract_signed"
    for step in ("housing_allowance_applied", "electricity_ordered", "address_reported"):
        api.ok("POST", f"/vacancies/{vacancy_id}/complete-movein-step", {"step": step}, as_="konsulent.anne")

    detail = api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")
    assert detail["stage"] == "contract_signed"
    assert [d["candidate"] for d in detail["decisions"]] == ["K-2031"]

    # The timeline: every step, in order, with actor and time.
    events = api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
    assert [e["kind"] for e in events] == [
        "reported", "nominated", "nominated", "nominated", "nominated", "checklist_recorded", "recommended",
        "approved", "unit_leader_responded", "consultation_opened", "meeting_recorded", "decided",
        "readiness_updated", "viewing_booked", "contract_signed",
        "nomination_not_allocated", "nomination_not_allocated", "nomination_not_allocated",  # the decision stands
        "movein_step", "movein_step", "movein_step"]
    assert {n["candidate"]: n["status"] for n in detail["nominations"]} == {
        "K-2031": "active", "K-1187": "not_allocated", "K-2210": "not_allocated", "K-0954": "not_allocated"}
    assert all(e["actor"] and e["at"] for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    actors = {e["kind"]: e["actor"] for e in events}
    assert (actors["reported"], actors["approved"], actors["decided"]) == ("Kari Nordmann", "Jonas Lie", "Siri Moe")
    assert [e["actor"] for e in events if e["kind"] == "nominated"] == [
        "Marte Dahl", "Omar Haddad", "Lise Ås", "Henrik Vik"]
    assert next(e for e in events if e["kind"] == "decided")["at"].startswith("2026-12-03T08:00")

    # The measures: reported 16.11, decided 3.12; vacated 14.11, still empty on 7.12.
    metrics = api.ok("GET", f"/vacancies/{vacancy_id}/metrics", as_="konsulent.anne")
    assert (metrics["case_processing_days"], metrics["vacant_days"]) == (17, 23)
    assert metrics["rent_lost"] == round(23 * 9400 / 30)


# -- illegal transitions: 409 (or 403 where casework forbids), and nothing changes -----------------

def test_deciding_before_the_recommendation_is_approved_is_409_and_changes_nothing(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)
    before = snapshot(casework_app, skip=())
    answer = api.post(f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.anne")
    assert answer.status_code == 409 and answer.get_json()["feil"]
    assert snapshot(casework_app, skip=()) == before


def test_nominating_on_an_allocated_vacancy_is_409_and_changes_nothing(api, casework_app):
    vacancy_id = report_lade(api)
    nominated = nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade")
    api.ok("POST", f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.jonas")
    api.ok("POST", f"/vacancies/{vacancy_id}/withdraw-nomination",
           {"nomination_id": nominated['K-1187']['id']}, status=409, as_="hvk.midtbyen")
    other = api.applicant_id("K-3003")
    before = snapshot(casework_app, skip=())
    answer = api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": other}, as_="hvk.heimdal")
    assert answer.status_code == 409 and "tildelt" in answer.get_json()["feil"]
    assert snapshot(casework_app, skip=()) == before


def test_a_second_nomination_from_the_same_office_is_409_until_the_first_is_withdrawn(api, casework_app):
    vacancy_id = report_lade(api)
    first = api.ok("POST", f"/vacancies/{vacancy_id}/nominate", {"applicant_id": api.applicant_id("K-0954")},
                   as_="hvk.heimdal", status=201)
    other = api.applicant_id("K-3003")
    before = snapshot(casework_app, skip=())
    answer = api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": other}, as_="hvk.heimdal")
    assert answer.status_code == 409
    assert "Heimdal helse- og velferdskontor har allerede en aktiv nominasjon" in answer.get_json()["feil"]
    assert snapshot(casework_app, skip=()) == before
    # Withdrawing and replacing is allowed until the recommendation is made.
    api.ok("POST", f"/vacancies/{vacancy_id}/withdraw-nomination", {"nomination_id": first["id"],
                                                                       "reason": "Feil kandidat."}, as_="hvk.heimdal")
    api.ok("POST", f"/vacancies/{vacancy_id}/nominate", {"applicant_id": other}, as_="hvk.heimdal", status=201)


def test_approving_your_own_recommendation_is_403_audited_and_changes_nothing_else(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    rec = api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)
    before = snapshot(casework_app)
    answer = api.post(f"/vacancies/{vacancy_id}/approve-recommendation", {"recommendation_id": rec["id"]},
                      as_="konsulent.anne")
    assert answer.status_code == 403 and "fire øyne" in answer.get_json()["feil"]
    assert snapshot(casework_app) == before
    denied = audit_rows(casework_app, "outcome = 'denied' AND action = 'approve_recommendation'")
    assert [r.actor_username for r in denied] == ["konsulent.anne"]


# -- access: need to know, audited -----------------------------------------------------------------

def test_a_caseworker_reading_another_offices_candidate_gets_403_and_the_attempt_is_audited(api, casework_app):
    heimdal_candidate = api.applicant_id("K-0954")
    own = api.ok("GET", f"/applicants/{api.applicant_id('K-1187')}", as_="hvk.midtbyen")
    assert own["code"] == "K-1187" and own["name"]
    answer = api.get(f"/applicants/{heimdal_candidate}", as_="hvk.midtbyen")
    assert answer.status_code == 403
    assert answer.get_json() == {"feil": "Du har ikke tilgang til denne søkerens opplysninger.", "problemer": []}
    denied = audit_rows(casework_app, "outcome = 'denied' AND action = 'read_candidate'")
    assert [(r.actor_username, r.applicant_id) for r in denied] == [("hvk.midtbyen", heimdal_candidate)]
    assert '"auth": "token"' in denied[0].detail if isinstance(denied[0].detail, str) else \
        denied[0].detail["request"]["auth"] == "token"
    reads = audit_rows(casework_app, "outcome = 'ok' AND action = 'read_candidate'")
    assert [r.actor_username for r in reads] == ["hvk.midtbyen"]


def test_another_offices_caseworker_cannot_nominate_your_applicant(api):
    vacancy_id = report_lade(api)
    answer = api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": api.applicant_id("K-1187")},
                      as_="hvk.heimdal")
    assert answer.status_code == 403


# -- bodies, errors, authentication ------------------------------------------------------------------

def test_an_unknown_field_in_a_body_is_422_naming_the_field(api):
    vacancy_id = report_lade(api)
    answer = api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": 1, "kontor": "Heimdal"},
                      as_="hvk.heimdal")
    assert answer.status_code == 422
    assert [p["path"] for p in answer.get_json()["problemer"]] == ["kontor"]


def test_a_bad_code_is_422_with_the_path_of_each_bad_value(api):
    answer = api.post("/vacancies", {"home_id": home_id(api, LADE_HOME), "readiness": "snart",
                                     "monthly_rent": -5}, as_="leder.lade")
    assert answer.status_code == 422
    assert sorted(p["path"] for p in answer.get_json()["problemer"]) == ["monthly_rent", "readiness"]


def test_a_missing_vacancy_is_404(api):
    answer = api.get("/vacancies/9999/timeline", as_="konsulent.anne")
    assert answer.status_code == 404 and answer.get_json()["feil"] == "Den ledige boligen finnes ikke."


def test_a_body_that_is_not_json_is_415(api):
    answer = api.client.post("/api/v1/vacancies", data="home_id=1", content_type="application/x-www-form-urlencoded",
                             headers=api.headers("leder.lade"))
    assert answer.status_code == 415


@pytest.mark.parametrize("method, path", [
    ("GET", "/vacancies"), ("POST", "/vacancies"), ("GET", "/vacancies/1"), ("GET", "/vacancies/1/timeline"),
    ("POST", "/vacancies/1/nominate"), ("GET", "/applicants/1"), ("POST", "/vacancies/1/approve-recommendation"),
    ("POST", "/vacancies/1/decide"), ("GET", "/me"),
])
def test_without_a_login_or_token_the_casework_answers_401_in_bokmal(api, method, path):
    answer = api.client.open("/api/v1" + path, method=method, json={} if method == "POST" else None)
    assert answer.status_code == 401
    assert answer.get_json()["feil"].startswith("Du er ikke logget inn")


def test_a_wrong_token_is_401(api):
    answer = api.client.get("/api/v1/vacancies", headers={"Authorization": "Bearer bt_feil"})
    assert answer.status_code == 401 and "API-nøkkelen" in answer.get_json()["feil"]


def test_a_person_logs_in_with_a_password_uses_the_cookie_and_logs_out(api, casework_app):
    client = casework_app.test_client()
    wrong = client.post("/api/v1/login", json={"username": "hvk.midtbyen", "password": "feil-passord"})
    assert wrong.status_code == 401 and wrong.get_json()["feil"] == "Feil brukernavn eller passord."
    login = client.post("/api/v1/login", json={"username": "hvk.midtbyen", "password": "demo-passord"})
    assert login.status_code == 200 and login.get_json()["welfare_office"] == "Midtbyen"
    me = client.get("/api/v1/me").get_json()
    assert me["username"] == "hvk.midtbyen" and me["csrf_token"] == login.get_json()["csrf_token"]
    csrf = {"X-CSRF-Token": me["csrf_token"]}
    token = client.post("/api/v1/tokens", json={"label": "fagsystem"}, headers=csrf)
    assert token.status_code == 201
    assert client.post("/api/v1/logout", headers=csrf).status_code == 200
    assert client.get("/api/v1/vacancies").status_code == 401
    # The token made while logged in works on its own.
    fresh = casework_app.test_client()
    me = fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert me.get_json()["username"] == "hvk.midtbyen"
    logins = audit_rows(casework_app, "action = 'login_password'")
    assert [r.outcome for r in logins] == ["denied", "ok"]


def test_openapi_describes_every_casework_route_with_its_body_schema(api):
    doc = api.client.get("/openapi.json").get_json()
    post = doc["paths"]["/api/v1/vacancies/{vacancy_id}/nominate"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False and schema["required"] == ["applicant_id"]
    assert set(post["responses"]) >= {"201", "401", "403", "404", "409", "422"}
    for path in ("/api/v1/vacancies/{vacancy_id}/decide", "/api/v1/vacancies/{vacancy_id}/timeline",
                 "/api/v1/vacancies/{vacancy_id}/approve-recommendation", "/api/v1/login",
                 "/api/v1/vacancies/{vacancy_id}/metrics", "/api/v1/applicants/{applicant_id}/checklist"):
        assert path in doc["paths"], path
