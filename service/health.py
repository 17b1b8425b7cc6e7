"""`GET /healthz`: the service is up, and which rules version it serves."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint
from pydantic import BaseModel

from engine.result import RulesVersion

from .errors import json_response
from .rules_holder import current_rules

bp = Blueprint("health", __name__)


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    rules_version: RulesVersion


@bp.get("/healthz")
def healthz():
    return json_response(Health(rules_version=current_rules().version))
