"""The column mapping (kolonneoppsett): which column of an export is which of our fields, as data.

A mapping file (`rutine/import-venteliste.yaml`, `-botiltak.yaml`, `-boliger.yaml`)
says which table it is for (`gjelder`), maps each column header of the export to
a field, and translates the export's values where they differ from ours:

    gjelder: venteliste
    ja: [Ja, J, X]                   # what counts as true in a yes/no column (and `nei` as false)
    skilletegn_flervalg: ","         # between the values of one cell with several (målgrupper)
    ignorer: [Saksbehandler]          # columns of the export that are not imported
    kolonner:
      Saksnummer: kandidat.id
      Kontor:
        felt: kandidat.hvk
        verdier: {Midtbyen HVK: Midtbyen, Østbyen HVK: Østbyen}

The fields are the rules vocabulary's (rules/felter.yaml: `kandidat.*`, `sjekkliste.*`,
`botiltak.*`, `bolig.*`) plus the few an import needs beyond it (`soker.navn`,
`soker.fodselsdato`, `journal.merknad`); whether a field exists, and what type it has,
is looked up in the vocabulary in force, so a checklist question added there can be
imported without code. One pydantic model (MappingFile) reads the file; every
mistake names the file and line, as for the rules and rutine/frister.yaml.

A cell becomes a value in two steps: the column's `verdier` translate it (when
given), then the field's type reads it: yes/no by `ja`/`nei`, dates as DD.MM.ÅÅÅÅ or
ÅÅÅÅ-MM-DD as the casework reads them (`Dates`; or an Excel date), numbers with
decimal comma or point, several values split by `skilletegn_flervalg`. Whether the value is allowed (a known code, within
bounds, filled in when required) is not decided here: the casework's commands and
the vocabulary's models do that, as for a registration by hand.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.errors import BoligtildelingError, Problem
from engine.language.validation_messages import ISO_DATE, choices, not_a_date, problems_from, shown, wrong_type
from engine.language.vocabulary import Vocabulary
from engine.language.yaml_source import SourceDocument, YamlSyntaxError, parse_yaml_text, shown_path
from service.config import data_dir
from service.imports.tables import Cell, Table, header_key

Kind = Literal["venteliste", "botiltak", "boliger"]
KINDS: tuple[str, ...] = ("venteliste", "botiltak", "boliger")

#: Fields an import takes beyond the vocabulary: (type, label).
OWN_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "venteliste": {"soker.navn": ("tekst", "Søkerens navn"), "soker.fodselsdato": ("dato", "Fødselsdato"),
                   "journal.merknad": ("tekst", "Merknad i boligjournalen")},
    "botiltak": {},
    "boliger": {},
}
#: The vocabulary fields each kind of table may fill: a name, or a section and every field in it ("sjekkliste.").
VOCABULARY_FIELDS: dict[str, tuple[str, ...]] = {
    "venteliste": ("kandidat.id", "kandidat.hvk", "kandidat.soknad_mottatt", "kandidat.malgrupper", "sjekkliste."),
    "botiltak": ("botiltak.",),
    "boliger": ("botiltak.id", "bolig."),
}
#: Fields every file of the kind must have a column for.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "venteliste": ("kandidat.id", "soker.navn", "soker.fodselsdato", "kandidat.soknad_mottatt",
                   "kandidat.malgrupper"),
    "botiltak": ("botiltak.id", "botiltak.navn"),
    "boliger": ("botiltak.id", "bolig.adresse"),
}
NOT_IMPORTED = {"kandidat.alder": "alderen regnes ut fra fødselsdatoen (soker.fodselsdato)"}

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")
DEFAULT_YES = ("Ja", "J", "X", "Sann", "true", "1")
DEFAULT_NO = ("Nei", "N", "Usann", "false", "0")


class MappingError(BoligtildelingError):
    """The column mapping cannot be used; nothing is imported with it."""

    title = "Kolonneoppsettet er ugyldig"


def default_mapping_file(kind: str) -> Path:
    """The mapping that ships for `kind`: rutine/import-<kind>.yaml (in a plain install, the shipped copy)."""
    return data_dir("rutine") / f"import-{kind}.yaml"


# -- the file --------------------------------------------------------------------------------------

def _as_text(value: Any) -> Any:
    """A value written in the file as the export writes it: 1 and 2.5 are text here; true/false must be quoted."""
    if isinstance(value, bool):
        raise ValueError("true/false (og yes/no, on/off) leses som ja/nei av YAML; skriv verdien i anførselstegn, "
                         "f.eks. 'yes'")
    if isinstance(value, (int, float)):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=200)]
OurValue = Union[bool, int, float, str]


class ColumnSpec(BaseModel):
    """One column of the export: the field it fills and, if the export's values differ from ours, a table."""

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(min_length=1, max_length=120, description="Feltet kolonnen fyller, f.eks. sjekkliste.rullestol.")
    verdier: Optional[dict[Text, OurValue]] = Field(
        None, description="Eksportens verdi: vår verdi (f.eks. «Bostedsløs: bostedslos»).")

    @field_validator("verdier", mode="before")
    @classmethod
    def _keys_as_text(cls, value):
        if isinstance(value, dict):
            return {_as_text(k): v for k, v in value.items()}
        return value


