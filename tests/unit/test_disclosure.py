"""What a letter or an office may learn of another nominee: no points for a rule under confidentiality."""

from service.casework.disclosure import OTHER_NOMINEE, as_own_office_reads, compared


def item(rule_id, points, name=None):
    return {"rule_id": rule_id, "name": name or rule_id, "points": points}


CONFIDENTIAL = frozenset({"akutt_fare", "utskrivningsklar"})


def test_a_confidential_rule_only_the_other_has_is_left_out_and_the_letter_says_something_was_withheld():
    own = [item("ventetid", 10), item("bostedslos", 25)]
    chosen = [item("ventetid", 20), item("akutt_fare", 30), item("bostedslos", 25)]
    out = compared(own, chosen, CONFIDENTIAL)
    assert out["rows"] == [{"rule_id": "ventetid", "name": "ventetid", "own": 10, "other": 20}]
    assert out["withheld"] is True


def test_a_confidential_rule_the_addressee_has_shows_their_own_points_only():
    own = [item("utskrivningsklar", 20), item("ventetid", 4)]
    chosen = [item("ventetid", 4)]
    out = compared(own, chosen, CONFIDENTIAL)
    assert out["rows"] == [{"rule_id": "utskrivningsklar", "name": "utskrivningsklar", "own": 20, "other": None}]


def test_without_confidential_rules_every_difference_is_shown_and_repeated_rules_are_summed():
    own = [item("ventetid", 3), item("ventetid", 2)]
    chosen = [item("ventetid", 5), item("bostedslos", 25)]
    out = compared(own, chosen, frozenset())
    assert out == {"rows": [{"rule_id": "bostedslos", "name": "bostedslos", "own": 0, "other": 25}],
                   "withheld": False}


def test_an_office_reads_its_nominee_compared_with_the_top_without_the_tops_confidential_points_or_code():
    candidate = {"id": "K-2", "eligible": True, "score": 14, "equal_standing_with": ["K-9"], "compared_to_top": {
        "top_candidate": "K-1", "points_behind": 30, "text": "30 poeng bak K-1. Forskjellen skyldes: Akutt fare (0 mot 30).",
        "differences": [{"rule_id": "akutt_fare", "name": "Akutt fare", "points": 0, "points_top": 30},
                        {"rule_id": "ventetid", "name": "Ventetid", "points": 4, "points_top": 4}]}}
    seen = as_own_office_reads(candidate, CONFIDENTIAL)
    cmp = seen["compared_to_top"]
    assert cmp["top_candidate"] == OTHER_NOMINEE and seen["equal_standing_with"] == [OTHER_NOMINEE]
    assert [d["rule_id"] for d in cmp["differences"]] == ["ventetid"]
    assert "K-1" not in cmp["text"] and "Akutt fare" not in cmp["text"] and "30 poeng bak" in cmp["text"]
    assert "taushetsplikt" in cmp["text"] and cmp["withheld"] is True
