"""The pages in a real browser: Playwright driving the system Chromium (installed by .ci/chromium.sh;
no browser download). One vacancy from the unit leader's notice (melding om ledig bolig) to a signed
contract, the after-contract steps and moving in, each role in turn.

Locally the test skips with the reason when Chromium or Playwright is missing; in CI (CI=true) it fails.
Screenshots of the report form, the vacancy page and decision letters go to test-artifacts/ (gitignored).
The browser context has the Norwegian locale (nb-NO). Headless Chromium still draws date inputs as mm/dd/yyyy
(the input's format does not follow the context's locale), so every date field names the formats it accepts,
DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD, in its help text; the test checks that hint.
"""

from __future__ import annotations

import datetime as dt
import re

from support.browser import ARTIFACTS, Person
from support.pages import Pages, applicants_by_office


def test_one_vacancy_from_report_to_signed_contract_through_the_pages(browser, site):
    app, url = site
    ARTIFACTS.mkdir(exist_ok=True)
    people = applicants_by_office(app)

    # Steps 1-2: the unit leader reports the home vacant from the start page and confirms the service offer;
    # a rent that is no whole number is refused next to the field, and what was typed is kept.
    leader = Person(browser, url, "leder.saupstad")
    leader.page.get_by_role("link", name="Meld ledig bolig").click()
    form = leader.page
    assert form.locator("h1").inner_text() == "Meld ledig bolig: Saupstad bofellesskap"
    assert "Format: DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD." in form.locator("#report-vacated-on-hjelp").inner_text()
    assert form.get_by_label("Meldt ledig").input_value() == "2026-11-28"  # today, the demo clock
    form.get_by_label("Bolig", exact=True).select_option(label="Saupstadringen 30, leil. 5 (2 rom, 2. etasje)")
    form.get_by_label("Fraflyttet").fill("2026-11-27")
    form.get_by_label("Status", exact=True).select_option("being_prepared")
    form.get_by_label("Husleie per måned (kr)").fill("9 9OO")
    form.get_by_label("Årsak").fill("Beboeren har flyttet til sykehjem.")
    assert form.get_by_role("group", name="nattbemanning").get_by_label("Ja").is_checked()  # the registered offer
    form.get_by_label("E-post").fill("saupstad.bofellesskap@example.org")
    form.screenshot(path=str(ARTIFACTS / "meld-ledig-bolig.png"), full_page=True)
    leader.submit("Meld boligen ledig")
    assert "ikke et helt kronebeløp" in form.locator("#report-monthly-rent-feil").inner_text()
    assert form.get_by_label("Husleie per måned (kr)").get_attribute("aria-describedby").endswith(
        "report-monthly-rent-feil")
    assert form.get_by_label("Årsak").input_value() == "Beboeren har flyttet til sykehjem."
    assert form.get_by_label("E-post").input_value() == "saupstad.bofellesskap@example.org"
    form.get_by_label("Husleie per måned (kr)").fill("9 900")
    leader.submit("Meld boligen ledig")
    message = leader.flash()
    assert "Tjenestetilbudet er oppdatert." in message
    ref = re.search(r"meldt ledig som (LB-\d{4}-\d+)", message).group(1)
    assert form.locator("h1").inner_text() == f"{ref}: Saupstadringen 30, leil. 5"
    assert "saupstad.bofellesskap@example.org" in form.locator("section", has_text="Botiltaket:").inner_text()

    # Step 4: three offices nominate; a nomination without a choice is refused next to the field.
    nominees = {"hvk.midtbyen": ("Midtbyen", "K-1504"), "hvk.heimdal": ("Heimdal", "K-1505"),
                "hvk.ostbyen": ("Østbyen", "K-1502")}
    for username, (office, code) in nominees.items():
        caseworker = Person(browser, url, username)
        caseworker.open_vacancy_from_start("Nye ledige boliger du kan nominere til", ref)
        if username == "hvk.midtbyen":
            caseworker.submit("Nominer")
            error = caseworker.page.locator("#nominate-applicant-id-feil")
            assert "må fylles ut" in error.inner_text()  # next to «Søker fra ventelisten»
            assert caseworker.page.get_by_label("Søker fra ventelisten").get_attribute("aria-describedby").endswith(
                "nominate-applicant-id-feil")
        choice = caseworker.page.locator("#nominate-applicant-id option", has_text=code).get_attribute("value")
        caseworker.page.get_by_label("Søker fra ventelisten").select_option(choice)
        caseworker.submit("Nominer")
        assert "Kandidaten er nominert." in caseworker.flash()
        html = caseworker.page.content()
        for other_office, others in people.items():
            if other_office != office:
                for other_code, other_name in others:
                    assert other_code not in html and other_name not in html
        caseworker.close()

    # Step 6: one consultant writes the recommendation, another approves it (four eyes).
    anne = Person(browser, url, "konsulent.anne")
    anne.open_vacancy_from_start("Nominasjoner som venter på innstilling", ref)
    anne.submit_and_confirm("Skriv innstilling")
    assert "Innstillingen er skrevet" in anne.flash()
    assert anne.page.locator("article.kandidat").count() == 3
    assert anne.page.locator(".poengstolpe .del").count() > 0
    jonas = Person(browser, url, "konsulent.jonas")
    jonas.open_vacancy_from_start("Innstillinger som venter på godkjenning", ref)
    jonas.submit("Godkjenn innstillingen")
    assert "godkjent" in jonas.flash()
    jonas.close()

    # Step 7-8: the unit leader objects; a missing reason is refused next to the field, the text kept.
    leader.open_vacancy_from_start("Innstillinger du skal svare på", ref)
    shared = leader.page.locator("section.innstilling").inner_text()
    team = Pages(app)
    team.login("konsulent.anne")
    vacancy_id = int(re.search(r"/ledige-boliger/(\d+)", leader.page.url).group(1))
    presented = team.get(f"/api/v1/vacancies/{vacancy_id}").get_json()["presented"]
    assert presented
    for _office, code in nominees.values():  # the unit sees the presented nominees only
        assert (code in shared) == (code in presented)
    for private in ("Bosituasjon", "Akutt fare", "Ida Fossum", "Pål Haugen", "Silje Bakken", "Grunnlag:"):
        assert private not in leader.page.content()
    leader.page.get_by_role("radio", name="Innsigelse").check()
    leader.page.get_by_label("Utdyping").fill("Vi har ikke nattbemanning nok til to nye med stort behov.")
    leader.submit("Send svaret")
    assert "må fylles ut" in leader.page.locator("#unit-leader-respond-reason-code-feil").inner_text()
    assert leader.page.get_by_label("Utdyping").input_value().startswith("Vi har ikke nattbemanning")
    assert leader.page.get_by_role("radio", name="Innsigelse").is_checked()
    leader.page.get_by_label("Begrunnelse for innsigelsen").select_option("tjenester")
    leader.submit("Send svaret")
    assert "Svaret ditt er registrert." in leader.flash()

    anne.open_vacancy_from_start("Innsigelser: kall inn til drøftingsmøte", ref)
    anne.page.get_by_label("Tidspunkt", exact=True).fill("2026-12-01T13:00")
    anne.page.get_by_label("Deltakere", exact=True).fill("Nina Solberg, enhetsleder\nMarte Dahl, saksbehandler")
    anne.submit("Kall inn")
    assert "kalt inn" in anne.flash()
    anne.page.get_by_label("Deltakere").fill("Nina Solberg, enhetsleder\nMarte Dahl, saksbehandler")
    anne.page.get_by_label("Referat").fill("Botiltaket mener nattbemanningen ikke strekker til; ikke enighet.")
    anne.page.get_by_label("fortsatt uenighet: avdelingslederen avgjør").check()
    anne.submit("Før referatet")
    assert "Referatet" in anne.flash()

    # Step 9: the head of allocation decides the dispute.
    siri = Person(browser, url, "avdelingsleder.siri")
    siri.open_vacancy_from_start("Uenighet etter drøftingsmøte: du avgjør", ref)
    siri.submit_and_confirm("Fatt vedtak")
    assert "Vedtaket er fattet" in siri.flash()
    chosen = re.search(r"tildelt (K-\d+)", siri.page.locator(".forlop").inner_text()).group(1)
    siri.close()

    # Step 10: the unit reports the home ready; the consultant books the viewing, then the contract.
    leader.open_vacancy_from_start("Tildelt: meld boligen klar", ref)
    leader.page.get_by_label("Status", exact=True).select_option("ready")
    leader.page.get_by_label("Klar til innflytting").fill("2026-11-28")
    leader.submit("Lagre status")
    assert "oppdatert" in leader.flash()
    leader.close()

    anne.open_vacancy_from_start("Tildelt: avtal visning når boligen er klar", ref)
    anne.page.get_by_label("Tidspunkt for visningen").fill("2026-12-02T10:30")
    anne.submit("Avtal visning")
    assert "Visningen er avtalt" in anne.flash()
    clock = app.config["CLOCK"]
    clock.at(dt.date(2026, 12, 3))  # the day after the viewing: a contract is not signed in the future
    # days later the login has ended (30 minutes without use): the page asks to log in again
    anne.page.goto(url + "/ledige-boliger")
    assert "/logg-inn" in anne.page.url
    anne.close()
    anne = Person(browser, url, "konsulent.anne")
    anne.open_vacancy_from_start("Visning avtalt: registrer kontrakten", ref)
    anne.page.get_by_label("Signert dato").fill("2026-12-03")
    anne.submit("Registrer signert kontrakt")
    assert "Kontrakten er registrert som signert." in anne.flash()
    assert "kontrakt signert" in anne.page.locator(".status").inner_text()
    anne.page.screenshot(path=str(ARTIFACTS / "vedtak-ledig-bolig.png"), full_page=True)

    # The letters: one per nominee, each with only the addressee's own data.
    letters = anne.page.locator("section", has=anne.page.locator("#h-brev")).get_by_role("link")
    assert letters.count() == 3
    not_chosen = next(code for _office, code in nominees.values() if code != chosen)
    anne.page.get_by_role("link", name=f"Vedtaksbrev til {not_chosen}").click()
    letter = anne.page.locator("article.brev").inner_text()
    assert "du er ikke tildelt" in letter.lower() or "ikke tildelt" in letter
    assert "forvaltningsloven § 29" in letter and "tre uker" in letter
    for _office, code in nominees.values():
        if code != not_chosen:
            assert code not in letter
    anne.page.emulate_media(media="print")
    anne.page.screenshot(path=str(ARTIFACTS / "vedtaksbrev-ikke-tildelt.png"), full_page=True)
    anne.page.emulate_media(media="screen")
    anne.page.goto(url + anne.page.url.split(url, 1)[1].rsplit("/", 1)[0] + "/" + chosen)
    assert "Vedtak om tildeling av kommunal bolig" in anne.page.locator("h1").inner_text()
    anne.page.emulate_media(media="print")
    anne.page.screenshot(path=str(ARTIFACTS / "vedtaksbrev-tildelt.png"), full_page=True)

    # The timeline: every step with actor and time, and the measures so far.
    anne.page.emulate_media(media="screen")
    anne.open_vacancy_from_start("Kontrakt signert: innflytting", ref)
    anne.page.get_by_role("link", name="Tidslinje og nøkkeltall").click()
    timeline = anne.page.locator("main").inner_text()
    assert "Saksbehandlingstid" in timeline and "Ledige dager" in timeline
    assert "Siri Moe" in timeline and "Nina Solberg" in timeline and "Leiekontrakten er signert" in timeline
    assert "Tjenestetilbudet i Saupstad bofellesskap er oppdatert." in timeline
    assert "er meldt ledig (fraflyttet)" in timeline or "er meldt ledig (under klargjøring)" in timeline
    anne.page.screenshot(path=str(ARTIFACTS / "tidslinje.png"), full_page=True)

    # Step 11 after the contract: housing allowance, electricity, then moving in; the case is closed.
    anne.page.go_back()
    anne.page.get_by_label("Steg", exact=True).select_option(label="søknad om bostøtte sendt")
    assert "ÅÅÅÅ-MM-DD" in anne.page.locator("#complete-movein-step-done-on-hjelp").inner_text()
    anne.page.get_by_label("Dato", exact=True).fill("2026-12-03")
    anne.submit("Registrer steget")
    assert "Steget er registrert." in anne.flash()
    assert anne.page.locator("#complete-movein-step-step option", has_text="søknad om bostøtte sendt").count() == 0
    anne.page.get_by_label("Steg", exact=True).select_option(label="strøm bestilt")
    anne.submit("Registrer steget")
    assert "Steget er registrert." in anne.flash()
    anne.page.get_by_label("Innflyttet dato").fill("2026-11-20")  # before the home was vacated: refused
    anne.submit_and_confirm("Registrer innflytting")
    assert "fraflyttet" in anne.page.locator("#register-move-in-moved-in-on-feil").inner_text()
    assert anne.page.get_by_label("Innflyttet dato").input_value() == "2026-11-20"
    anne.page.get_by_label("Innflyttet dato").fill("2026-12-05")  # still in the future on 3 December: refused
    anne.submit_and_confirm("Registrer innflytting")
    assert "i fremtiden" in anne.page.locator("#register-move-in-moved-in-on-feil").inner_text()
    clock.at(dt.date(2026, 12, 5))
    anne.close()
    anne = Person(browser, url, "konsulent.anne")
    anne.open_vacancy_from_start("Kontrakt signert: innflytting", ref)
    anne.page.get_by_label("Innflyttet dato").fill("2026-12-05")
    anne.submit_and_confirm("Registrer innflytting")
    assert "Innflyttingen er registrert" in anne.flash()
    assert "innflyttet" in anne.page.locator(".status").inner_text()
    anne.close()
