"""The key figures across vacancies, units and months (service/domain/kpis.py): no database, no web app."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain import kpis
from service.domain.milestones import Deadline, Reached

D = dt.date
NO_HOLIDAYS: frozenset = frozenset()
DECISION = Deadline("vedtak-30-dager", "Vedtak innen 30 dager", "meldt", "vedtak", 30, False, 0.8)
NOMINATIONS = Deadline("nominering", "Nominasjoner", "meldt", "nominert", 5, True)


def vacancy(unit="lade", rent=9000, offices=("Midtbyen",), groups=("utviklingshemming",), **dates) -> kpis.VacancyFacts:
    reached = Reached(dates=dates, office_nominated={}, open_for_nominations=False)
    return kpis.VacancyFacts(unit_id=unit, reached=reached, monthly_rent=rent, offices=frozenset(offices),
                             target_groups=frozenset(groups))


def figures(facts, start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 11, 28), deadlines=(DECISION,)):
    return kpis.key_figures(facts, deadlines, NO_HOLIDAYS, kpis.Period(start, end), today,
                            unit_names={"lade": "Lade botiltak", "saupstad": "Saupstad bofellesskap"})


# -- percentiles ------------------------------------------------------------------------------------

def test_the_median_of_an_even_count_lies_halfway_between_the_middle_two():
    assert kpis.median([8, 2, 6, 4]) == 5
    assert kpis.median([3, 1, 2]) == 2


def test_the_90th_percentile_interpolates_between_the_nearest_two_values():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert kpis.percentile(values, 0.9) == pytest.approx(91)  # position 8.1: 90 + 0.1 x 10
    assert kpis.percentile([14, 14, 15, 16, 16, 16, 17, 22, 22, 25, 31, 32, 35, 37], 0.9) == pytest.approx(34.1)
    assert kpis.percentile([7], 0.9) == 7


def test_no_values_give_no_percentile_rather_than_zero():
    assert kpis.median([]) is None and kpis.percentile([], 0.9) is None


# -- months ------------------------------------------------------------------------------------------

def test_a_stretch_of_vacant_days_is_split_into_the_months_it_falls_in():
    # moved out 29 August, moved in 15 October: 47 days, the day of moving in not counted
    split = kpis.days_by_month(D(2026, 8, 29), D(2026, 10, 15), D(2026, 1, 1), D(2026, 12, 31))
    assert split == {"2026-08": 3, "2026-09": 30, "2026-10": 14}


def test_vacant_days_outside_the_period_are_left_out():
    split = kpis.days_by_month(D(2026, 8, 29), D(2026, 10, 15), D(2026, 9, 10), D(2026, 10, 1))
    assert split == {"2026-09": 21, "2026-10": 1}  # 10-30 September, and 1 October (the last day counts)


def test_the_months_of_a_period_run_across_the_new_year():
    assert kpis.months(D(2025, 11, 15), D(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert kpis.Period(D(2025, 11, 15), D(2026, 2, 1)).whole_months() == ["2025-12", "2026-01"]


# -- rent lost ----------------------------------------------------------------------------------------

def test_rent_lost_is_vacant_days_times_monthly_rent_over_30_rounded_once_per_sum():
    assert kpis.kroner(47 * 8700) == 13630  # as metrics.rent_lost: 408 900 / 30 = 13 630
    assert kpis.kroner(1 * 45) == 2  # 1.5 kr rounds half up
    # two homes: 1.4 kr + 1.4 kr = 2.8 kr is 3 kr, where rounding each first would give 2
    assert kpis.kroner(42 + 42) == 3


def test_rent_lost_is_summed_per_unit_and_per_month():
    result = figures([vacancy("lade", 8700, fraflyttet=D(2026, 8, 29), innflyttet=D(2026, 10, 15)),
                      vacancy("saupstad", 9900, fraflyttet=D(2026, 11, 24))])  # still vacant: 4 days to today

    assert result["rent_lost_by_unit"] == {"lade": 13630, "saupstad": 1320}
    assert result["rent_lost_by_month"]["2026-08"] == 870 and result["rent_lost_by_month"]["2026-09"] == 8700
    assert result["rent_lost_by_month"]["2026-11"] == 1320 and result["rent_lost_by_month"]["2026-12"] == 0
    assert result["rent_lost_total"] == 14950
    assert result["vacant_days_by_unit"] == {"lade": 47, "saupstad": 4}
    assert result["vacant_days_total"] == 51 and result["vacancies_vacant_at_end"] == 1


def test_a_home_without_a_rent_counts_its_vacant_days_but_not_in_the_rent_lost():
    result = figures([vacancy(rent=None, fraflyttet=D(2026, 3, 1), innflyttet=D(2026, 3, 11))])
    assert result["vacant_days_total"] == 10 and result["rent_lost_total"] == 0
    assert result["rent_lost_unknown_vacancies"] == 1


# -- case-processing time and the steps --------------------------------------------------------------------

def test_case_processing_time_counts_in_the_month_of_the_decision():
    result = figures([vacancy(meldt=D(2026, 1, 12), vedtak=D(2026, 2, 18)),   # 37 days
                      vacancy(meldt=D(2026, 2, 9), vedtak=D(2026, 2, 24)),    # 15 days
                      vacancy(meldt=D(2026, 3, 3), vedtak=D(2026, 3, 20))])   # 17 days

    assert result["case_processing_days_median"] == 17 and result["case_processing_count"] == 3
    months = {row["month"]: row for row in result["by_month"]}
    assert months["2026-02"]["case_processing_days_median"] == 26 and months["2026-02"]["vacancies_decided"] == 2
    assert months["2026-01"]["case_processing_days_median"] is None and months["2026-01"]["vacancies_reported"] == 1


def test_the_time_between_neighbouring_steps_is_counted_when_the_later_step_is_reached_in_the_period():
    result = figures([vacancy(meldt=D(2026, 1, 12), nominert=D(2026, 1, 19), innstilling=D(2026, 1, 21)),
                      vacancy(meldt=D(2026, 12, 28), nominert=D(2027, 1, 4))], end=D(2026, 12, 31))

    steps = {(s["since"], s["until"]): s for s in result["steps"]}
    assert [pair for pair in steps] == list(zip(kpis.COURSE, kpis.COURSE[1:]))
    assert steps[("meldt", "nominert")]["count"] == 1 and steps[("meldt", "nominert")]["median_days"] == 7
    assert steps[("nominert", "innstilling")]["median_days"] == 2
    assert steps[("vedtak", "kontrakt")] == {"since": "vedtak", "until": "kontrakt", "count": 0, "median_days": None,
                                             "p90_days": None}


# -- targets -------------------------------------------------------------------------------------------

def test_the_share_that_met_a_target_is_met_over_known_and_is_held_against_the_target_share():
    result = figures([vacancy(meldt=D(2026, 1, 5), vedtak=D(2026, 2, 9)),    # 35 days: missed
                      vacancy(meldt=D(2026, 3, 3), vedtak=D(2026, 3, 20)),   # met
                      vacancy(meldt=D(2026, 4, 7), vedtak=D(2026, 4, 29)),   # met
                      vacancy(meldt=D(2026, 6, 8), vedtak=D(2026, 6, 24)),   # met
                      vacancy(meldt=D(2026, 11, 20))])                        # not decided: not known

    target = result["targets"][0]
    assert (target["met"], target["known"], target["share_met"]) == (3, 4, 0.75)
    assert target["target_share"] == 0.8 and target["meets_target"] is False
    assert kpis.share(0, 0) is None


def test_working_day_deadlines_count_as_the_routine_counts_them():
    # reported Friday 9 January, nominations in Friday 16 January: 5 working days, met
    result = figures([vacancy(meldt=D(2026, 1, 9), nominert=D(2026, 1, 16)),
                      vacancy(meldt=D(2026, 1, 9), nominert=D(2026, 1, 19))], deadlines=(NOMINATIONS,))
    target = result["targets"][0]
    assert (target["met"], target["known"], target["meets_target"]) == (1, 2, None)  # no target share set


# -- filters and trend ---------------------------------------------------------------------------------------

def test_the_filters_keep_the_vacancies_of_a_unit_an_office_and_a_target_group():
    lade = vacancy("lade", offices=("Midtbyen", "Heimdal"), groups=("utviklingshemming", "psykisk_lidelse"))
    saupstad = vacancy("saupstad", offices=("Østbyen",), groups=("fysisk_funksjonshemming",))

    assert kpis.select([lade, saupstad], units=["saupstad"]) == [saupstad]
    assert kpis.select([lade, saupstad], office="Heimdal") == [lade]
    assert kpis.select([lade, saupstad], target_group="fysisk_funksjonshemming") == [saupstad]
    assert kpis.select([lade, saupstad], units=[]) == []


def test_a_falling_figure_is_a_trend_the_right_way_and_a_nearly_level_one_is_flat():
    assert kpis.slope([36, 24, None, 22, 19]) == pytest.approx(-3.6)  # x 0,1,3,4: Sxy -36 / Sxx 10
    falling = kpis.trend([36, 24, 22, 32, 19, 25, 14.5, 16, 14])
    assert (falling.direction, falling.better, falling.months) == ("down", True, 9)
    assert kpis.trend([0.5, 0.6, 0.7], lower_is_better=False).better is True
    assert kpis.trend([100, 101, 100, 101]).direction == "flat"
    assert kpis.trend([None, 5]).direction is None


def test_the_trend_begins_with_the_first_month_that_has_records():
    result = figures([vacancy(meldt=D(2026, 3, 2), vedtak=D(2026, 3, 30), fraflyttet=D(2026, 3, 1),
                              innflyttet=D(2026, 4, 10))], start=D(2026, 1, 1), end=D(2026, 6, 30),
                     today=D(2026, 6, 30))
    assert result["trend"]["whole_months"] == ["2026-03", "2026-04", "2026-05", "2026-06"]
