"""Validating a case: the examples pass as they are; every bad case names the exact path, unevaluated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from engine import CaseError, CompiledRules, load_rules, parse_case_text, read_case_file
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("sak-*.yaml"))
LADE = ROOT / "examples" / "sak-1-lade.yaml"
AS_OF = dt.date(2026, 11, 28)


class CountingRules(ReferenceRules):
    """A real evaluator that also counts how often it was asked to evaluate anything."""

    calls = 0

    def match(self, scope, facts):
        CountingRules.calls += 1
        return super().match(scope, facts)


@pytest.fixture
def counting(rulebook):
    CountingRules.calls = 0
    return CompiledRules(rulebook, evaluator_factory=CountingRules)


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_example_cases_validate_unchanged(compiled, path):
    data, doc = read_case_file(path)
    result = compiled.rank(data, AS_OF, doc)
    assert sorted(c.id for c in result.candidates) == sorted(k["id"] for k in data["kandidater"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_same_case_as_json_ranks_exactly_like_the_yaml(compiled, path):
    data, doc = read_case_file(path)
    as_json = json.dumps(data, default=_iso, ensure_ascii=False)
    json_data, json_doc = parse_case_text(as_json, name="sak.json")
    from_yaml = compiled.rank(data, AS_OF, doc).model_dump()
    from_json = compiled.rank(json_data, AS_OF, json_doc).model_dump()
    assert from_json == from_yaml  # input_hash included: dates as ISO strings hash like YAML dates


def _edited(old: str, new: str) -> tuple[str, int]:
    """The Lade example with one edit, and the line the edit is on."""
    text = LADE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must be unambiguous: {old!r}"
    return text.replace(old, new), text[:text.index(old)].count("\n") + 1


BAD_EDITS = [
    pytest.param("      onsker_fellesskap: false\n", "      onsker_fellesskap: false\n      husdyr: true\n", 1,
                 "kandidater[1].sjekkliste.husdyr", "ukjent felt 'husdyr'", id="ukjent felt"),
    pytest.param("alder: 24\n", "alder: '31'\n", 0,
                 "kandidater[0].alder", "'31' er ikke et heltall", id="tekst for heltall"),
    pytest.param("      rullestol: false\n      kan_ga_trapper: true\n      utagering: ingen                 #",
                 "      rullestol: \"ja\"\n      kan_ga_trapper: true\n      utagering: ingen                 #", 0,
                 "kandidater[0].sjekkliste.rullestol", "'ja' er ikke true eller false",
                 id="tekst for boolsk"),
    pytest.param("tjenestebehov: dag\n", "tjenestebehov: natt\n", 0,
                 "kandidater[2].sjekkliste.tjenestebehov",
                 "'natt' er ikke en av de tillatte verdiene: 'ingen', 'ambulant', 'dag', 'dag_kveld' eller "
                 "'dognbemanning'", id="verdi utenfor listen"),
    pytest.param("    soknad_mottatt: 2026-06-15\n", "    soknad_mottatt: '2026-13-01'\n", 0,
                 "kandidater[3].soknad_mottatt", "'2026-13-01' er ikke en dato som finnes (måneden må være 01-12; skriv ÅÅÅÅ-MM-DD)",
                 id="ugyldig dato"),
    pytest.param("bemanning: {dag: true, kveld: true, natt: false}", "bemanning: {dag: true, kveld: true, natt: nei}",
                 0, "ledig_bolig.botiltak.bemanning.natt", "'nei' er ikke true eller false",
                 id="nestet felt i botiltaket"),
    pytest.param("utagering: lav, sarbar: true}", "utagering: middels, sarbar: true}", 0,
                 "beboere[1].utagering", "'middels' er ikke en av de tillatte verdiene: 'ingen', 'lav' eller 'hoy'",
                 id="beboer"),
    pytest.param("  - id: K-2210\n", "  - id: K-2031\n", 0,
                 "kandidater[3].id", "id-en 'K-2031' er brukt før (i kandidater[0])", id="samme kandidat-ID"),
]


@pytest.mark.parametrize("old, new, line_offset, path, message", BAD_EDITS)
def test_a_bad_case_names_the_exact_path_and_line_and_is_not_evaluated(counting, old, new, line_offset, path,
                                                                       message):
    text, line = _edited(old, new)
    data, doc = parse_case_text(text, name="sak-1-lade.yaml")
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF, doc)
    assert [(p.path, p.message) for p in caught.value.problems] == [(path, message)]
    assert caught.value.problems[0].line == line + line_offset
    assert str(caught.value.problems[0]) == f"sak-1-lade.yaml:{line + line_offset}: {path}: {message}"
    assert CountingRules.calls == 0


def test_a_missing_required_field_names_its_path(counting):
    data, _ = read_case_file(LADE)
    del data["kandidater"][3]["sjekkliste"]["aktiv_rus"]
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF)
    assert [str(p) for p in caught.value.problems] == ["kandidater[3].sjekkliste.aktiv_rus: må fylles ut"]
    assert CountingRules.calls == 0


def test_the_allowed_values_message_names_the_path_without_a_file(counting):
    data, _ = read_case_file(LADE)
    data["kandidater"][2]["sjekkliste"]["tjenestebehov"] = "natt"
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF)
    assert str(caught.value.problems[0]).startswith("kandidater[2].sjekkliste.tjenestebehov: 'natt' er ikke en av ")
    assert str(caught.value).startswith("Saken er ugyldig:\n  kandidater[2].sjekkliste.tjenestebehov")


def test_every_problem_in_a_case_is_reported_at_once(counting):
    data, _ = read_case_file(LADE)
    data["kandidater"][0]["alder"] = "31"
    data["kandidater"][2]["sjekkliste"]["tjenestebehov"] = "natt"
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF)
    assert [p.path for p in caught.value.problems] == ["kandidater[0].alder", "kandidater[2].sjekkliste.tjenestebehov"]


def test_a_case_without_candidates_is_refused(counting):
    data, _ = read_case_file(LADE)
    data["kandidater"] = []
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF)
    assert [p.path for p in caught.value.problems] == ["kandidater"]
    assert CountingRules.calls == 0


def test_a_case_that_is_not_a_mapping_is_refused(counting):
    data, doc = parse_case_text("- bare\n- en liste\n", name="liste.yaml")
    with pytest.raises(CaseError) as caught:
        counting.rank(data, AS_OF, doc)
    assert str(caught.value.problems[0]) == (
        "liste.yaml: saken må være et oppslag med ledig_bolig, beboere og kandidater")


def test_broken_yaml_in_a_case_names_the_line():
    with pytest.raises(CaseError) as caught:
        parse_case_text("ledig_bolig:\n  id: LB-1\n  status: [klar\nbeboere: []\n", name="sak.yaml")
    problem = caught.value.problems[0]
    assert (problem.file, problem.message.startswith("ugyldig YAML")) == ("sak.yaml", True)
    assert problem.line == 4


def test_an_impossible_unquoted_date_is_a_case_error_naming_the_line_with_the_other_problems():
    """An unquoted 2026-13-01 used to stop the reading at the first such date (a tester: «an invalid date in a case
    hides every other case error»); now it is refused where it stands, with the rest."""
    text, line = _edited("    soknad_mottatt: 2026-06-15\n", "    soknad_mottatt: 2026-13-01\n")
    text = text.replace("    alder: 24\n", "    alder: -3\n", 1)
    data, doc = parse_case_text(text, name="sak-1-lade.yaml")
    with pytest.raises(CaseError) as caught:
        CompiledRules(load_rules(ROOT / "rules")).rank(data, dt.date(2026, 11, 28), doc)
    problems = {p.path: p for p in caught.value.problems}
    date = next(p for path, p in problems.items() if path.endswith("soknad_mottatt"))
    assert (date.file, date.line, date.message) == ("sak-1-lade.yaml", line,
                                                   "'2026-13-01' er ikke en dato som finnes (måneden må være 01-12; skriv ÅÅÅÅ-MM-DD)")
    assert any(path.endswith("alder") for path in problems)  # not hidden by the date
