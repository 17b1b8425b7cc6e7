"""Named errors of the casework (saksbehandling); the message is the text a user reads (bokmål).

The HTTP layer maps them to status codes and puts `str(error)` in the body:

    NotFound          -> 404   something named in the request does not exist
    Forbidden         -> 403   the user may not do or see this (the attempt is audited)
    IllegalTransition -> 409   the case is not in a state where this step is allowed
    InvalidInput      -> 422   bad values; `problems` names each field by its path, the message in bokmål

Every error is raised before anything is committed: the transition changes nothing.
"""

from __future__ import annotations

from engine.errors import Problem
from service.domain.field_names import in_words


class CaseworkError(Exception):
    """Base of the casework errors: `message` is bokmål for the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class NotFound(CaseworkError):
    """Something the request names (vacancy, applicant, user ...) does not exist."""


class Forbidden(CaseworkError):
    """The actor's role or binding (office, unit) does not allow this.

    `action`, `vacancy_id` and `applicant_id` say what was attempted; the unit of
    work records the refused attempt in the audit log before re-raising.
    """

    def __init__(self, message: str, *, action: str | None = None, vacancy_id: int | None = None,
                 applicant_id: int | None = None):
        super().__init__(message)
        self.action = action
        self.vacancy_id = vacancy_id
        self.applicant_id = applicant_id


class IllegalTransition(CaseworkError):
    """The step is not allowed in the vacancy's current stage (or someone changed it meanwhile)."""


class TooManyAttempts(CaseworkError):
    """Too many failed logins in a row for this username or address: wait `retry_after` seconds."""

    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        wait = f"{retry_after} sekunder" if retry_after < 90 else f"omtrent {minutes} minutter"
        super().__init__(f"For mange mislykkede innlogginger. Vent {wait} før du prøver igjen.")
        self.retry_after = retry_after


class InvalidInput(CaseworkError):
    """One or more fields are invalid; `problems` holds one `Problem(path, message)` per field.

    The message names each field in bokmål (service/domain/field_names.py); the paths
    stay in `problems`, for the API's answer and for placing a message next to its field.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        text = "; ".join(in_words(p.path, p.message) for p in self.problems)
        super().__init__(f"Ugyldige opplysninger. {text}")

    def as_dicts(self) -> list[dict]:
        return [p.as_dict() for p in self.problems]


def invalid(path: str, message: str) -> InvalidInput:
    """Shorthand for one bad field."""
    return InvalidInput(Problem(path=path, message=message))


class Problems:
    """What is wrong with a request: the problems its values had (`source.problems`, from a command)
    and what the casework finds beyond them (a reference in use, a candidate not presented),
    collected so that one answer names every bad field."""

    def __init__(self, source=None):
        self.items: list[Problem] = list(getattr(source, "problems", None) or [])

    def add(self, path: str, message: str) -> None:
        self.items.append(Problem(path=path, message=message))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def check(self) -> None:
        """Raise InvalidInput if anything was found."""
        if self.items:
            raise InvalidInput(self.items)
