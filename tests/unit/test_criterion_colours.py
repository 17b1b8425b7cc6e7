"""A criterion's colour in the score bars is the criterion's own, not its place in a candidate's list."""

from __future__ import annotations

import re
from pathlib import Path

from service.reports.criterion_colours import PALETTE_SIZE, colour_of, colour_slots, scoring_rule_ids

CSS = Path(__file__).resolve().parents[2] / "service" / "web" / "static" / "site.css"


def test_every_rule_that_gives_points_in_the_shipped_rules_has_a_colour_of_its_own(rulebook):
    ids = scoring_rule_ids([rulebook])
    slots = colour_slots(ids)

    assert len(ids) <= PALETTE_SIZE
    assert sorted(slots.values()) == list(range(len(ids)))  # no two rules share a colour
    assert "ventetid" in slots and "flere_med_hoy_utagering" in slots  # criteria and point adjustments


def test_a_rules_colour_does_not_depend_on_which_other_criteria_a_candidate_met(rulebook):
    slots = colour_slots(scoring_rule_ids([rulebook]))
    first = ["bostedslos", "akutt_fare", "ventetid"]
    second = ["tjenestebehov_samsvarer", "ventetid"]

    assert colour_of("ventetid", slots) == colour_of("ventetid", slots)
    assert [colour_of(r, slots) for r in first][2] == [colour_of(r, slots) for r in second][1]


def test_a_rule_of_a_version_no_longer_loaded_still_gets_a_stable_colour():
    assert colour_of("gammel_regel", {}) == colour_of("gammel_regel", {"ventetid": 0})
    assert 0 <= colour_of("gammel_regel", {}) < PALETTE_SIZE


def test_the_style_sheet_has_a_colour_for_every_slot():
    css = CSS.read_text(encoding="utf-8")

    assert {int(n) for n in re.findall(r"\.del-(\d+) \{ background:", css)} >= set(range(PALETTE_SIZE))
