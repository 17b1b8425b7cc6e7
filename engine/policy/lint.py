"""Lint for the rules (regelsjekk): what is valid YAML but still wrong policy.

`load_rules` refuses what cannot be evaluated; this finds what can be evaluated
but should not be published, in every condition of the bundle (criteria, checks,
eligibility conditions, composition rules, tiers and counts over residents):

- a rule that uses a protected attribute (beskyttet egenskap: ethnicity,
  religion, gender, nationality ...), which must never decide an allocation.
  The attributes and the other words for them are data, in
  `beskyttede_egenskaper.yaml` beside this module, so a new synonym needs no code;
  a field is one when its name or its label mentions one of the words, spelt
  any way (case, æøå or ae/oe/aa, separators), directly or through a computed
  value. The bundle's `beskyttede_egenskaper` chooses which of them apply and may
  add words of its own;
- a comparison that is always or never true whatever the case says, known from
  the declared range of its field: months, days and years since or until a date
  and counts are never negative, an age is 0-120, a field with `min`/`maks`
  stays within them, a table gives only its own values, a parameter only its
  dated values. `{felt: beregnet.ventetid_maneder, over: -6}` holds for everyone
  and was surely meant otherwise; an error where the range is certain, a note
  where it is only a plausible bound (nobody is over 120);
- a rule whose condition can never hold (contradictory parts);
- two rules of the same kind that hold for exactly the same cases (duplicates);
- a blocking rule that only ever blocks candidates another one blocks already
  (shadowed: a note, since two reasons may be wanted);
- a rule durable_rules refuses to compile, named with its file and line and
  never with the core's bare error code. The one limit we meet is error 113: a
  rule's condition may hold at most `ENGINE_NESTING_LIMIT` `$and`/`$or` nodes
  once negation is pushed to the comparisons and each `har_felles_med` is spelt
  out as one `$and` per shared value (the core keeps 32 slots per rule, two per
  node, and the guard on the fact's kind takes one node; `MAX_SEQUENCE_EXPRESSIONS`
  in the core's rete.h). So the count is made here, on the compiled condition,
  and the message says which parts cost what and how to write it smaller;
- fields declared in the vocabulary that no rule uses (a note, not an error).

"Can never hold" and "the same cases" are decided by evaluating the conditions
with the production evaluator (durable_rules) on every combination of the
values that matter: each field's allowed values, "not filled in" where a case
may leave it empty, and each number a rule compares with, one below and one
above. Conditions over more combinations than `MAX_COMBINATIONS` are not
judged: they are still compiled, but get no finding either way.

Why it is linear in the rules: all rules are compiled into one ruleset once and
every rule's own combinations are matched in a few sessions, instead of one
ruleset per rule and per pair (80 criteria took 7 s that way, 3,160 pairs).
From its own table each rule gets the fields it really depends on; two rules can
only hold for the same cases if they depend on the same fields, so only rules
that do are evaluated together, all of a group at once on the values they all
compare with. Shadowing is looked for among blocking rules only, and evaluated
jointly only where their fields overlap: a rule that shares no field with
another is implied by it only when it always holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import engine.language.conditions as cond_lang
from engine.evaluation.durable_adapter import DurableRules, _Compiler
from engine.errors import Problem, RulesError
from engine.language.plans import relabel
from engine.language.rules import PerUnitPoints, Rulebook, _vocabulary_loc
from engine.language.texts import placeholders
from engine.language.vocabulary import BETWEEN, DERIVED, DURATIONS, OUTCOME_FIELD, SCORE_FIELD, SINCE, TIER_FIELD
from engine.language.validation_messages import fold, problems_from
from engine.language.yaml_source import YamlSyntaxError, read_yaml_file, shown_path

MAX_COMBINATIONS = 4096
# used by the engine itself (the ids name the vacancy and the people in every result), not by rules, or filled by it
ENGINE_FIELDS = {"ledig_bolig.id", "kandidat.id", "beboer.id", SCORE_FIELD, OUTCOME_FIELD, TIER_FIELD}
ENGINE_NESTING_LIMIT = 15  # `$and`/`$or` nodes durable_rules takes in one rule, its scope guard included
SESSION_FACTS = 500  # facts per matching session: the core's cost per fact grows with the session
PROTECTED_FILE = Path(__file__).with_name("beskyttede_egenskaper.yaml")
AGE_LIMIT = 120  # nobody is older; a plausible bound, not a certain one


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
    key: str = "betingelse"  # where the condition stands: `krav` in an eligibility condition, `hvor` in a count
    refusal: str | None = None  # a vilkår's outcome when its `krav` is not met: avslag or drofting

    @property
    def where(self) -> tuple:
        """The location of the condition itself."""
        return self.loc + (self.key,)


def lint(book: Rulebook) -> list[LintFinding]:
    rules = list(_rules(book))
    findings = _protected(book, rules)
    findings += _ranges(book, rules)
    findings += _never_and_duplicates(book, rules)
    findings += _unused_fields(book, rules)
    findings += _conditions_on_the_home(book)
    return findings


def _conditions_on_the_home(book: Rulebook) -> list[LintFinding]:
    """A vilkår of the bundle that reads the home: «oppfyller ikke vilkårene» refuses the application, yet it
    would depend on which home fell vacant (a Bristol and a Drammen tester wrote the home's kind into one)."""
    from engine.language.plans import home_only

    found = []
    for i, condition in enumerate(book.conditions):
        home = sorted({path for path in cond_lang.fields_read(condition.krav) if home_only(path)})
        if home:
            found.append(LintFinding("merknad", _problem(
                book, "egnethet.yaml", ("vilkar", i, "krav"),
                f"leser boligen ({', '.join(home)}): et vilkår gjelder søknaden, ikke én bolig, og en søker som ikke "
                "oppfyller det, får avslag på søknaden. Gjelder vilkåret bare noen boliger, skriv det som et vilkår i "
                "en lokal plan for dem (vilkar), eller løft det for de andre med vilkar_gjelder_ikke; hører det til "
                "boligen, er det en kontroll", condition.id)))
    return found


def _rules(book: Rulebook) -> Iterator[_Rule]:
    for i, c in enumerate(book.criteria):
        if c.betingelse is not None:
            yield _Rule("prioritering.yaml", ("kriterier", i), c.id, "kriterium", "kandidat", c.betingelse)
    for i, g in enumerate(book.groups):
        if g.betingelse is not None:
            yield _Rule("prioritering.yaml", ("grupper", i), g.id, "gruppe", "kandidat", g.betingelse)
    for i, c in enumerate(book.checks):
        yield _Rule("egnethet.yaml", ("kontroller", i), c.id, "kontroll", "kandidat", c.betingelse,
                    blocks=c.utfall == "blokker")
    for i, r in enumerate(book.composition):
        yield _Rule("sammensetning.yaml", ("regler", i), r.id, f"regel ({r.utfall})", "kandidat", r.betingelse,
                    blocks=r.utfall == "blokker")
    # Eligibility (vilkår) fails a candidate when its `krav` does not hold, so it is judged as a condition
    # (never met, duplicates) but not for shadowing, which reads "holds" as "blocks".
    for i, c in enumerate(book.conditions):
        yield _Rule("egnethet.yaml", ("vilkar", i), c.id, "vilkår", "kandidat", c.krav, key="krav", refusal=c.utfall)
    for i, note in enumerate(book.notes):
        yield _Rule("egnethet.yaml", ("merknader", i), note.id, "merknad", "kandidat", note.betingelse)
    for i, tier in enumerate(book.ranking.trinn):
        if tier.betingelse is not None:
            yield _Rule("rangering.yaml", ("trinn", i), tier.id, "trinn", "kandidat", tier.betingelse)
    for i, demotion in enumerate(book.ranking.trinn_ned):
        yield _Rule("rangering.yaml", ("trinn_ned", i), demotion.id, "trinn_ned", "kandidat", demotion.betingelse)
    # Each decision point is a kind of its own: two points may well ask the same of a candidate.
    for i, point in enumerate(book.ranking.vedtak):
        for j, option in enumerate(point.innhold):
            if option.betingelse is not None:
                yield _Rule("rangering.yaml", ("vedtak", i, "innhold", j), point.id, f"vedtakspunktet '{point.id}'",
                            "kandidat", option.betingelse)
    # Which homes the bundle does not apply to (gjelder_ikke): conditions over the home, as a plan's `gjelder`.
    for i, scope in enumerate(book.ranking.gjelder_ikke):
        yield _Rule("rangering.yaml", ("gjelder_ikke", i), scope.id, "gjelder_ikke", "ledig_bolig", scope.betingelse)
    # A local plan's rules are judged like the bundle's; each plan is a kind of its own, so two plans for
    # different units may well have the same criterion without it being a duplicate.
    for p, plan in enumerate(book.plans):
        base = ("lokale_planer", p)
        yield _Rule("rangering.yaml", base, plan.id, f"lokal plan '{plan.id}' (gjelder)", "ledig_bolig",
                    plan.gjelder, key="gjelder")
        for i, c in enumerate(plan.kriterier):
            if c.betingelse is not None:
                yield _Rule("rangering.yaml", base + ("kriterier", i), c.id, f"kriterium i planen '{plan.id}'",
                            "kandidat", c.betingelse)
        for i, c in enumerate(plan.kontroller):
            yield _Rule("rangering.yaml", base + ("kontroller", i), c.id, f"kontroll i planen '{plan.id}'",
                        "kandidat", c.betingelse, blocks=c.utfall == "blokker")
        for i, c in enumerate(plan.vilkar):
            yield _Rule("rangering.yaml", base + ("vilkar", i), c.id, f"vilkår i planen '{plan.id}'", "kandidat",
                        c.krav, key="krav", refusal=c.utfall)
        for i, tier in enumerate(plan.trinn or []):
            if tier.betingelse is not None:
                yield _Rule("rangering.yaml", base + ("trinn", i), tier.id, f"trinn i planen '{plan.id}'", "kandidat",
                            tier.betingelse)
        for loc, group in plan.groups_ahead():
            yield _Rule("rangering.yaml", base + ("gruppe_foran", *loc), plan.id,
                        f"lokal plan '{plan.id}' (gruppe_foran «{group.navn}»)", "kandidat", group.betingelse)
        if plan.faller_bort is not None:
            key = "ingen_kandidat" if plan.faller_bort.ingen_kandidat is not None else "noen_kandidat"
            yield _Rule("rangering.yaml", base + ("faller_bort",), plan.id, f"lokal plan '{plan.id}' (faller_bort)",
                        "kandidat", plan.faller_bort.condition, key=key)
    for name, derived in book.vocabulary.model.beregnet.items():
        if derived.antall is not None and derived.antall.hvor is not None:
            count = derived.antall
            scope = "beboer" if count.over_list is None else count.over_list
            yield _Rule("felter.yaml", ("beregnet", name, "antall"), None, f"beregnet.{name}", scope,
                        count.hvor, key="hvor")
        # The conditions a computed value counts (antall_av) or is (betingelse) are judged like any rule's.
        for i, condition in enumerate(derived.conditions):
            many = derived.antall_av is not None
            yield _Rule("felter.yaml", ("beregnet", name) + (("antall_av",) if many else ()), None,
                        f"beregnet.{name}", "kandidat", condition, key=i if many else "betingelse")
        # Conditions over a list's records (issue 9, items 8 and 10) are judged like counts over residents.
        for kind in ("nyeste", "eldste", "sum", "sammenhengende", "samlet_tid"):
            over = getattr(derived, kind)
            if over is not None and over.hvor is not None:
                yield _Rule("felter.yaml", ("beregnet", name, kind), None, f"beregnet.{name}",
                            over.over_list, over.hvor, key="hvor")
        if derived.soverom is not None:
            if derived.soverom.hvor is not None:
                yield _Rule("felter.yaml", ("beregnet", name, "soverom"), None, f"beregnet.{name}",
                            derived.soverom.over_list, derived.soverom.hvor, key="hvor")
            for i, rule in enumerate(derived.soverom.deler):
                if rule.begge is not None:
                    yield _Rule("felter.yaml", ("beregnet", name, "soverom", "deler", i), None,
                                f"beregnet.{name}", derived.soverom.over_list, rule.begge, key="begge")


def _problem(book: Rulebook, file: str, loc: tuple, message: str, rule_id: str | None) -> Problem:
    return relabel(book.sources[file].problem(loc, message, rule_id), loc)  # a plan's rules by their kind


def _line(book: Rulebook, file: str, loc: tuple) -> int | None:
    return book.sources[file].line_of(loc)


# -- protected attributes -------------------------------------------------------------
class _AttributeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    navn: Optional[str] = Field(None, description="Navnet slik meldingene skriver det (med æøå).")
    synonymer: list[str] = Field(default_factory=list, description="Andre ord for egenskapen.")


class ProtectedAttributesFile(BaseModel):
    """beskyttede_egenskaper.yaml: the protected attributes and the other words for them."""

    model_config = ConfigDict(extra="forbid")
    egenskaper: dict[str, _AttributeSpec] = Field(min_length=1)


@dataclass(frozen=True)
class ProtectedAttribute:
    key: str  # as the file or the bundle's list writes it
    name: str  # as messages show it
    words: tuple[tuple[str, str], ...]  # (folded, as written): the key, the name and every synonym

    def is_named(self, word: str) -> bool:
        return fold(word) in (fold(self.key), fold(self.name))


@functools.lru_cache(maxsize=8)
def protected_catalogue(path: Path = PROTECTED_FILE) -> tuple[ProtectedAttribute, ...]:
    """The attributes in the file, read once per process; a broken file stops `rules check` with its line."""
    try:
        doc = read_yaml_file(path, shown_path(path))
    except YamlSyntaxError as exc:
        raise RulesError(exc.problem) from None
    try:
        model = ProtectedAttributesFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RulesError(problems_from(exc, doc, model=ProtectedAttributesFile)) from None
    out = []
    for key, spec in model.egenskaper.items():
        name = spec.navn or key
        words: dict[str, str] = {}  # folded -> as written, the name first (it has the æøå)
        for word in (name, key, *spec.synonymer):
            if fold(word):
                words.setdefault(fold(word), word)
        out.append(ProtectedAttribute(key, name, tuple(words.items())))
    return tuple(out)


def protected_attributes(book: Rulebook) -> list[ProtectedAttribute]:
    """The attributes that apply to a bundle: all of the file's, unless `beskyttede_egenskaper` in
    regelverk.yaml lists its own; then those, each with the file's words when the file has it (by its
    name or any of its words), else as a word of its own."""
    catalogue = protected_catalogue()
    if "beskyttede_egenskaper" not in book.header.model_fields_set:
        return list(catalogue)
    out: dict[str, ProtectedAttribute] = {}
    for entry in book.header.beskyttede_egenskaper:
        folded = fold(entry)
        known = next((a for a in catalogue if any(folded == w for w, _ in a.words)), None)
        attribute = known or ProtectedAttribute(entry, entry, ((folded, entry),))
        out.setdefault(attribute.key, attribute)
    return list(out.values())


_INFLECTIONS = ("", "e", "s", "a", "en", "et", "er", "ene", "ens", "ets", "es")  # religionen, kjønnet, faiths


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in fold(text).split("_") if t)


