"""The rules for people: policy in words, versions side by side, a refused reload, a draft's impact (page and API)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from support.pages import Pages, demo_app
from service.store.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def setup(tmp_path):
    rules = tmp_path / "regler"
    shutil.copytree(ROOT / "rules", rules)
    drafts = tmp_path / "utkast"
    draft = drafts / "tyngre-bostedsloshet"
    shutil.copytree(ROOT / "rules", draft)
    path = draft / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    navn: Bostedsløs\n    poeng: 30",
                                                             "    navn: Bostedsløs\n    poeng: 60"), encoding="utf-8")
    broken = drafts / "odelagt"
    shutil.copytree(ROOT / "rules", broken)
    path = broken / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                    encoding="utf-8")
    app = demo_app(tmp_path, rules)
    app.config.update(RULES_DRAFTS_DIR=str(drafts))
    app.extensions["boligtildeling.rules"].check_seconds = 0
    yield app, rules
    app.extensions["boligtildeling.store"].engine.dispose()


def logged_in(app, username):
    pages = Pages(app)
    assert pages.login(username).status_code == 302
    return pages


def test_every_logged_in_user_reads_the_rules_in_force_in_words(setup):
    app, _ = setup
    page = logged_in(app, "hvk.midtbyen").get("/regelverk").get_data(as_text=True)
    assert "Slik rangeres kandidatene i dag" in page
    assert "«Bosituasjon» er «bostedsløs»" in page and "Eksempelnøkkel pkt. 1" in page
    assert "2026.1-eksempel" in page and "gjelder i dag" in page
    assert "konsekvensanalyse" not in page  # not for caseworkers
    assert logged_in(app, "hvk.midtbyen").get("/regelverk/konsekvens").status_code == 403


def test_a_refused_reload_is_shown_on_the_policy_page_with_file_and_line(setup):
    app, rules = setup
    path = rules / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                    encoding="utf-8")
    page = logged_in(app, "radgiver.per").get("/regelverk").get_data(as_text=True)
    assert "En endring i regelverket ble avvist" in page
    assert "egnethet.yaml:" in page and "bolig.heiss" in page
    assert "Slik rangeres kandidatene i dag" in page  # the old rules still serve


def test_a_draft_is_compared_side_by_side_with_the_rules_in_force(setup):
    app, _ = setup
    page = logged_in(app, "radgiver.per").get("/regelverk/endringer?utkast=tyngre-bostedsloshet")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Endret kriterium: Bostedsløs" in text
    assert "<td>30 poeng</td><td>60 poeng</td>" in text
    assert "18 regler er uendret." in text


def test_the_impact_page_runs_the_draft_on_stored_recommendations_and_is_audited(setup):
    app, _ = setup
    pages = logged_in(app, "radgiver.per")
    form = pages.get("/regelverk/konsekvens").get_data(as_text=True)
    assert 'value="tyngre-bostedsloshet"' in form
    report = pages.post("/regelverk/konsekvens", {"utkast": "tyngre-bostedsloshet"})
    html = report.get_data(as_text=True)
    assert report.status_code == 200 and "<svg" in html and "Konsekvensanalyse" in html
    with app.extensions["boligtildeling.store"].sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "rules_impact")).all()
    assert [e.actor_username for e in entries] == ["radgiver.per"]


def test_a_broken_draft_is_reported_next_to_the_field(setup):
    app, _ = setup
    answer = logged_in(app, "radgiver.per").post("/regelverk/konsekvens", {"utkast": "odelagt"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="utkast-feil"' in text and "bolig.heiss" in text


def test_the_impact_api_returns_the_changed_cases_and_refuses_unknown_or_broken_drafts(setup):
    app, _ = setup
    client = logged_in(app, "radgiver.per").client
    assert client.get("/api/v1/rules/drafts").get_json() == {"drafts": ["odelagt", "tyngre-bostedsloshet"]}
    answer = client.post("/api/v1/rules/impact", json={"utkast": "tyngre-bostedsloshet"},
                         headers={"Origin": "http://localhost"})  # a cookie write from the service's own page
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert body["cases_total"] >= 1 and body["cases_evaluated"] == body["cases_total"]
    assert set(body["cases_top_changed"]) <= set(body["cases_order_changed"])
    assert body["draft"]["content_hash"] and "Konsekvensanalyse av utkastet" in body["summary_text"]
    own = {"Origin": "http://localhost"}
    assert client.post("/api/v1/rules/impact", json={"utkast": "finnes-ikke"}, headers=own).status_code == 404
    broken = client.post("/api/v1/rules/impact", json={"utkast": "odelagt"}, headers=own)
    assert broken.status_code == 422
    assert any("bolig.heiss" in p["message"] for p in broken.get_json()["problemer"])
    caseworker = logged_in(app, "hvk.midtbyen").client
    assert caseworker.post("/api/v1/rules/impact", json={"utkast": "tyngre-bostedsloshet"}).status_code == 403
