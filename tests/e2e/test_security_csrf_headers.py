"""A foreign page cannot write with a logged-in person's cookie; every answer carries the security headers."""

from __future__ import annotations

import pytest

from service.demo import DEMO_PASSWORD

FOREIGN = {"Origin": "https://evil.example"}


@pytest.fixture
def logged_in(casework_app):
    client = casework_app.test_client()
    answer = client.post("/api/v1/login", json={"username": "hvk.midtbyen", "password": DEMO_PASSWORD})
    assert answer.status_code == 200
    return client, answer.get_json()["csrf_token"]


def test_a_cookie_write_from_a_foreign_origin_is_refused(logged_in):
    client, _ = logged_in
    refused = client.post("/api/v1/tokens", json={"label": "stjålet"}, headers=FOREIGN)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.get_json()["feil"]
    # without Origin, Referer or token: refused too; a foreign Referer likewise
    assert client.post("/api/v1/tokens", json={"label": "x"}).status_code == 403
    assert client.post("/api/v1/tokens", json={"label": "x"},
                       headers={"Referer": "https://evil.example/side"}).status_code == 403


def test_a_cookie_write_from_our_own_origin_or_with_the_token_is_accepted(logged_in):
    client, csrf = logged_in
    assert client.post("/api/v1/tokens", json={"label": "a"}, headers={"Origin": "http://localhost"}).status_code == 201
    assert client.post("/api/v1/tokens", json={"label": "b"},
                       headers={"Referer": "http://localhost/ledige-boliger"}).status_code == 201
    assert client.post("/api/v1/tokens", json={"label": "c"}, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert client.post("/api/v1/tokens", json={"label": "d"}, headers={"X-CSRF-Token": "feil"}).status_code == 403


def test_a_form_encoded_or_empty_typed_body_is_never_read_as_an_empty_json_object(logged_in):
    client, csrf = logged_in
    form = client.post("/api/v1/vacancies/1/make-recommendation", data="a=1",
                       content_type="application/x-www-form-urlencoded", headers={**FOREIGN, "X-CSRF-Token": csrf})
    assert form.status_code == 415
    plain = client.post("/api/v1/tokens", data='{"label": "x"}', content_type="text/plain",
                        headers={"X-CSRF-Token": csrf})
    assert plain.status_code == 415 and "application/json" in plain.get_json()["feil"]


def test_a_bearer_token_needs_no_origin(api):
    answer = api.client.post("/api/v1/tokens", json={"label": "fagsystem"},
                             headers={**api.headers("hvk.midtbyen"), **FOREIGN})
    assert answer.status_code == 201


def test_the_cookie_is_samesite_lax_and_httponly(casework_app):
    client = casework_app.test_client()
    answer = client.post("/api/v1/login", json={"username": "hvk.midtbyen", "password": DEMO_PASSWORD})
    cookie = answer.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("path", ["/logg-inn", "/api/v1/vacancies", "/openapi.json", "/healthz"])
def test_every_answer_carries_the_security_headers_and_is_not_stored(api, path):
    answer = api.client.get(path, headers=api.headers("konsulent.anne"))
    headers = answer.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin" and headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(api):
    answer = api.client.get("/static/site.css")
    try:
        assert answer.status_code == 200 and answer.headers.get("Cache-Control") != "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        answer.close()
