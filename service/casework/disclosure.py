"""What one applicant's side may learn of another's assessment (taushetsplikt, forvaltningsloven § 13).

A nominee not chosen is owed the reasons: how their assessment compared with the
allocation, criterion by criterion. But the comparison must not reveal the other
person's confidential circumstances. A rule marked `taushetsbelagt` in the rules
(health, substance use, violence, the care situation) is therefore shown only from
the addressee's own side: their own points for it, never the other person's, and
not at all when the addressee has none (the row would only say that the other has
it). The total difference stays: it is what decided, and it names no fact.

Used by the decision letters and by the caseworker's view of their own nominee in
a recommendation (the office informs the applicant). Standard library only.
"""

from __future__ import annotations

from typing import Iterable

#: How another office's nominee is named to a caseworker.
OTHER_NOMINEE = "[annet kontors kandidat]"


def compared(own_items: Iterable[dict], other_items: Iterable[dict], confidential: frozenset[str]) -> dict:
    """Rows (name, own, other) where two assessments differ; `other` is None where it may not be shown.

    `*_items` are the engine's score items (`rule_id`, `name`, `points`); a rule that
    appears several times counts with its sum.
    """
    def by_rule(items):
        out: dict[str, dict] = {}
        for item in items:
            entry = out.setdefault(item["rule_id"], {"name": item["name"], "points": 0})
            entry["points"] += item["points"]
        return out

    mine, theirs = by_rule(own_items), by_rule(other_items)
    rows, withheld = [], False
    for rule_id in list(theirs) + [r for r in mine if r not in theirs]:
        a, b = mine.get(rule_id, {}).get("points", 0), theirs.get(rule_id, {}).get("points", 0)
        if a == b:
            continue
        name = (theirs.get(rule_id) or mine[rule_id])["name"]
        if rule_id in confidential:
            withheld = True
            if a:
                rows.append({"rule_id": rule_id, "name": name, "own": a, "other": None})
            continue
        rows.append({"rule_id": rule_id, "name": name, "own": a, "other": b})
    return {"rows": rows, "withheld": withheld}


def as_own_office_reads(candidate: dict, confidential: frozenset[str]) -> dict:
    """A nominee's result as their own office may read it: other nominees unnamed, the comparison redacted."""
    if candidate.get("equal_standing_with"):
        candidate = {**candidate, "equal_standing_with": [OTHER_NOMINEE] * len(candidate["equal_standing_with"])}
    cmp = candidate.get("compared_to_top")
    if not cmp:
        return candidate
    rows, withheld = [], False
    for d in cmp["differences"]:
        if d["rule_id"] in confidential:
            withheld = True
            if d["points"]:
                rows.append({**d, "points_top": None})
            continue
        rows.append(d)
    behind = cmp["points_behind"]
    if cmp.get("top_tier") in confidential:
        # The tier (trinn) of the one first is itself a confidential fact («søkere med psykiske lidelser»):
        # say only that it is higher; the addressee's own tier is their own.
        withheld = True
        own = candidate.get("tier")
        where = f"«{own['name']}» ({own['text']})" if own else "ingen av trinnene"
        text = (f"I {where}; kandidaten som står først, er i et høyere trinn, og et høyere trinn går foran. "
                "Trinnet vises ikke, fordi det bygger på forhold under taushetsplikt.")
    elif not candidate.get("eligible", True) or behind == 0 or cmp.get("top_tier"):
        # a tier decided (band A before band B), not points: the engine's words, with the other unnamed
        text = cmp["text"].replace(cmp["top_candidate"], "kandidaten som står først")
    else:
        parts = [f"{d['name']} ({d['points']} mot {d['points_top']})" if d["points_top"] is not None
                 else f"{d['name']} ({d['points']} poeng for din kandidat)" for d in rows]
        text = f"{behind} poeng bak kandidaten som står først."
        if parts:
            text += " Forskjellen skyldes blant annet: " + "; ".join(parts) + "."
        if withheld:
            text += " Forhold under taushetsplikt hos den andre kandidaten vises ikke."
    return {**candidate, "compared_to_top": {**cmp, "top_candidate": OTHER_NOMINEE, "differences": rows,
                                             "text": text, "withheld": withheld,
                                             "top_tier": None if cmp.get("top_tier") in confidential
                                             else cmp.get("top_tier")}}
