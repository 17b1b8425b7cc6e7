"""Who is asking: API tokens for machines, a login (session cookie) for people.

    Authorization: Bearer <token>       a token from `boligtildeling tokens create USERNAME`
                                        or POST /api/v1/tokens
    the session cookie                  set by POST /api/v1/login (service/web/api/session.py)
                                        or the login page; the pages and the API share it

A login lasts while it is used: it ends after SESSION_IDLE_MINUTES without a request
(default 30) and SESSION_MAX_HOURS after it began (default 12), on logout, and when the
user is deactivated or their password changes (the store keeps the logins).

SECRET_KEY (which signs the cookie) comes from the config, else $BOLIGTILDELING_SECRET_KEY,
else the file `secret_key` in the instance folder, generated on first run; it is never
in the repository. Casework routes without a valid token or login get 401.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request, session

from service.casework import accounts, logins
from service.casework.context import OSLO, Context, system_clock
from service.web.errors import ApiError
from service.web.rules import rules_for
from service.store.database import PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, make_private_folder, tighten
from service.store.models import User
from service.store.unit_of_work import SqlUnitOfWork
from service.web.store import db_session

SECRET_FILE = "secret_key"
SESSION_USER = "user_id"
SESSION_SECRET = "login"  # the login's secret; its hash is in the store (service/casework/logins.py)
NOT_LOGGED_IN = ("Du er ikke logget inn. Logg inn med POST /api/v1/login eller send en API-nøkkel "
                 "(Authorization: Bearer ...).")


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", os.environ.get("BOLIGTILDELING_SESSION_IDLE_MINUTES", 30))
    app.config.setdefault("SESSION_MAX_HOURS", os.environ.get("BOLIGTILDELING_SESSION_MAX_HOURS", 12))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("BOLIGTILDELING_SECRET_KEY") or _instance_secret(app)


def _instance_secret(app: Flask) -> str:
    """Read the instance folder's secret, or create it (readable by the owner only)."""
    path = Path(app.instance_path) / SECRET_FILE
    if path.exists():
        tighten(path.parent, PRIVATE_FOLDER_MODE, "instansmappen")
        tighten(path, PRIVATE_FILE_MODE, "nøkkelfilen secret_key")
        return path.read_text(encoding="utf-8").strip()
    make_private_folder(path.parent)
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
        user = accounts.authenticate_token(db_session(), token, clock=clock())
        if user is None:
            raise ApiError(401, "API-nøkkelen er ugyldig, utløpt eller trukket tilbake.")
        found = (user, "token")
    elif SESSION_USER in session:
        user = logins.resume(db_session(), session.get(SESSION_SECRET), clock()(), timeouts())
        if user is not None and user.id == session[SESSION_USER]:
            found = (user, "session")
        else:  # logged out elsewhere, timed out, deactivated, or a cookie from before logins were stored
            session.clear()
    g.actor = found
    return found


def timeouts() -> logins.Timeouts:
    config = current_app.config
    return logins.Timeouts(idle=dt.timedelta(minutes=float(config["SESSION_IDLE_MINUTES"])),
                           absolute=dt.timedelta(hours=float(config["SESSION_MAX_HOURS"])))


def begin_login(user: User) -> None:
    """A new login for `user`: a fresh cookie and a row in the store.

    Of the cookie before, only the CSRF token survives, so a form opened before the
    login (the login form itself, another tab) still posts.
    """
    from service.web.security import CSRF_KEY
    keep = session.get(CSRF_KEY)
    session.clear()
    if keep:
        session[CSRF_KEY] = keep
    session[SESSION_USER] = user.id
    session[SESSION_SECRET] = logins.start(db_session(), user, clock()())


def end_login() -> None:
    """Log out: the login ends in the store, so a copy of the cookie is worth nothing either."""
    logins.end(db_session(), session.get(SESSION_SECRET), clock()())
    session.clear()
    g.pop("actor", None)


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
    return Context(uow=SqlUnitOfWork(db_session()), actor=user, clock=now, rules=rules, request_info=info,
                   routine=current_app.extensions["routine"].current())
