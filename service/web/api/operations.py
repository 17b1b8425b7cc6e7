"""The thin HTTP layer of the API: parse the body into its pydantic model, answer JSON, and
describe each route once, where it is registered (/openapi.json is built from these descriptions).

    parse_body(Model)     the JSON body as Model (extra fields refused): 413/415/400/422 otherwise
    read_json(text, ...)  JSON as the API reads it (every body, the case of /rank too); ApiError otherwise
    respond(data, Model)  JSON; in TESTING the data is checked against the response model
    operation(bp, ...)    registers a route on a blueprint and attaches its description to the view
    IdConverter           the app's `<int:...>`: an id a database key can hold, else 404

Every route under /api (and /healthz, /openapi.json) is registered through `operation`;
tests/e2e/test_openapi.py compares the app's URL map with the document.

Hostile input is refused before anything expensive reads it, and never with a 500: a body
without Content-Length (chunked) that reaches the size limit is 413, not cut short; JSON
nested deeper than MAX_DEPTH, or with more than MAX_CONTAINERS lists and objects, is found by
a scan of its brackets before the parser sees it (the parser, pydantic and the database would
each recurse into it); a key twice in one object, NaN/Infinity and numbers of more than
MAX_DIGITS digits are not read as JSON (400); a number too large for a float (1e400) and a
lone UTF-16 surrogate ("\\ud800", which no database or UTF-8 encoder takes) are refused as
values (422).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, TypeAdapter, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from engine import Problem
from engine.language.validation_messages import problems_from
from service.casework.commands import MAX_ID, Command
from service.casework.commands import parse as parse_command
from service.web.errors import ApiError
from service.web.security import WRITE_METHODS

ATTRIBUTE = "api_operation"

MAX_DEPTH = 16  # levels of [ and {: a case is 5 deep, a command 3
MAX_DIGITS = 100  # digits of a JSON number; Python's int() is quadratic in them
MAX_CONTAINERS = 10_000  # lists and objects in one body: a case of 100 candidates has about 500


class IdConverter(IntegerConverter):
    """`<int:...>` in every route (registered as the app's `int`): above MAX_ID is 404.

    A larger number cannot be a key (PostgreSQL's integer ends at 2^31-1, SQLite's at
    2^63-1, beyond which the driver raises instead of finding nothing); the same
    bound on both databases keeps them answering alike.
    """

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def sized_body(raw: bytes | None = None) -> bytes:
    """The request body (or `raw`, read from it); 413 when it is larger than MAX_CONTENT_LENGTH.

    Werkzeug refuses a too-long Content-Length itself, but a chunked body it reads up to
    the limit and stops, silently: the cut text would then be refused as broken JSON (400)
    or, worse, parsed. A body without Content-Length that fills the limit is taken as
    larger than it (one exactly at the limit is refused too).
    """
    if raw is None:
        raw = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(raw) >= limit:
        raise RequestEntityTooLarge()
    return raw


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`; an empty body counts as `{}`.

    A casework command with bad values is handed on with its problems (commands.parse),
    so the casework adds what only it can see and one 422 names every bad field.
    """
    raw = sized_body()
    if not raw.strip():
        data: Any = {}
    else:
        if not request.is_json:
            raise ApiError(415, "Innholdstypen støttes ikke", [Problem(
                path="", message=f"send innholdet som application/json (fikk '{request.mimetype or 'ingen'}')")])
        try:
            text = raw.decode(json.detect_encoding(raw))
        except UnicodeDecodeError as exc:
            raise ApiError(400, "Innholdet kan ikke leses som JSON", [Problem(
                path="", message=f"innholdet er ikke UTF-8-tekst (byte {exc.start})")])
        data = read_json(text, unreadable="Innholdet kan ikke leses som JSON", invalid="Forespørselen er ugyldig")
    if issubclass(model, Command):
        return parse_command(model, data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "Forespørselen er ugyldig", problems_from(exc))


# -- JSON as the API reads it ------------------------------------------------------------------

class _Refused(ValueError):
    """A value the reader will not hand on; raised from json.loads' hooks."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_BRACES_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")
# \uD800-\uDFFF in JSON (and YAML), \U0000D800-\U0000DFFF in YAML; not \u00d8 (Ø as Python escapes it)
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")


def structure_problem(text: str) -> str | None:
    """What would make `text` cost its parser far more than its size, before any parser runs; None if nothing.

    Only the brackets ([ ] { }) count, cut out of the text by bytes.translate (no
    Python loop per character): more than MAX_CONTAINERS lists and objects (a million
    empty lists fit in 2 MB and take the parser a second, most of it the garbage
    collector's), or nesting deeper than MAX_DEPTH (_deeper_than).
    """
    shape = text.encode("utf-8", "surrogatepass").translate(_BRACES_AS_BRACKETS, _NOT_A_BRACKET)
    if shape.count(b"[") > MAX_CONTAINERS:
        return f"dokumentet har for mange lister og objekter (høyst {MAX_CONTAINERS})"
    if _deeper_than(shape, MAX_DEPTH):
        return f"dokumentet er for dypt nøstet (høyst {MAX_DEPTH} nivåer med [ og {{)"
    return None


def _deeper_than(shape: bytes, limit: int) -> bool:
    """Whether the brackets of `shape` (only `[` and `]`) nest more than `limit` deep, closed or not.

    Each pass deletes every innermost pair, so `limit` passes empty a document
    `limit` deep; what still holds a pair after them is deeper. `limit + 1` opened in
    a row end it at once. What is left without a pair is `]]..[[`: brackets never
    closed, refused too when more than `limit` of them (PyYAML's scanner is quadratic
    in open flow levels, closed or not); fewer leave the parser at most twice `limit`
    deep. `{` counts as `[`: a mismatched pair is the parser's to report, at a depth it
    can take. With at most MAX_CONTAINERS pairs, all passes together take well under a
    millisecond.
    """
    if len(shape) <= limit:
        return False
    opened_in_a_row = b"[" * (limit + 1)
    for _ in range(limit):
        if opened_in_a_row in shape:
            return True
        if b"[]" not in shape:
            break
        shape = shape.replace(b"[]", b"")
    else:
        if b"[]" in shape:
            return True
    return shape.count(b"[") > limit


def refuse_lone_surrogates(text: str, data: Any, title: str) -> None:
    """ApiError(422, title) when an escape in `text` ("\\ud800") left half a UTF-16 pair in `data`.

    It is valid JSON (and YAML) and a valid Python str, but every encoder after it (the
    database driver, the hash of a case, durable_rules) raises on it. Only an escape
    makes one (the text itself was decoded from UTF-8), so without one nothing is walked.
    """
    if _SURROGATE_ESCAPE.search(text):
        found = _lone_surrogate(data)
        if found is not None:
            shown = found.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")[:40]
            raise ApiError(422, title, [Problem(path="", message=(
                f"teksten '{shown}' har et ugyldig tegn (en halv UTF-16-surrogat, f.eks. \\ud800, "
                "som ikke kan lagres)"))])


def refuse_surrogate_escape(text: str, title: str, line: int | None) -> None:
    """ApiError(422, title) for a YAML text whose parser stopped at a surrogate escape ("\\ud800").

    libyaml refuses the escape itself, where PyYAML's Python parser let it through to
    `refuse_lone_surrogates`; the answer is the same either way.
    """
    found = _SURROGATE_ESCAPE.search(text)
    if found is not None:
        raise ApiError(422, title, [Problem(path="", line=line, message=(
            f"teksten har et ugyldig tegn ({found.group()}: en halv UTF-16-surrogat, som ikke kan lagres)"))])


def _lone_surrogate(value: Any) -> str | None:
    """The first text in `value` (keys too) that cannot be UTF-8; its depth is bounded by structure_problem."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value
        return None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = _lone_surrogate(item)
        if found is not None:
            return found
    return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(400, f"nøkkelen '{key}' står to ganger i samme objekt")
        seen[key] = value
    return seen


def _no_constants(name: str):
    raise _Refused(400, f"'{name}' er ikke et gyldig tall i JSON")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(400, f"tallet {text[:12]}... har for mange sifre (høyst {MAX_DIGITS})")
    return int(text)


def _finite(text: str) -> float:
    if len(text) > MAX_DIGITS + 10:
        raise _Refused(400, f"tallet {text[:12]}... har for mange sifre (høyst {MAX_DIGITS})")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(422, f"tallet {text[:20]} er utenfor gyldig område (et endelig tall)")
    return value


def read_json(text: str, *, unreadable: str, invalid: str) -> Any:
    """`text` as JSON, refused with ApiError(400, unreadable) or ApiError(422, invalid) as described above."""
    refused = structure_problem(text)
    if refused is not None:  # unless the brackets are text, within strings; the regex costs a parse, only then
        refused = structure_problem(_JSON_STRING.sub('""', text))
    if refused is not None:
        raise ApiError(400, unreadable, [Problem(path="", message=refused)])
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants,
                          parse_int=_integer, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise ApiError(400, unreadable, [Problem(
            path="", message=f"ugyldig JSON på linje {exc.lineno}, kolonne {exc.colno}", line=exc.lineno)])
    except _Refused as exc:
        raise ApiError(exc.status, unreadable if exc.status == 400 else invalid, [Problem(path="", message=str(exc))])
    except (ValueError, RecursionError):  # not expected past the checks above; never a 500
        raise ApiError(400, unreadable, [Problem(path="", message="innholdet kan ikke leses som JSON")])
    refuse_lone_surrogates(text, data, invalid)
    return data


def respond(data: Any, model: Any = None, status: int = 200) -> Response:
    if model is not None and current_app.config.get("TESTING"):
        TypeAdapter(model).validate_python(data)  # the documented shape is the real one
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


@dataclass(frozen=True)
class CaseBody:
    """A request body whose schema is the case model of the rules in force (JSON or YAML)."""

    content_types: tuple[str, ...]
    description: str


@dataclass
class Operation:
    """One route as /openapi.json describes it."""

    method: str
    path: str  # OpenAPI form: /api/v1/vacancies/{vacancy_id}
    operation_id: str
    summary: str
    body: type[BaseModel] | CaseBody | None
    response: Any
    status: int
    errors: dict[int, str | None]
    query: list[dict] = field(default_factory=list)
    description: str | None = None
    public: bool = False  # no login needed
    content_type: str = "application/json"  # of a success (a download: text/csv, an Excel file)


AUTH_ERRORS = (401, 403, 404)
CSRF_REFUSED = ("Endringen kom med øktinformasjonskapselen, men uten X-CSRF-Token og ikke fra tjenestens "
                "egne sider.")


def operation(bp: Blueprint, method: str, rule: str, *, summary: str,
              body: type[BaseModel] | CaseBody | None = None, response: Any = None, status: int = 200,
              errors: tuple[int, ...] | dict[int, str] = AUTH_ERRORS, query: list[dict] | None = None,
              description: str | None = None, public: bool = False,
              content_type: str = "application/json") -> Callable:
    """Register the view at `rule` (Flask syntax, relative to the blueprint) and attach its description.

    `errors` lists the error statuses (the standard text for each), or maps a status to its own text.
    `content_type` is a success's when it is not JSON (a download; its body is described as a string).
    """

    def decorate(view: Callable) -> Callable:
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        full = (bp.url_prefix or "") + rule
        for part in ("<int:", "<"):
            full = full.replace(part, "{")
        full = full.replace(">", "}")
        codes = dict(errors) if isinstance(errors, dict) else {code: None for code in errors}
        if method.upper() in WRITE_METHODS:  # service/web/security.py answers these before the view
            codes.setdefault(403, CSRF_REFUSED)
            codes.setdefault(415, None)
        if body is not None:
            codes.setdefault(413, None)  # sized_body
        setattr(view, ATTRIBUTE, Operation(method.lower(), full, view.__name__, summary, body, response, status,
                                           dict(codes), query or [], description, public, content_type))
        return view

    return decorate


def operation_of(view: Callable) -> Operation | None:
    return getattr(view, ATTRIBUTE, None)
