"""Importing tables: the waiting list from the case system's export, units and homes; every row or none.

    import_waiting_list(ctx, table, mapping, dry_run=False)   søkere, with their checklists
    import_units(ctx, table, mapping, dry_run=False)          botiltak with the service offer
    import_homes(ctx, table, mapping, dry_run=False)          boliger in units already registered

The table comes from service/imports/tables.py and its cells become our fields by
the column mapping (service/imports/mapping.py). Each row is then done by the same
casework function as a registration by hand (`register_applicant` and
`record_checklist`, `add_unit`, `add_home`), so the commands and the rules
vocabulary validate it, and the audit log and the housing journal get the same
entries. Those functions run inside the import's one transaction
(`JoinedUnitOfWork`: their begin and commit are the import's to make), each row's
refusal is collected rather than raised, and at the end:

- any problem (a cell that cannot be read, a value the commands or the vocabulary
  refuse, a code already in use or twice in the file, a row of another office)
  refuses the whole import with every problem, row by row: nothing is written;
- a dry run (prøveimport) does every row just as the import would, then rolls back
  and reports what would have been created: what it answers is what the import does;
- otherwise everything is committed at once, with one audit entry for the import.

Choices:
- A code (kandidat-id) already on the waiting list is an error in its row ("er i
  bruk"), as by hand: an import adds applicants, it never changes one; changes go
  to the housing journal, where the caseworker says why. Units and homes likewise.
- Who imports the waiting list: a caseworker their own office's (a row of another
  office is an error in its row; without an office column every row is their
  office's), with checklists, since the checklist is the caseworker's to keep (step
  5, `record_checklist`); the allocation team (consultants, head) any office's
  applicants, but without checklists: a team's file with checklist values is refused
  as a whole, naming the columns. Others may not import applicants.
- Units: who may add one (the allocation team, administrators). Homes: who may add
  one (the team, administrators, and a unit leader for their own units).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from service.casework import applicants, units
from service.casework.commands import (DATE_FORMATS, AddHome, AddUnit, RecordChecklist, RegisterApplicant,
                                       checked_by_vocabulary, parse, read_day)
from service.casework.context import Context, unit_of_work
from service.domain.codes import ALLOCATION_TEAM, Role
from service.domain.errors import Forbidden, InvalidInput, NotFound, Problems
from service.imports.mapping import Bound, Dates, Mapping, MappingError, bind, row_values
from service.imports.report import ImportRefused, ImportReport, row_problem
from service.imports.tables import Table

CHECKLIST = "sjekkliste."
NOTE_LENGTH = 5000
UNIT_MANAGERS = ALLOCATION_TEAM | {Role.ADMIN}
DATES = Dates(read=read_day, formats=DATE_FORMATS)  # as the forms read them

#: the commands' field -> the mapping's field, to name a refused value's column
APPLICANT_FIELDS = {"code": "kandidat.id", "name": "soker.navn", "birth_date": "soker.fodselsdato",
                    "application_received": "kandidat.soknad_mottatt", "target_groups": "kandidat.malgrupper",
                    "welfare_office": "kandidat.hvk", "note": "journal.merknad"}
UNIT_FIELDS = {"unit_id": "botiltak.id", "name": "botiltak.navn"}
HOME_FIELDS = {"address": "bolig.adresse"}
HOLDERS = {"checklist": "sjekkliste", "profile": "botiltak", "facts": "bolig"}


class JoinedUnitOfWork:
    """The import's unit of work lent to the casework functions it calls, row by row.

    Their begin, commit and rollback do nothing: the import commits all rows at once or
    rolls them all back. Everything else (the session, the audit and timeline records)
    is the import's own unit of work. A unit of work nested in it reports no lost race,
    so a database error reaches the import as it is, and its unit of work (the real
    one) decides what it means.
    """

    def __init__(self, outer):
        self.outer = outer

    def __getattr__(self, name: str) -> Any:  # session, record_audit, record_event ...
        return getattr(self.outer, name)

    def begin(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def lost_race(self, exc: BaseException) -> bool:
        return False


class _DryRunDone(Exception):
    """Ends a dry run's unit of work, which rolls back on it, carrying the report."""

    def __init__(self, report: ImportReport):
        self.report = report


