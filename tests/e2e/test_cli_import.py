"""`boligtildeling import venteliste|botiltak|boliger FILE --som BRUKERNAVN`: exit codes and what is printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from service.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
MIDTBYEN = EXAMPLES / "venteliste-midtbyen.csv"


@pytest.fixture
def cli(world):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["import", *args, "--database-url", world.url])

    return run


def test_a_dry_run_lists_what_would_be_created_and_writes_nothing(cli, world):
    before = world.snapshot()

    result = cli("venteliste", str(MIDTBYEN), "--som", "hvk.midtbyen", "--proveimport")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "  linje 2: K-5001 (Midtbyen), med sjekkliste", "  linje 3: K-5002 (Midtbyen), med sjekkliste",
        "  linje 4: K-5003 (Midtbyen), med sjekkliste", "  linje 5: K-5004 (Midtbyen), med sjekkliste",
        "  linje 6: K-5005 (Midtbyen), med sjekkliste", "  linje 7: K-5006 (Midtbyen), med sjekkliste",
        "Prøveimport av venteliste-midtbyen.csv: 6 søkere ville blitt lagt inn, 6 med sjekkliste. "
        "Ingenting er lagret."]
    assert world.snapshot() == before


def test_dry_run_is_another_name_for_proveimport(cli, world):
    result = cli("venteliste", str(MIDTBYEN), "--som", "hvk.midtbyen", "--dry-run")

    assert result.exit_code == 0 and "Ingenting er lagret" in result.output
    assert world.count("applicants", "code LIKE 'K-50%'") == 0


def test_an_import_writes_every_row_and_a_second_one_is_refused_with_every_row_listed(cli, world):
    first = cli("venteliste", str(MIDTBYEN), "--som", "hvk.midtbyen")
    second = cli("venteliste", str(MIDTBYEN), "--som", "hvk.midtbyen")

    assert first.exit_code == 0 and first.output == "Importert fra venteliste-midtbyen.csv: 6 søkere lagt inn, " \
                                                    "6 med sjekkliste.\n"
    assert second.exit_code == 1
    lines = second.stderr.splitlines()
    assert lines[0] == "Importen er avvist, og ingenting er lagret: 6 feil på 6 av 6 rader i venteliste-midtbyen.csv:"
    assert lines[1] == "  linje 2, kolonne «Saksnummer»: kandidat-id-en 'K-5001' er i bruk"
    assert len(lines) == 7
    assert world.count("applicants", "code LIKE 'K-50%'") == 6


def test_a_bad_file_exits_1_with_every_problem_and_writes_nothing(cli, world, tmp_path):
    text = MIDTBYEN.read_text(encoding="utf-8-sig").replace("14.03.1994", "31.02.1980").replace("Døgn", "Natt")
    path = tmp_path / "venteliste.csv"
    path.write_text(text, encoding="utf-8")
    before = world.snapshot()

    result = cli("venteliste", str(path), "--som", "hvk.midtbyen")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "  linje 2, kolonne «Fødselsdato»: '31.02.1980' er ikke en dato på formen DD.MM.ÅÅÅÅ eller "
        "ÅÅÅÅ-MM-DD",
        "  linje 3, kolonne «Tjenestebehov»: 'Natt' står ikke i verditabellen for kolonnen (kjente verdier: "
        "'Ingen', "
        "'Ambulant', 'Dagtid', 'Dag og kveld' eller 'Døgn')"]
    assert world.snapshot() == before


def test_units_then_homes(cli, world):
    units = cli("botiltak", str(EXAMPLES / "botiltak.csv"), "--som", "konsulent.anne")
    homes = cli("boliger", str(EXAMPLES / "boliger.csv"), "--som", "konsulent.anne")

    assert (units.exit_code, units.output) == (0, "Importert fra botiltak.csv: 2 botiltak lagt inn.\n")
    assert (homes.exit_code, homes.output) == (0, "Importert fra boliger.csv: 4 boliger lagt inn.\n")


def test_homes_dry_run_names_each_home_and_its_unit(cli, world):
    cli("botiltak", str(EXAMPLES / "botiltak.csv"), "--som", "konsulent.anne")

    result = cli("boliger", str(EXAMPLES / "boliger.csv"), "--som", "konsulent.anne", "--proveimport")

    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "  linje 2: Byåsen ring 7, leil. 1 i byasen-bofellesskap"


def test_an_xlsx_sheet_by_name(cli, world, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Forside"
    sheet = book.create_sheet("Venteliste")
    sheet.append(["Saksnummer", "Navn", "Fødselsdato", "Kontor", "Søknad mottatt", "Målgrupper"])
    sheet.append(["K-7001", "Ada Lie", dt.datetime(1990, 2, 1), "Lerkendal HVK", dt.datetime(2026, 2, 2), "Rus"])
    path = tmp_path / "eksport.xlsx"
    book.save(path)

    result = cli("venteliste", str(path), "--som", "konsulent.jonas", "--ark", "Venteliste")

    assert result.exit_code == 0, result.output
    assert world.count("applicants", "code = 'K-7001' AND welfare_office = 'Lerkendal'") == 1


def test_a_mapping_of_ones_own_with_a_mistake_exits_1_naming_file_and_line(cli, tmp_path):
    mapping = tmp_path / "kolonner.yaml"
    mapping.write_text("gjelder: venteliste\nkolonner:\n  Saksnummer: kandidat.id\n  Navn: soker.navnn\n",
                       encoding="utf-8")

    result = cli("venteliste", str(MIDTBYEN), "--som", "hvk.midtbyen", "--kolonner", str(mapping))

    assert result.exit_code == 1
    assert "kolonner.yaml:4: kolonner.Navn: ukjent felt 'soker.navnn'" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("venteliste", "finnes-ikke.csv", "--som", "hvk.midtbyen"), "finnes-ikke.csv: filen finnes ikke"),
    (("venteliste", str(MIDTBYEN), "--som", "ingen.slik"), "Brukeren 'ingen.slik' finnes ikke"),
    (("venteliste", str(MIDTBYEN), "--som", "leder.lade"), "Ventelisten importeres av saksbehandlerne"),
    (("venteliste", str(MIDTBYEN), "--som", "konsulent.anne"), "sjekklisten føres av saksbehandleren"),
    (("botiltak", str(MIDTBYEN), "--som", "konsulent.anne"), "står ikke i kolonneoppsettet"),
])
def test_what_cannot_be_imported_exits_1_with_a_message(cli, args, message):
    result = cli(*args)

    assert result.exit_code == 1
    assert message in result.stderr


def test_a_text_file_named_xlsx_exits_1(cli, tmp_path):
    path = tmp_path / "eksport.xlsx"
    path.write_bytes(MIDTBYEN.read_bytes())

    result = cli("venteliste", str(path), "--som", "hvk.midtbyen")

    assert result.exit_code == 1 and "filen heter .xlsx, men er ikke en Excel-arbeidsbok" in result.stderr


def test_the_user_must_be_named(cli):
    result = cli("venteliste", str(MIDTBYEN))

    assert result.exit_code == 2 and "--som" in result.output


def test_every_import_command_has_help_in_bokmal(cli):
    for command in ("venteliste", "botiltak", "boliger"):
        result = CliRunner().invoke(main, ["import", command, "--help"])
        assert result.exit_code == 0 and "--proveimport, --dry-run" in result.output and "--kolonner" in result.output
