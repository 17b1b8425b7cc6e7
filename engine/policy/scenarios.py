"""Scenarios (scenarioer): disputed cases with the outcome the rules must give them.

Policy staff write one scenario per YAML file: a case (inline under `sak`, or a
case file under `sak_fil`, optionally edited by `endringer`), the date it is
assessed on, and what they expect (`forventet`): the order, who is blocked and
by which rules, who needs a consultation meeting, who is of equal standing,
points, explanation texts. The name states the expected outcome as a sentence,
as in OpenFisca's YAML tests:

    navn: Rullestolbrukeren blokkeres fra en bolig i 2. etasje uten heis
    beskrivelse: Hvorfor saken er omstridt.
    vurderingsdato: 2026-11-28
    sak_fil: ../examples/sak-2-sammensetning.yaml
    endringer:
      "kandidater[K-3003].sjekkliste.rullestol": true
    forventet:
      blokkert: {K-3003: [trapper_uten_heis, rullestol_ikke_tilpasset]}

`run_folder` runs every `*.yaml` file directly in a folder (subfolders may hold
shared case files); `run_file` runs one. A scenario file that cannot be run
(bad YAML, unknown keys, a case file that does not exist, a candidate or rule
id that is not in the case or the rules) raises `ScenarioError` naming the file
and line; a scenario that runs but does not get what it expects is returned as
a failed `ScenarioOutcome` whose messages state expected and actual value.

Rules: a scenario's own `regler` (relative to the file) wins; otherwise the
`rules_dir` given to the runner; otherwise `default_rules_dir()` (engine/language/rules.py:
`$BOLIGTILDELING_RULES`, else the project's `rules/` folder). Each rules folder
is compiled once per run.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator, model_validator

from engine.errors import CaseError, NoVersionInForce, Problem, ScenarioError
from engine.evaluation.library import RulesLibrary
from engine.evaluation.ranking import CompiledRules
from engine.evaluation.result import CandidateResult, RankingResult
from engine.language.rules import Rulebook, default_rules_dir
from engine.language.validation_messages import problems_from
from engine.language.yaml_source import SourceDocument, YamlSyntaxError, format_loc, read_yaml_file, shown_path

SCENARIO_SUFFIXES = (".yaml", ".yml")

CandidateId = StrictStr
RuleId = StrictStr
Group = Annotated[list[CandidateId], Field(min_length=2)]


# -- the file format ---------------------------------------------------------------------

def _no_duplicates(values: list | None) -> list | None:
    if values is not None:
        seen = set()
        for value in values:
            if value in seen:
                raise ValueError(f"'{value}' står to ganger")
            seen.add(value)
    return values


class ExpectedExplanation(BaseModel):
    """A rule that must apply to a candidate, with its points and words from its text."""

    model_config = ConfigDict(extra="forbid")

    regel: RuleId = Field(description="Id-en til kriteriet, kontrollen eller sammensetningsregelen.")
    poeng: Optional[StrictInt] = Field(None, description="Poengene regelen skal gi (bare for regler som gir poeng).")
    # One phrase or a list of them; the schema says so too, the model keeps a list.
    tekst_inneholder: Annotated[Union[StrictStr, list[StrictStr]],
                                AfterValidator(lambda v: [v] if isinstance(v, str) else v)] = Field(
        default_factory=list,
        description="Ord eller uttrykk begrunnelsen skal inneholde (store og små bokstaver likegyldig).")


class Expectations(BaseModel):
    """`forventet`: every key optional, at least one required. Candidates are named by id."""

    model_config = ConfigDict(extra="forbid")

    rekkefolge: Optional[list[CandidateId]] = Field(
        None, min_length=1, description="Rangeringen, hele eller de første plassene.")
    blokkert: Optional[dict[CandidateId, list[RuleId]]] = Field(
        None, description="Nøyaktig hvilke regler som blokkerer hver kandidat som står her ([] = ikke blokkert).")
    ikke_blokkert: Optional[list[CandidateId]] = Field(None, description="Kandidater som kan tildeles boligen.")
    drofting: Optional[dict[CandidateId, list[RuleId]]] = Field(
        None, description="Nøyaktig hvilke regler som krever drøftingsmøte for hver kandidat som står her.")
    likeverdige: Optional[list[Group]] = Field(
        None, description="Nøyaktig de gruppene av likeverdige kandidater rangeringen skal gi ([] = ingen).")
    presenteres: Optional[list[CandidateId]] = Field(
        None, description="Kandidatene som presenteres for enhetslederen, i rekkefølge ([] = ingen).")
    poeng: Optional[dict[CandidateId, StrictInt]] = Field(None, description="Poengsummen per kandidat.")
    forklaringer: Optional[dict[CandidateId, Annotated[list[ExpectedExplanation], Field(min_length=1)]]] = Field(
        None, description="Regler som skal slå til for kandidaten, med poeng og tekst.")
    ikke_oppfylt: Optional[dict[CandidateId, list[RuleId]]] = Field(
        None, description="Kriterier i prioriteringsnøkkelen som ikke skal gi kandidaten poeng.")
    ikke_kvalifisert: Optional[dict[CandidateId, list[RuleId]]] = Field(
        None, description="Nøyaktig hvilke vilkår kandidaten ikke oppfyller ([] = oppfyller alle vilkårene).")
    trinn: Optional[dict[CandidateId, Optional[RuleId]]] = Field(
        None, description="Trinnet (band) kandidaten skal være i (tomt: i ingen av trinnene).")
    merknader: Optional[dict[CandidateId, list[RuleId]]] = Field(
        None, description="Nøyaktig hvilke merknader kandidaten skal få ([] = ingen).")
    vedtak: Optional[dict[CandidateId, dict[RuleId, Optional[RuleId]]]] = Field(
        None, description="Vedtakets innhold kandidaten skal få, per vedtakspunkt: verdien (koden) til innholdet, "
                          "eller tomt når punktet ikke har noe innhold for kandidaten (f.eks. fordi hen ikke kan "
                          "tildeles boligen).")
    gjelder_ikke: Optional[RuleId] = Field(
        None, description="Regelen i gjelder_ikke (rangering.yaml) som gjør at regelverket ikke gjelder boligen, så "
                          "ingen rangeres; skriv tomt for å forvente at regelverket gjelder.")
    utfall: Optional[dict[CandidateId, Literal["presenteres", "ikke_presentert", "kan_ikke_tildeles",
                                               "oppfyller_ikke_vilkarene"]]] = Field(
        None, description="Utfallet av rangeringen for kandidaten: presenteres (legges fram), ikke_presentert (kan "
                          "tildeles, men legges ikke fram, f.eks. venteliste), kan_ikke_tildeles eller "
                          "oppfyller_ikke_vilkarene.")
    planer: Optional[dict[RuleId, Literal["gjelder", "faller_bort", "ikke_vurdert", "ikke_for_boligen"]]] = Field(
        None, description="Hva som skal skje med hver lokal plan som står her: gjelder (planen brukes), "
                          "faller_bort (gjelder boligen, men faller bort ut fra kandidatene), ikke_vurdert (en plan "
                          "foran gjelder) eller ikke_for_boligen ('gjelder' holder ikke for boligen).")

    @field_validator("rekkefolge", "ikke_blokkert", "presenteres")
    @classmethod
    def _unique(cls, value):
        return _no_duplicates(value)

    @model_validator(mode="after")
    def _something_expected(self):
        if all(getattr(self, name) is None for name in type(self).model_fields) and "gjelder_ikke" not in self.model_fields_set:
            raise ValueError("'forventet' må ha minst én forventning (en av: "
                             + ", ".join(type(self).model_fields) + ")")
        return self


class ScenarioSpec(BaseModel):
    """One scenario file."""

    model_config = ConfigDict(extra="forbid")

    navn: StrictStr = Field(min_length=1, description="Det forventede utfallet som en setning.")
    beskrivelse: Optional[StrictStr] = Field(None, description="Hvorfor saken er omstridt.")
    vurderingsdato: dt.date = Field(description="Datoen saken vurderes per; gjør scenarioet reproduserbart.")
    regler: Optional[StrictStr] = Field(
        None, description="Regelmappen, relativt til scenariofilen (standard: prosjektets regelverk).")
    sak: Optional[dict[str, Any]] = Field(None, description="Saken, skrevet inn i scenarioet.")
    sak_fil: Optional[StrictStr] = Field(None, description="Saksfilen, relativt til scenariofilen.")
    endringer: dict[StrictStr, Any] = Field(
        default_factory=dict,
        description="Endringer i saken før rangering, etter sti: \"kandidater[K-3003].sjekkliste.rullestol\": true "
                    "(kandidater og beboere kan angis med nummer fra 0 eller med id).")
    forventet: Expectations

    @field_validator("endringer", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return {} if value is None else value

    @model_validator(mode="after")
    def _one_case(self):
        if (self.sak is None) == (self.sak_fil is None):
            raise ValueError("oppgi saken enten under 'sak' eller som 'sak_fil', ikke begge og ikke ingen")
        return self


# -- outcome and run -----------------------------------------------------------------------

@dataclass
class ScenarioOutcome:
    """What running one scenario gave: `failures` state expected against actual, in bokmål."""

    file: str
    name: str
    passed: bool
    failures: list[str] = field(default_factory=list)


class RulesCache:
    """The rules versions of each folder, loaded once per run, each version compiled once.

    A scenario is ranked by the version in force on its `vurderingsdato`, as `rank --as-of`
    and the service do: a folder with version subfolders (`rules/2027-01-01/`) holds
    several, and a scenario dated in 2027 must meet the 2027 rules.
    """

    def __init__(self):
        self._libraries: dict[Path, RulesLibrary] = {}

    def library(self, folder: Path) -> RulesLibrary:
        key = Path(folder).resolve()
        if key not in self._libraries:
            self._libraries[key] = RulesLibrary.load(folder)
        return self._libraries[key]

    def get(self, folder: Path, as_of: dt.date | None = None) -> CompiledRules:
        """The version in force on `as_of` (None: the folder's own, top-level bundle)."""
        library = self.library(folder)
        if as_of is None:
            top = Path(folder).resolve()
            book = next((b for b in library.versions if Path(b.folder).resolve() == top), library.versions[-1])
            return library.compiled(book)
        return library.compiled_for(as_of)


@dataclass
class LoadedScenario:
    """A valid scenario, its case ranked: ready to compare with what it expects."""

    file: str
    spec: ScenarioSpec
    result: RankingResult
    presented_words: str = "Presenteres for enhetslederen"  # the bundle's own (rangering.yaml tekster)


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files of a folder: `*.yaml`/`*.yml` directly in it, by name."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix in SCENARIO_SUFFIXES)


def run_folder(folder: Path, rules_dir: Path | None = None, cache: RulesCache | None = None) -> list[ScenarioOutcome]:
    """Run every scenario in `folder`; raise ScenarioError listing every invalid file first."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(Problem(path="", message="mappen finnes ikke", file=shown_path(folder)))
    cache = cache or RulesCache()
    loaded, problems = [], []
    for path in scenario_files(folder):
        try:
            loaded.append(load_scenario(path, rules_dir, cache))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return [evaluate(scenario) for scenario in loaded]


def run_file(path: Path, rules_dir: Path | None = None, cache: RulesCache | None = None) -> ScenarioOutcome:
    """Run one scenario file."""
    return evaluate(load_scenario(Path(path), rules_dir, cache or RulesCache()))


def evaluate(scenario: LoadedScenario) -> ScenarioOutcome:
    failures = compare(scenario.spec.forventet, scenario.result, scenario.presented_words)
    return ScenarioOutcome(file=scenario.file, name=scenario.spec.navn, passed=not failures, failures=failures)


# -- loading -----------------------------------------------------------------------------------

def load_scenario(path: Path, rules_dir: Path | None, cache: RulesCache) -> LoadedScenario:
    """Read and check a scenario file and rank its case; ScenarioError names file and line."""
    shown = shown_path(path)
    try:
        doc = read_yaml_file(path, shown)
    except YamlSyntaxError as exc:
        raise ScenarioError(exc.problem)
    if not isinstance(doc.data, dict):
        raise ScenarioError(doc.problem((), "scenarioet må være et oppslag med navn, vurderingsdato, "
                                            "sak eller sak_fil, og forventet"))
    try:
        spec = ScenarioSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, doc))

    base = Path(path).parent
    if spec.regler is not None:
        folder = base / spec.regler
        if not folder.is_dir():
            raise ScenarioError(doc.problem(("regler",), f"regelmappen '{spec.regler}' finnes ikke "
                                                         f"(søkte i {shown_path(folder)})"))
    else:
        folder = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    try:
        compiled = cache.get(folder, spec.vurderingsdato)
    except NoVersionInForce as exc:
        raise ScenarioError(doc.problem(("vurderingsdato",), exc.problems[0].message))

    data, case_doc = _read_case(spec, doc, base)
    # Every problem of the file at once (a tester fixed an unknown candidate id before learning of the next
    # one): the changes, what `forventet` names, and the case as changed.
    problems: list[Problem] = []
    edited: dict[str, str] = {}
    try:
        edited = _apply_changes(data, spec.endringer, doc)
    except ScenarioError as exc:
        problems += exc.problems
    nominees = data.get("kandidater") if isinstance(data, dict) else None
    ids = [str(c["id"]) for c in nominees if isinstance(c, dict) and "id" in c] if isinstance(nominees, list) else []
    problems += _reference_problems(spec.forventet, ids, compiled.book, doc)
    try:
        result = compiled.rank(data, spec.vurderingsdato, case_doc)
    except CaseError as exc:
        problems += _case_problems(exc.problems, spec, doc, edited)
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(file=shown, spec=spec, result=result,
                          presented_words=compiled.book.ranking.tekster.presenteres)


def _read_case(spec: ScenarioSpec, doc: SourceDocument, base: Path) -> tuple[Any, SourceDocument]:
    if spec.sak is not None:
        # The inline case keeps the scenario file's lines, so case errors point into it.
        lines = {loc[1:]: line for loc, line in doc.lines.items() if loc[:1] == ("sak",)}
        data = copy.deepcopy(spec.sak)
        return data, SourceDocument(data=data, file=doc.file, lines=lines)
    case_path = base / spec.sak_fil
    if not case_path.is_file():
        looked = "" if shown_path(case_path) == spec.sak_fil else f" (søkte etter {shown_path(case_path)})"
        raise ScenarioError(doc.problem(("sak_fil",), f"saksfilen '{spec.sak_fil}' finnes ikke{looked}"))
    try:
        case_doc = read_yaml_file(case_path, shown_path(case_path))
    except YamlSyntaxError as exc:
        raise ScenarioError([doc.problem(("sak_fil",), f"saksfilen '{spec.sak_fil}' kan ikke leses"), exc.problem])
    return case_doc.data, case_doc


_STEP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\[\]]+\])*)$")
_INDEX = re.compile(r"\[([^\[\]]+)\]")


def _parse_path(text: str) -> list[str | int | tuple[str]] | None:
    """`kandidater[K-3003].sjekkliste.rullestol` -> ['kandidater', ('K-3003',), 'sjekkliste', 'rullestol']."""
    steps: list = []
    for part in text.split("."):
        match = _STEP.match(part.strip())
        if not match:
            return None
        steps.append(match.group(1))
        for index in _INDEX.findall(match.group(2)):
            index = index.strip()
            steps.append(int(index) if index.isdigit() else (index,))
    return steps


def _apply_changes(data: Any, changes: dict[str, Any], doc: SourceDocument) -> dict[str, str]:
    """Apply `endringer` to the case in place; return each key's resolved path (`kandidater[2].x`).

    Every change that cannot be made is named, not only the first (a tester fixed two bad paths one run at
    a time); the good ones are still made, so the case's own problems can be told apart from them."""
    resolved: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in changes.items():
        try:
            resolved[key] = _apply_change(data, key, value, doc)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return resolved


def _apply_change(data: Any, key: str, value: Any, doc: SourceDocument) -> str:
    """One change of `endringer`; its resolved path."""
    at = ("endringer", key)
    steps = _parse_path(key)
    if not steps:
        raise ScenarioError(doc.problem(at, f"'{key}' er ikke en sti i saken; skriv f.eks. "
                                            "\"kandidater[0].sjekkliste.rullestol\" eller "
                                            "\"kandidater[K-3003].sjekkliste.rullestol\""))
    node, loc = data, ()
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        if isinstance(step, str):
            if not isinstance(node, dict):
                raise ScenarioError(doc.problem(at, f"'{format_loc(loc) or 'saken'}' er ikke et oppslag, "
                                                    f"så '{step}' kan ikke endres"))
            if not last and step not in node:
                raise ScenarioError(doc.problem(at, f"'{format_loc(loc + (step,))}' finnes ikke i saken"))
            index = step
        else:
            if not isinstance(node, list):
                raise ScenarioError(doc.problem(at, f"'{format_loc(loc)}' er ikke en liste"))
            index = _list_index(node, step, loc, doc, at)
        loc += (index,)
        if last:
            node[index] = copy.deepcopy(value)
        else:
            node = node[index]
    return format_loc(loc)


def _list_index(items: list, step, loc: tuple, doc: SourceDocument, at: tuple) -> int:
    if isinstance(step, int):
        if step >= len(items):
            raise ScenarioError(doc.problem(at, f"'{format_loc(loc + (step,))}' finnes ikke "
                                                f"({format_loc(loc)} har {len(items)} element(er), nummerert fra 0)"))
        return step
    wanted = step[0]
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == wanted:
            return i
    ids = [str(item.get("id")) for item in items if isinstance(item, dict)]
    raise ScenarioError(doc.problem(at, f"ingen i {format_loc(loc)} har id-en '{wanted}' "
                                        f"(id-er: {', '.join(ids) or 'ingen'})"))


def _case_problems(problems: list[Problem], spec: ScenarioSpec, doc: SourceDocument,
                   edited: dict[str, str]) -> list[Problem]:
    """Case errors as scenario errors: an edited path points at its `endringer` line."""
    out: list[Problem] = []
    if spec.sak_fil is not None:
        out.append(doc.problem(("sak_fil",), f"saken i '{spec.sak_fil}' er ugyldig (med endringene)"
                                             if edited else f"saken i '{spec.sak_fil}' er ugyldig"))
    for problem in problems:
        key = next((k for k, p in edited.items() if problem.path == p or problem.path.startswith((p + ".", p + "["))),
                   None)
        if key is not None:
            deeper = problem.path != edited[key]
            out.append(doc.problem(("endringer", key), f"{problem.path}: {problem.message}" if deeper
                                   else problem.message))
        elif spec.sak is not None:
            out.append(dataclasses.replace(problem, path=format_loc(("sak",)) + ("." + problem.path if problem.path
                                                                                 else "")))
        else:
            out.append(problem)
    return out


# -- references in `forventet` ----------------------------------------------------------------

def _rule_kinds(book: Rulebook) -> dict[str, str]:
    kinds = {c.id: "vilkar" if c.utfall == "avslag" else "drofting" for c in book.conditions}
    kinds.update({n.id: "merknad" for n in book.notes})
    kinds.update({t.id: "trinn" for t in book.ranking.trinn})
    kinds.update({g.id: "gruppe" for g in book.groups})
    kinds.update({c.id: "kriterium" for c in book.criteria})
    kinds.update({c.id: c.utfall for c in book.checks})
    kinds.update({r.id: r.utfall for r in book.composition})
    kinds.update({s.id: "gjelder_ikke" for s in book.ranking.gjelder_ikke})
    for plan in book.plans:  # a local plan's own rules are expected like the bundle's
        kinds[plan.id] = "plan"
        kinds.update({c.id: "kriterium" for c in plan.kriterier})
        kinds.update({c.id: c.utfall for c in plan.kontroller})
        kinds.update({c.id: "vilkar" if c.utfall == "avslag" else "drofting" for c in plan.vilkar})
        kinds.update({t.id: "trinn" for t in plan.trinn or []})
    return kinds


_KIND_WORDS = {
    "kriterium": "et kriterium i prioriteringsnøkkelen",
    "blokker": "en regel som blokkerer",
    "drofting": "en regel som krever drøftingsmøte",
    "poeng": "en sammensetningsregel som justerer poeng",
    "vilkar": "et vilkår",
    "trinn": "et trinn",
    "gruppe": "en gruppe av kriterier",
    "plan": "en lokal plan",
    "merknad": "en merknad",
    "gjelder_ikke": "en regel om hvilke boliger regelverket ikke gjelder (gjelder_ikke)",
}


MAX_LISTED_IDS = 15  # an unknown rule id lists the rules of the kind expected, when there are no more than this
_KIND_PLURALS = {
    "kriterium": "kriteriene", "blokker": "reglene som blokkerer", "drofting": "reglene som krever drøftingsmøte",
    "poeng": "sammensetningsreglene som justerer poeng", "vilkar": "vilkårene", "trinn": "trinnene",
    "gruppe": "gruppene", "plan": "de lokale planene", "merknad": "merknadene",
    "gjelder_ikke": "reglene om hvilke boliger regelverket ikke gjelder",
}


def _reference_problems(expected: Expectations, ids: list[str], book: Rulebook, doc: SourceDocument) -> list[Problem]:
    """Every candidate id must be in the case (`ids`) and every rule id in the rules, of the right kind."""
    kinds = _rule_kinds(book)
    problems: list[Problem] = []

    def candidate(loc: tuple, cid: str) -> None:
        if cid not in ids:
            problems.append(doc.problem(("forventet",) + loc,
                                        f"kandidaten '{cid}' finnes ikke i saken; kandidatene er {', '.join(ids)}"))

    def rule(loc: tuple, rid: str, allowed: tuple[str, ...]) -> None:
        where = ("forventet",) + loc
        if rid not in kinds:
            fitting = [k for k, kind in kinds.items() if kind in allowed]
            close = difflib.get_close_matches(rid, fitting or list(kinds), n=1, cutoff=0.6)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            listed = ""
            if fitting and len(fitting) <= MAX_LISTED_IDS:
                listed = f"; {' eller '.join(_KIND_PLURALS[k] for k in allowed)} i regelverket: {', '.join(fitting)}"
            problems.append(doc.problem(where, f"ukjent regel '{rid}'{hint}{listed}"))
        elif kinds[rid] not in allowed:
            wanted = " eller ".join(_KIND_WORDS[k] for k in allowed)
            problems.append(doc.problem(where, f"'{rid}' er {_KIND_WORDS[kinds[rid]]}, ikke {wanted}"))

    for key in ("rekkefolge", "ikke_blokkert", "presenteres"):
        for i, cid in enumerate(getattr(expected, key) or []):
            candidate((key, i), cid)
    for g, group in enumerate(expected.likeverdige or []):
        for i, cid in enumerate(group):
            candidate(("likeverdige", g, i), cid)
    for key in ("blokkert", "drofting", "poeng", "forklaringer", "ikke_oppfylt", "ikke_kvalifisert", "trinn",
                "vedtak", "merknader", "utfall"):
        for cid in getattr(expected, key) or {}:
            candidate((key, cid), cid)
    points = {p.id: [o.verdi for o in p.innhold] for p in book.ranking.vedtak}
    for cid, wanted in (expected.vedtak or {}).items():
        for pid, value in wanted.items():
            where = ("forventet", "vedtak", cid, pid)
            if pid not in points:
                known = ", ".join(points) if points else "ingen: regelverket har ingen 'vedtak' i rangering.yaml"
                problems.append(doc.problem(where, f"ukjent vedtakspunkt '{pid}' (vedtakspunktene er {known})"))
            elif value is not None and value not in points[pid]:
                problems.append(doc.problem(where, f"'{value}' er ikke et innhold i vedtakspunktet '{pid}' "
                                                   f"(innholdet kan være {', '.join(points[pid])})"))
    for cid, tier in (expected.trinn or {}).items():
        if tier is not None:
            rule(("trinn", cid), tier, ("trinn",))
    for pid in expected.planer or {}:
        rule(("planer", pid), pid, ("plan",))
    if expected.gjelder_ikke is not None:
        rule(("gjelder_ikke",), expected.gjelder_ikke, ("gjelder_ikke",))
    for key, allowed in (("blokkert", ("blokker",)), ("drofting", ("drofting",)), ("ikke_oppfylt", ("kriterium",)),
                         ("ikke_kvalifisert", ("vilkar",)), ("merknader", ("merknad",))):
        for cid, rules in (getattr(expected, key) or {}).items():
            for i, rid in enumerate(rules):
                rule((key, cid, i), rid, allowed)
    for cid, items in (expected.forklaringer or {}).items():
        for i, item in enumerate(items):
            rule(("forklaringer", cid, i, "regel"), item.regel,
                 ("kriterium", "blokker", "drofting", "poeng", "vilkar", "gruppe"))
            if item.poeng is not None and kinds.get(item.regel) in ("blokker", "drofting", "vilkar"):
                problems.append(doc.problem(("forventet", "forklaringer", cid, i, "poeng"),
                                            f"'{item.regel}' gir ikke poeng, så 'poeng' kan ikke forventes"))
    return problems


# -- comparing ------------------------------------------------------------------------------------

def _words(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "ingen"


def _groups(groups: list[list[str]]) -> str:
    return "; ".join("[" + ", ".join(g) + "]" for g in groups) if groups else "ingen"


def compare(expected: Expectations, result: RankingResult,
            presented_words: str = "Presenteres for enhetslederen") -> list[str]:
    """Every way `result` differs from `expected`, as bokmål sentences (empty: as expected)."""
    by_id: dict[str, CandidateResult] = {c.id: c for c in result.candidates}
    failures: list[str] = []

    if expected.rekkefolge is not None:
        actual = [c.id for c in result.candidates]
        wanted = expected.rekkefolge
        if actual[:len(wanted)] != wanted:
            if len(wanted) == len(actual):
                failures.append(f"rekkefølge: forventet {_words(wanted)}, men fikk {_words(actual)}")
            else:
                failures.append(f"rekkefølge: forventet at rangeringen begynner med {_words(wanted)}, "
                                f"men den er {_words(actual)}")

    for cid, rules in (expected.blokkert or {}).items():
        actual = [b.rule_id for b in by_id[cid].blocks]
        if set(actual) != set(rules):
            if not rules:
                failures.append(f"{cid}: forventet ikke blokkert, men blokkert av {_words(actual)}")
            elif not actual:
                failures.append(f"{cid}: forventet blokkert av {_words(rules)}, men kandidaten er ikke blokkert")
            else:
                failures.append(f"{cid}: forventet blokkert av {_words(rules)}, men blokkert av {_words(actual)}")

    for cid in expected.ikke_blokkert or []:
        actual = [b.rule_id for b in by_id[cid].blocks]
        if actual:
            failures.append(f"{cid}: forventet ikke blokkert, men blokkert av {_words(actual)}")

    for cid, rules in (expected.drofting or {}).items():
        actual = [f.rule_id for f in by_id[cid].consultations]
        if set(actual) != set(rules):
            if not rules:
                failures.append(f"{cid}: forventet ikke drøftingsmøte, men drøftingsmøte kreves av {_words(actual)}")
            elif not actual:
                failures.append(f"{cid}: forventet drøftingsmøte etter {_words(rules)}, men ingen regel krever "
                                "drøftingsmøte")
            else:
                failures.append(f"{cid}: forventet drøftingsmøte etter {_words(rules)}, men fikk {_words(actual)}")

    if expected.likeverdige is not None:
        actual_groups = result.equal_standing_groups
        if {frozenset(g) for g in expected.likeverdige} != {frozenset(g) for g in actual_groups}:
            failures.append(f"likeverdige: forventet {_groups(expected.likeverdige)}, men fikk {_groups(actual_groups)}")

    if expected.presenteres is not None and expected.presenteres != result.present_to_unit_leader:
        # in the bundle's words («Legges fram for tildelingsmøtet», a Trondheim tester), as the ranking says it
        words = presented_words[:1].lower() + presented_words[1:]
        words += "" if words.startswith("presenteres") else " (presenteres)"  # the key the scenario wrote
        failures.append(f"{words}: forventet {_words(expected.presenteres)}, "
                        f"men fikk {_words(result.present_to_unit_leader)}")

    for cid, points in (expected.poeng or {}).items():
        if by_id[cid].score != points:
            failures.append(f"{cid}: forventet {points} poeng, men fikk {by_id[cid].score}")

    for cid, items in (expected.forklaringer or {}).items():
        failures += _compare_explanations(by_id[cid], items)

    for cid, rules in (expected.ikke_kvalifisert or {}).items():
        actual = [f.rule_id for f in by_id[cid].unmet_conditions]
        if set(actual) != set(rules):
            wanted = (f"forventet at vilkårene {_words(rules)} ikke er oppfylt" if rules
                      else "forventet at kandidaten oppfyller alle vilkårene")
            failures.append(f"{cid}: {wanted}, men "
                            + (f"{_words(actual)} er ikke oppfylt" if actual else "kandidaten oppfyller alle"))

    for cid, tier in (expected.trinn or {}).items():
        actual = by_id[cid].tier.id if by_id[cid].tier else None
        if actual != tier:
            failures.append(f"{cid}: forventet i trinnet {tier or 'ingen'}, men er i {actual or 'ingen av trinnene'}")

    for cid, rules in (expected.merknader or {}).items():
        actual = [f.rule_id for f in result.notes.get(cid, [])]
        if set(actual) != set(rules):
            failures.append(f"{cid}: forventet merknadene {_words(rules)}, men fikk {_words(actual)}")

    if "gjelder_ikke" in expected.model_fields_set:
        actual = result.out_of_scope.rule_id if result.out_of_scope else None
        if actual != expected.gjelder_ikke:
            wanted = (f"at regelverket ikke gjelder boligen ('{expected.gjelder_ikke}')" if expected.gjelder_ikke
                      else "at regelverket gjelder boligen")
            said = (f"det gjelder ikke ('{actual}': {result.out_of_scope.text})" if actual
                    else "regelverket gjelder boligen")
            failures.append(f"forventet {wanted}, men {said}")

    for cid, wanted in (expected.utfall or {}).items():
        if by_id[cid].outcome != wanted:
            failures.append(f"{cid}: forventet utfallet {wanted}, men fikk {by_id[cid].outcome} "
                            f"(«{by_id[cid].outcome_text}»)")

    for cid, wanted in (expected.vedtak or {}).items():
        given = {item.id: item for item in result.decision_content.get(cid, [])}
        for pid, value in wanted.items():
            actual = given.get(pid)
            if (actual.value if actual else None) != value:
                said = f"{actual.value} («{actual.text}»)" if actual else "ikke noe innhold"
                failures.append(f"{cid}: forventet {value or 'ikke noe innhold'} i vedtakspunktet '{pid}', men fikk {said}")

    outcomes = {p.id: p for p in result.plans}
    for pid, status in (expected.planer or {}).items():
        actual = outcomes[pid].status if pid in outcomes else "ikke_for_boligen"
        if actual != status:
            said = f" («{outcomes[pid].text}»)" if pid in outcomes else ""
            failures.append(f"planen '{pid}': forventet {status}, men fikk {actual}{said}")

    for cid, rules in (expected.ikke_oppfylt or {}).items():
        gave = {i.rule_id: i.points for i in by_id[cid].score_items}
        for rid in rules:
            if rid in gave:
                failures.append(f"{cid}: forventet at kriteriet '{rid}' ikke er oppfylt, men det ga {gave[rid]} poeng")
    return failures


def _compare_explanations(candidate: CandidateResult, items: list[ExpectedExplanation]) -> list[str]:
    failures = []
    cid = candidate.id
    found = {i.rule_id: (i.text, i.points) for i in candidate.score_items}
    found.update({f.rule_id: (f.text, None) for f in candidate.blocks + candidate.consultations
                  + candidate.unmet_conditions})
    for item in items:
        if item.regel not in found:
            failures.append(f"{cid}: forventet at regelen '{item.regel}' slår til, men den slo ikke til")
            continue
        text, points = found[item.regel]
        if item.poeng is not None and points != item.poeng:
            failures.append(f"{cid}: '{item.regel}' skulle gi {item.poeng} poeng, men ga {points}")
        for needle in item.tekst_inneholder:
            if needle.casefold() not in text.casefold():
                failures.append(f"{cid}: begrunnelsen for '{item.regel}' skulle inneholde «{needle}», "
                                f"men er «{text}»")
    return failures
