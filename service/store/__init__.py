"""The store: SQLAlchemy models, Alembic migrations, the rules archive, the outbox.

    database      make_engine(url), make_session_factory(engine), database_url()
    migrate       upgrade(database_url): the only way the schema is created or changed
    models        the tables (typed SQLAlchemy 2.0 models)
    rules_archive rules bundles kept by content hash; compiled again on demand
    outbox        deliver_outbox(session, smtp_config): no-op unless SMTP is configured

The store imports the domain's codes (service/domain/), never the casework that
uses it; the demo data is built through the casework in service/demo.py.
Nothing here builds an engine or a session at import time.
"""