class MappingFile(BaseModel):
    """A column mapping: rutine/import-venteliste.yaml and its siblings."""

    model_config = ConfigDict(extra="forbid")
    gjelder: Kind = Field(description="Hvilken tabell: venteliste, botiltak eller boliger.")
    beskrivelse: Optional[str] = Field(None, max_length=2000)
    ja: list[Text] = Field(default_factory=lambda: list(DEFAULT_YES), description="Verdier som betyr ja.")
    nei: list[Text] = Field(default_factory=lambda: list(DEFAULT_NO), description="Verdier som betyr nei.")
    skilletegn_flervalg: str = Field(",", min_length=1, max_length=3,
                                     description="Skiller verdiene i en celle med flere (f.eks. målgrupper).")
    ignorer: list[Text] = Field(default_factory=list, description="Kolonner i eksporten som ikke importeres.")
    kolonner: dict[Text, Union[str, ColumnSpec]] = Field(description="Kolonneoverskrift: felt (eller felt og "
                                                                      "verdier).")

    @field_validator("kolonner", mode="before")
    @classmethod
    def _headers_as_text(cls, value):
        if isinstance(value, dict):
            return {_as_text(k): v for k, v in value.items()}
        return value

    @field_validator("kolonner")
    @classmethod
    def _some_columns(cls, value):
        if not value:
            raise ValueError("oppgi minst én kolonne")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        yes = {header_key(v) for v in self.ja}
        both = [v for v in self.nei if header_key(v) in yes]
        if both:
            raise ValueError(f"{choices(both)} står både under ja og nei")
        seen: dict[str, str] = {}
        for header in [*self.kolonner, *self.ignorer]:
            key = header_key(header)
            if key in seen:
                raise ValueError(f"kolonnen «{header}» står to ganger (under kolonner eller ignorer)")
            seen[key] = header
        return self


@dataclass(frozen=True)
class Column:
    """A column of the mapping, resolved against the vocabulary: what its cells are read as."""

    header: str
    field: str
    type: str  # the vocabulary's type: tekst, heltall, tall, boolsk, dato, valg, flervalg
    label: str
    values: dict[str, Any] | None  # header_key(export value) -> our value
    shown_values: tuple[str, ...]  # the export values as the file writes them, for messages


