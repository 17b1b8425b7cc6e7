"""Fixtures for the store and casework tests: a migrated SQLite file with people and units.

A template database (migrated, demo users without passwords, the Lade and
Sverresgate examples with their residents and applicants) is built once per
session; each test gets its own copy of the file. The fixtures (`world_template`,
`world`, `postgres_world`) are registered for the whole suite by `pytest_plugins`
in tests/conftest.py; the helpers are imported by name.

The Lade case (one vacancy, four nominees) is the common course of the store and
HTTP tests; its data is here once (LADE_REPORT, LADE_NOMINEES), the HTTP version
of its steps in support/http.py.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from service.casework.context import OSLO, Context
from service.store.database import make_engine, make_session_factory, normalise_url
from service.demo import EXAMPLES, Demo, DemoClock
from service.store.migrate import upgrade
from service.store.models import Applicant, Base, Home, User
from service.casework import commands
from service.store.unit_of_work import SqlUnitOfWork

AS_OF = dt.date(2026, 11, 28)
LADE = EXAMPLES / "sak-1-lade.yaml"
SVERRESGATE = EXAMPLES / "sak-2-sammensetning.yaml"
LADE_HOME = "Lade allé 12, leil. 103"
SVERRESGATE_HOME = "Sverresgate 4, leil. 21"


def build_world(url: str, rules) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            demo = Demo(session, rules, DemoClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=OSLO)))
            demo.users(password=None)
            demo.example(LADE, AS_OF)
            demo.example(SVERRESGATE, AS_OF)
            demo.bind_unit_leaders()
    finally:
        engine.dispose()


class World:
    """A test database with helpers: a context per actor (one session per call), a settable clock."""

    def __init__(self, url: str, rules):
        self.url = url
        self.rules = rules
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.clock = DemoClock(dt.datetime(2026, 11, 16, 8, 0, tzinfo=OSLO))
        self._open = []

    def session(self):
        session = self.sessions()
        self._open.append(session)
        return session

    def ctx(self, username: str) -> Context:
        session = self.session()
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None, username
        return Context(uow=SqlUnitOfWork(session), actor=user, clock=self.clock, rules=self.rules)

    def demo(self) -> Demo:
        return Demo(self.session(), self.rules, self.clock)

    def at(self, day: str, hour: int = 10, minute: int = 0) -> "World":
        self.clock.at(dt.date.fromisoformat(day), hour, minute)
        return self

    def applicant_id(self, code: str) -> int:
        with self.sessions() as s:
            return s.scalar(select(Applicant.id).where(Applicant.code == code))

    def home_id(self, address: str) -> int:
        with self.sessions() as s:
            return s.scalar(select(Home.id).where(Home.address == address))

    def snapshot(self) -> dict:
        """Every row of every table: to show that a refused step changed nothing."""
        return snapshot(self.url)

    def count(self, table: str, where: str = "1=1") -> int:
        with self.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar()

    def close(self) -> None:
        for session in self._open:
            session.close()
        self.engine.dispose()


@pytest.fixture(scope="session")
def world_template(tmp_path_factory, compiled) -> Path:
    path = tmp_path_factory.mktemp("store") / "template.sqlite3"
    build_world(f"sqlite:///{path}", compiled)
    return path


@pytest.fixture
def world(world_template, tmp_path, compiled):
    path = tmp_path / "boligtildeling.sqlite3"
    shutil.copy(world_template, path)
    w = World(f"sqlite:///{path}", compiled)
    yield w
    w.close()


# -- PostgreSQL: a fresh schema per test in TEST_DATABASE_URL; required when CI=true ------------

POSTGRES_POOL = 50


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_url(url)
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true, men TEST_DATABASE_URL er ikke satt: PostgreSQL-testen skal alltid kjøre i CI "
                    "(start serveren med .ci/postgres.sh og eksporter URL-en den skriver).")
    pytest.skip("TEST_DATABASE_URL er ikke satt (kjør .ci/postgres.sh for en lokal PostgreSQL)")


@pytest.fixture
def postgres_world(compiled):
    """A fresh schema of its own in the test database; dropped afterwards."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    try:
        build_world(url, compiled)
        w = World(url, compiled)
        w.engine.dispose()
        w.engine = make_engine(url, pool_size=POSTGRES_POOL, max_overflow=0)
        w.sessions = make_session_factory(w.engine)
        yield w
        w.close()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def snapshot(url: str, skip: tuple[str, ...] = ()) -> dict:
    """Every row of every table (but `skip`) of the database at `url`: to show that a refused step changed nothing."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {t.name: [tuple(r) for r in connection.execute(t.select().order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables if t.name not in skip}
    finally:
        engine.dispose()


def audit_rows(url: str, where: str) -> list:
    """The audit log's rows matching `where` (SQL), oldest first."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT actor_username, action, outcome, applicant_id, detail "
                                           f"FROM audit_log WHERE {where} ORDER BY id")).all()
    finally:
        engine.dispose()


