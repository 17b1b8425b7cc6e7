"""The fields of the casework's requests as a person names them (bokmål), for messages.

A problem's `path` is the request's own name for the field (`changes`,
`target_groups[1]`, `checklist.tjenestebehov`): right for the API, which echoes it,
never for a sentence a person reads. `field_name` gives the bokmål name; every field
of every command in service/casework/commands.py and of the accounts has one here
(tests/unit/test_field_names.py checks that). A field inside the checklist or the
service profile keeps its vocabulary name (rules/felter.yaml), in brackets.

Standard library only.
"""

from __future__ import annotations

import re

FIELD_NAMES = {
    # vacancies, homes and units
    "home_id": "bolig", "reported_on": "meldt dato", "vacated_on": "fraflyttet dato",
    "ready_on": "klar til innflytting", "readiness": "boligens status", "monthly_rent": "husleie per måned",
    "reason": "begrunnelse", "reference": "saksreferanse", "service_profile": "tjenestetilbud",
    "profile": "tjenestetilbud", "departing_resident": "beboeren som flytter ut", "stage": "steg",
    "unit_id": "botiltakets id", "address": "adresse", "facts": "opplysninger",
    # applicants, checklist and journal
    "applicant_id": "søker", "nomination_id": "nominasjon", "code": "kode", "name": "navn",
    "birth_date": "fødselsdato", "application_received": "søknad mottatt", "target_groups": "målgrupper",
    "welfare_office": "helse- og velferdskontor", "checklist": "sjekkliste", "changes": "endringer",
    "note": "merknad",
    # recommendation, unit leader, meeting, decision
    "recommendation_id": "innstilling", "response": "svar", "reason_code": "begrunnelse",
    "reason_text": "begrunnelse i fritekst", "preferred_candidate": "foretrukket kandidat",
    "scheduled_for": "tidspunkt for møtet", "participants": "deltakere", "role": "rolle", "minutes": "referat",
    "outcome": "utfall", "held_on": "møtedato", "candidate": "kandidat",
    "override_code": "begrunnelse for å velge en annen", "override_text": "begrunnelse i fritekst",
    # moving in
    "viewing_at": "tidspunkt for visning", "signed_on": "signert dato", "step": "steg", "done_on": "utført dato",
    "moved_in_on": "innflyttingsdato",
    # accounts and API keys
    "username": "brukernavn", "display_name": "navn", "password": "passord", "old_password": "nåværende passord",
    "new_password": "nytt passord", "email": "e-post", "unit_ids": "botiltak", "label": "navn på nøkkelen",
    "active": "aktiv",
    # the ranking API's parameters
    "as_of": "vurderingsdato",
}

#: Fields that hold vocabulary fields (rules/felter.yaml): what is inside keeps its vocabulary name.
VOCABULARY_HOLDERS = frozenset({"checklist", "changes", "service_profile", "profile", "facts"})

_PART = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def field_name(path: str) -> str:
    """`changes` -> «endringer», `target_groups[1]` -> «målgrupper nr. 2»,
    `checklist.tjenestebehov` -> «sjekkliste (tjenestebehov)»; a path not named here stays as it is."""
    if not path:
        return ""
    head, _, rest = path.partition(".")
    found = _PART.fullmatch(head)
    if found is None or found.group(1) not in FIELD_NAMES:
        return path
    name = FIELD_NAMES[found.group(1)]
    for index in re.findall(r"\[(\d+)\]", found.group(2)):
        name += f" nr. {int(index) + 1}"
    if rest:
        name += f" ({rest if found.group(1) in VOCABULARY_HOLDERS else field_name(rest)})"
    return name


def in_words(path: str, message: str) -> str:
    """A problem as a sentence reads it: «Endringer: oppgi minst ett felt som er endret»."""
    name = field_name(path)
    return f"{name[:1].upper()}{name[1:]}: {message}" if name else message
