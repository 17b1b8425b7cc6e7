"""A local plan's `gjelder` may read what is the same for every candidate: parameters and values computed from
the home's lists (a tester writing Manchester: a quota plan «50 % of lettings to ...» could only be written by
misusing faller_bort). Northern Ireland's «every third letting to transfer applicants» says so in `gjelder`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, RulesError, load_rules, read_case_file
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "examples" / "policies" / "northern-ireland"
AS_OF = dt.date(2026, 11, 30)


def _plans(compiled, lettings):
    data, doc = read_case_file(BUNDLE / "saker" / "sak-2-overforing.yaml")
    data["ledig_bolig"]["tildelinger"] = lettings
    result = compiled.rank(data, AS_OF, doc)
    # a plan whose `gjelder` does not hold is not among the outcomes: «ikke for boligen»
    found = {p.id: p.status for p in result.plans}
    return ({plan: found.get(plan, "ikke_for_boligen") for plan in ("overforingssokernes_tur", "ventelistesokernes_tur")},
            [c.id for c in result.candidates])


def test_gjelder_reads_the_count_over_the_homes_lettings_with_both_evaluators():
    book = load_rules(BUNDLE / "regler")
    turn = [{"dato": "2026-08-01", "overforing": True}, {"dato": "2026-09-20", "overforing": False},
            {"dato": "2026-11-02", "overforing": False}]
    not_turn = turn[:2]
    for compiled in (CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)):
        assert _plans(compiled, turn)[0] == {"overforingssokernes_tur": "gjelder",
                                            "ventelistesokernes_tur": "ikke_vurdert"}
        assert _plans(compiled, not_turn)[0] == {"overforingssokernes_tur": "ikke_for_boligen",
                                                "ventelistesokernes_tur": "gjelder"}
        assert _plans(compiled, [])[0]["overforingssokernes_tur"] == "ikke_for_boligen"  # no history: not their turn


def test_gjelder_that_reads_a_candidates_own_value_is_still_refused(tmp_path):
    folder = tmp_path / "regler"
    shutil.copytree(BUNDLE / "regler", folder)
    ranking = (folder / "rangering.yaml").read_text(encoding="utf-8")
    ranking = ranking.replace("        - {felt: beregnet.nest_siste_tildeling, finnes: true}\n",
                              "        - {felt: kandidat.poeng_boforhold, minst: 1}\n", 1)
    (folder / "rangering.yaml").write_text(ranking, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    assert "'gjelder' kan bare lese felt for boligen" in str(caught.value)
    assert "ikke 'kandidat.poeng_boforhold'" in str(caught.value) and "rangering.yaml:" in str(caught.value)
