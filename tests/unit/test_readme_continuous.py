"""rules/README.md's continuous residence (beregnet: sammenhengende), pasted as a policy officer would
into the shipped rules: two years in the municipality, counted from the addresses themselves, with the
temporary home the municipality placed the applicant in counted and a move away breaking the run."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from engine import CompiledRules, load_rules
from support.readme import yaml_blocks

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)


def test_the_readme_continuous_residence_decides_who_qualifies(tmp_path):
    fields, derived, condition = yaml_blocks("### Sammenhengende botid")
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    vocabulary = vocabulary.replace("  kandidat:\n", "  kandidat:\n" + fields, 1)
    vocabulary = vocabulary.replace("\nberegnet:\n", "\n" + derived, 1)  # the README's block opens with `beregnet:`
    (folder / "felter.yaml").write_text(vocabulary, encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks.rstrip() + "\n" + condition, encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))

    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    first, second, third = case["kandidater"][:3]
    first["bosteder"] = [{"fra": "2021-02-01", "til": "2024-08-31", "i_kommunen": True},
                         {"fra": "2024-09-01", "til": "2025-03-15", "i_kommunen": False, "plassert_av_kommunen": True},
                         {"fra": "2025-03-16", "i_kommunen": True}]
    second["bosteder"] = [{"fra": "2018-01-01", "til": "2025-06-30", "i_kommunen": True},
                          {"fra": "2025-07-01", "til": "2025-09-30", "i_kommunen": False},
                          {"fra": "2025-10-01", "i_kommunen": True}]
    third["bosteder"] = [{"fra": "2010-05-01", "til": "2026-10-31", "i_kommunen": True}]
    result = {c.id: c for c in compiled.rank(case, AS_OF).candidates}
    assert result[first["id"]].qualifies
    assert not result[second["id"]].qualifies and not result[third["id"]].qualifies
    [failed] = result[second["id"]].unmet_conditions
    assert failed.text == ("Sammenhengende botid i kommunen fram til vurderingsdatoen: 1 helt år "
                           "(siden 1. oktober 2025); det kreves 2 år.")
    [failed] = result[third["id"]].unmet_conditions  # moved away a month ago: no run reaches today
    assert failed.text == ("Sammenhengende botid i kommunen fram til vurderingsdatoen: ikke oppgitt "
                           "(siden ikke oppgitt); det kreves 2 år.")
    for other in case["kandidater"][3:]:  # no addresses recorded: the condition cannot be met
        assert not result[other["id"]].qualifies
