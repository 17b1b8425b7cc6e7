"""A quota over many allocations (issue 9): the service fills the earlier allocations a bundle counts.

The shipped rules with a list under `ledig_bolig` whose fields say `fra_vedtak`, and a check in
the shape of Oslo's cross-district quota: "at most N allocations to applicants from HVK Lerkendal".
Each decision the service makes becomes a record of the next case; a decision made after a
recommendation was written holds up the decision on that recommendation until it is ranked again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, load_rules
from service.casework import commands, consultation, decisions, recommendations
from service.domain.errors import IllegalTransition
from service.store.models import Vacancy
from support.store import lade_to_decision, nominate_all, recommend_and_approve, report_lade
from test_declined_offers import allocate_elsewhere

ROOT = Path(__file__).resolve().parents[2]

OFFICES = ("{Midtbyen: Midtbyen helse- og velferdskontor, Østbyen: Østbyen helse- og velferdskontor, "
           "Lerkendal: Lerkendal helse- og velferdskontor, Heimdal: Heimdal helse- og velferdskontor}")

ALLOCATIONS = f"""    tildelinger:
      type: liste
      etikett: tidligere vedtak om tildeling
      felter:
        dato: {{type: dato, etikett: vedtaksdato, fra_vedtak: vedtak.dato}}
        hvk: {{type: valg, etikett: helse- og velferdskontor, verdier: {OFFICES}, fra_vedtak: kandidat.hvk}}
        botiltak: {{type: tekst, etikett: botiltak, fra_vedtak: botiltak.navn}}
"""

COUNT = """  tildelinger_lerkendal:
    etikett: tildelinger til søkere fra Lerkendal siden 1. november 2026
    antall:
      blant: ledig_bolig.tildelinger
      hvor:
        alle:
          - {felt: tildelinger.hvk, er: Lerkendal}
          - {felt: tildelinger.dato, minst: 2026-11-01}
"""

CHECK = """
  - id: lerkendal_kvote_brukt_opp
    navn: Kvoten for Lerkendal er brukt opp
    betingelse:
      alle:
        - {felt: kandidat.hvk, er: Lerkendal}
        - {felt: beregnet.tildelinger_lerkendal, minst: {felt: parameter.lerkendal_kvote}}
    begrunnelse: Lerkendal har fått {beregnet.tildelinger_lerkendal} av {parameter.lerkendal_kvote} tildelinger.
    hjemmel: Vedtak om kvote (test)
"""


@pytest.fixture
def quota_rules(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    marker = "    husleie_per_maned: {type: heltall, etikett: Husleie per måned (kr), min: 0}\n"
    assert marker in vocabulary
    vocabulary = vocabulary.replace(marker, marker + ALLOCATIONS, 1)
    vocabulary = vocabulary.replace("beregnet:\n", "beregnet:\n" + COUNT, 1)
    vocabulary += ("parametre:\n  lerkendal_kvote:\n    etikett: tildelinger Lerkendal kan få\n"
                   "    referanse: test\n    verdier: {2026-01-01: 1}\n")
    (folder / "felter.yaml").write_text(vocabulary, encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks.rstrip("\n") + "\n" + CHECK, encoding="utf-8")
    return CompiledRules(load_rules(folder))


def test_each_decision_becomes_a_record_of_the_next_case_and_the_quota_blocks(world, quota_rules):
    w = world
    w.rules = quota_rules
    vacancy_id = lade_to_decision(w)
    before = recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id),
                                        w.clock().date())
    assert before["ledig_bolig"]["tildelinger"] == []

    allocate_elsewhere(w, "K-2031", "hvk.lerkendal")
    w.at("2026-12-01")
    case = recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id),
                                      w.clock().date())

    [record] = case["ledig_bolig"]["tildelinger"]
    assert record["hvk"] == "Lerkendal" and record["dato"] == "2026-11-21" and record["botiltak"]
    result = quota_rules.rank(case, w.clock().date())
    blocked = {c.id: [b.rule_id for b in c.blocks] for c in result.candidates}
    offices = {c["id"]: c["hvk"] for c in case["kandidater"]}
    assert {code for code, rules in blocked.items() if "lerkendal_kvote_brukt_opp" in rules} == \
        {code for code, office in offices.items() if office == "Lerkendal"}
    assert any(office != "Lerkendal" for office in offices.values())


def test_a_decision_made_after_the_recommendation_holds_up_the_decision_until_ranked_again(world, quota_rules):
    w = world
    w.rules = quota_rules
    vacancy_id = report_lade(w)
    nominate_all(w, vacancy_id)
    recommend_and_approve(w, vacancy_id)  # ranked while no allocation had been made
    w.at("2026-11-30", 9)
    consultation.unit_leader_respond(w.ctx("leder.lade"), vacancy_id,
                                     commands.parse(commands.UnitLeaderRespond, response="enig"))
    allocate_elsewhere(w, "K-2031", "hvk.lerkendal")
    w.at("2026-12-01", 10)

    with pytest.raises(IllegalTransition) as refused:
        decisions.decide(w.ctx("konsulent.jonas"), vacancy_id, commands.parse(commands.Decide, candidate="K-2210"))
    assert "Det er fattet andre vedtak om tildeling siden innstillingen ble skrevet" in str(refused.value)
    assert w.session().get(Vacancy, vacancy_id).stage != "decided"

    again = recommendations.rank_again(w.ctx("konsulent.anne"), vacancy_id)
    [record] = again["input"]["ledig_bolig"]["tildelinger"]
    assert record["hvk"] == "Lerkendal"
    lerkendal = [c for c in again["result"]["candidates"] if c["welfare_office"] == "Lerkendal"]
    assert lerkendal and all("lerkendal_kvote_brukt_opp" in [b["rule_id"] for b in c["blocks"]] for c in lerkendal)


def test_the_shipped_rules_count_no_allocations_so_cases_are_as_before(world):
    w = world
    vacancy_id = lade_to_decision(w)
    allocate_elsewhere(w, "K-2031", "hvk.lerkendal")
    case = recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id),
                                      w.clock().date())
    assert "tildelinger" not in case["ledig_bolig"]
