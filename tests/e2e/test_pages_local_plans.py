"""The vacancy page tells the team which local plan (lokal plan) the ranking used, or why none did.

The shipped rules have no plan, so a copy gets one for Lade botiltak, as policy staff would add
it to rangering.yaml: it applies while some nominee is under 25 (two of the Lade four are).
"""

from __future__ import annotations

import html
import re

import pytest

from engine import CompiledRules, load_rules
from service.web.app import create_app
from support.http import casework_config, give_logins
from support.pages import Pages
from support.store import World, build_world, nominate_all, recommend_and_approve, report_lade

PLAN = """
lokale_planer:
  - id: lade_unge_voksne
    navn: Lokal plan for unge voksne i Lade
    gjelder: {felt: botiltak.id, er: lade-botiltak}
    kriterier:
      - id: lade_under_25
        navn: Ung voksen
        poeng: 5
        betingelse: {felt: kandidat.alder, under: 25}
        forklaring: Søkeren er {kandidat.alder} år.
        hjemmel: Lokal plan for Lade pkt. 1
    faller_bort:
      ingen_kandidat: {felt: kandidat.alder, under: %d}
      begrunnelse: ingen av kandidatene er under %d år
    hjemmel: Lokal plan for Lade
"""


def _page(rules_copy, tmp_path, limit: int) -> str:
    rangering = rules_copy / "rangering.yaml"
    rangering.write_text(rangering.read_text(encoding="utf-8") + PLAN % (limit, limit), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'plans.sqlite3'}"
    compiled = CompiledRules(load_rules(rules_copy))
    build_world(url, compiled)
    give_logins(url)
    w = World(url, compiled)
    try:
        vacancy_id = report_lade(w)
        nominate_all(w, vacancy_id)
        recommend_and_approve(w, vacancy_id)
        app = create_app({**casework_config(tmp_path, url, w.clock), "RULES_DIR": str(rules_copy)})
        try:
            pages = Pages(app)
            pages.login("konsulent.anne")
            page = pages.get(f"/ledige-boliger/{vacancy_id}").get_data(as_text=True)
        finally:
            app.extensions["boligtildeling.store"].engine.dispose()
    finally:
        w.close()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("limit, expected", [
    (25, "Lokal plan: Lokal plan for unge voksne i Lade gjelder for boligen."),
    (20, "Lokal plan: Lokal plan for unge voksne i Lade gjelder ikke: ingen av kandidatene er under 20 år."),
])
def test_the_vacancy_page_says_whether_the_local_plan_was_used(rules_copy, tmp_path, limit, expected):
    page = _page(rules_copy, tmp_path, limit)
    assert expected in page
    assert "(Grunnlag: Lokal plan for Lade)" in page
    assert ("Ung voksen" in page) == (limit == 25)  # the plan's criterion counts only under the plan
