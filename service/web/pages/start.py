"""Log in, log out, and the start page: what waits for the person logged in, by role."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for

from service.domain.errors import TooManyAttempts
from service.web.auth import begin_login, clock, end_login
from service.casework import accounts, applicants, deadlines, vacancies
from service.domain.codes import Role, Stage, describe_role
from service.web.rules import current_rules
from service.web.store import db_session

from service.web.pages.web import FormState, bp, context, page_user

# What waits for whom: (stage, heading, the roles it waits for), in the routine's order.
WAITING = [
    (Stage.OPEN, "Nominasjoner som venter på innstilling", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.RECOMMENDED, "Innstillinger som venter på godkjenning (fire øyne)",
     {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.APPROVED, "Innstillinger du skal svare på", {Role.UNIT_LEADER}),
    (Stage.APPROVED, "Innstillinger hos enhetslederen", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.OBJECTED, "Innsigelser: kall inn til drøftingsmøte", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.IN_CONSULTATION, "Drøftingsmøter: før referat", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.DISPUTED, "Uenighet etter drøftingsmøte: du avgjør", {Role.HEAD_OF_ALLOCATION}),
    (Stage.DISPUTED, "Uenighet etter drøftingsmøte: hos avdelingslederen", {Role.CONSULTANT}),
    (Stage.AGREED, "Klar for vedtak", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.DECIDED, "Tildelt: avtal visning når boligen er klar", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.DECIDED, "Tildelt: meld boligen klar", {Role.UNIT_LEADER}),
    (Stage.VIEWING_BOOKED, "Visning avtalt: registrer kontrakten", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
    (Stage.CONTRACT_SIGNED, "Kontrakt signert: innflytting", {Role.CONSULTANT, Role.HEAD_OF_ALLOCATION}),
]


@bp.route("/logg-inn", methods=["GET", "POST"])
def login():
    state = FormState()
    target = _safe_next(request.values.get("neste"))
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        state = FormState(name="login", values={"username": username})
        if not username:
            state.errors["username"] = "Skriv brukernavnet ditt."
        if not password:
            state.errors["password"] = "Skriv passordet ditt."
        if not state.errors:
            try:
                user = accounts.authenticate_password(db_session(), username, password, clock=clock(),
                                                      address=request.remote_addr)
            except TooManyAttempts as exc:
                state.message = exc.message
                return render_template("pages/login.html", state=state, neste=target), 429, {
                    "Retry-After": str(exc.retry_after)}
            if user is not None:
                begin_login(user)
                flash(f"Du er logget inn som {user.display_name}, {describe_role(user.role, user.welfare_office)}.")
                return redirect(target or url_for("pages.index"))
            state.message = "Feil brukernavn eller passord."
        else:
            state.message = "Skjemaet har feil. Se merknadene ved feltene."
        return render_template("pages/login.html", state=state, neste=target), 401 if state.message else 422
    return render_template("pages/login.html", state=state, neste=target)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: one leading slash, then no scheme, host, backslash or control character.

    Browsers drop tabs and newlines inside a URL, so `/%09/evil.example/` would become
    `//evil.example/`: any control character or whitespace refuses the target.
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7f for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@bp.post("/logg-ut")
def logout():
    end_login()
    flash("Du er logget ut.")
    return redirect(url_for("pages.login"))


@bp.get("/")
def index():
    compiled = current_rules()
    about = {"version": compiled.version, "rules_name": compiled.book.header.navn,
             "example_policy": compiled.book.header.eksempel}
    user = page_user()
    if user is None:
        return render_template("index.html", **about)
    ctx = context()
    role = ctx.role
    groups, nominate, without_checklist = [], [], []
    if role == Role.CASEWORKER:
        nominate = [v for v in vacancies.list_open_vacancies(ctx) if not v.get("own_nomination")]
        without_checklist = [a for a in applicants.list_waiting_list(ctx) if not a["has_checklist"]]
    elif role in (Role.CONSULTANT, Role.HEAD_OF_ALLOCATION, Role.UNIT_LEADER):
        every = vacancies.list_vacancies(ctx)
        for stage, heading, roles in WAITING:
            if role in roles:
                rows = [v for v in every if v["stage"] == stage.value]
                if stage == Stage.OPEN:
                    rows = [v for v in rows if v["nominating_offices"]]
                groups.append((heading, rows))
    own_deadlines = []
    if role in (Role.CASEWORKER, Role.UNIT_LEADER, Role.CONSULTANT, Role.HEAD_OF_ALLOCATION):
        # The head sees what is late in the whole routine; everyone else the deadlines of their own steps.
        own_deadlines = deadlines.running_deadlines(ctx, overdue_only=role == Role.HEAD_OF_ALLOCATION)
    return render_template("pages/start.html", groups=groups, nominate=nominate, own_deadlines=own_deadlines,
                           without_checklist=without_checklist, role=role,
                           role_label=describe_role(role, ctx.actor.welfare_office), **about)
