"""Rank a case under a rules bundle, explaining every point (the priority key at work).

`CompiledRules` is built once per rules version (compiling to durable_rules
costs milliseconds, validating the case model is per request) and is safe to
share between threads.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Callable

from . import facts as fact_builder
from .case import CaseModels, case_hash, validate_case
from .conditions import AllOf, Comparison, describe
from .durable_adapter import DurableRules
from .result import RankingResult, RulesVersion, UnmetCriterion
from .rules import PerUnitPoints, Rulebook
from .texts import render
from .yaml_source import SourceDocument

COUNT_PREFIX = "#antall:"  # cannot clash with a policy rule id (ids are [a-z0-9_])


def rule_conditions(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """Every condition to evaluate, by rule id: (scope, condition)."""
    rules: dict[str, tuple[str, Any]] = {}
    for criterion in book.criteria:
        condition = criterion.betingelse
        if isinstance(criterion.poeng, PerUnitPoints):
            has_value = Comparison(felt=criterion.poeng.verdi, finnes=True)
            condition = has_value if condition is None else AllOf(alle=[condition, has_value])
        rules[criterion.id] = ("kandidat", condition)
    for check in book.checks:
        rules[check.id] = ("kandidat", check.betingelse)
    for rule in book.composition:
        rules[rule.id] = ("kandidat", rule.betingelse)
    for name, derived in book.vocabulary.model.beregnet.items():
        if derived.antall is not None:
            rules[COUNT_PREFIX + name] = ("beboer", derived.antall.hvor)
    return rules


class CompiledRules:
    """A rules bundle ready to rank cases: case model and compiled evaluator."""

    def __init__(self, book: Rulebook, evaluator_factory: Callable = DurableRules):
        self.book = book
        self.case_models = CaseModels(book.vocabulary)
        vocab = book.vocabulary
        self.evaluator = evaluator_factory(rule_conditions(book), lambda path: getattr(vocab.get(path), "values", None))
        # What an unmet criterion would have required reads the same for every candidate.
        # The same instance serves every candidate: pydantic does not re-validate
        # model instances, so 5,000 candidates share ten objects instead of 50,000.
        self._unmet = {c.id: UnmetCriterion(
            rule_id=c.id, name=c.navn, basis=c.hjemmel, requirement=_requirement(c, vocab),
            points_possible=c.poeng.maks if isinstance(c.poeng, PerUnitPoints) else c.poeng)
            for c in book.criteria}

    @property
    def version(self) -> RulesVersion:
        return RulesVersion(label=self.book.version, effective_from=self.book.effective_from,
                            content_hash=self.book.content_hash)

    def rank(self, data: Any, as_of: dt.date | None = None, doc: SourceDocument | None = None) -> RankingResult:
        """Validate `data` as a case and rank it; raises CaseError before evaluating anything."""
        case = validate_case(data, self.case_models, doc)
        return self.rank_valid(case, as_of or dt.date.today())

    def rank_valid(self, case: dict, as_of: dt.date) -> RankingResult:
        book, vocab = self.book, self.book.vocabulary
        shared = fact_builder.vacancy_values(case)
        candidates = [fact_builder.candidate_values(c, shared) for c in case["kandidater"]]
        self._add_months(candidates, as_of)
        self._add_counts(case, candidates)
        fired = self.evaluator.match("kandidat", candidates)

        # Candidates are built as plain dicts and validated once, as a whole, at the
        # end: one pass through pydantic's core is several times cheaper than
        # building 60,000 small model objects one by one for 5,000 candidates.
        results = [self._explain(values, matched) for values, matched in zip(candidates, fired)]
        ordered = self._order(results, candidates)
        groups = self._equal_standing(ordered)
        top = next((r for r in ordered if r["eligible"]), None)
        for position, result in enumerate(ordered, start=1):
            result["rank"] = position
            if top is not None and result is not top:
                result["compared_to_top"] = _compare(result, top)
        present = []
        if top is not None:
            present = groups[0] if groups and groups[0][0] == top["id"] else [top["id"]]
        return RankingResult.model_validate({
            "vacancy_id": case["ledig_bolig"]["id"],
            "as_of": as_of,
            "rules_version": self.version,
            "input_hash": case_hash(case, as_of),
            "tie_margin": book.ranking.likhetsmargin,
            "tie_break_order": self.tie_break_words(),
            "candidates": ordered,
            "equal_standing_groups": groups,
            "present_to_unit_leader": present,
        })

    # -- computed values -------------------------------------------------------------
    def _add_months(self, candidates: list[dict], as_of: dt.date) -> None:
        for name, derived in self.book.vocabulary.model.beregnet.items():
            if derived.maneder_siden is None:
                continue
            for values in candidates:
                start = values.get(derived.maneder_siden)
                if start is not None:
                    values[f"beregnet.{name}"] = fact_builder.months_between(dt.date.fromisoformat(start), as_of)

    def _add_counts(self, case: dict, candidates: list[dict]) -> None:
        counts = {name: d.antall for name, d in self.book.vocabulary.model.beregnet.items() if d.antall is not None}
        if not counts:
            return
        vocab = self.book.vocabulary
        residents = [fact_builder.resident_values(r) for r in case["beboere"]]
        projections = [fact_builder.candidate_as_resident(c, vocab) for c in candidates]
        matched = self.evaluator.match("beboer", residents + projections)
        current, moving_in = matched[:len(residents)], matched[len(residents):]
        for name, spec in counts.items():
            rule = COUNT_PREFIX + name
            today = sum(1 for m in current if rule in m)
            for values, own in zip(candidates, moving_in):
                extra = 1 if spec.blant == "beboere_etter_innflytting" and rule in own else 0
                values[f"beregnet.{name}"] = today + extra

    # -- explanation ---------------------------------------------------------------------
    def _explain(self, values: dict, matched: set[str]) -> dict:
        """One candidate's result (a CandidateResult as a dict): points, blocks, consultations."""
        vocab = self.book.vocabulary
        items, unmet, blocks, consults = [], [], [], []
        for c in self.book.criteria:
            points = _criterion_points(c, values) if c.id in matched else 0
            if c.id in matched and points != 0:
                extras = {"poeng": points}
                if isinstance(c.poeng, PerUnitPoints):
                    extras["verdi"] = values.get(c.poeng.verdi)
                items.append({"rule_id": c.id, "source": "prioritering", "name": c.navn, "points": points,
                              "text": render(c.forklaring, vocab, values, extras), "basis": c.hjemmel})
            else:
                unmet.append(self._unmet[c.id])
        for check in self.book.checks:
            if check.id in matched:
                blocks.append({"rule_id": check.id, "source": "egnethet", "name": check.navn,
                               "text": render(check.begrunnelse, vocab, values), "basis": check.hjemmel})
        for rule in self.book.composition:
            if rule.id not in matched:
                continue
            text = render(rule.begrunnelse, vocab, values, {"poeng": rule.poeng} if rule.poeng is not None else {})
            entry = {"rule_id": rule.id, "source": "sammensetning", "name": rule.navn, "text": text,
                     "basis": rule.hjemmel}
            if rule.utfall == "poeng":
                items.append({**entry, "points": rule.poeng})
            else:
                (blocks if rule.utfall == "blokker" else consults).append(entry)
        return {
            "rank": 0, "id": values["kandidat.id"], "welfare_office": values.get("kandidat.hvk"),
            "score": sum(i["points"] for i in items), "eligible": not blocks,
            "needs_consultation": bool(consults), "equal_standing_with": [], "score_items": items,
            "unmet_criteria": unmet, "blocks": blocks, "consultations": consults, "compared_to_top": None,
        }

    # -- order and ties ------------------------------------------------------------------
    def _order(self, results: list[dict], candidates: list[dict]) -> list[dict]:
        values_of = {r["id"]: v for r, v in zip(results, candidates)}
        ties = self.book.ranking.ved_likt_poeng

        def compare(a: dict, b: dict) -> int:
            if a["eligible"] != b["eligible"]:
                return -1 if a["eligible"] else 1
            if a["score"] != b["score"]:
                return -1 if a["score"] > b["score"] else 1
            for tie in ties:
                x, y = values_of[a["id"]].get(tie.felt), values_of[b["id"]].get(tie.felt)
                if x == y:
                    continue
                if x is None or y is None:
                    return 1 if x is None else -1
                order = -1 if x < y else 1
                return order if tie.retning == "stigende" else -order
            return -1 if a["id"] < b["id"] else (1 if a["id"] > b["id"] else 0)

        return sorted(results, key=functools.cmp_to_key(compare))

    def _equal_standing(self, ordered: list[dict]) -> list[list[str]]:
        """Pairwise: two eligible candidates within the margin of each other are of equal standing.

        Groups are the windows "a candidate and everyone ranked below within the
        margin of it", dropping windows contained in an earlier one; with scores
        65/64/59 and margin 5 that gives [65, 64] and [64, 59].
        """
        margin = self.book.ranking.likhetsmargin
        eligible = [r for r in ordered if r["eligible"]]  # score descending
        scores = [r["score"] for r in eligible]
        n = len(eligible)
        first = 0  # first index whose score is within the margin above eligible[i]
        last = 0   # one past the last index within the margin below eligible[i]
        ends = []
        for i, r in enumerate(eligible):
            while scores[first] - scores[i] > margin:
                first += 1
            last = max(last, i + 1)
            while last < n and scores[i] - scores[last] <= margin:
                last += 1
            ends.append(last)
            r["equal_standing_with"] = [o["id"] for o in eligible[first:last] if o is not r]
        groups: list[list[str]] = []
        covered_until = 0  # windows ending no later than an earlier window's end are contained in it
        for i, end in enumerate(ends):
            if end - i > 1 and end > covered_until:
                groups.append([r["id"] for r in eligible[i:end]])
                covered_until = end
        return groups

    def tie_break_words(self) -> list[str]:
        vocab = self.book.vocabulary
        words = []
        for tie in self.book.ranking.ved_likt_poeng:
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


