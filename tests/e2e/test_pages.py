"""The pages through the test client: access on every page, forms that reject bad input next to the
field and keep it, the checklist form generated from the vocabulary, letters, and the start pages."""

from __future__ import annotations

import re
import shutil

import pytest

from support.pages import Pages, applicant_id, applicants_by_office, checklist_form, demo_app

VACANCIES = range(1, 5)  # the demo's four vacancies


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("pages"))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


def pages_of(pages: Pages, app) -> dict[str, str]:
    """Every page a caseworker can reach, by path: start, overview, waiting list, vacancies, timelines,
    own candidates, letters."""
    paths = ["/", "/ledige-boliger", "/sokere"]
    for vid in VACANCIES:
        paths += [f"/ledige-boliger/{vid}", f"/ledige-boliger/{vid}/tidslinje"]
    found = {}
    for path in paths:
        response = pages.get(path)
        found[path] = response.get_data(as_text=True)
    for path in re.findall(r'href="(/(?:sokere/\d+|ledige-boliger/\d+/vedtaksbrev/[^"]+))"', "".join(found.values())):
        found[path] = pages.get(path).get_data(as_text=True)
    return found


@pytest.mark.parametrize("username, office", [("hvk.midtbyen", "Midtbyen"), ("hvk.ostbyen", "Østbyen"),
                                              ("hvk.lerkendal", "Lerkendal"), ("hvk.heimdal", "Heimdal")])
def test_a_caseworker_never_sees_another_offices_candidates_on_any_page(app, username, office):
    pages = Pages(app)
    pages.login(username)

    seen = pages_of(pages, app)

    own = applicants_by_office(app)[office]
    others = [p for o, people in applicants_by_office(app).items() if o != office for p in people]
    assert len(seen) > 12
    for path, html in seen.items():
        for code, name in others:
            assert code not in html, (path, code)
            assert name not in html, (path, name)
    assert any(code in "".join(seen.values()) for code, _ in own)


def test_a_caseworker_cannot_open_another_offices_candidate_or_letter(app):
    pages = Pages(app)
    pages.login("hvk.heimdal")

    assert pages.get(f"/sokere/{applicant_id(app, 'K-1500')}").status_code == 403  # Midtbyen's
    assert pages.get("/ledige-boliger/1/vedtaksbrev/K-1500").status_code in (403, 404)
    assert pages.get("/ledige-boliger/1/vedtaksbrev/K-1501").status_code == 200  # Heimdal's own


def test_a_unit_leader_sees_only_consented_shareable_fields(app):
    pages = Pages(app)
    pages.login("leder.sverresgate")

    html = pages.get("/ledige-boliger/3").get_data(as_text=True)  # LB-2026-057, approved, objected

    assert "Opplysninger delt med botiltaket" in html
    assert "K-3002" in html  # presented to the unit
    for code in ("K-3001", "K-3003"):  # nominated, not presented: the team's only
        assert code not in html
    assert "Aktiv rus" in html  # deles_med_botiltak
    for private in ("Bosituasjon", "Akutt fare", "Samtykke til å dele", "Hanne Lund", "Tor Eggen", "Geir Strand",
                    "Grunnlag:"):
        assert private not in html


def test_a_unit_leader_sees_that_an_applicant_did_not_consent(tmp_path):
    app = demo_app(tmp_path)
    try:
        caseworker, leader = Pages(app), Pages(app)
        caseworker.login("hvk.ostbyen")
        aid = applicant_id(app, "K-3002")  # presented to Sverresgate in the demo's LB-2026-057
        form = checklist_form(caseworker.get(f"/sokere/{aid}").get_data(as_text=True))
        form.update({"samtykke_deling": "nei", "note": "Søkeren trakk samtykket i samtale."})
        assert caseworker.post(f"/sokere/{aid}/sjekkliste", form).status_code in (200, 302)
        leader.login("leder.sverresgate")
        person = leader.get(f"/sokere/{aid}").get_data(as_text=True)
        vacancy = leader.get("/ledige-boliger/3").get_data(as_text=True)
        course = leader.get("/ledige-boliger/3/tidslinje").get_data(as_text=True)
        team_course = caseworker.get("/ledige-boliger/3/tidslinje").get_data(as_text=True)
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()

    assert "ikke samtykket" in person and "ikke samtykket" in vacancy
    assert "Hanne Lund" not in person and "Bosituasjon" not in person and "Tjenestebehov" not in person
    # which fields changed is health information too: the unit learns only that the checklist changed,
    # the applicant's own office what changed
    assert re.search(r"Sjekklisten for K-3002 er endret \(journalføring nr\. \d+\)", course)
    assert "samtykke_deling" not in course
    assert "Sjekklisten for K-3002 er endret: samtykke_deling" in team_course


