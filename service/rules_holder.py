"""The rules the service ranks with: every version in the rules folder, reloaded safely while serving.

Policy staff edit `rules/` (or add a version folder) while the service runs.
The holder notices by content: it hashes the relative path and bytes of every
YAML file in the folder (`fingerprint`) and compares that with what it last
read. Modification times are not trusted: an edit within the file system's
timestamp granularity that keeps the size would be missed, and a `touch` or a
copy of identical files would cost a reload for nothing.

Hashing the folder costs tens of microseconds per file (benchmarks/reload_fingerprint.py),
so a request compares at most every `RULES_CHECK_SECONDS` (0: every request).
A request never waits for a check: if one is under way it serves what is
loaded. When the content differs, every version is read, validated and
compiled completely before the whole library is swapped in with one reference
assignment. A broken folder is refused: the error is logged and kept for the
policy page and `GET /api/v1/rules/status`, and the versions already being
served go on serving. A request takes one compiled version and uses it to the
end, so no answer ever mixes two versions, and every answer names the version
it used.

Tests and operators do not have to guess when a change has been seen: `check()`
compares now and says what happened, and every check is numbered, so
`wait_for_check(after=holder.checks_begun)` waits for a check that began after
a change was made (see tests/e2e/test_rules_reload.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from engine import CompiledRules, RulesError
from engine.evaluation.library import RulesLibrary

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")


def fingerprint(folder: Path) -> str:
    """A sha256 over the sorted relative paths and bytes of every YAML file in the folder tree.

    Lengths are hashed before each path and each content, so no two different
    folders can run together into the same stream of bytes. A file that
    vanishes between listing and reading is hashed as missing rather than
    failing the request that happened to check; the next check sees the rest.
    """
    found = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith(YAML_SUFFIXES):
                full = os.path.join(root, name)
                found.append((Path(os.path.relpath(full, folder)).as_posix(), full))
    digest = hashlib.sha256()
    for relative, full in sorted(found):
        name = relative.encode()
        digest.update(len(name).to_bytes(8, "big") + name)
        try:
            with open(full, "rb") as file:
                data = file.read()
        except OSError:
            digest.update(b"\xff" * 8)  # no length is this long: "missing" differs from every content
            continue
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class Outcome(str, enum.Enum):
    """What one check of the rules folder did."""

    UNCHANGED = "uendret"  # the same bytes as at the previous check: nothing read, nothing compiled
    RELOADED = "lastet"  # the folder changed and a different library is now served
    SAME_RULES = "samme"  # the bytes changed but every version is one already served (e.g. a refused edit undone)
    REFUSED = "avvist"  # the folder changed and is broken: the library already served serves on


@dataclass(frozen=True)
class CheckResult:
    number: int  # checks never overlap; they are numbered 1, 2, ... in the order they began
    outcome: Outcome


@dataclass(frozen=True)
class RefusedReload:
    at: dt.datetime
    problems: list[str]


class RulesHolder:
    """Holds the rules library currently served; safe to share between threads."""

    def __init__(self, folder: str | Path, check_seconds: float = 2.0):
        self.folder = Path(folder)
        self.check_seconds = float(check_seconds)
        self._reload_lock = threading.Lock()  # one check or reload at a time
        self._checks = threading.Condition()  # guards the numbering below; notified when a check ends
        self._begun = 0
        self._last: CheckResult | None = None
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
        self._maybe_check()
        return self._library

    def for_date(self, as_of: dt.date) -> CompiledRules:
        """The compiled version in force on `as_of` (NoVersionInForce if none is)."""
        return self.library().compiled_for(as_of)

    def current(self) -> CompiledRules:
        """The version in force today."""
        return self.for_date(dt.date.today())

    # -- checking ------------------------------------------------------------------------
    @property
    def checks_begun(self) -> int:
        """How many checks have begun; one numbered higher began after this was read."""
        with self._checks:
            return self._begun

    @property
    def last_check(self) -> CheckResult | None:
        """The latest check that ended (None before the first)."""
        with self._checks:
            return self._last

    def wait_for_check(self, after: int, timeout: float | None = None) -> CheckResult | None:
        """Block until a check numbered above `after` has ended; the latest one that ended.

        Read `checks_begun` after changing the folder and pass it as `after`: the
        check waited for began after the change, so it saw it. None only when
        `timeout` passed first.
        """
        with self._checks:
            if not self._checks.wait_for(lambda: self._last is not None and self._last.number > after, timeout):
                return None
            return self._last

    def check(self) -> CheckResult:
        """Compare the folder with what is loaded now, regardless of `check_seconds`.

        Unlike a request, this waits for a check under way instead of skipping,
        so the answer is about the folder as it was when the call began or later.
        """
        with self._reload_lock:
            return self._check_locked()

    def _maybe_check(self) -> None:
        """The check on a request's path: rate-limited, and never making a request wait."""
        if time.monotonic() - self._checked_at < self.check_seconds:
            return
        if not self._reload_lock.acquire(blocking=False):
            return  # someone else is checking; serve what we have
        try:
            self._check_locked()
        finally:
            self._reload_lock.release()

    def _begin(self) -> int:
        self._checked_at = time.monotonic()
        with self._checks:
            self._begun += 1
            return self._begun

    def _end(self, result: CheckResult) -> CheckResult:
        with self._checks:
            self._last = result
            self._checks.notify_all()
        return result

    def _check_locked(self) -> CheckResult:
        number = self._begin()
        outcome = Outcome.UNCHANGED
        try:
            seen = fingerprint(self.folder)
            if seen != self._seen:
                self._seen = seen  # a broken state is tried once, not on every request
                outcome = self._try_build(self.folder)
        finally:
            result = self._end(CheckResult(number, outcome))
        return result

    def _try_build(self, folder: Path) -> Outcome:
        """Build and swap; any failure is a refusal, so a request that checks never fails for it."""
        try:
            return self._swap(self._build(folder))
        except RulesError as exc:
            self._refuse([str(p) for p in exc.problems], exc)
        except Exception as exc:  # a bug while compiling must not take the serving rules down with it
            self._refuse([f"uventet feil ved lasting: {exc!r}"], exc, traceback=True)
        return Outcome.REFUSED

    def reload(self, folder: str | Path | None = None) -> RulesLibrary:
        """Reload now (from `folder`, default the same); RulesError keeps the served library."""
        with self._reload_lock:
            number = self._begin()
            outcome = Outcome.REFUSED
            try:
                folder = Path(folder) if folder is not None else self.folder
                seen = fingerprint(folder)
                try:
                    library = self._build(folder)
                except RulesError as exc:
                    self._refuse([str(p) for p in exc.problems], exc)
                    raise
                self.folder, self._seen = folder, seen
                outcome = self._swap(library)
                return library
            finally:
                self._end(CheckResult(number, outcome))

    def _swap(self, library: RulesLibrary) -> Outcome:
        old = {b.content_hash for b in self._library.versions}
        new = {b.content_hash for b in library.versions}
        if old == new:
            self.refused = None
            return Outcome.SAME_RULES
        self._library = library  # one reference assignment: readers see the old or the new, whole
        self.refused = None
        self.reloads += 1
        log.info("Regelverket er lastet på nytt: %s", ", ".join(b.version for b in library.versions))
        return Outcome.RELOADED

    def _refuse(self, problems: list[str], exc: Exception, traceback: bool = False) -> None:
        self.refused = RefusedReload(at=dt.datetime.now(dt.timezone.utc), problems=problems)
        log.error("Nytt regelverk i %s er avvist; fortsetter med det gamle.\n%s", self.folder, exc,
                  exc_info=exc if traceback else None)