def _joined(ctx: Context) -> Context:
    return dataclasses.replace(ctx, uow=JoinedUnitOfWork(ctx.uow))


def _run(work, ctx: Context, table: Table, mapping: Mapping, dry_run: bool) -> ImportReport:
    try:
        return work(ctx, table, mapping, dry_run)
    except _DryRunDone as done:
        return done.report


class _Rows:
    """The problems found so far, each once per cell: the first reason a cell is wrong is the one shown."""

    def __init__(self, table: Table, bound: Bound, fields: dict[str, str]):
        self.table, self.bound, self.fields = table, bound, fields
        self.problems: list = []
        self._seen: set[tuple[int, str]] = set()

    def add(self, line: int, column: str | None, message: str) -> None:
        key = (line, column or message)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(row_problem(self.table.source, line, column, message))

    def add_cells(self, line: int, cell_problems: dict[str, str]) -> None:
        for header, message in cell_problems.items():
            self.add(line, header, message)

    def add_refusal(self, line: int, problems) -> None:
        """The problems of a refused command, each placed in its column (or named by its field)."""
        for p in problems:
            field = self.field_of(p.path)
            column = self.bound.column_of(field) if field else None
            if column is not None:
                self.add(line, column.header, p.message)
            elif field:
                self.add(line, None, f"{field}: {p.message}")
            else:
                self.add(line, None, p.message)

    def field_of(self, path: str) -> str | None:
        """A command's path (`birth_date`, `target_groups[1]`, `checklist.rullestol`) as the mapping's field."""
        head, _, rest = path.partition(".")
        head = head.split("[")[0]
        if head in HOLDERS:
            parts = [part.split("[")[0] for part in rest.split(".")] if rest else []
            for n in range(len(parts), 0, -1):  # the deepest field that has a column
                candidate = ".".join([HOLDERS[head], *parts[:n]])
                if self.bound.has(candidate):
                    return candidate
            return ".".join([HOLDERS[head], *parts]) if parts else HOLDERS[head]
        return self.fields.get(head)

    def duplicate(self, seen: dict[str, int], key: Any, line: int, field: str, what: str) -> bool:
        if not isinstance(key, str) or not key.strip():
            return False
        key = key.strip()
        if key.casefold() in seen:
            column = self.bound.column_of(field)
            self.add(line, column.header if column else None,
                     f"{what} '{key}' står også på linje {seen[key.casefold()]} i filen")
            return True
        seen[key.casefold()] = line
        return False

    def refuse_if_any(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems, self.table.source, len(self.table.rows), self.table.header_line)


def _bound(ctx: Context, table: Table, mapping: Mapping, kind: str, required: tuple[str, ...] = ()) -> Bound:
    """The table's columns matched with the mapping's; the whole file refused if they do not fit."""
    if mapping.kind != kind:
        raise MappingError(mapping.problem(("gjelder",), f"kolonneoppsettet gjelder {mapping.kind}, men dette er "
                                                         f"en import av {kind}"))
    bound = bind(table, mapping, mapping.columns(ctx.compiled_rules().book.vocabulary), required)
    if bound.problems:
        raise ImportRefused(list(bound.problems), table.source, len(table.rows), table.header_line)
    if not table.rows:
        raise ImportRefused([row_problem(table.source, table.header_line, None,
                                         "filen har bare overskriften, ingen rader å importere")],
                            table.source, 0, table.header_line)
    return bound


def _given(values: dict, names: dict[str, str]) -> dict:
    """The command's fields from the row's values (a field whose cell was empty or unreadable is left out)."""
    return {command_field: values[field] for command_field, field in names.items() if field in values}


def _nested(values: dict, section: str) -> dict:
    """`botiltak.bemanning.dag: true` -> {"bemanning": {"dag": true}} (the section's own id and name left out)."""
    out: dict = {}
    for field, value in values.items():
        if not field.startswith(section + ".") or field in (f"{section}.id", f"{section}.navn", f"{section}.adresse"):
            continue
        parts = field.split(".")[1:]
        place = out
        for part in parts[:-1]:
            place = place.setdefault(part, {})
        place[parts[-1]] = value
    return out


# -- the waiting list ---------------------------------------------------------------------------------

