"""The whole routine through the service layer: from the vacancy notice to the signed contract."""

from __future__ import annotations

import pytest

from service.casework import (Forbidden, IllegalTransition, InvalidInput, applicants, consultation, decisions,
                              movein, recommendations, vacancies)
from support.store import nominate_all, report_lade
from service.casework import commands


def test_a_vacancy_goes_from_notice_to_signed_contract_through_objection_meeting_and_head_decision(world):
    w = world
    vacancy_id = report_lade(w)

    # Step 3: the offices see the vacancy in the overview, with the unit's service profile.
    overview = vacancies.list_open_vacancies(w.ctx("hvk.midtbyen"))
    listed = next(v for v in overview if v["id"] == vacancy_id)
    assert listed["reference"] == "LB-2026-041"
    assert listed["unit"]["bemanning"] == {"dag": True, "kveld": True, "natt": False}
    assert listed["home"]["rom"] == 2 and listed["readiness"] == "being_prepared"
    assert listed["own_nomination"] is None

    # Step 4-5: four offices nominate; a caseworker journals a change to a checklist.
    nominate_all(w, vacancy_id)
    assert vacancies.list_open_vacancies(w.ctx("hvk.midtbyen"))[0]["own_nomination"]["candidate"] == "K-1187"
    w.at("2026-11-25", 10)
    change = applicants.record_journal_change(w.ctx('hvk.heimdal'), w.applicant_id('K-0954'),
        commands.parse(commands.RecordJournalChange, changes={'onsker_fellesskap': False},
                       note='Søkeren har ombestemt seg.'))
    assert change["seq"] == 2 and change["changes"] == {"onsker_fellesskap": False}

    # Step 6: a consultant ranks; the same consultant may not approve (four eyes); a second one does.
    w.at("2026-11-28", 9)
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    assert [c["id"] for c in rec["result"]["candidates"]] == ["K-2210", "K-2031", "K-0954", "K-1187"]
    w.at("2026-11-28", 11)
    with pytest.raises(Forbidden, match="fire øyne"):
        recommendations.approve_recommendation(w.ctx('konsulent.anne'), rec['vacancy_id'],
            commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    assert w.count("audit_log", "outcome = 'denied' AND action = 'approve_recommendation'") == 1
    w.at("2026-11-28", 14)
    approved = recommendations.approve_recommendation(w.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    assert approved["presented"] == ["K-2210", "K-2031"]  # equal standing: both are presented

    # Step 7-8: the unit leader objects; a meeting is called and held; disagreement remains.
    w.at("2026-11-30", 9)
    objection = consultation.unit_leader_respond(w.ctx('leder.lade'), vacancy_id,
        commands.parse(commands.UnitLeaderRespond, response='innsigelse', reason_code='sammensetning'))
    assert objection["reason_label"] == "sammensetningen av beboergruppen blir ikke god"
    with pytest.raises(IllegalTransition, match="drøftingsmøte"):
        decisions.decide(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.Decide, candidate='K-2210'))
    w.at("2026-11-30", 10)
    consultation.open_consultation(w.ctx('konsulent.anne'), vacancy_id,
        commands.parse(commands.OpenConsultation, scheduled_for='2026-12-02T13:00:00',
                       participants=[{'name': 'Kari Nordmann', 'role': 'enhetsleder'}]))
    w.at("2026-12-02", 15)
    meeting = consultation.record_meeting(w.ctx('konsulent.anne'), vacancy_id,
        commands.parse(commands.RecordMeeting, outcome='uenighet', minutes='Botiltaket mener ...',
                       participants=[{'name': 'Anne Berg', 'role': 'boligkonsulent'},
                                     {'name': 'Kari Nordmann', 'role': 'enhetsleder'},
                                     {'name': 'Omar Haddad', 'role': 'saksbehandler, Østbyen'},
                                     {'name': 'Dr. Eva Lind', 'role': 'spesialisthelsetjenesten'}]))
    assert meeting["outcome_label"] == "fortsatt uenighet: avdelingslederen avgjør"

    # The head of allocation decides; choosing the second needs a coded reason.
    with pytest.raises(Forbidden, match="avdelingslederen"):
        decisions.decide(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.Decide, candidate='K-2210'))
    w.at("2026-12-03", 9)
    with pytest.raises(InvalidInput) as missing_reason:
        decisions.decide(w.ctx('avdelingsleder.siri'), vacancy_id,
            commands.parse(commands.Decide, candidate='K-2031'))
    assert [p.path for p in missing_reason.value.problems] == ["override_code"]
    decision = decisions.decide(w.ctx('avdelingsleder.siri'), vacancy_id,
        commands.parse(commands.Decide, candidate='K-2031', override_code='likeverdig'))
    assert decision["top_candidate"] == "K-2210" and decision["welfare_office"] == "Lerkendal"
    with pytest.raises(IllegalTransition, match="allerede tildelt"):
        w.demo().nominate(vacancy_id, "K-3003")

    # Step 9: notifications to the nominating office and the unit are queued (bokmål, codes only).
    with w.sessions() as s:
        from sqlalchemy import select
        from service.store.models import OutboxMessage
        outbox = s.scalars(select(OutboxMessage).where(OutboxMessage.vacancy_id == vacancy_id)
                           .order_by(OutboxMessage.id)).all()
        assert [(m.recipient_kind, m.recipient) for m in outbox][-2:] == [("office", "Lerkendal"),
                                                                          ("unit", "lade-botiltak")]
        assert "K-2031 er tildelt Lade allé 12, leil. 103" in outbox[-2].body
        assert "Emma" not in "".join(m.body for m in outbox)  # no names in e-mail

    # Steps 10-11: ready, viewing, contract, the after-contract checklist.
    w.at("2026-12-03", 9, 10)
    with pytest.raises(IllegalTransition, match="ikke meldt klar"):
        movein.book_viewing(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.BookViewing,
                                                                                viewing_at='2026-12-04T12:00:00'))
    w.at("2026-12-03", 9, 20)
    vacancies.update_readiness(w.ctx('leder.lade'), vacancy_id, commands.parse(commands.UpdateReadiness,
                                                                               readiness='ready',
                                                                               ready_on='2026-12-03'))
    w.at("2026-12-03", 10)
    movein.book_viewing(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.BookViewing,
                                                                            viewing_at='2026-12-04T12:00:00'))
    w.at("2026-12-07", 10)
    movein.sign_contract(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.SignContract,
                                                                             signed_on='2026-12-07'))
    for step in ("housing_allowance_applied", "electricity_ordered", "address_reported"):
        movein.complete_movein_step(w.ctx('konsulent.anne'), vacancy_id,
            commands.parse(commands.CompleteMoveinStep, step=step))

    detail = vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)
    assert detail["stage"] == "contract_signed"
    assert [s["step"] for s in detail["movein_steps"]] == [
        "viewing_booked", "contract_signed", "housing_allowance_applied", "electricity_ordered", "address_reported"]

    # The timeline lists every step in order, with actor and time.
    events = vacancies.timeline(w.ctx("konsulent.anne"), vacancy_id)
    kinds = [e["kind"] for e in events]
    assert kinds == ["reported", "nominated", "nominated", "nominated", "nominated", "checklist_recorded",
                     "recommended", "approved", "unit_leader_responded", "consultation_opened", "meeting_recorded",
                     "decided", "readiness_updated", "viewing_booked", "contract_signed",
                     "nomination_not_allocated", "nomination_not_allocated", "nomination_not_allocated",
                     "movein_step", "movein_step", "movein_step"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    by_kind = {e["kind"]: e for e in events}
    assert by_kind["reported"]["actor"] == "Kari Nordmann"
    assert by_kind["approved"]["actor"] == "Jonas Lie"
    assert by_kind["decided"]["actor"] == "Siri Moe"
    assert by_kind["decided"]["at"].startswith("2026-12-03T08:00")  # 09:00 in Oslo, stored in UTC

    # The measures: reported 16.11, decided 3.12; vacated 14.11, still empty on 7.12.
    metrics = vacancies.vacancy_metrics(w.ctx("konsulent.anne"), vacancy_id)
    assert metrics["case_processing_days"] == 17
    assert metrics["vacant_days"] == 23 and metrics["still_vacant"] is True
    assert metrics["rent_lost"] == round(23 * 9400 / 30)


def test_the_tenant_moving_in_ends_the_vacancy_and_joins_the_residents(world):
    from support.store import lade_to_decision
    w = world
    vacancy_id = lade_to_decision(w)
    vacancies.update_readiness(w.ctx('leder.lade'), vacancy_id, commands.parse(commands.UpdateReadiness,
                                                                               readiness='ready'))
    movein.book_viewing(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.BookViewing,
                                                                            viewing_at='2026-12-01T12:00:00+01:00'))
    movein.sign_contract(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.SignContract))
    w.at("2026-12-10")
    moved = movein.register_move_in(w.ctx('konsulent.anne'), vacancy_id,
        commands.parse(commands.RegisterMoveIn, moved_in_on='2026-12-10'))
    assert moved["stage"] == "moved_in"
    metrics = vacancies.vacancy_metrics(w.ctx("konsulent.anne"), vacancy_id)
    assert metrics["vacant_days"] == 26 and metrics["still_vacant"] is False
    assert metrics["rent_lost"] == round(26 * 9400 / 30)
    with w.sessions() as s:
        from sqlalchemy import select
        from service.store.models import Applicant, Resident
        resident = s.scalar(select(Resident).where(Resident.code == moved["resident"]))
        assert resident.unit_id == "lade-botiltak"
        assert resident.facts == {"alder": 22, "malgruppe": "utviklingshemming", "aktiv_rus": False,
                                  "utagering": "lav"}
        assert s.scalar(select(Applicant.status).where(Applicant.code == "K-2210")) == "housed"
    # The home can be reported vacant again once the case is closed.
    w.at("2027-03-01")
    again = vacancies.report_vacancy(w.ctx('leder.lade'), commands.parse(commands.ReportVacancy,
                                                                         home_id=w.home_id('Lade allé 12, leil. 103')))
    assert again["reference"].startswith("LB-2027-")


