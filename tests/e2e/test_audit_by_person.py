"""Who read applicant X (GDPR art. 15): every read of people's data is logged per applicant, lists too,
and the head of allocation reads the trail on a page and an operator with `boligtildeling audit applicant`."""

from __future__ import annotations

from click.testing import CliRunner

from service.cli import main
from support.http import nominate_all, recommend_and_approve, report_lade
from support.pages import Pages
from support.store import audit_rows


def test_every_read_and_change_of_an_applicant_is_listed_for_the_head_on_the_page_and_by_the_command(
        api, casework_app):
    vacancy_id = report_lade(api)
    nominate_all(api, vacancy_id)  # K-1187 is Midtbyen's nominee
    recommend_and_approve(api, vacancy_id)
    k1187 = api.applicant_id("K-1187")
    api.ok("GET", "/applicants?welfare_office=Midtbyen", as_="hvk.midtbyen")  # a list: K-1187 among others
    api.ok("GET", f"/vacancies/{vacancy_id}", as_="leder.lade")
    api.ok("GET", f"/vacancies/{vacancy_id}/timeline", as_="hvk.heimdal")  # Heimdal does not see K-1187

    url = casework_app.config["DATABASE_URL"]
    reads = audit_rows(url, f"applicant_id = {k1187} AND action LIKE 'read_%'")
    readers = {(r.actor_username, r.action) for r in reads}
    assert {("hvk.midtbyen", "read_waiting_list"), ("konsulent.anne", "read_waiting_list")} <= readers
    # K-1187 is blocked for the home and not presented to the unit: the unit leader did not read them,
    # but did read K-2210, who is presented
    assert ("hvk.heimdal", "read_timeline") not in readers and ("leder.lade", "read_vacancy") not in readers
    k2210 = api.applicant_id("K-2210")
    assert audit_rows(url, f"applicant_id = {k2210} AND action = 'read_vacancy' AND actor_username = 'leder.lade'")
    heimdal = audit_rows(url, "actor_username = 'hvk.heimdal' AND action = 'read_timeline'")
    assert heimdal and all(r.applicant_id != k1187 for r in heimdal)

    head, consultant = Pages(casework_app), Pages(casework_app)
    head.login("avdelingsleder.siri")
    page = head.get("/revisjon?soker=K-1187").get_data(as_text=True)
    assert "oppføringer for K-1187" in page and "hvk.midtbyen" in page and "read_waiting_list" in page
    assert "nominated" in page and "leder.lade" not in page
    consultant.login("konsulent.anne")
    assert consultant.get("/revisjon?soker=K-1187").status_code == 403
    assert audit_rows(url, f"applicant_id = {k1187} AND action = 'read_audit' AND actor_username = "
                           "'avdelingsleder.siri'")  # reading the trail is itself logged

    printed = CliRunner().invoke(main, ["audit", "applicant", "K-1187", "--database-url", url])
    assert printed.exit_code == 0, printed.output
    assert printed.output.startswith("Revisjonslogg for K-1187:")
    assert "hvk.midtbyen" in printed.output and "lest" in printed.output and "endret" in printed.output
    unknown = CliRunner().invoke(main, ["audit", "applicant", "K-0000", "--database-url", url])
    assert unknown.exit_code == 1 and "Søkeren K-0000 finnes ikke." in unknown.output
