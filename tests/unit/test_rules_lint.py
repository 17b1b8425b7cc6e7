"""Lint: valid rules that are still wrong policy are refused, with file and line (the command: tests/e2e)."""

from __future__ import annotations

import pytest

from engine import RulesError, load_rules
from engine.policy.lint import lint
from support.readme import RULES

FIX = "; se «Beskyttede egenskaper» i rules/README.md"  # what the first error for a field adds


def test_the_shipped_rules_have_no_lint_errors(rulebook):
    assert [f for f in lint(rulebook) if f.severity == "feil"] == []


def test_a_contradictory_criterion_is_an_error_with_file_line_and_rule(edited):
    errors, line = edited("prioritering.yaml", "    betingelse: {felt: sjekkliste.bosituasjon, er: bostedslos}\n",
                          "    betingelse:\n      alle:\n        - {felt: sjekkliste.bosituasjon, er: bostedslos}\n"
                          "        - {felt: sjekkliste.bosituasjon, er: midlertidig}\n")
    assert [str(e.problem) for e in errors] == [
        f"rules/prioritering.yaml:{line}: kriterium 'bostedslos': "
        "betingelsen kan aldri være oppfylt (delene motsier hverandre)"]


def test_an_empty_number_range_is_a_contradiction(edited):
    errors, line = edited("sammensetning.yaml", "        - {felt: beregnet.sarbare_beboere, over: 0}\n",
                          "        - {felt: beregnet.sarbare_beboere, over: 3}\n"
                          "        - {felt: beregnet.sarbare_beboere, under: 2}\n")
    assert [(e.problem.rule_id, e.problem.line) for e in errors] == [("hoy_utagering_blant_sarbare", line - 3)]


def test_a_protected_attribute_is_an_error_naming_the_line_where_it_is_used(edited, rules_copy):
    felter = rules_copy / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8").replace(
        "    samtykke_deling:\n",
        "    religion: {type: tekst, etikett: Religion}\n    samtykke_deling:\n"), encoding="utf-8")
    errors, line = edited("prioritering.yaml", "    betingelse: {felt: sjekkliste.akutt_fare, er: true}\n",
                          "    betingelse:\n      alle:\n        - {felt: sjekkliste.akutt_fare, er: true}\n"
                          "        - {felt: sjekkliste.religion, er: kristen}\n")
    assert [str(e.problem) for e in errors] == [
        f"rules/prioritering.yaml:{line + 3}: kriterium 'akutt_fare': 'sjekkliste.religion' er en beskyttet "
        "egenskap og kan ikke avgjøre en tildeling" + FIX]


def test_a_duplicate_criterion_is_an_error(edited):
    errors, line = edited("prioritering.yaml", "    betingelse: {felt: sjekkliste.omsorgsgiver_svikter, er: true}\n",
                          "    betingelse: {ikke: {felt: sjekkliste.akutt_fare, er_ikke: true}}\n")
    assert [(e.problem.rule_id, str(e.problem).split(": ", 2)[2]) for e in errors] == [
        ("akutt_fare", "gjelder for nøyaktig de samme sakene som kriterium 'omsorgsgiver_svikter' (duplikat)")]


def test_a_condition_too_complex_for_the_engine_is_an_error_naming_file_line_and_rule(edited):
    leaf = "{felt: sjekkliste.tjenestebehov, en_av: [dag, dag_kveld]}"
    cond = leaf
    for _ in range(5):  # nested negations of conjunctions expand past durable_rules' limits
        cond = f"{{ikke: {{alle: [{cond}, {{felt: sjekkliste.rullestol, er: true}}, {leaf}]}}}}"
    errors, line = edited("prioritering.yaml", "    betingelse: {felt: sjekkliste.akutt_fare, er: true}\n",
                          f"    betingelse: {cond}\n")
    assert [(e.problem.rule_id, e.problem.line) for e in errors] == [("akutt_fare", line)]
    assert "regelmotoren kan ikke bruke betingelsen" in errors[0].problem.message
    assert "skriv den enklere" in errors[0].problem.message


def test_a_check_that_only_blocks_whom_another_blocks_is_noted_as_shadowed(rules_copy, monkeypatch):
    monkeypatch.chdir(rules_copy.parent)
    path = rules_copy / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """
  - id: rullestol_uten_tilpasning_og_heis
    navn: Rullestolbruker, bolig uten tilpasning og heis
    betingelse:
      alle:
        - {felt: sjekkliste.rullestol, er: true}
        - {felt: bolig.rullestoltilpasset, er: false}
        - {felt: bolig.heis, er: false}
    begrunnelse: Boligen passer ikke.
    hjemmel: Test
""", encoding="utf-8")
    findings = lint(load_rules("rules"))
    shadowed = [f for f in findings if "overskygget" in f.problem.message]
    assert [(f.severity, f.problem.rule_id) for f in shadowed] == [("merknad", "rullestol_uten_tilpasning_og_heis")]
    assert "kontroll 'rullestol_ikke_tilpasset' allerede blokkerer" in shadowed[0].problem.message


def test_a_number_written_with_its_unit_is_one_error_that_says_to_write_the_number(tmp_path):
    """A Liverpool tester wrote `under: 6 måneder` and got four messages (not an integer, a number, a date, a
    mapping), none of which said to drop the unit."""
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    path = folder / "sammensetning.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{felt: beregnet.beboere_aktiv_rus_etter_innflytting, over: 2}",
        "{felt: beregnet.beboere_aktiv_rus_etter_innflytting, over: 2 beboere}"), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (15, "'2 beboere' er ikke et tall: skriv bare tallet (2); enheten følger av feltet")]
