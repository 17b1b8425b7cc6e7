"""Errors as the service shows them: a JSON body for the API, a page for people.

The engine raises named errors whose text is for the user; here they become a
status code. Anything else that goes wrong is logged and answered with a generic
message, never a stack trace, and never a 500 for input we could have rejected.
"""

from __future__ import annotations

from typing import Optional

from flask import Flask, Response, render_template, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine import CaseError, Problem
from engine.errors import NoVersionInForce
from service.domain.errors import CaseworkError, Forbidden, IllegalTransition, InvalidInput, NotFound

# Paths outside /api/ that are machine-readable too.
JSON_PATHS = ("/openapi.json", "/healthz")

HTTP_MESSAGES = {
    400: "Forespørselen er ugyldig",
    404: "Fant ikke adressen",
    405: "Metoden er ikke tillatt for denne adressen",
    406: "Tjenesten kan ikke svare i formatet forespørselen ber om",
    413: "Forespørselen er for stor",
    415: "Innholdstypen støttes ikke",
    422: "Forespørselen kunne ikke behandles",
    500: "Det oppstod en uventet feil i tjenesten. Feilen er logget; prøv igjen senere",
}

# The casework's named errors as status codes (see service/domain/errors.py): the one map,
# used by the API's JSON answers and by the pages (a refused form keeps its status too).
STATUS = {NotFound: 404, Forbidden: 403, IllegalTransition: 409, InvalidInput: 422}

# What a person reads on an error page of the pages blueprint, when the error has no text of its own.
PAGE_MESSAGES = {
    400: "Skjemaet kunne ikke leses. Last siden på nytt og prøv igjen.",
    403: "Du har ikke tilgang til denne siden.",
    404: "Fant ikke siden.",
    409: "Steget passer ikke med sakens status nå.",
}


def status_of(exc: CaseworkError) -> int:
    return STATUS.get(type(exc), 400)


class ProblemOut(BaseModel):
    """One thing wrong with the request, and where it is."""

    path: str = Field(description="Stedet i saken, f.eks. kandidater[2].sjekkliste.tjenestebehov; tom for hele "
                                  "forespørselen, eller navnet på en parameter (as_of).")
    message: str = Field(description="Hva som er galt (bokmål).")
    line: Optional[int] = Field(None, description="Linjen i innsendt YAML/JSON, når den er kjent.")


class ErrorBody(BaseModel):
    """The body of every error answer from the API."""

    feil: str = Field(description="Hva som gikk galt, kort (bokmål).")
    problemer: list[ProblemOut] = Field(default_factory=list,
                                        description="Hvert enkelt problem med stedet det gjelder.")

    @classmethod
    def from_problems(cls, title: str, problems: list[Problem]) -> "ErrorBody":
        return cls(feil=title, problemer=[ProblemOut(path=p.path, message=p.message, line=p.line)
                                          for p in problems])


class ApiError(Exception):
    """A request the API rejects, with the status code and the text to show."""

    def __init__(self, status: int, title: str, problems: list[Problem] | None = None,
                 headers: dict[str, str] | None = None):
        self.status = status
        self.body = ErrorBody.from_problems(title, problems or [])
        self.headers = headers or {}  # e.g. Retry-After with a 429
        super().__init__(title)


def json_response(model: BaseModel, status: int = 200, headers: dict | None = None) -> Response:
    """A pydantic model as JSON, fields in declared order (as the CLI prints it)."""
    return Response(model.model_dump_json(), status=status, headers=headers, mimetype="application/json")


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in JSON_PATHS:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _error(status: int, message: str, headers: dict | None = None):
    if wants_json():
        return json_response(ErrorBody(feil=message), status, headers)
    page = render_template("error.html", status=status, message=message)
    return Response(page, status=status, headers=headers, mimetype="text/html")


def _http_message(exc: HTTPException, status: int) -> str:
    """A text given to abort() wins; else the page wording (on pages) or the general one."""
    default = type(exc).description
    if exc.description and exc.description != default:
        return exc.description
    if request.blueprint == "pages" and status in PAGE_MESSAGES:
        return PAGE_MESSAGES[status]
    return HTTP_MESSAGES.get(status, exc.name)


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return json_response(exc.body, exc.status, exc.headers)

    @app.errorhandler(CaseError)
    def case_error(exc: CaseError):
        return json_response(ErrorBody.from_problems(exc.title, exc.problems), 422)

    @app.errorhandler(NoVersionInForce)
    def no_version(exc: NoVersionInForce):
        return json_response(ErrorBody.from_problems(exc.title, exc.problems), 422)

    @app.errorhandler(CaseworkError)
    def casework_error(exc: CaseworkError):
        if not wants_json():
            return _error(status_of(exc), exc.message)
        if isinstance(exc, InvalidInput):
            return json_response(ErrorBody.from_problems("Ugyldige opplysninger", exc.problems), 422)
        return json_response(ErrorBody(feil=exc.message), status_of(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return _error(status, _http_message(exc, status), headers)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("Uventet feil ved %s %s", request.method, request.path)
        return _error(500, HTTP_MESSAGES[500])