# -- common course of a case ---------------------------------------------------------------

LADE_NOMINEES = ["K-1187", "K-2210", "K-2031", "K-0954"]  # Midtbyen, Østbyen, Lerkendal, Heimdal
LADE_CASEWORKERS = ["hvk.midtbyen", "hvk.ostbyen", "hvk.lerkendal", "hvk.heimdal"]
LADE_REPORT = {"reported_on": "2026-11-16", "vacated_on": "2026-11-14", "ready_on": "2026-12-01",
               "readiness": "being_prepared", "monthly_rent": 9400, "reference": "LB-2026-041",
               "reason": "Beboeren har flyttet til sykehjem."}


def report_lade(w: World) -> int:
    from service.casework import vacancies
    w.at("2026-11-16", 8, 15)
    view = vacancies.report_vacancy(w.ctx("leder.lade"), commands.parse(
        commands.ReportVacancy, LADE_REPORT, home_id=w.home_id(LADE_HOME)))
    return view["id"]


def report_second_lade_home(w: World, day: str, vacated: str) -> int:
    """A second Lade home (leil. 105), added and reported vacant on `day` by the consultant; its vacancy id."""
    from service.casework import units, vacancies
    w.at(day, 9)
    home = units.add_home(w.ctx("konsulent.anne"), "lade-botiltak", commands.parse(
        commands.AddHome, address="Lade allé 12, leil. 105",
        facts={"rom": 2, "areal_m2": 44, "etasje": 1, "heis": False, "rullestoltilpasset": False,
               "egen_inngang": True}))
    return vacancies.report_vacancy(w.ctx("konsulent.anne"), commands.parse(
        commands.ReportVacancy, home_id=home["id"], reported_on=day,
        readiness="vacated", vacated_on=vacated, monthly_rent=8000))["id"]


def nominate_all(w: World, vacancy_id: int, codes=LADE_NOMINEES) -> None:
    demo = w.demo()
    for i, code in enumerate(codes):
        w.at(f"2026-11-{18 + i}", 11)
        demo.nominate(vacancy_id, code)


def recommend_and_approve(w: World, vacancy_id: int) -> dict:
    from service.casework import recommendations
    w.at("2026-11-28", 9)
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    w.at("2026-11-28", 14)
    recommendations.approve_recommendation(w.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    return rec


def lade_to_decision(w: World) -> int:
    """Report, four nominations, approved recommendation, the unit leader agrees, decided for the top."""
    from service.casework import consultation, decisions
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    rec = recommend_and_approve(w, vacancy_id)
    w.at("2026-11-30", 9)
    consultation.unit_leader_respond(w.ctx('leder.lade'), vacancy_id,
        commands.parse(commands.UnitLeaderRespond, response='enig'))
    w.at("2026-11-30", 12)
    decisions.decide(w.ctx('konsulent.jonas'), vacancy_id, commands.parse(commands.Decide,
                                                                         candidate=rec['result']['candidates'][0]['id']))
    return vacancy_id
