"""Resuming a login under concurrent use of the same login (service/casework/logins.py `resume`).

Found under load: 50 clients sharing one login got "database is locked" (500) from
SQLite when the idle clock was due, because each request wrote `last_seen_at` inside
the read transaction it had begun, after another request had already written it.
The interleaving is forced here, without threads or waiting: one request's read
transaction is open while another request moves the clock.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from service.casework import logins
from service.store.models import LoginSession, User


def _login(w, username: str = "konsulent.anne") -> tuple[str, dt.datetime]:
    start = w.clock()
    with w.sessions() as s:
        secret = logins.start(s, s.scalar(select(User).where(User.username == username)), start)
    return secret, start


def test_a_request_whose_read_began_before_another_moved_the_idle_clock_still_resumes(world):
    secret, start = _login(world)
    later = start + logins.TOUCH_EVERY + dt.timedelta(seconds=5)
    slow, quick = world.sessions(), world.sessions()
    try:
        slow.scalar(select(LoginSession.id))  # this request's read transaction is open (its snapshot taken)
        assert logins.resume(quick, secret, later).username == "konsulent.anne"  # moves the clock, commits
        user = logins.resume(slow, secret, later + dt.timedelta(seconds=1))
        assert user is not None and user.username == "konsulent.anne"
    finally:
        slow.close()
        quick.close()
    with world.sessions() as s:
        row = s.scalar(select(LoginSession))
        assert row.last_seen_at == later  # the first to come moved it; the second found it fresh
        assert row.ended_at is None


def test_a_login_that_timed_out_is_ended_even_when_another_request_read_it_first(world):
    secret, start = _login(world)
    idle = start + dt.timedelta(minutes=31)
    first, second = world.sessions(), world.sessions()
    try:
        first.scalar(select(LoginSession.id))
        assert logins.resume(second, secret, idle) is None
        assert logins.resume(first, secret, idle) is None
    finally:
        first.close()
        second.close()
    with world.sessions() as s:
        row = s.scalar(select(LoginSession))
        assert (row.ended_at, row.end_reason) == (idle, "idle_timeout")


def test_the_idle_clock_moves_at_most_once_a_minute(world):
    secret, start = _login(world)
    with world.sessions() as s:
        assert logins.resume(s, secret, start + dt.timedelta(seconds=30)) is not None
        assert s.scalar(select(LoginSession.last_seen_at)) == start
        assert logins.resume(s, secret, start + dt.timedelta(seconds=70)) is not None
        assert s.scalar(select(LoginSession.last_seen_at)) == start + dt.timedelta(seconds=70)
