"""Impact analysis (`rules impact`): exactly the cases whose order or top candidate changes, against brute force."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from engine import CompiledRules, RulesError, load_rules
from engine.language.case import validate_case
from engine.policy.impact import NO_GROUP, PastCase, analyse_impact
from engine.evaluation.library import RulesLibrary
from service.cli import main
from support.store import recommend_and_approve, nominate_all, report_lade
from tests.support.cases import random_case

ROOT = Path(__file__).resolve().parents[2]
N_CASES = 300
CHANGED = "bostedslos"  # 30 points in force, 18 in the draft


def with_points(folder: Path, criterion: str, before: int, after: int) -> None:
    path = folder / "prioritering.yaml"
    text = path.read_text(encoding="utf-8")
    old = f"  - id: {criterion}\n"
    start = text.index(old)
    points = text.index(f"poeng: {before}\n", start)
    path.write_text(text[:points] + f"poeng: {after}\n" + text[points + len(f"poeng: {before}\n"):], encoding="utf-8")


def relabel(folder: Path, label: str, effective: str | None = None) -> None:
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace('versjon: "2026.1-eksempel"', f'versjon: "{label}"')
        if effective:
            text = text.replace("gjelder_fra: 2026-01-01", f"gjelder_fra: {effective}")
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def draft_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("utkast") / "utkast"
    shutil.copytree(ROOT / "rules", folder)
    relabel(folder, "2026.2-utkast")
    with_points(folder, CHANGED, 30, 18)
    return folder


@pytest.fixture(scope="module")
def draft(draft_dir):
    return load_rules(draft_dir)


@pytest.fixture(scope="module")
def library():
    return RulesLibrary.load(ROOT / "rules")


@pytest.fixture(scope="module")
def past_cases(library) -> list[PastCase]:
    rng = random.Random(20261128)
    vocabulary = library.versions[0].vocabulary
    cases = []
    for i in range(N_CASES):
        as_of = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
        data = random_case(rng, vocabulary, 4, rng.randint(0, 6), as_of)
        cases.append(PastCase(f"sak-{i:04d}", data, as_of))
    return cases


@pytest.fixture(scope="module")
def brute_force(library, draft, past_cases):
    """Every case ranked one by one with rank_valid, under the version in force and under the draft."""
    compiled_draft = CompiledRules(draft)
    out = {}
    for past in past_cases:
        current = library.compiled_for(past.as_of)
        before = current.rank_valid(validate_case(past.data, current.case_models), past.as_of)
        after = compiled_draft.rank_valid(validate_case(past.data, compiled_draft.case_models), past.as_of)
        out[past.case_id] = (before, after)
    compiled_draft.evaluator.close()
    return out


@pytest.fixture(scope="module")
def report(library, draft, past_cases):
    return analyse_impact(past_cases, library, draft, workers=1)


def order(result) -> list[str]:
    return [c.id for c in result.candidates]


def top(result) -> str:
    return next((c.id for c in result.candidates if c.eligible), "")


# -- the batch API is rank_valid ----------------------------------------------------------------

def test_rank_brief_gives_what_rank_valid_gives_for_every_case(library, past_cases, brute_force):
    compiled = library.compiled(library.versions[0])
    valid = [(validate_case(p.data, compiled.case_models), p.as_of) for p in past_cases]
    brief = compiled.rank_brief(valid)
    assert len(brief) == len(past_cases)
    for past, ranked in zip(past_cases, brief):
        full = brute_force[past.case_id][0]
        assert [(c["id"], c["rank"], c["score"], c["eligible"], c["needs_consultation"], c["welfare_office"])
                for c in ranked] == \
               [(c.id, c.rank, c.score, c.eligible, c.needs_consultation, c.welfare_office)
                for c in full.candidates], past.case_id


def test_rank_brief_of_no_cases_and_of_a_case_without_residents(library, past_cases):
    compiled = library.compiled(library.versions[0])
    assert compiled.rank_brief([]) == []
    data = dict(past_cases[0].data, beboere=[])
    case = validate_case(data, compiled.case_models)
    [ranked] = compiled.rank_brief([(case, past_cases[0].as_of)])
    assert [c["id"] for c in ranked] == order(compiled.rank_valid(case, past_cases[0].as_of))


# -- the report against brute force -------------------------------------------------------------

def test_the_cases_whose_order_changed_are_exactly_those_of_the_brute_force(report, brute_force):
    expected = sorted(cid for cid, (b, a) in brute_force.items() if order(b) != order(a))
    assert expected, "the draft should change some orders"
    assert sorted(report.order_changed) == expected
    assert report.summary.cases_order_changed == len(expected)
    assert report.summary.cases_evaluated == N_CASES and report.summary.cases_failed == 0


def test_the_cases_whose_top_changed_are_exactly_those_of_the_brute_force(report, brute_force):
    expected = sorted(cid for cid, (b, a) in brute_force.items() if top(b) != top(a))
    assert expected, "the draft should change some tops"
    assert sorted(report.top_changed) == expected
    assert report.summary.cases_top_changed == len(expected)
    cases = report.cases.set_index("case_id")
    for cid in expected:
        before, after = brute_force[cid]
        assert (cases.at[cid, "top_before"], cases.at[cid, "top_after"]) == (top(before), top(after))


def test_every_candidate_row_has_the_ranks_and_scores_of_the_brute_force(report, brute_force):
    rows = report.candidates
    assert len(rows) == 4 * N_CASES
    for r in rows.itertuples():
        before, after = brute_force[r.case_id]
        b = next(c for c in before.candidates if c.id == r.candidate_id)
        a = next(c for c in after.candidates if c.id == r.candidate_id)
        assert (r.rank_before, r.rank_after, r.score_before, r.score_after) == (b.rank, a.rank, b.score, a.score)
        assert r.score_delta == a.score - b.score and r.rank_change == b.rank - a.rank
        assert r.movement == ("opp" if a.rank < b.rank else "ned" if a.rank > b.rank else "uendret")
    # only the changed criterion moves scores, by its 12 points
    assert set(rows["score_delta"].unique()) <= {0, -12}
    assert (rows["score_delta"] != 0).any()


def test_aggregation_by_office_and_target_group_adds_up(report):
    rows = report.candidates
    office = report.by_office
    assert office["candidates"].sum() == len(rows)
    assert office["gained"].sum() == report.summary.candidates_gained == (rows["rank_change"] > 0).sum()
    assert office["lost"].sum() == report.summary.candidates_lost == (rows["rank_change"] < 0).sum()
    assert (office["gained"] + office["lost"] + office["unchanged"] == office["candidates"]).all()
    assert office["score_delta_sum"].sum() == rows["score_delta"].sum()
    assert office["became_top"].sum() == rows["became_top"].sum()
    for r in office.itertuples():
        mine = rows[rows["welfare_office"] == r.welfare_office]
        assert r.candidates == len(mine) and r.score_delta_sum == mine["score_delta"].sum()
        assert r.cases == mine["case_id"].nunique()

    groups = report.by_target_group
    memberships = rows["target_groups"].map(lambda g: max(1, len(g))).sum()  # one row per group, "none" once
    assert groups["candidates"].sum() == memberships
    for r in groups.itertuples():
        mine = rows[rows["target_groups"].map(lambda g: (r.target_group in g) if r.target_group != NO_GROUP
                                              else not g)]
        assert (r.candidates, r.gained, r.lost, r.score_delta_sum) == (
            len(mine), (mine["rank_change"] > 0).sum(), (mine["rank_change"] < 0).sum(), mine["score_delta"].sum())


def test_two_processes_give_the_same_report(library, draft, past_cases, report):
    parallel = analyse_impact(past_cases, library, draft, workers=2, chunk_size=64)
    assert parallel.summary.workers == 2
    pd.testing.assert_frame_equal(parallel.candidates, report.candidates)
    pd.testing.assert_frame_equal(parallel.cases, report.cases)
    pd.testing.assert_frame_equal(parallel.by_office, report.by_office)
    pd.testing.assert_frame_equal(parallel.by_target_group, report.by_target_group)


def test_each_case_is_compared_with_the_version_in_force_on_its_date(rules_copy, draft, past_cases):
    later = rules_copy / "2026-07-01"
    shutil.copytree(rules_copy, later)
    relabel(later, "2026.7-eksempel", "2026-07-01")
    with_points(later, CHANGED, 30, 18)  # the same weight as the draft: nothing changes from July
    report = analyse_impact(past_cases, RulesLibrary.load(rules_copy), draft)
    cases = report.cases
    july = cases["as_of"] >= dt.date(2026, 7, 1)
    assert july.any() and (~july).any()
    assert (cases.loc[july, "version_before"] == "2026.7-eksempel").all()
    assert (cases.loc[~july, "version_before"] == "2026.1-eksempel").all()
    assert not cases.loc[july, "order_changed"].any()
    assert {v["label"]: v["cases"] for v in report.summary.versions_before} == {
        "2026.1-eksempel": int((~july).sum()), "2026.7-eksempel": int(july.sum())}


def test_a_draft_with_another_vocabulary_validates_and_builds_facts_of_its_own(tmp_path, library, past_cases):
    folder = tmp_path / "utkast"
    shutil.copytree(ROOT / "rules", folder)
    with_points(folder, CHANGED, 30, 45)
    path = folder / "felter.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  sjekkliste:\n", "  sjekkliste:\n    har_husdyr: {type: boolsk, etikett: Har husdyr, obligatorisk: false}\n", 1),
        encoding="utf-8")
    other = load_rules(folder)
    assert "sjekkliste.har_husdyr" in other.vocabulary.fields
    sample = past_cases[:120]
    report = analyse_impact(sample, library, other)
    compiled_other = CompiledRules(other)
    expected = []
    for past in sample:
        current = library.compiled_for(past.as_of)
        before = current.rank_valid(validate_case(past.data, current.case_models), past.as_of)
        after = compiled_other.rank_valid(validate_case(past.data, compiled_other.case_models), past.as_of)
        if order(before) != order(after):
            expected.append(past.case_id)
    compiled_other.evaluator.close()
    assert expected and sorted(report.order_changed) == sorted(expected)


def test_a_case_that_cannot_be_ranked_is_listed_and_the_rest_are_evaluated(library, draft, past_cases):
    bad = PastCase("ugyldig", {"ledig_bolig": {}, "kandidater": []}, dt.date(2026, 5, 1))
    too_early = PastCase("for-tidlig", past_cases[0].data, dt.date(2025, 6, 1))
    report = analyse_impact([bad, *past_cases[:10], too_early], library, draft)
    assert report.summary.cases_evaluated == 10 and report.summary.cases_failed == 2
    errors = dict(zip(report.errors["case_id"], report.errors["message"]))
    assert "Saken er ugyldig" in errors["ugyldig"]
    assert "ingen regelverksversjon gjelder 2025-06-01" in errors["for-tidlig"]


# -- the command --------------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("BOLIGTILDELING_RULES", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_case_csv(path: Path, cases: list[PastCase]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "vurderingsdato", "sak"])
        for p in cases:
            writer.writerow([p.case_id, p.as_of.isoformat(), json.dumps(p.data, ensure_ascii=False)])


def test_the_command_reads_a_csv_and_writes_csv_and_html(cli, tmp_path, draft_dir, past_cases, report):
    cases_csv = tmp_path / "saker.csv"
    write_case_csv(cases_csv, past_cases)
    out_html, out_csv = tmp_path / "rapport.html", tmp_path / "rapport.csv"
    result = cli("rules", "impact", "--draft", draft_dir, "--cases", cases_csv, "--out", out_html, "--csv", out_csv)
    assert result.exit_code == 0, result.output
    assert f"Saker vurdert: {N_CASES} av {N_CASES}" in result.stdout
    assert f"Saker der rekkefølgen endres: {report.summary.cases_order_changed} (" in result.stdout
    assert f"Saker der førstekandidaten endres: {report.summary.cases_top_changed} (" in result.stdout
    assert "Tid brukt: " in result.stdout

    rows = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert len(rows) == 4 * N_CASES
    assert {"sak", "kandidat", "plass_for", "plass_etter", "poengendring", "forstekandidat_endret"} <= set(rows.columns)
    changed = sorted(rows.loc[rows["rekkefolge_endret"] == "ja", "sak"].unique())
    assert changed == sorted(report.order_changed)

    page = out_html.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "</svg>" in page
    for heading in ("<h1>Konsekvensanalyse av regelverksutkast</h1>", "<h2>Sammendrag</h2>",
                    "<h2>Etter målgruppe</h2>", "<h2>Etter helse- og velferdskontor</h2>",
                    f"<h2>Saker der førstekandidaten endres ({report.summary.cases_top_changed})</h2>",
                    f"<h2>Saker der rekkefølgen endres ({report.summary.cases_order_changed})</h2>"):
        assert heading in page
    assert report.top_changed[0] in page
    assert "Utviklingshemming" in page  # target groups by their labels


def test_the_command_reads_a_folder_of_case_files_with_their_own_dates(cli, tmp_path, draft_dir, past_cases):
    folder = tmp_path / "saker"
    folder.mkdir()
    for p in past_cases[:5]:
        (folder / f"{p.case_id}.yaml").write_text(
            yaml.safe_dump({"vurderingsdato": p.as_of.isoformat(), **p.data}, allow_unicode=True), encoding="utf-8")
    (folder / "uten-dato.json").write_text(json.dumps(past_cases[5].data), encoding="utf-8")
    (folder / "ødelagt.yaml").write_text("ledig_bolig: [\n", encoding="utf-8")
    result = cli("rules", "impact", "--draft", draft_dir, "--cases", folder, "--as-of", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert "Saker vurdert: 6 av 7" in result.stdout
    assert "Saker som ikke kunne vurderes: 1" in result.stdout
    assert result.stderr.startswith("ødelagt.yaml: ")  # which case, and why


def test_a_broken_draft_stops_the_command_with_the_rules_error(cli, tmp_path, past_cases):
    broken = tmp_path / "utkast"
    shutil.copytree(ROOT / "rules", broken)
    path = broken / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sjekkliste.bosituasjon, er: bostedslos",
                                                             "sjekkliste.bosituasjonn, er: bostedslos"),
                    encoding="utf-8")
    with pytest.raises(RulesError) as expected:
        load_rules(broken)
    cases_csv = tmp_path / "saker.csv"
    write_case_csv(cases_csv, past_cases[:3])
    result = cli("rules", "impact", "--draft", broken, "--cases", cases_csv)
    assert result.exit_code == 1
    assert str(expected.value) in result.stderr
    assert "mente du 'sjekkliste.bosituasjon'" in result.stderr

    missing = cli("rules", "impact", "--draft", tmp_path / "finnes-ikke", "--cases", cases_csv)
    assert missing.exit_code == 1 and "mappen finnes ikke" in missing.stderr


def test_the_command_needs_exactly_one_source_of_cases(cli, draft_dir, tmp_path):
    assert cli("rules", "impact", "--draft", draft_dir).exit_code == 2
    assert cli("rules", "impact", "--draft", draft_dir, "--cases", tmp_path, "--from-store").exit_code == 2


def test_from_store_compares_the_stored_recommendations(cli, world, monkeypatch, tmp_path, draft_dir):  # noqa: F811
    vacancy_id = report_lade(world)
    nominate_all(world, vacancy_id)
    rec = recommend_and_approve(world, vacancy_id)
    monkeypatch.setenv("DATABASE_URL", world.url)
    out_csv = tmp_path / "fra-lageret.csv"
    result = cli("rules", "impact", "--draft", draft_dir, "--from-store", "--csv", out_csv)
    assert result.exit_code == 0, result.output
    assert "Saker vurdert: 1 av 1" in result.stdout
    rows = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert set(rows["sak"]) == {f"LB-2026-041 (innstilling {rec['id']})"}
    assert set(rows["vurderingsdato"]) == {"2026-11-28"}
    stored = {c["id"]: (c["rank"], c["score"]) for c in rec["result"]["candidates"]}
    assert {r.kandidat: (r.plass_for, r.poeng_for) for r in rows.itertuples()} == stored
