"""The step table: which step is allowed in which stage, and which forms a person is offered."""

from __future__ import annotations

import pytest

from service.domain.codes import Role, Stage
from service.domain.errors import IllegalTransition
from service.domain.steps import BY_SEGMENT, STEPS, Situation, offered_steps, require_step


def offered(**situation) -> set[str]:
    return {step.name for step in offered_steps(Situation(**situation))}


def test_every_step_has_one_name_and_one_url_segment():
    names = [s.name for s in STEPS]
    assert len(names) == len(set(names)) == len(BY_SEGMENT)
    assert all(BY_SEGMENT[s.segment] is s and s.segment == s.name.replace("_", "-") for s in STEPS)


def test_a_step_is_allowed_in_its_stages_and_refused_in_bokmal_elsewhere():
    require_step("decide", Stage.AGREED.value)
    require_step("decide", Stage.DISPUTED.value)
    with pytest.raises(IllegalTransition, match="før enhetslederen har svart"):
        require_step("decide", Stage.APPROVED.value)
    with pytest.raises(IllegalTransition, match="Kan ikke avtale visning nå: saken har status «innflyttet»"):
        require_step("book_viewing", Stage.MOVED_IN.value)


@pytest.mark.parametrize("stage", [Stage.DECIDED, Stage.VIEWING_BOOKED, Stage.CONTRACT_SIGNED, Stage.MOVED_IN])
def test_nominating_after_the_decision_says_the_home_is_allocated(stage):
    with pytest.raises(IllegalTransition, match="allerede tildelt"):
        require_step("nominate", stage.value)


def test_a_caseworker_is_offered_to_nominate_until_the_office_has_and_then_to_withdraw():
    assert offered(role=Role.CASEWORKER, stage=Stage.OPEN) == {"nominate"}
    assert offered(role=Role.CASEWORKER, stage=Stage.OPEN, own_office_nominated=True) == {"withdraw_nomination"}
    assert offered(role=Role.CASEWORKER, stage=Stage.RECOMMENDED) == set()


def test_the_author_of_a_recommendation_is_not_offered_to_approve_it():
    assert offered(role=Role.CONSULTANT, stage=Stage.RECOMMENDED, wrote_recommendation=True) == {"update_readiness"}
    assert {"approve_recommendation", "return_recommendation"} <= offered(role=Role.CONSULTANT,
                                                                          stage=Stage.RECOMMENDED)


def test_after_continued_disagreement_only_the_head_of_allocation_is_offered_the_decision():
    assert "decide" not in offered(role=Role.CONSULTANT, stage=Stage.DISPUTED)
    assert "decide" in offered(role=Role.HEAD_OF_ALLOCATION, stage=Stage.DISPUTED)
    assert "decide" in offered(role=Role.CONSULTANT, stage=Stage.AGREED)


def test_a_unit_leader_answers_and_reports_readiness_for_their_own_unit_only():
    assert offered(role=Role.UNIT_LEADER, stage=Stage.APPROVED, leads_unit=True) == {"unit_leader_respond",
                                                                                      "update_readiness"}
    assert offered(role=Role.UNIT_LEADER, stage=Stage.APPROVED) == set()


def test_a_caseworker_may_register_a_declined_offer_only_for_their_own_nominee():
    assert offered(role=Role.CASEWORKER, stage=Stage.DECIDED, own_nominee_decided=True) == {"decline_offer"}
    assert offered(role=Role.CASEWORKER, stage=Stage.DECIDED) == set()


def test_nothing_but_the_after_contract_steps_left_is_offered_once_the_tenant_has_moved_in():
    assert offered(role=Role.CONSULTANT, stage=Stage.MOVED_IN, movein_steps_left=True) == {"complete_movein_step"}
    assert offered(role=Role.CONSULTANT, stage=Stage.MOVED_IN) == set()  # a closed case offers nothing
    assert offered(role=Role.POLICY_OFFICER, stage=Stage.OPEN, any_active_nomination=True) == set()


def test_the_glossary_names_every_step():
    from pathlib import Path

    glossary = (Path(__file__).resolve().parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert [s.name for s in STEPS if f"`{s.name}`" not in glossary] == []


def test_a_viewing_is_offered_once_the_home_is_ready_and_a_meeting_once_the_unit_leader_has_answered():
    assert "book_viewing" not in offered(role=Role.CONSULTANT, stage=Stage.DECIDED)
    assert "book_viewing" in offered(role=Role.CONSULTANT, stage=Stage.DECIDED, home_ready=True)
    assert "open_consultation" not in offered(role=Role.CONSULTANT, stage=Stage.APPROVED)
    assert "open_consultation" in offered(role=Role.CONSULTANT, stage=Stage.OBJECTED)
    with pytest.raises(IllegalTransition, match="når enhetslederen har svart"):
        require_step("open_consultation", Stage.APPROVED.value)
