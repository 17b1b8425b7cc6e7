"""The decision's content (vedtak in rangering.yaml) reaches the people who act on it: the vacancy page
shows it under each nominee who can be allocated the home, the decision letter to the chosen nominee
says it, and the letters to the others do not. A caseworker sees only their own nominee's.

The shipped rules declare no decision points, so a copy gets the README's block, as a
municipality's policy staff would add it.
"""

from __future__ import annotations

import pytest

from service.casework import letters, recommendations
from support.http import world_with_logins
from support.pages import pages_of_world
from support.readme import paste, yaml_blocks
from support.store import lade_to_decision


def _decided_world(rules_copy, tmp_path, heading: str):
    """The Lade vacancy decided for its top nominee, under rules with the README block under `heading`."""
    paste(rules_copy, "rangering.yaml", yaml_blocks(heading)[0])
    w = world_with_logins(tmp_path, rules_copy, "world.sqlite3")
    return w, lade_to_decision(w), rules_copy


@pytest.fixture
def content_world(rules_copy, tmp_path):
    world = _decided_world(rules_copy, tmp_path, "## Vedtakets innhold")
    yield world
    world[0].close()


def test_the_chosen_nominees_letter_and_the_vacancy_page_say_what_the_decision_contains(content_world, tmp_path):
    w, vacancy_id, rules_dir = content_world
    chosen = letters.decision_letter(w.ctx("konsulent.anne"), vacancy_id, "K-2210")
    assert chosen["is_chosen"]
    assert [(d["id"], d["value"]) for d in chosen["decision_content"]] == [("leietid", "tre_ar"),
                                                                          ("tjenester", "etter_behov")]
    other = letters.decision_letter(w.ctx("konsulent.anne"), vacancy_id, "K-1187")
    assert not other["is_chosen"] and other["decision_content"] == []

    letter, not_chosen, page = pages_of_world(
        tmp_path, w, rules_dir, "konsulent.anne", f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-2210",
        f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-1187", f"/ledige-boliger/{vacancy_id}")
    assert "Leietid: leieavtale for 3 år; leietakeren kan søke om fornyelse (Grunnlag: Retningslinjer pkt. 6.1)" \
        in letter
    assert "Tjenester:" in letter
    assert "Leietid" not in not_chosen
    assert "leieavtale for 3 år; leietakeren kan søke om fornyelse" in page


def test_a_caseworker_sees_the_content_only_for_their_own_nominee(content_world):
    from support.store import LADE_CASEWORKERS

    w, vacancy_id, _ = content_world
    rec_id = _latest(w, vacancy_id)
    full = recommendations.get_recommendation(w.ctx("konsulent.anne"), rec_id)
    everyone = set(full["result"]["decision_content"])
    assert "K-2210" in everyone and len(everyone) > 1
    seen = set()
    for caseworker in LADE_CASEWORKERS:
        view = recommendations.get_recommendation(w.ctx(caseworker), rec_id)
        own = {c["id"] for c in view["candidates"]}
        assert set(view["decision_content"]) <= own
        seen |= set(view["decision_content"])
    assert seen == everyone  # each office sees its own nominee's, and only that


def _latest(w, vacancy_id):
    from service.casework import vacancies

    return vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)["recommendations"][-1]["id"]


@pytest.fixture
def appeal_world(rules_copy, tmp_path):
    world = _decided_world(rules_copy, tmp_path, "## Klage: frist og regelverkets egne ord")
    yield world
    world[0].close()


def test_the_letters_give_the_rules_own_appeal_deadline_and_words(appeal_world, tmp_path):
    w, vacancy_id, rules_dir = appeal_world
    letter = letters.decision_letter(w.ctx("konsulent.anne"), vacancy_id, "K-1187")
    assert letter["appeal"]["deadline_days"] == 21 and letter["appeal"]["decided_within_days"] == 56
    assert (letter["appeal_by"] - letter["decided_on"]).days == 21
    # the appeal terms were kept with the ranking: changing the rules afterwards changes no letter
    (rules_dir / "rangering.yaml").write_text((rules_dir / "rangering.yaml").read_text(encoding="utf-8")
                                              .replace("frist_dager: 21", "frist_dager: 14"), encoding="utf-8")
    other, chosen = pages_of_world(tmp_path, w, rules_dir, "konsulent.anne",
                                   f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-1187",
                                   f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-2210")
    for text in (other, chosen):
        assert "Du kan be om en ny vurdering" in text
        assert "Er du uenig i vedtaket, kan du be om en ny vurdering." in text
        assert "Fristen er tre uker fra du mottok dette brevet" in text  # 21 days in weeks, as the law says it
        assert "senest 21. desember 2026" in text
        assert "Den avgjøres innen 56 dager etter at vi har mottatt den." in text
        assert "forvaltningsloven § 29" not in text
