"""The waiting list, a new applicant on it, and the candidate page: the checklist form (generated
from rules/felter.yaml) and the housing journal (boligjournal).

The caseworker at the applicant's own office fills the checklist; the first time it
is recorded as the checklist, later as a journal entry with the changed fields and
a note saying why. The allocation team reads it; a unit leader sees only the
shareable fields the applicant consented to share; another office sees nothing.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine.errors import Problem
from service.casework import Forbidden, InvalidInput, NotFound, applicants, commands
from service.domain.codes import ALLOCATION_TEAM, OFFICES, Role
from service.domain.errors import CaseworkError
from service.web.rules import current_rules

from service.web.pages import checklist_form, listing
from service.web.pages.web import FormState, bp, context, failed, login_required, submitted_values

FORM = "checklist"


@bp.get("/sokere")
@login_required
def waiting_list():
    ctx = context()
    try:
        rows = applicants.list_waiting_list(ctx)
    except Forbidden as exc:
        abort(403, exc.message)
    rows, found = listing.find(rows, listing.APPLICANT_COLUMNS, listing.applicant_texts)  # the reader's rows only
    return render_template("pages/waiting_list.html", rows=rows, role=ctx.role, listing=found,
                           target_groups=current_rules().book.vocabulary.get("kandidat.malgrupper").values or {})


def render_candidate(applicant_id: int, state: FormState | None = None):
    state = state or FormState()
    ctx = context()
    try:
        person = applicants.get_candidate(ctx, applicant_id)
    except NotFound as exc:
        abort(404, exc.message)
    except Forbidden as exc:
        abort(403, exc.message)
    fields = checklist_form.form_fields(current_rules().book.vocabulary)
    editable = ctx.role == Role.CASEWORKER and ctx.actor.welfare_office == person["welfare_office"]
    if state.name != FORM:
        state = FormState(name=FORM, values=checklist_form.as_form_values(person.get("checklist"), fields),
                          errors=state.errors, message=state.message)
        state._status = 200
    page = render_template("pages/candidate.html", p=person, fields=fields, state=state, editable=editable,
                           full="journal" in person, team=ctx.role in ALLOCATION_TEAM,
                           target_groups=current_rules().book.vocabulary.get("kandidat.malgrupper").values or {})
    return page, state.status


@bp.get("/sokere/<int:applicant_id>")
@login_required
def candidate(applicant_id: int):
    return render_candidate(applicant_id)


@bp.post("/sokere/<int:applicant_id>/sjekkliste")
@login_required
def save_checklist(applicant_id: int):
    ctx = context()
    values = submitted_values()
    fields = checklist_form.form_fields(current_rules().book.vocabulary)
    known = tuple(f.name for f in checklist_form.flatten(fields)) + ("note",)
    checklist, problems = checklist_form.parse(values, fields)
    note = values.get("note") or None
    try:
        if problems:
            raise InvalidInput(problems)
        person = applicants.get_candidate(ctx, applicant_id)
        current = person.get("checklist")
        if current is None:
            applicants.record_checklist(ctx, applicant_id, commands.parse(commands.RecordChecklist,
                                                                        checklist=checklist, note=note))
            flash("Sjekklisten er ført.")
        else:
            names = [f.name for f in fields]
            changes = {name: checklist.get(name) for name in names if checklist.get(name) != current.get(name)}
            if not changes:
                raise InvalidInput(Problem("", "Ingen felt er endret. Endre minst ett felt i sjekklisten før du "
                                               "lagrer."))
            applicants.record_journal_change(ctx, applicant_id, commands.parse(
                commands.RecordJournalChange, changes=changes, note=note))
            flash("Endringen er ført i boligjournalen.")
    except NotFound as exc:
        abort(404, exc.message)
    except CaseworkError as exc:
        return render_candidate(applicant_id, failed(FORM, exc, values, known=known,
                                                      rename=checklist_form.field_path))
    return redirect(url_for("pages.candidate", applicant_id=applicant_id))


# -- a new applicant on the waiting list ------------------------------------------------------------

NEW = "applicant"
NEW_FIELDS = ("code", "name", "birth_date", "application_received", "target_groups", "welfare_office")


def _render_new(ctx, state: FormState):
    groups = current_rules().book.vocabulary.get("kandidat.malgrupper").values or {}
    page = render_template("pages/new_applicant.html", state=state, target_groups=list(groups.items()),
                           offices=[(o, o) for o in OFFICES], role=ctx.role)
    return page, state.status


@bp.route("/sokere/ny", methods=["GET", "POST"])
@login_required
def register_applicant():
    ctx = context()
    if ctx.role != Role.CASEWORKER and ctx.role not in ALLOCATION_TEAM:
        abort(403, "Søkere føres opp av saksbehandlerne ved helse- og velferdskontorene.")
    if request.method == "GET":
        return _render_new(ctx, FormState())
    values = submitted_values()
    groups = values.get("target_groups", [])
    groups = groups if isinstance(groups, list) else [groups]
    try:
        person = applicants.register_applicant(ctx, commands.parse(
            commands.RegisterApplicant, {**{name: values.get(name) for name in NEW_FIELDS}, "target_groups": groups,
                                         "welfare_office": None if ctx.role == Role.CASEWORKER
                                         else values.get("welfare_office")}))
    except Forbidden as exc:
        abort(403, exc.message)
    except CaseworkError as exc:
        return _render_new(ctx, failed(NEW, exc, values, known=NEW_FIELDS, rename=checklist_form.field_path))
    flash(f"{person['code']} {person['name']} er ført opp på ventelisten. Fyll ut sjekklisten.")
    return redirect(url_for("pages.candidate", applicant_id=person["id"]))
