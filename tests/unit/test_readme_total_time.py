"""rules/README.md's «5 av de siste 7 årene» (samlet_tid), pasted into a bundle as a policy officer would: one
period since 1 June 2021 is 60 months on 1 June 2026 and meets the condition; split periods add up."""

from __future__ import annotations

import datetime as dt

from engine import CompiledRules, load_rules
from support.bundles import write_bundle
from support.readme import yaml_blocks

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  bosteder:
    type: liste
    etikett: bosteder
    felter:
      fra: {type: dato, etikett: fra, obligatorisk: true}
      til: {type: dato, etikett: til}
      i_kommunen: {type: boolsk, etikett: i kommunen, obligatorisk: true}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""


def test_the_readme_total_time_meets_five_of_the_last_seven_years_as_it_says(tmp_path):
    [block] = yaml_blocks("### Samlet botid innenfor et tidsrom")
    conditions = ("vilkar:\n  - {id: botid, navn: Botid 5 av 7 år, krav: {felt: beregnet.botid_siste_7_ar, minst: 60},"
                  " begrunnelse: '{beregnet.botid_siste_7_ar} måneder', hjemmel: h}\n")
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, derived=block.partition("beregnet:\n")[2])
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + conditions,
                                          encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    case = {"ledig_bolig": {"id": "L-1"}, "kandidater": [
        {"id": "K-1", "bosteder": [{"fra": "2021-06-01", "i_kommunen": True}], "sjekkliste": {}},
        {"id": "K-2", "bosteder": [{"fra": "2021-06-02", "i_kommunen": True}], "sjekkliste": {}},
        {"id": "K-3", "bosteder": [{"fra": "2012-01-01", "til": "2021-05-31", "i_kommunen": True},  # 2 years
                                   {"fra": "2021-06-01", "til": "2023-05-31", "i_kommunen": False},
                                   {"fra": "2023-06-01", "i_kommunen": True}], "sjekkliste": {}}]}  # 3 years
    result = {c.id: c for c in compiled.rank(case, dt.date(2026, 6, 1)).candidates}
    assert result["K-1"].qualifies and not result["K-2"].qualifies and result["K-3"].qualifies
    assert [f.text for f in result["K-2"].unmet_conditions] == ["59 måneder"]
