"""Users, passwords (werkzeug.security) and API tokens (stored as SHA-256 only)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.casework import Forbidden, InvalidInput, accounts
from service.store.models import ApiToken, User


def test_an_admin_creates_a_caseworker_who_logs_in_with_a_hashed_password(world):
    w = world
    created = accounts.create_user(w.ctx("admin"), username="hvk.ny", display_name="Ny Saksbehandler",
                                   role="caseworker", welfare_office="Heimdal", password="et-langt-passord")
    assert created["role_label"] == "saksbehandler ved helse- og velferdskontor"
    with w.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "hvk.ny"))
        assert stored.startswith("scrypt:") and "et-langt-passord" not in stored
        assert accounts.authenticate_password(s, "hvk.ny", "et-langt-passord").username == "hvk.ny"
        assert accounts.authenticate_password(s, "hvk.ny", "feil-passord") is None
    assert w.count("audit_log", "action = 'login_password' AND outcome = 'denied'") == 1


def test_user_rules_are_checked_field_by_field(world):
    w = world
    with pytest.raises(InvalidInput) as bad:
        accounts.create_user(w.ctx("admin"), username="konsulent.anne", display_name="", role="caseworker",
                             password="kort")
    assert {p.path for p in bad.value.problems} == {"username", "display_name", "welfare_office", "password"}
    with pytest.raises(Forbidden):
        accounts.create_user(w.ctx("konsulent.anne"), username="x", display_name="X", role="admin")


def test_an_api_token_is_shown_once_stored_hashed_and_can_be_revoked(world):
    w = world
    issued = accounts.issue_token(w.ctx("konsulent.anne"), "integrasjon mot Gerica")
    token = issued["token"]
    with w.sessions() as s:
        assert s.scalar(select(ApiToken.token_hash)) == accounts.hash_token(token) != token
        assert accounts.authenticate_token(s, token).username == "konsulent.anne"
        assert accounts.authenticate_token(s, token + "x") is None
    accounts.revoke_token(w.ctx("konsulent.anne"), issued["id"])
    with w.sessions() as s:
        assert accounts.authenticate_token(s, token) is None
    with pytest.raises(Forbidden):
        accounts.issue_token(w.ctx("konsulent.anne"), "for en annen", user_id=2)


def test_a_deactivated_user_can_no_longer_use_a_token(world):
    w = world
    issued = accounts.issue_token(w.ctx("hvk.heimdal"), "skript")
    user_id = issued["user_id"]
    accounts.set_active(w.ctx("admin"), user_id, False)
    with w.sessions() as s:
        assert accounts.authenticate_token(s, issued["token"]) is None


def test_the_first_admin_can_be_bootstrapped_only_in_an_empty_database(world):
    with world.sessions() as s:
        with pytest.raises(Forbidden):
            accounts.bootstrap_admin(s, "root", "et-langt-passord")
