"""The scenario runner: expected-against-actual messages, invalid files (the CLI and the plugin: tests/e2e)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engine.policy.scenarios as scenarios
from support.scenario_files import ROOT, SAK_1, SAK_2, SCENARIOS_DIR, scenario_on, write
from engine import ScenarioError
from engine.policy.scenarios import RulesCache, ScenarioSpec, run_file, run_folder



def only_problem(exc: pytest.ExceptionInfo) -> str:
    assert len(exc.value.problems) == 1, exc.value.render()
    return str(exc.value.problems[0])


# -- passing and failing ---------------------------------------------------------------------

def test_passing_scenario_has_no_failures(tmp_path):
    path = write(tmp_path, "ok.yaml", scenario_on(SAK_1, """
        rekkefolge: [K-2210, K-2031]
        poeng: {K-2210: 65}
        presenteres: [K-2210, K-2031]
    """))
    outcome = run_file(path)
    assert outcome.passed and outcome.failures == []
    assert outcome.name == "Et scenario"
    assert outcome.file.endswith("ok.yaml")


def test_failing_scenario_states_expected_and_actual(tmp_path):
    path = write(tmp_path, "feil.yaml", scenario_on(SAK_1, """
        poeng: {K-2210: 70}
        rekkefolge: [K-2031, K-2210]
        presenteres: [K-2210]
        blokkert: {K-1187: []}
        likeverdige: []
    """))
    outcome = run_file(path)
    assert not outcome.passed
    assert outcome.failures == [
        "rekkefølge: forventet at rangeringen begynner med K-2031, K-2210, men den er K-2210, K-2031, K-0954, K-1187",
        "K-1187: forventet ikke blokkert, men blokkert av dognbemanning_uten_nattbemanning",
        "likeverdige: forventet ingen, men fikk [K-2210, K-2031]",
        "presenteres for enhetslederen: forventet K-2210, men fikk K-2210, K-2031",
        "K-2210: forventet 70 poeng, men fikk 65",
    ]


def test_explanation_expectations_check_points_and_words(tmp_path):
    path = write(tmp_path, "forklaring.yaml", scenario_on(SAK_1, """
        forklaringer:
          K-2210:
            - {regel: midlertidig_bolig, poeng: 25, tekst_inneholder: [MIDLERTIDIG BOLIG, institusjon]}
            - {regel: bostedslos}
        ikke_oppfylt: {K-2031: [omsorgsgiver_svikter]}
    """))
    failures = run_file(path).failures
    assert failures[0] == "K-2210: 'midlertidig_bolig' skulle gi 25 poeng, men ga 20"
    assert failures[1].startswith("K-2210: begrunnelsen for 'midlertidig_bolig' skulle inneholde «institusjon», "
                                  "men er «Søkeren bor i midlertidig bolig")
    assert failures[2] == "K-2210: forventet at regelen 'bostedslos' slår til, men den slo ikke til"
    assert failures[3] == "K-2031: forventet at kriteriet 'omsorgsgiver_svikter' ikke er oppfylt, men det ga 20 poeng"
    assert len(failures) == 4


def test_changes_address_candidates_by_id_or_number(tmp_path):
    path = write(tmp_path, "endret.yaml", scenario_on(SAK_2, """
        blokkert: {K-3001: [], K-3002: [trapper_uten_heis]}
    """, extra='endringer:\n  "beboere[B-22].aktiv_rus": false\n  "kandidater[1].sjekkliste.kan_ga_trapper": false\n'))
    assert run_file(path).failures == []


# -- invalid scenario files --------------------------------------------------------------------

def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "ugyldig.yaml", "navn: x\nvurderingsdato: 2026-11-28\nforventet: [\n")
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    problem = exc.value.problems[0]
    assert problem.file.endswith("ugyldig.yaml") and problem.line == 4
    assert "ugyldig YAML" in problem.message


def test_unknown_key_names_file_and_line(tmp_path):
    path = write(tmp_path, "ukjent.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}", extra="forventning: 3\n"))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert only_problem(exc).endswith("ukjent.yaml:4: forventning: ukjent felt 'forventning' (mente du 'forventet'?); "
                                      f"tillatt her: {', '.join(ScenarioSpec.model_fields)}")


def test_expectations_must_expect_something(tmp_path):
    path = write(tmp_path, "tom.yaml", "navn: x\nvurderingsdato: 2026-11-28\nsak_fil: s.yaml\nforventet: {}\n")
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert "tom.yaml:4: forventet: 'forventet' må ha minst én forventning" in only_problem(exc)


def test_candidate_not_in_case_names_the_line_of_the_id(tmp_path):
    path = write(tmp_path, "kandidat.yaml", scenario_on(SAK_1, """
        rekkefolge: [K-2210]
        blokkert:
          K-9999: [trapper_uten_heis]
    """))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert only_problem(exc).endswith(
        "kandidat.yaml:7: forventet.blokkert.K-9999: kandidaten 'K-9999' finnes ikke i saken; "
        "kandidatene er K-2031, K-1187, K-0954, K-2210")  # in the case's order


def test_every_problem_of_a_scenario_is_named_at_once(tmp_path):
    """A Bristol tester fixed an unknown candidate id before learning of the bad change and the unknown rule."""
    path = write(tmp_path, "alle.yaml", scenario_on(SAK_1, """
        blokkert:
          K-9999: [trapper_uten_hei]
    """).replace("forventet:", 'endringer:\n  "kandidater[K-1].sjekkliste.rullestol": true\nforventet:'))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 3, messages
    assert messages[0].startswith("ingen i kandidater har id-en 'K-1'")
    assert messages[1].startswith("kandidaten 'K-9999' finnes ikke i saken")
    assert messages[2].startswith("ukjent regel 'trapper_uten_hei'")


def test_rule_of_the_wrong_kind_is_rejected(tmp_path):
    path = write(tmp_path, "regel.yaml", scenario_on(SAK_1, "blokkert: {K-2210: [bostedslos, trapper_uten_hei]}"))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    messages = [p.message for p in exc.value.problems]
    assert messages == ["'bostedslos' er et kriterium i prioriteringsnøkkelen, ikke en regel som blokkerer",
                        "ukjent regel 'trapper_uten_hei' (mente du 'trapper_uten_heis'?); reglene som blokkerer i "
                        "regelverket: trapper_uten_heis, underetasje_uten_heis, rullestol_ikke_tilpasset, "
                        "dognbemanning_uten_nattbemanning, malgruppe_ikke_betjent, for_mange_med_aktiv_rus"]
    assert all(p.line == 5 for p in exc.value.problems)


def test_missing_case_file_names_the_scenario_line(tmp_path):
    path = write(tmp_path, "mangler.yaml", scenario_on(Path("finnes-ikke.yaml"), "poeng: {K-1: 1}"))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    problem = exc.value.problems[0]
    assert problem.file.endswith("mangler.yaml") and problem.line == 3
    assert problem.message.startswith("saksfilen 'finnes-ikke.yaml' finnes ikke")


def test_invalid_change_points_at_its_line(tmp_path):
    path = write(tmp_path, "endring.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}",
                                                       extra='endringer:\n  "kandidater[K-2210].sjekkliste.rullestol": "ja"\n'))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert str(exc.value.problems[-1]).endswith(
        "endring.yaml:5: endringer.kandidater[K-2210].sjekkliste.rullestol: "
        "'ja' er ikke true eller false")


def test_inline_case_errors_point_into_the_scenario(tmp_path):
    path = write(tmp_path, "innebygd.yaml", """
        navn: x
        vurderingsdato: 2026-11-28
        sak:
          ledig_bolig: {id: LB-1}
          kandidater: []
        forventet: {presenteres: []}
    """)
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert "innebygd.yaml:5: sak.kandidater: listen er for kort (minst 1)" in exc.value.render()


def test_folder_with_invalid_files_lists_every_one(tmp_path):
    write(tmp_path, "a.yaml", "navn: a\n")
    write(tmp_path, "b.yaml", scenario_on(SAK_1, "poeng: {K-X: 1}"))
    with pytest.raises(ScenarioError) as exc:
        run_folder(tmp_path)
    files = {Path(p.file).name for p in exc.value.problems}
    assert files == {"a.yaml", "b.yaml"}


# -- rules --------------------------------------------------------------------------------------

def test_scenario_uses_its_own_rules_folder(tmp_path, rules_copy):
    ranking = rules_copy / "rangering.yaml"
    ranking.write_text(ranking.read_text(encoding="utf-8").replace("likhetsmargin: 5", "likhetsmargin: 0"),
                       encoding="utf-8")
    path = write(tmp_path, "margin.yaml", scenario_on(SAK_1, "likeverdige: []\npresenteres: [K-2210]",
                                                      extra="regler: rules\n"))
    assert run_file(path).failures == []
    # The project rules give the opposite result.
    path.write_text(path.read_text(encoding="utf-8").replace("regler: rules\n", ""), encoding="utf-8")
    assert not run_file(path).passed
    assert run_file(path, rules_dir=rules_copy).passed


def test_rules_are_compiled_once_per_folder_in_a_run(tmp_path, monkeypatch):
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        write(tmp_path, name, scenario_on(SAK_1, "poeng: {K-2210: 65}"))
    loaded = []
    real = scenarios.RulesLibrary.load
    monkeypatch.setattr(scenarios.RulesLibrary, "load", lambda folder: loaded.append(folder) or real(folder))
    outcomes = run_folder(tmp_path, cache=RulesCache())
    assert [o.passed for o in outcomes] == [True, True, True]
    assert len(loaded) == 1


@pytest.fixture
def rules_with_a_2027_version(tmp_path):
    """The shipped rules, and a version from 1 January 2027 whose tie margin is 0 (no equal standing)."""
    import shutil

    folder = tmp_path / "regler"
    shutil.copytree(ROOT / "rules", folder)
    later = folder / "2027-01-01"
    later.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("2026-01-01", "2027-01-01").replace(
            '"2026.1-eksempel"', '"2027.1-eksempel"')
        if path.name == "rangering.yaml":
            text = re.sub(r"likhetsmargin: *[0-9.]+", "likhetsmargin: 0", text)
        (later / path.name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("day, presented", [("2026-11-28", "[K-2210, K-2031]"), ("2027-02-01", "[K-2210]")])
def test_a_scenario_is_ranked_by_the_version_in_force_on_its_date(tmp_path, rules_with_a_2027_version, day,
                                                                  presented):
    path = write(tmp_path, "dato.yaml", scenario_on(SAK_1, f"presenteres: {presented}",
                                                   extra=f"regler: {rules_with_a_2027_version}\n")
                 .replace("vurderingsdato: 2026-11-28", f"vurderingsdato: {day}"))

    outcome = run_file(path)

    assert outcome.passed, outcome.failures


def test_a_scenario_dated_before_every_version_names_its_date(tmp_path, rules_with_a_2027_version):
    path = write(tmp_path, "for-tidlig.yaml", scenario_on(SAK_1, "presenteres: [K-2210]",
                                                         extra=f"regler: {rules_with_a_2027_version}\n")
                 .replace("vurderingsdato: 2026-11-28", "vurderingsdato: 2025-06-01"))

    with pytest.raises(ScenarioError) as exc:
        run_file(path)

    assert "for-tidlig.yaml:2: vurderingsdato: ingen regelverksversjon gjelder 2025-06-01" in only_problem(exc)


def test_missing_rules_folder_named_in_scenario_is_a_scenario_error(tmp_path):
    path = write(tmp_path, "regler.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}", extra="regler: finnes-ikke\n"))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    assert "regler.yaml:4: regler: regelmappen 'finnes-ikke' finnes ikke" in only_problem(exc)


# -- the shipped scenarios, the CLI and the pytest plugin ---------------------------------------

def test_shipped_scenarios_have_names_and_descriptions():
    files = scenarios.scenario_files(SCENARIOS_DIR)
    assert len(files) >= 12
    outcomes = run_folder(SCENARIOS_DIR)
    assert all(o.passed for o in outcomes), [o for o in outcomes if not o.passed]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "\nbeskrivelse:" in text, path.name


def test_every_change_that_cannot_be_made_is_named_not_only_the_first(tmp_path):
    """A tester fixed two bad `endringer` one run at a time."""
    path = write(tmp_path, "to.yaml", scenario_on(SAK_1, "poeng: {K-2210: 65}", extra=(
        'endringer:\n  "kandidater[K-9999].alder": 30\n  "kandidater[9].alder": 30\n'
        '  "kandidater[K-2210].sjekkliste.rullestol": true\n')))
    with pytest.raises(ScenarioError) as exc:
        run_file(path)
    messages = [str(p) for p in exc.value.problems]
    assert len(messages) == 2, messages
    assert "ingen i kandidater har id-en 'K-9999'" in messages[0] and "to.yaml:5:" in messages[0]
    assert "'kandidater[9]' finnes ikke" in messages[1] and "to.yaml:6:" in messages[1]


def test_expecting_no_unmet_condition_and_getting_one_reads_as_a_sentence(tmp_path):
    """A tester read «forventet at vilkårene ingen ikke er oppfylt»."""
    bundle = Path(__file__).resolve().parents[2] / "examples" / "policies" / "welwyn-hatfield"
    path = tmp_path / "vilkar.yaml"
    path.write_text(f"navn: x\nvurderingsdato: 2026-11-30\nregler: {bundle / 'regler'}\n"
                    f"sak_fil: {bundle / 'saker' / 'sak-2-reservert.yaml'}\n"
                    "forventet:\n  ikke_kvalifisert: {W-202: []}\n", encoding="utf-8")
    outcome = run_file(path)
    assert outcome.failures == ["W-202: forventet at kandidaten oppfyller alle vilkårene, men lokal_tilknytning er "
                                "ikke oppfylt"]


def test_a_failure_about_who_is_presented_uses_the_bundles_own_words(tmp_path):
    """A Trondheim tester's bundle says «Legges fram for tildelingsmøtet»; a failing scenario said «presenteres
    for enhetslederen» all the same."""
    import shutil

    rules = tmp_path / "regler"
    shutil.copytree(ROOT / "rules", rules)
    with (rules / "rangering.yaml").open("a", encoding="utf-8") as f:
        f.write("\ntekster:\n  presenteres: Legges fram for tildelingsmøtet\n")
    path = write(tmp_path, "feil.yaml", scenario_on(SAK_1, "presenteres: [K-2210]\n", extra=f"regler: {rules}\n"))
    assert run_file(path).failures == [
        "legges fram for tildelingsmøtet (presenteres): forventet K-2210, men fikk K-2210, K-2031"]
