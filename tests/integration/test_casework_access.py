"""Need-to-know: who sees which candidate, and how much; refusals are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.casework import Forbidden, applicants, recommendations, vacancies
from service.domain import access
from service.store.models import AuditEntry
from support.store import nominate_all, recommend_and_approve, report_lade
from service.casework import commands


def test_a_caseworker_reading_another_offices_candidate_is_refused_and_the_attempt_is_audited(world):
    w = world
    lerkendal_applicant = w.applicant_id("K-2031")
    with pytest.raises(Forbidden, match="ikke tilgang"):
        applicants.get_candidate(w.ctx("hvk.midtbyen"), lerkendal_applicant)
    with w.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor_username, entry.action, entry.outcome, entry.applicant_id) == (
            "hvk.midtbyen", "read_candidate", "denied", lerkendal_applicant)


def test_a_caseworker_sees_their_own_offices_candidate_in_full_and_the_read_is_audited(world):
    w = world
    view = applicants.get_candidate(w.ctx("hvk.lerkendal"), w.applicant_id("K-2031"))
    assert view["name"] == "Emma Solheim" and view["checklist"]["akutt_fare"] is False
    assert view["journal"][0]["kind"] == "checklist"
    assert w.count("audit_log", "action = 'read_candidate' AND outcome = 'ok'") == 1


def test_a_caseworker_sees_only_their_own_waiting_list(world):
    w = world
    own = applicants.list_waiting_list(w.ctx("hvk.heimdal"))
    assert {a["welfare_office"] for a in own} == {"Heimdal"}
    with pytest.raises(Forbidden):
        applicants.list_waiting_list(w.ctx("hvk.heimdal"), "Midtbyen")
    everyone = applicants.list_waiting_list(w.ctx("konsulent.anne"))
    assert {a["welfare_office"] for a in everyone} == {"Midtbyen", "Østbyen", "Lerkendal", "Heimdal"}


def test_a_unit_leader_sees_only_shareable_fields_of_the_nominees_presented_to_them(world):
    w = world
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    # Before a second consultant has approved the ranking, the unit sees no nominee.
    with pytest.raises(Forbidden):
        applicants.get_candidate(w.ctx("leder.lade"), w.applicant_id("K-2210"))
    rec = recommend_and_approve(w, vacancy_id)
    presented = rec["result"]["present_to_unit_leader"]
    assert presented == ["K-2210", "K-2031"]  # K-1187 is blocked for this home, K-0954 stands lower
    # A nominee not presented stays with the team.
    for code in {c["id"] for c in rec["result"]["candidates"]} - set(presented):
        with pytest.raises(Forbidden):
            applicants.get_candidate(w.ctx("leder.lade"), w.applicant_id(code))
    view = applicants.get_candidate(w.ctx("leder.lade"), w.applicant_id("K-2210"))
    assert "target_groups" not in view
    assert "name" not in view and "birth_date" not in view and "journal" not in view
    shared = view["checklist_shared"]
    assert shared and set(shared) <= set(applicants.shareable_fields(w.ctx("leder.lade")))
    assert "akutt_fare" not in shared and "bosituasjon" not in shared and "samtykke_deling" not in shared
    # A leader of another unit, and a candidate not nominated to the unit, are refused.
    with pytest.raises(Forbidden):
        applicants.get_candidate(w.ctx("leder.sverresgate"), w.applicant_id("K-2210"))
    with pytest.raises(Forbidden):
        applicants.get_candidate(w.ctx("leder.lade"), w.applicant_id("K-3001"))


def test_without_consent_the_unit_leader_sees_no_checklist_fields(world):
    w = world
    vacancy_id = report_lade(w)
    applicants.record_journal_change(w.ctx('hvk.ostbyen'), w.applicant_id('K-2210'),
        commands.parse(commands.RecordJournalChange, changes={'samtykke_deling': False},
                       note='Søkeren trakk samtykket.'))
    nominate_all(w, vacancy_id, ["K-2210"])
    recommend_and_approve(w, vacancy_id)
    view = applicants.get_candidate(w.ctx("leder.lade"), w.applicant_id("K-2210"))
    assert view["consent_to_share"] is False and view["checklist_shared"] is None
    assert "samtykket" in view["note"]


def test_the_unit_leader_sees_ranks_but_no_explanations_and_a_caseworker_only_their_candidate(world):
    w = world
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    rec = recommend_and_approve(w, vacancy_id)
    unit_view = recommendations.get_recommendation(w.ctx("leder.lade"), rec["id"])
    assert unit_view["scope"] == "unit" and "result" not in unit_view and "input" not in unit_view
    assert set(unit_view["candidates"][0]) == {"rank", "id", "score", "eligible", "needs_consultation",
                                               "equal_standing_with"}
    office_view = recommendations.get_recommendation(w.ctx("hvk.heimdal"), rec["id"])
    assert [c["id"] for c in office_view["candidates"]] == ["K-0954"]
    assert office_view["candidates"][0]["score_items"]
    with pytest.raises(Forbidden):
        recommendations.get_recommendation(w.ctx("radgiver.per"), rec["id"])
    with pytest.raises(Forbidden):
        recommendations.rerank(w.ctx("leder.lade"), rec["id"])


def test_the_timeline_is_for_the_team_the_unit_and_the_nominating_offices(world):
    w = world
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id, ["K-1187"])
    assert vacancies.timeline(w.ctx("leder.lade"), vacancy_id)
    assert vacancies.timeline(w.ctx("hvk.midtbyen"), vacancy_id)
    for outsider in ("hvk.heimdal", "leder.sverresgate", "radgiver.per"):
        with pytest.raises(Forbidden):
            vacancies.timeline(w.ctx(outsider), vacancy_id)


def test_only_the_units_own_leader_or_the_team_reports_a_vacancy(world):
    from support.store import LADE_HOME
    w = world
    with pytest.raises(Forbidden):
        vacancies.report_vacancy(w.ctx('leder.sverresgate'), commands.parse(commands.ReportVacancy,
                                                                            home_id=w.home_id(LADE_HOME)))
    with pytest.raises(Forbidden):
        vacancies.report_vacancy(w.ctx('hvk.midtbyen'), commands.parse(commands.ReportVacancy,
                                                                       home_id=w.home_id(LADE_HOME)))


class _Actor:
    def __init__(self, role, office=None, units=()):
        self.role, self.welfare_office, self.unit_ids = role, office, set(units)


@pytest.mark.parametrize("actor, office, units, allowed", [
    (_Actor("consultant"), "Heimdal", (), True),
    (_Actor("head_of_allocation"), "Heimdal", (), True),
    (_Actor("caseworker", "Heimdal"), "Heimdal", (), True),
    (_Actor("caseworker", "Midtbyen"), "Heimdal", (), False),
    (_Actor("unit_leader", units=["lade"]), "Heimdal", ["lade"], True),
    (_Actor("unit_leader", units=["lade"]), "Heimdal", ["sverresgate"], False),
    (_Actor("policy_officer"), "Heimdal", ["lade"], False),
    (_Actor("admin"), "Heimdal", ["lade"], False),
])
def test_who_may_read_an_applicant(actor, office, units, allowed):
    assert access.may_read_applicant(actor, office, units) is allowed


def test_shared_with_unit_needs_consent_in_the_same_checklist():
    checklist = {"rullestol": True, "akutt_fare": True, "samtykke_deling": True}
    assert access.shared_with_unit(checklist, ["rullestol"]) == {"rullestol": True}
    assert access.shared_with_unit({**checklist, "samtykke_deling": False}, ["rullestol"]) is None
    assert access.shared_with_unit(None, ["rullestol"]) is None


def test_the_request_information_goes_into_the_audit_entry(world):
    w = world
    ctx = w.ctx("hvk.lerkendal")
    ctx.request_info = {"ip": "10.0.0.7", "via": "token"}
    applicants.get_candidate(ctx, w.applicant_id("K-2031"))
    with w.sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.detail["request"] == {"ip": "10.0.0.7", "via": "token"}
        assert entry.detail["scope"] == "full"
