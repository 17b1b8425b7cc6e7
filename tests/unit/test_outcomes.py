"""Each candidate's outcome of the ranking (utfall: presented, can be allocated but not presented, cannot be
allocated, does not qualify) in the bundle's own words, and decision content that follows from it
(`resultat.utfall` in vedtak): «søkere som oppfyller kravene, får tilbud eller settes på venteliste» (Askøy)."""

from __future__ import annotations

import copy
import datetime as dt
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.policy.scenarios import run_file
from support.cases import random_case
from support.readme import paste, shipped_rules_with, yaml_blocks
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
SECTION = "### Innhold som følger av rangeringen"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return shipped_rules_with(tmp_path_factory.mktemp("utfall") / "rules", "rangering.yaml", yaml_blocks(SECTION)[0])


@pytest.fixture(scope="module")
def both(folder):
    book = load_rules(folder)
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def test_the_presented_are_offered_the_home_and_the_others_who_can_be_allocated_wait(both):
    durable, _ = both
    result = durable.rank(CASE, AS_OF)
    presented = set(result.present_to_unit_leader)
    assert len(presented) == 2  # K-2210 and K-2031 are of equal standing: both are presented
    for c in result.candidates:
        content = {i.id: i for i in result.decision_content.get(c.id, [])}
        if c.id in presented:
            assert c.outcome == "presenteres" and c.outcome_text == "Presenteres for enhetslederen"
            assert content["utfall"].value == "tilbud" and content["utfall"].text == "søkeren tilbys boligen"
        elif c.eligible:
            assert c.outcome == "ikke_presentert" and c.outcome_text == "kan tildeles, legges ikke fram"
            assert content["utfall"].value == "venteliste"
        else:
            assert c.outcome in ("kan_ikke_tildeles", "oppfyller_ikke_vilkarene") and "utfall" not in content
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(CASE, AS_OF)
    assert [c.id for c in plain.candidates] == [c.id for c in result.candidates]  # the order is untouched


def test_the_outcome_follows_the_ranking_not_the_candidate(both):
    """The same candidate is offered the home in one case and waits in another: only the rank differs."""
    durable, _ = both
    alone = copy.deepcopy(CASE)
    alone["kandidater"] = [c for c in CASE["kandidater"] if c["id"] not in ("K-2210", "K-2031")]
    first = durable.rank(alone, AS_OF).candidates[0]
    assert first.outcome == "presenteres"
    assert {i.id: i.value for i in durable.rank(alone, AS_OF).decision_content[first.id]}["utfall"] == "tilbud"
    together = {c.id: c for c in durable.rank(CASE, AS_OF).candidates}
    assert together[first.id].outcome == "ikke_presentert"


def test_each_outcome_in_the_bundles_own_words_and_in_the_cli(tmp_path):
    folder = shipped_rules_with(tmp_path / "rules", "rangering.yaml", "")
    ranking = (folder / "rangering.yaml").read_text(encoding="utf-8")
    words = ("tekster:\n  presenteres: Tilbys boligen\n  ikke_presentert: settes på venteliste\n"
             "  oppfyller_ikke_vilkarene: OPPFYLLER IKKE KRAVENE\n")
    (folder / "rangering.yaml").write_text(ranking.rstrip() + "\n" + words, encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    result = compiled.rank(CASE, AS_OF)
    texts = {c.outcome: c.outcome_text for c in result.candidates}
    assert texts["presenteres"] == "Tilbys boligen" and texts["ikke_presentert"] == "settes på venteliste"
    from service.cli.rank import format_ranking
    out = format_ranking(result, compiled.book.ranking.tekster)
    assert "   Utfall: Tilbys boligen\n" in out and "   Utfall: settes på venteliste\n" in out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(1, 8), residents=st.integers(0, 4))
def test_durable_rules_and_the_reference_give_the_same_outcomes_and_content(both, seed, size, residents):
    durable, reference = both
    case = random_case(random.Random(seed), durable.book.vocabulary, size, residents, AS_OF)
    first, second = durable.rank(case, AS_OF), reference.rank(case, AS_OF)
    assert first.model_dump() == second.model_dump()
    brief = durable.rank_summary(case, AS_OF)  # the brief ranking says the same outcome
    assert [(c.id, c.outcome) for c in brief.candidates] == [(c.id, c.outcome) for c in first.candidates]
    for c in first.candidates:
        if c.eligible:
            wanted = "tilbud" if c.outcome == "presenteres" else "venteliste"
            assert {i.id: i.value for i in first.decision_content[c.id]}["utfall"] == wanted
        else:
            assert c.id not in first.decision_content


