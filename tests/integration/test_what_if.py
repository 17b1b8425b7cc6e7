"""What would change the ranking: the smallest set of checklist facts that lifts a nominee to the top."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from engine import read_case_file
from engine.language.case import validate_case
from engine.evaluation.what_if import _options, what_if_all

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = dt.date(2026, 11, 28)


def case(compiled, name):
    data, doc = read_case_file(EXAMPLES / name)
    return validate_case(data, compiled.case_models, doc)


def first_after(compiled, case_, candidate_id, changes):
    changed = copy.deepcopy(case_)
    target = next(k for k in changed["kandidater"] if k["id"] == candidate_id)
    for change in changes:
        target["sjekkliste"][change.field.split(".", 1)[1]] = change.would_be
    return next(c for c in compiled.rank_valid(changed, AS_OF).candidates if c.eligible).id


@pytest.mark.parametrize("name", ["sak-1-lade.yaml", "sak-2-sammensetning.yaml"])
def test_each_proposed_change_really_lifts_the_nominee_to_the_top(compiled, name):
    c = case(compiled, name)
    for candidate_id, answer in what_if_all(compiled, c, AS_OF).items():
        if answer.possible:
            assert first_after(compiled, c, candidate_id, answer.changes) == candidate_id, answer.text


def test_the_proposal_is_minimal_no_single_change_would_do_when_two_are_proposed(compiled):
    c = case(compiled, "sak-1-lade.yaml")
    answer = what_if_all(compiled, c, AS_OF)["K-1187"]
    assert len(answer.changes) == 2
    original = next(k for k in c["kandidater"] if k["id"] == "K-1187")
    for name, value in _options(compiled, original["sjekkliste"]):
        changed = copy.deepcopy(c)
        next(k for k in changed["kandidater"] if k["id"] == "K-1187")["sjekkliste"][name] = value
        top = next(x for x in compiled.rank_valid(changed, AS_OF).candidates if x.eligible)
        assert top.id != "K-1187", (name, value)


def test_one_documented_fact_would_lift_k0954(compiled):
    answer = what_if_all(compiled, case(compiled, "sak-1-lade.yaml"), AS_OF)["K-0954"]
    assert [(c.field, c.now, c.would_be) for c in answer.changes] == [("sjekkliste.omsorgsgiver_svikter", False, True)]
    assert answer.text == ("K-0954 ville stått foran K-2210 om «Foreldre/pårørende kan ikke lenger ivareta "
                           "søkeren» var ja (dokumentert: nei).")


def test_none_possible_where_blocks_on_the_home_stand_in_the_way(compiled):
    answer = what_if_all(compiled, case(compiled, "sak-2-sammensetning.yaml"), AS_OF)["K-3003"]
    assert not answer.possible and answer.changes == []
    assert answer.text.startswith("Ingen mulig")
    assert "Boligen er ikke tilpasset rullestol" in answer.text


def test_consent_is_never_proposed(compiled):
    c = case(compiled, "sak-1-lade.yaml")
    for answer in what_if_all(compiled, c, AS_OF, max_changes=3).values():
        assert all(not ch.field.startswith("sjekkliste.samtykke") for ch in answer.changes)


def test_the_cli_and_the_api_show_what_would_lift_each_nominee(compiled, tmp_path):
    import yaml
    from click.testing import CliRunner

    from service.web.app import create_app
    from service.cli import main

    cli = CliRunner().invoke(main, ["rank", str(EXAMPLES / "sak-1-lade.yaml"), "--as-of", "2026-11-28", "--hva-om"])
    assert cli.exit_code == 0, cli.output
    assert ("   Hva om: K-0954 ville stått foran K-2210 om «Foreldre/pårørende kan ikke lenger ivareta søkeren» "
            "var ja (dokumentert: nei).") in cli.output.splitlines()

    text = (EXAMPLES / "sak-1-lade.yaml").read_text(encoding="utf-8")
    with_json = CliRunner().invoke(main, ["rank", str(EXAMPLES / "sak-1-lade.yaml"), "--as-of", "2026-11-28",
                                          "--hva-om", "--json"])
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    api = app.test_client().post("/api/v1/rank?as_of=2026-11-28&what_if=true", data=text,
                                 content_type="application/yaml")
    assert api.status_code == 200
    body = api.get_json()
    assert body == yaml.safe_load(with_json.output)
    lifts = {c["id"]: c["what_would_lift"] for c in body["candidates"]}
    assert lifts["K-2210"] is None
    assert lifts["K-0954"]["changes"][0]["field"] == "sjekkliste.omsorgsgiver_svikter"
    assert app.test_client().post("/api/v1/rank?what_if=kanskje", data=text,
                                  content_type="application/yaml").status_code == 400


# -- against brute force, on random cases --------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def brute_force_size(compiled, case_, candidate_id, max_changes=2) -> int | None:
    """The fewest checklist changes that put `candidate_id` first, by ranking every variant in its own place."""
    import itertools

    original = next(k for k in case_["kandidater"] if k["id"] == candidate_id)
    options = _options(compiled, original["sjekkliste"])
    for size in range(1, max_changes + 1):
        for combo in itertools.combinations(options, size):
            if len({name for name, _ in combo}) < size:
                continue
            changed = copy.deepcopy(case_)
            target = next(k for k in changed["kandidater"] if k["id"] == candidate_id)
            target["sjekkliste"].update(dict(combo))
            first = next((c for c in compiled.rank_valid(changed, AS_OF).candidates if c.eligible), None)
            if first is not None and first.id == candidate_id:
                return size
    return None


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(2, 3))
def test_what_if_agrees_with_brute_force_on_random_cases(compiled, seed, nominees):
    import random

    from tests.support.cases import random_case

    c = random_case(random.Random(seed), compiled.book.vocabulary, nominees, 3, AS_OF)
    c["beboere"][0]["sarbar"] = True  # a resident session where no rule fires crashes durable_rules
    valid = validate_case(c, compiled.case_models)

    for candidate_id, answer in what_if_all(compiled, valid, AS_OF).items():
        expected = brute_force_size(compiled, valid, candidate_id)
        assert answer.possible == (expected is not None), (candidate_id, answer.text, expected)
        if expected is not None:
            assert len(answer.changes) == expected, (candidate_id, answer.text)
            assert first_after(compiled, valid, candidate_id, answer.changes) == candidate_id


def test_a_change_that_wins_on_a_tie_break_field_is_found(compiled, tmp_path):
    """Equal points, and the tie-break order decides: the nominee wins when the fact that breaks the tie
    changes, even though the nominee's id comes after the top's (issue 9: --hva-om said "Ingen mulig")."""
    import shutil

    from engine import CompiledRules, load_rules

    folder = tmp_path / "regler"
    shutil.copytree(EXAMPLES.parent / "rules", folder)
    ranking = (folder / "rangering.yaml").read_text(encoding="utf-8")
    ranking = ranking.replace("  - {felt: sjekkliste.akutt_fare, retning: synkende}\n",
                              "  - {felt: sjekkliste.kan_ga_trapper, retning: synkende}\n")
    (folder / "rangering.yaml").write_text(ranking, encoding="utf-8")
    key = (folder / "prioritering.yaml").read_text(encoding="utf-8")  # one criterion no checklist fact moves
    key = key[:key.index("kriterier:")] + (
        "kriterier:\n  - id: voksen\n    navn: Voksen\n    poeng: 1\n"
        "    betingelse: {felt: kandidat.alder, minst: 18}\n    forklaring: Søkeren er voksen.\n"
        "    hjemmel: Testens nøkkel\n")
    (folder / "prioritering.yaml").write_text(key, encoding="utf-8")
    rules = CompiledRules(load_rules(folder))
    data, _ = read_case_file(EXAMPLES / "sak-1-lade.yaml")
    model = next(k for k in data["kandidater"] if k["id"] == "K-2210")
    first = copy.deepcopy(model) | {"id": "K-1", "soknad_mottatt": "2023-06-01"}
    second = copy.deepcopy(model) | {"id": "K-2", "soknad_mottatt": "2023-01-01"}
    first["sjekkliste"]["kan_ga_trapper"], second["sjekkliste"]["kan_ga_trapper"] = True, False
    valid = validate_case(dict(data, kandidater=[first, second]), rules.case_models)
    before = rules.rank_valid(valid, AS_OF).candidates
    assert [c.id for c in before] == ["K-1", "K-2"] and before[0].score == before[1].score

    answer = what_if_all(rules, valid, AS_OF)["K-2"]

    assert answer.possible, answer.text
    assert [(c.field, c.would_be) for c in answer.changes] == [("sjekkliste.kan_ga_trapper", True)]
    assert brute_force_size(rules, valid, "K-2") == 1


def _ranked_after(compiled, case_, candidate_id, changes):
    changed = copy.deepcopy(case_)
    target = next(k for k in changed["kandidater"] if k["id"] == candidate_id)
    for change in changes:
        target["sjekkliste"][change.field.split(".", 1)[1]] = change.would_be
    return compiled.rank_valid(changed, AS_OF)


def test_a_nominee_no_change_lifts_first_hears_what_would_have_them_laid_before_the_unit_leader(compiled):
    """A Bergen tester: «Ingen mulig» for a nominee one documented fact would put in the top one's band and so
    before the unit leader with it. The smallest such change is named, and it does what it says."""
    c = case(compiled, "sak-2-sammensetning.yaml")
    answer = what_if_all(compiled, c, AS_OF)["K-3003"]
    assert not answer.possible and answer.changes == []
    assert [(ch.field, ch.would_be) for ch in answer.presented_if] == [
        ("sjekkliste.rullestol", False), ("sjekkliste.kan_ga_trapper", True)]
    assert answer.text.endswith("men K-3003 ville vært likeverdig med K-3002 og lagt fram sammen med den om "
                                "«Bruker rullestol» var nei (dokumentert: ja) og «Kan gå i trapper» var ja "
                                "(dokumentert: nei).")
    after = _ranked_after(compiled, c, "K-3003", answer.presented_if)
    assert "K-3003" in after.present_to_unit_leader and after.candidates[0].id != "K-3003"
    original = next(k for k in c["kandidater"] if k["id"] == "K-3003")
    for name, value in _options(compiled, original["sjekkliste"]):  # minimal: no single change would do
        changed = copy.deepcopy(c)
        next(k for k in changed["kandidater"] if k["id"] == "K-3003")["sjekkliste"][name] = value
        assert "K-3003" not in compiled.rank_valid(changed, AS_OF).present_to_unit_leader, (name, value)


def _bundle_answers(bundle: str):
    """For each case of an example bundle: (path, compiled rules, validated case, ranking, what-if answers)."""
    from engine.evaluation.library import RulesLibrary

    folder = EXAMPLES / "policies" / bundle
    compiled_ = RulesLibrary.load(folder / "regler").compiled_for(AS_OF)
    for path in sorted((folder / "saker").glob("*.yaml")):
        data, doc = read_case_file(path)
        valid = validate_case(data, compiled_.case_models, doc)
        result = compiled_.rank_valid(valid, AS_OF)
        yield path, compiled_, valid, result, what_if_all(compiled_, valid, AS_OF, result=result)


@pytest.mark.parametrize("bundle", ["walsall", "askoy", "peterborough", "stevenage"])
def test_every_answer_about_being_laid_before_the_unit_leader_holds(bundle):
    """Over the example bundles: a nominee said to be laid before the unit leader already is; one told what would
    have them laid before it would be, after those changes, and is not lifted first by them."""
    seen = 0
    for path, compiled_, valid, result, answers in _bundle_answers(bundle):
        for candidate_id, answer in answers.items():
            if "legges allerede fram" in answer.text:
                assert candidate_id in result.present_to_unit_leader and not answer.possible
                assert "går foran" not in answer.text, answer.text
                seen += 1
            if answer.presented_if:
                after = _ranked_after(compiled_, valid, candidate_id, answer.presented_if)
                assert candidate_id in after.present_to_unit_leader, (path.name, candidate_id, answer.text)
                seen += 1
    assert seen


@pytest.mark.parametrize("bundle", ["harstad", "stavanger", "camden"])
def test_a_nominee_short_of_a_condition_is_told_so_not_that_a_band_goes_ahead(bundle):
    """A Trondheim tester: an applicant short of the residence period (a vilkår, not a checklist fact) read
    ««Prioritert» går foran «ingen av trinnene»». The conditions not met are what stands in the way."""
    seen = 0
    for _, _, _, result, answers in _bundle_answers(bundle):
        for c in result.candidates:
            if not c.qualifies and not answers[c.id].possible:
                names = "; ".join(u.name for u in c.unmet_conditions)
                assert f"(oppfyller ikke vilkårene: {names})" in answers[c.id].text, answers[c.id].text
                assert "går foran" not in answers[c.id].text
                seen += 1
    assert seen
