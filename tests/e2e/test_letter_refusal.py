"""A nominee who does not meet the rules' eligibility conditions (vilkår) gets a refusal of the
application as their decision letter: each condition not met, its basis, and the appeal text
for a refusal, with no comparison with the nominee who got the home.

The shipped rules have no vilkår, so a copy gets one that one of the Lade nominees fails
(K-0954 is 45; the condition asks for at most 44), as a municipality's policy staff would add it.
"""

from __future__ import annotations

import pytest

from service.casework import letters
from support.http import world_with_logins
from support.pages import pages_of_world
from support.store import lade_to_decision

CONDITION = """
vilkar:
  - id: yngre_voksne
    navn: Botilbudet er for yngre voksne
    krav: {felt: kandidat.alder, hoyst: 44}
    begrunnelse: Søkeren er {kandidat.alder} år; tilbudet gjelder søkere til og med 44 år.
    hjemmel: Retningslinjer for Lade botiltak pkt. 1.2
"""


@pytest.fixture
def refused_world(rules_copy, tmp_path):
    egnethet = rules_copy / "egnethet.yaml"
    egnethet.write_text(egnethet.read_text(encoding="utf-8") + CONDITION, encoding="utf-8")
    w = world_with_logins(tmp_path, rules_copy, "letters.sqlite3")
    vacancy_id = lade_to_decision(w)
    yield w, vacancy_id, rules_copy
    w.close()


def test_a_nominee_who_fails_a_condition_gets_a_refusal_with_the_condition_and_its_own_appeal_text(refused_world,
                                                                                                 tmp_path):
    w, vacancy_id, rules_dir = refused_world
    letter = letters.decision_letter(w.ctx("konsulent.anne"), vacancy_id, "K-0954")
    assert letter["refused"] and not letter["is_chosen"] and letter["rows"] == []
    assert [c["rule_id"] for c in letter["unmet_conditions"]] == ["yngre_voksne"]

    refused, ordinary = pages_of_world(tmp_path, w, rules_dir, "konsulent.anne",
                                       f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-0954",
                                       f"/ledige-boliger/{vacancy_id}/vedtaksbrev/K-1187")

    assert "søknaden din om kommunal bolig med tjenester er avslått" in refused
    assert "Vilkår du ikke oppfyller" in refused
    assert "Botilbudet er for yngre voksne" in refused
    assert "Søkeren er 45 år; tilbudet gjelder søkere til og med 44 år." in refused
    assert "Retningslinjer for Lade botiltak pkt. 1.2" in refused
    assert "Du kan klage på avslaget" in refused and "forvaltningsloven § 29" in refused
    assert "hvilket vilkår du mener du oppfyller" in refused and "kan du søke på nytt" in refused
    # no comparison with the one who got the home: it has nothing to do with a refusal
    assert "sammenlignet med søkeren som fikk boligen" not in refused and "poeng mindre" not in refused

    assert "du er ikke tildelt boligen" in ordinary and "avslått" not in ordinary
    assert "Vilkår du ikke oppfyller" not in ordinary
