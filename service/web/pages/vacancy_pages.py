"""The vacancy overview (step 3), the vacancy page with its actions, and the timeline.

The vacancy page shows what the logged-in person may see (the casework decides:
a caseworker sees only their own office's nominee, a unit leader only the
shareable fields the applicant consented to share) and the actions that fit
their role and the case's stage. Each action is one POST calling one casework
function; a refused step shows its message next to the field and keeps the input.
"""

from __future__ import annotations

import re
from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for

from service.casework import (CaseworkError, Forbidden, NotFound, applicants, consultation, decisions, movein,
                              nominations, recommendations, units, vacancies)
from service.domain.codes import (AFTER_CONTRACT_STEPS, ALLOCATION_TEAM, DECLINE_REASONS, MEETING_OUTCOMES,
                                     MOVEIN_LABELS, OBJECTION_REASONS, OVERRIDE_REASONS, READINESS_LABELS,
                                     STAGE_LABELS, Readiness, Role, Stage)
from service.web.rules import current_rules

from service.web.pages.web import FormState, blank, bp, context, failed, login_required, submitted_values

TEAM = ALLOCATION_TEAM


# -- the overview (step 3) -----------------------------------------------------------------------

@bp.get("/ledige-boliger")
@login_required
def overview():
    ctx = context()
    if ctx.role == Role.CASEWORKER:
        rows = vacancies.list_open_vacancies(ctx)
    else:
        try:
            rows = vacancies.list_vacancies(ctx)
        except Forbidden as exc:
            abort(403, exc.message)
    target_groups = current_rules().book.vocabulary.get("kandidat.malgrupper").values or {}
    chosen = {"status": request.args.get("status", ""), "steg": request.args.get("steg", ""),
              "malgruppe": request.args.get("malgruppe", "")}
    if chosen["status"]:
        rows = [v for v in rows if v["readiness"] == chosen["status"]]
    if chosen["steg"]:
        rows = [v for v in rows if v["stage"] == chosen["steg"]]
    if chosen["malgruppe"]:
        rows = [v for v in rows if chosen["malgruppe"] in (v["unit"].get("malgrupper") or [])]
    stages = {} if ctx.role == Role.CASEWORKER else {s.value: label for s, label in STAGE_LABELS.items()}
    return render_template("pages/overview.html", rows=rows, chosen=chosen, target_groups=target_groups,
                           readiness_labels={r.value: label for r, label in READINESS_LABELS.items()},
                           stages=stages, role=ctx.role)


# -- the vacancy page ----------------------------------------------------------------------------

def composition(ctx, unit_id: str) -> dict:
    """The unit's residents today, anonymised: counts, never one person's facts."""
    residents = units.current_residents(ctx, unit_id)
    ctx.session.commit()
    facts = [r.facts for r in residents]
    ages = [f["alder"] for f in facts if isinstance(f.get("alder"), int)]
    return {"count": len(facts),
            "groups": Counter(f.get("malgruppe") for f in facts if f.get("malgruppe")),
            "active_substance_use": sum(1 for f in facts if f.get("aktiv_rus") is True),
            "high_risk": sum(1 for f in facts if f.get("utagering") == "hoy"),
            "vulnerable": sum(1 for f in facts if f.get("sarbar") is True),
            "age_span": (min(ages), max(ages)) if len(ages) >= 2 else None}


def _latest_recommendation(ctx, view: dict) -> dict | None:
    headers = view.get("recommendations") or []
    if not headers:
        return None
    try:
        return recommendations.get_recommendation(ctx, headers[-1]["id"])
    except Forbidden:
        return None


def _shared_with_unit(ctx, view: dict) -> dict[str, dict]:
    """For a unit leader: each active nominee as the unit may see them (consented, shareable fields only)."""
    out = {}
    for n in view.get("nominations", []):
        if n["status"] != "active":
            continue
        try:
            out[n["candidate"]] = applicants.get_candidate(ctx, n["applicant_id"])
        except (Forbidden, NotFound):
            continue
    return out


def _decidable(rec: dict | None, view: dict) -> list[dict]:
    """The candidates a decision may name: eligible, still actively nominated, in rank order."""
    if not rec or "result" not in rec:
        return []
    active = {n["candidate"] for n in view.get("nominations", []) if n["status"] == "active"}
    return [c for c in rec["result"]["candidates"] if c["eligible"] and c["id"] in active]