@dataclass(frozen=True)
class Mapping:
    """A valid mapping file; `columns(vocabulary)` resolves its fields against the rules in force."""

    model: MappingFile
    doc: SourceDocument
    source: str

    @property
    def kind(self) -> str:
        return self.model.gjelder

    @property
    def yes(self) -> frozenset[str]:
        return frozenset(header_key(v) for v in self.model.ja)

    @property
    def no(self) -> frozenset[str]:
        return frozenset(header_key(v) for v in self.model.nei)

    def problem(self, loc: tuple, message: str) -> Problem:
        return self.doc.problem(loc, message)

    def columns(self, vocabulary: Vocabulary) -> dict[str, Column]:
        """header_key -> Column; MappingError naming file and line for a field the vocabulary does not know."""
        problems: list[Problem] = []
        columns: dict[str, Column] = {}
        used: dict[str, str] = {}
        tried: set[str] = set()
        for header, spec in self.model.kolonner.items():
            spec = spec if isinstance(spec, ColumnSpec) else ColumnSpec(felt=spec)
            loc = ("kolonner", header) if isinstance(self.model.kolonner[header], str) else ("kolonner", header, "felt")
            tried.add(spec.felt)
            found = self._field(spec.felt, vocabulary)
            if isinstance(found, str):
                problems.append(self.problem(loc, found))
                continue
            kind, label, allowed = found
            if spec.felt in used:
                problems.append(self.problem(loc, f"feltet '{spec.felt}' har allerede kolonnen «{used[spec.felt]}»"))
                continue
            used[spec.felt] = header
            values = None
            if spec.verdier is not None:
                values = {}
                for key, ours in spec.verdier.items():
                    bad = _bad_target(ours, kind, allowed)
                    if bad:
                        problems.append(self.problem(("kolonner", header, "verdier", key), bad))
                    values[header_key(key)] = ours
            columns[header_key(header)] = Column(header=header, field=spec.felt, type=kind, label=label,
                                                 values=values, shown_values=tuple(spec.verdier or ()))
        for required in REQUIRED_FIELDS[self.kind]:
            if required not in tried:
                problems.append(self.problem(("kolonner",), f"kolonneoppsettet har ingen kolonne for {required} "
                                                            f"({self._label(required, vocabulary)}), som en "
                                                            f"{self.kind}-fil må ha"))
        if problems:
            raise MappingError(problems)
        return columns

    def _field(self, name: str, vocabulary: Vocabulary) -> tuple[str, str, tuple | None] | str:
        """(type, label, allowed codes) of a field this kind of table may fill, or why not."""
        own = OWN_FIELDS[self.kind]
        if name in own:
            return own[name][0], own[name][1], None
        if name in NOT_IMPORTED:
            return f"feltet '{name}' importeres ikke: {NOT_IMPORTED[name]}"
        allowed = VOCABULARY_FIELDS[self.kind]
        fits = any(name == a or (a.endswith(".") and name.startswith(a)) for a in allowed)
        field = vocabulary.get(name)
        if field is None or field.derived is not None:
            if fits or not any(name.startswith(s) for s in ("kandidat.", "sjekkliste.", "botiltak.", "bolig.")):
                return f"ukjent felt '{name}'{vocabulary.suggest(name)}"
        if not fits:
            listed = ", ".join([*own, *(a + "<felt>" if a.endswith(".") else a for a in allowed)])
            return f"feltet '{name}' hører ikke til en {self.kind}-fil (gjelder: {self.kind}); den kan ha {listed}"
        if field.type == "objekt":
            inner = ", ".join(f"{name}.{n}" for n in (field.spec.felter or {})) if field.spec else ""
            return f"feltet '{name}' har underfelt; oppgi ett av dem ({inner})"
        return field.type, field.label, tuple(field.values) if field.values else None

    def _label(self, name: str, vocabulary: Vocabulary) -> str:
        own = OWN_FIELDS[self.kind].get(name)
        if own:
            return own[1]
        field = vocabulary.get(name)
        return field.label if field else name


def _bad_target(ours: Any, kind: str, allowed: tuple | None) -> str | None:
    """Why a translation's target cannot be a value of the field (None when it can)."""
    if kind == "boolsk" and not isinstance(ours, bool):
        return f"{shown(ours)} er ikke true eller false"
    if kind in ("valg", "flervalg") and allowed is not None and ours not in allowed:
        return f"{shown(ours)} er ikke en av feltets verdier: {choices(allowed)}"
    return None