def test_a_declined_offer_keeps_the_reason_and_moves_the_next_candidate_up(world):
    from support.store import lade_to_decision
    w = world
    vacancy_id = lade_to_decision(w)  # decided for K-2210
    w.at("2026-12-01")
    with pytest.raises(InvalidInput) as no_text:
        decisions.decline_offer(w.ctx('hvk.ostbyen'), vacancy_id,
            commands.parse(commands.DeclineOffer, reason_code='annet'))
    assert no_text.value.problems[0].path == "reason_text"
    declined = decisions.decline_offer(w.ctx('hvk.ostbyen'), vacancy_id,
        commands.parse(commands.DeclineOffer, reason_code='beliggenhet'))
    assert declined["candidate"] == "K-2210" and declined["stage"] == "approved"
    assert declined["presented"] == ["K-2031"]
    consultation.unit_leader_respond(w.ctx('leder.lade'), vacancy_id,
        commands.parse(commands.UnitLeaderRespond, response='enig'))
    decision = decisions.decide(w.ctx('konsulent.jonas'), vacancy_id,
        commands.parse(commands.Decide, candidate='K-2031'))  # now the top: no reason
    assert decision["override_code"] is None
    detail = vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)
    assert [(d["candidate"], d["status"]) for d in detail["decisions"]] == [("K-2210", "declined"),
                                                                           ("K-2031", "current")]
    assert detail["declined_offers"][0]["reason_label"] == "beliggenheten passer ikke"


