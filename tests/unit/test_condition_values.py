"""Values found from conditions of their own (beregnet: antall_av, betingelse): «two or more of these
needs give band B» (Sheffield, Manchester) and «families with children first» (Drammen), which testers
could only write as every pair by hand or as `min(x, 1)`. The README's examples pasted into the
shipped rules, matched by durable_rules and by the reference evaluator, and counted by hand."""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.language.case import validate_case
from engine.policy.lint import lint
from support.cases import random_case
from support.readme import RULES, yaml_blocks
from support.reference_evaluator import ReferenceRules, holds

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
SECTION = "### Hvor mange av flere behov"


def _bundle(target: Path, derived: str | None = None, criterion: str | None = None) -> Path:
    readme_derived, readme_criterion = yaml_blocks(SECTION)
    shutil.copytree(RULES, target)
    body = (derived or readme_derived).split("\n", 1)[1]  # without the `beregnet:` line it stands under
    vocabulary = (target / "felter.yaml").read_text(encoding="utf-8")
    (target / "felter.yaml").write_text(vocabulary.replace("\nberegnet:\n", "\nberegnet:\n" + body, 1),
                                        encoding="utf-8")
    priority = (target / "prioritering.yaml").read_text(encoding="utf-8")
    (target / "prioritering.yaml").write_text(
        priority.replace("\nkriterier:\n", "\nkriterier:\n" + (criterion or readme_criterion), 1), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_rules(_bundle(tmp_path_factory.mktemp("antall_av") / "rules"))


@pytest.fixture(scope="module")
def both(book):
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def _values(rules: CompiledRules, case: dict) -> dict[str, dict]:
    """Each candidate's values with everything computed, by candidate id."""
    [candidates] = rules.candidate_facts([(validate_case(case, rules.case_models), AS_OF)])
    return {values["kandidat.id"]: values for values in candidates}


def test_two_acute_needs_give_the_points_and_the_text_says_how_many(both):
    for rules in both:
        result = rules.rank(CASE, AS_OF)
        by_id = {c.id: c for c in result.candidates}
        # K-1187 is in an institution and ready to be discharged: two needs; the others have one or none
        item = next(i for i in by_id["K-1187"].score_items if i.rule_id == "flere_akutte_behov")
        assert item.points == 15
        assert item.text == "Søkeren har 2 akutte behov; to eller flere gir 15 poeng."
        for cid in ("K-2031", "K-0954", "K-2210"):
            assert "flere_akutte_behov" not in [i.rule_id for i in by_id[cid].score_items]
        counted = _values(rules, CASE)
        assert {cid: v["beregnet.akutte_behov"] for cid, v in counted.items()} == {
            "K-2031": 1, "K-1187": 2, "K-0954": 0, "K-2210": 1}
        # betingelse: waited at least 24 months, yes or no, never missing
        assert {cid: v["beregnet.lang_ventetid"] for cid, v in counted.items()} == {
            cid: v["beregnet.ventetid_maneder"] >= 24 for cid, v in counted.items()}


_rng = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(_rng)
def test_the_count_is_how_many_conditions_hold_under_durable_rules_and_by_hand(both, book, seed):
    durable, reference = both
    case = random_case(random.Random(seed), book.vocabulary, candidates=6, residents=2, as_of=AS_OF)
    conditions = book.vocabulary.model.beregnet["akutte_behov"].antall_av
    single = book.vocabulary.model.beregnet["lang_ventetid"].betingelse
    found, expected = _values(durable, case), _values(reference, case)
    for cid, values in found.items():
        by_hand = sum(1 for c in conditions if holds(c, values))
        assert values["beregnet.akutte_behov"] == expected[cid]["beregnet.akutte_behov"] == by_hand
        assert values["beregnet.lang_ventetid"] is expected[cid]["beregnet.lang_ventetid"] is holds(single, values)
    assert [c.id for c in durable.rank(case, AS_OF).candidates] == [c.id for c in reference.rank(case, AS_OF).candidates]


def test_a_boolean_value_sorts_and_counts_one_in_a_formula(tmp_path):
    derived, _ = yaml_blocks(SECTION)
    derived += ("  poeng_for_ventetid:\n    etikett: ventepoeng\n"
                "    formel: beregnet.lang_ventetid * 10 + beregnet.akutte_behov\n")
    criterion = ("  - id: ventepoeng\n    navn: Ventepoeng\n    poeng: {per: 1, verdi: beregnet.poeng_for_ventetid, "
                 "maks: 20, enhet: poeng}\n    forklaring: x\n    hjemmel: x\n")
    rules = CompiledRules(load_rules(_bundle(tmp_path / "rules", derived=derived, criterion=criterion)))
    for cid, values in _values(rules, CASE).items():
        assert values["beregnet.poeng_for_ventetid"] == 10 * values["beregnet.lang_ventetid"] + values[
            "beregnet.akutte_behov"], cid


@pytest.mark.parametrize("change, message", [
    (lambda d: d.replace("      - {felt: sjekkliste.omsorgsgiver_svikter, er: true}\n"
                         "      - {felt: sjekkliste.utskrivningsklar, er: true}\n"
                         "      - {felt: sjekkliste.akutt_fare, er: true}\n", ""),
     "listen er for kort (minst 2)"),
    (lambda d: d.replace("sjekkliste.akutt_fare", "sjekkliste.akut_fare"), "ukjent felt 'sjekkliste.akut_fare'"),
    (lambda d: d.replace("en_av: [bostedslos, institusjon]", "en_av: [bostedslos, fengsel]"), "'fengsel'"),
    (lambda d: d.replace("{felt: beregnet.ventetid_maneder, minst: 24}", "{felt: beregnet.lang_ventetid, er: true}"),
     "i ring"),
])
def test_rules_check_refuses_what_cannot_be_counted_in_felter_yaml_at_its_line(tmp_path, change, message):
    derived, _ = yaml_blocks(SECTION)
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path / "rules", derived=change(derived)))
    found = [(p.file, p.line, p.message) for p in caught.value.problems]
    assert any(file.endswith("felter.yaml") and line and message in text for file, line, text in found), found


def test_lint_knows_a_count_of_four_conditions_is_never_over_four(tmp_path):
    never = ("  - id: umulig\n    navn: x\n    poeng: 1\n    betingelse: {felt: beregnet.akutte_behov, over: 4}\n"
             "    forklaring: x\n    hjemmel: x\n")
    _, criterion = yaml_blocks(SECTION)
    book = load_rules(_bundle(tmp_path / "rules", criterion=criterion + never))
    messages = [f.problem.message for f in lint(book) if f.problem.rule_id == "umulig"]
    assert any("aldri" in m and "4 betingelser" in m for m in messages), messages


def test_a_rank_through_the_cli_shows_the_count(tmp_path, book):
    from click.testing import CliRunner
    from service.cli import main

    folder = _bundle(tmp_path / "rules")
    out = CliRunner().invoke(main, ["rank", str(ROOT / "examples" / "sak-1-lade.yaml"), "--rules", str(folder),
                                    "--as-of", AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    assert "Søkeren har 2 akutte behov; to eller flere gir 15 poeng." in out.output
