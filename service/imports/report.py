"""What an import says back: what it did (or would do, in a dry run), or every row it refused.

A problem in a row is an engine Problem whose `path` is the column's header (empty
when the problem is the row's, not one cell's) and whose `line` is the row's line
in the file, so the API answers it in its usual shape; `describe` writes it as a
person reads it: «linje 7, kolonne «Fødselsdato»: '31.02.1980' er ikke en dato ...».
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import BoligtildelingError, Problem

WHAT = {"venteliste": ("søker", "søkere"), "botiltak": ("botiltak", "botiltak"), "boliger": ("bolig", "boliger")}


def row_problem(source: str, line: int | None, column: str | None, message: str) -> Problem:
    return Problem(path=column or "", message=message, file=source, line=line)


def describe(problem: Problem) -> str:
    """«linje 7, kolonne «Fødselsdato»: ...»; «linje 1: ...» for the whole row; without a line, the message."""
    where = f"linje {problem.line}" if problem.line else ""
    if problem.path:
        where += f", kolonne «{problem.path}»" if where else f"kolonne «{problem.path}»"
    return f"{where}: {problem.message}" if where else problem.message


def count(n: int, kind: str) -> str:
    one, many = WHAT[kind]
    return f"{n} {one if n == 1 else many}"


class ImportRefused(BoligtildelingError):
    """At least one row (or the file as a whole) is wrong: nothing of the file is written."""

    title = "Importen er avvist, og ingenting er lagret"

    def __init__(self, problems: list[Problem], source: str, rows: int, header_line: int | None = None):
        self.source = source
        self.rows = rows
        self.header_line = header_line
        super().__init__(problems)

    @property
    def rows_with_problems(self) -> int:
        """How many rows have a problem (the header's line, a problem of the whole file, not counted)."""
        return len({p.line for p in self.problems if p.line is not None and p.line != self.header_line})

    @property
    def summary(self) -> str:
        n = len(self.problems)
        lines = self.rows_with_problems
        where = f" på {lines} av {self.rows} rader" if lines and self.rows else ""
        return f"{self.title}: {n} feil{where} i {self.source}"

    def render(self) -> str:
        return "\n".join([f"{self.summary}:"] + [f"  {describe(p)}" for p in self.problems])


@dataclass
class ImportReport:
    """What was written (or, in a dry run, would be): one item per row, in the file's order."""

    kind: str  # venteliste, botiltak, boliger
    source: str
    dry_run: bool
    items: list[dict] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run

    def summary(self) -> str:
        what = count(len(self.items), self.kind)
        extra = ""
        if self.kind == "venteliste":
            checklists = sum(1 for item in self.items if item.get("checklist"))
            extra = f", {checklists} med sjekkliste"
        if self.dry_run:
            return f"Prøveimport av {self.source}: {what} ville blitt lagt inn{extra}. Ingenting er lagret."
        return f"Importert fra {self.source}: {what} lagt inn{extra}."

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "dry_run": self.dry_run, "written": self.written,
                "count": len(self.items), "items": self.items, "summary": self.summary()}
