"""The allocation routine over HTTP: one POST per transition, GETs for overviews and a person's data.

Each view reads the body into its model, builds the request's casework context (401
without a login or token) and calls one casework function; the casework's named
errors become 404/403/409/422 in errors.py. Reads of a person's data are audited by
the casework functions themselves.
"""

from __future__ import annotations

from flask import Blueprint, request

from service.web.auth import casework_context, require_login
from service.casework import applicants, consultation, decisions, movein, nominations, recommendations, units, vacancies
from service.web.api.operations import body_args, operation, parse_body, respond
from service.web.api.schemas import (ApplicantOut, ChecklistBody, ConsultationBody, ContractBody, DecisionBody,
                              DecisionOut, DeclineBody, DeclinedOut, EventOut, JournalBody, JournalEntryOut,
                              MeetingOut, MetricsOut, MinutesBody, MovedInOut, MoveInBody, MoveInStepBody,
                              MoveInStepOut, NominateBody, NominationOut, NoteBody, ReadinessBody, ReasonBody,
                              RecommendationOut, RegisterApplicantBody, ReportVacancyBody, ReturnBody,
                              UnitLeaderResponseBody, UnitLeaderResponseOut, UnitOut, VacancyOut, ViewingBody)

bp = Blueprint("casework", __name__, url_prefix="/api/v1")
bp.before_request(require_login)  # 401 before anything else, the body included

WRITE_ERRORS = (401, 403, 404, 409, 422)
VACANCY = "/vacancies/<int:vacancy_id>"


# -- units and homes ---------------------------------------------------------------------------

@operation(bp, "GET", "/units", summary="Botiltakene med tjenestetilbud og boliger (ingen personopplysninger)",
           response=list[UnitOut], errors=(401,))
def list_units():
    return respond(units.list_units(casework_context()), list[UnitOut])


# -- vacancies (steps 1-3) -------------------------------------------------------------------

@operation(bp, "POST", "/vacancies", summary="Meld en bolig ledig (steg 1-2)", body=ReportVacancyBody,
           response=VacancyOut, status=201, errors=WRITE_ERRORS)
def report_vacancy():
    body = parse_body(ReportVacancyBody)
    return respond(vacancies.report_vacancy(casework_context(), **body_args(body)), VacancyOut, 201)


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


@operation(bp, "POST", VACANCY + "/readiness", summary="Boligens status: fraflyttet, under klargjøring, klar",
           body=ReadinessBody, response=VacancyOut, errors=WRITE_ERRORS)
def update_readiness(vacancy_id: int):
    body = parse_body(ReadinessBody)
    return respond(vacancies.update_readiness(casework_context(), vacancy_id, **body_args(body)), VacancyOut)


@operation(bp, "GET", VACANCY + "/timeline", summary="Sakens tidslinje: hva, hvem, når", response=list[EventOut])
def timeline(vacancy_id: int):
    return respond(vacancies.timeline(casework_context(), vacancy_id), list[EventOut])


@operation(bp, "GET", VACANCY + "/metrics", summary="Saksbehandlingstid, ledige dager og tomgangstap",
           response=MetricsOut)
def metrics(vacancy_id: int):
    return respond(vacancies.vacancy_metrics(casework_context(), vacancy_id), MetricsOut)


# -- nominations (step 4) --------------------------------------------------------------------

@operation(bp, "POST", VACANCY + "/nominations", summary="Nominer kontorets ene kandidat (steg 4)",
           body=NominateBody, response=NominationOut, status=201, errors=WRITE_ERRORS)
def nominate(vacancy_id: int):
    body = parse_body(NominateBody)
    return respond(nominations.nominate(casework_context(), vacancy_id, body.applicant_id), NominationOut, 201)


@operation(bp, "POST", "/nominations/<int:nomination_id>/withdraw", summary="Trekk tilbake nominasjonen",
           body=ReasonBody, response=NominationOut, errors=WRITE_ERRORS)
def withdraw_nomination(nomination_id: int):
    body = parse_body(ReasonBody)
    return respond(nominations.withdraw_nomination(casework_context(), nomination_id, **body_args(body)),
                   NominationOut)


