"""Screening the waiting lists against a vacancy (step 4), and nominating from the result.

    /ledige-boliger/{id}/ventelister   every waiting applicant the reader may see, evaluated against
                                       the home by the rules in force (service/casework/screening.py)

Filters (?vurdering=, ?kontor=), the search and sortable columns live in the address, as on
the waiting list. A caseworker whose office has not nominated yet gets a Nominer button
per own applicant: the same POST as the vacancy page's nomination form.
"""

from __future__ import annotations

from flask import abort, render_template, request

from service.casework import Forbidden, IllegalTransition, NotFound, screening, vacancies
from service.domain.codes import OFFICES, Role

from service.web.pages import listing
from service.web.pages.vacancy_pages import actions_for
from service.web.pages.web import bp, context, login_required


@bp.get("/ledige-boliger/<int:vacancy_id>/ventelister")
@login_required
def screening_page(vacancy_id: int):
    ctx = context()
    try:
        view = vacancies.get_vacancy(ctx, vacancy_id)
        result = screening.screen_waiting_list(ctx, vacancy_id)
    except NotFound as exc:
        abort(404, exc.message)
    except (Forbidden, IllegalTransition) as exc:
        abort(403 if isinstance(exc, Forbidden) else 409, exc.message)
    chosen = {"vurdering": request.args.get("vurdering", ""), "kontor": request.args.get("kontor", "")}
    rows = result["applicants"]
    if chosen["vurdering"] in screening.STATUS_LABELS:
        rows = [a for a in rows if a["status"] == chosen["vurdering"]]
    if chosen["kontor"] in OFFICES and ctx.role != Role.CASEWORKER:
        rows = [a for a in rows if a["welfare_office"] == chosen["kontor"]]
    rows, found = listing.find(rows, listing.SCREENING_COLUMNS, listing.screening_texts, filters=tuple(chosen))
    may_nominate = "nominate" in actions_for(ctx, view, None)
    return render_template("pages/screening.html", v=view, s=result, rows=rows, listing=found, chosen=chosen,
                           statuses=screening.STATUS_LABELS, offices=OFFICES, role=ctx.role,
                           may_nominate=may_nominate)