def mentions(text: str, word: str) -> bool:
    """Whether a name or label contains a folded word (or phrase), alone or inflected.

    Words are compared whole, after folding, also across separators: `fode_land` and
    `Fødeland` both mention `fodeland`; `kjonnsdelt_bad` does not mention `kjonn`.
    """
    tokens = _tokens(text)
    target = word.replace("_", "")
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start:start + 4]:
            joined += token
            if joined.startswith(target) and joined[len(target):] in _INFLECTIONS:
                return True
            if len(joined) >= len(target) + 3:
                break
    return False


def _protected_reason(book: Rulebook, attributes: list[ProtectedAttribute], path: str) -> str | None:
    """Why a field itself is a protected attribute ("" when its name is the attribute's), or None."""
    name = path.rsplit(".", 1)[-1]
    field = book.vocabulary.get(path)
    for attribute in attributes:
        if "".join(_tokens(name)) == "".join(_tokens(attribute.key)):
            return ""
    for attribute in attributes:
        for folded, written in attribute.words:
            if mentions(name, folded):
                return _why("navnet", written, attribute)
    if field is not None and field.label:
        for attribute in attributes:
            for folded, written in attribute.words:
                if mentions(field.label, folded):
                    return _why(f"etiketten «{field.label}»", written, attribute)
    return None