# -- applicants, checklist, housing journal (step 5) ------------------------------------------

@operation(bp, "GET", "/applicants", summary="Ventelisten (en saksbehandler: eget kontor)",
           response=list[ApplicantOut], errors=(401, 403), query=[{
               "name": "welfare_office", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "Kontoret (Midtbyen, Østbyen, Lerkendal, Heimdal)."}])
def waiting_list():
    office = request.args.get("welfare_office")
    return respond(applicants.list_waiting_list(casework_context(), office), list[ApplicantOut])


@operation(bp, "POST", "/applicants", summary="Før opp en søker på ventelisten", body=RegisterApplicantBody,
           response=ApplicantOut, status=201, errors=WRITE_ERRORS)
def register_applicant():
    body = parse_body(RegisterApplicantBody)
    return respond(applicants.register_applicant(casework_context(), **body_args(body)), ApplicantOut, 201)


@operation(bp, "GET", "/applicants/<int:applicant_id>",
           summary="En kandidat med sjekkliste og boligjournal, slik du har tilgang til å se (logges)",
           response=ApplicantOut)
def get_candidate(applicant_id: int):
    return respond(applicants.get_candidate(casework_context(), applicant_id), ApplicantOut)


@operation(bp, "POST", "/applicants/<int:applicant_id>/checklist", summary="Før sjekklisten (steg 5)",
           body=ChecklistBody, response=JournalEntryOut, status=201, errors=WRITE_ERRORS)
def record_checklist(applicant_id: int):
    body = parse_body(ChecklistBody)
    return respond(applicants.record_checklist(casework_context(), applicant_id, **body_args(body)),
                   JournalEntryOut, 201)


@operation(bp, "POST", "/applicants/<int:applicant_id>/journal",
           summary="Endring i sjekklisten som ny journalføring (boligjournal)", body=JournalBody,
           response=JournalEntryOut, status=201, errors=WRITE_ERRORS)
def record_journal_change(applicant_id: int):
    body = parse_body(JournalBody)
    return respond(applicants.record_journal_change(casework_context(), applicant_id, **body_args(body)),
                   JournalEntryOut, 201)


# -- recommendation and four eyes (step 6) -----------------------------------------------------

@operation(bp, "POST", VACANCY + "/recommendation", summary="Skriv innstillingen: ranger de nominerte (steg 6)",
           response=RecommendationOut, status=201, errors=WRITE_ERRORS)
def make_recommendation(vacancy_id: int):
    return respond(recommendations.make_recommendation(casework_context(), vacancy_id), RecommendationOut, 201)


@operation(bp, "GET", "/recommendations/<int:recommendation_id>",
           summary="Innstillingen slik du har tilgang til å se den (logges)", response=RecommendationOut)
def get_recommendation(recommendation_id: int):
    return respond(recommendations.get_recommendation(casework_context(), recommendation_id), RecommendationOut)


@operation(bp, "POST", "/recommendations/<int:recommendation_id>/approve",
           summary="Godkjenn innstillingen (fire øyne: ikke den som skrev den)", body=NoteBody,
           response=RecommendationOut, errors=WRITE_ERRORS)
def approve_recommendation(recommendation_id: int):
    body = parse_body(NoteBody)
    return respond(recommendations.approve_recommendation(casework_context(), recommendation_id,
                                                          **body_args(body)), RecommendationOut)


@operation(bp, "POST", "/recommendations/<int:recommendation_id>/return",
           summary="Send innstillingen tilbake; saken åpnes igjen", body=ReturnBody, response=RecommendationOut,
           errors=WRITE_ERRORS)
def return_recommendation(recommendation_id: int):
    body = parse_body(ReturnBody)
    return respond(recommendations.return_recommendation(casework_context(), recommendation_id,
                                                         **body_args(body)), RecommendationOut)


@operation(bp, "POST", "/recommendations/<int:recommendation_id>/rerank",
           summary="Ranger lagret inndata på nytt med lagret regelverksversjon", errors=WRITE_ERRORS)
def rerank(recommendation_id: int):
    return respond(recommendations.rerank(casework_context(), recommendation_id))


