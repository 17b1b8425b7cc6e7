"""Ranking again after a checklist changed, the confirmation before an irreversible step, and a ranking
that cannot be made naming the nominee and the field."""

from __future__ import annotations

import re

from sqlalchemy import update

from service.store.models import Applicant
from support.http import nominate_all, recommend_and_approve, report_lade
from support.pages import Pages


def _journal(api, code: str, office_user: str, changes: dict):
    aid = api.applicant_id(code)
    api.ok("POST", f"/applicants/{aid}/journal", {"changes": changes, "note": "Ny opplysning fra fastlegen."},
           as_=office_user, status=201)


def test_a_checklist_changed_after_the_approval_is_flagged_and_the_page_ranks_again_after_a_confirmation(
        api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    first = recommend_and_approve(api, vacancy_id)
    assert [c["id"] for c in first["result"]["candidates"]][:2] == ["K-2210", "K-2031"]
    api.at("2026-11-29", 9)
    _journal(api, "K-0954", "hvk.heimdal", {"akutt_fare": True})  # +30 points

    pages = Pages(casework_app)
    pages.login("konsulent.jonas")
    page = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    assert 'id="endret-etter-innstillingen"' in page and "K-0954: Akutt fare" in page
    assert "Ranger på nytt med dagens opplysninger" in page

    asked = pages.post(f"/ledige-boliger/{vacancy_id}/rank-again", {})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Vil du rangere på nytt med dagens opplysninger?" in question
    assert 'name="bekreftet" value="ja"' in question
    assert api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")["stage"] == "approved"  # not yet

    done = pages.post(f"/ledige-boliger/{vacancy_id}/rank-again", {"bekreftet": "ja"})
    assert done.status_code == 302
    view = api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")
    assert view["stage"] == "recommended" and len(view["recommendations"]) == 2
    latest = api.ok("GET", f"/recommendations/{view['recommendations'][-1]['id']}", as_="konsulent.anne")
    assert latest["result"]["candidates"][0]["id"] == "K-0954" and latest["changed_since"] == {}
    event = [e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
             if e["kind"] == "recommended"][-1]
    assert "sjekklisten er endret for K-0954 (akutt_fare)" in event["text"]
    # the new ranking needs four eyes again: its author (jonas) may not approve it, anne may
    refused = api.post(f"/vacancies/{vacancy_id}/approve-recommendation", {"recommendation_id": latest["id"]},
                       as_="konsulent.jonas")
    assert refused.status_code == 403
    api.ok("POST", f"/vacancies/{vacancy_id}/approve-recommendation", {"recommendation_id": latest["id"]},
           as_="konsulent.anne")
    # nothing changed since: ranking again is refused, and not offered
    again = api.post(f"/vacancies/{vacancy_id}/rank-again", as_="konsulent.anne")
    assert again.status_code == 409 and "er endret etter innstillingen; den står" in again.get_json()["feil"]
    assert "Ranger på nytt" not in pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)


def test_deciding_from_the_page_asks_first_and_shows_what_will_be_decided(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade",
           status=201)
    pages = Pages(casework_app)
    pages.login("konsulent.jonas")

    asked = pages.post(f"/ledige-boliger/{vacancy_id}/decide", {"candidate": "K-2031", "override_code": "likeverdig"})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Vil du fatte vedtak?" in question
    assert re.search(r"<dt>Kandidat</dt><dd>K-2031</dd>", question)
    assert "Dette kan ikke angres." in question and "Avbryt og gå tilbake" in question
    assert api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")["decisions"] == []

    # a form with a mistake is refused at once, without asking
    bad = pages.post(f"/ledige-boliger/{vacancy_id}/decide", {"candidate": ""})
    assert "Vil du fatte vedtak?" not in bad.get_data(as_text=True)

    done = pages.post(f"/ledige-boliger/{vacancy_id}/decide",
                      {"candidate": "K-2031", "override_code": "likeverdig", "bekreftet": "ja"})
    assert done.status_code == 302
    decisions = api.ok("GET", f"/vacancies/{vacancy_id}", as_="konsulent.anne")["decisions"]
    assert [(d["candidate"], d["override_code"]) for d in decisions] == [("K-2031", "likeverdig")]


def test_a_ranking_that_cannot_be_made_names_the_nominee_and_the_field(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    # a birth date no form accepts any longer, as an old record might hold it
    with casework_app.extensions["boligtildeling.store"].sessions() as session:
        session.execute(update(Applicant).where(Applicant.code == "K-2031")
                        .values(birth_date=Applicant.birth_date.type.python_type(1850, 1, 1)))
        session.commit()
    api.at("2026-11-28", 9)
    refused = api.post(f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne")
    assert refused.status_code == 422
    messages = [p["message"] for p in refused.get_json()["problemer"]]
    assert messages and all(m.startswith("K-2031 (feltet «alder»)") for m in messages), messages

    pages = Pages(casework_app)
    pages.login("konsulent.anne")
    page = pages.post(f"/ledige-boliger/{vacancy_id}/make-recommendation", {"bekreftet": "ja"}).get_data(as_text=True)
    assert "K-2031 (feltet «alder»)" in page, re.findall(r"skjemafeil.{0,400}", page, re.S)
