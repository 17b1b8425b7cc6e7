"""The vacancy page tells the team which local plan (lokal plan) the ranking used, or why none did.

The shipped rules have no plan, so a copy gets one for Lade botiltak, as policy staff would add
it to rangering.yaml: it applies while some nominee is under 25 (two of the Lade four are).
"""

from __future__ import annotations

import pytest

from support.http import world_with_logins
from support.pages import pages_of_world
from support.store import nominate_all, recommend_and_approve, report_lade

PLAN = """
lokale_planer:
  - id: lade_unge_voksne
    navn: «Lokal plan for unge voksne i Lade»
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
    w = world_with_logins(tmp_path, rules_copy, "plans.sqlite3")
    try:
        vacancy_id = report_lade(w)
        nominate_all(w, vacancy_id)
        recommend_and_approve(w, vacancy_id)
        [page] = pages_of_world(tmp_path, w, rules_copy, "konsulent.anne", f"/ledige-boliger/{vacancy_id}")
    finally:
        w.close()
    return page


@pytest.mark.parametrize("limit, expected", [
    (25, "Lokal plan: «Lokal plan for unge voksne i Lade» gjelder for boligen."),
    (20, "Lokal plan: «Lokal plan for unge voksne i Lade» gjelder ikke: ingen av kandidatene er under 20 år."),
])
def test_the_vacancy_page_says_whether_the_local_plan_was_used(rules_copy, tmp_path, limit, expected):
    page = _page(rules_copy, tmp_path, limit)
    assert expected in page
    assert "(Grunnlag: Lokal plan for Lade)" in page
    assert ("Ung voksen" in page) == (limit == 25)  # the plan's criterion counts only under the plan


SCOPE = """
gjelder_ikke:
  - id: lade_egen_tildeling
    navn: Boliger i Lade botiltak
    betingelse: {felt: botiltak.id, er: lade-botiltak}
    begrunnelse: Boligene i {botiltak.navn} tildeles av enheten selv, ikke etter disse retningslinjene.
    hjemmel: Retningslinjer pkt. 1 (virkeområde)
"""


def test_a_home_the_rules_do_not_apply_to_says_so_and_no_recommendation_is_written(rules_copy, tmp_path):
    """gjelder_ikke: the preview on the vacancy page says the rules do not apply, and why; writing a
    recommendation is refused with the same reason, and nothing is stored."""
    from service.casework import recommendations
    from service.domain.errors import IllegalTransition

    rangering = rules_copy / "rangering.yaml"
    rangering.write_text(rangering.read_text(encoding="utf-8") + SCOPE, encoding="utf-8")
    w = world_with_logins(tmp_path, rules_copy, "scope.sqlite3")
    try:
        vacancy_id = report_lade(w)
        nominate_all(w, vacancy_id)
        [page] = pages_of_world(tmp_path, w, rules_copy, "konsulent.anne", f"/ledige-boliger/{vacancy_id}")
        w.at("2026-11-28", 9)
        with pytest.raises(IllegalTransition) as refused:
            recommendations.make_recommendation(w.ctx("konsulent.anne"), vacancy_id)
    finally:
        w.close()
    assert ("Regelverket gjelder ikke denne boligen (Boliger i Lade botiltak): Boligene i Lade botiltak "
            "tildeles av enheten selv, ikke etter disse retningslinjene.") in page
    assert "Grunnlag: Retningslinjer pkt. 1 (virkeområde)." in page
    assert "Skriv innstilling (steg 6)" not in page and "Vis rangeringen av" not in page
    assert str(refused.value).startswith("Regelverket gjelder ikke denne boligen (Boliger i Lade botiltak): Boligene")
