"""The column mapping (service/imports/mapping.py): the file, its fields against the vocabulary, cells read by it."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from service.casework.commands import DATE_FORMATS, read_day
from service.imports.mapping import (ABSENT, ISO_DATES, KINDS, Dates, MappingError, bind, default_mapping_file,
                                     load_mapping, parse_mapping, read_cell, row_values)
from service.imports.tables import read_table

MINIMAL = """\
gjelder: venteliste
kolonner:
  Saksnummer: kandidat.id
  Navn: soker.navn
  Fødselsdato: soker.fodselsdato
  Mottatt: kandidat.soknad_mottatt
  Målgrupper:
    felt: kandidat.malgrupper
    verdier: {Rus: rus, Psykisk lidelse: psykisk_lidelse}
"""


@pytest.fixture
def vocabulary(rulebook):
    return rulebook.vocabulary


def mapping_of(text: str):
    return parse_mapping(textwrap.dedent(text), "kolonner.yaml")


def refusal(text: str, vocabulary=None) -> str:
    with pytest.raises(MappingError) as caught:
        mapping = mapping_of(text)
        mapping.columns(vocabulary)
    return str(caught.value)


def column(vocabulary, text: str, header: str):
    return mapping_of(text).columns(vocabulary)[header.casefold()]


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_mappings_are_valid_under_the_shipped_vocabulary(kind, vocabulary):
    mapping = load_mapping(default_mapping_file(kind), kind)

    assert mapping.kind == kind
    assert mapping.columns(vocabulary)


def test_a_field_the_vocabulary_does_not_know_is_refused_with_file_line_and_a_suggestion(vocabulary):
    message = refusal(MINIMAL + "  Bosituasjon: sjekkliste.bosituasjonn\n", vocabulary)

    assert "kolonner.yaml:10: kolonner.Bosituasjon: ukjent felt 'sjekkliste.bosituasjonn'" in message
    assert "mente du 'sjekkliste.bosituasjon'" in message


def test_a_field_of_another_table_is_refused(vocabulary):
    message = refusal(MINIMAL + "  Rom: bolig.rom\n", vocabulary)

    assert "feltet 'bolig.rom' hører ikke til en venteliste-fil" in message


def test_age_is_not_imported_since_it_follows_from_the_birth_date(vocabulary):
    assert "regnes ut fra fødselsdatoen" in refusal(MINIMAL + "  Alder: kandidat.alder\n", vocabulary)


def test_a_field_with_subfields_must_be_named_by_a_subfield(vocabulary):
    text = "gjelder: botiltak\nkolonner:\n  Id: botiltak.id\n  Navn: botiltak.navn\n  Bemanning: botiltak.bemanning\n"

    assert "oppgi ett av dem (botiltak.bemanning.dag, botiltak.bemanning.kveld" in refusal(text, vocabulary)


def test_a_translation_to_a_code_the_field_does_not_have_is_refused_at_its_line(vocabulary):
    text = MINIMAL + "  Bosituasjon:\n    felt: sjekkliste.bosituasjon\n    verdier:\n      Bostedsløs: bostedløs\n"

    message = refusal(text, vocabulary)

    assert ("kolonner.yaml:13: kolonner.Bosituasjon.verdier.Bostedsløs: 'bostedløs' er ikke en av feltets "
            "verdier: 'bostedslos', ") in message


def test_a_yes_no_translation_must_give_true_or_false(vocabulary):
    text = MINIMAL + "  Rullestol:\n    felt: sjekkliste.rullestol\n    verdier: {R: ja}\n"

    assert "'ja' er ikke true eller false" in refusal(text, vocabulary)


def test_a_column_without_the_required_fields_is_refused(vocabulary):
    text = "gjelder: venteliste\nkolonner:\n  Saksnummer: kandidat.id\n"

    message = refusal(text, vocabulary)

    assert "har ingen kolonne for soker.navn (Søkerens navn)" in message
    assert "kandidat.malgrupper" in message


def test_one_field_in_two_columns_is_refused(vocabulary):
    assert "har allerede kolonnen «Saksnummer»" in refusal(MINIMAL + "  Sak: kandidat.id\n", vocabulary)


def test_an_unquoted_yes_is_refused_with_what_to_write():
    assert "skriv verdien i anførselstegn" in refusal(MINIMAL + "ja: [yes]\n")


def test_a_word_for_both_yes_and_no_is_refused():
    assert "kolonner.yaml:1: 'x' står både under ja og nei" in refusal(MINIMAL + "ja: [Ja, X]\nnei: [Nei, x]\n")


def test_a_column_named_twice_is_refused_whatever_its_case():
    assert "kolonnen «navn» står to ganger" in refusal(MINIMAL + "ignorer: [navn]\n")


def test_an_unknown_key_and_a_wrong_kind_name_their_lines():
    message = refusal("gjelder: sokere\nkolonnner: {}\n")

    assert "kolonner.yaml:1: gjelder: 'sokere' er ikke en av de tillatte verdiene" in message
    assert "kolonner.yaml:2: kolonnner: ukjent felt 'kolonnner'" in message


def test_a_mapping_for_another_table_is_refused_by_load(tmp_path):
    path = tmp_path / "kolonner.yaml"
    path.write_text(MINIMAL, encoding="utf-8")

    with pytest.raises(MappingError, match="kolonneoppsettet gjelder venteliste, men dette er en import av boliger"):
        load_mapping(path, "boliger")


def test_broken_yaml_is_refused_with_its_line():
    assert "kolonner.yaml:4: ugyldig YAML" in refusal("gjelder: venteliste\nkolonner:\n  - [\n")


# -- cells -------------------------------------------------------------------------------------

FULL = MINIMAL + """\
  Rullestol: sjekkliste.rullestol
  Siden: sjekkliste.utskrivningsklar_siden
  Rom: sjekkliste.bosituasjon
