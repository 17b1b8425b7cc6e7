"""A date moved (beregnet: forskjovet_dato): «the effective date is backdated six months for applicants serving
in the armed forces» (a Sheffield tester found no date arithmetic: `formel` refuses dates). The README's
example, pasted, orders a band by the moved date where there is one and by the band date otherwise."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.language.vocabulary import DateShift
from support.bundles import write_bundle
from support.readme import yaml_blocks
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  band_dato: {type: dato, etikett: kom inn i bandet}
  fodt: {type: dato, etikett: fødselsdato}
sjekkliste:
  tjenestegjor_i_forsvaret: {type: boolsk, etikett: tjenestegjør i forsvaret}
"""
AS_OF = dt.date(2026, 6, 1)


def _compiled(tmp_path, derived: str | None = None, evaluator=None) -> CompiledRules:
    [readme] = yaml_blocks("### Tilbakedatert dato")
    derived = derived if derived is not None else readme.removeprefix("beregnet:\n")
    ranking = ("likhetsmargin: 0\nlikeverdige: false\nved_likt_poeng:\n"
               "  - {felt: beregnet.effektiv_dato, retning: stigende}\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, derived=derived, ranking=ranking))
    return CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)


def test_the_readme_backdates_the_band_date_for_the_armed_forces_only(tmp_path):
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "S-1", "band_dato": "2025-03-01", "sjekkliste": {"tjenestegjor_i_forsvaret": False}},
        {"id": "S-2", "band_dato": "2025-08-31", "sjekkliste": {"tjenestegjor_i_forsvaret": True}},  # -> 28.02.2025
        {"id": "S-3", "band_dato": "2025-02-27", "sjekkliste": {}}]}
    for evaluator in (None, ReferenceRules):
        result = _compiled(tmp_path / str(evaluator), evaluator=evaluator).rank(case, AS_OF)
        assert [c.id for c in result.candidates] == ["S-3", "S-2", "S-1"]
        texts = {c.id: c.compared_to_top.text for c in result.candidates if c.compared_to_top}
        assert texts["S-2"] == ("Uten poeng avgjør «datoen som gjelder i bandet» (tidligste dato først): S-3 står "
                                "foran.")


def test_rules_check_refuses_a_shift_that_moves_nothing_a_date_that_is_none_and_a_condition_from_elsewhere(tmp_path):
    for derived, message in (
        ("x:\n  etikett: x\n  forskjovet_dato: {dato: kandidat.band_dato}\n", "må flytte datoen"),
        ("x:\n  etikett: x\n  forskjovet_dato: {dato: kandidat.id, maneder: 1}\n", "'kandidat.id' er ikke et datofelt"),
        ("x:\n  etikett: x\n  forskjovet_dato: {dato: kandidat.band_dato, maneder: 1, hvis: kandidat.fodt}\n",
         "'hvis' må være et ja/nei-felt i saken"),
    ):
        with pytest.raises(RulesError) as caught:
            load_rules(write_bundle(tmp_path / str(abs(hash(derived))), sections=SECTIONS, derived=derived))
        assert any(message in str(p) and p.line for p in caught.value.problems), [str(p) for p in caught.value.problems]


@settings(max_examples=300, deadline=None, database=None)
@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(-600, 600), st.integers(-40, 40))
def test_months_move_to_the_same_day_or_the_months_last_and_back_again_within_it(day, months, years):
    moved = DateShift(dato="kandidat.band_dato", maneder=months or 1, ar=years).applied(day)
    total = years * 12 + (months or 1)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == total
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])  # 31 Aug - 6 months: 28/29 Feb
    assert DateShift(dato="x", dager=-3).applied(day) == day - dt.timedelta(days=3)
