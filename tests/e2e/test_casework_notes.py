"""Nothing typed is lost: notes and reasons are kept with the step and shown to those who may read them."""

from __future__ import annotations

from support.http import nominate_all, recommend_and_approve, report_lade
from support.pages import Pages


def _recommended(api) -> tuple[int, dict]:
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    api.at("2026-11-28", 9)
    rec = api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)
    return vacancy_id, rec


def test_the_reason_for_sending_a_recommendation_back_is_in_the_timeline_and_on_the_vacancy_page(api, casework_app):
    vacancy_id, rec = _recommended(api)
    api.at("2026-11-28", 14)
    api.ok("POST", f"/vacancies/{vacancy_id}/return-recommendation",
           {"recommendation_id": rec["id"], "note": "Sjekk bosituasjonen til K-1187 en gang til."},
           as_="konsulent.jonas")

    events = api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
    returned = next(e for e in events if e["kind"] == "recommendation_returned")
    assert returned["note"] == "Sjekk bosituasjonen til K-1187 en gang til."

    pages = Pages(casework_app)
    pages.login("konsulent.anne")
    html = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    assert "Sendt tilbake" in html and "«Sjekk bosituasjonen til K-1187 en gang til.»" in html
    timeline = pages.get(f"/ledige-boliger/{vacancy_id}/tidslinje").get_data(as_text=True)
    assert "«Sjekk bosituasjonen til K-1187 en gang til.»" in timeline


def test_the_teams_notes_are_not_shown_to_the_unit_or_other_offices(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)  # approved with the note "Gjennomgått."

    for reader in ("leder.lade", "hvk.heimdal"):
        approved = next(e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_=reader)
                        if e["kind"] == "approved")
        assert approved["note"] is None and "note" not in (approved["data"] or {}), reader
    team = next(e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
                if e["kind"] == "approved")
    assert team["note"] == "Gjennomgått."
    rec_id = api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")["recommendations"][-1]["id"]
    assert api.ok("GET", f"/recommendations/{rec_id}", as_="leder.lade")["approval"]["note"] is None
    assert api.ok("GET", f"/recommendations/{rec_id}", as_="konsulent.jonas")["approval"]["note"] == "Gjennomgått."


def test_an_offices_withdrawal_reason_is_kept_for_the_office_and_the_team(api):
    vacancy_id = report_lade(api)
    nominated = nominate_all(api, vacancy_id)
    api.ok("POST", f"/vacancies/{vacancy_id}/withdraw-nomination",
           {"nomination_id": nominated["K-0954"]["id"], "reason": "Søkeren er innlagt."}, as_="hvk.heimdal")

    for reader in ("hvk.heimdal", "konsulent.anne"):
        nomination = next(n for n in api.ok("GET", f"/vacancies/{vacancy_id}", as_=reader)["nominations"]
                          if n["candidate"] == "K-0954")
        assert nomination["reason"] == "Søkeren er innlagt.", reader
        withdrawn = next(e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_=reader)
                         if e["kind"] == "nomination_withdrawn")
        assert withdrawn["note"] == "Søkeren er innlagt.", reader
    leader_view = next(e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="leder.lade")
                       if e["kind"] == "nomination_withdrawn")
    assert leader_view["note"] is None


def test_on_the_demo_the_moved_in_vacancy_has_no_active_nomination_and_the_others_are_not_allocated(tmp_path):
    from support.pages import demo_app

    app = demo_app(tmp_path)
    pages = Pages(app)
    pages.login("konsulent.anne")
    closed = [v for v in pages.client.get("/api/v1/vacancies?stage=all").get_json() if v["stage"] == "moved_in"]
    assert len(closed) > 1  # LB-2026-030 and the demo's history
    for moved_in in closed:
        case = pages.client.get(f"/api/v1/vacancies/{moved_in['id']}").get_json()
        chosen = case["decisions"][-1]["candidate"]
        statuses = {n["candidate"]: n["status"] for n in case["nominations"]}
        assert "active" not in statuses.values(), moved_in["reference"]
        assert statuses.pop(chosen) == "allocated"
        assert set(statuses.values()) <= {"not_allocated"}, moved_in["reference"]
    moved_in = next(v for v in closed if v["reference"] == "LB-2026-030")  # two nominees, one housed
    statuses = {n["candidate"]: n["status"] for n in pages.client.get(
        f"/api/v1/vacancies/{moved_in['id']}").get_json()["nominations"]}
    assert len(statuses) >= 2 and sorted(statuses.values()) == ["allocated", "not_allocated"]
    page = pages.get(f"/ledige-boliger/{moved_in['id']}").get_data(as_text=True)
    assert page.count("ikke tildelt") >= len(statuses) - 1 and "tildelt, innflyttet" in page


def test_a_checklist_changed_after_the_recommendation_is_flagged_for_the_team_with_the_fields(api, casework_app):
    vacancy_id, rec = _recommended(api)
    k1187 = api.applicant_id("K-1187")
    api.at("2026-11-28", 11)
    api.ok("POST", f"/applicants/{k1187}/journal", {"changes": {"bosituasjon": "bostedslos"},
                                                     "note": "Mistet leiligheten."}, as_="hvk.midtbyen", status=201)

    team = api.ok("GET", f"/recommendations/{rec['id']}", as_="konsulent.jonas")
    assert team["changed_since"] == {"K-1187": ["bosituasjon"]}
    assert "changed_since" not in api.ok("GET", f"/recommendations/{rec['id']}", as_="hvk.midtbyen")

    pages = Pages(casework_app)
    pages.login("konsulent.jonas")
    html = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    assert 'id="endret-etter-innstillingen"' in html and "K-1187: Bosituasjon" in html
    assert "Ranger på nytt med dagens opplysninger" in html  # (tests/e2e/test_casework_rank_again.py)


def test_after_a_declined_offer_the_letters_issued_stay_readable_and_say_the_decision_fell_away(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade")
    api.ok("POST", f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.jonas")
    api.at("2026-12-01", 9)
    declined = api.ok("POST", f"/vacancies/{vacancy_id}/decline-offer", {"reason_code": "beliggenhet"},
                      as_="konsulent.anne", status=201)
    assert declined["stage"] == "approved"  # the next candidate goes to the unit leader

    pages = Pages(casework_app)
    pages.login("konsulent.anne")
    letter = pages.get(f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-2210")
    html = letter.get_data(as_text=True)

    assert letter.status_code == 200
    assert 'id="vedtaket-falt-bort"' in html and "K-2210 takket nei til tilbudet" in html
    assert "30. november 2026" in html
    page = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    k2210 = page.split('aria-labelledby="kandidat-K-2210"', 1)[1].split("</ul>", 1)[0]  # its badges on the ranking
    assert "Takket nei til tilbudet" in k2210 and "Legges fram for enhetslederen" not in k2210
    assert api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")["presented"] == ["K-2031"]
