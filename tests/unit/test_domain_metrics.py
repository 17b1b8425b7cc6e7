"""The municipality's measures: case-processing time, vacant days and rent lost (tomgangstap)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.metrics import metrics_from_timeline, rent_lost, vacancy_metrics

D = dt.date.fromisoformat


def test_rent_lost_is_vacant_days_times_monthly_rent_over_thirty_rounded_to_kroner():
    assert rent_lost(30, 9400) == 9400
    assert rent_lost(1, 9400) == 313          # 313.33
    assert rent_lost(23, 9400) == 7207        # 7206.67
    assert rent_lost(0, 9400) == 0


def test_vacant_days_run_to_today_until_someone_moves_in():
    open_case = vacancy_metrics(reported_on=D("2026-11-16"), decided_on=None, vacated_on=D("2026-11-14"),
                                moved_in_on=None, monthly_rent=9000, today=D("2026-11-28"))
    assert (open_case.case_processing_days, open_case.vacant_days, open_case.rent_lost) == (None, 14, 4200)
    assert open_case.still_vacant
    closed = vacancy_metrics(reported_on=D("2026-09-01"), decided_on=D("2026-09-17"), vacated_on=D("2026-08-29"),
                             moved_in_on=D("2026-10-15"), monthly_rent=8700, today=D("2026-11-28"))
    assert (closed.case_processing_days, closed.vacant_days, closed.rent_lost) == (16, 47, 13630)
    assert closed.as_dict()["formula_rent_lost"] == "tomgangstap = ledige dager × månedsleie / 30"


def test_a_home_not_yet_vacated_has_no_vacant_days():
    m = vacancy_metrics(reported_on=D("2026-11-16"), decided_on=None, vacated_on=None, moved_in_on=None,
                        monthly_rent=9000, today=D("2026-11-28"))
    assert m.vacant_days is None and m.rent_lost is None


@pytest.mark.parametrize("events, processing", [
    ([("reported", {"reported_on": "2026-11-16"}), ("decided", {"decided_on": "2026-11-30"})], 14),
    ([("reported", {"reported_on": "2026-11-16"}), ("decided", {"decided_on": "2026-11-30"}),
      ("offer_declined", {}), ("decided", {"decided_on": "2026-12-10"})], 24),
    ([("reported", {"reported_on": "2026-11-16"}), ("decided", {"decided_on": "2026-11-30"}),
      ("offer_declined", {})], None),
])
def test_case_processing_time_counts_to_the_decision_that_stands(events, processing):
    assert metrics_from_timeline(events, 9000, D("2026-12-20")).case_processing_days == processing


def test_a_corrected_vacated_date_in_the_timeline_counts():
    events = [("reported", {"reported_on": "2026-11-16", "vacated_on": "2026-11-20"}),
              ("readiness_updated", {"readiness": "ready", "vacated_on": "2026-11-14"}),
              ("moved_in", {"moved_in_on": "2026-12-14"})]
    m = metrics_from_timeline(events, 9000, D("2027-01-01"))
    assert m.vacant_days == 30 and m.rent_lost == 9000
