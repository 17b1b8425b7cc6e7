"""rules/README.md's lists (issue 9, items 8 and 10), copied as a policy officer would into the shipped
rules, rank as the README says: 3 bedrooms for a couple with children of 12, 8 and 6; two refusals
within 12 months suspend."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from engine import CompiledRules, load_rules
from support.readme import yaml_blocks

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)


def _bundle(tmp_path: Path) -> Path:
    fields, derived, bedrooms, refusals, window = yaml_blocks("### Lister")
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    vocabulary = vocabulary.replace("  kandidat:\n", "  kandidat:\n" + fields, 1)
    vocabulary = vocabulary.replace("  bolig:\n", "  bolig:\n    soverom: {type: heltall, etikett: Soverom, enhet: rom}\n", 1)
    window = window.partition("beregnet:\n")[2]  # the second block of computed values joins the first
    vocabulary = vocabulary.replace("\nberegnet:\n", "\n" + derived.rstrip() + "\n" + window, 1)  # opens with `beregnet:`
    (folder / "felter.yaml").write_text(vocabulary, encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks.rstrip() + "\n" + bedrooms + refusals, encoding="utf-8")
    return folder


def test_the_readme_household_and_refusals_rank_as_the_readme_says(tmp_path):
    book = load_rules(_bundle(tmp_path))
    assert book.content_hash != load_rules(ROOT / "rules").content_hash
    compiled = CompiledRules(book)
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    case["ledig_bolig"]["bolig"]["soverom"] = 2
    first, second = case["kandidater"][:2]
    first["husstand"] = [{"fodt": "1986-02-11", "kjonn": "kvinne", "relasjon": "soker"},
                         {"fodt": "1984-09-30", "kjonn": "mann", "relasjon": "partner"},
                         {"fodt": "2014-06-01", "kjonn": "mann", "relasjon": "barn"},
                         {"fodt": "2018-01-20", "kjonn": "mann", "relasjon": "barn"},
                         {"fodt": "2020-05-05", "kjonn": "kvinne", "relasjon": "barn"}]
    second["tidligere_tilbud"] = [{"dato": "2025-12-01", "utfall": "takket_nei"},
                                  {"dato": "2026-08-15", "utfall": "takket_nei"}]
    result = {c.id: c for c in compiled.rank(case, AS_OF).candidates}
    blocks = {b.rule_id: b.text for b in result[first["id"]].blocks}
    assert blocks["for_fa_soverom"] == "Husstanden trenger 3 soverom; boligen har 2."
    blocks = {b.rule_id: b.text for b in result[second["id"]].blocks}
    assert blocks["karantene_etter_avslag"] == "Søkeren takket nei 1. desember 2025 og 15. august 2026."
    for other in case["kandidater"][2:]:  # no lists given: nothing to compare, nothing blocks for them
        assert not {"for_fa_soverom", "karantene_etter_avslag"} & {b.rule_id for b in result[other["id"]].blocks}


def test_the_readme_sum_adds_the_income_of_the_members_under_20(tmp_path):
    compiled = CompiledRules(load_rules(_bundle(tmp_path)))
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    first = case["kandidater"][0]
    first["husstand"] = [{"fodt": "1986-02-11", "relasjon": "soker", "inntekt": 480_000},
                         {"fodt": "2008-03-01", "relasjon": "barn", "inntekt": 30_000},   # 18: counts
                         {"fodt": "2014-06-01", "relasjon": "barn", "inntekt": 0}]
    valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = compiled.candidate_facts([(valid, AS_OF)])
    assert found[0]["beregnet.inntekt_under_20"] == 30_000
    del first["husstand"][2]["inntekt"]  # a child's income not given: the sum is not known either
    valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = compiled.candidate_facts([(valid, AS_OF)])
    assert "beregnet.inntekt_under_20" not in found[0]


def test_the_readme_window_gives_the_day_of_the_third_refusal_within_12_months(tmp_path):
    """The README's dates: refusals 1 February, 30 September and 1 December 2024 give 1 December 2024; a fourth
    on 1 March 2025 makes that the day (30 September, 1 December and 1 March lie within 12 months)."""
    compiled = CompiledRules(load_rules(_bundle(tmp_path)))
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    first = case["kandidater"][0]
    first["tidligere_tilbud"] = [{"dato": d, "utfall": "takket_nei"} for d in ("2024-02-01", "2024-09-30", "2024-12-01")]

    def day(as_of=dt.date(2025, 4, 1)):
        valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
        [found] = compiled.candidate_facts([(valid, as_of)])
        return found[0].get("beregnet.tredje_avslag_innen_12_maneder"), found[0].get(
            "beregnet.maneder_siden_karantenen_begynte")

    assert day() == ("2024-12-01", 4)
    first["tidligere_tilbud"].append({"dato": "2025-03-01", "utfall": "takket_nei"})
    assert day() == ("2025-03-01", 1)
    first["tidligere_tilbud"][1]["utfall"] = "akseptert"  # 1 Feb 2024 to 1 Mar 2025 is more than 12 months
    assert day() == (None, None)


def test_the_readme_count_of_children_leaves_out_a_young_applicant(tmp_path):
    compiled = CompiledRules(load_rules(_bundle(tmp_path)))
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    case["kandidater"][0]["husstand"] = [{"fodt": "2009-01-15", "relasjon": "soker"},   # 17, the applicant
                                         {"fodt": "2025-10-01", "relasjon": "barn"},
                                         {"fodt": "2004-05-05", "relasjon": "barn"}]   # 22: not under 18
    valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = compiled.candidate_facts([(valid, AS_OF)])
    assert found[0]["beregnet.barn_i_husstanden"] == 1
