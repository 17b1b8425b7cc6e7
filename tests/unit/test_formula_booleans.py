"""A ja/nei field counts 1 or 0 in a formula (a tester writing Sheffield: «two or more Band C needs give Band B» had
to be written as every pair by hand), taught by rules/README.md with an example that ranks as it says."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
sjekkliste:
  overbefolket: {type: boolsk, etikett: overbefolket, obligatorisk: true}
  mangler_fasiliteter: {type: boolsk, etikett: mangler fasiliteter, obligatorisk: true}
  medisinsk_behov: {type: boolsk, etikett: medisinsk behov}
  bydel: {type: valg, etikett: bydel, verdier: {a: A, b: B}}
"""

RANKING = """
likhetsmargin: 0
ved_likt_poeng: []
trinn:
  - id: band_b
    navn: Band B
    betingelse: {felt: beregnet.behov_band_c, minst: 2}
    begrunnelse: "{beregnet.behov_band_c} behov fra listen under Band C"
    hjemmel: Allocation policy 4.2
  - id: band_c
    navn: Band C
    hjemmel: Allocation policy 4.3
    begrunnelse: de andre
"""


def _bundle(tmp_path, derived):
    return load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, ranking=RANKING, derived=derived))


def test_two_of_three_needs_give_the_higher_band_and_a_need_not_filled_in_gives_no_count(tmp_path):
    from support.readme import yaml_blocks

    [block] = [b for b in yaml_blocks("### Tabeller og formler") if "behov_band_c" in b]
    book = _bundle(tmp_path, block.partition("beregnet:\n")[2])
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "S-1", "sjekkliste": {"overbefolket": True, "mangler_fasiliteter": False, "medisinsk_behov": True}},
        {"id": "S-2", "sjekkliste": {"overbefolket": True, "mangler_fasiliteter": False, "medisinsk_behov": False}},
        {"id": "S-3", "sjekkliste": {"overbefolket": True, "mangler_fasiliteter": True}},  # medical not filled in
    ]}
    result = {c.id: c for c in CompiledRules(book).rank(case, dt.date(2026, 12, 1)).candidates}
    assert (result["S-1"].tier.id, result["S-1"].tier.text) == ("band_b", "2 behov fra listen under Band C")
    assert result["S-2"].tier.id == "band_c"
    assert result["S-3"].tier.id == "band_c"  # no value for the sum: not «at least 2»


def test_a_choice_field_in_a_formula_is_still_refused(tmp_path):
    with pytest.raises(RulesError) as caught:
        _bundle(tmp_path, "x: {etikett: x, formel: sjekkliste.bydel + 1}")
    assert "'sjekkliste.bydel' er ikke et tall (type valg)" in str(caught.value)
