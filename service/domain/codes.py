"""The routine's vocabulary: roles, the stages of a vacancy, coded reasons, move-in steps.

Standard library only. The store (ORM) imports these codes; the steps that move a
vacancy from stage to stage are in service/domain/steps.py; nothing here knows
about the database or the web. Codes are stable identifiers stored in the
database; every label is the bokmål text a user reads.

The stages of a vacancy (ledig bolig) follow the eleven steps of the routine:

    open             meldt ledig, tar imot nominasjoner          (steps 1-5)
    recommended      innstilling skrevet, venter på godkjenning  (step 6)
    approved         godkjent av en annen konsulent (fire øyne),
                     lagt fram for enhetslederen                 (step 7)
    agreed           enighet med enhetslederen                   (step 7)
    objected         enhetslederen har innsigelse                (step 8)
    in_consultation  drøftingsmøte innkalt                       (step 8)
    disputed         fortsatt uenighet: avdelingslederen avgjør  (step 8)
    decided          vedtak om tildeling                         (step 9)
    viewing_booked   visning avtalt                              (step 10)
    contract_signed  kontrakt signert                            (step 11)
    moved_in         innflyttet                                  (step 11)

A declined offer (takker nei) sends the vacancy back to `approved` with the
next ranked candidate presented, or to `open` when nobody is left.
"""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo

#: Where the cases are handled: dates and moments without a time zone are Norwegian time.
OSLO = ZoneInfo("Europe/Oslo")

#: The four health and welfare offices (helse- og velferdskontor, HVK) that keep waiting lists.
OFFICES = ("Midtbyen", "Østbyen", "Lerkendal", "Heimdal")


class Role(StrEnum):
    CONSULTANT = "consultant"                  # boligkonsulent
    HEAD_OF_ALLOCATION = "head_of_allocation"  # avdelingsleder, boligtildeling
    CASEWORKER = "caseworker"                  # saksbehandler ved et HVK
    UNIT_LEADER = "unit_leader"                # enhetsleder ved et botiltak
    POLICY_OFFICER = "policy_officer"          # rådgiver som forvalter regelverket
    ADMIN = "admin"                            # administrator


ROLE_LABELS = {
    Role.CONSULTANT: "boligkonsulent",
    Role.HEAD_OF_ALLOCATION: "avdelingsleder for boligtildeling",
    Role.CASEWORKER: "saksbehandler ved helse- og velferdskontor",
    Role.UNIT_LEADER: "enhetsleder ved botiltak",
    Role.POLICY_OFFICER: "rådgiver (regelverk)",
    Role.ADMIN: "administrator",
}


def describe_role(role: str, welfare_office: str | None = None) -> str:
    """The role as a sentence names a person: «saksbehandler ved Midtbyen helse- og velferdskontor».

    The label alone (ROLE_LABELS) names the role in general; a caseworker's own office
    takes the place of the general «helse- og velferdskontor», so the office is named once.
    """
    role = Role(role)
    if role == Role.CASEWORKER and welfare_office:
        return f"saksbehandler ved {welfare_office} helse- og velferdskontor"
    return ROLE_LABELS[role]


#: The allocation team (boligtildelingen): owns the decision.
ALLOCATION_TEAM = frozenset({Role.CONSULTANT, Role.HEAD_OF_ALLOCATION})


class Stage(StrEnum):
    OPEN = "open"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    AGREED = "agreed"
    OBJECTED = "objected"
    IN_CONSULTATION = "in_consultation"
    DISPUTED = "disputed"
    DECIDED = "decided"
    VIEWING_BOOKED = "viewing_booked"
    CONTRACT_SIGNED = "contract_signed"
    MOVED_IN = "moved_in"


STAGE_LABELS = {
    Stage.OPEN: "åpen for nominasjoner",
    Stage.RECOMMENDED: "innstilling venter på godkjenning",
    Stage.APPROVED: "innstilling lagt fram for enhetslederen",
    Stage.AGREED: "enighet med enhetslederen",
    Stage.OBJECTED: "enhetslederen har innsigelse",
    Stage.IN_CONSULTATION: "drøftingsmøte innkalt",
    Stage.DISPUTED: "uenighet etter drøftingsmøte: avdelingslederen avgjør",
    Stage.DECIDED: "tildelt (vedtak fattet)",
    Stage.VIEWING_BOOKED: "visning avtalt",
    Stage.CONTRACT_SIGNED: "kontrakt signert",
    Stage.MOVED_IN: "innflyttet",
}

#: Stages in which the vacancy is still being processed (not yet decided).
UNDECIDED = frozenset({Stage.OPEN, Stage.RECOMMENDED, Stage.APPROVED, Stage.AGREED, Stage.OBJECTED,
                       Stage.IN_CONSULTATION, Stage.DISPUTED})


