"""Need-to-know as a matrix: role x route x (own / other office, consent, stage) -> the answer, over HTTP.

Each test drives the Lade vacancy to one stage of the routine and asks every route
that carries people's data as every kind of reader. An answer is the status and,
for a 200, exactly which candidate codes the body names. Every mismatch is listed
at once, so a change in access shows as a table of what moved.

The Lade nominees: K-1187 (Midtbyen; blocked for the home), K-2210 (Østbyen),
K-2031 (Lerkendal), K-0954 (Heimdal). The approved ranking presents K-2210 and
K-2031 to the unit leader.
"""

from __future__ import annotations

import json
import re

from support.http import nominate_all, recommend_and_approve, report_lade

ALL = {"K-1187", "K-2210", "K-2031", "K-0954"}
PRESENTED = {"K-2210", "K-2031"}
NAMES = ("Lars Aune", "Sander Holm", "Emma Solheim", "Ingrid Rønning")
TEAM = ("konsulent.anne", "avdelingsleder.siri")
OUTSIDERS = ("leder.sverresgate", "radgiver.per", "admin")
CODE = re.compile(r"K-\d{4}")


def _answer(api, path: str, who: str):
    response = api.get(path, as_=who)
    if response.status_code != 200:
        return response.status_code, None
    return 200, set(CODE.findall(json.dumps(response.get_json(), ensure_ascii=False)))


def _check(api, table: list[tuple[str, str, object]]) -> None:
    """`table`: (reader, path, expected) with expected a status (int) or the set of codes a 200 names."""
    wrong = []
    for who, path, expected in table:
        status, codes = _answer(api, path, who)
        got = status if status != 200 else codes
        if isinstance(expected, int) and expected != 200:
            ok = status == expected
        else:
            ok = status == 200 and codes == expected
        if not ok:
            wrong.append(f"{who:22} GET {path:40} expected {expected!r}, got {got!r}")
    assert not wrong, "need-to-know answers that moved:\n" + "\n".join(wrong)


def _people(api) -> dict[str, int]:
    return {code: api.applicant_id(code) for code in ALL}


def _rows(vacancy_id: int, rec_id: int | None, ids: dict[str, int], expected: dict) -> list:
    """Expand {reader: {route-key: expected}} into rows; route keys name the routes below."""
    routes = {"vacancy": f"/vacancies/{vacancy_id}", "timeline": f"/vacancies/{vacancy_id}/timeline",
              "waiting_list": "/applicants", **{code: f"/applicants/{aid}" for code, aid in ids.items()}}
    if rec_id is not None:
        routes["recommendation"] = f"/recommendations/{rec_id}"
    return [(who, routes[key], answer) for who, answers in expected.items() for key, answer in answers.items()
            if key in routes]


def _caseworker(own: str) -> dict:
    others = ALL - {own}
    return {"vacancy": {own}, "timeline": {own}, own: {own}, **{o: 403 for o in others}}