# -- the unit leader and the consultation meeting (steps 7-8) ------------------------------------

@operation(bp, "POST", VACANCY + "/unit-leader-response", summary="Enhetslederen er enig eller har innsigelse (steg 7)",
           body=UnitLeaderResponseBody, response=UnitLeaderResponseOut, status=201, errors=WRITE_ERRORS)
def unit_leader_response(vacancy_id: int):
    body = parse_body(UnitLeaderResponseBody)
    return respond(consultation.unit_leader_respond(casework_context(), vacancy_id, **body_args(body)),
                   UnitLeaderResponseOut, 201)


@operation(bp, "POST", VACANCY + "/consultation", summary="Kall inn til drøftingsmøte (steg 8)",
           body=ConsultationBody, response=MeetingOut, status=201, errors=WRITE_ERRORS)
def open_consultation(vacancy_id: int):
    body = parse_body(ConsultationBody)
    return respond(consultation.open_consultation(casework_context(), vacancy_id, **body_args(body)),
                   MeetingOut, 201)


@operation(bp, "POST", VACANCY + "/consultation/minutes", summary="Referat og utfall av drøftingsmøtet",
           body=MinutesBody, response=MeetingOut, errors=WRITE_ERRORS)
def record_meeting(vacancy_id: int):
    body = parse_body(MinutesBody)
    return respond(consultation.record_meeting(casework_context(), vacancy_id, **body_args(body)), MeetingOut)


# -- decision and declined offers (step 9) ------------------------------------------------------

@operation(bp, "POST", VACANCY + "/decision", summary="Vedtak om tildeling (steg 9)", body=DecisionBody,
           response=DecisionOut, status=201, errors=WRITE_ERRORS)
def decide(vacancy_id: int):
    body = parse_body(DecisionBody)
    return respond(decisions.decide(casework_context(), vacancy_id, **body_args(body)), DecisionOut, 201)


@operation(bp, "POST", VACANCY + "/decline", summary="Søkeren takker nei; neste kandidat rykker opp",
           body=DeclineBody, response=DeclinedOut, status=201, errors=WRITE_ERRORS)
def decline(vacancy_id: int):
    body = parse_body(DeclineBody)
    return respond(decisions.decline_offer(casework_context(), vacancy_id, **body_args(body)), DeclinedOut, 201)


# -- moving in (steps 10-11) ---------------------------------------------------------------------

@operation(bp, "POST", VACANCY + "/viewing", summary="Visning avtalt (steg 10)", body=ViewingBody,
           response=MoveInStepOut, status=201, errors=WRITE_ERRORS)
def book_viewing(vacancy_id: int):
    body = parse_body(ViewingBody)
    return respond(movein.book_viewing(casework_context(), vacancy_id, **body_args(body)), MoveInStepOut, 201)


@operation(bp, "POST", VACANCY + "/contract", summary="Kontrakten er signert (steg 11)", body=ContractBody,
           response=MoveInStepOut, status=201, errors=WRITE_ERRORS)
def sign_contract(vacancy_id: int):
    body = parse_body(ContractBody)
    return respond(movein.sign_contract(casework_context(), vacancy_id, **body_args(body)), MoveInStepOut, 201)


@operation(bp, "POST", VACANCY + "/movein-steps", summary="Bostøtte søkt, strøm bestilt, ny adresse meldt",
           body=MoveInStepBody, response=MoveInStepOut, status=201, errors=WRITE_ERRORS)
def movein_step(vacancy_id: int):
    body = parse_body(MoveInStepBody)
    return respond(movein.complete_movein_step(casework_context(), vacancy_id, **body_args(body)),
                   MoveInStepOut, 201)


@operation(bp, "POST", VACANCY + "/move-in", summary="Den nye leieren har flyttet inn; saken avsluttes",
           body=MoveInBody, response=MovedInOut, errors=WRITE_ERRORS)
def move_in(vacancy_id: int):
    body = parse_body(MoveInBody)
    return respond(movein.register_move_in(casework_context(), vacancy_id, **body_args(body)), MovedInOut)
