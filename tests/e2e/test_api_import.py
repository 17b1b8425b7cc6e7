"""`POST /api/v1/imports/applicants`: the waiting list over HTTP, all rows or none, dry runs that write nothing."""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

import openpyxl

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
MIDTBYEN = (EXAMPLES / "venteliste-midtbyen.csv").read_text(encoding="utf-8-sig")
PATH = "/imports/applicants"


def waiting(api, office: str = "Midtbyen") -> list[str]:
    return [a["code"] for a in api.ok("GET", f"/applicants?welfare_office={office}", as_="konsulent.anne")]


def test_a_dry_run_answers_what_would_be_created_and_writes_nothing(api):
    before = waiting(api)

    response = api.post(PATH + "?dry_run=true", {"csv": MIDTBYEN, "filename": "venteliste.csv"}, as_="hvk.midtbyen")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["dry_run"], body["written"], body["count"]) == (True, False, 6)
    assert body["items"][0] == {"line": 2, "code": "K-5001", "welfare_office": "Midtbyen", "checklist": True}
    assert waiting(api) == before


def test_an_import_puts_the_rows_on_the_waiting_list(api):
    response = api.post(PATH, {"csv": MIDTBYEN}, as_="hvk.midtbyen")

    assert response.status_code == 200 and response.get_json()["written"] is True
    assert {"K-5001", "K-5006"} <= set(waiting(api))
    assert response.get_json()["summary"] == "Importert fra innsendt.csv: 6 søkere lagt inn, 6 med sjekkliste."


def test_a_bad_row_is_422_with_line_and_column_and_nothing_is_written(api):
    before = waiting(api)

    response = api.post(PATH, {"csv": MIDTBYEN.replace("14.03.1994", "31.02.1980")}, as_="hvk.midtbyen")

    assert response.status_code == 422
    body = response.get_json()
    assert body["feil"] == "Importen er avvist, og ingenting er lagret: 1 feil på 1 av 6 rader i innsendt.csv"
    assert body["problemer"] == [{"path": "Fødselsdato", "line": 2, "message": (
        "'31.02.1980' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD")}]
    assert waiting(api) == before


def test_an_xlsx_in_base64_is_imported(api):
    book = openpyxl.Workbook()
    book.active.append(["Saksnummer", "Navn", "Fødselsdato", "Kontor", "Søknad mottatt", "Målgrupper"])
    book.active.append(["K-7001", "Ada Lie", dt.datetime(1990, 2, 1), "Heimdal HVK", dt.datetime(2026, 2, 2), "Rus"])
    out = io.BytesIO()
    book.save(out)

    wrapped = base64.encodebytes(out.getvalue()).decode()  # lines of 76, as most encoders write it

    response = api.post(PATH, {"xlsx_base64": wrapped, "filename": "e.xlsx"}, as_="avdelingsleder.siri")

    assert response.status_code == 200, response.get_json()
    assert "K-7001" in waiting(api, "Heimdal")


def test_an_unreadable_file_is_400_saying_what_and_where(api):
    response = api.post(PATH, {"csv": "Saksnummer|Navn\nK-1|Ada\n"}, as_="hvk.midtbyen")

    assert response.status_code == 400
    assert response.get_json()["problemer"][0]["line"] == 1
    assert "fant ikke skilletegnet" in response.get_json()["problemer"][0]["message"]


def test_not_an_xlsx_is_400_and_bad_base64_is_422(api):
    not_xlsx = api.post(PATH, {"xlsx_base64": base64.b64encode(b"hei").decode(), "filename": "e.xlsx"},
                        as_="hvk.midtbyen")
    bad = api.post(PATH, {"xlsx_base64": "ikke base64!"}, as_="hvk.midtbyen")

    assert not_xlsx.status_code == 400 and "ikke en Excel-arbeidsbok" in not_xlsx.get_json()["problemer"][0]["message"]
    assert bad.status_code == 422 and bad.get_json()["problemer"][0]["path"] == "xlsx_base64"


def test_a_body_over_the_limit_is_413_before_it_is_read(api):
    response = api.post(PATH, {"csv": "Saksnummer;Navn\n" + "K-1;Ada\n" * 300_000}, as_="hvk.midtbyen")

    assert response.status_code == 413


def test_a_body_must_hold_exactly_one_file(api):
    neither = api.post(PATH, {"filename": "x.csv"}, as_="hvk.midtbyen")
    both = api.post(PATH, {"csv": MIDTBYEN, "xlsx_base64": "", "sheet": None}, as_="hvk.midtbyen")

    assert neither.status_code == both.status_code == 422
    assert "nøyaktig ett av feltene csv og xlsx_base64" in neither.get_json()["problemer"][0]["message"]


def test_a_bad_dry_run_flag_is_422(api):
    response = api.post(PATH + "?dry_run=kanskje", {"csv": MIDTBYEN}, as_="hvk.midtbyen")

    assert response.status_code == 422 and response.get_json()["problemer"][0]["path"] == "dry_run"


def test_without_a_login_401_and_for_a_unit_leader_403(api):
    assert api.post(PATH, {"csv": MIDTBYEN}).status_code == 401
    assert api.post(PATH, {"csv": MIDTBYEN}, as_="leder.lade").status_code == 403


def test_a_csv_body_sent_as_text_csv_is_refused_by_the_json_only_rule(api):
    response = api.client.post("/api/v1" + PATH, data=MIDTBYEN.encode(), content_type="text/csv",
                               headers=api.headers("hvk.midtbyen"))

    assert response.status_code == 415


def test_the_route_is_in_the_openapi_document(api):
    document = api.client.get("/openapi.json").get_json()
    operation = document["paths"]["/api/v1/imports/applicants"]["post"]

    assert operation["operationId"] == "import_applicants"
    assert set(operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1:]) == {
        "ImportFile"}
    assert {"200", "400", "401", "403", "422"} <= set(operation["responses"])
