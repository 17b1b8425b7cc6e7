"""The rules the service ranks with: every version in the rules folder, reloaded safely while serving.

Policy staff edit `rules/` (or add a version folder) while the service runs.
The holder notices (it compares a cheap fingerprint of the folder, at most
every `RULES_CHECK_SECONDS`, on the next request), then reads, validates and
compiles every version completely before swapping the whole library in with
one reference assignment. A broken folder is refused: the error is logged and
kept for the policy page and `GET /api/v1/rules/status`, and the versions
already being served go on serving. A request takes one compiled version and
uses it to the end, so no answer ever mixes two versions, and every answer
names the version it used.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from engine import CompiledRules, RulesError
from engine.library import RulesLibrary

log = logging.getLogger(__name__)


def fingerprint(folder: Path) -> tuple:
    """Name, size and modification time of every YAML file in the folder tree: cheap to compare."""
    entries = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith((".yaml", ".yml")):
                stat = os.stat(os.path.join(root, name))
                entries.append((os.path.relpath(os.path.join(root, name), folder), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


@dataclass(frozen=True)
class RefusedReload:
    at: dt.datetime
    problems: list[str]


class RulesHolder:
    """Holds the rules library currently served; safe to share between threads."""

    def __init__(self, folder: str | Path, check_seconds: float = 2.0):
        self.folder = Path(folder)
        self.check_seconds = check_seconds
        self._reload_lock = threading.Lock()
        self._seen = fingerprint(self.folder)
        self._library = self._build(self.folder)  # RulesError propagates: no rules, no service
        self._checked_at = time.monotonic()
        self.refused: RefusedReload | None = None
        self.reloads = 0

    @staticmethod
    def _build(folder: Path) -> RulesLibrary:
        """Validate every version and compile each one before anyone can use the library."""
        library = RulesLibrary.load(folder)
        for book in library.versions:
            library.compiled(book)
        return library

    # -- reading -------------------------------------------------------------------------
    def library(self) -> RulesLibrary:
        self._maybe_reload()
        return self._library

    def for_date(self, as_of: dt.date) -> CompiledRules:
        """The compiled version in force on `as_of` (NoVersionInForce if none is)."""
        return self.library().compiled_for(as_of)

    def current(self) -> CompiledRules:
        """The version in force today."""
        return self.for_date(dt.date.today())

    # -- reloading -----------------------------------------------------------------------
    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds:
            return
        self._checked_at = now
        if not self._reload_lock.acquire(blocking=False):
            return  # someone else is reloading; serve what we have
        try:
            seen = fingerprint(self.folder)
            if seen == self._seen:
                return
            self._seen = seen  # a broken state is tried once, not on every request
            try:
                self._swap(self._build(self.folder))
            except RulesError as exc:
                self._refuse(exc)
        finally:
            self._reload_lock.release()

    def reload(self, folder: str | Path | None = None) -> RulesLibrary:
        """Reload now (from `folder`, default the same); RulesError keeps the served library."""
        with self._reload_lock:
            folder = Path(folder) if folder is not None else self.folder
            seen = fingerprint(folder)
            try:
                library = self._build(folder)
            except RulesError as exc:
                self._refuse(exc)
                raise
            self.folder, self._seen = folder, seen
            self._swap(library)
            return library

    def _swap(self, library: RulesLibrary) -> None:
        old = {b.content_hash for b in self._library.versions}
        new = {b.content_hash for b in library.versions}
        if old == new:
            self.refused = None
            return
        self._library = library  # one reference assignment: readers see the old or the new, whole
        self.refused = None
        self.reloads += 1
        log.info("Regelverket er lastet på nytt: %s", ", ".join(b.version for b in library.versions))

    def _refuse(self, exc: RulesError) -> None:
        self.refused = RefusedReload(at=dt.datetime.now(dt.timezone.utc), problems=[str(p) for p in exc.problems])
        log.error("Nytt regelverk i %s er avvist; fortsetter med det gamle.\n%s", self.folder, exc)
