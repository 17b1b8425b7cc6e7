"""Initial schema: people, units, homes, the routine, audit.

Append-only tables get triggers that refuse UPDATE and DELETE (SQLite and PostgreSQL).

Revision ID: 0001
Revises: (none)

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# Frozen here: a later migration that adds an append-only table adds its own trigger.
APPEND_ONLY = ("audit_log", "vacancy_events", "journal_entries", "recommendations",
               "recommendation_approvals", "rules_bundles", "rules_bundle_files",
               "unit_leader_responses", "declined_offers")


def _install_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION refuse_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'tabellen % kan bare utvides, ikke endres', TG_TABLE_NAME;
            END $$""")
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'tabellen {table} kan bare utvides, ikke endres'); END")
        elif dialect == "postgresql":
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only()")


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_change_append_only()")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('welfare_office', sa.String(length=32), nullable=False),
    sa.Column('application_received', sa.Date(), nullable=False),
    sa.Column('target_groups', JSON_TYPE, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'housed')", name=op.f('ck_applicants_status_valid')),
    sa.CheckConstraint("welfare_office IN ('Midtbyen', 'Østbyen', 'Lerkendal', 'Heimdal')", name=op.f('ck_applicants_office_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants')),
    sa.UniqueConstraint('code', name=op.f('uq_applicants_code'))
    )
    op.create_index(op.f('ix_applicants_welfare_office'), 'applicants', ['welfare_office'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_username', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('detail', JSON_TYPE, nullable=False),
    sa.CheckConstraint("outcome IN ('ok', 'denied')", name=op.f('ck_audit_log_outcome_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_applicant_id'), 'audit_log', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_vacancy_id'), 'audit_log', ['vacancy_id'], unique=False)

    op.create_table('rules_bundles',
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('content_hash', name=op.f('pk_rules_bundles'))
    )
    op.create_table('units',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('profile', JSON_TYPE, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('welfare_office', sa.String(length=32), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role <> 'caseworker' OR welfare_office IS NOT NULL", name=op.f('ck_users_caseworker_has_office')),
    sa.CheckConstraint("role IN ('consultant', 'head_of_allocation', 'caseworker', 'unit_leader', 'policy_officer', 'admin')", name=op.f('ck_users_role_valid')),
    sa.CheckConstraint("welfare_office IS NULL OR welfare_office IN ('Midtbyen', 'Østbyen', 'Lerkendal', 'Heimdal')", name=op.f('ck_users_office_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)

    op.create_table('homes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('facts', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_homes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_homes')),
    sa.UniqueConstraint('address', name=op.f('uq_homes_address'))
    )
    op.create_index(op.f('ix_homes_unit_id'), 'homes', ['unit_id'], unique=False)

    op.create_table('journal_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('checklist', JSON_TYPE, nullable=False),
    sa.Column('changes', JSON_TYPE, nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('checklist', 'change')", name=op.f('ck_journal_entries_kind_valid')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_journal_entries_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_journal_entries_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    sa.UniqueConstraint('applicant_id', 'seq', name='uq_journal_entries_applicant_seq')
    )
    op.create_index(op.f('ix_journal_entries_applicant_id'), 'journal_entries', ['applicant_id'], unique=False)

    op.create_table('residents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('facts', JSON_TYPE, nullable=False),
    sa.Column('moved_in_on', sa.Date(), nullable=True),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_residents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residents')),
    sa.UniqueConstraint('code', name=op.f('uq_residents_code'))
    )
    op.create_index(op.f('ix_residents_unit_id'), 'residents', ['unit_id'], unique=False)

    op.create_table('rules_bundle_files',
    sa.Column('bundle_hash', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bundle_hash'], ['rules_bundles.content_hash'], name=op.f('fk_rules_bundle_files_bundle_hash_rules_bundles')),
    sa.PrimaryKeyConstraint('bundle_hash', 'filename', name=op.f('pk_rules_bundle_files'))
    )
    op.create_table('user_units',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_user_units_unit_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_units_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'unit_id', name=op.f('pk_user_units'))
    )
    op.create_table('vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('readiness', sa.String(length=32), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('vacated_on', sa.Date(), nullable=True),
    sa.Column('ready_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('moved_in_on', sa.Date(), nullable=True),
    sa.Column('monthly_rent', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reported_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("readiness IN ('vacated', 'being_prepared', 'ready')", name=op.f('ck_vacancies_readiness_valid')),
    sa.CheckConstraint("stage IN ('open', 'recommended', 'approved', 'agreed', 'objected', 'in_consultation', 'disputed', 'decided', 'viewing_booked', 'contract_signed', 'moved_in')", name=op.f('ck_vacancies_stage_valid')),
    sa.CheckConstraint('monthly_rent IS NULL OR monthly_rent >= 0', name=op.f('ck_vacancies_rent_not_negative')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_vacancies_home_id_homes')),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], name=op.f('fk_vacancies_reported_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies')),
    sa.UniqueConstraint('reference', name=op.f('uq_vacancies_reference'))
    )
    op.create_index(op.f('ix_vacancies_home_id'), 'vacancies', ['home_id'], unique=False)
    op.create_index(op.f('ix_vacancies_stage'), 'vacancies', ['stage'], unique=False)
    op.create_index('uq_vacancies_home_in_progress', 'vacancies', ['home_id'], unique=True, sqlite_where=sa.text("stage <> 'moved_in'"), postgresql_where=sa.text("stage <> 'moved_in'"))

    op.create_table('consultation_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(), nullable=True),
    sa.Column('participants', JSON_TYPE, nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('enighet', 'uenighet')", name=op.f('ck_consultation_meetings_outcome_valid')),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_consultation_meetings_opened_by_users')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_consultation_meetings_recorded_by_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_consultation_meetings_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_meetings'))
    )
    op.create_index(op.f('ix_consultation_meetings_vacancy_id'), 'consultation_meetings', ['vacancy_id'], unique=False)

    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('welfare_office', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('nominated_by', sa.Integer(), nullable=False),
    sa.Column('nominated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('active', 'withdrawn', 'declined')", name=op.f('ck_nominations_status_valid')),
    sa.CheckConstraint("welfare_office IN ('Midtbyen', 'Østbyen', 'Lerkendal', 'Heimdal')", name=op.f('ck_nominations_office_valid')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_nominations_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_nominations_closed_by_users')),
    sa.ForeignKeyConstraint(['nominated_by'], ['users.id'], name=op.f('fk_nominations_nominated_by_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_nominations_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations'))
    )
    op.create_index(op.f('ix_nominations_applicant_id'), 'nominations', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_nominations_vacancy_id'), 'nominations', ['vacancy_id'], unique=False)
    op.create_index('uq_nominations_active_per_office', 'nominations', ['vacancy_id', 'welfare_office'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=True),
    sa.Column('recipient_kind', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=120), nullable=False),
    sa.Column('to_address', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("recipient_kind IN ('office', 'unit')", name=op.f('ck_outbox_recipient_kind_valid')),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_outbox_status_valid')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_outbox_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index(op.f('ix_outbox_status'), 'outbox', ['status'], unique=False)
    op.create_index(op.f('ix_outbox_vacancy_id'), 'outbox', ['vacancy_id'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('input', JSON_TYPE, nullable=False),
    sa.Column('result', JSON_TYPE, nullable=False),
    sa.Column('input_hash', sa.String(length=64), nullable=False),
    sa.Column('rules_hash', sa.String(length=64), nullable=False),
    sa.Column('rules_label', sa.String(length=80), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_recommendations_author_id_users')),
    sa.ForeignKeyConstraint(['rules_hash'], ['rules_bundles.content_hash'], name=op.f('fk_recommendations_rules_hash_rules_bundles')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_recommendations_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations'))
    )
    op.create_index(op.f('ix_recommendations_vacancy_id'), 'recommendations', ['vacancy_id'], unique=False)

    op.create_table('vacancy_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('data', JSON_TYPE, nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_vacancy_events_actor_id_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_vacancy_events_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_events'))
    )
    op.create_index(op.f('ix_vacancy_events_vacancy_id'), 'vacancy_events', ['vacancy_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('candidate_code', sa.String(length=40), nullable=False),
    sa.Column('top_candidate_code', sa.String(length=40), nullable=False),
    sa.Column('override_code', sa.String(length=32), nullable=True),
    sa.Column('override_text', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.CheckConstraint("override_code IS NULL OR override_code <> 'annet' OR override_text IS NOT NULL", name=op.f('ck_decisions_other_has_text')),
    sa.CheckConstraint("override_code IS NULL OR override_code IN ('likeverdig', 'sammensetning', 'tjenester', 'atferd', 'drofting', 'annet')", name=op.f('ck_decisions_override_valid')),
    sa.CheckConstraint("status IN ('current', 'declined')", name=op.f('ck_decisions_status_valid')),
    sa.CheckConstraint('candidate_code = top_candidate_code OR override_code IS NOT NULL', name=op.f('ck_decisions_override_needs_reason')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_decisions_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_decisions_decided_by_users')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_decisions_nomination_id_nominations')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_decisions_recommendation_id_recommendations')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_decisions_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    op.create_index(op.f('ix_decisions_vacancy_id'), 'decisions', ['vacancy_id'], unique=False)

    op.create_table('recommendation_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_recommendation_approvals_approver_id_users')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_approvals_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_approvals')),
    sa.UniqueConstraint('recommendation_id', name=op.f('uq_recommendation_approvals_recommendation_id'))
    )
    op.create_table('unit_leader_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('presented', JSON_TYPE, nullable=False),
    sa.Column('response', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=True),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('preferred_candidate', sa.String(length=40), nullable=True),
    sa.Column('responder_id', sa.Integer(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(response = 'enig' AND reason_code IS NULL) OR (response = 'innsigelse' AND reason_code IN ('tjenester', 'sammensetning', 'atferd', 'annet'))", name=op.f('ck_unit_leader_responses_objection_has_reason')),
    sa.CheckConstraint("reason_code IS NULL OR reason_code <> 'annet' OR reason_text IS NOT NULL", name=op.f('ck_unit_leader_responses_other_has_text')),
    sa.CheckConstraint("response IN ('enig', 'innsigelse')", name=op.f('ck_unit_leader_responses_response_valid')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_unit_leader_responses_recommendation_id_recommendations')),
    sa.ForeignKeyConstraint(['responder_id'], ['users.id'], name=op.f('fk_unit_leader_responses_responder_id_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_unit_leader_responses_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_leader_responses'))
    )
    op.create_index(op.f('ix_unit_leader_responses_vacancy_id'), 'unit_leader_responses', ['vacancy_id'], unique=False)

    op.create_table('declined_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reason_code <> 'annet' OR reason_text IS NOT NULL", name=op.f('ck_declined_offers_other_has_text')),
    sa.CheckConstraint("reason_code IN ('boligen', 'beliggenhet', 'tjenester', 'annen_losning', 'annet')", name=op.f('ck_declined_offers_reason_valid')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_declined_offers_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_declined_offers_decision_id_decisions')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_declined_offers_recorded_by_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_declined_offers_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declined_offers')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_declined_offers_decision_id'))
    )
    op.create_index(op.f('ix_declined_offers_vacancy_id'), 'declined_offers', ['vacancy_id'], unique=False)

    op.create_table('movein_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("step IN ('viewing_booked', 'contract_signed', 'housing_allowance_applied', 'electricity_ordered', 'address_reported')", name=op.f('ck_movein_steps_step_valid')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_movein_steps_decision_id_decisions')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_movein_steps_recorded_by_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_movein_steps_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movein_steps')),
    sa.UniqueConstraint('decision_id', 'step', name='uq_movein_steps_decision_step')
    )
    op.create_index(op.f('ix_movein_steps_vacancy_id'), 'movein_steps', ['vacancy_id'], unique=False)

    _install_append_only_triggers()


def downgrade() -> None:
    """Downgrade schema."""
    _drop_append_only_triggers()
    op.drop_table('movein_steps')
    op.drop_table('declined_offers')
    op.drop_table('unit_leader_responses')
    op.drop_table('recommendation_approvals')
    op.drop_table('decisions')
    op.drop_table('vacancy_events')
    op.drop_table('recommendations')
    op.drop_table('outbox')
    op.drop_table('nominations')
    op.drop_table('consultation_meetings')
    op.drop_table('vacancies')
    op.drop_table('user_units')
    op.drop_table('rules_bundle_files')
    op.drop_table('residents')
    op.drop_table('journal_entries')
    op.drop_table('homes')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('units')
    op.drop_table('rules_bundles')
    op.drop_table('audit_log')
    op.drop_table('applicants')
