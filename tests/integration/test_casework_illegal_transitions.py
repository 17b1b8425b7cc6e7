"""Each illegal transition raises IllegalTransition with a bokmål message and changes nothing."""

from __future__ import annotations

import pytest

from service.casework import IllegalTransition, consultation, decisions, movein, nominations, recommendations
from support.store import lade_to_decision, nominate_all, recommend_and_approve, report_lade
from service.casework import commands


def _open_with_nominees(w):
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    return vacancy_id


def _recommended(w):
    vacancy_id = _open_with_nominees(w)
    recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    return vacancy_id


def _approved(w):
    vacancy_id = _open_with_nominees(w)
    recommend_and_approve(w, vacancy_id)
    return vacancy_id


def _objected(w):
    vacancy_id = _approved(w)
    consultation.unit_leader_respond(w.ctx('leder.lade'), vacancy_id,
        commands.parse(commands.UnitLeaderRespond, response='innsigelse', reason_code='atferd'))
    return vacancy_id


def _contract_signed(w):
    from service.casework import vacancies
    vacancy_id = lade_to_decision(w)
    vacancies.update_readiness(w.ctx('leder.lade'), vacancy_id, commands.parse(commands.UpdateReadiness,
                                                                               readiness='ready'))
    movein.book_viewing(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.BookViewing,
                                                                            viewing_at='2026-12-02T12:00:00'))
    movein.sign_contract(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.SignContract))
    return vacancy_id


def _electricity_ordered(w):
    vacancy_id = _contract_signed(w)
    movein.complete_movein_step(w.ctx('konsulent.anne'), vacancy_id,
        commands.parse(commands.CompleteMoveinStep, step='electricity_ordered'))
    return vacancy_id


CASES = {
    # name: (build the state, the illegal step, words the message must contain)
    "deciding before any recommendation": (
        _open_with_nominees, lambda w, v: decisions.decide(w.ctx('konsulent.anne'), v,
            commands.parse(commands.Decide, candidate='K-2210')),
        "før det er skrevet en innstilling"),
    "deciding before the four-eyes approval": (
        _recommended, lambda w, v: decisions.decide(w.ctx('konsulent.anne'), v,
            commands.parse(commands.Decide, candidate='K-2210')),
        "fire øyne"),
    "deciding before the unit leader answered": (
        _approved, lambda w, v: decisions.decide(w.ctx('konsulent.anne'), v,
            commands.parse(commands.Decide, candidate='K-2210')),
        "enhetslederen har svart"),
    "deciding over an objection without a meeting": (
        _objected, lambda w, v: decisions.decide(w.ctx('avdelingsleder.siri'), v,
            commands.parse(commands.Decide, candidate='K-2210')),
        "drøftingsmøte"),
    "nominating on an allocated vacancy": (
        lade_to_decision, lambda w, v: w.demo().nominate(v, "K-3001"), "allerede tildelt"),
    "a second nomination from the same office": (
        _open_with_nominees, lambda w, v: w.demo().nominate(v, "K-3001"), "allerede en aktiv nominasjon"),
    "a recommendation with no nominees": (
        report_lade, lambda w, v: recommendations.make_recommendation(w.ctx("konsulent.anne"), v),
        "ingen aktive nominasjoner"),
    "a second recommendation while one waits for approval": (
        _recommended, lambda w, v: recommendations.make_recommendation(w.ctx("konsulent.anne"), v),
        "innstilling venter på godkjenning"),
    "approving twice": (
        _approved, lambda w, v: recommendations.approve_recommendation(
            w.ctx("konsulent.jonas"), v, commands.parse(commands.ApproveRecommendation, recommendation_id=1)),
        "Kan ikke godkjenne innstillingen nå"),
    "the unit leader answering before the approval": (
        _recommended, lambda w, v: consultation.unit_leader_respond(w.ctx('leder.lade'), v,
            commands.parse(commands.UnitLeaderRespond, response='enig')),
        "Kan ikke svare på innstillingen nå"),
    "minutes for a meeting never called": (
        _objected, lambda w, v: consultation.record_meeting(w.ctx('konsulent.anne'), v,
            commands.parse(commands.RecordMeeting, participants=[{'name': 'A', 'role': 'b'}], minutes='x',
                           outcome='enighet')),
        "Kan ikke føre referat"),
    "booking a viewing before the decision": (
        _approved, lambda w, v: movein.book_viewing(w.ctx('konsulent.anne'), v,
            commands.parse(commands.BookViewing, viewing_at='2026-12-02T12:00:00')),
        "Kan ikke avtale visning nå"),
    "signing the contract before the viewing": (
        lade_to_decision, lambda w, v: movein.sign_contract(w.ctx('konsulent.anne'), v,
            commands.parse(commands.SignContract)),
        "Kan ikke registrere signert kontrakt nå"),
    "after-contract steps before the contract": (
        lade_to_decision, lambda w, v: movein.complete_movein_step(w.ctx('konsulent.anne'), v,
            commands.parse(commands.CompleteMoveinStep, step='electricity_ordered')),
        "Kan ikke registrere steg i innflyttingen nå"),
    "declining after the contract is signed": (
        _contract_signed, lambda w, v: decisions.decline_offer(w.ctx('konsulent.anne'), v,
            commands.parse(commands.DeclineOffer, reason_code='boligen')),
        "Kan ikke registrere at søkeren takker nei nå"),
    "withdrawing after the recommendation": (
        _recommended, lambda w, v: nominations.withdraw_nomination(
            w.ctx("hvk.midtbyen"), v, commands.parse(commands.WithdrawNomination, nomination_id=1)),
        "kan ikke lenger trekkes tilbake"),
    "the same after-contract step twice": (
        _electricity_ordered, lambda w, v: movein.complete_movein_step(w.ctx('konsulent.anne'), v,
            commands.parse(commands.CompleteMoveinStep, step='electricity_ordered')),
        "allerede registrert"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_an_illegal_transition_is_refused_and_changes_nothing(world, name):
    build, step, words = CASES[name]
    vacancy_id = build(world)
    before = world.snapshot()
    with pytest.raises(IllegalTransition) as refused:
        step(world, vacancy_id)
    assert words.lower() in str(refused.value).lower()
    assert world.snapshot() == before
