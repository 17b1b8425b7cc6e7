"""A nomination can end as 'not_allocated' (ikke tildelt) when a decision for another nominee stands,
and as 'allocated' (tildelt) when its nominee has moved in.

Only the CHECK constraint on nominations.status changes. PostgreSQL alters it in
place; SQLite cannot alter a constraint, so the table is rebuilt the way SQLite
documents (env.py turns foreign keys off around the migrations, so the tables
that point at nominations keep their rows), with its indexes.

Revision ID: 0002
Revises: 0001

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen here, as the migration wrote them (not imported from the models, which move on).
BEFORE = ('active', 'withdrawn', 'declined')
AFTER = ('active', 'withdrawn', 'declined', 'not_allocated', 'allocated')
CHECK = 'ck_nominations_status_valid'  # the full name: op.f() below keeps it as it is


def _status_in(values) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _rebuild_sqlite(values) -> None:
    op.create_table('_nominations_new',
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
    sa.CheckConstraint(_status_in(values), name=op.f(CHECK)),
    sa.CheckConstraint("welfare_office IN ('Midtbyen', 'Østbyen', 'Lerkendal', 'Heimdal')", name=op.f('ck_nominations_office_valid')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_nominations_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_nominations_closed_by_users')),
    sa.ForeignKeyConstraint(['nominated_by'], ['users.id'], name=op.f('fk_nominations_nominated_by_users')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_nominations_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations'))
    )
    columns = ("id, vacancy_id, applicant_id, welfare_office, status, nominated_by, nominated_at, closed_by, "
               "closed_at, close_reason")
    op.execute(f"INSERT INTO _nominations_new ({columns}) SELECT {columns} FROM nominations")
    op.drop_table('nominations')
    op.rename_table('_nominations_new', 'nominations')
    op.create_index(op.f('ix_nominations_applicant_id'), 'nominations', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_nominations_vacancy_id'), 'nominations', ['vacancy_id'], unique=False)
    op.create_index('uq_nominations_active_per_office', 'nominations', ['vacancy_id', 'welfare_office'], unique=True,
                    sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))


def _change(values) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(values)
    else:
        op.drop_constraint(op.f(CHECK), 'nominations', type_='check')
        op.create_check_constraint(op.f(CHECK), 'nominations', _status_in(values))


def upgrade() -> None:
    _change(AFTER)


def downgrade() -> None:
    op.execute("UPDATE nominations SET status = 'withdrawn' WHERE status = 'not_allocated'")
    op.execute("UPDATE nominations SET status = 'active' WHERE status = 'allocated'")
    _change(BEFORE)
