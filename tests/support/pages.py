"""Helpers for the page tests: the app on the demo data at a fixed time, and a logged-in test client."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select

from service.web.app import create_app
from service.casework.context import OSLO
from service.demo import DEMO_PASSWORD, DemoClock
from service.store.models import Applicant

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
DEMO_NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=OSLO)


def demo_app(tmp_path: Path, rules_dir: Path = RULES_DIR):
    """The app on a fresh SQLite file filled with the demo (vacancies at different steps), clock fixed."""
    return create_app({"TESTING": True, "RULES_DIR": str(rules_dir), "INSTANCE_PATH": str(tmp_path / "instance"),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'pages.sqlite3'}", "SECRET_KEY": "test",
                       "DEMO_DATA": True, "CLOCK": DemoClock(DEMO_NOW)})


def applicants_by_office(app) -> dict[str, list[tuple[str, str]]]:
    """{office: [(code, name), ...]} from the store."""
    out: dict[str, list[tuple[str, str]]] = {}
    with app.extensions["boligtildeling.store"].sessions() as session:
        for a in session.scalars(select(Applicant)):
            out.setdefault(a.welfare_office, []).append((a.code, a.name))
    return out


def applicant_id(app, code: str) -> int:
    with app.extensions["boligtildeling.store"].sessions() as session:
        return session.scalar(select(Applicant.id).where(Applicant.code == code))


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pages:
    """A test client that logs in through the log-in page and posts forms with the CSRF token."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def login(self, username: str, password: str = DEMO_PASSWORD):
        page = self.client.get("/logg-inn").get_data(as_text=True)
        self.token = CSRF.search(page).group(1)
        return self.client.post("/logg-inn", data={"csrf_token": self.token, "username": username,
                                                   "password": password})

    def get(self, path: str):
        return self.client.get(path)

    def post(self, path: str, data: dict):
        return self.client.post(path, data={"csrf_token": self.token, **data})


def checklist_form(html: str) -> dict:
    """The values a candidate page's checklist form would post as it stands (checked radios, text, selections)."""
    form = {}
    for name, value in re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]+)" checked', html):
        form[name] = value
    for name, value in re.findall(r'<input id="checklist-[^"]+" name="([^"]+)" value="([^"]*)"', html):
        form[name] = value
    for name, body in re.findall(r'<select id="checklist-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        if chosen:
            form[name] = chosen.group(1)
    return form


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities read, runs of space made one."""
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def pages_of_world(tmp_path: Path, world, rules_dir: Path, username: str, *paths: str) -> list[str]:
    """The visible text of `paths` in the casework app over a test world's store (support.store.World)
    and `rules_dir`, read by `username` logged in through the form."""
    from support.http import casework_config

    app = create_app({**casework_config(tmp_path, world.url, world.clock), "RULES_DIR": str(rules_dir)})
    try:
        pages = Pages(app)
        pages.login(username)
        return [visible_text(pages.get(path).get_data(as_text=True)) for path in paths]
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()
