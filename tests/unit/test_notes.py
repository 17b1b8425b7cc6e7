"""Notes to the caseworker (merknader in egnethet.yaml): a reminder shown with a candidate when its
condition holds, which never blocks, gives no points or changes the order (Birmingham: «Band A is
reviewed after 6 months»)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.policy.lint import lint
from engine.policy.scenarios import ScenarioError, run_file
from support.readme import shipped_rules_with, yaml_blocks
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
SECTION = "## Merknader til saksbehandleren"


def _with_notes(tmp_path: Path, block: str) -> Path:
    return shipped_rules_with(tmp_path / "rules", "egnethet.yaml", block)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _with_notes(tmp_path_factory.mktemp("merknader"), yaml_blocks(SECTION)[0])


def test_a_note_is_shown_when_its_condition_holds_and_changes_nothing_else(folder):
    noted = CompiledRules(load_rules(folder)).rank(CASE, AS_OF)
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(CASE, AS_OF)
    # K-1187 has been ready for discharge since 1 September 2026: 2 whole months on 28 November
    assert {cid: [(n.rule_id, n.text) for n in notes] for cid, notes in noted.notes.items()} == {"K-1187": [(
        "lenge_utskrivningsklar", "Søkeren har vært utskrivningsklar i 2 måneder; be om en oppdatert vurdering "
                                  "fra institusjonen før tildeling.")]}
    assert noted.notes["K-1187"][0].basis == "Rutine for tildeling pkt. 4"
    strip = lambda r: r.model_dump(mode="json", exclude={"notes", "rules_version"})  # noqa: E731
    assert strip(noted) == strip(plain)  # order, points, blocks and texts are those of the rules without it
    assert "notes" not in plain.model_dump(mode="json")


def test_the_reference_evaluator_finds_the_same_notes(folder):
    case = copy.deepcopy(CASE)
    for i, candidate in enumerate(case["kandidater"]):
        candidate["sjekkliste"]["utskrivningsklar"] = True
        candidate["sjekkliste"]["utskrivningsklar_siden"] = f"2026-{7 + i:02d}-15"  # 4, 3, 2 and 1 months
    book = load_rules(folder)
    durable = CompiledRules(book).rank(case, AS_OF)
    assert durable.notes == CompiledRules(book, evaluator_factory=ReferenceRules).rank(case, AS_OF).notes
    assert sorted(durable.notes) == sorted(c["id"] for c in case["kandidater"][:3])


@pytest.fixture(scope="module")
def both(folder):
    book = load_rules(folder)
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2026, 11, 28))), min_size=4, max_size=4))
def test_durable_rules_and_the_reference_evaluator_agree_on_any_dates(both, since):
    durable, reference = both
    case = copy.deepcopy(CASE)
    for candidate, day in zip(case["kandidater"], since):
        candidate["sjekkliste"]["utskrivningsklar"] = day is not None
        candidate["sjekkliste"].pop("utskrivningsklar_siden", None)
        if day is not None:
            candidate["sjekkliste"]["utskrivningsklar_siden"] = day.isoformat()
    found = durable.rank(case, AS_OF).notes
    assert found == reference.rank(case, AS_OF).notes
    months = {c["id"]: (AS_OF.year - d.year) * 12 + AS_OF.month - d.month - (AS_OF.day < d.day)
              for c, d in zip(case["kandidater"], since) if d is not None}
    assert sorted(found) == sorted(cid for cid, n in months.items() if n >= 2)


def test_a_scenario_expects_exactly_the_notes(folder, tmp_path):
    expected = yaml.safe_load(yaml_blocks(SECTION)[1])["forventet"]
    scenario = {"navn": "Merknader", "vurderingsdato": AS_OF.isoformat(), "regler": str(folder),
                "sak_fil": str(ROOT / "examples" / "sak-1-lade.yaml"), "forventet": expected}
    path = tmp_path / "merknader.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == []
    scenario["forventet"] = {"merknader": {"K-2210": ["lenge_utskrivningsklar"]}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == ["K-2210: forventet merknadene lenge_utskrivningsklar, men fikk ingen"]
    scenario["forventet"] = {"merknader": {"K-2210": ["vindu_i_band"]}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        run_file(path)
    assert any("ukjent regel 'vindu_i_band'" in p.message for p in caught.value.problems)


def test_rules_check_and_lint_judge_a_note_like_any_rule(tmp_path):
    broken = yaml_blocks(SECTION)[0].replace("beregnet.maneder_utskrivningsklar, minst", "beregnet.maneder_utskrivningsklr, minst")
    with pytest.raises(RulesError) as caught:
        load_rules(_with_notes(tmp_path / "a", broken))
    assert any("mente du 'beregnet.maneder_utskrivningsklar'" in p.message and p.file.endswith("egnethet.yaml")
               and p.line and p.rule_kind == "merknad" for p in caught.value.problems)
    always = yaml_blocks(SECTION)[0].replace("minst: 2", "minst: 0")
    findings = [f.problem for f in lint(load_rules(_with_notes(tmp_path / "b", always))) if f.severity == "feil"]
    assert [(p.rule_kind, p.rule_id) for p in findings] == [("merknad", "lenge_utskrivningsklar")]
