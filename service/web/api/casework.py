"""The allocation routine over HTTP: `/api/v1/units`, `/vacancies`, `/applicants`, `/recommendations`.

Each step of the routine on a vacancy is `POST /api/v1/vacancies/{vacancy_id}/<step>`,
generated from the step table (service/domain/steps.py): the body is the step's
command (service/casework/commands.py) and the casework function of the same
name does it. Each view reads the body into its model, builds the request's
casework context (401 without a login or token) and calls one casework function;
the casework's named errors become 404/403/409/422 in service/web/errors.py.
Reads of a person's data are audited by the casework functions themselves.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, request

from service.casework import (applicants, commands, consultation, deadlines, decisions, movein, nominations,
                              recommendations, screening, units, vacancies)
from engine import Problem, RankingResult
from service.web.errors import ApiError
from service.domain.steps import STEPS, Step
from service.web.api.operations import operation, parse_body, respond
from service.web.api.schemas import (ApplicantOut, DecisionOut, DeclinedOut, EventOut, JournalEntryOut, MeetingOut,
                                     MetricsOut, MovedInOut, MoveInStepOut, NominationOut, RecommendationOut,
                                     DeadlineOut, ReminderOut, ScreeningOut, UnitLeaderResponseOut, UnitOut, VacancyOut)
from service.web.auth import casework_context, require_login

bp = Blueprint("casework", __name__, url_prefix="/api/v1")
bp.before_request(require_login)  # 401 before anything else, the body included

WRITE_ERRORS = (401, 403, 404, 409, 422)
VACANCY = "/vacancies/<int:vacancy_id>"

#: step -> (the casework function that does it, what it answers, the status of a success)
STEP_HANDLERS: dict[str, tuple[Callable, Any, int]] = {
    "nominate": (nominations.nominate, NominationOut, 201),
    "withdraw_nomination": (nominations.withdraw_nomination, NominationOut, 200),
    "make_recommendation": (recommendations.make_recommendation, RecommendationOut, 201),
    "rank_again": (recommendations.rank_again, RecommendationOut, 201),
    "approve_recommendation": (recommendations.approve_recommendation, RecommendationOut, 200),
    "return_recommendation": (recommendations.return_recommendation, RecommendationOut, 200),
    "unit_leader_respond": (consultation.unit_leader_respond, UnitLeaderResponseOut, 201),
    "open_consultation": (consultation.open_consultation, MeetingOut, 201),
    "record_meeting": (consultation.record_meeting, MeetingOut, 200),
    "decide": (decisions.decide, DecisionOut, 201),
    "decline_offer": (decisions.decline_offer, DeclinedOut, 201),
    "book_viewing": (movein.book_viewing, MoveInStepOut, 201),
    "sign_contract": (movein.sign_contract, MoveInStepOut, 201),
    "complete_movein_step": (movein.complete_movein_step, MoveInStepOut, 201),
    "register_move_in": (movein.register_move_in, MovedInOut, 200),
    "update_readiness": (vacancies.update_readiness, VacancyOut, 200),
}


def _step_view(step: Step) -> Callable:
    function, answer, status = STEP_HANDLERS[step.name]
    command = commands.STEP_COMMANDS[step.name]

    def view(vacancy_id: int):
        body = parse_body(command)
        return respond(function(casework_context(), vacancy_id, body), answer, status)

    view.__name__ = step.name
    view.__doc__ = step.summary
    return operation(bp, "POST", f"{VACANCY}/{step.segment}", summary=step.summary, body=command,
                     response=answer, status=status, errors=WRITE_ERRORS)(view)


STEP_VIEWS = {step.name: _step_view(step) for step in STEPS}


# -- units and homes ---------------------------------------------------------------------------

@operation(bp, "GET", "/units", summary="Botiltakene med tjenestetilbud og boliger (ingen personopplysninger)",
           response=list[UnitOut], errors=(401,))
def list_units():
    return respond(units.list_units(casework_context()), list[UnitOut])


# -- vacancies (steps 1-3) -------------------------------------------------------------------

@operation(bp, "POST", "/vacancies", summary="Meld en bolig ledig (steg 1-2)", body=commands.ReportVacancy,
           response=VacancyOut, status=201, errors=WRITE_ERRORS)
def report_vacancy():
    body = parse_body(commands.ReportVacancy)
    return respond(vacancies.report_vacancy(casework_context(), body), VacancyOut, 201)


@operation(bp, "GET", "/vacancies", summary="Oversikt over ledige boliger (steg 3)", response=list[VacancyOut],
           errors=(401, 403, 422), query=[{
               "name": "stage", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "Uten: boligene som er åpne for nominasjoner (oversikten til kontorene). "
                              "Med et steg (open, recommended, approved, ..., moved_in) eller all: alle saker "
                              "i det steget, med nøkkeltall (for boligtildelingen og enhetslederne)."}])
def list_vacancies():
    ctx = casework_context()
    stage = request.args.get("stage") or request.args.get("status")
    if stage is None:
        return respond(vacancies.list_open_vacancies(ctx), list[VacancyOut])
    return respond(vacancies.list_vacancies(ctx, None if stage == "all" else stage), list[VacancyOut])


@operation(bp, "GET", VACANCY, summary="En sak slik du har tilgang til å se den", response=VacancyOut)
def get_vacancy(vacancy_id: int):
    return respond(vacancies.get_vacancy(casework_context(), vacancy_id), VacancyOut)


@operation(bp, "GET", VACANCY + "/timeline", summary="Sakens tidslinje: hva, hvem, når", response=list[EventOut])
def timeline(vacancy_id: int):
    return respond(vacancies.timeline(casework_context(), vacancy_id), list[EventOut])


@operation(bp, "GET", VACANCY + "/metrics", summary="Saksbehandlingstid, ledige dager og tomgangstap",
           response=MetricsOut)
def metrics(vacancy_id: int):
    return respond(vacancies.vacancy_metrics(casework_context(), vacancy_id), MetricsOut)


SCREENING_STATUS = {"name": "status", "in": "query", "required": False,
                    "description": "Bare søkere med denne vurderingen.",
                    "schema": {"type": "string", "enum": list(screening.STATUS_LABELS)}}


@operation(bp, "GET", VACANCY + "/screening", response=ScreeningOut, query=[SCREENING_STATUS],
           summary="Ventelistene sjekket mot boligen (steg 4): hvem kan tildeles, hvem blokkeres og hvorfor",
           description="Boligtildelingen ser alle kontorenes ventelister, en saksbehandler sitt eget kontors. "
                       "Hver søker rangeres mot boligen etter regelverket som gjelder i dag, som om alle var "
                       "nominert. Bare søkere som venter.", errors=(400, 401, 403, 404, 409))
def screening_list(vacancy_id: int):
    wanted = request.args.get("status")
    if wanted is not None and wanted not in screening.STATUS_LABELS:
        raise ApiError(400, "Ugyldig parameter", [Problem(
            path="status", message=f"'{wanted}' må være en av: {', '.join(screening.STATUS_LABELS)}")])
    result = screening.screen_waiting_list(casework_context(), vacancy_id)
    if wanted is not None:
        result["applicants"] = [a for a in result["applicants"] if a["status"] == wanted]
    return respond(result, ScreeningOut)


@operation(bp, "GET", VACANCY + "/ranking-preview", response=RankingResult, errors=(401, 403, 404, 409, 422),
           summary="Forhåndsvisning av rangeringen av de nominerte, før innstillingen skrives (lagres ikke)")
def ranking_preview(vacancy_id: int):
    return respond(recommendations.preview_ranking(casework_context(), vacancy_id), RankingResult)


# -- deadlines (frister) -----------------------------------------------------------------------

@operation(bp, "GET", "/deadlines", response=list[DeadlineOut], errors=(400, 401, 403), query=[{
               "name": "overdue", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
               "description": "true: bare frister som er passert."}],
           summary="Fristene som løper nå for det du skal gjøre (avdelingslederen: alle)",
           description="Fristene og målene står i rutine/frister.yaml. Over fristen først, så etter dato.")
def deadline_list():
    overdue = request.args.get("overdue", "false")
    if overdue not in ("true", "false", "1", "0"):
        raise ApiError(400, "Ugyldig parameter", [Problem(path="overdue", message=f"'{overdue}' må være true eller false")])
    return respond(deadlines.running_deadlines(casework_context(), overdue_only=overdue in ("true", "1")),
                   list[DeadlineOut])


@operation(bp, "POST", "/deadlines/reminders", response=list[ReminderOut], errors=(401, 403),
           summary="Send påminnelser om steg over fristen (én gang per frist og mottaker)")
def send_reminders():
    return respond(deadlines.queue_reminders(casework_context()), list[ReminderOut])


# -- applicants, checklist, housing journal (step 5) ------------------------------------------

@operation(bp, "GET", "/applicants", summary="Ventelisten (en saksbehandler: eget kontor)",
           response=list[ApplicantOut], errors=(401, 403), query=[{
               "name": "welfare_office", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "Kontoret (Midtbyen, Østbyen, Lerkendal, Heimdal)."}])
def waiting_list():
    office = request.args.get("welfare_office")
    return respond(applicants.list_waiting_list(casework_context(), office), list[ApplicantOut])


@operation(bp, "POST", "/applicants", summary="Før opp en søker på ventelisten", body=commands.RegisterApplicant,
           response=ApplicantOut, status=201, errors=WRITE_ERRORS)
def register_applicant():
    body = parse_body(commands.RegisterApplicant)
    return respond(applicants.register_applicant(casework_context(), body), ApplicantOut, 201)


@operation(bp, "GET", "/applicants/<int:applicant_id>",
           summary="En kandidat med sjekkliste og boligjournal, slik du har tilgang til å se (logges)",
           response=ApplicantOut)
def get_candidate(applicant_id: int):
    return respond(applicants.get_candidate(casework_context(), applicant_id), ApplicantOut)


@operation(bp, "POST", "/applicants/<int:applicant_id>/checklist", summary="Før sjekklisten (steg 5)",
           body=commands.RecordChecklist, response=JournalEntryOut, status=201, errors=WRITE_ERRORS)
def record_checklist(applicant_id: int):
    body = parse_body(commands.RecordChecklist)
    return respond(applicants.record_checklist(casework_context(), applicant_id, body), JournalEntryOut, 201)


@operation(bp, "POST", "/applicants/<int:applicant_id>/journal",
           summary="Endring i sjekklisten som ny journalføring (boligjournal)", body=commands.RecordJournalChange,
           response=JournalEntryOut, status=201, errors=WRITE_ERRORS)
def record_journal_change(applicant_id: int):
    body = parse_body(commands.RecordJournalChange)
    return respond(applicants.record_journal_change(casework_context(), applicant_id, body), JournalEntryOut, 201)


# -- a stored recommendation ------------------------------------------------------------------

@operation(bp, "GET", "/recommendations/<int:recommendation_id>",
           summary="Innstillingen slik du har tilgang til å se den (logges)", response=RecommendationOut)
def get_recommendation(recommendation_id: int):
    return respond(recommendations.get_recommendation(casework_context(), recommendation_id), RecommendationOut)


@operation(bp, "POST", "/recommendations/<int:recommendation_id>/rerank",
           summary="Ranger lagret inndata på nytt med lagret regelverksversjon", errors=WRITE_ERRORS)
def rerank(recommendation_id: int):
    return respond(recommendations.rerank(casework_context(), recommendation_id))
