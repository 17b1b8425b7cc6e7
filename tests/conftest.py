"""Shared fixtures: the real rules folder, the example cases, a compiled rules bundle."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, load_rules

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
