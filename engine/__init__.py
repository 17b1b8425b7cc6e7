"""The allocation engine: rules as data, evaluated by durable_rules, explained in bokmål.

Exported here:

    load_rules(folder) -> Rulebook            validate a rules folder (RulesError)
    CompiledRules(book).rank(data, as_of)     validate and rank a case (CaseError) -> RankingResult;
                                              what_if=True adds "hva om" (engine/evaluation/what_if.py)
    read_case_file(path), parse_case_text()   YAML/JSON case -> (data, document)

Three packages, each standing on the one before:

    language/    the rules and case formats: loading, validating, the condition language
    evaluation/  CompiledRules and the durable_rules adapter; rules versions by date; what-if
    policy/      tools for policy staff: lint, impact analysis, scenarios, JSON Schemas

The CLI and the service also use these modules directly: `evaluation.library.RulesLibrary`
(rules versions by effective date), `policy.impact.analyse_impact` (konsekvensanalyse),
`policy.lint.lint` (rules check), `policy.scenarios.run_folder`, `policy.schemas`, and
`language.validation_messages.problems_from` for their own request bodies.

The engine imports no Flask and no database code; only engine/evaluation/durable_adapter.py
knows durable_rules (docs/durable_rules.md).
"""

from engine.errors import BoligtildelingError, CaseError, Problem, RulesError, ScenarioError
from engine.evaluation.ranking import CompiledRules
from engine.evaluation.result import RankingResult, RankingSummary
from engine.language.case import parse_case_text, read_case_file
from engine.language.rules import Rulebook, load_rules

__all__ = [
    "BoligtildelingError", "CaseError", "CompiledRules", "Problem", "RankingResult", "RankingSummary", "Rulebook",
    "RulesError", "ScenarioError", "load_rules", "parse_case_text", "read_case_file",
]