def test_while_nominations_are_open(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    ids = _people(api)
    expected = {
        **{t: {"vacancy": ALL, "timeline": ALL, **{c: {c} for c in ALL}} for t in TEAM},
        "hvk.midtbyen": _caseworker("K-1187"),
        "hvk.ostbyen": _caseworker("K-2210"),
        # the unit leader follows the case, but sees no nominee before the approved ranking
        "leder.lade": {"vacancy": set(), "timeline": set(), "waiting_list": 403, **{c: 403 for c in ALL}},
        **{o: {"vacancy": set(), "timeline": 403, "waiting_list": 403, **{c: 403 for c in ALL}} for o in OUTSIDERS},
    }
    _check(api, _rows(vacancy_id, None, ids, expected))


def test_before_the_four_eyes_approval_the_unit_sees_no_ranking(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    api.at("2026-11-28", 9)
    rec = api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)
    ids = _people(api)
    expected = {
        **{t: {"recommendation": ALL} for t in TEAM},
        "hvk.midtbyen": {"recommendation": {"K-1187"}},  # their own candidate, compared without naming the top
        "hvk.ostbyen": {"recommendation": {"K-2210"}},
        "leder.lade": {"recommendation": 403, "vacancy": set(), **{c: 403 for c in ALL}},
        **{o: {"recommendation": 403} for o in OUTSIDERS},
    }
    _check(api, _rows(vacancy_id, rec["id"], ids, expected))


def test_after_the_approval_the_unit_sees_the_presented_nominees_only(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    rec = recommend_and_approve(api, vacancy_id)
    # Lerkendal's nominee withdraws consent to sharing: still presented, but no checklist field shown.
    ids = _people(api)
    api.ok("POST", f"/applicants/{ids['K-2031']}/journal",
           {"changes": {"samtykke_deling": False}, "note": "Søkeren trakk samtykket."}, as_="hvk.lerkendal",
           status=201)
    expected = {
        **{t: {"vacancy": ALL, "timeline": ALL, "recommendation": ALL} for t in TEAM},
        "hvk.midtbyen": {**_caseworker("K-1187"), "recommendation": {"K-1187"}},
        "leder.lade": {"vacancy": PRESENTED, "timeline": PRESENTED, "recommendation": PRESENTED,
                       "K-2210": {"K-2210"}, "K-2031": {"K-2031"}, "K-1187": 403, "K-0954": 403,
                       "waiting_list": 403},
        **{o: {"vacancy": set(), "recommendation": 403, **{c: 403 for c in ALL}} for o in OUTSIDERS},
    }
    _check(api, _rows(vacancy_id, rec["id"], ids, expected))

    unit_view = api.ok("GET", f"/applicants/{ids['K-2210']}", as_="leder.lade")
    assert unit_view["checklist_shared"] and "akutt_fare" not in unit_view["checklist_shared"]
    assert not {"name", "birth_date", "journal", "target_groups"} & set(unit_view)
    withdrawn = api.ok("GET", f"/applicants/{ids['K-2031']}", as_="leder.lade")
    assert withdrawn["checklist_shared"] is None and withdrawn["consent_to_share"] is False
    for who in ("leder.lade", "hvk.midtbyen", "admin"):
        body = json.dumps(api.ok("GET", f"/vacancies/{vacancy_id}", as_=who), ensure_ascii=False)
        assert not any(name in body for name in NAMES), who
    # which checklist fields changed: the team and the office read it, the unit only that it changed
    unit_events = api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="leder.lade")
    changed = [e for e in unit_events if e["kind"] == "checklist_recorded"]
    assert changed and all("samtykke_deling" not in json.dumps(e) for e in changed)
    team_events = api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="konsulent.anne")
    assert any("samtykke_deling" in e["text"] for e in team_events if e["kind"] == "checklist_recorded")


def test_after_move_in_the_unit_and_other_offices_see_no_nominee(api):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    rec = recommend_and_approve(api, vacancy_id)
    ids = _people(api)  # (off the waiting list once moved in)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond", {"response": "enig"}, as_="leder.lade", status=201)
    api.at("2026-12-01", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/decide", {"candidate": "K-2210"}, as_="konsulent.jonas", status=201)
    api.ok("POST", f"/vacancies/{vacancy_id}/update-readiness", {"readiness": "ready", "ready_on": "2026-12-01"},
           as_="leder.lade")
    api.ok("POST", f"/vacancies/{vacancy_id}/book-viewing", {"viewing_at": "2026-12-02T12:00:00",
                                                             "note": "Ta med tolk."}, as_="konsulent.anne")
    decided = {"hvk.midtbyen": api.ok("GET", f"/vacancies/{vacancy_id}", as_="hvk.midtbyen"),
               "hvk.ostbyen": api.ok("GET", f"/vacancies/{vacancy_id}", as_="hvk.ostbyen")}
    # the viewing concerns the allocated applicant: their office sees it, another office does not
    assert decided["hvk.ostbyen"]["movein_steps"] and not decided["hvk.midtbyen"]["movein_steps"]
    api.at("2026-12-03", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/sign-contract", {"signed_on": "2026-12-03"}, as_="konsulent.anne")
    api.ok("POST", f"/vacancies/{vacancy_id}/register-move-in", {"moved_in_on": "2026-12-03"}, as_="konsulent.anne")
    expected = {
        **{t: {"vacancy": ALL, "timeline": ALL, "recommendation": ALL} for t in TEAM},
        "hvk.ostbyen": {**_caseworker("K-2210"), "recommendation": {"K-2210"}},
        "hvk.midtbyen": {**_caseworker("K-1187"), "recommendation": {"K-1187"}},
        "leder.lade": {"vacancy": set(), "timeline": set(), "recommendation": 403, **{c: 403 for c in ALL}},
        **{o: {"vacancy": set(), "timeline": 403, **{c: 403 for c in ALL}} for o in OUTSIDERS},
    }
    _check(api, _rows(vacancy_id, rec["id"], ids, expected))
