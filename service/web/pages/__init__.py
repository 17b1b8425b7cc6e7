"""Pages for the people in the routine (bokmål, server-rendered, no JavaScript needed).

One blueprint, `pages`, one module per subject:

    web              login state, the request's casework context, CSRF, form errors
    start            log in / out and the start page per role (what waits for you)
    report_pages     report a vacancy (step 1) with the unit's service offer (step 2)
    vacancy_pages    the vacancy overview (step 3), the vacancy page and its actions, the timeline
    candidate_pages  the waiting list and the candidate page: checklist form and housing journal
    letters          the decision letter (vedtak) per nominee, printable
    policy_pages     the rules in words, versions side by side, a draft's impact (policy staff)
    checklist_form   the checklist form generated from the field vocabulary in rules/
    formatting       Jinja filters: dates, booleans and codes in bokmål

The pages call the same casework functions as the API with the same context,
so access rules, units of work and audit entries are the same.
"""

from __future__ import annotations

from service.web.pages.web import bp
from service.web.pages import candidate_pages, formatting, letters, policy_pages, report_pages, start, vacancy_pages  # noqa: E402,F401  (register routes)

__all__ = ["bp"]
