"""The `boligtildeling` command end to end: rank, --json, errors and `rules check`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import read_case_file
from service.cli import main

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)


@pytest.fixture
def cli(monkeypatch):
    """Run the command from the project folder with the shipped rules, as a user would."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("BOLIGTILDELING_RULES", raising=False)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def test_rank_prints_the_ranking_in_bokmal_with_the_block(cli):
    result = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-11-28")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Rangering for ledig bolig LB-2026-041 per 2026-11-28\n")
    assert "1. K-2210 (Østbyen): 65 poeng, kan tildeles\n" in out
    assert "4. K-1187 (Midtbyen): 38 poeng, KAN IKKE TILDELES\n" in out
    assert ("   BLOKKERT  Behov for døgnbemanning der botiltaket ikke har nattbemanning: Søkeren trenger "
            "døgnbemanning, men Lade botiltak har ikke nattbemanning.\n") in out
    assert "Presenteres for enhetslederen: K-2210, K-2031\n" in out
    assert result.stderr == ""


def test_rank_json_is_exactly_the_engines_result(cli, compiled):
    result = cli("rank", "examples/sak-2-sammensetning.yaml", "--as-of", "2026-11-28", "--json")
    assert result.exit_code == 0, result.output
    data, doc = read_case_file(ROOT / "examples" / "sak-2-sammensetning.yaml")
    assert json.loads(result.stdout) == compiled.rank(data, AS_OF, doc).model_dump(mode="json")


def test_rank_of_a_bad_case_exits_1_naming_the_path_on_stderr(cli, tmp_path):
    text = (ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "sak.yaml"
    bad.write_text(text.replace("tjenestebehov: dag\n", "tjenestebehov: natt\n"), encoding="utf-8")
    result = cli("rank", str(bad), "--as-of", "2026-11-28")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Saken er ugyldig:\n")
    assert f"{bad}:77: kandidater[2].sjekkliste.tjenestebehov: 'natt' er ikke en av" in result.stderr


def test_rank_of_a_file_that_does_not_exist_exits_1(cli):
    result = cli("rank", "examples/finnes-ikke.yaml", "--as-of", "2026-11-28")
    assert result.exit_code == 1
    assert "examples/finnes-ikke.yaml: filen finnes ikke" in result.stderr


def test_rules_check_accepts_the_shipped_rules(cli):
    result = cli("rules", "check")
    assert result.exit_code == 0, result.output
    assert "er gyldig: versjon 2026.1-eksempel, gjelder fra 2026-01-01, 10 kriterier" in result.stdout


def test_rules_check_on_a_broken_copy_exits_1_with_file_and_line(cli, rules_copy, monkeypatch):
    path = rules_copy / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{felt: sjekkliste.bosituasjon, er: bostedslos}", "{felt: sjekkliste.bosituasjonn, er: bostedslos}"),
        encoding="utf-8")
    monkeypatch.chdir(rules_copy.parent)
    result = cli("rules", "check", "rules")
    assert result.exit_code == 1
    assert ("rules/prioritering.yaml:14: kriterium 'bostedslos': ukjent felt 'sjekkliste.bosituasjonn'"
            in result.stderr)


def test_rank_with_broken_rules_exits_1_before_reading_the_case(cli, rules_copy):
    (rules_copy / "rangering.yaml").unlink()
    result = cli("rank", "examples/sak-1-lade.yaml", "--rules", str(rules_copy), "--as-of", "2026-11-28")
    assert result.exit_code == 1
    assert "rangering.yaml: filen mangler i regelverket" in result.stderr


def test_an_impossible_as_of_date_is_a_usage_error(cli):
    result = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert "'2026-13-01' er ikke en dato som finnes (måneden må være 01-12; skriv ÅÅÅÅ-MM-DD)" in result.stderr
    assert "--as-of" in result.stderr


def test_every_command_has_help_text(cli):
    for args in (["--help"], ["rank", "--help"], ["rules", "--help"], ["rules", "check", "--help"]):
        result = cli(*args)
        assert result.exit_code == 0
        assert "Bruk:" in result.stdout


