"""`GET /healthz`: the service is up, and which rules version it serves."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint
from pydantic import BaseModel

from engine.evaluation.result import RulesVersion

from service.web.api.operations import operation
from service.web.errors import json_response
from service.web.rules import current_rules

bp = Blueprint("health", __name__)


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    rules_version: RulesVersion


@operation(bp, "GET", "/healthz", summary="Tjenesten kjører; viser regelverksversjonen", response=Health,
           public=True, errors=())
def healthz():
    return json_response(Health(rules_version=current_rules().version))
