"""The routine's deadlines (frister): the page of running and late ones, and the reminders button.

    /frister                 the deadlines running now as the reader owns them (the head: all, late first)
    POST /frister/paminnelser  the head (or a consultant) queues reminders for the late steps

The start page shows the same rows for each person (service/web/pages/start.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from service.casework import Forbidden, deadlines
from service.domain.codes import ALLOCATION_TEAM
from service.domain.milestones import BY_KEY

from service.web.pages.web import bp, context, login_required


@bp.get("/frister")
@login_required
def deadlines_page():
    ctx = context()
    try:
        rows = deadlines.running_deadlines(ctx)
    except Forbidden as exc:
        abort(403, exc.message)
    routine = ctx.deadlines()
    return render_template("pages/deadlines.html", deadlines=rows, role=ctx.role, routine=routine,
                           source=routine.source, labels={k: m.label for k, m in BY_KEY.items()},
                           may_remind=ctx.role in ALLOCATION_TEAM)


@bp.post("/frister/paminnelser")
@login_required
def send_reminders():
    try:
        queued = deadlines.queue_reminders(context())
    except Forbidden as exc:
        abort(403, exc.message)
    count = sum(len(q["recipients"]) for q in queued)
    if queued:
        flash(f"{count} {'påminnelse er' if count == 1 else 'påminnelser er'} lagt i utboksen: "
              + "; ".join(f"{q['reference']} til {', '.join(q['recipients'])}" for q in queued) + ".")
    else:
        flash("Ingen nye påminnelser: alle som har passert en frist, har allerede fått påminnelse.")
    return redirect(url_for("pages.deadlines_page"))