"""


@pytest.mark.parametrize("cell, value", [("Ja", True), (" nei ", False), ("J", True), (True, True), ("1", True)])
def test_yes_and_no_are_read_by_the_mappings_words(vocabulary, cell, value):
    assert read_cell(cell, column(vocabulary, FULL, "Rullestol"), mapping_of(FULL)) == (value, None)


def test_a_word_that_is_neither_yes_nor_no_says_which_words_count(vocabulary):
    value, problem = read_cell("Kanskje", column(vocabulary, FULL, "Rullestol"), mapping_of(FULL))

    assert value is ABSENT
    assert problem.startswith("'Kanskje' er verken ja eller nei (kolonneoppsettet godtar 'Ja', 'J', 'X'")


SEPTEMBER_1 = dt.date(2026, 9, 1)
FORMS = Dates(read=read_day, formats=DATE_FORMATS)  # what the casework hands in


@pytest.mark.parametrize("cell, value", [("01.09.2026", SEPTEMBER_1), ("2026-09-01", SEPTEMBER_1),
                                         (dt.datetime(2026, 9, 1), SEPTEMBER_1), ("1.9.2026", SEPTEMBER_1)])
def test_dates_are_read_as_the_forms_read_them_and_excel_dates_as_dates(vocabulary, cell, value):
    assert read_cell(cell, column(vocabulary, FULL, "Siden"), mapping_of(FULL), FORMS) == (value, None)


def test_a_date_that_does_not_exist_is_named_with_the_formats(vocabulary):
    assert read_cell("31.02.1980", column(vocabulary, FULL, "Fødselsdato"), mapping_of(FULL), FORMS) == (
        ABSENT, "'31.02.1980' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD")


def test_without_the_casework_reader_a_date_is_iso_only(vocabulary):
    col = column(vocabulary, FULL, "Siden")

    assert read_cell("2026-09-01", col, mapping_of(FULL), ISO_DATES) == (SEPTEMBER_1, None)
    assert read_cell("01.09.2026", col, mapping_of(FULL))[1] == "'01.09.2026' er ikke en dato på formen ÅÅÅÅ-MM-DD"


def test_several_values_are_split_and_translated(vocabulary):
    assert read_cell("Psykisk lidelse, Rus", column(vocabulary, FULL, "Målgrupper"), mapping_of(FULL)) == (
        ["psykisk_lidelse", "rus"], None)


def test_our_own_code_passes_a_translation_table_but_an_unknown_value_is_named(vocabulary):
    col, mapping = column(vocabulary, FULL, "Målgrupper"), mapping_of(FULL)

    assert read_cell("rus", col, mapping) == (["rus"], None)
    assert read_cell("Rus, Demens", col, mapping) == (
        ABSENT, "'Demens' står ikke i verditabellen for kolonnen (kjente verdier: 'Rus' eller 'Psykisk lidelse')")


@pytest.mark.parametrize("cell, value", [("3", 3), (3.0, 3), (" 12 ", 12), ("1 200", 1200)])
def test_whole_numbers_from_text_and_excel(vocabulary, cell, value):
    text = "gjelder: boliger\nkolonner:\n  Botiltak: botiltak.id\n  Adresse: bolig.adresse\n  Rom: bolig.rom\n"

    assert read_cell(cell, column(vocabulary, text, "Rom"), mapping_of(text)) == (value, None)


@pytest.mark.parametrize("cell", ["3a", "2,5", "²", "+-3", True])
def test_what_is_not_a_whole_number_is_named(vocabulary, cell):
    text = "gjelder: boliger\nkolonner:\n  Botiltak: botiltak.id\n  Adresse: bolig.adresse\n  Rom: bolig.rom\n"

    value, problem = read_cell(cell, column(vocabulary, text, "Rom"), mapping_of(text))

    assert value is ABSENT and problem.endswith("er ikke et heltall")


@pytest.mark.parametrize("cell, value", [("48,5", 48.5), ("48.5", 48.5), (36, 36.0)])
def test_decimals_with_comma_or_point(vocabulary, cell, value):
    text = "gjelder: boliger\nkolonner:\n  Botiltak: botiltak.id\n  Adresse: bolig.adresse\n  Areal: bolig.areal_m2\n"

    assert read_cell(cell, column(vocabulary, text, "Areal"), mapping_of(text)) == (value, None)


def test_an_excel_number_in_a_text_column_is_its_digits(vocabulary):
    assert read_cell(1187.0, column(vocabulary, FULL, "Saksnummer"), mapping_of(FULL)) == ("1187", None)


# -- a table through the mapping ------------------------------------------------------------------

def table(*lines: str):
    return read_table(("\n".join(lines) + "\n").encode(), "venteliste.csv")


def test_a_row_becomes_our_fields_and_its_unreadable_cells_are_named_by_column(vocabulary):
    mapping = mapping_of(FULL)
    t = table("Saksnummer;Navn;Fødselsdato;Mottatt;Målgrupper;Rullestol",
              "K-1;Ada Lie;01.02.1990;02.02.2026;Rus;Kanskje")
    bound = bind(t, mapping, mapping.columns(vocabulary))

    values, problems = row_values(t.rows[0].cells, bound, mapping, FORMS)

    assert bound.problems == ()
    assert values == {"kandidat.id": "K-1", "soker.navn": "Ada Lie", "soker.fodselsdato": dt.date(1990, 2, 1),
                      "kandidat.soknad_mottatt": dt.date(2026, 2, 2), "kandidat.malgrupper": ["rus"]}
    assert list(problems) == ["Rullestol"]


def test_columns_the_mapping_does_not_know_are_named_in_one_problem_and_ignored_ones_pass(vocabulary):
    mapping = mapping_of(MINIMAL + "ignorer: [Saksbehandler]\n")
    t = table("Saksnummer;Navn;Fødselsdato;Mottatt;Målgrupper;Saksbehandler;Sist endret;Telefon", "K-1;A;1;2;3;4;5;6")

    problems = bind(t, mapping, mapping.columns(vocabulary)).problems

    assert [str(p) for p in problems] == [
        "venteliste.csv:1: kolonnene «Sist endret», «Telefon» står ikke i kolonneoppsettet (kolonner.yaml); "
        "før dem "
        "opp under kolonner, eller under ignorer om de ikke skal importeres"]


def test_a_required_column_missing_from_the_file_is_named(vocabulary):
    mapping = mapping_of(MINIMAL)
    t = table("Saksnummer;Navn;Mottatt;Målgrupper", "K-1;A;2;3")

    problems = bind(t, mapping, mapping.columns(vocabulary), ("kandidat.hvk",)).problems

    assert [p.message for p in problems] == [
        "kolonnen «Fødselsdato» mangler i filen",
        "filen må ha en kolonne for kandidat.hvk, men kolonneoppsettet (kolonner.yaml) har ingen"]


def test_headers_match_whatever_their_case_and_spacing(vocabulary):
    mapping = mapping_of(MINIMAL)
    t = table("SAKSNUMMER;navn;Fødsels dato;Mottatt;  Målgrupper ", "K-1;A;1;2;3")

    problems = bind(t, mapping, mapping.columns(vocabulary)).problems

    assert [p.message[:40] for p in problems] == ["kolonnen «Fødsels dato» står ikke i kolo",
                                                  "kolonnen «Fødselsdato» mangler i filen"]
