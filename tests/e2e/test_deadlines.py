"""Deadlines and stall alerts (issue 12, item 3), over HTTP, the pages and the CLI: who owns which running
deadline, when it is late, reminders once per deadline and recipient, and the deadlines file as data."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from engine.errors import RulesError
from service.cli import main
from service.web.app import create_app
from support.http import casework_config, nominate_all, report_lade


def deadlines(api, as_, query=""):
    return api.ok("GET", f"/deadlines{query}", as_=as_)


def test_the_nomination_deadline_is_the_offices_and_late_after_five_working_days(api):
    vacancy = report_lade(api)  # Monday 16.11.2026
    api.at("2026-11-23", 16)   # the fifth working day: still in time
    in_time = deadlines(api, "hvk.midtbyen")
    api.at("2026-11-24", 9)

    late = deadlines(api, "hvk.midtbyen")

    assert [(d["deadline_id"], d["due"], d["overdue"]) for d in in_time if d["vacancy_id"] == vacancy] == \
           [("nominering", "2026-11-23", False)]
    [row] = [d for d in late if d["vacancy_id"] == vacancy]
    assert (row["overdue"], row["overdue_days"], row["offices"]) == (True, 1, ["Midtbyen"])
    assert not [d for d in deadlines(api, "konsulent.anne") if d["deadline_id"] == "nominering"]
    assert not deadlines(api, "leder.lade")
    head = deadlines(api, "avdelingsleder.siri", "?overdue=true")
    assert [(d["deadline_id"], d["offices"]) for d in head] == [
        ("nominering", ["Midtbyen", "Østbyen", "Lerkendal", "Heimdal"])]


def test_once_every_office_nominated_the_recommendation_deadline_runs_for_the_team(api):
    vacancy = report_lade(api)
    nominate_all(api, vacancy)  # 18.-21.11, the last on a Saturday
    api.at("2026-11-25", 9)

    team = {d["deadline_id"]: d for d in deadlines(api, "konsulent.anne") if d["vacancy_id"] == vacancy}
    caseworker = deadlines(api, "hvk.midtbyen")

    assert team["innstilling"]["due"] == "2026-11-25" and team["innstilling"]["overdue"] is False
    assert "nominering" not in team and caseworker == []
    api.at("2026-11-26", 9)
    assert [d["overdue_days"] for d in deadlines(api, "konsulent.anne") if d["deadline_id"] == "innstilling"] == [1]


def test_reminders_go_once_to_the_offices_that_have_not_nominated(api, casework_app):
    vacancy = report_lade(api)
    api.at("2026-11-18", 11)
    api.ok("POST", f"/vacancies/{vacancy}/nominate", {"applicant_id": api.applicant_id("K-1187")},
           as_="hvk.midtbyen", status=201)
    api.at("2026-11-25", 8)

    first = api.ok("POST", "/deadlines/reminders", as_="avdelingsleder.siri")
    again = api.ok("POST", "/deadlines/reminders", as_="avdelingsleder.siri")
    refused = api.post("/deadlines/reminders", as_="hvk.midtbyen")

    assert [(r["vacancy_id"], r["deadline_id"], sorted(r["recipients"])) for r in first] == \
           [(vacancy, "nominering", ["Heimdal", "Lerkendal", "Østbyen"])]
    assert again == [] and refused.status_code == 403
    engine = create_engine(casework_app.config["DATABASE_URL"])
    with engine.connect() as connection:
        sent = connection.execute(text("SELECT recipient, subject FROM outbox "
                                       "WHERE subject LIKE 'Påminnelse%' ORDER BY recipient")).all()
    engine.dispose()
    assert [r.recipient for r in sent] == ["Heimdal", "Lerkendal", "Østbyen"]
    timeline = api.ok("GET", f"/vacancies/{vacancy}/timeline", as_="konsulent.anne")
    assert [e["text"] for e in timeline if e["kind"] == "reminder_queued"] == [
        "Påminnelse sendt til Østbyen, Lerkendal, Heimdal: fristen «Nominasjoner fra helse- og velferdskontorene» "
        "var 23.11.2026."]


def login(app, username):
    client = app.test_client()
    client.post("/api/v1/login", json={"username": username, "password": "demo-passord"})
    return client


def test_the_head_sees_the_late_step_on_the_start_page_and_on_its_own_page(casework_app, api):
    vacancy = report_lade(api)
    api.at("2026-11-25", 8)
    head = login(casework_app, "avdelingsleder.siri")

    start = head.get("/").get_data(as_text=True)
    page = head.get("/frister").get_data(as_text=True)
    caseworker = login(casework_app, "hvk.heimdal").get("/").get_data(as_text=True)

    assert "Steg over fristen" in start and f"/ledige-boliger/{vacancy}" in start and "over fristen" in start
    assert "Send påminnelser nå" in page and "Nominasjoner fra helse- og velferdskontorene" in page
    assert "Dine frister" in caseworker and "arbeidsdager over fristen" in caseworker
    assert login(casework_app, "hvk.heimdal").get("/frister").status_code == 200  # their own rows only
    assert login(casework_app, "admin").get("/frister").status_code == 403


def test_the_reminder_button_on_the_deadlines_page_queues_and_says_so(casework_app, api):
    report_lade(api)
    api.at("2026-11-25", 8)
    head = login(casework_app, "avdelingsleder.siri")
    page = head.get("/frister").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]

    done = head.post("/frister/paminnelser", data={"csrf_token": token}, follow_redirects=True)

    assert "4 påminnelser er lagt i utboksen" in done.get_data(as_text=True)


def test_a_broken_deadlines_file_stops_the_service_at_start_naming_file_and_line(tmp_path, casework_template, clock):
    path = tmp_path / "casework.sqlite3"
    shutil.copy(casework_template, path)
    broken = tmp_path / "frister.yaml"
    broken.write_text("frister:\n  - id: x\n    navn: X\n    fra: meldt\n    til: vedtak\n    uker: 3\n", encoding="utf-8")

    with pytest.raises(RulesError) as caught:
        create_app({**casework_config(tmp_path, f"sqlite:///{path}", clock), "ROUTINE_FILE": str(broken)})

    assert "frister.yaml:6" in str(caught.value) and "uker" in str(caught.value)


def test_an_edited_deadline_counts_from_the_next_request_and_a_broken_edit_is_refused(tmp_path, casework_template,
                                                                                      clock):
    path = tmp_path / "casework.sqlite3"
    shutil.copy(casework_template, path)
    routine = tmp_path / "frister.yaml"
    routine.write_text("frister:\n  - {id: nominering, navn: N, fra: meldt, til: nominert, arbeidsdager: 5}\n",
                       encoding="utf-8")
    app = create_app({**casework_config(tmp_path, f"sqlite:///{path}", clock), "ROUTINE_FILE": str(routine)})
    from support.http import Api

    api = Api(app.test_client(), clock)
    report_lade(api)
    api.at("2026-11-24", 9)
    assert [d["due"] for d in deadlines(api, "hvk.midtbyen")] == ["2026-11-23"]

    routine.write_text("frister:\n  - {id: nominering, navn: N, fra: meldt, til: nominert, arbeidsdager: 10}\n",
                       encoding="utf-8")
    assert [d["due"] for d in deadlines(api, "hvk.midtbyen")] == ["2026-11-30"]
    routine.write_text("frister: [nonsense\n", encoding="utf-8")
    assert [d["due"] for d in deadlines(api, "hvk.midtbyen")] == ["2026-11-30"]  # the last good one goes on
    assert "frister.yaml" in app.extensions["routine"].last_error
    app.extensions["boligtildeling.store"].engine.dispose()


def test_the_cli_checks_the_file_shows_and_reminds(casework_app, api, tmp_path):
    report_lade(api)  # 16.11.2026: the nomination deadline has passed on any later real date
    url = casework_app.config["DATABASE_URL"]
    runner = CliRunner()

    checked = runner.invoke(main, ["frister", "sjekk"])
    shown = runner.invoke(main, ["frister", "vis", "--som", "hvk.lerkendal", "--database-url", url])
    reminded = runner.invoke(main, ["frister", "varsle", "--som", "avdelingsleder.siri", "--database-url", url])
    again = runner.invoke(main, ["frister", "varsle", "--som", "avdelingsleder.siri", "--database-url", url])
    refused = runner.invoke(main, ["frister", "varsle", "--som", "hvk.lerkendal", "--database-url", url])

    assert checked.exit_code == 0 and "6 frister" in checked.output
    assert "Nominasjoner fra helse- og velferdskontorene: innen 23.11.2026" in shown.output
    assert "venter på Lerkendal" in shown.output
    assert reminded.exit_code == 0 and "4 påminnelser lagt i utboksen" in reminded.output
    assert "Ingen nye påminnelser" in again.output
    assert refused.exit_code != 0 and "Påminnelser sendes av boligtildelingen" in refused.output


def test_the_cli_names_the_line_of_a_mistake_in_the_deadlines_file(tmp_path):
    bad = tmp_path / "frister.yaml"
    bad.write_text("frister:\n  - id: x\n    navn: X\n    fra: meldt\n    til: innflytet\n    dager: 3\n",
                   encoding="utf-8")

    result = CliRunner().invoke(main, ["frister", "sjekk", str(bad)])

    assert result.exit_code != 0 and "frister.yaml:5" in result.output and "innflytet" in result.output
