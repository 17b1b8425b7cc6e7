"""The store's tables as SQLAlchemy 2.0 typed models.

The ORM depends on the domain (`service.domain.codes` codes), never the
reverse. The schema is created only by the migrations in `migrations/`; a test
checks that these models and the migrations agree.

Append-only tables (audit log, timeline, housing journal, recommendations, the
rules archive, approvals, responses, declined offers) refuse UPDATE and DELETE
with a database trigger, installed by the migration, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from service.domain.codes import (DECLINE_REASONS, MEETING_OUTCOMES, OBJECTION_REASONS, OFFICES,
                                     OVERRIDE_REASONS, ApplicantStatus, MoveInStep, NominationStatus, Readiness,
                                     Response, Role, Stage)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """A moment in time: stored as naive UTC, read back as timezone-aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("tidspunkt uten tidssone kan ikke lagres")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


def _in(column: str, values) -> str:
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


#: Tables whose rows are never changed or deleted once written.
APPEND_ONLY_TABLES = ("audit_log", "vacancy_events", "journal_entries", "recommendations",
                      "recommendation_approvals", "rules_bundles", "rules_bundle_files",
                      "unit_leader_responses", "declined_offers")


# -- people ---------------------------------------------------------------------------------

class UserUnit(Base):
    """Which units (botiltak) a unit leader answers for."""

    __tablename__ = "user_units"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class User(Base):
    """A person or machine that uses the service (bruker), with one role."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", [r.value for r in Role]), name="role_valid"),
        CheckConstraint("role <> 'caseworker' OR welfare_office IS NOT NULL", name="caseworker_has_office"),
        CheckConstraint("welfare_office IS NULL OR " + _in("welfare_office", OFFICES), name="office_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[Optional[str]] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    welfare_office: Mapped[Optional[str]] = mapped_column(String(32))
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]

    units: Mapped[list["Unit"]] = relationship(secondary="user_units", lazy="selectin")
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def unit_ids(self) -> set[str]:
        return {u.id for u in self.units}


class ApiToken(Base):
    """A machine token (API-nøkkel); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[Optional[dt.datetime]]
    expires_at: Mapped[Optional[dt.datetime]]  # None: made before tokens expired (migration 0003)

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginSession(Base):
    """A person's login (innlogging), kept by the service so that it can be ended.

    The browser's cookie holds only a random secret; its SHA-256 is here. Logging out,
    deactivating the user or changing the password ends the row, and so every copy of
    the cookie. Idle and absolute timeouts are checked against `last_seen_at` and
    `created_at`.
    """

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    ended_at: Mapped[Optional[dt.datetime]]
    end_reason: Mapped[Optional[str]] = mapped_column(String(32))


class LoginFailures(Base):
    """Failed logins in a row for one username or one address: what the throttle counts."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "user:<name>" or "ip:<address>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime]
    locked_until: Mapped[Optional[dt.datetime]]


# -- units, homes, residents -------------------------------------------------------------

class Unit(Base):
    """A housing unit (botiltak) and its service profile.

    `profile` holds the rest of the engine's `botiltak` section (malgrupper,
    bemanning, aktiviteter, felles_maltider, leder ...), validated against the
    vocabulary, so a field policy staff add there needs no migration.
    """

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]

    homes: Mapped[list["Home"]] = relationship(back_populates="unit")


class Home(Base):
    """A home (bolig) in a unit; `facts` is the engine's `bolig` section less the address."""

    __tablename__ = "homes"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), unique=True)
    facts: Mapped[dict[str, Any]]

    unit: Mapped[Unit] = relationship(back_populates="homes")


