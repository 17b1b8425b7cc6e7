"""«One property considered per applicant at a time» (Great Yarmouth, Offers 31): the service fills in how many
other undecided vacancies nominated the applicant first (kandidat.vurderes_for_annen_bolig) when the rules declare
the field, so the later vacancy's check blocks and the earlier one's does not."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine import CompiledRules, load_rules
from service.casework import commands, nominations, recommendations
from service.store.models import Vacancy
from support.readme import yaml_blocks
from support.store import nominate_all, report_lade, report_second_lade_home

ROOT = Path(__file__).resolve().parents[2]
SECTION = "### Felt tjenesten fyller ut selv: andre boliger"


def pending_rules(tmp_path: Path) -> CompiledRules:
    field, check = yaml_blocks(SECTION)
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    (folder / "felter.yaml").write_text(vocabulary.replace("  kandidat:\n", "  kandidat:\n" + field, 1), encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks.rstrip() + "\n" + check, encoding="utf-8")
    return CompiledRules(load_rules(folder))


def second_lade_vacancy(w) -> int:
    other = report_second_lade_home(w, "2026-11-22", vacated="2026-11-21")
    w.at("2026-11-23", 9)
    nominations.nominate(w.ctx("hvk.ostbyen"), other, commands.parse(commands.Nominate,
                                                                     applicant_id=w.applicant_id("K-2210")))
    return other


def case_of(w, vacancy_id: int) -> dict:
    return recommendations.build_case(w.ctx("konsulent.anne"), w.session().get(Vacancy, vacancy_id), w.clock().date())


def test_the_later_vacancy_sees_the_earlier_nomination_and_blocks_it(world, tmp_path):
    w = world
    first = report_lade(w)
    nominate_all(w, first)  # K-2210 nominated to Lade allé 12, leil. 103 on 19 November
    later = second_lade_vacancy(w)  # and to leil. 105 on 23 November
    w.rules = pending_rules(tmp_path)
    w.at("2026-11-28", 9)

    assert {c["id"]: c["vurderes_for_annen_bolig"] for c in case_of(w, first)["kandidater"]} == {
        "K-1187": 0, "K-2210": 0, "K-2031": 0, "K-0954": 0}
    [only] = case_of(w, later)["kandidater"]
    assert only["id"] == "K-2210" and only["vurderes_for_annen_bolig"] == 1

    result = w.rules.rank(case_of(w, later), w.clock().date())
    [block] = result.candidates[0].blocks
    assert block.rule_id == "en_bolig_om_gangen"
    assert block.text == "Søkeren vurderes allerede for 1 annen bolig; bare én bolig vurderes om gangen."
    first_ranked = w.rules.rank(case_of(w, first), w.clock().date())
    assert "en_bolig_om_gangen" not in {b.rule_id for c in first_ranked.candidates for b in c.blocks}


def test_the_shipped_rules_declare_no_such_field_so_cases_are_as_before(world):
    w = world
    first = report_lade(w)
    nominate_all(w, first)
    later = second_lade_vacancy(w)
    assert all("vurderes_for_annen_bolig" not in c for c in case_of(w, later)["kandidater"])


def test_screening_a_third_vacancy_sees_every_undecided_nomination_and_the_vacancys_own_nominees_the_earlier(
        world, tmp_path):
    """The screening ranks the waiting list as if all were nominated now, so an applicant nominated for another
    undecided vacancy is blocked there too; one nominated here counts only the nominations made before (a tester
    writing Great Yarmouth's «one property at a time» saw the screening offer the applicant to every home)."""
    from service.casework import screening

    w = world
    first = report_lade(w)
    nominate_all(w, first)  # the four nominated to leil. 103 on 19 November
    later = second_lade_vacancy(w)  # K-2210 also to leil. 105 on 23 November
    w.rules = pending_rules(tmp_path)
    w.at("2026-11-28", 9)

    rows = {a["code"]: a for a in screening.screen_waiting_list(w.ctx("konsulent.anne"), later)["applicants"]}
    blocked = {code for code, r in rows.items() if "en_bolig_om_gangen" in [b["rule_id"] for b in r["blocked_by"]]}
    # leil. 105: K-2210 was nominated to 103 first; the other three are nominated to 103 and would be later here
    assert blocked == {"K-2210", "K-1187", "K-2031", "K-0954"}
    rows = {a["code"]: a for a in screening.screen_waiting_list(w.ctx("konsulent.anne"), first)["applicants"]}
    blocked = {code for code, r in rows.items() if "en_bolig_om_gangen" in [b["rule_id"] for b in r["blocked_by"]]}
    assert blocked == set()  # leil. 103 nominated all four first: nothing earlier blocks them there
