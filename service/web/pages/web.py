"""What every page needs: who is logged in, the casework context, CSRF, and form state.

A page that changes something is a POST form. On success it redirects (so a reload
does not repeat the step) with a flashed message; on a refused step it renders the
page again with the message next to the field it concerns and the typed values
kept. The casework functions are units of work, so a refused step saved nothing.
"""

from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, abort, g, redirect, request, session, url_for

from service.web.auth import SESSION_USER, casework_context, current_user
from service.web.security import CSRF_KEY, csrf_token
from service.domain.errors import CaseworkError, InvalidInput
from service.domain.field_names import field_name, in_words
from service.casework.commands import DATE_FORMATS, MOMENT_FORMATS
from service.casework.context import Context
from service.web.errors import status_of

bp = Blueprint("pages", __name__)



# -- who is logged in --------------------------------------------------------------------------

def page_user():
    """The logged-in user (session cookie), or None."""
    if "page_user" not in g:
        found = None
        if SESSION_USER in session:
            found = current_user()
        g.page_user = found[0] if found else None
    return g.page_user


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if page_user() is None:
            return redirect(url_for("pages.login", neste=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def context() -> Context:
    return casework_context()


# -- CSRF: a per-session token in every form ----------------------------------------------------

@bp.before_app_request
def _check_csrf():
    if request.method != "POST" or request.blueprint != "pages":
        return None
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get(CSRF_KEY, "")):
        abort(400)
    return None


@bp.app_context_processor
def _page_globals():
    return {"csrf_token": csrf_token, "page_user": page_user,
            "date_formats": DATE_FORMATS, "moment_formats": MOMENT_FORMATS}


# -- forms and their errors ---------------------------------------------------------------------

@dataclass
class FormState:
    """One form on a page: the values typed, a message per field, and a message for the whole form."""

    name: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def error(self, form: str, path: str) -> str | None:
        return self.errors.get(path) if form == self.name else None

    def value(self, form: str, path: str, default: Any = "") -> Any:
        if form != self.name:
            return default
        return self.values.get(path, default)

    def values_of(self, form: str, path: str) -> list[str]:
        if form != self.name:
            return []
        v = self.values.get(path)
        return v if isinstance(v, list) else ([] if v in (None, "") else [v])

    def general(self, form: str) -> str | None:
        return self.message if form == self.name else None

    @property
    def status(self) -> int:
        return self._status

    _status: int = 200


def submitted_values() -> dict[str, Any]:
    """The posted form as typed: lists for repeated names, strings otherwise (the CSRF token left out)."""
    out: dict[str, Any] = {}
    for key in request.form:
        if key == "csrf_token":
            continue
        values = request.form.getlist(key)
        out[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    return out


def failed(form: str, exc: CaseworkError, values: dict | None = None, *, known: tuple[str, ...] | None = None,
           rename: Callable[[str], str] | None = None) -> FormState:
    """The form state after a refused step: field problems next to their fields, the rest on top.

    `known` are the form's field names (None: any path is a field); a problem whose
    path is not one of them is shown for the whole form. `rename` maps a problem path to a field name.
    """
    state = FormState(name=form, values=values if values is not None else submitted_values())
    state._status = status_of(exc)
    if isinstance(exc, InvalidInput):
        general = []
        for problem in exc.problems:
            path = rename(problem.path) if rename else problem.path
            if (path in known) if known is not None else bool(path):
                state.errors.setdefault(path, problem.message)
            else:
                # a path that names no field of ours (a nominee in the ranking) is already in the message
                named = field_name(problem.path) != problem.path
                general.append(in_words(problem.path, problem.message) if named else problem.message)
        state.message = ("Skjemaet har feil. Se merknadene ved feltene." if not general else "; ".join(general))
    else:
        state.message = exc.message
    return state


def blank(value: Any) -> Any:
    """'' (an empty input) as None, so the casework applies its own default or 'required' check."""
    if isinstance(value, str) and not value.strip():
        return None
    return value
