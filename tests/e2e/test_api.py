"""The HTTP API end to end: the same rankings as the engine and the CLI, clear 4xx for bad input."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from engine import CompiledRules, RankingResult, RankingSummary, RulesError, load_rules
from service.web.app import create_app
from service.cli import main
from service.web.errors import ErrorBody
from service.web.api.health import Health
from service.web.api.openapi import REF_TEMPLATE
from service.rules_holder import RulesHolder
from service.web.rules import rules_holder
from service.reports.rules_listing import RulesListing

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "rules"
EXAMPLE_CASES = sorted((ROOT / "examples").glob("sak-*.yaml"))
AS_OF = dt.date(2026, 11, 28)
RANK = f"/api/v1/rank?as_of={AS_OF.isoformat()}"
LADE = next(p for p in EXAMPLE_CASES if "lade" in p.name)


def iso_dates(value):
    """YAML dates as ISO strings, the way a client sends them in JSON."""
    if isinstance(value, dict):
        return {k: iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def case_as_json(path: Path) -> dict:
    """An example case file as the JSON body a client would post."""
    return iso_dates(yaml.safe_load(path.read_text(encoding="utf-8")))


def problem_paths(response) -> set[str]:
    return {p["path"] for p in response.get_json()["problemer"]}


# -- ranking -------------------------------------------------------------------------------

def test_there_are_two_example_cases():
    assert len(EXAMPLE_CASES) == 2


@pytest.mark.parametrize("case_file", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_ranking_an_example_case_equals_the_engine_and_the_cli(client, compiled, case_file):
    response = client.post(RANK, json=case_as_json(case_file))

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    engine_result = compiled.rank(yaml.safe_load(case_file.read_text(encoding="utf-8")), AS_OF)
    assert response.get_json() == engine_result.model_dump(mode="json")
    cli = CliRunner().invoke(main, ["rank", str(case_file), "--json", "--as-of", AS_OF.isoformat(),
                                    "--rules", str(RULES_DIR)])
    assert cli.exit_code == 0, cli.output
    assert response.get_json() == json.loads(cli.stdout)


@pytest.mark.parametrize("content_type", ["application/yaml", "text/yaml", "application/x-yaml",
                                          "application/yaml; charset=utf-8"])
def test_a_yaml_body_gives_the_same_ranking_as_json(client, content_type):
    as_yaml = client.post(RANK, data=LADE.read_bytes(), content_type=content_type)
    as_json = client.post(RANK, json=case_as_json(LADE))

    assert as_yaml.status_code == 200
    assert as_yaml.get_json() == as_json.get_json()


def test_the_ranking_is_valid_against_the_result_model(client):
    body = client.post(RANK, json=case_as_json(LADE)).get_json()

    result = RankingResult.model_validate(body)
    assert result.as_of == AS_OF
    assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))


def test_as_of_defaults_to_today(client):
    before = dt.date.today().isoformat()
    response = client.post("/api/v1/rank", json=case_as_json(LADE))
    after = dt.date.today().isoformat()

    assert response.status_code == 200
    assert response.get_json()["as_of"] in {before, after}  # the request may cross midnight


# -- bad input -----------------------------------------------------------------------------

def test_an_invalid_case_is_422_naming_every_bad_path(client):
    case = case_as_json(LADE)
    case["kandidater"][2]["sjekkliste"]["tjenestebehov"] = "masse"
    case["kandidater"][0]["alder"] = "tjuefire"
    del case["kandidater"][1]["hvk"]
    case["ledig_bolig"]["bolig"]["balkong"] = True

    response = client.post(RANK, json=case)

    assert response.status_code == 422
    body = response.get_json()
    assert body["feil"] == "Saken er ugyldig"
    assert problem_paths(response) == {
        "kandidater[2].sjekkliste.tjenestebehov", "kandidater[0].alder", "kandidater[1].hvk",
        "ledig_bolig.bolig.balkong"}
    by_path = {p["path"]: p["message"] for p in body["problemer"]}
    assert "'masse' er ikke en av de tillatte verdiene" in by_path["kandidater[2].sjekkliste.tjenestebehov"]
    assert by_path["kandidater[1].hvk"] == "må fylles ut"
    ErrorBody.model_validate(body)


def test_an_invalid_yaml_case_names_the_line(client):
    text = LADE.read_text(encoding="utf-8").replace("tjenestebehov: dag_kveld", "tjenestebehov: masse", 1)

    response = client.post(RANK, data=text.encode(), content_type="application/yaml")

    assert response.status_code == 422
    [problem] = response.get_json()["problemer"]
    assert problem["path"] == "kandidater[0].sjekkliste.tjenestebehov"
    assert problem["line"] == text.splitlines().index(
        next(line for line in text.splitlines() if "tjenestebehov: masse" in line)) + 1


def test_duplicate_candidate_ids_are_422(client):
    case = case_as_json(LADE)
    case["kandidater"][1]["id"] = case["kandidater"][0]["id"]

    response = client.post(RANK, json=case)

    assert response.status_code == 422
    assert problem_paths(response) == {"kandidater[1].id"}


@pytest.mark.parametrize("body", ["[]", "null", "42", '"sak"'])
def test_a_body_that_is_not_an_object_is_422(client, body):
    response = client.post(RANK, data=body, content_type="application/json")

    assert response.status_code == 422
    assert response.get_json()["feil"] == "Saken er ugyldig"


@pytest.mark.parametrize("body, message", [
    ('{"ledig_bolig": {', "ugyldig JSON på linje 1"),
    ('{"ledig_bolig": {},\n "ledig_bolig": {}}', "nøkkelen 'ledig_bolig' står to ganger"),
    ('{"kandidater": [NaN]}', "'NaN' er ikke et gyldig tall"),
])
def test_malformed_json_is_400(client, body, message):
    response = client.post(RANK, data=body, content_type="application/json")

    assert response.status_code == 400
    body = response.get_json()
    assert body["feil"] == "Ugyldig JSON"
    assert message in body["problemer"][0]["message"]


def test_malformed_yaml_is_400_with_the_line(client):
    response = client.post(RANK, data="ledig_bolig:\n  id: [LB-1\nbeboere: []\n", content_type="application/yaml")

    assert response.status_code == 400
    body = response.get_json()
    assert body["feil"] == "Ugyldig YAML"
    assert body["problemer"][0]["message"].startswith("ugyldig YAML")
    assert body["problemer"][0]["line"] is not None


def test_a_date_that_does_not_exist_is_refused_where_it_stands_with_the_other_problems(client):
    """An unquoted 2026-02-30 is a value of the case that is wrong (422, with its path), as it would be in JSON,
    not a document that cannot be read; the other problems of the case are named with it."""
    response = client.post(RANK, data="ledig_bolig: {meldt: 2026-02-30}\n", content_type="application/yaml")

    assert response.status_code == 422
    problems = {p["path"]: p["message"] for p in response.get_json()["problemer"]}
    assert problems["ledig_bolig.meldt"] == "'2026-02-30' er ikke en dato som finnes (måneden har ikke den dagen; skriv ÅÅÅÅ-MM-DD)"
    assert "kandidater" in problems  # not hidden by the date


@pytest.mark.parametrize("text", [
    "ledig_bolig: {rom: " + "9" * 5000 + "}\n",  # more digits than Python converts
    "? [1, 2]\n: 3\n",                           # a list as a key
])
def test_yaml_values_that_cannot_be_read_are_400(client, text):
    response = client.post(RANK, data=text, content_type="application/yaml")

    assert response.status_code == 400
    assert response.get_json()["feil"] == "Ugyldig YAML"


def test_a_json_number_with_too_many_digits_is_400(client):
    response = client.post(RANK, data='{"a": ' + "9" * 500 + "}", content_type="application/json")

    assert response.status_code == 400
    assert "for mange sifre" in response.get_json()["problemer"][0]["message"]


@pytest.mark.parametrize("value", [1e20, "1e20", "inf", -2.5e17])
def test_a_number_the_evaluator_cannot_take_is_422_naming_the_path(client, value):
    case = case_as_json(LADE)
    case["ledig_bolig"]["bolig"]["areal_m2"] = value

    response = client.post(RANK, json=case)

    assert response.status_code == 422
    assert problem_paths(response) == {"ledig_bolig.bolig.areal_m2"}


def test_yaml_aliases_are_refused(client):
    text = "a: &x [1, 2]\nb: [*x, *x]\n"

    response = client.post(RANK, data=text, content_type="application/yaml")

    assert response.status_code == 400
    assert "ankere og aliaser" in response.get_json()["problemer"][0]["message"]


def test_a_body_that_is_not_utf8_is_400(client):
    response = client.post(RANK, data="{\"ø\": 1}".encode("latin-1"), content_type="application/json")

    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["problemer"][0]["message"]


@pytest.mark.parametrize("content_type", ["application/json", "application/yaml"])
@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_an_empty_body_is_400(client, content_type, body):
    response = client.post(RANK, data=body, content_type=content_type)

    assert response.status_code == 400
    assert response.get_json()["feil"] == "Forespørselen mangler innhold"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None])
def test_an_unsupported_content_type_is_415(client, content_type):
    response = client.post(RANK, data=json.dumps(case_as_json(LADE)), content_type=content_type)

    assert response.status_code == 415
    body = response.get_json()
    assert body["feil"] == "Innholdstypen støttes ikke"
    assert "application/json" in body["problemer"][0]["message"]


@pytest.mark.parametrize("as_of", ["28.11.2026", "2026-13-01", "20261128", "2026-11-28T10:00", "", "i dag"])
def test_a_bad_as_of_is_400_naming_the_parameter(client, as_of):
    response = client.post("/api/v1/rank", query_string={"as_of": as_of}, json=case_as_json(LADE))

    assert response.status_code == 400
    body = response.get_json()
    assert body["feil"] == "Ugyldig vurderingsdato"
    assert problem_paths(response) == {"as_of"}


def test_a_body_over_the_size_limit_is_413(client):
    response = client.post(RANK, data=b"#" * (3 * 1024 * 1024), content_type="application/yaml")

    assert response.status_code == 413
    assert response.get_json()["feil"] == "Forespørselen er for stor"


@pytest.mark.parametrize("path", ["/api/v1/finnes-ikke", "/api/v2/rank", "/api/"])
def test_an_unknown_api_route_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {"feil": "Fant ikke adressen", "problemer": []}


def test_a_wrong_method_is_a_json_405_with_allow(client):
    response = client.get("/api/v1/rank")

    assert response.status_code == 405
    assert response.get_json()["feil"] == "Metoden er ikke tillatt for denne adressen"
    assert "POST" in response.headers["Allow"]


def test_an_unknown_page_is_a_bokmal_html_404(client):
    response = client.get("/finnes-ikke")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Fant ikke adressen" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_logged_json_500_without_details(client, monkeypatch, caplog):
    def explode(self, *args, **kwargs):
        raise RuntimeError("hemmelig detalj")

    monkeypatch.setattr(CompiledRules, "rank", explode)
    with caplog.at_level(logging.ERROR):
        response = client.post(RANK, json=case_as_json(LADE))

    assert response.status_code == 500
    body = response.get_json()
    assert body["feil"].startswith("Det oppstod en uventet feil")
    assert "hemmelig" not in response.get_data(as_text=True)
    assert any("hemmelig detalj" in (r.exc_text or "") for r in caplog.records)


# -- rules, health, docs, start page ---------------------------------------------------------

def test_the_rules_endpoint_lists_every_criterion_with_its_points(client):
    source = yaml.safe_load((RULES_DIR / "prioritering.yaml").read_text(encoding="utf-8"))

    response = client.get("/api/v1/rules")

    assert response.status_code == 200
    listing = RulesListing.model_validate(response.get_json())
    assert [c.id for c in listing.criteria] == [c["id"] for c in source["kriterier"]]
    for criterion, rule in zip(listing.criteria, source["kriterier"]):
        if isinstance(rule["poeng"], int):
            assert criterion.points.kind == "fast"
            assert criterion.points.points == rule["poeng"] == criterion.max_points
        else:
            assert criterion.points.kind == "per_enhet"
            assert (criterion.points.per, criterion.points.max) == (rule["poeng"]["per"], rule["poeng"]["maks"])
        assert criterion.basis == rule["hjemmel"]
        assert criterion.explanation_template == rule["forklaring"]
    bostedslos = next(c for c in listing.criteria if c.id == "bostedslos")
    assert bostedslos.condition == "«Bosituasjon» er «bostedsløs»"


def test_the_rules_endpoint_lists_checks_composition_and_ties(client, rulebook, compiled):
    listing = client.get("/api/v1/rules").get_json()

    assert listing["rules_version"] == compiled.version.model_dump(mode="json")
    assert [c["id"] for c in listing["suitability_checks"]] == [c.id for c in rulebook.checks]
    assert all(c["outcome"] == "blokker" and c["condition"] for c in listing["suitability_checks"])
    assert [(r["id"], r["outcome"], r["points"]) for r in listing["composition_rules"]] == [
        (r.id, r.utfall, r.poeng) for r in rulebook.composition]
    assert listing["tie_margin"] == rulebook.ranking.likhetsmargin
    assert listing["tie_break_order"] == compiled.tie_break_words()


def test_healthz_names_the_rules_version(client, compiled):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "rules_version": compiled.version.model_dump(mode="json")}


def test_openapi_describes_the_endpoints_with_generated_schemas(client, compiled):
    response = client.get("/openapi.json")

    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/api/v1/rank", "/api/v1/rules", "/healthz", "/openapi.json"} <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    generated = {
        "RankingResult": RankingResult.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"),
        "RankingSummary": RankingSummary.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"),
        "Sak": compiled.case_models.Case.model_json_schema(ref_template=REF_TEMPLATE),
        "ErrorBody": ErrorBody.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"),
        "RulesListing": RulesListing.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"),
        "Health": Health.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization"),
    }
    for name, schema in generated.items():
        defs = schema.pop("$defs", {})
        assert schemas[name] == schema, name
        for inner, inner_schema in defs.items():
            assert schemas[inner] == inner_schema, inner
    assert "candidates" in schemas["RankingResult"]["properties"]

    rank = doc["paths"]["/api/v1/rank"]["post"]
    assert rank["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Sak"}
    assert "application/yaml" in rank["requestBody"]["content"]
    assert rank["responses"]["200"]["content"]["application/json"]["schema"] == {"anyOf": [
        {"$ref": "#/components/schemas/RankingResult"}, {"$ref": "#/components/schemas/RankingSummary"}]}
    assert {"400", "415", "422", "500"} <= set(rank["responses"])
    assert [p["name"] for p in rank["parameters"]] == ["as_of", "what_if", "detail"]
    refs = {m for m in json.dumps(doc).split('"$ref": "')[1:]}
    for ref in refs:
        assert ref.split('"')[0].removeprefix("#/components/schemas/") in schemas


def test_the_start_page_is_bokmal_and_shows_the_rules_version(client, compiled):
    response = client.get("/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nb">' in html
    assert "<title>Start – Boligtildeling</title>" in html
    assert compiled.version.label in html
    assert 'href="/openapi.json"' in html
    assert "eksempelpolicy" in html


# -- a real server ---------------------------------------------------------------------------

def _post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_the_real_server_ranks_concurrent_requests_identically(live_server, compiled):
    url = live_server + RANK
    body = json.dumps(case_as_json(LADE)).encode()
    expected = compiled.rank(case_as_json(LADE), AS_OF).model_dump(mode="json")

    status, single = _post(url, body, "application/json")
    assert (status, single) == (200, expected)
    status, bad = _post(url, b'{"oops"', "application/json")
    assert status == 400 and bad["feil"] == "Ugyldig JSON"

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: _post(url, body, "application/json"), range(20)))

    assert [status for status, _ in answers] == [200] * 20
    assert all(result == expected for _, result in answers)


# -- rules reload ----------------------------------------------------------------------------

def test_reload_with_broken_rules_raises_and_keeps_serving_the_old_version(app, client, rules_copy):
    with app.app_context():
        holder = rules_holder()
    before = holder.current()
    (rules_copy / "prioritering.yaml").write_text(
        (rules_copy / "prioritering.yaml").read_text(encoding="utf-8").replace("poeng: 30", "poeng: tretti", 1),
        encoding="utf-8")

    with pytest.raises(RulesError) as raised:
        holder.reload(rules_copy)

    assert "Regelverket er ugyldig" in str(raised.value)
    assert holder.current() is before
    response = client.post(RANK, json=case_as_json(LADE))
    assert response.status_code == 200
    assert response.get_json()["rules_version"]["content_hash"] == before.book.content_hash


def test_reload_with_changed_rules_swaps_in_the_new_version(rules_copy):
    from service.rules_holder import Outcome

    holder = RulesHolder(rules_copy)
    before = holder.current()
    holder.reload()
    assert holder.current() is before  # same content: nothing to swap
    text = (rules_copy / "prioritering.yaml").read_text(encoding="utf-8")
    (rules_copy / "prioritering.yaml").write_text(text.replace("poeng: 30", "poeng: 35", 1), encoding="utf-8")

    holder.reload()
    after = holder.current()

    assert after is not before
    assert after.book.content_hash != before.book.content_hash
    assert next(c.poeng for c in after.book.criteria if c.id == "bostedslos") == 35
    assert holder.check().outcome is Outcome.UNCHANGED  # the reload remembered what it read


def test_the_app_refuses_to_start_with_broken_rules(rules_copy):
    (rules_copy / "rangering.yaml").unlink()

    with pytest.raises(RulesError) as raised:
        create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})

    assert "rangering.yaml" in str(raised.value) and "filen mangler i regelverket" in str(raised.value)


def test_serve_with_broken_rules_exits_with_the_message(rules_copy):
    (rules_copy / "rangering.yaml").unlink()

    result = CliRunner().invoke(main, ["serve", "--rules", str(rules_copy), "--port", "0"])

    assert result.exit_code == 1
    assert "Regelverket er ugyldig" in result.stderr
    assert load_rules(RULES_DIR)  # the real rules are untouched


def test_rank_in_brief_over_http_is_the_engines_summary(client, compiled):
    response = client.post(RANK + "&detail=summary", json=case_as_json(LADE))

    assert response.status_code == 200
    assert response.get_json() == json.loads(compiled.rank_summary(case_as_json(LADE), AS_OF).model_dump_json())
    assert response.get_json()["candidates"][3]["blocked_by"] == ["dognbemanning_uten_nattbemanning"]


@pytest.mark.parametrize("query, field", [("&detail=kort", "detail"), ("&detail=summary&what_if=true", "what_if")])
def test_rank_refuses_an_unknown_detail_and_summary_with_what_if(client, query, field):
    response = client.post(RANK + query, json=case_as_json(LADE))

    assert response.status_code == 400
    assert response.get_json()["problemer"][0]["path"] == field
