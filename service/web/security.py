"""What every answer carries and every write must prove, for a service holding health data on a network.

- **CSRF on the JSON API.** A write to `/api` authenticated by the session cookie (not
  by a bearer token, which a foreign site cannot send) must come from our own origin:
  the `Origin` (or, without it, the `Referer`) names this host, or the request carries
  the session's CSRF token in `X-CSRF-Token`. A body must be JSON with the JSON content
  type: a form a foreign page can post is never read as `{}`. The pages' forms have
  their own token (service/web/pages/web.py).
- **The cookie**: `SameSite=Lax` and `HttpOnly` always (Flask's defaults hold the key
  as None, so it is set, not defaulted), `Secure` when the service is configured to sit
  behind TLS (`SESSION_COOKIE_SECURE`, or `BOLIGTILDELING_TLS=1`).
- **Headers**: a content security policy without inline script, no framing (the forms
  cannot be clickjacked), nosniff, a referrer policy that keeps case URLs in the
  service, and `Cache-Control: no-store` on everything but the static files, since
  pages and answers carry personal data. Style attributes stay allowed
  (`style-src-attr`): the score bars' widths are data, and an attribute cannot run code.

Every request passes through here, so the hooks read the request once and add the
headers in one pass: with Flask's session they took about 70 µs of the 1 ms or so the
app spends on `POST /api/v1/rank` (no login); now the two hooks and opening the session
take 10-15 µs. The session cookie is Flask's own, signed with the same key, salt and
format; only the signer is made once per key instead of once per request (`SessionInterface`).
"""

from __future__ import annotations

import hmac
import os
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface

from service.web.errors import ApiError

CSRF_KEY = "csrf"  # the session's token, shared with the pages' forms
CSRF_HEADER = "X-CSRF-Token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_HEADERS_BY_KEY = [(name, name.lower(), value) for name, value in HEADERS.items()]
RANK_PATH = "/api/v1/rank"  # takes YAML too (service/web/api/case_body.py)
LOGIN_PATH = "/api/v1/login"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signer made once per key rather than per request.

    Flask builds a new itsdangerous serializer in every `open_session`, even for a
    request without a cookie (about 25 µs, most of it itsdangerous probing its JSON
    serializer). The serializer keeps no state between calls, so one per
    (SECRET_KEY, SECRET_KEY_FALLBACKS) serves every thread; a changed key gets a new one.
    """

    def __init__(self):
        self._signers: dict = {}

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = super().get_signing_serializer(app)
            self._signers = {key: signer}  # only the key in use is kept
        return signer


def csrf_token() -> str:
    """The session's CSRF token (made on first use): in every page form and in `GET /api/v1/me`."""
    token = session.get(CSRF_KEY)
    if token is None:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def init_app(app: Flask) -> None:
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if os.environ.get("BOLIGTILDELING_TLS", "").lower() in ("1", "true", "yes", "ja"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.session_interface = SessionInterface()
    app.before_request(_api_writes_come_from_us)
    app.after_request(_headers)


def _same_origin(url: str | None) -> bool | None:
    """True/False when `url` names an origin, None when it says nothing."""
    if not url or url == "null":
        return None if not url else False
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


def _api_writes_come_from_us():
    req = request._get_current_object()  # read once, not through the proxy for every property
    if req.method not in WRITE_METHODS:
        return None
    path = req.path
    if not path.startswith("/api/"):
        return None
    headers = req.headers
    if path != RANK_PATH and not req.is_json and (
            req.content_length or req.content_type or headers.get("Transfer-Encoding", "").lower() == "chunked"):
        raise ApiError(415, "Innholdet må være JSON med Content-Type: application/json.")
    if headers.get("Authorization", "").lower().startswith("bearer "):
        return None  # a token is not sent by a browser on its own
    if not req.cookies.get(_cookie_name()) or path == LOGIN_PATH:
        return None  # no session to ride on; a login proves itself with its password (and is JSON only)
    sent = headers.get(CSRF_HEADER, "")
    if sent and hmac.compare_digest(sent, session.get(CSRF_KEY, "") or "\0"):
        return None
    origin = _same_origin(headers.get("Origin"))
    if origin is None:
        origin = _same_origin(headers.get("Referer"))
    if origin:
        return None
    raise ApiError(403, "Forespørselen kommer ikke fra tjenesten selv: send X-CSRF-Token fra GET /api/v1/me, "
                        "eller bruk en API-nøkkel.")


def _cookie_name() -> str:
    return current_app.config.get("SESSION_COOKIE_NAME", "session")


def _headers(response):
    """The headers above unless the view set its own; `no-store` (and no Expires) but on static files."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for name, key, value in _HEADERS_BY_KEY:
        if key not in present:
            headers.add(name, value)
    if not request.path.startswith("/static/"):
        if "cache-control" in present:
            headers["Cache-Control"] = "no-store"
        else:
            headers.add("Cache-Control", "no-store")
        if "expires" in present:
            headers.remove("Expires")
    return response
