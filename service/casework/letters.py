"""The decision letter (vedtak om tildeling av kommunal bolig) to one nominee: what it may say.

The chosen nominee gets the allocation with the reasons; each nominee not chosen
gets the reasons, how their assessment compared with the allocation and the right
to appeal. A nominee who does not meet the conditions for a municipal home at all
(vilkår in the rules: age, residence, income ...) gets a refusal of the application
instead (`refused`): each condition not met with its text and basis, its own appeal
text, and no comparison with the chosen one, which has nothing to do with it. A letter holds only its addressee's own data: the other nominees are
never named, and of the chosen one's assessment only what `disclosure` allows
(no points for a rule under the duty of confidentiality; the total difference).

Who may read a letter: the allocation team (any nominee), and the caseworker at the
nominee's own welfare office, who informs the applicant (step 9).
"""

from __future__ import annotations

import datetime as dt

from service.casework import applicants, recommendations, vacancies
from service.casework.context import Context
from service.casework.disclosure import compared
from service.domain.codes import ALLOCATION_TEAM, UNDECIDED, Role, Stage
from service.domain.errors import Forbidden, IllegalTransition, NotFound

APPEAL_WEEKS = 3


def decision_letter(ctx: Context, vacancy_id: int, code: str) -> dict:
    """Everything the letter to nominee `code` shows (each read goes through the audited casework reads)."""
    if ctx.role not in ALLOCATION_TEAM and ctx.role != Role.CASEWORKER:
        raise Forbidden("Vedtaksbrevene leses av boligtildelingen og søkerens eget helse- og velferdskontor.",
                        action="read_letter", vacancy_id=vacancy_id)
    view = vacancies.get_vacancy(ctx, vacancy_id)
    if Stage(view["stage"]) in UNDECIDED and not view.get("decisions"):
        raise IllegalTransition("Det er ikke fattet vedtak i saken ennå.")
    nomination = next((n for n in view.get("nominations", []) if n["candidate"] == code), None)
    if nomination is None:
        raise NotFound(f"{code} er ikke nominert til denne boligen (eller du har ikke tilgang til nominasjonen).")
    person = applicants.get_candidate(ctx, nomination["applicant_id"])
    headers = view.get("recommendations") or []
    if not headers:
        raise IllegalTransition("Saken har ingen innstilling.")
    rec = recommendations.get_recommendation(ctx, headers[-1]["id"])
    candidates = rec["result"]["candidates"] if "result" in rec else rec.get("candidates", [])
    own = next((c for c in candidates if c["id"] == code), None)
    if own is None:
        raise NotFound(f"{code} er ikke med i innstillingen.")
    # The decision in force; after a declined offer the letters issued stay readable, with what became of it.
    decisions = view.get("decisions", [])
    decision = next((d for d in decisions if d["status"] == "current"), None) or \
        next((d for d in reversed(decisions) if d["status"] == "declined"), None)
    chosen_code = decision["candidate"] if decision else None
    is_chosen = chosen_code == code
    number_of_candidates = rec.get("number_of_candidates", len(candidates))
    # Results stored before eligibility conditions existed have no `qualifies`: they qualified.
    refused = not is_chosen and own.get("qualifies", True) is False
    rows, behind, withheld, chosen_rank = [], None, False, None
    if not is_chosen and not refused:
        chosen = next((c for c in candidates if c["id"] == chosen_code), None)
        if chosen is not None:  # the team's view: both assessments at hand
            confidential = recommendations.confidential_rules(ctx, rec["id"])
            comparison = compared(own.get("score_items", []), chosen.get("score_items", []), confidential)
            rows, withheld = comparison["rows"], comparison["withheld"]
            behind = chosen["score"] - own["score"]
            chosen_rank = chosen["rank"]
        else:  # the caseworker's view holds only their own candidate, compared with the top (already redacted)
            cmp = own.get("compared_to_top") or {}
            rows = [{"rule_id": d["rule_id"], "name": d["name"], "own": d["points"], "other": d["points_top"]}
                    for d in cmp.get("differences", [])]
            behind, withheld = cmp.get("points_behind"), cmp.get("withheld", False)
    decided_on = dt.date.fromisoformat(decision["decided_on"]) if decision else ctx.today()
    # The appeal terms of the rules version that ranked (klage in rangering.yaml), else the routine's three weeks
    appeal = (rec.get("result") or rec).get("appeal")
    appeal_days = appeal["deadline_days"] if appeal else APPEAL_WEEKS * 7
    return {
        "vacancy": view, "person": person, "own": own, "is_chosen": is_chosen, "decision": decision,
        "refused": refused, "unmet_conditions": own.get("unmet_conditions", []) if refused else [],
        "rows": rows, "behind": behind, "withheld": withheld, "decided_on": decided_on,
        "appeal_by": decided_on + dt.timedelta(days=appeal_days), "appeal": appeal, "number_of_candidates": number_of_candidates,
        "recommendation": rec,
        # what the decision says (vedtak in rangering.yaml: lease length, deposit ...), to the chosen one only
        "decision_content": (((rec.get("result") or rec).get("decision_content") or {}).get(code, [])
                             if is_chosen else []),
        "chosen_ranked_lower": bool(not is_chosen and chosen_rank is not None and chosen_rank > own["rank"]),
        "override": (decision or {}).get("override_label"),
        "fallen_away": bool(decision and decision["status"] == "declined"),
    }
