"""The routine's milestones and deadlines (service/domain/milestones.py) and the deadlines file (service/routine.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.config import routine_file
from service.domain.codes import Role
from service.domain.milestones import Deadline, add_days, days_between, outcome, pending, reached
from service.routine import RoutineError, load_routine, parse_routine

D = dt.date
NO_HOLIDAYS: frozenset = frozenset()
NOMINATIONS = Deadline("nominering", "Nominasjoner", "meldt", "nominert", 5, True)
DECISION = Deadline("vedtak-30", "Vedtak", "meldt", "vedtak", 30, False, 0.8)


def reported(day):
    return ("reported", {"reported_on": day.isoformat(), "vacated_on": None}, day)


def nominated(office, day):
    return ("nominated", {"welfare_office": office}, day)


def test_five_working_days_after_a_friday_is_the_next_friday_and_holidays_do_not_count():
    assert add_days(D(2026, 11, 27), 5, True, NO_HOLIDAYS) == D(2026, 12, 4)
    assert add_days(D(2026, 12, 23), 3, True, frozenset({D(2026, 12, 25)})) == D(2026, 12, 29)
    assert add_days(D(2026, 11, 27), 5, False, NO_HOLIDAYS) == D(2026, 12, 2)
    assert days_between(D(2026, 11, 27), D(2026, 12, 4), True, NO_HOLIDAYS) == 5
    assert days_between(D(2026, 12, 4), D(2026, 11, 27), True, NO_HOLIDAYS) == -5


def test_nominations_are_in_when_all_four_offices_have_nominated():
    events = [reported(D(2026, 11, 16)), nominated("Midtbyen", D(2026, 11, 18)), nominated("Østbyen", D(2026, 11, 19)),
              nominated("Lerkendal", D(2026, 11, 20)), nominated("Heimdal", D(2026, 11, 21))]

    assert reached(events).dates == {"meldt": D(2026, 11, 16), "nominert": D(2026, 11, 21)}


def test_a_running_nomination_deadline_names_the_offices_that_have_not_nominated():
    events = [reported(D(2026, 11, 25)), nominated("Heimdal", D(2026, 11, 26))]

    running = pending(NOMINATIONS, reached(events), D(2026, 12, 4), NO_HOLIDAYS, finished=False)

    assert running.due == D(2026, 12, 2) and running.overdue_days == 2 and running.overdue
    assert running.offices == ("Midtbyen", "Østbyen", "Lerkendal")
    assert running.owners == frozenset({Role.CASEWORKER})
    assert pending(NOMINATIONS, reached(events), D(2026, 12, 2), NO_HOLIDAYS, finished=False).overdue_days == 0


def test_a_deadline_stops_running_when_its_milestone_is_reached_and_then_counts_as_met_or_missed():
    events = [reported(D(2026, 9, 1)), ("decided", {"decided_on": "2026-10-05"}, D(2026, 10, 5))]
    marks = reached(events)

    assert pending(DECISION, marks, D(2026, 12, 1), NO_HOLIDAYS, finished=False) is None
    assert outcome(DECISION, marks, NO_HOLIDAYS).took == 34
    assert outcome(DECISION, marks, NO_HOLIDAYS).met is False


def test_a_declined_offer_takes_the_decision_away_again():
    events = [reported(D(2026, 9, 1)), ("decided", {"decided_on": "2026-09-10"}, D(2026, 9, 10)),
              ("offer_declined", {"presented": ["K-1"]}, D(2026, 9, 12))]

    assert "vedtak" not in reached(events).dates
    assert pending(DECISION, reached(events), D(2026, 9, 20), NO_HOLIDAYS, finished=False).due == D(2026, 10, 1)


def test_the_shipped_deadlines_file_is_valid():
    routine = load_routine(routine_file())

    assert {d.id for d in routine.deadlines} >= {"nominering", "svar-fra-enhetsleder", "vedtak-30-dager"}
    assert D(2026, 12, 25) in routine.holidays


@pytest.mark.parametrize("text, where, words", [
    ("frister:\n  - id: x\n    navn: y\n    fra: meldt\n    til: vedtak\n", ":2", "enten arbeidsdager eller dager"),
    ("frister:\n  - id: x\n    navn: y\n    fra: meldt\n    til: vedtk\n    dager: 3\n", ":5", "'vedtk' er ikke en av"),
    ("frister:\n  - id: x\n    navn: y\n    fra: vedtak\n    til: meldt\n    dager: 3\n", ":2", "kommer før"),
    ("frister:\n  - id: x\n    navn: y\n    fra: meldt\n    til: vedtak\n    dager: 3\n    farge: rød\n", ":7",
     "farge"),
    ("helligdager: [2026-13-01]\n", ":1", "2026-13-01"),
])
def test_a_mistake_in_the_deadlines_file_names_file_line_and_what(text, where, words):
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "rutine/frister.yaml")

    message = str(caught.value)
    assert "Fristene er ugyldige" in message and f"rutine/frister.yaml{where}" in message and words in message
