"""The store's side of a unit of work: one SQLAlchemy session, begun as a writer, committed or rolled back.

The casework's `unit_of_work` decorator (service/casework/context.py) talks to
this through four verbs and two records, so the casework's rules about
transactions (a refused step changes nothing, a forbidden attempt is still
audited, a lost race is a conflict) hold the same with the fake in
tests/unit/fakes.py, without a database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.store.database import begin_write
from service.store.models import AuditEntry, VacancyEvent


def is_unique_violation(exc: IntegrityError) -> bool:
    """A UNIQUE constraint or index refused the row (SQLite's message; PostgreSQL's SQLSTATE 23505)."""
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


class SqlUnitOfWork:
    """A unit of work over `session` (the request's, the command's or a test's)."""

    def __init__(self, session: Session):
        self.session = session

    def begin(self) -> None:
        begin_write(self.session)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def lost_race(self, exc: BaseException) -> bool:
        """Someone else changed the same rows first: the vacancy's version moved on, or a unique index refused."""
        return isinstance(exc, StaleDataError) or (isinstance(exc, IntegrityError) and is_unique_violation(exc))

    def record_audit(self, **row: Any) -> None:
        self.session.add(AuditEntry(**row))

    def record_audits(self, rows: list[dict[str, Any]]) -> None:
        """Many audit rows in one INSERT (executemany) on the table itself: thousands of ORM objects
        cost a second, and the ORM's bulk insert still handles each row (half of what is left)."""
        if rows:
            self.session.execute(insert(AuditEntry.__table__), rows)

    def record_event(self, vacancy: Any, *, at: dt.datetime, actor_id: int, actor_name: str, kind: str, text: str,
                     data: dict) -> int:
        """A step in the vacancy's timeline; the vacancy's id (given it now if it is new)."""
        if vacancy.id is None:
            self.session.flush()
        self.session.add(VacancyEvent(vacancy_id=vacancy.id, at=at, actor_id=actor_id, actor_name=actor_name,
                                      kind=kind, text=text, data=data))
        return vacancy.id
