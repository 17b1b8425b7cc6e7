"""The allocation routine as casework (saksbehandling): state transitions over the store.

Modules, one subject each (import the one you need; each public function takes a
`Context` - session, actor, clock, rules - and is one unit of work: it commits on
success and rolls back on any error, so a refused step changes nothing):

    context          Context, the unit-of-work decorator, timeline and audit helpers
    commands         one pydantic model per request: the API's bodies and the pages' forms read into them
    accounts         users, passwords (werkzeug.security), API tokens, login
    vacancies        report a vacancy (step 1-2), readiness, open-vacancies overview (step 3),
                     vacancy detail, timeline and measures
    applicants       waiting lists, checklist and housing journal (step 5), reading a candidate
    nominations      nominate and withdraw (step 4)
    recommendations  recommendation with the engine, four-eyes approval, re-ranking (step 6)
    consultation     the unit leader's answer, consultation meeting (steps 7-8)
    decisions        the allocation decision and declined offers (step 9)
    movein           viewing, contract, after-contract steps, moving in (steps 10-11)
    units            units (botiltak), their service offer, homes and residents
    notifications    bokmål messages queued in the outbox
    policy           drafts of the rules and their impact on stored cases (policy staff)
    audit            who read and changed an applicant's data (GDPR art. 15)
    views            plain JSON-able dicts for the HTTP layer

Each step of the routine on a vacancy is a function named as the step in the
step table (service/domain/steps.py), taking `(ctx, vacancy_id, command)`.
The rules without a database are in service/domain/: codes and stages, the
step table, access (who sees what), metrics, errors.
"""

from service.domain.errors import CaseworkError, Forbidden, IllegalTransition, InvalidInput, NotFound

__all__ = ["CaseworkError", "Forbidden", "IllegalTransition", "InvalidInput", "NotFound"]
