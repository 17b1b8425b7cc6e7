"""Who read and who changed what about one applicant, when: the audit log read by person.

GDPR art. 15 gives the applicant the right to know who has processed their data.
Every read of personal data is logged with the applicants it showed (Context.audit_read),
every write with the applicant it concerns, so one query answers it. Reading the
log is itself a read of the applicant's data: restricted and audited.
"""

from __future__ import annotations

from sqlalchemy import select

from service.casework.context import Context, unit_of_work
from service.domain.codes import Role
from service.domain.errors import NotFound
from service.store.models import Applicant, AuditEntry

AUDITORS = {Role.HEAD_OF_ALLOCATION, Role.ADMIN}

#: The actions as a person reads them; an action not named here is shown by its code.
ACTION_LABELS = {
    "applicant_registered": "ført opp på ventelisten", "checklist_recorded": "sjekkliste ført",
    "read_candidate": "leste søkerens opplysninger", "read_waiting_list": "leste ventelisten",
    "read_vacancy": "leste saken", "read_timeline": "leste sakens tidslinje",
    "read_recommendation": "leste innstillingen", "read_audit": "leste revisjonsloggen",
    "nominated": "nominert", "nomination_withdrawn": "nominasjonen trukket tilbake",
    "nomination_not_allocated": "nominasjonen avsluttet: ikke tildelt", "decided": "vedtak fattet",
    "offer_declined": "takket nei", "viewing_booked": "visning avtalt", "contract_signed": "kontrakt signert",
    "movein_step": "steg i innflyttingen", "moved_in": "flyttet inn",
}


def entries_for(session, applicant_id: int) -> list[dict]:
    """Every audit entry about the applicant, oldest first (for the CLI and the page)."""
    rows = session.scalars(select(AuditEntry).where(AuditEntry.applicant_id == applicant_id)
                           .order_by(AuditEntry.at, AuditEntry.id)).all()
    return [{"at": r.at.isoformat(), "actor": r.actor_username, "action": r.action,
             "label": ACTION_LABELS.get(r.action, r.action), "outcome": r.outcome,
             "vacancy_id": r.vacancy_id, "kind": "lest" if r.action.startswith("read_") else "endret"}
            for r in rows]


def find_applicant(session, code: str) -> Applicant:
    applicant = session.scalar(select(Applicant).where(Applicant.code == code))
    if applicant is None:
        raise NotFound(f"Søkeren {code} finnes ikke.")
    return applicant


@unit_of_work
def applicant_audit(ctx: Context, code: str) -> dict:
    """The applicant's audit trail, for the head of allocation (and an administrator)."""
    ctx.require_role(AUDITORS, "Revisjonsloggen leses av avdelingslederen for boligtildeling.",
                     action="read_audit")
    applicant = find_applicant(ctx.session, code)
    entries = entries_for(ctx.session, applicant.id)
    ctx.audit("read_audit", applicant_id=applicant.id)
    return {"code": applicant.code, "applicant_id": applicant.id, "entries": entries}
