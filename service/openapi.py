"""`GET /openapi.json`: the API described as OpenAPI 3.1, schemas generated from the models.

Nothing here is a hand-written schema: the case schema comes from the case model
the loaded rules generate (so a field added to rules/felter.yaml shows up here),
the ranking from `RankingResult`, the rules listing and the error body from their
models in service/. OpenAPI 3.1 uses JSON Schema 2020-12, which pydantic emits.
"""

from __future__ import annotations

from importlib import metadata
from typing import get_args, get_origin

from flask import Blueprint, jsonify
from pydantic.json_schema import models_json_schema

from engine import CompiledRules, RankingResult

from . import auth, casework_api  # noqa: F401  (their routes are described in OPERATIONS)
from .case_body import JSON_TYPES, YAML_TYPES
from .casework_http import OPERATIONS, Operation
from .errors import ErrorBody
from .health import Health
from .rules_holder import current_rules
from .rules_listing import RulesListing

bp = Blueprint("openapi", __name__)

REF_TEMPLATE = "#/components/schemas/{model}"


def _version() -> str:
    try:
        return metadata.version("boligtildeling")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        return "0.0.0"


def _error(ref: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def build_openapi(compiled: CompiledRules) -> dict:
    """The OpenAPI document for the service serving `compiled`."""
    case_model = compiled.case_models.Case
    casework_models = _operation_models()
    refs, schemas = models_json_schema(
        [(case_model, "validation"), (RankingResult, "serialization"), (RulesListing, "serialization"),
         (ErrorBody, "serialization"), (Health, "serialization")] + casework_models,
        ref_template=REF_TEMPLATE)
    case = refs[(case_model, "validation")]
    ranking = refs[(RankingResult, "serialization")]
    listing = refs[(RulesListing, "serialization")]
    error = refs[(ErrorBody, "serialization")]
    health = refs[(Health, "serialization")]
    version = compiled.version

    case_content = {t: {"schema": case} for t in JSON_TYPES + YAML_TYPES}
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Boligtildeling",
            "version": _version(),
            "description": (
                "Beslutningsstøtte for tildeling av kommunale utleieboliger med tjenester: rangering av "
                "kandidater til en ledig bolig etter prioriteringsnøkkelen, med begrunnelse for hvert poeng. "
                f"Regelverket som brukes nå er versjon {version.label} (gjelder fra "
                f"{version.effective_from.isoformat()}, innholdshash {version.content_hash}); "
                "saksskjemaet under følger feltkatalogen i dette regelverket."),
        },
        "paths": {
            "/api/v1/rank": {"post": {
                "operationId": "rangerSak",
                "summary": "Ranger kandidatene til en ledig bolig og forklar hvert poeng",
                "description": ("Saken sendes som JSON, eller som YAML slik eksempelfilene er skrevet. "
                                "Svaret er det samme som `boligtildeling rank SAK --json` skriver ut."),
                "parameters": [{
                    "name": "as_of", "in": "query", "required": False,
                    "description": "Vurderingsdato ÅÅÅÅ-MM-DD; måneder og ventetid regnes til denne datoen. "
                                   "Standard: dagens dato.",
                    "schema": {"type": "string", "format": "date"},
                }, {
                    "name": "what_if", "in": "query", "required": False,
                    "description": "true: ta med for hver kandidat under den første de færreste sjekklistefeltene "
                                   "som måtte vært annerledes for at kandidaten skulle stått først.",
                    "schema": {"type": "boolean", "default": False},
                }],
                "requestBody": {"required": True, "description": "Saken: ledig bolig, beboere og kandidater.",
                                "content": case_content},
                "responses": {
                    "200": {"description": "Rangeringen med begrunnelser.",
                            "content": {"application/json": {"schema": ranking}}},
                    "400": _error(error, "Innholdet kan ikke leses (ugyldig JSON/YAML, tomt) eller "
                                         "as_of er ikke en dato."),
                    "413": _error(error, "Forespørselen er for stor."),
                    "415": _error(error, "Innholdstypen støttes ikke."),
                    "422": _error(error, "Saken er ugyldig; hvert problem nevner stedet i saken."),
                    "500": _error(error, "Uventet feil i tjenesten (logget)."),
                },
            }},
            "/api/v1/rules": {"get": {
                "operationId": "visRegelverk",
                "summary": "Regelverket som brukes nå: kriterier, egnethetskontroller og sammensetningsregler i ord",
                "responses": {"200": {"description": "Regelverket.",
                                      "content": {"application/json": {"schema": listing}}}},
            }},
            "/healthz": {"get": {
                "operationId": "helsesjekk",
                "summary": "Tjenesten kjører; viser regelverksversjonen",
                "responses": {"200": {"description": "Tjenesten er oppe.",
                                      "content": {"application/json": {"schema": health}}}},
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "Dette dokumentet",
                "responses": {"200": {"description": "OpenAPI-beskrivelsen av tjenesten.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {
                "apiToken": {"type": "http", "scheme": "bearer",
                             "description": "API-nøkkel fra `boligtildeling tokens create BRUKER` eller "
                                            "POST /api/v1/tokens."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "Økten fra POST /api/v1/login."}},
        },
    }
    for op in OPERATIONS:
        doc["paths"].setdefault(op.path, {})[op.method] = _operation_doc(op, refs, error)
    return doc


CASEWORK_ERRORS = {
    400: "Innholdet kan ikke leses som JSON.",
    401: "Ikke logget inn (eller ugyldig API-nøkkel).",
    403: "Du har ikke tilgang; forsøket er logget.",
    404: "Saken, søkeren eller innstillingen finnes ikke.",
    409: "Steget er ikke tillatt i sakens nåværende tilstand (eller noen andre kom først); ingenting er endret.",
    415: "Innholdet må være application/json.",
    422: "Ugyldige opplysninger; hvert problem nevner feltet.",
}


def _model_of(response):
    if get_origin(response) is list:
        return get_args(response)[0], True
    return response, False


def _operation_models() -> list:
    seen, out = set(), []
    for op in OPERATIONS:
        candidates = [(op.body, "validation")]
        if op.response is not None:
            candidates.append((_model_of(op.response)[0], "serialization"))
        for model, mode in candidates:
            if model is not None and (model, mode) not in seen:
                seen.add((model, mode))
                out.append((model, mode))
    return out


def _operation_doc(op: Operation, refs: dict, error: dict) -> dict:
    doc: dict = {"operationId": op.operation_id, "summary": op.summary,
                 "security": [{"apiToken": []}, {"session": []}]}
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
              for name in _path_names(op.path)]
    if params or op.query:
        doc["parameters"] = params + op.query
    if op.body is not None:
        doc["requestBody"] = {"required": True, "description": (op.body.__doc__ or "").strip(),
                              "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    schema = {"type": "object"}
    if op.response is not None:
        model, many = _model_of(op.response)
        ref = refs[(model, "serialization")]
        schema = {"type": "array", "items": ref} if many else ref
    responses = {str(op.status): {"description": "OK.", "content": {"application/json": {"schema": schema}}}}
    codes = set(op.errors) | ({400, 415, 422} if op.body is not None else set())
    for code in sorted(codes):
        responses[str(code)] = _error(error, CASEWORK_ERRORS[code])
    doc["responses"] = responses
    return doc


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_openapi(current_rules()))
