"""rules/README.md's «Kandidatens samlede poeng» blocks, copied as a policy officer would into the shipped
rules, rank as the README says: the example case's nominees in the band of 30 points or more, and a
nominee with only waiting-time points refused a place on the list with the total in the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from engine import CompiledRules, load_rules
from support.readme import paste, shipped_rules_with, yaml_blocks

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)


def test_the_readme_total_points_band_and_condition_rank_as_the_readme_says(tmp_path):
    tiers, conditions = yaml_blocks("### Kandidatens samlede poeng")
    folder = shipped_rules_with(tmp_path / "rules", "rangering.yaml", tiers)
    paste(folder, "egnethet.yaml", conditions)
    compiled = CompiledRules(load_rules(folder))
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    # K-0954 applied on 3 November 2025 and has 47 points; with a home that is suitable and no
    # wish for community, only the waiting-time points are left (12 months: 12 points)
    late = dict(case["kandidater"][2], id="K-9999")
    late["sjekkliste"] = dict(late["sjekkliste"], bosituasjon="egen_bolig", tjenestebehov="ingen",
                              onsker_fellesskap=False)
    case["kandidater"].append(late)
    result = {c.id: c for c in compiled.rank(case, AS_OF).candidates}
    assert (result["K-2210"].score, result["K-2210"].tier.name, result["K-2210"].tier.text) == (
        65, "Housing stress", "65 poeng, minst 30")
    assert {c.tier.id for i, c in result.items() if i != "K-9999"} == {"housing_stress"}
    refused = result["K-9999"]
    assert (refused.score, refused.qualifies, refused.tier) == (12, False, None)  # not on the list: no band
    assert [f.text for f in refused.unmet_conditions] == [
        "Søkeren har 12 poeng; 30 poeng eller mindre gir ikke plass på listen."]
    assert all(c.qualifies for i, c in result.items() if i != "K-9999")  # 38 points and more
