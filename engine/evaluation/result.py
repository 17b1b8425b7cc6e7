"""The ranking result (rangering): what the CLI prints, the API returns and a recommendation stores.

Field names are English (it is an API); every text a person reads is bokmål.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema


class Peers(Sequence):
    """The ids of the candidates of equal standing with one candidate (likeverdige): a window of the
    ranking without the candidate itself, read from one tuple of ids shared by the whole ranking.

    Candidates of equal standing are those ranked next to each other within the margin, so a
    candidate's peers are always a run of the ranking. Written out as lists, 5,000 candidates of
    one score would hold 5,000 lists of 4,999 ids (25 million strings, most of the ranking's
    time); as windows they hold 5,000 small objects, and a list is made only when one is read
    out (JSON, `list(...)`). It reads, compares and serializes as the list of ids it stands for.
    """

    __slots__ = ("_ids", "_first", "_own", "_end")

    def __init__(self, ids: tuple[str, ...], first: int, own: int, end: int):
        self._ids, self._first, self._own, self._end = ids, first, own, end

    def __len__(self) -> int:
        return self._end - self._first - 1

    def __iter__(self):
        ids = self._ids
        return itertools.chain(itertools.islice(ids, self._first, self._own),
                               itertools.islice(ids, self._own + 1, self._end))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        index += self._first
        return self._ids[index + 1 if index >= self._own else index]

    def __contains__(self, value) -> bool:
        return value != self._ids[self._own] and value in self._ids[self._first:self._end]

    def __eq__(self, other) -> bool:
        if isinstance(other, (Peers, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # like the list it stands for

    def __repr__(self) -> str:
        return repr(list(self))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Taken as it is when the engine made it; a list of ids (a stored ranking read back) is
        validated as one. Serialized as the list, so the JSON and the schema are a plain array."""
        ids = core_schema.list_schema(core_schema.str_schema())
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), ids],
            serialization=core_schema.plain_serializer_function_ser_schema(
                list, return_schema=ids, when_used="always"))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return {"type": "array", "items": {"type": "string"}}


Outcome = Literal["presenteres", "ikke_presentert", "kan_ikke_tildeles", "oppfyller_ikke_vilkarene"]
OUTCOME_WORDS = ("Utfallet av rangeringen for kandidaten: presenteres (legges fram), ikke_presentert (kan tildeles, men "
                 "legges ikke fram), kan_ikke_tildeles, oppfyller_ikke_vilkarene.")


class RulesVersion(BaseModel):
    label: str = Field(description="Regelverkets versjonsmerke.")
    effective_from: dt.date = Field(description="Datoen regelverket gjelder fra.")
    content_hash: str = Field(description="SHA-256 av regelfilene; samme hash, samme regler.")


class ScoreItem(BaseModel):
    """One criterion (or composition adjustment) that gave points, and why."""

    rule_id: str
    source: Literal["prioritering", "sammensetning"]
    name: str
    points: int
    text: str = Field(description="Begrunnelsen med sakens verdier fylt inn (bokmål).")
    basis: str = Field(description="Hjemmel/grunnlag for kriteriet.")


class UnmetCriterion(BaseModel):
    """A criterion that gave no points: what it would have required."""

    rule_id: str
    name: str
    points_possible: Optional[int] = Field(description="Det meste kriteriet kan gi; tomt når det gir poeng per "
                                                       "enhet uten tak.")
    requirement: str = Field(description="Vilkåret i ord (bokmål).")
    basis: str


class Finding(BaseModel):
    """A block (kan ikke tildeles), a consultation need (drøftingsmøte), an unmet eligibility
    condition (vilkår) or a note to the caseworker (merknad), with the reason."""

    rule_id: str
    source: Literal["egnethet", "sammensetning", "vilkar", "merknad"]
    name: str
    text: str
    basis: str


class Difference(BaseModel):
    rule_id: str
    name: str
    points: int
    points_top: int


class ComparedToTop(BaseModel):
    """Why this candidate is not first: the criteria that made the difference."""

    top_candidate: str
    points_behind: int
    differences: list[Difference]
    text: str
    top_tier: Optional[str] = Field(None, description="Trinnet kandidaten som står først er i, når et høyere "
                                                      "trinn avgjorde (ellers tomt).")


def _empty(value) -> bool:
    return not value


# Results that list the local plans considered, or the decision's content: without any, the result is as
# before they existed, so a bundle without them gives byte for byte the output (and stored JSON) it gave.
# Per field, not a model serializer over the whole result: one of those (mode="wrap") turned the whole
# ranking into Python objects before pydantic wrote it as JSON, a tenth of a rank request's time.
OMITTED_WHEN_EMPTY = {"exclude_if": _empty}


