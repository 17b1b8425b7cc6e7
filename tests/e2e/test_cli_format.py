"""How `boligtildeling rank` prints a ranking: a bundle without an office field prints no "(None)"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.evaluation.result import CandidateSummary, RankingResult, RankingSummary, RulesVersion
from service.cli.rank import format_ranking, format_summary

ROOT = Path(__file__).resolve().parents[2]
VERSION = RulesVersion(label="uk-1", effective_from=dt.date(2026, 1, 1), content_hash="0" * 64)


def test_a_candidate_without_an_office_is_printed_by_id_alone():
    result = RankingResult(vacancy_id="V-1", as_of=dt.date(2026, 11, 28), rules_version=VERSION, input_hash="1" * 64,
                           tie_margin=0, tie_break_order=[], equal_standing_groups=[], present_to_unit_leader=["S-1001"],
                           candidates=[{"rank": 1, "id": "S-1001", "welfare_office": None, "score": 3, "eligible": True,
                                        "needs_consultation": False, "score_items": [], "unmet_criteria": [],
                                        "blocks": [], "consultations": []}])
    summary = RankingSummary(vacancy_id="V-1", as_of=dt.date(2026, 11, 28), rules_version=VERSION,
                             input_hash="1" * 64, present_to_unit_leader=["S-1001"], candidates=[CandidateSummary(
                                 rank=1, id="S-1001", score=3, eligible=True, needs_consultation=False,
                                 blocked_by=[], consultation_by=[])])

    assert "1. S-1001: 3 poeng, kan tildeles" in format_ranking(result)
    assert "1. S-1001: 3 poeng, kan tildeles" in format_summary(summary)
    assert "None" not in format_ranking(result) + format_summary(summary)


def test_rank_prints_a_band_scheme_in_bands_and_never_in_invented_points(tmp_path):
    """Through the real command: a bundle of bands and a priority date (no criteria) prints bands, no points."""
    import json
    import subprocess
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
    from test_tiers import CASE, SECTIONS, TIERS

    from support.bundles import write_bundle

    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, ranking=TIERS)
    case = tmp_path / "sak.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "boligtildeling"), "rank", str(case), "--rules", str(folder),
                           "--as-of", "2026-06-01"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "1. T-2: Band A, kan tildeles" in out
    assert "3. T-3: Band B, kan tildeles" in out
    assert "   Trinn: Band B, fordi medisinsk behov" in out
    assert "Hvorfor ikke først: I «Band B» (medisinsk behov); T-2 er i «Band A», og et høyere trinn går foran." in out
    assert "poeng" not in out
