"""Read a case from a request body: JSON, or YAML as the example files are written.

Anything that cannot be read as a document at all (wrong content type, empty
body, bad UTF-8, broken JSON or YAML) is rejected here with 4xx and a bokmål
message; whether the document is a valid case is the engine's call (CaseError, 422).

/rank needs no login, so reading must be cheap to refuse. JSON is read as every API
body is (operations.read_json). YAML is read by libyaml (about 0.4 ms per kB; the
constructors and the line map, built only for an error, are Python), and PyYAML is
quadratic in open flow levels ([[[[...), so a YAML body is measured before it is
parsed: at most MAX_YAML_BYTES (about 500 candidates), brackets at most
MAX_DEPTH deep, no line indented more than MAX_INDENT (block nesting needs
indentation), long digit runs refused; then libyaml (C) looks for anchors and
aliases (&a, *a: a few of them expand to millions of nodes), and only then does the
engine's reader, which keeps the line of every key, parse it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from engine import CaseError, Problem, parse_case_text

from service.web.api.operations import (MAX_DEPTH, MAX_DIGITS, read_json, refuse_lone_surrogates,
                                        refuse_surrogate_escape, sized_body, structure_problem)
from service.web.errors import ApiError

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
ACCEPTED = ", ".join(JSON_TYPES + YAML_TYPES)
SOURCE_NAME = "innsendt sak"
MAX_YAML_BYTES = 256 * 1024  # about 500 candidates; ~0.1 s of libyaml at most. Larger cases: send JSON
MAX_INDENT = 64  # columns; a case is indented 10-20
INVALID_CASE = "Saken er ugyldig"

_DEEP_INDENT = re.compile(r"^ {%d,}\S" % (MAX_INDENT + 1), re.M)
_COMPACT_NESTING = re.compile(r"^ *(?:[-?:] +){%d,}" % MAX_DEPTH, re.M)  # - - - - x: one line, many levels
_LONG_DIGITS = re.compile(r"[0-9]{%d,}" % (MAX_DIGITS + 1))
_C_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


def _problem(message: str, line: int | None = None) -> Problem:
    return Problem(path="", message=message, line=line)


def read_case_body(mimetype: str, body: bytes) -> tuple[Any, Any]:
    """(data, source document or None) from the request's body; raises ApiError."""
    is_json = mimetype in JSON_TYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))
    is_yaml = mimetype in YAML_TYPES
    if not (is_json or is_yaml):
        shown = mimetype or "ingen"
        raise ApiError(415, "Innholdstypen støttes ikke", [_problem(
            f"innholdstypen '{shown}' støttes ikke; send saken som en av: {ACCEPTED}")])
    body = sized_body(body)  # 413 for a chunked body cut at the limit
    if not body.strip():
        raise ApiError(400, "Forespørselen mangler innhold", [_problem(
            "send saken (ledig_bolig, beboere og kandidater) i forespørselens innhold")])
    if is_yaml and len(body) > MAX_YAML_BYTES:
        raise ApiError(413, "Forespørselen er for stor", [_problem(
            f"en sak i YAML kan være høyst {MAX_YAML_BYTES // 1024} kB; send større saker som JSON")])
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "Forespørselen kunne ikke leses",
                       [_problem(f"innholdet er ikke UTF-8-tekst (byte {exc.start})")])
    if is_json:
        return read_json(text, unreadable="Ugyldig JSON", invalid=INVALID_CASE), None
    return _parse_yaml(text)


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _measure_yaml(text: str) -> None:
    """Refuse, without parsing, a YAML text that would cost the parser far more than its size."""
    refuse = None
    if structure := structure_problem(text):  # quoted text and comments counted too: a case has no [[[[ in them
        refuse = _problem(structure)
    elif found := _DEEP_INDENT.search(text) or _COMPACT_NESTING.search(text):
        refuse = _problem(f"dokumentet er for dypt nøstet (høyst {MAX_INDENT} tegns innrykk og "
                          f"{MAX_DEPTH} nivåer på én linje)", _line(text, found.start()))
    elif found := _LONG_DIGITS.search(text):
        refuse = _problem(f"tallet {found.group()[:12]}... har for mange sifre (høyst {MAX_DIGITS})",
                          _line(text, found.start()))
    if refuse is not None:
        raise ApiError(400, "Ugyldig YAML", [refuse])


def _parse_yaml(text: str) -> tuple[Any, Any]:
    _measure_yaml(text)
    # Aliases (&a / *a) can make a small body expand without bound; cases never need them.
    try:
        for event in yaml.parse(text, Loader=_C_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ApiError(400, "Ugyldig YAML", [_problem(
                    "ankere og aliaser (&navn, *navn) er ikke tillatt i en innsendt sak",
                    event.start_mark.line + 1)])
    except yaml.YAMLError as exc:
        if "Unicode character escape" in str(getattr(exc, "problem", "")):
            mark = getattr(exc, "problem_mark", None)
            refuse_surrogate_escape(text, INVALID_CASE, mark.line + 1 if mark else None)
        # the engine's parser below reports the others in its own wording
    except RecursionError:
        pass
    try:
        data, doc = parse_case_text(text, SOURCE_NAME)
    except CaseError as exc:
        raise ApiError(400, "Ugyldig YAML", exc.problems)
    except RecursionError:
        raise ApiError(400, "Ugyldig YAML", [_problem("dokumentet er for dypt nøstet")])
    except (ValueError, TypeError, OverflowError):
        # The engine's YAML reader lets these through (reported): 2026-02-30, a 5,000-digit
        # number, a list used as a key. They are unreadable input, not a server error.
        raise ApiError(400, "Ugyldig YAML", [_problem(
            "dokumentet har en verdi som ikke kan leses, for eksempel en dato som ikke finnes, "
            "et tall med for mange sifre eller en liste brukt som nøkkel")])
    refuse_lone_surrogates(text, data, INVALID_CASE)  # "\\ud800" in double quotes
    return data, doc
