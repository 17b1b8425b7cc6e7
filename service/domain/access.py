"""Who may see and do what (tilgangsstyring): need-to-know rules as plain functions.

Health and behaviour information is special-category personal data (GDPR art. 9),
so access follows the role and its binding, never the other way round:

- the allocation team (boligkonsulent, avdelingsleder) sees every candidate;
- a caseworker (saksbehandler) sees only the applicants of their own welfare office;
- a unit leader (enhetsleder) sees only the nominees presented to them for open
  vacancies in their own units, after the four-eyes approval, and of the checklist
  only the fields marked `deles_med_botiltak` in the vocabulary, and only when the
  applicant consented (`samtykke_deling`);
- policy officers and administrators see no person's data.

Standard library only; `actor` is anything with `role`, `welfare_office` and `unit_ids`.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from service.domain.codes import ALLOCATION_TEAM, Role

CONSENT_FIELD = "samtykke_deling"


class Actor(Protocol):
    role: str
    welfare_office: str | None

    @property
    def unit_ids(self) -> set[str]: ...


def is_allocation_team(actor: Actor) -> bool:
    return Role(actor.role) in ALLOCATION_TEAM


def may_read_applicant(actor: Actor, applicant_office: str, presented_to_units: Iterable[str] = ()) -> bool:
    """May `actor` read this applicant's data at all?

    `presented_to_units`: the units of the open vacancies whose approved recommendation
    presents the applicant to the unit leader - what a unit leader's access hangs on.
    """
    role = Role(actor.role)
    if role in ALLOCATION_TEAM:
        return True
    if role == Role.CASEWORKER:
        return actor.welfare_office == applicant_office
    if role == Role.UNIT_LEADER:
        return bool(set(presented_to_units) & set(actor.unit_ids))
    return False


def may_read_waiting_list(actor: Actor, office: str | None) -> bool:
    """The whole waiting list (office None) is for the allocation team; a caseworker sees their own."""
    role = Role(actor.role)
    if role in ALLOCATION_TEAM:
        return True
    return role == Role.CASEWORKER and office is not None and office == actor.welfare_office


def sees_full_checklist(actor: Actor, applicant_office: str) -> bool:
    role = Role(actor.role)
    return role in ALLOCATION_TEAM or (role == Role.CASEWORKER and actor.welfare_office == applicant_office)


def shared_with_unit(checklist: dict | None, shareable_fields: Iterable[str]) -> dict | None:
    """The part of a checklist a unit leader may see, or None without consent.

    Only fields marked `deles_med_botiltak`, and only when `samtykke_deling` is true
    in the same checklist version.
    """
    if not checklist or checklist.get(CONSENT_FIELD) is not True:
        return None
    allowed = set(shareable_fields)
    return {name: value for name, value in checklist.items() if name in allowed}


def may_act_for_unit(actor: Actor, unit_id: str) -> bool:
    """Reporting a vacancy and answering recommendations: the unit's own leader (or the team)."""
    role = Role(actor.role)
    return role in ALLOCATION_TEAM or (role == Role.UNIT_LEADER and unit_id in actor.unit_ids)