def parse_mapping(text: str, shown_as: str) -> Mapping:
    """Validate the file's text; MappingError naming file and line for every problem."""
    try:
        doc = parse_yaml_text(text, file=shown_as)
    except YamlSyntaxError as exc:
        raise MappingError(exc.problem)
    if not isinstance(doc.data, dict):
        raise MappingError(doc.problem((), "filen må inneholde et oppslag (nøkkel: verdi) på øverste nivå, med "
                                           "gjelder og kolonner"))
    try:
        model = MappingFile.model_validate(doc.data)
    except ValidationError as exc:
        raise MappingError(problems_from(exc, doc))
    return Mapping(model=model, doc=doc, source=shown_as)


def load_mapping(path: str | Path, kind: str | None = None) -> Mapping:
    """The mapping file at `path`; with `kind`, it must be for that kind of table."""
    shown_as = shown_path(Path(path))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(Problem(path="", message="filen med kolonneoppsettet finnes ikke", file=shown_as))
    except UnicodeDecodeError:
        raise MappingError(Problem(path="", message="filen er ikke UTF-8-tekst", file=shown_as))
    except OSError as exc:
        raise MappingError(Problem(path="", message=f"filen kan ikke leses ({exc.strerror or exc})", file=shown_as))
    mapping = parse_mapping(text, shown_as)
    if kind is not None and mapping.kind != kind:
        raise MappingError(mapping.problem(("gjelder",), f"kolonneoppsettet gjelder {mapping.kind}, men dette er "
                                                         f"en import av {kind}"))
    return mapping


# -- a table through the mapping ------------------------------------------------------------------

@dataclass(frozen=True)
class Bound:
    """The table's columns matched with the mapping's: table index -> Column, and what did not match."""

    columns: tuple[tuple[int, Column], ...]
    problems: tuple[Problem, ...]

    def column_of(self, field: str) -> Column | None:
        return next((c for _, c in self.columns if c.field == field), None)

    def has(self, field: str) -> bool:
        return self.column_of(field) is not None


def bind(table: Table, mapping: Mapping, columns: dict[str, Column], required: tuple[str, ...] = ()) -> Bound:
    """Match the table's headers with the mapping: every header known (a column or ignored), the required present."""
    ignored = {header_key(h) for h in mapping.model.ignorer}
    found: list[tuple[int, Column]] = []
    unknown: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(table.headers):
        if not header:
            continue
        key = header_key(header)
        if key in columns:
            found.append((index, columns[key]))
        elif key not in ignored:
            unknown.append(header)
    if unknown:
        listed = ", ".join(f"«{h}»" for h in unknown[:10]) + (f" og {len(unknown) - 10} til" if len(unknown) > 10
                                                              else "")
        problems.append(Problem(path="", line=table.header_line, file=table.source, message=(
            f"{'kolonnen' if len(unknown) == 1 else 'kolonnene'} {listed} står ikke i kolonneoppsettet "
            f"({mapping.source}); før dem opp under kolonner, eller under ignorer om de ikke skal importeres")))
    present = {c.field for _, c in found}
    by_field = {c.field: c for c in columns.values()}
    for field in (*REQUIRED_FIELDS[mapping.kind], *required):
        if field not in present and field in by_field:
            column = by_field[field]
            label = "" if header_key(column.label) == header_key(column.header) else f" ({column.label})"
            problems.append(Problem(path="", line=table.header_line, file=table.source, message=(
                f"kolonnen «{column.header}»{label} mangler i filen")))
        elif field not in present:
            problems.append(Problem(path="", line=table.header_line, file=table.source, message=(
                f"filen må ha en kolonne for {field}, men kolonneoppsettet ({mapping.source}) har ingen")))
    return Bound(columns=tuple(found), problems=tuple(problems))