def _protected_fix(book: Rulebook, path: str, source: str) -> str:
    """What policy staff can do, said with the first error for a field (a tester got 16 errors and no fix)."""
    key = next((a.key for a in protected_attributes(book) if _protected_reason(book, [a], source) is not None), None)
    computed = path.startswith(f"{DERIVED}.") and path != source
    if computed and key:
        example = " (som et soverombehov der barn av samme kjønn deler rom)" if key == "kjonn" else ""
        return (f"; tillater loven at verdien regnes av {key}{example}, skriv `beskyttet_egenskap_tillatt: [{key}]` "
                f"på '{path}' i felter.yaml (se «Beskyttede egenskaper» i rules/README.md)")
    return "; se «Beskyttede egenskaper» i rules/README.md"


def _why(where: str, word: str, attribute: ProtectedAttribute) -> str:
    meaning = "" if attribute.is_named(word) else f", et ord for {attribute.name}"
    return f" ({where} nevner «{word}»{meaning})"


def _is_protected(book: Rulebook, attributes, path: str, seen: frozenset = frozenset()) -> tuple[str, str] | None:
    """The protected field a path is, or is computed from (or takes its value from), with why; else None."""
    reason = _protected_reason(book, attributes, path)
    if reason is not None:
        return path, reason
    field = book.vocabulary.get(path)
    if field is None:
        return None
    seen = seen | {path}
    sources = field.derived.reads() if field.derived is not None else []
    if field.spec is not None and field.spec.fra_kandidat:
        sources.append(field.spec.fra_kandidat)
    if field.derived is not None and field.derived.beskyttet_egenskap_tillatt:
        # a value the rules may compute from an attribute where the law allows it (a bedroom standard by sex)
        allowed = set(field.derived.beskyttet_egenskap_tillatt)
        attributes = [a for a in attributes if a.key not in allowed]
    for source in sources:
        if source not in seen:
            found = _is_protected(book, attributes, source, seen)
            if found:
                return found
    return None


