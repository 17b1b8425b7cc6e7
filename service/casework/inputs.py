"""Checking the values a request brings (dates, amounts, codes, text), one field path each.

The HTTP layer passes JSON values straight through: dates may be ISO strings.
Problems are collected so one answer names every bad field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from pydantic import ValidationError

from engine.errors import Problem
from engine.validation_messages import problems_from

from service.casework.context import OSLO
from service.domain.errors import InvalidInput


class Fields:
    """Collects problems; `check()` raises InvalidInput if there were any."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message))

    def check(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)

    def date(self, path: str, value: Any, *, required: bool = False) -> dt.date | None:
        if value is None or value == "":
            if required:
                self.add(path, "påkrevd felt mangler")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"{value!r} er ikke en dato på formen ÅÅÅÅ-MM-DD")
            return None

    def moment(self, path: str, value: Any, *, required: bool = False) -> dt.datetime | None:
        if value is None or value == "":
            if required:
                self.add(path, "påkrevd felt mangler")
            return None
        if isinstance(value, dt.datetime):
            moment = value
        else:
            try:
                moment = dt.datetime.fromisoformat(str(value))
            except ValueError:
                self.add(path, f"{value!r} er ikke et tidspunkt på formen ÅÅÅÅ-MM-DDTtt:mm")
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=OSLO)
        return moment

    def amount(self, path: str, value: Any, *, required: bool = False) -> int | None:
        if value is None:
            if required:
                self.add(path, "påkrevd felt mangler")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"{value!r} har feil type, forventet et heltall")
            return None
        if value < 0:
            self.add(path, f"{value!r} er for lite (minst 0)")
            return None
        return value

    def code(self, path: str, value: Any, allowed: Mapping[str, str] | list | tuple, *,
             required: bool = True) -> str | None:
        if value is None or value == "":
            if required:
                self.add(path, "påkrevd felt mangler")
            return None
        if value not in allowed:
            self.add(path, f"{value!r} er ikke en av de tillatte verdiene: {', '.join(map(str, allowed))}")
            return None
        return value

    def text(self, path: str, value: Any, *, required: bool = False, max_length: int = 10_000) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path, "må fylles ut")
            return None
        if not isinstance(value, str):
            self.add(path, f"{value!r} har feil type, forventet tekst")
            return None
        if len(value) > max_length:
            self.add(path, f"teksten er for lang (høyst {max_length} tegn)")
            return None
        return value.strip()

    def model(self, path: str, model, data: Any) -> dict | None:
        """Validate `data` with a pydantic model from the engine's case models (the vocabulary)."""
        try:
            obj = model.model_validate(data)
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, prefix=tuple(p for p in path.split(".") if p)))
            return None
        return obj.model_dump(mode="json", exclude_none=True)
