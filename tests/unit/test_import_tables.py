"""Reading tables for an import (service/imports/tables.py): CSV as exports write it, and Excel workbooks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from service.imports import tables
from service.imports.tables import TableError, read_table, read_table_file

HEADER = "Saksnummer;Navn;Fødselsdato"


def csv_bytes(*lines: str, bom: bool = False, newline: str = "\r\n") -> bytes:
    return (("\ufeff" if bom else "") + newline.join(lines) + newline).encode("utf-8")


def refusal(data: bytes, name: str = "venteliste.csv", **kwargs) -> str:
    with pytest.raises(TableError) as caught:
        read_table(data, name, **kwargs)
    return str(caught.value)


def xlsx_bytes(rows, title: str = "Venteliste", extra_sheet: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet(extra_sheet).append(["annet"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- CSV -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("bom", [True, False])
def test_a_semicolon_export_with_or_without_bom_gives_headers_and_rows_with_line_numbers(bom):
    table = read_table(csv_bytes(HEADER, "K-1;Ada Lie;01.02.1990", "K-2;Bo Ås;03.04.1985", bom=bom), "v.csv")

    assert table.headers == ("Saksnummer", "Navn", "Fødselsdato")  # no BOM glued to the first header
    assert table.delimiter == ";" and table.header_line == 1 and table.format == "csv"
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("K-1", "Ada Lie", "01.02.1990")),
                                                       (3, ("K-2", "Bo Ås", "03.04.1985"))]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_comma_and_tab_are_detected_from_the_header(delimiter):
    table = read_table(csv_bytes(delimiter.join(["Saksnummer", "Navn"]), delimiter.join(["K-1", "Ada"])), "v.csv")

    assert table.delimiter == delimiter
    assert table.rows[0].cells == ("K-1", "Ada")


def test_a_semicolon_inside_a_quoted_comma_export_is_text_not_a_delimiter():
    table = read_table(csv_bytes('Saksnummer,Merknad', 'K-1,"Trenger heis; 3. etasje"'), "v.csv")

    assert table.delimiter == ","
    assert table.rows[0].cells == ("K-1", "Trenger heis; 3. etasje")


def test_a_quoted_value_over_two_lines_keeps_the_next_rows_line_number():
    table = read_table(csv_bytes("Saksnummer;Merknad", 'K-1;"første linje\nandre linje"', "K-2;kort"), "v.csv")

    assert [(r.line, r.cells[1]) for r in table.rows] == [(2, "første linje\nandre linje"), (4, "kort")]


def test_blank_lines_and_trailing_delimiters_are_skipped_but_lines_are_counted():
    table = read_table(csv_bytes(HEADER + ";;", "", "K-1;Ada;01.02.1990;;", ";;;;", "K-2;Bo;03.04.1985"), "v.csv")

    assert [r.line for r in table.rows] == [3, 5]
    assert table.rows[0].cells == ("K-1", "Ada", "01.02.1990")


def test_an_empty_cell_is_none():
    table = read_table(csv_bytes(HEADER, "K-1;  ;01.02.1990"), "v.csv")

    assert table.rows[0].cells == ("K-1", None, "01.02.1990")


def test_a_row_with_a_cell_too_many_is_refused_with_its_line():
    message = refusal(csv_bytes(HEADER, "K-1;Ada;01.02.1990", "K-2;Lie; Bo;03.04.1985"))

    assert "venteliste.csv:3: raden har 4 celler, men overskriften har 3 kolonner" in message


def test_a_row_with_too_few_cells_is_refused_with_its_line():
    assert "venteliste.csv:2: raden har 2 celler, men overskriften har 3" in refusal(csv_bytes(HEADER, "K-1;Ada"))


def test_windows_1252_text_is_refused_with_the_line_and_what_to_do():
    data = "Saksnummer;Navn\r\nK-1;Bjørn\r\n".encode("cp1252")

    message = refusal(data)

    assert "venteliste.csv:2: filen er ikke UTF-8-tekst" in message and "CSV UTF-8" in message


def test_utf16_text_is_refused():
    assert "UTF-16" in refusal((HEADER + "\n").encode("utf-16"))


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"])
def test_an_empty_file_is_refused(data):
    assert "filen er tom" in refusal(data)


def test_a_file_of_delimiters_only_has_no_header():
    assert "ingen overskrift" in refusal(b";;;\n;;;\n")


def test_a_wrong_delimiter_is_refused_naming_the_header_line():
    message = refusal(csv_bytes("Saksnummer|Navn|Fødselsdato", "K-1|Ada|01.02.1990"))

    assert "venteliste.csv:1: fant ikke skilletegnet" in message and "«Saksnummer|Navn|Fødselsdato»" in message


def test_two_columns_with_the_same_name_are_refused():
    message = refusal(csv_bytes("Saksnummer;Navn;saksnummer ", "K-1;Ada;K-1"))

    assert "kolonnen «saksnummer» står to ganger i overskriften (nr. 1 og nr. 3)" in message


def test_a_column_without_a_name_may_be_empty_but_not_hold_a_value():
    assert read_table(csv_bytes("Saksnummer;;Navn", "K-1;;Ada"), "v.csv").headers == ("Saksnummer", "", "Navn")
    assert "venteliste.csv:2: kolonne nr. 2 har ingen overskrift" in refusal(csv_bytes("Saksnummer;;Navn", "K-1;x;Ada"))


def test_an_unclosed_quote_is_refused_with_a_line():
    message = refusal(csv_bytes(HEADER, 'K-1;"Ada;01.02.1990'))

    assert "kan ikke leses som CSV" in message and "anførselstegn" in message


def test_a_nul_byte_is_refused_not_a_crash():
    assert "venteliste.csv:2: linjen har et NUL-tegn" in refusal(csv_bytes(HEADER, "K-1;A\x00da;01.02.1990"))


def test_a_file_with_more_rows_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)

    message = refusal(csv_bytes(HEADER, *[f"K-{i};Ada;01.02.1990" for i in range(5)]))

    assert "flere enn 3 rader" in message


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 100)
    path = tmp_path / "stor.csv"
    path.write_bytes(csv_bytes(HEADER, *["K-1;Ada;01.02.1990"] * 20))

    with pytest.raises(TableError, match="filen er for stor"):
        read_table_file(path)


def test_a_missing_file_is_named():
    with pytest.raises(TableError, match="finnes-ikke.csv: filen finnes ikke"):
        read_table_file("finnes-ikke.csv")


def test_a_very_long_cell_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 10)

    assert "venteliste.csv:2: en verdi er for lang" in refusal(csv_bytes(HEADER, "K-1;" + "A" * 11 + ";01.02.1990"))


def test_a_sheet_cannot_be_named_for_a_csv_file():
    assert "bare velges i en Excel-arbeidsbok" in refusal(csv_bytes(HEADER, "K-1;Ada;1"), sheet="Ark1")


# -- Excel ---------------------------------------------------------------------------------------

def test_an_xlsx_gives_typed_cells_and_the_sheets_row_numbers():
    data = xlsx_bytes([["Saksnummer", "Fødselsdato", "Rom", "Heis"],
                       ["K-1", dt.datetime(1990, 2, 1), 2, True],
                       [None, None, None, None],
                       ["K-2", "03.04.1985", 1.0, False]])

    table = read_table(data, "venteliste.xlsx")

    assert table.format == "xlsx" and table.sheet == "Venteliste" and table.header_line == 1
    assert table.headers == ("Saksnummer", "Fødselsdato", "Rom", "Heis")
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("K-1", dt.datetime(1990, 2, 1), 2, True)),
                                                       (4, ("K-2", "03.04.1985", 1, False))]


def test_an_xlsx_is_read_by_its_content_whatever_it_is_called():
    assert read_table(xlsx_bytes([["Saksnummer", "Navn"], ["K-1", "Ada"]]), "eksport.csv").format == "xlsx"


def test_a_named_sheet_is_read_and_an_unknown_one_listed():
    data = xlsx_bytes([["Saksnummer", "Navn"], ["K-1", "Ada"]], extra_sheet="Botiltak")

    assert read_table(data, "v.xlsx", sheet="Botiltak").headers == ("annet",)
    assert "har ikke arket 'Ark9'; arkene er: 'Venteliste', 'Botiltak'" in refusal(data, "v.xlsx", sheet="Ark9")


def test_a_header_further_down_counts_from_its_row():
    table = read_table(xlsx_bytes([[None], [None], ["Saksnummer", "Navn"], ["K-1", "Ada"]]), "v.xlsx")

    assert table.header_line == 3 and table.rows[0].line == 4


def test_a_value_outside_the_headers_columns_is_refused_naming_the_column():
    message = refusal(xlsx_bytes([["Saksnummer", "Navn"], ["K-1", "Ada", "løs verdi"]]), "v.xlsx")

    assert "v.xlsx:2: raden har en verdi i kolonne C, som ikke har noen overskrift" in message


def test_an_empty_sheet_is_refused():
    assert "er tomt" in refusal(xlsx_bytes([]), "v.xlsx")


def test_a_text_file_named_xlsx_is_refused_as_not_a_workbook():
    assert "filen heter .xlsx, men er ikke en Excel-arbeidsbok" in refusal(csv_bytes(HEADER), "v.xlsx")


def test_the_old_xls_format_is_refused_with_what_to_do():
    assert "gamle Excel-formatet (.xls)" in refusal(tables.OLE_MAGIC + b"\x00" * 100, "v.xls")


@pytest.mark.parametrize("data", [tables.ZIP_MAGIC + b"\x00" * 50, b"PK\x03\x04broken zip"])
def test_a_broken_zip_is_refused_not_a_crash(data):
    assert "kan ikke leses som en Excel-arbeidsbok" in refusal(data, "v.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hei.txt", "ikke en arbeidsbok")

    assert "kan ikke leses som en Excel-arbeidsbok" in refusal(out.getvalue(), "v.xlsx")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_openpyxl_opens_it(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1000)

    assert "for stor utpakket" in refusal(xlsx_bytes([["Saksnummer"], ["K-1"]]), "v.xlsx")
