"""The rules listing (`rules show`, the policy page, /api/v1/rules) shows every kind of rule a bundle can
have, not only criteria, checks and composition rules: vilkår, tiers, notes and the decision's content."""

from __future__ import annotations

from pathlib import Path

from engine import CompiledRules, load_rules
from service.reports.policy_text import format_policy
from service.reports.rules_listing import list_rules

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def test_vilkar_tiers_and_decision_points_are_listed_in_words():
    listing = list_rules(CompiledRules(load_rules(POLICIES / "kristiansand" / "regler")))
    assert [c.id for c in listing.eligibility_conditions][:2] == ["lovlig_opphold", "folkeregistrert_i_kristiansand"]
    assert [(t.id, t.condition is None) for t in listing.tiers] == [("prioritert_gruppe", False), ("ovrige", True)]
    [lease, waiting_list] = listing.decision_points
    assert [(o.id, o.condition) for o in lease.options][0] == (
        "midlertidig_inntil_3_ar", "«Prioriterte grupper (vanskeligstilte) søkeren hører til» inneholder "
                                   "«flyktning i mottaksfasen»")
    assert lease.options[-1].condition is None and waiting_list.options[0].id == "tas_av_ventelisten"
    text = format_policy(listing)
    for heading in ("VILKÅR (for å stå på ventelisten må ...)", "TRINN (et høyere trinn går foran uansett poeng)",
                    "VEDTAKETS INNHOLD (det første som passer)"):
        assert heading in text
    assert "    tre_ar: leieavtale normalt på 3 år; leietakeren kan søke om fornyelse" in text


def test_notes_are_listed_and_a_bundle_without_them_lists_none():
    listing = list_rules(CompiledRules(load_rules(POLICIES / "birmingham" / "regler")))
    assert [n.id for n in listing.notes] == ["ny_vurdering_band_a", "ny_vurdering_band_b"]
    assert "MERKNADER TIL SAKSBEHANDLEREN" in format_policy(listing)
    shipped = list_rules(CompiledRules(load_rules(Path(__file__).resolve().parents[2] / "rules")))
    assert (shipped.notes, shipped.decision_points, shipped.tiers) == ([], [], [])
    assert "MERKNADER" not in format_policy(shipped) and "VEDTAKETS INNHOLD" not in format_policy(shipped)
