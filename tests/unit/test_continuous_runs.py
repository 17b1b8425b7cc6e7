"""Continuous residence from a list of periods (beregnet: sammenhengende), issue 9: «has lived in the
borough continuously for 2 years» (Walsall), computed from the addresses the caseworker records, not
from one date the caseworker works out. Checked against a walk back from the assessment date day by
day, through the public engine API with durable_rules and the reference evaluator, and the mistakes
`rules check` refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.evaluation.records import continuous_since
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules, reference_aggregates, reference_continuous_since

AS_OF = dt.date(2026, 6, 1)

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  bosteder:
    type: liste
    etikett: bosteder
    felter:
      fra: {type: dato, etikett: flyttet inn, obligatorisk: true}
      til: {type: dato, etikett: flyttet ut}
      i_kommunen: {type: boolsk, etikett: i kommunen, obligatorisk: true}
      plassert_av_kommunen: {type: boolsk, etikett: midlertidig bolig kommunen plasserte søkeren i}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""

DERIVED = """
bosatt_siden:
  etikett: bosatt sammenhengende i kommunen siden
  sammenhengende:
    blant: kandidat.bosteder
    fra: bosteder.fra
    til: bosteder.til
    hvor:
      noen:
        - {felt: bosteder.i_kommunen, er: true}
        - {felt: bosteder.plassert_av_kommunen, er: true}
med_opphold:
  etikett: bosatt i kommunen siden, med opphold på inntil 90 dager
  sammenhengende: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, hvor: {felt: bosteder.i_kommunen, er: true}, opphold_dager: 90}
ar_bosatt:
  etikett: hele år bosatt sammenhengende i kommunen
  ar_siden: beregnet.bosatt_siden
dager_siste_7_ar:
  etikett: dager bosatt i kommunen de siste 7 årene
  samlet_tid: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, hvor: {felt: bosteder.i_kommunen, er: true}, innen_siste_ar: 7, regnet_i: dager}
maneder_siste_7_ar:
  etikett: måneder bosatt i kommunen de siste 7 årene
  samlet_tid: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, hvor: {felt: bosteder.i_kommunen, er: true}, innen_siste_ar: 7}
dager_siste_12_maneder:
  etikett: dager på et bosted de siste 12 månedene
  samlet_tid: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, innen_siste_maneder: 12, regnet_i: dager}
"""

CRITERIA = """
- id: botid
  navn: To års sammenhengende botid
  betingelse: {felt: beregnet.ar_bosatt, minst: 2}
  poeng: 10
  forklaring: bosatt sammenhengende siden {beregnet.bosatt_siden} ({beregnet.ar_bosatt|helt år|hele år})
  hjemmel: Retningslinjene pkt. 2