class Resident(Base):
    """A current or former resident (beboer), anonymised: a code and the facts composition rules need."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    facts: Mapped[dict[str, Any]]
    moved_in_on: Mapped[Optional[dt.date]]
    moved_out_on: Mapped[Optional[dt.date]]


# -- applicants and the housing journal ----------------------------------------------------

class Applicant(Base):
    """An applicant (søker) on a welfare office's waiting list.

    `code` is the candidate id the engine and the other parties see (K-2031);
    name and birth date are for the office and the allocation team only.
    Consent to share with the unit is documented in the checklist (`samtykke_deling`).
    """

    __tablename__ = "applicants"
    __table_args__ = (
        CheckConstraint(_in("welfare_office", OFFICES), name="office_valid"),
        CheckConstraint(_in("status", [s.value for s in ApplicantStatus]), name="status_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date]
    welfare_office: Mapped[str] = mapped_column(String(32), index=True)
    application_received: Mapped[dt.date]
    target_groups: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(16), default=ApplicantStatus.WAITING.value)
    registered_at: Mapped[dt.datetime]


class JournalEntry(Base):
    """One entry in the housing journal (boligjournal): append-only.

    `kind` is `checklist` (a complete checklist, sjekkliste) or `change` (some
    fields changed, in `changes`); `checklist` always holds the complete version
    that applies from this entry on, validated against the vocabulary.
    """

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("applicant_id", "seq", name="uq_journal_entries_applicant_seq"),
        CheckConstraint("kind IN ('checklist', 'change')", name="kind_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    checklist: Mapped[dict[str, Any]]
    changes: Mapped[Optional[dict[str, Any]]]
    note: Mapped[Optional[str]] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime]


# -- vacancies and the routine ------------------------------------------------------------

class Vacancy(Base):
    """A vacant home (ledig bolig) carried through the routine.

    `stage` is where the case is in the routine; `readiness` is the home's
    physical state. `version` guards against two people moving the same case at once.
    At most one vacancy per home is in progress (partial unique index).
    """

    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint(_in("stage", [s.value for s in Stage]), name="stage_valid"),
        CheckConstraint(_in("readiness", [r.value for r in Readiness]), name="readiness_valid"),
        CheckConstraint("monthly_rent IS NULL OR monthly_rent >= 0", name="rent_not_negative"),
        Index("uq_vacancies_home_in_progress", "home_id", unique=True,
              sqlite_where=text("stage <> 'moved_in'"), postgresql_where=text("stage <> 'moved_in'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[Optional[str]] = mapped_column(String(40), unique=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    readiness: Mapped[str] = mapped_column(String(32))
    reported_on: Mapped[dt.date]
    vacated_on: Mapped[Optional[dt.date]]
    ready_on: Mapped[Optional[dt.date]]
    decided_on: Mapped[Optional[dt.date]]
    moved_in_on: Mapped[Optional[dt.date]]
    monthly_rent: Mapped[Optional[int]]
    reason: Mapped[Optional[str]] = mapped_column(Text)
    reported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    home: Mapped[Home] = relationship()
    nominations: Mapped[list["Nomination"]] = relationship(back_populates="vacancy", order_by="Nomination.id")

    __mapper_args__ = {"version_id_col": version}


class Nomination(Base):
    """A welfare office's nomination (nominasjon) of one applicant for a vacancy.

    One ACTIVE nomination per office per vacancy: a partial unique index, so the
    database refuses a second one even when two requests race.
    """

    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint(_in("status", [s.value for s in NominationStatus]), name="status_valid"),
        CheckConstraint(_in("welfare_office", OFFICES), name="office_valid"),
        Index("uq_nominations_active_per_office", "vacancy_id", "welfare_office", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    welfare_office: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=NominationStatus.ACTIVE.value)
    nominated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[dt.datetime]
    closed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[Optional[dt.datetime]]
    close_reason: Mapped[Optional[str]] = mapped_column(Text)

    vacancy: Mapped[Vacancy] = relationship(back_populates="nominations")
    applicant: Mapped[Applicant] = relationship()


class RulesBundle(Base):
    """A rules version (regelverk) kept by content hash, so it can be used again later."""

    __tablename__ = "rules_bundles"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    effective_from: Mapped[dt.date]
    stored_at: Mapped[dt.datetime]

    files: Mapped[list["RulesBundleFile"]] = relationship(order_by="RulesBundleFile.filename")


class RulesBundleFile(Base):
    __tablename__ = "rules_bundle_files"
    bundle_hash: Mapped[str] = mapped_column(ForeignKey("rules_bundles.content_hash"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(120), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


class Recommendation(Base):
    """The recommendation (innstilling): an immutable snapshot of one ranking.

    `input` is the exact case given to the engine, `result` the engine's answer,
    `rules_hash` the rules version (kept in rules_bundles) - enough to rank again
    later and get the identical result.
    """

    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    as_of: Mapped[dt.date]
    input: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    input_hash: Mapped[str] = mapped_column(String(64))
    rules_hash: Mapped[str] = mapped_column(ForeignKey("rules_bundles.content_hash"))
    rules_label: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime]


class RecommendationApproval(Base):
    """The second consultant's approval (fire øyne); at most one per recommendation."""

    __tablename__ = "recommendation_approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), unique=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved: Mapped[bool]
    note: Mapped[Optional[str]] = mapped_column(Text)
    decided_at: Mapped[dt.datetime]


