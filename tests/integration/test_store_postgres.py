"""The store on PostgreSQL: same migrations, same guards, the routine end to end.

Runs when TEST_DATABASE_URL is set; required in CI (see store_support.postgres_url).
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from service.casework import decisions, movein, recommendations, vacancies
from service.store.models import Base
from support.store import lade_to_decision
from service.casework import commands


def test_on_postgresql_the_models_and_migrations_agree_and_the_audit_log_is_append_only(postgres_world):
    w = postgres_world
    with w.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    with w.engine.connect() as connection:
        with pytest.raises(DatabaseError, match="kan bare utvides"):
            connection.execute(text("DELETE FROM audit_log"))


def test_on_postgresql_a_vacancy_goes_to_a_signed_contract_and_reranks_identically(postgres_world):
    w = postgres_world
    vacancy_id = lade_to_decision(w)
    decisions.decline_offer(w.ctx('hvk.ostbyen'), vacancy_id, commands.parse(commands.DeclineOffer,
                                                                             reason_code='beliggenhet'))
    from service.casework import consultation
    consultation.unit_leader_respond(w.ctx('leder.lade'), vacancy_id,
        commands.parse(commands.UnitLeaderRespond, response='enig'))
    decisions.decide(w.ctx('konsulent.jonas'), vacancy_id, commands.parse(commands.Decide, candidate='K-2031'))
    vacancies.update_readiness(w.ctx('leder.lade'), vacancy_id, commands.parse(commands.UpdateReadiness,
                                                                               readiness='ready'))
    movein.book_viewing(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.BookViewing,
                                                                            viewing_at='2026-12-02T12:00:00'))
    movein.sign_contract(w.ctx('konsulent.anne'), vacancy_id, commands.parse(commands.SignContract))
    detail = vacancies.get_vacancy(w.ctx("konsulent.anne"), vacancy_id)
    assert detail["stage"] == "contract_signed"
    again = recommendations.rerank(w.ctx("konsulent.jonas"), detail["recommendations"][0]["id"])
    assert again["identical"] is True