def test_a_journal_change_without_a_note_is_refused_next_to_the_field_and_keeps_what_was_typed(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    aid = applicant_id(app, "K-1500")
    before = pages.get(f"/sokere/{aid}").get_data(as_text=True)
    form = checklist_form(before)
    form.update({"bosituasjon": "bostedslos", "note": ""})

    response = pages.post(f"/sokere/{aid}/sjekkliste", form)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    note_error = re.search(r'id="checklist-note-feil">(.*?)</p>', html, re.S)
    assert note_error and "må fylles ut" in note_error.group(1)
    assert re.search(r'<option value="bostedslos" selected>', html)
    after = pages.get(f"/sokere/{aid}").get_data(as_text=True)
    assert after.count("<td>Sjekkliste ført</td>") + after.count("Endret:") == before.count(
        "<td>Sjekkliste ført</td>") + before.count("Endret:")


def test_a_checklist_with_a_missing_answer_shows_the_message_at_that_field(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    aid = applicant_id(app, "K-1500")
    form = checklist_form(pages.get(f"/sokere/{aid}").get_data(as_text=True))
    form.pop("tjenestebehov")
    form["note"] = "Ny vurdering fra fastlegen"

    html = pages.post(f"/sokere/{aid}/sjekkliste", form).get_data(as_text=True)

    assert re.search(r'id="checklist-tjenestebehov-feil">.*må fylles ut', html)
    assert "Ny vurdering fra fastlegen</textarea>" in html


def test_a_field_added_to_the_vocabulary_appears_in_thechecklist_form(tmp_path, rules_copy):
    felter = rules_copy / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8").replace(
        "    samtykke_deling:\n",
        "    husdyr:\n      type: valg\n      etikett: Har husdyr som skal flytte med\n"
        "      verdier: {ingen: ingen husdyr, katt: katt, hund: hund}\n    samtykke_deling:\n"), encoding="utf-8")
    app = demo_app(tmp_path, rules_copy)
    try:
        pages = Pages(app)
        pages.login("hvk.midtbyen")
        html = pages.get(f"/sokere/{applicant_id(app, 'K-1500')}").get_data(as_text=True)
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()

    assert '<label for="checklist-husdyr">Har husdyr som skal flytte med' in html
    for code, label in (("ingen", "ingen husdyr"), ("katt", "katt"), ("hund", "hund")):
        assert f'<option value="{code}">{label}</option>' in html


