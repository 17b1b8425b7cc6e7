"""Importing units (botiltak) and homes (boliger) from tables: through add_unit and add_home, all rows or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from service.casework import imports
from service.domain.errors import Forbidden
from service.imports.mapping import MappingError, default_mapping_file, load_mapping
from service.imports.report import ImportRefused
from service.imports.tables import read_table, read_table_file
from service.store.models import Home, Unit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
UNITS, HOMES = EXAMPLES / "botiltak.csv", EXAMPLES / "boliger.csv"


@pytest.fixture
def unit_mapping():
    return load_mapping(default_mapping_file("botiltak"), "botiltak")


@pytest.fixture
def home_mapping():
    return load_mapping(default_mapping_file("boliger"), "boliger")


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def table_of(text: str, name: str):
    return read_table(text.encode("utf-8"), name)


def refused(call) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        call()
    return caught.value


def test_the_example_units_and_then_their_homes_are_added_with_the_vocabularys_values(world, unit_mapping,
                                                                                        home_mapping):
    units = imports.import_units(world.ctx("konsulent.anne"), read_table_file(UNITS), unit_mapping)
    homes = imports.import_homes(world.ctx("konsulent.anne"), read_table_file(HOMES), home_mapping)

    assert [i["unit_id"] for i in units.items] == ["byasen-bofellesskap", "ila-botiltak"]
    assert len(homes.items) == 4
    with world.sessions() as s:
        ila = s.get(Unit, "ila-botiltak")
        assert ila.name == "Ila botiltak"
        assert ila.profile == {"malgrupper": ["psykisk_lidelse", "rus"],
                               "bemanning": {"dag": True, "kveld": True, "natt": True}, "aktiviteter": False,
                               "felles_maltider": False,
                               "leder": {"navn": "Tore Sand", "epost": "tore.sand@example.org"}}
        home = s.scalar(select(Home).where(Home.address == "Byåsen ring 7, leil. 1"))
        assert (home.unit_id, home.facts) == ("byasen-bofellesskap", {
            "rom": 2, "areal_m2": 48.5, "etasje": 1, "heis": False, "rullestoltilpasset": True, "egen_inngang": True})


def test_a_dry_run_of_units_writes_nothing(world, unit_mapping):
    before = world.snapshot()

    report = imports.import_units(world.ctx("konsulent.anne"), read_table_file(UNITS), unit_mapping, dry_run=True)

    assert len(report.items) == 2 and world.snapshot() == before


def test_a_bad_unit_row_writes_no_unit(world, unit_mapping):
    text = text_of(UNITS).replace("ila-botiltak;", "Ila Botiltak;").replace(";Ja;Ja;Nei;Ja;Ja;", ";Ja;;Nei;Ja;Ja;")
    before = world.count("units")

    exc = refused(lambda: imports.import_units(world.ctx("konsulent.anne"), table_of(text, "botiltak.csv"),
                                               unit_mapping))

    assert [(p.line, p.path, p.message) for p in exc.problems] == [
        (2, "Bemanning kveld", "må fylles ut"),
        (3, "Id", "id-en kan bare ha små bokstaver, tall og bindestrek, f.eks. lade-botiltak")]
    assert world.count("units") == before


def test_a_unit_already_registered_is_an_error_in_its_row(world, unit_mapping):
    text = text_of(UNITS).replace("ila-botiltak;", "lade-botiltak;")

    exc = refused(lambda: imports.import_units(world.ctx("konsulent.anne"), table_of(text, "botiltak.csv"),
                                               unit_mapping))

    assert [(p.line, p.path, p.message) for p in exc.problems] == [
        (3, "Id", "botiltaket 'lade-botiltak' finnes allerede")]


def test_homes_in_a_unit_that_does_not_exist_are_refused_and_none_is_added(world, home_mapping):
    before = world.count("homes")

    exc = refused(lambda: imports.import_homes(world.ctx("konsulent.anne"), read_table_file(HOMES), home_mapping))

    assert [(p.line, p.path) for p in exc.problems] == [(2, "Botiltak"), (3, "Botiltak"), (4, "Botiltak"),
                                                        (5, "Botiltak")]
    assert "finnes ikke; importer botiltakene først" in exc.problems[0].message
    assert world.count("homes") == before


def test_a_home_row_with_bad_values_names_each_cell(world, home_mapping):
    text = ("Botiltak;Adresse;Rom;Areal;Etasje;Heis;Rullestoltilpasset;Egen inngang\n"
            "lade-botiltak;Lade allé 12, leil. 104;0;34;1;Nei;Nei;Ja\n"
            "lade-botiltak;Lade allé 12, leil. 103;1;3x;1;Nei;Nei;Ja\n"
            "lade-botiltak;Lade allé 12, leil. 105;1;30;;Kanskje;Nei;Ja\n")

    exc = refused(lambda: imports.import_homes(world.ctx("konsulent.anne"), table_of(text, "boliger.csv"),
                                               home_mapping))

    assert [(p.line, p.path, p.message) for p in exc.problems] == [
        (2, "Rom", "0 er for lite (minst 1)"),
        (3, "Areal", "'3x' er ikke et tall"),
        (3, "Adresse", "boligen 'Lade allé 12, leil. 103' er registrert fra før"),
        (4, "Heis", "'Kanskje' er verken ja eller nei (kolonneoppsettet godtar 'Ja', 'J', 'X', 'Nei' eller 'N')"),
        (4, "Etasje", "må fylles ut")]


def test_a_unit_leader_adds_homes_to_their_own_unit_only(world, home_mapping):
    text = ("Botiltak;Adresse;Rom;Etasje;Heis;Rullestoltilpasset\n"
            "lade-botiltak;Lade allé 12, leil. 110;1;1;Nei;Nei\n"
            "sverresgate-botiltak;Sverresgate 4, leil. 30;1;1;Nei;Nei\n")

    exc = refused(lambda: imports.import_homes(world.ctx("leder.lade"), table_of(text, "boliger.csv"), home_mapping))

    assert [(p.line, p.path) for p in exc.problems] == [(3, "Botiltak")]
    assert "du er ikke leder for botiltaket 'sverresgate-botiltak'" in exc.problems[0].message
    report = imports.import_homes(world.ctx("leder.lade"), table_of(text.rsplit("sverresgate", 1)[0], "b.csv"),
                                  home_mapping)
    assert [i["address"] for i in report.items] == ["Lade allé 12, leil. 110"]


@pytest.mark.parametrize("username", ["hvk.midtbyen", "leder.lade", "radgiver.per"])
def test_units_are_imported_by_the_team_and_administrators_only(world, unit_mapping, username):
    with pytest.raises(Forbidden):
        imports.import_units(world.ctx(username), read_table_file(UNITS), unit_mapping)


def test_a_waiting_list_mapping_is_refused_for_units(world):
    with pytest.raises(MappingError, match="kolonneoppsettet gjelder venteliste, men dette er en import av botiltak"):
        imports.import_units(world.ctx("konsulent.anne"), read_table_file(UNITS),
                             load_mapping(default_mapping_file("venteliste")))
