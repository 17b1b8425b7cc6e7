"""An error logged with its SQL never carries the values: names and health data stay out of the logs."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from service.store.database import make_engine


def test_a_failed_statement_is_reported_without_its_parameters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'logs.sqlite3'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE people (name TEXT UNIQUE)"))
            connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": "Lars Aune"})
        with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
            connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": "Lars Aune"})
        assert "Lars Aune" not in str(caught.value)
        assert "hidden due to hide_parameters" in str(caught.value)
    finally:
        engine.dispose()