def _protected(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    out = []
    attributes = protected_attributes(book)
    known: dict[tuple, tuple[str, str] | None] = {}  # a field is looked up once, however many rules use it
    first: dict[str, str] = {}  # path -> where it was first reported ("prioritering.yaml:5")
    # A note decides nothing; one may read the attributes it names (beskyttet_egenskap_tillatt), no other rule may.
    allowed_in = {note.id: frozenset(note.beskyttet_egenskap_tillatt) for note in book.notes}
    catalogue = {a.key for a in protected_catalogue()}
    for i, note in enumerate(book.notes):
        for j, key in enumerate(note.beskyttet_egenskap_tillatt):
            if key not in catalogue:
                out.append(LintFinding("feil", _problem(
                    book, "egnethet.yaml", ("merknader", i, "beskyttet_egenskap_tillatt", j),
                    f"'{key}' er ikke en beskyttet egenskap; egenskapene: {', '.join(sorted(catalogue))}", note.id)))

    in_force = catalogue | {a.key for a in attributes}  # the bundle's own words are attributes too
    for name, derived in book.vocabulary.model.beregnet.items():
        for j, key in enumerate(derived.beskyttet_egenskap_tillatt):
            if key not in in_force:
                out.append(LintFinding("feil", _problem(
                    book, "felter.yaml", ("beregnet", name, "beskyttet_egenskap_tillatt", j),
                    f"'{key}' er ikke en beskyttet egenskap; egenskapene: {', '.join(sorted(in_force))}", None)))

    def flag(file, loc, path, rule_id, allowed=frozenset()):
        if (path, allowed) not in known:
            known[path, allowed] = _is_protected(book, [a for a in attributes if a.key not in allowed], path)
        found = known[path, allowed]
        if not found:
            return
        if path in first:  # each use is an error of its own, but why it is protected is said once
            message = f"'{path}' er en beskyttet egenskap (se {first[path]}) og kan ikke avgjøre en tildeling"
        else:
            source, reason = found
            via = "" if source == path else f" (beregnet av '{source}')"
            message = (f"'{path}'{via} er en beskyttet egenskap{reason} og kan ikke avgjøre en tildeling"
                       + _protected_fix(book, path, source))
            line = _line(book, file, loc)
            first[path] = f"{file}:{line}" if line else file
        out.append(LintFinding("feil", _problem(book, file, loc, message, rule_id)))

    for rule in rules:
        allowed = allowed_in.get(rule.rule_id, frozenset()) if rule.kind == "merknad" else frozenset()
        for comparison, loc in cond_lang.walk(rule.condition, rule.where):
            flag(rule.file, loc + ("felt",), comparison.felt, rule.rule_id, allowed)
            if comparison.operator == "har_felles_med":
                flag(rule.file, loc + ("har_felles_med",), comparison.har_felles_med, rule.rule_id, allowed)
            if comparison.other is not None:
                flag(rule.file, loc + (comparison.operator, "felt"), comparison.other, rule.rule_id, allowed)
    for i, c in enumerate(book.criteria):
        if isinstance(c.poeng, PerUnitPoints):
            flag("prioritering.yaml", ("kriterier", i, "poeng", "verdi"), c.poeng.verdi, c.id)
    for loc, tie, rule_id in _tie_breaks(book):
        flag("rangering.yaml", loc, tie.felt, rule_id)
    return out


def _tie_breaks(book: Rulebook):
    """Every tie-break field of rangering.yaml, as (where, the tie-break, the tier or plan it belongs to):
    the bundle's, each tier's own, each plan's (its own order and its precedence) and each plan tier's."""
    for i, tie in enumerate(book.ranking.ved_likt_poeng):
        yield ("ved_likt_poeng", i, "felt"), tie, None
    for i, tier in enumerate(book.ranking.trinn):
        for j, tie in enumerate(tier.ved_likt_poeng or []):
            yield ("trinn", i, "ved_likt_poeng", j, "felt"), tie, tier.id
    for p, plan in enumerate(getattr(book, "plans", None) or []):
        base = ("lokale_planer", p)
        for i, tie in enumerate(plan.ved_likt_poeng or []):
            yield base + ("ved_likt_poeng", i, "felt"), tie, plan.id
        for i, tie in enumerate(plan.forrang):
            yield base + ("forrang", i, "felt"), tie, plan.id
        for i, tier in enumerate(plan.trinn or []):
            for j, tie in enumerate(tier.ved_likt_poeng or []):
                yield base + ("trinn", i, "ved_likt_poeng", j, "felt"), tie, tier.id


# -- always or never true from declared ranges ------------------------------------------
@dataclass(frozen=True)
class _Bound:
    value: float
    why: str  # bokmål: where the bound comes from
    certain: bool = True  # False: only plausible (an age over 120), so a finding is a note


def _range(book: Rulebook, path: str) -> tuple[_Bound | None, _Bound | None]:
    """The lowest and highest value a number field can have, each with why (None: not known)."""
    field = book.vocabulary.get(path)
    if field is None or not field.is_number:
        return None, None
    low = high = None
    spec, derived = field.spec, field.derived
    parameter = field.parameter
    if spec is not None:
        if spec.min is not None:
            low = _Bound(spec.min, f"min: {spec.min:g} i felter.yaml")
        if spec.maks is not None:
            high = _Bound(spec.maks, f"maks: {spec.maks:g} i felter.yaml")
    if derived is not None:
        kind = derived.kind
        if kind == "antall":
            low = _Bound(0, "en telling er aldri negativ")
        elif kind == "antall_av":
            n = len(derived.antall_av)
            low = _Bound(0, "en telling er aldri negativ")
            high = _Bound(n, f"den teller {n} betingelser")
        elif kind == "soverom":
            low = _Bound(0, "et soverombehov er aldri negativt")
        elif kind == "alder":
            low = _Bound(0, "en alder er aldri negativ")
            high = _Bound(AGE_LIMIT, f"ingen er eldre enn {AGE_LIMIT} år", certain=False)
        elif kind in DURATIONS:
            direction = "siden" if kind in SINCE else "til"
            low = _Bound(0, f"hele {DURATIONS[kind]} {direction} en dato er aldri negative; en dato på "
                            "feil side av vurderingsdatoen gir ingen verdi")
        elif kind in BETWEEN:
            low = _Bound(0, f"hele {BETWEEN[kind]} mellom to datoer er aldri negative; er den siste "
                            "datoen før den første, gir det ingen verdi")
        elif kind == "tabell" and derived.tabell is not None:
            values = derived.tabell.results
            why = f"tabellen gir bare verdier fra {min(values):g} til {max(values):g}"
            low, high = _Bound(min(values), why), _Bound(max(values), why)
    if parameter is not None and parameter.verdier:
        values = list(parameter.verdier.values())
        why = (f"parameteren er {values[0]:g} på alle datoer" if min(values) == max(values)
               else f"parameteren er mellom {min(values):g} og {max(values):g} på alle datoer")
        low, high = _Bound(min(values), why), _Bound(max(values), why)
    if derived is None and spec is not None and fold(path.rsplit(".", 1)[-1]) in ("alder", "age"):
        low = low or _Bound(0, "en alder er aldri negativ", certain=False)
        high = high or _Bound(AGE_LIMIT, f"ingen er eldre enn {AGE_LIMIT} år", certain=False)
    return low, high


def _verdict(op: str, value, low: _Bound | None, high: _Bound | None) -> tuple[bool, _Bound, str] | None:
    """(always true?, the bound that decides it, which side) for a comparison with a constant; None: it varies."""
    def below(v):  # the field can never be as low as v
        return low is not None and v < low.value

    def above(v):
        return high is not None and v > high.value

    if op == "over":
        if low is not None and low.value > value:
            return True, low, "under"
        if high is not None and high.value <= value:
            return False, high, "over"
    elif op == "minst":
        if low is not None and low.value >= value:
            return True, low, "under"
        if above(value):
            return False, high, "over"
    elif op == "under":
        if high is not None and high.value < value:
            return True, high, "over"
        if low is not None and low.value >= value:
            return False, low, "under"
    elif op == "hoyst":
        if high is not None and high.value <= value:
            return True, high, "over"
        if below(value):
            return False, low, "under"
    elif op in ("er", "er_ikke", "en_av", "ikke_en_av"):
        values = value if isinstance(value, list) else [value]
        if values and all(below(v) or above(v) for v in values):
            bound, side = (low, "under") if below(values[0]) else (high, "over")
            return op in ("er_ikke", "ikke_en_av"), bound, side
    return None


def _shown(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ranges(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    out = []
    for rule in rules:
        for comparison, loc in cond_lang.walk(rule.condition, rule.where):
            value = comparison.value
            values = value if isinstance(value, list) else [value]
            if comparison.other is not None or not values or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                continue
            low, high = _range(book, comparison.felt)
            verdict = _verdict(comparison.operator, value, low, high)
            if verdict is None:
                continue
            always, bound, side = verdict
            field = book.vocabulary.get(comparison.felt)
            present = _always_given(field)
            said = f"'{comparison.operator}: {_shown(value)}'"
            known = f"'{comparison.felt}' er aldri {side} {bound.value:g} ({bound.why})"
            if not always:
                message = f"{said} kan aldri være sann: {known}"
            elif present:
                message = f"{said} er alltid sann: {known}"
            else:
                message = (f"{said} er alltid sann når verdien finnes: {known}; skriv 'finnes: true' "
                           "hvis det er meningen")
            out.append(LintFinding("feil" if bound.certain else "merknad", _problem(
                book, rule.file, loc + (comparison.operator,), message, rule.rule_id)))
    return out


# -- what the engine can compile ----------------------------------------------------------
def _nodes(compiled) -> int:
    """The `$and`/`$or` nodes of a compiled condition: what durable_rules' limit counts."""
    if isinstance(compiled, dict):
        return sum((key in ("$and", "$or")) + _nodes(value) for key, value in compiled.items())
    if isinstance(compiled, list):
        return sum(_nodes(part) for part in compiled)
    return 0


def _signed(cond, loc: tuple, negate: bool = False) -> Iterator[tuple[Any, tuple, bool]]:
    """Every comparison with its location and whether it is compiled negated (under an odd number of `ikke`)."""
    if isinstance(cond, cond_lang.AllOf):
        for i, part in enumerate(cond.alle):
            yield from _signed(part, loc + ("alle", i), negate)
    elif isinstance(cond, cond_lang.AnyOf):
        for i, part in enumerate(cond.noen):
            yield from _signed(part, loc + ("noen", i), negate)
    elif isinstance(cond, cond_lang.Not):
        yield from _signed(cond.ikke, loc + ("ikke",), not negate)
    else:
        yield cond, loc, negate


def _too_complex(book: Rulebook, rule: _Rule) -> str | None:
    """Why durable_rules would refuse the rule (error 113), in words a policy officer can act on; None if it fits."""
    values_of = _values_of(book)
    total = 1 + _nodes(_Compiler(values_of).compile(rule.condition))  # 1: the guard on the fact's kind
    if total <= ENGINE_NESTING_LIMIT:
        return None
    parts, shared, heavy, singles = 0, [], [], {}
    for comparison, loc, negate in _signed(rule.condition, rule.where):
        cost = _nodes(_Compiler(values_of).compile(comparison, negate))
        parts += cost
        if cost == 1:  # an `en_av`, `ikke_en_av` ... over two values: one node each, named together below
            singles[comparison.operator] = singles.get(comparison.operator, 0) + 1
        if cost < 2:
            continue
        line = _line(book, rule.file, loc)
        at = f" (linje {line})" if line else ""
        if comparison.operator == "har_felles_med":
            shared.append((f"mellom '{comparison.felt}' og '{comparison.har_felles_med}'{at} {cost}", cost))
        else:
            heavy.append(f"'{comparison.operator}' på '{comparison.felt}'{at} blir {cost}")
    if shared:
        heavy.insert(0, "'har_felles_med' blir ett ledd per felles verdi og ett til: "
                        + ", ".join(text for text, _ in shared))
    if singles:
        count, names = sum(singles.values()), ", ".join(f"'{op}'" for op in sorted(singles))
        heavy.append(f"{count} {'sammenligning' if count == 1 else 'sammenligninger'} med {names} blir ett ledd hver")
    combined = total - 1 - parts
    if combined:
        heavy.append(f"'alle', 'noen' og 'ikke' blir {combined} (hver 'ikke' flyttes inn til sammenligningene)")
    fix = ("del den i flere regler med færre 'har_felles_med' hver" if 2 * sum(c for _, c in shared) >= total
           else "bruk færre nestede 'ikke', 'alle' og 'noen', eller del den i flere regler; «minst to av disse» "
                "skrives som en formel der hvert ja/nei-felt teller 1, og én sammenligning med summen")
    return (f"regelmotoren kan ikke bruke betingelsen: den blir {total} ledd med 'alle' eller 'noen' (regelmotoren "
            f"legger selv til ett), og regelmotoren tåler høyst {ENGINE_NESTING_LIMIT} i én regel. "
            f"{'; '.join(heavy)}; skriv den enklere: {fix} (en kontroll eller en regel som blokkerer, virker likt "
            "delt i flere regler; et kriterium delt i flere gir poeng for hver del som gjelder)")


REFUSED = ("regelmotoren kan ikke bruke betingelsen; skriv den enklere (færre nestede 'ikke', 'alle' og 'noen', "
           "eller del den i flere regler)")


# -- never applies, duplicates ----------------------------------------------------------
@dataclass
class _Table:
    """A rule's truth on every combination of the values of the fields it reads."""

    fields: list[str]
    holds: list[bool]
    essential: frozenset[str]  # the fields whose value can change the outcome
    constants: dict[str, set]


class _Batch:
    """Facts to match against one compiled ruleset, gathered and then matched in a few sessions."""

    def __init__(self, evaluator: DurableRules):
        self.evaluator = evaluator
        self.jobs: list[tuple[str, list[dict]]] = []

    def add(self, scope: str, facts: list[dict]) -> int:
        self.jobs.append((scope, facts))
        return len(self.jobs) - 1

    def run(self) -> list[list[set[str]]]:
        results: list[list[set[str]]] = [[] for _ in self.jobs]
        for scope in {scope for scope, _ in self.jobs}:
            mine = [i for i, (s, _) in enumerate(self.jobs) if s == scope]
            facts = [fact for i in mine for fact in self.jobs[i][1]]
            fired: list[set[str]] = []
            for start in range(0, len(facts), SESSION_FACTS):
                fired += self.evaluator.match(scope, facts[start:start + SESSION_FACTS])
            at = 0
            for i in mine:
                size = len(self.jobs[i][1])
                results[i] = fired[at:at + size]
                at += size
        return results


def _compile_all(book: Rulebook, rules: list[_Rule], indices: list[int],
                 out: list[LintFinding]) -> tuple[DurableRules, list[int]]:
    """One ruleset with every rule the engine takes; a rule it refuses is a finding and is left out."""
    values_of = _values_of(book)

    def ruleset(chosen):
        return DurableRules({f"r{i}": (rules[i].scope, rules[i].condition) for i in chosen}, values_of)

    try:
        return ruleset(indices), indices
    except RulesError:
        kept = []
        for i in indices:
            try:
                ruleset([i]).close()
                kept.append(i)
            except RulesError:
                rule = rules[i]
                out.append(LintFinding("feil", _problem(book, rule.file, rule.where, REFUSED, rule.rule_id)))
        return ruleset(kept), kept


def _never_and_duplicates(book: Rulebook, rules: list[_Rule]) -> list[LintFinding]:
    out: list[LintFinding] = []
    compilable = []
    for index, rule in enumerate(rules):  # every rule must compile, judged or not
        why = _too_complex(book, rule)
        if why:
            out.append(LintFinding("feil", _problem(book, rule.file, rule.where, why, rule.rule_id)))
        else:
            compilable.append(index)
    evaluator, compiled = _compile_all(book, rules, compilable, out)
    try:
        tables = _own_tables(book, rules, compiled, evaluator)
        for index, table in tables.items():
            if not any(table.holds):
                rule = rules[index]
                out.append(LintFinding("feil", _problem(
                    book, rule.file, rule.where, "betingelsen kan aldri være oppfylt (delene motsier hverandre)",
                    rule.rule_id)))
        out += _pairs(book, rules, tables, evaluator)
    finally:
        evaluator.close()
    return out


def _own_tables(book: Rulebook, rules: list[_Rule], indices: list[int], evaluator: DurableRules) -> dict[int, _Table]:
    batch, pending = _Batch(evaluator), {}
    for i in indices:
        fields = _fields_of(rules[i].condition)
        constants = _constants(rules[i].condition)
        domains = [_domain(book, f, constants.get(f, set())) for f in fields]
        combos = _product(fields, domains)
        if combos is not None:
            pending[i] = (fields, domains, constants, batch.add(rules[i].scope, combos))
    results = batch.run()
    tables = {}
    for i, (fields, domains, constants, job) in pending.items():
        holds = [f"r{i}" in fired for fired in results[job]]
        tables[i] = _Table(fields, holds, _essential(fields, domains, holds), constants)
    return tables


def _essential(fields: list[str], domains: list[list], holds: list[bool]) -> frozenset[str]:
    """The fields whose value changes the outcome somewhere (combinations are in `itertools.product` order)."""
    essential = set()
    stride = len(holds)
    for field, domain in zip(fields, domains):
        size = len(domain)
        stride //= size
        if size < 2:
            continue
        block = stride * size
        if any(holds[start + offset + m * stride] != holds[start + offset]
               for start in range(0, len(holds), block) for offset in range(stride) for m in range(1, size)):
            essential.add(field)
    return frozenset(essential)


def _pairs(book: Rulebook, rules: list[_Rule], tables: dict[int, _Table], evaluator: DurableRules) -> list[LintFinding]:
    """Duplicates and shadowed blocking rules, in the order of the pairs (first rule, second rule)."""
    live = {i: t for i, t in tables.items() if any(t.holds)}
    found: dict[tuple[int, int], LintFinding] = {}
    batch = _Batch(evaluator)
    joint_jobs = []  # (members, job index)

    groups = defaultdict(list)
    for i, table in live.items():
        groups[(rules[i].file, rules[i].kind, table.essential)].append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        combos = _joint(book, [live[i] for i in members])
        if combos is not None:
            joint_jobs.append(("group", members, batch.add(rules[members[0]].scope, combos)))
        else:  # too many values together: try each pair on its own values
            for a, b in itertools.combinations(members, 2):
                pair = _joint(book, [live[a], live[b]])
                if pair is not None:
                    joint_jobs.append(("group", [a, b], batch.add(rules[a].scope, pair)))

    blocking = sorted(i for i in live if rules[i].blocks)
    for a, b in itertools.combinations(blocking, 2):
        ra, rb = rules[a], rules[b]
        if ra.file != rb.file or ra.kind != rb.kind or live[a].essential == live[b].essential:
            continue  # other kinds are never compared; the same fields: the group above decides
        if live[a].essential & live[b].essential:
            pair = _joint(book, [live[a], live[b]])
            if pair is not None:
                joint_jobs.append(("pair", [a, b], batch.add(ra.scope, pair)))
        else:  # independent fields: one implies the other only if that one always holds
            _shadow(found, rules, a, b, live[a].holds, live[b].holds, independent=True)

    # A vilkår that calls for consultation (drofting) and reads fields a refusing one (avslag) reads: is it
    # ever the only one not met? (a Bergen tester's exception never took effect, and rules check said nothing)
    conditions = sorted(i for i in live if rules[i].refusal is not None)
    for a, b in itertools.combinations(conditions, 2):
        if {rules[a].refusal, rules[b].refusal} != {"avslag", "drofting"} or live[a].essential == live[b].essential:
            continue  # the same fields: the group above holds them both
        if live[a].essential & live[b].essential:
            pair = _joint(book, [live[a], live[b]])
            if pair is not None:
                joint_jobs.append(("pair", [a, b], batch.add(rules[a].scope, pair)))

    results = batch.run()
    for what, members, job in joint_jobs:
        holds = {i: [f"r{i}" in fired for fired in results[job]] for i in members}
        for a, b in itertools.combinations(members, 2):
            if what == "group" and holds[a] == holds[b]:
                found[(a, b)] = LintFinding("feil", _problem(
                    book, rules[b].file, rules[b].loc, f"gjelder for nøyaktig de samme sakene som {rules[a].kind} "
                                                       f"'{rules[a].rule_id}' (duplikat)", rules[b].rule_id))
            elif rules[a].blocks and rules[b].blocks:
                _shadow(found, rules, a, b, holds[a], holds[b])
            elif {rules[a].refusal, rules[b].refusal} == {"avslag", "drofting"}:
                soft, hard = (a, b) if rules[a].refusal == "drofting" else (b, a)
                if not all(holds[soft]) and all(h or not r for h, r in zip(holds[soft], holds[hard])):
                    found[(a, b)] = _overruled_finding(book, rules[soft], rules[hard])
    for (a, b), finding in list(found.items()):
        if isinstance(finding, tuple):  # a shadowing, written out now that the duplicates are known
            found[(a, b)] = _shadow_finding(book, rules, *finding)
    return [found[key] for key in sorted(found)]


def _shadow(found: dict, rules: list[_Rule], a: int, b: int, holds_a: list[bool], holds_b: list[bool],
            independent: bool = False) -> None:
    """Note that b only blocks whom a blocks (or the other way round), as the old pairwise check did."""
    if (a, b) in found:
        return
    if independent:
        b_in_a = all(holds_a)
        a_in_b = all(holds_b)
    else:
        b_in_a = all(x or not y for x, y in zip(holds_a, holds_b))
        a_in_b = all(y or not x for x, y in zip(holds_a, holds_b))
    if b_in_a:
        found[(a, b)] = (b, a)
    elif a_in_b:
        found[(a, b)] = (a, b)


def _shadow_finding(book: Rulebook, rules: list[_Rule], shadowed: int, by: int) -> LintFinding:
    rs, rb = rules[shadowed], rules[by]
    return LintFinding("merknad", _problem(
        book, rs.file, rs.loc, f"blokkerer bare kandidater som {rb.kind} '{rb.rule_id}' allerede blokkerer "
                               "(overskygget)", rs.rule_id))


def _overruled_finding(book: Rulebook, soft: _Rule, hard: _Rule) -> LintFinding:
    return LintFinding("merknad", _problem(
        book, soft.file, soft.loc, f"kan aldri endre utfallet: hver kandidat som ikke oppfyller det, oppfyller heller "
                                   f"ikke vilkåret '{hard.rule_id}', som gir avslag. Er det et unntak fra "
                                   f"'{hard.rule_id}', skriv unntaket inn i kravet der (noen: [...]) og gi dette "
                                   "vilkåret bare det som skal drøftes", soft.rule_id))


def _joint(book: Rulebook, tables: list[_Table]) -> list[dict] | None:
    """Combinations on which rules that read some of the same fields can be compared.

    The fields any of them depends on take every value that matters to any of them; a field
    one of them reads without depending on it gets one value of its domain, which gives that
    rule its outcome for every value.
    """
    essential = sorted(set().union(*(t.essential for t in tables)))
    constants: dict[str, set] = defaultdict(set)
    for t in tables:
        for path, values in t.constants.items():
            constants[path].update(values)
    others = sorted(set().union(*(t.fields for t in tables)) - set(essential))
    fields = essential + others
    domains = [_domain(book, f, constants.get(f, set())) for f in essential]
    domains += [_domain(book, f, constants.get(f, set()))[:1] for f in others]
    return _product(fields, domains)


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
    elif t == "dato":  # ISO text, as in facts; a day either side of each date compared with, so <, = and > occur
        days = {dt.date(2000, 1, 1), dt.date(2000, 1, 2)}
        for c in constants:
            if isinstance(c, dt.date):
                days.update({c - dt.timedelta(days=1), c, c + dt.timedelta(days=1)})
        values = sorted(d.isoformat() for d in days)
    else:  # tekst
        values = sorted(str(c) for c in constants) + ["(annen tekst)"]
    return values if _always_given(field) else values + [None]


def _always_given(field) -> bool:
    """Whether a field always has a value: a required field, or a count over residents (a list the case
    leaves out gives no count: "ikke oppgitt")."""
    if field.spec is not None and field.spec.obligatorisk:
        return True
    count = field.derived.antall if field.derived is not None else None
    return count is not None and count.over_list is None


def _product(fields: list[str], domains: list[list]) -> list[dict] | None:
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
    for r in [*book.checks, *book.composition, *book.conditions, *book.notes, *book.ranking.trinn,
              *book.ranking.trinn_ned, *book.ranking.gjelder_ikke]:
        used.update(slot.field for slot in placeholders(r.begrunnelse))
    for point in book.ranking.vedtak:
        for option in point.innhold:
            used.update(slot.field for slot in placeholders(option.tekst))
    used.update(tie.felt for _, tie, _ in _tie_breaks(book))
    for plan in getattr(book, "plans", None) or []:
        used.update(f"parameter.{name}" for name in plan.verdier)
        if plan.faller_bort is not None:
            used.update(slot.field for slot in placeholders(plan.faller_bort.begrunnelse))
        for _, group in plan.groups_ahead():
            used.update(slot.field for slot in placeholders(group.begrunnelse))
        for c in plan.kriterier:
            if isinstance(c.poeng, PerUnitPoints):
                used.add(c.poeng.verdi)
            used.update(slot.field for slot in placeholders(c.forklaring))
        for c in [*plan.kontroller, *plan.vilkar, *(plan.trinn or [])]:
            used.update(slot.field for slot in placeholders(c.begrunnelse))
    vocab = book.vocabulary
    for derived in vocab.model.beregnet.values():
        used.update(derived.reads())
    for spec in getattr(vocab, "lists", {}).values():
        for derived in (spec.beregnet or {}).values():
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
            _vocabulary_loc(path, vocab), f"feltet '{path}' brukes ikke av noen regel")))
    return out
