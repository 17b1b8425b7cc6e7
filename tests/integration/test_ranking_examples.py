"""The example cases ranked under the shipped rules (as of 2026-11-28)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from engine import CompiledRules, load_rules, read_case_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("sak-*.yaml"))
LADE = ROOT / "examples" / "sak-1-lade.yaml"
SVERRESGATE = ROOT / "examples" / "sak-2-sammensetning.yaml"
AS_OF = dt.date(2026, 11, 28)


def rank(compiled, path):
    data, doc = read_case_file(path)
    return compiled.rank(data, AS_OF, doc)


def by_id(result):
    return {c.id: c for c in result.candidates}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_score_is_the_sum_of_its_score_items(compiled, path):
    result = rank(compiled, path)
    assert result.candidates
    for candidate in result.candidates:
        assert candidate.score == sum(item.points for item in candidate.score_items), candidate.id


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_blocked_candidates_come_after_every_eligible_one_and_ranks_count_from_one(compiled, path):
    result = rank(compiled, path)
    eligible = [c.eligible for c in result.candidates]
    assert eligible == sorted(eligible, reverse=True)
    assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))


def test_the_wheelchair_user_in_sak_2_is_blocked_by_the_second_floor_without_a_lift(compiled):
    candidate = by_id(rank(compiled, SVERRESGATE))["K-3003"]
    assert candidate.eligible is False
    stairs = next(b for b in candidate.blocks if b.rule_id == "trapper_uten_heis")
    assert "2. etasje" in stairs.text
    assert "heis" in stairs.text
    assert stairs.source == "egnethet"
    assert candidate.compared_to_top.text.startswith("Kan ikke tildeles boligen: ")


def test_the_24_hour_staffing_nominee_in_sak_1_is_blocked_for_lack_of_night_staff(compiled):
    candidate = by_id(rank(compiled, LADE))["K-1187"]
    assert candidate.eligible is False
    assert [b.rule_id for b in candidate.blocks] == ["dognbemanning_uten_nattbemanning"]
    assert "nattbemanning" in candidate.blocks[0].text
    assert "Lade botiltak" in candidate.blocks[0].text


def test_a_third_resident_with_active_substance_use_blocks_and_high_risk_needs_a_consultation(compiled):
    candidates = by_id(rank(compiled, SVERRESGATE))
    assert [b.rule_id for b in candidates["K-3001"].blocks] == ["for_mange_med_aktiv_rus"]
    assert "3 beboere ha aktiv rus" in candidates["K-3001"].blocks[0].text
    assert [f.rule_id for f in candidates["K-3002"].consultations] == ["hoy_utagering_blant_sarbare"]
    assert candidates["K-3002"].eligible and candidates["K-3002"].needs_consultation


def _shuffled(items: list, rng: random.Random) -> list:
    """A permutation of `items` in a different order than the original."""
    while True:
        out = rng.sample(items, len(items))
        if [i["id"] for i in out] != [i["id"] for i in items]:
            return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("seed", range(5))
def test_shuffling_candidates_and_residents_does_not_change_the_result(compiled, path, seed):
    data, _ = read_case_file(path)
    expected = compiled.rank(data, AS_OF).model_dump()
    rng = random.Random(seed)
    shuffled = dict(data, kandidater=_shuffled(data["kandidater"], rng), beboere=_shuffled(data["beboere"], rng))
    assert compiled.rank(shuffled, AS_OF).model_dump() == expected  # input_hash included


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_same_case_under_the_same_rules_gives_byte_identical_json(rulebook, path):
    first = rank(CompiledRules(rulebook), path).model_dump_json()
    second = rank(CompiledRules(load_rules(ROOT / "rules")), path).model_dump_json()
    assert first == second


def test_changing_one_criterions_points_moves_exactly_the_candidates_who_met_it(rulebook, compiled, rules_copy):
    before = by_id(rank(compiled, LADE))
    met = {cid for cid, c in before.items() if any(i.rule_id == "omsorgsgiver_svikter" for i in c.score_items)}
    assert met == {"K-2031", "K-2210"}

    path = rules_copy / "prioritering.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    poeng: 20\n    betingelse: {felt: sjekkliste.omsorgsgiver_svikter, er: true}"
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("poeng: 20", "poeng: 27")), encoding="utf-8")
    changed_book = load_rules(rules_copy)
    after = by_id(rank(CompiledRules(changed_book), LADE))

    assert {cid: after[cid].score - before[cid].score for cid in before} == {
        cid: (7 if cid in met else 0) for cid in before}
    assert changed_book.content_hash != rulebook.content_hash
    for cid in met:
        item = next(i for i in after[cid].score_items if i.rule_id == "omsorgsgiver_svikter")
        assert item.points == 27


def test_the_result_records_the_rules_version_and_as_of_date(rulebook, compiled):
    result = rank(compiled, LADE)
    assert result.as_of == AS_OF
    assert result.rules_version.label == "2026.1-eksempel"
    assert result.rules_version.content_hash == rulebook.content_hash
    assert len(result.input_hash) == 64
