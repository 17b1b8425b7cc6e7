"""Logins that end (innlogging) and a throttle on guessing passwords.

A login is a row in the store, not only a signed cookie: the cookie carries a random
secret, the store its hash. So logging out, deactivating a user and changing a
password end every copy of the cookie, and a login ends by itself after
`idle` without use (default 30 minutes) or `absolute` after it began (12 hours).

Failed logins are counted per username and per address. From the fifth failure in a
row the key is locked for a time that doubles with every further failure (30 s, 60 s,
... at most 15 minutes); a locked key is refused before the password is looked at,
with the seconds left (HTTP 429, Retry-After). A success clears the username's count.
The counts live in the store, so every worker process sees the same ones.

Clock-driven and free of Flask; `session` is a SQLAlchemy session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.store.database import begin_write
from service.store.models import LoginFailures, LoginSession, User

FREE_FAILURES = 4                      # the fifth failure in a row locks
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(minutes=15)
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often (not on every request)


@dataclass(frozen=True)
class Timeouts:
    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(session: Session, user: User, now: dt.datetime) -> str:
    """A new login for `user`; returns the secret for the cookie (never stored)."""
    secret = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, secret_hash=_hash(secret), created_at=now, last_seen_at=now))
    session.commit()
    return secret


def resume(session: Session, secret: str | None, now: dt.datetime, timeouts: Timeouts = Timeouts()) -> User | None:
    """The user of a live login with this secret, or None (and the login ended if it just timed out).

    Reading is the common case and writes nothing. The rare writes (the idle clock,
    once a minute; ending a login) each run in a writing transaction of their own
    with the condition in the UPDATE: on SQLite a write inside the read's deferred
    transaction fails at once ("database is locked") when another request wrote
    since it began, as 50 clients sharing one login all did at the same minute.
    """
    if not secret:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.secret_hash == _hash(secret)))
    if row is None or row.ended_at is not None:
        session.commit()
        return None
    reason = None
    if now - row.created_at > timeouts.absolute:
        reason = "absolute_timeout"
    elif now - row.last_seen_at > timeouts.idle:
        reason = "idle_timeout"
    user = session.get(User, row.user_id)
    if reason is None and (user is None or not user.active):
        reason = "user_inactive"
    login_id, last_seen = row.id, row.last_seen_at
    if reason is not None:
        _write(session, update(LoginSession).where(LoginSession.id == login_id, LoginSession.ended_at.is_(None))
               .values(ended_at=now, end_reason=reason))
        return None
    if now - last_seen >= TOUCH_EVERY:
        # Whoever comes first moves the clock; the others' condition no longer holds.
        _write(session, update(LoginSession).where(LoginSession.id == login_id, LoginSession.ended_at.is_(None),
                                                   LoginSession.last_seen_at <= now - TOUCH_EVERY)
               .values(last_seen_at=now))
        return user
    session.commit()
    return user


def _write(session: Session, statement) -> None:
    """One conditional write in a transaction begun as a writer (it queues for SQLite's lock)."""
    session.commit()
    begin_write(session)
    session.execute(statement.execution_options(synchronize_session=False))
    session.commit()


def end(session: Session, secret: str | None, now: dt.datetime, reason: str = "logout") -> None:
    if secret:
        session.execute(update(LoginSession).where(LoginSession.secret_hash == _hash(secret),
                                                   LoginSession.ended_at.is_(None))
                        .values(ended_at=now, end_reason=reason))
    session.commit()


def end_all(session: Session, user_id: int, now: dt.datetime, reason: str) -> int:
    """End every live login of a user (in the caller's transaction); how many were ended."""
    result = session.execute(update(LoginSession).where(LoginSession.user_id == user_id,
                                                        LoginSession.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason))
    return result.rowcount or 0


# -- the throttle -----------------------------------------------------------------------------------

def keys(username: str, address: str | None) -> list[str]:
    out = [f"user:{(username or '').strip().lower()[:180]}"]
    if address:
        out.append(f"ip:{address[:180]}")
    return out


def locked_for(session: Session, login_keys: list[str], now: dt.datetime) -> int:
    """Seconds until these keys may try again (0: now)."""
    rows = session.scalars(select(LoginFailures).where(LoginFailures.key.in_(login_keys))).all()
    session.commit()
    waits = [(r.locked_until - now).total_seconds() for r in rows if r.locked_until and r.locked_until > now]
    return math.ceil(max(waits)) if waits else 0


def failed(session: Session, login_keys: list[str], now: dt.datetime) -> None:
    """Count a failure for each key (in the caller's transaction) and lock from the fifth in a row."""
    for key in login_keys:
        row = session.get(LoginFailures, key, with_for_update=True)
        if row is None:
            row = LoginFailures(key=key, failures=0, last_failure_at=now)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        over = row.failures - FREE_FAILURES
        if over > 0:
            row.locked_until = now + min(FIRST_LOCK * (2 ** min(over - 1, 10)), LONGEST_LOCK)


def succeeded(session: Session, username: str) -> None:
    """A right password clears the username's count (the address's stays: it may be guessing others)."""
    row = session.get(LoginFailures, keys(username, None)[0])
    if row is not None:
        session.delete(row)