class FactChange(BaseModel):
    """One documented checklist fact as it is and as it would have to be."""

    field: str
    label: str
    now: Optional[Union[bool, str, int, float]] = None
    would_be: Union[bool, str, int, float]
    text: str


class WhatWouldLift(BaseModel):
    """What would change the ranking (hva om): the fewest checklist facts that would put this nominee first."""

    possible: bool = Field(description="Usann når ingen slik endring finnes (f.eks. fordi boligen blokkerer).")
    changes: list[FactChange] = Field(description="Den minste mengden sjekklistefelt som måtte vært annerledes.")
    presented_if: list[FactChange] = Field(
        default_factory=list, exclude_if=_empty,
        description="Når ingen endring løfter kandidaten først: den minste mengden som ville gjort kandidaten "
                    "likeverdig med den første, så de legges fram sammen (utelatt når det ikke finnes).")
    text: str


class TierPlacement(BaseModel):
    """The tier (trinn, band) a candidate is in, and why."""

    id: str
    name: str = Field(description="Trinnets navn, f.eks. «Band B».")
    position: int = Field(description="1 er det høyeste trinnet.")
    text: str = Field(description="Hvorfor kandidaten er i trinnet (bokmål).")
    basis: str
    tie_break_order: list[str] = Field(
        default_factory=list, description="Trinnets egen rekkefølge ved likt poeng, i ord; tom når trinnet "
                                          "følger regelverkets (tie_break_order i rangeringen).")


class PlanOutcome(BaseModel):
    """A local plan (lokal plan, local lettings plan) considered for this home: whether it was in force,
    and if not, why (it fell back, or an earlier plan was in force)."""

    id: str
    name: str = Field(description="Planens navn, f.eks. «Lokal utleieplan for Nyby».")
    applied: bool = Field(description="Sann når planens kriterier, kontroller, verdier og rekkefølge ble brukt.")
    status: Literal["gjelder", "faller_bort", "ikke_vurdert"] = Field(
        description="gjelder: planen ble brukt; faller_bort: planen gjelder boligen, men falt bort ut fra "
                    "kandidatene; ikke_vurdert: en plan foran i listen gjaldt.")
    text: str = Field(description="Det saksbehandleren leser, f.eks. «Lokal utleieplan for Nyby gjelder ikke: "
                                  "ingen av kandidatene har lokal tilknytning.»")
    basis: str
    nominees_meeting_fallback: Optional[int] = Field(
        None, description="Hvor mange av kandidatene som oppfylte betingelsen i faller_bort (når planen har en).")


class DecisionContentItem(BaseModel):
    """One point of what the decision says to a candidate who can be allocated the home (vedtak in
    rangering.yaml): «Leietid: leieavtale normalt på 3 år»."""

    id: str = Field(description="Vedtakspunktets id, f.eks. leietid.")
    name: str = Field(description="Hva punktet gjelder, f.eks. «Leietid».")
    value: str = Field(description="Innholdets kode, f.eks. normalt_3_ar.")
    text: str = Field(description="Det vedtaket sier (bokmål).")
    basis: str


class AppealInfo(BaseModel):
    """The appeal terms of the rules version that ranked (klage in rangering.yaml), kept with the
    ranking so a letter written years later says what applied."""

    deadline_days: int = Field(description="Dager fra brevet er mottatt til klagen må være sendt.")
    decided_within_days: Optional[int] = Field(None, description="Dager klagen avgjøres innen, når regelverket sier det.")
    heading: Optional[str] = None
    text: Optional[str] = Field(None, description="Regelverkets egne ord om hvordan man klager.")
    basis: str


class OutOfScopeInfo(BaseModel):
    """Why nobody was ranked: the rules do not apply to this home (gjelder_ikke in rangering.yaml)."""

    rule_id: str
    name: str
    text: str = Field(description="Det rangeringen sier i stedet (bokmål), med boligens verdier fylt inn.")
    basis: str




class CandidateResult(BaseModel):
    rank: int = Field(description="1 er best. Blokkerte kandidater står etter alle som kan tildeles.")
    id: str
    welfare_office: Optional[str] = Field(None, description="Helse- og velferdskontoret som nominerte (hvk).")
    score: int = Field(description="Summen av points i score_items.")
    eligible: bool = Field(description="Usann når en egnethets- eller sammensetningsregel blokkerer, "
                                       "eller kandidaten ikke oppfyller vilkårene.")
    qualifies: bool = Field(True, description="Usann når kandidaten ikke oppfyller vilkårene for å stå på "
                                              "ventelisten (se unmet_conditions): et avslag på søknaden.")
    unmet_conditions: list[Finding] = Field(default_factory=list, description="Vilkårene som ikke er oppfylt.")
    needs_consultation: bool
    equal_standing_with: Peers = Field(default_factory=list, description="Likeverdige kandidater.")
    outcome: Optional[Outcome] = Field(None, description=OUTCOME_WORDS)
    outcome_text: Optional[str] = Field(None, description="Utfallet med regelverkets egne ord (tekster i "
                                                          "rangering.yaml).")
    score_items: list[ScoreItem]
    unmet_criteria: list[UnmetCriterion]
    blocks: list[Finding]
    consultations: list[Finding]
    tier: Optional[TierPlacement] = Field(
        None, description="Trinnet (band) kandidaten er i, når regelverket rangerer i trinn; ellers tomt.")
    compared_to_top: Optional[ComparedToTop] = None
    what_would_lift: Optional[WhatWouldLift] = Field(
        None, description="Bare når det er bedt om (--hva-om / what_if=true), for kandidater under den første.")


