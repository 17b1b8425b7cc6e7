"""`/api/v1/login`, `/logout`, `/me`, `/tokens`: a person's session and their API tokens."""

from __future__ import annotations

from typing import Optional

from flask import Blueprint, request, session
from pydantic import BaseModel, ConfigDict, Field

from service.casework import accounts
from service.web.api.operations import operation, parse_body, respond
from service.domain.errors import TooManyAttempts
from service.web.auth import SESSION_USER, begin_login, casework_context, clock, end_login
from service.web.errors import ApiError
from service.web.security import csrf_token
from service.web.store import db_session

bp = Blueprint("session", __name__, url_prefix="/api/v1")

class LoginBody(BaseModel):
    """Innlogging for personer: brukernavn og passord."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80, description="Brukernavnet.")
    password: str = Field(min_length=1, max_length=1000, description="Passordet.")


class TokenBody(BaseModel):
    """En ny API-nøkkel for den innloggede brukeren."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=200, description="Hva nøkkelen brukes til.")


class UserOut(BaseModel):
    """Brukeren som er logget inn."""

    id: int
    username: str
    display_name: str
    email: Optional[str] = None
    role: str
    role_label: str
    welfare_office: Optional[str] = None
    unit_ids: list[str]
    active: bool
    csrf_token: Optional[str] = Field(None, description="Send den som X-CSRF-Token ved endringer med "
                                                          "øktinformasjonskapselen (innlogget i nettleseren).")


class TokenInfoOut(BaseModel):
    """En API-nøkkel slik den kan vises: aldri selve nøkkelen (bare en hash er lagret)."""

    id: int
    label: str
    user_id: int
    created_at: str
    expires_at: Optional[str] = None
    revoked_at: Optional[str] = None


class TokenOut(TokenInfoOut):
    """En ny API-nøkkel: vises bare denne ene gangen."""

    token: str


@operation(bp, "POST", "/login", summary="Logg inn (setter øktinformasjonskapselen)", body=LoginBody,
           response=UserOut, errors=(401, 422))
def login():
    body = parse_body(LoginBody)
    try:
        user = accounts.authenticate_password(db_session(), body.username, body.password, clock=clock(),
                                              address=request.remote_addr)
    except TooManyAttempts as exc:
        raise ApiError(429, exc.message, headers={"Retry-After": str(exc.retry_after)}) from exc
    if user is None:
        raise ApiError(401, "Feil brukernavn eller passord.")
    begin_login(user)
    return respond({**accounts.user_view(user), "csrf_token": csrf_token()}, UserOut)


@operation(bp, "POST", "/logout", summary="Logg ut (innloggingen avsluttes, også for kopier av "
                                          "informasjonskapselen)", errors=())
def logout():
    end_login()
    return respond({"logged_out": True})


@operation(bp, "GET", "/me", summary="Brukeren som er logget inn", response=UserOut, errors=(401,))
def me():
    ctx = casework_context()
    token = csrf_token() if session.get(SESSION_USER) == ctx.actor.id else None  # for cookie logins
    return respond({**accounts.user_view(ctx.actor), "csrf_token": token}, UserOut)


@operation(bp, "POST", "/tokens", summary="Lag en API-nøkkel for deg selv (vises én gang; utløper etter 90 dager)",
           body=TokenBody, response=TokenOut, status=201, errors=(401, 422))
def create_token():
    body = parse_body(TokenBody)
    ctx = casework_context()
    return respond(accounts.issue_token(ctx, body.label), TokenOut, status=201)


@operation(bp, "GET", "/tokens", summary="Dine API-nøkler (en administrator: alle), uten selve nøkkelen",
           response=list[TokenInfoOut], errors=(401,))
def list_tokens():
    return respond(accounts.list_tokens(casework_context()), list[TokenInfoOut])


@operation(bp, "POST", "/tokens/<int:token_id>/revoke", summary="Trekk tilbake en API-nøkkel",
           response=TokenInfoOut, errors=(401, 403, 404))
def revoke_token(token_id: int):
    return respond(accounts.revoke_token(casework_context(), token_id), TokenInfoOut)
