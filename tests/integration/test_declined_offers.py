"""A declined offer moves on (issue 12, item 4): the next candidate who can still be allocated is proposed,
and refusals are facts the rules can count when a bundle declares them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, load_rules
from service.casework import commands, consultation, decisions, nominations, recommendations, vacancies
from service.store.models import Vacancy
from support.store import SVERRESGATE_HOME, lade_to_decision, report_second_lade_home

ROOT = Path(__file__).resolve().parents[2]


def allocate_elsewhere(w, code: str, office_user: str) -> int:
    """A second Lade home, reported and decided for `code` (nominated by `office_user`)."""
    other = report_second_lade_home(w, "2026-11-20", vacated="2026-11-19")
    nominations.nominate(w.ctx(office_user), other, commands.parse(commands.Nominate,
                                                                   applicant_id=w.applicant_id(code)))
    w.at("2026-11-21", 9)
    rec = recommendations.make_recommendation(w.ctx("konsulent.anne"), other)
    recommendations.approve_recommendation(w.ctx("konsulent.jonas"), other, commands.parse(
        commands.ApproveRecommendation, recommendation_id=rec["id"]))
    consultation.unit_leader_respond(w.ctx("leder.lade"), other,
                                     commands.parse(commands.UnitLeaderRespond, response="enig"))
    decisions.decide(w.ctx("konsulent.jonas"), other, commands.parse(commands.Decide, candidate=code))
    return other


def test_after_a_refusal_the_next_who_can_still_be_allocated_is_presented(world):
    w = world
    vacancy_id = lade_to_decision(w)  # K-2210 first; K-2031 of equal standing; then K-0954
    allocate_elsewhere(w, "K-2031", "hvk.lerkendal")
    w.at("2026-12-01")

    declined = decisions.decline_offer(w.ctx("hvk.ostbyen"), vacancy_id,
                                       commands.parse(commands.DeclineOffer, reason_code="beliggenhet"))

    assert declined["stage"] == "approved"
    assert declined["presented"] == ["K-0954"]  # K-2031 holds a decision for Sverresgate now
    consultation.unit_leader_respond(w.ctx("leder.lade"), vacancy_id,
                                     commands.parse(commands.UnitLeaderRespond, response="enig"))
    decision = decisions.decide(w.ctx("konsulent.jonas"), vacancy_id, commands.parse(commands.Decide,
                                                                                    candidate="K-0954"))
    assert decision["candidate"] == "K-0954" and decision["override_code"] is None


@pytest.fixture
def refusal_rules(tmp_path):
    """The shipped rules, with the refusal fields declared and a check that blocks after a refusal."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    vocabulary = vocabulary.replace(
        "    malgrupper: {type: flervalg, etikett: Søkerens målgrupper, verdier: malgruppe, obligatorisk: true}\n",
        "    malgrupper: {type: flervalg, etikett: Søkerens målgrupper, verdier: malgruppe, obligatorisk: true}\n"
        "    takket_nei: {type: heltall, etikett: Antall tilbud søkeren har takket nei til, min: 0}\n"
        "    sist_takket_nei: {type: dato, etikett: Sist takket nei}\n", 1)
    vocabulary = vocabulary.replace("beregnet:\n", "beregnet:\n" + README_SNIPPETS[0], 1)
    (folder / "felter.yaml").write_text(vocabulary, encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks + "\n" + README_SNIPPETS[1].replace("minst: 2", "minst: 1"),
                                          encoding="utf-8")
    return CompiledRules(load_rules(folder))


def _readme_snippets() -> list[str]:
    """The computed value and the check rules/README.md teaches for refusals, as a policy officer copies them."""
    text = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    part = text[text.index("### Felt tjenesten fyller ut selv"):]
    blocks = part.split("```yaml\n")[2:4]
    return [block.split("```")[0] for block in blocks]


README_SNIPPETS = _readme_snippets()


def test_the_refusals_reach_the_rules_when_the_bundle_declares_them(world, refusal_rules):
    w = world
    vacancy_id = lade_to_decision(w)
    w.at("2026-12-01")
    decisions.decline_offer(w.ctx("hvk.ostbyen"), vacancy_id,
                            commands.parse(commands.DeclineOffer, reason_code="beliggenhet"))
    w.rules = refusal_rules

    case = recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id),
                                      w.clock().date())

    assert {c["id"]: c.get("takket_nei") for c in case["kandidater"]} == {"K-1187": 0, "K-2031": 0, "K-0954": 0}
    refusal_rules.rank(case, w.clock().date())  # the declared fields validate


def test_a_refusal_counts_in_the_screening_of_the_next_vacancy(world, refusal_rules):
    from service.casework import screening

    w = world
    vacancy_id = lade_to_decision(w)
    w.at("2026-12-01")
    decisions.decline_offer(w.ctx("hvk.ostbyen"), vacancy_id,
                            commands.parse(commands.DeclineOffer, reason_code="beliggenhet"))
    w.rules = refusal_rules
    w.at("2026-12-02")
    other = vacancies.report_vacancy(w.ctx("konsulent.anne"), commands.parse(
        commands.ReportVacancy, home_id=w.home_id(SVERRESGATE_HOME), reported_on="2026-12-02",
        readiness="vacated", vacated_on="2026-12-01", monthly_rent=8000))["id"]

    rows = {a["code"]: a for a in screening.screen_waiting_list(w.ctx("konsulent.anne"), other)["applicants"]}

    assert "karantene_etter_avslag" in [b["rule_id"] for b in rows["K-2210"]["blocked_by"]]
    assert all("karantene_etter_avslag" not in [b["rule_id"] for b in r["blocked_by"]]
               for code, r in rows.items() if code != "K-2210")


def test_the_shipped_rules_declare_no_refusal_fields_so_cases_are_as_before(world):
    w = world
    vacancy_id = lade_to_decision(w)

    case = recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id),
                                      w.clock().date())

    assert all("takket_nei" not in c and "sist_takket_nei" not in c for c in case["kandidater"])
