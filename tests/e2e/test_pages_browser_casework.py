"""In Chromium, on the demo data: what people typed and were refused stays on the page, and the routine's
screening, deadlines and declined offers as people meet them.

- a reason for sending a recommendation back is on the vacancy page for the consultant who wrote it;
- a nomination refused after Back and resubmit says why on the page it returns to;
- the unit leader's preference is on the decision form; after a declined offer the letters stay readable.
"""

from __future__ import annotations

import re

from support.browser import Person


def test_a_return_reason_the_unit_leaders_preference_and_the_letters_after_a_declined_offer(browser, site):
    app, url = site
    ref = "LB-2026-041"  # Lade, open, four nominees with checklists

    anne = Person(browser, url, "konsulent.anne")
    anne.open_vacancy_from_start("Nominasjoner som venter på innstilling", ref)
    anne.submit_and_confirm("Skriv innstilling")
    assert "Innstillingen er skrevet" in anne.flash()

    jonas = Person(browser, url, "konsulent.jonas")
    jonas.open_vacancy_from_start("Innstillinger som venter på godkjenning", ref)
    jonas.page.get_by_label("Hvorfor innstillingen sendes tilbake").fill(
        "Sjekklisten til K-1187 er fra før innleggelsen; be Midtbyen oppdatere den.")
    jonas.submit("Send tilbake")
    assert "sendt tilbake" in jonas.flash()

    # The author learns why, on the vacancy page.
    anne.page.reload()
    returned = anne.page.locator("section.innstilling").inner_text()
    assert "Sendt tilbake" in returned and "be Midtbyen oppdatere den" in returned

    anne.submit_and_confirm("Skriv innstilling")
    jonas.page.reload()
    jonas.submit("Godkjenn innstillingen")
    assert "godkjent" in jonas.flash()

    # The unit leader agrees and says whom the unit prefers of the two of equal standing.
    leader = Person(browser, url, "leder.lade")
    leader.open_vacancy_from_start("Innstillinger du skal svare på", ref)
    leader.page.get_by_role("radio", name="Enig").check()
    leader.page.get_by_label("Hvem botiltaket foretrekker av de likeverdige (valgfritt)").select_option("K-2031")
    leader.submit("Send svaret")
    assert "Svaret ditt er registrert." in leader.flash()
    leader.close()

    # The decision form shows the preference; choosing it needs no reason; the page asks before deciding.
    jonas.page.reload()
    assert "Enhetslederen foretrekker K-2031" in jonas.page.locator("#decide-preferred").inner_text()
    jonas.page.get_by_label("Kandidat", exact=True).select_option("K-2031")
    jonas.page.get_by_label("Begrunnelse når en annen enn den høyest rangerte velges").select_option("likeverdig")
    jonas.submit("Fatt vedtak")
    assert "K-2031" in jonas.page.locator("dl.fakta").inner_text()
    jonas.page.get_by_role("link", name="Avbryt og gå tilbake").click()  # changed their mind: nothing decided
    assert "Fatt vedtak om tildeling" in jonas.page.content()
    jonas.page.get_by_label("Kandidat", exact=True).select_option("K-2031")
    jonas.page.get_by_label("Begrunnelse når en annen enn den høyest rangerte velges").select_option("likeverdig")
    jonas.submit_and_confirm("Fatt vedtak")
    assert "Vedtaket er fattet" in jonas.flash()
    jonas.close()

    # The applicant declines; the letters issued stay readable and say the decision fell away.
    anne.page.reload()
    anne.page.get_by_label("Begrunnelse", exact=True).select_option(index=1)
    anne.submit_and_confirm("Registrer at søkeren takker nei")
    assert "takket nei" in anne.flash()
    letters = anne.page.locator("section", has=anne.page.locator("#h-brev")).get_by_role("link")
    assert letters.count() == 4
    anne.page.get_by_role("link", name="Vedtaksbrev til K-2031").click()
    assert "Vedtaket falt bort" in anne.page.locator("#vedtaket-falt-bort").inner_text()
    assert "Vedtak om tildeling" in anne.page.locator("h1").inner_text()
    anne.page.go_back()
    ranking = anne.page.locator("section.innstilling").inner_text()
    assert re.search(r"K-2031.*Takket nei til tilbudet", ranking, re.S)
    # The offer moves on: the next in the stored ranking goes to the unit leader, whose answer comes next.
    assert re.search(r"K-2210.*Legges fram for enhetslederen", ranking, re.S)
    assert "innstilling lagt fram for enhetslederen" in anne.page.locator("p.status").inner_text()
    anne.close()
    leader = Person(browser, url, "leder.lade")
    leader.open_vacancy_from_start("Innstillinger du skal svare på", ref)
    assert leader.page.get_by_role("button", name="Send svaret").is_visible()
    leader.close()


def test_a_nomination_refused_after_back_and_resubmit_says_why_on_the_page(browser, site):
    app, url = site
    caseworker = Person(browser, url, "hvk.midtbyen")
    caseworker.open_vacancy_from_start("Nye ledige boliger du kan nominere til", "LB-2026-063")
    # The page as Back shows it: the same form, loaded before the nomination (a second tab holds it,
    # so the test does not hang on whether the browser keeps the page in its back-forward cache).
    stale = caseworker.context.new_page()
    stale.goto(caseworker.page.url)
    choice = caseworker.page.locator("#nominate-applicant-id option", has_text="K-1504").get_attribute("value")
    caseworker.page.get_by_label("Søker fra ventelisten").select_option(choice)
    caseworker.submit("Nominer")
    assert "Kandidaten er nominert." in caseworker.flash()

    stale.get_by_label("Søker fra ventelisten").select_option(choice)
    stale.get_by_role("button", name="Nominer").click()
    message = stale.locator("#avvist-melding").inner_text()
    assert "har allerede en aktiv nominasjon for LB-2026-063" in message, message
    assert "K-1504" in stale.locator("section", has_text="Nominerte").first.inner_text()
    caseworker.close()


def test_a_caseworker_screens_and_nominates_and_the_head_sees_the_late_step(browser, site):
    app, url = site
    caseworker = Person(browser, url, "hvk.ostbyen")
    caseworker.open_vacancy_from_start("Nye ledige boliger du kan nominere til", "LB-2026-063")
    caseworker.page.get_by_role("link", name="Sjekk ventelisten mot boligen").click()
    table = caseworker.page.locator("#screening")
    assert "Østbyen" in table.inner_text() and "Midtbyen" not in table.inner_text()  # the own office only
    row = caseworker.page.locator("#soker-K-1502")
    assert "kan tildeles" in row.inner_text()
    row.get_by_role("button", name="Nominer K-1502").click()
    assert "Kandidaten er nominert." in caseworker.flash()
    caseworker.page.get_by_role("link", name="Sjekk ventelisten mot boligen").click()
    assert "til denne boligen" in caseworker.page.locator("#soker-K-1502").inner_text()
    assert caseworker.page.get_by_role("button", name=re.compile("^Nominer")).count() == 0  # one per office
    caseworker.close()

    head = Person(browser, url, "avdelingsleder.siri")
    late = head.page.locator("#frister")
    assert "Steg over fristen" in late.inner_text()
    assert re.search(r"LB-2026-041.*Innstilling skrevet.*over fristen", late.inner_text(), re.S)
    head.page.get_by_role("link", name="Alle frister og påminnelser").click()
    assert head.page.locator("h1").inner_text() == "Frister i rutinen"
    head.close()
