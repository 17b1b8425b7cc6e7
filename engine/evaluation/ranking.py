"""Rank a case under a rules bundle, explaining every point (the priority key at work).

`CompiledRules` is built once per rules version (compiling to durable_rules
costs milliseconds, benchmarks/rank_benchmark.py; validating the case model is
per request) and is safe to share between threads (every call into durable_rules
holds one lock, engine/evaluation/durable_adapter.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Callable, Sequence

import engine.evaluation.facts as fact_builder
from engine.evaluation.computed import ComputedValues
from engine.evaluation.periods import Periods
from engine.evaluation.plans import (DEMOTION_PREFIX, HOME_SCOPE, TIER_PREFIX, Plans, Regime, home_values, plan_rules, reads,
                                    reads_score)
from engine.evaluation.records import AS_OF_KEY, COUNT_PREFIX, Records
from engine.evaluation.scoring import Scoring, criterion_points, group_rules
from engine.language.case import CaseModels, case_hash, validate_case
from engine.language.conditions import AllOf, Comparison, describe
from engine.evaluation.durable_adapter import DurableRules
from engine.evaluation.result import (Difference, Finding, Peers, RankingResult, RankingSummary, RulesVersion, ScoreItem,
                                      UnmetCriterion)
from engine.language.rules import PerUnitPoints, Rulebook
from engine.language.texts import Template, format_value
from engine.language.vocabulary import OUTCOME_FIELD, SCORE_FIELD, TIER_FIELD
from engine.language.yaml_source import SourceDocument



def criterion_condition(criterion) -> Any:
    """A criterion's condition as matched: points per unit also need the value they are counted from."""
    condition = criterion.betingelse
    if isinstance(criterion.poeng, PerUnitPoints):
        has_value = Comparison(felt=criterion.poeng.verdi, finnes=True)
        condition = has_value if condition is None else AllOf(alle=[condition, has_value])
    return condition


