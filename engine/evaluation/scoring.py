"""Criterion points after prerequisites and groups (forutsetter, grupper in prioritering.yaml).

Real points schemes limit points together: "at most 50 points for medical need", "only
the highest of these counts", "additional preference only on top of reasonable
preference". durable_rules says which criteria's conditions hold; this module turns
that into points, in one place for the explained ranking and the brief one, so the
two can never disagree (tests/unit/test_criteria_groups.py ranks both ways).

Each criterion that applies keeps its own points in the explanation, and a group that
cut points gets an item of its own with the (negative) difference and why: the
reader sees what each criterion is worth and what the group took away, and the
score is still the sum of the items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.language.rules import CriteriaGroup, PerUnitPoints, Rulebook

GROUP_PREFIX = "#gruppe:"  # a group's condition (betingelse) as a rule; ids are [a-z0-9_]


def criterion_points(criterion, values: dict) -> int:
    if isinstance(criterion.poeng, PerUnitPoints):
        per = criterion.poeng
        amount = values.get(per.verdi)
        if amount is None:
            return 0
        points = per.per * amount
        return int(max(0, points if per.maks is None else min(per.maks, points)) // 1)
    return criterion.poeng


@dataclass(frozen=True)
class Cut:
    """What a group took away: `points` is negative (or zero is never made), `text` says why in bokmål."""

    group: CriteriaGroup
    points: int
    text: str


class Scoring:
    """Points per criterion that applies, and the cuts of the groups, for one rules version."""

    def __init__(self, book: Rulebook):
        self.criteria = book.criteria
        self.by_id = {c.id: c for c in book.criteria}
        self.groups = book.groups
        # A prerequisite is decided before the criterion that needs it (load_rules refuses rings).
        self.order = []
        placed: set[str] = set()

        def place(c):
            if c.id in placed:
                return
            if c.forutsetter is not None and c.forutsetter in self.by_id:
                place(self.by_id[c.forutsetter])
            placed.add(c.id)
            self.order.append(c)

        for c in book.criteria:
            place(c)
        self.simple = not self.groups and all(c.forutsetter is None for c in book.criteria)

    def applied(self, matched: set[str], values: dict[str, Any]) -> dict[str, int]:
        """Criterion id -> points, for each criterion whose condition held and whose prerequisite applied."""
        out: dict[str, int] = {}
        for c in self.order:
            if c.id in matched and (c.forutsetter is None or c.forutsetter in out):
                out[c.id] = criterion_points(c, values)
        return out

    def cuts(self, applied: dict[str, int], matched: set[str] | frozenset = frozenset()) -> list[Cut]:
        out = []
        for group in self.groups:
            members = [(m, applied[m]) for m in group.kriterier if applied.get(m)]
            if not members:
                continue
            raw = sum(p for _, p in members)
            if group.betingelse is not None and GROUP_PREFIX + group.id not in matched:
                # the group gives no points to this candidate («owner-occupiers get no needs points»)
                out.append(Cut(group, -raw, f"{group.begrunnelse.rstrip('. ')}: {raw} poeng fra «{group.navn}» "
                                            "trekkes fra."))
                continue
            if group.tak is None and not group.bare_hoyeste:
                continue
            kept, best = raw, None
            if group.bare_hoyeste and len(members) > 1:
                best = max(members, key=lambda mp: mp[1])  # the first of equals, in the group's order
                kept = best[1]
            capped = group.tak is not None and kept > group.tak
            if capped:
                kept = group.tak
            if kept != raw:
                out.append(Cut(group, kept - raw, self._why(group, best, capped, raw - kept)))
        return out

    def _why(self, group: CriteriaGroup, best, capped: bool, taken: int) -> str:
        parts = []
        if best is not None:
            parts.append(f"Bare det høyeste kriteriet i «{group.navn}» teller "
                         f"({self.by_id[best[0]].navn}, {best[1]} poeng)")
        if capped:
            parts.append(f"«{group.navn}» gir høyst {group.tak} poeng til sammen" if best is None
                         else f"gruppen gir høyst {group.tak} poeng")
        return "; ".join(parts) + f": {taken} poeng trekkes fra."

    def total(self, matched: set[str], values: dict[str, Any]) -> int:
        applied = self.applied(matched, values)
        return sum(applied.values()) + sum(c.points for c in self.cuts(applied, matched))


def group_rules(book: Rulebook) -> dict[str, tuple[str, Any]]:
    """The groups' conditions (betingelse), by rule id: matched with the criteria."""
    return {GROUP_PREFIX + g.id: ("kandidat", g.betingelse) for g in book.groups if g.betingelse is not None}
