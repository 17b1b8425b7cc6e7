"""The vacancy overview (step 3), the vacancy page with its actions, and the timeline.

The vacancy page shows what the logged-in person may see (the casework decides:
a caseworker sees only their own office's nominee, a unit leader only the
shareable fields the applicant consented to share) and the actions that fit
their role and the case's stage. Each action is one POST calling one casework
function; a refused step shows its message next to the field and keeps the input.
"""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for

from service.casework import (CaseworkError, Forbidden, NotFound, applicants, commands, consultation, decisions,
                              movein, nominations, recommendations, screening, units, vacancies)
from service.domain.codes import (AFTER_CONTRACT_STEPS, ALLOCATION_TEAM, DECLINE_REASONS, MEETING_OUTCOMES,
                                     MOVEIN_LABELS, NOMINATION_LABELS, OBJECTION_REASONS, OVERRIDE_REASONS, READINESS_LABELS,
                                     STAGE_LABELS, UNDECIDED, Readiness, Role, Stage)
from service.domain.field_names import field_name
from service.domain.steps import BY_SEGMENT, Situation, offered_steps
from service.web.rules import current_rules

from service.web.pages.web import FormState, bp, context, failed, login_required, submitted_values

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
    from service.web.pages import listing  # search and sortable columns (?q=, ?sorter=, ?retning=)
    rows, found = listing.find(rows, listing.VACANCY_COLUMNS, listing.vacancy_texts, filters=tuple(chosen))
    stages = {} if ctx.role == Role.CASEWORKER else {s.value: label for s, label in STAGE_LABELS.items()}
    hard = screening.hard_to_fill(ctx) if ctx.role in TEAM else {}
    return render_template("pages/overview.html", rows=rows, chosen=chosen, target_groups=target_groups, hard=hard,
                           readiness_labels={r.value: label for r, label in READINESS_LABELS.items()},
                           stages=stages, role=ctx.role, listing=found)


# -- the vacancy page ----------------------------------------------------------------------------

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


def _preview(ctx, view: dict, rec: dict | None) -> tuple[dict | None, str | None]:
    """For the team, while nominations come in: how the nominees rank now (nothing stored)."""
    if ctx.role not in TEAM or view["stage"] != Stage.OPEN or \
            not any(n["status"] == "active" for n in view.get("nominations", [])):
        return None, None
    try:
        return recommendations.preview_ranking(ctx, view["id"]), None
    except CaseworkError as exc:
        return None, exc.message


def situation(ctx, view: dict, rec: dict | None) -> Situation:
    """What the step table needs to know to offer forms: this person's part in this case."""
    role, unit_id = ctx.role, view["unit"]["id"]
    active = [n for n in view.get("nominations", []) if n["status"] == "active"]
    decided = any(d["status"] == "current" for d in view.get("decisions", []))
    return Situation(
        role=role, stage=Stage(view["stage"]),
        leads_unit=role == Role.UNIT_LEADER and unit_id in ctx.actor.unit_ids,
        own_office_nominated=role == Role.CASEWORKER and bool(active),  # a caseworker sees their own only
        any_active_nomination=bool(active),
        wrote_recommendation=bool(rec) and rec.get("author_id") == ctx.actor.id,
        own_nominee_decided=role == Role.CASEWORKER and decided,
        home_ready=view["readiness"] == Readiness.READY.value,
        checklist_changed=bool(rec and rec.get("changed_since")),
        movein_steps_left=bool(set(s.value for s in AFTER_CONTRACT_STEPS)
                               - {s["step"] for s in view.get("movein_steps", [])}))


def actions_for(ctx, view: dict, rec: dict | None) -> set[str]:
    """The forms to show: the steps the table offers this person in this case."""
    return {step.name for step in offered_steps(situation(ctx, view, rec))}


def render_vacancy(vacancy_id: int, state: FormState | None = None):
    state = state or FormState()
    ctx = context()
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    comp = units.composition(ctx, view["unit"]["id"])
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
        presented = view.get("presented")
        if presented is None:  # a caseworker: the recommendation as it was written
            presented = rec.get("present_to_unit_leader") or rec.get("result", {}).get("present_to_unit_leader") or []
    done_steps = {s["step"] for s in view.get("movein_steps", [])}
    preview, preview_problem = _preview(ctx, view, rec)
    if preview and preview.get("out_of_scope"):  # the rules do not apply to this home: no recommendation to write
        actions = actions - {"make_recommendation"}
    if preview:
        top_score = max([top_score] + [sum(max(i["points"], 0) for i in c["score_items"])
                                       for c in preview["candidates"]])
    undecided = Stage(view["stage"]) in UNDECIDED
    may_screen = (ctx.role in TEAM and undecided) or (ctx.role == Role.CASEWORKER and view["stage"] == Stage.OPEN)
    hard = screening.hard_to_fill(ctx, vacancy_id).get(vacancy_id) if ctx.role in TEAM and undecided else None
    page = render_template(
        "pages/vacancy.html", v=view, comp=comp, rec=rec, candidates=candidates, top_score=top_score,
        shared=shared, actions=actions, state=state, waiting=waiting, role=ctx.role, team=ctx.role in TEAM,
        preview=preview, preview_problem=preview_problem, may_screen=may_screen, hard=hard,
        decidable=_decidable(rec, view), presented=presented, objection_reasons=OBJECTION_REASONS,
        declined={n["candidate"] for n in view.get("nominations", []) if n["status"] == "declined"},
        override_reasons=OVERRIDE_REASONS, decline_reasons=DECLINE_REASONS, meeting_outcomes=MEETING_OUTCOMES,
        readiness_labels={r.value: label for r, label in READINESS_LABELS.items()},
        nomination_labels={n.value: label for n, label in NOMINATION_LABELS.items()},
        movein_steps=[(s.value, MOVEIN_LABELS[s]) for s in AFTER_CONTRACT_STEPS if s.value not in done_steps],
        target_groups=current_rules().book.vocabulary.get("kandidat.malgrupper").values or {})
    return page, state.status


