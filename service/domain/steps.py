"""The routine's steps on a vacancy: one table, one name per step from the domain to the page and the route.

Each `Step` says in which stages of the vacancy it is allowed, who takes it, and
what a person must be in the case to be offered it. From this table come:

- the transition check every casework function makes (`require_step`),
- the forms a page offers a person in a stage (`offered_steps`),
- the routes: `POST /api/v1/vacancies/{id}/<segment>` and `POST /ledige-boliger/{id}/<segment>`,
  where the segment is the step's name with hyphens (`book_viewing` -> `book-viewing`), and the
  casework function of the same name does the step.

Whether the person may take the step (their office, their unit, four eyes) is
checked again by the casework function itself, with the reason in its refusal;
the conditions here only decide what is offered.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from service.domain.codes import ALLOCATION_TEAM, STAGE_LABELS, UNDECIDED, Role, Stage
from service.domain.errors import IllegalTransition


@dataclass(frozen=True)
class Situation:
    """What the page knows about the person and the case when it decides which forms to show."""

    role: Role
    stage: Stage
    leads_unit: bool = False                 # a unit leader of the vacancy's unit
    own_office_nominated: bool = False       # a caseworker whose office has an active nomination here
    any_active_nomination: bool = False
    wrote_recommendation: bool = False       # the author of the recommendation waiting for approval
    own_nominee_decided: bool = False        # a caseworker whose office's nominee got the current decision
    home_ready: bool = False                 # the unit has reported the home ready to move into
    movein_steps_left: bool = False          # after-contract steps not yet registered
    checklist_changed: bool = False          # a nominee's checklist changed after the latest recommendation


@dataclass(frozen=True)
class Step:
    """One step of the routine on a vacancy."""

    name: str
    verb: str                                # bokmål, for refusals: "Kan ikke {verb} nå"
    summary: str                             # bokmål, what the step records (API description)
    stages: frozenset[Stage]
    roles: frozenset[Role]
    offered: Callable[[Situation], bool] = field(default=lambda s: True, repr=False)
    confirm: str = ""                        # bokmål: what cannot be undone; a page asks before it is done

    @property
    def segment(self) -> str:
        """The step's name in a URL."""
        return self.name.replace("_", "-")

    def offered_to(self, situation: Situation) -> bool:
        return (situation.stage in self.stages and situation.role in self.roles
                and self.offered(situation))


TEAM = ALLOCATION_TEAM
CASEWORKER = frozenset({Role.CASEWORKER})
UNIT_LEADER = frozenset({Role.UNIT_LEADER})

