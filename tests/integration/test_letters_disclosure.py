"""The decision letters to nominees not chosen never show the chosen one's points for a confidential rule."""

from __future__ import annotations

from service.casework import letters, recommendations
from support.store import lade_to_decision


def test_letters_to_the_others_hold_no_confidential_points_of_the_chosen_and_the_total_difference(world):
    w = world
    vacancy_id = lade_to_decision(w)
    team = w.ctx("konsulent.anne")
    chosen = letters.decision_letter(team, vacancy_id, "K-2210")
    assert chosen["is_chosen"] and chosen["rows"] == []
    rec = chosen["recommendation"]
    confidential = recommendations.confidential_rules(team, rec["id"])
    assert {"akutt_fare", "tjenestebehov_samsvarer", "utskrivningsklar"} <= confidential
    by_id = {c["id"]: c for c in rec["result"]["candidates"]}
    top_confidential = {i["rule_id"] for i in by_id["K-2210"]["score_items"] if i["rule_id"] in confidential}
    assert top_confidential, "the example needs the chosen nominee to have a confidential criterion"
    for code in ("K-2031", "K-0954", "K-1187"):
        letter = letters.decision_letter(team, vacancy_id, code)
        own_rules = {i["rule_id"] for i in by_id[code]["score_items"]}
        for row in letter["rows"]:
            if row["rule_id"] in confidential:
                assert row["other"] is None and row["rule_id"] in own_rules, (code, row)
        assert letter["behind"] == by_id["K-2210"]["score"] - by_id[code]["score"]
        points = lambda c, r: sum(i["points"] for i in by_id[c]["score_items"] if i["rule_id"] == r)  # noqa: E731
        differing = {r for r in confidential if points(code, r) != points("K-2210", r)}
        assert letter["withheld"] == bool(differing)
    # the office reads its own nominee's letter from its redacted view: the same protection
    office = letters.decision_letter(w.ctx("hvk.lerkendal"), vacancy_id, "K-2031")
    assert office["number_of_candidates"] == 4
    assert office["rows"] and all(r["other"] is None for r in office["rows"] if r["rule_id"] in confidential)
