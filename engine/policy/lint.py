"""Lint for the rules (regelsjekk): what is valid YAML but still wrong policy.

`load_rules` refuses what cannot be evaluated; this finds what can be evaluated
but should not be published:

- a rule that uses a protected attribute (beskyttet egenskap: ethnicity,
  religion, gender, nationality ...), which must never decide an allocation;
- a rule whose condition can never hold (contradictory parts);
- two rules of the same kind that hold for exactly the same cases (duplicates);
- a blocking rule that only ever blocks candidates another one blocks already
  (shadowed: a note, since two reasons may be wanted);
- a rule durable_rules refuses to compile, e.g. a condition nested past its
  limits (error 113, docs/durable_rules.md), named with its file and line;
- fields declared in the vocabulary that no rule uses (a note, not an error).

"Can never hold" and "the same cases" are decided by evaluating the conditions
with the production evaluator (durable_rules) on every combination of the
values that matter: each field's allowed values, "not filled in" where a case
may leave it empty, and each number a rule compares with, one below and one
above. Conditions over more combinations than `MAX_COMBINATIONS` are not
judged: they are still compiled, but get no finding either way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterator

import engine.language.conditions as cond_lang
from engine.evaluation.durable_adapter import DurableRules
from engine.errors import Problem, RulesError
from engine.language.rules import PerUnitPoints, Rulebook, _vocabulary_loc
from engine.language.texts import placeholders

MAX_COMBINATIONS = 4096
ENGINE_FIELDS = {"kandidat.id", "beboer.id"}  # used by the engine itself, not by rules


@dataclass(frozen=True)
class LintFinding:
    severity: str  # "feil" (stops publishing) or "merknad"
    problem: Problem

    def __str__(self) -> str:
        return f"{self.severity}: {self.problem}"


@dataclass(frozen=True)
class _Rule:
    file: str
    loc: tuple
    rule_id: str | None
    kind: str
    scope: str
    condition: Any
    blocks: bool = False  # a suitability check or a blocking composition rule


def lint(book: Rulebook) -> list[LintFinding]:
    rules = list(_rules(book))
    findings = _protected(book, rules)
    findings += _never_and_duplicates(book, rules)
    findings += _unused_fields(book, rules)
    return findings


def _rules(book: Rulebook) -> Iterator[_Rule]:
    for i, c in enumerate(book.criteria):
        if c.betingelse is not None:
            yield _Rule("prioritering.yaml", ("kriterier", i), c.id, "kriterium", "kandidat", c.betingelse)
    for i, c in enumerate(book.checks):
        yield _Rule("egnethet.yaml", ("kontroller", i), c.id, "kontroll", "kandidat", c.betingelse, blocks=True)
    for i, r in enumerate(book.composition):
        yield _Rule("sammensetning.yaml", ("regler", i), r.id, f"regel ({r.utfall})", "kandidat", r.betingelse,
                    blocks=r.utfall == "blokker")
    for name, derived in book.vocabulary.model.beregnet.items():
        if derived.antall is not None:
            yield _Rule("felter.yaml", ("beregnet", name, "antall"), None, f"beregnet.{name}", "beboer",
                        derived.antall.hvor)


def _problem(book: Rulebook, file: str, loc: tuple, message: str, rule_id: str | None) -> Problem:
    return book.sources[file].problem(loc, message, rule_id)


# -- protected attributes -------------------------------------------------------------
def _is_protected(book: Rulebook, path: str, seen: set[str] | None = None) -> str | None:
    """The protected field a path is, or is computed from; None if it is neither."""
    protected = set(book.header.beskyttede_egenskaper)
    if path.rsplit(".", 1)[-1] in protected:
        return path
    field = book.vocabulary.get(path)
    if field is not None and field.derived is not None:
        seen = (seen or set()) | {path}
        derived = field.derived
        sources = derived.reads()
        for source in sources:
            if source not in seen and _is_protected(book, source, seen):
                return source
    return None


def _protected(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    out = []

    def flag(file, loc, path, rule_id):
        source = _is_protected(book, path)
        if source:
            via = "" if source == path else f" (beregnet av '{source}')"
            out.append(LintFinding("feil", _problem(
                book, file, loc, f"'{path}'{via} er en beskyttet egenskap og kan ikke avgjøre en tildeling", rule_id)))

    for rule in rules:
        for comparison, loc in cond_lang.walk(rule.condition, rule.loc + (
                ("betingelse",) if rule.file != "felter.yaml" else ("hvor",))):
            flag(rule.file, loc + ("felt",), comparison.felt, rule.rule_id)
            if comparison.operator == "har_felles_med":
                flag(rule.file, loc + ("har_felles_med",), comparison.har_felles_med, rule.rule_id)
            if comparison.other is not None:
                flag(rule.file, loc + (comparison.operator, "felt"), comparison.other, rule.rule_id)
    for i, c in enumerate(book.criteria):
        if isinstance(c.poeng, PerUnitPoints):
            flag("prioritering.yaml", ("kriterier", i, "poeng", "verdi"), c.poeng.verdi, c.id)
    for i, tie in enumerate(book.ranking.ved_likt_poeng):
        flag("rangering.yaml", ("ved_likt_poeng", i, "felt"), tie.felt, None)
    return out


# -- never applies, duplicates ----------------------------------------------------------
def _never_and_duplicates(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    out = []
    truth: set[int] = set()  # rules judged on their own (compiled, few enough combinations)
    for index, rule in enumerate(rules):
        where = rule.loc + (("betingelse",) if rule.file != "felter.yaml" else ("hvor",))
        try:  # every rule must compile on its own, judged or not
            evaluator = DurableRules({"r": (rule.scope, rule.condition)}, _values_of(book))
        except RulesError as exc:
            out.append(LintFinding("feil", _problem(book, rule.file, where, exc.problems[0].message, rule.rule_id)))
            continue
        try:
            fields = _fields_of(rule.condition)
            combos = _combinations(book, fields, _constants(rule.condition))
            if combos is None:
                continue
            fired = evaluator.match(rule.scope, combos)
        finally:
            evaluator.close()
        if not any(fired):
            out.append(LintFinding("feil", _problem(
                book, rule.file, where, "betingelsen kan aldri være oppfylt (delene motsier hverandre)", rule.rule_id)))
        truth.add(index)
    for i, j in itertools.combinations(sorted(truth), 2):
        ra, rb = rules[i], rules[j]
        if ra.kind != rb.kind or ra.file != rb.file:
            continue
        both = _joint_truth(book, ra, rb)
        if both is None:
            continue
        holds_a, holds_b = both
        if holds_a == holds_b and any(holds_a):
            out.append(LintFinding("feil", _problem(
                book, rb.file, rb.loc, f"gjelder for nøyaktig de samme sakene som {ra.kind} '{ra.rule_id}' "
                                       "(duplikat)", rb.rule_id)))
        elif rb.blocks and any(holds_b) and all(a or not b for a, b in zip(holds_a, holds_b)):
            out.append(LintFinding("merknad", _problem(
                book, rb.file, rb.loc, f"blokkerer bare kandidater som {ra.kind} '{ra.rule_id}' allerede blokkerer "
                                       "(overskygget)", rb.rule_id)))
        elif ra.blocks and any(holds_a) and all(b or not a for a, b in zip(holds_a, holds_b)):
            out.append(LintFinding("merknad", _problem(
                book, ra.file, ra.loc, f"blokkerer bare kandidater som {rb.kind} '{rb.rule_id}' allerede blokkerer "
                                       "(overskygget)", ra.rule_id)))
    return out


def _joint_truth(book: Rulebook, a: _Rule, b: _Rule) -> tuple[list[bool], list[bool]] | None:
    """Whether each of two rules holds, on every combination of the values both of them read."""
    fields = sorted(set(_fields_of(a.condition)) | set(_fields_of(b.condition)))
    constants = _constants(a.condition)
    for path, values in _constants(b.condition).items():
        constants.setdefault(path, set()).update(values)
    combos = _combinations(book, fields, constants)
    if combos is None:
        return None
    evaluator = DurableRules({"a": (a.scope, a.condition), "b": (b.scope, b.condition)}, _values_of(book))
    try:
        fired = evaluator.match(a.scope, combos)
    finally:
        evaluator.close()
    return [("a" in f) for f in fired], [("b" in f) for f in fired]


def _fields_of(condition) -> list[str]:
    fields = []
    for comparison, _ in cond_lang.walk(condition):
        for path in (comparison.felt, comparison.har_felles_med if comparison.operator == "har_felles_med" else None,
                     comparison.other):
            if path and path not in fields:
                fields.append(path)
    return sorted(fields)


def _constants(condition) -> dict[str, set]:
    constants: dict[str, set] = {}
    for comparison, _ in cond_lang.walk(condition):
        value = comparison.value
        values = value if isinstance(value, list) else [value]
        if comparison.other is not None:  # two fields: try around 0 on both sides, so <, = and > all occur
            for path in (comparison.felt, comparison.other):
                constants.setdefault(path, set()).add(0)
            continue
        constants.setdefault(comparison.felt, set()).update(v for v in values if not isinstance(v, bool))
    return constants


def _values_of(book: Rulebook):
    return lambda path: getattr(book.vocabulary.get(path), "values", None)


def _domain(book: Rulebook, path: str, constants: set) -> list:
    field = book.vocabulary.get(path)
    t = field.type
    if t == "boolsk":
        values: list = [True, False]
    elif t == "valg":
        values = list(field.values or {})
    elif t == "flervalg":
        codes = list(field.values or {})
        if len(codes) <= 5:
            values = [list(c) for n in range(len(codes) + 1) for c in itertools.combinations(codes, n)]
        else:
            values = [[]] + [[c] for c in codes] + [codes]
    elif field.is_number:
        numbers = {0}
        for c in constants:
            if isinstance(c, (int, float)):
                numbers.update({c - 1, c, c + 1} if t == "heltall" else {c - 0.5, c, c + 0.5})
        values = sorted(numbers)
    elif t == "dato":
        values = ["2000-01-01"]
    else:  # tekst
        values = sorted(str(c) for c in constants) + ["(annen tekst)"]
    required = field.spec is not None and field.spec.obligatorisk
    counted = field.derived is not None and field.derived.antall is not None
    return values if (required or counted) else values + [None]


def _combinations(book: Rulebook, fields: list[str], constants: dict[str, set]) -> list[dict] | None:
    domains = [_domain(book, f, constants.get(f, set())) for f in fields]
    size = 1
    for d in domains:
        size *= len(d)
    if size > MAX_COMBINATIONS:
        return None
    return [dict(zip(fields, combo)) for combo in itertools.product(*domains)]


# -- fields no rule uses --------------------------------------------------------------
def _unused_fields(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    used = set(ENGINE_FIELDS)
    for rule in rules:
        used.update(_fields_of(rule.condition))
    for c in book.criteria:
        if isinstance(c.poeng, PerUnitPoints):
            used.add(c.poeng.verdi)
        used.update(slot.field for slot in placeholders(c.forklaring))
    for r in list(book.checks) + list(book.composition):
        used.update(slot.field for slot in placeholders(r.begrunnelse))
    used.update(t.felt for t in book.ranking.ved_likt_poeng)
    vocab = book.vocabulary
    for derived in vocab.model.beregnet.values():
        used.update(derived.reads())
    for section, fields in vocab.model.seksjoner.items():
        for name, spec in fields.items():
            if spec.fra_kandidat:
                used.add(spec.fra_kandidat)
    out = []
    for path, field in vocab.fields.items():
        if field.type == "objekt" or path in used or any(u.startswith(path + ".") for u in used):
            continue
        out.append(LintFinding("merknad", book.sources["felter.yaml"].problem(
            _vocabulary_loc(path), f"feltet '{path}' brukes ikke av noen regel")))
    return out
