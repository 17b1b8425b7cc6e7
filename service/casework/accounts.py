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

from service.casework import logins
from service.casework.context import Context, system_clock, unit_of_work
from service.domain.codes import OFFICES, ROLE_LABELS, Role
from service.domain import passwords
from service.domain.errors import Forbidden, InvalidInput, NotFound, TooManyAttempts, invalid

TOKEN_PREFIX = "bt_"
TOKEN_LIFETIME = dt.timedelta(days=90)  # a token for a system is renewed on purpose, not forgotten


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
    if password is not None:
        problems.extend(Problem("password", message) for message in passwords.problems(password, username))
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


def _login_audit(session: Session, user: User | None, username: str, outcome: str, how: str, now,
                 **detail) -> None:
    session.add(AuditEntry(at=now, actor_id=user.id if user else None, actor_username=username[:80],
                           action=f"login_{how}", outcome=outcome, detail=detail))


_UNKNOWN_USER_HASH: list[str] = []


def _unknown_user_hash() -> str:
    """A hash to check a password against when the username is unknown, so both take the same time."""
    if not _UNKNOWN_USER_HASH:
        _UNKNOWN_USER_HASH.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _UNKNOWN_USER_HASH[0]


def authenticate_password(session: Session, username: str, password: str, clock=system_clock,
                          address: str | None = None) -> User | None:
    """The active user with this username and password, or None. Every attempt is audited.

    Throttled per username and per address (service/casework/logins.py): a locked key
    raises TooManyAttempts before the password is checked. An unknown username costs
    the same password check as a known one, so the answer's time does not tell.
    """
    now = clock()
    login_keys = logins.keys(username, address)
    wait = logins.locked_for(session, login_keys, now)
    if wait:
        begin_write(session)
        _login_audit(session, None, username or "", "denied", "password", now, throttled=True, retry_after=wait)
        session.commit()
        raise TooManyAttempts(wait)
    begin_write(session)
    user = session.scalar(select(User).where(func.lower(User.username) == (username or "").lower()))
    stored = user.password_hash if user is not None and user.password_hash else None
    matches = check_password_hash(stored or _unknown_user_hash(), password or "")
    ok = user is not None and user.active and stored is not None and matches
    if ok:
        logins.succeeded(session, username)
    else:
        logins.failed(session, login_keys, now)
    _login_audit(session, user if ok else None, username or "", "ok" if ok else "denied", "password", now)
    session.commit()
    return user if ok else None


def authenticate_token(session: Session, token: str, clock=system_clock) -> User | None:
    """The active user holding this unrevoked, unexpired API token, or None. Read-only."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is not None and row.expires_at is not None and row.expires_at <= clock():
        row = None
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
    row = ApiToken(user_id=target.id, token_hash=hash_token(token), label=label.strip(), created_at=ctx.now(),
                   expires_at=ctx.now() + TOKEN_LIFETIME)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("token_issued", token_id=row.id, user_id=target.id)
    return {**token_view(row), "token": token}


def token_view(row: ApiToken) -> dict:
    """A token as it may be listed: never the token itself (only its hash is stored)."""
    return {"id": row.id, "label": row.label, "user_id": row.user_id, "created_at": row.created_at.isoformat(),
            "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}


@unit_of_work
def list_tokens(ctx: Context, user_id: int | None = None) -> list[dict]:
    """Your own tokens (an administrator: anyone's, or all with user_id None)."""
    query = select(ApiToken).order_by(ApiToken.id)
    if ctx.role != Role.ADMIN:
        query = query.where(ApiToken.user_id == ctx.actor.id)
    elif user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return [token_view(t) for t in ctx.session.scalars(query)]


@unit_of_work
def revoke_token(ctx: Context, token_id: int) -> dict:
    row = ctx.get(ApiToken, token_id, "API-nøkkelen")
    if row.user_id != ctx.actor.id and ctx.role != Role.ADMIN:
        raise Forbidden("Du kan bare trekke tilbake dine egne API-nøkler.", action="revoke_token")
    if row.revoked_at is None:
        row.revoked_at = ctx.now()
        ctx.audit("token_revoked", token_id=row.id, user_id=row.user_id)
    return token_view(row)


@unit_of_work
def change_password(ctx: Context, old_password: str, new_password: str) -> dict:
    user = ctx.get(User, ctx.actor.id, "Brukeren")
    if user.password_hash is None or not check_password_hash(user.password_hash, old_password or ""):
        raise invalid("old_password", "passordet stemmer ikke")
    ended = replace_password(ctx.session, user, new_password, ctx.now(), "password_changed")
    ctx.audit("password_changed", logins_ended=ended)
    return user_view(user)


def replace_password(session: Session, user: User, new_password: str, now: dt.datetime, reason: str) -> int:
    """Check the policy, store the new hash and end the user's logins (how many); the caller audits."""
    wrong = passwords.problems(new_password, user.username)
    if wrong:
        raise InvalidInput([Problem("new_password", message) for message in wrong])
    user.password_hash = generate_password_hash(new_password)
    return logins.end_all(session, user.id, now, reason)


def deactivate(session: Session, user: User, now: dt.datetime) -> int:
    """No more logins for `user`: inactive, every login ended, every token revoked; the caller audits."""
    user.active = False
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    return logins.end_all(session, user.id, now, "user_deactivated")


@unit_of_work
def set_password(ctx: Context, user_id: int, new_password: str) -> dict:
    """An administrator sets a user's password (a forgotten one); the user's logins end."""
    ctx.require_role({Role.ADMIN}, "Bare administratorer kan sette passord for andre.", action="set_password")
    user = ctx.get(User, user_id, "Brukeren")
    ended = replace_password(ctx.session, user, new_password, ctx.now(), "password_set")
    ctx.audit("password_set", user_id=user.id, logins_ended=ended)
    return user_view(user)


@unit_of_work
def set_active(ctx: Context, user_id: int, active: bool) -> dict:
    ctx.require_role({Role.ADMIN}, "Bare administratorer kan deaktivere brukere.", action="set_active")
    user = ctx.get(User, user_id, "Brukeren")
    if user.id == ctx.actor.id and not active:
        raise invalid("active", "du kan ikke deaktivere deg selv")
    if active:
        user.active, ended = True, 0
    else:
        ended = deactivate(ctx.session, user, ctx.now())
    ctx.audit("user_activated" if active else "user_deactivated", user_id=user.id, logins_ended=ended)
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
