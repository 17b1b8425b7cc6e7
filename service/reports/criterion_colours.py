"""Which colour each rule that gives points has in the score bars (poengstolpe) and their legend.

The colour belongs to the rule, not to its place in a candidate's list: «Ventetid» has
the same colour for the first candidate as for the fourth, whichever criteria each met.
The rules that give points are numbered in the order of the rules bundle (the criteria
of prioritering.yaml, then the composition rules with `utfall: poeng`), the version in
force first and then the others, and each gets the next of PALETTE_SIZE colours
(`.del-0` ... `.del-11` in service/web/static/site.css), so the rules of one version
have different colours as long as there are no more of them than colours. A rule no
loaded version has (from a version since removed) gets a colour from its id.

Standard library only (the rules bundles are passed in).
"""

from __future__ import annotations

import zlib
from typing import Iterable

PALETTE_SIZE = 12


def scoring_rule_ids(books: Iterable) -> list[str]:
    """The ids of the rules that give points, bundle by bundle, in the order they are written."""
    out: list[str] = []
    for book in books:
        out += [c.id for c in book.criteria] + [r.id for r in book.composition if r.utfall == "poeng"]
    return out


def colour_slots(rule_ids: Iterable[str]) -> dict[str, int]:
    """rule id -> its colour (0 .. PALETTE_SIZE - 1): the next colour for each id not seen before."""
    slots: dict[str, int] = {}
    for rule_id in rule_ids:
        if rule_id not in slots:
            slots[rule_id] = len(slots) % PALETTE_SIZE
    return slots


def colour_of(rule_id: str, slots: dict[str, int]) -> int:
    if rule_id in slots:
        return slots[rule_id]
    return zlib.crc32(rule_id.encode("utf-8")) % PALETTE_SIZE
