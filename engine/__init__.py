"""The allocation engine: rules as data, evaluated by durable_rules, explained in bokmål.

Public interface (what the CLI and the service use):

    load_rules(folder) -> Rulebook            validate a rules folder (RulesError)
    CompiledRules(book).rank(case, as_of)     rank a case (CaseError) -> RankingResult
    read_case_file(path)                      YAML/JSON case file -> (data, document)

The engine imports no Flask and no database code.
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
