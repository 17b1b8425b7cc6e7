"""Local plans at ranking time (lokale planer): which plan is in force for a vacancy, and with what.

A local plan (a local lettings plan) changes the rules for the homes of some units: its own
criteria and checks, its own values for named parameters, its own tie-break order. Whether
it is in force is decided in two steps, both matched by durable_rules:

1. `gjelder`, a condition on the home and unit only, is a rule of its own scope
   (`ledig_bolig`, `#plan:<id>`), matched against the vacancy's values as one fact;
2. `faller_bort` is a candidate rule (`#faller_bort:<id>`) matched with every other
   candidate rule, under the plan's values; Python only counts the nominees it matched
   ("ingen av kandidatene ...", "minst én av kandidatene ..."), as it counts residents.

Plans are considered in the file's order; the first whose `gjelder` holds and which does not
fall back is in force, and the ranking says so for every plan it considered (`PlanOutcome`).
A plan's values replace parameters (`parameter.*`), which nothing computed before the
counts reads, so only the formulas and tables computed after them are computed again, on
copies: the bundle's values stay as they were for another plan, or for the impact analysis,
which shares them between rules versions.

A bundle without plans never gets here: it ranks, and explains, exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Optional

from engine.evaluation.computed import ComputedValues
from engine.evaluation.scoring import Scoring
from engine.language.conditions import walk as cond_walk
from engine.language.plans import home_only
from engine.language.rules import LocalPlan, Rulebook, TieBreak
from engine.language.texts import Template
from engine.language.vocabulary import PARAMETER, SCORE_FIELD

HOME_SCOPE = "ledig_bolig"  # the scope of `gjelder`: one fact per vacancy, the home and unit's values
TIER_PREFIX = "#trinn:"  # as for the bundle's tiers (engine/evaluation/ranking.py); tier ids are unique
PLAN_PREFIX = "#plan:"  # cannot clash with a policy rule id (ids are [a-z0-9_])
FALLBACK_PREFIX = "#faller_bort:"
DEMOTION_PREFIX = "#trinn_ned:"
GROUP_PREFIX = "#gruppe_foran:"


@dataclass
class Regime:
    """The rules in force for one vacancy: the bundle's own, or the bundle's with one plan added."""

    plan: Optional[LocalPlan]
    criteria: list
    checks: list
    ties: list[TieBreak]
    scoring: Scoring
    tiers: list  # (position, tier, rule id or None for the open last tier, its text's template)
    # tier position -> that tier's own tie-break order (Tier.ved_likt_poeng), for the tiers that have one
    tier_ties: dict[int, list[TieBreak]] = field(default_factory=dict)
    # rule id -> (what it does, the rule, its place in the explanation); rules not in force are absent
    kinds: dict[str, tuple[str, Any, int]] = field(default_factory=dict)
    # the tiers in the order their conditions are tried: those marked `sjekkes_forst` first, then the rest,
    # each in the file's order (the ranking's order stays `tiers`)
    tried: list = field(default_factory=list)
    # the plans marked `kombineres` in force beside `plan` (or beside the bundle alone), in the file's order
    extras: tuple = ()
    # the rules that move a candidate down from their tier (trinn_ned): (rule id, the rule, its text's template)
    demotions: list = field(default_factory=list)
    # place -> the entry of the tier that stands on that place on its own (not by `samme_plass_som`)
    by_place: dict = field(default_factory=dict)
    # the last place of each run of tiers a demotion stays within: the plan's group ahead (gruppe_foran) and
    # the tiers after it; one run (the last place) without a group
    runs: tuple = ()
    # the bundle's vilkår that do not apply while the plan is in force (vilkar_gjelder_ikke)
    suspended: frozenset = frozenset()
    # the vilkår in force, the bundle's and the plans' own: those that refuse (avslag), those that call for
    # consultation (drofting), in the file's order
    required: list = field(default_factory=list)
    discretionary: list = field(default_factory=list)

    @property
    def plans(self) -> list[LocalPlan]:
        """Every plan in force under this regime."""
        return [*([self.plan] if self.plan is not None else []), *self.extras]


def regimes(book: Rulebook) -> dict[Optional[str], Regime]:
    """The bundle's own regime under None, and one per plan under its id (with no plan beside it)."""
    return {plan.id if plan else None: regime_of(book, plan) for plan in [None, *book.plans]}


