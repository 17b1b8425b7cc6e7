"""A fake unit of work: the interface of service/store/unit_of_work.py, in memory.

It keeps what was committed apart from what was only written, so a test can
say "nothing of the refused step was kept" without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


class LostRace(Exception):
    """What the store raises when someone else changed the same rows first (the fake's own)."""


@dataclass
class FakeUnitOfWork:
    session: Any = None
    pending: list[tuple[str, dict]] = field(default_factory=list)
    committed: list[tuple[str, dict]] = field(default_factory=list)
    begun: int = 0
    rollbacks: int = 0
    next_vacancy_id: int = 1

    def begin(self) -> None:
        assert not self.pending, "a new transaction with uncommitted writes"
        self.begun += 1

    def commit(self) -> None:
        self.committed += self.pending
        self.pending = []

    def rollback(self) -> None:
        self.pending = []
        self.rollbacks += 1

    def lost_race(self, exc: BaseException) -> bool:
        return isinstance(exc, LostRace)

    def record_audit(self, **row: Any) -> None:
        self.pending.append(("audit", row))

    def record_audits(self, rows: list[dict[str, Any]]) -> None:
        self.pending += [("audit", row) for row in rows]

    def record_event(self, vacancy: Any, *, at: dt.datetime, actor_id: int, actor_name: str, kind: str, text: str,
                     data: dict) -> int:
        if vacancy.id is None:
            vacancy.id, self.next_vacancy_id = self.next_vacancy_id, self.next_vacancy_id + 1
        self.pending.append(("event", {"vacancy_id": vacancy.id, "at": at, "actor_id": actor_id,
                                       "actor_name": actor_name, "kind": kind, "text": text, "data": data}))
        return vacancy.id

    def kept(self, kind: str) -> list[dict]:
        return [row for k, row in self.committed if k == kind]


def actor(role: str = "consultant", **fields) -> SimpleNamespace:
    """A user as the casework reads one: id, username, display name, role and bindings."""
    return SimpleNamespace(id=7, username="konsulent.anne", display_name="Anne Berg", role=role,
                           welfare_office=None, unit_ids=[], active=True, **fields)