def rule_conditions(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """Every condition of the bundle itself to evaluate, by rule id: (scope, condition).

    A local plan's own rules are compiled apart (engine/evaluation/plans.py `plan_own_rules`), so
    the homes no plan is for pay nothing for them; only its `gjelder` is here.
    """
    rules: dict[str, tuple[str, Any]] = {}
    for criterion in book.criteria:
        rules[criterion.id] = ("kandidat", criterion_condition(criterion))
    rules.update(group_rules(book))  # a group's condition: whom its criteria give points
    after = score_rules(book)  # matched in a second pass, once the points are added up
    for condition in book.conditions:
        if condition.id not in after:
            rules[condition.id] = ("kandidat", condition.krav)
    for check in book.checks:
        if check.id not in after:
            rules[check.id] = ("kandidat", check.betingelse)
    for rule in book.composition:
        rules[rule.id] = ("kandidat", rule.betingelse)
    for note in book.notes:
        if not reads(note.betingelse, TIER_FIELD):  # those that read the tier: the last pass (outcome_rules)
            rules[note.id] = ("kandidat", note.betingelse)
    for name, derived in book.vocabulary.model.beregnet.items():
        if derived.antall is not None and derived.antall.over_list is None and derived.antall.hvor is not None:
            rules[COUNT_PREFIX + name] = ("beboer", derived.antall.hvor)
    rules.update(Records(book.vocabulary).rules())  # counts, latest dates and sharing rules over the lists' records
    for tier in book.ranking.trinn:
        if tier.betingelse is not None and TIER_PREFIX + tier.id not in after:
            rules[TIER_PREFIX + tier.id] = ("kandidat", tier.betingelse)
    for demotion in book.ranking.trinn_ned:
        rules[DEMOTION_PREFIX + demotion.id] = ("kandidat", demotion.betingelse)
    rules.update(plan_rules(book))  # local plans: which homes they are for (scope ledig_bolig)
    for scope in book.ranking.gjelder_ikke:  # homes the bundle does not allocate (scope ledig_bolig)
        rules[SCOPE_PREFIX + scope.id] = (HOME_SCOPE, scope.betingelse)
    for point in book.ranking.vedtak:  # the decision's content: the first option that holds
        for option in point.innhold:
            if option.betingelse is not None and not _reads_result(option.betingelse):
                rules[decision_rule(point, option)] = ("kandidat", option.betingelse)
    return rules


def _reads_result(condition) -> bool:
    """Whether a condition reads what the ranking itself finds: the outcome or the tier."""
    return reads(condition, OUTCOME_FIELD) or reads(condition, TIER_FIELD)


def outcome_rules(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """The options of the decision's content that read the candidate's outcome (resultat.utfall) or tier
    (resultat.trinn), and the notes that read the tier: matched in a last pass, once the candidates are
    ordered and it is known who is presented and who is in which tier."""
    rules = {decision_rule(point, option): ("kandidat", option.betingelse) for point in book.ranking.vedtak
             for option in point.innhold if _reads_result(option.betingelse)}
    rules.update({note.id: ("kandidat", note.betingelse) for note in book.notes if reads(note.betingelse, TIER_FIELD)})
    return rules


def outcome_of(result: dict, presented: set[str]) -> str:
    """A candidate's outcome of the ranking (utfall): presented, can be allocated but not presented,
    cannot be allocated, or does not qualify at all."""
    if not result["qualifies"]:
        return "oppfyller_ikke_vilkarene"
    if not result["eligible"]:
        return "kan_ikke_tildeles"
    return "presenteres" if result["id"] in presented else "ikke_presentert"


DECISION_PREFIX = "#vedtak:"  # cannot clash with a policy rule id (ids are [a-z0-9_])
SCOPE_PREFIX = "#gjelder_ikke:"


def decision_rule(point, option) -> str:
    return f"{DECISION_PREFIX}{point.id}:{option.verdi}"


def score_rules(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """The rules that read the total points, by rule id: matched in a second pass once the points are added up.

    Only rules that give no points may read them: the bundle's tiers, eligibility conditions
    (vilkår) and suitability checks (engine/language/rules.py refuses the rest), so every point
    is counted before any of these is matched, and none of them changes the sum it reads.
    """
    rules = {TIER_PREFIX + t.id: ("kandidat", t.betingelse) for t in book.ranking.trinn if reads_score(t.betingelse)}
    rules.update({c.id: ("kandidat", c.krav) for c in book.conditions if reads_score(c.krav)})
    rules.update({c.id: ("kandidat", c.betingelse) for c in book.checks if reads_score(c.betingelse)})
    return rules


class CompiledRules:
    """A rules bundle ready to rank cases: case model and compiled evaluator."""

    def __init__(self, book: Rulebook, evaluator_factory: Callable = DurableRules):
        self.book = book
        self.case_models = CaseModels(book.vocabulary)
        vocab = book.vocabulary
        self.computed = ComputedValues(vocab)
        self.scoring = Scoring(book)
        values_of = lambda path: getattr(vocab.get(path), "values", None)  # noqa: E731
        self.computed.attach(lambda rules: evaluator_factory(rules, values_of))
        self.evaluator = evaluator_factory(rule_conditions(book), values_of)
        after = score_rules(book)  # rules over resultat.poeng: a second match, after the points
        self.after_points = evaluator_factory(after, values_of) if after else None
        last = outcome_rules(book)  # the decision's content over resultat.utfall: a last match, after the order
        self.after_order = evaluator_factory(last, values_of) if last else None
        # Local plans (lokale_planer): the regime in force per vacancy, each plan's own rules compiled apart.
        self.plans = Plans(book, self.computed, lambda rules: evaluator_factory(rules, values_of), criterion_condition)
        self.periods = Periods(book)  # rules with gjelder_fra / gjelder_til
        self._appeal = _appeal(book.ranking.klage)
        # a plan's own appeal terms while it applies (a decision on a home with round-the-clock services goes
        # to the county governor, within four weeks: a Drammen tester)
        self._plan_appeals = {plan.id: _appeal(plan.klage) for plan in book.plans if plan.klage is not None}
        # The decision's content (vedtak): per point, its options with their rule (None: the open last) and text.
        self._decision = [(point, [(option, decision_rule(point, option) if option.betingelse is not None else None,
                                    Template(option.tekst, vocab)) for option in point.innhold])
                          for point in book.ranking.vedtak]
        self._scope = {scope.id: Template(scope.begrunnelse, vocab) for scope in book.ranking.gjelder_ikke}
        texts = book.ranking.tekster  # each outcome in the bundle's own words
        self._outcome_words = {"presenteres": texts.presenteres, "ikke_presentert": texts.ikke_presentert,
                               "kan_ikke_tildeles": texts.kan_ikke_tildeles,
                               "oppfyller_ikke_vilkarene": texts.oppfyller_ikke_vilkarene}
        # (regime, tier position) -> that tier's own tie-break order in words (with a plan's `forrang` first)
        self._tier_words = {(id(regime), position): self.tie_break_words(ties)
                            for regime in self.plans.regimes.values() for position, ties in regime.tier_ties.items()}
        # What an unmet criterion would have required reads the same for every candidate.
        # The same instance serves every candidate: pydantic does not re-validate
        # model instances, so 5,000 candidates share ten objects instead of 50,000.
        all_criteria = [c for regime in self.plans.regimes.values() for c in regime.criteria]
        by_id = {c.id: c for c in all_criteria}
        self._unmet = {c.id: UnmetCriterion(
            rule_id=c.id, name=c.navn, basis=c.hjemmel, requirement=_requirement(c, vocab, by_id),
            points_possible=c.poeng.maks if isinstance(c.poeng, PerUnitPoints) else c.poeng)
            for c in by_id.values()}
        # Templates are parsed once per rules version, not once per candidate (the tiers' in `regimes`).
        plan_checks = [c for plan in book.plans for c in [*plan.kontroller, *plan.vilkar]]
        self._texts = {rule.id: Template(text, vocab) for rule, text in
                       [(c, c.forklaring) for c in by_id.values()]
                       + [(c, c.begrunnelse) for c in [*book.checks, *plan_checks]]
                       + [(c, c.begrunnelse) for c in [*book.conditions, *book.notes]]
                       + [(r, r.begrunnelse) for r in book.composition]}

    @property
    def version(self) -> RulesVersion:
        return RulesVersion(label=self.book.version, effective_from=self.book.effective_from,
                            content_hash=self.book.content_hash)

    def rank(self, data: Any, as_of: dt.date | None = None, doc: SourceDocument | None = None,
             what_if: bool = False) -> RankingResult:
        """Validate `data` as a case and rank it; raises CaseError before evaluating anything.

        `what_if` adds, for each nominee below the first, the fewest checklist facts
        that would have put them first (engine/evaluation/what_if.py); it ranks many variants,
        so it is asked for, not done by default.
        """
        case = validate_case(data, self.case_models, doc)
        result = self.rank_valid(case, as_of or dt.date.today())
        if what_if:
            from engine.evaluation.what_if import what_if_all

            for candidate_id, answer in what_if_all(self, case, result.as_of, result=result).items():
                next(c for c in result.candidates if c.id == candidate_id).what_would_lift = answer
        return result

    def rank_valid(self, case: dict, as_of: dt.date) -> RankingResult:
        """Rank a case already validated by `validate_case` (the result of `rank` without validation).

        The cyclic garbage collector is left as the caller set it: pausing it is a
        process-wide decision, for callers that own the process (engine/evaluation/gc_pause.py).
        """
        book = self.book
        shared = fact_builder.vacancy_values(case)
        if self._scope:
            [outside] = self._out_of_scope([shared])
            if outside is not None:
                return self._not_applicable(case, as_of, outside)
        candidates = [fact_builder.candidate_values(c, shared) for c in case["kandidater"]]
        self.computed.before_counts(candidates, as_of)
        self._add_counts_many([case], [candidates])
        self.computed.after_counts(candidates)
        if self.plans:
            regime, candidates, fired, plans = self.plans.in_force(self.evaluator, shared, candidates,
                                                                   settle=self.periods.apply)
        else:
            regime, fired, plans = self.plans.bundle, self.evaluator.match("kandidat", candidates), []
        fired = self.periods.apply(candidates, fired)
        fired = self._tiers_by_points(candidates, fired, regime, in_place=True)

        # Candidates are built as plain dicts and validated once, as a whole, at the
        # end: one pass through pydantic's core is several times cheaper than
        # building the models one by one. The small parts that repeat between
        # candidates (the same criterion with the same text and points, the same
        # difference to the top) are made once per call and shared, like the unmet
        # criteria: pydantic takes a model instance as it is, so 5,000 candidates
        # cost a few thousand small objects instead of 60,000.
        shared = _Shared()
        results = [self._explain(values, matched, shared, regime) for values, matched in zip(candidates, fired)]
        tied: dict[str, tuple] = {}  # without points: each candidate's tie-break values (`_order`)
        ordered = self._order(results, candidates, regime, tied)
        groups = self._equal_standing(ordered, regime, tied)
        top = next((r for r in ordered if r["eligible"]), None)
        # Only a scheme without points says which tie-break decided, from the two candidates' values.
        values_by_id = {} if regime.criteria else {values["kandidat.id"]: values for values in candidates}
        compare = _Comparison(top, shared, self, regime, values_by_id) if top is not None else None
        for position, result in enumerate(ordered, start=1):
            result["rank"] = position
            if compare is not None and result is not top:
                result["compared_to_top"] = compare(result)
        present = _presented(top, groups)
        self._set_outcomes(ordered, present, self._outcome_words)
        matched_by_id = {}
        if self.after_order is not None or book.notes or self._decision:
            matched_by_id = {values["kandidat.id"]: (values, matched) for values, matched in zip(candidates, fired)}
        if self.after_order is not None:
            self._match_outcomes(ordered, matched_by_id)
        notes = {}
        if book.notes:
            notes = {cid: found for cid, (values, matched) in matched_by_id.items()
                     if (found := [self._note(note, values, shared) for note in book.notes if note.id in matched])}
        content = {}
        if self._decision:
            content = {r["id"]: self._decision_content(*matched_by_id[r["id"]]) for r in ordered if r["eligible"]}
        return RankingResult.model_validate({
            "vacancy_id": case["ledig_bolig"]["id"],
            "as_of": as_of,
            "rules_version": self.version,
            "input_hash": case_hash(case, as_of),
            "tie_margin": book.ranking.likhetsmargin,
            "tie_break_order": self.tie_break_words(regime.ties),
            "candidates": ordered,
            "equal_standing_groups": groups,
            "present_to_unit_leader": present,
            "plans": plans,
            "decision_content": content,
            "notes": notes,
            "appeal": self._plan_appeals.get(regime.plan.id, self._appeal) if regime.plan is not None else self._appeal,
        })

    @staticmethod
    def _set_outcomes(ordered: list[dict], present: list[str], words: dict[str, str] | None = None) -> None:
        """Each candidate's outcome (utfall), and with `words` the bundle's words for it."""
        presented = set(present)
        for result in ordered:
            result["outcome"] = outcome = outcome_of(result, presented)
            if words is not None:
                result["outcome_text"] = words[outcome]

    def _match_outcomes(self, ordered: list[dict], matched_by_id: dict[str, tuple[dict, set]]) -> None:
        """The decision options over resultat.utfall or resultat.trinn and the notes over resultat.trinn: each
        candidate's outcome and tier written into their values (for the texts) and matched by durable_rules."""
        facts = []
        for result in ordered:
            values, _ = matched_by_id[result["id"]]
            values[OUTCOME_FIELD] = result["outcome"]
            if result["tier"] is not None:
                values[TIER_FIELD] = result["tier"]["id"]
            facts.append(values)
        more = self.periods.apply(facts, self.after_order.match("kandidat", facts))
        for result, extra in zip(ordered, more):
            if extra:
                values, matched = matched_by_id[result["id"]]
                matched_by_id[result["id"]] = (values, matched | extra)

    def _out_of_scope(self, homes: list[dict]) -> list[dict | None]:
        """For each home's values, why the bundle does not apply to it (the first `gjelder_ikke` that holds,
        as an OutOfScopeInfo dict), or None. One match for all homes."""
        found = []
        for home, fired in zip(homes, self.evaluator.match(HOME_SCOPE, [home_values(h) for h in homes])):
            scope = next((s for s in self.book.ranking.gjelder_ikke if SCOPE_PREFIX + s.id in fired), None)
            found.append(None if scope is None else {
                "rule_id": scope.id, "name": scope.navn, "text": self._scope[scope.id].render(home),
                "basis": scope.hjemmel})
        return found

    def _not_applicable(self, case: dict, as_of: dt.date, outside: dict) -> RankingResult:
        """The ranking of a home the bundle does not apply to: nobody ranked, and why."""
        return RankingResult.model_validate({
            "vacancy_id": case["ledig_bolig"]["id"], "as_of": as_of, "rules_version": self.version,
            "input_hash": case_hash(case, as_of), "tie_margin": self.book.ranking.likhetsmargin,
            "tie_break_order": self.tie_break_words(), "candidates": [], "equal_standing_groups": [],
            "present_to_unit_leader": [], "out_of_scope": outside, "appeal": self._appeal})

    def _note(self, note, values: dict, shared: "_Shared") -> Finding:
        return shared.finding(note.id, "merknad", note.navn, self._texts[note.id].render(values), note.hjemmel)

    def _decision_content(self, values: dict, matched: set[str]) -> list[dict]:
        """What the decision would say to this candidate, point by point: each point's first option that holds
        (a point out of force on the assessment date says nothing)."""
        items = []
        day = None
        for point, options in self._decision:
            if point.has_period:
                day = day or dt.date.fromisoformat(values[AS_OF_KEY])
                if not point.in_force(day):
                    continue
            for option, rule_id, text in options:
                if rule_id is None or rule_id in matched:
                    items.append({"id": point.id, "name": point.navn, "value": option.verdi,
                                  "text": text.render(values), "basis": option.hjemmel})
                    break
        return items

    def rank_summary(self, data: Any, as_of: dt.date | None = None,
                     doc: SourceDocument | None = None) -> RankingSummary:
        """Validate and rank a case in brief: the same order, scores and standing as `rank`, and the
        ids of the blocking and consultation rules, without rendering a single explanation.

        For a case of thousands of candidates (`rank --sammendrag`, `?detail=summary`,
        screening a waiting list) the texts are most of the work and most of the answer.
        """
        case = validate_case(data, self.case_models, doc)
        as_of = as_of or dt.date.today()
        outside = self._out_of_scope([fact_builder.vacancy_values(case)])[0] if self._scope else None
        if outside is not None:  # nobody is ranked: nothing to compute
            return self._summary(case, as_of, [], [], outside)
        plans: list[list[dict]] = []
        tied: dict[str, tuple] = {}
        [ordered] = self._rank_facts(self.candidate_facts([(case, as_of)]), None, plans, [case], tied)
        return self._summary(case, as_of, ordered, plans[0], tied=tied)

    def rank_rows(self, data: Any, as_of: dt.date | None = None) -> list[dict]:
        """`rank_summary`'s candidates as plain dicts, without the case's hash, the groups of
        equal standing or the model around them: for screening a waiting list, where that
        is a tenth of the time and nobody reads it (benchmarks/screening_benchmark.py)."""
        case = validate_case(data, self.case_models)
        [ordered] = self.rank_brief([(case, as_of or dt.date.today())])
        return ordered

    def _summary(self, case: dict, as_of: dt.date, ordered: list[dict], plans: list[dict],
                 outside: dict | None = None, tied: dict | None = None) -> RankingSummary:
        groups = self._equal_standing(ordered, self._regime_of(plans), tied)
        present = _presented(next((r for r in ordered if r["eligible"]), None), groups)
        self._set_outcomes(ordered, present)
        regime = self._regime_of(plans)
        ahead = [group.navn for _, group in regime.plan.groups_ahead()] if regime.plan is not None else []
        for result in ordered:
            result.pop("equal_standing_with", None)
            position = result.get("tier_position")
            if ahead and position is not None:  # «Band C, sognet»: the band's id alone would hide the group
                k = next((k for k, last in enumerate(regime.runs) if position <= last), len(ahead))
                if k < len(ahead):
                    result["group"] = ahead[k]
        return RankingSummary.model_validate({
            "vacancy_id": case["ledig_bolig"]["id"], "as_of": as_of, "rules_version": self.version,
            "input_hash": case_hash(case, as_of), "candidates": ordered, "present_to_unit_leader": present,
            "plans": plans, "out_of_scope": outside})

    def rank_brief(self, cases: Sequence[tuple[dict, dt.date]]) -> list[list[dict]]:
        """Order, scores and standing of many validated cases at once, without the explanations.

        For each (case, as_of) the candidates in rank order as plain dicts: `id`, `rank`,
        `score`, `eligible`, `needs_consultation`, `welfare_office` - the same values
        `rank_valid` gives for that case (tests/integration/test_impact.py proves it).
        All cases' facts go through the same durable_rules evaluator, but in one
        `match` call per scope instead of two per case: a case's facts never see
        another case's (every rule matches one fact), so the sessions can be shared.
        The impact analysis (engine/policy/impact.py), which ranks thousands of cases, calls
        its two halves, `candidate_facts` and `rank_facts`, to share facts between versions.
        """
        return self.rank_facts(self.candidate_facts(cases))

    def candidate_facts(self, cases: Sequence[tuple[dict, dt.date]]) -> list[list[dict]]:
        """The values each case's candidates are evaluated on, computed values included.

        They depend only on the case, the as-of date and the vocabulary (felter.yaml),
        so two versions with the same vocabulary can share them (`rank_facts` only reads them).
        """
        per_case = []
        for case, as_of in cases:
            shared = fact_builder.vacancy_values(case)
            candidates = [fact_builder.candidate_values(c, shared) for c in case["kandidater"]]
            self.computed.before_counts(candidates, as_of)
            per_case.append(candidates)
        self._add_counts_many([case for case, _ in cases], per_case)
        for candidates in per_case:
            self.computed.after_counts(candidates)
        return per_case

    def rank_facts(self, per_case: list[list[dict]], memo: dict | None = None) -> list[list[dict]]:
        """`rank_brief` from `candidate_facts`: one `match` over every case's candidates.

        `memo` is handed to the evaluator's `match` (DurableRules: the facts' encodings,
        reused when another version ranks the same `per_case`).
        """
        return self._rank_facts(per_case, memo)

    def _rank_facts(self, per_case: list[list[dict]], memo: dict | None, plans: list | None = None,
                    cases: list[dict] | None = None, tied: dict | None = None) -> list[list[dict]]:
        """`rank_facts`, appending each case's plan outcomes to `plans` when given, and filling `tied` (when
        given, for one case) with each candidate's tie-break values in a scheme without points.

        With local plans each case is matched on its own: which plan is in force, and with it
        the candidates' values, depends on the case (engine/evaluation/plans.py). A case whose home
        the bundle does not apply to (gjelder_ikke) ranks nobody.
        """
        if self._scope:
            homes = [home_values(candidates[0]) if candidates else {} for candidates in per_case]
            outside = self._out_of_scope(homes)
            per_case = [[] if out is not None else candidates for candidates, out in zip(per_case, outside)]
        if self.plans:
            out = []
            for at, candidates in enumerate(per_case):
                home = fact_builder.vacancy_values(cases[at]) if cases is not None else \
                    home_values(candidates[0]) if candidates else {}
                regime, values, fired, outcomes = self.plans.in_force(self.evaluator, home, candidates, memo,
                                                                      settle=self.periods.apply)
                fired = self.periods.apply(values, fired)
                fired = self._tiers_by_points(values, fired, regime)
                results = [self._brief(v, matched, regime) for v, matched in zip(values, fired)]
                ordered = self._order(results, values, regime, tied)
                for position, result in enumerate(ordered, start=1):
                    result["rank"] = position
                out.append(ordered)
                if plans is not None:
                    plans.append(outcomes)
            return out
        if plans is not None:
            plans.extend([] for _ in per_case)
        flat = [v for candidates in per_case for v in candidates]
        matched = self.evaluator.match("kandidat", flat) if memo is None else \
            self.evaluator.match("kandidat", flat, memo=memo)
        matched = self.periods.apply(flat, matched)
        regime = self.plans.bundle
        fired = iter(self._tiers_by_points(flat, matched, regime))
        out = []
        for candidates in per_case:
            results = [self._brief(values, next(fired), regime) for values in candidates]
            ordered = self._order(results, candidates, regime, tied)
            for position, result in enumerate(ordered, start=1):
                result["rank"] = position
            out.append(ordered)
        return out

    def _tiers_by_points(self, candidates: list[dict], fired: list[set[str]], regime: Regime,
                         in_place: bool = False) -> list[set[str]]:
        """Add the matches of the rules over resultat.poeng (tiers, vilkår, checks): a second match,
        on each candidate's total points.

        `in_place` writes the total into the candidates' own values, for the rules' texts to show;
        otherwise the values are left as they are (the impact analysis shares them between versions).
        """
        evaluators = [e for e in (self.after_points, *(self.plans.after_points.get(p.id) for p in regime.plans))
                      if e is not None]
        if not evaluators:
            return fired
        facts = []
        for values, matched in zip(candidates, fired):
            total = self._points(values, matched, regime)
            if in_place:
                values[SCORE_FIELD] = total
                facts.append(values)
            else:
                facts.append({**values, SCORE_FIELD: total})
        for evaluator in evaluators:
            extra = self.periods.apply(facts, evaluator.match("kandidat", facts))
            fired = [matched | more if more else matched for matched, more in zip(fired, extra)]
        return fired

    def _points(self, values: dict, matched: set[str], regime: Regime) -> int:
        """A candidate's total points: what `_explain` adds up from its score items, without making them."""
        scoring = regime.scoring
        score = 0 if scoring.simple else scoring.total(matched, values)
        kinds = regime.kinds
        for rule_id in matched:
            found = kinds.get(rule_id)
            if found is None:
                continue
            kind, rule, _ = found
            if kind == "kriterium" and scoring.simple:
                score += criterion_points(rule, values)
            elif kind == "poeng":
                score += rule.poeng
        return score

    def _brief(self, values: dict, matched: set[str], regime: Regime) -> dict:
        """What `_explain` gives for score and standing, and the ids of the rules that block or call
        for consultation (in the bundle's order, as `_explain` lists them), without texts or models."""
        kinds = regime.kinds  # the rules in force: tiers, fallbacks and other plans' rules are not among them
        score = self._points(values, matched, regime)
        blocks, consults = [], []
        for rule_id in matched:  # rule ids are unique across the bundle
            found = kinds.get(rule_id)
            if found is None:
                continue
            kind, rule, position = found
            if kind == "blokker":
                blocks.append((position, rule_id))
            elif kind not in ("vilkar", "kriterium", "poeng"):  # a check or composition rule calling for consultation
                consults.append((position, rule_id))
        # A condition not met refuses the application (utfall: avslag), or, where the rule says «kan avslås»
        # (utfall: drofting), calls for a consultation and leaves the candidate on the list; the regime's are the
        # bundle's but those a plan lifts, and the plan's own.
        for condition in regime.discretionary:  # «kan avslås»: consulted on when not met
            if condition.id not in matched:
                consults.append((kinds[condition.id][2], condition.id))
        unmet, tier, tier_position = self._standing(matched, regime)
        failed = [c.id for c in unmet]
        return {"rank": 0, "id": values["kandidat.id"], "welfare_office": values.get("kandidat.hvk"),
                "score": score, "eligible": not blocks and not failed, "needs_consultation": bool(consults),
                "qualifies": not failed, "not_qualified_by": failed,
                "blocked_by": [rule_id for _, rule_id in sorted(blocks)],
                "consultation_by": [rule_id for _, rule_id in sorted(consults)],
                "tier": tier[1].id if tier else None, "tier_position": tier_position}

    def _standing(self, matched: set[str], regime: Regime) -> tuple[list, tuple | None, int]:
        """What `_brief` and `_explain` both say of a candidate besides points: the eligibility
        conditions (vilkår) not met, in the bundle's order, and the tier (trinn) with its position.

        A candidate who does not qualify (a condition not met) is not on the waiting list at all,
        so has no band either: "Band C, oppfyller ikke vilkårene" would tell the applicant a band
        the scheme never gave them (a tester writing Leeds' scheme read it so).
        """
        unmet = [c for c in regime.required if c.id not in matched]
        tier = None if unmet else self._tier_of(matched, regime)
        return unmet, tier, tier[0] if tier else _no_tier(regime)

    def _add_counts_many(self, cases: list[dict], per_case: list[list[dict]]) -> None:
        """Counts over residents (beregnet antall) for each candidate of each case, with one `match`
        over every case's residents and every candidate's projection as a resident; then the
        aggregates over the candidates' lists, one `match` per list (engine/evaluation/records.py)."""
        self.computed.records.add(self.evaluator, per_case)
        counts = {name: d.antall for name, d in self.book.vocabulary.model.beregnet.items()
                  if d.antall is not None and d.antall.over_list is None}
        if not counts:
            return
        vocab = self.book.vocabulary
        facts, spans = [], []
        for case, candidates in zip(cases, per_case):
            residents = [fact_builder.resident_values(r) for r in case["beboere"]]
            projections = [fact_builder.candidate_as_resident(c, vocab) for c in candidates]
            spans.append((len(facts), len(residents), len(projections)))
            facts += residents + projections
        matched = self.evaluator.match("beboer", facts)
        for (start, n_residents, n_projections), candidates in zip(spans, per_case):
            current = matched[start:start + n_residents]
            moving_in = matched[start + n_residents:start + n_residents + n_projections]
            for name, spec in counts.items():
                rule = COUNT_PREFIX + name if spec.hvor is not None else None  # without hvor: every resident
                today = sum(1 for m in current if rule is None or rule in m)
                for values, own in zip(candidates, moving_in):
                    extra = 1 if spec.blant == "beboere_etter_innflytting" and (rule is None or rule in own) else 0
                    values[f"beregnet.{name}"] = today + extra

    # -- explanation ---------------------------------------------------------------------
    def _explain(self, values: dict, matched: set[str], shared: _Shared, regime: Regime) -> dict:
        """One candidate's result (a CandidateResult as a dict): points, blocks, consultations."""
        texts = self._texts
        items, unmet, blocks, consults = [], [], [], []
        unmet_conditions, tier, tier_position = self._standing(matched, regime)
        failed = [shared.finding(c.id, "vilkar", c.navn, texts[c.id].render(values), c.hjemmel)
                  for c in unmet_conditions]
        consults += [shared.finding(c.id, "vilkar", c.navn, texts[c.id].render(values), c.hjemmel)
                     for c in regime.discretionary if c.id not in matched]
        scoring = regime.scoring
        applied = None if scoring.simple else scoring.applied(matched, values)
        out_of_force = self.periods.out_of_force(values)[0] if self.periods else ()
        for c in regime.criteria:
            if c.id in out_of_force:
                continue  # not in force on the assessment date: neither points nor what it would have asked
            if applied is None:
                points = criterion_points(c, values) if c.id in matched else 0
            else:
                points = applied.get(c.id, 0)
            if points != 0:
                extras = {"poeng": points}
                if isinstance(c.poeng, PerUnitPoints):
                    extras["verdi"] = values.get(c.poeng.verdi)
                items.append(shared.score_item(c.id, "prioritering", c.navn, points,
                                               texts[c.id].render(values, extras), c.hjemmel))
            else:
                unmet.append(self._unmet[c.id])
        if applied is not None:
            for cut in scoring.cuts(applied, matched):
                items.append(shared.score_item(cut.group.id, "prioritering", cut.group.navn, cut.points, cut.text,
                                               cut.group.hjemmel))
        for check in regime.checks:
            if check.id in matched:
                (blocks if check.utfall == "blokker" else consults).append(shared.finding(
                    check.id, "egnethet", check.navn, texts[check.id].render(values), check.hjemmel))
        for rule in self.book.composition:
            if rule.id not in matched:
                continue
            text = texts[rule.id].render(values, {"poeng": rule.poeng} if rule.poeng is not None else None)
            if rule.utfall == "poeng":
                items.append(shared.score_item(rule.id, "sammensetning", rule.navn, rule.poeng, text, rule.hjemmel))
            else:
                finding = shared.finding(rule.id, "sammensetning", rule.navn, text, rule.hjemmel)
                (blocks if rule.utfall == "blokker" else consults).append(finding)
        placement = None
        if tier is not None:
            position, found, _, text = tier
            if isinstance(text, _Demoted):
                rendered, basis = text.render(values), text.basis
            else:
                # Every tier at this place that holds gives its reason: «fordi barnefamilie; bostedsløs», not the
                # first alone (a Bergen tester wrote one tier per priority group, all in one place).
                # Not the open tier (no condition of its own; in a plan's group its rule is the group's alone: a
                # Bristol tester read «ingen vurdert boligbehov» for a candidate in urgent need). A group's reason
                # and basis stand once, after the tiers' own.
                others = [entry for entry in regime.tiers if entry[0] == position and entry[1].id != found.id
                          and entry[1].betingelse is not None and _holds(entry[2], matched)]
                rendered = _joined([text.render(values), *(entry[3].render(values) for entry in others)])
                basis = _joined([found.hjemmel, *(entry[1].hjemmel for entry in others)])
            placement = {"id": found.id, "name": found.navn, "position": position, "text": rendered,
                         "basis": basis, "tie_break_order": self._tier_words_of(regime, position)}
        return {
            "rank": 0, "id": values["kandidat.id"], "welfare_office": values.get("kandidat.hvk"),
            "score": sum(i.points for i in items), "eligible": not blocks and not failed,
            "qualifies": not failed, "unmet_conditions": failed,
            "needs_consultation": bool(consults), "equal_standing_with": [], "score_items": items,
            "unmet_criteria": unmet, "blocks": blocks, "consultations": consults, "compared_to_top": None,
            "tier": placement, "tier_position": tier_position,
        }

    @staticmethod
    def _tier_of(matched: set[str], regime: Regime):
        """The first tier whose condition holds (or the open last tier), as (position, tier, rule, text); the
        tiers marked `sjekkes_forst` are tried before the others. A rule of `trinn_ned` that holds then moves
        the candidate that many places down, to the tier standing there, never past the last."""
        found = next((entry for entry in regime.tried if _holds(entry[2], matched)), None)
        if found is None or not regime.demotions:
            return found
        down = [(demotion, text) for rule, demotion, text in regime.demotions if rule in matched]
        if not down:
            return found
        end = next(end for end in regime.runs if found[0] <= end)  # a plan's group is never left by a demotion
        start = max((e for e in regime.runs if e < found[0]), default=0)
        # Down by tiers, not by file positions: a tier in another's place (samme_plass_som) leaves its own
        # position empty, and a move onto it crashed (a Sheffield tester, KeyError).
        places = [p for p in sorted(regime.by_place) if start < p <= end]
        at = places.index(found[0])
        place = places[min(at + sum(demotion.trinn for demotion, _ in down), len(places) - 1)]
        if place == found[0]:
            return found
        target = regime.by_place[place]
        return place, target[1], found[2], _Demoted(found, down)

    # -- order and ties ------------------------------------------------------------------
    def _order(self, results: list[dict], candidates: list[dict], regime: Regime,
               tied: dict | None = None) -> list[dict]:
        """Eligible first, then by tier (trinn), then by score, then by the tie-break fields, then by id.

        The tie-break fields are the regime's, or within a tier that has its own order
        (`Tier.ved_likt_poeng`) that tier's. Each block of one standing and tier is ordered
        by stable sorts from the least to the most significant key (Python's sort is stable,
        `reverse=True` included), which orders exactly as comparing the keys one after the
        other would. A missing tie-break value comes last whatever the direction.
        """
        standing = lambda p: (not p[0]["eligible"], p[0]["tier_position"])  # noqa: E731
        ordered = []
        for (_, position), block in itertools.groupby(sorted(zip(results, candidates), key=standing), key=standing):
            ties = regime.tier_ties.get(position, regime.ties)
            block = _by_ties(sorted(block, key=lambda p: p[0]["id"]), ties)
            block.sort(key=lambda p: -p[0]["score"])
            if tied is not None and ties and not regime.criteria:  # what `_equal_standing` tells apart by
                for result, values in block:
                    tied[result["id"]] = tuple(values.get(t.felt) for t in ties)
            ordered += [result for result, _ in block]
        return ordered

    def _equal_standing(self, ordered: list[dict], regime: Regime, tied: dict | None = None) -> list[list[str]]:
        """Pairwise: two eligible candidates of one tier within the margin of each other are of equal standing.

        Groups are the windows "a candidate and everyone ranked below within the
        margin of it", dropping windows contained in an earlier one; with scores
        65/64/59 and margin 5 that gives [65, 64] and [64, 59]. Candidates in
        different tiers are never of equal standing, and with `likeverdige: false`
        the order is strict: nobody is. In a scheme without points (no criteria) a
        tie-break order decides within a tier (a priority date), so the order there is
        strict too; where none is declared nothing in the rules tells the candidates
        apart, and all of one tier are of equal standing (only their ids would order them).
        """
        tied_on = tied or {}
        eligible = [r for r in ordered if r["eligible"]]  # tier, then score descending
        for r in eligible:
            r["equal_standing_with"] = []
        if not self.book.ranking.likeverdige:
            return []
        groups: list[list[str]] = []
        start = 0
        while start < len(eligible):
            end = start
            position = eligible[start]["tier_position"]
            while end < len(eligible) and eligible[end]["tier_position"] == position:
                end += 1
            if regime.criteria or not regime.tier_ties.get(position, regime.ties):
                groups += self._windows(eligible[start:end])
            else:  # without points: those the tie-break order does not tell apart (the same values on every field)
                groups += self._same_values(eligible[start:end], tied_on)
            start = end
        return groups

    @staticmethod
    def _same_values(eligible: list[dict], tied_on: dict[str, tuple]) -> list[list[str]]:
        """Runs of candidates, in their order, with the same value for every tie-break field: nothing in the
        rules tells them apart (only their ids order them), so they are of equal standing, as a scheme
        without any tie-break has all of one tier («familier med barn først; ellers avgjør møtet»)."""
        groups = []
        ids = tuple(r["id"] for r in eligible)
        start = 0
        while start < len(eligible):
            end = start + 1
            while end < len(eligible) and tied_on.get(ids[end]) == tied_on.get(ids[start]):
                end += 1
            for i in range(start, end):
                eligible[i]["equal_standing_with"] = Peers(ids, start, i, end)
            if end - start > 1:
                groups.append(list(ids[start:end]))
            start = end
        return groups

    def _windows(self, eligible: list[dict]) -> list[list[str]]:
        margin = self.book.ranking.likhetsmargin
        scores = [r["score"] for r in eligible]
        n = len(eligible)
        first = 0  # first index whose score is within the margin above eligible[i]
        last = 0   # one past the last index within the margin below eligible[i]
        ends = []
        ids = tuple(r["id"] for r in eligible)
        for i, r in enumerate(eligible):
            while scores[first] - scores[i] > margin:
                first += 1
            last = max(last, i + 1)
            while last < n and scores[i] - scores[last] <= margin:
                last += 1
            ends.append(last)
            # everyone in the window but the candidate itself, as a view of the shared ids: with many
            # equal scores the windows are long, and copying them was most of the ranking
            r["equal_standing_with"] = Peers(ids, first, i, last)
        groups: list[list[str]] = []
        covered_until = 0  # windows ending no later than an earlier window's end are contained in it
        for i, end in enumerate(ends):
            if end - i > 1 and end > covered_until:
                groups.append([r["id"] for r in eligible[i:end]])
                covered_until = end
        return groups

    def _regime_of(self, plans: list[dict]) -> Regime:
        """The regime a ranking's plan outcomes say was in force: the one plan, and the combined ones beside it."""
        combined = {p.id for p in self.book.plans if p.kombineres}
        applied = [p["id"] for p in plans if p["applied"]]
        main = next((pid for pid in applied if pid not in combined), None)
        return self.plans.regime(main, tuple(pid for pid in applied if pid in combined))

    def _tier_words_of(self, regime: Regime, position: int) -> list[str]:
        """A tier's own tie-break order in words under `regime` ([] for a tier without one); a combination of
        plans is worded the first time a vacancy needs it (its regime lives as long as the rules version)."""
        key = (id(regime), position)
        found = self._tier_words.get(key)
        if found is None:
            ties = regime.tier_ties.get(position)
            found = self._tier_words[key] = self.tie_break_words(ties) if ties is not None else []
        return found

    def tie_break_words(self, ties: list | None = None) -> list[str]:
        """The tie-break order in words: the bundle's, or (`ties`) a local plan's own."""
        vocab = self.book.vocabulary
        words = []
        for tie in self.book.ranking.ved_likt_poeng if ties is None else ties:
            field = vocab.get(tie.felt)
            label = field.label if field else tie.felt
            if field and field.type == "boolsk":
                how = "ja før nei" if tie.retning == "synkende" else "nei før ja"
            elif field and field.type == "dato":
                how = "tidligste dato først" if tie.retning == "stigende" else "seneste dato først"
            else:
                how = "lavest først" if tie.retning == "stigende" else "høyest først"
            words.append(f"«{label}» ({how})")
        words.append("kandidat-ID (alfabetisk), så rekkefølgen aldri avhenger av innsendingen")
        return words


def _joined(parts: list[str]) -> str:
    """Reasons (or bases) of several tiers as one, each part once: «medisinsk behov; 3 barn; lokal tilknytning»."""
    return "; ".join(dict.fromkeys(piece for part in parts for piece in part.split("; ")))


def _appeal(terms) -> dict | None:
    """Appeal terms (klage) as the result keeps them (AppealInfo), None without any."""
    return None if terms is None else {
        "deadline_days": terms.frist_dager, "decided_within_days": terms.avgjores_innen_dager,
        "heading": terms.overskrift, "text": terms.tekst, "basis": terms.hjemmel}


def _presented(top: dict | None, groups: list[list[str]]) -> list[str]:
    """Who is presented to the unit leader: the top candidate and those of equal standing with it (the first
    group, when the top opens it); nobody when nobody can be allocated."""
    if top is None:
        return []
    return groups[0] if groups and groups[0][0] == top["id"] else [top["id"]]


def _by_ties(pairs: list[tuple[dict, dict]], ties: list) -> list[tuple[dict, dict]]:
    """(result, values) pairs sorted by the tie-break fields, the first the most significant;
    equal or missing values keep the order they came in, and a missing value comes last."""
    for tie in reversed(ties):
        present = [p for p in pairs if p[1].get(tie.felt) is not None]
        missing = [p for p in pairs if p[1].get(tie.felt) is None]
        present.sort(key=lambda p: p[1][tie.felt], reverse=tie.retning != "stigende")
        pairs = present + missing
    return pairs


def _holds(rule, matched: set[str]) -> bool:
    """Whether a tier's rule holds: none (the open last tier), one rule id, or all of several (a tier within a
    plan's group ahead, `plans._in_group`)."""
    if rule is None:
        return True
    if isinstance(rule, tuple):
        return all(r in matched for r in rule)
    return rule in matched


def _no_tier(regime: Regime) -> int:
    """Where a candidate in no tier stands: after every tier (0 when the regime has none)."""
    return len(regime.tiers) + 1 if regime.tiers else 0


def _requirement(criterion, vocab, criteria: dict) -> str:
    if isinstance(criterion.poeng, PerUnitPoints):
        per = criterion.poeng
        field = vocab.get(per.verdi)
        label = field.label if field else per.verdi
        text = per.words(label)
        if criterion.betingelse is not None:
            text += f", når {describe(criterion.betingelse, vocab)}"
    else:
        text = describe(criterion.betingelse, vocab)
    if criterion.forutsetter is not None:
        text += f", og bare når «{criteria[criterion.forutsetter].navn}» gjelder"
    return text


_FIELDS = {model: tuple(model.model_fields) for model in (ScoreItem, Finding, Difference)}


class _Shared:
    """The parts of a result that repeat between candidates, made once per ranking.

    Two score items (or findings, or differences to the top) with equal fields
    are the same object; every field is part of the key, so sharing never changes
    what a candidate's result says. Results are read, not edited in place.
    """

    def __init__(self):
        self._objects: dict[tuple, Any] = {}

    def _get(self, model, key: tuple):
        """The shared instance for `key` (model name, then the model's fields in order)."""
        found = self._objects.get(key)
        if found is None:  # model_validate, without its wrapper or the model_fields property (a third of it)
            found = self._objects[key] = model.__pydantic_validator__.validate_python(
                dict(zip(_FIELDS[model], key[1:])))
        return found

    def score_item(self, rule_id: str, source: str, name: str, points: int, text: str, basis: str) -> ScoreItem:
        return self._get(ScoreItem, ("score", rule_id, source, name, points, text, basis))

    def finding(self, rule_id: str, source: str, name: str, text: str, basis: str) -> Finding:
        return self._get(Finding, ("finding", rule_id, source, name, text, basis))

    def difference(self, rule_id: str, name: str, points: int, points_top: int) -> Difference:
        return self._get(Difference, ("difference", rule_id, name, points, points_top))


class _Demoted:
    """The text of a tier a candidate was moved down to (trinn_ned): where they would have been, and why not,
    «flyttet ned fra «Band A» (akutt behov): husleiegjeld gir redusert fortrinn»."""

    def __init__(self, found: tuple, down: list):
        self.found, self.down = found, down
        # The band the candidate stands in is not why they stand there: the tier they were placed in and the
        # rules that moved them are (the band B's own basis says nothing of rent arrears).
        self.basis = "; ".join(dict.fromkeys([found[1].hjemmel, *(demotion.hjemmel for demotion, _ in down)]))

    def render(self, values: dict) -> str:
        _, tier, _, text = self.found
        reasons = "; ".join(template.render(values) for _, template in self.down)
        return f"flyttet ned fra «{tier.navn}» ({text.render(values)}): {reasons}"


class _Comparison:
    """Why a candidate is not first: the criteria whose points differ from the top candidate's.

    The top candidate's points are read once, not once per candidate.
    """

    def __init__(self, top: dict, shared: _Shared, compiled: "CompiledRules", regime: Regime,
                 values_by_id: dict[str, dict] | None = None):
        self.top = top
        self.regime = regime
        self.values_by_id = values_by_id or {}
        self.vocabulary = compiled.book.vocabulary
        self.best = {i.rule_id: i for i in top["score_items"]}
        self.shared = shared
        self.points = bool(regime.criteria)
        self.tie_words = compiled.tie_break_words(regime.ties)
        word = compiled.book.ranking.tekster.oppfyller_ikke_vilkarene  # the bundle's word, as a sentence start
        self.not_qualified = word[:1] + word[1:].lower() if word.isupper() else word

    def _values(self, result: dict, deciding: int) -> str:
        """« (T-4: 1. januar 2016, T-5: 1. januar 2021)»: the values the tie-break compared, so the order can be
        checked (a Cornwall tester could not see the date that ranked within a band). Only a date or number of
        the register (kandidat.*): a documented need (sjekkliste.*) of another office's nominee is not told."""
        ties = self.regime.tier_ties.get(result["tier_position"], self.regime.ties)
        if deciding >= len(ties) or not ties[deciding].felt.startswith("kandidat."):
            return ""
        field = self.vocabulary.get(ties[deciding].felt)
        if field is None or field.type not in ("dato", "heltall", "tall"):
            return ""
        theirs = self.values_by_id.get(self.top["id"], {}).get(ties[deciding].felt)
        mine = self.values_by_id.get(result["id"], {}).get(ties[deciding].felt)
        return (f" ({self.top['id']}: {format_value(field, theirs)}, "
                f"{result['id']}: {format_value(field, mine)})")

    def _group_ahead(self, top_position: int, position: int) -> str | None:
        """«gruppen «sognet» går foran alle andre (plan)» when the top one is in a plan's group ahead (gruppe_foran)
        and this one is not in it, nor in a group before it; None when a tier, not a group, is between them."""
        plan = self.regime.plan
        groups = [group for _, group in plan.groups_ahead()] if plan is not None else []
        runs = self.regime.runs
        if not groups or len(runs) <= 1:
            return None
        run_of = lambda p: next(k for k, last in enumerate(runs) if p <= last)  # noqa: E731
        k = run_of(top_position)
        if k >= len(groups) or run_of(position) <= k:
            return None
        others = "alle andre" if k == 0 else "alle som ikke er i " + " eller ".join(
            f"«{g.navn}»" for g in groups[:k + 1])
        return f"gruppen «{groups[k].navn}» går foran {others} ({plan.navn})"

    def _deciding(self, result: dict) -> int:
        """Which tie-break decided between this candidate and the top one: the first whose values differ (a
        tester: «avgjør «Community contribution»» was said when both were in work and the band date decided);
        the last word, the candidate id, when none does."""
        ties = self.regime.tier_ties.get(result["tier_position"], self.regime.ties)
        mine, theirs = self.values_by_id.get(result["id"], {}), self.values_by_id.get(self.top["id"], {})
        for i, tie in enumerate(ties):
            if mine.get(tie.felt) != theirs.get(tie.felt):
                return i
        return len(ties)

    def __call__(self, result: dict) -> dict:
        top, best = self.top, self.best
        own = {i.rule_id: i for i in result["score_items"]}
        differences = []
        for rule_id, theirs in best.items():
            mine = own.get(rule_id)
            points = mine.points if mine is not None else 0
            if points != theirs.points:
                name = (mine or theirs).name
                differences.append(self.shared.difference(rule_id, name, points, theirs.points))
        for rule_id, mine in own.items():
            if rule_id not in best and mine.points != 0:
                differences.append(self.shared.difference(rule_id, mine.name, mine.points, 0))
        # Rule ids are unique, so this order does not depend on the order found in.
        differences.sort(key=lambda d: (-abs(d.points_top - d.points), d.rule_id))
        behind = top["score"] - result["score"]
        mine, theirs = result.get("tier"), top.get("tier")
        if not result["qualifies"]:
            text = f"{self.not_qualified}: " + "; ".join(f.name for f in result["unmet_conditions"]) + "."
        elif not result["eligible"]:
            text = "Kan ikke tildeles boligen: " + "; ".join(b.name for b in result["blocks"]) + "."
        elif result["tier_position"] != top["tier_position"]:
            where = f"«{mine['name']}» ({mine['text']})" if mine else "ingen av trinnene"
            ahead = self._group_ahead(top["tier_position"], result["tier_position"]) or "et høyere trinn går foran"
            text = (f"I {where}; {top['id']} er i «{theirs['name']}», og {ahead}"
                    + (" uansett poeng." if self.points else "."))
        elif not self.points and result["id"] in top["equal_standing_with"]:
            text = f"Likeverdig med {top['id']}: ingenting i regelverket skiller dem, og de legges fram sammen."
        elif not self.points:
            inside = f"Innenfor «{mine['name']}»" if mine else "Uten poeng"
            words = (mine["tie_break_order"] if mine else None) or self.tie_words
            deciding = self._deciding(result)
            text = f"{inside} avgjør {words[deciding]}: {top['id']} står foran{self._values(result, deciding)}."
        elif behind == 0:
            text = f"Like mange poeng som {top['id']}; rekkefølgen er avgjort av reglene for likt poeng."
        else:
            parts = [f"{d.name} ({d.points} mot {d.points_top})" for d in differences]
            text = (f"{behind} poeng bak {top['id']}. Forskjellen skyldes: " + "; ".join(parts) + "."
                    if parts else f"{behind} poeng bak {top['id']}.")
        if mine and result["eligible"] and result["tier_position"] == top["tier_position"] and self.points:
            text = f"Innenfor «{mine['name']}»: {text[0].lower()}{text[1:]}"
        decided_by_tier = result["qualifies"] and result["eligible"] and result["tier_position"] != top["tier_position"]
        return {"top_candidate": top["id"], "points_behind": behind, "differences": differences, "text": text,
                "top_tier": theirs["id"] if decided_by_tier and theirs else None}
