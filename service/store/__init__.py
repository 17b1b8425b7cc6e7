"""The store: SQLAlchemy models, Alembic migrations, the rules archive, the outbox, demo data.

    database      make_engine(url), make_session_factory(engine), database_url()
    migrate       upgrade(database_url): the only way the schema is created or changed
    models        the tables (typed SQLAlchemy 2.0 models)
    rules_archive rules bundles kept by content hash; compiled again on demand
    outbox        deliver_outbox(session, smtp_config): no-op unless SMTP is configured
    demo          seed_demo(session): demo users, units, homes, waiting lists, vacancies

Nothing here builds an engine or a session at import time.
"""
