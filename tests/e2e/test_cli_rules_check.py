"""`boligtildeling rules check` as policy staff run it: exit codes, file and line, notes."""

from __future__ import annotations

from click.testing import CliRunner

from service.cli import main


def test_rules_check_exits_1_on_a_lint_error_and_names_file_and_line(edited):
    edited("egnethet.yaml", "        - {felt: botiltak.bemanning.natt, er: false}\n",
           "        - {felt: botiltak.bemanning.natt, er: false}\n        - {felt: botiltak.bemanning.natt, er: true}\n")
    result = CliRunner().invoke(main, ["rules", "check", "rules"])
    assert result.exit_code == 1
    assert "rules/egnethet.yaml:" in result.output
    assert "kontroll 'dognbemanning_uten_nattbemanning': betingelsen kan aldri være oppfylt" in result.output


def test_rules_check_mentions_fields_no_rule_uses_without_failing():
    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "merknad: " in result.output
    assert "feltet 'bolig.areal_m2' brukes ikke av noen regel" in result.output
