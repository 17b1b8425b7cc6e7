"""Rules versions side by side: each evaluation uses the version in force on its as-of date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import RulesError
from engine.errors import NoVersionInForce
from engine.evaluation.library import RulesLibrary
from service.cli import main


@pytest.fixture
def two_versions(rules_copy):
    """rules/ (2026-01-01) plus rules/2027-01-01/ where homelessness weighs 60 points instead of 30."""
    later = rules_copy / "2027-01-01"
    shutil.copytree(rules_copy, later)
    for path in later.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace('versjon: "2026.1-eksempel"', 'versjon: "2027.1-eksempel"')
        text = text.replace("gjelder_fra: 2026-01-01", "gjelder_fra: 2027-01-01")
        path.write_text(text, encoding="utf-8")
    path = later / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    navn: Bostedsløs\n    poeng: 30", "    navn: Bostedsløs\n    poeng: 60"), encoding="utf-8")
    return rules_copy


def ranking(rules, as_of):
    result = CliRunner().invoke(main, ["rank", "examples/sak-2-sammensetning.yaml", "--rules", str(rules),
                                       "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_same_case_ranks_under_the_version_in_force_on_either_side_of_the_date(two_versions, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    before = ranking(two_versions, "2026-12-31")
    after = ranking(two_versions, "2027-01-01")
    assert before["rules_version"]["label"] == "2026.1-eksempel"
    assert after["rules_version"]["label"] == "2027.1-eksempel"
    score = {r["as_of"]: next(c["score"] for c in r["candidates"] if c["id"] == "K-3001") for r in (before, after)}
    # 30 more points for homelessness; the waiting time is 11 whole months on both dates
    assert score == {"2026-12-31": 86, "2027-01-01": 116}


def test_a_date_before_every_version_is_refused_naming_the_first_date(two_versions):
    library = RulesLibrary.load(two_versions)
    with pytest.raises(NoVersionInForce) as caught:
        library.in_force(dt.date(2025, 12, 31))
    assert "den første gjelder fra 2026-01-01" in str(caught.value)


def test_a_broken_later_version_is_found_when_the_library_loads(two_versions):
    path = two_versions / "2027-01-01" / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                    encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        RulesLibrary.load(two_versions)
    assert any("2027-01-01/egnethet.yaml" in (p.file or "") and "bolig.heiss" in p.message
               for p in caught.value.problems)


def test_two_versions_with_the_same_effective_date_are_refused(two_versions):
    later = two_versions / "2027-01-01"
    for path in later.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("gjelder_fra: 2027-01-01", "gjelder_fra: 2026-01-01"),
                        encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        RulesLibrary.load(two_versions)
    assert "gjelder fra samme dato (2026-01-01)" in str(caught.value)


def test_a_version_is_found_again_by_its_content_hash(two_versions):
    library = RulesLibrary.load(two_versions)
    later = library.in_force(dt.date(2027, 6, 1))
    assert library.by_hash(later.content_hash) is later
    assert library.compiled(later) is library.compiled_for(dt.date(2027, 6, 1))