def import_waiting_list(ctx: Context, table: Table, mapping: Mapping, dry_run: bool = False) -> ImportReport:
    """The waiting list from the case system's export: every row registered (with its checklist), or none."""
    return _run(_import_waiting_list, ctx, table, mapping, dry_run)


@unit_of_work
def _import_waiting_list(ctx: Context, table: Table, mapping: Mapping, dry_run: bool) -> ImportReport:
    caseworker = ctx.role == Role.CASEWORKER
    if not caseworker and ctx.role not in ALLOCATION_TEAM:
        raise Forbidden("Ventelisten importeres av saksbehandlerne ved kontorene og boligtildelingen.",
                        action="import_waiting_list")
    bound = _bound(ctx, table, mapping, "venteliste", () if caseworker else ("kandidat.hvk",))
    rows = _Rows(table, bound, APPLICANT_FIELDS)
    if not caseworker:
        _no_checklists_from_the_team(table, bound, rows)
        rows.refuse_if_any()
    inner = _joined(ctx)
    sjekkliste = ctx.compiled_rules().case_models.Sjekkliste
    seen: dict[str, int] = {}
    report = ImportReport(kind="venteliste", source=table.source, dry_run=dry_run)
    for row in table.rows:
        values, cell_problems = row_values(row.cells, bound, mapping, DATES)
        rows.add_cells(row.line, cell_problems)
        fields = _given(values, APPLICANT_FIELDS)
        note = fields.pop("note", None)
        checklist = {f[len(CHECKLIST):]: v for f, v in values.items() if f.startswith(CHECKLIST)}
        office = fields.get("welfare_office")
        register = not rows.duplicate(seen, fields.get("code"), row.line, "kandidat.id", "kandidat-id-en")
        if caseworker and office is not None and office != ctx.actor.welfare_office:
            rows.add(row.line, bound.column_of("kandidat.hvk").header,
                     f"søkeren hører til {office}; som saksbehandler ved {ctx.actor.welfare_office} importerer du "
                     "bare ditt eget kontors venteliste")
            register = False
        if not checklist and note is not None:
            rows.add(row.line, bound.column_of("journal.merknad").header,
                     "merknaden føres i boligjournalen sammen med sjekklisten, men raden har ingen sjekkliste")
        view = None
        if register:
            try:
                view = applicants.register_applicant(inner, parse(RegisterApplicant, fields))
            except InvalidInput as exc:
                rows.add_refusal(row.line, exc.problems)
            except (Forbidden, NotFound) as exc:
                rows.add(row.line, None, exc.message)
        if checklist:
            if view is not None:
                text = note or f"Sjekkliste importert fra {table.source}, linje {row.line}."
                try:
                    applicants.record_checklist(inner, view["id"], parse(RecordChecklist, checklist=checklist,
                                                                         note=text[:NOTE_LENGTH]))
                except InvalidInput as exc:
                    rows.add_refusal(row.line, exc.problems)
                except (Forbidden, NotFound) as exc:
                    rows.add(row.line, None, exc.message)
            else:  # the row is refused already; say what else is wrong with it
                problems = Problems()
                checked_by_vocabulary(problems, "checklist", sjekkliste, checklist)
                rows.add_refusal(row.line, problems.items)
        report.items.append({"line": row.line, "code": fields.get("code"),
                             "welfare_office": view["welfare_office"] if view else office,
                             "checklist": bool(checklist)})
    rows.refuse_if_any()
    ctx.audit("waiting_list_imported", source=table.source, rows=len(report.items),
              checklists=sum(1 for item in report.items if item["checklist"]), mapping=mapping.source)
    if dry_run:
        raise _DryRunDone(report)
    return report


def _no_checklists_from_the_team(table: Table, bound: Bound, rows: _Rows) -> None:
    filled = [column.header for index, column in bound.columns
              if column.field.startswith(CHECKLIST) or column.field == "journal.merknad"
              if any(row.cells[index] is not None for row in table.rows)]
    if filled:
        listed = ", ".join(f"«{h}»" for h in filled[:6]) + (" ..." if len(filled) > 6 else "")
        rows.add(table.header_line, None,
                 f"filen har verdier i sjekklistens kolonner ({listed}), men sjekklisten føres av saksbehandleren "
                 "ved søkerens eget helse- og velferdskontor: importer filen som saksbehandler ved kontoret "
                 "(ett kontor om gangen), eller tøm sjekklistekolonnene for å importere bare søkerne")


