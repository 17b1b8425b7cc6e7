"""Who is asking: API tokens for machines, a login (session cookie) for people.

    Authorization: Bearer <token>       a token from `boligtildeling tokens create USERNAME`
                                        or POST /api/v1/tokens
    the session cookie                  set by POST /api/v1/login (service/web/api/session.py)
                                        or the login page; the pages and the API share it

SECRET_KEY (which signs the cookie) comes from the config, else $BOLIGTILDELING_SECRET_KEY,
else the file `secret_key` in the instance folder, generated on first run; it is never
in the repository. Casework routes without a valid token or login get 401.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request, session

from service.casework import accounts
from service.casework.context import OSLO, Context, system_clock
from service.web.errors import ApiError
from service.web.rules import rules_for
from service.store.models import User
from service.store.unit_of_work import SqlUnitOfWork
from service.web.store import db_session

SECRET_FILE = "secret_key"
SESSION_USER = "user_id"
NOT_LOGGED_IN = ("Du er ikke logget inn. Logg inn med POST /api/v1/login eller send en API-nøkkel "
                 "(Authorization: Bearer ...).")


def init_app(app: Flask) -> None:
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
    return Context(uow=SqlUnitOfWork(db_session()), actor=user, clock=now, rules=rules, request_info=info)
