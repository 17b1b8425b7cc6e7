"""The casework's rules for a unit of work, with a fake store: what is kept, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from fakes import FakeUnitOfWork, LostRace, actor
from service.casework import commands
from service.casework.context import CONCURRENT_CHANGE, Context, unit_of_work
from service.domain.codes import Role
from service.domain.errors import Forbidden, IllegalTransition, InvalidInput

MONDAY_MORNING_UTC = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.timezone.utc)


def context(role: str = "consultant", moment: dt.datetime = MONDAY_MORNING_UTC) -> tuple[Context, FakeUnitOfWork]:
    uow = FakeUnitOfWork()
    return Context(uow=uow, actor=actor(role), clock=lambda: moment, request_info={"via": "test"}), uow


@unit_of_work
def record_a_step(ctx: Context, vacancy, command=None) -> str:
    ctx.event(vacancy, "reported", "Boligen er meldt ledig.", applicant_id=3, reported_on=dt.date(2026, 11, 30))
    return "done"


@unit_of_work
def refuse(ctx: Context, vacancy, exc: Exception) -> None:
    ctx.event(vacancy, "half_done", "Skal ikke bli stående.")
    raise exc


def test_a_step_that_returns_is_committed_as_one_event_and_its_audit_entry():
    ctx, uow = context()
    vacancy = SimpleNamespace(id=None)

    assert record_a_step(ctx, vacancy) == "done"

    assert (uow.begun, uow.rollbacks) == (1, 0)
    [event] = uow.kept("event")
    [audit] = uow.kept("audit")
    assert event["vacancy_id"] == vacancy.id == 1 and event["kind"] == "reported"
    assert event["data"] == {"reported_on": "2026-11-30"}
    assert audit["action"] == "reported" and audit["outcome"] == "ok" and audit["applicant_id"] == 3
    assert audit["detail"] == {"reported_on": "2026-11-30", "request": {"via": "test"}}
    assert audit["at"] == event["at"] == MONDAY_MORNING_UTC


def test_a_refused_step_keeps_nothing_it_wrote():
    ctx, uow = context()

    with pytest.raises(InvalidInput):
        refuse(ctx, SimpleNamespace(id=4), InvalidInput([]))

    assert uow.committed == [] and uow.rollbacks == 1


def test_a_forbidden_attempt_is_rolled_back_and_then_audited_as_denied_in_a_transaction_of_its_own():
    ctx, uow = context(role=Role.CASEWORKER.value)

    with pytest.raises(Forbidden):
        refuse(ctx, SimpleNamespace(id=4), Forbidden("Ikke ditt kontor.", action="nominate", vacancy_id=4,
                                                     applicant_id=9))

    assert uow.begun == 2 and uow.kept("event") == []
    [denied] = uow.kept("audit")
    assert (denied["action"], denied["outcome"], denied["vacancy_id"], denied["applicant_id"]) == (
        "nominate", "denied", 4, 9)
    assert denied["detail"]["message"] == "Ikke ditt kontor."


def test_losing_a_race_is_a_conflict_in_bokmal_that_changed_nothing():
    ctx, uow = context()

    with pytest.raises(IllegalTransition) as refused:
        refuse(ctx, SimpleNamespace(id=4), LostRace())

    assert refused.value.message == CONCURRENT_CHANGE and uow.committed == []


def test_any_other_failure_propagates_as_it_is_and_keeps_nothing():
    ctx, uow = context()

    with pytest.raises(ZeroDivisionError):
        refuse(ctx, SimpleNamespace(id=4), ZeroDivisionError())

    assert uow.committed == [] and uow.rollbacks == 1


def test_a_command_with_problems_is_never_committed_even_by_a_step_that_forgot_to_check_it():
    ctx, uow = context()
    bad = commands.parse(commands.SignContract, signed_on="2026-13-01")

    with pytest.raises(InvalidInput) as refused:
        record_a_step(ctx, SimpleNamespace(id=4), bad)

    assert [p.path for p in refused.value.problems] == ["signed_on"]
    assert uow.committed == []


def test_today_is_the_date_in_norway_and_a_clock_without_a_time_zone_is_refused():
    late_evening_utc = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone.utc)
    ctx, _ = context(moment=late_evening_utc)
    assert ctx.today() == dt.date(2026, 12, 1)

    naive, _ = context(moment=dt.datetime(2026, 11, 30, 12, 0))
    with pytest.raises(ValueError, match="tidssone"):
        naive.now()


def test_require_role_refuses_with_the_attempt_named_for_the_audit():
    ctx, _ = context(role=Role.UNIT_LEADER.value)

    with pytest.raises(Forbidden) as refused:
        ctx.require_role({Role.CONSULTANT}, "Bare boligkonsulenten.", action="decide", vacancy_id=2)

    assert (refused.value.action, refused.value.vacancy_id, refused.value.message) == (
        "decide", 2, "Bare boligkonsulenten.")