def actions_for(ctx, view: dict, rec: dict | None) -> set[str]:
    """The forms to show: those that fit the user's role and the case's stage."""
    role, stage = ctx.role, Stage(view["stage"])
    unit_id = view["unit"]["id"]
    out: set[str] = set()
    if role == Role.CASEWORKER:
        own = [n for n in view.get("nominations", []) if n["status"] == "active"]
        if stage == Stage.OPEN:
            out.add("withdraw" if own else "nominate")
        decision = next((d for d in view.get("decisions", []) if d["status"] == "current"), None)
        if decision and stage in (Stage.DECIDED, Stage.VIEWING_BOOKED):
            out.add("decline")
    if role in TEAM:
        if stage == Stage.OPEN and any(n["status"] == "active" for n in view.get("nominations", [])):
            out.add("recommend")
        if stage == Stage.RECOMMENDED and rec and rec.get("author_id") != ctx.actor.id:
            out |= {"approve", "return"}
        if stage in (Stage.APPROVED, Stage.OBJECTED, Stage.AGREED):
            out.add("consult")
        if stage == Stage.IN_CONSULTATION:
            out.add("minutes")
        if stage == Stage.AGREED or (stage == Stage.DISPUTED and role == Role.HEAD_OF_ALLOCATION):
            out.add("decide")
        if stage == Stage.DECIDED:
            out |= {"viewing", "decline"}
        if stage == Stage.VIEWING_BOOKED:
            out |= {"contract", "decline"}
        if stage in (Stage.CONTRACT_SIGNED, Stage.MOVED_IN):
            out.add("movein_step")
        if stage == Stage.CONTRACT_SIGNED:
            out.add("move_in")
    if role == Role.UNIT_LEADER and unit_id in ctx.actor.unit_ids and stage == Stage.APPROVED:
        out.add("respond")
    if (role in TEAM or (role == Role.UNIT_LEADER and unit_id in ctx.actor.unit_ids)) and stage != Stage.MOVED_IN:
        out.add("readiness")
    return out


def render_vacancy(vacancy_id: int, state: FormState | None = None):
    state = state or FormState()
    ctx = context()
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    comp = composition(ctx, view["unit"]["id"])
    rec = _latest_recommendation(ctx, view)
    shared = _shared_with_unit(ctx, view) if ctx.role == Role.UNIT_LEADER else {}
    actions = actions_for(ctx, view, rec)
    waiting = []
    if "nominate" in actions:
        waiting = applicants.list_waiting_list(ctx)
    candidates = []
    if rec:
        candidates = rec["result"]["candidates"] if "result" in rec else rec.get("candidates", [])
    top_score = max([sum(max(i["points"], 0) for i in c.get("score_items", [])) for c in candidates] + [1])
    presented = []
    if rec:
        presented = rec.get("present_to_unit_leader") or rec.get("result", {}).get("present_to_unit_leader") or []
    done_steps = {s["step"] for s in view.get("movein_steps", [])}
    page = render_template(
        "pages/vacancy.html", v=view, comp=comp, rec=rec, candidates=candidates, top_score=top_score,
        shared=shared, actions=actions, state=state, waiting=waiting, role=ctx.role, team=ctx.role in TEAM,
        decidable=_decidable(rec, view), presented=presented, objection_reasons=OBJECTION_REASONS,
        override_reasons=OVERRIDE_REASONS, decline_reasons=DECLINE_REASONS, meeting_outcomes=MEETING_OUTCOMES,
        readiness_labels={r.value: label for r, label in READINESS_LABELS.items()},
        movein_steps=[(s.value, MOVEIN_LABELS[s]) for s in AFTER_CONTRACT_STEPS if s.value not in done_steps],
        target_groups=current_rules().book.vocabulary.get("kandidat.malgrupper").values or {})
    return page, state.status


@bp.get("/ledige-boliger/<int:vacancy_id>")
@login_required
def vacancy(vacancy_id: int):
    return render_vacancy(vacancy_id)


# -- the actions: one POST each -------------------------------------------------------------------

