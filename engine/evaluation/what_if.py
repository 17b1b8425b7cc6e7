"""What would change the ranking (hva om): the fewest checklist facts that would lift a nominee to the top.

For a nominee below the top, try every change of one documented checklist
fact (a yes/no flipped, a choice changed), then every pair, and so on up to
`max_changes`, and report the first, smallest set whose change would make them
rank first. Every variant is ranked by the same engine and rules as the real
case; all variants of one nominee with the same number of changes are ranked
together, in one `rank_valid` of the case with them in the nominee's place.
When no such set exists (typically because a block rests on the home or the
unit, not on the applicant's documented needs), the answer says "none possible"
and why, and, since what the consultant can act on is who is laid before the
unit leader, the smallest set that would make the nominee equal to the top one
and laid before the unit leader with it (`presented_if`), or that they already are.

Consent (`samtykke_*`) is not a fact about need and is never changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from engine.evaluation.result import FactChange, RankingResult
from engine.evaluation.result import WhatWouldLift as WhatIf
from engine.language.texts import format_value

NOT_FACTS_PREFIX = "samtykke"
VARIANT_SEPARATOR = "#hva-om-"




def _options(compiled, checklist: dict) -> list[tuple[str, object]]:
    """Every single change of a documented yes/no or choice field: (field name, new value)."""
    options = []
    vocab = compiled.book.vocabulary
    for name, spec in vocab.section("sjekkliste").items():
        if name.startswith(NOT_FACTS_PREFIX):
            continue
        current = checklist.get(name)
        if spec.type == "boolsk":
            options += [(name, value) for value in (True, False) if value != current]
        elif spec.type == "valg":
            options += [(name, value) for value in (vocab.values_of(spec) or {}) if value != current]
    return options


def what_would_lift(compiled, case: dict, as_of: dt.date, candidate_id: str, max_changes: int = 2,
                    result: RankingResult | None = None) -> WhatIf:
    """The smallest set of checklist changes that would rank `candidate_id` first (case already validated)."""
    result = result or compiled.rank_valid(case, as_of)
    top = next((c for c in result.candidates if c.eligible), None)
    me = next(c for c in result.candidates if c.id == candidate_id)
    if top is None or top.id == candidate_id:
        return WhatIf(possible=True, changes=[], text=f"{candidate_id} står allerede først.")
    original = next(k for k in case["kandidater"] if k["id"] == candidate_id)
    options = _options(compiled, original["sjekkliste"])
    vocab = compiled.book.vocabulary
    already_presented = candidate_id in result.present_to_unit_leader
    presented_by = None  # the smallest change that would have them presented with the top one, if none lifts them
    for size in range(1, max_changes + 1):
        variants = []
        for combo in itertools.combinations(options, size):
            if len({name for name, _ in combo}) < size:
                continue  # two values for one field
            variant = copy.deepcopy(original)
            variant["id"] = f"{candidate_id}{VARIANT_SEPARATOR}{len(variants)}"
            for name, value in combo:
                variant["sjekkliste"][name] = value
            variants.append((variant, combo))
        if not variants:
            break
        trial = dict(case, kandidater=[k for k in case["kandidater"] if k["id"] != candidate_id]
                     + [v for v, _ in variants])
        tried = compiled.rank_valid(trial, as_of)
        ranked = tried.candidates
        position = {c.id: i for i, c in enumerate(ranked)}
        top_position = position[top.id]
        ahead = [(variant, combo) for variant, combo in variants
                 if position[variant["id"]] < top_position and ranked[position[variant["id"]]].eligible]
        # A higher score wins outright. At an equal score a tie-break field (akutt fare, the
        # oldest application) may decide, or in the end the id, and the variant's made-up id
        # must not: such a variant is ranked once more, in the nominee's own place and id.
        winners = [(variant, combo) for variant, combo in ahead
                   if ranked[position[variant["id"]]].score > top.score
                   or _first_in_own_place(compiled, case, as_of, candidate_id, variant)]
        if winners:
            changes = _changes(vocab, original, winners[0][1])
            words = " og ".join(c.text for c in changes)
            return WhatIf(possible=True, changes=changes,
                          text=f"{candidate_id} ville stått foran {top.id} om {words}.")
        if presented_by is None and not already_presented:
            # Not first, but laid before the unit leader with the top one (equal standing): in the trial the top
            # one's group, confirmed in the nominee's own place and id (a made-up id may order a tie).
            group = next((g for g in tried.equal_standing_groups if top.id in g), [])
            for variant, combo in variants:
                if variant["id"] in group and _presented_in_own_place(compiled, case, as_of, candidate_id, variant):
                    presented_by = combo
                    break
    # A condition for the waiting list not met (vilkår) stands before any band (a Trondheim tester read
    # ««Prioritert» går foran «ingen av trinnene»» for an applicant short of the residence period).
    why = (("oppfyller ikke vilkårene: " + "; ".join(c.name for c in me.unmet_conditions)) if not me.qualifies else
           ("; ".join(b.name for b in me.blocks) + " blokkerer") if me.blocks else
           f"«{top.tier.name}» går foran «{me.tier.name if me.tier else 'ingen av trinnene'}»"
           if top.tier is not None and (me.tier is None or me.tier.position != top.tier.position) else
           "rekkefølgen ved likt poeng avgjør" if me.score == top.score else "poengforskjellen er for stor")
    if already_presented:  # not ««Prioritert» går foran «Prioritert»» for two tiers at one place (a Bergen tester)
        return WhatIf(possible=False, changes=[],
                      text=f"{candidate_id} er likeverdig med {top.id} og legges allerede fram sammen med den; ingen "
                           f"endring av høyst {max_changes} sjekklistefelt løfter {candidate_id} foran {top.id}.")
    text = f"Ingen mulig: ingen endring av høyst {max_changes} sjekklistefelt løfter {candidate_id} foran {top.id} ({why})"
    if presented_by is not None:
        changes = _changes(vocab, original, presented_by)
        words = " og ".join(c.text for c in changes)
        return WhatIf(possible=False, changes=[], presented_if=changes,
                      text=f"{text}; men {candidate_id} ville vært likeverdig med {top.id} og lagt fram sammen med "
                           f"den om {words}.")
    return WhatIf(possible=False, changes=[], text=f"{text}.")


def _changes(vocab, original: dict, combo) -> list[FactChange]:
    changes = []
    for name, value in combo:
        path = f"sjekkliste.{name}"
        f = vocab.get(path)
        now = original["sjekkliste"].get(name)
        changes.append(FactChange(
            field=path, label=f.label, now=now, would_be=value,
            text=f"«{f.label}» var {format_value(f, value)} (dokumentert: {format_value(f, now)})"))
    return changes


def _presented_in_own_place(compiled, case: dict, as_of: dt.date, candidate_id: str, variant: dict) -> bool:
    """Whether the nominee, with the variant's facts under their own id, would be laid before the unit leader."""
    own = dict(variant, id=candidate_id)
    trial = dict(case, kandidater=[own if k["id"] == candidate_id else k for k in case["kandidater"]])
    return candidate_id in compiled.rank_valid(trial, as_of).present_to_unit_leader


def _first_in_own_place(compiled, case: dict, as_of: dt.date, candidate_id: str, variant: dict) -> bool:
    """Whether the nominee, with the variant's facts under their own id, would rank first."""
    own = dict(variant, id=candidate_id)
    trial = dict(case, kandidater=[own if k["id"] == candidate_id else k for k in case["kandidater"]])
    first = next((c for c in compiled.rank_valid(trial, as_of).candidates if c.eligible), None)
    return first is not None and first.id == candidate_id


def what_if_all(compiled, case: dict, as_of: dt.date, max_changes: int = 2,
                result: RankingResult | None = None) -> dict[str, WhatIf]:
    """For every nominee below the top: what would lift them."""
    result = result or compiled.rank_valid(case, as_of)
    top = next((c for c in result.candidates if c.eligible), None)
    if top is None:
        return {}
    return {c.id: what_would_lift(compiled, case, as_of, c.id, max_changes, result)
            for c in result.candidates if c.id != top.id}
