"""The decision letter (vedtak om tildeling av kommunal bolig) to one nominee, printable.

What a letter may say, and to whom, is the casework's (`service.casework.letters`);
this page only lays it out.
"""

from __future__ import annotations

from flask import abort, render_template

from service.casework import CaseworkError, Forbidden, NotFound, letters
from service.web.rules import current_rules

from service.web.pages.web import bp, context, login_required


@bp.get("/ledige-boliger/<int:vacancy_id>/vedtaksbrev/<code>")
@login_required
def decision_letter(vacancy_id: int, code: str):
    try:
        letter = letters.decision_letter(context(), vacancy_id, code)
    except Forbidden:
        abort(403)
    except NotFound as exc:
        abort(404, exc.message)
    except CaseworkError as exc:
        abort(409, exc.message)
    return render_template("pages/letter.html", v=letter.pop("vacancy"), rec=letter.pop("recommendation"),
                           example_policy=current_rules().book.header.eksempel, **letter)
