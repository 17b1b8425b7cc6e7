"""The demo database: every role, three units, four waiting lists, vacancies at different steps."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from service.casework import accounts, vacancies
from service.casework.context import Context
from service.domain.codes import OFFICES, Role
from service.store.database import make_engine, make_session_factory
from service.demo import DEMO_PASSWORD, HISTORY, seed_demo
from service.store.migrate import upgrade
from service.store.models import Applicant, User
from service.store.unit_of_work import SqlUnitOfWork


def test_seed_demo_fills_an_empty_database_once(tmp_path, compiled):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as s:
            assert seed_demo(s, compiled) is True
        with sessions() as s:
            assert seed_demo(s, compiled) is False  # not twice
            roles = Counter(s.scalars(select(User.role)))
            assert set(roles) == {r.value for r in Role}
            offices = set(s.scalars(select(Applicant.welfare_office).where(Applicant.status == "waiting")))
            assert offices == set(OFFICES)
            assert accounts.authenticate_password(s, "konsulent.anne", DEMO_PASSWORD).role == "consultant"
            anne = s.scalar(select(User).where(User.username == "konsulent.anne"))
            listed = vacancies.list_vacancies(Context(uow=SqlUnitOfWork(s), actor=anne, rules=compiled))
        stages = {v["reference"]: v["stage"] for v in listed}
        history = {past.reference for past in HISTORY}  # the completed vacancies behind the key figures
        assert {r: s for r, s in stages.items() if r not in history} == {
            "LB-2026-030": "moved_in", "LB-2026-041": "open", "LB-2026-057": "objected", "LB-2026-063": "open"}
        assert {stages[r] for r in history} == {"moved_in"} and len(history) >= 10
        done = next(v for v in listed if v["reference"] == "LB-2026-030")["metrics"]
        assert (done["case_processing_days"], done["vacant_days"], done["rent_lost"]) == (16, 47, 13630)
    finally:
        engine.dispose()
