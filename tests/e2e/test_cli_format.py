"""How `boligtildeling rank` prints a ranking: a bundle without an office field prints no "(None)"."""

from __future__ import annotations

import datetime as dt

from engine.evaluation.result import CandidateSummary, RankingResult, RankingSummary, RulesVersion
from service.cli.rank import format_ranking, format_summary

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