class Readiness(StrEnum):
    """The home's physical state (boligens status), as the unit reports it."""

    VACATED = "vacated"                # fraflyttet
    BEING_PREPARED = "being_prepared"  # under klargjøring
    READY = "ready"                    # klar til innflytting


#: Readiness as the engine's vocabulary codes it (`ledig_bolig.status` in rules/felter.yaml).
READINESS_ENGINE_CODES = {
    Readiness.VACATED: "fraflyttet",
    Readiness.BEING_PREPARED: "under_klargjoring",
    Readiness.READY: "klar",
}
READINESS_LABELS = {
    Readiness.VACATED: "fraflyttet",
    Readiness.BEING_PREPARED: "under klargjøring",
    Readiness.READY: "klar til innflytting",
}


class NominationStatus(StrEnum):
    ACTIVE = "active"          # aktiv
    WITHDRAWN = "withdrawn"    # trukket tilbake av kontoret
    DECLINED = "declined"      # søkeren takket nei til tilbudet
    NOT_ALLOCATED = "not_allocated"  # ikke tildelt: a decision for another nominee stands (contract signed)
    ALLOCATED = "allocated"    # tildelt: the nominee has moved in; the case is closed


NOMINATION_LABELS = {
    NominationStatus.ACTIVE: "aktiv",
    NominationStatus.WITHDRAWN: "trukket tilbake",
    NominationStatus.DECLINED: "takket nei",
    NominationStatus.NOT_ALLOCATED: "ikke tildelt",
    NominationStatus.ALLOCATED: "tildelt, innflyttet",
}


class ApplicantStatus(StrEnum):
    WAITING = "waiting"        # på ventelisten
    HOUSED = "housed"          # har flyttet inn i en bolig


class Response(StrEnum):
    """The unit leader's answer to the recommendation (step 7)."""

    AGREE = "enig"
    OBJECT = "innsigelse"


#: Coded reasons for a unit leader's objection (step 8 of the routine).
OBJECTION_REASONS = {
    "tjenester": "botiltaket kan ikke gi nok tjenester i denne boligen",
    "sammensetning": "sammensetningen av beboergruppen blir ikke god",
    "atferd": "personens atferd er for krevende for botiltaket",
    "annet": "annet (skriftlig begrunnelse kreves)",
}

#: Coded reasons for choosing someone other than the top-ranked candidate.
OVERRIDE_REASONS = {
    "likeverdig": "likeverdig kandidat, valgt i samråd med enhetslederen",
    "sammensetning": "hensynet til sammensetningen av beboergruppen",
    "tjenester": "botiltakets tjenestetilbud passer bedre for denne kandidaten",
    "atferd": "hensynet til atferd og sikkerhet i botiltaket",
    "drofting": "utfallet av drøftingsmøtet",
    "annet": "annet (skriftlig begrunnelse kreves)",
}

#: Outcomes of a consultation meeting (drøftingsmøte).
MEETING_OUTCOMES = {
    "enighet": "enighet om tildelingen",
    "uenighet": "fortsatt uenighet: avdelingslederen avgjør",
}

#: Coded reasons an applicant gives for declining an offer (takker nei).
DECLINE_REASONS = {
    "boligen": "boligen passer ikke (størrelse, planløsning, standard)",
    "beliggenhet": "beliggenheten passer ikke",
    "tjenester": "ønsker ikke tjenestetilbudet i botiltaket",
    "annen_losning": "har fått en annen boligløsning",
    "annet": "annet (skriftlig begrunnelse kreves)",
}


class MoveInStep(StrEnum):
    """Steps 10-11: from the viewing to the new address."""

    VIEWING_BOOKED = "viewing_booked"
    CONTRACT_SIGNED = "contract_signed"
    HOUSING_ALLOWANCE_APPLIED = "housing_allowance_applied"
    ELECTRICITY_ORDERED = "electricity_ordered"
    ADDRESS_REPORTED = "address_reported"


MOVEIN_LABELS = {
    MoveInStep.VIEWING_BOOKED: "visning avtalt",
    MoveInStep.CONTRACT_SIGNED: "kontrakt signert",
    MoveInStep.HOUSING_ALLOWANCE_APPLIED: "søknad om bostøtte sendt",
    MoveInStep.ELECTRICITY_ORDERED: "strøm bestilt",
    MoveInStep.ADDRESS_REPORTED: "ny adresse meldt til Folkeregisteret",
}

#: The after-contract checklist (step 11), in the order it is usually done.
AFTER_CONTRACT_STEPS = (MoveInStep.HOUSING_ALLOWANCE_APPLIED, MoveInStep.ELECTRICITY_ORDERED,
                        MoveInStep.ADDRESS_REPORTED)


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(Stage(stage), stage)
