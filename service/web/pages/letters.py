"""The decision letter (vedtak om tildeling av kommunal bolig) to one nominee, printable.

The chosen nominee gets the allocation with the reasons; each nominee not chosen
gets the reasons, how their assessment compared with the allocation (criterion by
criterion, in points) and the right to appeal with the deadline. A letter holds
only its addressee's own data: the other nominees are never named, and of the
chosen one's assessment only the points per criterion appear, as the comparison
the addressee is owed (forvaltningsloven §§ 24-25).

Who may open a letter: the allocation team (any nominee), and the caseworker at
the nominee's own welfare office, who informs the applicant (step 9).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template

from service.casework import Forbidden, NotFound, applicants, recommendations, vacancies
from service.domain.codes import ALLOCATION_TEAM, Role, Stage, UNDECIDED
from service.web.rules import current_rules

from service.web.pages.web import bp, context, login_required

APPEAL_WEEKS = 3


def differences(own: dict, chosen: dict) -> list[dict]:
    """Criterion by criterion where the two assessments differ: (name, own points, points of the allocation)."""
    def by_rule(candidate):
        out: dict[str, dict] = {}
        for item in candidate.get("score_items", []):
            entry = out.setdefault(item["rule_id"], {"name": item["name"], "points": 0})
            entry["points"] += item["points"]
        return out

    mine, theirs = by_rule(own), by_rule(chosen)
    rows = []
    for rule_id in list(theirs) + [r for r in mine if r not in theirs]:
        a, b = mine.get(rule_id, {}).get("points", 0), theirs.get(rule_id, {}).get("points", 0)
        if a != b:
            rows.append({"name": (theirs.get(rule_id) or mine[rule_id])["name"], "own": a, "chosen": b})
    return rows


@bp.get("/ledige-boliger/<int:vacancy_id>/vedtaksbrev/<code>")
@login_required
def decision_letter(vacancy_id: int, code: str):
    ctx = context()
    if ctx.role not in ALLOCATION_TEAM and ctx.role != Role.CASEWORKER:
        abort(403)
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    if Stage(view["stage"]) in UNDECIDED and not view.get("decisions"):
        abort(409, "Det er ikke fattet vedtak i saken ennå.")
    nomination = next((n for n in view.get("nominations", []) if n["candidate"] == code), None)
    if nomination is None:
        abort(404, f"{code} er ikke nominert til denne boligen (eller du har ikke tilgang til nominasjonen).")
    try:
        person = applicants.get_candidate(ctx, nomination["applicant_id"])
    except Forbidden:
        abort(403)
    headers = view.get("recommendations") or []
    rec = recommendations.get_recommendation(ctx, headers[-1]["id"]) if headers else None
    if rec is None:
        abort(409, "Saken har ingen innstilling.")
    candidates = rec["result"]["candidates"] if "result" in rec else rec.get("candidates", [])
    own = next((c for c in candidates if c["id"] == code), None)
    if own is None:
        abort(404, f"{code} er ikke med i innstillingen.")
    # The decision in force; after a declined offer the letters issued stay readable, with what became of it.
    decision = next((d for d in view.get("decisions", []) if d["status"] == "current"), None) or \
        next((d for d in reversed(view.get("decisions", [])) if d["status"] == "declined"), None)
    chosen_code = decision["candidate"] if decision else None
    chosen = next((c for c in candidates if c["id"] == chosen_code), None)
    is_chosen = chosen_code == code
    if chosen is not None and not is_chosen:
        rows = differences(own, chosen)
        behind = chosen["score"] - own["score"]
    elif own.get("compared_to_top") and not is_chosen:  # the caseworker's view holds only their own candidate
        cmp = own["compared_to_top"]
        rows = [{"name": d["name"], "own": d["points"], "chosen": d["points_top"]} for d in cmp["differences"]]
        behind = cmp["points_behind"]
    else:
        rows, behind = [], None
    decided_on = dt.date.fromisoformat(decision["decided_on"]) if decision else ctx.today()
    book = current_rules().book
    return render_template(
        "pages/letter.html", v=view, person=person, own=own, is_chosen=is_chosen, decision=decision,
        rows=rows, behind=behind, decided_on=decided_on, appeal_by=decided_on + dt.timedelta(weeks=APPEAL_WEEKS),
        number_of_candidates=len(candidates), rec=rec, example_policy=book.header.eksempel,
        chosen_ranked_lower=bool(chosen and chosen["rank"] > own["rank"] and not is_chosen),
        override=(decision or {}).get("override_label"),
        fallen_away=bool(decision and decision["status"] == "declined"))
