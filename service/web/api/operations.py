"""The thin HTTP layer of the API: parse the body into its pydantic model, answer JSON, and
describe each route once, where it is registered (/openapi.json is built from these descriptions).

    parse_body(Model)     the JSON body as Model (extra fields refused): 415/400/422 otherwise
    respond(data, Model)  JSON; in TESTING the data is checked against the response model
    operation(bp, ...)    registers a route on a blueprint and attaches its description to the view

Every route under /api (and /healthz, /openapi.json) is registered through `operation`;
tests/e2e/test_openapi.py compares the app's URL map with the document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, TypeAdapter, ValidationError

from engine import Problem
from engine.language.validation_messages import problems_from
from service.casework.commands import Command
from service.casework.commands import parse as parse_command
from service.web.errors import ApiError

ATTRIBUTE = "api_operation"


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`; an empty body counts as `{}`.

    A casework command with bad values is handed on with its problems (commands.parse),
    so the casework adds what only it can see and one 422 names every bad field.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: Any = {}
    else:
        if not request.is_json:
            raise ApiError(415, "Innholdstypen støttes ikke", [Problem(
                path="", message=f"send innholdet som application/json (fikk '{request.mimetype or 'ingen'}')")])
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "Innholdet kan ikke leses som JSON", [Problem(path="", message=str(exc))])
    if issubclass(model, Command):
        return parse_command(model, data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "Forespørselen er ugyldig", problems_from(exc))


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


AUTH_ERRORS = (401, 403, 404)


def operation(bp: Blueprint, method: str, rule: str, *, summary: str,
              body: type[BaseModel] | CaseBody | None = None, response: Any = None, status: int = 200,
              errors: tuple[int, ...] | dict[int, str] = AUTH_ERRORS, query: list[dict] | None = None,
              description: str | None = None, public: bool = False) -> Callable:
    """Register the view at `rule` (Flask syntax, relative to the blueprint) and attach its description.

    `errors` lists the error statuses (the standard text for each), or maps a status to its own text.
    """

    def decorate(view: Callable) -> Callable:
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        full = (bp.url_prefix or "") + rule
        for part in ("<int:", "<"):
            full = full.replace(part, "{")
        full = full.replace(">", "}")
        codes = errors if isinstance(errors, dict) else {code: None for code in errors}
        setattr(view, ATTRIBUTE, Operation(method.lower(), full, view.__name__, summary, body, response, status,
                                           dict(codes), query or [], description, public))
        return view

    return decorate


def operation_of(view: Callable) -> Operation | None:
    return getattr(view, ATTRIBUTE, None)