def test_a_scenario_expects_the_outcome_and_says_what_it_got(folder, tmp_path):
    expected = yaml.safe_load(yaml_blocks("## Regelverkets egne ord i rangeringen")[1])["forventet"]
    scenario = {"navn": "Utfall", "vurderingsdato": AS_OF.isoformat(), "regler": str(folder),
                "sak_fil": str(ROOT / "examples" / "sak-1-lade.yaml"), "forventet": expected}
    path = tmp_path / "utfall.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == []
    scenario["forventet"] = {"utfall": {"K-2031": "ikke_presentert"}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    assert run_file(path).failures == [
        "K-2031: forventet utfallet ikke_presentert, men fikk presenteres («Presenteres for enhetslederen»)"]


@pytest.mark.parametrize("file, block", [
    ("egnethet.yaml", "  - id: bare_ventende\n    navn: x\n    betingelse: {felt: resultat.utfall, er: presenteres}\n"
                      "    begrunnelse: x\n    hjemmel: x\n"),
    ("prioritering.yaml", "  - id: tilbudt\n    navn: x\n    betingelse: {felt: resultat.utfall, er: presenteres}\n"
                          "    poeng: 5\n    forklaring: x\n    hjemmel: x\n"),
])
def test_rules_that_would_change_the_ranking_they_follow_from_cannot_read_it(tmp_path, file, block):
    folder = shipped_rules_with(tmp_path / "rules", file, block)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    text = str(caught.value)
    assert f"{file}:" in text and "'resultat.utfall' kan ikke brukes her" in text, text


def test_an_outcome_that_does_not_exist_is_named_with_the_ones_that_do(tmp_path):
    block = yaml_blocks(SECTION)[0].replace("er: presenteres", "er: tilbudt")
    folder = shipped_rules_with(tmp_path / "rules", "rangering.yaml", block)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    text = str(caught.value)
    assert "rangering.yaml:" in text and "tilbudt" in text and "presenteres" in text, text


def test_the_readme_block_pastes_into_a_bundle_that_has_decision_points_already(tmp_path):
    folder = shipped_rules_with(tmp_path / "rules", "rangering.yaml", yaml_blocks("## Vedtakets innhold")[0])
    points = yaml_blocks(SECTION)[0].split("\n", 1)[1]  # without its own `vedtak:` line
    paste(folder, "rangering.yaml", points)
    result = CompiledRules(load_rules(folder)).rank(CASE, AS_OF)
    top = result.candidates[0]
    assert [i.id for i in result.decision_content[top.id]] == ["leietid", "tjenester", "utfall"]


def test_a_candidate_who_does_not_qualify_is_said_so_in_the_bundles_word_in_brief_and_in_why_not_first(tmp_path):
    """A tester writing Sheffield: the brief ranking said «CANNOT BE OFFERED (no_unacceptable_behaviour)» for an
    applicant not on the register, and «Hvorfor ikke først» ignored the bundle's word for not qualifying."""
    import shutil

    from engine import read_case_file
    from service.cli.rank import format_summary

    bundle = ROOT / "examples" / "policies" / "welwyn-hatfield"
    folder = tmp_path / "regler"
    shutil.copytree(bundle / "regler", folder)
    ranking = (folder / "rangering.yaml").read_text(encoding="utf-8")
    assert "oppfyller_ikke_vilkarene" not in ranking
    ranking = ranking.replace("tekster:\n", "tekster:\n  oppfyller_ikke_vilkarene: NOT ON THE REGISTER\n", 1)
    (folder / "rangering.yaml").write_text(ranking, encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    data, doc = read_case_file(bundle / "saker" / "sak-2-reservert.yaml")
    full = {c.id: c for c in compiled.rank(data, dt.date(2026, 11, 30), doc).candidates}
    assert full["W-202"].compared_to_top.text == "Not on the register: Lokal tilknytning (unntatt Band E)."
    brief = format_summary(compiled.rank_summary(data, dt.date(2026, 11, 30), doc), compiled.book.ranking.tekster,
                           points=False)
    [line] = [line for line in brief.splitlines() if "W-202" in line]
    assert line.endswith("W-202: NOT ON THE REGISTER (lokal_tilknytning)"), line
