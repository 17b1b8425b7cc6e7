"""The context of one request: the unit of work, actor, clock, current rules.

Every public casework function takes a `Context` first and is decorated with
`@unit_of_work`: it commits when the function returns and rolls back when it
raises, so a refused step leaves the database exactly as it was. A `Forbidden`
attempt is then written to the audit log in a transaction of its own.

Each write records a timeline event (tidslinje) and an audit entry
(revisjonslogg) through `Context.event`; a read of a person's data records an
audit entry through `Context.audit`.

The transaction itself is the store's (`ctx.uow`, service/store/unit_of_work.py:
begin, commit, rollback, and whether an error means someone else came first);
this module knows no SQL, so tests/unit checks these rules with a fake.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, TypeVar

from engine import CompiledRules
from service.casework.commands import Command

from service.domain.codes import OSLO, Role
from service.domain.errors import Forbidden, IllegalTransition, InvalidInput, NotFound

CONCURRENT_CHANGE = ("Saken ble endret av noen andre samtidig. Last den inn på nytt og prøv igjen.")


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UnitOfWork(Protocol):
    """What the casework needs of a transaction (the store's SqlUnitOfWork; a fake in tests/unit)."""

    session: Any  # what the casework functions query through

    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def lost_race(self, exc: BaseException) -> bool: ...
    def record_audit(self, **row: Any) -> None: ...
    def record_audits(self, rows: list[dict[str, Any]]) -> None: ...
    def record_event(self, vacancy: Any, *, at: dt.datetime, actor_id: int, actor_name: str, kind: str,
                     text: str, data: dict) -> int: ...


@dataclass(frozen=True)
class Actor:
    """Who acts, as they were when the request began: a snapshot of the store's `User`.

    Every unit of work commits, and a commit expires the session's objects, so each
    later read of the user's role or office reloaded the user (and a unit leader's
    units): a vacancy page of four units of work read the users table 8 times and the
    units 7. Who the actor is does not change within one request.
    """

    id: int
    username: str
    display_name: str
    role: str
    welfare_office: str | None = None
    unit_ids: frozenset[str] = frozenset()
    email: str | None = None
    active: bool = True

    @classmethod
    def of(cls, user: Any) -> "Actor":
        return cls(id=user.id, username=user.username, display_name=getattr(user, "display_name", user.username),
                   role=user.role, welfare_office=getattr(user, "welfare_office", None),
                   unit_ids=frozenset(getattr(user, "unit_ids", ())), email=getattr(user, "email", None),
                   active=getattr(user, "active", True))


@dataclass
class Context:
    """Who does what, when, under which rules.

    `uow` is the unit of work (its `session` is what the casework queries);
    `actor` is the acting `User` (kept as an `Actor` snapshot); `clock` returns an aware
    datetime; `rules` is the current compiled rules bundle (needed to validate
    checklists, to filter what a unit leader sees and to rank). `request_info`
    (say the client address and how the user logged in) goes into every audit entry.
    """

    uow: UnitOfWork
    actor: Any  # a service.store.models.User, read once into an Actor
    clock: Callable[[], dt.datetime] = system_clock
    rules: CompiledRules | None = None
    request_info: dict[str, Any] = field(default_factory=dict)
    routine: Any = None  # service.routine.Routine: deadlines and targets (frister og mål); None: the shipped file

    def __post_init__(self):
        if not isinstance(self.actor, Actor):
            self.actor = Actor.of(self.actor)

    def deadlines(self):
        """The routine's deadlines and holidays in use (service/routine.py)."""
        if self.routine is None:
            from service.config import routine_file
            from service.routine import load_routine

            self.routine = load_routine(routine_file())
        return self.routine

    @property
    def session(self):
        return self.uow.session

    # -- time -------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("klokken må gi tidspunkt med tidssone")
        return moment.astimezone(dt.timezone.utc)

    def today(self) -> dt.date:
        """Today's date in Norway (where the case is handled)."""
        return self.now().astimezone(OSLO).date()

    # -- who --------------------------------------------------------------------------
    @property
    def role(self) -> Role:
        return Role(self.actor.role)

    def require_role(self, roles, message: str, *, action: str, vacancy_id: int | None = None,
                     applicant_id: int | None = None) -> None:
        if self.role not in set(roles):
            raise Forbidden(message, action=action, vacancy_id=vacancy_id, applicant_id=applicant_id)

    def compiled_rules(self) -> CompiledRules:
        if self.rules is None:
            raise RuntimeError("Context.rules mangler: regelverket må være lastet for dette steget")
        return self.rules

    # -- lookups ----------------------------------------------------------------------
    def get(self, model, key, what: str, *, lock: bool = False):
        """The row `key` of `model` (NotFound, in bokmål, naming `what`).

        `lock` takes the row for this transaction (SELECT ... FOR UPDATE on PostgreSQL;
        SQLite's writer already holds the whole database): every step on a vacancy
        locks the vacancy first, so two steps on one case take turns and the second
        sees what the first did.
        """
        obj = self.session.get(model, key, with_for_update=True if lock else None) if key is not None else None
        if obj is None:
            raise NotFound(f"{what} finnes ikke.")
        return obj

    # -- records ----------------------------------------------------------------------
    def audit(self, action: str, /, *, vacancy_id: int | None = None, applicant_id: int | None = None,
              audit_outcome: str = "ok", **detail) -> None:
        self.uow.record_audit(
            at=self.now(), actor_id=self.actor.id, actor_username=self.actor.username, action=action,
            outcome=audit_outcome, vacancy_id=vacancy_id, applicant_id=applicant_id,
            detail=_jsonable({**detail, "request": self.request_info or None}))

    def audit_read(self, action: str, applicant_ids, /, *, vacancy_id: int | None = None, **detail) -> None:
        """A read of people's data: one audit entry per applicant read (a list too), so the log
        answers "who read applicant X" (GDPR art. 15); one entry without an applicant if none was."""
        ids = sorted({i for i in applicant_ids if i is not None})
        if len(ids) <= 1:
            self.audit(action, vacancy_id=vacancy_id, applicant_id=ids[0] if ids else None, **detail)
            return
        # Many at once (a screened waiting list: thousands): one row each, written in one statement.
        shared = {"at": self.now(), "actor_id": self.actor.id, "actor_username": self.actor.username,
                  "action": action, "outcome": "ok", "vacancy_id": vacancy_id,
                  "detail": _jsonable({**detail, "request": self.request_info or None})}
        self.uow.record_audits([{**shared, "applicant_id": applicant_id} for applicant_id in ids])

    def event(self, vacancy, kind: str, text: str, /, *, applicant_id: int | None = None, **data) -> None:
        """A step in the vacancy's timeline, and the matching audit entry."""
        data = _jsonable(data)
        vacancy_id = self.uow.record_event(vacancy, at=self.now(), actor_id=self.actor.id,
                                           actor_name=self.actor.display_name, kind=kind, text=text, data=data)
        self.audit(kind, vacancy_id=vacancy_id, applicant_id=applicant_id, **data)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


F = TypeVar("F", bound=Callable[..., Any])


def unit_of_work(fn: F) -> F:
    """Commit when `fn` returns, roll back when it raises; audit refused attempts.

    A lost race (the vacancy's version moved on, or a unique index refused a
    row: `uow.lost_race`) becomes IllegalTransition: the other request won, this
    one changed nothing. Any other failure propagates as it is. A command that
    still has problems is refused rather than committed.
    """

    @functools.wraps(fn)
    def wrapper(ctx: Context, *args, **kwargs):
        uow = ctx.uow
        uow.begin()
        try:
            result = fn(ctx, *args, **kwargs)
            _refuse_bad_commands(args, kwargs)
            uow.commit()
            return result
        except Forbidden as exc:
            uow.rollback()
            _record_refusal(ctx, fn.__name__, exc)
            raise
        except BaseException as exc:
            uow.rollback()
            if uow.lost_race(exc):
                raise IllegalTransition(CONCURRENT_CHANGE) from exc
            raise

    return wrapper  # type: ignore[return-value]


def _refuse_bad_commands(args: tuple, kwargs: dict) -> None:
    """A command with bad values is never carried out, even by a function that forgot to check it."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, Command) and value.problems:
            raise InvalidInput(value.problems)


def _record_refusal(ctx: Context, function_name: str, exc: Forbidden) -> None:
    ctx.uow.begin()
    try:
        ctx.audit(exc.action or function_name, vacancy_id=exc.vacancy_id, applicant_id=exc.applicant_id,
                  audit_outcome="denied", message=exc.message)
        ctx.uow.commit()
    except Exception:  # an audit log that cannot be written is an error of its own
        ctx.uow.rollback()
        raise
