"""The rules the service ranks with, behind one accessor so they can be swapped.

Request handlers call `current_rules()` once per request and use that object for
the whole request, so a reload in the middle never mixes two rules versions in
one answer. `RulesHolder.reload()` reads, validates and compiles a new bundle
completely before it swaps it in; if anything is wrong, it raises `RulesError`
and the version being served stays as it was. (Watching the folder for changes
comes later and only needs to call `reload()`.)
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from engine import CompiledRules, load_rules

EXTENSION_KEY = "boligtildeling.rules"


class RulesHolder:
    """Holds the compiled rules currently served; safe to share between threads."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._reload_lock = threading.Lock()
        self._current = self._compile(self.folder)  # RulesError propagates: no rules, no service

    @staticmethod
    def _compile(folder: Path) -> CompiledRules:
        return CompiledRules(load_rules(folder))

    def current(self) -> CompiledRules:
        """The compiled rules to use for one request (reading a reference is atomic)."""
        return self._current

    def reload(self, folder: str | Path | None = None) -> CompiledRules:
        """Validate and compile the rules in `folder` (default: the same folder), then swap.

        Raises RulesError, keeping the current rules, if the new bundle is invalid.
        Returns the rules served afterwards; identical content keeps the current object.
        """
        folder = Path(folder) if folder is not None else self.folder
        with self._reload_lock:  # one reload at a time; readers never wait
            candidate = load_rules(folder)
            if candidate.content_hash == self._current.book.content_hash:
                self.folder = folder
                return self._current
            compiled = CompiledRules(candidate)
            self._current = compiled
            self.folder = folder
            return compiled


def init_app(app: Flask) -> RulesHolder:
    """Load and compile the rules in RULES_DIR at start-up (RulesError if they are invalid)."""
    holder = RulesHolder(app.config["RULES_DIR"])
    app.extensions[EXTENSION_KEY] = holder
    return holder


def rules_holder() -> RulesHolder:
    return current_app.extensions[EXTENSION_KEY]


def current_rules() -> CompiledRules:
    """The compiled rules for this request; call once and keep the result."""
    return rules_holder().current()
