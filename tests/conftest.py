"""Shared fixtures: the real rules folder, the example cases, a compiled rules bundle.

The store fixtures (`world`, `world_template`, `postgres_world`) come from
tests/support/store.py and the `browser` fixture from tests/support/browser.py, registered here for every folder; helpers in
tests/support/ are imported by name.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, load_rules
from engine.policy.lint import lint

pytest_plugins = ["support.store", "support.browser"]

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
EXAMPLES_DIR = ROOT / "examples"
EXAMPLE_CASES = sorted(EXAMPLES_DIR.glob("sak-*.yaml"))
AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="session")
def rulebook():
    return load_rules(RULES_DIR)


@pytest.fixture(scope="session")
def compiled(rulebook):
    return CompiledRules(rulebook)


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of rules/ for tests that edit policy."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


@pytest.fixture
def edited(rules_copy, monkeypatch):
    """Edit a copy of rules/ (shown as `rules/<file>`) and return the lint errors and the edited line."""
    monkeypatch.chdir(rules_copy.parent)

    def edit(file: str, old: str, new: str):
        path = rules_copy / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        line = text[:text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, new), encoding="utf-8")
        errors = [f for f in lint(load_rules("rules")) if f.severity == "feil"]
        return errors, line

    return edit
