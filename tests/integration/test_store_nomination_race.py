"""50 concurrent nominations for one vacancy from one office leave exactly one active nomination.

Against a SQLite file (always) and against PostgreSQL when TEST_DATABASE_URL is
set. In CI (CI=true) the PostgreSQL test must run: without TEST_DATABASE_URL it
fails instead of skipping (`.ci/postgres.sh` prints the URL to use).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.casework import IllegalTransition, nominations
from service.casework.context import Context
from service.store.models import Applicant, Nomination, User
from support.store import World, report_lade
from service.casework import commands
from service.store.unit_of_work import SqlUnitOfWork
from support.threads import run_together

THREADS = 50


def race(w: World, threads: int = THREADS) -> dict:
    """`threads` caseworkers' requests from Midtbyen, each nominating a different applicant, all at once."""
    vacancy_id = report_lade(w)
    with w.sessions() as s:
        s.add_all([Applicant(code=f"K-RACE-{i:02d}", name=f"Søker {i}", birth_date=dt.date(1990, 1, 1),
                             welfare_office="Midtbyen", application_received=dt.date(2026, 1, 1),
                             target_groups=["utviklingshemming"], status="waiting",
                             registered_at=w.clock()) for i in range(threads)])
        s.commit()
        ids = list(s.scalars(select(Applicant.id).where(Applicant.code.like("K-RACE-%")).order_by(Applicant.id)))
        caseworker_id = s.scalar(select(User.id).where(User.username == "hvk.midtbyen"))
    barrier = threading.Barrier(threads)
    outcomes: list = [None] * threads

    def attempt(i: int) -> None:
        session = w.sessions()
        try:
            ctx = Context(uow=SqlUnitOfWork(session), actor=session.get(User, caseworker_id), clock=w.clock, rules=w.rules)
            session.commit()  # give the connection back to the pool while waiting for the others
            barrier.wait()
            nominations.nominate(ctx, vacancy_id, commands.parse(commands.Nominate, applicant_id=ids[i]))
            outcomes[i] = "ok"
        except IllegalTransition as exc:
            outcomes[i] = exc
        except Exception as exc:  # anything else is a crash: the test reports it
            outcomes[i] = exc
        finally:
            session.close()

    started = time.perf_counter()
    run_together(attempt, threads)
    elapsed = time.perf_counter() - started
    with w.sessions() as s:
        active = s.scalars(select(Nomination).where(Nomination.vacancy_id == vacancy_id,
                                                    Nomination.status == "active")).all()
    return {"outcomes": outcomes, "active": len(active), "elapsed": elapsed, "vacancy_id": vacancy_id}


def _assert_exactly_one(result: dict) -> None:
    outcomes = result["outcomes"]
    crashes = [o for o in outcomes if o != "ok" and not isinstance(o, IllegalTransition)]
    assert not crashes, f"{len(crashes)} forsøk krasjet, f.eks. {crashes[0]!r}"
    assert outcomes.count("ok") == 1
    refused = [o for o in outcomes if isinstance(o, IllegalTransition)]
    assert len(refused) == THREADS - 1
    assert all("allerede en aktiv nominasjon" in str(o) for o in refused)
    assert result["active"] == 1


def test_fifty_concurrent_nominations_from_one_office_leave_one_active_on_sqlite(world):
    result = race(world)
    _assert_exactly_one(result)
    print(f"\nSQLite-fil: {THREADS} samtidige nominasjoner på {result['elapsed']:.2f} s")


def test_the_database_itself_refuses_a_second_active_nomination_from_one_office(world):
    """The partial unique index, not only the check in Python, keeps the rule."""
    vacancy_id = report_lade(world)
    with world.sessions() as s:
        users = s.scalar(select(User.id).where(User.username == "hvk.midtbyen"))
        midtbyen = list(s.scalars(select(Applicant.id).where(Applicant.welfare_office == "Midtbyen")))
        row = dict(vacancy_id=vacancy_id, welfare_office="Midtbyen", nominated_by=users, nominated_at=world.clock())
        s.add(Nomination(applicant_id=midtbyen[0], status="withdrawn", **row))
        s.add(Nomination(applicant_id=midtbyen[0], status="active", **row))
        s.commit()  # a withdrawn one and an active one may coexist
        s.add(Nomination(applicant_id=midtbyen[1], status="active", **row))
        with pytest.raises(IntegrityError):
            s.commit()


# -- PostgreSQL (the fixture lives in store_support) -------------------------------------

def test_fifty_concurrent_nominations_from_one_office_leave_one_active_on_postgresql(postgres_world):
    result = race(postgres_world)
    _assert_exactly_one(result)
    print(f"\nPostgreSQL: {THREADS} samtidige nominasjoner på {result['elapsed']:.2f} s")
