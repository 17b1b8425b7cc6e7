"""`POST /api/v1/imports/applicants`: the waiting list from the case system's export, every row or none.

The body is JSON (the API's writes are JSON only, service/web/security.py): the file
as CSV text in `csv`, or an Excel workbook (.xlsx) in base64 in `xlsx_base64`, with
an optional `filename` for the messages and `sheet`. `?dry_run=true` does the
whole import and rolls it back, answering what would be created. The columns are
read by the shipped mapping (rutine/import-venteliste.yaml). Who may import is the
casework's rule (service/casework/imports.py): a caseworker their own office's
applicants with checklists, the allocation team any office's applicants without.

    200  the report: what was (or, in a dry run, would be) created, row by row
    400  the file cannot be read (encoding, delimiter, cells per row, not an .xlsx ...)
    422  the body, or any row: every problem with its line and column (`path`), nothing written
"""

from __future__ import annotations

import base64
import binascii
from typing import Optional

from flask import Blueprint, current_app, request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine import Problem
from service.casework import imports
from service.imports.mapping import MappingError, default_mapping_file, load_mapping
from service.imports.report import ImportRefused
from service.imports.tables import TableError, read_table
from service.web.api.operations import operation, parse_body, respond
from service.web.auth import casework_context, require_login
from service.web.errors import ApiError

bp = Blueprint("imports", __name__, url_prefix="/api/v1/imports")
bp.before_request(require_login)

MAX_TEXT = 2 * 1024 * 1024  # the body's own limit (MAX_CONTENT_LENGTH) is lower in practice
FLAGS = {"true": True, "1": True, "ja": True, "false": False, "0": False, "nei": False, "": False}


class ImportFile(BaseModel):
    """Fila fra fagsystemet: CSV som tekst i `csv`, eller en Excel-arbeidsbok (.xlsx) i base64 i `xlsx_base64`."""

    model_config = ConfigDict(extra="forbid")
    filename: Optional[str] = Field(None, max_length=200, description="Filnavnet, slik meldingene viser det.")
    csv: Optional[str] = Field(None, max_length=MAX_TEXT, description=(
        "CSV-teksten: overskrift på første linje, semikolon, komma eller tabulator som skilletegn."))
    xlsx_base64: Optional[str] = Field(None, max_length=MAX_TEXT, description="Excel-arbeidsboken (.xlsx) i base64.")
    sheet: Optional[str] = Field(None, max_length=100, description="Arket i arbeidsboken (standard: det første).")

    @model_validator(mode="after")
    def _one_file(self):
        if (self.csv is None) == (self.xlsx_base64 is None):
            raise ValueError("send filen i nøyaktig ett av feltene csv og xlsx_base64")
        return self


class ImportedApplicantOut(BaseModel):
    line: int = Field(description="Linjen i filen.")
    code: Optional[str] = None
    welfare_office: Optional[str] = None
    checklist: bool = Field(description="Om raden hadde en sjekkliste (ført i boligjournalen).")


class ImportReportOut(BaseModel):
    """What was imported, or in a dry run what would be."""

    kind: str
    source: str
    dry_run: bool
    written: bool = Field(description="Om noe er lagret (aldri i en prøveimport).")
    count: int
    items: list[ImportedApplicantOut]
    summary: str


DRY_RUN = {"name": "dry_run", "in": "query", "required": False, "schema": {"type": "boolean"},
           "description": "true: kontroller og vis hva som ville blitt lagt inn, uten å lagre noe."}


@operation(bp, "POST", "/applicants", summary="Importer ventelisten fra fagsystemets eksport (alle radene eller ingen)",
           body=ImportFile, response=ImportReportOut, query=[DRY_RUN],
           errors={400: "Filen kan ikke leses (tegnsett, skilletegn, celler per rad, ikke en xlsx-fil ...).",
                   401: None, 403: None,
                   422: "En rad (eller forespørselen) er ugyldig: hvert problem med linje og kolonne (path); "
                        "ingenting er lagret.",
                   503: "Kolonneoppsettet for importen er ugyldig (se loggen)."},
           description="Søkerne (med sjekkliste, for en saksbehandler: eget kontor) fra en CSV- eller Excel-fil, "
                       "lest med kolonneoppsettet rutine/import-venteliste.yaml. Alle radene kontrolleres først; "
                       "har én rad feil, lagres ingenting.")
def import_applicants():
    dry_run = _flag(request.args.get("dry_run", ""))
    body = parse_body(ImportFile)
    ctx = casework_context()
    if body.csv is not None:
        data, source = body.csv.encode("utf-8"), body.filename or "innsendt.csv"
    else:
        try:
            data = base64.b64decode("".join(body.xlsx_base64.split()), validate=True)  # lines of 76 too
        except (binascii.Error, ValueError):
            raise ApiError(422, "Forespørselen er ugyldig", [Problem(
                path="xlsx_base64", message="innholdet er ikke gyldig base64")])
        source = body.filename or "innsendt.xlsx"
    try:
        mapping = load_mapping(default_mapping_file("venteliste"), "venteliste")
        table = read_table(data, source, body.sheet)
        report = imports.import_waiting_list(ctx, table, mapping, dry_run=dry_run)
    except TableError as exc:
        raise ApiError(400, exc.title, exc.problems)
    except ImportRefused as exc:
        raise ApiError(422, exc.summary, exc.problems)
    except MappingError as exc:
        current_app.logger.error("Importen kan ikke brukes: %s", exc)
        raise ApiError(503, exc.title)
    return respond(report.as_dict(), ImportReportOut)


def _flag(value: str) -> bool:
    try:
        return FLAGS[value.strip().lower()]
    except KeyError:
        raise ApiError(422, "Forespørselen er ugyldig", [Problem(
            path="dry_run", message=f"'{value[:20]}' er ikke true eller false")]) from None
