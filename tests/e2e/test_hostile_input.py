"""Hostile input is refused with a 4xx, and what could cost the parser seconds is refused before it runs.

No test here times anything. "Cheap" is asserted as "never reached the parser": the
`parsers` fixture records each call of json.loads and of PyYAML's parse/compose/load
(they still run), and a refusal that must come first asserts that no call was made
during the request. The CPU figures are benchmarks/hostile_input.py's.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from support.http import Api, nominate_all, recommend_and_approve, report_lade
from support.pages import Pages
from service.web.api.operations import MAX_DEPTH, _deeper_than, structure_problem

LADE = Path(__file__).resolve().parents[2] / "examples" / "sak-1-lade.yaml"
RANK = "/api/v1/rank?as_of=2026-11-28"
DEEP = 10_000
DEEP_JSON = "[" * DEEP + "]" * DEEP
DEEP_OBJECTS = '{"a":' * DEEP + "1" + "}" * DEEP
ANONYMOUS = {}
CONSULTANT = Api.headers("konsulent.anne")
UNIT_LEADER = Api.headers("leder.lade")


@pytest.fixture
def parsers(monkeypatch):
    """(parser, what it was given) for each call of json.loads and yaml.parse/compose/load; they still work."""
    calls: list[tuple[str, object]] = []
    for module, name in ((json, "loads"), (yaml, "parse"), (yaml, "compose"), (yaml, "load")):
        real = getattr(module, name)

        def spy(document, *args, _real=real, _name=f"{module.__name__}.{name}", **kwargs):
            calls.append((_name, document))
            return _real(document, *args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return calls


def send(client, parsers, path, body: str, content_type="application/json", headers=ANONYMOUS):
    """(response, the parsers that were given the body): read before the test reads the answer.

    Other parsing during the request (a user's JSON columns, say) is not the body's and is left out.
    """
    before = len(parsers)
    data = body.encode("utf-8", "surrogatepass")
    response = client.post(path, data=data, content_type=content_type, headers=headers)
    return response, [name for name, document in parsers[before:] if document in (body, data)]


def lade_as_json() -> dict:
    """The Lade example as a client sends it in JSON (dates as ISO text)."""
    return json.loads(json.dumps(yaml.safe_load(LADE.read_text(encoding="utf-8")), default=str))


def problem(response) -> str:
    return " ".join(p["message"] for p in response.get_json()["problemer"])


# -- nesting: refused by a scan of the text, before any parser ----------------------------------

@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_OBJECTS, "[" * DEEP], ids=["lists", "objects", "unclosed"])
def test_json_nested_ten_thousand_deep_is_400_before_the_json_parser_runs(client, parsers, body):
    response, called = send(client, parsers, RANK, body)

    assert response.status_code == 400
    assert "for dypt nøstet" in problem(response)
    assert called == []


@pytest.mark.parametrize("body", [
    DEEP_JSON,                                       # flow lists, as measured: 9-15 s of CPU before
    "[" * DEEP,                                      # never closed: PyYAML's scanner is quadratic in them
    "a: " + "{b: " * DEEP + "1" + "}" * DEEP,        # flow mappings
    "- " * DEEP + "x\n",                             # block lists, all on one line
    "".join(" " * (2 * i) + "a:\n" for i in range(100)) + " " * 200 + "1\n",  # block mappings, indented
], ids=["flow-lists", "unclosed", "flow-mappings", "compact-lists", "indented-mappings"])
def test_yaml_nested_deeper_than_a_case_is_400_before_yaml_is_parsed(client, parsers, body):
    response, called = send(client, parsers, RANK, body, "application/yaml")

    assert response.status_code == 400
    assert response.get_json()["feil"] == "Ugyldig YAML"
    assert "for dypt nøstet" in problem(response)
    assert called == []


@pytest.mark.parametrize("path, headers", [
    ("/api/v1/login", ANONYMOUS),            # no login needed: the cheapest place to attack
    ("/api/v1/vacancies", UNIT_LEADER),
    ("/api/v1/tokens", CONSULTANT),
])
def test_json_nested_ten_thousand_deep_on_a_casework_route_is_400_not_a_recursion_error(
        casework_app, parsers, path, headers):
    response, called = send(casework_app.test_client(), parsers, path, DEEP_JSON, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["feil"] == "Innholdet kan ikke leses som JSON"
    assert called == []


def test_json_with_more_lists_than_any_case_is_400_before_the_json_parser_runs(casework_app, parsers):
    body = "[" + ",".join(["[]"] * 20_000) + "]"  # 40 kB; a million of them fit in 2 MB and cost a second

    response, called = send(casework_app.test_client(), parsers, "/api/v1/login", body)

    assert response.status_code == 400
    assert "for mange lister og objekter" in problem(response)
    assert called == []


def test_brackets_inside_a_json_string_are_text_not_nesting(casework_app):
    response = casework_app.test_client().post("/api/v1/tokens", json={"label": "[" * 100 + "{" * 99},
                                               headers=CONSULTANT)

    assert response.status_code == 201


@settings(max_examples=300, derandomize=True, database=None)
@given(st.recursive(st.just([]), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from("abc"), inner, max_size=3), max_leaves=60), st.integers(1, 12))
def test_the_depth_scan_agrees_with_the_depth_of_the_document(document, limit):
    def depth(value):
        children = value.values() if isinstance(value, dict) else value
        return 1 + max((depth(child) for child in children), default=0)

    text = json.dumps(document)
    shape = "".join({"{": "[", "}": "]"}.get(c, c) for c in text if c in "[]{}").encode()

    assert (structure_problem(text) is not None) == (depth(document) > MAX_DEPTH)
    assert _deeper_than(shape, limit) == (depth(document) > limit)
    cut = _deeper_than(shape[:-1], limit)  # the outermost left open: never a false refusal, deep is refused
    assert (not cut) if depth(document) <= limit else (cut or depth(document) <= 2 * limit)


def test_a_case_of_ordinary_depth_is_still_ranked_and_the_spy_sees_its_parsers(client, parsers):
    response, called = send(client, parsers, RANK, LADE.read_text(encoding="utf-8"), "application/yaml")

    assert response.status_code == 200
    assert {"yaml.parse", "yaml.load"} <= set(called)  # so `called == []` above means something
    assert "yaml.compose" not in called  # the line map is composed only for an error


# -- aliases, sizes, digits -------------------------------------------------------------------------

def test_yaml_aliases_are_refused_before_the_engine_builds_the_document(client, parsers):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))

    response, called = send(client, parsers, RANK, laughs, "application/yaml")

    assert response.status_code == 400
    assert "ankere og aliaser" in problem(response)
    assert "yaml.compose" not in called and "yaml.load" not in called  # only libyaml's event scan ran


def test_a_yaml_case_over_its_size_limit_is_413_before_yaml_is_parsed(client, parsers):
    body = "kandidater:\n" + "  - id: K-1\n" * 25_000  # 300 kB

    response, called = send(client, parsers, RANK, body, "application/yaml")

    assert response.status_code == 413
    assert "send større saker som JSON" in problem(response)
    assert called == []


def test_a_yaml_number_with_too_many_digits_is_400_before_yaml_is_parsed(client, parsers):
    response, called = send(client, parsers, RANK, "ledig_bolig: {rom: " + "9" * 4000 + "}\n", "application/yaml")

    assert response.status_code == 400
    assert "for mange sifre" in problem(response)
    assert called == []


def chunked(app, path, body: bytes, headers=ANONYMOUS):
    """A POST without Content-Length, as a server that de-chunks the body hands it on (gunicorn, werkzeug)."""
    return app.test_client().post(path, input_stream=io.BytesIO(body), content_type="application/json",
                                  headers={"Transfer-Encoding": "chunked", **headers},
                                  environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("path", ["/api/v1/rank", "/api/v1/login"])
def test_a_chunked_body_over_the_size_limit_is_413_not_cut_short(casework_app, path):
    body = b'{"username": "' + b"a" * (3 * 1024 * 1024) + b'", "password": "x"}'

    response = chunked(casework_app, path, body)

    assert response.status_code == 413
    assert response.get_json()["feil"] == "Forespørselen er for stor"


def test_a_chunked_body_under_the_size_limit_is_read_whole(casework_app):
    response = chunked(casework_app, "/api/v1/login", b'{"username": "konsulent.anne", "password": "feil"}')

    assert response.status_code == 401  # read and tried, not refused as unreadable


# -- values no store or encoder takes: 422, never 500 -----------------------------------------------

def test_a_lone_surrogate_in_a_json_case_is_422(client):
    case = lade_as_json()
    case["kandidater"][0]["id"] = "\ud800"

    response = client.post(RANK, data=json.dumps(case), content_type="application/json")  # ASCII: "\ud800"

    assert response.status_code == 422
    assert "halv UTF-16-surrogat" in problem(response)


def test_an_escaped_norwegian_letter_is_not_taken_for_a_surrogate_and_nothing_is_walked(client, monkeypatch):
    from service.web.api import operations
    walked = []
    real = operations._lone_surrogate
    monkeypatch.setattr(operations, "_lone_surrogate", lambda value: walked.append(1) or real(value))
    case = lade_as_json()
    case["ledig_bolig"]["bolig"]["adresse"] = "Østre gate 1"

    response = client.post(RANK, data=json.dumps(case), content_type="application/json")  # "\u00d8stre"

    assert response.status_code == 200 and walked == []


def test_a_lone_surrogate_in_a_yaml_case_is_422(client):
    text = LADE.read_text(encoding="utf-8").replace("id: K-1187", 'id: "K-\\ud800"', 1)

    response = client.post(RANK, data=text.encode(), content_type="application/yaml")

    assert response.status_code == 422
    assert "halv UTF-16-surrogat" in problem(response)


def test_a_lone_surrogate_in_a_casework_body_is_422_not_a_database_error(casework_app):
    api = Api(casework_app.test_client(), None)
    home = api.ok("GET", "/units", as_="konsulent.anne")[0]["homes"][0]["id"]

    response = casework_app.test_client().post(
        "/api/v1/vacancies", data='{"home_id": %d, "reason": "\\ud800"}' % home,
        content_type="application/json", headers=UNIT_LEADER)

    assert response.status_code == 422
    assert "halv UTF-16-surrogat" in problem(response)


@pytest.mark.parametrize("path, headers", [(RANK, ANONYMOUS), ("/api/v1/vacancies", UNIT_LEADER)])
def test_a_number_beyond_a_float_is_422(casework_app, path, headers):
    response = casework_app.test_client().post(path, data='{"home_id": 1, "monthly_rent": 1e400}',
                                               content_type="application/json", headers=headers)

    assert response.status_code == 422
    assert "1e400 er utenfor gyldig område" in problem(response)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("path, headers", [(RANK, ANONYMOUS), ("/api/v1/vacancies", UNIT_LEADER)])
def test_nan_and_infinity_are_not_json_and_are_400(casework_app, path, headers, literal):
    response = casework_app.test_client().post(path, data='{"home_id": 1, "monthly_rent": %s}' % literal,
                                               content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert f"'{literal}' er ikke et gyldig tall i JSON" in problem(response)


# -- keys twice ----------------------------------------------------------------------------------------

def test_a_login_with_the_username_twice_is_refused_and_nobody_is_logged_in(casework_app):
    client = casework_app.test_client()
    body = '{"username": "finnes.ikke", "username": "konsulent.anne", "password": "demo"}'

    response = client.post("/api/v1/login", data=body, content_type="application/json")

    assert response.status_code == 400
    assert "nøkkelen 'username' står to ganger" in problem(response)
    assert client.get("/api/v1/me").status_code == 401


def test_a_casework_body_with_a_key_twice_is_400(casework_app):
    response = casework_app.test_client().post(
        "/api/v1/vacancies", data='{"home_id": 1, "home_id": 2}', content_type="application/json",
        headers=UNIT_LEADER)

    assert response.status_code == 400
    assert "nøkkelen 'home_id' står to ganger" in problem(response)


# -- ids beyond a database key ---------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v1/vacancies/99999999999999999999",            # beyond SQLite's 2^63-1
    f"/api/v1/vacancies/{2**31}",                        # beyond PostgreSQL's 2^31-1
    f"/api/v1/applicants/{2**63}",
    f"/api/v1/recommendations/{2**63}",
    "/api/v1/vacancies/" + "9" * 5000 + "/timeline",     # more digits than int() converts
])
def test_an_id_in_the_path_beyond_a_database_key_is_404(api, path):
    assert api.client.get(path, headers=CONSULTANT).status_code == 404


def test_an_id_in_the_path_of_a_page_beyond_a_database_key_is_404(casework_app):
    pages = Pages(casework_app)
    pages.login("konsulent.anne")

    assert pages.get("/ledige-boliger/99999999999999999999").status_code == 404
    assert pages.get(f"/sokere/{2**63}").status_code == 404


@pytest.mark.parametrize("path, body", [
    ("/vacancies", {"home_id": 2**63}),
    ("/vacancies", {"home_id": 10**30}),
    ("/vacancies", {"home_id": 1, "monthly_rent": 10**20}),
])
def test_a_number_beyond_its_bound_in_a_body_is_422_naming_the_field(api, path, body):
    response = api.post(path, body, as_="leder.lade")

    assert response.status_code == 422
    assert "for stort" in problem(response)


def test_an_applicant_id_beyond_a_database_key_in_a_nomination_is_422(api):
    vacancy_id = report_lade(api)

    response = api.post(f"/vacancies/{vacancy_id}/nominate", {"applicant_id": 2**63}, as_="hvk.midtbyen")

    assert response.status_code == 422
    assert [p["path"] for p in response.get_json()["problemer"]] == ["applicant_id"]


# -- moments outside the routine -------------------------------------------------------------------

@pytest.fixture
def objected(api):
    """A Lade vacancy whose unit leader has objected: the next step is to call the meeting."""
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)
    recommend_and_approve(api, vacancy_id)
    api.at("2026-11-30", 9)
    api.ok("POST", f"/vacancies/{vacancy_id}/unit-leader-respond",
           {"response": "innsigelse", "reason_code": "sammensetning", "reason_text": "Uro på avdelingen."},
           as_="leder.lade", status=201)
    return vacancy_id


@pytest.mark.parametrize("moment, message", [
    ("0001-01-01T00:00", "01.01.0001 er for tidlig (tidligst 01.01.2000)"),
    ("0001-01-01T00:00+14:00", "01.01.0001 er for tidlig"),
    ("9999-12-31T23:59-12:00", "31.12.9999 er for sent (senest 31.12.2099)"),  # past datetime.max in UTC
    ("9999-12-31T23:59", "er for sent"),
])
def test_a_meeting_outside_the_years_of_the_routine_is_422(api, objected, moment, message):
    response = api.post(f"/vacancies/{objected}/open-consultation",
                        {"scheduled_for": moment, "participants": [{"name": "Kari", "role": "enhetsleder"}]},
                        as_="konsulent.anne")

    assert response.status_code == 422
    assert message in problem(response)
