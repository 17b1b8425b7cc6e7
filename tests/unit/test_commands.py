"""Requests as commands: every limit in one model, problems named by field, blank as nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from service.casework import commands
from service.domain.codes import OSLO
from service.domain.errors import InvalidInput, Problems
from service.domain.steps import STEPS


def problems(model, **data) -> dict[str, str]:
    return {p.path: p.message for p in commands.parse(model, data).problems}


def test_every_step_of_the_routine_has_its_command():
    assert set(commands.STEP_COMMANDS) == {s.name for s in STEPS}


def test_a_valid_form_becomes_a_command_with_typed_values_and_blank_fields_as_nothing():
    command = commands.parse(commands.ReportVacancy, home_id="12", vacated_on="2026-11-14", ready_on="",
                             monthly_rent="9400", reason="  Flyttet.  ", readiness="")
    assert command.problems == []
    assert (command.home_id, command.vacated_on, command.ready_on) == (12, dt.date(2026, 11, 14), None)
    assert (command.monthly_rent, command.reason, command.readiness) == (9400, "Flyttet.", "vacated")


def test_a_moment_without_a_time_zone_is_norwegian_time():
    command = commands.parse(commands.BookViewing, viewing_at="2026-12-02T10:30")
    assert command.viewing_at == dt.datetime(2026, 12, 2, 10, 30, tzinfo=OSLO)


def test_each_bad_value_is_named_by_its_field_in_bokmal():
    assert problems(commands.RegisterApplicant, code="", name="x" * 201, birth_date="1980-13-01",
                    application_received="2026-03-01", target_groups=[], welfare_office="Sentrum") == {
        "code": "må fylles ut",
        "name": "teksten er for lang (høyst 200 tegn)",
        "birth_date": "'1980-13-01' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD",
        "target_groups": "oppgi minst én målgruppe",
        "welfare_office": "'Sentrum' er ikke en av de tillatte verdiene: 'Midtbyen', 'Østbyen', 'Lerkendal' eller "
                          "'Heimdal'",
    }


def test_rules_between_fields_hold_when_a_field_is_left_out():
    assert problems(commands.DeclineOffer, reason_code="annet") == {
        "reason_text": "må fylles ut når begrunnelsen er «annet»"}
    assert problems(commands.UnitLeaderRespond, response="innsigelse") == {"reason_code": "må fylles ut"}
    assert problems(commands.UnitLeaderRespond, response="enig", reason_code="atferd") == {
        "reason_code": "en begrunnelseskode hører bare til en innsigelse"}
    assert problems(commands.RegisterApplicant, code="K-1", name="A", birth_date="2004-01-01",
                    application_received="2003-12-31", target_groups=["rus"]) == {
        "application_received": "søknaden kan ikke være mottatt før søkeren ble født"}


def test_ids_and_amounts_stay_within_what_the_store_holds_and_refuse_booleans():
    assert problems(commands.Nominate, applicant_id=2**31) == {
        "applicant_id": f"{2**31} er for stort (høyst {2**31 - 1})"}
    assert problems(commands.Nominate, applicant_id=True) == {
        "applicant_id": "true er ikke et heltall"}
    assert problems(commands.Nominate, applicant_id="") == {"applicant_id": "må fylles ut"}
    assert problems(commands.ReportVacancy, home_id=1, monthly_rent=-1) == {
        "monthly_rent": "-1 er for lite (minst 0)"}


def test_an_unknown_field_is_refused_by_name():
    assert problems(commands.SignContract, signert="2026-12-03") == {"signert": "ukjent felt 'signert'"}


def test_a_command_with_problems_keeps_its_good_values_and_refuses_when_checked():
    command = commands.parse(commands.RecordMeeting, participants=[{"name": "A", "role": "enhetsleder"}],
                             minutes="", outcome="enighet", held_on="2026-12-02")
    assert command.outcome == "enighet" and command.held_on == dt.date(2026, 12, 2) and command.minutes is None
    command.check("held_on")  # no problem there: goes on
    with pytest.raises(InvalidInput) as refused:
        command.check()
    assert [str(p) for p in refused.value.problems] == ["minutes: må fylles ut"]


def test_the_casework_adds_its_own_findings_to_the_commands_problems_in_one_answer():
    command = commands.parse(commands.ReportVacancy, home_id=1, reference="x" * 41)
    found = Problems(command)
    found.add("departing_resident", "botiltaket har ingen nåværende beboer med id 'B-99'")
    with pytest.raises(InvalidInput) as refused:
        found.check()
    assert [p.path for p in refused.value.problems] == ["reference", "departing_resident"]


def test_a_body_that_is_not_a_mapping_is_refused_as_a_whole():
    with pytest.raises(InvalidInput):
        commands.parse(commands.Decide, ["K-1"])


def test_a_date_may_be_written_as_in_norway_and_a_day_that_does_not_exist_is_refused():
    assert commands.parse(commands.SignContract, signed_on="3.4.2026").signed_on == dt.date(2026, 4, 3)
    assert commands.parse(commands.BookViewing, viewing_at="02.12.2026 kl. 10:30").viewing_at == dt.datetime(
        2026, 12, 2, 10, 30, tzinfo=OSLO)
    assert problems(commands.SignContract, signed_on="31.02.2026") == {
        "signed_on": "'31.02.2026' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD"}


def test_no_date_of_the_routine_is_before_2000_and_a_meeting_needs_a_time_and_people():
    assert problems(commands.RegisterMoveIn, moved_in_on="1999-12-31") == {
        "moved_in_on": "31.12.1999 er for tidlig (tidligst 01.01.2000)"}
    assert problems(commands.OpenConsultation, scheduled_for="2026-12-02T13:00", participants=[]) == {
        "participants": "oppgi minst én som kalles inn"}
    assert set(problems(commands.OpenConsultation)) == {"scheduled_for", "participants"}


def test_a_text_kept_beside_a_bad_code_is_read_alone_without_its_neighbours():
    command = commands.parse(commands.UnitLeaderRespond, response="innsigelse", reason_text="Vi mangler nattevakt.")
    assert [(p.path, p.message) for p in command.problems] == [("reason_code", "må fylles ut")]
    assert command.reason_text == "Vi mangler nattevakt."
