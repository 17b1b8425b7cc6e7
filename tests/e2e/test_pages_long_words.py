"""Long words in a real browser, on a phone (390 px) and a desktop (1280 px): a 600-character word wraps
and never makes the page wider than the screen, and an ordinary word («Utviklingshemming») is never broken.

Playwright drives the system Chromium (no browser download); locally the test skips with the reason when
Chromium or Playwright is missing, in CI (CI=true) it fails. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.casework.context import OSLO
from service.demo import DEMO_PASSWORD
from service.store.models import Applicant, VacancyEvent
from support.http import serve
from support.pages import Pages, checklist_form, demo_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
LONG = "Langtord" * 75  # 600 characters, no space

# Words of at most 20 characters that the page splits over two lines, other than after a hyphen or a slash
# (where a line may break): [word as split, its element].
BROKEN_WORDS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el.offsetParent || el.closest('.skjult')) continue;
    for (const m of node.data.matchAll(/\\S+/g)) {
      if (m[0].length > 20) continue;
      const top = i => {
        const r = document.createRange();
        r.setStart(node, m.index + i);
        r.setEnd(node, m.index + i + 1);
        const box = r.getClientRects()[0];
        return box ? Math.round(box.top) : null;
      };
      for (let i = 1; i < m[0].length; i++) {
        if (top(i) !== null && top(i - 1) !== null && top(i) > top(i - 1) && !'-/'.includes(m[0][i - 1])) {
          found.push([m[0].slice(0, i) + '|' + m[0].slice(i), el.tagName.toLowerCase()]);
          break;
        }
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo with a 600-character word in a note on LB-2026-030's timeline and in a journal entry."""
    app = demo_app(tmp_path_factory.mktemp("long-words"))
    with app.extensions["boligtildeling.store"].sessions() as session:
        session.add(VacancyEvent(vacancy_id=1, at=dt.datetime(2026, 11, 27, 9, 0, tzinfo=OSLO), actor_id=None,
                                 actor_name="Anne Berg", kind="recommendation_approved",
                                 text="Innstillingen er godkjent.", data={"note": f"Merknad: {LONG} slutt."}))
        session.commit()
        applicant = session.scalar(select(Applicant.id).where(Applicant.code == "K-1500"))
    pages = Pages(app)
    pages.login("hvk.midtbyen")
    html = pages.get(f"/sokere/{applicant}").get_data(as_text=True)
    form = checklist_form(html)
    form.update({"akutt_fare": "nei" if form.get("akutt_fare") == "ja" else "ja", "note": f"Ny vurdering: {LONG}"})
    assert pages.post(f"/sokere/{applicant}/sjekkliste", form).status_code == 302
    url, stop = serve(app)
    try:
        yield url, applicant
    finally:
        stop()
        app.extensions["boligtildeling.store"].engine.dispose()


PAGES = [("konsulent.anne", "/ledige-boliger/1"), ("konsulent.anne", "/ledige-boliger/3"),
         ("konsulent.anne", "/ledige-boliger/1/tidslinje"), ("hvk.midtbyen", "/sokere/{applicant}"),
         ("radgiver.per", "/regelverk")]


@pytest.mark.parametrize("width", [390, 1280])
def test_long_words_wrap_inside_the_screen_and_ordinary_words_stay_whole(browser, site, width):
    url, applicant = site
    ARTIFACTS.mkdir(exist_ok=True)
    found = {}
    for username in dict(PAGES):
        context = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(url + "/logg-inn")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        for who, path in PAGES:
            if who != username:
                continue
            page.goto(url + path.format(applicant=applicant))
            name = re.sub(r"\W+", "-", path.format(applicant="sjekkliste")).strip("-")
            page.screenshot(path=str(ARTIFACTS / f"lange-ord-{name}-{width}.png"), full_page=True)
            found[path] = {"width": page.evaluate("document.documentElement.scrollWidth"),
                           "broken": page.evaluate(BROKEN_WORDS)}
        context.close()

    assert {path: f["width"] for path, f in found.items() if f["width"] > width} == {}
    assert {path: f["broken"] for path, f in found.items() if f["broken"]} == {}
