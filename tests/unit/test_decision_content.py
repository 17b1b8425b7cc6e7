"""The decision's content (vedtak in rangering.yaml): what the decision says to a candidate who can be
allocated the home (lease length, a temporary home, a provisional offer), each point the first option
whose condition durable_rules finds to hold. It never changes the order."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.policy.scenarios import ScenarioError, run_file
from support.readme import shipped_rules_with, yaml_blocks
from support.reference_evaluator import ReferenceRules, holds

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))


def _with_block(tmp_path: Path, block: str) -> Path:
    return shipped_rules_with(tmp_path / "rules", "rangering.yaml", block)


@pytest.fixture(scope="module")
def readme_rules(tmp_path_factory):
    block = yaml_blocks("## Vedtakets innhold")[0]
    return CompiledRules(load_rules(_with_block(tmp_path_factory.mktemp("vedtak"), block)))


def test_each_candidate_who_can_be_allocated_gets_the_first_option_that_holds(readme_rules):
    case = copy.deepcopy(CASE)
    case["kandidater"][0]["sjekkliste"]["aktiv_rus"] = True  # K-2031
    result = readme_rules.rank(case, AS_OF)
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(case, AS_OF)
    assert [c.id for c in result.candidates] == [c.id for c in plain.candidates]  # the order is untouched
    eligible = [c.id for c in result.candidates if c.eligible]
    assert sorted(result.decision_content) == sorted(eligible)
    for cid in eligible:
        values = {i.id: i.value for i in result.decision_content[cid]}
        assert values == {"leietid": "ett_ar_med_oppfolging" if cid == "K-2031" else "tre_ar",
                          "tjenester": "etter_behov"}
    k2210 = {i.id: i for i in result.decision_content["K-2210"]}
    assert k2210["leietid"].text == "leieavtale for 3 år; leietakeren kan søke om fornyelse"
    assert k2210["leietid"].basis == "Retningslinjer pkt. 6.1" and k2210["leietid"].name == "Leietid"
    assert k2210["tjenester"].text.endswith("i Lade botiltak")
    blocked = [c.id for c in result.candidates if not c.eligible]
    assert all(cid not in result.decision_content for cid in blocked)


def test_a_bundle_without_decision_points_gives_the_output_it_gave(readme_rules):
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(CASE, AS_OF)
    assert "decision_content" not in plain.model_dump(mode="json")
    assert "decision_content" in readme_rules.rank(CASE, AS_OF).model_dump(mode="json")


def test_a_scenario_expects_the_content_and_says_what_it_got(readme_rules, tmp_path):
    folder = Path(readme_rules.book.folder)
    expected = yaml.safe_load(yaml_blocks("## Vedtakets innhold")[1])["forventet"]
    scenario = {"navn": "Leietiden", "vurderingsdato": AS_OF.isoformat(), "regler": str(folder),
                "sak_fil": str(ROOT / "examples" / "sak-1-lade.yaml"), "forventet": expected}
    path = tmp_path / "leietid.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == []
    scenario["forventet"] = {"vedtak": {"K-2210": {"leietid": "ett_ar_med_oppfolging"}}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == [
        "K-2210: forventet ett_ar_med_oppfolging i vedtakspunktet 'leietid', men fikk tre_ar "
        "(«leieavtale for 3 år; leietakeren kan søke om fornyelse»)"]
    scenario["forventet"] = {"vedtak": {"K-2210": {"leietid": "fem_ar", "husleie": None}}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        run_file(path)
    messages = [p.message for p in caught.value.problems]
    assert "'fem_ar' er ikke et innhold i vedtakspunktet 'leietid' (innholdet kan være ett_ar_med_oppfolging, " \
           "tre_ar)" in messages
    assert "ukjent vedtakspunkt 'husleie' (vedtakspunktene er leietid, tjenester)" in messages


@pytest.mark.parametrize("block, message", [
    ("vedtak:\n  - id: leietid\n    navn: Leietid\n    innhold:\n      - {verdi: a, tekst: A, hjemmel: h}\n"
     "      - {verdi: b, tekst: B, hjemmel: h}\n", "bare det siste innholdet kan mangle 'betingelse'"),
    ("vedtak:\n  - id: leietid\n    navn: Leietid\n    innhold:\n"
     "      - {verdi: a, betingelse: {felt: sjekkliste.aktiv_russ, er: true}, tekst: A, hjemmel: h}\n",
     "mente du 'sjekkliste.aktiv_rus'"),
    ("vedtak:\n  - id: leietid\n    navn: Leietid\n    innhold:\n      - {verdi: a, tekst: '{kandidat.navnn}', hjemmel: h}\n",
     "teksten viser til ukjent felt '{kandidat.navnn}'"),
    ("vedtak:\n  - id: leietid\n    navn: Leietid\n    innhold:\n"
     "      - {verdi: a, betingelse: {felt: resultat.poeng, minst: 3}, tekst: A, hjemmel: h}\n", "resultat.poeng"),
])
def test_rules_check_refuses_broken_points_with_file_and_line(tmp_path, block, message):
    with pytest.raises(RulesError) as caught:
        load_rules(_with_block(tmp_path, block))
    found = [(p.message, p.file, p.line) for p in caught.value.problems]
    assert any(message in text and file.endswith("rangering.yaml") and line for text, file, line in found), found


OPTIONS = [("rus", {"felt": "sjekkliste.aktiv_rus", "er": True}),
           ("fare", {"felt": "sjekkliste.akutt_fare", "er": True}),
           ("rullestol", {"alle": [{"felt": "sjekkliste.rullestol", "er": True},
                                   {"felt": "sjekkliste.kan_ga_trapper", "er": False}]})]


@pytest.fixture(scope="module")
def option_rules(tmp_path_factory):
    lines = ["vedtak:", "  - id: punkt", "    navn: Punkt", "    innhold:"]
    for value, condition in OPTIONS:
        lines.append(f"      - {{verdi: {value}, betingelse: {yaml.safe_dump(condition, default_flow_style=True).strip()}, "
                     f"tekst: {value}, hjemmel: h}}")
    lines.append("      - {verdi: ellers, tekst: ellers, hjemmel: h}")
    folder = _with_block(tmp_path_factory.mktemp("valg"), "\n".join(lines) + "\n")
    book = load_rules(folder)
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), min_size=4, max_size=4))
def test_the_option_chosen_is_the_first_whose_condition_holds_as_the_reference_evaluator_finds(option_rules, flags):
    durable, reference = option_rules
    case = copy.deepcopy(CASE)
    for candidate, (rus, fare, rullestol, trapper) in zip(case["kandidater"], flags):
        candidate["sjekkliste"].update(aktiv_rus=rus, akutt_fare=fare, rullestol=rullestol, kan_ga_trapper=trapper)
    result = durable.rank(case, AS_OF)
    assert result.decision_content == reference.rank(case, AS_OF).decision_content
    for candidate in case["kandidater"]:
        if candidate["id"] not in result.decision_content:
            continue
        values = {f"sjekkliste.{k}": v for k, v in candidate["sjekkliste"].items()}
        wanted = next((value for value, condition in OPTIONS if holds(_condition(condition), values)), "ellers")
        assert [i.value for i in result.decision_content[candidate["id"]]] == [wanted]


def _condition(raw):
    from pydantic import TypeAdapter

    from engine.language.conditions import Condition

    return TypeAdapter(Condition).validate_python(raw)


def test_lint_judges_a_decision_points_conditions_like_any_rule(tmp_path):
    from engine.policy.lint import lint

    block = ("vedtak:\n  - id: leietid\n    navn: Leietid\n    innhold:\n"
             "      - {verdi: a, betingelse: {felt: beregnet.ventetid_maneder, minst: 0}, tekst: A, hjemmel: h}\n")
    findings = [f.problem for f in lint(load_rules(_with_block(tmp_path, block))) if f.severity == "feil"]
    assert [(p.file.endswith("rangering.yaml"), p.rule_kind, p.rule_id) for p in findings] == [
        (True, "vedtakspunkt", "leietid")]
    assert "alltid sann" in findings[0].message
