"""The routine's deadlines and targets (frister og mål), read from `rutine/frister.yaml`.

Like the rules, they are data that the head of allocation or policy staff change
without code: one pydantic model validates the file, and every mistake names the
file and line. The file is read again when its content changes (it is a few
hundred bytes; hashing it per use costs microseconds), so an edit counts from the
next page without a restart. A broken edit is refused and the last good version
goes on being used, with the error logged; at start a broken file stops the service.

The meaning of the dates (which event reaches which milestone, working days) is in
service/domain/milestones.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.errors import Problem, RulesError
from engine.language.validation_messages import problems_from
from engine.language.yaml_source import YamlSyntaxError, parse_yaml_text, shown_path
from service.domain.milestones import BY_KEY, COURSE, Deadline

log = logging.getLogger(__name__)


class RoutineError(RulesError):
    """The deadlines file cannot be used."""

    title = "Fristene er ugyldige"

MilestoneKey = Literal["meldt", "fraflyttet", "klar", "nominert", "innstilling", "godkjent", "svar", "vedtak",
                       "visning", "kontrakt", "innflyttet"]


class DeadlineEntry(BaseModel):
    """One deadline: reach `til` within so many days of `fra`."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)
    navn: str = Field(min_length=1, max_length=200)
    fra: MilestoneKey
    til: MilestoneKey
    arbeidsdager: Optional[int] = Field(None, ge=1, le=365)
    dager: Optional[int] = Field(None, ge=1, le=3650)
    malandel: Optional[float] = Field(None, gt=0, le=1, description="Andelen boliger som skal nå fristen (0-1).")
    grunnlag: str = Field("", max_length=300)

    @model_validator(mode="after")
    def _one_length(self):
        if (self.arbeidsdager is None) == (self.dager is None):
            raise ValueError("oppgi enten arbeidsdager eller dager (ikke begge)")
        if self.fra == self.til:
            raise ValueError("fra og til må være to forskjellige milepæler")
        if self.fra in COURSE and self.til in COURSE and COURSE.index(self.fra) > COURSE.index(self.til):
            raise ValueError(f"milepælen '{self.til}' kommer før '{self.fra}' i rutinen")
        return self


class RoutineFile(BaseModel):
    """rutine/frister.yaml."""

    model_config = ConfigDict(extra="forbid")
    helligdager: list[dt.date] = Field(default_factory=list)
    frister: list[DeadlineEntry] = Field(default_factory=list)
    vanskelig_a_fylle_under: int = Field(3, ge=0, le=1000, description=(
        "En ledig bolig er vanskelig å fylle når færre søkere enn dette på ventelistene kan tildeles den."))

    @model_validator(mode="after")
    def _unique_ids(self):
        seen = set()
        for entry in self.frister:
            if entry.id in seen:
                raise ValueError(f"fristen '{entry.id}' står to ganger")
            seen.add(entry.id)
        return self


@dataclass(frozen=True)
class Routine:
    deadlines: tuple[Deadline, ...]
    holidays: frozenset[dt.date]
    source: str
    hard_to_fill_below: int = 3

    def by_id(self, deadline_id: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.id == deadline_id), None)


def parse_routine(text: str, shown: str) -> Routine:
    """Validate the file's text; RulesError naming file and line for every problem."""
    try:
        doc = parse_yaml_text(text, file=shown)
    except YamlSyntaxError as exc:
        raise RoutineError(exc.problem)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise RoutineError(doc.problem((), "filen må inneholde et oppslag (nøkkel: verdi) på øverste nivå"))
    try:
        model = RoutineFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RoutineError(problems_from(exc, doc))
    deadlines = tuple(Deadline(id=e.id, name=e.navn, since=e.fra, until=e.til,
                               days=e.arbeidsdager if e.arbeidsdager is not None else e.dager,
                               working_days=e.arbeidsdager is not None, target_share=e.malandel, basis=e.grunnlag)
                      for e in model.frister)
    return Routine(deadlines=deadlines, holidays=frozenset(model.helligdager), source=shown,
                   hard_to_fill_below=model.vanskelig_a_fylle_under)


def load_routine(path: Path) -> Routine:
    shown = shown_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoutineError(Problem(path="", message="filen med frister finnes ikke", file=shown))
    except UnicodeDecodeError:
        raise RoutineError(Problem(path="", message="filen er ikke UTF-8-tekst", file=shown))
    return parse_routine(text, shown)


class RoutineHolder:
    """The routine in use: read at start, read again when the file's content changes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._digest, self._routine = self._read()
        self.last_error: str | None = None

    def _read(self) -> tuple[str, Routine]:
        data = self.path.read_bytes() if self.path.is_file() else b""
        return hashlib.sha256(data).hexdigest(), load_routine(self.path)

    def current(self) -> Routine:
        try:
            data = self.path.read_bytes()
        except OSError:
            return self._routine
        digest = hashlib.sha256(data).hexdigest()
        if digest == self._digest:
            return self._routine
        with self._lock:
            try:
                self._routine = parse_routine(data.decode("utf-8"), shown_path(self.path))
                self.last_error = None
            except (RoutineError, UnicodeDecodeError) as exc:
                self.last_error = str(exc)
                log.error("frister: endringen i %s er ikke tatt i bruk: %s", self.path, exc)
            self._digest = digest
        return self._routine


def milestone_label(key: str) -> str:
    return BY_KEY[key].label
