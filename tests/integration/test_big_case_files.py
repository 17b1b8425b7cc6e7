"""Big case files at the engine's speed (issue 12, item 6): JSON read as JSON, the line map only on
an error, and the ranking in brief (`rank_summary`) agreeing with the full ranking."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
import yaml

from engine import CaseError, read_case_file
from engine.language.case import offices_with_several
from engine.language.yaml_source import parse_yaml_text
from tests.support.cases import random_case

ROOT = Path(__file__).resolve().parents[2]
LADE = ROOT / "examples" / "sak-1-lade.yaml"
AS_OF = dt.date(2026, 11, 28)


def lade_as_json() -> str:
    return json.dumps(yaml.safe_load(LADE.read_text(encoding="utf-8")), default=str, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("seed", range(12))
def test_the_summary_has_the_order_scores_and_blocking_rules_of_the_full_ranking(compiled, rulebook, seed):
    rng = random.Random(seed)
    case = random_case(rng, rulebook.vocabulary, rng.randint(1, 40), rng.randint(0, 8), AS_OF)
    if case["beboere"]:
        case["beboere"][0]["sarbar"] = True  # a resident session where no rule fires crashes durable_rules

    full = compiled.rank(case, AS_OF)
    brief = compiled.rank_summary(case, AS_OF)

    assert [(c.id, c.rank, c.score, c.eligible, c.needs_consultation, c.welfare_office,
             [b.rule_id for b in c.blocks], [f.rule_id for f in c.consultations]) for c in full.candidates] == \
           [(c.id, c.rank, c.score, c.eligible, c.needs_consultation, c.welfare_office, c.blocked_by,
             c.consultation_by) for c in brief.candidates]
    assert brief.present_to_unit_leader == full.present_to_unit_leader
    assert (brief.input_hash, brief.rules_version, brief.as_of) == (full.input_hash, full.rules_version, full.as_of)


def test_a_json_case_file_ranks_as_its_yaml_original(compiled, tmp_path):
    path = tmp_path / "sak.json"
    path.write_text(lade_as_json(), encoding="utf-8")

    from_json, _ = read_case_file(path)
    from_yaml, _ = read_case_file(LADE)

    assert compiled.rank(from_json, AS_OF) == compiled.rank(from_yaml, AS_OF)


def test_an_invalid_json_case_still_names_the_line_of_the_bad_value(compiled, tmp_path):
    text = lade_as_json().replace('"rullestol": false', '"rullestol": "kanskje"', 1)
    path = tmp_path / "sak.json"
    path.write_text(text, encoding="utf-8")
    data, doc = read_case_file(path)
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if '"kanskje"' in line)

    with pytest.raises(CaseError) as caught:
        compiled.rank(data, AS_OF, doc)

    [problem] = caught.value.problems
    assert problem.line == expected_line and "rullestol" in problem.path


def test_a_valid_document_is_parsed_once_and_its_lines_only_when_asked(monkeypatch):
    composed = []
    real_compose = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: composed.append(1) or real_compose(*a, **k))

    doc = parse_yaml_text(LADE.read_text(encoding="utf-8"), file="sak.yaml")
    assert composed == []
    assert doc.line_of(("kandidater", 0, "id")) is not None
    assert composed == [1]
    doc.line_of(("kandidater", 1, "id"))
    assert composed == [1]  # composed once, then kept


def test_a_duplicate_key_in_json_is_refused_with_its_line():
    text = '{\n  "ledig_bolig": {},\n  "beboere": [],\n  "beboere": []\n}\n'

    with pytest.raises(Exception) as caught:
        parse_yaml_text(text, file="sak.json")

    assert "nøkkelen 'beboere' står to ganger" in str(caught.value) and ":4" in str(caught.value)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_numbers_are_not_read_as_numbers(constant):
    doc = parse_yaml_text('{"ledig_bolig": {"husleie": %s}}' % constant, file="sak.json")

    assert doc.data == {"ledig_bolig": {"husleie": constant}}  # read as YAML: a word, which validation refuses


def test_offices_with_several_candidates_are_named_and_nonsense_is_ignored():
    data = {"kandidater": [{"id": "K-1", "hvk": "Midtbyen"}, {"id": "K-2", "hvk": "Midtbyen"},
                           {"id": "K-3", "hvk": "Østbyen"}, "ikke en kandidat", {"id": "K-4"}]}

    assert offices_with_several(data) == {"Midtbyen": ["K-1", "K-2"]}
    assert offices_with_several([]) == {} and offices_with_several({"kandidater": 3}) == {}
