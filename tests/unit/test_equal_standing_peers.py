"""Equal standing (likeverdige) as windows of the ranking (engine.evaluation.result.Peers): each
candidate's peers are exactly the eligible candidates of its tier within the margin of it, as a plain
pairwise comparison says; they read, compare and serialize as the list of ids, and a stored ranking
read back (plain lists) is the same result."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings, strategies as st

from engine import CompiledRules, load_rules
from engine.evaluation.result import Peers, RankingResult
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
sjekkliste:
  barn: {type: heltall, etikett: barn i husstanden, min: 0}
  akutt: {type: boolsk, etikett: akutt behov}
  blokkert: {type: boolsk, etikett: blokkert}
"""
CRITERIA = "- {id: barn, navn: Barn, poeng: {per: 1, verdi: sjekkliste.barn}, forklaring: barn, hjemmel: h}\n"
CHECKS = ("- {id: stopp, navn: Stopp, betingelse: {felt: sjekkliste.blokkert, er: true}, "
          "begrunnelse: stopp, hjemmel: h}\n")
TIERS = """
trinn:
  - {id: a, navn: Band A, betingelse: {felt: sjekkliste.akutt, er: true}, begrunnelse: akutt, hjemmel: h}
  - {id: b, navn: Band B, begrunnelse: andre, hjemmel: h}
"""
AS_OF = dt.date(2026, 6, 1)


def rules(tmp_path, margin: int) -> CompiledRules:
    folder = write_bundle(tmp_path / f"regler-{margin}", sections=SECTIONS, criteria=CRITERIA, checks=CHECKS,
                          ranking=f"likhetsmargin: {margin}\nved_likt_poeng: []\n" + TIERS)
    return CompiledRules(load_rules(folder))


def case(rows) -> dict:
    return {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": f"K-{i:03d}", "sjekkliste": {"barn": barn, "akutt": akutt, "blokkert": blokkert}}
        for i, (barn, akutt, blokkert) in enumerate(rows)]}


def plain_peers(result, margin: int) -> dict[str, list[str]]:
    """The definition, pair by pair, in ranking order."""
    eligible = [c for c in result.candidates if c.eligible]
    return {c.id: [o.id for o in eligible if o.id != c.id and o.tier.id == c.tier.id
                   and abs(o.score - c.score) <= margin] if c.eligible else []
            for c in result.candidates}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 12), st.booleans(), st.booleans()), min_size=1, max_size=30),
       margin=st.sampled_from([0, 2, 5]))
def test_each_candidates_peers_are_those_of_its_tier_within_the_margin(tmp_path_factory, rows, margin):
    compiled = rules(tmp_path_factory.mktemp("peers"), margin)
    result = compiled.rank(case(rows), AS_OF)
    expected = plain_peers(result, margin)
    for c in result.candidates:
        assert list(c.equal_standing_with) == expected[c.id]
        assert c.equal_standing_with == expected[c.id] and len(c.equal_standing_with) == len(expected[c.id])
        assert all(o in c.equal_standing_with for o in expected[c.id]) and c.id not in c.equal_standing_with


def test_peers_read_out_as_lists_and_a_stored_ranking_reads_back_the_same(tmp_path):
    compiled = rules(tmp_path, 0)
    result = compiled.rank(case([(3, False, False)] * 4 + [(1, False, False)]), AS_OF)
    first = result.candidates[0]
    assert isinstance(first.equal_standing_with, Peers)
    assert first.equal_standing_with == ["K-001", "K-002", "K-003"]
    assert first.equal_standing_with[-1] == "K-003" and first.equal_standing_with[1:] == ["K-002", "K-003"]
    assert result.candidates[2].equal_standing_with == ["K-000", "K-001", "K-003"]
    assert result.candidates[4].equal_standing_with == []
    stored = result.model_dump_json()
    assert json.loads(stored)["candidates"][1]["equal_standing_with"] == ["K-000", "K-002", "K-003"]
    again = RankingResult.model_validate_json(stored)
    assert again == result and again.model_dump_json() == stored
    assert result.model_dump()["candidates"][0]["equal_standing_with"] == ["K-001", "K-002", "K-003"]