def regime_of(book: Rulebook, plan: Optional[LocalPlan], extras: tuple = ()) -> Regime:
    """The rules in force with `plan` (None: the bundle's own) and the combined plans `extras` beside it.

    A combined plan only adds: its criteria and checks come after the others, and its precedence
    (`forrang`) before the order that holds otherwise, in the file's order of the plans.
    """
    criteria = [*book.criteria, *(plan.kriterier if plan else []), *(c for x in extras for c in x.kriterier)]
    checks = [*book.checks, *(plan.kontroller if plan else []), *(c for x in extras for c in x.kontroller)]
    # the bundle's vilkår but those the plan lifts, and the plans' own (vilkar in a plan)
    lifted = set(plan.vilkar_gjelder_ikke) if plan is not None else set()
    conditions = [*(c for c in book.conditions if c.id not in lifted), *(plan.vilkar if plan else []),
                  *(c for x in extras for c in x.vilkar)]
    ties = plan.ved_likt_poeng if plan is not None and plan.ved_likt_poeng is not None \
        else book.ranking.ved_likt_poeng
    scoring = Scoring(SimpleNamespace(criteria=criteria, groups=book.groups))
    written = plan.trinn if plan is not None and plan.trinn is not None else book.ranking.trinn
    # A tier's place in the order; one that shares another's (`samme_plass_som`) takes that one's.
    place = {tier.id: position for position, tier in enumerate(written, start=1)}
    tiers = [(place[tier.samme_plass_som or tier.id], tier,
              TIER_PREFIX + tier.id if tier.betingelse is not None else None,
              Template(tier.begrunnelse, book.vocabulary)) for tier in written]
    runs = (len(written),) if written else ()
    groups = plan.groups_ahead() if plan is not None else []
    if groups and tiers:  # each group's copy of the tiers, then the tiers for everyone else
        n = len(written)
        tiers = [*(entry for k, (_, group) in enumerate(groups)
                   for entry in _in_group(tiers, plan, group, group_rule(plan, k), k * n, book)),
                 *((position + len(groups) * n, *rest) for position, *rest in tiers)]
        runs = tuple(n * (k + 1) for k in range(len(groups) + 1))
    tier_ties = {position: tier.ved_likt_poeng for position, tier, _, _ in tiers
                 if tier.ved_likt_poeng is not None}
    in_file_order = sorted([*([plan] if plan is not None else []), *extras], key=lambda x: book.plans.index(x))
    precedence = [t for x in in_file_order for t in x.forrang]
    if precedence:  # the plans' precedence comes first, in every tier
        ties = [*precedence, *ties]
        tier_ties = {position: [*precedence, *own] for position, own in tier_ties.items()}
    regime = Regime(plan, criteria, checks, ties, scoring, tiers, tier_ties, extras=tuple(extras), runs=runs,
                    suspended=frozenset(lifted),
                    required=[c for c in conditions if c.utfall == "avslag"],
                    discretionary=[c for c in conditions if c.utfall == "drofting"])
    regime.tried = sorted(tiers, key=lambda entry: (not entry[1].sjekkes_forst, entry[0]))  # stable: file order
    regime.by_place = {entry[0]: entry for entry in tiers if entry[1].samme_plass_som is None}
    regime.demotions = [(DEMOTION_PREFIX + d.id, d, Template(d.begrunnelse, book.vocabulary))
                        for d in book.ranking.trinn_ned] if tiers else []
    position = 0
    # A check or a condition may call for consultation instead (utfall: drofting): a check when it holds,
    # a condition when it is not met (the one kind that fires on a rule not matched).
    for kind, rules in (("vilkar", [*book.conditions, *(c for c in conditions if c not in book.conditions)]),
                        ("kriterium", criteria), (None, checks),
                        (None, book.composition)):
        for rule in rules:
            regime.kinds[rule.id] = (kind or rule.utfall, rule, position)
            position += 1
    return regime


def group_rule(plan: LocalPlan, k: int) -> str:
    """The rule id of a plan's k-th group ahead (the first keeps the id it had when a plan had one)."""
    return GROUP_PREFIX + plan.id + (f":{k}" if k else "")