@dataclass(frozen=True)
class Dates:
    """How a date written as text is read, and the formats a message names.

    The casework reads the dates of forms and requests (service/casework/commands.py:
    `read_day`, DD.MM.ÅÅÅÅ or ÅÅÅÅ-MM-DD) and hands that reader in, so an import reads
    dates as a form does; this package, which the casework uses, does not import it back.
    """

    read: Callable[[str], dt.date]
    formats: str


ISO_DATES = Dates(read=dt.date.fromisoformat, formats=ISO_DATE)


class Absent:
    """An empty cell: the field is not given."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent()


def read_cell(cell: Cell, column: Column, mapping: Mapping, dates: Dates = ISO_DATES) -> tuple[Any, str | None]:
    """(the field's value or ABSENT, None) or (ABSENT, why the cell cannot be read)."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return ABSENT, None
    if column.type == "flervalg":
        parts = [p.strip() for p in _text(cell).split(mapping.model.skilletegn_flervalg)] \
            if isinstance(cell, str) else [_text(cell)]
        values = []
        for part in (p for p in parts if p):
            value, problem = _translated(part, column)
            if problem:
                return ABSENT, problem
            values.append(value)
        return (values if values else ABSENT), None
    value, problem = _translated(cell, column)
    if problem:
        return ABSENT, problem
    return _typed(value, column, mapping, dates)


def _translated(cell: Cell, column: Column) -> tuple[Any, str | None]:
    if column.values is None:
        return cell, None
    key = header_key(_text(cell))
    if key in column.values:
        return column.values[key], None
    if key in {header_key(str(v)) for v in column.values.values()}:
        return next(v for v in column.values.values() if header_key(str(v)) == key), None  # our own code
    known = list(column.shown_values)
    listed = choices(known[:12]) + (" ..." if len(known) > 12 else "")
    return None, f"{shown(_text(cell))} står ikke i verditabellen for kolonnen (kjente verdier: {listed})"


def _typed(value: Any, column: Column, mapping: Mapping, dates: Dates) -> tuple[Any, str | None]:
    kind = column.type
    if kind == "boolsk":
        if isinstance(value, bool):
            return value, None
        key = header_key(_text(value))
        if key in mapping.yes:
            return True, None
        if key in mapping.no:
            return False, None
        return ABSENT, (f"{shown(_text(value))} er verken ja eller nei (kolonneoppsettet godtar "
                        f"{choices([*mapping.model.ja, *mapping.model.nei])})")
    if kind == "heltall":
        if isinstance(value, bool):
            return ABSENT, wrong_type(_text(value), "et heltall")
        if isinstance(value, int):
            return value, None
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        text = _text(value).replace("\u00a0", "").replace(" ", "")
        if _WHOLE_NUMBER.fullmatch(text):
            return int(text), None
        return ABSENT, wrong_type(_text(value), "et heltall")
    if kind == "tall":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), None
        text = _text(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(text) if len(text) <= 30 else math.nan
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number, None
        return ABSENT, wrong_type(_text(value), "et tall")
    if kind == "dato":
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        try:
            return dates.read(_text(value)), None
        except ValueError:
            return ABSENT, not_a_date(_text(value), dates.formats)
    if isinstance(value, (bool, int, float)) and kind in ("valg", "flervalg") and column.values is not None:
        return value, None  # a translation's own target
    return _text(value), None


def _text(cell: Any) -> str:
    """A cell as text: Excel's 1187.0 is «1187», a date ÅÅÅÅ-MM-DD."""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell).strip()


def row_values(row_cells: tuple[Cell, ...], bound: Bound, mapping: Mapping,
               dates: Dates = ISO_DATES) -> tuple[dict[str, Any], dict[str, str]]:
    """({field: value} for the cells given, {column header: why its cell cannot be read})."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for index, column in bound.columns:
        value, problem = read_cell(row_cells[index], column, mapping, dates)
        if problem:
            problems[column.header] = problem
        elif value is not ABSENT:
            values[column.field] = value
    return values, problems