STEPS: tuple[Step, ...] = (
    Step("nominate", "nominere kandidater", "Nominer kontorets ene kandidat (steg 4)",
         frozenset({Stage.OPEN}), CASEWORKER, lambda s: not s.own_office_nominated),
    Step("withdraw_nomination", "trekke tilbake en nominasjon", "Trekk tilbake kontorets nominasjon",
         frozenset({Stage.OPEN}), CASEWORKER, lambda s: s.own_office_nominated,
         confirm="Nominasjonen trekkes tilbake og kan ikke hentes fram igjen. Kontoret kan nominere en kandidat "
                 "på nytt så lenge boligen er åpen for nominasjoner."),
    Step("make_recommendation", "skrive innstilling", "Skriv innstillingen: ranger de nominerte (steg 6)",
         frozenset({Stage.OPEN}), TEAM, lambda s: s.any_active_nomination,
         confirm="De aktive nominerte rangeres etter regelverket som gjelder i dag, og innstillingen lagres slik "
                 "den er. Etterpå kan nominasjonene ikke trekkes tilbake."),
    Step("approve_recommendation", "godkjenne innstillingen",
         "Godkjenn innstillingen (fire øyne: ikke den som skrev den)",
         frozenset({Stage.RECOMMENDED}), TEAM, lambda s: not s.wrote_recommendation),
    Step("return_recommendation", "sende innstillingen tilbake", "Send innstillingen tilbake; saken åpnes igjen",
         frozenset({Stage.RECOMMENDED}), TEAM, lambda s: not s.wrote_recommendation),
    Step("rank_again", "rangere på nytt med dagens opplysninger",
         "Ny innstilling med dagens sjekklister når en sjekkliste er endret etter innstillingen",
         frozenset({Stage.RECOMMENDED, Stage.APPROVED, Stage.AGREED, Stage.OBJECTED, Stage.IN_CONSULTATION,
                    Stage.DISPUTED}), TEAM, lambda s: s.checklist_changed,
         confirm="Innstillingen skrives på nytt med sjekklistene slik de er i dag, og må godkjennes på nytt av en "
                 "annen boligkonsulent (fire øyne) før den legges fram for enhetslederen igjen. Den forrige "
                 "innstillingen, svaret og referatene blir stående i saken."),
    Step("unit_leader_respond", "svare på innstillingen", "Enhetslederen er enig eller har innsigelse (steg 7)",
         frozenset({Stage.APPROVED}), UNIT_LEADER, lambda s: s.leads_unit),
    Step("open_consultation", "kalle inn til drøftingsmøte", "Kall inn til drøftingsmøte (steg 8)",
         frozenset({Stage.OBJECTED, Stage.AGREED}), TEAM),  # once the unit leader has answered
    Step("record_meeting", "føre referat fra drøftingsmøtet", "Referat og utfall av drøftingsmøtet",
         frozenset({Stage.IN_CONSULTATION}), TEAM),
    Step("decide", "fatte vedtak", "Vedtak om tildeling (steg 9)",
         frozenset({Stage.AGREED, Stage.DISPUTED}), TEAM,
         lambda s: (s.stage != Stage.DISPUTED or s.role == Role.HEAD_OF_ALLOCATION) and not s.wrote_recommendation,
         confirm="Vedtaket om tildeling fattes, og vedtaksbrevene kan skrives ut. Et fattet vedtak kan ikke endres; "
                 "det faller bare bort om søkeren takker nei."),
    Step("decline_offer", "registrere at søkeren takker nei", "Søkeren takker nei; neste kandidat rykker opp",
         frozenset({Stage.DECIDED, Stage.VIEWING_BOOKED}), TEAM | CASEWORKER,
         lambda s: s.role != Role.CASEWORKER or s.own_nominee_decided,
         confirm="Vedtaket faller bort, og neste kandidat i innstillingen rykker opp. Dette kan ikke angres."),
    Step("book_viewing", "avtale visning", "Visning avtalt (steg 10)", frozenset({Stage.DECIDED}), TEAM,
         lambda s: s.home_ready),
    Step("sign_contract", "registrere signert kontrakt", "Kontrakten er signert (steg 11)",
         frozenset({Stage.VIEWING_BOOKED}), TEAM),
    Step("complete_movein_step", "registrere steg i innflyttingen",
         "Bostøtte søkt, strøm bestilt, ny adresse meldt",
         frozenset({Stage.CONTRACT_SIGNED, Stage.MOVED_IN}), TEAM, lambda s: s.movein_steps_left),
    Step("register_move_in", "registrere innflytting", "Den nye leieren har flyttet inn; saken avsluttes",
         frozenset({Stage.CONTRACT_SIGNED}), TEAM,
         confirm="Saken avsluttes. Etterpå kan ingenting i saken endres."),
    Step("update_readiness", "endre boligens status", "Boligens status: fraflyttet, under klargjøring, klar",
         frozenset(Stage) - {Stage.MOVED_IN}, TEAM | UNIT_LEADER,
         lambda s: s.role != Role.UNIT_LEADER or s.leads_unit),
)

BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}
BY_SEGMENT: dict[str, Step] = {step.segment: step for step in STEPS}

# Clearer words for the mistakes people actually make.
_SPECIFIC = {
    ("decide", Stage.OPEN): "Vedtak kan ikke fattes før det er skrevet en innstilling.",
    ("decide", Stage.RECOMMENDED): "Vedtak kan ikke fattes før innstillingen er godkjent av en annen "
                                   "boligkonsulent (fire øyne).",
    ("decide", Stage.APPROVED): "Vedtak kan ikke fattes før enhetslederen har svart på innstillingen.",
    ("decide", Stage.OBJECTED): "Enhetslederen har innsigelse: kall inn til drøftingsmøte før vedtak.",
    ("decide", Stage.IN_CONSULTATION): "Vedtak kan ikke fattes før referatet fra drøftingsmøtet er ført.",
    ("nominate", Stage.DECIDED): "Boligen er allerede tildelt; det kan ikke nomineres flere kandidater.",
    ("withdraw_nomination", Stage.RECOMMENDED): "Innstillingen er skrevet; nominasjonen kan ikke lenger "
                                                "trekkes tilbake.",
    ("book_viewing", Stage.CONTRACT_SIGNED): "Kontrakten er allerede signert.",
    ("open_consultation", Stage.APPROVED): "Drøftingsmøte kalles inn når enhetslederen har svart på innstillingen.",
}


def require_step(name: str, stage: str) -> None:
    """Raise IllegalTransition (bokmål) unless step `name` is allowed in `stage`."""
    step = BY_NAME[name]
    current = Stage(stage)
    if current in step.stages:
        return
    specific = _SPECIFIC.get((name, current))
    if specific is None and name == "nominate" and current not in UNDECIDED:
        specific = _SPECIFIC[("nominate", Stage.DECIDED)]
    if specific is None and name == "withdraw_nomination" and current != Stage.OPEN:
        specific = _SPECIFIC[("withdraw_nomination", Stage.RECOMMENDED)]
    raise IllegalTransition(specific or f"Kan ikke {step.verb} nå: saken har status «{STAGE_LABELS[current]}».")


def offered_steps(situation: Situation) -> list[Step]:
    """The steps to offer this person in this case, in the table's order."""
    return [step for step in STEPS if step.offered_to(situation)]