"""


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    book = load_rules(write_bundle(tmp_path_factory.mktemp("bosteder"), sections=SECTIONS, derived=DERIVED,
                                   criteria=CRITERIA))
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def rank(compiled, *addresses, as_of=AS_OF):
    case = {"ledig_bolig": {"id": "L-1"}, "kandidater": [
        {"id": f"K-{i}", "bosteder": list(rows), "sjekkliste": {}} for i, rows in enumerate(addresses)]}
    return compiled.rank(case, as_of)


def since(compiled, rows, as_of=AS_OF):
    valid = compiled.case_models.Case.model_validate(
        {"ledig_bolig": {"id": "L-1"}, "kandidater": [{"id": "K", "bosteder": rows, "sjekkliste": {}}]})
    [[values]] = compiled.candidate_facts([(valid.model_dump(mode="json", exclude_none=True), as_of)])
    return values.get("beregnet.bosatt_siden"), values.get("beregnet.med_opphold"), values.get("beregnet.ar_bosatt")


def within(compiled, rows, as_of=AS_OF):
    valid = compiled.case_models.Case.model_validate(
        {"ledig_bolig": {"id": "L-1"}, "kandidater": [{"id": "K", "bosteder": rows, "sjekkliste": {}}]})
    [[values]] = compiled.candidate_facts([(valid.model_dump(mode="json", exclude_none=True), as_of)])
    return values.get("beregnet.dager_siste_7_ar"), values.get("beregnet.dager_siste_12_maneder")


def months_within(compiled, rows, as_of=AS_OF):
    valid = compiled.case_models.Case.model_validate(
        {"ledig_bolig": {"id": "L-1"}, "kandidater": [{"id": "K", "bosteder": rows, "sjekkliste": {}}]})
    [[values]] = compiled.candidate_facts([(valid.model_dump(mode="json", exclude_none=True), as_of)])
    return values.get("beregnet.maneder_siste_7_ar")


def test_days_within_the_last_years_add_up_periods_however_split_and_count_an_overlap_once(both):
    """`samlet_tid` (Camden: «5 of the last 7 years»): the days lived from 1 June 2019 up to 31 May 2026 (2,557),
    a period's first and last day both lived, one without an end up to the day before the assessment date; as
    whole months, one period since 1 June 2021 is 60 months, as maneder_siden, and the day after is 59."""
    for compiled in both:
        always = [{"fra": "2010-01-01", "i_kommunen": True}]
        assert within(compiled, always) == (2557, 365) and months_within(compiled, always) == 84
        split = [{"fra": "2015-01-01", "til": "2020-05-31", "i_kommunen": True},   # 1 June 2019 - 31 May 2020: 366
                 {"fra": "2020-06-01", "til": "2021-12-31", "i_kommunen": False},  # away
                 {"fra": "2022-01-01", "til": "2022-12-31", "i_kommunen": True},   # 365
                 {"fra": "2022-06-01", "til": "2023-01-31", "i_kommunen": True},   # overlaps: only January 2023, 31
                 {"fra": "2026-06-02", "i_kommunen": True}]                        # after the assessment date
        assert within(compiled, split)[0] == 366 + 365 + 31
        assert months_within(compiled, split) == 25  # 762 days: at least the 761 of the last 25 months, not the 791 of 26
        assert within(compiled, [{"fra": "2019-05-31", "til": "2019-05-31", "i_kommunen": True}])[0] == 0
        assert within(compiled, [{"fra": "2019-06-01", "til": "2019-06-01", "i_kommunen": True}])[0] == 1
        assert within(compiled, [])[0] == 0
        assert months_within(compiled, [{"fra": "2021-06-01", "i_kommunen": True}]) == 60
        assert months_within(compiled, [{"fra": "2021-06-02", "i_kommunen": True}]) == 59


def test_periods_that_follow_each_other_make_one_run_and_a_gap_breaks_it(both):
    durable, _ = both
    moved_within = [{"fra": "2019-03-01", "til": "2023-04-30", "i_kommunen": True},
                    {"fra": "2023-05-01", "i_kommunen": True}]  # the next day: one run
    assert since(durable, moved_within) == ("2019-03-01", "2019-03-01", 7)
    away = [{"fra": "2019-03-01", "til": "2023-04-30", "i_kommunen": True},
            {"fra": "2023-05-01", "til": "2023-06-30", "i_kommunen": False},
            {"fra": "2023-07-01", "i_kommunen": True}]
    assert since(durable, away) == ("2023-07-01", "2019-03-01", 2)  # two months away: only a 90-day gap bridges it
    placed = [*away[:1], {**away[1], "plassert_av_kommunen": True}, away[2]]
    assert since(durable, placed)[0] == "2019-03-01"  # temporary housing the council placed her in counts


def test_no_run_reaches_the_assessment_date_gives_no_value_and_the_criterion_does_not_hold(both):
    durable, reference = both
    moved_away = [{"fra": "2015-01-01", "til": "2026-05-31", "i_kommunen": True}]
    assert since(durable, moved_away) == (None, None, None)
    assert since(durable, [{**moved_away[0], "til": "2026-06-01"}])[0] == "2015-01-01"  # ends on the day: reaches it
    future = [{"fra": "2026-06-02", "i_kommunen": True}]  # a move not yet made on the assessment date
    assert since(durable, future)[0] is None
    for compiled in both:
        result = rank(compiled, moved_away, [{"fra": "2024-06-01", "i_kommunen": True}],
                      [{"fra": "2024-06-02", "i_kommunen": True}])
        by_id = {c.id: c for c in result.candidates}
        assert by_id["K-1"].score == 10 and by_id["K-0"].score == 0 and by_id["K-2"].score == 0
        assert by_id["K-1"].score_items[0].text == "bosatt sammenhengende siden 1. juni 2024 (2 hele år)"


def test_the_order_of_the_periods_does_not_matter_and_a_period_without_end_never_ends(both):
    durable, _ = both
    rows = [{"fra": "2022-01-01", "i_kommunen": True},
            {"fra": "2018-01-01", "til": "2022-03-01", "i_kommunen": True},  # overlaps the one after it
            {"fra": "2010-01-01", "til": "2017-12-30", "i_kommunen": True}]  # ends two days before: a gap
    assert since(durable, rows)[0] == "2018-01-01"
    assert since(durable, list(reversed(rows)))[0] == "2018-01-01"


def test_a_list_not_given_gives_no_value_and_an_empty_list_none_either(both):
    durable, _ = both
    valid = durable.case_models.Case.model_validate(
        {"ledig_bolig": {"id": "L-1"}, "kandidater": [{"id": "K", "sjekkliste": {}}]})
    [[values]] = durable.candidate_facts([(valid.model_dump(mode="json", exclude_none=True), AS_OF)])
    assert "beregnet.bosatt_siden" not in values
    assert since(durable, []) == (None, None, None)


DAYS = st.dates(dt.date(2024, 1, 1), dt.date(2026, 7, 1)).map(dt.date.isoformat)
PERIODS = st.lists(st.tuples(DAYS, st.one_of(st.none(), DAYS)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(periods=PERIODS, gap=st.sampled_from([0, 1, 3, 30]))
def test_joining_periods_agrees_with_walking_back_day_by_day(periods, gap):
    assert continuous_since(periods, AS_OF.isoformat(), gap) == reference_continuous_since(periods, AS_OF, gap)


@settings(max_examples=40, deadline=None)
@given(addresses=st.lists(st.lists(st.fixed_dictionaries(
    {"fra": DAYS, "i_kommunen": st.booleans()},
    optional={"til": DAYS, "plassert_av_kommunen": st.booleans()}), max_size=4), min_size=1, max_size=4))
def test_durable_rules_and_the_reference_rank_the_same_and_compute_the_same_dates(both, addresses):
    durable, reference = both
    assert rank(durable, *addresses).model_dump() == rank(reference, *addresses).model_dump()
    for rows in addresses:
        valid = durable.case_models.Case.model_validate(
            {"ledig_bolig": {"id": "L-1"}, "kandidater": [{"id": "K", "bosteder": rows, "sjekkliste": {}}]})
        nominee = valid.model_dump(mode="json", exclude_none=True)["kandidater"][0]
        expected = reference_aggregates(durable.book.vocabulary, nominee, AS_OF)
        assert since(durable, rows)[:2] == (expected.get("beregnet.bosatt_siden"), expected.get("beregnet.med_opphold"))
        assert within(durable, rows) == (expected.get("beregnet.dager_siste_7_ar"),
                                         expected.get("beregnet.dager_siste_12_maneder"))
        assert months_within(durable, rows) == expected.get("beregnet.maneder_siste_7_ar")


@settings(max_examples=300, deadline=None)
@given(periods=st.lists(st.tuples(DAYS, st.one_of(st.none(), DAYS)), max_size=6), months=st.sampled_from([1, 12, 30]))
def test_days_within_agrees_with_walking_through_the_window_day_by_day(periods, months):
    from engine.evaluation.records import as_whole_months, days_within
    from support.reference_evaluator import reference_days_within, reference_whole_months

    days = days_within(periods, AS_OF.isoformat(), months)
    assert days == reference_days_within(periods, AS_OF, months)
    assert as_whole_months(days, AS_OF.isoformat(), months) == reference_whole_months(days, AS_OF, months)


@pytest.mark.parametrize("derived, message", [
    ("x:\n  etikett: x\n  samlet_tid: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til}\n",
     "'samlet_tid' må ha nøyaktig én av 'innen_siste_maneder' og 'innen_siste_ar'"),
    ("x:\n  etikett: x\n  samlet_tid: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.i_kommunen, "
     "innen_siste_ar: 7}\n", "'bosteder.i_kommunen' er ikke et datofelt i listen 'kandidat.bosteder'"),
    ("x:\n  etikett: x\n  sammenhengende: {blant: kandidat.adresser, fra: bosteder.fra, til: bosteder.til}\n",
     "kandidat.adresser"),
    ("x:\n  etikett: x\n  sammenhengende: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.i_kommunen}\n",
     "'bosteder.i_kommunen' er ikke et datofelt i listen 'kandidat.bosteder'; datofeltene i listen: "
     "bosteder.fra, bosteder.til"),
    ("x:\n  etikett: x\n  sammenhengende: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.fra}\n",
     "'fra' og 'til' er begge 'bosteder.fra'"),
    ("x:\n  etikett: x\n  sammenhengende: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, "
     "hvor: {felt: kandidat.id, er: K}}\n", "her kan bare feltene i listen 'kandidat.bosteder' brukes"),
    ("x:\n  etikett: x\n  sammenhengende: {blant: kandidat.bosteder, fra: bosteder.fra, til: bosteder.til, "
     "opphold_dager: -1}\n", "opphold_dager"),
])
def test_rules_check_names_the_mistake_file_and_line(tmp_path, derived, message):
    folder = write_bundle(tmp_path / "feil", sections=SECTIONS, derived=derived)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    text = str(caught.value)
    assert message in text and "felter.yaml:" in text, text
