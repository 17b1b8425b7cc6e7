"""`GET /openapi.json`: the API described as OpenAPI 3.1, built from the routes the app serves.

Each route is registered with `operation(...)` (service/web/api/operations.py), which
attaches its description to the view; this module walks the app's URL map and
turns those descriptions into the document, so a route cannot be served without
being described. The schemas are generated from the pydantic models: the case
schema from the case model the loaded rules generate (a field added to
rules/felter.yaml shows up here), the rest from the models beside each route.
OpenAPI 3.1 uses JSON Schema 2020-12, which pydantic emits.
"""

from __future__ import annotations

from importlib import metadata
from typing import Iterator, get_args, get_origin

from flask import Blueprint, Flask, current_app, jsonify
from pydantic.json_schema import models_json_schema

from engine import CompiledRules
from service.web.api.operations import CaseBody, Operation, operation, operation_of
from service.web.errors import ErrorBody
from service.web.rules import current_rules

bp = Blueprint("openapi", __name__)

REF_TEMPLATE = "#/components/schemas/{model}"

ERROR_TEXTS = {
    400: "Innholdet kan ikke leses som JSON.",
    401: "Ikke logget inn (eller ugyldig API-nøkkel).",
    403: "Du har ikke tilgang; forsøket er logget.",
    404: "Saken, søkeren eller innstillingen finnes ikke.",
    409: "Steget er ikke tillatt i sakens nåværende tilstand (eller noen andre kom først); ingenting er endret.",
    413: "Forespørselen er for stor.",
    415: "Innholdet må være application/json.",
    422: "Ugyldige opplysninger; hvert problem nevner feltet.",
    500: "Uventet feil i tjenesten (logget).",
}


def _version() -> str:
    try:
        return metadata.version("boligtildeling")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        return "0.0.0"


def described_routes(app: Flask) -> Iterator[tuple[str, Operation | None]]:
    """(Flask rule, its description or None) for every route the app serves, static files left out."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule.rule, operation_of(app.view_functions[rule.endpoint])


def build_openapi(app: Flask, compiled: CompiledRules) -> dict:
    """The OpenAPI document for `app` serving `compiled`."""
    operations = [op for _rule, op in described_routes(app) if op is not None]
    case_model = compiled.case_models.Case
    wanted = [(case_model, "validation"), (ErrorBody, "serialization")] + _operation_models(operations)
    refs, schemas = models_json_schema(wanted, ref_template=REF_TEMPLATE)
    error = refs[(ErrorBody, "serialization")]
    version = compiled.version
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
        "paths": {},
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
    for op in operations:
        doc["paths"].setdefault(op.path, {})[op.method] = _operation_doc(op, refs, error, case_model)
    return doc


def _model_of(response):
    if get_origin(response) is list:
        return get_args(response)[0], True
    return response, False


def _operation_models(operations: list[Operation]) -> list:
    seen, out = set(), []
    for op in operations:
        candidates = [] if isinstance(op.body, CaseBody) else [(op.body, "validation")]
        if isinstance(op.response, tuple):  # one of several shapes, chosen by a query parameter
            candidates += [(model, "serialization") for model in op.response]
        elif op.response is not None:
            candidates.append((_model_of(op.response)[0], "serialization"))
        for model, mode in candidates:
            if model is not None and (model, mode) not in seen:
                seen.add((model, mode))
                out.append((model, mode))
    return out


def _operation_doc(op: Operation, refs: dict, error: dict, case_model) -> dict:
    doc: dict = {"operationId": op.operation_id, "summary": op.summary}
    if op.description:
        doc["description"] = op.description
    if not op.public:
        doc["security"] = [{"apiToken": []}, {"session": []}]
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
              for name in _path_names(op.path)]
    if params or op.query:
        doc["parameters"] = params + op.query
    if isinstance(op.body, CaseBody):
        case = refs[(case_model, "validation")]
        doc["requestBody"] = {"required": True, "description": op.body.description,
                              "content": {t: {"schema": case} for t in op.body.content_types}}
    elif op.body is not None:
        doc["requestBody"] = {"required": True, "description": (op.body.__doc__ or "").strip(),
                              "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    schema = {"type": "object"}
    if isinstance(op.response, tuple):
        schema = {"anyOf": [refs[(model, "serialization")] for model in op.response]}
    elif op.response is not None:
        model, many = _model_of(op.response)
        ref = refs[(model, "serialization")]
        schema = {"type": "array", "items": ref} if many else ref
    if op.content_type != "application/json":  # a download: text (CSV) or a file
        schema = {"type": "string"} if op.content_type.startswith("text/") else \
            {"type": "string", "format": "binary"}
    responses = {str(op.status): {"description": "OK.", "content": {op.content_type: {"schema": schema}}}}
    codes = dict(op.errors)
    if op.body is not None and not isinstance(op.body, CaseBody):
        for code in (400, 415, 422):
            codes.setdefault(code, None)
    for code in sorted(codes):
        responses[str(code)] = {"description": codes[code] or ERROR_TEXTS[code],
                                "content": {"application/json": {"schema": error}}}
    doc["responses"] = responses
    return doc


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@operation(bp, "GET", "/openapi.json", summary="Dette dokumentet: OpenAPI-beskrivelsen av tjenesten",
           public=True, errors=())
def openapi():
    return jsonify(build_openapi(current_app, current_rules()))
