"""The Flask application factory: pages, the ranking API and the casework API over the store.

    create_app()                    rules from RULES_DIR (default: rules/ or $BOLIGTILDELING_RULES),
                                    the store at DATABASE_URL (default: $DATABASE_URL, else a SQLite
                                    file in the instance folder, created and migrated on first run)
    create_app({"RULES_DIR": ..., "DATABASE_URL": ..., "DEMO_DATA": True, "SECRET_KEY": ...})
                                    for tests and `boligtildeling serve`
    create_app({"INSTANCE_PATH": ...})  another instance folder (database, secret key)
    create_app({"ROUTINE_FILE": ...})   another file of deadlines and targets (default rutine/frister.yaml)

Every rules version is validated and compiled at start-up: invalid rules stop the
service with RulesError (its message names every problem). While serving, a
changed rules folder is reloaded whole or refused whole (service/rules_holder.py),
never half served. The database is migrated to the newest schema at start-up.
"""

from __future__ import annotations

from flask import Flask

from service.config import default_rules_dir, instance_dir, routine_file
from service.routine import RoutineHolder
from service.web import auth, errors, pages, rules, security, store
from service.web.api import casework, health, imports, kpis, openapi, rank, session
from service.web.api import rules as rules_api
from service.web.api.operations import IdConverter

MAX_CASE_BYTES = 2 * 1024 * 1024  # a case with dozens of candidates is a few kB


def create_app(test_config: dict | None = None) -> Flask:
    config = dict(test_config or {})
    app = Flask(__name__, instance_path=str(config.pop("INSTANCE_PATH", None) or instance_dir()))
    app.config.from_mapping(
        RULES_DIR=str(default_rules_dir()),
        ROUTINE_FILE=str(routine_file()),
        MAX_CONTENT_LENGTH=MAX_CASE_BYTES,
        DATABASE_URL=None,
        DEMO_DATA=False,
    )
    app.config.from_mapping(config)

    try:
        holder = rules.init_app(app)
    except Exception:
        app.logger.error("Regelverket i %s kunne ikke lastes; tjenesten starter ikke.", app.config["RULES_DIR"])
        raise
    try:
        app.extensions["routine"] = RoutineHolder(app.config["ROUTINE_FILE"])  # frister og mål
    except Exception:
        app.logger.error("Fristene i %s kunne ikke lastes; tjenesten starter ikke.", app.config["ROUTINE_FILE"])
        raise
    store.init_app(app, holder.current())
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    app.url_map.converters["int"] = IdConverter  # before any route: an id beyond a database key is 404
    for blueprint in (rank.bp, rules_api.bp, session.bp, casework.bp, kpis.bp, imports.bp, openapi.bp, health.bp,
                      pages.bp):
        app.register_blueprint(blueprint)
    return app