def test_a_refused_step_shows_the_message_next_to_the_field(app):
    pages = Pages(app)
    pages.login("leder.sverresgate")
    response = pages.post("/ledige-boliger/3/update-readiness", {"readiness": "ready", "vacated_on": "2026-11-20",
                                                          "ready_on": "2026-11-01"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="update-readiness-ready-on-feil">.*kan ikke være klar før den er fraflyttet', html)
    assert 'value="2026-11-01"' in html


@pytest.mark.parametrize("username, heading", [
    ("hvk.ostbyen", "Nye ledige boliger du kan nominere til"),
    ("konsulent.anne", "Nominasjoner som venter på innstilling"),
    ("leder.sverresgate", "Dette venter på deg"),
    ("avdelingsleder.siri", "Innsigelser: kall inn til drøftingsmøte"),
])
def test_the_start_page_shows_what_waits_for_each_role(app, username, heading):
    pages = Pages(app)
    pages.login(username)

    html = pages.get("/").get_data(as_text=True)

    assert heading in html
    assert '<html lang="nb">' in html and 'href="#innhold"' in html


def test_a_wrong_password_is_refused_and_the_username_kept(app):
    pages = Pages(app)
    response = pages.login("konsulent.anne", "feil-passord")

    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Feil brukernavn eller passord." in html
    assert 'value="konsulent.anne"' in html


def test_a_post_without_the_form_token_is_refused(app):
    pages = Pages(app)
    pages.login("konsulent.anne")

    assert pages.client.post("/ledige-boliger/2/make-recommendation", data={}).status_code == 400


def test_pages_need_a_login(app):
    response = app.test_client().get("/ledige-boliger/2")

    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]


def test_the_decision_letters_give_reasons_comparison_and_the_right_to_appeal(app):
    pages = Pages(app)
    pages.login("konsulent.anne")

    chosen = pages.get("/ledige-boliger/1/vedtaksbrev/K-1500").get_data(as_text=True)
    other = pages.get("/ledige-boliger/1/vedtaksbrev/K-1501").get_data(as_text=True)

    assert "Vedtak om tildeling av kommunal bolig" in chosen and "Mona Berge" in chosen
    assert "ikke tildelt" in other and "Arne Kvam" in other
    for letter, stranger in ((chosen, ("Arne Kvam", "K-1501")), (other, ("Mona Berge", "K-1500"))):
        assert "forvaltningsloven §§ 24 og 25" in letter
        assert "forvaltningsloven § 28" in letter and "forvaltningsloven § 29" in letter
        assert "tre uker" in letter and "8. oktober 2026" in letter  # vedtak 17.09.2026 + 3 uker
        for s in stranger:
            assert s not in letter
    assert "Poeng til søkeren som fikk boligen" in other


@pytest.fixture
def rules_copy(tmp_path):
    from support.pages import RULES_DIR

    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_a_closed_case_offers_no_actions_and_an_objection_offers_the_meeting(app):
    pages = Pages(app)
    pages.login("konsulent.anne")

    closed = pages.get("/ledige-boliger/1").get_data(as_text=True)  # LB-2026-030, moved in, every step done
    assert "innflyttet" in closed and "Hva du kan gjøre nå" not in closed
    objected = pages.get("/ledige-boliger/3").get_data(as_text=True)  # LB-2026-057: the unit leader objected
    assert "Kall inn til drøftingsmøte" in objected


def test_a_refused_step_whose_form_is_gone_still_shows_its_message_after_back_and_resubmit(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    first = applicant_id(app, "K-1504")
    assert pages.post("/ledige-boliger/4/nominate", {"applicant_id": first}).status_code == 302

    again = pages.post("/ledige-boliger/4/nominate", {"applicant_id": first})  # Back, and the same form again

    html = again.get_data(as_text=True)
    assert again.status_code == 409
    assert re.search(r'id="avvist-melding"><p>Midtbyen helse- og velferdskontor har allerede en aktiv nominasjon', html)


def test_saving_an_unchanged_checklist_says_so_in_plain_words(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    aid = applicant_id(app, "K-1500")
    form = checklist_form(pages.get(f"/sokere/{aid}").get_data(as_text=True))

    response = pages.post(f"/sokere/{aid}/sjekkliste", {**form, "note": "Ingen endring."})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ingen felt er endret. Endre minst ett felt i sjekklisten før du lagrer." in html
    assert "changes:" not in html


def test_the_start_page_names_a_caseworkers_office_once_and_the_pages_have_an_icon(app):
    pages = Pages(app)
    pages.login("hvk.midtbyen")

    html = pages.get("/").get_data(as_text=True)

    assert "Du er logget inn som saksbehandler ved Midtbyen helse- og velferdskontor." in html
    assert 'rel="icon" type="image/svg+xml" href="/static/favicon.svg"' in html
    icon = pages.get("/static/favicon.svg")
    icon.close()  # a static file is streamed: close it
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_the_overview_keeps_closed_cases_apart_from_those_in_progress(app):
    pages = Pages(app)
    pages.login("konsulent.anne")

    html = pages.get("/ledige-boliger").get_data(as_text=True)

    in_progress, closed = html.split('id="h-avsluttede"')
    assert "saker under behandling" in in_progress and "LB-2026-041" in in_progress
    assert "LB-2026-030" not in in_progress and "LB-2026-030" in closed  # the demo's moved-in case
    moved_in = len([v for v in pages.get("/api/v1/vacancies?stage=moved_in").get_json()])
    assert moved_in > 1  # LB-2026-030 and the demo's history
    assert f"{moved_in} saker der leieren har flyttet inn" in closed


@pytest.mark.parametrize("username, described", [
    ("hvk.midtbyen", "Marte Dahl, saksbehandler ved Midtbyen helse- og velferdskontor"),
    ("radgiver.per", "Per Holm, rådgiver (regelverk)"),
])
def test_logging_in_names_the_role_and_a_caseworkers_office_once(app, username, described):
    pages = Pages(app)
    pages.login(username)

    html = pages.get("/").get_data(as_text=True)

    assert f"Du er logget inn som {described}." in html
    assert html.count("helse- og velferdskontor ved") == 0
