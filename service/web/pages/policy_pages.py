"""The rules for people: the policy in force in words, versions compared side by side, a draft's impact.

Everyone logged in may read the rules (an allocation must be explainable);
running an impact analysis on stored cases is for policy staff (see service/casework/policy.py).
"""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, render_template, request

from engine import RulesError, load_rules
from service.casework import CaseworkError
from service.reports.impact_report import render_html
from service.casework.policy import POLICY_ROLES, list_drafts, run_impact
from service.reports.policy_text import diff_entries
from service.web.rules import drafts_folder, rules_holder
from service.reports.rules_listing import BLOCK_TEXT, list_rules

from service.web.pages.web import FormState, bp, context, failed, login_required


@bp.get("/regelverk")
@login_required
def policy():
    ctx = context()
    holder = rules_holder()
    library = holder.library()
    today = dt.date.today()
    in_force = holder.for_date(today) if any(b.effective_from <= today for b in library.versions) else None
    listing = list_rules(in_force) if in_force else None
    return render_template("pages/policy.html", listing=listing, versions=library.versions, today=today,
                           in_force=in_force, refused=holder.refused, drafts=list_drafts(drafts_folder()),
                           may_run_impact=ctx.role in POLICY_ROLES, block_text=BLOCK_TEXT)


@bp.get("/regelverk/endringer")
@login_required
def policy_diff():
    """Two versions side by side: `fra`/`til` content hashes of loaded versions, or `utkast` against today's."""
    context()
    library = rules_holder().library()
    by_hash = {b.content_hash: b for b in library.versions}
    before = by_hash.get(request.args.get("fra", ""))
    draft_name = request.args.get("utkast")
    after, problems = None, []
    if draft_name:
        if draft_name not in list_drafts(drafts_folder()):
            abort(404, f"Utkastet '{draft_name}' finnes ikke.")
        try:
            after = load_rules(drafts_folder() / draft_name)
        except RulesError as exc:
            problems = [str(p) for p in exc.problems]
        before = before or library.in_force(dt.date.today())
    else:
        after = by_hash.get(request.args.get("til", ""))
    if before is None or (after is None and not problems):
        abort(404, "Velg to versjoner å sammenligne.")
    entries, unchanged = ([], 0)
    if after is not None:
        entries, unchanged = diff_entries(list_rules(library.compiled(before)),
                                          list_rules(_compiled(library, after)))
    return render_template("pages/policy_diff.html", before=before, after=after, entries=entries,
                           unchanged=unchanged, problems=problems, draft_name=draft_name)


def _compiled(library, book):
    """A loaded version comes compiled from the library; a draft is compiled for this page only."""
    from engine import CompiledRules
    return library.compiled(book) if library.by_hash(book.content_hash) else CompiledRules(book)


@bp.route("/regelverk/konsekvens", methods=["GET", "POST"])
@login_required
def policy_impact():
    ctx = context()
    if ctx.role not in POLICY_ROLES:
        abort(403, "Konsekvensanalyser kjøres av rådgivere for regelverket og avdelingslederen.")
    form = FormState()
    if request.method == "POST":
        name = request.form.get("utkast", "")
        try:
            report, draft = run_impact(ctx, name, drafts=drafts_folder(), library=rules_holder().library(),
                                       database_url=current_app.config["DATABASE_URL"])
        except RulesError as exc:
            form = FormState(name="konsekvens", values={"utkast": name},
                             errors={"utkast": "Utkastet er ugyldig: " + "; ".join(str(p) for p in exc.problems)})
            form._status = 422
        except CaseworkError as exc:
            form = failed("konsekvens", exc, {"utkast": name}, known=("utkast",))
        else:
            return Response(render_html(report, draft), mimetype="text/html")
    return render_template("pages/policy_impact.html", drafts=list_drafts(drafts_folder()), form=form,
                           drafts_folder=drafts_folder().name), form.status
