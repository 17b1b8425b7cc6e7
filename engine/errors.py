"""Named errors whose message is the text a user should read (bokmål).

The engine raises these; the CLI turns them into a message and a non-zero exit
code, the service into a 4xx JSON body. Each problem carries where it was found
(a file and line for rules files, a dotted path for cases) so that policy staff
and caseworkers can go straight to the spot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is.

    `path` is the dotted/indexed location inside the document, e.g.
    `kandidater[2].sjekkliste.tjenestebehov`; `file` and `line` are set when the
    document came from a file; `rule_id` when the problem sits inside a rule.
    """

    path: str
    message: str
    file: str | None = None
    line: int | None = None
    rule_id: str | None = None
    rule_kind: str = "regel"

    def __str__(self) -> str:
        """`rules/prioritering.yaml:42: kriterium 'bostedslos': ukjent felt ...`; a case path otherwise."""
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        if self.rule_id:
            return f"{where}{self.rule_kind} '{self.rule_id}': {self.message}"
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message}"

    def as_dict(self) -> dict:
        return {k: v for k, v in {
            "path": self.path, "message": self.message, "file": self.file,
            "line": self.line, "rule_id": self.rule_id,
        }.items() if v is not None}


class BoligtildelingError(Exception):
    """Base for errors that carry a list of problems to show the user."""

    title = "Feil"

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(path="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.title}:"] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class RulesError(BoligtildelingError):
    """The rules folder cannot be used: nothing from it is compiled or served."""

    title = "Regelverket er ugyldig"


class NoVersionInForce(RulesError):
    """No rules version had taken effect on the as-of date."""

    title = "Ingen regelverksversjon gjelder på vurderingsdatoen"


class CaseError(BoligtildelingError):
    """A case (vacancy, residents, candidates) is invalid; nothing is evaluated."""

    title = "Saken er ugyldig"


class ScenarioError(BoligtildelingError):
    """A scenario file cannot be read or refers to something that does not exist."""

    title = "Scenarioet er ugyldig"