class RankingResult(BaseModel):
    vacancy_id: str
    as_of: dt.date = Field(description="Vurderingsdatoen: måneder og ventetid regnes til denne datoen.")
    rules_version: RulesVersion
    input_hash: str = Field(description="SHA-256 av saken og vurderingsdatoen.")
    tie_margin: float
    tie_break_order: list[str] = Field(description="Rekkefølgen ved likt poeng, i ord.")
    candidates: list[CandidateResult]
    equal_standing_groups: list[list[str]] = Field(
        description="Grupper av likeverdige kandidater (innenfor likhetsmarginen).")
    present_to_unit_leader: list[str] = Field(
        description="Kandidatene som presenteres for enhetslederen: den beste og de likeverdige med den.")
    plans: list[PlanOutcome] = Field(
        default_factory=list, **OMITTED_WHEN_EMPTY,
        description="De lokale planene som gjelder boligen, og om de ble brukt eller falt bort (tom, og utelatt, "
                    "når ingen plan gjelder boligen).")
    decision_content: dict[str, list[DecisionContentItem]] = Field(
        default_factory=dict, **OMITTED_WHEN_EMPTY,
        description="Vedtakets innhold per kandidat som kan tildeles boligen (leietid, husleie ...), når "
                    "regelverket har vedtakspunkter (tom, og utelatt, ellers).")
    appeal: Optional[AppealInfo] = Field(
        None, **OMITTED_WHEN_EMPTY,
        description="Klagefristen og regelverkets ord om klage, når regelverket har dem (ellers utelatt).")
    notes: dict[str, list[Finding]] = Field(
        default_factory=dict, **OMITTED_WHEN_EMPTY,
        description="Merknader per kandidat (f.eks. at bandet skal vurderes på nytt), bare for kandidater med "
                    "minst én (tom, og utelatt, ellers).")
    out_of_scope: Optional[OutOfScopeInfo] = Field(
        None, **OMITTED_WHEN_EMPTY,
        description="Når regelverket ikke gjelder boligen (gjelder_ikke): hvorfor, og da er ingen rangert "
                    "(ellers utelatt).")


class CandidateSummary(BaseModel):
    """One candidate in a compact ranking: standing and the ids of the rules that decided it, no texts."""

    rank: int
    id: str
    welfare_office: Optional[str] = None
    score: int
    eligible: bool
    needs_consultation: bool
    blocked_by: list[str] = Field(description="Id-ene til reglene som blokkerer, i regelverkets rekkefølge.")
    consultation_by: list[str] = Field(description="Id-ene til reglene som krever drøftingsmøte.")
    qualifies: bool = Field(True, description="Usann når kandidaten ikke oppfyller vilkårene.")
    not_qualified_by: list[str] = Field(default_factory=list, description="Id-ene til vilkårene som ikke er oppfylt.")
    tier: Optional[str] = Field(None, description="Id-en til trinnet (band) kandidaten er i, når regelverket har trinn.")
    group: Optional[str] = Field(None, exclude_if=_empty,
                                 description="Gruppen foran (gruppe_foran i en lokal plan) kandidaten står i, når "
                                             "planen gjelder og kandidaten er i en (ellers utelatt).")
    outcome: Optional[Outcome] = Field(None, description=OUTCOME_WORDS)


class RankingSummary(BaseModel):
    """The ranking in brief (sammendrag): for many candidates (screening a waiting list), where
    the full explanation of every point would be megabytes nobody reads. Same order and scores
    as RankingResult for the same case, as-of date and rules version."""

    vacancy_id: str
    as_of: dt.date
    rules_version: RulesVersion
    input_hash: str
    candidates: list[CandidateSummary]
    present_to_unit_leader: list[str]
    plans: list[PlanOutcome] = Field(default_factory=list, description="Som i den fulle rangeringen.",
                                     **OMITTED_WHEN_EMPTY)
    out_of_scope: Optional[OutOfScopeInfo] = Field(None, description="Som i den fulle rangeringen.",
                                                   **OMITTED_WHEN_EMPTY)

