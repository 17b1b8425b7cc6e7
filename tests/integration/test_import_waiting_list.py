"""Importing the waiting list into the store: every row through the casework, all or none; dry runs write nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from service.casework import imports
from service.domain.errors import Forbidden
from service.imports.mapping import MappingError, default_mapping_file, load_mapping, parse_mapping
from service.imports.report import ImportRefused
from service.imports.tables import read_table, read_table_file
from service.store.models import Applicant, AuditEntry, JournalEntry
from support.store import audit_rows

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
MIDTBYEN = EXAMPLES / "venteliste-midtbyen.csv"
ALL_OFFICES = EXAMPLES / "venteliste-alle-kontor.csv"
CODES = ["K-5001", "K-5002", "K-5003", "K-5004", "K-5005", "K-5006"]


@pytest.fixture
def mapping():
    return load_mapping(default_mapping_file("venteliste"), "venteliste")


def example_text() -> str:
    return MIDTBYEN.read_text(encoding="utf-8-sig")


def table_of(text: str, name: str = "venteliste.csv"):
    return read_table(text.encode("utf-8"), name)


def refused(call) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        call()
    return caught.value


def test_the_example_export_puts_every_row_on_the_waiting_list_with_its_checklist(world, mapping):
    report = imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping)

    assert report.written and [item["code"] for item in report.items] == CODES
    assert [item["line"] for item in report.items] == [2, 3, 4, 5, 6, 7]
    with world.sessions() as s:
        rows = {a.code: a for a in s.scalars(select(Applicant).where(Applicant.code.in_(CODES)))}
        assert set(rows) == set(CODES) and {a.welfare_office for a in rows.values()} == {"Midtbyen"}
        bjorn = rows["K-5002"]
        assert (bjorn.name, bjorn.birth_date, bjorn.application_received, bjorn.target_groups) == (
            "Bjørn Aasen", dt.date(1979, 7, 1), dt.date(2026, 5, 15), ["psykisk_lidelse", "rus"])
        entries = {a.code: s.scalars(select(JournalEntry).where(JournalEntry.applicant_id == a.id)).all()
                   for a in rows.values()}
    assert all(len(e) == 1 and e[0].kind == "checklist" for e in entries.values())
    assert entries["K-5002"][0].checklist["bosituasjon"] == "bostedslos"
    assert entries["K-5002"][0].checklist["tjenestebehov"] == "dognbemanning"
    assert entries["K-5003"][0].checklist["utskrivningsklar_siden"] == "2026-09-01"
    assert entries["K-5005"][0].checklist["bosituasjon"] == "egen_bolig_uegnet"  # a comma inside the value
    assert entries["K-5001"][0].note == "Foreldrene er over 80 år."  # the Merknad column
    assert entries["K-5002"][0].note == "Sjekkliste importert fra venteliste-midtbyen.csv, linje 3."


def test_the_import_is_in_the_audit_log_as_registrations_by_hand_are(world, mapping):
    earlier = len(audit_rows(world.url, "actor_username = 'hvk.midtbyen'"))

    imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping)

    actions = [row.action for row in audit_rows(world.url, "actor_username = 'hvk.midtbyen'")[earlier:]]
    assert actions.count("applicant_registered") == 6 and actions.count("checklist_recorded") == 6
    assert actions[-1] == "waiting_list_imported"
    detail = json.loads(audit_rows(world.url, "action = 'waiting_list_imported'")[0].detail)
    assert (detail["rows"], detail["checklists"], detail["source"]) == (6, 6, "venteliste-midtbyen.csv")


def test_a_dry_run_reports_what_would_be_created_and_writes_nothing(world, mapping):
    before = world.snapshot()

    report = imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping,
                                         dry_run=True)

    assert report.dry_run and not report.written
    assert [(i["code"], i["welfare_office"], i["checklist"]) for i in report.items] == [
        (code, "Midtbyen", True) for code in CODES]
    assert "ville blitt lagt inn" in report.summary() and "Ingenting er lagret" in report.summary()
    assert world.snapshot() == before


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_named_by_line_and_column(world, mapping):
    text = example_text().replace("14.03.1994", "31.02.1980").replace("Dagtid;Ja;Nei;Ingen", "Dagtid;Ja;Kanskje;Ingen")
    before, count = world.snapshot(), world.count("applicants")

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert world.snapshot() == before and world.count("applicants") == count
    lines = exc.render().splitlines()
    assert lines[0] == "Importen er avvist, og ingenting er lagret: 3 feil på 3 av 6 rader i venteliste.csv:"
    assert lines[1:] == [
        "  linje 2, kolonne «Fødselsdato»: '31.02.1980' er ikke en dato på formen DD.MM.ÅÅÅÅ eller "
        "ÅÅÅÅ-MM-DD",
        "  linje 4, kolonne «Kan gå i trapper»: 'Kanskje' er verken ja eller nei (kolonneoppsettet godtar 'Ja', "
        "'J', 'X', 'Nei' eller 'N')",
        "  linje 6, kolonne «Kan gå i trapper»: 'Kanskje' er verken ja eller nei (kolonneoppsettet godtar 'Ja', "
        "'J', 'X', 'Nei' eller 'N')"]


def test_the_commands_and_the_vocabulary_judge_the_values_as_for_a_registration_by_hand(world, mapping):
    text = (example_text()
            .replace("K-5001;Astrid Lien;14.03.1994", "K-5001;;14.03.1994")  # name missing
            .replace("Midtbyen HVK;15.05.2026", "Midtbyen HVK;15.05.2027")  # received in the future
            .replace("01.09.2026;Nei;Dagtid;Ja;Nei", "01.09.2026;Nei;Dagtid;;Nei"))  # Rullestol empty

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    shown = [str(p.line) + " " + p.path + ": " + p.message for p in exc.problems]
    assert "2 Navn: må fylles ut" in shown
    assert any(s.startswith("3 Søknad mottatt: mottatt dato kan ikke være i fremtiden") for s in shown)
    assert "4 Rullestol: må fylles ut" in shown  # the vocabulary's obligatorisk, from rules/felter.yaml
    assert world.count("applicants", "code LIKE 'K-50%'") == 0


def test_a_code_already_on_the_waiting_list_is_an_error_in_its_row_and_nothing_is_updated(world, mapping):
    text = example_text().replace("K-5004;", "K-1187;")  # on the list already (the Lade example)

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert [(p.line, p.path, p.message) for p in exc.problems] == [
        (5, "Saksnummer", "kandidat-id-en 'K-1187' er i bruk")]
    assert world.count("applicants", "code LIKE 'K-50%'") == 0


def test_the_same_code_twice_in_the_file_names_the_first_line(world, mapping):
    text = example_text().replace("K-5006;", "K-5002;")

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert [(p.line, p.message) for p in exc.problems] == [
        (7, "kandidat-id-en 'K-5002' står også på linje 3 i filen")]


def test_importing_twice_refuses_the_second_time_with_every_row(world, mapping):
    imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping)

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping))

    assert [p.line for p in exc.problems] == [2, 3, 4, 5, 6, 7]
    assert world.count("applicants", "code LIKE 'K-50%'") == 6


def test_a_caseworker_imports_only_their_own_offices_rows(world, mapping):
    text = example_text().replace("Midtbyen HVK;15.05.2026", "Østbyen HVK;15.05.2026")

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert [(p.line, p.path) for p in exc.problems] == [(3, "Kontor")]
    assert "søkeren hører til Østbyen" in exc.problems[0].message
    with pytest.raises(ImportRefused):  # and Østbyen's caseworker may not import Midtbyen's list
        imports.import_waiting_list(world.ctx("hvk.ostbyen"), read_table_file(MIDTBYEN), mapping)


def test_a_caseworkers_file_without_an_office_column_is_their_offices(world, mapping):
    text = "Saksnummer;Navn;Fødselsdato;Søknad mottatt;Målgrupper\nK-5101;Ada Lie;01.02.1990;02.02.2026;Rus\n"

    imports.import_waiting_list(world.ctx("hvk.heimdal"), table_of(text), mapping)

    with world.sessions() as s:
        assert s.scalar(select(Applicant.welfare_office).where(Applicant.code == "K-5101")) == "Heimdal"


def test_the_team_imports_every_offices_applicants_without_checklists(world, mapping):
    report = imports.import_waiting_list(world.ctx("konsulent.anne"), read_table_file(ALL_OFFICES), mapping)

    assert [(i["code"], i["welfare_office"], i["checklist"]) for i in report.items] == [
        ("K-6001", "Østbyen", False), ("K-6002", "Lerkendal", False), ("K-6003", "Heimdal", False)]
    assert world.count("journal_entries", "applicant_id IN (SELECT id FROM applicants WHERE code LIKE 'K-60%')") == 0


def test_the_team_must_name_the_office_of_every_row(world, mapping):
    text = "Saksnummer;Navn;Fødselsdato;Søknad mottatt;Målgrupper\nK-5101;Ada Lie;01.02.1990;02.02.2026;Rus\n"

    exc = refused(lambda: imports.import_waiting_list(world.ctx("avdelingsleder.siri"), table_of(text), mapping))

    assert exc.problems[0].message == "kolonnen «Kontor» (Helse- og velferdskontor) mangler i filen"


def test_the_team_cannot_import_checklists_which_are_the_caseworkers_to_keep(world, mapping):
    before = world.snapshot()

    exc = refused(lambda: imports.import_waiting_list(world.ctx("konsulent.anne"), read_table_file(MIDTBYEN),
                                                      mapping))

    assert len(exc.problems) == 1 and exc.problems[0].line == 1
    message = exc.problems[0].message
    assert "sjekklisten føres av saksbehandleren ved søkerens eget helse- og velferdskontor" in message
    assert world.snapshot() == before


@pytest.mark.parametrize("username", ["leder.lade", "radgiver.per", "admin"])
def test_others_may_not_import_the_waiting_list_and_the_attempt_is_audited(world, mapping, username):
    with pytest.raises(Forbidden):
        imports.import_waiting_list(world.ctx(username), read_table_file(MIDTBYEN), mapping)

    assert [(r.action, r.outcome) for r in audit_rows(world.url, f"actor_username = '{username}'")] == [
        ("import_waiting_list", "denied")]
    assert world.count("applicants", "code LIKE 'K-50%'") == 0


def test_a_file_with_an_unknown_column_is_refused_as_a_whole(world, mapping):
    text = example_text().replace(";Saksbehandler", ";Telefon")

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert [(p.line, p.message[:30]) for p in exc.problems] == [(1, "kolonnen «Telefon» står ikke i")]


def test_a_file_with_only_its_header_is_refused(world, mapping):
    text = example_text().splitlines()[0] + "\n"

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    assert "ingen rader å importere" in exc.problems[0].message


def test_a_mapping_field_the_rules_in_force_do_not_know_is_refused_naming_the_mapping_file(world):
    mapping = parse_mapping(default_mapping_file("venteliste").read_text(encoding="utf-8")
                            .replace("sjekkliste.rullestol", "sjekkliste.rulestol"), "kolonner.yaml")

    with pytest.raises(MappingError, match=r"kolonner\.yaml:\d+: kolonner\.Rullestol: ukjent felt "
                                           r"'sjekkliste\.rulestol' \(mente du 'sjekkliste\.rullestol'\?\)"):
        imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping)


def test_an_xlsx_with_excel_dates_and_numbers_round_trips(world, mapping):
    rows = [line.split(";") for line in example_text().replace('"Egen bolig, ikke egnet"', "Egen bolig, ikke egnet")
            .replace('"Trenger heis; bor i 3. etasje."', "Trenger heis").splitlines()]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Eksport"
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list = [cell or None for cell in row]
        cells[2] = dt.datetime.strptime(row[2], "%d.%m.%Y")  # a date cell, as Excel keeps it
        cells[4] = dt.datetime.strptime(row[4], "%d.%m.%Y")
        sheet.append(cells)
        sheet.append([None] * len(row))  # blank rows between: skipped, rows keep their numbers
    out = io.BytesIO()
    book.save(out)

    report = imports.import_waiting_list(world.ctx("hvk.midtbyen"), read_table(out.getvalue(), "eksport.xlsx"),
                                         mapping)

    assert [(i["line"], i["code"]) for i in report.items] == list(zip([2, 4, 6, 8, 10, 12], CODES))
    with world.sessions() as s:
        camilla = s.scalar(select(Applicant).where(Applicant.code == "K-5003"))
        assert camilla.birth_date == dt.date(1988, 11, 22)
        entry = s.scalar(select(JournalEntry).where(JournalEntry.applicant_id == camilla.id))
        assert entry.checklist["utskrivningsklar_siden"] == "2026-09-01" and entry.checklist["rullestol"] is True


def test_an_xlsx_row_error_names_the_sheets_row_number(world, mapping):
    book = openpyxl.Workbook()
    book.active.append(["Saksnummer", "Navn", "Fødselsdato", "Søknad mottatt", "Målgrupper"])
    book.active.append(["K-5101", "Ada Lie", dt.datetime(1990, 2, 1), dt.datetime(2026, 2, 2), "Rus"])
    book.active.append(["K-5102", "Bo Ås", "31.02.1980", dt.datetime(2026, 2, 2), "Demens"])
    out = io.BytesIO()
    book.save(out)

    exc = refused(lambda: imports.import_waiting_list(world.ctx("hvk.lerkendal"),
                                                      read_table(out.getvalue(), "eksport.xlsx"), mapping))

    assert [(p.line, p.path) for p in exc.problems] == [(3, "Fødselsdato"), (3, "Målgrupper")]
    with world.sessions() as s:
        assert s.scalar(select(Applicant).where(Applicant.code == "K-5101")) is None


def test_the_audit_log_of_a_refused_import_is_unchanged(world, mapping):
    with world.sessions() as s:
        before = s.query(AuditEntry).count()
    text = example_text().replace("14.03.1994", "31.02.1980")

    refused(lambda: imports.import_waiting_list(world.ctx("hvk.midtbyen"), table_of(text), mapping))

    with world.sessions() as s:
        assert s.query(AuditEntry).count() == before


def test_on_postgresql_one_bad_row_writes_nothing_and_a_good_file_writes_everything(postgres_world, mapping):
    w = postgres_world
    before, journal = w.count("applicants"), w.count("journal_entries")
    text = example_text().replace("14.03.1994", "31.02.1980")

    refused(lambda: imports.import_waiting_list(w.ctx("hvk.midtbyen"), table_of(text), mapping))
    assert (w.count("applicants"), w.count("journal_entries")) == (before, journal)

    imports.import_waiting_list(w.ctx("hvk.midtbyen"), read_table_file(MIDTBYEN), mapping)
    assert (w.count("applicants"), w.count("journal_entries")) == (before + 6, journal + 6)
