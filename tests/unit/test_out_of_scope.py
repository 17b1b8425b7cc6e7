"""Homes the rules do not apply to (gjelder_ikke in rangering.yaml, the bundle's virkeområde): nobody is
ranked, the ranking says why, and that is not the same as every nominee being blocked (Harstad: «gjelder
ikke midlertidig botilbud etter § 27»; Stavanger: staffed shared homes are allocated by another office)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from engine import CompiledRules, RulesError, load_rules
from engine.policy.scenarios import run_file
from service.cli.rank import format_ranking, format_summary
from support.readme import shipped_rules_with, yaml_blocks
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
SECTION = "## Virkeområdet"
STAFFED = copy.deepcopy(CASE)
STAFFED["ledig_bolig"]["botiltak"]["bemanning"]["natt"] = True


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return shipped_rules_with(tmp_path_factory.mktemp("virkeomrade") / "rules", "rangering.yaml",
                              yaml_blocks(SECTION)[0])


@pytest.fixture(scope="module", params=["durable_rules", "reference"])
def compiled(folder, request):
    book = load_rules(folder)
    return CompiledRules(book) if request.param == "durable_rules" else CompiledRules(book, evaluator_factory=ReferenceRules)


def test_a_home_the_rules_do_not_apply_to_ranks_nobody_and_says_why(compiled):
    result = compiled.rank(STAFFED, AS_OF)
    assert result.candidates == [] and result.present_to_unit_leader == [] and result.decision_content == {}
    assert result.out_of_scope.rule_id == "heldognsplass" and result.out_of_scope.name == "Plass med heldøgns omsorg"
    assert result.out_of_scope.text == ("Boliger med heldøgns bemanning i Lade botiltak tildeles av "
                                        "tildelingskontoret for helse- og omsorgstjenester, ikke etter disse "
                                        "retningslinjene.")
    assert result.out_of_scope.basis == "Retningslinjer pkt. 1 (virkeområde)"
    assert result.model_dump(mode="json")["out_of_scope"]["rule_id"] == "heldognsplass"
    brief = compiled.rank_summary(STAFFED, AS_OF)
    assert brief.candidates == [] and brief.out_of_scope.rule_id == "heldognsplass"
    valid = compiled.case_models.Case.model_validate(STAFFED).model_dump(mode="json", exclude_none=True)
    assert compiled.rank_brief([(valid, AS_OF)]) == [[]]


def test_a_home_it_applies_to_ranks_as_before(compiled):
    result = compiled.rank(CASE, AS_OF)
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(CASE, AS_OF)
    assert result.out_of_scope is None and "out_of_scope" not in result.model_dump(mode="json")
    assert [(c.id, c.score, c.eligible) for c in result.candidates] == [(c.id, c.score, c.eligible)
                                                                      for c in plain.candidates]


def test_the_terminal_says_the_rules_do_not_apply_and_ranks_nobody(compiled):
    words = compiled.book.ranking.tekster
    for out in (format_ranking(compiled.rank(STAFFED, AS_OF), words),
                format_summary(compiled.rank_summary(STAFFED, AS_OF), words)):
        assert "Regelverket gjelder ikke denne boligen (Plass med heldøgns omsorg): Boliger med heldøgns" in out
        assert "   Grunnlag: Retningslinjer pkt. 1 (virkeområde)" in out
        assert "Ingen er rangert etter dette regelverket." in out and "K-2210" not in out


def test_a_scenario_expects_it_and_says_what_it_got(folder, tmp_path):
    expected = yaml.safe_load(yaml_blocks(SECTION)[1])["forventet"]
    staffed = tmp_path / "sak.yaml"
    staffed.write_text(yaml.safe_dump(STAFFED, allow_unicode=True), encoding="utf-8")
    scenario = {"navn": "Heldøgns", "vurderingsdato": AS_OF.isoformat(), "regler": str(folder),
                "sak_fil": str(staffed), "forventet": expected}
    path = tmp_path / "heldogns.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == []
    scenario["sak_fil"] = str(ROOT / "examples" / "sak-1-lade.yaml")
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == [
        "forventet at regelverket ikke gjelder boligen ('heldognsplass'), men regelverket gjelder boligen"]
    scenario["forventet"] = {"gjelder_ikke": None}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == []
    scenario["sak_fil"] = str(staffed)
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    [failure] = run_file(path).failures
    assert failure.startswith("forventet at regelverket gjelder boligen, men det gjelder ikke ('heldognsplass': ")


@pytest.mark.parametrize("change, message", [
    (("betingelse: {felt: botiltak.bemanning.natt, er: true}", "betingelse: {felt: kandidat.alder, under: 30}"),
     "'gjelder_ikke' kan bare lese felt for boligen (ledig_bolig.*, bolig.*, botiltak.*), ikke 'kandidat.alder'"),
    (("i {botiltak.navn} tildeles", "i {botiltak.navn} for {kandidat.alder} tildeles"),
     "teksten kan bare vise felt for boligen, ikke '{kandidat.alder}'"),
    (("id: heldognsplass", "id: ventetid"), "id-en er allerede brukt i prioritering.yaml"),
    (("botiltak.bemanning.natt", "botiltak.bemaning.natt"), "ukjent felt 'botiltak.bemaning.natt'"),
])
def test_rules_check_names_the_mistake_file_and_line(tmp_path, change, message):
    block = yaml_blocks(SECTION)[0].replace(*change)
    folder = shipped_rules_with(tmp_path / "rules", "rangering.yaml", block)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    text = str(caught.value)
    assert message in text and "rangering.yaml:" in text, text


def test_lint_judges_the_condition_as_it_judges_any_other(tmp_path):
    from engine.policy.lint import lint

    block = yaml_blocks(SECTION)[0].replace("{felt: botiltak.bemanning.natt, er: true}", "{felt: bolig.rom, minst: 1}")
    book = load_rules(shipped_rules_with(tmp_path / "rules", "rangering.yaml", block))
    [finding] = [f for f in lint(book) if f.severity == "feil"]
    assert "'minst: 1' er alltid sann: 'bolig.rom' er aldri under 1" in str(finding.problem)
    assert "rangering.yaml:" in str(finding.problem)
