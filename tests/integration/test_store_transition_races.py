"""Exactly one winner when many people take the same step on one case at once, on SQLite and PostgreSQL.

Each race: THREADS requests, released together by a barrier, each in its own
session, take one step of the routine on the same vacancy. Exactly one succeeds;
every other is refused as a conflict (IllegalTransition, 409 over HTTP), none
crashes; the step is in the timeline once and in the audit log once. The
vacancy row is locked by every step (service/casework/context.py `Context.get`),
so on PostgreSQL the steps take turns as they do on SQLite.
"""

from __future__ import annotations

import threading
from typing import Callable

import pytest
from sqlalchemy import text

from service.casework import IllegalTransition, commands, decisions, nominations, recommendations
from support.store import World, lade_to_decision, nominate_all, report_lade
from support.threads import run_together

THREADS = 50


def race(w: World, username: str, step: Callable) -> list:
    """THREADS requests of `username`, each in a session of its own, calling step(ctx) at the same moment."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def attempt(i: int) -> None:
        ctx = w.ctx(username)
        try:
            ctx.session.commit()  # no read transaction held while waiting for the others
            barrier.wait()
            step(ctx)
            outcomes[i] = "ok"
        except Exception as exc:  # an IllegalTransition is expected; anything else is reported as a crash
            outcomes[i] = exc
        finally:
            ctx.session.close()

    run_together(attempt, THREADS)
    return outcomes


def assert_one_winner(w: World, outcomes: list, vacancy_id: int, kind: str) -> None:
    crashes = [o for o in outcomes if o != "ok" and not isinstance(o, IllegalTransition)]
    assert not crashes, f"{len(crashes)} forsøk krasjet, f.eks. {crashes[0]!r}"
    assert outcomes.count("ok") == 1
    assert w.count("vacancy_events", f"vacancy_id = {vacancy_id} AND kind = '{kind}'") == 1
    assert w.count("audit_log", f"vacancy_id = {vacancy_id} AND action = '{kind}' AND outcome = 'ok'") == 1


def _withdrawal(w: World) -> tuple[int, str, Callable, str]:
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    with w.engine.connect() as connection:
        nomination_id = connection.execute(text("SELECT id FROM nominations WHERE vacancy_id = :v AND "
                                                "welfare_office = 'Midtbyen'"), {"v": vacancy_id}).scalar_one()
    command = commands.parse(commands.WithdrawNomination, nomination_id=nomination_id)
    return vacancy_id, "hvk.midtbyen", lambda ctx: nominations.withdraw_nomination(ctx, vacancy_id, command), \
        "nomination_withdrawn"


def _approval(w: World) -> tuple[int, str, Callable, str]:
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    w.at("2026-11-28", 9)
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    command = commands.parse(commands.ApproveRecommendation, recommendation_id=rec["id"])
    return vacancy_id, "konsulent.jonas", \
        lambda ctx: recommendations.approve_recommendation(ctx, vacancy_id, command), "approved"


def _recommendation(w: World) -> tuple[int, str, Callable, str]:
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    w.at("2026-11-28", 9)
    return vacancy_id, "konsulent.anne", lambda ctx: recommendations.make_recommendation(ctx, vacancy_id), \
        "recommended"


def _decline(w: World) -> tuple[int, str, Callable, str]:
    vacancy_id = lade_to_decision(w)
    command = commands.parse(commands.DeclineOffer, reason_code="beliggenhet")
    return vacancy_id, "konsulent.anne", lambda ctx: decisions.decline_offer(ctx, vacancy_id, command), \
        "offer_declined"


RACES = {"withdrawing one nomination": _withdrawal, "approving one recommendation": _approval,
         "writing the recommendation": _recommendation, "registering a declined offer": _decline}


@pytest.mark.parametrize("name", list(RACES))
def test_many_at_once_on_one_case_leave_one_winner_on_sqlite(world, name):
    vacancy_id, username, step, kind = RACES[name](world)
    assert_one_winner(world, race(world, username, step), vacancy_id, kind)


@pytest.mark.parametrize("name", list(RACES))
def test_many_at_once_on_one_case_leave_one_winner_on_postgresql(postgres_world, name):
    vacancy_id, username, step, kind = RACES[name](postgres_world)
    assert_one_winner(postgres_world, race(postgres_world, username, step), vacancy_id, kind)
