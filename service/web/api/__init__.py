"""The JSON API, one blueprint module per area; the address says which:

    POST /api/v1/rank                                rank.py       rank a case, every point explained
    /api/v1/rules, .../status, .../drafts, .../impact  rules.py    the rules in force, versions, a draft's impact
    /api/v1/login, /logout, /me, /tokens             session.py    a person's session and API tokens
    /api/v1/units, /vacancies..., /applicants...,    casework.py   the routine: one POST per step,
    /recommendations...                                            /vacancies/{id}/<step> (service/domain/steps.py)
    /healthz                                         health.py
    /openapi.json                                    openapi.py    built from the routes the app serves

    operations.py  parse a body into its model, answer JSON, register a route with its description
    case_body.py   a case from a JSON or YAML body
    schemas.py     the answers' models as the document describes them
"""
