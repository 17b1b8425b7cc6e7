"""Points per unit without a cap (`maks` left out): Hull's «number of priorities» has no cap, and a
cap written only because the format demanded one would be invented."""

from __future__ import annotations

import datetime as dt

from engine import CompiledRules, load_rules
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  prioriteter: {type: heltall, etikett: antall prioriteter, min: 0}
"""
CRITERIA = """
- id: prioriteter
  navn: Prioriteter
  poeng: {per: 2, verdi: kandidat.prioriteter, enhet: prioritet}
  forklaring: "{kandidat.prioriteter|prioritet|prioriteter}"
  hjemmel: Hull, Band A
"""
AS_OF = dt.date(2026, 6, 1)


def test_without_maks_every_unit_counts_and_the_texts_say_there_is_no_cap(tmp_path):
    rules = CompiledRules(load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=CRITERIA)))
    result = rules.rank({"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "A", "prioriteter": 1000, "sjekkliste": {}}, {"id": "B", "prioriteter": 3, "sjekkliste": {}}, {"id": "C", "sjekkliste": {}}]}, AS_OF)
    assert [(c.id, c.score) for c in result.candidates] == [("A", 2000), ("B", 6), ("C", 0)]
    assert result.candidates[0].score_items[0].text == "1000 prioriteter"
    [unmet] = result.candidates[2].unmet_criteria
    assert unmet.points_possible is None
    assert unmet.requirement == "2 poeng per prioritet (antall prioriteter), uten tak"


def test_with_maks_the_cap_still_cuts(tmp_path):
    capped = CRITERIA.replace("enhet: prioritet}", "enhet: prioritet, maks: 10}")
    rules = CompiledRules(load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=capped)))
    result = rules.rank({"ledig_bolig": {"id": "B-1"}, "kandidater": [{"id": "A", "prioriteter": 1000, "sjekkliste": {}}]}, AS_OF)
    assert result.candidates[0].score == 10
