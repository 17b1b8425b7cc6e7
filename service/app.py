"""The Flask application factory: pages, the ranking API and the casework API over the store.

    create_app()                    rules from RULES_DIR (default: rules/ or $BOLIGTILDELING_RULES),
                                    the store at DATABASE_URL (default: $DATABASE_URL, else a SQLite
                                    file in the instance folder, created and migrated on first run)
    create_app({"RULES_DIR": ..., "DATABASE_URL": ..., "DEMO_DATA": True, "SECRET_KEY": ...})
                                    for tests and `boligtildeling serve`
    create_app({"INSTANCE_PATH": ...})  another instance folder (database, secret key)

The rules are loaded and compiled once, at start-up: invalid rules stop the
service with RulesError (its message names every problem), they are never half
served. The database is migrated to the newest schema at start-up.
"""

from __future__ import annotations

from flask import Flask

from . import api, auth, casework_api, impact_api, health, openapi, pages, rules_holder, store_binding
from .config import default_rules_dir
from .errors import register_error_handlers

MAX_CASE_BYTES = 2 * 1024 * 1024  # a case with dozens of candidates is a few kB


def create_app(test_config: dict | None = None) -> Flask:
    config = dict(test_config or {})
    app = Flask(__name__, instance_path=config.pop("INSTANCE_PATH", None))
    app.config.from_mapping(
        RULES_DIR=str(default_rules_dir()),
        MAX_CONTENT_LENGTH=MAX_CASE_BYTES,
        DATABASE_URL=None,
        DEMO_DATA=False,
    )
    app.config.from_mapping(config)

    try:
        holder = rules_holder.init_app(app)
    except Exception:
        app.logger.error("Regelverket i %s kunne ikke lastes; tjenesten starter ikke.", app.config["RULES_DIR"])
        raise
    store_binding.init_app(app, holder.current())
    auth.init_app(app)

    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(casework_api.bp)
    app.register_blueprint(impact_api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    return app
