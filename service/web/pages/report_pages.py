"""Report a vacancy (step 1, melding om ledig bolig) with the unit's service offer (step 2).

The unit leader (or the allocation team on the unit's behalf) chooses one of the
unit's homes, gives the dates, the readiness, the rent and the reason, and confirms
or corrects the service profile: staffing day/evening/night, activities, shared
meals, target groups and the leader's contact. The profile fields are generated
from the `botiltak` section of rules/felter.yaml, like the checklist form.

One POST calls `vacancies.report_vacancy` once, with the profile only if it changed:
the notice and the profile are saved together or not at all.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine.errors import Problem
from engine.language.validation_messages import wrong_type
from service.casework import CaseworkError, Forbidden, IllegalTransition, InvalidInput, commands, units, vacancies
from service.domain import access
from service.domain.codes import ALLOCATION_TEAM, READINESS_LABELS, Readiness, Role, Stage
from service.web.rules import current_rules

from service.web.pages import checklist_form
from service.web.pages.web import FormState, blank, bp, context, failed, login_required, submitted_values

FORM = "report"
PROFILE_SECTION = "botiltak"
NOT_IN_FORM = ("id", "navn")  # the unit's own id and name are not the leader's to change here
VACANCY_FIELDS = ("home_id", "reported_on", "vacated_on", "ready_on", "readiness", "monthly_rent", "reason",
                  "departing_resident")
REPORTERS = ALLOCATION_TEAM | {Role.UNIT_LEADER}


def profile_fields() -> list[checklist_form.FormField]:
    fields = checklist_form.form_fields(current_rules().book.vocabulary, PROFILE_SECTION)
    return [f for f in fields if f.name not in NOT_IN_FORM]


def _units_for(ctx) -> list[dict]:
    """The units the user may report for, with their homes."""
    return [u for u in units.list_units(ctx) if access.may_act_for_unit(ctx.actor, u["id"])]


def _homes_in_progress(ctx) -> dict[int, str]:
    """home id -> the reference of its vacancy still in progress (not moved in)."""
    return {v["home"]["id"]: v["reference"] for v in vacancies.list_vacancies(ctx)
            if v["stage"] != Stage.MOVED_IN.value}


def _profile_of(unit: dict) -> dict:
    return {k: v for k, v in unit.items() if k not in ("id", "name", "homes")}


def _same(a, b) -> bool:
    """Two profiles alike, the order of a multiple choice aside."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def _rename(path: str) -> str:
    """A casework problem path as the form's field name (`service_profile.bemanning.dag` -> `bemanning.dag`)."""
    if path.startswith("service_profile."):
        return checklist_form.field_path(path[len("service_profile."):])
    return checklist_form.field_path(path)


def _known(fields) -> tuple[str, ...]:
    """The names an error can sit next to (a whole missing group goes on top of the form)."""
    return VACANCY_FIELDS + tuple(f.name for f in checklist_form.flatten(fields) if f.kind != "objekt")


def _render(ctx, unit: dict | None, choices: list[dict], state: FormState):
    fields = profile_fields()
    in_progress = _homes_in_progress(ctx) if unit else {}
    homes = []
    for h in (unit or {}).get("homes", []):
        label = f"{h['address']} ({h['rom']} rom, {h['etasje']}. etasje)"
        if h["id"] in in_progress:
            label += f" – allerede meldt ledig ({in_progress[h['id']]})"
        homes.append((str(h["id"]), label))
    residents = []
    if unit:
        residents = [(r.code, r.code) for r in units.current_residents(ctx, unit["id"])]
        ctx.session.commit()
    if unit and state.name != FORM:
        values = {"readiness": Readiness.VACATED.value, "reported_on": ctx.today().isoformat(),
                  **checklist_form.as_form_values(_profile_of(unit), fields)}
        state = FormState(name=FORM, values=values, errors=state.errors, message=state.message)
    page = render_template("pages/report.html", unit=unit, units=choices, homes=homes, residents=residents,
                           fields=fields, state=state,
                           readiness=[(r.value, label) for r, label in READINESS_LABELS.items()])
    return page, state.status


def _unit_chosen(ctx, choices: list[dict]) -> dict | None:
    wanted = request.values.get("botiltak")
    if wanted:
        unit = next((u for u in choices if u["id"] == wanted), None)
        if unit is None:
            abort(403, "Du kan bare melde ledige boliger i ditt eget botiltak.")
        return unit
    return choices[0] if len(choices) == 1 else None


def _int_or_raw(value):
    """'9 900' -> 9900; text that is no whole number is passed on as typed (the casework refuses it)."""
    value = blank(value)
    if value is None:
        return None, None
    cleaned = str(value).replace(" ", "").replace("\u00a0", "")
    try:
        return int(cleaned), None
    except ValueError:
        return value, Problem("monthly_rent", wrong_type(value, "et helt kronebeløp (bare sifre, f.eks. 9900)"))


@bp.route("/ledige-boliger/meld-ledig", methods=["GET", "POST"])
@login_required
def report_vacancy():
    ctx = context()
    if ctx.role not in REPORTERS:
        abort(403, "Ledige boliger meldes av enhetslederen ved botiltaket eller av boligtildelingen.")
    choices = _units_for(ctx)
    ctx.session.commit()
    if not choices:
        abort(403, "Du er ikke knyttet til noe botiltak.")
    unit = _unit_chosen(ctx, choices)
    if request.method == "GET" or unit is None:
        return _render(ctx, unit, choices, FormState())

    values = submitted_values()
    fields = profile_fields()
    profile, problems = checklist_form.parse(values, fields)
    rent, rent_problem = _int_or_raw(values.get("monthly_rent"))
    home = blank(values.get("home_id"))
    if home is None:
        problems.append(Problem("home_id", "velg boligen som er ledig"))
    elif not any(str(h["id"]) == home for h in unit["homes"]):
        problems.append(Problem("home_id", "boligen hører ikke til botiltaket"))
    changed = not _same(profile, _profile_of(unit))
    try:
        if problems:  # the form itself could not be read: nothing is sent to the casework
            raise InvalidInput(problems + ([rent_problem] if rent_problem else []))
        try:
            created = vacancies.report_vacancy(ctx, commands.parse(commands.ReportVacancy, {
                **{name: values.get(name) for name in VACANCY_FIELDS}, "home_id": home, "monthly_rent": rent,
                "service_profile": profile if changed else None}))
        except InvalidInput as exc:
            raise InvalidInput(([rent_problem] if rent_problem else []) + exc.problems) from None
        except IllegalTransition as exc:
            raise InvalidInput(Problem("home_id", exc.message)) from None
    except Forbidden as exc:
        abort(403, exc.message)
    except CaseworkError as exc:
        return _render(ctx, unit, choices, failed(FORM, exc, values, known=_known(fields), rename=_rename))
    flash(f"Boligen er meldt ledig som {created['reference']}."
          + (" Tjenestetilbudet er oppdatert." if changed else " Tjenestetilbudet er bekreftet uendret."))
    return redirect(url_for("pages.vacancy", vacancy_id=created["id"]))