def _criterion_points(criterion, values: dict) -> int:
    if isinstance(criterion.poeng, PerUnitPoints):
        per = criterion.poeng
        amount = values.get(per.verdi)
        if amount is None:
            return 0
        return int(max(0, min(per.maks, per.per * amount)) // 1)
    return criterion.poeng


def _requirement(criterion, vocab) -> str:
    if isinstance(criterion.poeng, PerUnitPoints):
        per = criterion.poeng
        field = vocab.get(per.verdi)
        label = field.label if field else per.verdi
        text = f"{per.per:g} poeng per {per.enhet} ({label}), høyst {per.maks}"
        if criterion.betingelse is not None:
            text += f", når {describe(criterion.betingelse, vocab)}"
        return text
    return describe(criterion.betingelse, vocab)


def _compare(result: dict, top: dict) -> dict:
    """Why `result` is not first: the criteria whose points differ from the top candidate's."""
    own = {i["rule_id"]: i for i in result["score_items"]}
    best = {i["rule_id"]: i for i in top["score_items"]}
    differences = []
    for rule_id in list(best) + [r for r in own if r not in best]:
        mine = own[rule_id]["points"] if rule_id in own else 0
        theirs = best[rule_id]["points"] if rule_id in best else 0
        if mine != theirs:
            name = (own.get(rule_id) or best.get(rule_id))["name"]
            differences.append({"rule_id": rule_id, "name": name, "points": mine, "points_top": theirs})
    differences.sort(key=lambda d: (-abs(d["points_top"] - d["points"]), d["rule_id"]))
    behind = top["score"] - result["score"]
    if not result["eligible"]:
        text = "Kan ikke tildeles boligen: " + "; ".join(b["name"] for b in result["blocks"]) + "."
    elif behind == 0:
        text = f"Like mange poeng som {top['id']}; rekkefølgen er avgjort av reglene for likt poeng."
    else:
        parts = [f"{d['name']} ({d['points']} mot {d['points_top']})" for d in differences]
        text = (f"{behind} poeng bak {top['id']}. Forskjellen skyldes: " + "; ".join(parts) + "."
                if parts else f"{behind} poeng bak {top['id']}.")
    return {"top_candidate": top["id"], "points_behind": behind, "differences": differences, "text": text}
