"""Rules versions side by side (regelverksversjoner), each in force from its own date.

Layout: `rules/` holds one complete bundle; every subfolder of it that holds a
`regelverk.yaml` is another complete bundle (e.g. `rules/2027-01-01/` with a
later `gjelder_fra`). An evaluation uses the version in force on its as-of date:
the one with the latest `gjelder_fra` on or before that date. Every version is
validated when the library is loaded, so a broken draft is found at once, not
on the day it takes effect.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from engine.errors import NoVersionInForce, Problem, RulesError
from engine.evaluation.ranking import CompiledRules
from engine.language.rules import Rulebook, load_rules
from engine.language.yaml_source import shown_path

BUNDLE_MARKER = "regelverk.yaml"


class RulesLibrary:
    """All rules versions of a folder; compiled on first use and kept.

    Compiling costs milliseconds (benchmarks/rank_benchmark.py prints it).
    """

    def __init__(self, versions: list[Rulebook]):
        self.versions = sorted(versions, key=lambda b: b.effective_from)
        self._compiled: dict[str, CompiledRules] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: str | Path) -> "RulesLibrary":
        folder = Path(folder)
        if not folder.is_dir():
            raise RulesError(Problem(path="", message="mappen finnes ikke", file=shown_path(folder)))
        folders = [folder] + sorted(p for p in folder.iterdir() if p.is_dir() and (p / BUNDLE_MARKER).exists())
        versions, problems = [], []
        for f in folders:
            try:
                versions.append(load_rules(f))
            except RulesError as exc:
                problems += exc.problems
        seen: dict[dt.date, Rulebook] = {}
        for book in versions:
            other = seen.get(book.effective_from)
            if other is not None:
                problems.append(Problem(path="gjelder_fra", file=shown_path(book.folder / BUNDLE_MARKER),
                                        message=f"gjelder fra samme dato ({book.effective_from}) som regelverket i "
                                                f"{shown_path(other.folder)}"))
            seen[book.effective_from] = book
        if problems:
            raise RulesError(problems)
        return cls(versions)

    def in_force(self, as_of: dt.date) -> Rulebook:
        """The version with the latest effective date on or before `as_of`."""
        candidates = [b for b in self.versions if b.effective_from <= as_of]
        if not candidates:
            first = self.versions[0].effective_from
            raise NoVersionInForce(Problem(path="", message=f"ingen regelverksversjon gjelder {as_of.isoformat()}; "
                                                      f"den første gjelder fra {first.isoformat()}"))
        return candidates[-1]

    def by_hash(self, content_hash: str) -> Rulebook | None:
        return next((b for b in self.versions if b.content_hash == content_hash), None)

    def compiled(self, book: Rulebook) -> CompiledRules:
        with self._lock:
            compiled = self._compiled.get(book.content_hash)
            if compiled is None:
                compiled = self._compiled[book.content_hash] = CompiledRules(book)
            return compiled

    def compiled_for(self, as_of: dt.date) -> CompiledRules:
        return self.compiled(self.in_force(as_of))