def _participants(text: str | None) -> list[dict]:
    """One participant a line: 'Navn, rolle'."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            name, _, role = line.partition(",")
            out.append({"name": name.strip(), "role": role.strip()})
    return out


def _first_part(path: str) -> str:
    return re.sub(r"\[\d+\].*$", "", path)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


# action -> (fields on the form, how to call the casework, the message on success)
def _do(action: str, ctx, vacancy_id: int, f: dict):
    if action == "nominate":
        applicant = blank(f.get("applicant_id"))
        if applicant is None:
            from service.domain.errors import invalid
            raise invalid("applicant_id", "velg en søker fra ventelisten")
        nominations.nominate(ctx, vacancy_id, _int(applicant))
        return "Kandidaten er nominert."
    if action == "withdraw":
        nominations.withdraw_nomination(ctx, _int(f.get("nomination_id")), reason=blank(f.get("reason")))
        return "Nominasjonen er trukket tilbake."
    if action == "recommend":
        recommendations.make_recommendation(ctx, vacancy_id)
        return "Innstillingen er skrevet. En annen boligkonsulent må godkjenne den."
    if action == "approve":
        recommendations.approve_recommendation(ctx, _int(f.get("recommendation_id")), note=blank(f.get("note")))
        return "Innstillingen er godkjent og lagt fram for enhetslederen."
    if action == "return":
        recommendations.return_recommendation(ctx, _int(f.get("recommendation_id")), note=f.get("note", ""))
        return "Innstillingen er sendt tilbake; saken er åpen igjen."
    if action == "respond":
        consultation.unit_leader_respond(ctx, vacancy_id, response=f.get("response", ""),
                                         reason_code=blank(f.get("reason_code")) if f.get("response") == "innsigelse"
                                         else None,
                                         reason_text=blank(f.get("reason_text")),
                                         preferred_candidate=blank(f.get("preferred_candidate")))
        return "Svaret ditt er registrert."
    if action == "consult":
        consultation.open_consultation(ctx, vacancy_id, scheduled_for=blank(f.get("scheduled_for")),
                                       participants=_participants(f.get("participants")))
        return "Drøftingsmøtet er kalt inn."
    if action == "minutes":
        consultation.record_meeting(ctx, vacancy_id, participants=_participants(f.get("participants")),
                                    minutes=f.get("minutes", ""), outcome=f.get("outcome", ""),
                                    held_on=blank(f.get("held_on")))
        return "Referatet fra drøftingsmøtet er ført."
    if action == "decide":
        decisions.decide(ctx, vacancy_id, candidate=f.get("candidate", ""),
                         override_code=blank(f.get("override_code")), override_text=blank(f.get("override_text")))
        return "Vedtaket er fattet. Vedtaksbrevene kan skrives ut."
    if action == "decline":
        decisions.decline_offer(ctx, vacancy_id, reason_code=f.get("reason_code", ""),
                                reason_text=blank(f.get("reason_text")))
        return "Det er registrert at søkeren takket nei."
    if action == "readiness":
        vacancies.update_readiness(ctx, vacancy_id, readiness=f.get("readiness", ""),
                                   vacated_on=blank(f.get("vacated_on")), ready_on=blank(f.get("ready_on")))
        return "Boligens status er oppdatert."
    if action == "viewing":
        movein.book_viewing(ctx, vacancy_id, viewing_at=blank(f.get("viewing_at")), note=blank(f.get("note")))
        return "Visningen er avtalt. Enhetslederen får beskjed på e-post."
    if action == "contract":
        movein.sign_contract(ctx, vacancy_id, signed_on=blank(f.get("signed_on")), note=blank(f.get("note")))
        return "Kontrakten er registrert som signert."
    if action == "movein_step":
        movein.complete_movein_step(ctx, vacancy_id, step=f.get("step", ""), done_on=blank(f.get("done_on")))
        return "Steget er registrert."
    if action == "move_in":
        movein.register_move_in(ctx, vacancy_id, moved_in_on=blank(f.get("moved_in_on")))
        return "Innflyttingen er registrert; saken er avsluttet."
    abort(404)


ACTIONS = ("nominate", "withdraw", "recommend", "approve", "return", "respond", "consult", "minutes", "decide",
           "decline", "readiness", "viewing", "contract", "movein_step", "move_in")


@bp.post("/ledige-boliger/<int:vacancy_id>/<action>")
@login_required
def act(vacancy_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    values = submitted_values()
    try:
        message = _do(action, context(), vacancy_id, values)
    except CaseworkError as exc:
        if isinstance(exc, NotFound) and action not in ("nominate", "withdraw", "approve", "return"):
            abort(404, exc.message)
        return render_vacancy(vacancy_id, failed(action, exc, values, rename=_first_part))
    flash(message)
    return redirect(url_for("pages.vacancy", vacancy_id=vacancy_id))


# -- the timeline ---------------------------------------------------------------------------------

@bp.get("/ledige-boliger/<int:vacancy_id>/tidslinje")
@login_required
def timeline(vacancy_id: int):
    ctx = context()
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
        events = vacancies.timeline(ctx, vacancy_id)
        metrics = vacancies.vacancy_metrics(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    except Forbidden as exc:
        abort(403, exc.message)
    return render_template("pages/timeline.html", v=view, events=events, metrics=metrics)