def test_withdrawing_frees_the_office_to_nominate_someone_else_until_the_recommendation(world):
    w = world
    vacancy_id = report_lade(w)
    demo = w.demo()
    first = demo.nominate(vacancy_id, "K-1187")
    with pytest.raises(IllegalTransition, match="allerede en aktiv nominasjon"):
        demo.nominate(vacancy_id, "K-3001")
    from service.casework import nominations
    nominations.withdraw_nomination(w.ctx('hvk.midtbyen'), first['vacancy_id'],
        commands.parse(commands.WithdrawNomination, nomination_id=first['id'], reason='Søkeren er innlagt.'))
    second = demo.nominate(vacancy_id, "K-3001")
    assert second["candidate"] == "K-3001"
    nominate_all(w, vacancy_id, ["K-2210"])
    recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    with pytest.raises(IllegalTransition, match="kan ikke lenger trekkes tilbake"):
        nominations.withdraw_nomination(w.ctx('hvk.midtbyen'), second['vacancy_id'],
            commands.parse(commands.WithdrawNomination, nomination_id=second['id']))


def test_a_returned_recommendation_opens_the_vacancy_again_and_is_kept(world):
    w = world
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    recommendations.return_recommendation(w.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ReturnRecommendation, recommendation_id=rec['id'],
                       note='Sjekk K-1187 sin sjekkliste.'))
    assert vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)["stage"] == "open"
    second = recommendations.make_recommendation(w.ctx("konsulent.jonas"), vacancy_id)
    recommendations.approve_recommendation(w.ctx('konsulent.anne'), second['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=second['id']))
    assert [r["id"] for r in vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)["recommendations"]] == [
        rec["id"], second["id"]]


def test_a_candidate_the_composition_rules_flag_needs_a_meeting_before_the_decision(world):
    from support.store import SVERRESGATE_HOME
    w = world
    w.at("2026-11-20", 9)  # the day it is reported
    view = vacancies.report_vacancy(w.ctx('leder.sverresgate'), commands.parse(commands.ReportVacancy,
                                                                               home_id=w.home_id(SVERRESGATE_HOME),
                                                                               reported_on='2026-11-20',
                                                                               vacated_on='2026-11-19',
                                                                               readiness='ready', monthly_rent=8100))
    nominate_all(w, view["id"], ["K-3001", "K-3002", "K-3003"])
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), view["id"])
    recommendations.approve_recommendation(w.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    consultation.unit_leader_respond(w.ctx('leder.sverresgate'), view['id'],
        commands.parse(commands.UnitLeaderRespond, response='enig'))
    with pytest.raises(IllegalTransition, match="krever drøftingsmøte"):
        decisions.decide(w.ctx('konsulent.jonas'), view['id'], commands.parse(commands.Decide, candidate='K-3002'))
    with pytest.raises(InvalidInput, match="ikke blant kandidatene"):
        decisions.decide(w.ctx('konsulent.jonas'), view['id'], commands.parse(commands.Decide,
                                                                              candidate='K-3001'))  # blocked by the rules