@bp.get("/ledige-boliger/<int:vacancy_id>")
@login_required
def vacancy(vacancy_id: int):
    return render_vacancy(vacancy_id)


# -- the steps: one POST each, parsed into the step's command --------------------------------------

def _participants(text: str | None) -> list[dict]:
    """One participant a line: 'Navn, rolle'."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            name, _, role = line.partition(",")
            out.append({"name": name.strip(), "role": role.strip()})
    return out


def _reason_only_for_objection(form: dict) -> dict:
    """The reason list is on the form for both answers; it counts only with an objection."""
    if form.get("response") != "innsigelse":
        form = {**form, "reason_code": None}
    return form


#: How a form differs from the step's JSON body, where it does.
FORM_ADAPTERS = {
    "open_consultation": lambda form: {**form, "participants": _participants(form.get("participants"))},
    "record_meeting": lambda form: {**form, "participants": _participants(form.get("participants"))},
    "unit_leader_respond": _reason_only_for_objection,
}

#: step -> (the casework function, the message after it was done)
STEP_FUNCTIONS = {
    "nominate": (nominations.nominate, "Kandidaten er nominert."),
    "withdraw_nomination": (nominations.withdraw_nomination, "Nominasjonen er trukket tilbake."),
    "make_recommendation": (recommendations.make_recommendation,
                            "Innstillingen er skrevet. En annen boligkonsulent må godkjenne den."),
    "rank_again": (recommendations.rank_again,
                   "Ny innstilling er skrevet med dagens opplysninger. En annen boligkonsulent må godkjenne den."),
    "approve_recommendation": (recommendations.approve_recommendation,
                               "Innstillingen er godkjent og lagt fram for enhetslederen."),
    "return_recommendation": (recommendations.return_recommendation,
                              "Innstillingen er sendt tilbake; saken er åpen igjen."),
    "unit_leader_respond": (consultation.unit_leader_respond, "Svaret ditt er registrert."),
    "open_consultation": (consultation.open_consultation, "Drøftingsmøtet er kalt inn."),
    "record_meeting": (consultation.record_meeting, "Referatet fra drøftingsmøtet er ført."),
    "decide": (decisions.decide, "Vedtaket er fattet. Vedtaksbrevene kan skrives ut."),
    "decline_offer": (decisions.decline_offer, "Det er registrert at søkeren takket nei."),
    "update_readiness": (vacancies.update_readiness, "Boligens status er oppdatert."),
    "book_viewing": (movein.book_viewing, "Visningen er avtalt. Enhetslederen får beskjed på e-post."),
    "sign_contract": (movein.sign_contract, "Kontrakten er registrert som signert."),
    "complete_movein_step": (movein.complete_movein_step, "Steget er registrert."),
    "register_move_in": (movein.register_move_in, "Innflyttingen er registrert; saken er avsluttet."),
}

# A form that names its own record (a nomination, a recommendation): not finding it is the form's error.
NAMES_A_RECORD = {"nominate", "withdraw_nomination", "approve_recommendation", "return_recommendation"}


def _first_part(path: str) -> str:
    return re.sub(r"\[\d+\].*$", "", path)


#: The form field a confirmation page adds; without it an irreversible step is shown for confirmation first.
CONFIRMED = "bekreftet"

#: Coded answers shown by their label on the confirmation page.
_CODE_LABELS = {"override_code": OVERRIDE_REASONS, "reason_code": DECLINE_REASONS}


def _confirmation(ctx, vacancy_id: int, step, values: dict):
    """The page that asks before an irreversible step (`Step.confirm`), carrying what was typed."""
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    by_nomination = {str(n["id"]): n["candidate"] for n in view.get("nominations", [])}
    shown, hidden = [], []
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            hidden.append((name, one))
        if value in (None, "", []):
            continue
        text = ", ".join(value) if isinstance(value, list) else str(value)
        if name == "nomination_id":
            text = by_nomination.get(text, text)
        text = _CODE_LABELS.get(name, {}).get(text, text)
        shown.append((field_name(name)[:1].upper() + field_name(name)[1:], text))
    return render_template("pages/confirm.html", v=view, step=step, shown=shown, hidden=hidden)


@bp.post("/ledige-boliger/<int:vacancy_id>/<segment>")
@login_required
def act(vacancy_id: int, segment: str):
    step = BY_SEGMENT.get(segment)
    if step is None:
        abort(404)
    function, done = STEP_FUNCTIONS[step.name]
    values = submitted_values()
    confirmed = values.pop(CONFIRMED, None) == "ja"
    form = FORM_ADAPTERS.get(step.name, dict)(values)
    command = commands.parse(commands.STEP_COMMANDS[step.name], form)
    if step.confirm and not confirmed and not command.problems:
        return _confirmation(context(), vacancy_id, step, values)
    try:
        function(context(), vacancy_id, command)
    except CaseworkError as exc:
        if isinstance(exc, NotFound) and step.name not in NAMES_A_RECORD:
            abort(404, exc.message)
        fields = tuple(commands.STEP_COMMANDS[step.name].model_fields)
        return render_vacancy(vacancy_id, failed(step.name, exc, values, known=fields, rename=_first_part))
    flash(done)
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
