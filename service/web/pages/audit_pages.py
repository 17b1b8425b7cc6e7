"""`/revisjon`: who read and changed an applicant's data, when, for the head of allocation (GDPR art. 15)."""

from __future__ import annotations

from flask import abort, render_template, request

from service.casework import audit
from service.domain.errors import Forbidden, NotFound
from service.web.pages.web import bp, context, login_required


@bp.get("/revisjon")
@login_required
def applicant_audit():
    ctx = context()
    if ctx.role not in audit.AUDITORS:
        abort(403, "Revisjonsloggen leses av avdelingslederen for boligtildeling.")
    code = (request.args.get("soker") or "").strip()
    found, message = None, None
    if code:
        try:
            found = audit.applicant_audit(ctx, code[:40])
        except NotFound as exc:
            message = exc.message
        except Forbidden as exc:
            abort(403, exc.message)
    return render_template("pages/audit.html", code=code, found=found, message=message)
