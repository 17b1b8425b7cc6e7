"""Who is asking: API tokens for machines, a login (session cookie) for people.

    Authorization: Bearer <token>       a token from `boligtildeling tokens create USERNAME`
                                        or POST /api/v1/tokens
    POST /api/v1/login {username, password}   sets the session cookie (the pages reuse it)
    POST /api/v1/logout

SECRET_KEY (which signs the cookie) comes from the config, else $BOLIGTILDELING_SECRET_KEY,
else the file `secret_key` in the instance folder, generated on first run; it is never
in the repository. Casework routes without a valid token or login get 401.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

from flask import Blueprint, Flask, current_app, g, request, session
from pydantic import BaseModel, ConfigDict, Field

from .casework import accounts
from .casework.context import OSLO, Context, system_clock
from .casework_http import operation, parse_body, respond
from .errors import ApiError
from .rules_holder import rules_for
from .store.models import User
from .store_binding import db_session

bp = Blueprint("auth", __name__, url_prefix="/api/v1")

SECRET_FILE = "secret_key"
SESSION_USER = "user_id"
NOT_LOGGED_IN = ("Du er ikke logget inn. Logg inn med POST /api/v1/login eller send en API-nøkkel "
                 "(Authorization: Bearer ...).")


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("BOLIGTILDELING_SECRET_KEY") or _instance_secret(app)


def _instance_secret(app: Flask) -> str:
    """Read the instance folder's secret, or create it (readable by the owner only)."""
    path = Path(app.instance_path) / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_user() -> tuple[User, str] | None:
    """(user, how) for this request: a valid token wins over the cookie; None if neither is valid."""
    if "actor" in g:
        return g.actor
    found = None
    token = _bearer_token()
    if token is not None:
        user = accounts.authenticate_token(db_session(), token)
        if user is None:
            raise ApiError(401, "API-nøkkelen er ugyldig eller trukket tilbake.")
        found = (user, "token")
    elif SESSION_USER in session:
        user = db_session().get(User, session[SESSION_USER])
        db_session().commit()  # end the read transaction
        if user is not None and user.active:
            found = (user, "session")
        else:
            session.pop(SESSION_USER, None)
    g.actor = found
    return found


def require_login() -> None:
    if current_user() is None:
        raise ApiError(401, NOT_LOGGED_IN)


def clock():
    return current_app.config.get("CLOCK") or system_clock


def casework_context() -> Context:
    """The casework context of this request: 401 unless someone is logged in."""
    found = current_user()
    if found is None:
        raise ApiError(401, NOT_LOGGED_IN)
    user, how = found
    info = {"remote_addr": request.remote_addr, "auth": how, "method": request.method, "path": request.path}
    now = clock()
    rules = rules_for(now().astimezone(OSLO).date())  # the version in force on the casework's own today
    return Context(session=db_session(), actor=user, clock=now, rules=rules, request_info=info)


# -- the routes ------------------------------------------------------------------------------

class LoginBody(BaseModel):
    """Innlogging for personer: brukernavn og passord."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80, description="Brukernavnet.")
    password: str = Field(min_length=1, max_length=1000, description="Passordet.")


class TokenBody(BaseModel):
    """En ny API-nøkkel for den innloggede brukeren."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=200, description="Hva nøkkelen brukes til.")


class UserOut(BaseModel):
    """Brukeren som er logget inn."""

    id: int
    username: str
    display_name: str
    email: Optional[str] = None
    role: str
    role_label: str
    welfare_office: Optional[str] = None
    unit_ids: list[str]
    active: bool


class TokenOut(BaseModel):
    """En ny API-nøkkel: vises bare denne ene gangen."""

    id: int
    label: str
    token: str
    user_id: int


@operation(bp, "POST", "/login", summary="Logg inn (setter øktinformasjonskapselen)", body=LoginBody,
           response=UserOut, errors=(401, 422))
def login():
    body = parse_body(LoginBody)
    user = accounts.authenticate_password(db_session(), body.username, body.password, clock=clock())
    if user is None:
        raise ApiError(401, "Feil brukernavn eller passord.")
    session.clear()
    session[SESSION_USER] = user.id
    return respond(accounts.user_view(user), UserOut)


@operation(bp, "POST", "/logout", summary="Logg ut", errors=())
def logout():
    session.clear()
    return respond({"logged_out": True})


@operation(bp, "GET", "/me", summary="Brukeren som er logget inn", response=UserOut, errors=(401,))
def me():
    ctx = casework_context()
    return respond(accounts.user_view(ctx.actor), UserOut)


@operation(bp, "POST", "/tokens", summary="Lag en API-nøkkel for deg selv (vises én gang)", body=TokenBody,
           response=TokenOut, status=201, errors=(401, 422))
def create_token():
    body = parse_body(TokenBody)
    ctx = casework_context()
    return respond(accounts.issue_token(ctx, body.label), TokenOut, status=201)
