"""Users (brukere), passwords and API tokens.

Passwords are hashed with werkzeug.security (scrypt by default, salted); API
tokens are random 256-bit strings shown once and stored only as SHA-256 (a
token is not guessable, so a fast hash is enough and makes lookup direct).
No secret lives in the repository: demo passwords exist only in the demo data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import Problem
from engine.language.validation_messages import MISSING, not_a_choice
from service.store.database import begin_write
from service.store.models import ApiToken, AuditEntry, Unit, User

from service.casework.context import Context, system_clock, unit_of_work
from service.domain.codes import OFFICES, ROLE_LABELS, Role
from service.domain.errors import Forbidden, InvalidInput, NotFound, invalid

TOKEN_PREFIX = "bt_"
MIN_PASSWORD_LENGTH = 10


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_view(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
        "role": user.role, "role_label": ROLE_LABELS[Role(user.role)], "welfare_office": user.welfare_office,
        "unit_ids": sorted(user.unit_ids), "active": user.active,
    }


def add_user(session: Session, *, username: str, display_name: str, role: str, now: dt.datetime,
             password: str | None = None, welfare_office: str | None = None, unit_ids: Iterable[str] = (),
             email: str | None = None, password_hash: str | None = None) -> User:
    """Validate and add a user (no permission check: for `create_user`, bootstrap and demo data).

    `password_hash` (already hashed) is for demo data that shares one hash.
    """
    problems = []
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        problems.append(Problem("username", "brukernavnet kan bare ha bokstaver, tall, punktum, - og _"))
    elif session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        problems.append(Problem("username", f"brukernavnet '{username}' er i bruk"))
    if not display_name or not display_name.strip():
        problems.append(Problem("display_name", MISSING))
    try:
        role_value = Role(role)
    except ValueError:
        problems.append(Problem("role", not_a_choice(role, [r.value for r in Role])))
        role_value = None
    if role_value == Role.CASEWORKER and welfare_office not in OFFICES:
        problems.append(Problem("welfare_office", f"en saksbehandler må høre til et av kontorene: "
                                                  f"{', '.join(OFFICES)}"))
    if role_value != Role.CASEWORKER and welfare_office is not None:
        problems.append(Problem("welfare_office", "bare saksbehandlere hører til et helse- og velferdskontor"))
    units = []
    for i, unit_id in enumerate(unit_ids):
        unit = session.get(Unit, unit_id)
        if unit is None:
            problems.append(Problem(f"unit_ids[{i}]", f"botiltaket '{unit_id}' finnes ikke"))
        units.append(unit)
    if units and role_value != Role.UNIT_LEADER:
        problems.append(Problem("unit_ids", "bare enhetsledere knyttes til botiltak"))
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password", f"passordet må ha minst {MIN_PASSWORD_LENGTH} tegn"))
    if problems:
        raise InvalidInput(problems)
    user = User(username=username, display_name=display_name.strip(), role=role_value.value, email=email,
                welfare_office=welfare_office, created_at=now, active=True,
                password_hash=generate_password_hash(password) if password else password_hash)
    user.units = [u for u in units if u is not None]
    session.add(user)
    session.flush()
    return user


@unit_of_work
def create_user(ctx: Context, *, username: str, display_name: str, role: str, password: str | None = None,
                welfare_office: str | None = None, unit_ids: Iterable[str] = (), email: str | None = None) -> dict:
    """An administrator creates a user."""
    ctx.require_role({Role.ADMIN}, "Bare administratorer kan opprette brukere.", action="create_user")
    user = add_user(ctx.session, username=username, display_name=display_name, role=role, now=ctx.now(),
                    password=password, welfare_office=welfare_office, unit_ids=unit_ids, email=email)
    ctx.audit("user_created", username=username, role=role)
    return user_view(user)


def bootstrap_admin(session: Session, username: str, password: str, display_name: str = "Administrator",
                    clock=system_clock) -> User:
    """Create the first administrator of an empty database (refused once any user exists)."""
    if session.scalar(select(func.count(User.id))):
        raise Forbidden("Det finnes allerede brukere; nye brukere opprettes av en administrator.")
    user = add_user(session, username=username, display_name=display_name, role=Role.ADMIN.value,
                    password=password, now=clock())
    session.commit()
    return user


def _login_audit(session: Session, user: User | None, username: str, outcome: str, how: str, now) -> None:
    session.add(AuditEntry(at=now, actor_id=user.id if user else None, actor_username=username[:80],
                           action=f"login_{how}", outcome=outcome, detail={}))


def authenticate_password(session: Session, username: str, password: str, clock=system_clock) -> User | None:
    """The active user with this username and password, or None. Every attempt is audited."""
    begin_write(session)
    user = session.scalar(select(User).where(func.lower(User.username) == (username or "").lower()))
    ok = (user is not None and user.active and user.password_hash is not None
          and check_password_hash(user.password_hash, password or ""))
    _login_audit(session, user if ok else None, username or "", "ok" if ok else "denied", "password", clock())
    session.commit()
    return user if ok else None


def authenticate_token(session: Session, token: str) -> User | None:
    """The active user holding this (unrevoked) API token, or None. Read-only."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                ApiToken.revoked_at.is_(None)))
    user = row.user if row is not None and row.user.active else None
    session.commit()  # end the read transaction; the user stays usable in this session
    return user


