"""/openapi.json describes every route under /api, and the machine-readable routes beside it."""

from __future__ import annotations

from service.web.api.openapi import described_routes

MACHINE_PATHS = ("/healthz", "/openapi.json")


def _openapi_path(rule: str) -> str:
    for part in ("<int:", "<"):
        rule = rule.replace(part, "{")
    return rule.replace(">", "}")


def test_every_api_route_of_the_app_is_in_the_openapi_document_with_its_methods(app, client):
    doc = client.get("/openapi.json").get_json()
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule in MACHINE_PATHS:
            served.setdefault(_openapi_path(rule.rule), set()).update(
                m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    documented = {path: set(ops) for path, ops in doc["paths"].items()}

    assert len(served) > 30
    assert served == documented


def test_no_api_route_is_served_without_a_description(app):
    undescribed = [rule for rule, op in described_routes(app)
                   if op is None and (rule.startswith("/api/") or rule in MACHINE_PATHS)]

    assert undescribed == []


def test_the_rules_status_drafts_and_impact_routes_are_described_with_their_bodies(client):
    paths = client.get("/openapi.json").get_json()["paths"]

    assert "get" in paths["/api/v1/rules/status"]
    assert "get" in paths["/api/v1/rules/drafts"]
    impact = paths["/api/v1/rules/impact"]["post"]
    assert impact["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImpactRequest"}
    assert "security" in impact and "security" in paths["/api/v1/rules/status"]["get"]  # it names files
    assert "security" not in paths["/api/v1/rules"]["get"]


def test_each_step_of_the_routine_is_one_route_named_as_the_step(client):
    from service.domain.steps import STEPS

    paths = client.get("/openapi.json").get_json()["paths"]
    for step in STEPS:
        post = paths[f"/api/v1/vacancies/{{vacancy_id}}/{step.segment}"]["post"]
        assert post["operationId"] == step.name
        assert post["summary"] == step.summary
