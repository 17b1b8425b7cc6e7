"""Pages for the people in the routine (bokmål, server-rendered, no JavaScript needed).

One blueprint, `pages`, one module per subject; the address says which:

    /logg-inn, /logg-ut, /                     start            log in / out, the start page per role
    /ledige-boliger/meld-ledig                 report_pages     report a vacancy (step 1), the unit's offer (step 2)
    /ledige-boliger, /ledige-boliger/{id},     vacancy_pages    the overview (step 3), the vacancy page, one POST
    /ledige-boliger/{id}/<step>, .../tidslinje                  per step of the routine (named as in
                                                                service/domain/steps.py), the timeline
    /ledige-boliger/{id}/ventelister           screening_pages  the waiting lists screened against the home (step 4)
    /ledige-boliger/{id}/vedtaksbrev/{kode}    letters          the decision letter (vedtak) per nominee
    /sokere, /sokere/ny, /sokere/{id}          candidate_pages  waiting list, new applicant, checklist, journal
    /regelverk, .../endringer, .../konsekvens  policy_pages     the rules in words, versions side by side, impact
    /revisjon?soker={kode}                     audit_pages      who read and changed an applicant's data
    /nokkeltall                                kpi_pages        the key figures: charts, tables, downloads
    /frister                                   deadline_pages   the deadlines running now, reminders for late steps

    web              login state, the request's casework context, CSRF, form state
    checklist_form   the checklist form generated from the field vocabulary in rules/
    formatting       Jinja filters: dates, booleans and codes in bokmål

The pages read their forms into the casework's commands, the same models as the
API's bodies, and call the same casework functions with the same context, so
limits, access rules, units of work and audit entries are the same.
"""

from __future__ import annotations

from service.web.pages.web import bp
from service.web.pages import (audit_pages, candidate_pages, deadline_pages, formatting, kpi_pages,  # noqa: E402,F401
                               letters, policy_pages, report_pages, screening_pages, start,
                               vacancy_pages)  # (register routes)

__all__ = ["bp"]
