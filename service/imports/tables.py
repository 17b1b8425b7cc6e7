"""Tables from files: CSV (as Norwegian Excel and case systems export it) and Excel workbooks (.xlsx).

    read_table(data, source, sheet=None)   the bytes of a file as a Table (CSV or .xlsx, by content)
    read_table_file(path, sheet=None)      the same from a path, its size checked before it is read

A Table is the header (the first row that is not blank) and the rows after it,
each with its line number as the user sees it: for CSV the line in the file where
the row begins (the header is line 1 in an ordinary export; a value in quotes may
run over several lines), for Excel the row number in the sheet. Blank rows are
skipped (exports often end with some). Cells are what the file holds: text for
CSV; text, numbers, true/false and dates for Excel. What a cell means is the
column mapping's business (service/imports/mapping.py).

CSV is UTF-8, with or without a byte-order mark; the delimiter is whichever of
semicolon (what Excel writes with Norwegian settings), comma and tab splits the
header into most columns. Excel is read with openpyxl in read-only mode, cached
values rather than formulas, the first sheet unless one is named.

Anything that cannot be read is a TableError whose problems say what and where, in
bokmål: an empty file, another encoding, a row with more or fewer cells than the
header, two columns with the same name, an old .xls or another file named .xlsx,
and files beyond the limits below (a zip bomb is refused by its unpacked size
before openpyxl opens it). No database, no web.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from engine.errors import BoligtildelingError, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024  # a waiting list of 20,000 rows with 30 columns is about 5 MB as CSV
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx unzipped; such a list is about 30 MB
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
MAX_LINES = MAX_ROWS * 2  # Excel rows looked at, blank ones included

Cell = Union[str, int, float, bool, dt.date, dt.datetime, dt.time, None]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator"}


class TableError(BoligtildelingError):
    """The file cannot be read as a table; nothing in it is used."""

    title = "Filen kan ikke leses"


@dataclass(frozen=True)
class Row:
    """A row of the table: its line number and one cell per column of the header."""

    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    source: str  # the file's name as messages show it
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    header_line: int
    format: str  # "csv" or "xlsx"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # Excel only


def _problem(source: str, message: str, line: int | None = None) -> Problem:
    return Problem(path="", message=message, file=source, line=line)


def _refuse(source: str, message: str, line: int | None = None) -> TableError:
    return TableError(_problem(source, message, line))


def read_table_file(path: str | Path, sheet: str | None = None, shown: str | None = None) -> Table:
    """The file at `path` as a Table; its size is checked before it is read."""
    path = Path(path)
    source = shown or path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(source, f"filen er for stor ({size / 1024 / 1024:.1f} MB; høyst "
                                  f"{MAX_FILE_BYTES // 1024 // 1024} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(source, "filen finnes ikke") from None
    except IsADirectoryError:
        raise _refuse(source, "dette er en mappe, ikke en fil") from None
    except OSError as exc:
        raise _refuse(source, f"filen kan ikke leses ({exc.strerror or exc})") from None
    return read_table(data, source, sheet)


def read_table(data: bytes, source: str, sheet: str | None = None) -> Table:
    """`data` as a Table: an Excel workbook if it is one (or is named one), else CSV text."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(source, f"filen er for stor (høyst {MAX_FILE_BYTES // 1024 // 1024} MB)")
    name = source.lower()
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise _refuse(source, "filen er i det gamle Excel-formatet (.xls); lagre den som Excel-arbeidsbok "
                              "(.xlsx) eller som CSV")
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, source, sheet)
    if name.endswith(EXCEL_SUFFIXES):
        raise _refuse(source, "filen heter .xlsx, men er ikke en Excel-arbeidsbok (innholdet er ikke en "
                              "xlsx-fil); lagre den på nytt fra Excel, eller gi den riktig navn")
    if sheet is not None:
        raise _refuse(source, f"et ark ('{sheet}') kan bare velges i en Excel-arbeidsbok, ikke i en CSV-fil")
    return read_csv(data, source)


# -- CSV -------------------------------------------------------------------------------------------

def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(source, "filen er UTF-16-tekst; lagre den som «CSV UTF-8» (eller CSV med tegnsettet UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _refuse(source, "filen er ikke UTF-8-tekst (kanskje Windows-1252/ANSI, som Excel bruker for "
                              "«CSV (semikolondelt)»); lagre den som «CSV UTF-8»", line) from None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def detect_delimiter(header: str, source: str = "", line: int | None = None) -> str:
    """The delimiter that splits the header line into most columns: ; , or tab (in that order on a tie)."""
    counts = {}
    for delimiter in DELIMITERS:
        try:
            counts[delimiter] = len(next(csv.reader([header], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            counts[delimiter] = 0
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals
    if counts[best] <= 1:
        shown = header if len(header) <= 80 else header[:77] + "..."
        raise _refuse(source, f"fant ikke skilletegnet: overskriftslinjen «{shown}» blir bare én kolonne med "
                              f"semikolon (;), komma (,) eller tabulator som skilletegn", line)
    return best


def read_csv(data: bytes, source: str) -> Table:
    text = _decode(data, source)
    if not text.strip():
        raise _refuse(source, "filen er tom")
    if "\x00" in text:  # csv reads it, but no database stores it
        line = text[:text.index("\x00")].count("\n") + 1
        raise _refuse(source, "linjen har et NUL-tegn; er filen egentlig tekst?", line)
    header_text = _first_line(text)
    header_line = text[:text.index(header_text)].count("\n") + 1
    delimiter = detect_delimiter(header_text, source, header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(records) > MAX_ROWS:
                raise _refuse(source, f"filen har flere enn {MAX_ROWS:,} rader".replace(",", " "), start)
            records.append((start, record))
    except csv.Error as exc:
        raise _refuse(source, f"linjen kan ikke leses som CSV ({_csv_reason(exc)})", previous + 1) from None
    if not records:
        raise _refuse(source, "filen har ingen overskrift: alle linjene er tomme")
    (header_line, header), body = records[0], records[1:]
    while header and not header[-1].strip():
        header = header[:-1]  # trailing delimiters in the header too
    rows = []
    for line, record in body:
        if len(record) != len(header):
            if len(record) > len(header) and not any(c.strip() for c in record[len(header):]):
                record = record[:len(header)]  # trailing delimiters
            else:
                raise _refuse(source, f"raden har {len(record)} celler, men overskriften har {len(header)} "
                                      f"kolonner (et skilletegn i en verdi som ikke står i anførselstegn?)", line)
        rows.append((line, [cell if cell.strip() else None for cell in record]))
    headers, rows = _checked(source, header_line, [h.strip() for h in header], rows)
    return Table(source=source, headers=headers, rows=rows, header_line=header_line, format="csv",
                 delimiter=delimiter)


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "en verdi er for lang"
    if "expected after" in text:
        return "et anførselstegn er ikke lukket der verdien slutter"
    if "unexpected end of data" in text or "EOF" in text:
        return "et anførselstegn er aldri lukket"
    return text


# -- Excel -----------------------------------------------------------------------------------------

def read_xlsx(data: bytes, source: str, sheet: str | None = None) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refuse(source, "filen kan ikke leses som en Excel-arbeidsbok (xlsx): den er ikke en gyldig "
                              "xlsx-fil") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(source, f"arbeidsboken er for stor utpakket ({unpacked // 1024 // 1024} MB; høyst "
                              f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB)")
    import openpyxl  # only here: reading a CSV never pays for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _read_sheet(book, source, sheet)
            finally:
                book.close()
    except TableError:
        raise
    except Exception:  # openpyxl raises many kinds on a broken or foreign zip; all mean "not a workbook we can read"
        raise _refuse(source, "filen kan ikke leses som en Excel-arbeidsbok (xlsx); er den lagret fra Excel "
                              "som .xlsx?") from None


def _read_sheet(book, source: str, sheet: str | None) -> Table:
    names = list(book.sheetnames)
    if sheet is not None:
        if sheet not in names:
            raise _refuse(source, f"arbeidsboken har ikke arket '{sheet}'; arkene er: "
                                  + ", ".join(f"'{n}'" for n in names))
        worksheet = book[sheet]
    else:
        if not book.worksheets:
            raise _refuse(source, "arbeidsboken har ingen regneark")
        worksheet = book.worksheets[0]
    records: list[tuple[int, list[Cell]]] = []
    counted = 0
    for cells in worksheet.iter_rows(max_col=MAX_COLUMNS + 1):
        counted += 1
        values = [_excel_value(c.value) for c in cells]
        if not any(not _blank(v) for v in values):
            if counted > MAX_LINES:
                break
            continue
        line = next(c.row for c in cells if getattr(c, "row", None) is not None and not _blank(c.value))
        if len(records) > MAX_ROWS:
            raise _refuse(source, f"arket har flere enn {MAX_ROWS:,} rader".replace(",", " "), line)
        records.append((line, values))
    if not records:
        raise _refuse(source, f"arket '{worksheet.title}' er tomt")
    (header_line, header), body = records[0], records[1:]
    while header and _blank(header[-1]):
        header = header[:-1]
    width = len(header)
    rows = []
    for line, values in body:
        extra = [i for i, v in enumerate(values[width:], start=width) if not _blank(v)]
        if extra:
            from openpyxl.utils import get_column_letter

            raise _refuse(source, f"raden har en verdi i kolonne {get_column_letter(extra[0] + 1)}, som ikke har "
                                  "noen overskrift", line)
        values = (values + [None] * width)[:width]
        rows.append((line, [None if _blank(v) else v for v in values]))
    headers = ["" if h is None else str(h).strip() for h in header]
    headers, rows = _checked(source, header_line, headers, rows)
    return Table(source=source, headers=headers, rows=rows, header_line=header_line, format="xlsx",
                 sheet=worksheet.title)


def _excel_value(value) -> Cell:
    if isinstance(value, (str, int, float, bool, dt.date, dt.time)) or value is None:
        return value
    return str(value)  # a decimal, a time span ...


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- both --------------------------------------------------------------------------------------------

def _checked(source: str, header_line: int, headers: list[str], rows: list[tuple[int, list[Cell]]]):
    """The header's names unique and given (a nameless column must be empty); cells not too long."""
    if len(headers) > MAX_COLUMNS:
        raise _refuse(source, f"filen har {len(headers)} kolonner (høyst {MAX_COLUMNS})", header_line)
    seen: dict[str, int] = {}
    for i, name in enumerate(headers):
        if len(name) > 200:
            raise _refuse(source, f"overskriften i kolonne nr. {i + 1} er for lang (høyst 200 tegn)", header_line)
        if not name:
            continue
        key = header_key(name)
        if key in seen:
            raise _refuse(source, f"kolonnen «{name}» står to ganger i overskriften (nr. {seen[key] + 1} og "
                                  f"nr. {i + 1})", header_line)
        seen[key] = i
    nameless = [i for i, name in enumerate(headers) if not name]
    for line, cells in rows:
        for i in nameless:
            if cells[i] is not None:
                raise _refuse(source, f"kolonne nr. {i + 1} har ingen overskrift, men raden har en verdi i den", line)
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise _refuse(source, f"en verdi er for lang ({len(cell)} tegn; høyst {MAX_CELL_CHARS})", line)
    return tuple(headers), tuple(Row(line=line, cells=tuple(cells)) for line, cells in rows)


def header_key(name: str) -> str:
    """How column names are compared: without case and with runs of white space as one space."""
    return " ".join(str(name).split()).casefold()
