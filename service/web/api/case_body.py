"""Read a case from a request body: JSON, or YAML as the example files are written.

Anything that cannot be read as a document at all (wrong content type, empty
body, bad UTF-8, broken JSON or YAML) is rejected here with 4xx and a bokmål
message; whether the document is a valid case is the engine's call (CaseError, 422).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from engine import CaseError, Problem, parse_case_text

from service.web.errors import ApiError

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
ACCEPTED = ", ".join(JSON_TYPES + YAML_TYPES)
SOURCE_NAME = "innsendt sak"
MAX_DIGITS = 100


def _problem(message: str, line: int | None = None) -> Problem:
    return Problem(path="", message=message, line=line)


def read_case_body(mimetype: str, body: bytes) -> tuple[Any, Any]:
    """(data, source document or None) from the body; raises ApiError."""
    is_json = mimetype in JSON_TYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))
    is_yaml = mimetype in YAML_TYPES
    if not (is_json or is_yaml):
        shown = mimetype or "ingen"
        raise ApiError(415, "Innholdstypen støttes ikke", [_problem(
            f"innholdstypen '{shown}' støttes ikke; send saken som en av: {ACCEPTED}")])
    if not body.strip():
        raise ApiError(400, "Forespørselen mangler innhold", [_problem(
            "send saken (ledig_bolig, beboere og kandidater) i forespørselens innhold")])
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "Forespørselen kunne ikke leses",
                       [_problem(f"innholdet er ikke UTF-8-tekst (byte {exc.start})")])
    return _parse_json(text) if is_json else _parse_yaml(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"nøkkelen '{key}' står to ganger i samme objekt")
        seen[key] = value
    return seen


def _no_constants(name: str):
    raise ValueError(f"'{name}' er ikke et gyldig tall i JSON")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"tallet {text[:12]}... har for mange sifre (høyst {MAX_DIGITS})")
    return int(text)


def _parse_json(text: str) -> tuple[Any, None]:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants,
                          parse_int=_integer), None
    except json.JSONDecodeError as exc:
        raise ApiError(400, "Ugyldig JSON", [_problem(
            f"ugyldig JSON på linje {exc.lineno}, kolonne {exc.colno}", exc.lineno)])
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "dokumentet er for dypt nøstet"
        raise ApiError(400, "Ugyldig JSON", [_problem(message)])


def _parse_yaml(text: str) -> tuple[Any, Any]:
    # Aliases (&a / *a) can make a small body expand without bound; cases never need them.
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ApiError(400, "Ugyldig YAML", [_problem(
                    "ankere og aliaser (&navn, *navn) er ikke tillatt i en innsendt sak",
                    event.start_mark.line + 1)])
    except (yaml.YAMLError, RecursionError):
        pass  # the engine's parser below reports these in its own wording
    try:
        return parse_case_text(text, SOURCE_NAME)
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