# -- units and homes ------------------------------------------------------------------------------------

def import_units(ctx: Context, table: Table, mapping: Mapping, dry_run: bool = False) -> ImportReport:
    """Units (botiltak) with their service offer: every row added, or none."""
    return _run(_import_units, ctx, table, mapping, dry_run)


@unit_of_work
def _import_units(ctx: Context, table: Table, mapping: Mapping, dry_run: bool) -> ImportReport:
    if ctx.role not in UNIT_MANAGERS:
        raise Forbidden("Bare boligtildelingen kan registrere botiltak.", action="import_units")
    bound = _bound(ctx, table, mapping, "botiltak")
    rows = _Rows(table, bound, UNIT_FIELDS)
    inner = _joined(ctx)
    seen: dict[str, int] = {}
    report = ImportReport(kind="botiltak", source=table.source, dry_run=dry_run)
    for row in table.rows:
        values, cell_problems = row_values(row.cells, bound, mapping, DATES)
        rows.add_cells(row.line, cell_problems)
        fields = _given(values, UNIT_FIELDS)
        if not rows.duplicate(seen, fields.get("unit_id"), row.line, "botiltak.id", "botiltaket"):
            try:
                units.add_unit(inner, parse(AddUnit, fields, profile=_nested(values, "botiltak")))
            except InvalidInput as exc:
                rows.add_refusal(row.line, exc.problems)
            except (Forbidden, NotFound) as exc:
                rows.add(row.line, None, exc.message)
        report.items.append({"line": row.line, "unit_id": fields.get("unit_id"), "name": fields.get("name")})
    rows.refuse_if_any()
    ctx.audit("units_imported", source=table.source, rows=len(report.items), mapping=mapping.source)
    if dry_run:
        raise _DryRunDone(report)
    return report


def import_homes(ctx: Context, table: Table, mapping: Mapping, dry_run: bool = False) -> ImportReport:
    """Homes (boliger) in units already registered: every row added, or none."""
    return _run(_import_homes, ctx, table, mapping, dry_run)


@unit_of_work
def _import_homes(ctx: Context, table: Table, mapping: Mapping, dry_run: bool) -> ImportReport:
    leader = ctx.role == Role.UNIT_LEADER
    if not leader and ctx.role not in UNIT_MANAGERS:
        raise Forbidden("Bare boligtildelingen og botiltakets egen leder kan registrere boliger.",
                        action="import_homes")
    bound = _bound(ctx, table, mapping, "boliger")
    rows = _Rows(table, bound, HOME_FIELDS)
    unit_column = bound.column_of("botiltak.id").header
    inner = _joined(ctx)
    seen: dict[str, int] = {}
    report = ImportReport(kind="boliger", source=table.source, dry_run=dry_run)
    for row in table.rows:
        values, cell_problems = row_values(row.cells, bound, mapping, DATES)
        rows.add_cells(row.line, cell_problems)
        fields = _given(values, HOME_FIELDS)
        unit_id = values.get("botiltak.id")
        add = not rows.duplicate(seen, fields.get("address"), row.line, "bolig.adresse", "boligen")
        if unit_id is None:
            if unit_column not in cell_problems:
                rows.add(row.line, unit_column, "må fylles ut")
            add = False
        elif leader and unit_id not in ctx.actor.unit_ids:
            rows.add(row.line, unit_column, f"du er ikke leder for botiltaket '{unit_id}'; en enhetsleder "
                                            "registrerer bare boliger i sine egne botiltak")
            add = False
        if add:
            try:
                units.add_home(inner, str(unit_id), parse(AddHome, fields, facts=_nested(values, "bolig")))
            except InvalidInput as exc:
                rows.add_refusal(row.line, exc.problems)
            except NotFound:
                rows.add(row.line, unit_column, f"botiltaket '{unit_id}' finnes ikke; importer botiltakene først")
            except Forbidden as exc:
                rows.add(row.line, None, exc.message)
        report.items.append({"line": row.line, "unit_id": unit_id, "address": fields.get("address")})
    rows.refuse_if_any()
    ctx.audit("homes_imported", source=table.source, rows=len(report.items), mapping=mapping.source)
    if dry_run:
        raise _DryRunDone(report)
    return report
