"""Collect each scenario file in this folder as its own pytest test.

`pytest scenarios` runs the same scenarios as `boligtildeling scenarios run`;
a failure is reported as file, scenario name and the expected-against-actual
messages, with no traceback. Only `*.yaml`/`*.yml` files directly in this folder
are scenarios; subfolders may hold case files the scenarios refer to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import BoligtildelingError
from engine.policy.scenarios import SCENARIO_SUFFIXES, RulesCache, ScenarioOutcome, run_file

HERE = Path(__file__).resolve().parent
RULES_CACHE = pytest.StashKey[RulesCache]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix in SCENARIO_SUFFIXES and file_path.resolve().parent == HERE:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        yield ScenarioItem.from_parent(self, name=self.path.stem)


class ScenarioFailed(Exception):
    def __init__(self, outcome: ScenarioOutcome):
        self.outcome = outcome
        super().__init__(outcome.name)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        cache = self.config.stash.setdefault(RULES_CACHE, RulesCache())
        outcome = run_file(self.path, cache=cache)
        if not outcome.passed:
            raise ScenarioFailed(outcome)

    def repr_failure(self, excinfo, style=None):
        error = excinfo.value
        if isinstance(error, ScenarioFailed):
            outcome = error.outcome
            return "\n".join([f"{outcome.file}: {outcome.name}"] + [f"  - {m}" for m in outcome.failures])
        if isinstance(error, BoligtildelingError):
            return str(error)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"scenario {self.path.name}"
