"""A case needs the home, the unit and residents only where the bundle declares them (issue 9, item 12)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import CaseError, CompiledRules, load_rules
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig, obligatorisk: true}
  soverom: {type: heltall, etikett: Soverom, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker, obligatorisk: true}
  poeng_fra_skjema: {type: heltall, etikett: Poeng, obligatorisk: true}
sjekkliste:
  medisinsk_behov: {type: boolsk, etikett: Medisinsk behov}
"""
CRITERIA = """
- id: medisinsk
  navn: Medisinsk behov
  poeng: 10
  betingelse: {felt: sjekkliste.medisinsk_behov, er: true}
  forklaring: Søkeren har medisinsk behov.
  hjemmel: Allocation scheme 4.2
"""


@pytest.fixture
def no_unit_rules(tmp_path):
    return CompiledRules(load_rules(write_bundle(tmp_path / "uk", sections=SECTIONS, criteria=CRITERIA)))


def test_a_bundle_without_home_or_unit_sections_ranks_a_case_without_them(no_unit_rules):
    case = {"ledig_bolig": {"id": "V-1", "soverom": 2},
            "kandidater": [{"id": "S-1001", "poeng_fra_skjema": 3, "sjekkliste": {"medisinsk_behov": True}},
                           {"id": "S-1002", "poeng_fra_skjema": 1, "sjekkliste": {}}]}

    result = no_unit_rules.rank(case, dt.date(2026, 11, 28))

    assert [(c.id, c.score) for c in result.candidates] == [("S-1001", 10), ("S-1002", 0)]
    assert result.candidates[0].welfare_office is None


def test_a_bundle_that_declares_the_unit_still_requires_it(compiled):
    case = {"ledig_bolig": {"id": "V-1"}, "kandidater": [{"id": "K-1", "sjekkliste": {}}]}

    with pytest.raises(CaseError) as caught:
        compiled.rank(case, dt.date(2026, 11, 28))

    paths = {p.path for p in caught.value.problems}
    assert {"ledig_bolig.botiltak", "ledig_bolig.bolig"} <= paths