def test_the_installed_console_script_ranks_a_case():
    script = Path(sys.executable).parent / "boligtildeling"
    done = subprocess.run([str(script), "rank", "examples/sak-2-sammensetning.yaml", "--as-of", "2026-11-28"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Rangering for ledig bolig LB-2026-057 per 2026-11-28\n")
    blocked = [line for line in done.stdout.splitlines() if line.startswith("   BLOKKERT  ")]
    assert any("2. etasje" in line and "heis" in line for line in blocked)


def test_rank_in_brief_gives_one_line_per_candidate_and_the_blocking_rule(cli):
    result = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-11-28", "--sammendrag")

    assert result.exit_code == 0, result.output
    assert "1. K-2210 (Østbyen): 65 poeng, kan tildeles\n" in result.stdout
    assert "4. K-1187 (Midtbyen): 38 poeng, KAN IKKE TILDELES (dognbemanning_uten_nattbemanning)\n" in result.stdout
    assert "Presenteres for enhetslederen: K-2210, K-2031" in result.stdout
    assert "Grunnlag" not in result.stdout  # no explanations


def test_rank_in_brief_as_json_is_the_summary_model(cli):
    result = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-11-28", "--sammendrag", "--json")

    body = json.loads(result.stdout)
    assert [c["id"] for c in body["candidates"]] == ["K-2210", "K-2031", "K-0954", "K-1187"]
    assert body["candidates"][3]["blocked_by"] == ["dognbemanning_uten_nattbemanning"]
    assert set(body["candidates"][0]) == {"rank", "id", "welfare_office", "score", "eligible", "needs_consultation",
                                          "blocked_by", "consultation_by", "qualifies", "not_qualified_by", "tier", "outcome"}
    assert body["candidates"][0]["tier"] is None and body["candidates"][0]["qualifies"] is True  # no tiers, no vilkår


def test_rank_warns_when_one_office_has_two_candidates_but_still_ranks(cli, tmp_path):
    data, _ = read_case_file(ROOT / "examples" / "sak-1-lade.yaml")
    data["kandidater"][1]["hvk"] = data["kandidater"][0]["hvk"]
    office, first, second = data["kandidater"][0]["hvk"], data["kandidater"][0]["id"], data["kandidater"][1]["id"]
    path = tmp_path / "sak.json"
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")

    result = cli("rank", str(path), "--as-of", "2026-11-28")

    assert result.exit_code == 0
    assert f"Advarsel: 2 kandidater fra {office} ({first}, {second})" in result.stderr
    assert "Rangering for ledig bolig" in result.stdout


def test_rank_in_brief_and_what_if_together_is_a_usage_error(cli):
    result = cli("rank", "examples/sak-1-lade.yaml", "--sammendrag", "--hva-om")

    assert result.exit_code == 2
    assert "--hva-om og --sammendrag kan ikke brukes sammen" in result.output


def test_rank_speaks_in_the_bundles_own_words(cli, tmp_path):
    import shutil

    folder = tmp_path / "regler"
    shutil.copytree(ROOT / "rules", folder)
    readme = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    words = readme[readme.index("## Regelverkets egne ord"):].split("```yaml\n")[1].split("```")[0]
    with (folder / "rangering.yaml").open("a", encoding="utf-8") as f:
        f.write(words)

    result = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-11-28", "--rules", str(folder))
    brief = cli("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-11-28", "--rules", str(folder), "--sammendrag")

    assert result.exit_code == 0, result.output
    assert "Tilbys først: K-2210, K-2031" in result.stdout and "Presenteres" not in result.stdout
    assert "4. K-1187 (Midtbyen): 38 poeng, KAN IKKE FÅ TILBUD\n" in result.stdout
    assert "1. K-2210 (Østbyen): 65 poeng, kan få tilbud\n" in result.stdout
    assert "KAN IKKE FÅ TILBUD (dognbemanning_uten_nattbemanning)" in brief.stdout


def test_rules_check_counts_one_in_the_singular(cli):
    """«1 merknader» (a Cornwall tester): one of a kind in the singular, more in the plural."""
    result = cli("rules", "check", "examples/policies/great-yarmouth/regler")
    assert result.exit_code == 0, result.output
    assert "7 trinn, 1 lokal plan, 1 merknad (innholdshash" in result.stdout
    result = cli("rules", "check", "examples/policies/birmingham/regler")
    assert "1 vilkår, 0 kriterier, 0 egnethetskontroller, 0 sammensetningsregler, 4 trinn, 2 merknader" in result.stdout
