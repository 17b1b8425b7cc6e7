"""Separation of duties: the unit leader's preference among equal candidates counts in the decision."""

from __future__ import annotations

from support.http import nominate_all, recommend_and_approve, report_lade
from support.pages import Pages


def test_choosing_against_the_unit_leaders_preference_needs_a_coded_reason_and_the_form_shows_it(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    answer = api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond",
                    {"response": "enig", "preferred_candidate": "K-2031"}, as_="leder.lade")
    assert answer["presented"] == ["K-2210", "K-2031"]  # of equal standing: the unit may say whom it prefers

    pages = Pages(casework_app)
    pages.login("konsulent.jonas")
    form = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    assert 'id="decide-preferred">Enhetslederen foretrekker <strong>K-2031</strong>' in form

    refused = api.post(f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.jonas")
    assert refused.status_code == 422
    assert refused.get_json()["problemer"] == [{
        "path": "override_code", "line": None,
        "message": "enhetslederen foretrekker K-2031 av de likeverdige; oppgi hvorfor en annen velges"}]

    decided = api.ok("POST", f"/vacancies/{vacancy_id}/decide",
                     {"candidate": "K-2210", "override_code": "tjenester"}, as_="konsulent.jonas")
    assert decided["candidate"] == "K-2210" and decided["override_code"] == "tjenester"
    decided_event = next(e for e in api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
                         if e["kind"] == "decided")
    assert "ikke K-2031, som enhetslederen foretrakk" in decided_event["text"]


def test_the_author_of_the_recommendation_cannot_decide_it_and_is_not_offered_to(api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)  # written by konsulent.anne, approved by konsulent.jonas
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade")

    refused = api.post(f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.anne")

    assert refused.status_code == 403
    assert refused.get_json()["feil"].startswith("Den som skrev innstillingen kan ikke også fatte vedtaket")
    author, other = Pages(casework_app), Pages(casework_app)
    author.login("konsulent.anne")
    other.login("konsulent.jonas")
    assert "Fatt vedtak om tildeling" not in author.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
    assert "Fatt vedtak om tildeling" in other.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
