"""The Flask application factory: pages and the JSON API over the ranking engine.

    create_app()                    rules from RULES_DIR (default: rules/ or $BOLIGTILDELING_RULES)
    create_app({"RULES_DIR": ...})  for tests and `boligtildeling serve --rules DIR`

The rules are loaded and compiled once, at start-up: invalid rules stop the
service with RulesError (its message names every problem), they are never half
served.
"""

from __future__ import annotations

from flask import Flask

from . import api, health, openapi, pages, rules_holder
from .config import default_rules_dir
from .errors import register_error_handlers

MAX_CASE_BYTES = 2 * 1024 * 1024  # a case with dozens of candidates is a few kB


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        RULES_DIR=str(default_rules_dir()),
        MAX_CONTENT_LENGTH=MAX_CASE_BYTES,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)

    try:
        rules_holder.init_app(app)
    except Exception:
        app.logger.error("Regelverket i %s kunne ikke lastes; tjenesten starter ikke.", app.config["RULES_DIR"])
        raise

    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    return app
