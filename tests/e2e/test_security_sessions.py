"""Logins end: on logout (every copy of the cookie), after 30 idle minutes or 12 hours, on deactivation and
on a password change; tokens expire and are listed and revoked; guessing is throttled."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from service.casework import accounts
from service.cli import main
from service.demo import DEMO_PASSWORD
from support.store import audit_rows


def _login(app, username="hvk.midtbyen", password=DEMO_PASSWORD, address="10.0.0.1"):
    client = app.test_client()
    answer = client.post("/api/v1/login", json={"username": username, "password": password},
                         environ_base={"REMOTE_ADDR": address})
    return client, answer


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copied_cookie_answers_401_after_logout(casework_app):
    client, login = _login(casework_app)
    copy = casework_app.test_client()
    copy.set_cookie("session", _cookie(client))
    assert copy.get("/api/v1/me").status_code == 200
    assert client.post("/api/v1/logout", headers={"X-CSRF-Token": login.get_json()["csrf_token"]}).status_code == 200
    assert copy.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_login_ends_after_thirty_idle_minutes_and_after_twelve_hours_in_use(casework_app, clock):
    clock.at(dt.date(2026, 11, 16), 8, 0)
    client, _ = _login(casework_app)
    clock.at(dt.date(2026, 11, 16), 8, 29)
    assert client.get("/api/v1/me").status_code == 200
    clock.at(dt.date(2026, 11, 16), 9, 1)  # 32 minutes after the last request
    assert client.get("/api/v1/me").status_code == 401

    clock.at(dt.date(2026, 11, 17), 8, 0)
    busy, _ = _login(casework_app)
    for minutes in range(20, 12 * 60, 20):  # used every 20 minutes all day
        clock.at(dt.date(2026, 11, 17), 8 + minutes // 60, minutes % 60)
        assert busy.get("/api/v1/me").status_code == 200, minutes
    clock.at(dt.date(2026, 11, 17), 20, 1)
    assert busy.get("/api/v1/me").status_code == 401


def test_deactivating_a_user_or_setting_a_password_ends_their_logins_and_tokens(casework_app, tmp_path):
    client, _ = _login(casework_app)
    token = casework_app.test_client().post(
        "/api/v1/login", json={"username": "hvk.heimdal", "password": DEMO_PASSWORD})
    assert token.status_code == 200
    url = casework_app.config["DATABASE_URL"]
    runner = CliRunner()
    done = runner.invoke(main, ["users", "deactivate", "hvk.midtbyen", "--database-url", url])
    assert done.exit_code == 0, done.output
    assert "1 innlogging(er) er avsluttet" in done.output
    assert client.get("/api/v1/me").status_code == 401
    assert _login(casework_app)[1].status_code == 401

    heimdal, _ = _login(casework_app, "hvk.heimdal")
    weak = runner.invoke(main, ["users", "password", "hvk.heimdal", "--password", "hvk.heimdal",
                                "--database-url", url])
    assert weak.exit_code == 1 and "brukernavnet" in weak.output
    strong = runner.invoke(main, ["users", "password", "hvk.heimdal", "--password", "Regnet pisker mot ruta i natt",
                                  "--database-url", url])
    assert strong.exit_code == 0, strong.output
    assert heimdal.get("/api/v1/me").status_code == 401
    assert _login(casework_app, "hvk.heimdal", "Regnet pisker mot ruta i natt")[1].status_code == 200
    actions = {r.action for r in audit_rows(url, "actor_username = 'kommandolinjen'")}
    assert {"user_deactivated", "password_set"} <= actions


def test_tokens_expire_after_ninety_days_and_are_listed_and_revoked(api, casework_app, clock):
    made = api.ok("POST", "/tokens", {"label": "fagsystem"}, as_="hvk.midtbyen", status=201)
    bearer = {"Authorization": f"Bearer {made['token']}"}
    assert made["expires_at"].startswith("2027-02-14")
    listed = api.ok("GET", "/tokens", as_="hvk.midtbyen")
    assert [t["label"] for t in listed if t["id"] == made["id"]] == ["fagsystem"]
    assert all("token" not in t for t in listed)
    assert casework_app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    clock.at(dt.date(2027, 2, 15))
    expired = casework_app.test_client().get("/api/v1/me", headers=bearer)
    assert expired.status_code == 401 and "utløpt" in expired.get_json()["feil"]

    clock.at(dt.date(2026, 11, 20))
    other = api.ok("POST", "/tokens", {"label": "rapport"}, as_="hvk.midtbyen", status=201)
    refused = api.post(f"/tokens/{other['id']}/revoke", as_="hvk.heimdal")
    assert refused.status_code == 403
    revoked = api.ok("POST", f"/tokens/{other['id']}/revoke", as_="hvk.midtbyen")
    assert revoked["revoked_at"]
    assert casework_app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {other['token']}"}).status_code == 401
    url = casework_app.config["DATABASE_URL"]
    listing = CliRunner().invoke(main, ["tokens", "list", "--user", "hvk.midtbyen", "--database-url", url])
    assert "fagsystem" in listing.output and "trukket tilbake 2026-11-20" in listing.output
    cli_revoke = CliRunner().invoke(main, ["tokens", "revoke", str(made["id"]), "--database-url", url])
    assert cli_revoke.exit_code == 0 and "trukket tilbake" in cli_revoke.output


def test_twenty_five_wrong_passwords_bring_a_429_with_retry_after_and_a_right_one_waits_too(casework_app):
    statuses = [_login(casework_app, password=f"feil-{i}")[1] for i in range(25)]
    assert [a.status_code for a in statuses[:5]] == [401] * 5
    locked = statuses[-1]
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "For mange mislykkede innlogginger" in locked.get_json()["feil"]
    assert _login(casework_app)[1].status_code == 429  # the right password waits out the lock too
    # another address is not locked for another username
    assert _login(casework_app, "hvk.heimdal", address="10.0.0.2")[1].status_code == 200
    denied = audit_rows(casework_app.config["DATABASE_URL"], "action = 'login_password' AND outcome = 'denied'")
    assert any("throttled" in str(r.detail) for r in denied)


def test_the_lock_grows_and_ends(casework_app, clock):
    clock.at(dt.date(2026, 11, 16), 8, 0)
    for i in range(5):
        _login(casework_app, password=f"feil-{i}")
    first = _login(casework_app)[1]
    assert first.status_code == 429 and int(first.headers["Retry-After"]) == 30
    clock.at(dt.date(2026, 11, 16), 8, 1)
    assert _login(casework_app, password="feil-igjen")[1].status_code == 401
    second = _login(casework_app)[1]
    assert second.status_code == 429 and int(second.headers["Retry-After"]) == 60
    clock.at(dt.date(2026, 11, 16), 8, 3)
    assert _login(casework_app)[1].status_code == 200


def test_an_unknown_username_costs_the_same_password_check(casework_app, monkeypatch):
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    assert _login(casework_app, "finnes.ikke", "noe-som-helst")[1].status_code == 401
    assert _login(casework_app, "hvk.midtbyen", "noe-som-helst")[1].status_code == 401
    assert len(calls) == 2 and all(h.startswith("scrypt:") for h in calls)


def test_after_login_the_page_goes_only_to_a_local_path(casework_app):
    from support.pages import CSRF
    for target, expected in [("/%09/evil.example/", "/"), ("/%0A/x", "/"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/"), ("/sokere?side=2", "/sokere?side=2")]:
        client = casework_app.test_client()
        page = client.get(f"/logg-inn?neste={target}")
        assert page.status_code == 200
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        answer = client.post(f"/logg-inn?neste={target}", data={"csrf_token": token, "username": "hvk.midtbyen",
                                                                 "password": DEMO_PASSWORD})
        assert answer.status_code == 302 and answer.headers["Location"] == expected, (target, answer.headers)