def _in_group(tiers: list, plan: LocalPlan, group, rule: str, offset: int, book: Rulebook) -> list:
    """The tiers once more, ahead of themselves, for one of the plan's groups: «Band A, lokal tilknytning» holds
    when the group's rule and Band A's do, at Band A's place among the group's (after `offset` places of the
    groups before it), with both reasons and both bases. The tier keeps its id, so rules reading resultat.trinn
    and scenarios expecting a band read the band."""
    out = []
    for position, tier, tier_rule, _ in tiers:
        copy = tier.model_copy(update={"navn": f"{tier.navn}, {group.navn}",
                                       "hjemmel": "; ".join(dict.fromkeys([tier.hjemmel, plan.hjemmel]))})
        text = Template(f"{tier.begrunnelse}; {group.begrunnelse}", book.vocabulary)
        out.append((position + offset, copy, (rule,) if tier_rule is None else (rule, tier_rule), text))
    return out


def plan_rules(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """`gjelder` of every plan (scope ledig_bolig), by rule id: matched with the bundle's own rules."""
    return {PLAN_PREFIX + plan.id: (HOME_SCOPE, plan.gjelder) for plan in book.plans}


def reads(condition, field: str) -> bool:
    """Whether a condition reads `field` (on either side of a comparison)."""
    return condition is not None and any(c.felt == field or c.other == field for c, _ in cond_walk(condition))


def reads_score(condition) -> bool:
    """Whether a condition reads the candidate's total points (resultat.poeng)."""
    return reads(condition, SCORE_FIELD)


def plan_score_rules(plan: LocalPlan) -> dict[str, tuple[str, Any]]:
    """A plan's tiers and checks that read the total points: matched after the points, as the bundle's are."""
    rules = {TIER_PREFIX + t.id: ("kandidat", t.betingelse) for t in plan.trinn or [] if reads_score(t.betingelse)}
    rules.update({c.id: ("kandidat", c.betingelse) for c in plan.kontroller if reads_score(c.betingelse)})
    return rules


def plan_own_rules(plan: LocalPlan, criterion_condition) -> dict[str, tuple[str, Any]]:
    """A plan's criteria, checks, tiers and `faller_bort` (all scope kandidat), by rule id.

    Compiled into an evaluator of their own and matched only for a vacancy the plan is for, so a
    bundle's other homes are matched on exactly the rules they were before the plan was written.
    Those that read the total points are apart (`plan_score_rules`).
    """
    rules: dict[str, tuple[str, Any]] = {}
    after = plan_score_rules(plan)
    for criterion in plan.kriterier:
        rules[criterion.id] = ("kandidat", criterion_condition(criterion))
    for check in plan.kontroller:
        if check.id not in after:
            rules[check.id] = ("kandidat", check.betingelse)
    for condition in plan.vilkar:  # met when the krav holds, as the bundle's (rule_conditions)
        rules[condition.id] = ("kandidat", condition.krav)
    for tier in plan.trinn or []:
        if tier.betingelse is not None and TIER_PREFIX + tier.id not in after:
            rules[TIER_PREFIX + tier.id] = ("kandidat", tier.betingelse)
    if plan.faller_bort is not None:
        rules[FALLBACK_PREFIX + plan.id] = ("kandidat", plan.faller_bort.condition)
    for k, (_, group) in enumerate(plan.groups_ahead()):
        rules[group_rule(plan, k)] = ("kandidat", group.betingelse)
    return rules


def _quoted(name: str) -> str:
    """A plan's name in «», once: «Tilpassede boliger går først til ... gjelder ikke» read garbled unquoted."""
    return name if name.startswith("«") and name.endswith("»") else f"«{name}»"


def home_values(values: dict[str, Any]) -> dict[str, Any]:
    """The home's and unit's values among a candidate's (or the vacancy's own): what `gjelder` may read."""
    return {path: value for path, value in values.items() if home_only(path)}


class Plans:
    """A bundle's plans, prepared once per rules version."""

    def __init__(self, book: Rulebook, computed: ComputedValues, evaluator_factory=None, criterion_condition=None):
        self.book = book
        self.computed = computed
        # plan id -> the evaluator of the plan's own rules (`plan_own_rules`), made with the bundle's factory
        self.evaluators = {plan.id: evaluator_factory(plan_own_rules(plan, criterion_condition))
                           for plan in book.plans} if evaluator_factory is not None else {}
        # plan id -> the evaluator of its rules over resultat.poeng, for the plans that have any
        self.after_points = {plan.id: evaluator_factory(plan_score_rules(plan)) for plan in book.plans
                             if plan_score_rules(plan)} if evaluator_factory is not None else {}
        self.regimes = regimes(book)
        self.bundle = self.regimes[None]
        self._combined: dict[tuple, Regime] = {}  # (plan id or None, combined plan ids) -> the regime
        self._recomputed = [path for path, _ in computed.after]  # formulas and tables: they may read parameters
        self._reasons = {plan.id: Template(plan.faller_bort.begrunnelse, book.vocabulary)
                         for plan in book.plans if plan.faller_bort is not None}
        # What `gjelder` reads beyond the home's own fields: parameters and values computed from the home's
        # lists (a quota's counts), the same for every candidate (rules check), taken from the first one.
        self._home_reads = sorted({path for plan in book.plans for c, _ in cond_walk(plan.gjelder)
                                   for path in (c.felt, c.other) if path is not None and not home_only(path)})

    def __bool__(self) -> bool:
        return bool(self.book.plans)

    def regime(self, plan_id: Optional[str], extras: tuple = ()) -> Regime:
        """The regime with one plan (None: none) and the combined plans `extras` (ids) beside it; each
        combination is built once, when a vacancy first needs it, and kept with the rules version."""
        if not extras:
            return self.regimes[plan_id]
        key = (plan_id, tuple(extras))
        found = self._combined.get(key)
        if found is None:
            by_id = {p.id: p for p in self.book.plans}
            found = self._combined[key] = regime_of(self.book, by_id[plan_id] if plan_id else None,
                                                    tuple(by_id[x] for x in extras))
        return found

    def with_values(self, candidates: list[dict[str, Any]], plan: LocalPlan) -> list[dict[str, Any]]:
        """Copies of the candidates' values with the plan's parameters, and what is computed from them."""
        if not plan.verdier:
            return candidates
        out = []
        for values in candidates:
            copy = dict(values)
            for path in self._recomputed:
                copy.pop(path, None)
            for name, value in plan.verdier.items():
                copy[f"{PARAMETER}.{name}"] = value
            out.append(copy)
        self.computed.after_counts(out)
        return out

    def in_force(self, evaluator, home: dict[str, Any], candidates: list[dict[str, Any]], memo=None, settle=None):
        """(regime, the candidates' values under it, their matched rule ids, the plans' outcomes as dicts).

        `home` is the vacancy's values (ledig_bolig.*, bolig.*, botiltak.*); `candidates` are the
        values under the bundle's own parameters, left unchanged. `settle(values, matched)` takes the
        rules out of force out of the matches (engine/evaluation/periods.py), for a `faller_bort` that
        counts only the nominees who can be allocated.
        """
        def match(facts, on=evaluator):
            # The memo knows facts by the identity of their dict: only the caller's own, kept alive, may use it,
            # never the short-lived copies with a plan's values.
            if memo is None or facts is not candidates:
                return on.match("kandidat", facts)
            return on.match("kandidat", facts, memo=memo)

        if self._home_reads and candidates:
            home = {**home, **{p: candidates[0][p] for p in self._home_reads if candidates[0].get(p) is not None}}
        [fired_home] = evaluator.match(HOME_SCOPE, [home])
        considered = [plan for plan in self.book.plans if PLAN_PREFIX + plan.id in fired_home]
        base_matched = None
        outcomes: list[dict] = []
        chosen = None
        for plan in considered:
            if plan.kombineres:
                continue  # considered beside whichever plan is in force, below
            if chosen is not None:
                outcomes.append(self._outcome(plan, "ikke_vurdert", f"{_quoted(plan.navn)} er ikke vurdert: "
                                                                    f"{_quoted(chosen[0].plan.navn)} gjelder for "
                                                                    "boligen."))
                continue
            values = self.with_values(candidates, plan)
            if values is candidates:
                if base_matched is None:
                    base_matched = match(candidates)
                bundle_matched = base_matched
            else:
                bundle_matched = match(values)
            own = match(values, self.evaluators[plan.id]) if values else []
            matched = [a | b for a, b in zip(bundle_matched, own)]
            falls, meeting = self._falls(plan, self.regimes[plan.id], values, matched, settle)
            if falls:
                outcomes.append(self._fallen(plan, values, home, meeting))
                continue
            chosen = (self.regimes[plan.id], values, matched)
            outcomes.append(self._outcome(
                plan, "gjelder", f"{_quoted(plan.navn)} gjelder for boligen{self._lifted(plan)}.", meeting))
        if chosen is None:
            if base_matched is None:
                base_matched = match(candidates)
            chosen = (self.bundle, candidates, base_matched)
        regime, values, matched = chosen
        extras: list[str] = []
        for plan in considered:  # the combined plans, beside the one in force, in the file's order
            if not plan.kombineres:
                continue
            own = match(values, self.evaluators[plan.id]) if values else []
            with_own = [a | b for a, b in zip(matched, own)]
            falls, meeting = self._falls(plan, self.regime(regime.plan.id if regime.plan else None,
                                                           (*extras, plan.id)), values, with_own, settle)
            if falls:
                outcomes.append(self._fallen(plan, values, home, meeting))
                continue
            matched = with_own
            extras.append(plan.id)
            outcomes.append(self._outcome(plan, "gjelder", f"{_quoted(plan.navn)} gjelder for boligen, sammen med "
                                                           f"{self._beside(regime)}.", meeting))
        if extras:
            regime = self.regime(regime.plan.id if regime.plan else None, tuple(extras))
            order = {p.id: i for i, p in enumerate(self.book.plans)}
            outcomes.sort(key=lambda o: order[o["id"]])
        return regime, values, matched, outcomes

    def _lifted(self, plan: LocalPlan) -> str:
        """«; vilkårene «Botid» og «Inntekt» gjelder ikke»: what the plan lifts, said where the plan is."""
        names = [f"«{c.navn}»" for c in self.book.conditions if c.id in plan.vilkar_gjelder_ikke]
        if not names:
            return ""
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
        return f"; {'vilkåret' if len(names) == 1 else 'vilkårene'} {listed} gjelder ikke"

    @staticmethod
    def _beside(regime: Regime) -> str:
        return _quoted(regime.plan.navn) if regime.plan is not None else "regelverkets egne regler"

    def _falls(self, plan: LocalPlan, regime: Regime, values: list[dict], matched: list[set[str]],
               settle) -> tuple[bool, int | None]:
        """(whether the plan falls back, how many nominees met `faller_bort`; None without one)."""
        if plan.faller_bort is None:
            return False, None
        rule = FALLBACK_PREFIX + plan.id
        counted = matched
        if plan.faller_bort.blant == "kan_tildeles":
            settled = settle(values, matched) if settle is not None else matched
            counted = [fired for fired, now in zip(matched, settled) if self._allocatable(regime, now)]
        meeting = sum(1 for fired in counted if rule in fired)
        return (meeting == 0 if plan.faller_bort.ingen_kandidat is not None else meeting > 0), meeting

    def _fallen(self, plan: LocalPlan, values: list[dict], home: dict, meeting: int | None) -> dict:
        # the same for every candidate (rules check): the home's fields and what is computed from them
        reason = self._reasons[plan.id].render(values[0] if values else home).rstrip(". ")
        # the plan's name quoted: «Tilpassede boliger går først til ... gjelder ikke» read garbled (a Bristol tester)
        return self._outcome(plan, "faller_bort", f"{_quoted(plan.navn)} gjelder ikke: {reason}.", meeting)

    def _allocatable(self, regime: Regime, matched: set[str]) -> bool:
        """Whether a nominee meets every vilkår that refuses (utfall: avslag) and no rule of the regime blocks:
        what the ranking will say of them, from the same matches (rules over resultat.poeng are refused
        beside `blant: kan_tildeles` when the rules are checked, so none is left to match)."""
        kinds = regime.kinds
        if any(kinds.get(rule_id, ("",))[0] == "blokker" for rule_id in matched):
            return False
        return all(c.id in matched for c in regime.required)

    @staticmethod
    def _outcome(plan: LocalPlan, status: str, text: str, meeting: int | None = None) -> dict:
        return {"id": plan.id, "name": plan.navn, "applied": status == "gjelder", "status": status, "text": text,
                "basis": plan.hjemmel, "nominees_meeting_fallback": meeting}
