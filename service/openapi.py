"""`GET /openapi.json`: the API described as OpenAPI 3.1, schemas generated from the models.

Nothing here is a hand-written schema: the case schema comes from the case model
the loaded rules generate (so a field added to rules/felter.yaml shows up here),
the ranking from `RankingResult`, the rules listing and the error body from their
models in service/. OpenAPI 3.1 uses JSON Schema 2020-12, which pydantic emits.
"""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, jsonify
from pydantic.json_schema import models_json_schema

from engine import CompiledRules, RankingResult

from .case_body import JSON_TYPES, YAML_TYPES
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
    refs, schemas = models_json_schema(
        [(case_model, "validation"), (RankingResult, "serialization"), (RulesListing, "serialization"),
         (ErrorBody, "serialization"), (Health, "serialization")],
        ref_template=REF_TEMPLATE)
    case = refs[(case_model, "validation")]
    ranking = refs[(RankingResult, "serialization")]
    listing = refs[(RulesListing, "serialization")]
    error = refs[(ErrorBody, "serialization")]
    health = refs[(Health, "serialization")]
    version = compiled.version

    case_content = {t: {"schema": case} for t in JSON_TYPES + YAML_TYPES}
    return {
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
        "components": {"schemas": schemas.get("$defs", {})},
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_openapi(current_rules()))
