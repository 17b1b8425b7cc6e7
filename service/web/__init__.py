"""The web entry point: the Flask app over the casework, the store and the rules.

    app.py      create_app: config, extensions (rules, store, auth), error handlers, blueprints
    rules.py    the rules holder as an app extension: current_rules(), rules_for(day)
    store.py    the store as an app extension: one session per request
    auth.py     who is asking (token or session cookie) and the request's casework context
    errors.py   named errors to status codes, once, for the API (JSON) and the pages (HTML)
    api/        the JSON API, one blueprint module per area (its URL is its name)
    pages/      the pages people use, in bokmål
"""

from service.web.app import create_app

__all__ = ["create_app"]