@unit_of_work
def issue_token(ctx: Context, label: str, user_id: int | None = None) -> dict:
    """A new API token for `user_id` (default: yourself). The token is returned once, never stored."""
    target_id = ctx.actor.id if user_id is None else user_id
    if target_id != ctx.actor.id and ctx.role != Role.ADMIN:
        raise Forbidden("Bare administratorer kan lage API-nøkler for andre.", action="issue_token")
    target = ctx.get(User, target_id, "Brukeren")
    if not label or not label.strip():
        raise invalid("label", "gi nøkkelen et navn, f.eks. hva den brukes til")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=target.id, token_hash=hash_token(token), label=label.strip(), created_at=ctx.now())
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("token_issued", token_id=row.id, user_id=target.id)
    return {"id": row.id, "label": row.label, "token": token, "user_id": target.id}


@unit_of_work
def revoke_token(ctx: Context, token_id: int) -> dict:
    row = ctx.get(ApiToken, token_id, "API-nøkkelen")
    if row.user_id != ctx.actor.id and ctx.role != Role.ADMIN:
        raise Forbidden("Du kan bare trekke tilbake dine egne API-nøkler.", action="revoke_token")
    if row.revoked_at is None:
        row.revoked_at = ctx.now()
        ctx.audit("token_revoked", token_id=row.id, user_id=row.user_id)
    return {"id": row.id, "revoked_at": row.revoked_at.isoformat()}


@unit_of_work
def change_password(ctx: Context, old_password: str, new_password: str) -> dict:
    user = ctx.actor
    if user.password_hash is None or not check_password_hash(user.password_hash, old_password or ""):
        raise invalid("old_password", "passordet stemmer ikke")
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        raise invalid("new_password", f"passordet må ha minst {MIN_PASSWORD_LENGTH} tegn")
    user.password_hash = generate_password_hash(new_password)
    ctx.audit("password_changed")
    return user_view(user)


@unit_of_work
def set_active(ctx: Context, user_id: int, active: bool) -> dict:
    ctx.require_role({Role.ADMIN}, "Bare administratorer kan deaktivere brukere.", action="set_active")
    user = ctx.get(User, user_id, "Brukeren")
    if user.id == ctx.actor.id and not active:
        raise invalid("active", "du kan ikke deaktivere deg selv")
    user.active = active
    ctx.audit("user_activated" if active else "user_deactivated", user_id=user.id)
    return user_view(user)


@unit_of_work
def list_users(ctx: Context) -> list[dict]:
    ctx.require_role({Role.ADMIN}, "Bare administratorer kan se brukerlisten.", action="list_users")
    return [user_view(u) for u in ctx.session.scalars(select(User).order_by(User.username))]


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Brukeren finnes ikke.")
    return user