class UnitLeaderResponse(Base):
    """The unit leader's answer (step 7): agree, or object with a coded reason."""

    __tablename__ = "unit_leader_responses"
    __table_args__ = (
        CheckConstraint(_in("response", [r.value for r in Response]), name="response_valid"),
        CheckConstraint("(response = 'enig' AND reason_code IS NULL) OR "
                        "(response = 'innsigelse' AND " + _in("reason_code", OBJECTION_REASONS) + ")",
                        name="objection_has_reason"),
        CheckConstraint("reason_code IS NULL OR reason_code <> 'annet' OR reason_text IS NOT NULL",
                        name="other_has_text"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    presented: Mapped[list[Any]]
    response: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[Optional[str]] = mapped_column(String(32))
    reason_text: Mapped[Optional[str]] = mapped_column(Text)
    preferred_candidate: Mapped[Optional[str]] = mapped_column(String(40))
    responder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[dt.datetime]


class ConsultationMeeting(Base):
    """A consultation meeting (drøftingsmøte, step 8): called, then held with minutes and an outcome."""

    __tablename__ = "consultation_meetings"
    __table_args__ = (
        CheckConstraint("outcome IS NULL OR " + _in("outcome", MEETING_OUTCOMES), name="outcome_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime]
    scheduled_for: Mapped[Optional[dt.datetime]]
    participants: Mapped[list[Any]]
    held_on: Mapped[Optional[dt.date]]
    minutes: Mapped[Optional[str]] = mapped_column(Text)
    outcome: Mapped[Optional[str]] = mapped_column(String(16))
    recorded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[Optional[dt.datetime]]


class Decision(Base):
    """The allocation decision (vedtak, step 9).

    Choosing anyone but the top-ranked candidate needs a coded override reason.
    `status` becomes `declined` when the applicant turns the offer down.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("status IN ('current', 'declined')", name="status_valid"),
        CheckConstraint("override_code IS NULL OR " + _in("override_code", OVERRIDE_REASONS),
                        name="override_valid"),
        CheckConstraint("candidate_code = top_candidate_code OR override_code IS NOT NULL",
                        name="override_needs_reason"),
        CheckConstraint("override_code IS NULL OR override_code <> 'annet' OR override_text IS NOT NULL",
                        name="other_has_text"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    candidate_code: Mapped[str] = mapped_column(String(40))
    top_candidate_code: Mapped[str] = mapped_column(String(40))
    override_code: Mapped[Optional[str]] = mapped_column(String(32))
    override_text: Mapped[Optional[str]] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime]
    decided_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default="current")

    applicant: Mapped[Applicant] = relationship()
    nomination: Mapped[Nomination] = relationship()


class DeclinedOffer(Base):
    """An applicant turned the offer down (takket nei); the reason is kept."""

    __tablename__ = "declined_offers"
    __table_args__ = (
        CheckConstraint(_in("reason_code", DECLINE_REASONS), name="reason_valid"),
        CheckConstraint("reason_code <> 'annet' OR reason_text IS NOT NULL", name="other_has_text"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    reason_code: Mapped[str] = mapped_column(String(32))
    reason_text: Mapped[Optional[str]] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime]


class MoveInStepRecord(Base):
    """A step of the move-in (steps 10-11) for the decision that stands."""

    __tablename__ = "movein_steps"
    __table_args__ = (
        UniqueConstraint("decision_id", "step", name="uq_movein_steps_decision_step"),
        CheckConstraint(_in("step", [s.value for s in MoveInStep]), name="step_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    step: Mapped[str] = mapped_column(String(40))
    scheduled_for: Mapped[Optional[dt.datetime]]
    done_on: Mapped[Optional[dt.date]]
    note: Mapped[Optional[str]] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime]


# -- what happened: outbox, timeline, audit ---------------------------------------------------

class OutboxMessage(Base):
    """A notification (varsel) queued in the same transaction as the step that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("recipient_kind IN ('office', 'unit')", name="recipient_kind_valid"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[Optional[int]] = mapped_column(ForeignKey("vacancies.id"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(120))
    to_address: Mapped[Optional[str]] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[Optional[dt.datetime]]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)


class VacancyEvent(Base):
    """One step in a vacancy's timeline (tidslinje): append-only, shown in order."""

    __tablename__ = "vacancy_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"), index=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]]


class AuditEntry(Base):
    """The audit log (revisjonslogg): every write and every read of a person's data.

    No foreign keys on purpose: the log must outlive and never block what it describes.
    """

    __tablename__ = "audit_log"
    __table_args__ = (CheckConstraint("outcome IN ('ok', 'denied')", name="outcome_valid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor_id: Mapped[Optional[int]]
    actor_username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(8))
    vacancy_id: Mapped[Optional[int]] = mapped_column(index=True)
    applicant_id: Mapped[Optional[int]] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]]
