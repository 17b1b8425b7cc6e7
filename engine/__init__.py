"""The allocation engine: rules as data, evaluated by durable_rules, explained in bokmål.

Exported here:

    load_rules(folder) -> Rulebook            validate a rules folder (RulesError)
    CompiledRules(book).rank(data, as_of)     validate and rank a case (CaseError) -> RankingResult;
                                              what_if=True adds "hva om" (engine/what_if.py)
    read_case_file(path), parse_case_text()   YAML/JSON case -> (data, document)

The CLI and the service also use these modules directly: `library.RulesLibrary`
(rules versions by effective date), `impact.analyse_impact` (konsekvensanalyse),
`lint.lint` (rules check), `scenarios.run_folder`, `schemas`, and
`validation_messages.problems_from` for their own request bodies.

The engine imports no Flask and no database code; only engine/durable_adapter.py
knows durable_rules (docs/durable_rules.md).
"""

from .case import parse_case_text, read_case_file
from .errors import BoligtildelingError, CaseError, Problem, RulesError, ScenarioError
from .ranking import CompiledRules
from .result import RankingResult
from .rules import Rulebook, load_rules

__all__ = [
    "BoligtildelingError", "CaseError", "CompiledRules", "Problem", "RankingResult", "Rulebook",
    "RulesError", "ScenarioError", "load_rules", "parse_case_text", "read_case_file",
]
